r"""Replica symmetry breaking of the Hopfield retrieval state: k steps, ``T >= 0``.

Normalization as in :mod:`hebbian.theory.hopfield` (AGS 1987).  The k-step
ansatz has overlaps ``q_0 < ... < q_k`` with Parisi breakpoints
``x_1 <= ... <= x_k`` and conjugates ``r_0 < ... < r_k``.  In the variables
``C = beta (1 - q_k)`` and ``mu_j = beta x_j``, which stay finite at ``T = 0``
(``q_k = 1 - C T``), the eigenvalues of ``1 - beta Q`` are
``l_k = 1 - C`` and ``l_{j-1} = l_j - mu_j (q_j - q_{j-1})``, and the free energy
per neuron is (Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986) for
``k = 1``; Steffan & Kuehn, Z. Phys. B 95, 249 (1994) for ``k = 1, 2``)

.. math::

    f = \frac{\alpha}{2} + \frac{m^2}{2}
      + \frac{\alpha}{2}\Big[T \ln l_k + \sum_{j=1}^k \frac{1}{\mu_j}\ln\frac{l_{j-1}}{l_j}
        - \frac{q_0}{l_0}\Big]
      + \frac{\alpha}{2}\Big[C r_k + \sum_{j=0}^k (\mu_j - \mu_{j+1}) r_j q_j\Big]
      - \Phi(\alpha r; \mu; m)

(``mu_0 = mu_{k+1} = 0``), with the spin term ``Phi = E_{z_0} G_0(m + sqrt(alpha
r_0) z_0)``, ``G_k(y) = T ln 2cosh(y/T)`` (``|y|`` at ``T = 0``),
``G_{j-1}(y) = (1/mu_j) ln E_z exp(mu_j G_j(y + sqrt(alpha (r_j - r_{j-1})) z))``:
the k-step Parisi functional of :mod:`hebbian.theory.parisi` with the
Gaussian field variances ``alpha r``.  Stationarity in the ``q_j`` fixes the
conjugates explicitly, ``r_0 = q_0 / l_0^2``, ``r_j = r_{j-1} + (1/l_{j-1} -
1/l_j) / mu_j``, and ``2k + 2`` equations remain, in ``m``, ``q_0..q_{k-1}``,
``C`` and ``mu_1..mu_k``.  ``q_{j-1} = q_j`` (or ``mu_{j} = mu_{j+1}``) removes a
step; ``k = 0`` is the RS theory of AGS.

Results.  At ``T = 0`` the one-step retrieval branch ends at the fold ``alpha_c =
0.1381865`` (converged in the field grid: 0.13818656 at ``dy = 0.02``, 0.13818649 at
0.01 and 0.0025; Steffan & Kuehn 1994: 0.138186; RS 0.137906); the one-step value 0.144
of Crisanti, Amit, Gutfreund (1986) is not confirmed.  With two steps the fold is at
0.1381963, 1.0e-5 above one step, where Steffan & Kuehn report 0.138187 (1e-6 above
their one step, to their digits).  The difference is not numerical: the fold moves by
less than 1e-9 from ``dy = 0.005`` to 0.0025 and by 5e-9 from ``L = 4`` to 3, the spin
term at the fold agrees with an independent quadrature (innermost level in closed form)
to 2e-14, and the state is stationary (gradient below 1e-7).  It is the only two-step
retrieval state found: of seven starts at ``alpha = 0.138`` with the new step opened
above or below ``q0``, the converged ones reach it (``m = 0.97078``, ``q = 0.99676,
0.99932, 1``, ``C = 0.0228``, ``mu = 29.9, 98.1``) or its partner on the other side of
the fold (``m = 0.96237``, the unstable branch); the others stall or merge onto one
step.  It raises ``f`` above one step (by 2.8e-7 at 0.138), as the maximization over the
Parisi parameters requires, and has the structure of the ``T = 0`` hierarchy of the SK
model: the new level lies near ``q = 1`` with a large ``mu`` and ``C`` halves (0.053 ->
0.026), towards ``C = 0`` of full RSB.  The second step moves ``alpha_c`` by 0.035 of
the first (1.0e-5 against 2.8e-4), of the order of that of the SK ground-state energies
(0.051: -0.79788, -0.76526, -0.76361, -0.76331 with zero to three steps,
:func:`hebbian.theory.sk.solve_rsb`); the published 1e-6 would be 0.004.  A third step
(:func:`alpha_c_krsb`, ``k = 3``) gives 0.1381977, 1.4e-6 above two: the increments fall
by 0.035 then 0.14, as SK's by 0.051 then 0.18, with ``C`` (0.053, 0.026, 0.015) and the
lowest ``mu`` (36.8, 26.0, 22.5) falling as in SK's ``T = 0`` hierarchy, towards a full-RSB
value near 0.13820.  The gain comes from the lowest step's ``mu``: with ``mu`` held at 25
instead of its stationary 36.8, the one-step fold already lies at 0.1381972 (``alpha_c``
is not extremal in ``mu``; ``f`` is).  So the published two-step value, one unit of
their last digit above their one step (0.138186, which our 0.1381865 rounds to either
way), reads as a second step that collapsed back onto the first, not as a converged
second level; Stojnic's fully lifted random duality theory (arXiv:2403.01907, 2024)
gives 0.137906 and 0.138186 at its first two levels, our RS and one-step values.

At ``T > 0`` the step shrinks and vanishes on the AT line of
:func:`hebbian.theory.hopfield.T_AT` (at ``alpha = 0.137``: ``q1 - q0 = 2.0e-3`` at ``T
= 0``, 1.4e-3 at 0.01, 0 at ``T_AT = 0.018``); above it the state is RS.  The one-step
retrieval line ``alpha_c(T)`` leaves the ``T = 0`` fold linearly (slope 1.8e-3:
0.1381875 at ``T = 5e-4``, 0.1381884 at 1e-3), peaks at 0.1381972 (``T = 0.0125``) and
closes onto the RS fold quadratically, about ``0.4 (T* - T)^2`` above it (2.5e-6 at ``T
= 0.0225``, 9.2e-7 at 0.0235, 1.3e-7 at 0.0245, with the step ``q1 - q0`` closing
linearly: 6.6e-4, 4.1e-4, 1.7e-4), at ``T* = 0.02507``, where the RS retrieval state
becomes AT-stable at its own fold (``alpha = 0.138186``); the RS fold rises from
0.137906 to 0.138189 (``T = 0.0229``): one step removes most of the reentrance, not all.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import optimize

from hebbian._checks import check_int, check_real, check_tol
from hebbian.theory import hopfield
from hebbian.theory.dense_rsb import _vertex
from hebbian.theory.parisi import Grid, parisi_functional, rsb_temperature
from hebbian.theory.solution import STATUS, Solution, Transition

__all__ = [
    "alpha_c_1rsb",
    "alpha_c_krsb",
    "free_energy_1rsb",
    "free_energy_rsb",
    "solve_1rsb",
    "solve_2rsb",
]

GRID = Grid(L=8.0, dy=0.02)

#: The field grid of two steps: at ``T = 0`` the middle level's ``G_1`` bends on the innermost
#: level's width (``sqrt(alpha (r_2 - r_1)) ~ 0.02``), which :data:`GRID` does not resolve (a
#: merged pair of levels then errs by 4e-7 in ``f``); ``L = 4`` still spans ``9 sqrt(alpha r_0)``.
#: One step on this grid: ``alpha_c = 0.1381865``, 7e-8 below its value on :data:`GRID`.
FINE = Grid(L=4.0, dy=0.0025)

#: Points ``(alpha, m, q0, C, mu)`` of the ``T = 0`` one-step retrieval branch, followed from
#: its fold down in load steps (secant predictor, hybr corrector): :func:`solve_1rsb` starts
#: at the nearest one above its load.  Far from the fold the branch is ill-conditioned (the
#: RS solution, ``q0 = 1`` or ``mu = 0``, is a whole line of roots nearby): continuation
#: in other steps lands on other roots (at 0.135: ``mu = 109``, ``C = 0.021``), whose free
#: energies differ from these by less than 1e-7.
BRANCH = (
    (0.12, 0.993227378063593, 0.9994116775281375, 0.03991066506308852, 26.721661303410468),
    (0.125, 0.9908209228182966, 0.9992702934966476, 0.03858203701899832, 43.673296064713035),
    (0.13, 0.9872600724480007, 0.9991280730540817, 0.03291609406595964, 66.00775719866624),
    (0.137, 0.9760601483241111, 0.9980064440704538, 0.039594555613998536, 52.47336694680321),
    (0.138186, 0.967, 0.99652, 0.05265, 37.0),
)

#: Smallest load :func:`solve_1rsb` reaches without a ``guess`` (the first of :data:`BRANCH`).
ALPHA_FOLLOW = BRANCH[0][0]

#: Temperature steps of the continuation from ``T = 0`` in :func:`solve_1rsb` (secant predictor).
T_STEP = 0.0025

#: A temperature above which the RS retrieval state is AT-stable at its fold
#: (the AT line meets the RS spinodal at ``T = 0.0251``): the one-step fold is
#: the RS fold there, and no continuation from ``T = 0`` is needed.
T_RS_FOLD = 0.03

#: ``q_k - q_{k-1}`` below which a step has collapsed onto the solution with one step less.
COLLAPSED = 1e-6


def _levels(q: np.ndarray, C: float, mu: np.ndarray) -> np.ndarray:
    """``l_0..l_k``, the eigenvalues of ``1 - beta Q`` (module docstring)."""
    lam = np.empty(q.size)
    lam[-1] = 1 - C
    for j in range(mu.size, 0, -1):
        lam[j - 1] = lam[j] - mu[j - 1] * (q[j] - q[j - 1])
    return lam


def _conjugates(q: np.ndarray, C: float, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``l`` and ``r`` from the stationarity conditions in ``q``."""
    lam = _levels(q, C, mu)
    r = np.empty(q.size)
    r[0] = q[0] / lam[0] ** 2
    for j in range(1, q.size):
        r[j] = r[j - 1] + (1 / lam[j - 1] - 1 / lam[j]) / mu[j - 1]
    return lam, r


def _spin_term(v: np.ndarray, mu: np.ndarray, beta: float, m: float, grid: Grid):
    """``Phi`` and its derivatives in ``v = alpha r``, in ``mu`` and in ``m``."""
    val = parisi_functional(v, mu, beta, m, grid)
    top = 0.0 if math.isinf(beta) else -0.25 * beta * (1 - v[-1]) ** 2
    phi = top + 0.25 * mu @ np.diff(v**2) - val.f
    d_v = -val.grad_q
    if not math.isinf(beta):
        d_v[-1] += 0.5 * beta * (1 - v[-1])
    d_v[1:] += 0.5 * v[1:] * mu
    d_v[:-1] -= 0.5 * v[:-1] * mu
    return phi, d_v, 0.25 * np.diff(v**2) - val.grad_mu, val.m


def _all_q(beta: float, q, C: float) -> np.ndarray:
    """``q_0..q_k`` from the free ``q_0..q_{k-1}`` and ``q_k = 1 - C T``."""
    return np.append(np.asarray(q, float), 1.0 if math.isinf(beta) else 1 - C / beta)


def _grid(k: int) -> Grid:
    return GRID if k < 2 else FINE


def _free_energy(alpha: float, beta: float, m: float, q, C: float, mu, grid=None) -> float:
    q, mu = _all_q(beta, q, C), np.asarray(mu, float)
    lam, r = _conjugates(q, C, mu)
    phi = _spin_term(alpha * r, mu, beta, m, grid or _grid(mu.size))[0]
    T = 0.0 if math.isinf(beta) else 1 / beta
    soft = T * math.log(lam[-1]) + float(np.log(lam[:-1] / lam[1:]) @ (1 / mu)) - q[0] / lam[0]
    ext = np.concatenate([[0.0], mu, [0.0]])
    coupling = C * r[-1] + float((ext[:-1] - ext[1:]) @ (r * q))
    return alpha / 2 + m * m / 2 + alpha / 2 * (soft + coupling) - phi


def free_energy_rsb(alpha: float, T: float, m: float, q, C: float, mu, grid=None) -> float:
    """The k-step free energy of the module docstring (``r`` at its stationary values).

    Parameters
    ----------
    alpha : float
        Load ``K / N > 0``.
    T : float
        Temperature ``>= 0`` (``T <= 1e-4`` is ``T = 0``,
        :func:`hebbian.theory.parisi.rsb_temperature`).
    m : float
        Overlap with the condensed pattern.
    q : array_like, shape (k,)
        The overlaps ``q_0 < ... < q_{k-1}`` below the top one ``q_k = 1 - C T``.
    C : float
        ``beta (1 - q_k)``, in ``(0, 1)``.
    mu : array_like, shape (k,)
        ``mu_j = beta x_j``, nondecreasing, positive, with ``l_0 > 0``.  The
        ranges are not checked.
    grid : Grid, optional
        Field grid of the spin term: by default :data:`GRID` for one step,
        :data:`FINE` for more.

    Returns
    -------
    float
        The free energy per neuron (the ground-state energy at ``T = 0``).

    Raises
    ------
    ValueError
        For ``q`` and ``mu`` of different lengths, or ``T`` out of range.

    References
    ----------
    Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986);
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994).
    """
    q, mu = np.atleast_1d(np.asarray(q, float)), np.atleast_1d(np.asarray(mu, float))
    if q.shape != mu.shape:
        raise ValueError(f"q={q!r} and mu={mu!r} must have the same length (one per step)")
    return _free_energy(alpha, rsb_temperature(T)[1], m, q, C, mu, grid)


def free_energy_1rsb(alpha: float, m: float, q0: float, C: float, mu: float, T: float = 0.0):
    """The one-step free energy (:func:`free_energy_rsb` with ``k = 1``).

    Parameters
    ----------
    alpha : float
        Load ``K / N > 0``.
    m : float
        Overlap with the condensed pattern.
    q0 : float
        Overlap between the states of different clusters, below ``q1 = 1 - C T``.
    C : float
        ``beta (1 - q_1)``, in ``(0, 1)`` (``l_1 = 1 - C``).
    mu : float
        ``beta x``, positive, with ``l_0 = 1 - C - mu (q_1 - q_0) > 0``.
        None of these ranges is checked.
    T : float, default 0
        Temperature.

    Returns
    -------
    float
        The free energy per neuron, with ``r_0 = q_0 / l_0^2`` and
        ``r_1 = r_0 + (1/l_0 - 1/l_1) / mu``.

    References
    ----------
    Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986);
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994).
    """
    return free_energy_rsb(alpha, T, m, [q0], C, [mu])


def _equations(alpha: float, beta: float, m: float, q: np.ndarray, C: float, mu: np.ndarray):
    """Stationarity in ``m``, ``r_0..r_k`` and ``mu_1..mu_k`` (divided by ``alpha``)."""
    q = _all_q(beta, q, C)
    lam, r = _conjugates(q, C, mu)
    _, d_v, d_mu, d_m = _spin_term(alpha * r, mu, beta, m, _grid(mu.size))
    ext = np.concatenate([[0.0], mu, [0.0]])
    e_r = 0.5 * (ext[:-1] - ext[1:]) * q - d_v
    e_r[-1] += 0.5 * C
    # d/dmu_j of the soft term: l_i moves by -(q_j - q_{j-1}) for every i < j
    soft = np.empty(mu.size)
    for j in range(1, mu.size + 1):
        d = q[j - 1] - q[j]
        inner = np.sum(1 / (mu[:j] * lam[:j])) - np.sum(1 / (mu[: j - 1] * lam[1:j]))
        soft[j - 1] = -math.log(lam[j - 1] / lam[j]) / mu[j - 1] ** 2 + d * inner
        soft[j - 1] += q[0] * d / lam[0] ** 2
    e_mu = 0.5 * soft + 0.5 * np.diff(r * q) - d_mu / alpha
    return np.concatenate([[m - d_m], e_r, e_mu])


def _unpack(u: np.ndarray, k: int):
    """``u = (m, q_0..q_{k-1}, C, mu_1..mu_k)``."""
    return u[0], u[1 : k + 1], u[k + 1], u[k + 2 :]


def _inside(beta: float, q: np.ndarray, C: float, mu: np.ndarray) -> bool:
    q = _all_q(beta, q, C)
    if not (0 < C < 1 and q[0] > 0 and np.all(np.diff(q) > 0) and np.all(mu > 0)):
        return False
    if np.any(np.diff(mu) < 0) or mu[-1] > beta:  # x nondecreasing, x_k <= 1
        return False
    return bool(_levels(q, C, mu)[0] > 0)


def _residual(alpha: float, beta: float, u: np.ndarray, k: int) -> np.ndarray:
    m, q, C, mu = _unpack(np.asarray(u, float), k)
    if not (alpha > 0 and _inside(beta, q, C, mu)):
        return np.full(2 * k + 2, 1e3)  # outside the domain: push the root finder back
    return _equations(alpha, beta, m, q, C, mu)


def _root(beta: float, k: int, u0, *, alpha: float | None = None, m: float | None = None):
    """hybr on the stationarity conditions at fixed ``alpha`` or, with ``alpha`` free, at ``m``.

    With ``m`` given, ``u[0]`` is the load instead of the overlap (the branch
    parametrized by ``m``, whose maximum load is the fold).
    """
    if m is None:
        F = lambda u: _residual(alpha, beta, u, k)  # noqa: E731
    else:
        F = lambda u: _residual(u[0], beta, np.concatenate([[m], u[1:]]), k)  # noqa: E731
    # a root converges in 20-70 evaluations; the cap keeps a failing one (past the fold, or
    # near a collapsing step) from running to hybr's default 200 (n + 1)
    options = {"xtol": 1e-13, "maxfev": 100 * (k + 1)}
    res = optimize.root(F, np.asarray(u0, float), method="hybr", options=options)
    return res.x, float(np.abs(res.fun).max()), int(res.nfev)


def _start_zero_T(alpha: float) -> np.ndarray:
    """The point of :data:`BRANCH` nearest above ``alpha`` (the fold's above all)."""
    above = [row for row in BRANCH if row[0] >= alpha] or [BRANCH[-1]]
    return np.array(above[0][1:])


def _predict(path: list, t: float) -> np.ndarray:
    """The next point of a continuation: secant through the last two ``(t, u)`` of ``path``."""
    if len(path) < 2:
        return path[-1][1]
    (t0, u0), (t1, u1) = path[-2:]
    return u1 + (u1 - u0) * (t - t1) / (t1 - t0)


def _follow_T(alpha: float, T: float, u: np.ndarray) -> np.ndarray:
    """A start at ``T`` continued from the ``T = 0`` point ``u`` in steps :data:`T_STEP`."""
    path = [(0.0, u)]
    for t in np.linspace(0.0, T, max(2, math.ceil(T / T_STEP) + 1))[1:-1]:
        x, residual, _ = _root(1 / t, 1, _predict(path, t), alpha=alpha)
        if residual > 1e-8 or 1 - x[2] * t - x[1] < COLLAPSED:
            break  # the step collapses below T: start the last solve from here
        path.append((t, x))
    return _predict(path, T)


def solve_1rsb(alpha: float, T: float = 0.0, *, guess=None, tol: float = 1e-10) -> Solution:
    """The one-step RSB retrieval solution at load ``alpha`` and temperature ``T``.

    Parameters
    ----------
    alpha : float
        Load ``K / N``; without ``guess`` at least 0.12 (:data:`ALPHA_FOLLOW`).
    T : float, default 0
        Temperature ``>= 0``; ``T <= 1e-4`` is ``T = 0``
        (:func:`hebbian.theory.parisi.rsb_temperature`).
    guess : (m, q0, C, mu), optional
        Start; by default the nearest point of :data:`BRANCH` above ``alpha``,
        continued in ``T`` from ``T = 0`` (steps :data:`T_STEP`, secant predictor).
    tol : float
        Largest residual of the four stationarity conditions accepted.

    Returns
    -------
    Solution
        ``order_parameters`` ``m, q0, q1, C, mu, x, r0, r1`` (``x = mu T``);
        ``free_energy`` and, at ``T = 0``, ``energy`` (the ground-state energy;
        ``nan`` at ``T > 0``); ``status`` 5
        above :func:`alpha_c_1rsb` at ``T = 0``, 1 if the root finder stalls,
        4 where the step collapsed onto the RS solution (``q1 - q0`` below
        :data:`COLLAPSED`, or ``mu -> 0``): above the AT line, where the order
        parameters and free energy of the collapsed point are still reported.

    Raises
    ------
    ValueError, TypeError
        For ``alpha`` not positive and finite, ``T`` negative, NaN or
        infinite, a tolerance outside ``(0, 1e-2]``, a ``guess`` that is not
        four finite numbers, or, without a ``guess``, ``alpha < 0.12`` or, at
        ``T > 0``, ``alpha`` above the ``T = 0`` critical storage.

    References
    ----------
    Crisanti, Amit, Gutfreund, Europhys. Lett. 2, 337 (1986);
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994).
    """
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True, finite=True)
    T, beta = rsb_temperature(T)
    tol = check_tol(tol)
    if guess is not None:
        guess = np.asarray(guess, dtype=float)
        if guess.shape != (4,) or not np.all(np.isfinite(guess)):
            raise ValueError(f"guess={guess!r} must be four finite numbers (m, q0, C, mu)")
    elif alpha < ALPHA_FOLLOW:
        raise ValueError(
            f"alpha={alpha:g} must be >= {ALPHA_FOLLOW} without a guess: below it the one-step "
            f"branch has no stored start (it is ill-conditioned there); pass guess=(m, q0, C, mu) "
            f"from a nearby load"
        )
    params = {"alpha": alpha, "T": T}
    names = ("m", "q0", "q1", "C", "mu", "x", "r0", "r1")

    def result(u, status, message, residual=math.nan, n_iter=0) -> Solution:
        m, (q0,), C, (mu,) = _unpack(u, 1)
        q = _all_q(beta, [q0], C)
        if not _inside(beta, q[:1], C, np.array([mu])) and status:
            values, f = dict.fromkeys(names, math.nan), math.nan
        else:
            r = _conjugates(q, C, np.array([mu]))[1]
            values = dict(zip(names, (m, q0, q[1], C, mu, mu * T, *r), strict=True))
            f = _free_energy(alpha, beta, m, q[:1], C, np.array([mu]))
        energy = f if T == 0 else math.nan  # the ground-state energy at T = 0
        return Solution("hopfield-1rsb", params, {k: float(v) for k, v in values.items()}, f,
                        energy, status == 0, status, message, n_iter, residual,
                        "retrieval")  # fmt: skip

    if guess is None and alpha > (top := alpha_c_1rsb().value):
        if T > 0:  # the reentrant window: retrieval exists at T > 0 only
            raise ValueError(
                f"alpha={alpha:g} > alpha_c(1RSB, T=0) = {top:.6f} has no T = 0 state to "
                f"continue from; pass guess=(m, q0, C, mu), e.g. from the fold at T"
            )
        return result(np.full(4, math.nan), 5, f"{STATUS[5]}: alpha={alpha:g} > "
                      f"alpha_c(1RSB) = {top:.6f}")  # fmt: skip
    if guess is None and T >= T_RS_FOLD:
        return result(np.full(4, math.nan), 4, f"{STATUS[4]}: T={T:g} >= {T_RS_FOLD} lies "
                      f"above the AT line at every load (T_AT <= 0.0251); the RS state of "
                      f"hebbian.theory.hopfield.solve holds")  # fmt: skip
    if guess is None:
        guess = _start_zero_T(alpha)
        if T > 0:
            guess = _follow_T(alpha, T, _root(math.inf, 1, guess, alpha=alpha)[0])
    u, residual, nfev = _root(beta, 1, guess, alpha=alpha)
    gap = 1 - u[2] * T - u[1]
    if gap < COLLAPSED or u[3] < 1e-6:
        return result(u, 4, f"{STATUS[4]}: the step collapsed onto the RS solution "
                      f"(q1 - q0 = {gap:.1e}, mu = {u[3]:.3g})", residual, nfev)  # fmt: skip
    if residual > tol:
        return result(u, 1, f"root finder stalled at residual {residual:.1e}", residual, nfev)
    return result(u, 0, STATUS[0], residual, nfev)


#: Largest residual accepted on the branches of :func:`_fold`: the field grid's noise (1e-9
#: in :data:`GRID`, a few 1e-9 in :data:`FINE`) stops hybr above 1e-10 from two steps on.
FOLD_TOL = {1: 1e-9, 2: 1e-8, 3: 1e-8}


def _fold(beta: float, k: int, m0: float, start: np.ndarray, h: float = 0.004):
    """``(alpha, m, u)`` at the fold ``max_m alpha(m)`` near ``m0``, or ``None``.

    ``start`` is ``(alpha, q..., C, mu...)`` near the fold.  The vertex of the
    parabola through the loads at ``m0 - h, m0, m0 + h``, refined once with
    ``h / 8`` around it (the branch is skewed: ``h`` alone errs by 3e-7 in the load).
    """
    for width in (h, h / 8):
        ms = m0 + width * np.array([-1.0, 0.0, 1.0])
        points = [_root(beta, k, start, m=m) for m in ms]
        if max(p[1] for p in points) > FOLD_TOL[k]:
            return None
        m0, start = _vertex(ms, [p[0][0] for p in points]), points[1][0]
    u, residual, _ = _root(beta, k, start, m=m0)
    return None if residual > FOLD_TOL[k] else (float(u[0]), m0, u)


#: A point ``(alpha, m, q0, C, mu)`` of the ``T = 0`` one-step branch near its fold.
FOLD_GUESS = BRANCH[-1]

#: Points ``(alpha, m, q_0..q_{k-1}, C, mu_1..mu_k)`` of the ``T = 0`` k-step branches near
#: their folds (on :data:`FINE`).  Two steps: found from the one-step fold with a step opened
#: near ``q = 1`` (``q1 = 0.9997``, ``mu2 = 80``; a step opened below ``q0`` closes again,
#: ``mu1 -> 0``); three steps likewise from two.
FOLD_GUESSES = {
    2: (0.13819634, 0.96675135, 0.99595739, 0.99914528, 0.0255962, 25.959306, 86.377373),
    3: (0.13819774, 0.96674780, 0.99578879, 0.99845613, 0.99968461, 0.0154101, 22.472344,
        48.388191, 150.28505),
}  # fmt: skip


@functools.cache
def _fold_1rsb(i: int) -> tuple[Transition, np.ndarray | None]:
    """The one-step fold at ``T = i T_STEP``, continued from ``T = 0``; ``None``: lost."""
    if i == 0:
        a0, m0, *rest = FOLD_GUESS
        found = _fold(math.inf, 1, m0, np.array([a0, *rest]))
    else:
        found = _fold_at(i * T_STEP, (i - 1) * T_STEP, _fold_1rsb(i - 1))
    if found is None:
        return Transition(math.nan, math.nan), None
    return Transition(found[0], found[1]), found[2]


#: Width in ``m`` of :func:`_fold`'s parabola relative to the step ``q1 - q0`` at the previous
#: fold: near the temperature where the step closes at the fold the one-step branch exists
#: only within ``|m - m_c| ~ q1 - q0`` (at ``T = 0.0225``, ``q1 - q0 = 6.6e-4``: the roots at
#: ``m_c +- 0.004`` collapse onto RS, those at ``+- 0.001`` converge).
FOLD_WIDTH = 1.5


def _fold_at(T: float, T_prev: float, state: tuple[Transition, np.ndarray | None]):
    """The fold ``(alpha, m, u)`` at ``T`` from the one at ``T_prev`` (a failed step: halved)."""
    c, u = state
    if u is None:  # lost below T
        return None
    gap = 1 - u[2] * T_prev - u[1]
    found = _fold(1 / T, 1, c.m, u, h=min(0.004, FOLD_WIDTH * gap))
    if found is None and T - T_prev > T_STEP / 3:
        mid = (T + T_prev) / 2
        half = _fold_at(mid, T_prev, state)
        if half is not None:
            return _fold_at(T, mid, (Transition(half[0], half[1]), half[2]))
    return found


def _rs_stable_at_fold(T: float) -> bool:
    """Whether the RS retrieval state is AT-stable at its own fold (then no step opens there)."""
    if T == 0:
        return False
    if T >= T_RS_FOLD:
        return True
    rs = hopfield.solve(hopfield.alpha_c(T).value * (1 - 1e-9), T)
    return rs.success and rs.stability >= 0


def alpha_c_1rsb(T: float = 0.0) -> Transition:
    """Critical storage with one step of RSB: the fold ``max_m alpha(m)`` of the retrieval branch.

    At ``T = 0`` 0.138186 (Steffan & Kuehn 1994), above the RS 0.137906.  At
    ``T > 0`` the fold is continued from ``T = 0`` in steps of
    :data:`T_STEP` (a failed step is halved), with the parabola of the fold
    narrowed with the step (:data:`FOLD_WIDTH`); the line is continuous at
    ``T -> 0`` (linear, slope 1.8e-3).  Where the RS retrieval state is
    AT-stable at its own fold (above ``T* = 0.02507``, where the AT line of
    :func:`hebbian.theory.hopfield.T_AT` meets the RS spinodal ``T_M``) no step
    opens and the RS fold :func:`hebbian.theory.hopfield.alpha_c` is returned.
    Just below ``T*`` the step at the fold is narrower than the root finder
    separates from the line of RS roots next to it: the continuation reaches
    ``T = 0.0235`` (step ``q1 - q0 = 4.1e-4``, 9.2e-7 above the RS fold) and
    may return ``nan`` between there and ``T*``, where the one-step fold lies
    about ``0.4 (T* - T)^2 < 1e-6`` above the RS one (1.3e-7 at ``T = 0.0245``,
    step 1.7e-4, from a step opened at the RS fold instead).

    Parameters
    ----------
    T : float, default 0
        Temperature ``>= 0`` (``T <= 1e-4`` is ``T = 0``).

    Returns
    -------
    Transition
        ``value`` = alpha_c at one step, ``m`` = the overlap there; ``nan``
        where the continuation does not converge.

    Raises
    ------
    ValueError, TypeError
        For ``T`` negative, NaN or infinite.

    References
    ----------
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994); Crisanti, Amit, Gutfreund,
    Europhys. Lett. 2, 337 (1986).

    Examples
    --------
    >>> c = alpha_c_1rsb()  # Steffan & Kuehn 1994: 0.138186
    >>> round(c.value, 5), round(c.m, 3)
    (0.13819, 0.967)
    """
    T, _ = rsb_temperature(T)
    return _alpha_c_1rsb(T)


@functools.cache
def _alpha_c_1rsb(T: float) -> Transition:
    if _rs_stable_at_fold(T):  # above the AT line at the fold: the step has collapsed
        return hopfield.alpha_c(T)
    i = math.floor(T / T_STEP)
    if i * T_STEP == T:
        return _fold_1rsb(i)[0]
    found = _fold_at(T, i * T_STEP, _fold_1rsb(i))
    return Transition(math.nan, math.nan) if found is None else Transition(found[0], found[1])


@functools.cache
def _fold_k(k: int):
    """The ``T = 0`` k-step fold ``(alpha, m, u)`` from :data:`FOLD_GUESSES`, or ``None``."""
    a0, m0, *rest = FOLD_GUESSES[k]
    return _fold(math.inf, k, m0, np.array([a0, *rest]))


def alpha_c_krsb(k: int = 2) -> Transition:
    """Critical storage at ``T = 0`` with ``k = 2`` or 3 steps of RSB: the fold of the retrieval
    branch, on the field grid :data:`FINE`.

    Two steps: 0.1381963 (the same to 1e-9 at half the grid's resolution), 1.0e-5
    above one step (0.1381865); three steps: 0.1381977, 1.4e-6 above two (about
    2 min of CPU).  The increments shrink as those of the SK ground-state energy
    (the module docstring has the comparison with Steffan & Kuehn's 0.138187).

    Parameters
    ----------
    k : {2, 3}
        Steps of replica symmetry breaking (one step at any ``T``: :func:`alpha_c_1rsb`).

    Returns
    -------
    Transition
        ``value`` = alpha_c with ``k`` steps, ``m`` = the overlap there; ``nan``
        where the solver does not converge.

    Raises
    ------
    ValueError
        For ``k`` other than 2 or 3.

    References
    ----------
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994): 0.138187 (one step 0.138186).
    """
    k = check_int(k, "k", minimum=2, maximum=3, why="k-step folds are built for k = 2, 3")
    found = _fold_k(k)
    return Transition(math.nan, math.nan) if found is None else Transition(found[0], found[1])


def solve_2rsb(alpha: float, *, guess=None, tol: float = 1e-8) -> Solution:
    """The ``T = 0`` two-step RSB retrieval solution at load ``alpha`` (grid :data:`FINE`).

    Parameters
    ----------
    alpha : float
        Load ``K / N``, positive.
    guess : (m, q0, q1, C, mu1, mu2), optional
        Start; by default the fold point of :func:`alpha_c_krsb` (so loads
        near the fold converge; pass a nearby solution further away).
    tol : float
        Largest residual of the six stationarity conditions accepted (the
        field grid's noise keeps the root finder above ~1e-9).

    Returns
    -------
    Solution
        ``order_parameters`` ``m, q0, q1, C, mu1, mu2, r0, r1, r2``;
        ``free_energy`` the ground-state energy; ``status`` 5 above
        :func:`alpha_c_krsb`, 1 if the root finder stalls, 4 where a step
        collapsed (``q1 - q0`` or ``1 - q1`` below :data:`COLLAPSED`, or
        ``mu1 -> 0``): the one-step solution.

    Raises
    ------
    ValueError, TypeError
        For ``alpha`` not positive and finite, a tolerance outside
        ``(0, 1e-2]`` or a ``guess`` that is not six finite numbers.

    References
    ----------
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994).
    """
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True, finite=True)
    tol = check_tol(tol)
    if guess is not None:
        guess = np.asarray(guess, dtype=float)
        if guess.shape != (6,) or not np.all(np.isfinite(guess)):
            raise ValueError(
                f"guess={guess!r} must be six finite numbers (m, q0, q1, C, mu1, mu2)"
            )
    params = {"alpha": alpha, "T": 0.0}
    names = ("m", "q0", "q1", "C", "mu1", "mu2", "r0", "r1", "r2")

    def result(u, status, message, residual=math.nan, n_iter=0) -> Solution:
        m, q, C, mu = _unpack(u, 2)
        if status == 5 or not _inside(math.inf, q, C, mu):
            values, f = dict.fromkeys(names, math.nan), math.nan
        else:
            r = _conjugates(_all_q(math.inf, q, C), C, mu)[1]
            values = dict(zip(names, (m, *q, C, *mu, *r), strict=True))
            f = _free_energy(alpha, math.inf, m, q, C, mu)
        return Solution("hopfield-2rsb", params, {k: float(v) for k, v in values.items()}, f, f,
                        status == 0, status, message, n_iter, residual, "retrieval")  # fmt: skip

    if guess is None:
        fold = _fold_k(2)
        if fold is None:
            return result(np.full(6, math.nan), 1, "the two-step fold was not found")
        if alpha > fold[0]:
            return result(np.full(6, math.nan), 5, f"{STATUS[5]}: alpha={alpha:g} > "
                          f"alpha_c(2RSB) = {fold[0]:.7f}")  # fmt: skip
        guess = np.concatenate([[fold[1]], fold[2][1:]])
    u, residual, nfev = _root(math.inf, 2, guess, alpha=alpha)
    _, (q0, q1), _, (mu1, _) = _unpack(u, 2)
    if min(q1 - q0, 1 - q1) < COLLAPSED or mu1 < 1e-6:
        return result(u, 4, f"{STATUS[4]}: a step collapsed onto the one-step solution "
                      f"(q1 - q0 = {q1 - q0:.1e}, 1 - q1 = {1 - q1:.1e}, mu1 = {mu1:.3g})",
                      residual, nfev)  # fmt: skip
    if residual > tol:
        return result(u, 1, f"root finder stalled at residual {residual:.1e}", residual, nfev)
    return result(u, 0, STATUS[0], residual, nfev)
