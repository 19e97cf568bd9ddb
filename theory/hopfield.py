r"""Replica-symmetric theory of the pairwise Hopfield network (Amit, Gutfreund, Sompolinsky).

Normalization: ``H = -(1/N) sum_mu sum_{i<j} xi_i^mu xi_j^mu sigma_i sigma_j``
(no self-couplings), ``K = alpha N`` random binary patterns, temperature
``T = 1/beta``: :class:`hebbian.Hopfield`, and AGS, Ann. Phys. 173, 30 (1987).

With one condensed pattern, ``h = m + sqrt(alpha r) z`` and
``d = 1 - beta (1 - q)``, the RS equations (AGS eqs. 4.5-4.7) are

.. math::

    m = E_z \tanh\beta h, \quad q = E_z \tanh^2\beta h, \quad r = q / d^2,

and the free energy per neuron (AGS eq. 4.4)

.. math::

    f = \frac{\alpha}{2} + \frac{m^2}{2}
        + \frac{\alpha}{2\beta}\Big[\ln d - \frac{\beta q}{d}\Big]
        + \frac{\alpha\beta}{2} r (1-q) - \frac{1}{\beta} E_z \ln 2\cosh\beta h .

At ``T = 0`` (``C = beta (1 - q)`` finite) they reduce to one equation in
``y = m / sqrt(2 alpha r)``: ``erf(y) = y (sqrt(2 alpha) + (2/sqrt(pi)) e^{-y^2})``
(AGS eq. 5.1-5.3), whence ``alpha_c = max_y [erf(y) - 2y e^{-y^2}/sqrt(pi)]^2 / (2 y^2)
= 0.1379056`` (Steffan & Kuehn, Z. Phys. B 95, 249 (1994): 0.137905).

The replicon (AT) eigenvalue of a solution is
``1 - alpha beta^2 E_z sech^4(beta h) / d^2`` (AGS sec. 4; Coolen, Kuehn,
Sollich, *Theory of Neural Information Processing Systems*, sec. 21.3);
it is reported as :attr:`~hebbian.theory.solution.Solution.stability`.

Low load (``alpha = 0``): symmetric mixtures of ``n`` patterns, AGS, Phys.
Rev. A 32, 1007 (1985), in :func:`mixture`.
"""

from __future__ import annotations

import functools
import itertools
import math
import sys
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize
from scipy.special import erf

from hebbian._checks import check_int, check_real, check_tol
from hebbian.temperature import T_ZERO, beta_from_T, temperature
from hebbian.theory.fixed_point import fixed_point
from hebbian.theory.quadrature import (
    FieldMoments,
    field_moments,
    glass_order,
    log2cosh,
    std_for_tanh_mean,
)
from hebbian.theory.solution import STATUS, ZERO, Solution, Transition, classify, on_branch

__all__ = [
    "BRANCHES",
    "T_AT",
    "T_M",
    "PhaseDiagram",
    "T_c",
    "T_g",
    "alpha_c",
    "alpha_c_peak",
    "alpha_eq",
    "branches",
    "equilibrium",
    "mixture",
    "mixture_stability_T",
    "phase_diagram",
    "solve",
]

#: The branches a solution can belong to.
BRANCHES = ("retrieval", "spin glass", "paramagnet")

#: Largest ``n`` of :func:`mixture`: it averages over all ``2^n`` sign patterns, which
#: at ``n = 20`` takes about 4 s and 170 MB (four times that per added pattern).
MAX_MIXTURE = 20


#: Most points per line of :func:`phase_diagram` (0.03 s a point, measured on one core).
MAX_POINTS = 1000

#: Smallest positive load, the smallest normal double: the spin glass's ``r ~ 2/(pi alpha)``
#: overflows below it (``r = 2.9e307`` there).
ALPHA_MIN = sys.float_info.min


def _load(alpha) -> float:
    alpha = check_real(alpha, "alpha", low=0.0, finite=True, fix="alpha = K/N is a load")
    if 0 < alpha < ALPHA_MIN:
        raise ValueError(
            f"alpha={alpha:g} must be 0 or >= {ALPHA_MIN:g} (a normal double): the spin "
            f"glass's r ~ 2/(pi alpha) would overflow; pass alpha=0 for zero load"
        )
    return alpha


def _check(alpha: float, T: float) -> tuple[float, float, float]:
    """``(alpha, T, beta)``; ``beta = inf`` at and below :data:`hebbian.temperature.T_ZERO`."""
    return _load(alpha), *temperature(T, zero_below=T_ZERO)


def _free_energy(alpha: float, beta, m, q, C, r, spin) -> tuple[float, float]:
    """(f, u) at finite T for the AGS order parameters, ``C = beta (1 - q)`` given.

    ``(alpha / 2 beta)[ln d - beta q / d] + (alpha beta / 2) r (1 - q)`` is written
    in ``C`` (``d = 1 - C``), which keeps its digits as ``beta`` grows.
    """
    f = m**2 / 2 - spin
    u = -(m**2) / 2
    if alpha > 0:  # the non-condensed patterns (absent at zero load, whatever d is)
        d = 1 - C
        f += alpha / 2 + alpha * math.log1p(-C) / (2 * beta) - alpha * q / (2 * d)
        f += alpha * r * C / 2
        u += alpha / 2 - alpha / (2 * d) - alpha * r * C / 2
    return f, u


def _solution(params, order, f, u, status, message, n_iter, residual, branch, wanted, lam):
    return on_branch(wanted, status=status, message=message, model="hopfield", params=params,
                     order_parameters=order, free_energy=f, energy=u, n_iter=n_iter,
                     residual=residual, branch=branch, stability=lam)  # fmt: skip


def solve(
    alpha: float,
    T: float,
    *,
    branch: str = "retrieval",
    guess: ArrayLike | None = None,
    tol: float = 1e-10,
    method: str = "hybrid",
) -> Solution:
    """One RS solution of the Hopfield network at load ``alpha`` and temperature ``T``.

    Parameters
    ----------
    alpha : float
        Load ``K/N >= 0``.
    T : float
        Temperature ``>= 0``; ``T = 0`` solves the zero-temperature equations,
        and so does ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`): the
        finite-``T`` corrections are ``O(T)`` (``q = 1 - C T``).  ``T = inf``
        is the paramagnet (``m = q = r = 0``, ``f = -inf``, ``u = 0``); the
        other branches have status 5 there.
    branch : {"retrieval", "spin glass", "paramagnet"}
        Which solution to look for; it sets the starting point.
    guess : (m, q) or (m, q, C), optional
        Starting point instead of the branch's own (continuation passes the
        previous solution).  By default retrieval starts at ``(1, 1)``, the
        spin glass at its ``T = 0`` value of ``C = beta (1 - q)`` and the
        paramagnet at ``(0, 0)``.
    tol : float
        Required max-norm residual of the equations, in ``(0, 1e-2]``.
    method : str
        Fixed-point method, see :func:`hebbian.theory.fixed_point.fixed_point`.

    Returns
    -------
    Solution
        ``order_parameters`` ``m``, ``q``, ``r`` and ``C = beta (1 - q)``;
        ``success=False`` with ``status=4`` when the iteration lands on
        another branch (the requested one does not exist there).

    Raises
    ------
    ValueError, TypeError
        For a load, temperature or tolerance out of range, naming it.

    Notes
    -----
    Below ``T = 1`` the iteration runs in ``(m, C)``, ``C = beta (1 - q)``
    averaged as ``beta E sech^2(beta h)``, never formed from ``1 - q``, so
    ``d = 1 - C`` and ``r = q / d^2`` keep their digits as ``T -> 0`` and the
    solution goes over continuously to the ``T = 0`` one; above it in
    ``(m, q)``.  The residual is that of the equations in those unknowns.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), eqs. 4.4-4.7, 5.1-5.3.

    Examples
    --------
    >>> s = solve(0.05, 0.0)
    >>> s.success, round(s["m"], 6)
    (True, 0.999992)
    """
    alpha, T, beta = _check(alpha, T)
    tol = check_tol(tol)
    if branch not in BRANCHES:
        raise ValueError(f"branch={branch!r} is not one of {tuple(BRANCHES)}")
    params = {"alpha": alpha, "T": T}
    if math.isinf(beta):
        return _solve_zero_T(alpha, branch, params, tol)
    if beta == 0:
        return _infinite_T(params, branch)

    in_C = beta > 1  # the second unknown: C for beta > 1, where q -> 1 loses it; else q

    def reaction(q, C):
        """``r = q / d^2``, ``d = 1 - C``; ``d <= 0`` (outside the domain) maps to a huge noise."""
        return q / max(1 - C, 1e-8) ** 2

    # The search evaluates some points more than once (its residual checks, the
    # root finder's start) and the free energy needs the solution's moments again.
    @functools.cache
    def moments(m: float, std: float) -> FieldMoments:
        return field_moments(m, std, beta)

    def F(x):
        q, C = glass_order(x[1], beta, in_C)
        fm = moments(float(x[0]), math.sqrt(alpha * reaction(q, C)))
        return np.array([fm.m, fm.C if in_C else fm.q])

    start = _guess(alpha, beta, branch) if guess is None else _as_guess(guess, beta)
    x0 = (start[0], start[2] if in_C else start[1])
    fp = fixed_point(F, x0, tol=tol, method=method)
    m = float(fp.x[0])
    q, C = glass_order(fp.x[1], beta, in_C, clip=False)
    if -tol < q < 0:  # zero to the precision solved (the paramagnet, approached from below)
        q = 0.0
    r = reaction(q, C)
    status, message = fp.status, fp.message
    inside = 0 <= q <= 1 and C >= 0 and (alpha == 0 or C < 1)
    if fp.success and not inside:
        status, message = 3, f"{STATUS[3]}: q={q:g}, 1 - beta(1-q)={1 - C:g}"
    if not inside:
        f = u = lam = math.nan
    else:
        fm = moments(m, math.sqrt(alpha * r))
        f, u = _free_energy(alpha, beta, m, q, C, r, fm.spin)
        lam = 1 - alpha * beta * fm.S4 / (1 - C) ** 2 if alpha > 0 else 1.0
    order = {"m": m, "q": q, "r": r, "C": C}
    return _solution(
        params, order, f, u, status, message, fp.n_iter, fp.residual, classify(m, q), branch, lam
    )


def _as_guess(guess, beta: float) -> np.ndarray:
    """A user's ``(m, q)`` or ``(m, q, C)`` as the iteration's ``(m, q, C)``."""
    x = np.atleast_1d(np.asarray(guess, dtype=float))
    if x.shape not in ((2,), (3,)) or not np.all(np.isfinite(x)):
        raise ValueError(f"guess={guess!r} must be finite (m, q) or (m, q, C)")
    return x if x.size == 3 else np.array([x[0], x[1], beta * (1 - x[1])])


def _infinite_T(params: dict, branch: str) -> Solution:
    """``T = inf``: the paramagnet, ``f = -T ln 2 = -inf``, ``u = 0``."""
    order = {"m": 0.0, "q": 0.0, "r": 0.0, "C": 0.0}
    status = 0 if branch == "paramagnet" else 5
    message = "" if status == 0 else f"{STATUS[5]}: only the paramagnet exists at T=inf"
    return _solution(
        params, order, -math.inf, 0.0, status, message, 0, 0.0, "paramagnet", branch, 1.0
    )


def _guess(alpha: float, beta: float, branch: str) -> tuple[float, float, float]:
    """Starting ``(m, q, C)`` of a branch: the spin glass from its ``T = 0`` ``C``."""
    if branch == "retrieval":
        return 1.0, 1.0, 0.0
    if branch == "paramagnet" or alpha == 0:
        return 0.0, 0.0, beta
    C = _zero_T_order(alpha, 0.0)["C"]
    q = min(max(1 - C / beta, 0.05), 1.0)
    return 0.0, q, min(C, beta * (1 - q))


def _zero_T_gap(y: float, alpha: float) -> float:
    """``erf(y) - y (sqrt(2 alpha) + 2 e^{-y^2}/sqrt(pi))``: zero on T = 0 solutions."""
    return erf(y) - y * (math.sqrt(2 * alpha) + 2 / math.sqrt(math.pi) * math.exp(-(y * y)))


def _zero_T_y(alpha: float, *, count: bool = False):
    """Retrieval root ``y`` of :func:`_zero_T_gap` (``nan`` above ``alpha_c``).

    The gap is negative near ``y = 0`` and has two positive roots while
    ``alpha < alpha_c``; the larger one is the stable retrieval state.
    """
    peak = optimize.minimize_scalar(
        lambda y: -_zero_T_gap(y, alpha), bounds=(1e-6, 6.0), method="bounded"
    )
    if _zero_T_gap(peak.x, alpha) <= 0:
        return (math.nan, peak.nfev) if count else math.nan
    y_max = 2 / math.sqrt(2 * alpha) + 1  # gap < erf(y) - 2 < 0 there, whatever the rounding
    y, info = optimize.brentq(
        _zero_T_gap, peak.x, y_max, args=(alpha,), xtol=1e-15, full_output=True
    )
    return (y, peak.nfev + info.function_calls) if count else y


def _zero_T_order(alpha: float, y: float) -> dict:
    """``m, q, r, C`` and the energy of the T = 0 solution with ``y = m / sqrt(2 alpha r)``."""
    if alpha == 0:
        return {"m": 1.0, "q": 1.0, "r": 1.0, "C": 0.0}
    m = float(erf(y))
    if y == 0:  # spin glass: sqrt(r) (1 - C) = 1 with C = sqrt(2 / (pi alpha r))
        a = math.sqrt(2 / (math.pi * alpha))
        return {"m": 0.0, "q": 1.0, "r": (1 + a) * (1 + a), "C": a / (1 + a)}
    C = 2 * y * math.exp(-(y * y)) / (math.sqrt(math.pi) * m)
    return {"m": m, "q": 1.0, "r": 1 / (1 - C) ** 2, "C": C}


def _zero_T_energy(alpha: float, o: dict) -> float:
    """``e = alpha/2 - m^2/2 - alpha / (2(1-C)) - alpha r C / 2`` (AGS eq. 5.4).

    With ``1/(1 - C) = sqrt(r)`` (the ``r`` equation), which keeps its digits
    where ``C -> 1`` (the spin glass at low load).
    """
    return (
        alpha / 2 - o["m"] ** 2 / 2 - alpha * math.sqrt(o["r"]) / 2 - alpha * o["r"] * o["C"] / 2
    )


def _zero_T_residual(alpha: float, o: dict) -> float:
    if alpha == 0:
        return 0.0
    s = math.sqrt(2 * alpha * o["r"])
    y = o["m"] / s
    m_new = erf(y)
    C_new = 2 / (math.sqrt(math.pi) * s) * math.exp(-(y * y))
    # the r equation as 1/sqrt(r) = 1 - C: finite where C -> 1 (the spin glass at low load)
    return max(abs(m_new - o["m"]), abs(C_new - o["C"]), abs(1 / math.sqrt(o["r"]) - (1 - o["C"])))


def _solve_zero_T(alpha: float, branch: str, params: dict, tol: float = 1e-10) -> Solution:
    status, n_iter, y = 0, 0, 0.0
    if branch == "paramagnet" and alpha > 0:
        status = 5
    elif branch == "retrieval" and alpha > 0:
        y, n_iter = _zero_T_y(alpha, count=True)
        status = 5 if math.isnan(y) else 0
    if status == 5:
        nan = math.nan
        return _solution(
            params, {"m": nan, "q": nan, "r": nan, "C": nan}, nan, nan, 5,
            f"{STATUS[5]}: no T=0 {branch} solution at alpha={alpha:g}",
            n_iter, math.inf, branch, branch, nan,
        )  # fmt: skip
    if branch == "paramagnet":  # alpha = 0: the paramagnet is m = 0
        order = {"m": 0.0, "q": 0.0, "r": 0.0, "C": 0.0}
        e, lam = 0.0, 1.0
    else:
        order = _zero_T_order(alpha, y)
        e = _zero_T_energy(alpha, order)
        lam = -math.inf if alpha > 0 else 1.0  # beta^2 E sech^4 diverges like beta
    residual = _zero_T_residual(alpha, order)
    status, message = (0, "") if residual <= tol else (2, f"{STATUS[2]}: residual {residual:.1e}")
    return _solution(
        params,
        order,
        e,
        e,
        status,
        message,
        n_iter,
        residual,
        classify(order["m"], order["q"]),
        branch,
        lam,
    )


def branches(alpha: float, T: float, *, tol: float = 1e-10) -> list[Solution]:
    """All converged RS branches at ``(alpha, T)``, lowest free energy first.

    The first element is the thermodynamic (equilibrium) state within RS.

    Parameters
    ----------
    alpha : float
        Load ``K/N >= 0``, finite; a positive load below the smallest normal
        double (:data:`ALPHA_MIN`) is refused.
    T : float
        Temperature ``>= 0``; ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`)
        is solved as ``T = 0``.
    tol : float
        Required max-norm residual of the equations, in ``(0, 1e-2]``.

    Returns
    -------
    list of Solution
        The converged solutions of :data:`BRANCHES` (see :func:`solve`),
        sorted by ``free_energy``; empty where none converges.

    Raises
    ------
    ValueError, TypeError
        For a load, temperature or tolerance out of range, naming it.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), eqs. 4.4-4.7.

    Examples
    --------
    >>> [s.branch for s in branches(0.1, 0.3)]
    ['spin glass', 'retrieval']
    """
    found = [solve(alpha, T, branch=b, tol=tol) for b in BRANCHES]
    return sorted((s for s in found if s.success), key=lambda s: s.free_energy)


def _load_for_overlap(m: float, beta: float) -> float:
    """The load ``alpha`` at which the retrieval branch passes through ``m`` at ``beta``.

    Given ``m`` the ``m`` equation fixes ``s = sqrt(alpha r)``; ``q`` and ``r``
    follow explicitly and ``alpha = s^2 / r``.  ``nan`` where ``m`` is not on
    the branch (``m >= tanh(beta m)``).
    """
    if not m < (1.0 if math.isinf(beta) else math.tanh(beta * m)):
        return math.nan
    s = std_for_tanh_mean(m, beta, mean=m)
    if math.isinf(beta):
        C = math.sqrt(2 / math.pi) / s * math.exp(-((m / s) ** 2) / 2)
        return (s * (1 - C)) ** 2
    fm = field_moments(m, s, beta)
    return s**2 * (1 - fm.C) ** 2 / fm.q


def _overlap_at_zero_load(beta: float) -> float:
    """Largest solution of ``m = tanh(beta m)`` (0 for ``T >= 1``)."""
    if beta <= 1:
        return 0.0
    if math.isinf(beta):
        return 1.0
    return optimize.brentq(lambda m: math.tanh(beta * m) - m, 1e-9, 1.0)


def alpha_c(T: float = 0.0) -> Transition:
    """Critical storage ``alpha_c(T)``: the largest load with a retrieval solution.

    The retrieval branch is parametrized by ``m``: for given ``m`` the load
    follows from one 1-d root (:func:`_load_for_overlap`), and
    ``alpha_c = max_m alpha(m)`` is the fold.  The same line read as
    ``T(alpha)`` is ``T_M``.

    Parameters
    ----------
    T : float, default 0
        Temperature ``>= 0``; ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`)
        is ``T = 0``; at ``T >= 1`` (``inf`` included) there is no retrieval
        and ``value`` is 0.

    Returns
    -------
    Transition
        ``value`` = alpha_c, ``m`` = the overlap there (``nan`` for ``T >= 1``,
        where there is no retrieval).

    Raises
    ------
    ValueError, TypeError
        For a negative, NaN or non-real temperature.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987); at ``T = 0``
    eqs. 5.1-5.3, ``alpha_c = 0.1379056`` (Steffan & Kuehn, Z. Phys. B 95, 249
    (1994): 0.137905).

    Examples
    --------
    >>> c = alpha_c(0.0)
    >>> round(c.value, 6), round(c.m, 4)
    (0.137906, 0.9674)
    """
    beta = beta_from_T(T, zero_below=T_ZERO)
    m0 = _overlap_at_zero_load(beta)
    if m0 == 0.0:
        return Transition(0.0, math.nan)
    res = optimize.minimize_scalar(
        lambda m: -_load_for_overlap(m, beta),
        bounds=(0.05 * m0, m0 * (1 - 1e-9)),
        method="bounded",
        options={"xatol": 1e-9},
    )
    return Transition(-float(res.fun), float(res.x))


@functools.cache
def alpha_c_peak() -> tuple[float, float]:
    """Where the reentrant RS fold ``alpha_c(T)`` peaks: ``(T_peak, alpha_c(T_peak))``.

    0.138189 at ``T = 0.0229``, just above the one-step RSB ``T = 0`` value
    0.138186 (:func:`hebbian.theory.hopfield_rsb.alpha_c_1rsb`).
    """
    res = optimize.minimize_scalar(
        lambda T: -alpha_c(T).value, bounds=(0.0, 0.2), method="bounded", options={"xatol": 1e-8}
    )
    return float(res.x), -float(res.fun)


def T_M(alpha: float) -> float:
    """Highest temperature at which retrieval solutions exist (inverse of :func:`alpha_c`).

    In RS the line is slightly reentrant (AGS 1987): ``alpha_c(T)`` grows
    from 0.137906 at ``T = 0`` to a peak of 0.138189 at ``T = 0.0229``, so
    just below ``alpha_c(0)``, and up to the peak, retrieval exists in a
    window of temperatures; this is its upper end (the root of
    ``alpha_c(T) = alpha`` above the peak).

    Parameters
    ----------
    alpha : float
        Load ``K/N >= 0``, finite; a positive load below the smallest normal
        double (:data:`ALPHA_MIN`) is refused.

    Returns
    -------
    float
        ``T_M``: 1 at ``alpha = 0``; ``nan`` at and above the peak of
        ``alpha_c(T)`` (:func:`alpha_c_peak`), where retrieval never exists.

    Raises
    ------
    ValueError, TypeError
        For a load out of range, naming it.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).

    Examples
    --------
    >>> round(T_M(0.05), 4)
    0.5423
    """
    alpha = _load(alpha)
    if alpha == 0:
        return 1.0
    T_peak, alpha_peak = alpha_c_peak()
    if alpha >= alpha_peak:
        return math.nan
    return _fold_T(alpha, T_peak, 1.0)


def _fold_T(alpha: float, lo: float, hi: float) -> float:
    """The temperature in ``[lo, hi]`` at which ``alpha_c(T) = alpha`` (a sign change there)."""
    return optimize.brentq(lambda T: alpha_c(T).value - alpha, lo, hi, xtol=1e-10)


def T_g(alpha: float) -> float:
    """Spin-glass temperature ``1 + sqrt(alpha)`` (AGS eq. 4.12).

    Parameters
    ----------
    alpha : float
        Load ``K/N >= 0`` (``inf`` gives ``inf``).

    Returns
    -------
    float
        ``T_g = 1 + sqrt(alpha)``, where the spin-glass solution bifurcates
        from the paramagnet.

    Raises
    ------
    ValueError, TypeError
        For a negative, NaN or non-real load.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), eq. 4.12.
    """
    return 1 + math.sqrt(check_real(alpha, "alpha", low=0.0))


class _Path:
    """Solutions at a sequence of nearby points ``(alpha, T)``, each branch continued.

    A branch is solved by Newton from its last solution on the path (``last``)
    and, where that fails or lands on a solution ``accept`` refuses, from
    :func:`solve`'s own start, whose solution it returns whatever it is.
    """

    def __init__(self):
        self.last: dict[str, Solution] = {}

    def solve(self, alpha: float, T: float, branch: str, accept=lambda s: True) -> Solution:
        last = self.last.get(branch)
        if last is not None:
            guess = (last["m"], last["q"], last["C"])
            s = solve(alpha, T, branch=branch, guess=guess, method="newton")
            if s.success and accept(s):
                self.last[branch] = s
                return s
        s = solve(alpha, T, branch=branch)
        if s.success and accept(s):
            self.last[branch] = s
        return s


def _retrieval_minus_glass(
    alpha: float, T: float, path: _Path | None = None, m_fold: float = 0.0
) -> float:
    """``f_R - f_SG`` at ``(alpha, T)``; the retrieval state must converge.

    ``path`` (a :class:`_Path`) continues both branches from its earlier points.
    Newton from there could land on the unstable retrieval solution, which
    lies below the overlap ``m_fold`` of the fold ``alpha_c(T)`` on the branch
    parametrized by ``m`` (:func:`alpha_c`): such a solution is refused.
    """
    path = _Path() if path is None else path
    retrieval = path.solve(alpha, T, "retrieval", lambda s: s["m"] > m_fold).check()
    return retrieval.free_energy - path.solve(alpha, T, "spin glass").free_energy


def T_c(alpha: float) -> float:
    """Highest temperature at which retrieval is the RS equilibrium state (``f_R = f_SG``).

    The free-energy gap is not monotonic in ``T``: just above the load 0.0519
    where it vanishes at ``T = 0``, retrieval wins only inside a window of
    temperatures (reentrance, see :func:`alpha_eq`); this returns the window's
    upper end, ``nan`` where retrieval never wins.

    Parameters
    ----------
    alpha : float
        Load ``K/N``: 0, or finite and at least ``1e-8`` (below it the spin
        glass's ``d = 1 - C ~ sqrt(alpha)`` is not resolved).

    Returns
    -------
    float
        ``T_c``: 1 at ``alpha = 0``; ``nan`` where retrieval never has the
        lower free energy, or does not exist (``T_M`` is ``nan``).

    Raises
    ------
    ValueError, TypeError
        For a load out of range (``0 < alpha < 1e-8`` included), naming it.
    SolverError
        Where the retrieval state is not found at a temperature the root
        search needs.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).

    Examples
    --------
    >>> round(T_c(0.02), 4)
    0.5913
    """
    alpha = _load(alpha)
    if alpha == 0:
        return 1.0
    if alpha < 1e-8:  # the spin glass's d = 1 - C ~ sqrt(alpha) is below the solver's floor
        raise ValueError(
            f"alpha={alpha:g} must be 0 or >= 1e-8 for T_c: the spin glass is not resolved "
            f"below (T_c = 1 - O(sqrt(alpha)): 0.99974 at alpha = 1e-8)"
        )
    hi = T_M(alpha)
    if math.isnan(hi):
        return math.nan
    hi *= 1 - 1e-6
    lowest = optimize.minimize_scalar(
        lambda T: _retrieval_minus_glass(alpha, T), bounds=(0.0, hi), method="bounded"
    )
    if lowest.fun >= 0:
        return math.nan
    return optimize.brentq(lambda T: _retrieval_minus_glass(alpha, T), lowest.x, hi, xtol=1e-10)


def alpha_eq(T: float) -> float:
    """Largest load at which retrieval is the RS equilibrium state at temperature ``T``.

    The line ``T_c`` read as ``alpha(T)``; single-valued in ``T`` where
    ``T_c(alpha)`` is reentrant.  0.0519 at ``T = 0`` (AGS 1987: 0.051).

    Parameters
    ----------
    T : float
        Temperature ``>= 0``; ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`)
        is solved as ``T = 0``.

    Returns
    -------
    float
        The load where the retrieval and spin-glass free energies cross; 0
        where there is no retrieval (``alpha_c(T) = 0``, ``T >= 1``).

    Raises
    ------
    ValueError, TypeError
        For a negative, NaN or non-real temperature.
    SolverError
        Where the retrieval state is not found at a load the root search needs.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987).

    Examples
    --------
    >>> round(alpha_eq(0.0), 4)
    0.0519
    """
    return _alpha_eq(T, alpha_c(T), _Path())


def _alpha_eq(T: float, fold: Transition, path: _Path) -> float:
    """:func:`alpha_eq` at ``T`` given the fold ``alpha_c(T)``, solved along ``path``."""
    if fold.value == 0:
        return 0.0
    top = fold.value * (1 - 1e-9)
    return optimize.brentq(
        lambda a: _retrieval_minus_glass(a, T, path, fold.m), 1e-3 * top, top, xtol=1e-12
    )


def _T_AT_zero_T(alpha: float) -> float:
    """``(4/3) alpha p_h(0) / (1 - C)^2`` on the ``T = 0`` retrieval solution (``nan``: none).

    The low-``T`` limit of ``T_AT``: ``beta^2 E sech^4(beta h) ~ (4/3) beta p_h(0)``
    with ``p_h`` the density of the field.
    """
    o = _zero_T_order(alpha, _zero_T_y(alpha))
    variance = alpha * o["r"]
    density = math.exp(-(o["m"] ** 2) / (2 * variance)) / math.sqrt(2 * math.pi * variance)
    return 4 / 3 * alpha * density / (1 - o["C"]) ** 2


#: ``T_AT`` over its ``T = 0`` limit :func:`_T_AT_zero_T` lies in this range (checked at
#: both ends): the finite-``T`` corrections lower it, by up to 13% (at ``alpha_c(0)``).
_AT_BRACKET = (0.5, 1.25)


def T_AT(alpha: float) -> float:
    """de Almeida-Thouless temperature of the retrieval state: RS unstable below it.

    The root in ``T`` of the retrieval state's replicon eigenvalue (AGS 1987,
    sec. 4).  At low ``T``, ``beta^2 E sech^4(beta h) ~ (4/3) beta p_h(0)`` with
    ``p_h`` the density of the field, so ``T_AT ~ (4/3) alpha p_h(0) / (1 - C)^2``
    on the ``T = 0`` solution; that asymptote is returned where it is below
    ``1e-9`` (it is exponentially small, ``~ exp(-1/(2 alpha))``, at low load)
    and brackets the root otherwise (:data:`_AT_BRACKET`).  Where the replicon
    does not change sign across that bracket, or there is no ``T = 0``
    retrieval state (the reentrant window ``alpha_c(0) < alpha < max_T
    alpha_c(T)``), the root is searched in the range of temperatures where
    the retrieval state exists, below ``T_M``; ``T_M`` itself is returned
    where the retrieval state is RS-unstable up to it, ``nan`` where it never
    exists.

    Parameters
    ----------
    alpha : float
        Load ``K/N >= 0``, finite; a positive load below the smallest normal
        double (:data:`ALPHA_MIN`) is refused.

    Returns
    -------
    float
        ``T_AT``: 0 at ``alpha = 0``; ``T_M`` where the retrieval state is
        RS-unstable up to it; ``nan`` where no retrieval state exists (above the
        peak of ``alpha_c(T)``, :func:`alpha_c_peak`).

    Raises
    ------
    ValueError, TypeError
        For a load out of range, naming it.
    SolverError
        Where the retrieval state is not found at a temperature the root
        search needs.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), sec. 4.

    Examples
    --------
    >>> round(T_AT(0.1), 6)
    0.00145
    """
    alpha = _load(alpha)
    if alpha == 0:
        return 0.0
    estimate = _T_AT_zero_T(alpha)
    if estimate < 1e-9:
        return estimate
    retrieval = functools.cache(lambda T: solve(alpha, T))
    lam = lambda T: retrieval(T).check().stability  # noqa: E731
    if not math.isnan(estimate):
        lo, hi = (estimate * f for f in _AT_BRACKET)
        ends = retrieval(lo), retrieval(hi)
        if all(s.success for s in ends) and ends[0].stability < 0 < ends[1].stability:
            return optimize.brentq(lam, lo, hi, xtol=1e-14)
    hi = T_M(alpha)
    if math.isnan(hi):
        return math.nan
    hi *= 1 - 1e-6
    if lam(hi) <= 0:
        return hi
    if math.isnan(estimate):  # the reentrant window: retrieval exists above a lower fold
        lo = _fold_T(alpha, 0.0, alpha_c_peak()[0]) * (1 + 1e-6)
    else:
        lo = min(estimate / 4, hi / 2)
    return optimize.brentq(lam, lo, hi, xtol=1e-14)


def equilibrium(alpha: float, T: float, *, tol: float = 1e-10) -> Solution:
    """The RS thermodynamic state at ``(alpha, T)``.

    Among the converged branches of :func:`branches` the lowest free energy
    wins, except that the paramagnet is discarded where the spin glass
    exists: the spin glass bifurcates continuously from it at ``T_g`` and,
    with ``n -> 0`` replicas, the RS free energy is *maximized* over ``q``
    (the paramagnet's replicon eigenvalue is negative there).

    Parameters
    ----------
    alpha : float
        Load ``K/N >= 0``, finite; a positive load below the smallest normal
        double (:data:`ALPHA_MIN`) is refused.
    T : float
        Temperature ``>= 0``; ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`)
        is solved as ``T = 0``.
    tol : float
        Required max-norm residual of the equations, in ``(0, 1e-2]``.

    Returns
    -------
    Solution
        The equilibrium state (see :func:`solve` for its fields), or, where no
        branch converges, the attempt with the smallest residual.

    Raises
    ------
    ValueError, TypeError
        For a load, temperature or tolerance out of range, naming it.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), eqs. 4.4-4.7.

    Examples
    --------
    >>> equilibrium(0.02, 0.3).branch, equilibrium(0.1, 0.3).branch
    ('retrieval', 'spin glass')

    Where no branch converges, the attempt with the smallest residual is
    returned (``success=False``, saying why).
    """
    every = [solve(alpha, T, branch=b, tol=tol) for b in BRANCHES]
    found = sorted((s for s in every if s.success), key=lambda s: s.free_energy)
    if not found:
        return min(every, key=lambda s: s.residual)
    if any(s.branch == "spin glass" for s in found):
        found = [s for s in found if s.branch != "paramagnet"]
    return found[0]


def _mixture_patterns(n: int) -> np.ndarray:
    """All ``2^n`` sign vectors of the ``n`` mixed patterns, shape ``(2^n, n)``."""
    return np.array(list(itertools.product((-1.0, 1.0), repeat=n)))


def mixture(n: int, T: float, *, tol: float = 1e-12) -> Solution:
    """Symmetric mixture of ``n`` patterns at low load (``alpha = 0``).

    ``m_1 = ... = m_n = m`` with ``m = E_xi xi_1 tanh(beta m sum_k xi_k)``
    and ``f = n m^2 / 2 - T E_xi ln 2cosh(beta m sum_k xi_k)`` (AGS, Phys. Rev.
    A 32, 1007 (1985), eqs. 3.3-3.6).  ``stability`` is the smallest
    eigenvalue of the Hessian of ``f`` in the space of all overlaps (the
    ``n`` mixed ones and any other): odd ``n`` are stable below a ``T_n``
    (:func:`mixture_stability_T`), even ``n`` never.

    The averages run over all ``2^n`` sign patterns: ``n <= 20``
    (:data:`MAX_MIXTURE`, about 4 s and 170 MB).  At ``T = inf`` the
    iteration lands on the paramagnet (status 4).

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``1 <= n <= 20`` (:data:`MAX_MIXTURE`);
        ``n = 1`` is the retrieval state.
    T : float
        Temperature ``>= 0``; ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`)
        is solved as ``T = 0``.
    tol : float
        Required max-norm residual of the ``m`` equation, in ``(0, 1e-2]``.

    Returns
    -------
    Solution
        ``model`` ``"hopfield-mixture"``, ``params`` ``n`` and ``T``;
        ``order_parameters`` ``m`` (each mixed overlap) and
        ``q = E_xi tanh^2(beta m sum_k xi_k)``; ``energy`` ``-n m^2 / 2``;
        ``branch`` ``"mixture"`` (``"retrieval"`` for ``n = 1``); ``stability``
        the smallest Hessian eigenvalue; status 4 where the iteration lands on
        ``m = 0``.

    Raises
    ------
    ValueError, TypeError
        For ``n`` not an integer in ``[1, 20]``, or a temperature or tolerance
        out of range, naming it.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Phys. Rev. A 32, 1007 (1985), eqs. 3.3-3.6.

    Examples
    --------
    >>> s = mixture(3, 0.0)
    >>> s["m"], s.free_energy
    (0.5, -0.375)
    """
    n = check_int(
        n, "n", minimum=1, maximum=MAX_MIXTURE,
        why=lambda n: f"the average over 2^n sign patterns would take about {_mixture_cost(n)}",
    )  # fmt: skip
    T, beta = temperature(T, zero_below=T_ZERO)
    tol = check_tol(tol)
    xi = _mixture_patterns(n)
    field_sum = xi.sum(1)
    act = (lambda x: np.sign(x)) if math.isinf(beta) else (lambda x: np.tanh(beta * x))

    fp = fixed_point(
        lambda x: np.array([np.mean(xi[:, 0] * act(x[0] * field_sum))]), [1.0], tol=tol
    )
    m = float(fp.x[0])
    t = act(m * field_sum)
    q = float(np.mean(t**2))
    if math.isinf(beta):
        f = n * m**2 / 2 - float(np.mean(np.abs(m * field_sum)))
        # beta (1 - tanh^2) -> 0 where sum xi != 0 (odd n): Hessian = identity;
        # -> infinity on the sum xi = 0 configurations of even n
        lam = 1.0 if n % 2 else -math.inf
    elif beta == 0:  # T = inf: m = 0, f = -T ln 2, Hessian = identity
        f, lam = -math.inf, 1.0
    else:
        f = n * m**2 / 2 - float(np.mean(log2cosh(beta * m * field_sum))) / beta
        curvature = 1 - t**2
        inside = np.eye(n) - beta * (xi.T * curvature) @ xi / len(xi)
        outside = 1 - beta * float(np.mean(curvature))  # a pattern not in the mixture
        lam = float(min(np.linalg.eigvalsh(inside).min(), outside))
    return Solution(
        model="hopfield-mixture",
        params={"n": n, "T": T},
        order_parameters={"m": m, "q": q},
        free_energy=f,
        energy=-n * m**2 / 2,
        success=fp.success and m > ZERO,
        status=fp.status if m > ZERO or not fp.success else 4,
        message=fp.message if m > ZERO else f"{STATUS[4]} (paramagnet)",
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch="mixture" if n > 1 else "retrieval",
        stability=lam,
    )


def _mixture_cost(n: int) -> str:
    """Time and memory of :func:`mixture`: 4 s and 170 MB at ``n = 20``, times ``2^(n-20)``."""
    scale = 2.0 ** min(n - 20, 1000)
    return f"{4 * scale:.3g} s and {0.17 * scale:.3g} GB; pass n <= {MAX_MIXTURE}"


def mixture_stability_T(n: int) -> float:
    """Temperature ``T_n`` below which the symmetric ``n``-mixture is stable (``nan``: never).

    The root in ``T`` of the ``stability`` of :func:`mixture`.

    Parameters
    ----------
    n : int
        Number of mixed patterns, ``1 <= n <= 20`` (:data:`MAX_MIXTURE`).

    Returns
    -------
    float
        ``T_n``: 1 for ``n = 1`` (the retrieval state), ``nan`` for even ``n``
        (never stable), else the root in ``(0.05, 0.999)``.

    Raises
    ------
    ValueError, TypeError
        For ``n`` not an integer in ``[1, 20]``.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Phys. Rev. A 32, 1007 (1985).

    Examples
    --------
    >>> round(mixture_stability_T(3), 2)  # AGS 1985: T_3 = 0.46
    0.46
    """
    n = check_int(
        n, "n", minimum=1, maximum=MAX_MIXTURE,
        why=lambda n: f"each of the ~40 mixture solutions would take about {_mixture_cost(n)}",
    )  # fmt: skip
    if n == 1:
        return 1.0
    if n % 2 == 0:
        return math.nan
    return optimize.brentq(lambda T: mixture(n, T).stability, 0.05, 0.999, xtol=1e-10)


@dataclass(frozen=True)
class PhaseDiagram:
    """The (alpha, T) phase diagram of the Hopfield network in RS (AGS 1987, Fig. 1).

    Each line is a pair of arrays ``(alpha, T)``; ``nan`` where it does not exist.

    Attributes
    ----------
    T_g : spin-glass transition ``1 + sqrt(alpha)``.
    T_M : retrieval states exist below it (the fold, = ``alpha_c(T)``).
    T_c : retrieval states are the global minimum below it.
    T_AT : the retrieval state is RS-unstable (de Almeida-Thouless) below it.
    """

    T_g: tuple[np.ndarray, np.ndarray]
    T_M: tuple[np.ndarray, np.ndarray]
    T_c: tuple[np.ndarray, np.ndarray]
    T_AT: tuple[np.ndarray, np.ndarray]


def phase_diagram(n_points: int = 40) -> PhaseDiagram:
    """Trace every line of the Hopfield phase diagram with ``n_points`` points each.

    ``T_M`` and ``T_c`` are traced in ``T`` (:func:`alpha_c`, a fold, and
    :func:`alpha_eq`, a free-energy crossing, per point; the solves of each
    point of ``T_c`` start from the solutions of the point before), ``T_AT``
    in ``alpha`` (a root of the replicon eigenvalue per point), about 0.03 s
    a point: ``n_points <= 1000`` (:data:`MAX_POINTS`).

    Parameters
    ----------
    n_points : int, default 40
        Points per line, ``2 <= n_points <= 1000`` (:data:`MAX_POINTS`).

    Returns
    -------
    PhaseDiagram
        The lines ``T_g`` (``alpha`` in ``[0, 0.16]``), ``T_M`` and ``T_c``
        (``T`` in ``[0, 1]``) and ``T_AT`` (``alpha`` in ``[0, alpha_c(0))``),
        each a pair of arrays ``(alpha, T)``, on grids quadratically denser
        where the lines bend: small ``alpha`` for ``T_g``, low ``T`` for
        ``T_M`` and ``T_c`` (their reentrance), ``alpha`` near ``alpha_c`` for
        ``T_AT``.

    Raises
    ------
    ValueError, TypeError
        For ``n_points`` not an integer in ``[2, 1000]``.
    SolverError
        Where a retrieval state a line needs is not found.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), Fig. 1.
    """
    n_points = check_int(
        n_points, "n_points", minimum=2, maximum=MAX_POINTS,
        why=lambda n: f"it would take about {0.03 * n:.3g} s (0.03 s a point); pass n_points <= "
        f"{MAX_POINTS}",
    )  # fmt: skip
    a_c = alpha_c(0.0).value
    # grids denser where the lines bend: T_g ~ sqrt(alpha) at alpha -> 0, the
    # reentrant T_M and T_c at low T, T_AT rising near alpha_c
    u = np.linspace(0.0, 1.0, n_points)
    alphas = 0.16 * u**2
    Ts = u**2
    folds = [alpha_c(T) for T in Ts]
    path = _Path()  # T_c: each point continues the solutions of the one before
    a_AT = a_c * (1 - 1e-9) * (1 - (1 - u) ** 2)
    return PhaseDiagram(
        T_g=(alphas, 1 + np.sqrt(alphas)),
        T_M=(np.array([fold.value for fold in folds]), Ts),
        T_c=(np.array([_alpha_eq(T, fold, path) for T, fold in zip(Ts, folds, strict=True)]), Ts),
        T_AT=(a_AT, np.array([T_AT(a) for a in a_AT])),
    )
