"""Backend choice, in one place: ``"auto" | "numba" | "numpy" | "cupy"``."""

from __future__ import annotations

from types import ModuleType

__all__ = ["BACKENDS", "resolve_backend"]

BACKENDS = ("auto", "numba", "numpy", "cupy")


def resolve_backend(backend: str) -> tuple[str, ModuleType]:
    """Return ``(name, kernel module)`` for ``backend``.

    ``"auto"`` picks Numba (always installed with the package); ``"numpy"`` is
    the slow reference twin, useful to check results.

    Raises
    ------
    ValueError
        For an unknown name, or ``"cupy"``, whose samplers are not written yet.
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend={backend!r} is unknown; pass one of {', '.join(BACKENDS)}")
    if backend == "cupy":
        raise ValueError(
            "backend='cupy' has no binary-network sampler yet; pass backend='numba' "
            "(the GPU samplers are a separate piece of work)"
        )
    if backend == "numpy":
        from mc import _numpy

        return "numpy", _numpy
    from mc import _numba

    return "numba", _numba
