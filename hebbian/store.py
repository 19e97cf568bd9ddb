"""The on-disk result format of a sweep: one netCDF-4 file, written point by point.

Layout of ``<file>.h5`` (format ``hebbian.sweep/2``), everything in the root
group, so that netCDF-4 readers (``xarray.open_dataset(path,
engine="h5netcdf")``, netCDF4-python, ``ncdump``) see the whole sweep::

    attributes              format; spec (JSON: task, grid, fixed, seed: what
                            repeats the sweep); provenance (JSON:
                            :func:`hebbian.provenance.provenance`)
    <axis>(<axis>)          one coordinate variable per grid axis: its values
    done(<axes>)            flag: 1 where the point is stored
    seconds(<axes>)         compute time of each point
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
never HDF5 metadata: its values first, flushed, then its ``done`` flag,
flushed and ``fsync``-ed.  A process killed at any moment (SIGKILL included)
therefore leaves a valid file in which every point marked done is complete; a
point caught half-written is not marked and is computed again on resume.

:func:`load` returns an :class:`xarray.Dataset` labelled by the grid axes.  It
reads without a lock, so a running sweep can be looked at; the writer holds
an exclusive ``flock``, so two sweeps never write one file at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from pathlib import Path

import h5netcdf
import h5py
import numpy as np

from hebbian.provenance import provenance

__all__ = ["FORMAT", "SweepFile", "check_same_sweep", "load"]

FORMAT = "hebbian.sweep/2"
#: Formats written by earlier versions, which this one does not read.
OLD_FORMATS = ("hebbian.sweep/1",)
#: Width in bytes of a stored text output (longer text is truncated).
TEXT_BYTES = 256
#: Variables of every sweep file beside the axes and the outputs.
BOOKKEEPING = ("done", "seconds")


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
        self.done = file["done"][...].astype(bool)
        self._outputs = _outputs(file)

    @classmethod
    def open(cls, path: str | os.PathLike, spec: dict, coords: dict[str, np.ndarray]) -> SweepFile:
        """Create the file for ``spec`` on the grid ``coords``, or reopen it to resume.

        Raises
        ------
        ValueError
            ``path`` exists but holds something else: another sweep (a
            different task, grid, fixed parameters or seed), a sweep written
            by an older hebbian, or not a sweep; or a grid axis is named
            like a bookkeeping variable (``done``, ``seconds``).
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
                f.attrs["format"] = FORMAT
                f.attrs["spec"] = _canonical(spec)
                f.attrs["provenance"] = json.dumps(provenance())
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

            _atomic(path, build, copy=False)
        return cls(path, _open_for_writing(path))

    @property
    def shape(self) -> tuple[int, ...]:
        return self.done.shape

    def write(self, index: tuple[int, ...], values: dict, seconds: float) -> None:
        """Store the outputs of the point at grid ``index`` and mark it done.

        ``values`` maps output name to a number, boolean, text or array;
        ``None`` leaves the output unset at this point.  An output's shape
        must be the same at every point.
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
            self._file[name][index] = _on_disk(value)
        self._file["seconds"][index] = seconds
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
                    why = f"{new!r} is already a grid axis, done, seconds or another output's name"
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
    f = h5py.File(path, "r+", locking=False)
    try:
        fcntl.flock(f.id.get_vfd_handle(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        f.close()
        raise RuntimeError(
            f"{path} is being written by another process (a sweep is running on it); "
            "wait for it to finish or write to another output"
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


def _check_format(path: Path, found) -> None:
    if isinstance(found, bytes):
        found = found.decode("utf-8", "replace")
    if found in OLD_FORMATS:
        raise ValueError(
            f"{path} was written by an older hebbian (format {found}, this one reads "
            f"{FORMAT}); rerun the sweep into a new output"
        )
    if found != FORMAT:
        raise ValueError(f"{path} is not a hebbian sweep file (format {FORMAT})")


def _unreadable(path: Path, exc: OSError) -> ValueError:
    return ValueError(f"{path} cannot be read as HDF5 ({exc}); move it away")


def _read_spec(path: Path) -> dict:
    try:
        with h5py.File(path, "r", locking=False) as f:
            _check_format(path, f.attrs.get("format"))
            return json.loads(f.attrs["spec"])
    except OSError as exc:
        raise _unreadable(path, exc) from exc


def check_same_sweep(path: Path, spec: dict) -> None:
    """Raise ``ValueError`` unless ``path`` holds the sweep ``spec`` (so it can resume)."""
    stored = _read_spec(path)
    if _canonical(stored) != _canonical(spec):
        differ = sorted(
            k
            for k in set(stored) | set(spec)
            if json.dumps(stored.get(k), sort_keys=True) != json.dumps(spec.get(k), sort_keys=True)
        )
        raise ValueError(
            f"{path} holds a different sweep (it differs in {', '.join(differ)}); "
            "resume needs the same task, grid, fixed parameters and seed: "
            "write to another output or remove the file"
        )


def load(path: str | os.PathLike):
    """Read a sweep file as an :class:`xarray.Dataset` labelled by the grid axes.

    Outputs not yet computed at a point hold NaN (False, "" for booleans and
    text); ``done`` says which points are stored.  Array outputs get extra
    dimensions ``<output>_dim0``, ....  Variables keep their ``units`` and
    ``long_name``; ``attrs`` carry the task, the seed, the fixed parameters,
    the provenance and whether the sweep is complete.

    Raises
    ------
    ValueError
        ``path`` is not a sweep file, or one written by an older hebbian.
    """
    import xarray as xr

    path = Path(path)
    try:
        # No HDF5 lock (the writer of a running sweep holds the file open);
        # text coordinates as str, as xarray's own h5netcdf engine reads them.
        file = h5netcdf.File(path, "r", decode_vlen_strings=True, locking=False)
    except OSError as exc:
        raise _unreadable(path, exc) from exc
    with file:
        _check_format(path, file.attrs.get("format"))
        spec = json.loads(file.attrs["spec"])
        recorded = file.attrs["provenance"]
        ds = xr.open_dataset(xr.backends.H5NetCDFStore(file)).load()
    ds.set_close(None)
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
