r"""Replica-symmetric phase diagram of dense networks that learn from examples.

The networks and the RS equations are those of :mod:`hebbian.theory.learning`
(supervised or unsupervised protocol, ``K = alpha N^(P-1)`` archetypes seen
through ``M`` examples of quality ``r``, data-set entropy
``rho = (1 - r^2)/(M r^2)``).  Each line of the ``(alpha, T)`` diagram is
returned as a load at fixed temperature, ``alpha_x(T)``: the cross-talk
variance is linear in ``alpha`` at fixed ``(n~, q)``, so along a branch
parametrized by its order parameter the load is explicit, and the lines stay
single-valued where they are reentrant in ``alpha``.

* **Retrieval spinodal** ``alpha_c(T)`` (:func:`hebbian.theory.learning.alpha_c`):
  the fold of the retrieval branch; no retrieval state at larger loads
  (equivalently above ``T_M(alpha)``).
* **RS instability** ``alpha_AT(T)`` (:func:`instability_load`): where the
  replicon eigenvalue of the retrieval state,
  ``1 - beta^2 xi''(q) E sech^4(beta h)`` (``P = 2``: ``xi''`` is
  ``sum_k alpha_k w_k^2/(1 - beta w_k (1 - q))^2``, the AGS spectrum),
  vanishes on the stable part of the branch: the RS retrieval state is
  unstable at larger loads (below the line in ``T``).  At low temperature
  ``beta^2 E sech^4(beta h) -> (4/3) beta p_h(0)``, ``p_h`` the density of
  the field, so the line starts at ``T_AT ~ (4/3) xi''(1) p_h(0)``,
  exponentially small at low load (:func:`instability_temperature_low_T`).
* **Spin-glass line** ``alpha_g(T)`` (:func:`glass_load`): the lowest load
  with an ``m = 0`` state of ``q > 0`` other than the paramagnet.  Along the
  ``m = 0`` branch ``q = E tanh^2(beta sqrt(V) z)`` fixes ``V`` and
  ``alpha = V / V_1(q)`` (``V_1``: unit load); the spin glass appears at a
  fold of ``alpha(q)`` (``P >= 3`` without a field: discontinuous) or
  bifurcates from the paramagnet at ``q -> 0``, where
  ``alpha = 1/(beta^2 V_1'(0))`` (``P = 2``:
  ``1 = beta^2 sum_k alpha_k w_k^2 / (1 - beta w_k)^2``, AGS's
  ``T_g = 1 + sqrt(alpha)`` for the storage model).  Where the network's
  self-interactions add a random field (odd ``P``) ``q > 0`` at every
  temperature and the onset is a crossover (``nan``) unless ``alpha(q)``
  still folds.
* **Paramagnet boundary** ``alpha_f(T)`` (:func:`freezing_load`): where the
  spin glass's free energy crosses the paramagnet's (``alpha_g`` itself where
  the spin glass bifurcates continuously): above it, and above the retrieval
  transition, the paramagnet is the RS equilibrium.
* **Thermodynamic retrieval transition** ``alpha_eq(T)``
  (:func:`equilibrium_load`): where the retrieval free energy crosses the
  lower of the ``m = 0`` states'; retrieval is the RS equilibrium at smaller
  loads, metastable up to ``alpha_c``.

``r = 1`` or ``M = inf`` (distinct index tuples) are the storage model's
lines (:mod:`hebbian.theory.dense`, ``P = 2``: :mod:`hebbian.theory.hopfield`).
For ``P >= 3`` the RS spin glass and paramagnet are not the true low-``T``
phases (one step of replica symmetry breaking is, :mod:`hebbian.theory.dense_rsb`);
the lines here are the RS ones, as the papers draw them.

References
----------
Agliari, Albanese, Alemanno, Alessandrelli, Barra, Giannotti, Lotito,
Pedreschi, Physica A 626, 129076 (2023), arXiv:2212.00606 (supervised) and
Physica A 627, 129143 (2023), arXiv:2211.14067 (unsupervised); Amit,
Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987) (``P = 2``); de Almeida,
Thouless, J. Phys. A 11, 983 (1978).  The equations are derived in
:mod:`hebbian.theory.learning` and here, not transcribed.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from hebbian._checks import check_int
from hebbian.theory.learning import (
    T_M,
    Crosstalk,
    _check_data,
    _fold,
    _free_energy,
    _load_for_overlap,
    _Model,
    _model,
    _top_overlap,
    alpha_c,
    crosstalk,
    solve,
)
from hebbian.theory.quadrature import tanh_moments

__all__ = [
    "LINES",
    "LearningPhaseDiagram",
    "equilibrium_load",
    "freezing_load",
    "glass_load",
    "instability_load",
    "instability_meets_spinodal",
    "instability_temperature_low_T",
    "phase_diagram",
    "spinodal_replicon",
]

#: The lines of :class:`LearningPhaseDiagram`, in drawing order.
LINES = ("spinodal", "equilibrium", "instability", "glass", "freezing")

#: Replica overlaps along the ``m = 0`` branch (:func:`glass_load`): fine near 0 and 1.
_Q_GRID = np.concatenate([np.geomspace(1e-4, 0.05, 16), np.linspace(0.06, 0.94, 45),
                          1 - np.geomspace(0.05, 1e-4, 12)])  # fmt: skip


def _unit(P, T, r, M, protocol, limit, self_interactions) -> _Model:
    """The model at unit load, finite positive ``T`` (the lines are drawn at ``T > 0``)."""
    r, M = _check_data(r, M, limit)
    unit, params = _model(P, 1.0, T, r, M, protocol, limit, self_interactions)
    if not 0 < params["T"] < math.inf:
        raise ValueError(f"T={T!r} must be positive and finite for a line of the phase diagram")
    return unit


def _scaled(unit: _Model, alpha: float) -> _Model:
    """``unit`` at load ``alpha`` (the cross-talk is linear in the load)."""
    ct = unit.ct
    return unit._replace(ct=Crosstalk(ct.loads * alpha, ct.strengths, ct.xi * alpha))


def _options(protocol, limit, self_interactions) -> dict:
    return {"protocol": protocol, "limit": limit, "self_interactions": self_interactions}


def instability_load(
    P: int,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
) -> float:
    """Load at which the RS retrieval state turns unstable (replicon zero) at temperature ``T``.

    The retrieval branch is parametrized by ``n~`` from the spinodal's fold
    to ``n~ = sqrt(E y^2)`` (zero load, replicon 1); the replicon
    ``1 - beta^2 xi''(q) E sech^4(beta h)`` is evaluated along it at the
    explicit load (module docstring) and its zero bisected.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    T : float
        Temperature, positive and finite.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf``: the archetype itself);
        integral and at most ``10^6`` for ``limit="exact"``.
    protocol : {"supervised", "unsupervised"}
        How the examples are stored (:mod:`hebbian.theory.learning`).
    limit : {"exact", "gaussian"}
        Law of the example mean (:func:`hebbian.theory.learning.signal`).
    self_interactions : bool
        All index tuples (the Monte Carlo networks) or distinct ones only (the
        storage model of :mod:`hebbian.theory.dense`).

    Returns
    -------
    float
        ``alpha_AT(T)``; ``nan`` where the retrieval state is RS-stable up to
        its spinodal at this ``T`` (or does not exist).

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range, ``T`` is not positive and finite, or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    de Almeida, Thouless, J. Phys. A 11, 983 (1978); Amit, Gutfreund,
    Sompolinsky, Ann. Phys. 173, 30 (1987), sec. 4; Agliari et al.,
    arXiv:2212.00606 and arXiv:2211.14067.

    Examples
    --------
    >>> round(instability_load(2, 0.0095, 1.0, 1), 3)  # AGS: T_AT(0.13) = 0.0095
    0.13
    """
    unit = _unit(P, T, r, M, protocol, limit, self_interactions)
    alpha_top, nt_fold = _fold(unit)
    if alpha_top == 0:
        return math.nan
    replicon = functools.partial(_branch_replicon, unit)
    lo = nt_fold * (1 + 1e-9)
    if not replicon(lo) < 0:  # stable up to the spinodal
        return math.nan
    # the branch ends at the zero-load state (replicon 1), where V leaves the bracket
    zero_load = solve(P, 0.0, T, r, M, **_options(protocol, limit, self_interactions))
    top = zero_load["n"] / math.sqrt(1 + unit.sig.rho) if zero_load.success else _top_overlap(unit)
    ends = (lo + (top - lo) * (1 - eps) for eps in np.geomspace(1e-8, 0.1, 8))
    hi = next((x for x in ends if replicon(x) > 0), None)
    if hi is None:
        return math.nan
    nt = optimize.brentq(replicon, lo, hi, xtol=1e-12)
    return _load_for_overlap(unit, nt)[0]


def _branch_replicon(unit: _Model, nt: float) -> float:
    """Replicon of the retrieval state with overlap ``n~`` at the load where it lies."""
    alpha, _, q = _load_for_overlap(unit, nt)
    return _free_energy(_scaled(unit, alpha), nt, q)[1]


def spinodal_replicon(
    P: int,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
) -> float:
    """Replicon eigenvalue of the retrieval state at its spinodal ``alpha_c(T)``.

    Its zero in ``T`` is where the RS instability line meets the spinodal
    (:func:`instability_meets_spinodal`).

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    T : float
        Temperature, positive and finite.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored.
    limit : {"exact", "gaussian"}
        Law of the example mean.
    self_interactions : bool
        All index tuples or distinct ones only.

    Returns
    -------
    float
        The replicon at the fold (negative: RS-unstable there); ``nan`` where
        no retrieval state exists at ``T``.

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range, ``T`` is not positive and finite, or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    de Almeida, Thouless, J. Phys. A 11, 983 (1978); Amit, Gutfreund,
    Sompolinsky, Ann. Phys. 173, 30 (1987), sec. 4.
    """
    unit = _unit(P, T, r, M, protocol, limit, self_interactions)
    alpha_top, nt_fold = _fold(unit)
    return _branch_replicon(unit, nt_fold * (1 + 1e-9)) if alpha_top > 0 else math.nan


def instability_meets_spinodal(
    P: int,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
    T_range: tuple[float, float] | None = None,
) -> tuple[float, float]:
    """``(T, alpha)`` where the RS instability line ends on the retrieval spinodal.

    Below this temperature the retrieval state turns RS-unstable before its
    spinodal, above it the state is RS-stable up to the spinodal.  Measured
    (tests): it lies at the nose of the reentrant ``alpha_c(T)``, a little
    above the temperature of its maximum (:func:`hebbian.theory.dense.alpha_c_peak`):
    storage model ``P = 2`` at ``T = 0.0251``, ``alpha = 0.1381859`` (where
    AGS's :func:`hebbian.theory.hopfield.T_AT` reaches ``T_M``; the load is the
    one-step RSB capacity at ``T = 0``, 0.138186 (Steffan & Kuehn 1994), to
    the six published digits) against the maximum 0.1381885 at
    ``T = 0.0229``; ``P = 3`` (distinct tuples) at
    ``T = 0.155``, the maximum's temperature to 1e-3.  The RS spinodal is
    thus RS-unstable wherever it is reentrant, and one step of RSB removes
    the reentrance (:mod:`hebbian.theory.dense_rsb`).

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored.
    limit : {"exact", "gaussian"}
        Law of the example mean.
    self_interactions : bool
        All index tuples or distinct ones only.
    T_range : (float, float), optional
        Temperatures bracketing the meeting point (replicon at the spinodal
        negative at the lower, positive at the upper end); default
        ``(0.005, 0.999 T_M(alpha = 0))``.

    Returns
    -------
    tuple of float
        The meeting temperature (to ``1e-6``) and the spinodal load there;
        ``(nan, nan)`` where ``T_range`` does not bracket it.

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range or ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), sec. 4.
    """
    options = _options(protocol, limit, self_interactions)
    lam = lambda T: spinodal_replicon(P, T, r, M, **options)  # noqa: E731
    if T_range is None:
        T_range = (0.005, 0.999 * T_M(P, 0.0, r, M, **options, tol=1e-4))
    lo, hi = T_range
    if not lam(lo) < 0 < lam(hi):
        return math.nan, math.nan
    T = optimize.brentq(lam, lo, hi, xtol=1e-6)
    return T, alpha_c(P, T, r, M, **options).value


def instability_temperature_low_T(
    P: int,
    alpha: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
) -> float:
    """Low-temperature asymptote of the RS instability line, ``(4/3) xi''(1) p_h(0)``.

    At ``T -> 0`` ``beta^2 E sech^4(beta h) ~ (4/3) beta p_h(0)`` (``p_h`` the
    density of the field ``h = a y + sqrt(xi'(1)) z`` of the ``T = 0``
    retrieval state), so the replicon ``1 - beta^2 xi''(1) E sech^4`` vanishes
    at ``T = (4/3) xi''(1) p_h(0)``: the line the instability line approaches at
    low load, where it is exponentially small.  ``P >= 3`` (for ``P = 2`` see
    :func:`hebbian.theory.hopfield.T_AT`).

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    alpha : float
        Load ``K / N^(P-1) > 0``, finite.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored.
    limit : {"exact", "gaussian"}
        Law of the example mean.
    self_interactions : bool
        All index tuples or distinct ones only.

    Returns
    -------
    float
        The asymptotic ``T_AT``; ``nan`` where there is no ``T = 0`` retrieval
        state.

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range (``P = 2`` included) or ``protocol`` or
        ``limit`` is unknown.

    References
    ----------
    de Almeida, Thouless, J. Phys. A 11, 983 (1978); Amit, Gutfreund,
    Sompolinsky, Ann. Phys. 173, 30 (1987), sec. 4.
    """
    check_int(P, "P", minimum=3, maximum=170, why="P = 2 is hebbian.theory.hopfield.T_AT")
    s = solve(P, alpha, 0.0, r, M, **_options(protocol, limit, self_interactions))
    if not s.success or s.branch != "retrieval":
        return math.nan
    mod, _ = _model(P, alpha, 0.0, r, M, protocol, limit, self_interactions)
    nt = s["n"] / math.sqrt(1 + mod.sig.rho)
    density = mod.density_at_zero(nt, mod.variance(1.0)) / 2
    return 4 / 3 * float(mod.ct.xi.deriv(2)(1.0)) * density


def _glass_branch_load(unit: _Model, q: float) -> float:
    """Load at which the ``m = 0`` state has replica overlap ``q`` (``nan`` if none).

    ``q = E tanh^2(beta sqrt(V) z)`` gives ``V`` (increasing in ``V``), and
    ``V`` is ``alpha`` times the unit-load variance at fixed ``q``.
    """
    g = lambda u: tanh_moments(0.0, math.exp(u / 2), unit.beta)[1] - q  # noqa: E731
    lo, hi = -60.0, 60.0
    if not g(lo) < 0 < g(hi):
        return math.nan
    V = math.exp(optimize.brentq(g, lo, hi, xtol=1e-13))
    if unit.P == 2 and np.any(1 - unit.beta * unit.ct.strengths * (1 - q) <= 0):
        return math.nan
    return V / unit.variance(q)


def _onset_load(unit: _Model) -> float:
    """Load where the spin glass bifurcates from the paramagnet at ``q -> 0`` (``inf``: never).

    ``q ~ beta^2 V`` at small ``q``: ``alpha = 1/(beta^2 V_1'(0))``; ``P = 2``:
    ``V_1'(0) = sum_k a_k w_k^2 / (1 - beta w_k)^2``, and ``0`` where
    ``beta w_k >= 1`` (below that temperature the glass exists at any load).
    """
    beta, ct = unit.beta, unit.ct
    if unit.P == 2:
        d = 1 - beta * ct.strengths
        if np.any(d <= 0):
            return 0.0
        return 1 / (beta**2 * float(np.sum(ct.loads * ct.strengths**2 / d**2)))
    slope = float(ct.xi.deriv(2)(0.0))
    return 1 / (beta**2 * slope) if slope > 0 else math.inf


def glass_load(
    P: int,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
) -> float:
    """Spin-glass line: the lowest load with an ``m = 0``, ``q > 0`` state beside the paramagnet.

    See the module docstring: the smaller of the continuous onset
    ``1/(beta^2 V_1'(0))`` and the folds of the ``m = 0`` branch
    ``alpha(q)``; with a random field (odd ``P``, self-interactions) only a
    fold counts.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    T : float
        Temperature, positive and finite.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored.
    limit : {"exact", "gaussian"}
        Law of the example mean (the ``m = 0`` states do not depend on it).
    self_interactions : bool
        All index tuples or distinct ones only.

    Returns
    -------
    float
        ``alpha_g(T)`` (``P = 2`` below ``T = max_k w_k``: 0, the glass
        exists at any load); ``nan`` where the ``m = 0`` state grows its ``q``
        smoothly (a random field) or no spin glass exists.

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range, ``T`` is not positive and finite, or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), eq. 4.12
    (``P = 2``); Gardner, J. Phys. A 20, 3453 (1987) (``P >= 3``).

    Examples
    --------
    >>> round(glass_load(2, 1.2, 1.0, 1), 10)  # AGS: T_g = 1 + sqrt(alpha)
    0.04
    """
    unit = _unit(P, T, r, M, protocol, limit, self_interactions)
    return _glass_load(unit)


def _glass_load(unit: _Model) -> float:
    onset = _onset_load(unit)
    if onset == 0:
        return 0.0
    loads = np.array([_glass_branch_load(unit, q) for q in _Q_GRID])
    inside = np.isfinite(loads)
    # interior local minima of alpha(q): the folds where the spin glass appears
    k = np.flatnonzero(inside[1:-1] & inside[:-2] & inside[2:]
                       & (loads[1:-1] <= loads[:-2]) & (loads[1:-1] <= loads[2:])) + 1  # fmt: skip
    folds = []
    for j in k:
        res = optimize.minimize_scalar(
            lambda q: _glass_branch_load(unit, q), bounds=(_Q_GRID[j - 1], _Q_GRID[j + 1]),
            method="bounded", options={"xatol": 1e-12},
        )  # fmt: skip
        folds.append(float(res.fun))
    field = unit.P > 2 and float(unit.ct.xi.deriv()(0.0)) > 0
    candidates = folds if field else [*folds, onset]
    best = min(candidates, default=math.nan)
    return best if math.isfinite(best) else math.nan


def _paramagnet_entropy(P, alpha, T, r, M, options, pm) -> float:
    """Entropy ``-df/dT`` of the RS paramagnet ``pm`` at ``(alpha, T)``.

    ``q = 0``: ``ln 2 - beta^2 xi(1)/2``; with a random field (``q > 0``) a
    central difference (relative step 1e-4).
    """
    if pm["q"] < 1e-12:
        xi = crosstalk(P, alpha, r, M, options["protocol"],
                       self_interactions=options["self_interactions"]).xi  # fmt: skip
        return math.log(2) - float(xi(1.0)) / (2 * T * T)
    h = 1e-4 * T
    f = [solve(P, alpha, t, r, M, branch="paramagnet", **options) for t in (T - h, T + h)]
    return -(f[1].free_energy - f[0].free_energy) / (2 * h)


def _m0_states(P, alpha, T, r, M, options):
    """The paramagnet (lowest ``q``) and the spin glass (highest ``q``) at ``m = 0``, or None."""
    pm = solve(P, alpha, T, r, M, branch="paramagnet", **options)
    sg = solve(P, alpha, T, r, M, branch="spin glass", **options)
    # a random field gives the paramagnet q > 0: it is then classified "spin glass"
    pm_ok = pm.status in (0, 4) and abs(pm["m"]) < 1e-4
    sg_ok = sg.status in (0, 4) and abs(sg["m"]) < 1e-4 and sg["q"] > pm["q"] + 1e-6
    return (pm if pm_ok else None), (sg if sg_ok else None)


def _lowest_m0(P, alpha, T, r, M, options, below: float = math.inf) -> float:
    """Lowest free energy of the ``m = 0`` states (``inf``: none).

    For ``P >= 3`` the paramagnet counts only where its entropy is
    non-negative: below, its RS free energy ``-T ln 2 - beta xi(1)/2`` falls
    without bound (as in :func:`hebbian.theory.dense.T_c`).  The entropy is
    checked only where the paramagnet would decide against ``below``.
    """
    pm, sg = _m0_states(P, alpha, T, r, M, options)
    f_sg = sg.free_energy if sg is not None else math.inf
    if pm is None or pm.free_energy >= min(f_sg, below):
        return f_sg
    if P > 2 and _paramagnet_entropy(P, alpha, T, r, M, options, pm) < 0:
        return f_sg
    return pm.free_energy


def freezing_load(
    P: int,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
) -> float:
    """Paramagnet boundary: the load above which the paramagnet is no longer the ``m = 0`` state.

    ``P = 2``: :func:`glass_load` (the spin glass bifurcates continuously
    from the paramagnet).  ``P >= 3``: the first load where the spin glass
    has the lower free energy or the paramagnet's entropy turns negative
    (its RS free energy is meaningless beyond; one step of RSB takes over).

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    T : float
        Temperature, positive and finite.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored.
    limit : {"exact", "gaussian"}
        Law of the example mean.
    self_interactions : bool
        All index tuples or distinct ones only.

    Returns
    -------
    float
        ``alpha_f(T)``, to a relative ``1e-6``; ``nan`` where no crossing
        lies within a factor ``1.5^20`` of the glass onset (or of
        ``alpha_c(T)`` without one).

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range, ``T`` is not positive and finite, or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987); Gardner,
    J. Phys. A 20, 3453 (1987).

    Examples
    --------
    >>> round(freezing_load(2, 1.2, 1.0, 1), 10)  # continuous: the glass line itself
    0.04
    """
    unit = _unit(P, T, r, M, protocol, limit, self_interactions)
    onset = _glass_load(unit)
    if onset == 0 or (P == 2 and onset == _onset_load(unit)):
        return onset
    options = _options(protocol, limit, self_interactions)

    def gap(alpha: float) -> float:  # > 0 while the (physical) paramagnet is the m = 0 state
        pm, sg = _m0_states(P, alpha, T, r, M, options)
        if pm is None or (P > 2 and _paramagnet_entropy(P, alpha, T, r, M, options, pm) < 0):
            return -1.0
        return 1.0 if sg is None else sg.free_energy - pm.free_energy

    # the load where the paramagnet stops being the m = 0 equilibrium (the glass wins or,
    # P >= 3, the paramagnet's entropy turns negative), bracketed from the glass onset
    # (or alpha_c(T) where there is no glass line) by factors of 1.5
    start = onset if math.isfinite(onset) else alpha_c(P, T, r, M, **options).value
    if not start > 0:
        return math.nan
    lo = hi = start
    step = 1 / 1.5 if gap(start) < 0 else 1.5
    for _ in range(20):
        lo, hi = hi, hi * step
        if (gap(hi) < 0) != (step < 1):
            return optimize.brentq(gap, min(lo, hi), max(lo, hi), xtol=1e-6 * hi)
    return math.nan


def equilibrium_load(
    P: int,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
) -> float:
    """Thermodynamic retrieval transition: the largest load where retrieval is the RS equilibrium.

    The retrieval free energy against the lower of the paramagnet's and the
    spin glass's, from ``10^-3 alpha_c(T)`` to the spinodal ``alpha_c(T)``.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    T : float
        Temperature, positive and finite.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored.
    limit : {"exact", "gaussian"}
        Law of the example mean.
    self_interactions : bool
        All index tuples or distinct ones only.

    Returns
    -------
    float
        ``alpha_eq(T)``: ``alpha_c(T)`` where retrieval wins up to its
        spinodal, ``0`` where it does not win even at ``10^-3 alpha_c(T)`` or
        does not exist.

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range, ``T`` is not positive and finite, or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987) (``P = 2``);
    Agliari et al., arXiv:2212.00606 and arXiv:2211.14067.

    Examples
    --------
    >>> round(equilibrium_load(2, 0.3, 1.0, 1), 4)  # AGS: T_c(0.045) = 0.3
    0.045
    """
    _unit(P, T, r, M, protocol, limit, self_interactions)  # checks
    options = _options(protocol, limit, self_interactions)
    top = alpha_c(P, T, r, M, **options).value
    if top == 0:
        return 0.0

    def gap(alpha: float) -> float:  # f_R - min(f_PM, f_SG)
        ret = solve(P, alpha, T, r, M, **options)
        if not (ret.success and ret.branch == "retrieval"):
            return 1.0
        lowest = _lowest_m0(P, alpha, T, r, M, options, below=ret.free_energy)
        return ret.free_energy - lowest if math.isfinite(lowest) else -1.0

    hi = top * (1 - 1e-6)
    if gap(hi) < 0:
        return hi
    lo = 1e-3 * top
    if gap(lo) >= 0:
        return 0.0
    return optimize.brentq(gap, lo, hi, xtol=1e-6 * top)


@dataclass(frozen=True)
class LearningPhaseDiagram:
    """The RS lines ``alpha_x(T)`` of one network at one data set (module docstring).

    Attributes
    ----------
    P, r, M, rho, protocol : the network and its data.
    T : numpy.ndarray
        Temperatures.
    lines : dict of str to numpy.ndarray
        ``alpha`` of each line of :data:`LINES` at each ``T`` (``nan``: none).
    """

    P: int
    r: float
    M: float
    rho: float
    protocol: str
    T: np.ndarray
    lines: dict


def phase_diagram(
    P: int,
    r: float,
    M: float,
    T: np.ndarray,
    *,
    protocol: str = "supervised",
    limit: str = "gaussian",
    self_interactions: bool = True,
    lines: tuple[str, ...] = LINES,
) -> LearningPhaseDiagram:
    """Every RS line of the ``(alpha, T)`` diagram at the temperatures ``T``.

    About 0.2 s a point for the spinodal and the instability, 1 s for the
    equilibrium and freezing lines.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype (``math.inf``: the archetype itself).
    T : array_like
        Positive, finite temperatures.
    protocol : {"supervised", "unsupervised"}
        How the examples are stored.
    limit : {"exact", "gaussian"}
        Law of the example mean (default Gaussian: ``rho`` alone matters for
        the signal).
    self_interactions : bool
        All index tuples (the Monte Carlo networks, default) or distinct
        ones only.
    lines : tuple of str
        Which of :data:`LINES` to compute.

    Returns
    -------
    LearningPhaseDiagram
        The lines at each temperature.

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range, a temperature is not positive and
        finite, a line is unknown, or ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606, and
    Physica A 627, 129143 (2023), arXiv:2211.14067.
    """
    unknown = set(lines) - set(LINES)
    if unknown:
        raise ValueError(f"lines={lines!r} has unknown {sorted(unknown)}; pick from {LINES}")
    Ts = np.atleast_1d(np.asarray(T, dtype=float))
    options = _options(protocol, limit, self_interactions)
    functions = {
        "spinodal": lambda t: alpha_c(P, t, r, M, **options).value,
        "equilibrium": lambda t: equilibrium_load(P, t, r, M, **options),
        "instability": lambda t: instability_load(P, t, r, M, **options),
        "glass": lambda t: glass_load(P, t, r, M, **options),
        "freezing": lambda t: freezing_load(P, t, r, M, **options),
    }
    r_, M_ = _check_data(r, M, limit)
    rho = 0.0 if math.isinf(M_) or r_ == 1 else (1 - r_ * r_) / (M_ * r_ * r_)
    values = {name: np.array([functions[name](t) for t in Ts]) for name in lines}
    return LearningPhaseDiagram(P, r_, M_, rho, protocol, Ts, values)
