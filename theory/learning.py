r"""Replica-symmetric theory of dense Hebbian networks that learn from examples.

The networks of :mod:`hebbian.networks.learning`: ``K = alpha N^(P-1)``
archetypes (``alpha = 0``: low storage, K finite), each seen through ``M``
examples of quality ``r``, stored by the supervised or the unsupervised
protocol, both normalized by ``R = r^2 (1 + rho)``,
``rho = (1 - r^2)/(M r^2)``.

**Signal.**  Retrieving archetype 1 (gauge ``xi^1 = +1``), neuron ``i`` sees
its example mean through ``y_i = etabar_i xi_i / sqrt(R)``, with ``E y =
1/sqrt(1 + rho)`` and ``E y^2 = 1``.  Its law is exact:
``y = (2B - M)/(M sqrt(R))``, ``B ~ Binomial(M, (1 + r)/2)``
(``limit="exact"``); for many examples it is Gaussian,
``y = (1 + sqrt(rho) Z)/sqrt(1 + rho)`` (``limit="gaussian"``, which depends
on ``r`` and ``M`` only through ``rho`` and takes any real ``M >= 1``).  Both
protocols see the same signal: at low load ``(1/M) sum_a m_a^P`` equals
``(mean_a m_a)^P`` up to O(1/N).

**Cross-talk** of the non-condensed classes, a Gaussian field of variance
``V(q)`` (:func:`crosstalk`):

* ``P >= 3``: the hard (SK-like) part only (Gardner 1987; Albanese et al.
  2022), ``V = xi'(q)``.  Over distinct index tuples ``xi(q) = alpha_eff
  q^P/P!`` with ``alpha_eff = alpha`` (supervised) or ``alpha [r^(2P) +
  (1 - r^(2P))/M] / R^P`` (unsupervised: the ``M`` stored examples of a
  class overlap by ``r^2``, and the Wick pairings of ``(1/M) sum_a m_a^P``
  sum ``c_ab^P`` over pairs).  The networks that the Monte Carlo samples keep
  all index tuples (``self_interactions=True``, the default here): their
  lower Hermite orders add ``q^(P-2), q^(P-4), ...`` terms to ``xi``, e.g.
  a random field of variance ``alpha/4`` for ``P = 3``;
* ``P = 2``: the Amit-Gutfreund-Sompolinsky resummation over a spectrum of
  pattern strengths: supervised one strength 1 at load ``alpha``;
  unsupervised also ``M - 1`` strengths ``w = (1 - r^2)/(M R)`` per class
  (the eigenvalues of the examples' overlap matrix), so
  ``V = sum_k alpha_k w_k^2 q / d_k^2``, ``d_k = 1 - beta w_k (1 - q)``.

**Equations.**  With ``h = a y + sqrt(V) z``, ``a = n~^(P-1)/(P-1)!``,

.. math::

    \tilde n = E\,y\tanh\beta h,\qquad m = E\tanh\beta h,\qquad q = E\tanh^2\beta h,

where ``n~ = (1/N) sum_i etabar_i sigma_i / sqrt(R)`` is the overlap the
energy sees.  Reported are the archetype overlap ``m`` (what learning is
judged by), the example-mean overlap ``n = (1/(r N)) sum_i etabar_i sigma_i
= sqrt(1 + rho) n~`` (1 on the archetype) and ``q``.  The free energy is
``f = (P-1) n~^P/P! + f_cross - (1/beta) E ln 2cosh beta h`` with
``f_cross = -(beta/2)[xi(1) - xi(q) - (1-q) xi'(q)]`` (``P >= 3``) or
``sum_k alpha_k [w_k/2 + (ln d_k - beta w_k q/d_k)/(2 beta)] + beta V (1 - q)/2``
(``P = 2``).  At ``T = 0`` the averages become ``erf``'s (``q = 1``; for
``P = 2`` with ``C = beta (1 - q)`` finite).  ``M -> infinity`` or ``r = 1``
with distinct tuples is the storage model of :mod:`hebbian.theory.dense` (``P = 2``:
:mod:`hebbian.theory.hopfield`).

**Example states.**  The unsupervised network also stores every example:
:func:`solve_example` is the state condensed on one of them, which with few
examples and ``P >= 3`` is far below the archetype state in free energy.

**Thresholds.**  :func:`alpha_c` (critical load, the fold of the retrieval
branch), :func:`T_M` (the highest temperature with a retrieval state),
:func:`examples_c` (the fewest examples from which the archetype is learned)
and :func:`signal_to_noise` (one step from an archetype: data noise
``rho`` plus cross-talk; the ultra-storage and ultra-detection regimes).
:func:`constrained` holds the archetype overlap at any ``m`` by its conjugate
field: the Landau free energy ``f(m)`` and its slope, which Monte Carlo at fixed
overlap measures (:func:`hebbian.mc.learning.archetype_slope`).
Every line of the ``(alpha, T)`` diagram (spinodal, thermodynamic transition,
RS instability, spin glass, paramagnet) is in
:mod:`hebbian.theory.learning_phase`; the scaling of the poorest detectable
examples with ``N`` in :mod:`hebbian.theory.ultra_detection`.

References
----------
Agliari, Albanese, Alemanno, Alessandrelli, Barra, Giannotti, Lotito,
Pedreschi, "Dense Hebbian neural networks: a replica symmetric picture of
supervised learning", Physica A 626, 129076 (2023), arXiv:2212.00606, and
"... of unsupervised learning", Physica A 627, 129143 (2023),
arXiv:2211.14067; Alemanno et al., EPL 141, 11001 (2023), arXiv:2203.01304
(``P = 2``).  The papers' bodies were not available to this package: the
equations above are derived here (and checked against Monte Carlo, see
``figures/learning.py``), not transcribed.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.polynomial import Polynomial
from numpy.typing import ArrayLike
from scipy import optimize
from scipy.stats import binom

from hebbian._checks import check_bool, check_int, check_real, check_tol
from hebbian.networks.learning import PROTOCOLS
from hebbian.patterns import check_quality
from hebbian.temperature import T_ZERO, temperature
from hebbian.theory.dense import MAX_P
from hebbian.theory.fixed_point import bisect, fixed_point
from hebbian.theory.quadrature import (
    component_moments,
    density_at_zero,
    field_quadrature,
    glass_order,
    log2cosh_over_beta,
    sech2,
)
from hebbian.theory.solution import STATUS, ZERO, Solution, Transition, classify, on_branch

__all__ = [
    "LIMITS",
    "T_M",
    "Crosstalk",
    "Signal",
    "alpha_c",
    "constrained",
    "crosstalk",
    "examples_c",
    "signal",
    "signal_to_noise",
    "solve",
    "solve_example",
]

LIMITS = ("exact", "gaussian")

#: Largest ``M`` of :func:`solve_example`: its map averages over ``2 M`` binomial atoms
#: (all of them), about 0.1 s per evaluation at ``M = 2000``.
MAX_EXAMPLE_M = 2000

#: Largest ``M`` of ``limit="exact"``: the binomial law keeps ~``17 sqrt(M)`` atoms, each a
#: Gaussian average; a solve takes about 5 s at ``M = 10^5`` and 20 s at ``10^6`` (two
#: cores), and the thresholds built on many solves longer (at ``10^5``: :func:`alpha_c`
#: 20 s, :func:`T_M` 60 s).  The Gaussian limit is exact to ``O(1/M)`` there.
MAX_EXACT_M = 10**6

#: Binomial atoms lighter than this are dropped (their total weight is renormalized away).
_LIGHT = 1e-16


class Signal(NamedTuple):
    """The law of ``y = etabar xi / sqrt(R)``: Gaussians of means ``y``, variance ``var``.

    Exact: binomial atoms (``var = 0``) with probabilities ``p``; Gaussian
    limit: one component of mean ``1/sqrt(1 + rho)`` and variance
    ``rho/(1 + rho)``, whose average with the Gaussian cross-talk is a single
    Gaussian field (so ``T = 0`` steps are integrated exactly).
    """

    y: np.ndarray
    p: np.ndarray
    rho: float
    var: float = 0.0


def _check_data(r, M, limit: str) -> tuple[float, float]:
    r = check_quality(r)
    if not isinstance(limit, str) or limit not in LIMITS:
        raise ValueError(f"limit={limit!r} is not one of {LIMITS}")
    if isinstance(M, float) and math.inf == M:
        return r, math.inf
    if limit == "exact":
        if isinstance(M, float) and M > MAX_EXACT_M:  # before int(): 1e300 has 301 digits
            raise ValueError(
                f"M (examples per archetype)={M:g} must be <= {MAX_EXACT_M}: the exact binomial "
                f"law is too costly there; pass limit='gaussian'"
            )
        whole = int(M) if isinstance(M, float) and M.is_integer() else M
        M = check_int(
            whole, "M (examples per archetype)", minimum=1, maximum=MAX_EXACT_M,
            why="the exact binomial law is too costly there; pass limit='gaussian'",
        )  # fmt: skip
        return r, float(M)
    return r, check_real(M, "M (examples per archetype)", low=1.0)


def _example_cost(M: float) -> str:
    """Time of :func:`solve_example`'s map at ``M`` examples (measured: 0.1 s at ``M = 2000``)."""
    return f"{0.1 * M / 2000:.3g} s per map evaluation, hundreds of them"


def _entropy(r: float, M: float) -> float:
    """``rho = (1 - r^2) / (M r^2)``; ``inf`` where ``M r^2`` underflows (no information)."""
    if math.inf == M or r == 1.0:
        return 0.0
    denominator = M * r * r
    return (1 - r * r) / denominator if denominator > 0 else math.inf


def signal(r: float, M: float, limit: str = "exact") -> Signal:
    """Law of the per-neuron signal ``y = etabar xi / sqrt(R)`` (``E y^2 = 1``).

    Exact: ``y = (2B - M)/(M sqrt(R))``, ``B ~ Binomial(M, (1 + r)/2)``
    (atoms lighter than 1e-16 dropped); Gaussian: ``y = (1 + sqrt(rho)
    Z)/sqrt(1 + rho)`` (module docstring).

    Parameters
    ----------
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype (``math.inf``: the archetype itself), ``>= 1``;
        at most ``10^6`` (:data:`MAX_EXACT_M`) and integral for
        ``limit="exact"``.
    limit : {"exact", "gaussian"}
        Binomial law of the example mean, or its Gaussian limit of the same
        mean and variance.

    Returns
    -------
    Signal
        Atoms ``y`` with probabilities ``p``, the data-set entropy
        ``rho = (1 - r^2)/(M r^2)`` and the components' variance ``var``
        (see :class:`Signal`); a single atom ``y = 1`` for ``M = inf`` or
        ``r = 1``.

    Raises
    ------
    TypeError
        If ``r`` or ``M`` is not a real number (``M`` not an integer for
        ``limit="exact"``).
    ValueError
        If ``r`` is outside (0, 1], ``M`` is out of range, or ``limit`` is
        unknown.

    Examples
    --------
    >>> s = signal(0.5, 4)
    >>> round(float(s.p @ s.y**2 + s.var), 12), round(float(s.p @ s.y), 6)
    (1.0, 0.755929)
    """
    r, M = _check_data(r, M, limit)
    if math.inf == M or r == 1.0:
        return Signal(np.ones(1), np.ones(1), 0.0)
    rho = _entropy(r, M)
    # R = r^2 (1 + rho) = r^2 + (1 - r^2)/M: finite however small r is
    R = r * r + (1 - r * r) / M
    if limit == "gaussian":  # mean 1/sqrt(1 + rho) = r/sqrt(R), variance rho/(1 + rho)
        return Signal(np.array([r / math.sqrt(R)]), np.ones(1), rho, (1 - r * r) / (M * R))
    B = np.arange(int(M) + 1)
    p = np.exp(binom.logpmf(B, int(M), (1 + r) / 2))  # log domain: no underflow warnings
    keep = p > _LIGHT
    y = (2 * B[keep] - M) / (M * math.sqrt(R))
    return Signal(y, p[keep] / p[keep].sum(), rho)


class Crosstalk(NamedTuple):
    """Cross-talk of the non-condensed classes at load ``alpha``.

    Attributes
    ----------
    loads, strengths : numpy.ndarray
        ``P = 2``: the AGS spectrum, loads ``alpha_k`` of stored vectors of
        strength ``w_k`` (empty for ``P >= 3``).
    xi : numpy.polynomial.Polynomial
        ``P >= 3``: the covariance ``xi(q)`` of the Gaussian cross-talk energy
        (``P = 2``: ``sum_k alpha_k w_k^2 q^2 / 2``, its hard part, used for
        the signal-to-noise ratio).
    """

    loads: np.ndarray
    strengths: np.ndarray
    xi: Polynomial

    def soft_variance(self, beta: float, q: float, C: float | None = None) -> float:
        """AGS field variance ``sum_k alpha_k w_k^2 q / (1 - w_k C)^2``, ``C = beta (1 - q)``.

        Pass ``C`` wherever it is known: formed from ``q`` it loses digits at large ``beta``.
        """
        a, w = self.loads, self.strengths
        if not np.any(a):
            return 0.0
        d = 1 - w * (C if C is not None else beta * (1 - q))
        return float(np.sum(a * w * w * q / d**2))

    def soft_free_energy(self, beta: float, q: float, C: float | None = None):
        """AGS part of ``f`` and its curvature (replicon); from ``C`` where it is given.

        ``sum_k alpha_k [w_k/2 + (ln d_k - beta w_k q/d_k)/(2 beta)] + beta V (1-q)/2``,
        ``d_k = 1 - w_k C``, ``C = beta (1 - q)``; its ``T = 0`` limit
        ``sum_k alpha_k w_k (1 - 1/(1 - w_k C))/2 + V C / 2``.
        """
        a, w = self.loads, self.strengths
        V = self.soft_variance(beta, q, C)
        if math.isinf(beta):
            return float(np.sum(a * w / 2 * (1 - 1 / (1 - w * C)))) + V * C / 2, math.nan
        C = beta * (1 - q) if C is None else C
        d = 1 - w * C
        if np.any(d <= 0):  # outside the physical domain: no free energy
            return math.nan, math.nan
        cross = float(np.sum(a * (w / 2 + np.log1p(-w * C) / (2 * beta) - w * q / (2 * d))))
        return cross + V * C / 2, float(np.sum(a * w * w / d**2))


def _hermite_weight(P: int, j: int) -> float:
    """``a_Pj^2 j! / P!^2 = 1 / (j! k!^2 4^k)``, ``k = (P - j)/2``, with ``a_Pj`` the
    coefficient of ``He_j`` in ``x^P`` (zero unless ``P - j`` is even and >= 0).

    In the log domain: ``P!^2`` alone overflows a double from ``P = 171`` on.
    """
    k, odd = divmod(P - j, 2)
    if odd or k < 0:
        return 0.0
    return math.exp(-(math.lgamma(j + 1) + 2 * math.lgamma(k + 1) + k * math.log(4)))


def crosstalk(
    P: int, alpha: float, r: float, M: float, protocol: str, *, self_interactions: bool = True
) -> Crosstalk:
    """Cross-talk of the non-condensed classes (see the module docstring).

    ``P >= 3``: each class adds ``(1/(M R^(P/2))) sum_a m_a^P``; its Hermite
    expansion ``x^P = sum_j a_Pj He_j(x)`` over Gaussian overlaps of
    correlation ``c_ab q`` gives ``xi(q) = alpha sum_j a_Pj^2 j! W_j q^j / P!^2``
    with ``W_j = sum_ab c_ab^j / (M R^(P/2))^2`` (``c_aa = 1``,
    ``c_ab = r^2``; supervised ``W_j = 1``).  Only ``j = P`` survives for
    distinct index tuples (:mod:`hebbian.theory.dense`); the self-interactions of the
    all-tuples networks (:class:`hebbian.LearnedNetwork`) add
    ``j = P - 2, P - 4, ... >= 1``: a random field of variance ``alpha/4``
    for ``P = 3`` with perfect examples.  ``P = 2``: the
    Amit-Gutfreund-Sompolinsky spectrum of pattern strengths.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (``P!`` a finite double).
    alpha : float
        Load ``K / N^(P-1) >= 0`` (0: low storage), finite.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored (module docstring).
    self_interactions : bool
        All index tuples (default) or distinct ones only (``P >= 3``).

    Returns
    -------
    Crosstalk
        ``loads`` and ``strengths`` of the AGS spectrum (``P = 2``; empty for
        ``P >= 3``) and the covariance polynomial ``xi`` (see
        :class:`Crosstalk`).

    Raises
    ------
    TypeError
        If ``P`` is not an integer, a number is not real, or
        ``self_interactions`` is not a bool.
    ValueError
        If an argument is out of range (or NaN), ``protocol`` is unknown, or
        (unsupervised) the cross-talk overflows a double for a tiny ``r``.

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606
    (supervised) and Physica A 627, 129143 (2023), arXiv:2211.14067
    (unsupervised); the equations are those of the module docstring.

    Examples
    --------
    >>> crosstalk(3, 0.1, 1.0, 7, "unsupervised").xi.coef.round(6).tolist()
    [0.0, 0.025, 0.0, 0.016667]
    """
    P = check_int(P, "P", minimum=2, maximum=MAX_P, why="P! overflows a double beyond P = 170")
    alpha = check_real(alpha, "alpha", low=0.0, finite=True, fix="alpha = K / N^(P-1) is a load")
    r = check_quality(r)
    if not (isinstance(M, float) and math.inf == M):
        M = check_real(M, "M (examples per archetype)", low=1.0)
    self_interactions = check_bool(self_interactions, "self_interactions")
    if not isinstance(protocol, str) or protocol not in PROTOCOLS:
        raise ValueError(f"protocol={protocol!r} is not one of {PROTOCOLS}")
    exact = protocol == "supervised" or math.inf == M or r == 1.0 or M == 1
    R = r * r + (1 - r * r) / M if math.inf != M else r * r
    none = np.zeros(0)
    if P == 2:
        if exact:
            loads, w = np.array([alpha]), np.ones(1)
        else:
            loads, w = np.array([alpha, alpha * (M - 1)]), np.array([1.0, (1 - r * r) / (M * R)])
        return Crosstalk(loads, w, Polynomial([0.0, 0.0, float(np.sum(loads * w * w)) / 2]))

    def W(j: int) -> float:
        if exact and (protocol == "supervised" or r == 1.0 or M == 1):
            return 1.0
        if math.inf == M:  # r^(2 (j - P)): the self-interactions blow up as r -> 0
            if 2 * (P - j) * math.log(r) < -700:
                raise ValueError(
                    f"quality r={r:g} with M=inf unsupervised examples: the self-interaction "
                    f"cross-talk r^(2(j-P)) overflows; pass a larger r or finite M"
                )
            return math.exp(2 * (j - P) * math.log(r))
        # (M + M (M - 1) r^(2j)) / (M^2 R^P) in the log domain (R^P underflows for large P)
        log_W = math.log(1 / M + (1 - 1 / M) * r ** (2 * j)) - P * math.log(R)
        if log_W > 700:
            raise ValueError(
                f"quality r={r:g} with M={M:g} examples: the cross-talk overflows; "
                f"pass a larger r (data-set entropy rho = (1 - r^2)/(M r^2) is hopeless here)"
            )
        return math.exp(log_W)

    orders = range(1, P + 1) if self_interactions else (P,)
    coef = np.zeros(P + 1)
    for j in orders:
        coef[j] = alpha * _hermite_weight(P, j) * W(j)
    return Crosstalk(none, none, Polynomial(coef))


class _Model(NamedTuple):
    P: int
    beta: float
    sig: Signal
    ct: Crosstalk

    def variance(self, q: float, C: float | None = None) -> float:
        """Cross-talk variance ``V(q)`` (``T = 0``, ``P = 2``: from ``C = beta(1 - q)``)."""
        if self.P > 2:  # xi'(q) by Horner's rule, as xi.deriv()(q) but without its overhead
            coef, V = self.ct.xi.coef.tolist(), 0.0
            for j in range(len(coef) - 1, 0, -1):
                V = V * q + j * coef[j]
            return V
        return self.ct.soft_variance(self.beta, q, C)

    def law(self, nt: float, V: float, shift: float = 0.0) -> tuple[np.ndarray, float, float]:
        """``h = a y + shift + sqrt(V) z``: its components' means, their common variance, ``a``.

        ``shift``: a field along the archetype (:func:`constrained`).
        """
        a = nt ** (self.P - 1) / math.factorial(self.P - 1)
        return a * self.sig.y + shift, a * a * self.sig.var + V, a

    def fields(self, nt: float, V: float, shift: float = 0.0):
        """Quadrature of the field (:meth:`law`): fields and weights, shape (components, nodes)."""
        mean, var, _ = self.law(nt, V, shift)
        h, w = field_quadrature(mean, math.sqrt(var), self.beta)
        return h, w * self.sig.p[:, None]

    def density_at_zero(self, nt: float, V: float) -> float:
        """``C = lim beta (1 - q) = 2 p_h(0)`` at ``T = 0``."""
        mean, var, _ = self.law(nt, V)
        return density_at_zero(mean, np.full_like(mean, var), self.sig.p)


def _model(P, alpha, T, r, M, protocol, limit, self_interactions) -> tuple[_Model, dict]:
    P = check_int(P, "P", minimum=2, maximum=MAX_P, why="P! overflows a double beyond P = 170")
    alpha = check_real(alpha, "alpha", low=0.0, finite=True, fix="alpha = K / N^(P-1) is a load")
    T, beta = temperature(T, zero_below=T_ZERO)
    self_interactions = check_bool(self_interactions, "self_interactions")
    sig = signal(r, M, limit)
    ct = crosstalk(P, alpha, r, M, protocol, self_interactions=self_interactions)
    params = {
        "P": P,
        "alpha": alpha,
        "T": T,
        "r": float(r),
        "M": float(M),
        "rho": sig.rho,
        "protocol": protocol,
        "self_interactions": bool(self_interactions),
    }
    return _Model(P, beta, sig, ct), params


def _averages(mod: _Model, nt: float, V: float, *, with_C: bool = False, shift: float = 0.0):
    """``E y t``, ``E t``, ``E t^2`` with ``t = tanh(beta h)`` (``sign`` at ``T = 0``).

    ``with_C``: also ``C = beta E sech^2(beta h) = beta (1 - q)``, averaged
    directly (finite ``T`` only), which keeps its digits as ``T -> 0``.
    """
    sig = mod.sig
    mean, var, a = mod.law(nt, V, shift)
    E = component_moments(mean, np.full_like(mean, math.sqrt(var)), mod.beta)
    slope = a * sig.var / var if var > 0 else 0.0  # E[y | h] = y_k + slope (h - mean_k)
    out = (
        float(sig.p @ (sig.y * E[:, 0] + slope * E[:, 3])),
        float(sig.p @ E[:, 0]),
        float(sig.p @ E[:, 1]),
    )
    return (*out, mod.beta * float(sig.p @ E[:, 2])) if with_C else out


def _glass_gap(xi: Polynomial, delta: float) -> float:
    """``xi(1) - xi(q) - (1 - q) xi'(q)`` at ``q = 1 - delta``, term by term in ``delta``.

    Each power gives ``1 - q^j - j delta q^(j-1)``, ``O(delta^2)``: formed from
    ``q`` it would lose its digits as ``delta -> 0``, where ``beta`` multiplies it.
    """
    L = math.log1p(-delta) if delta < 1 else -math.inf  # log q
    return sum(
        c * (-math.expm1(j * L) - j * delta * math.exp((j - 1) * L))
        for j, c in enumerate(xi.coef)
        if j >= 2 and c
    )


def _cross(mod: _Model, q: float, C: float | None = None) -> tuple[float, float]:
    """Cross-talk part of the free energy and its curvature (for the replicon).

    Without the self-interaction constant ``-sum_mu |x^mu|^2 / (2N)`` (``P = 2``)
    and the configuration-independent Hermite ``j = 0`` terms (``P >= 4``).
    """
    beta, xi = mod.beta, mod.ct.xi
    if math.isinf(beta) and C is None:  # T = 0, P >= 3 (or no load): the hard part vanishes
        return 0.0, math.nan
    if mod.P > 2:  # delta = 1 - q = C / beta
        delta = 1 - q if C is None else C / beta
        return -beta / 2 * _glass_gap(xi, delta), float(xi.deriv(2)(q))
    return mod.ct.soft_free_energy(beta, q, C)


def _spin(beta: float, h: np.ndarray, w: np.ndarray) -> float:
    """``(1/beta) E ln 2cosh(beta h)`` (``E|h|`` at ``T = 0``)."""
    return float(np.sum(w * log2cosh_over_beta(h, beta)))


def _free_energy(
    mod: _Model, nt: float, q: float, C: float | None = None, shift: float = 0.0
) -> tuple[float, float]:
    """``(f, replicon)`` at a solution (``T = 0``: ``(e, nan)``), in the field ``shift``.

    At finite ``T`` without ``C`` given, ``C = beta E sech^2(beta h)`` is averaged here.
    """
    beta = mod.beta
    h, w = mod.fields(nt, mod.variance(q, C), shift)
    if not math.isinf(beta):
        s2 = sech2(beta * h)
        C = beta * float(np.sum(w * s2)) if C is None else C
    cross, curvature = _cross(mod, q, C)
    f = (mod.P - 1) * nt**mod.P / math.factorial(mod.P) + cross - _spin(beta, h, w)
    if math.isinf(beta):
        return f, math.nan
    return f, 1 - beta * curvature * (beta * float(np.sum(w * s2**2)))


def solve(
    P: int,
    alpha: float,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
    branch: str = "retrieval",
    guess: ArrayLike | None = None,
    tol: float = 1e-10,
) -> Solution:
    """One RS solution of a dense network learning from examples.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (``P!`` a finite double).
    alpha : float
        Load ``K / N^(P-1) >= 0`` (0: low storage), finite.
    T : float
        Temperature ``>= 0``: ``T <= 1e-12`` is solved as ``T = 0`` (the
        corrections are ``O(T)``), ``T = inf`` is the paramagnet (``f = -inf``;
        the other branches have status 5 there).
    r : float
        Example quality in (0, 1]; where ``M r^2`` underflows the examples carry
        no information (``rho = inf``).
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed); at most
        ``10^6`` for ``limit="exact"`` (:data:`MAX_EXACT_M`).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored (module docstring).
    limit : {"exact", "gaussian"}
        Law of the example mean; see :func:`signal`.
    self_interactions : bool
        All index tuples, as :class:`hebbian.LearnedNetwork` samples (default),
        or distinct ones only, as :mod:`hebbian.theory.dense`; they differ at high
        load for ``P >= 3`` (:func:`crosstalk`).  A bool: ``"no"`` is refused.
    branch : {"retrieval", "spin glass", "paramagnet"}
        Which solution to follow (it sets the default start).
    guess : (n~, q), optional
        Start (continuation); ``(1, 1)`` for retrieval.
    tol : float
        Required max-norm residual, in ``(0, 1e-2]``.

    Returns
    -------
    Solution
        ``order_parameters``: ``m`` (archetype), ``n`` (example mean, 1 on
        the archetype), ``q``; ``energy`` is ``nan`` at ``T > 0`` (compare
        overlaps), ``free_energy`` per neuron; ``stability`` the replicon.

    Raises
    ------
    TypeError
        If a number is not real, ``P`` is not an integer, or
        ``self_interactions`` is not a bool.
    ValueError
        If an argument is out of the range stated above (or NaN), ``protocol``,
        ``limit`` or ``branch`` is unknown, or ``guess`` is not two finite
        numbers.

    References
    ----------
    Agliari et al., arXiv:2212.00606 and arXiv:2211.14067; see the module
    docstring for the equations.

    Examples
    --------
    >>> s = solve(3, 0.0, 0.0, 0.3, 20)  # low load, T = 0: sign of the example mean
    >>> s.success, round(s["m"], 6)
    (True, 0.825053)
    """
    if branch not in ("retrieval", "spin glass", "paramagnet"):
        raise ValueError(f"branch={branch!r} is not one of retrieval, spin glass, paramagnet")
    r, M = _check_data(r, M, limit)
    mod, params = _model(P, alpha, T, r, M, protocol, limit, self_interactions)
    tol = check_tol(tol)
    beta = mod.beta
    if math.isinf(beta):
        return _solve_zero_T(mod, params, branch, guess, tol)
    if beta == 0:  # T = inf: the paramagnet, f = -T ln 2
        return on_branch(branch, status=0 if branch == "paramagnet" else 5,
                         message=f"{STATUS[5]}: T=inf is paramagnetic", model="learning",
                         params=params, order_parameters={"m": 0.0, "n": 0.0, "q": 0.0},
                         free_energy=-math.inf, energy=math.nan, n_iter=0, residual=0.0,
                         branch="paramagnet", stability=1.0)  # fmt: skip
    # P = 2 with load: the second unknown is C = beta (1 - q) below T = 1 (as in theory.hopfield)
    in_C = mod.P == 2 and mod.ct.loads.sum() > 0 and beta > 1
    # The m = 0 branches keep n~ = 0 exactly: their fixed point is unstable along n~, and
    # rounding would carry the iteration onto the retrieval state.
    glassy = branch != "retrieval"

    def F(x):
        q, C = glass_order(x[1], beta, in_C)
        yt, _, t2, C_new = _averages(mod, 0.0 if glassy else x[0], mod.variance(q, C), with_C=True)
        return np.array([0.0 if glassy else yt, C_new if in_C else t2])

    if guess is not None:
        start = guess
    elif branch == "spin glass":
        start = (0.0, _glass_q(lambda x: F((0.0, x))[1], beta, in_C, mod))
    else:
        start = (1, 1) if branch == "retrieval" else (0, 0)
    start = np.asarray(start, dtype=float)
    if start.shape != (2,) or not np.all(np.isfinite(start)):
        raise ValueError(f"guess={guess!r} must be finite (n~, q)")
    start[0] *= not glassy
    x0 = (start[0], beta * (1 - start[1])) if in_C else start
    fp = fixed_point(F, x0, tol=tol)
    nt = float(fp.x[0])
    q, C = glass_order(fp.x[1], beta, in_C, clip=False)
    status, message = fp.status, fp.message
    inside = 0 <= q <= 1 and (mod.P > 2 or bool(np.all(1 - mod.ct.strengths * C > 0)))
    if not inside:
        status, message = 3, f"{STATUS[3]}: q={q:g}"
    qc, Cc = glass_order(fp.x[1], beta, in_C)
    m = _averages(mod, nt, mod.variance(qc, Cc))[1]
    f, replicon = _free_energy(mod, nt, q, C) if inside else (math.nan, math.nan)
    return on_branch(
        branch,
        status=status,
        message=message,
        model="learning",
        params=params,
        order_parameters={"m": m, "n": _example_overlap(mod, nt), "q": q},
        free_energy=f,
        energy=math.nan,
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch=classify(m, q),
        stability=replicon,
    )


def constrained(
    P: int,
    m: float,
    alpha: float,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
    tol: float = 1e-10,
) -> Solution:
    """RS state with the archetype overlap held at ``m``: Landau free energy and its slope.

    A field ``lambda`` along the archetype (``h = a y + lambda + sqrt(V) z``)
    is chosen at each step so that ``E tanh(beta h) = m`` (monotone in
    ``lambda``: one root), and ``(n~, q)`` solve the equations of the module
    docstring in that field.  The constrained free energy is the Legendre
    transform ``f(m) = f_lambda + lambda m``, so ``df/dm = lambda``: the slope
    a Monte Carlo at fixed overlap measures
    (:func:`hebbian.mc.constrained.overlap_slope`).  ``lambda = 0`` on the
    states of :func:`solve`; a retrieval state exists where ``lambda < 0``
    somewhere below its overlap, so ``min_m lambda`` crosses zero at
    :func:`alpha_c`.  Holding ``m`` fixed removes the direction along which
    the unconstrained map is unstable between the retrieval state and the
    barrier, so the iteration reaches the whole curve.

    Parameters
    ----------
    P, alpha, r, M, protocol, limit, self_interactions, tol
        As in :func:`solve`.
    m : float
        The archetype overlap, in (-1, 1).
    T : float
        Temperature, finite and ``> 0`` (at ``T = 0`` the field is not fixed by ``m``).

    Returns
    -------
    Solution
        ``order_parameters``: ``m``, ``n``, ``q`` and ``lambda`` (the slope
        ``df/dm``); ``free_energy`` the constrained ``f(m)``; ``stability``
        the replicon in the field; ``success`` False where the iteration did
        not converge.

    Raises
    ------
    ValueError
        For ``m`` outside (-1, 1), ``T`` not finite and positive, or the
        arguments :func:`solve` refuses.

    Examples
    --------
    >>> s = solve(3, 0.0, 0.1, 0.5, 12)
    >>> held = constrained(3, s["m"], 0.0, 0.1, 0.5, 12)
    >>> round(held["lambda"], 8) + 0.0, round(held.free_energy - s.free_energy, 8) + 0.0
    (0.0, 0.0)
    """
    r, M = _check_data(r, M, limit)
    m = check_real(m, "m", low=-1.0, high=1.0, fix="the archetype overlap lies in (-1, 1)")
    if abs(m) == 1.0:
        raise ValueError(f"m={m:g}: no field holds the overlap at +-1; pass -1 < m < 1")
    mod, params = _model(P, alpha, T, r, M, protocol, limit, self_interactions)
    if not 0 < mod.beta < math.inf:
        raise ValueError(f"T={T!r}: the overlap is held by a field only at 0 < T < inf")
    tol = check_tol(tol)

    def held(nt: float, V: float) -> float:
        def gap(lam: float) -> float:
            return _averages(mod, nt, V, shift=lam)[1] - m

        span = 1.0
        while (gap(-span) > 0 or gap(span) < 0) and span < 1e9:
            span *= 2.0
        return optimize.brentq(gap, -span, span, xtol=1e-15)

    def F(x):
        nt, q = x[0], min(max(x[1], 0.0), 1.0)
        V = mod.variance(q)
        yt, _, t2 = _averages(mod, nt, V, shift=held(nt, V))
        return np.array([yt, t2])

    # from large q: the P = 2 cross-talk is physical only where beta w (1 - q) < 1
    fp = fixed_point(F, np.array([m, max(m * m, 0.95)]), tol=tol)
    nt, q = float(fp.x[0]), min(max(float(fp.x[1]), 0.0), 1.0)
    lam = held(nt, mod.variance(q))
    f, replicon = _free_energy(mod, nt, q, shift=lam)
    return Solution(
        model="learning",
        params={**params, "m": m},
        order_parameters={"m": m, "n": _example_overlap(mod, nt), "q": q, "lambda": lam},
        free_energy=f + lam * m,
        energy=math.nan,
        success=fp.success,
        status=fp.status,
        message=fp.message,
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch=classify(m, q),
        stability=replicon,
    )


def _glass_q(G, beta: float, in_C: bool, mod: _Model) -> float:
    """Start of the spin glass: the stable ``m = 0`` fixed point of largest ``q``.

    ``G`` maps the second unknown (``C = beta (1 - q)`` where ``in_C``, else
    ``q``) to its update at ``n~ = 0``.  Walking from ``q = 1`` down (in ``C``
    up to the edge ``1 - w C > 0`` of the physical domain), the first
    crossing of the update through the unknown is refined by bisection;
    ``0.99`` where none lies above ``q = 10^-6`` (the iteration then reports
    the paramagnet).
    """
    if in_C:
        grid = np.linspace(0.0, min(beta, 1 / mod.ct.strengths.max()), 201)[1:-1]
    else:
        grid = np.linspace(1.0, 1e-6, 201)[1:]
    sign = 1.0 if in_C else -1.0  # positive before the root on the walk
    ahead = np.array([sign * (G(x) - x) for x in grid]) > 0
    cross = np.flatnonzero(ahead[:-1] & ~ahead[1:])
    if not cross.size:
        return 0.99
    k = int(cross[0])
    x = optimize.brentq(lambda x: G(x) - x, *sorted((grid[k], grid[k + 1])))
    q = 1 - x / beta if in_C else x
    return q if q > 1e-6 else 0.99


def _example_overlap(mod: _Model, nt: float) -> float:
    """``n = sqrt(1 + rho) n~``, the overlap with the example mean (1 on the archetype).

    ``rho = inf`` (``M r^2`` underflows): ``n~`` is numerically zero and so is ``n``.
    """
    if math.isinf(mod.sig.rho) and abs(nt) <= ZERO:
        return 0.0
    return nt * math.sqrt(1 + mod.sig.rho) if nt else 0.0


def _largest_root(gap) -> tuple[float, int]:
    """Largest ``n~`` in (0, 1) where ``gap`` falls through zero (``nan`` if none).

    ``gap`` is negative at ``n~ = 1`` (``n~ <= E|y| <= 1``); for ``P >= 3`` it
    is positive on one stretch, which can be narrow near the critical load:
    a coarse grid, then the refined peak if no grid point is positive.
    """
    grid = np.linspace(0.0, 1.0, 101)[1:]
    values = np.array([gap(x) for x in grid])
    n_eval = grid.size
    above = np.flatnonzero(values > 0)
    if above.size:
        lo = grid[above[-1]]
    else:
        k = int(np.argmax(values))
        peak = optimize.minimize_scalar(
            lambda x: -gap(x),
            bounds=(grid[max(k - 1, 0)], grid[min(k + 1, grid.size - 1)]),
            method="bounded",
            options={"xatol": 1e-12},
        )
        n_eval += peak.nfev
        if not gap(peak.x) > 0:
            return math.nan, n_eval
        lo = peak.x
    hi = grid[np.searchsorted(grid, lo, side="right")] if lo < grid[-1] else 1.0
    if gap(hi) >= 0:  # E|y| = 1 (perfect examples, no noise): the root is n~ = 1 itself
        return hi, n_eval + 1
    root, info = optimize.brentq(gap, lo, hi, xtol=1e-15, full_output=True)
    return root, n_eval + info.function_calls


def _solve_zero_T(mod: _Model, params: dict, branch: str, guess, tol: float) -> Solution:
    """``T = 0``: ``q = 1``; the root in ``n~`` (``P = 2`` with load: in ``(n~, C)``)."""
    C = None
    if mod.P == 2 and mod.ct.loads.sum() > 0:
        x0 = guess if guess is not None else ((1.0, 0.0) if branch == "retrieval" else (0.0, 0.5))
        C_max = 0.999 / mod.ct.strengths.max()

        def F(x):
            nt, C = x[0], min(max(x[1], 0.0), C_max)
            V = mod.variance(1.0, C)
            return np.array([_averages(mod, nt, V)[0], mod.density_at_zero(nt, V)])

        fp = fixed_point(F, x0, tol=tol)
        (nt, C), n_iter, residual = (float(v) for v in fp.x), fp.n_iter, fp.residual
        status, message = fp.status, fp.message
    else:
        V = mod.variance(1.0)
        gap = lambda nt: _averages(mod, nt, V)[0] - nt  # noqa: E731
        nt, n_iter = _largest_root(gap) if branch == "retrieval" else (0.0, 0)
        residual = abs(gap(nt)) if not math.isnan(nt) else math.inf
        status = 0 if residual <= tol else 5
        if branch == "paramagnet" or (branch == "spin glass" and V == 0):
            status = 5
        message = STATUS[0] if status == 0 else f"{STATUS[5]}: no T=0 {branch} state"
    V = mod.variance(1.0, C)
    q = 1.0 if V > 0 else 1.0 - float(mod.sig.p[mod.sig.y == 0].sum())
    ok = status == 0
    m = _averages(mod, nt, V)[1] if not math.isnan(nt) else math.nan
    f = _free_energy(mod, nt, 1.0, C)[0] if ok else math.nan
    return on_branch(
        branch,
        status=status,
        message=message,
        model="learning",
        params=params,
        order_parameters={"m": m, "n": _example_overlap(mod, nt), "q": q},
        free_energy=f,
        energy=f,
        n_iter=n_iter,
        residual=residual,
        branch=classify(m, q) if ok else branch,
        stability=-math.inf if V > 0 else 1.0,
    )


def _noise_for_overlap(mod: _Model, nt: float) -> float:
    """Cross-talk variance ``V`` at which ``E y tanh(beta h) = n~`` (``nan`` if none)."""
    g = lambda u: _averages(mod, nt, math.exp(u))[0] - nt  # noqa: E731  decreasing in V = e^u
    lo, hi = -40.0, 12.0
    if not g(lo) > 0 > g(hi):
        return math.nan
    return math.exp(optimize.brentq(g, lo, hi, xtol=1e-12))


def _load_for_overlap(unit: _Model, nt: float) -> tuple[float, float, float]:
    """``(alpha, m, q)`` at which the retrieval branch passes through ``n~`` (``nan`` if none).

    ``unit`` carries the cross-talk of unit load.  The ``n~`` equation fixes
    the noise ``V``, which fixes ``q = E tanh^2`` (``T > 0``) or ``C``
    (``T = 0``, ``P = 2``); ``V`` is linear in ``alpha`` at fixed ``q`` or
    ``C``, which gives the load.
    """
    nan = (math.nan, math.nan, math.nan)
    V = _noise_for_overlap(unit, nt)
    if math.isnan(V):
        return nan
    _, m, q = _averages(unit, nt, V)
    if math.isinf(unit.beta):
        C = unit.density_at_zero(nt, V) if unit.P == 2 else None
        if C is not None and C * unit.ct.strengths.max() >= 1:
            return nan
        return V / unit.variance(1.0, C), m, 1.0
    if unit.P == 2 and np.any(1 - unit.beta * unit.ct.strengths * (1 - q) <= 0):
        return nan
    return V / unit.variance(q), m, q


def alpha_c(
    P: int,
    T: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
) -> Transition:
    """Critical load: the largest ``alpha`` with an RS retrieval state.

    Found as the fold of the branch parametrized by ``n~`` (the load is
    explicit along it), like :func:`hebbian.theory.dense.alpha_c`, which it equals
    for ``M = inf`` or ``r = 1``.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (``P!`` a finite double).
    T : float
        Temperature ``>= 0``: ``T <= 1e-12`` is solved as ``T = 0``, ``T = inf``
        is the paramagnet.
    r : float
        Example quality in (0, 1]; where ``M r^2`` underflows the examples carry
        no information (``rho = inf``).
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf``: the archetype itself);
        at most ``10^6`` (:data:`MAX_EXACT_M`) for ``limit="exact"``, where a
        float must be integral.
    protocol : {"supervised", "unsupervised"}
        How the examples are stored (module docstring).
    limit : {"exact", "gaussian"}
        Law of the example mean; see :func:`signal`.
    self_interactions : bool
        All index tuples, as :class:`hebbian.LearnedNetwork` samples (default),
        or distinct ones only, as :mod:`hebbian.theory.dense`; see
        :func:`crosstalk`.

    Returns
    -------
    Transition
        ``value`` the critical load, ``m`` the archetype overlap there
        (``Transition(0, nan)`` if no state exists at any load).

    Raises
    ------
    TypeError
        If a number is not real, ``P`` is not an integer, or
        ``self_interactions`` is not a bool.
    ValueError
        If an argument is out of the range stated above (or NaN), or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606
    (supervised) and Physica A 627, 129143 (2023), arXiv:2211.14067
    (unsupervised); the equations are those of the module docstring.

    Examples
    --------
    >>> round(alpha_c(2, 0.0, 1.0, 1).value, 6)  # r = 1: AGS
    0.137906
    >>> round(alpha_c(3, 0.0, 1.0, 1, self_interactions=False).value, 6)  # theory.dense
    0.126095
    """
    r, M = _check_data(r, M, limit)
    unit, _ = _model(P, 1.0, T, r, M, protocol, limit, self_interactions)
    load, nt = _fold(unit)
    return Transition(load, _load_for_overlap(unit, nt)[1] if load > 0 else math.nan)


def _top_overlap(unit: _Model) -> float:
    """``sqrt(E y^2)``, the bound ``n~ <= E|y| <= 1`` of the retrieval branch."""
    return math.sqrt(float(unit.sig.p @ unit.sig.y**2) + unit.sig.var)


def _fold(unit: _Model) -> tuple[float, float]:
    """``(alpha_c, n~)`` at the fold of the retrieval branch (``(0, nan)`` if none).

    ``unit`` carries the cross-talk of unit load (:func:`_load_for_overlap`).
    """
    grid = _top_overlap(unit) * np.linspace(0.01, 1.0, 80, endpoint=False)
    loads = np.array([_load_for_overlap(unit, nt)[0] for nt in grid])
    if np.all(np.isnan(loads)):
        return 0.0, math.nan
    k = int(np.nanargmax(loads))
    res = optimize.minimize_scalar(
        lambda nt: -np.nan_to_num(_load_for_overlap(unit, nt)[0], nan=0.0),
        bounds=(grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]),
        method="bounded",
        options={"xatol": 1e-10},
    )
    return -float(res.fun), float(res.x)


def T_M(
    P: int,
    alpha: float,
    r: float,
    M: float,
    *,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
    tol: float = 1e-6,
) -> float:
    """Highest temperature with an RS retrieval state (0 if none even at ``T = 0``).

    Bisection on the existence of :func:`solve`'s retrieval solution
    (``m > 1e-3``; for ``P = 2`` at low load the state vanishes continuously
    at ``T = 1``, the normalization's ``E y^2 = 1``).

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (``P!`` a finite double).
    alpha : float
        Load ``K / N^(P-1) >= 0`` (0: low storage), finite.
    r : float
        Example quality in (0, 1]; where ``M r^2`` underflows the examples carry
        no information (``rho = inf``).
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf``: the archetype itself);
        at most ``10^6`` (:data:`MAX_EXACT_M`) for ``limit="exact"``, where a
        float must be integral.
    protocol : {"supervised", "unsupervised"}
        How the examples are stored (module docstring).
    limit : {"exact", "gaussian"}
        Law of the example mean; see :func:`signal`.
    self_interactions : bool
        All index tuples, as :class:`hebbian.LearnedNetwork` samples (default),
        or distinct ones only, as :mod:`hebbian.theory.dense`; see
        :func:`crosstalk`.
    tol : float
        Width of the final temperature bracket, in ``[1e-12, 1e-2]``.

    Returns
    -------
    float
        ``T_M >= 0``, bisected on ``[0, 1.5]`` to within ``tol``.

    Raises
    ------
    TypeError
        If a number is not real, ``P`` is not an integer, or
        ``self_interactions`` is not a bool.
    ValueError
        If an argument is out of the range stated above (or NaN), or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606
    (supervised) and Physica A 627, 129143 (2023), arXiv:2211.14067
    (unsupervised); the equations are those of the module docstring.

    Examples
    --------
    >>> round(T_M(2, 0.0, 0.5, 7), 4)
    1.0
    """
    # a bisection in T: a width below ~1e-12 is below what the state's existence resolves
    tol = check_real(tol, "tol", low=1e-12, high=1e-2, fix="tol is the width of T_M's bracket")
    options = {"protocol": protocol, "limit": limit, "self_interactions": self_interactions}

    def exists(T: float) -> bool:
        s = solve(P, alpha, T, r, M, **options)
        return s.success and s["m"] > 1e-3

    if not exists(0.0):
        return 0.0
    return bisect(exists, 0.0, 1.5, tol=tol)[0]


def examples_c(
    P: int,
    alpha: float,
    T: float,
    r: float,
    *,
    m_min: float = 0.9,
    protocol: str = "supervised",
    limit: str = "exact",
    self_interactions: bool = True,
    M_max: float = 1e6,
) -> float:
    """Critical data-set size: the fewest examples per class from which the network learns.

    The network has learned an archetype when its retrieval state exists at
    ``(alpha, T)`` and lies within ``m_min`` of the archetype.  With few
    examples a state may well exist (``M = 1``: the single example is stored
    like a pattern) but sit on the examples' mean, far from the archetype;
    the threshold is the smallest ``M`` (an integer for ``limit="exact"``)
    with ``m >= m_min``, ``inf`` if ``M_max`` examples do not suffice.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (``P!`` a finite double).
    alpha : float
        Load ``K / N^(P-1) >= 0`` (0: low storage), finite.
    T : float
        Temperature ``>= 0``: ``T <= 1e-12`` is solved as ``T = 0``, ``T = inf``
        is the paramagnet.
    r : float
        Example quality in (0, 1]; where ``M r^2`` underflows the examples carry
        no information (``rho = inf``).
    m_min : float
        Archetype overlap that counts as learned, in ``[0, 1)``.
    protocol : {"supervised", "unsupervised"}
        How the examples are stored (module docstring).
    limit : {"exact", "gaussian"}
        Law of the example mean; see :func:`signal`.
    self_interactions : bool
        All index tuples, as :class:`hebbian.LearnedNetwork` samples (default),
        or distinct ones only, as :mod:`hebbian.theory.dense`; see
        :func:`crosstalk`.
    M_max : float
        Largest ``M`` tried, ``>= 1``; at most ``10^6`` for ``limit="exact"``.

    Returns
    -------
    int or float
        The critical ``M_c`` (an int for ``limit="exact"``, a float within a
        relative ``1e-6`` for ``"gaussian"``), or ``math.inf`` when even
        ``M = inf`` or ``M_max`` examples do not reach ``m_min``.

    Raises
    ------
    TypeError
        If a number is not real, ``P`` is not an integer, or
        ``self_interactions`` is not a bool.
    ValueError
        If an argument is out of the range stated above (or NaN), or
        ``protocol`` or ``limit`` is unknown.

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606
    (supervised) and Physica A 627, 129143 (2023), arXiv:2211.14067
    (unsupervised); the equations are those of the module docstring.

    Examples
    --------
    >>> examples_c(2, 0.05, 0.0, 0.6)
    12
    """
    alpha = check_real(alpha, "alpha", low=0.0, finite=True, fix="alpha = K / N^(P-1) is a load")
    m_min = check_real(m_min, "m_min", low=0.0, high=1.0, high_open=True)
    top = MAX_EXACT_M if limit == "exact" else math.inf
    M_max = check_real(M_max, "M_max", low=1.0, high=top, fix="limit='exact' stops at 10^6")
    options = {"protocol": protocol, "limit": limit, "self_interactions": self_interactions}

    def learned(M: float) -> bool:  # the retrieval state is found from n~ = 1 when it exists
        s = solve(P, alpha, T, r, M, **options)
        return s.success and s["m"] >= m_min

    if not learned(math.inf):
        return math.inf
    lo, hi = 1.0, 2.0
    if learned(lo):
        return 1 if limit == "exact" else 1.0
    while not learned(hi):
        lo, hi = hi, 2 * hi
        if hi > M_max:
            return math.inf
    not_yet = lambda M: not learned(M)  # noqa: E731
    if limit == "exact":
        return bisect(not_yet, int(lo), int(hi), integer=True)[1]
    return bisect(not_yet, lo, hi, tol=1e-6 * hi)[1]


def signal_to_noise(
    P: int,
    K: float,
    N: float,
    r: float,
    M: float,
    protocol: str = "supervised",
    *,
    self_interactions: bool = True,
) -> float:
    """Signal-to-noise ratio of the field on a neuron when the network sits on an archetype.

    One step from ``sigma = xi^1``: the field ``a y_i + cross-talk`` has mean
    ``a E y`` and variance ``a^2 Var y + xi'(1)`` at load ``K / N^(P-1)``
    (:func:`crosstalk`; ``a = (E y)^(P-1)/(P-1)!``), so

    ``SNR^-2 = rho + (P-1)!^2 (1 + rho)^P xi'(1)``.

    The first term is the data noise, the second the cross-talk
    (supervised, distinct tuples: ``(K / N^(P-1)) (P-1)! (1 + rho)^P``).  At
    ``K = alpha N^(P-1)`` both are O(1): ultra-storage for ``P > 2``, loads
    far beyond the pairwise network's ``K ~ N``.  At ``K = o(N^(P-1))`` the
    cross-talk vanishes and an archetype is detected whenever ``rho`` is
    small, however poor the single example (``r -> 0`` with ``M r^2``
    fixed): ultra-detection.  In the Gaussian approximation a fraction
    ``Phi(SNR)`` of the neurons is aligned with its field.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170`` (``P!`` a finite double).
    K : float
        Number of archetypes (classes), ``>= 0`` and finite.
    N : float
        Number of neurons, ``>= 1``.
    r : float
        Example quality in (0, 1].
    M : int or float
        Examples per archetype, ``>= 1`` (``math.inf`` allowed).
    protocol : {"supervised", "unsupervised"}
        How the examples are stored (module docstring).
    self_interactions : bool
        All index tuples (default) or distinct ones only; see
        :func:`crosstalk`.

    Returns
    -------
    float
        ``SNR >= 0``; ``inf`` when there is neither data noise nor cross-talk.

    Raises
    ------
    TypeError
        If a number is not real, ``P`` is not an integer, or
        ``self_interactions`` is not a bool.
    ValueError
        If an argument is out of range (or NaN), or ``protocol`` is unknown.

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606
    (supervised) and Physica A 627, 129143 (2023), arXiv:2211.14067
    (unsupervised); the equations are those of the module docstring.

    Examples
    --------
    >>> round(signal_to_noise(2, 50, 1000, 1.0, 1), 6)  # Hopfield: 1/sqrt(alpha)
    4.472136
    """
    r = check_quality(r)
    P = check_int(P, "P", minimum=2, maximum=MAX_P, why="P! overflows a double beyond P = 170")
    K = check_real(K, "K (archetypes)", low=0.0, finite=True)
    N = check_real(N, "N (neurons)", low=1.0)
    if not (isinstance(M, float) and math.inf == M):
        M = check_real(M, "M (examples per archetype)", low=1.0)
    rho = _entropy(r, M)
    load = K * math.exp(-(P - 1) * math.log(N))  # K / N^(P-1), 0 when it underflows
    ct = crosstalk(P, load, r, M, protocol, self_interactions=self_interactions)
    noise = float(ct.xi.deriv()(1.0))
    # rho + (P-1)!^2 (1 + rho)^P xi'(1), the second term in the log domain
    log_cross = -math.inf
    if noise > 0:
        log_cross = 2 * math.lgamma(P) + P * math.log1p(rho) + math.log(noise)
    inverse_square = rho + (math.exp(log_cross) if log_cross < 709 else math.inf)
    return 1 / math.sqrt(inverse_square) if inverse_square > 0 else math.inf


def solve_example(
    P: int,
    alpha: float,
    T: float,
    r: float,
    M: int,
    *,
    self_interactions: bool = True,
    guess: ArrayLike | None = None,
    tol: float = 1e-10,
) -> Solution:
    """The unsupervised network's *example* state: one stored example condensed.

    The unsupervised network stores each example, so besides the archetype
    state of :func:`solve` (all ``M`` examples of a class equally
    condensed) it has states on a single example ``eta^{1,1}``, with
    overlap ``n_1`` with it and ``n_2`` with each of the ``M - 1`` others of
    its class (they share the archetype: ``n_2 ~ r^2 n_1``).  With
    ``chi = eta^{1,1} xi^1`` and ``S = sum_{a >= 2} eta^{1,a} xi^1``,

    ``h = (chi n_1^(P-1) + S n_2^(P-1)) / ((P-1)! M R^(P/2)) + sqrt(V) z``,
    ``n_1 = E chi tanh(beta h)``, ``n_2 = E S tanh(beta h)/(M - 1)``,

    and ``m = E tanh(beta h)``.  For ``P >= 3`` and few examples it lies far
    below the archetype state in energy (its energy carries ``1/M`` where the
    archetype state's carries ``r^P``), and the Monte Carlo started on the
    archetype falls into it: the unsupervised network memorizes examples
    instead of learning the archetype.  For ``P = 2`` the mean direction is
    the Gram matrix's top eigenvector and no such state exists.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    alpha : float
        Load ``K / N^(P-1) >= 0`` (0: low storage), finite.
    T : float
        Temperature ``>= 0``: ``T <= 1e-12`` is solved as ``T = 0``, ``T = inf``
        is the paramagnet.
    r : float
        Example quality in (0, 1].
    M : int
        Examples per archetype, ``1 <= M <= 2000`` (:data:`MAX_EXAMPLE_M`: the
        map averages over all ``2 M`` binomial atoms).
    self_interactions : bool
        All index tuples, as :class:`hebbian.LearnedNetwork` samples (default),
        or distinct ones only, as :mod:`hebbian.theory.dense`; see
        :func:`crosstalk`.
    guess : (n1, n2, q), optional
        Start; default ``(1, r^2, 1)``.
    tol : float
        Required max-norm residual, in ``(0, 1e-2]``.

    Returns
    -------
    Solution
        ``order_parameters``: ``m`` (archetype), ``n1``, ``n2``, ``q``;
        ``branch`` "example" when ``n1 - n2 > 1e-4``, else "retrieval" (it
        collapsed onto the archetype state).

    Raises
    ------
    TypeError
        If a number is not real, ``P`` or ``M`` is not an integer, or
        ``self_interactions`` is not a bool.
    ValueError
        If an argument is out of range (or NaN), ``M`` exceeds
        :data:`MAX_EXAMPLE_M` or is infinite, ``P = 2``, or ``guess`` is not
        three finite numbers.

    References
    ----------
    Agliari et al., Physica A 627, 129143 (2023), arXiv:2211.14067
    (unsupervised protocol); the equations above are derived here.

    Examples
    --------
    >>> s = solve_example(3, 0.0, 0.1, 0.4, 7)
    >>> s.success, s.branch, round(s["m"], 4)
    (True, 'example', 0.4)
    """
    r, M = _check_data(r, M, "exact")
    if math.isinf(M) or M > MAX_EXAMPLE_M:
        raise ValueError(
            f"M (examples per archetype)={M:g} must be <= {MAX_EXAMPLE_M}: the example state "
            f"averages over 2M binomial atoms (about {_example_cost(M)})"
        )
    M = int(M)
    if check_int(P, "P", minimum=2, maximum=MAX_P, why="P! overflows a double") == 2:
        raise ValueError(
            "P=2 has no example state (the class mean is the top direction); pass P >= 3"
        )
    mod, params = _model(P, alpha, T, r, M, "unsupervised", "exact", self_interactions)
    tol = check_tol(tol)
    if mod.beta == 0:
        nan = math.nan
        return Solution("learning-example", params, {"m": 0.0, "n1": 0.0, "n2": 0.0, "q": 0.0},
                        -math.inf, nan, False, 5, f"{STATUS[5]}: T=inf is paramagnetic", 0,
                        0.0, "paramagnet")  # fmt: skip
    B = np.arange(M)
    pB = np.exp(binom.logpmf(B, M - 1, (1 + r) / 2))
    chi = np.repeat([1.0, -1.0], M)
    S = np.tile(2.0 * B - (M - 1), 2)
    p = np.concatenate([(1 + r) / 2 * pB, (1 - r) / 2 * pB])
    c = 1 / (math.factorial(P - 1) * M * (r * r + (1 - r * r) / M) ** (P / 2))
    beta = mod.beta

    def averages(x, V):
        n1, n2 = x[0], x[1]
        h, w = field_quadrature(c * (chi * n1 ** (P - 1) + S * n2 ** (P - 1)), math.sqrt(V), beta)
        t = np.sign(h) if math.isinf(beta) else np.tanh(beta * h)
        w = w * p[:, None]
        tt = w * t
        others = float(np.sum(tt * S[:, None])) / max(M - 1, 1)
        return (
            np.array(
                [float(np.sum(tt * chi[:, None])), others, float(tt.sum()), float(np.sum(tt * t))]
            ),
            h,
            w,
        )

    zero_T = math.isinf(beta)

    def F(x):
        out = averages(x, mod.variance(1.0 if zero_T else min(max(x[2], 0.0), 1.0)))[0]
        return np.array([out[0], out[1], out[3]])

    x0 = np.asarray(guess if guess is not None else (1.0, r * r, 1.0), dtype=float)
    if x0.shape != (3,) or not np.all(np.isfinite(x0)):
        raise ValueError(f"guess={guess!r} must be finite (n1, n2, q)")
    fp = fixed_point(F, x0, tol=tol, method="iterate" if zero_T else "hybrid")
    n1, n2, q = (float(v) for v in fp.x)
    q = 1.0 if zero_T else q
    out, h, w = averages(fp.x, mod.variance(q))
    signal = (P - 1) * c * (n1**P + (M - 1) * n2**P) / P  # (P-1)/P! (n1^P + ...)/(M R^(P/2))
    C = None if zero_T else beta * float(np.sum(w * sech2(beta * h)))  # beta (1 - q)
    f = signal + _cross(mod, q, C)[0] - _spin(beta, h, w)
    return Solution(
        model="learning-example",
        params=params,
        order_parameters={"m": float(out[2]), "n1": n1, "n2": n2, "q": q},
        free_energy=f,
        energy=math.nan,
        success=fp.status == 0,
        status=fp.status,
        message=fp.message if fp.status else STATUS[0],
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch="example" if n1 - n2 > 1e-4 else "retrieval",
    )
