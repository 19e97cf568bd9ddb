r"""Replica-symmetric Sherrington-Kirkpatrick model: the reference glass.

``H = -sum_{i<j} J_ij sigma_i sigma_j - h sum_i sigma_i`` with independent
``J_ij ~ N(0, 1/N)``.  With ``g = h + sqrt(q) z`` (Sherrington & Kirkpatrick,
PRL 35, 1792 (1975); de Almeida & Thouless, J. Phys. A 11, 983 (1978)):

.. math::

    q = E_z \tanh^2\beta g, \qquad
    f = -\frac{\beta}{4}(1-q)^2 - \frac{1}{\beta} E_z \ln 2\cosh\beta g,
    \qquad u = -\frac{\beta}{2}(1 - q^2) - h\,m,

and the replicon eigenvalue ``1 - beta^2 E_z sech^4(beta g)`` vanishes on the
AT line.  At ``T = 0``: ``e = -E_z |h + z|``, ``-sqrt(2/pi) = -0.7979`` at
``h = 0``.

Replica symmetry breaking (:func:`solve_rsb`, k steps; :func:`solve_full_rsb`,
the continuous ``q(x)``) maximizes the Parisi functional of
:mod:`hebbian.theory.parisi`: ground-state energy -0.765 with one step (Parisi
1980), -0.76317 with full RSB (Crisanti & Rizzo, PRE 65, 046137 (2002)).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from hebbian._checks import check_int, check_real, check_tol
from hebbian.temperature import T_ZERO, temperature
from hebbian.theory.fixed_point import fixed_point
from hebbian.theory.parisi import (
    MAX_STEPS,
    Grid,
    ParisiSolution,
    check_steps,
    maximize,
    ramp,
    rsb_temperature,
)
from hebbian.theory.quadrature import abs_mean, field_moments, field_quadrature
from hebbian.theory.solution import STATUS, Solution, classify

__all__ = [
    "MAX_LEVELS",
    "MAX_STEPS",
    "T_AT",
    "ParisiSolution",
    "solve",
    "solve_full_rsb",
    "solve_rsb",
]

#: Most levels of :func:`solve_full_rsb`: its time grows like ``n^1.9`` (measured:
#: 6 s at 10 levels, 20 s at 20, 82 s at 40, ``T = 0``), and the free energy's
#: discretization error (``~ n^-3``) is below the grid's from a few tens of levels.
MAX_LEVELS = 64


def _field_h(h) -> float:
    return check_real(h, "h", finite=True, fix="h is the uniform field")


def _levels_cost(n: int) -> str:
    seconds = 6 * (min(n, 1e6) / 10) ** 1.9
    return f"it would take about {seconds:.3g} s (6 (n/10)^1.9 s); pass n_levels <= {MAX_LEVELS}"


def _check_grid(grid) -> Grid | None:
    if grid is not None and not isinstance(grid, Grid):
        raise TypeError(f"grid={grid!r} must be a hebbian.theory.parisi.Grid or None")
    return grid


def _field(h: float, q: float, beta: float):
    g, w = field_quadrature(h, math.sqrt(max(q, 0.0)), beta)
    return g, w, np.tanh(beta * g) if math.isfinite(beta) else np.sign(g)


def solve(T: float, h: float = 0.0, *, tol: float = 1e-12, method: str = "hybrid") -> Solution:
    """RS solution of the SK model at temperature ``T`` and uniform field ``h``.

    ``T <= 1e-12`` is solved as ``T = 0``; ``T = inf`` is the paramagnet
    (``q = m = 0``, ``f = -inf``, ``u = 0``).  ``tol`` in ``(0, 1e-2]``.
    The free energy, energy and replicon are written in ``C = beta (1 - q)``,
    averaged as ``beta E sech^2(beta g)``, so they keep their digits as
    ``T -> 0``.

    Parameters
    ----------
    T : float
        Temperature ``>= 0``.
    h : float, default 0
        Uniform field, finite (in the units of the couplings, ``J_ij ~ N(0, 1/N)``).
    tol : float
        Required residual of the ``q`` equation, in ``(0, 1e-2]``.
    method : str
        Fixed-point method, see :func:`hebbian.theory.fixed_point.fixed_point`.

    Returns
    -------
    Solution
        ``order_parameters`` ``q`` and the magnetization ``m``; ``branch``
        ``"spin glass"`` (``q > 0``) or ``"paramagnet"``; ``stability`` the
        replicon eigenvalue (negative below the AT line).

    Raises
    ------
    ValueError, TypeError
        For a temperature, field or tolerance out of range (and, at finite
        ``T > 0``, an unknown ``method``), naming it.

    References
    ----------
    Sherrington & Kirkpatrick, PRL 35, 1792 (1975); de Almeida & Thouless, J. Phys. A
    11, 983 (1978).

    Examples
    --------
    >>> round(solve(0.0).free_energy, 6)  # -sqrt(2/pi)
    -0.797885
    >>> round(solve(0.5)["q"], 6)
    0.530368
    """
    T, beta = temperature(T, zero_below=T_ZERO)
    h = _field_h(h)
    tol = check_tol(tol)
    params = {"T": T, "h": h}
    if math.isinf(beta):
        e = -abs_mean(h, 1.0)
        order = {"q": 1.0, "m": math.erf(h / math.sqrt(2))}  # E sign(h + z)
        return Solution("sk", params, order, e, e, True, 0, STATUS[0], 0, 0.0, "spin glass",
                        -math.inf)  # fmt: skip
    if beta == 0:  # T = inf: f = -T ln 2
        return Solution("sk", params, {"q": 0.0, "m": 0.0}, -math.inf, 0.0, True, 0, STATUS[0],
                        0, 0.0, "paramagnet", 1.0)  # fmt: skip

    def F(x):
        _g, w, t = _field(h, min(max(x[0], 0.0), 1.0), beta)
        return np.array([w @ t**2])

    fp = fixed_point(F, [0.9], tol=tol, method=method)
    # the map lives on [0, 1]: a fixed point a rounding step outside (q = -1e-323 for the
    # paramagnet) is its boundary value
    q = min(max(float(fp.x[0]), 0.0), 1.0)
    fm = field_moments(h, math.sqrt(max(q, 0.0)), beta)
    m, C = fm.m, fm.C  # C = beta (1 - q)
    f = -C * C / (4 * beta) - fm.spin  # -(beta/4)(1 - q)^2
    u = -C * (1 + q) / 2 - h * m  # -(beta/2)(1 - q^2)
    return Solution(
        model="sk",
        params=params,
        order_parameters={"q": q, "m": m},
        free_energy=f,
        energy=u,
        success=fp.success,
        status=fp.status,
        message=fp.message,
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch=classify(0.0, q),
        stability=1 - beta * fm.S4,
    )


def T_AT(h: float) -> float:
    """de Almeida-Thouless temperature at field ``h``: RS unstable below it.

    Near ``h = 0``, ``h^2 ~ (4/3) (1 - T)^3`` (de Almeida & Thouless 1978, eq. 27).

    Parameters
    ----------
    h : float
        Uniform field, finite.

    Returns
    -------
    float
        ``T_AT``: 1 at ``h = 0``; ``nan`` where the replicon stays positive down
        to ``T ~ 1e-12``.

    Raises
    ------
    ValueError, TypeError
        For a field that is not a finite real number.
    SolverError
        Where the RS solution is not found at a temperature the root search needs.

    References
    ----------
    de Almeida & Thouless, J. Phys. A 11, 983 (1978), eq. 27.

    Examples
    --------
    >>> T_AT(0.0)
    1.0
    """
    h = _field_h(h)
    if h == 0:
        return 1.0
    lam = lambda T: solve(T, h).check().stability  # noqa: E731
    low = 1e-3  # the AT temperature falls like e^{-h^2/2} at large field
    while lam(low) > 0:
        if low < 1e-12:
            return math.nan
        low /= 10
    return optimize.brentq(lam, low, 1.0, xtol=1e-14)


# ------------------------------------------------------------------------- RSB


def solve_rsb(
    T: float,
    h: float = 0.0,
    k: int = 1,
    *,
    guess: tuple | None = None,
    tol: float = 1e-7,
    max_iter: int = 5000,
    grid: Grid | None = None,
) -> ParisiSolution:
    """k-step replica-symmetry-breaking solution of the SK model (Parisi 1980).

    Maximizes the k-RSB free energy of :mod:`hebbian.theory.parisi` over the overlaps
    ``0 <= q_0 <= ... <= q_k <= 1`` and the breakpoints
    ``0 <= x_1 <= ... <= x_k <= 1`` (at ``T = 0``: ``q_k = 1`` and the
    rescaled ``mu_j = beta x_j`` in ``[0, inf)``), with the analytic
    gradient.  The maximum is the k-RSB free energy: by Guerra's bound every
    parameter choice lies below the true free energy, so each added step can
    only raise it.

    Parameters
    ----------
    T : float
        Temperature, ``0`` allowed (and used for ``T <= 1e-4``,
        :data:`hebbian.temperature.T_ZERO_RSB`: ``q_k = 1`` there instead of
        ``1 - O(T)``, ``f`` within ``O(T^2)``); ``T = inf``
        is refused (the paramagnet of :func:`solve`: the Parisi parameters are
        undefined there).
    h : float
        Uniform field.
    k : int
        Steps of replica symmetry breaking (``0``: RS), at most ``10``
        (:data:`MAX_STEPS`; the time grows like ``k^2``).
    guess : (q, x) or (q, mu), optional
        Starting parameters (e.g. the solution at a nearby temperature).
    tol : float
        Largest projected gradient accepted as stationary, in ``(0, 1e-2]``.
    max_iter : int
        L-BFGS-B iterations allowed.
    grid : Grid, optional
        Field grid of :func:`hebbian.theory.parisi.parisi_functional`.

    Returns
    -------
    ParisiSolution
        ``order_parameters``: ``q0..qk``, ``x1..xk`` (finite T) or
        ``mu1..muk`` (``T = 0``), and ``m``; ``residual`` the largest
        projected gradient component; ``branch`` ``"j-RSB"`` with ``j <= k``
        the steps that did not collapse, ``"RS"``, or ``"paramagnet"``
        (above ``T = 1`` at ``h = 0``).

    Raises
    ------
    ValueError, TypeError
        For ``T`` negative, NaN or infinite, a non-finite ``h``, ``k`` outside
        ``[0, 10]``, ``tol`` outside ``(0, 1e-2]``, ``max_iter < 1``, a malformed
        ``guess`` or a ``grid`` that is not a :class:`~hebbian.theory.parisi.Grid`,
        naming it.

    References
    ----------
    Parisi, 1980 (in the form of Guerra 2003: :mod:`hebbian.theory.parisi`).

    Examples
    --------
    >>> s = solve_rsb(0.0, k=1)  # Parisi 1980: e = -0.765
    >>> round(s.free_energy, 6), round(s["q0"], 4), round(s["mu1"], 4)
    (-0.765259, 0.4768, 1.3608)
    """
    T, beta = rsb_temperature(T)
    h = _field_h(h)
    k = check_steps(k)
    tol = check_tol(tol)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    grid = _check_grid(grid)
    zero_T = math.isinf(beta)
    if guess is None:
        q0, x0 = ramp(k, zero_T, 1.0 if zero_T else max(solve(T, h)["q"], 0.05))
    else:
        q0, x0 = _check_guess(guess, k, zero_T)
    return maximize(
        beta,
        h,
        q0,
        x0,
        free_q=True,
        tol=tol,
        max_iter=max_iter,
        grid=grid,
        model="sk-rsb",
        params={"T": T, "h": h, "k": k},
    )


def _check_guess(guess, k: int, zero_T: bool) -> tuple[np.ndarray, np.ndarray]:
    """A user's ``(q, x)`` start: ``k + 1`` overlaps in [0, 1] and ``k`` breakpoints."""
    try:
        q, x = (np.asarray(g, dtype=float).reshape(-1) for g in guess)
    except (TypeError, ValueError) as err:
        raise ValueError(f"guess={guess!r} must be a pair (q, x) of arrays: {err}") from None
    top = math.inf if zero_T else 1.0
    if (
        q.size != k + 1 or x.size != k or not np.all(np.isfinite(q)) or np.any(np.isnan(x))
        or np.any((q < 0) | (q > 1)) or np.any((x < 0) | (x > top))
    ):  # fmt: skip
        raise ValueError(
            f"guess={guess!r} must hold k+1={k + 1} overlaps in [0, 1] and k={k} breakpoints "
            f"in [0, {top:g}]"
        )
    return q, x


def solve_full_rsb(
    T: float,
    h: float = 0.0,
    *,
    n_levels: int = 10,
    tol: float = 1e-7,
    max_iter: int = 5000,
    grid: Grid | None = None,
) -> ParisiSolution:
    """Full replica symmetry breaking of the SK model: the continuous Parisi ``q(x)``.

    The Parisi functional with ``q`` on a fixed grid of ``n_levels + 1``
    levels ``q_j = 1 - (1 - j/n)^2`` (denser near 1, where ``x(q)`` varies
    fastest at low ``T``) and the breakpoints ``x(q_j)`` free: a concave
    problem in ``x`` (Auffinger & Chen 2015), whose maximum converges to the
    Parisi free energy as ``n_levels`` grows (the ground-state energy error
    falls roughly like ``n_levels^-3``: 6e-6 at 10 levels, 8e-7 at 20).
    Levels above the Edwards-Anderson overlap end at ``x = 1``.
    ``n_levels <= 64`` (:data:`MAX_LEVELS`: the time grows like
    ``n_levels^1.9``, about 2.5 min at 64); ``T = inf`` is refused as in
    :func:`solve_rsb`, ``T <= 1e-4`` solved as ``T = 0``.

    Parameters
    ----------
    T : float
        Temperature ``>= 0``, finite; ``T <= 1e-4``
        (:data:`hebbian.temperature.T_ZERO_RSB`) is solved as ``T = 0``.
    h : float, default 0
        Uniform field, finite (in the units of the couplings, ``J_ij ~ N(0, 1/N)``).
    n_levels : int, default 10
        Number of steps of the discretized ``q(x)``, ``1 <= n_levels <= 64``.
    tol : float
        Largest projected gradient accepted as stationary, in ``(0, 1e-2]``.
    max_iter : int
        L-BFGS-B iterations allowed, ``>= 1``.
    grid : Grid, optional
        Field grid of :func:`hebbian.theory.parisi.parisi_functional`.

    Returns
    -------
    ParisiSolution
        ``q_levels`` and ``x_levels`` (``mu`` at ``T = 0``) trace ``q(x)``;
        ``order_parameters`` hold them as ``q0..`` and ``x1..`` (``mu1..``).

    Raises
    ------
    ValueError, TypeError
        For ``T`` negative, NaN or infinite, a non-finite ``h``, ``n_levels``
        outside ``[1, 64]``, ``tol`` outside ``(0, 1e-2]``, ``max_iter < 1`` or
        a ``grid`` that is not a :class:`~hebbian.theory.parisi.Grid`, naming it.

    References
    ----------
    Parisi, 1980; Auffinger & Chen, 2015; Crisanti & Rizzo, PRE 65, 046137 (2002).

    Examples
    --------
    >>> round(solve_full_rsb(0.0, n_levels=10).free_energy, 4)  # Crisanti, Rizzo 2002: -0.76317
    -0.7632
    """
    T, beta = rsb_temperature(T)
    h = _field_h(h)
    n = check_int(n_levels, "n_levels", minimum=1, maximum=MAX_LEVELS, why=_levels_cost)
    tol = check_tol(tol)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    grid = _check_grid(grid)
    zero_T = math.isinf(beta)
    q = 1 - (1 - np.arange(n + 1) / n) ** 2
    mid = 0.5 * (q[1:] + q[:-1])
    # starting x(q): the T = 0 shape mu ~ 1/sqrt(1 - q), or a ramp at finite T
    x0 = 0.7 / np.sqrt(1 - mid + 0.02) if zero_T else np.clip(mid, 0.0, 1.0)
    return maximize(
        beta,
        h,
        q,
        x0,
        free_q=False,
        tol=tol,
        max_iter=max_iter,
        grid=grid,
        model="sk-full-rsb",
        params={"T": T, "h": h, "n_levels": n},
    )
