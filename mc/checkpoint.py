"""Checkpoints: a chain's whole state, written atomically, restored bit for bit.

A checkpoint is one ``.npz`` file holding the configurations, the exact
overlap sums, the counters, every generator's bit-generator state (JSON), the
measurements taken so far (for parallel tempering also the exchange
bookkeeping) and the run's parameters, under a format name and version: a
:class:`hebbian.mc.runstate.RunState`.  It is written to a temporary file,
flushed to disk and renamed over the old one, so a run killed at any moment
leaves either the previous checkpoint or the new one, never a torn file.

A checkpoint found on disk is input like any other: stale, foreign,
truncated or crafted.  :func:`load` reads it without pickle, and reads each
member only after its header matched the dtype and shape the caller expects
(so no header can make it allocate); it checks the format and version, and
:func:`restore_rngs` makes only NumPy's own bit generators, whose states
NumPy validates.  What only the caller can check (parameters, counters,
overlap sums against configurations) it checks with the same message,
:func:`invalid`: what is wrong, and to delete the file or pass another path.
"""

from __future__ import annotations

import contextlib
import json
import os
import zipfile
from pathlib import Path

import numpy as np

__all__ = [
    "BIT_GENERATORS",
    "FORMAT",
    "VERSION",
    "check_path",
    "invalid",
    "load",
    "restore_rngs",
    "rng_states",
    "save",
]

FORMAT = "hebbian.mc checkpoint"
VERSION = 2

#: Bit generators a checkpoint may name; anything else is refused, never looked up.
BIT_GENERATORS = {
    "MT19937": np.random.MT19937,
    "PCG64": np.random.PCG64,
    "PCG64DXSM": np.random.PCG64DXSM,
    "Philox": np.random.Philox,
    "SFC64": np.random.SFC64,
}

_MAX_META_CHARS = 2**24


def invalid(path, why: str) -> ValueError:
    """The one error for an unusable checkpoint file."""
    why = " ".join(why.split())  # one line, whatever a library's message held
    return ValueError(
        f"checkpoint={str(path)!r} is not a usable checkpoint: {why}; "
        f"delete the file or pass another checkpoint path"
    )


def check_path(path) -> Path:
    """``path`` as a :class:`~pathlib.Path`, refused early where no checkpoint can be."""
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"checkpoint={path!r} must be a file path (str or os.PathLike), or None")
    path = Path(path)
    if path.is_dir():
        raise ValueError(
            f"checkpoint={str(path)!r} is a directory; pass a file path such as "
            f"{str(path / 'run.npz')!r}"
        )
    return path


def _plain(value):
    """JSON-ready copy: arrays as lists, NumPy scalars as Python numbers."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray | np.generic):
        return value.tolist()
    return value


def save(path, arrays: dict, meta: dict) -> None:
    """Write ``arrays`` and JSON-serializable ``meta`` to ``path`` atomically.

    Raises
    ------
    ValueError
        If the file cannot be written (the message names the path and the
        operating system's reason).
    """
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    text = json.dumps({"format": FORMAT, "version": VERSION, **_plain(meta)})
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            np.savez(f, __meta__=np.array(text), **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        raise ValueError(
            f"checkpoint={str(path)!r} cannot be written ({type(exc).__name__}: "
            f"{exc.strerror or exc}); pass a path in a writable folder"
        ) from None


class _Unusable(Exception):
    """Internal: why a file is not a usable checkpoint (turned into :func:`invalid`)."""


def _read_member(zf: zipfile.ZipFile, name: str, dtype, shape) -> np.ndarray:
    """One ``.npy`` member, after its header matched ``dtype`` and ``shape``."""
    member = name + ".npy"
    with zf.open(member) as f:
        version = np.lib.format.read_magic(f)
        if version == (1, 0):
            got_shape, _, got_dtype = np.lib.format.read_array_header_1_0(f)
        elif version == (2, 0):
            got_shape, _, got_dtype = np.lib.format.read_array_header_2_0(f)
        else:
            raise _Unusable(f"{name} has .npy format version {version}")
    if dtype == "U":  # the metadata: one JSON string
        small = got_dtype.itemsize <= 4 * _MAX_META_CHARS
        ok = got_dtype.kind == "U" and got_shape == () and small
        want = "a JSON string"
    else:
        ok = got_dtype == np.dtype(dtype) and got_shape == tuple(shape)
        want = f"{np.dtype(dtype)} {tuple(shape)}"
    if not ok:
        raise _Unusable(f"{name} is {got_dtype} {got_shape}, this run needs {want}")
    with zf.open(member) as f:
        arr = np.lib.format.read_array(f, allow_pickle=False)
    return arr if arr.flags.c_contiguous else np.ascontiguousarray(arr)


def load(path, expected: dict) -> tuple[dict, dict]:
    """Read and check a checkpoint written by :func:`save`: ``(arrays, meta)``.

    Parameters
    ----------
    path : path
    expected : dict
        ``name -> (dtype, shape)`` of every array the caller needs; the file
        must hold exactly these and the metadata.

    Raises
    ------
    ValueError
        From :func:`invalid`, for anything but a readable checkpoint of this
        format and version holding the expected arrays.
    """
    try:
        with zipfile.ZipFile(path) as zf:
            names = {n.removesuffix(".npy") for n in zf.namelist()}
            wanted = {"__meta__", *expected}
            if names != wanted:
                missing, extra = sorted(wanted - names), sorted(names - wanted)
                raise _Unusable(
                    f"it holds other arrays than a checkpoint of this run "
                    f"(missing {missing}, unexpected {extra})"
                )
            text = str(_read_member(zf, "__meta__", "U", ())[()])
            arrays = {k: _read_member(zf, k, *spec) for k, spec in expected.items()}
    except _Unusable as exc:
        raise invalid(path, str(exc)) from None
    except Exception as exc:  # any failure to parse a foreign or torn file
        raise invalid(path, f"it cannot be read ({type(exc).__name__}: {exc})") from None
    try:
        meta = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise invalid(path, f"its metadata is not JSON ({type(exc).__name__})") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise invalid(path, "it is not a hebbian.mc checkpoint")
    if meta.get("version") != VERSION:
        raise invalid(
            path, f"it has format version {meta.get('version')!r}, this version reads {VERSION}"
        )
    return arrays, meta


def rng_states(rngs) -> list[dict]:
    """JSON-serializable bit-generator states of a list of generators."""
    return [_plain(g.bit_generator.state) for g in rngs]


def restore_rngs(states, n: int, path="") -> list[np.random.Generator]:
    """``n`` generators in exactly the saved states, or :func:`invalid`.

    Only the bit generators of :data:`BIT_GENERATORS` are made; NumPy checks
    each state when it is set, and a state NumPy would coerce (it does not
    read back the same) is refused too.
    """
    if not isinstance(states, list) or len(states) != n:
        raise invalid(path, f"it holds no list of {n} generator states")
    out = []
    for st in states:
        name = st.get("bit_generator") if isinstance(st, dict) else None
        if not isinstance(name, str) or name not in BIT_GENERATORS:
            raise invalid(
                path,
                f"bit generator {_short(name)} is not one of {', '.join(BIT_GENERATORS)}",
            )
        bit_generator = BIT_GENERATORS[name]()
        try:
            bit_generator.state = st
        except (TypeError, ValueError, KeyError, IndexError, OverflowError) as exc:
            raise invalid(path, f"a {name} state is malformed ({type(exc).__name__})") from None
        if _plain(bit_generator.state) != st:
            raise invalid(path, f"a {name} state is out of range")
        out.append(np.random.Generator(bit_generator))
    return out


def _short(value, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
