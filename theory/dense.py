r"""Replica-symmetric theory of dense P-spin Hebbian networks in the high-storage regime.

Normalization (:class:`hebbian.DenseHopfield` with ``diagonal=False``):

.. math::

    H = -N^{1-P} \sum_{\mu=1}^{K} \sum_{i_1 < \dots < i_P}
        \xi^\mu_{i_1}\cdots\xi^\mu_{i_P}\sigma_{i_1}\cdots\sigma_{i_P}
      = -\frac{N}{P!} \sum_\mu m_\mu^P + O(1),
    \qquad K = \alpha N^{P-1}.

The non-condensed patterns act on the spins as a Gaussian field of
covariance ``N xi(q)`` with ``xi(q) = alpha q^P / P!`` (distinct index tuples
are uncorrelated); for ``P >= 3`` all higher cumulants vanish as
``N -> infinity``, so only this "hard", SK-like part survives (Gardner, J.
Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra, J. Stat.
Phys. 189, 24 (2022), arXiv:2111.12997).  For ``P = 2`` every cumulant
contributes and the resummation is the AGS theory (:mod:`hebbian.theory.hopfield`);
this module reproduces it as its ``P = 2`` case.

With one condensed pattern, ``h = m^{P-1}/(P-1)! + sqrt(xi'(q)) z``:

.. math::

    m = E_z \tanh\beta h, \quad q = E_z \tanh^2\beta h, \quad
    f = \frac{(P-1) m^P}{P!} - \frac{\beta}{2}\big[\xi(1) - \xi(q) - (1-q)\xi'(q)\big]
        - \frac{1}{\beta} E_z \ln 2\cosh\beta h,

internal energy ``u = -m^P/P! - beta (xi(1) - xi(q))`` and replicon eigenvalue
``1 - beta^2 xi''(q) E_z sech^4(beta h)``.  At ``T = 0``, ``q = 1`` and
``m = erf(m^{P-1} / sqrt(2 alpha (P-1)!))``.

Mapping to other conventions: a Hamiltonian ``c`` times ours is ours at
``T = T'/c``; a load defined by ``K = alpha' N^{P-1}/P!`` is ``alpha = alpha'/P!``.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy import optimize
from scipy.special import erf

from hebbian._checks import check_int, check_real, check_tol
from hebbian.temperature import T_ZERO, beta_from_T, temperature
from hebbian.theory import hopfield
from hebbian.theory.fixed_point import fixed_point
from hebbian.theory.parisi import Covariance
from hebbian.theory.quadrature import abs_mean, field_moments, std_for_tanh_mean, tanh_moments
from hebbian.theory.solution import STATUS, Solution, Transition, classify, on_branch

__all__ = [
    "BRANCHES",
    "MAX_P",
    "T_M",
    "DensePhaseDiagram",
    "T_c",
    "T_entropy",
    "alpha_c",
    "alpha_c_peak",
    "noise",
    "phase_diagram",
    "solve",
]

BRANCHES = ("retrieval", "spin glass", "paramagnet")

#: Largest interaction order: ``P!`` (the field's normalization) must be a finite double
#: (``170! = 7.3e306``).  At such ``P`` the network retrieves only at loads ``~ 1/P!``.
MAX_P = 170


def _order(P, minimum: int = 2) -> int:
    return check_int(
        P, "P", minimum=minimum, maximum=MAX_P, why="P! overflows a double beyond P = 170"
    )


def _load(alpha) -> float:
    return check_real(alpha, "alpha", low=0.0, finite=True, fix="alpha = K / N^(P-1) is a load")


def _check(P: int, alpha: float, T: float) -> tuple[int, float, float]:
    return _order(P), _load(alpha), beta_from_T(T, zero_below=T_ZERO)


def noise(P: int, alpha: float) -> Covariance:
    """Covariance ``xi(q) = alpha q^P / P!`` of the non-condensed patterns' field.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (:data:`MAX_P`; ``P = 2``: the
        Hopfield network, :mod:`hebbian.theory.hopfield`).
    alpha : float
        Load ``K / N^(P-1) >= 0``, finite.

    Returns
    -------
    Covariance
        ``Covariance(c=alpha / P!, P=P)``, the input of
        :func:`hebbian.theory.parisi.parisi_functional`.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra,
    J. Stat. Phys. 189, 24 (2022).
    """
    P, alpha = _order(P), _load(alpha)
    return Covariance(alpha / math.factorial(P), P)


def _signal(P: int, m: float) -> float:
    return m ** (P - 1) / math.factorial(P - 1)


def _terms(P: int, alpha: float, beta: float, m: float, q: float) -> dict:
    """Free energy, energy and replicon at ``(m, q)``, finite ``T``, ``P >= 3``.

    The glass terms ``xi(1) - xi(q) - (1-q) xi'(q)`` and ``xi(1) - xi(q)`` are
    ``O((1-q)^2)`` and ``O(1-q)`` times ``beta``: they are written in
    ``delta = 1 - q = E sech^2(beta h)``, averaged directly, so that they keep
    their digits as ``T -> 0`` (``beta delta = C`` stays finite).
    """
    xi = Covariance(alpha / math.factorial(P), P)
    fm = field_moments(_signal(P, m), math.sqrt(xi(q, 1)), beta)
    if alpha == 0:  # zero load: no non-condensed patterns
        f_noise = u_noise = 0.0
    else:
        delta = fm.C / beta
        L = math.log1p(-delta) if delta < 1 else -math.inf  # log q
        # c [1 - q^P - P delta q^(P-1)] and -c (1 - q^P), no cancellation as delta -> 0
        f_noise = -beta / 2 * xi.c * (-math.expm1(P * L) - P * delta * math.exp((P - 1) * L))
        u_noise = beta * xi.c * math.expm1(P * L)
    return {
        "f": (P - 1) * m**P / math.factorial(P) + f_noise - fm.spin,
        "u": -(m**P) / math.factorial(P) + u_noise,
        "replicon": 1 - beta * xi(q, 2) * fm.S4,
    }


def solve(
    P: int,
    alpha: float,
    T: float,
    *,
    branch: str = "retrieval",
    guess: ArrayLike | None = None,
    tol: float = 1e-10,
    method: str = "hybrid",
) -> Solution:
    """One RS solution of the dense ``P``-spin network at load ``alpha``, temperature ``T``.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (:data:`MAX_P`; ``P = 2``: the
        Hopfield network).
    alpha : float
        Load ``K / N^(P-1) >= 0``.
    T : float
        Temperature ``>= 0``.
    branch : {"retrieval", "spin glass", "paramagnet"}
        ``T <= 1e-12`` is solved as ``T = 0`` (the corrections are
        ``O(T)``); ``T = inf`` is the paramagnet (``f = -inf``, ``u = 0``;
        the other branches have status 5 there).
    guess : (m, q), optional
        Starting point (continuation); by default ``(1, 1)``, ``(0, 0.99)``,
        ``(0, 0)`` for the three branches (``P = 2``: those of
        :func:`hebbian.theory.hopfield.solve`, which solves it).
    tol : float
        Required max-norm residual of the equations, in ``(0, 1e-2]``.
    method : str
        See :func:`hebbian.theory.fixed_point.fixed_point`.

    Returns
    -------
    Solution
        ``order_parameters`` ``m``, ``q``; ``stability`` the replicon eigenvalue.

    Raises
    ------
    ValueError, TypeError
        For ``P``, ``alpha``, ``T`` or ``tol`` out of range or an unknown
        ``branch``, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese et al., J. Stat. Phys. 189,
    24 (2022), sec. 3 (RS free energy, ``P > 2``).

    Examples
    --------
    >>> s = solve(3, 0.05, 0.0)
    >>> s.success, round(s["m"], 6)
    (True, 0.998379)
    """
    P, alpha, (T, beta) = _order(P), _load(alpha), temperature(T, zero_below=T_ZERO)
    tol = check_tol(tol)
    if branch not in BRANCHES:
        raise ValueError(f"branch={branch!r} is not one of {BRANCHES}")
    params = {"P": P, "alpha": alpha, "T": T}
    if P == 2:  # the AGS resummation: theory.hopfield, in this module's dress
        s = hopfield.solve(alpha, T, branch=branch, guess=guess, tol=tol, method=method)
        order = {"m": s["m"], "q": s["q"]}
        return dataclasses.replace(s, model="dense", params=params, order_parameters=order)
    if math.isinf(beta):
        return _solve_zero_T(P, alpha, branch, params, tol)
    if beta == 0:  # T = inf: the paramagnet, f = -T ln 2 = -inf, u = 0
        status = 0 if branch == "paramagnet" else 5
        return on_branch(branch, status=status, message=f"{STATUS[5]}: T=inf is paramagnetic",
                         model="dense", params=params, order_parameters={"m": 0.0, "q": 0.0},
                         free_energy=-math.inf, energy=0.0, n_iter=0, residual=0.0,
                         branch="paramagnet", stability=1.0)  # fmt: skip
    xi = Covariance(alpha / math.factorial(P), P)

    def F(x):
        m, q = x[0], min(max(x[1], 0.0), 1.0)
        return np.array(tanh_moments(_signal(P, m), math.sqrt(xi(q, 1)), beta)[:2])

    x0 = (
        guess
        if guess is not None
        else {"retrieval": (1, 1), "spin glass": (0, 0.99)}.get(branch, (0, 0))
    )
    fp = fixed_point(F, x0, tol=tol, method=method)
    m, q = (float(v) for v in fp.x)
    status, message = fp.status, fp.message
    inside = 0 <= q <= 1
    if not inside:
        status, message = 3, f"{STATUS[3]}: q={q:g}"
    terms = (
        _terms(P, alpha, beta, m, q) if inside else dict.fromkeys(("f", "u", "replicon"), math.nan)
    )
    return on_branch(
        branch,
        status=status,
        message=message,
        model="dense",
        params=params,
        order_parameters={"m": m, "q": q},
        free_energy=terms["f"],
        energy=terms["u"],
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch=classify(m, q),
        stability=terms["replicon"],
    )


def _zero_T_overlap(P: int, alpha: float) -> float:
    """Largest root of ``m = erf(m^{P-1} / sqrt(2 alpha (P-1)!))`` (``nan`` if only ``m = 0``)."""
    if alpha == 0:
        return 1.0
    c = 1 / math.sqrt(2 * alpha * math.factorial(P - 1))
    gap = lambda m: erf(c * m ** (P - 1)) - m  # noqa: E731
    # gap <= 0 for small m (P >= 3); below alpha_c a positive stretch opens,
    # narrow near alpha_c and close to m = 1 for large P: locate it on a grid
    grid = np.linspace(0.0, 1.0, 4001)
    k = int(np.argmax(gap(grid)))
    if gap(grid[k]) <= 0:
        return math.nan
    peak = optimize.minimize_scalar(
        lambda m: -gap(m), bounds=(grid[max(k - 1, 0)], grid[min(k + 1, 4000)]), method="bounded"
    )
    return optimize.brentq(gap, peak.x, 1.0, xtol=1e-15)


def _solve_zero_T(P: int, alpha: float, branch: str, params: dict, tol: float) -> Solution:
    noise = math.sqrt(alpha / math.factorial(P - 1))
    m = {"retrieval": _zero_T_overlap(P, alpha), "spin glass": 0.0}.get(branch, math.nan)
    exists = not math.isnan(m) and (branch != "spin glass" or alpha > 0)
    if exists:
        e = (P - 1) * m**P / math.factorial(P) - abs_mean(_signal(P, m), noise)
        residual = abs(erf(_signal(P, m) / (math.sqrt(2) * noise)) - m) if noise else abs(1 - m)
        status, message = 0, STATUS[0]
        if residual > tol:
            status, message = 2, f"{STATUS[2]}: residual {residual:.1e} > tol"
    else:
        e, residual, status = math.nan, math.inf, 5
        message = f"{STATUS[5]}: no T=0 {branch} solution at P={P}, alpha={alpha:g}"
    return Solution(
        model="dense",
        params=params,
        order_parameters={"m": m, "q": 1.0 if exists else math.nan},
        free_energy=e,
        energy=e,
        success=status == 0,
        status=status,
        message=message,
        n_iter=0,
        residual=residual,
        branch=branch,
        stability=-math.inf if alpha > 0 else 1.0,
    )


def _branch_point(P: int, m: float, beta: float) -> tuple[float, float]:
    """``(alpha, q)`` of the retrieval branch at overlap ``m``, ``P >= 3`` (``nan`` if none)."""
    a = _signal(P, m)
    top = 1.0 if math.isinf(beta) else math.tanh(beta * a)
    if not m < top:
        return math.nan, math.nan
    # the m equation fixes the noise s = sqrt(xi'(q)) (at T = 0, q = 1)
    s = std_for_tanh_mean(m, beta, mean=a)
    q = 1.0 if math.isinf(beta) else tanh_moments(a, s, beta)[1]
    return s**2 * math.factorial(P - 1) / q ** (P - 1), q


def _load_for_overlap(P: int, m: float, beta: float) -> float:
    """Load at which the retrieval branch passes through ``m`` (``nan`` if it cannot)."""
    if P == 2:
        a = _signal(P, m)
        top = 1.0 if math.isinf(beta) else math.tanh(beta * a)
        return hopfield._load_for_overlap(m, beta) if m < top else math.nan
    return _branch_point(P, m, beta)[0]


def alpha_c(P: int, T: float = 0.0) -> Transition:
    """Critical storage ``alpha_c(P, T)``: the largest load with a retrieval solution.

    The retrieval branch is parametrized by ``m`` and ``alpha_c = max_m alpha(m)``
    is its fold, as in :func:`hebbian.theory.hopfield.alpha_c` (which ``P = 2``
    returns).

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (:data:`MAX_P`; ``P = 2``: the
        Hopfield network, :mod:`hebbian.theory.hopfield`).
    T : float, default 0
        Temperature ``>= 0``; ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`)
        is ``T = 0``.

    Returns
    -------
    Transition
        ``value`` = alpha_c, ``m`` = the overlap there; ``value`` 0 and ``m``
        ``nan`` where there is no retrieval at any load.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``T`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra,
    J. Stat. Phys. 189, 24 (2022).

    Examples
    --------
    >>> round(alpha_c(3).value, 4), round(alpha_c(4).value, 5)
    (0.1261, 0.03298)
    """
    P = _order(P)
    beta = beta_from_T(T, zero_below=T_ZERO)
    if P == 2:
        return hopfield.alpha_c(T)
    ms = np.linspace(0.02, 1.0, 99, endpoint=False)
    loads = np.array([_load_for_overlap(P, m, beta) for m in ms])
    if np.all(np.isnan(loads)):
        return Transition(0.0, math.nan)
    k = int(np.nanargmax(loads))
    lo, hi = ms[max(k - 1, 0)], ms[min(k + 1, len(ms) - 1)]
    res = optimize.minimize_scalar(
        lambda m: -np.nan_to_num(_load_for_overlap(P, m, beta), nan=0.0),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return Transition(-float(res.fun), float(res.x))


def alpha_c_peak(P: int) -> tuple[float, float]:
    """``(T, alpha_c(P, T))`` where the RS critical storage peaks.

    The RS ``alpha_c(T)`` is reentrant: it grows from ``T = 0`` to a maximum
    (P = 2: 0.138189 at T = 0.023; P = 3: 0.15486 at T = 0.155) and the
    one-step RSB ``T = 0`` value lies just below that maximum
    (:mod:`hebbian.theory.dense_rsb`).

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (:data:`MAX_P`; ``P = 2``: the
        Hopfield network, :mod:`hebbian.theory.hopfield`).

    Returns
    -------
    tuple of float
        ``(T_peak, alpha_c(P, T_peak))``.

    Raises
    ------
    ValueError, TypeError
        For ``P`` out of range.

    Examples
    --------
    >>> T, a = alpha_c_peak(3)
    >>> round(T, 2), round(a, 4)
    (0.15, 0.1549)
    """
    return _alpha_c_peak(_order(P))


@functools.cache
def _alpha_c_peak(P: int) -> tuple[float, float]:
    if P == 2:
        return hopfield.alpha_c_peak()
    res = optimize.minimize_scalar(
        lambda T: -alpha_c(P, T).value, bounds=(0.0, T_M(P, 0.0)), method="bounded",
        options={"xatol": 1e-6},
    )  # fmt: skip
    return float(res.x), -float(res.fun)


def T_M(P: int, alpha: float) -> float:
    """Highest temperature at which retrieval solutions exist at load ``alpha``.

    For ``P >= 3`` and ``alpha`` just above ``alpha_c(P, 0)`` retrieval exists
    only inside a window of temperatures (reentrance); this is its upper end.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (:data:`MAX_P`; ``P = 2``: the
        Hopfield network, :mod:`hebbian.theory.hopfield`).
    alpha : float
        Load ``K / N^(P-1) >= 0``, finite.

    Returns
    -------
    float
        ``T_M``; at ``alpha = 0`` the fold of ``m = tanh(beta m^(P-1) / (P-1)!)``;
        ``nan`` at and above the peak of ``alpha_c(P, T)`` (:func:`alpha_c_peak`).
        ``P = 2``: :func:`hebbian.theory.hopfield.T_M`.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra,
    J. Stat. Phys. 189, 24 (2022).
    """
    P = _order(P)
    alpha = _load(alpha)
    if P == 2:
        return hopfield.T_M(alpha)
    if alpha == 0:  # fold of m = tanh(beta m^{P-1} / (P-1)!)
        res = optimize.minimize_scalar(
            lambda m: -_signal(P, m) / math.atanh(m), bounds=(1e-6, 1 - 1e-12), method="bounded"
        )
        return -float(res.fun)
    top = T_M(P, 0.0)
    low = 1e-9
    if alpha >= alpha_c(P, 0.0).value:
        # the retrieval region is reentrant (alpha_c grows with T at low T for
        # P >= 3): search above the temperature where alpha_c(T) peaks
        T_peak, alpha_peak = alpha_c_peak(P)
        if alpha_peak <= alpha:
            return math.nan
        low = T_peak
    return optimize.brentq(lambda T: alpha_c(P, T).value - alpha, low, top, xtol=1e-10)


def T_c(P: int, alpha: float) -> float:
    """Temperature below which retrieval has a lower free energy than the paramagnet.

    For ``P >= 3`` the RS paramagnet is the reference phase only where its
    entropy ``ln 2 - beta^2 xi(1) / 2`` is positive, above :func:`T_entropy`;
    below it the glass needs replica symmetry breaking (1RSB), so the
    crossing is searched above ``T_entropy`` only and ``nan`` is returned
    when retrieval does not win there.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (:data:`MAX_P`; ``P = 2``: the
        Hopfield network, :mod:`hebbian.theory.hopfield`).
    alpha : float
        Load ``K / N^(P-1) >= 0``, finite.

    Returns
    -------
    float
        The crossing temperature; ``T_M`` (less ``1e-7`` of it) where retrieval
        wins up to the end of its existence, ``nan`` where it does not win above
        ``T_entropy`` or does not exist.  ``P = 2``: :func:`hebbian.theory.hopfield.T_c`
        (the crossing with the spin glass).

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.
    SolverError
        Where the retrieval state is not found at a temperature the root
        search needs.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra,
    J. Stat. Phys. 189, 24 (2022).
    """
    P = _order(P)
    if P == 2:
        return hopfield.T_c(alpha)
    hi = T_M(P, alpha)
    if math.isnan(hi):
        return math.nan
    gap = lambda T: (  # noqa: E731
        solve(P, alpha, T).check().free_energy
        - solve(P, alpha, T, branch="paramagnet").free_energy
    )
    lo = max(T_entropy(P, alpha) * (1 + 1e-9), 1e-3 * hi)
    hi *= 1 - 1e-7
    if lo >= hi or gap(lo) >= 0:
        return math.nan
    return hi if gap(hi) <= 0 else optimize.brentq(gap, lo, hi, xtol=1e-10)


def T_entropy(P: int, alpha: float) -> float:
    """Where the RS paramagnet's entropy ``ln 2 - alpha / (2 P! T^2)`` vanishes.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    alpha : float
        Load ``K / N^(P-1) >= 0``, finite.

    Returns
    -------
    float
        ``sqrt(alpha / (2 ln 2 P!))``.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``alpha`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra,
    J. Stat. Phys. 189, 24 (2022).
    """
    P = _order(P, minimum=3)
    alpha = _load(alpha)
    return math.sqrt(alpha / (2 * math.log(2) * math.factorial(P)))


@dataclass(frozen=True)
class DensePhaseDiagram:
    """Lines ``(alpha, T)`` of the dense ``P``-spin retrieval diagram (RS)."""

    P: int
    T_M: tuple[np.ndarray, np.ndarray]
    T_c: tuple[np.ndarray, np.ndarray]
    T_entropy: tuple[np.ndarray, np.ndarray]


def phase_diagram(P: int, n_points: int = 30) -> DensePhaseDiagram:
    """The RS retrieval diagram of the dense ``P``-spin network, ``P >= 3``.

    Retrieval existence (``T_M``), retrieval-paramagnet crossing (``T_c``) and
    the paramagnet's zero-entropy line, ``P >= 3``; about 0.7 s a point,
    ``n_points <= 1000``.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    n_points : int, default 30
        Points per line, ``2 <= n_points <= 1000``
        (:data:`hebbian.theory.hopfield.MAX_POINTS`).

    Returns
    -------
    DensePhaseDiagram
        ``P`` and the lines ``T_M`` (:func:`alpha_c` at ``T`` in
        ``[0, T_M(P, 0))``), ``T_c`` and ``T_entropy`` (at ``alpha`` in
        ``[0, alpha_c(P))``), each a pair of arrays ``(alpha, T)``.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``n_points`` out of range, naming it.
    SolverError
        Where a retrieval state a line needs is not found.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra,
    J. Stat. Phys. 189, 24 (2022).
    """
    P = _order(P, minimum=3)
    n_points = check_int(
        n_points, "n_points", minimum=2, maximum=hopfield.MAX_POINTS,
        why=lambda n: f"it would take about {0.7 * n:.3g} s (0.7 s a point); pass n_points <= "
        f"{hopfield.MAX_POINTS}",
    )  # fmt: skip
    a_c = alpha_c(P).value
    Ts = np.linspace(0.0, T_M(P, 0.0) * (1 - 1e-6), n_points)
    alphas = np.linspace(0.0, a_c * (1 - 1e-6), n_points)
    return DensePhaseDiagram(
        P=P,
        T_M=(np.array([alpha_c(P, T).value for T in Ts]), Ts),
        T_c=(alphas, np.array([T_c(P, a) for a in alphas])),
        T_entropy=(alphas, np.array([T_entropy(P, a) for a in alphas])),
    )
