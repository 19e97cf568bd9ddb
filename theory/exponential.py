"""Exponential dense associative memories: the random-energy-model (REM) analysis.

A network stores ``K = e^(alpha N)`` patterns and weighs a state by
``sum_k exp(lam N m_k)``, ``m_k`` its overlap with pattern ``k``: the binary
:class:`hebbian.ExponentialDAM` (Demircigil et al. 2017) or the modern
Hopfield network on the sphere ``|x|^2 = d`` with ``beta = lam`` and patterns
of norm ``sqrt(d)`` (Ramsauer et al. 2021; then ``N = d``).  Following
Lucibello and Mezard, PRL 132, 077301 (2024), the patterns not retrieved
form a random energy model seen from the state: for a fixed state their
overlaps are independent with the large-deviation rate ``I(m)``, so

    phi(alpha, lam) = lim (1/N) log sum_k exp(lam N m_k)
                    = alpha + kappa(lam)        if alpha >= I(m*(lam))  (many terms)
                    = lam m_alpha, I(m_alpha) = alpha   otherwise       (frozen: a few),

``kappa`` the cumulant generating function of the overlap and
``m* = kappa'``.  A planted term ``exp(lam N m)`` (the pattern being
retrieved) dominates the rest iff ``lam m > phi(alpha, lam)``, i.e. iff

    alpha < critical_load(m, lam) = lam m - kappa(lam)   if m >= m*(lam),
                                    I(m)                otherwise.

Every threshold of this module is this one function at the right ``(m, lam)``
(derived here and checked against Monte Carlo in ``tests/theory`` and the
``capacity`` and ``exponential_phase`` figures; the paper's own equations
were not available to us):

* one attention step from a cue at overlap ``m0`` retrieves the pattern iff
  its softmax weight dominates: :func:`alpha_one_step` = ``critical_load(m0, lam)``
  (``m0 = 1``: the typical pattern is a fixed point, Lucibello-Mezard's alpha_1);
* zero-temperature asynchronous flips of the binary network: a flip changes
  the REM sum by zero on average (the REM's own saddle point cancels it) and
  by a random amount of order ``sqrt(sum_k exp(2 lam N m_k)) = exp(N phi(alpha, 2 lam)/2)``;
  the planted term must beat that noise, :func:`alpha_zero_T` =
  ``critical_load(m0, 2 lam)``, above the one-step load.  For
  ``m0 <= tanh(2 lam)`` it is ``I(m0)``: the cued pattern must have the
  largest overlap with the cue;
* at temperature ``T > 0`` the retrieval state has the overlap
  ``m_R(T)`` of a single pattern (:func:`retrieval_overlap`; ``tanh(1/T)`` for
  binary states) and exists while it dominates the REM sum,
  :func:`alpha_spinodal` = ``critical_load(m_R(T), lam)``; it is the
  equilibrium state below :func:`alpha_thermodynamic`.

Ensembles: ``"binary"`` (+-1 states and patterns: ``I(m) = [(1+m) log(1+m) +
(1-m) log(1-m)]/2``, ``kappa = log cosh``) and ``"spherical"`` (states and
patterns uniform on the sphere of radius ``sqrt(N)``: ``I(m) = -log(1-m^2)/2``).
"""

from __future__ import annotations

import math

from scipy import optimize

from hebbian._checks import check_real
from hebbian.temperature import T_ZERO

__all__ = [
    "ENSEMBLES",
    "alpha_one_step",
    "alpha_spinodal",
    "alpha_thermodynamic",
    "alpha_zero_T",
    "critical_load",
    "cue_overlap_c",
    "free_entropy",
    "rate",
    "retrieval_overlap",
    "saddle",
]

ENSEMBLES = ("binary", "spherical")


def _ensemble(ensemble: str) -> str:
    if ensemble not in ENSEMBLES:
        raise ValueError(f"ensemble={ensemble!r} is unknown; pass one of {ENSEMBLES}")
    return ensemble


def _overlap(m, name: str = "m") -> float:
    return check_real(m, name, low=0.0, high=1.0)


def _scale(lam) -> float:
    """The exponent's scale ``lam``: positive and finite (``inf`` is a hard maximum, no REM)."""
    return check_real(lam, "lam", low=0.0, low_open=True, finite=True)


def rate(m: float, ensemble: str = "binary") -> float:
    """Large-deviation rate ``I(m)`` of a random pattern's overlap with a fixed state.

    ``P(m_k ~ m) ~ exp(-N I(m))``; binary: ``I(1) = log 2``; spherical:
    ``I(m) = -log(1 - m^2)/2`` (infinite at ``m = 1``).

    Parameters
    ----------
    m : float
        Overlap (normalised by ``N``) in ``[0, 1]``.
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    float
        ``I(m) >= 0``, per neuron (nats): binary ``[(1+m) log(1+m) + (1-m)
        log(1-m)]/2``, spherical ``-log(1 - m^2)/2`` (``inf`` at ``m = 1``).

    Raises
    ------
    TypeError
        If ``m`` is not a real number.
    ValueError
        If ``m`` is NaN or outside ``[0, 1]``, or ``ensemble`` is unknown.

    References
    ----------
    Lucibello, Mezard, PRL 132, 077301 (2024): the patterns not retrieved form
    a random energy model with this rate (module docstring).

    Examples
    --------
    >>> round(rate(1.0), 6) == round(math.log(2), 6)
    True
    """
    m = _overlap(m)
    if _ensemble(ensemble) == "spherical":
        return math.inf if m == 1 else -0.5 * math.log1p(-m * m)
    return 0.5 * ((1 + m) * math.log1p(m) + (math.log1p(-m) * (1 - m) if m < 1 else 0.0))


def saddle(lam: float, ensemble: str = "binary") -> tuple[float, float]:
    """``(m*, kappa)``: where the REM sum's terms concentrate, and ``kappa(lam)``.

    ``kappa(lam) = max_m [lam m - I(m)]`` (the cumulant generating function of
    ``N m``, per neuron) is reached at ``m* = kappa'(lam)``: ``tanh(lam)`` and
    ``log cosh(lam)`` for binary overlaps.

    Parameters
    ----------
    lam : float
        Scale of the exponent, ``>= 0`` and finite (``lam = 0`` gives
        ``(0, 0)``).
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    m_star, kappa : float
        The saddle-point overlap ``m*(lam)`` in ``[0, 1]`` and the cumulant
        generating function ``kappa(lam)`` per neuron.

    Raises
    ------
    TypeError
        If ``lam`` is not a real number.
    ValueError
        If ``lam`` is negative, NaN or infinite, or ``ensemble`` is unknown.

    References
    ----------
    Lucibello, Mezard, PRL 132, 077301 (2024) (module docstring).
    """
    lam = check_real(lam, "lam", low=0.0, finite=True)
    if _ensemble(ensemble) == "spherical":
        if lam < 1e-100:  # m = lam, kappa = lam^2/2 up to O(lam^3): 1/lam would overflow
            return lam, 0.5 * lam * lam
        # m / (1 - m^2) = lam; 1 - m^2 = m / lam keeps its digits as m -> 1; written in
        # 1/lam so that neither lam^2 overflows nor m / lam underflows
        u = 1 / lam
        m = 2 / (math.hypot(u, 2) + u)
        return m, lam * m + 0.5 * (math.log(m) + math.log(u))
    # log cosh without overflow
    return math.tanh(lam), lam + math.log1p(math.exp(-2 * lam)) - math.log(2)


def _inverse_rate(alpha: float, ensemble: str) -> float:
    """``m_alpha`` with ``I(m_alpha) = alpha`` (1 where alpha exceeds ``I(1)``)."""
    if alpha <= 0:
        return 0.0
    if ensemble == "binary" and alpha >= math.log(2):
        return 1.0
    hi = 1.0 if ensemble == "binary" else 1.0 - 1e-300
    return optimize.brentq(lambda m: rate(m, ensemble) - alpha, 0.0, hi, xtol=1e-15, rtol=1e-15)


def free_entropy(alpha: float, lam: float, ensemble: str = "binary") -> float:
    """REM free entropy ``phi = lim (1/N) log sum_k exp(lam N m_k)`` at a typical state.

    ``alpha + kappa(lam)`` where many terms contribute (``alpha >= I(m*)``),
    ``lam m_alpha`` with ``I(m_alpha) = alpha`` in the frozen phase (module
    docstring).

    Parameters
    ----------
    alpha : float
        Load ``log(K)/N``, >= 0 and finite.
    lam : float
        Scale of the exponent ``exp(lam N m_k)`` (the modern Hopfield
        network's ``beta``), ``> 0`` and finite (``inf``, a hard maximum, has
        no REM).
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    float
        ``phi(alpha, lam)``, per neuron.

    Raises
    ------
    TypeError
        If ``alpha`` or ``lam`` is not a real number.
    ValueError
        If ``alpha`` or ``lam`` is out of range, NaN or infinite, or
        ``ensemble`` is unknown.

    References
    ----------
    Lucibello, Mezard, PRL 132, 077301 (2024) (module docstring).

    Examples
    --------
    >>> round(free_entropy(0.5, 1.0), 6) == round(0.5 + math.log(math.cosh(1.0)), 6)
    True
    """
    alpha = check_real(alpha, "alpha", low=0.0, finite=True)
    lam = _scale(lam)
    ensemble = _ensemble(ensemble)
    m_star, kappa = saddle(lam, ensemble)
    if alpha >= rate(m_star, ensemble):
        return alpha + kappa
    return lam * _inverse_rate(alpha, ensemble)


def critical_load(m: float, lam: float, ensemble: str = "binary") -> float:
    """Largest load at which a planted term ``exp(lam N m)`` dominates the REM sum.

    ``lam m - kappa(lam)`` when ``m >= m*(lam)``, else ``I(m)`` (then the
    planted overlap need only exceed the largest random one).  Increasing in
    both ``m`` and ``lam``; at most ``I(m)``.

    Parameters
    ----------
    m : float
        Overlap of the planted term, in ``[0, 1]``.
    lam : float
        Scale of the exponent ``exp(lam N m_k)`` (the modern Hopfield
        network's ``beta``), ``> 0`` and finite (``inf``, a hard maximum, has
        no REM).
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    float
        The critical load ``alpha = log(K)/N``, ``>= 0``.

    Raises
    ------
    TypeError
        If ``m`` or ``lam`` is not a real number.
    ValueError
        If ``m`` is outside ``[0, 1]``, ``lam`` is not positive and finite,
        either is NaN, or ``ensemble`` is unknown.

    References
    ----------
    Demircigil et al. (2017) (the binary network); Lucibello, Mezard, PRL 132,
    077301 (2024) (the REM analysis).  The threshold is derived in the module
    docstring, not transcribed from the paper.

    Examples
    --------
    >>> round(critical_load(0.8, 2.0), 4)  # m0 <= tanh 2: I(0.8)
    0.3681
    >>> round(critical_load(1.0, 1.0), 4)  # 1 - log cosh 1
    0.5662
    """
    m = _overlap(m)
    lam = _scale(lam)
    ensemble = _ensemble(ensemble)
    m_star, kappa = saddle(lam, ensemble)
    return lam * m - kappa if m >= m_star else rate(m, ensemble)


def alpha_one_step(lam: float, m0: float = 1.0, ensemble: str = "binary") -> float:
    """Load below which one attention step from a cue at overlap ``m0`` retrieves.

    ``critical_load(m0, lam)``; with ``m0 = 1`` the typical stored pattern is
    (close to) a fixed point of the update ``x <- X softmax(lam X^T x)``, the
    threshold alpha_1 of Lucibello and Mezard's REM analysis.

    Parameters
    ----------
    lam : float
        Scale of the exponent ``exp(lam N m_k)`` (the modern Hopfield
        network's ``beta``), ``> 0`` and finite (``inf``, a hard maximum, has
        no REM).
    m0 : float
        Overlap of the cue with the pattern to retrieve, in ``[0, 1]``
        (default 1: the pattern itself).
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    float
        The critical load ``alpha_1 = log(K)/N`` at ``m0``.

    Raises
    ------
    TypeError
        If ``lam`` or ``m0`` is not a real number.
    ValueError
        If ``m0`` is outside ``[0, 1]``, ``lam`` is not positive and finite,
        either is NaN, or ``ensemble`` is unknown.

    References
    ----------
    Demircigil et al. (2017) (the binary network); Lucibello, Mezard, PRL 132,
    077301 (2024) (the REM analysis).  The threshold is derived in the module
    docstring, not transcribed from the paper.
    """
    return critical_load(_overlap(m0, "m0"), lam, ensemble)


def alpha_zero_T(lam: float, m0: float = 1.0) -> float:
    """Load below which zero-temperature single flips retrieve from a cue at overlap ``m0``.

    For the binary :class:`~hebbian.ExponentialDAM`: ``critical_load(m0, 2 lam)``,
    the planted term against the REM sum's fluctuation under one flip (module
    docstring).  ``I(m0)``, independent of ``lam``, once ``m0 <= tanh(2 lam)``.

    Parameters
    ----------
    lam : float
        Scale of the exponent ``exp(lam N m_k)`` (the modern Hopfield
        network's ``beta``), ``> 0`` and finite (``inf``, a hard maximum, has
        no REM).
    m0 : float
        Overlap of the cue with the pattern to retrieve, in ``[0, 1]``
        (default 1: the pattern itself).

    Returns
    -------
    float
        The critical load ``log(K)/N`` of the binary network (ensemble
        ``"binary"`` only).

    Raises
    ------
    TypeError
        If ``lam`` or ``m0`` is not a real number.
    ValueError
        If ``m0`` is outside ``[0, 1]``, or ``lam`` is not positive and finite,
        or either is NaN.

    References
    ----------
    Demircigil et al. (2017) (the binary network); Lucibello, Mezard, PRL 132,
    077301 (2024) (the REM analysis).  The threshold is derived in the module
    docstring, not transcribed from the paper.

    Examples
    --------
    >>> round(alpha_zero_T(1.0, 0.8), 4)
    0.3681
    """
    return critical_load(_overlap(m0, "m0"), 2 * _scale(lam))


def cue_overlap_c(alpha: float, lam: float) -> float:
    """Smallest cue overlap from which zero-T dynamics retrieves (the basin's edge).

    The inverse of :func:`alpha_zero_T` in ``m0``; ``nan`` where even the
    pattern itself (``m0 = 1``) is not retrieved.  The basin holds the cues
    with at most ``N (1 - m0_c)/2`` flipped spins.

    Parameters
    ----------
    alpha : float
        Load ``log(K)/N``, ``>= 0`` and finite.
    lam : float
        Scale of the exponent ``exp(lam N m_k)`` (the modern Hopfield
        network's ``beta``), ``> 0`` and finite (``inf``, a hard maximum, has
        no REM).

    Returns
    -------
    float
        ``m0_c`` in ``[0, 1)`` (0 at ``alpha = 0``), or ``nan`` when
        ``alpha >= alpha_zero_T(lam, 1)``.  Binary network only.

    Raises
    ------
    TypeError
        If ``alpha`` or ``lam`` is not a real number.
    ValueError
        If ``alpha`` is negative, NaN or infinite, or ``lam`` is not positive
        and finite.

    References
    ----------
    Demircigil et al. (2017) (the binary network); Lucibello, Mezard, PRL 132,
    077301 (2024) (the REM analysis).  The threshold is derived in the module
    docstring, not transcribed from the paper.
    """
    alpha = check_real(alpha, "alpha", low=0.0, finite=True)
    if alpha >= alpha_zero_T(lam, 1.0):
        return math.nan
    if alpha == 0:
        return 0.0
    return optimize.brentq(lambda m: alpha_zero_T(lam, m) - alpha, 0.0, 1.0, xtol=1e-13)


def retrieval_overlap(T: float, ensemble: str = "binary") -> float:
    """Overlap ``m_R(T)`` of the retrieval state, where one pattern dominates.

    There the energy is ``-N m``: ``m_R`` maximizes ``m/T - I(m)``, i.e.
    ``tanh(1/T)`` (binary) or ``m/(1 - m^2) = 1/T`` (spherical).

    Parameters
    ----------
    T : float
        Temperature, ``>= 0`` (in units of the dominant term's energy
        ``-N m`` per neuron); ``T <= 1e-12`` (:data:`hebbian.temperature.T_ZERO`)
        is taken as ``T = 0``, ``T = inf`` gives 0.
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    float
        ``m_R(T)`` in ``[0, 1]`` (1 at ``T = 0``).

    Raises
    ------
    TypeError
        If ``T`` is not a real number.
    ValueError
        If ``T`` is negative or NaN, or ``ensemble`` is unknown.

    References
    ----------
    Demircigil et al. (2017) (the binary network); Lucibello, Mezard, PRL 132,
    077301 (2024) (the REM analysis).  The threshold is derived in the module
    docstring, not transcribed from the paper.
    """
    T = check_real(T, "T", low=0.0)
    ensemble = _ensemble(ensemble)
    if T <= T_ZERO:  # m_R = 1 - O(T) (binary: 1 - O(e^{-2/T}))
        return 1.0
    return saddle(1.0 / T, ensemble)[0]


def alpha_spinodal(T: float, lam: float, ensemble: str = "binary") -> float:
    """Largest load at which the retrieval state exists at temperature ``T > 0``.

    ``critical_load(m_R(T), lam)``.  At ``T -> 0`` it tends to
    ``lam - kappa(lam)`` (the one-step alpha_1), below the ``T = 0`` value
    :func:`alpha_zero_T` of the binary network: at any ``T > 0`` a state
    whose planted term is swamped by the REM sum drifts away entropically,
    whereas zero-temperature flips only need it to beat the sum's
    fluctuations.

    Parameters
    ----------
    T : float
        Temperature, ``> 0`` (as in :func:`retrieval_overlap`).
    lam : float
        Scale of the exponent ``exp(lam N m_k)`` (the modern Hopfield
        network's ``beta``), ``> 0`` and finite (``inf``, a hard maximum, has
        no REM).
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    float
        The spinodal load ``log(K)/N``, ``>= 0``.

    Raises
    ------
    TypeError
        If ``T`` or ``lam`` is not a real number.
    ValueError
        If ``T`` is not positive, ``lam`` is not positive and finite, either is
        NaN, or ``ensemble`` is unknown.

    References
    ----------
    Demircigil et al. (2017) (the binary network); Lucibello, Mezard, PRL 132,
    077301 (2024) (the REM analysis).  The threshold is derived in the module
    docstring, not transcribed from the paper.
    """
    T = check_real(T, "T", low=0.0, low_open=True)
    return critical_load(retrieval_overlap(T, ensemble), lam, ensemble)


def alpha_thermodynamic(T: float, lam: float, ensemble: str = "binary") -> float:
    """Largest load at which retrieval states carry the Gibbs measure at ``T > 0``.

    The ``K`` retrieval states weigh ``exp N[alpha - I(m_R) + m_R/T]`` against
    the REM-dominated states' ``exp(N phi(alpha, lam)/(lam T))``; the load where
    the two are equal, capped by :func:`alpha_spinodal`.

    Parameters
    ----------
    T : float
        Temperature, ``> 0`` and finite (as in :func:`retrieval_overlap`).
    lam : float
        Scale of the exponent ``exp(lam N m_k)`` (the modern Hopfield
        network's ``beta``), ``> 0`` and finite (``inf``, a hard maximum, has
        no REM).
    ensemble : {"binary", "spherical"}
        ``"binary"``: +-1 states and patterns; ``"spherical"``: states and
        patterns uniform on the sphere of radius ``sqrt(N)``.

    Returns
    -------
    float
        The thermodynamic load ``log(K)/N``, at most
        ``alpha_spinodal(T, lam, ensemble)``.

    Raises
    ------
    TypeError
        If ``T`` or ``lam`` is not a real number.
    ValueError
        If ``T`` or ``lam`` is not positive and finite (or is NaN), or
        ``ensemble`` is unknown.

    References
    ----------
    Demircigil et al. (2017) (the binary network); Lucibello, Mezard, PRL 132,
    077301 (2024) (the REM analysis).  The threshold is derived in the module
    docstring, not transcribed from the paper.

    Examples
    --------
    >>> alpha_thermodynamic(0.5, 1.0) <= alpha_spinodal(0.5, 1.0)
    True
    """
    T = check_real(T, "T", low=0.0, low_open=True, finite=True)
    lam = _scale(lam)
    ensemble = _ensemble(ensemble)
    if T <= T_ZERO:  # beta -> inf: gap / beta -> m_R - phi / lam, m_R = 1 (T I(m_R) -> 0)

        def gap(alpha):
            return 1.0 - free_entropy(alpha, lam, ensemble) / lam

    else:
        m_R, beta = retrieval_overlap(T, ensemble), 1.0 / T
        gain = beta * m_R - rate(m_R, ensemble)

        def gap(alpha):
            return alpha + gain - beta * free_entropy(alpha, lam, ensemble) / lam

    top = alpha_spinodal(T, lam, ensemble)
    if gap(top) >= 0:
        return top
    return optimize.brentq(gap, 0.0, top, xtol=1e-13)
