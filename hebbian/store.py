"""The on-disk result format of a sweep: one netCDF-4 file, written point by point.

Layout of ``<file>.h5`` (format ``hebbian.sweep/3``), everything in the root
group, so that netCDF-4 readers (``xarray.open_dataset(path,
engine="h5netcdf")``, netCDF4-python, ``ncdump``) see the whole sweep::

    attributes              format; spec (JSON: task, grid, fixed, seed: what
                            repeats the sweep); provenance (JSON:
                            :func:`hebbian.provenance.provenance`)
    <axis>(<axis>)          one coordinate variable per grid axis: its values
    done(<axes>)            flag: 1 where the point is stored
    seconds(<axes>)         compute time of each point
    checksum(<axes>)        CRC-32 of the point's stored values (see below)
    <output>(<axes>, <output>_dim0, ...)
                            each task output; an array output has dimensions
                            of its own, a text output one more, <output>_strlen

Every variable has ``units`` (``"1"``: a dimensionless number; ``"s"`` for
``seconds``) and ``long_name``.  Numbers are float64 (NaN, also the
``_FillValue``, where not computed), booleans int8 marked ``dtype = "bool"``,
text ``TEXT_BYTES`` characters of UTF-8 marked ``_Encoding = "utf-8"``
(xarray's conventions: it reads them back as bool and str), complex numbers
the netCDF compound type h5netcdf writes for them.  Only text coordinates,
written once, are variable-length strings; an output's values at a point
always fit in bytes allocated before.

Crash safety.  The file is created whole (every dimension and variable
allocated and filled with NaN / False / "", by h5netcdf) under a temporary
name and renamed into place; a new output, met at the first point that
returns it, is added the same way, on a copy.  Storing a point then only
overwrites bytes inside already-allocated, contiguous datasets (through h5py),
never HDF5 metadata: its values and ``seconds`` first, then its ``checksum``,
flushed, then its ``done`` flag, flushed and ``fsync``-ed.  A process killed
at any moment (SIGKILL included) therefore leaves a valid file in which every
point marked done is complete; a point caught half-written is not marked and
is computed again on resume.  A point computed again (``Sweep.run(retry=...)``)
is unmarked first (flushed and ``fsync``-ed), then written the same way.

Integrity.  ``checksum`` is a CRC-32 over the point's grid index, then its
bytes in ``seconds`` and every output, in name order, each preceded by its
name (so a flag set on a point never written does not pass); an output still
holding its fill value (NaN, False, "") at the point is left out, so that an
output added later, or one the point did not return, does not change it.
:func:`load` and every reopening for writing check the structure (format,
spec, ``done`` and the coordinates against the grid) and the checksum of
every stored point: a foreign, damaged or altered file is refused with one
:class:`SweepFileError` (a ``ValueError``) that names the file, what is wrong
(the altered points) and the way out.

:func:`load` returns an :class:`xarray.Dataset` labelled by the grid axes.  It
reads without a lock, so a running sweep can be looked at; the writer holds
an exclusive ``flock``, so two sweeps never write one file at once.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import json
import mmap
import os
import shutil
import struct
import sys
import traceback
import zlib
from pathlib import Path

import h5netcdf
import h5py
import numpy as np

from hebbian.provenance import provenance

__all__ = ["FORMAT", "SweepFile", "SweepFileError", "check_same_sweep", "load"]

FORMAT = "hebbian.sweep/3"
#: Formats written by earlier versions: :func:`load` reads those listed in
#: :data:`READABLE` (without checksums), no sweep resumes them.
OLD_FORMATS = ("hebbian.sweep/1", "hebbian.sweep/2")
READABLE = (FORMAT, "hebbian.sweep/2")
#: Width in bytes of a stored text output (longer text is truncated).
TEXT_BYTES = 256
#: Variables of every sweep file beside the axes and the outputs.
BOOKKEEPING = ("done", "seconds", "checksum")
#: How a sweep file that cannot be used is left behind.
WAY_OUT = "move it away and rerun the sweep into a new output"


class SweepFileError(ValueError):
    """A file that cannot serve as this sweep's file: foreign, damaged, altered, old or busy.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    points : tuple of tuple of int
        Grid indices of stored points whose values no longer match their
        checksum (empty for other problems).
    """

    def __init__(self, path: str | os.PathLike, message: str, points=()):
        super().__init__(message)
        self.path = Path(path)
        self.points = tuple(points)


def _stored(value) -> np.ndarray:
    """``value`` as the array it is stored as: bool, float64, complex128 or text."""
    if isinstance(value, str):
        # Cut at a character boundary, so that the bytes stay valid UTF-8.
        text = value.encode("utf-8")[:TEXT_BYTES].decode("utf-8", "ignore")
        return np.array(text.encode("utf-8"), dtype=f"S{TEXT_BYTES}")
    arr = np.asarray(value)
    if arr.dtype.kind == "b":
        return arr
    if arr.dtype.kind in "iuf":
        return arr.astype(np.float64)
    if arr.dtype.kind == "c":
        return arr.astype(np.complex128)
    raise TypeError(
        f"cannot store a value of type {type(value).__name__} (dtype {arr.dtype}); "
        "a task returns numbers, booleans, text or numeric arrays"
    )


def _fill(dtype: np.dtype):
    return {"b": False, "S": b""}.get(dtype.kind, np.nan)


def _on_disk(value: np.ndarray) -> np.ndarray:
    """``value`` (see :func:`_stored`) as written: booleans as int8, text as characters."""
    if value.dtype.kind == "b":
        return value.astype(np.int8)
    if value.dtype.kind == "S":
        return value[..., None].view("S1")
    return value


def _own_dims(name: str, value: np.ndarray) -> tuple[str, ...]:
    """The dimensions output ``name`` has beside the grid axes: its shape's, then text's."""
    dims = tuple(f"{name}_dim{k}" for k in range(value.ndim))
    return (*dims, f"{name}_strlen") if value.dtype.kind == "S" else dims


def _create(
    f: h5netcdf.File,
    name: str,
    dims: tuple[str, ...],
    data: np.ndarray,
    *,
    fill: bool = False,
    **attrs,
) -> None:
    """Create variable ``name`` over ``dims`` holding ``data``, written whole (allocated now).

    Booleans become int8 marked ``dtype = "bool"``, fixed-width text a
    character array along one more dimension, ``<name>_strlen``, marked
    ``_Encoding = "utf-8"`` (the netCDF and xarray conventions: xarray reads
    both back as bool and str); text coordinates (written once) are
    variable-length strings.  Floats get a NaN ``_FillValue`` if ``fill``.
    """
    fillvalue, dtype = None, None
    if data.dtype.kind == "b":
        attrs["dtype"] = "bool"
    elif data.dtype.kind == "S":
        f.dimensions[f"{name}_strlen"] = data.dtype.itemsize
        dims = (*dims, f"{name}_strlen")
        attrs["_Encoding"] = "utf-8"
    elif data.dtype.kind == "U":
        data, dtype = data.astype(object), h5py.string_dtype()
    elif data.dtype.kind == "f" and fill:
        fillvalue = np.nan
    var = f.create_variable(
        name, dims, dtype, data=_on_disk(data), fillvalue=fillvalue, track_times=False
    )
    var.attrs.update(attrs)


def _canonical(spec: dict) -> str:
    return json.dumps(spec, sort_keys=True)


class SweepFile:
    """The one writer of a sweep's results file.

    Use :meth:`open`; it creates the file or reopens one holding the same
    sweep (to resume it).
    """

    def __init__(self, path: Path, file: h5py.File):
        self.path = path
        self._file = file
        _, self.done = _inspect(file, path, formats=(FORMAT,))
        self._outputs = _outputs(file)

    @classmethod
    def open(cls, path: str | os.PathLike, spec: dict, coords: dict[str, np.ndarray]) -> SweepFile:
        """Create the file for ``spec`` on the grid ``coords``, or reopen it to resume.

        Raises
        ------
        SweepFileError
            ``path`` exists but holds something else: another sweep (a
            different task, grid, fixed parameters or seed), a sweep written
            by an older hebbian, or not a sweep; it is damaged, or values
            stored in it were altered (checksums); another process writes it.
        ValueError
            A grid axis is named like a bookkeeping variable (``done``,
            ``seconds``, ``checksum``).
        """
        path = Path(path)
        if path.exists():
            check_same_sweep(path, spec)
        else:
            clash = sorted(set(coords) & set(BOOKKEEPING))
            if clash:
                raise ValueError(
                    f"grid axis {clash[0]!r} has the name of a variable every sweep file "
                    f"holds ({', '.join(BOOKKEEPING)}); a sweep cannot vary it"
                )
            axes = tuple(coords)
            shape = tuple(len(v) for v in coords.values())

            def build(f):
                # Fixed-length ASCII (JSON escapes the rest), not variable-length
                # strings: those live in a global heap, which HDF5 can loop on
                # forever when it is damaged.
                f.attrs["format"] = np.bytes_(FORMAT.encode())
                f.attrs["spec"] = np.bytes_(_canonical(spec).encode())
                f.attrs["provenance"] = np.bytes_(json.dumps(provenance()).encode())
                for axis, values in coords.items():
                    f.dimensions[axis] = len(values)
                    _create(f, axis, (axis,), np.asarray(values), units="1", long_name=axis)
                _create(
                    f,
                    "done",
                    axes,
                    np.zeros(shape, bool),
                    units="1",
                    long_name="point stored",
                    flag_values=np.array([0, 1], np.int8),
                    flag_meanings="not_stored stored",
                )
                _create(
                    f,
                    "seconds",
                    axes,
                    np.full(shape, np.nan),
                    units="s",
                    long_name="compute time of the point",
                    fill=True,
                )
                _create(
                    f,
                    "checksum",
                    axes,
                    np.zeros(shape, np.int64),
                    units="1",
                    long_name="CRC-32 of the point's stored values",
                )

            _atomic(path, build, copy=False)
        file = _open_for_writing(path)
        try:
            return cls(path, file)
        except BaseException:
            file.close()
            raise

    @property
    def shape(self) -> tuple[int, ...]:
        return self.done.shape

    def write(self, index: tuple[int, ...], values: dict, seconds: float) -> None:
        """Store the outputs of the point at grid ``index`` and mark it done.

        ``values`` maps output name to a number, boolean, text or array;
        ``None`` leaves the output unset at this point.  An output's shape
        must be the same at every point.  A point already stored is
        replaced whole (its outputs not in ``values`` are unset).
        """
        values = {k: _stored(v) for k, v in values.items() if v is not None}
        new = {k: v for k, v in values.items() if k not in self._outputs}
        if new:
            self._add_outputs(new)
        for name, value in values.items():
            dtype, shape = self._outputs[name]
            if value.shape != shape:
                raise ValueError(
                    f"output {name!r} has shape {value.shape} at grid index {index}, "
                    f"but {shape} at earlier points; "
                    "a task must return the same shapes at every point"
                )
            if not np.can_cast(value.dtype, dtype, "same_kind"):
                raise TypeError(
                    f"output {name!r} is {value.dtype} at grid index {index} but {dtype} "
                    "at earlier points; a task must return the same kinds at every point"
                )
        if self.done[index]:  # computed again: unmarked before any of its bytes change
            self._file["done"][index] = 0
            self._file.flush()
            os.fsync(self._file.id.get_vfd_handle())
            self.done[index] = False
            for name in self._outputs.keys() - values.keys():
                dataset = self._file[name]
                dataset[index] = _fill_like(dataset[index])
        for name, value in values.items():
            self._file[name][index] = _on_disk(value)
        self._file["seconds"][index] = seconds
        covered = sorted(["seconds", *self._outputs])
        self._file["checksum"][index] = _point_crc(
            index, ((n, self._file[n][index]) for n in covered)
        )
        self._file.flush()
        self._file["done"][index] = 1
        self._file.flush()
        os.fsync(self._file.id.get_vfd_handle())
        self.done[index] = True

    def _add_outputs(self, values: dict[str, np.ndarray]) -> None:
        """Allocate variables for outputs not seen before, on a copy renamed into place."""
        taken = set(self._file)  # axes, dimensions, bookkeeping, outputs, named types
        dims = {}
        for name, value in values.items():
            dims[name] = _own_dims(name, value)
            for new in (name, *dims[name]):
                if "/" in new:
                    why = "netCDF names cannot hold '/'"
                elif new in taken:
                    why = (
                        f"{new!r} is already a grid axis, done, seconds, checksum "
                        "or another output's name"
                    )
                else:
                    taken.add(new)
                    continue
                raise ValueError(f"output {name!r} cannot be stored: {why}; rename it in the task")

        def add(f):
            axes = tuple(f["done"].dimensions)
            for name, value in values.items():
                shaped = dims[name][: value.ndim]  # text's strlen is made by _create
                for dim, size in zip(shaped, value.shape, strict=True):
                    f.dimensions[dim] = size
                full = np.full(self.shape + value.shape, _fill(value.dtype), dtype=value.dtype)
                _create(f, name, axes + shaped, full, units="1", long_name=name, fill=True)

        self._file.close()
        try:
            _atomic(self.path, add, copy=True)
        except h5netcdf.CompatibilityError as exc:
            raise TypeError(
                f"output(s) {', '.join(sorted(values))} cannot be stored by h5netcdf "
                f"{h5netcdf.__version__} ({exc}); upgrade h5netcdf (complex numbers "
                "need 1.4 or later) or return real and imaginary parts as separate outputs"
            ) from exc
        finally:
            self._file = _open_for_writing(self.path)
            self._outputs = _outputs(self._file)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SweepFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _outputs(file: h5py.File) -> dict[str, tuple[np.dtype, tuple[int, ...]]]:
    """Output name -> dtype and shape of its values at one point (see :func:`_stored`)."""
    n_axes = file["done"].ndim
    out = {}
    for name, obj in file.items():
        if not isinstance(obj, h5py.Dataset) or obj.is_scale or name in BOOKKEEPING:
            continue
        if obj.dtype.kind == "S":  # characters along the last dimension
            out[name] = np.dtype(f"S{obj.shape[-1]}"), obj.shape[n_axes:-1]
        elif obj.attrs.get("dtype") == "bool":
            out[name] = np.dtype(bool), obj.shape[n_axes:]
        else:
            out[name] = obj.dtype, obj.shape[n_axes:]
    return out


def _open_for_writing(path: Path) -> h5py.File:
    """Open ``path`` read-write, holding an exclusive ``flock`` on it: one writer at a time.

    HDF5's own lock is off, so that :func:`load` (which takes no lock) can
    read a running sweep, in this process too.
    """
    f = _open_h5py(path, "r+")
    try:
        fcntl.flock(f.id.get_vfd_handle(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise SweepFileError(
            path,
            f"{path} is being written by another process (a sweep is running on it); "
            "wait for it to finish or write to another output",
        ) from None
    return f


def _atomic(path: Path, edit, *, copy: bool) -> None:
    """Apply ``edit(h5netcdf.File)`` to a temporary file (a copy of ``path`` if ``copy``).

    The temporary file is ``fsync``-ed, then renamed to ``path``.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if copy:
            shutil.copyfile(path, tmp)
        with h5netcdf.File(tmp, "r+" if copy else "w") as f:
            edit(f)
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _text(value) -> str:
    """A text attribute as str (written fixed-length, or variable-length by format 2)."""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _check_format(path: Path, found, formats: tuple[str, ...]) -> None:
    found = _text(found)
    if found in formats:
        return
    if found in OLD_FORMATS:
        does = "reads but does not resume" if found in READABLE else "does not read"
        raise SweepFileError(
            path,
            f"{path} was written by an older hebbian (format {found}, which this one "
            f"{does}); rerun the sweep into a new output",
        )
    raise SweepFileError(path, f"{path} is not a hebbian sweep file (format {FORMAT}); {WAY_OUT}")


def _one_line(exc: BaseException, limit: int = 200) -> str:
    text = " ".join(str(exc).split()) or "no detail"
    return f"{type(exc).__name__}: {text[:limit]}{'...' if len(text) > limit else ''}"


def _unreadable(path: Path, exc: BaseException) -> SweepFileError:
    return SweepFileError(path, f"{path} cannot be read as HDF5 ({_one_line(exc)}); {WAY_OUT}")


@contextlib.contextmanager
def _reading(path: Path):
    """Turn any failure to read ``path`` as a sweep file into one :class:`SweepFileError`.

    A damaged file can make h5py, h5netcdf or xarray raise almost anything
    (KeyError, OSError, RuntimeError, ...); the file is the only input here.
    """
    try:
        yield
    except SweepFileError:
        raise
    except Exception as exc:
        raise SweepFileError(
            path, f"{path} is damaged or not a hebbian sweep file ({_one_line(exc)}); {WAY_OUT}"
        ) from exc


def _open_h5py(path: Path, mode: str = "r") -> h5py.File:
    """``path`` opened by h5py without HDF5's lock, or :class:`SweepFileError`."""
    with _reading(path):
        _check_heaps(path)
    try:
        return h5py.File(path, mode, locking=False)
    except Exception as exc:
        raise _unreadable(path, exc) from exc


#: The start of a global heap collection, version 1 (HDF5 file format, section III.E).
_HEAP = b"GCOL\x01\x00\x00\x00"


def _check_heaps(path: Path) -> None:
    """Raise ``ValueError`` if a global heap collection in ``path`` would hang HDF5.

    The global heap holds variable-length data (netCDF's dimension lists,
    text coordinates).  HDF5 walks a collection object by object, and an
    object of index 0 and size 0, which a zeroed region leaves, does not move
    it on: it loops forever.  No valid collection holds one (the free-space
    object, index 0, counts its own 16-byte header).
    """
    try:
        with open(path, "rb") as f:
            buf = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return  # unreadable or empty: h5py says why
    with buf:
        start = buf.find(_HEAP)
        while start >= 0 and start + 16 <= len(buf):
            (size,) = struct.unpack_from("<Q", buf, start + 8)
            end, at = min(start + size, len(buf)), start + 16
            while size >= 4096 and at + 16 <= end:
                index, _, _, length = struct.unpack_from("<HHIQ", buf, at)
                if index == 0 and length == 0:
                    raise ValueError(f"the global heap collection at byte {start} is damaged")
                at += length if index == 0 else 16 + -(-length // 8) * 8
            start = buf.find(_HEAP, start + 1)


def _fill_like(a: np.ndarray) -> np.ndarray:
    """The fill value of a variable (as read from disk) in ``a``'s shape and dtype."""
    fill = {"S": b"", "i": 0, "u": 0, "b": False}.get(a.dtype.kind, np.nan)
    return np.full(a.shape, fill, a.dtype)


def _point_crc(index: tuple[int, ...], values) -> int:
    """CRC-32 of the point at grid ``index``: ``values`` yields (name, its value there).

    The index goes in first: a point never written (checksum 0) or one holding
    another point's bytes does not pass.
    """
    crc = zlib.crc32(f"point {','.join(str(int(i)) for i in index)}:".encode())
    for name, value in values:
        raw = np.ascontiguousarray(value).tobytes()
        if raw == _fill_like(value).tobytes():
            continue  # unset here (or an output added after the point was stored)
        crc = zlib.crc32(f"{name}:{len(raw)}:".encode(), crc)
        crc = zlib.crc32(raw, crc)
    return crc


def _inspect(
    file: h5py.File, path: Path, formats: tuple[str, ...] = READABLE
) -> tuple[dict, np.ndarray]:
    """The spec and ``done`` mask of an open sweep file, checked whole.

    Raises :class:`SweepFileError` if the format is not one of ``formats``,
    the structure does not fit the spec (missing variables, ``done`` or a
    coordinate unlike the grid), or a stored point fails its checksum.
    """
    with _reading(path):
        found = _text(file.attrs.get("format"))
    _check_format(path, found, formats)
    with _reading(path):
        spec = json.loads(_text(file.attrs["spec"]))
        dims = file["done"].dims  # the grid axes in their order (the spec's are sorted)
        axes = [dims[k][0].name.rsplit("/", 1)[-1] for k in range(len(dims))]
        if sorted(axes) != sorted(spec["grid"]):
            raise ValueError(f"'done' is over {axes}, the grid over {sorted(spec['grid'])}")
        grid = {axis: spec["grid"][axis] for axis in axes}
        shape = tuple(len(values) for values in grid.values())
        done = file["done"][...]
        if done.shape != shape:
            raise ValueError(f"'done' has shape {done.shape}, the grid {shape}")
        done = done != 0
        for axis, values in grid.items():
            stored = [v.decode() if isinstance(v, bytes) else v for v in file[axis][...].tolist()]
            if not _same_values(stored, values):
                raise ValueError(f"coordinate {axis!r} does not hold the grid's values")
        _outputs(file)  # every output readable
        altered = []
        if "checksum" not in file and found == FORMAT:
            raise ValueError("no 'checksum' variable")
        if "checksum" in file:
            names = sorted(["seconds", *_outputs(file)])  # what a checksum covers
            arrays = {name: file[name][...] for name in names}
            stored_crc = file["checksum"][...]
            altered = [
                index
                for index in zip(*np.nonzero(done), strict=True)
                if _point_crc(index, ((n, arrays[n][index]) for n in names)) != stored_crc[index]
            ]
    if altered:
        where = ", ".join(
            "(" + ", ".join(f"{a}={grid[a][i]!r}" for a, i in zip(grid, idx, strict=True)) + ")"
            for idx in altered[:5]
        )
        more = f" and {len(altered) - 5} more" if len(altered) > 5 else ""
        raise SweepFileError(
            path,
            f"{path}: the stored values of {len(altered)} point(s) {where}{more} do not match "
            f"their checksums (the file was altered after they were written); {WAY_OUT} "
            "(hebbian.sweep.load(path, verify=False) reads it as it is)",
            points=[tuple(int(i) for i in idx) for idx in altered],
        )
    return spec, done


def _same_values(stored: list, values: list) -> bool:
    if len(stored) != len(values):
        return False
    if all(isinstance(v, str) for v in values):
        return stored == values
    try:
        return bool(np.array_equal(np.asarray(stored, float), np.asarray(values, float), True))
    except (TypeError, ValueError):
        return False


def _read_spec(path: Path) -> dict:
    with _open_h5py(path) as f:
        with _reading(path):
            found = f.attrs.get("format")
        _check_format(path, found, (FORMAT,))
        with _reading(path):
            spec = json.loads(_text(f.attrs["spec"]))
            if not isinstance(spec, dict):
                raise ValueError(f"spec={spec!r} is not a mapping")
            return spec


def check_same_sweep(path: Path, spec: dict) -> None:
    """Raise ``ValueError`` unless ``path`` holds the sweep ``spec`` (so it can resume)."""
    stored = _read_spec(path)
    if _canonical(stored) != _canonical(spec):
        differ = sorted(
            k
            for k in set(stored) | set(spec)
            if json.dumps(stored.get(k), sort_keys=True) != json.dumps(spec.get(k), sort_keys=True)
        )
        raise SweepFileError(
            path,
            f"{path} holds a different sweep (it differs in {', '.join(differ)}); "
            "resume needs the same task, grid, fixed parameters and seed: "
            "write to another output or remove the file",
        )


def load(path: str | os.PathLike, *, verify: bool = True):
    """Read a sweep file as an :class:`xarray.Dataset` labelled by the grid axes.

    Outputs not yet computed at a point hold NaN (False, "" for booleans and
    text); ``done`` says which points are stored.  Array outputs get extra
    dimensions ``<output>_dim0``, ....  Variables keep their ``units`` and
    ``long_name``; ``attrs`` carry the task, the seed, the fixed parameters,
    the provenance and whether the sweep is complete.  The checksums are
    checked, then left out of the Dataset.

    Parameters
    ----------
    path : path
        A sweep file (format ``hebbian.sweep/3``, or ``/2``: without checksums).
    verify : bool
        Check the file's structure and every stored point's checksum
        (default); ``False`` reads what is there, e.g. to rescue the points of
        an altered file.

    Raises
    ------
    SweepFileError
        A ``ValueError``: ``path`` is not a sweep file, one written by an
        older hebbian, damaged, or (``verify``) altered after its points
        were stored.
    """
    import xarray as xr

    path = Path(path)
    # No HDF5 lock (the writer of a running sweep holds the file open).
    with _open_h5py(path) as h5:
        if verify:
            _inspect(h5, path)
        else:
            with _reading(path):
                found = h5.attrs.get("format")
            _check_format(path, found, READABLE)
        with _reading(path):
            spec = json.loads(_text(h5.attrs["spec"]))
            recorded = _text(h5.attrs["provenance"])
            # text coordinates as str, as xarray's own h5netcdf engine reads them
            with _netcdf(h5) as file:
                ds = xr.open_dataset(xr.backends.H5NetCDFStore(file)).load()
    ds.set_close(None)
    ds = ds.drop_vars("checksum", errors="ignore")
    for variable in ds.variables.values():
        variable.encoding = {}  # a Dataset in memory: none of the file's storage choices
    ds.attrs = {
        "task": spec["task"],
        "seed": json.dumps(spec["seed"]),
        "fixed": json.dumps(spec["fixed"]),
        "provenance": recorded,
        "complete": int(ds["done"].all()),
    }
    return ds


@contextlib.contextmanager
def _netcdf(h5: h5py.File):
    """An h5netcdf view of an open h5py file (which stays open)."""
    try:
        file = h5netcdf.File(h5, "r", decode_vlen_strings=True)
    except Exception as exc:
        # A File that fails half-way through its constructor complains from its
        # __del__ ("no attribute '_writable'"): let it go now, and quietly.
        hook, sys.unraisablehook = sys.unraisablehook, lambda _: None
        try:
            traceback.clear_frames(exc.__traceback__)
            gc.collect()
        finally:
            sys.unraisablehook = hook
        raise
    with file:
        yield file
