"""Bisection of a property along one axis: thresholds of solvers, capacities of samplers."""

from __future__ import annotations

__all__ = ["bisect"]


def bisect(holds, lo, hi, *, tol: float = 1.0, integer: bool = False) -> tuple:
    """Narrow ``[lo, hi]`` to width ``tol`` around where a property stops holding.

    ``holds(lo)`` must be true and ``holds(hi)`` false (a property lost once
    along the axis, e.g. the existence of a retrieval state as T grows);
    returns the final ``(lo, hi)``.  ``integer=True`` bisects integers
    (``tol = 1``: adjacent integers).

    Examples
    --------
    >>> bisect(lambda x: x * x < 2, 1.0, 2.0, tol=1e-9)[0].__round__(6)
    1.414214
    >>> bisect(lambda n: n < 37, 0, 64, integer=True)
    (36, 37)
    """
    while hi - lo > tol:
        mid = (lo + hi) // 2 if integer else 0.5 * (lo + hi)
        lo, hi = (mid, hi) if holds(mid) else (lo, mid)
    return lo, hi
