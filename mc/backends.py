"""Backend choice, in one place: auto, numba, lockstep, numpy, batched or cupy."""

from __future__ import annotations

from types import ModuleType

# The name tables live in a module without Numba, so that the command line can
# offer them without importing the samplers.
from hebbian.info import BACKENDS, BATCHED, cupy_backend_problem

__all__ = ["BACKENDS", "BATCHED", "array_module", "resolve_backend"]


def array_module(name: str):
    """The array library of a batched backend: NumPy for ``"batched"``, CuPy for ``"cupy"``."""
    if name == "cupy":
        import cupy

        return cupy
    import numpy

    return numpy


def resolve_backend(backend: str) -> tuple[str, ModuleType]:
    """Return ``(name, kernel module)`` for ``backend``.

    ``"auto"`` picks Numba (always installed with the package); ``"lockstep"``
    advances groups of chains in lockstep in one Numba kernel; ``"numpy"`` is
    the slow one-chain reference twin; ``"batched"`` advances all chains at
    once with array code on NumPy (the CPU reference of the GPU path);
    ``"cupy"`` runs the same chains on a CUDA GPU in one kernel per call.

    Raises
    ------
    ValueError
        For an unknown name, or ``"cupy"`` without CuPy, a device or Numba's
        CUDA target (the message says which).
    """
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ValueError(f"backend={backend!r} is unknown; pass one of {', '.join(BACKENDS)}")
    if backend == "cupy":
        problem = cupy_backend_problem()
        if problem is not None:
            raise ValueError(problem)
        from hebbian.mc import _cuda

        return "cupy", _cuda
    if backend == "batched":
        from hebbian.mc import _batched

        return "batched", _batched
    if backend == "numpy":
        from hebbian.mc import _numpy

        return "numpy", _numpy
    from hebbian.mc import _numba

    return ("lockstep" if backend == "lockstep" else "numba"), _numba
