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

from hebbian._checks import check_int, check_real
from hebbian.temperature import beta_from_T
from hebbian.theory.fixed_point import fixed_point
from hebbian.theory.parisi import Grid, ParisiSolution, maximize, ramp
from hebbian.theory.quadrature import abs_mean, field_quadrature, log2cosh
from hebbian.theory.solution import STATUS, Solution, classify

__all__ = ["T_AT", "ParisiSolution", "solve", "solve_full_rsb", "solve_rsb"]


def _field(h: float, q: float, beta: float):
    g, w = field_quadrature(h, math.sqrt(max(q, 0.0)), beta)
    return g, w, np.tanh(beta * g) if math.isfinite(beta) else np.sign(g)


def solve(T: float, h: float = 0.0, *, tol: float = 1e-12, method: str = "hybrid") -> Solution:
    """RS solution of the SK model at temperature ``T`` and uniform field ``h``.

    Returns
    -------
    Solution
        ``order_parameters`` ``q`` and the magnetization ``m``; ``branch``
        ``"spin glass"`` (``q > 0``) or ``"paramagnet"``; ``stability`` the
        replicon eigenvalue (negative below the AT line).

    Examples
    --------
    >>> round(solve(0.0).free_energy, 6)  # -sqrt(2/pi)
    -0.797885
    >>> round(solve(0.5)["q"], 6)
    0.530368
    """
    beta = beta_from_T(T)
    h = check_real(h, "h")
    params = {"T": 0.0 if math.isinf(beta) else 1 / beta, "h": h}
    if math.isinf(beta):
        e = -abs_mean(h, 1.0)
        order = {"q": 1.0, "m": math.erf(h / math.sqrt(2))}  # E sign(h + z)
        return Solution("sk", params, order, e, e, True, 0, STATUS[0], 0, 0.0, "spin glass",
                        -math.inf)  # fmt: skip

    def F(x):
        _g, w, t = _field(h, min(max(x[0], 0.0), 1.0), beta)
        return np.array([w @ t**2])

    fp = fixed_point(F, [0.9], tol=tol, method=method)
    q = float(fp.x[0])
    g, w, t = _field(h, q, beta)
    m = float(w @ t)
    f = -beta / 4 * (1 - q) ** 2 - float(w @ log2cosh(beta * g)) / beta
    u = -beta / 2 * (1 - q**2) - h * m
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
        stability=1 - beta**2 * float(w @ (1 - t**2) ** 2),
    )


def T_AT(h: float) -> float:
    """de Almeida-Thouless temperature at field ``h``: RS unstable below it.

    Near ``h = 0``, ``h^2 ~ (4/3) (1 - T)^3`` (de Almeida & Thouless 1978, eq. 27).

    Examples
    --------
    >>> T_AT(0.0)
    1.0
    """
    h = check_real(h, "h")
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
        Temperature, ``0`` allowed.
    h : float
        Uniform field.
    k : int
        Steps of replica symmetry breaking (``0``: RS).
    guess : (q, x) or (q, mu), optional
        Starting parameters (e.g. the solution at a nearby temperature).
    tol : float
        Largest projected gradient accepted as stationary.
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

    Examples
    --------
    >>> s = solve_rsb(0.0, k=1)  # Parisi 1980: e = -0.765
    >>> round(s.free_energy, 6), round(s["q0"], 4), round(s["mu1"], 4)
    (-0.765259, 0.4768, 1.3608)
    """
    beta = beta_from_T(T)
    h = check_real(h, "h")
    k = check_int(k, "k", minimum=0)
    zero_T = math.isinf(beta)
    if guess is None:
        q0, x0 = ramp(k, zero_T, 1.0 if zero_T else max(solve(1 / beta, h)["q"], 0.05))
    else:
        q0, x0 = (np.asarray(g, float) for g in guess)
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
        params={"T": 0.0 if zero_T else 1 / beta, "h": h, "k": k},
    )


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

    Returns
    -------
    ParisiSolution
        ``q_levels`` and ``x_levels`` (``mu`` at ``T = 0``) trace ``q(x)``;
        ``order_parameters`` hold them as ``q0..`` and ``x1..`` (``mu1..``).

    Examples
    --------
    >>> round(solve_full_rsb(0.0, n_levels=10).free_energy, 4)  # Crisanti, Rizzo 2002: -0.76317
    -0.7632
    """
    beta = beta_from_T(T)
    h = check_real(h, "h")
    n = check_int(n_levels, "n_levels", minimum=1)
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
        params={"T": 0.0 if zero_T else 1 / beta, "h": h, "n_levels": n},
    )
