"""Backend choice, in one place: ``"auto" | "numba" | "numpy" | "batched" | "cupy"``."""

from __future__ import annotations

from types import ModuleType

__all__ = ["BACKENDS", "BATCHED", "array_module", "resolve_backend"]

BACKENDS = ("auto", "numba", "numpy", "batched", "cupy")

#: Backends that advance every chain at once (:mod:`mc._batched`, :mod:`mc._cuda`).
BATCHED = ("batched", "cupy")


def _cupy_or_reason():
    """``(cupy, None)`` when CuPy sees a CUDA device and Numba can compile for it, else
    ``(None, why)``."""
    try:
        import cupy
    except ImportError:
        return None, "CuPy is not installed (pip install 'hebbian[gpu]')"
    try:
        if cupy.cuda.runtime.getDeviceCount() == 0:
            return None, "CuPy finds no CUDA device"
    except Exception as exc:  # no driver, no runtime
        return None, f"CuPy cannot reach a CUDA device ({type(exc).__name__}: {exc})"
    try:
        from numba import cuda

        if not cuda.is_available():
            return None, "Numba's CUDA target finds no device (pip install 'hebbian[gpu]')"
    except Exception as exc:
        return None, f"Numba's CUDA target is unusable ({type(exc).__name__}: {exc})"
    return cupy, None


def array_module(name: str):
    """The array library of a batched backend: NumPy for ``"batched"``, CuPy for ``"cupy"``."""
    if name == "cupy":
        return _cupy_or_reason()[0]
    import numpy

    return numpy


def resolve_backend(backend: str) -> tuple[str, ModuleType]:
    """Return ``(name, kernel module)`` for ``backend``.

    ``"auto"`` picks Numba (always installed with the package); ``"numpy"`` is
    the slow one-chain reference twin; ``"batched"`` advances all chains at
    once with array code on NumPy (the CPU reference of the GPU path);
    ``"cupy"`` runs the same chains on a CUDA GPU in one kernel per call.

    Raises
    ------
    ValueError
        For an unknown name, or ``"cupy"`` without CuPy, a device or Numba's
        CUDA target (the message says which).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r} is unknown; pass one of {', '.join(BACKENDS)}")
    if backend == "cupy":
        cupy, why = _cupy_or_reason()
        if cupy is None:
            raise ValueError(f"backend='cupy' is unavailable: {why}; pass backend='numba'")
        from mc import _cuda

        return "cupy", _cuda
    if backend == "batched":
        from mc import _batched

        return "batched", _batched
    if backend == "numpy":
        from mc import _numpy

        return "numpy", _numpy
    from mc import _numba

    return "numba", _numba
