"""Error analysis of Monte Carlo time series.

Successive states of a Markov chain are correlated, so the naive error of a
mean, ``sigma / sqrt(n)``, is too small.  For a stationary series of ``n``
samples of an observable with variance ``sigma^2`` and normalized
autocorrelation function ``rho(t)``,

    Var(mean) = 2 tau_int sigma^2 / n,    tau_int = 1/2 + sum_{t>=1} rho(t),

for ``n >> tau_int``.  This is Sokal's convention: ``tau_int = 1/2`` for
uncorrelated data, and ``n / (2 tau_int)`` is the effective sample size
(ESS), the number of independent samples worth the same error.

Several independent chains of the same target, an array of shape
``(n_chains, n_draws)`` (ArviZ's ``(chain, draw)``), are analysed together:
their autocorrelation is combined with the spread between the chains
(Vehtari et al. 2021), so that chains that disagree give a long ``tau_int``
and a small ESS instead of a too small error, and the rank-normalized
split-R-hat compares the chains (and the halves of each) with each other.
A 1-D series is one chain.

=============================  ===============================================
:func:`autocorrelation`        ``rho(t)`` by FFT, combined over chains
:func:`integrated_time`        ``tau_int`` with Sokal's automatic window
:func:`split_r_hat`            rank-normalized split-R-hat over chains
:func:`estimate`               mean, error, ``tau_int``, ESS and R-hat in one
:func:`blocking_error`         error of the mean by Flyvbjerg-Petersen blocking
:func:`jackknife`              error (and bias correction) of ``f(means)``
:func:`equilibration_check`    first half of a run against the second
=============================  ===============================================

Everything is NumPy (and SciPy's ranks and normal quantile for R-hat).
Series are validated at the boundary (one chain or several, real, finite,
long enough) and degenerate data are handled explicitly instead of
through ``0 / 0``: a constant series has ``rho = [1, 0, 0, ...]``, zero error
and ``tau_int = 1/2``.  Internally data are rescaled by a power of two (which
is exact) before anything is squared, so even values near the largest float
give no overflow.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import ndtri

from hebbian._checks import check_int

__all__ = [
    "BlockingResult",
    "EquilibrationCheck",
    "Estimate",
    "IntegratedTime",
    "JackknifeResult",
    "autocorrelation",
    "blocking_error",
    "equilibration_check",
    "estimate",
    "integrated_time",
    "jackknife",
    "split_r_hat",
]

#: The automatic window is trusted when the series is this many ``tau_int``
#: long.  Sokal (1997) asks for ``n >~ 1000 tau`` for a precise ``tau_int``;
#: 50 is the minimum emcee uses (Foreman-Mackey et al., PASP 125, 306 (2013)).
RELIABLE_LENGTH = 50.0

#: Relative slack in the window and reliability comparisons, far above
#: round-off (~1e-16 per term) and far below any real difference.
_TIE_SLACK = 1e-9


# --------------------------------------------------------------------------
# validation and helpers
# --------------------------------------------------------------------------


def _as_real_array(x, name: str) -> np.ndarray:
    """Return ``x`` as a finite float64 array, or raise naming ``name``."""
    arr = np.asarray(x)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.integer)
        or np.issubdtype(arr.dtype, np.floating)
        or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} has dtype {arr.dtype}; pass a real numeric array")
    arr = arr.astype(np.float64)
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN; drop or fill the missing samples first")
    if np.isinf(arr).any():
        raise ValueError(f"{name} contains inf; pass finite samples")
    return arr


def _as_series(x, name: str = "x", *, min_length: int = 2) -> np.ndarray:
    """Validate a 1-D time series of at least ``min_length`` finite samples."""
    arr = np.asarray(x)
    if arr.ndim != 1:
        raise ValueError(
            f"{name} has shape {arr.shape}; pass a 1-D time series "
            f"(one observable, e.g. {name}[:, 0] for a (n_steps, n_observables) array)"
        )
    if arr.shape[0] < min_length:
        raise ValueError(
            f"{name} has length {arr.shape[0]}; pass a series of at least {min_length} samples"
        )
    return _as_real_array(arr, name)


def _as_chains(x, name: str = "x") -> np.ndarray:
    """Validate one chain (n,) or chains (n_chains, n) of >= 2 finite samples, as 2-D."""
    arr = np.asarray(x)
    if arr.ndim == 1:
        return _as_series(arr, name)[None, :]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; pass one chain, shape (n_draws,), or chains of one "
            f"observable, shape (n_chains, n_draws) (e.g. {name}[..., 0])"
        )
    if arr.shape[0] < 1 or arr.shape[1] < 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; pass at least one chain of at least 2 draws, "
            f"shape (n_chains, n_draws)"
        )
    return _as_real_array(arr, name)


def _positive(value, name: str) -> float:
    """Return ``value`` as a finite float > 0, or raise naming ``name``."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}={value!r} must be a real number")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name}={value:g} must be a finite number > 0")
    return value


def _unit_scale(y: np.ndarray) -> tuple[np.ndarray, int]:
    """Rescale ``y`` by an exact power of two so that ``max|y|`` lies in [1/2, 1).

    Returns the rescaled array and the exponent ``e`` with ``y = out * 2**e``.
    Squares and sums of the rescaled array cannot overflow.
    """
    top = float(np.max(np.abs(y)))
    if top == 0.0:
        return y, 0
    e = math.frexp(top)[1]
    return np.ldexp(y, -e), e


def _tau_floor(n: int) -> float:
    """Smallest ``tau_int`` reported for ``n`` samples: ``1 / (2 max(1, log10 n))``.

    Anticorrelated data have ``tau_int < 1/2`` and the estimate can even
    reach zero (an alternating series); capping the effective sample size at
    ``max(n, n log10 n)`` (Vehtari et al. 2021) keeps errors positive.
    """
    return 0.5 / max(1.0, math.log10(n))


def _constant(x: np.ndarray) -> bool:
    return bool(np.all(x == x.flat[0]))


# --------------------------------------------------------------------------
# autocorrelation and integrated autocorrelation time
# --------------------------------------------------------------------------


def autocorrelation(x) -> np.ndarray:
    """Normalized autocorrelation function ``rho(t)`` of a chain, or of chains combined.

    Parameters
    ----------
    x : array_like, shape (n,) or (n_chains, n)
        One observable along one chain, or along each of several independent
        chains of the same length, ``n >= 2``.

    Returns
    -------
    numpy.ndarray, shape (n,)
        For one chain, ``rho(t) = C(t) / C(0)`` for lags ``t = 0 .. n-1``
        with the standard (biased, positive semi-definite) estimator
        ``C(t) = (1/n) sum_{i=0}^{n-1-t} (x_i - xbar)(x_{i+t} - xbar)``, so
        ``rho(0) = 1`` and ``|rho(t)| <= 1``.  For chains ``m = 1 .. M``,
        each with its own mean and ``C_m(t)``,
        ``rho(t) = (Cbar(t) + B/n) / (Cbar(0) + B/n)`` with ``Cbar`` the
        mean of the ``C_m`` and ``B/n`` the variance (``ddof=1``) of the chain
        means: the offsets between chains count as correlated at every lag,
        so chains that disagree have a slowly decaying ``rho``.  A constant
        input has no fluctuations to correlate; its ``rho`` is defined as
        ``[1, 0, 0, ...]`` (what an uncorrelated series gives on average),
        never NaN.

    Raises
    ------
    TypeError
        If ``x`` is not real.
    ValueError
        If ``x`` is not 1-D or 2-D, has fewer than 2 samples per chain, or
        contains NaN or inf.

    Notes
    -----
    Computed in O(n log n) per chain by FFT of the centred chains,
    zero-padded to a power of two ``>= 2n - 1`` so that the circular
    correlation equals the linear one (no wrap-around).  Round-off is
    clipped to [-1, 1].  The combination over chains is that of Vehtari et
    al. (2021), Sec. 3.2, with Sokal's biased ``C_m(t)`` in place of their
    ``n/(n-1)``-corrected within-chain variances, so that one chain gives
    exactly the one-chain ``rho``; it is the pooled variance ``Var+`` of
    Gelman et al. that stands in the denominator.

    References
    ----------
    A. D. Sokal, "Monte Carlo methods in statistical mechanics: foundations
    and new algorithms", in Functional Integration, NATO ASI Ser. B 361
    (Springer, 1997), Sec. 2, eqs. (2.1)-(2.3) and (3.18).
    A. Vehtari, A. Gelman, D. Simpson, B. Carpenter, P.-C. Buerkner,
    "Rank-normalization, folding, and localization: an improved R-hat for
    assessing convergence of MCMC", Bayesian Analysis 16, 667 (2021),
    Sec. 3.2; A. Gelman et al., Bayesian Data Analysis, 3rd ed. (CRC, 2013),
    Sec. 11.5.

    Examples
    --------
    >>> autocorrelation([1.0, 2.0, 1.0, 2.0]).round(3).tolist()
    [1.0, -0.75, 0.5, -0.25]
    >>> autocorrelation([3.0, 3.0, 3.0]).tolist()
    [1.0, 0.0, 0.0]
    >>> autocorrelation([[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]).tolist()  # chains disagree
    [1.0, 1.0, 1.0]
    """
    return _autocorrelation(_as_chains(x))


def _autocorrelation(x: np.ndarray) -> np.ndarray:
    n_chains, n = x.shape
    if _constant(x):
        rho = np.zeros(n)
        rho[0] = 1.0
        return rho
    y, _ = _unit_scale(x)
    means = y.mean(axis=1, keepdims=True)
    deviations = y - means
    offsets = means[:, 0] - means.mean()  # of the chain means; zero for one chain
    # one power of two for both, so that neither overflows when squared
    e = math.frexp(max(float(np.max(np.abs(deviations))), float(np.max(np.abs(offsets)))))[1]
    deviations, offsets = np.ldexp(deviations, -e), np.ldexp(offsets, -e)
    size = 1 << (2 * n - 1).bit_length()
    f = np.fft.rfft(deviations, size, axis=1)
    acf = np.fft.irfft(f.real**2 + f.imag**2, size, axis=1)[:, :n].mean(axis=0)  # n Cbar(t)
    if n_chains > 1:
        acf = acf + n * (offsets @ offsets) / (n_chains - 1)  # n B/n at every lag
    rho = np.clip(acf / acf[0], -1.0, 1.0)
    rho[0] = 1.0
    return rho


class IntegratedTime(NamedTuple):
    """Integrated autocorrelation time from :func:`integrated_time`.

    Attributes
    ----------
    tau : float
        ``tau_int = 1/2 + sum_{t=1}^{window} rho(t)`` (1/2 for uncorrelated
        data), so that ``Var(mean) = 2 tau sigma^2 / n``.
    window : int
        The summation window ``W`` chosen by the automatic rule.
    reliable : bool
        Whether the rule found a window and each chain is at least
        ``50 tau`` long; otherwise ``tau`` is likely an underestimate and the
        run should be longer.
    """

    tau: float
    window: int
    reliable: bool


def integrated_time(x, c: float = 5.0) -> IntegratedTime:
    """Integrated autocorrelation time with Sokal's automatic window.

    Parameters
    ----------
    x : array_like, shape (n,) or (n_chains, n)
        One observable along one chain, or along several independent chains
        (their ``rho`` combined as in :func:`autocorrelation`), ``n >= 2``.
    c : float, optional
        Window constant: the window ``W`` is the smallest lag with
        ``W >= c * tau_int(W)`` (ties, up to a relative 1e-9, count as
        satisfied, so the result does not depend on round-off).  Sokal
        recommends ``c`` between about 4
        (purely exponential decay) and 6 or more (slower, multi-exponential
        decay).

    Returns
    -------
    IntegratedTime
        ``(tau, window, reliable)``.  Convention:
        ``tau_int = 1/2 + sum_{t=1}^{W} rho(t)``, so ``tau_int = 1/2`` for
        uncorrelated data and ``Var(mean) = 2 tau_int sigma^2 / n``.
        If no lag satisfies the rule, ``window = n - 1`` and
        ``reliable=False``.  ``reliable`` also requires ``n >= 50 tau``.
        ``tau`` is floored at ``1 / (2 max(1, log10 S))``, ``S`` the number
        of samples of all chains (relevant only for anticorrelated data,
        whose true ``tau_int`` is below 1/2).

    Raises
    ------
    TypeError, ValueError
        For a bad ``x`` (see :func:`autocorrelation`) or ``c`` not finite
        and positive.

    Notes
    -----
    The window trades bias (``-sum_{t>W} rho(t)``, about
    ``-tau exp(-W / tau)`` for exponential decay) against variance,
    ``Var(tau_hat) ~ 2 (2W + 1) tau^2 / n`` (Sokal 1997, eq. (3.19)).

    References
    ----------
    A. D. Sokal, "Monte Carlo methods in statistical mechanics: foundations
    and new algorithms", in Functional Integration, NATO ASI Ser. B 361
    (Springer, 1997), Sec. 3, eqs. (3.17)-(3.20) and the automatic
    windowing procedure that follows them.
    N. Madras, A. D. Sokal, J. Stat. Phys. 50, 109 (1988), Appendix C.
    A. Vehtari et al., Bayesian Analysis 16, 667 (2021) (ESS cap, chains).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> res = integrated_time(rng.standard_normal(10_000))
    >>> round(res.tau, 1), res.reliable
    (0.5, True)
    """
    x = _as_chains(x)
    return _integrated_time(x, _positive(c, "c"))


def _integrated_time(x: np.ndarray, c: float) -> IntegratedTime:
    n = x.shape[1]
    rho = _autocorrelation(x)
    taus = 0.5 + np.cumsum(rho[1:])  # taus[W - 1] = tau_int(W), W = 1 .. n-1
    lags = np.arange(1, n)
    # W >= c tau(W), written W / c to avoid overflow for a huge c; the slack makes
    # exact ties (common for short integer-valued series) immune to round-off
    hits = np.flatnonzero(lags * (1.0 + _TIE_SLACK) / c >= taus)
    found = hits.size > 0
    window = int(hits[0]) + 1 if found else n - 1
    tau = max(float(taus[window - 1]), _tau_floor(x.size))
    reliable = found and n * (1.0 + _TIE_SLACK) >= RELIABLE_LENGTH * tau
    return IntegratedTime(tau, window, bool(reliable))


# --------------------------------------------------------------------------
# R-hat
# --------------------------------------------------------------------------


def split_r_hat(x) -> float:
    """Rank-normalized split-R-hat: do the chains, and the halves of each, agree?

    Parameters
    ----------
    x : array_like, shape (n_chains, n) or (n,)
        One observable along each of several chains started apart (or along
        one chain), ``n >= 4``.

    Returns
    -------
    float
        ``max(R_bulk, R_tail)`` of Vehtari et al. (2021), the R-hat that
        Stan and ArviZ report: close to 1 when every half-chain samples the
        same distribution (they ask for ``< 1.01``), larger when the chains
        sit at different places or differ in spread, or when a chain drifts
        (its halves disagree).  1 when all draws are equal, ``inf`` when
        each half-chain is constant but they are not all equal.

    Raises
    ------
    TypeError, ValueError
        For a bad ``x`` (see :func:`autocorrelation`) or chains shorter than
        4 draws.

    Notes
    -----
    Each chain is cut into two halves of ``n' = floor(n / 2)`` draws (the
    middle draw of an odd chain is left out), giving ``2M`` chains.  On
    these, with chain means ``theta_m`` and variances ``s_m^2`` (``ddof=1``),
    the split-R-hat of Gelman and Rubin is

        W = mean(s_m^2),  B/n' = var(theta_m, ddof=1),
        Var+ = (n' - 1)/n' W + B/n',  R = sqrt(Var+ / W).

    ``R_bulk`` is this R of the rank-normalized draws
    ``z = Phi^-1((r - 3/8) / (S + 1/4))`` (``r`` the rank of a draw among all
    ``S`` of them, ties averaged), ``R_tail`` that of the rank-normalized
    folded draws ``|x - median(x)|``, sensitive to chains that differ in
    scale.  Ranks make R-hat finite and invariant for any monotone
    transformation of the observable.  This is not the classic (not
    rank-normalized) split-R-hat, which is ``R`` of the raw draws.

    References
    ----------
    A. Vehtari, A. Gelman, D. Simpson, B. Carpenter, P.-C. Buerkner,
    "Rank-normalization, folding, and localization: an improved R-hat for
    assessing convergence of MCMC", Bayesian Analysis 16, 667 (2021).
    A. Gelman, D. B. Rubin, Statist. Sci. 7, 457 (1992); A. Gelman et al.,
    Bayesian Data Analysis, 3rd ed. (CRC, 2013), Sec. 11.4.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> chains = rng.standard_normal((4, 1000))
    >>> round(split_r_hat(chains), 2)
    1.0
    >>> split_r_hat(chains + np.arange(4)[:, None]) > 1.5  # four different means
    True
    """
    x = _as_chains(x)
    if x.shape[1] < 4:
        raise ValueError(
            f"x has {x.shape[1]} draws per chain; split-R-hat needs at least 4 (two per half)"
        )
    return _split_r_hat(x)


def _split_r_hat(x: np.ndarray) -> float:
    half = x.shape[1] // 2
    y, _ = _unit_scale(x)  # ranks do not change; |y - median| cannot overflow
    split = np.concatenate([y[:, :half], y[:, y.shape[1] - half :]])
    folded = np.abs(split - np.median(split))
    return max(_r_hat(_rank_normalized(split)), _r_hat(_rank_normalized(folded)))


def _rank_normalized(x: np.ndarray) -> np.ndarray:
    """Normal scores ``Phi^-1((r - 3/8) / (S + 1/4))`` of the ranks ``r`` of all draws."""
    from scipy.stats import rankdata  # here: scipy.stats takes a third of a second to import

    ranks = rankdata(x, method="average").reshape(x.shape)
    return ndtri((ranks - 0.375) / (x.size + 0.25))


def _r_hat(z: np.ndarray) -> float:
    """Gelman-Rubin ``sqrt(Var+ / W)`` of chains ``z``, shape (n_chains, n)."""
    n = z.shape[1]
    within = float(z.var(axis=1, ddof=1).mean())
    between = float(z.mean(axis=1).var(ddof=1))  # B / n
    if within == 0.0:
        return 1.0 if between == 0.0 else math.inf
    return math.sqrt(((n - 1) / n * within + between) / within)


# --------------------------------------------------------------------------
# mean with error bars
# --------------------------------------------------------------------------


def _format_pm(mean: float, error: float) -> str:
    """``mean +- error`` with the error to two significant digits."""
    if math.isfinite(error) and error > 1e-8 and max(abs(mean), error) < 1e8:
        decimals = max(0, 1 - math.floor(math.log10(error)))
        return f"{mean:.{decimals}f} +- {error:.{decimals}f}"
    return f"{mean:.6g} +- {error:.2g}"


@dataclass(frozen=True)
class Estimate:
    """A Monte Carlo mean with its autocorrelation-corrected error.

    Attributes
    ----------
    mean : float
        Sample mean of all draws.
    error : float
        Standard error of the mean, ``sqrt(2 tau_int var / n)``.
    tau_int : float
        Integrated autocorrelation time (1/2 for uncorrelated data).
    ess : float
        Effective sample size ``n / (2 tau_int)``.
    n : int
        Number of samples, of all chains together.
    r_hat : float
        Rank-normalized split-R-hat (:func:`split_r_hat`); NaN where the
        chains are too short to split (fewer than 4 draws).
    n_chains : int
        Number of chains.

    Examples
    --------
    >>> print(Estimate(mean=0.73214, error=0.00421, tau_int=3.14, ess=812.3, n=5100))
    0.7321 +- 0.0042 (tau_int 3.1, ESS 812)
    >>> print(Estimate(0.73214, 0.00421, 3.14, 812.3, 5100, r_hat=1.0042, n_chains=4))
    0.7321 +- 0.0042 (tau_int 3.1, ESS 812, R-hat 1.004)
    """

    mean: float
    error: float
    tau_int: float
    ess: float
    n: int
    r_hat: float = math.nan
    n_chains: int = 1

    def __str__(self) -> str:
        r_hat = "" if math.isnan(self.r_hat) else f", R-hat {self.r_hat:.3f}"
        return (
            f"{_format_pm(self.mean, self.error)} "
            f"(tau_int {self.tau_int:.1f}, ESS {self.ess:.0f}{r_hat})"
        )


def estimate(x: ArrayLike, c: float = 5.0) -> Estimate:
    """Mean of one chain or several, with its autocorrelation-corrected error and R-hat.

    Parameters
    ----------
    x : array_like, shape (n,) or (n_chains, n)
        One observable along an equilibrated chain, or along each of several
        independent chains of the same length (ArviZ's ``(chain, draw)``),
        ``n >= 2``.
    c : float, optional
        Window constant of :func:`integrated_time`.

    Returns
    -------
    Estimate
        ``mean`` of all ``S = n_chains n`` draws; ``tau_int`` from
        :func:`integrated_time` on the chains together;
        ``ess = S / (2 tau_int)``; ``error = sqrt(2 tau_int var / S)`` with
        ``var`` the variance (``ddof=1``) of all draws, i.e.
        ``sqrt(var / ess)``; ``r_hat`` from :func:`split_r_hat` (NaN for
        ``n < 4``); ``n = S``; ``n_chains``.  For chains that agree, ESS is
        the sum of the chains' own; the spread between chains that disagree
        lengthens ``tau_int`` and shrinks ESS, so the error grows instead of
        pretending the chains were one distribution.  A 1-D ``x`` is one
        chain, and ``x[None, :]`` gives the same numbers.  A constant input
        has error 0.

    Raises
    ------
    TypeError, ValueError
        For a bad ``x`` or ``c`` (see :func:`integrated_time`).

    References
    ----------
    A. D. Sokal (1997), see :func:`integrated_time`, eq. (2.16); for
    several chains, A. Vehtari et al., Bayesian Analysis 16, 667 (2021),
    Sec. 3.2 (ESS) and :func:`split_r_hat`.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> est = estimate(1.0 + rng.standard_normal(10_000))
    >>> abs(est.mean - 1.0) < 3 * est.error, round(est.error, 2)
    (True, 0.01)
    >>> four = estimate(1.0 + rng.standard_normal((4, 2_500)))
    >>> four.n, four.n_chains, round(four.error, 2), round(four.r_hat, 2)
    (10000, 4, 0.01, 1.0)
    """
    x = _as_chains(x)
    return _estimate(x, _positive(c, "c"))


def _estimate(x: np.ndarray, c: float) -> Estimate:
    n_chains, n = x.shape
    size = x.size
    r_hat = _split_r_hat(x) if n >= 4 else math.nan
    if _constant(x):  # exact, where summation round-off would give a tiny error
        return Estimate(float(x.flat[0]), 0.0, 0.5, float(size), size, r_hat, n_chains)
    y, e = _unit_scale(x)
    mean = float(np.ldexp(y.mean(), e))
    tau = _integrated_time(x, c).tau
    error = float(np.ldexp(math.sqrt(2.0 * tau * y.var(ddof=1) / size), e))
    return Estimate(mean, error, tau, size / (2.0 * tau), size, r_hat, n_chains)


# --------------------------------------------------------------------------
# blocking
# --------------------------------------------------------------------------


class BlockingResult(NamedTuple):
    """Result of :func:`blocking_error`.

    Attributes
    ----------
    error : float
        Standard error of the mean at the chosen level.
    level : int
        Chosen blocking level ``k`` (blocks of ``2**k`` samples).
    converged : bool
        Whether a plateau was found; if not, ``error`` is a lower bound
        taken at the largest level with enough blocks: run longer.
    errors_by_level : numpy.ndarray, shape (n_levels, 2)
        Row ``k``: the error estimate at level ``k`` and its own
        uncertainty, for plotting the blocking curve.
    """

    error: float
    level: int
    converged: bool
    errors_by_level: np.ndarray


def blocking_error(x, *, min_blocks: int = 32) -> BlockingResult:
    """Error of the mean by Flyvbjerg-Petersen blocking.

    The series is repeatedly halved by averaging neighbouring pairs (an odd
    last sample is dropped).  At level ``k`` there are ``n_k`` block means
    ``B`` of ``2**k`` samples, and

        s_k = sqrt(var(B) / (n_k - 1)),    ds_k = s_k / sqrt(2 (n_k - 1)),

    with ``var`` the biased (``ddof=0``) variance.  ``s_k`` grows with ``k``
    while blocks are shorter than the correlation time and is flat (up to
    noise ``ds_k``) once they are longer.

    Parameters
    ----------
    x : array_like, shape (n,)
        One observable along an equilibrated chain, ``n >= min_blocks``.
    min_blocks : int, optional
        Fewest blocks a chosen level may have (>= 2); 32 blocks give the
        error to about 13 %.

    Returns
    -------
    BlockingResult
        ``(error, level, converged, errors_by_level)``.

    Raises
    ------
    TypeError, ValueError
        For a bad ``x`` (see :func:`autocorrelation`), ``min_blocks < 2`` or
        ``x`` shorter than ``min_blocks``.

    Notes
    -----
    Plateau rule (deterministic): the chosen level is the first ``k`` with
    ``n_k >= min_blocks`` whose estimate lies within the one-sigma error bars
    of the next two levels, ``|s_k - s_{k+j}| <= ds_{k+j}`` for ``j = 1, 2``;
    then ``converged=True``.  If no level qualifies, the largest level with
    ``n_k >= min_blocks`` is returned with ``converged=False``.  The first
    qualifying level is where the remaining bias (which halves with every
    level) has dropped to the size of the noise; on AR(1) test series the
    result is a few per cent low, giving about 94 % coverage of two-sigma
    intervals.

    References
    ----------
    H. Flyvbjerg, H. G. Petersen, J. Chem. Phys. 91, 461 (1989),
    eqs. (20)-(28).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> res = blocking_error(rng.standard_normal(2**14))
    >>> res.converged, round(res.error * 2**7, 1)
    (True, 1.0)
    """
    x = _as_series(x)
    min_blocks = check_int(min_blocks, "min_blocks", minimum=2)
    if x.size < min_blocks:
        raise ValueError(
            f"x has length {x.size} < min_blocks={min_blocks}; "
            f"pass a longer series or a smaller min_blocks"
        )
    if _constant(x):  # exact zeros, where round-off in var() would not give them
        n_levels = int(math.log2(x.size))
        return BlockingResult(0.0, 0, True, np.zeros((n_levels, 2)))
    y, e = _unit_scale(x)
    rows = []
    blocks = y
    while blocks.size >= 2:
        n_k = blocks.size
        s = math.sqrt(blocks.var() / (n_k - 1))
        rows.append((s, s / math.sqrt(2.0 * (n_k - 1)), n_k))
        half = n_k // 2
        blocks = 0.5 * blocks[0 : 2 * half : 2] + 0.5 * blocks[1 : 2 * half : 2]
    table = np.array(rows)
    s, ds, n_blocks = table[:, 0], table[:, 1], table[:, 2]
    eligible = np.flatnonzero(n_blocks >= min_blocks)
    level, converged = int(eligible[-1]), False
    for k in eligible:
        if k + 2 < len(s) and all(abs(s[k] - s[k + j]) <= ds[k + j] for j in (1, 2)):
            level, converged = int(k), True
            break
    errors = np.ldexp(table[:, :2], e)
    return BlockingResult(float(errors[level, 0]), level, converged, errors)


# --------------------------------------------------------------------------
# jackknife
# --------------------------------------------------------------------------


class JackknifeResult(NamedTuple):
    """Result of :func:`jackknife`: unpacks as ``estimate, error = ...``.

    Attributes
    ----------
    estimate : float or numpy.ndarray
        Bias-corrected estimate of ``f(<x_1>, <x_2>, ...)``.
    error : float or numpy.ndarray
        Its jackknife standard error.
    """

    estimate: float | np.ndarray
    error: float | np.ndarray


def _as_samples(samples: tuple, n_blocks: int) -> list[np.ndarray]:
    if not samples:
        raise ValueError("jackknife got no samples; pass f and at least one time series")
    out = []
    for i, sample in enumerate(samples):
        name = f"samples[{i}]"
        arr = np.asarray(sample)
        if arr.ndim < 1:
            raise ValueError(
                f"{name} has shape {arr.shape}; pass a time series (time along the first axis)"
            )
        arr = _as_real_array(arr, name)
        if arr.shape[0] < 2 * n_blocks:
            raise ValueError(
                f"{name} has length {arr.shape[0]} < 2*n_blocks={2 * n_blocks}; "
                f"pass a longer series or a smaller n_blocks"
            )
        if out and arr.shape[0] != out[0].shape[0]:
            raise ValueError(
                f"{name} has length {arr.shape[0]} but samples[0] has length "
                f"{out[0].shape[0]}; pass series of equal length (same time steps)"
            )
        out.append(arr)
    return out


def jackknife(
    f: Callable[..., float | np.ndarray], *samples, n_blocks: int = 32
) -> JackknifeResult:
    """Block jackknife estimate and error of a function of means.

    Parameters
    ----------
    f : callable
        ``f(m_1, m_2, ...)`` of the means of the samples, e.g.
        ``lambda m2, m4: 1 - m4 / (3 * m2**2)`` for the Binder cumulant.  It
        receives floats for 1-D samples and arrays of shape ``x.shape[1:]``
        otherwise, and may return a float or an array.
    *samples : array_like, shape (n, ...)
        Time series (time along the first axis), all of the same length
        ``n >= 2 * n_blocks``; e.g. ``m**2`` and ``m**4`` from one run.
    n_blocks : int, optional
        Number of jackknife blocks (>= 2).  Blocks of ``n // n_blocks``
        consecutive samples must be longer than the autocorrelation time;
        the ``n % n_blocks`` last samples are dropped.

    Returns
    -------
    JackknifeResult
        ``(estimate, error)``.  With ``theta = f(means)``, ``theta_i`` the
        value without block ``i`` and ``theta_bar`` their average,
        ``estimate = n_blocks theta - (n_blocks - 1) theta_bar`` (removes the
        O(1/n) bias of ``f(means)``) and
        ``error = sqrt((n_blocks - 1)/n_blocks sum_i (theta_i - theta_bar)^2)``.
        For ``f`` the identity these are the plain mean and the standard error
        of the block means.

    Raises
    ------
    TypeError
        If ``f`` is not callable or a sample is not real.
    ValueError
        If there are no samples, a sample is shorter than ``2 * n_blocks``,
        the lengths differ, or a sample contains NaN or inf.

    References
    ----------
    M. H. Quenouille, Biometrika 43, 353 (1956) (bias correction);
    J. W. Tukey, Ann. Math. Statist. 29, 614 (1958) (variance);
    B. Efron, "The Jackknife, the Bootstrap and Other Resampling Plans"
    (SIAM, 1982), Ch. 2-3;
    for blocks of correlated data, H. Flyvbjerg, in Advances in Computer
    Simulation, Lecture Notes in Physics 501 (Springer, 1998).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(2.0, 1.0, size=6400)
    >>> ratio, err = jackknife(lambda a, b: a / b, x, 2 * x)
    >>> float(ratio), float(err) < 1e-12
    (0.5, True)
    """
    if not callable(f):
        raise TypeError(f"f={f!r} must be callable, e.g. lambda a, b: a / b")
    n_blocks = check_int(n_blocks, "n_blocks", minimum=2)
    arrays = _as_samples(samples, n_blocks)
    size = arrays[0].shape[0] // n_blocks
    block_means = [
        a[: n_blocks * size].reshape((n_blocks, size, *a.shape[1:])).mean(axis=1) for a in arrays
    ]
    means = [b.mean(axis=0) for b in block_means]
    # mean of all blocks but i, for every i at once
    leave_out = [
        (n_blocks * m - b) / (n_blocks - 1) for m, b in zip(means, block_means, strict=True)
    ]
    theta = np.asarray(f(*means), dtype=np.float64)
    thetas = np.array(
        [np.asarray(f(*(lo[i] for lo in leave_out)), dtype=np.float64) for i in range(n_blocks)]
    )
    theta_bar = thetas.mean(axis=0)
    corrected = n_blocks * theta - (n_blocks - 1) * theta_bar
    error = np.sqrt((n_blocks - 1) * np.mean((thetas - theta_bar) ** 2, axis=0))
    if corrected.ndim == 0:
        return JackknifeResult(float(corrected), float(error))
    return JackknifeResult(corrected, error)


# --------------------------------------------------------------------------
# equilibration
# --------------------------------------------------------------------------


class EquilibrationCheck(NamedTuple):
    """Result of :func:`equilibration_check`.

    Attributes
    ----------
    passed : bool
        ``|z| <= n_sigma``.
    z : float
        ``(second.mean - first.mean) / (sqrt(2) * second.error)``: the
        difference of the half means in units of its standard deviation for
        a stationary chain, estimated from the second half.  0 when the
        means agree exactly and the second half is constant, +-inf when they
        differ and it is constant.
    first, second : Estimate
        The two halves, each with its own autocorrelation-corrected error;
        ``first.tau_int`` well above ``second.tau_int`` is itself a sign of
        a transient.
    """

    passed: bool
    z: float
    first: Estimate
    second: Estimate


def equilibration_check(x, n_sigma: float = 3.0, *, c: float = 5.0) -> EquilibrationCheck:
    """Compare the means of the first and second half of a run.

    A chain that has not yet forgotten its initial state drifts: the two
    halves then disagree by more than their errors.  Each half is summarized
    by :func:`estimate` (autocorrelation-corrected error).  Passing is
    necessary, not sufficient: a chain stuck in a metastable state passes
    too.

    Parameters
    ----------
    x : array_like, shape (n,)
        One observable along the chain, ``n >= 4``.  For odd ``n`` the middle
        sample is left out so that the halves have equal length.
    n_sigma : float, optional
        Threshold on ``|z|``.
    c : float, optional
        Window constant of :func:`integrated_time`.

    Returns
    -------
    EquilibrationCheck
        ``(passed, z, first, second)`` with
        ``z = (second.mean - first.mean) / (sqrt(2) * second.error)`` and
        ``passed = |z| <= n_sigma``.

    Raises
    ------
    TypeError, ValueError
        For a bad ``x`` (see :func:`autocorrelation`; here ``n >= 4``) or
        ``n_sigma``, ``c`` not finite and positive.

    Notes
    -----
    Under the null hypothesis (a stationary chain) the two halves have the
    same variance and ``tau_int``, so both errors are taken from the second
    half, the one least affected by the start.  The first half's own error
    is not used in ``z`` on purpose: a transient inflates both its variance
    and its apparent ``tau_int`` (a slow trend looks like slow
    correlations), which would hide the very drift the check looks for.
    On ``x_t + 3 exp(-t/200)`` with AR(1) noise (``a = 0.5``, ``n = 4000``)
    this rule flags 99 % of runs at ``n_sigma = 3``, the rule with each
    half's own error about 1 %; both reject a stationary run in under 1 %
    of cases.

    References
    ----------
    A. D. Sokal (1997), see :func:`integrated_time`, Sec. 3 (initialization
    bias); J. Geweke, in Bayesian Statistics 4 (Oxford, 1992) (comparison of
    two parts of a chain).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(4000)
    >>> equilibration_check(x).passed
    True
    >>> equilibration_check(x + 3.0 * np.exp(-np.arange(4000) / 200)).passed
    False
    """
    x = _as_series(x, min_length=4)
    n_sigma = _positive(n_sigma, "n_sigma")
    c = _positive(c, "c")
    half = x.size // 2
    first = _estimate(x[None, :half], c)
    second = _estimate(x[None, x.size - half :], c)
    diff = second.mean - first.mean
    scale = math.sqrt(2.0) * second.error
    # a constant second half makes any difference infinitely significant
    z = diff / scale if scale > 0 else (0.0 if diff == 0 else math.copysign(math.inf, diff))
    return EquilibrationCheck(bool(abs(z) <= n_sigma), float(z), first, second)
