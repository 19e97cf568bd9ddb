"""Fixed points ``x = F(x)`` of self-consistency maps: damped iteration, then Newton.

Damped iteration is the physicist's method: robust far from a solution and
it selects the attracting branch of the map, but it crawls near transitions.
Powell's hybrid Newton method (``scipy.optimize.root(method="hybr")``) is
fast near a solution and finds unstable branches too.  The default,
``method="hybrid"``, does a few damped steps and hands over to Newton,
falling back to iteration if Newton fails.  Anderson mixing (type II,
Walker and Ni 2011) is for large maps (discretised functions) whose slow
convergence comes from a few modes: it extrapolates from the last few
residuals, one map evaluation per step, and like Newton it can land on an
unstable branch.

Whatever happens, :func:`fixed_point` returns a :class:`FixedPoint` whose
``success`` is true only when ``max |F(x) - x| <= tol`` at the returned ``x``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy import optimize

from hebbian.search import bisect

__all__ = ["METHODS", "FixedPoint", "bisect", "fixed_point"]

METHODS = ("hybrid", "iterate", "newton", "anderson")


class FixedPoint(NamedTuple):
    """Outcome of :func:`fixed_point` (``status`` as in :data:`hebbian.theory.solution.STATUS`)."""

    x: np.ndarray
    success: bool
    status: int
    message: str
    n_iter: int
    residual: float


def _residual(F, x) -> float:
    r = np.max(np.abs(F(x) - x))
    return float(r) if np.isfinite(r) else np.inf


def _iterate(F, x, tol, max_iter, damping) -> tuple[np.ndarray, int]:
    for n in range(1, max_iter + 1):
        new = F(x)
        if not np.all(np.isfinite(new)):
            return x, n
        step = new - x
        x = x + damping * step
        if np.max(np.abs(step)) <= tol:
            return x, n
    return x, max_iter


def _anderson(F, x, tol, max_iter, damping, memory: int = 6) -> tuple[np.ndarray, int]:
    """Anderson mixing: ``x + damping r`` corrected by a least-squares fit to recent residuals."""
    xs, rs = [], []
    for n in range(1, max_iter + 1):
        r = F(x) - x
        if not np.all(np.isfinite(r)):
            return (xs[-1] if xs else x), n
        if np.max(np.abs(r)) <= tol:
            return x, n
        xs, rs = [*xs[-memory:], x], [*rs[-memory:], r]
        step = damping * r
        if len(xs) > 1:
            dx, dr = np.diff(xs, axis=0).T, np.diff(rs, axis=0).T
            gamma = np.linalg.lstsq(dr, r, rcond=None)[0]
            step = step - (dx + damping * dr) @ gamma
        x = x + step
    return x, max_iter


def _newton(F, x, tol, max_iter) -> tuple[np.ndarray, int, str]:
    """Powell's hybrid Newton method on ``F(x) - x``."""
    options = {"xtol": tol * 1e-2, "maxfev": max_iter}
    # a failed root finder must not escape as an exception or a warning: the
    # residual at the returned point is what decides success
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = optimize.root(
                lambda y: F(y) - y, x, method="hybr", tol=tol * 1e-2, options=options
            )
        except (ArithmeticError, ValueError, np.linalg.LinAlgError) as err:
            return x, 0, f"hybr failed: {type(err).__name__}: {err}"
    n = int(res.nfev)
    return np.asarray(res.x, float), n, str(res.message)


def fixed_point(
    F: Callable[[np.ndarray], np.ndarray],
    x0,
    *,
    method: str = "hybrid",
    tol: float = 1e-10,
    max_iter: int = 2000,
    damping: float = 0.5,
    n_warmup: int = 30,
) -> FixedPoint:
    """Solve ``x = F(x)`` from ``x0``.

    Parameters
    ----------
    F : callable
        The self-consistency map on 1-d float arrays.  It should keep its
        output in the physical domain (clip, not NaN).
    x0 : array_like
        Starting point; it selects the branch.
    method : {"hybrid", "iterate", "newton", "anderson"}
        Damped iteration then Newton (default), damped iteration, Powell's
        hybrid Newton method, or Anderson mixing (module docstring).
    tol : float
        Required ``max |F(x) - x|``.
    max_iter : int
        Iterations (function evaluations for Newton) allowed.
    damping : float
        Step fraction of the damped iteration, in ``(0, 1]``.
    n_warmup : int
        Damped steps before Newton in ``"hybrid"``.

    Returns
    -------
    FixedPoint
        ``x``, ``success`` (``max |F(x) - x| <= tol``), ``status`` (0
        converged, 1 out of iterations, 2 the root finder failed), ``message``,
        ``n_iter`` and ``residual``.

    Raises
    ------
    ValueError
        For an unknown ``method`` or ``damping`` outside ``(0, 1]``.

    Examples
    --------
    >>> fp = fixed_point(np.cos, [1.0])
    >>> fp.success, round(float(fp.x[0]), 10)  # the Dottie number
    (True, 0.7390851332)
    """
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not one of {METHODS}")
    if not 0 < damping <= 1:
        raise ValueError(f"damping={damping} must be in (0, 1]")
    x = np.atleast_1d(np.asarray(x0, float)).copy()
    n_total, message = 0, ""
    if method in ("hybrid", "iterate"):
        n_iter = max_iter if method == "iterate" else min(n_warmup, max_iter)
        x, n = _iterate(F, x, tol, n_iter, damping)
        n_total += n
    if method == "anderson":
        with np.errstate(all="ignore"):
            x, n_total = _anderson(F, x, tol, max_iter, damping)
    elif method != "iterate" and _residual(F, x) > tol:
        y, n, message = _newton(F, x, tol, max_iter)
        n_total += n
        if _residual(F, y) <= _residual(F, x):
            x = y
        if method == "hybrid" and _residual(F, x) > tol:
            x, n = _iterate(F, x, tol, max_iter, damping)
            n_total += n
    residual = _residual(F, x)
    if residual <= tol:
        return FixedPoint(x, True, 0, "converged", n_total, residual)
    if method == "iterate" or n_total >= max_iter:
        return FixedPoint(
            x, False, 1, f"no convergence in {n_total} iterations", n_total, residual
        )
    return FixedPoint(x, False, 2, message or "root finder failed", n_total, residual)
