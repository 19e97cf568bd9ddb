r"""One-step replica symmetry breaking of the Hopfield network at ``T = 0``.

Normalization as in :mod:`hebbian.theory.hopfield` (AGS 1987).  The 1RSB ansatz has
overlaps ``q_0 < q_1`` and conjugates ``r_0 < r_1`` with Parisi parameter
``x``; the eigenvalues of ``1 - beta Q`` are ``l_1 = 1 - beta (1 - q_1)`` and
``l_2 = l_1 - beta x (q_1 - q_0)``.  At ``T = 0`` the regular variables are
``C = beta (1 - q_1)`` and ``mu = beta x`` (``q_1 -> 1``), and the free
energy per neuron is

.. math::

    f = \frac{\alpha}{2} + \frac{m^2}{2}
      + \frac{\alpha}{2}\Big[\frac{1}{\mu}\ln\frac{l_2}{l_1} - \frac{q_0}{l_2}\Big]
      + \frac{\alpha}{2}\big[C r_1 + \mu (r_1 - r_0 q_0)\big]
      - \Phi(\alpha r_0, \alpha r_1; \mu; m),

``l_1 = 1 - C``, ``l_2 = 1 - C - mu (1 - q_0)``, with the spin term
``Phi = E_{z_0} (1/mu) ln E_{z_1} exp(mu |m + sqrt(alpha r_0) z_0 +
sqrt(alpha (r_1 - r_0)) z_1|)``: the one-step Parisi functional of
:mod:`hebbian.theory.parisi` with the Gaussian field variances ``alpha r``.  The
stationarity conditions in ``r_0, r_1`` are explicit,
``r_0 = q_0 / l_2^2``, ``r_1 = r_0 + (1/l_2 - 1/l_1) / mu``, and four
remain, in ``m, q_0, C, mu``.  ``mu -> 0`` (or ``q_0 -> 1``) is the RS
solution of AGS.  The retrieval branch ends at the fold
``alpha_c = 0.138186`` (Steffan & Kuehn, Z. Phys. B 95, 249 (1994); RS:
0.137906), found, as in RS, by parametrizing the branch by ``m``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import optimize

from hebbian._checks import check_real, check_tol
from hebbian.theory.parisi import Grid, parisi_functional
from hebbian.theory.solution import STATUS, Solution, Transition

__all__ = ["alpha_c_1rsb", "free_energy_1rsb", "solve_1rsb"]

GRID = Grid(L=8.0, dy=0.02)
#: A point of the 1RSB retrieval branch near its fold (alpha, m, q0, C, mu): the default start.
FOLD_GUESS = (0.138186, 0.967, 0.99652, 0.05265, 37.0)

#: First load step of :func:`solve_1rsb`'s continuation from the fold; converged steps double.
STEP = 0.002

#: Smallest load :func:`solve_1rsb` reaches without a ``guess``: it follows the branch
#: from the fold with a secant predictor in growing load steps (:func:`_follow`), and
#: below ~0.1 the root finder stalls.
ALPHA_FOLLOW = 0.12


def _conjugates(q0: float, C: float, mu: float) -> tuple[float, float, float, float]:
    """``l_1, l_2, r_0, r_1`` from the stationarity conditions in ``r_0, r_1``."""
    l1 = 1 - C
    l2 = l1 - mu * (1 - q0)
    r0 = q0 / l2**2
    return l1, l2, r0, r0 + (1 / l2 - 1 / l1) / mu


def _spin_term(v0: float, v1: float, mu: float, m: float):
    """``Phi`` and its derivatives in ``v0 = alpha r0``, ``v1 = alpha r1``, ``mu`` and ``m``."""
    v = parisi_functional([v0, v1], [mu], math.inf, m, GRID)
    phi = 0.25 * mu * (v1**2 - v0**2) - v.f
    return (
        phi,
        -0.5 * mu * v0 - v.grad_q[0],
        0.5 * mu * v1 - v.grad_q[1],
        0.25 * (v1**2 - v0**2) - v.grad_mu[0],
        v.m,
    )


def _inside(q0: float, C: float, mu: float) -> bool:
    if not (0 < q0 < 1 and 0 < C < 1 and mu > 0):
        return False
    _, l2, r0, r1 = _conjugates(q0, C, mu)
    return l2 > 0 and r1 > r0


def free_energy_1rsb(alpha: float, m: float, q0: float, C: float, mu: float) -> float:
    """The ``T = 0`` 1RSB free energy above (with ``r_0, r_1`` at their stationary values).

    Parameters
    ----------
    alpha : float
        Load ``K / N > 0``.
    m : float
        Overlap with the condensed pattern.
    q0 : float
        Overlap between the states of different clusters, in ``(0, 1)``.
    C : float
        ``beta (1 - q_1)``, in ``(0, 1)`` (``l_1 = 1 - C``).
    mu : float
        ``beta x``, the Parisi parameter at ``T = 0``, positive, with
        ``l_2 = 1 - C - mu (1 - q0) > 0``.  None of these ranges is checked.

    Returns
    -------
    float
        The free energy per neuron at ``T = 0`` (the ground-state energy), with
        ``r_0 = q_0 / l_2^2`` and ``r_1 = r_0 + (1/l_2 - 1/l_1) / mu``.

    References
    ----------
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994).
    """
    l1, l2, r0, r1 = _conjugates(q0, C, mu)
    phi = _spin_term(alpha * r0, alpha * r1, mu, m)[0]
    soft = alpha / 2 * (math.log(l2 / l1) / mu - q0 / l2)
    return alpha / 2 + m * m / 2 + soft + alpha / 2 * (C * r1 + mu * (r1 - r0 * q0)) - phi


def _residual(alpha: float, m: float, q0: float, C: float, mu: float) -> np.ndarray:
    """The four stationarity conditions (derivatives in m, r_1, r_0, mu, over alpha)."""
    if not (alpha > 0 and _inside(q0, C, mu)):
        return np.full(4, 1e3)  # outside the domain: push the root finder back
    l1, l2, r0, r1 = _conjugates(q0, C, mu)
    _, d_v0, d_v1, d_mu, d_m = _spin_term(alpha * r0, alpha * r1, mu, m)
    return np.array(
        [
            m - d_m,
            (C + mu) / 2 - d_v1,
            -mu * q0 / 2 - d_v0,
            0.5 * (-math.log(l2 / l1) / mu**2 - (1 - q0) / (mu * l2) - q0 * (1 - q0) / l2**2)
            + 0.5 * (r1 - r0 * q0)
            - d_mu / alpha,
        ]
    )


def _branch_at(m: float, guess) -> tuple[np.ndarray, float]:
    """``(alpha, q0, C, mu)`` of the retrieval branch at overlap ``m``, and the residual."""
    res = optimize.root(lambda u: _residual(u[0], m, *u[1:]), guess, method="hybr")
    return res.x, float(np.abs(res.fun).max())


@functools.cache
def alpha_c_1rsb() -> Transition:
    """Critical storage at one step of RSB: the fold ``max_m alpha(m)`` of the retrieval branch.

    Examples
    --------
    >>> c = alpha_c_1rsb()  # Steffan & Kuehn 1994: 0.138186
    >>> round(c.value, 5), round(c.m, 3)
    (0.13819, 0.967)
    """
    a0, m0, *rest = FOLD_GUESS
    start = np.array([a0, *rest])
    res = optimize.minimize_scalar(
        lambda m: -_branch_at(m, start)[0][0],
        bounds=(m0 - 0.004, m0 + 0.004),
        method="bounded",
        options={"xatol": 1e-7},
    )
    u, residual = _branch_at(res.x, start)
    if residual > 1e-9:
        return Transition(math.nan, math.nan)
    return Transition(float(u[0]), float(res.x))


def _follow(start: float, alpha: float) -> np.ndarray:
    """``(m, q0, C, mu)`` followed from the fold guess at load ``start`` down to ``alpha``.

    Secant predictor (from the last two points) and hybr corrector; a step
    that converges doubles the next, one that does not is halved (the branch
    has a square-root singularity at the fold and is smooth below it).
    """
    a, x = start, np.array(FOLD_GUESS[1:])
    previous = None
    h = STEP
    while a > alpha and h > 1e-5:
        nxt = max(alpha, a - h)
        guess = x if previous is None else x + (x - previous[1]) * (nxt - a) / (a - previous[0])
        res = optimize.root(lambda u, b=nxt: _residual(b, *u), guess, method="hybr",
                            options={"maxfev": 200})  # fmt: skip
        # a start for the next step, not the answer: the field grid's noise (~1e-9) keeps
        # hybr from its own tolerance, so a looser one is accepted here
        if np.abs(res.fun).max() < 1e-6 and res.x[3] > 1e-6:
            previous, a, x = (a, x), nxt, res.x
            h *= 2
        else:
            h /= 2
    return x


def solve_1rsb(alpha: float, *, guess=None, tol: float = 1e-10) -> Solution:
    """The ``T = 0`` one-step RSB retrieval solution at load ``alpha`` (module docstring).

    Parameters
    ----------
    alpha : float
        Load ``K / N``; without ``guess`` at least 0.12 (:data:`ALPHA_FOLLOW`).
    guess : (m, q0, C, mu), optional
        Start; by default the branch is followed from its fold down to
        ``alpha`` in growing steps of the load (secant predictor).
    tol : float
        Largest residual of the four stationarity conditions accepted.

    Returns
    -------
    Solution
        ``order_parameters`` ``m, q0, C, mu, r0, r1``; ``free_energy`` (the
        ground-state energy); ``status`` 5 above :func:`alpha_c_1rsb`, 1 if
        the root finder stalls, 4 if it fell back onto the RS solution
        (``mu -> 0``).

    Raises
    ------
    ValueError, TypeError
        For ``alpha`` not positive and finite, a tolerance outside
        ``(0, 1e-2]``, a ``guess`` that is not four finite numbers, or
        ``alpha < 0.12`` without a ``guess``.

    References
    ----------
    Steffan & Kuehn, Z. Phys. B 95, 249 (1994).
    """
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True, finite=True)
    tol = check_tol(tol)
    if guess is not None:
        guess = np.asarray(guess, dtype=float)
        if guess.shape != (4,) or not np.all(np.isfinite(guess)):
            raise ValueError(f"guess={guess!r} must be four finite numbers (m, q0, C, mu)")
    elif alpha < ALPHA_FOLLOW:
        raise ValueError(
            f"alpha={alpha:g} must be >= {ALPHA_FOLLOW} without a guess: the root finder "
            f"following the branch from its fold stalls below ~0.1; pass guess=(m, q0, C, mu) "
            f"from a nearby load"
        )
    params = {"alpha": alpha, "T": 0.0}
    top = alpha_c_1rsb().value
    nan = {k: math.nan for k in ("m", "q0", "C", "mu", "r0", "r1")}

    def failed(status: int, message: str, residual: float = math.nan) -> Solution:
        return Solution("hopfield-1rsb", params, nan, math.nan, math.nan, False, status,
                        message, 0, residual, "retrieval")  # fmt: skip

    if alpha > top:
        return failed(5, f"{STATUS[5]}: alpha={alpha:g} > alpha_c(1RSB) = {top:.6f}")
    x = _follow(min(FOLD_GUESS[0], top), alpha) if guess is None else np.asarray(guess, float)
    res = optimize.root(lambda u: _residual(alpha, *u), x, method="hybr", options={"xtol": 1e-13})
    m, q0, C, mu = res.x
    residual = float(np.abs(res.fun).max())
    if residual > tol:
        return failed(1, f"root finder stalled at residual {residual:.1e}", residual)
    if mu < 1e-6 or q0 > 1 - 1e-9:
        return failed(4, f"{STATUS[4]}: the step collapsed onto the RS solution", residual)
    _, _, r0, r1 = _conjugates(q0, C, mu)
    f = free_energy_1rsb(alpha, m, q0, C, mu)
    order = {"m": m, "q0": q0, "C": C, "mu": mu, "r0": r0, "r1": r1}
    return Solution("hopfield-1rsb", params, {k: float(v) for k, v in order.items()}, f, f,
                    True, 0, STATUS[0], int(res.nfev), residual, "retrieval")  # fmt: skip
