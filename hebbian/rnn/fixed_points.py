"""Fixed points and slow points of a vector field, from many starts.

Generic: any field ``f: R^d -> R^d`` with its Jacobian.  Fixed points
(``f(x) = 0``) by Newton's method with a backtracking line search on
``|f|^2`` from each start (:func:`find_fixed_points`); slow points, the local
minima of the speed ``q(x) = |f(x)|^2 / 2`` (Sussillo and Barak 2013), by
BFGS on ``q`` with the exact gradient ``J^T f`` (:func:`slow_points`).  The points reached
are merged when closer than a distance (``counts`` says from how many starts
each one was reached), and each is classified by the eigenvalues of the
Jacobian there (a flow's linear stability: ``max Re < 0``).

The number of distinct fixed points found from many random starts is a lower
bound of the true number, approached as the number of starts grows; the
counts of :mod:`hebbian.figures.gated_complexity` compare it with the
annealed Kac-Rice count of :mod:`hebbian.theory.fixed_point_complexity`.

References
----------
D. Sussillo, O. Barak, "Opening the black box: low-dimensional dynamics in
high-dimensional recurrent neural networks", Neural Comput. 25, 626 (2013).
J. Nocedal, S. J. Wright, "Numerical Optimization", 2nd ed., Sec. 11.2
(Newton's method with a line search on the merit function ``|f|^2 / 2``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize

from hebbian._checks import as_real_array, check_int, check_real, check_tol

__all__ = ["FixedPoints", "find_fixed_points", "slow_points"]

#: Sufficient-decrease constant and the smallest step of the line search.
_ARMIJO, _MIN_STEP = 1e-4, 2.0**-30


class FixedPoints(NamedTuple):
    """Distinct points reached from many starts.

    Attributes
    ----------
    points : array, shape (n, d)
        The distinct points, most often reached first.
    q : array, shape (n,)
        Their speed ``|f(x)|^2 / 2``.
    eigenvalues : complex array, shape (n, d)
        Eigenvalues of the Jacobian at each point, by descending real part.
    stable : bool array, shape (n,)
        Linearly stable as a fixed point of the flow: all ``Re < 0``.
    counts : int array, shape (n,)
        How many starts ended at each point.
    n_starts : int
        Number of starts.
    n_converged : int
        Starts that converged (``counts.sum()``).
    """

    points: np.ndarray
    q: np.ndarray
    eigenvalues: np.ndarray
    stable: np.ndarray
    counts: np.ndarray
    n_starts: int
    n_converged: int


def _check_starts(starts) -> np.ndarray:
    starts = np.asarray(as_real_array(starts, "starts", "an array (n_starts, d)"), dtype=float)
    if starts.ndim != 2 or 0 in starts.shape:
        raise ValueError(f"starts has shape {starts.shape}; pass an array (n_starts, d)")
    if not np.all(np.isfinite(starts)):
        raise ValueError("starts contains NaN or inf; pass finite initial points")
    return starts


def _newton(field, jacobian, x, tol, max_iter):
    """Damped Newton from ``x``: the root, or ``None`` without convergence."""
    f = field(x)
    merit = f @ f
    for _ in range(max_iter):
        if np.max(np.abs(f)) <= tol:
            return x
        try:
            step = np.linalg.solve(jacobian(x), -f)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jacobian(x), -f, rcond=None)[0]
        t = 1.0
        while t >= _MIN_STEP:
            x_new = x + t * step
            f_new = field(x_new)
            merit_new = f_new @ f_new
            if np.isfinite(merit_new) and merit_new <= (1.0 - 2.0 * _ARMIJO * t) * merit:
                break
            t *= 0.5
        else:
            return None  # stuck at a local minimum of |f| that is no root
        x, f, merit = x_new, f_new, merit_new
    return x if np.max(np.abs(f)) <= tol else None


def _merge(points: list, distinct_tol: float):
    """Greedy clustering: the distinct points (first reached) and the count of each."""
    distinct, counts = [], []
    for p in points:
        if distinct:
            gaps = np.linalg.norm(np.asarray(distinct) - p, axis=1)
            k = int(np.argmin(gaps))
            if gaps[k] <= distinct_tol:
                counts[k] += 1
                continue
        distinct.append(p)
        counts.append(1)
    return distinct, np.array(counts, dtype=int)


def _classify(field, jacobian, points: list, counts, n_starts: int, d: int) -> FixedPoints:
    """Speed, eigenvalues and stability of each point, most often reached first."""
    order = np.argsort(-counts, kind="stable")
    pts = np.array([points[k] for k in order]).reshape(-1, d)
    speeds = [field(p) for p in pts]
    q = np.array([0.5 * float(f @ f) for f in speeds])
    eig = np.empty((pts.shape[0], d), dtype=complex)
    for k, p in enumerate(pts):
        e = np.linalg.eigvals(jacobian(p))
        eig[k] = e[np.argsort(-e.real, kind="stable")]
    stable = np.all(eig.real < 0, axis=1)
    counts = np.asarray(counts, dtype=int)[order]
    return FixedPoints(pts, q, eig, stable, counts, n_starts, int(counts.sum()))


def find_fixed_points(
    field: Callable,
    jacobian: Callable,
    starts,
    *,
    tol: float = 1e-10,
    max_iter: int = 100,
    distinct_tol: float = 1e-6,
) -> FixedPoints:
    """Fixed points ``f(x) = 0`` by damped Newton from each start, merged by distance.

    Each start runs Newton's method, the step ``-J^-1 f`` halved until
    ``|f|^2`` decreases sufficiently (Armijo); a start converges when
    ``max |f_i| <= tol`` within ``max_iter`` steps, and fails when the line
    search stalls (a local minimum of ``|f|`` that is no root: a slow point,
    see :func:`slow_points`).

    Parameters
    ----------
    field : callable
        ``x (d,) -> f(x) (d,)``.
    jacobian : callable
        ``x (d,) -> df/dx (d, d)``.
    starts : array_like, shape (n_starts, d)
        Initial points.
    tol : float
        Largest ``max |f_i|`` of a root.
    max_iter : int
        Newton steps per start.
    distinct_tol : float
        Roots closer than this (Euclidean) are one fixed point.

    Returns
    -------
    FixedPoints
        The distinct roots, most often reached first.

    Raises
    ------
    ValueError
        For ``starts`` not of shape ``(n_starts, d)`` or not finite, or bad
        tolerances or counts.

    References
    ----------
    Nocedal, Wright, Numerical Optimization, Sec. 11.2.

    Examples
    --------
    >>> res = find_fixed_points(lambda x: x**3 - x, lambda x: np.diag(3 * x**2 - 1),
    ...                         np.array([[-2.0], [-0.1], [0.2], [1.5], [3.0]]))
    >>> sorted(np.round(res.points[:, 0], 6).tolist()), int(res.stable.sum())
    ([-1.0, 0.0, 1.0], 1)
    """
    starts = _check_starts(starts)
    tol = check_tol(tol)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    distinct_tol = check_real(distinct_tol, "distinct_tol", low=0.0, low_open=True)
    roots = []
    with np.errstate(over="ignore", invalid="ignore"):
        for x0 in starts:
            root = _newton(field, jacobian, x0, tol, max_iter)
            if root is not None:
                roots.append(root)
    distinct, counts = _merge(roots, distinct_tol)
    return _classify(field, jacobian, distinct, counts, *starts.shape)


def _speed_gradient(field, jacobian, x):
    """``grad q = J^T f`` of ``q = |f|^2 / 2``."""
    return jacobian(x).T @ field(x)


def _is_minimum(field, jacobian, x, eps: float = 1e-6) -> bool:
    """Whether the Hessian of ``q`` at ``x`` (central differences of ``J^T f``) is >= 0."""
    d = x.size
    cols = [
        _speed_gradient(field, jacobian, x + eps * e)
        - _speed_gradient(field, jacobian, x - eps * e)
        for e in np.eye(d)
    ]
    hess = np.array(cols).T / (2.0 * eps)
    curv = np.linalg.eigvalsh(0.5 * (hess + hess.T))
    return bool(curv[0] >= -1e-6 * max(1.0, np.abs(curv).max()))


def slow_points(
    field: Callable,
    jacobian: Callable,
    starts,
    *,
    tol: float = 1e-8,
    max_iter: int = 500,
    distinct_tol: float = 1e-4,
) -> FixedPoints:
    """Slow points: local minima of the speed ``q(x) = |f(x)|^2 / 2``, from each start.

    Sussillo and Barak's method: ``q`` is minimised from each start by BFGS
    with the gradient ``grad q = J^T f`` (quasi-Newton rather than
    Gauss-Newton, which converges only linearly to a minimum with ``q > 0``
    where ``J`` is singular); a start converges at a stationary point, ``max |grad q| = max |J^T f|
    <= tol``.  Stationary points whose Hessian of ``q`` (central differences
    of ``J^T f``) has a negative eigenvalue are saddles of ``q`` and dropped.
    Fixed points are the minima with ``q = 0``; slow points (``q > 0`` but
    small) are where a trajectory lingers, e.g. along an approximate
    continuous attractor.

    Parameters
    ----------
    field : callable
        ``x (d,) -> f(x) (d,)``.
    jacobian : callable
        ``x (d,) -> df/dx (d, d)``.
    starts : array_like, shape (n_starts, d)
        Initial points (e.g. states visited by trajectories).
    tol : float
        Largest ``max |grad q|`` of a stationary point.
    max_iter : int
        BFGS iterations per start.
    distinct_tol : float
        Minima closer than this (Euclidean) are one; minima of ``q`` are
        flatter than roots, hence a looser default than
        :func:`find_fixed_points`.

    Returns
    -------
    FixedPoints
        The distinct local minima, ``q`` their speed, most often reached
        first; ``n_converged`` counts the starts that reached a stationary
        point (saddles of ``q`` included).

    Raises
    ------
    ValueError
        As :func:`find_fixed_points`.

    References
    ----------
    Sussillo, Barak, Neural Comput. 25, 626 (2013).

    Examples
    --------
    >>> # f = (x^2 + 0.1, -y): no root; the slowest point is the origin, q = 0.005
    >>> res = slow_points(lambda x: np.array([x[0]**2 + 0.1, -x[1]]),
    ...                   lambda x: np.array([[2 * x[0], 0.0], [0.0, -1.0]]),
    ...                   np.array([[1.0, 1.0], [-0.5, 2.0]]))
    >>> bool(np.abs(res.points).max() < 1e-4), np.round(res.q, 6).tolist()
    (True, [0.005])
    """
    starts = _check_starts(starts)
    tol = check_tol(tol)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    distinct_tol = check_real(distinct_tol, "distinct_tol", low=0.0, low_open=True)

    def speed(x):
        f = field(x)
        return 0.5 * float(f @ f), jacobian(x).T @ f

    stationary = []
    with np.errstate(over="ignore", invalid="ignore"):
        for x0 in starts:
            res = minimize(
                speed, x0, jac=True, method="BFGS", options={"gtol": tol, "maxiter": max_iter}
            )
            if np.max(np.abs(_speed_gradient(field, jacobian, res.x))) <= tol:
                stationary.append(res.x)
    distinct, counts = _merge(stationary, distinct_tol)
    keep = [k for k, p in enumerate(distinct) if _is_minimum(field, jacobian, p)]
    kept = [distinct[k] for k in keep]
    found = _classify(field, jacobian, kept, counts[keep], *starts.shape)
    return found._replace(n_converged=len(stationary))
