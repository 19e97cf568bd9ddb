"""The on-disk result format of a sweep: one HDF5 file, written point by point.

Layout of ``<file>.h5`` (format ``hebbian.sweep/1``)::

    /                 attrs: format, spec (JSON: task, grid, fixed, seed),
                             axes (JSON list), provenance (JSON)
    /coords/<axis>    the grid values along each axis
    /done             uint8, grid shape: 1 where the point is stored
    /seconds          float64, grid shape: compute time of each point
    /data/<output>    grid shape + the output's own shape

Crash safety.  The file is created whole (every dataset allocated, filled
with NaN / False / "") under a temporary name and renamed into place; a new
output, met at the first point that returns it, is added the same way, on a
copy.  Storing a point then only overwrites bytes inside already-allocated,
contiguous datasets, never HDF5 metadata: its values first, flushed, then its
``done`` flag, flushed and ``fsync``-ed.  A process killed at any moment
(SIGKILL included) therefore leaves a valid file in which every point marked
done is complete; a point caught half-written is not marked and is computed
again on resume.

:func:`load` returns an :class:`xarray.Dataset` labelled by the grid axes.  It
reads without a lock, so a running sweep can be looked at; the writer holds
an exclusive ``flock``, so two sweeps never write one file at once.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import shutil
import socket
import time
from pathlib import Path

import h5py
import numpy as np

__all__ = ["FORMAT", "SweepFile", "check_same_sweep", "load"]

FORMAT = "hebbian.sweep/1"
#: Width in bytes of a stored text output (longer text is truncated).
TEXT_BYTES = 256


def _stored(value) -> np.ndarray:
    """``value`` as the array it is stored as: bool, float64, complex128 or text."""
    if isinstance(value, str):
        return np.array(value.encode("utf-8")[:TEXT_BYTES], dtype=f"S{TEXT_BYTES}")
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


def _provenance() -> dict:
    from hebbian import __version__

    return {
        "hebbian": __version__,
        "numpy": np.__version__,
        "h5py": h5py.__version__,
        "python": platform.python_version(),
        "host": socket.gethostname(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


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

    @classmethod
    def open(cls, path: str | os.PathLike, spec: dict, coords: dict[str, np.ndarray]) -> SweepFile:
        """Create the file for ``spec`` on the grid ``coords``, or reopen it to resume.

        Raises
        ------
        ValueError
            ``path`` exists but holds something else: another sweep (a
            different task, grid, fixed parameters or seed) or not a sweep.
        """
        path = Path(path)
        if path.exists():
            check_same_sweep(path, spec)
        else:
            shape = tuple(len(v) for v in coords.values())

            def build(f):
                f.attrs.update(
                    format=FORMAT,
                    spec=_canonical(spec),
                    axes=json.dumps(list(coords)),
                    provenance=json.dumps(_provenance()),
                )
                for axis, values in coords.items():
                    values = np.asarray(values)
                    if values.dtype.kind == "U":
                        values = np.char.encode(values, "utf-8")
                    f.create_dataset(f"coords/{axis}", data=values, track_times=False)
                f.create_dataset("done", data=np.zeros(shape, np.uint8), track_times=False)
                f.create_dataset("seconds", data=np.full(shape, np.nan), track_times=False)
                f.create_group("data", track_order=True)

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
        data = self._file["data"]
        new = {k: v for k, v in values.items() if k not in data}
        if new:
            self._add_outputs(new)
            data = self._file["data"]
        for name, value in values.items():
            ds = data[name]
            if value.shape != ds.shape[len(self.shape) :]:
                raise ValueError(
                    f"output {name!r} has shape {value.shape} at grid index {index}, "
                    f"but {ds.shape[len(self.shape) :]} at earlier points; "
                    "a task must return the same shapes at every point"
                )
            if not np.can_cast(value.dtype, ds.dtype, "same_kind"):
                raise TypeError(
                    f"output {name!r} is {value.dtype} at grid index {index} but {ds.dtype} "
                    "at earlier points; a task must return the same kinds at every point"
                )
            ds[index] = value
        self._file["seconds"][index] = seconds
        self._file.flush()
        self._file["done"][index] = 1
        self._file.flush()
        os.fsync(self._file.id.get_vfd_handle())
        self.done[index] = True

    def _add_outputs(self, values: dict[str, np.ndarray]) -> None:
        """Allocate datasets for outputs not seen before, on a copy renamed into place."""

        def add(f):
            for name, value in values.items():
                full = np.full(self.shape + value.shape, _fill(value.dtype), dtype=value.dtype)
                f["data"].create_dataset(name, data=full, track_times=False)

        self._file.close()
        _atomic(self.path, add, copy=True)
        self._file = _open_for_writing(self.path)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> SweepFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


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
    """Apply ``edit(h5py.File)`` to a temporary file (a copy of ``path`` if ``copy``); rename."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        if copy:
            shutil.copyfile(path, tmp)
        with h5py.File(tmp, "r+" if copy else "w") as f:
            edit(f)
            f.flush()
            os.fsync(f.id.get_vfd_handle())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_spec(path: Path) -> dict:
    try:
        with h5py.File(path, "r", locking=False) as f:
            if f.attrs.get("format") != FORMAT:
                raise ValueError(f"{path} is not a hebbian sweep file (format {FORMAT})")
            return json.loads(f.attrs["spec"])
    except OSError as exc:
        raise ValueError(f"{path} cannot be read as HDF5 ({exc}); move it away") from exc


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
    dimensions ``<output>_dim0``, ....  ``attrs`` carry the task, the seed,
    the fixed parameters, the provenance and whether the sweep is complete.
    """
    import xarray as xr

    path = Path(path)
    spec = _read_spec(path)
    with h5py.File(path, "r", locking=False) as f:
        axes = json.loads(f.attrs["axes"])
        coords = {axis: _decoded(f[f"coords/{axis}"][...]) for axis in axes}
        done = f["done"][...].astype(bool)
        variables = {"done": (axes, done), "seconds": (axes, f["seconds"][...])}
        for name, ds in f["data"].items():
            extra = [f"{name}_dim{k}" for k in range(ds.ndim - len(axes))]
            variables[name] = (axes + extra, _decoded(ds[...]))
        attrs = {
            "task": spec["task"],
            "seed": json.dumps(spec["seed"]),
            "fixed": json.dumps(spec["fixed"]),
            "provenance": f.attrs["provenance"],
            "complete": int(done.all()),
        }
    return xr.Dataset(variables, coords=coords, attrs=attrs)


def _decoded(values: np.ndarray) -> np.ndarray:
    if values.dtype.kind != "S":
        return values
    return np.vectorize(lambda b: b.decode("utf-8", "replace"), otypes=[object])(values)
