r"""Phase diagram of the dense P-spin Hebbian network (``P >= 3``) in the ``(alpha, T)`` plane.

Normalization of :mod:`hebbian.theory.dense` (:class:`hebbian.DenseHopfield`
without self-interactions): ``H = -N sum_mu m_mu^P / P! + O(1)``,
``K = alpha N^{P-1}``, the non-condensed patterns a Gaussian glass of
covariance ``xi(q) = alpha q^P / P!`` (Gardner, J. Phys. A 20, 3453 (1987)).
Other conventions map onto these by two constants: a Hamiltonian ``c`` times
this one at inverse temperature ``beta'`` is this one at ``T = 1/(c beta')``,
and a load counted as ``K = alpha' N^{P-1} / P!`` is ``alpha = alpha'/P!``.
Albanese, Alemanno, Alessandrelli and Barra (J. Stat. Phys. 189, 24 (2022),
arXiv:2111.12997) count the load as ``K / N^{P-1}``, as here; their energy is
a sum over patterns of ``m_mu^P`` with a prefactor ``lambda N`` (ours:
``lambda = 1/P!``, up to the ``O(1)`` diagonal terms), so a temperature
``T'`` of theirs is ``T = T' / (lambda P!)`` here and their loads carry over
unchanged.  The glass alone, a P-spin model with couplings of variance
``J^2 P! / (2 N^{P-1})`` (Gardner, Nucl. Phys. B 257, 747 (1985)), is
``alpha = P! J^2 / 2``: temperatures of the glass scale as ``sqrt(alpha)``.

The lines (:func:`phase_diagram`):

* **Retrieval spinodal** ``alpha_c(T)``: the fold of the retrieval branch,
  RS (:func:`hebbian.theory.dense.alpha_c`, reentrant) and 1RSB
  (:func:`hebbian.theory.dense_rsb.alpha_c_rsb`), which meet at
  :func:`T_collapse`, where the de Almeida-Thouless line crosses the RS fold.
* **Replicon line** :func:`T_AT`: the RS retrieval state is unstable below it
  (replicon ``1 - beta^2 xi''(q) E sech^4(beta h) < 0``); at ``T = 0`` it is
  unstable at every load (``q = 1``).  The RS spin glass (``m = 0``,
  ``q > 0``) appears at :func:`T_rs_glass` and is replicon-unstable
  wherever it exists; the paramagnet (``q = 0``) has replicon 1
  (``xi''(0) = 0``).
* **Static glass transition** :func:`T_s`: the 1RSB step appears with
  ``x = 1`` (0.651 J for P = 3, Gardner 1985); above it the glass is the
  paramagnet, below it the 1RSB glass (its free energy lies above the RS
  paramagnet's, which has negative entropy below :func:`hebbian.theory.dense.T_entropy`).
* **Thermodynamic retrieval transition** :func:`T_c`: retrieval has the lowest
  free energy below it, against the glass of the line above (RS retrieval
  where it is replicon-stable, 1RSB where not).

:func:`equilibrium` names the phase of lowest free energy at one point.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from hebbian._checks import check_int
from hebbian.temperature import beta_from_T
from hebbian.theory import dense, dense_rsb, hopfield
from hebbian.theory.dense import _load, _order
from hebbian.theory.parisi import Covariance, Grid, parisi_functional
from hebbian.theory.quadrature import tanh_moments
from hebbian.theory.solution import STATUS, Solution

__all__ = [
    "T_AT",
    "PhaseDiagram",
    "T_c",
    "T_collapse",
    "T_rs_glass",
    "T_s",
    "equilibrium",
    "phase_diagram",
    "static_transition",
]

#: Gardner's unit glass, ``xi(q) = q^P / 2`` (``J = 1``): the glass lines scale from it.
_UNIT = 0.5


def _glass_scale(P: int, alpha: float) -> float:
    """``J = sqrt(2 xi(1))``: the glass's temperatures are ``J`` times Gardner's."""
    return math.sqrt(2 * alpha / math.factorial(P))


def static_transition(P: int) -> Solution:
    """Static (Kauzmann) transition of Gardner's Ising P-spin glass, ``xi(q) = q^P / 2``.

    At ``x = 1`` the one-step functional equals the paramagnet's for every
    ``q_1``; near it ``f = f_para - (1 - x) g(q_1)`` with ``g = -df/dx``, so
    the step appears where ``g = 0`` and ``dg/dq_1 = 0`` (the complexity of
    the states vanishes at its maximum): two equations in ``(T, q_1)``.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 12`` (beyond, ``q_1`` is within the
        field grid's resolution of 1).

    Returns
    -------
    Solution
        ``order_parameters`` ``T_s`` (0.651 for P = 3; Gardner, Nucl. Phys. B
        257, 747 (1985)) and ``q1``; ``free_energy`` and ``energy`` the
        paramagnet's there; ``success`` False (with the residual) where the
        root is not found.

    Raises
    ------
    ValueError, TypeError
        For ``P`` out of range, naming it.

    References
    ----------
    Gardner, Nucl. Phys. B 257, 747 (1985); Montanari & Ricci-Tersenghi,
    Eur. Phys. J. B 33, 339 (2003).

    Examples
    --------
    >>> s = static_transition(3)
    >>> round(s["T_s"], 3), round(s["q1"], 2)
    (0.651, 0.81)
    """
    return _static_transition(
        check_int(P, "P", minimum=3, maximum=12, why="q1 is then within the field grid of 1")
    )


@functools.cache
def _static_transition(P: int) -> Solution:
    xi = Covariance(_UNIT, P)

    def slope(T: float, q1: float) -> float:  # df/dmu at x = 1 (mu = beta)
        b = 1 / T
        return float(parisi_functional([0.0, q1], [b], b, 0.0, Grid(), xi).grad_mu[0])

    def F(u):
        T, q1 = u
        if not (0.05 < T < 5 and 0.05 < q1 < 1 - 1e-6):
            return [1e3, 1e3]
        d = 1e-4 * min(q1, 1 - q1)
        return [slope(T, q1), (slope(T, q1 + d) - slope(T, q1 - d)) / (2 * d)]

    # start: above the REM limit 1/(2 sqrt(ln 2)) = 0.6006, which T_s approaches as P grows,
    # and a plateau 1 - q1 shrinking geometrically (0.19 at P = 3, 0.05 at P = 4)
    start = [0.6006 + 0.05 * 0.3 ** (P - 3), 1 - 0.186 * 0.28 ** (P - 3)]
    res = optimize.root(F, start, method="hybr", options={"xtol": 1e-12})
    T, q1 = (float(v) for v in res.x)
    residual = float(np.abs(res.fun).max())
    success = residual < 1e-8
    f = -_UNIT / (2 * T) - T * math.log(2)
    return Solution(
        model="dense-glass",
        params={"P": P},
        order_parameters={"T_s": T, "q1": q1},
        free_energy=f,
        energy=-_UNIT / T,
        success=success,
        status=0 if success else 2,
        message=STATUS[0] if success else f"{STATUS[2]}: residual {residual:.1e}",
        n_iter=int(res.nfev),
        residual=residual,
        branch="1-RSB",
    )


def T_s(P: int, alpha: float) -> float:
    """Static 1RSB transition of the glass of the dense network at load ``alpha``.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 12``.
    alpha : float
        Load ``K / N^(P-1) >= 0``, finite.

    Returns
    -------
    float
        ``T_s = tau_P sqrt(2 alpha / P!)`` with ``tau_P`` of :func:`static_transition`
        (``nan`` where that did not converge).

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.

    References
    ----------
    Gardner, Nucl. Phys. B 257, 747 (1985); Albanese et al., J. Stat. Phys. 189, 24 (2022).
    """
    s = static_transition(P)
    return s["T_s"] * _glass_scale(P, _load(alpha)) if s.success else math.nan


def T_rs_glass(P: int, alpha: float) -> float:
    """Highest temperature of the RS spin-glass state (``m = 0``, ``q > 0``).

    The state appears at a fold in ``T`` (``q = E tanh^2(beta sqrt(xi'(q)) z)``
    parametrized by ``q``); its replicon is negative wherever it exists, so
    the RS glass is never the stable description: below :func:`T_s` the glass
    is the 1RSB one (Gardner 1985).

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    alpha : float
        Load ``K / N^(P-1) >= 0``, finite.

    Returns
    -------
    float
        The fold temperature, ``J`` (:func:`_glass_scale`) times 0.482 for P = 3.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.

    References
    ----------
    Gardner, Nucl. Phys. B 257, 747 (1985).
    """
    P, alpha = _order(P, minimum=3), _load(alpha)
    return _rs_glass_fold(P) * _glass_scale(P, alpha)


@functools.cache
def _rs_glass_fold(P: int) -> float:
    xi = Covariance(_UNIT, P)

    def T_of(q: float) -> float:
        s = math.sqrt(xi(q, 1))
        return 1 / optimize.brentq(lambda b: tanh_moments(0.0, s, b)[1] - q, 1e-3, 1e4)

    res = optimize.minimize_scalar(
        lambda q: -T_of(q), bounds=(0.02, 0.98), method="bounded", options={"xatol": 1e-8}
    )
    return -float(res.fun)


def _replicon(P: int, alpha: float, T: float) -> float:
    """Replicon of the RS retrieval state at ``(alpha, T)`` (``nan`` where there is none)."""
    s = dense.solve(P, alpha, T)
    return s.stability if s.success else math.nan


def T_AT(P: int, alpha: float) -> float:
    """De Almeida-Thouless line of the RS retrieval state: its replicon vanishes there.

    Below it (and at every load at ``T = 0``) the RS retrieval state is
    unstable and the one-step state of :func:`hebbian.theory.dense_rsb.solve_rsb`
    replaces it.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    alpha : float
        Load ``K / N^(P-1) > 0``, below the peak of the RS ``alpha_c(T)``.

    Returns
    -------
    float
        The temperature where ``dense.solve(P, alpha, T).stability = 0``;
        ``nan`` where the retrieval state has no sign change of its replicon
        (no retrieval at ``alpha``, or unstable up to ``T_M``).

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.

    References
    ----------
    de Almeida & Thouless, J. Phys. A 11, 983 (1978); Gardner, J. Phys. A 20,
    3453 (1987); Albanese et al., J. Stat. Phys. 189, 24 (2022).
    """
    P, alpha = _order(P, minimum=3), _load(alpha)
    top = dense.T_M(P, alpha)
    if alpha == 0 or math.isnan(top):
        return math.nan
    Ts = np.linspace(1e-3 * top, top * (1 - 1e-6), 13)
    values = np.array([_replicon(P, alpha, T) for T in Ts])
    ok = np.flatnonzero(np.isfinite(values))
    signs = np.flatnonzero((values[ok][:-1] < 0) & (values[ok][1:] >= 0))
    if signs.size == 0:
        return math.nan
    lo, hi = Ts[ok[signs[-1]]], Ts[ok[signs[-1] + 1]]
    return optimize.brentq(lambda T: _replicon(P, alpha, T), lo, hi, xtol=1e-10)


def _fold_replicon(P: int, T: float) -> float:
    """Replicon of the RS retrieval state at its fold ``alpha_c(P, T)``."""
    rs = dense.alpha_c(P, T)
    alpha, q = dense._branch_point(P, rs.m, 1 / T)
    return dense._terms(P, alpha, 1 / T, rs.m, q)["replicon"]


def T_collapse(P: int) -> float:
    """Where the AT line meets the RS spinodal: above it the 1RSB step collapses at the fold.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.

    Returns
    -------
    float
        The temperature ``T*`` with zero replicon at the RS fold; the RS and
        1RSB spinodals coincide above it.

    Raises
    ------
    ValueError, TypeError
        For ``P`` out of range, naming it.

    References
    ----------
    de Almeida & Thouless, J. Phys. A 11, 983 (1978); Gardner, J. Phys. A 20, 3453 (1987).
    """
    return _T_collapse(_order(P, minimum=3))


@functools.cache
def _T_collapse(P: int) -> float:
    top = dense.T_M(P, 0.0)
    Ts = np.linspace(0.02, 0.98, 9) * top
    values = [_fold_replicon(P, T) for T in Ts]
    k = next(i for i, v in enumerate(values) if v >= 0)
    return optimize.brentq(lambda T: _fold_replicon(P, T), Ts[k - 1], Ts[k], xtol=1e-10)


def _retrieval_free_energy(P: int, alpha: float, T: float) -> float:
    """Free energy of the retrieval state: RS where replicon-stable, else 1RSB (``nan``: none)."""
    rs = dense.solve(P, alpha, T)
    if rs.success and rs.stability >= 0:
        return rs.free_energy
    s = dense_rsb.solve_rsb(P, alpha, T, branch="retrieval", guess=rs["m"] if rs.success else None)
    if s.success:
        return s.free_energy
    return -math.inf if rs.success else math.nan  # RS found a state the one step did not


def _glass_free_energy(P: int, alpha: float, T: float) -> float:
    """Free energy of the glass: the paramagnet above :func:`T_s`, the 1RSB maximum below."""
    para = -alpha / math.factorial(P) / (2 * T) - T * math.log(2)
    if T_s(P, alpha) <= T:
        return para
    s = dense_rsb.solve_rsb(P, alpha, T)
    return max(s.free_energy, para) if s.success else math.nan


def equilibrium(P: int, alpha: float, T: float) -> dict:
    """The phase of lowest free energy at ``(alpha, T)``, with the free energies compared.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 12`` (the glass of :func:`T_s`).
    alpha : float
        Load ``K / N^(P-1) > 0``, within :func:`hebbian.theory.dense_rsb.solve_rsb`'s range.
    T : float
        Temperature ``> 0``.

    Returns
    -------
    dict
        ``phase`` (``"retrieval"``, ``"spin glass"`` or ``"paramagnet"``;
        ``"undetermined"`` where the RS retrieval state is replicon-unstable
        and the one-step solve does not converge, e.g. P = 4 at ``T`` below
        ~0.2 ``T_s``), ``f_retrieval`` (``nan`` where no retrieval state is
        found) and ``f_glass`` (1RSB below ``T_s``, the paramagnet above).

    Raises
    ------
    ValueError, TypeError
        For ``P``, ``alpha`` or ``T`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese et al., J. Stat. Phys. 189, 24 (2022).
    """
    P, alpha = _order(P, minimum=3), _load(alpha)
    beta = beta_from_T(T)
    if not 0 < beta < math.inf or alpha == 0:
        raise ValueError(f"T={T!r} and alpha={alpha!r} must be positive and finite")
    f_ret = _retrieval_free_energy(P, alpha, T)
    f_glass = _glass_free_energy(P, alpha, T)
    glass = "spin glass" if T_s(P, alpha) > T else "paramagnet"
    if f_ret == -math.inf:
        return {"phase": "undetermined", "f_retrieval": math.nan, "f_glass": f_glass}
    phase = "retrieval" if f_ret < f_glass else glass
    return {"phase": phase, "f_retrieval": f_ret, "f_glass": f_glass}


def T_c(P: int, alpha: float) -> float:
    """Thermodynamic retrieval transition against the correct glass (1RSB below ``T_s``).

    :func:`hebbian.theory.dense.T_c` compares retrieval with the RS paramagnet;
    below :func:`T_s` the glass is the 1RSB state, whose free energy lies
    above the paramagnet's, so retrieval wins up to a higher temperature there.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 12``.
    alpha : float
        Load ``K / N^(P-1) > 0``.

    Returns
    -------
    float
        The temperature below which retrieval is the equilibrium; ``nan``
        where it never is (or no retrieval exists).

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese et al., J. Stat. Phys. 189, 24 (2022).
    """
    P, alpha = _order(P, minimum=3), _load(alpha)
    hi = dense.T_M(P, alpha)
    if math.isnan(hi) or alpha == 0:
        return math.nan
    rs = dense.T_c(P, alpha)
    if not math.isnan(rs) and rs >= T_s(P, alpha):
        return rs  # the glass is the paramagnet there: the RS crossing stands

    def gap(T: float) -> float:
        f_ret = _retrieval_free_energy(P, alpha, T)
        return math.nan if f_ret == -math.inf else f_ret - _glass_free_energy(P, alpha, T)

    Ts = np.linspace(0.0, 1.0, 9)[1:] * min(hi * (1 - 1e-7), T_s(P, alpha))
    values = np.array([gap(T) for T in Ts])
    wins = np.flatnonzero(values < 0)
    if wins.size == 0:
        return math.nan
    k = wins[-1]
    if k + 1 == Ts.size:
        return float(Ts[-1])
    if not np.isfinite(values[k + 1]):
        return float(Ts[k])
    return optimize.brentq(gap, Ts[k], Ts[k + 1], xtol=1e-5)


@dataclass(frozen=True)
class PhaseDiagram:
    """Lines ``(alpha, T)`` of the dense ``P``-spin diagram, RS and one step of RSB."""

    P: int
    spinodal_rs: tuple[np.ndarray, np.ndarray]
    spinodal_1rsb: tuple[np.ndarray, np.ndarray]
    T_c_rs: tuple[np.ndarray, np.ndarray]
    T_c: tuple[np.ndarray, np.ndarray]
    T_AT: tuple[np.ndarray, np.ndarray]
    T_s: tuple[np.ndarray, np.ndarray]
    T_rs_glass: tuple[np.ndarray, np.ndarray]
    T_entropy: tuple[np.ndarray, np.ndarray]
    T_collapse: float


def phase_diagram(
    P: int,
    n_points: int = 12,
    *,
    alpha_max: float | None = None,
    one_step: tuple[str, ...] = ("spinodal", "T_c"),
) -> PhaseDiagram:
    """The lines of the ``(alpha, T)`` diagram of the dense network under RS and 1RSB.

    About 6 s a point of the 1RSB spinodal, 1-10 s one of ``T_c`` (more near
    the tip, where the glass is the 1RSB one), 1 s one of ``T_AT``.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 12``.
    n_points : int, default 12
        Points per line, ``2 <= n_points <= 1000``.
    alpha_max : float, optional
        Largest load of the glass lines (default: 1.2 times the peak of the RS
        critical storage, :func:`hebbian.theory.dense.alpha_c_peak`).
    one_step : tuple of str, default ("spinodal", "T_c")
        Which of the lines that need one-step solves to compute (the 1RSB
        spinodal, :func:`T_c`: most of the time); the others are empty.

    Returns
    -------
    PhaseDiagram
        ``spinodal_rs`` and ``spinodal_1rsb`` (``alpha_c`` at ``T`` from 0 to
        the top of the retrieval region, the 1RSB one up to :func:`T_collapse`,
        where it joins the RS one), ``T_c_rs``
        (:func:`hebbian.theory.dense.T_c`) and ``T_c`` (:func:`T_c`), ``T_AT``,
        ``T_s``, ``T_rs_glass``, ``T_entropy`` at loads up to the peak of the
        RS critical storage (the glass lines up to ``alpha_max``), each a pair
        of arrays ``(alpha, T)`` (loads up to 0.98 of the peak), and
        ``T_collapse``.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``n_points`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Gardner, Nucl. Phys. B 257, 747 (1985);
    Albanese et al., J. Stat. Phys. 189, 24 (2022).
    """
    P = check_int(P, "P", minimum=3, maximum=12, why="the glass lines need P <= 12")
    n_points = check_int(
        n_points,
        "n_points",
        minimum=2,
        maximum=hopfield.MAX_POINTS,
        why=lambda n: (
            f"it would take about {20 * n:.3g} s; pass n_points <= {hopfield.MAX_POINTS}"
        ),
    )
    alpha_peak = dense.alpha_c_peak(P)[1]
    top = alpha_max if alpha_max is not None else 1.2 * alpha_peak
    t_star = T_collapse(P)
    Ts = np.linspace(0.0, dense.T_M(P, 0.0) * (1 - 1e-6), n_points)
    alphas = np.linspace(0.0, 0.98 * alpha_peak, n_points + 1)[1:]
    glass = np.linspace(0.0, _load(top), n_points)
    empty = (np.empty(0), np.empty(0))
    spinodal_1rsb = T_c_line = empty
    unknown = set(one_step) - {"spinodal", "T_c"}
    if unknown:
        raise ValueError(
            f"one_step={one_step!r} names {sorted(unknown)}; pass a subset of ('spinodal', 'T_c')"
        )
    if "spinodal" in one_step:
        # the step shrinks to nothing at T*: followed to 0.9 T*, joined to the RS fold at T*
        T_one = np.append(np.linspace(0.0, 0.9 * t_star, n_points - 1), t_star)
        values = [dense_rsb.alpha_c_rsb(P, T).value for T in T_one[:-1]]
        spinodal_1rsb = (np.array([*values, dense.alpha_c(P, t_star).value]), T_one)
    if "T_c" in one_step:
        T_c_line = (alphas, np.array([T_c(P, a) for a in alphas]))
    return PhaseDiagram(
        P=P,
        spinodal_rs=(np.array([dense.alpha_c(P, T).value for T in Ts]), Ts),
        spinodal_1rsb=spinodal_1rsb,
        T_c_rs=(alphas, np.array([dense.T_c(P, a) for a in alphas])),
        T_c=T_c_line,
        T_AT=(alphas, np.array([T_AT(P, a) for a in alphas])),
        T_s=(glass, np.array([T_s(P, a) for a in glass])),
        T_rs_glass=(glass, np.array([T_rs_glass(P, a) for a in glass])),
        T_entropy=(glass, np.array([dense.T_entropy(P, a) for a in glass])),
        T_collapse=t_star,
    )
