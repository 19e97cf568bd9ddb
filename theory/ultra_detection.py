r"""Ultra-detection: the poorest examples from which a dense network still recognizes a class.

A supervised dense network (:func:`hebbian.learned_network`) stores the
means of ``M`` examples of quality ``r`` for each of ``K`` classes; the
stored vectors ``y^mu = etabar^mu / sqrt(R)`` have unit mean square and
overlap ``E y xi = 1/sqrt(1 + rho)`` with their archetype,
``rho = (1 - r^2)/(M r^2)``.  Cued with the (never shown) archetype
``xi^1``, zero-temperature dynamics detect the class when they end on the
class state ``sigma ~ sign(y^1)`` (overlap ``n~_1 = E|y| ~ 0.8`` with the
stored vector, ``sqrt(2/(pi rho))`` with the archetype).  How small may
``r`` be as ``N`` grows, at ``K = kappa N^b`` classes?

**Amplification** (``P >= 3``).  At overlap ``n~`` with ``y^1`` the field is
``(n~^(P-1) y^1_i + sum_(mu>1) n~_mu^(P-1) y^mu_i)/(P-1)!``; the other
classes' overlaps are ``O(N^(-1/2))``, a Gaussian noise of variance
``c = K (2P-3)!! N^(1-P)`` relative to ``n~^(2(P-1))``.  One update gives
``n~' = sqrt(2/pi) n~^(P-1) / sqrt(n~^(2(P-1)) + c)``, which grows from the
cue's ``n~_0 = 1/sqrt(1 + rho)`` iff ``n~_0`` exceeds the unstable fixed
point ``n~_*^(P-2) = sqrt(pi c / 2)`` (small ``c``):

.. math:: 1 + \rho_{amp} = (\pi c / 2)^{-1/(P-2)} \propto N^{(P-1-b)/(P-2)}.

**Competition.**  The cue must also single out class 1: its overlap
``rho^(-1/2)`` must exceed the largest of the other ``K - 1`` overlaps,
``sqrt(2 ln K / N)``: ``rho_comp = N / (2 ln K)``.  No network can do better
(beyond it the archetype is no better a cue than a random configuration).

The threshold is ``rho_* = min(rho_amp, rho_comp)`` and ``r_* = (1 + M
rho_*)^(-1/2) ~ N^(-a)`` with

.. math:: a(P, b) = \tfrac12 \min\Big(1, \frac{P-1-b}{P-2}\Big) \qquad (P \ge 3,\ b \le P-1),

up to the ``ln K`` of the competition bound.  At ``b = P - 1`` (ultra-storage,
``alpha = K/N^(P-1)`` finite) ``a = 0``: a finite ``rho`` is needed
(:func:`hebbian.theory.learning.alpha_c`).  ``P = 2``: the map never stops
amplifying (the naive signal-to-noise of the Hopfield network), but the
retrieval state exists only below ``alpha_c(rho)``; at ``b < 1`` the
competition bound rules (``a = 1/2``), at ``b = 1`` the threshold is the
finite ``rho`` with ``alpha_c(rho) = kappa`` (``a = 0``; with few examples
``alpha_c`` levels off at large ``rho``, the examples' majority being a
binary pattern, and below that level there is no threshold).  So a dense network
detects a class from examples whose quality vanishes as ``N`` grows at loads
where the pairwise one needs good examples: ``K ~ N``, ``a = 0`` for
``P = 2`` and ``1/2`` for ``P >= 3``; ``K ~ N^1.5``, ``a = 1/4`` for
``P = 3``, ``3/8`` for ``P = 4``; ``K ~ N^2``, ``a = 0`` for ``P = 3``, ``1/4``
for ``P = 4``, ``1/3`` for ``P = 5``.

**Index tuples.**  The networks keep all index tuples,
``H = -(N/P!) sum_mu n~_mu^P`` (:func:`hebbian.learned_network`), so the
cross-talk variance is the moment ``E n~^(2(P-1)) = (2P-3)!! N^(1-P)`` of the
full overlap (distinct tuples only: ``(P-1)!``).  A single flip changes the
energy by odd powers of the flipped neuron's own contribution only
(:func:`hebbian.networks.dense.overlap_cavity_field`): no neuron couples to
itself, and the cue moves freely at every ``b``.

**Where the two bounds cross** (``rho_amp ~ rho_comp``) both act at once and
the threshold lies below both: for ``P = 4`` at ``K = N^1.5/2`` the bounds
agree within 6% for ``N = 60 - 1600`` (their ratio grows only as
``N^(1/4)/ln K``), at ``rho_*`` itself about a quarter of the cues end on
their class (each mechanism near its half point), almost every failed cue
ends on another class's state, and the measured threshold is 0.46 - 0.88 of
``rho_*`` at ``N = 100 - 800``, approaching it slowly; where one bound is
three times below the other the measured thresholds are a constant fraction
(0.84 - 0.88) of it (:mod:`hebbian.figures.ultra_detection`: fitted with a
finite-size correction, the crossover's exponent agrees with ``3/8``).

References
----------
Agliari, Albanese, Alemanno, Alessandrelli, Barra, Giannotti, Lotito,
Pedreschi, Physica A 626, 129076 (2023), arXiv:2212.00606 (ultra-detection
regime); Agliari, Alemanno, Barra, Centonze, Fachechi, Phys. Rev. Lett.
124, 028301 (2020) (detection of weak signals by dense networks).  The
scaling above is derived here from the signal-to-noise map, not transcribed.
"""

from __future__ import annotations

import functools
import math
from typing import NamedTuple

from scipy import optimize
from scipy.special import factorial2

from hebbian._checks import check_int, check_real
from hebbian.theory import learning

__all__ = ["Threshold", "detection_threshold", "threshold_exponent"]


@functools.lru_cache(maxsize=64)
def _pairwise_rho(alpha: float, M: int) -> float:
    """``rho`` with ``alpha_c(rho) = alpha`` at ``T = 0`` (supervised ``P = 2``, ``M`` examples
    of quality ``r = (1 + M rho)^(-1/2)``, exact binomial law); ``inf`` where even
    ``rho = e^12`` leaves a retrieval state (few examples: their majority is a binary pattern)."""
    top = learning.alpha_c(2, 0.0, 1.0, math.inf).value
    if not alpha < top:
        raise ValueError(
            f"K/N={alpha:g} leaves the Hopfield network no retrieval state (alpha_c = "
            f"{top:.4f}); pass fewer classes"
        )

    def gap(u: float) -> float:
        return learning.alpha_c(2, 0.0, 1 / math.sqrt(1 + M * math.exp(u)), M).value - alpha

    lo, hi = -12.0, 12.0
    if gap(hi) > 0:
        return math.inf
    return math.exp(optimize.brentq(gap, lo, hi, xtol=1e-6))


def threshold_exponent(P: int, b: float) -> float:
    """Exponent ``a`` of the detection threshold ``r_* ~ N^(-a)`` at ``K ~ N^b`` classes.

    ``a = min(1, (P-1-b)/(P-2))/2`` for ``P >= 3``; ``P = 2``: ``1/2`` for
    ``b < 1``, ``0`` at ``b = 1`` (module docstring).

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    b : float
        Growth exponent of the number of classes, ``0 <= b <= P - 1``.

    Returns
    -------
    float
        ``a`` in ``[0, 1/2]``.

    Raises
    ------
    TypeError
        If ``P`` is not an integer or ``b`` is not real.
    ValueError
        If ``P`` or ``b`` is out of range (``b > P - 1``: no retrieval at all
        as ``N`` grows).

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606; the
    derivation is in the module docstring.

    Examples
    --------
    >>> [threshold_exponent(P, 1) for P in (2, 3, 4)]
    [0.0, 0.5, 0.5]
    >>> threshold_exponent(4, 2), threshold_exponent(5, 2)
    (0.25, 0.3333333333333333)
    """
    P = check_int(P, "P", minimum=2, maximum=170, why="P! overflows a double beyond P = 170")
    b = check_real(b, "b", low=0.0, high=P - 1.0,
                   fix=f"K ~ N^b classes are retrieved only for b <= P - 1 = {P - 1}")  # fmt: skip
    if P == 2:
        return 0.5 if b < 1 else 0.0
    return 0.5 * min(1.0, (P - 1 - b) / (P - 2))


class Threshold(NamedTuple):
    """The detection threshold at one ``(P, N, K, M)``.

    Attributes
    ----------
    rho : float
        ``rho_* = min(rho_amp, rho_comp)``.
    r : float
        ``r_* = (1 + M rho_*)^(-1/2)``.
    amplification, competition : float
        The two bounds on ``rho`` (``P = 2``: ``amplification`` is the
        ``rho`` where ``alpha_c(rho) = K/N`` at ``T = 0``).
    """

    rho: float
    r: float
    amplification: float
    competition: float


def detection_threshold(P: int, N: float, K: float, M: float = 1) -> Threshold:
    """Data-set entropy and example quality below which the cued class is detected.

    Parameters
    ----------
    P : int
        Interaction order, ``2 <= P <= 170``.
    N : float
        Number of neurons, ``>= 4``.
    K : float
        Number of classes, ``2 <= K``; ``P = 2``: ``K/N`` below the
        Hopfield network's ``alpha_c = 0.138``.
    M : float
        Examples per class, ``>= 1`` (``P = 2``: rounded to an integer, the
        exact binomial law of :mod:`hebbian.theory.learning`).

    Returns
    -------
    Threshold
        ``rho_*``, ``r_*`` and the two bounds (module docstring).

    Raises
    ------
    TypeError
        If a number is not real or ``P`` is not an integer.
    ValueError
        If an argument is out of range, or (``P = 2``) ``K/N`` leaves no
        retrieval even with perfect examples.

    References
    ----------
    Agliari et al., Physica A 626, 129076 (2023), arXiv:2212.00606; the
    derivation is in the module docstring.

    Examples
    --------
    >>> t = detection_threshold(3, 1000, 1000)
    >>> round(t.rho, 1), round(t.competition, 1)
    (72.4, 72.4)
    """
    P = check_int(P, "P", minimum=2, maximum=170, why="P! overflows a double beyond P = 170")
    N = check_real(N, "N (neurons)", low=4.0, finite=True)
    K = check_real(K, "K (classes)", low=2.0, finite=True)
    M = check_real(M, "M (examples per class)", low=1.0, finite=True)
    competition = N / (2 * math.log(K))
    if P == 2:
        amplification = _pairwise_rho(K / N, round(M))
    else:
        c = K * float(factorial2(2 * P - 3)) * math.exp((1 - P) * math.log(N))
        amplification = math.exp(-math.log(math.pi * c / 2) / (P - 2)) - 1
    rho = min(amplification, competition)
    return Threshold(rho, 1 / math.sqrt(1 + M * rho), amplification, competition)
