"""Error analysis of Monte Carlo time series against AR(1) processes with exact answers.

The reference process is the stationary Gaussian AR(1) chain
``x_t = a x_{t-1} + sqrt(1 - a^2) eps_t`` with unit variance,
``rho(t) = a^|t|``, ``tau_int = (1/2)(1 + a)/(1 - a)`` and exact standard
error of the mean ``sqrt((1 + a)/(1 - a) / n)`` (up to O(tau/n)).  Every
statistical test uses a fixed seed and a tolerance derived from the known
variance (and, where there is one, the known bias) of the estimator.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from scipy.signal import lfilter

from hebbian.mc.statistics import (
    BlockingResult,
    Estimate,
    IntegratedTime,
    autocorrelation,
    blocking_error,
    equilibration_check,
    estimate,
    integrated_time,
    jackknife,
    split_r_hat,
)

N_LONG = 200_000


def ar1(a: float, n: int, rng: np.random.Generator, size: tuple[int, ...] = ()) -> np.ndarray:
    """Stationary unit-variance AR(1) series of length n (last axis), started in equilibrium."""
    eps = rng.standard_normal((*size, n))
    x_before = rng.standard_normal((*size, 1))  # x_{-1} drawn from the stationary law
    return lfilter([math.sqrt(1 - a * a)], [1.0, -a], eps, axis=-1, zi=a * x_before)[0]


def tau_exact(a: float) -> float:
    return 0.5 * (1 + a) / (1 - a)


@pytest.fixture(scope="module", params=[0.0, 0.5, 0.9], ids=lambda a: f"a={a}")
def long_ar1(request):
    a = request.param
    seed = {0.0: 11, 0.5: 12, 0.9: 13}[a]
    return a, ar1(a, N_LONG, np.random.default_rng(seed))


# --------------------------------------------------------------------------
# autocorrelation and tau_int
# --------------------------------------------------------------------------


def test_autocorrelation_small_example_by_hand():
    # x - mean = (-1/2)(1, -1, 1, -1): sum_i d_i d_{i+t} = (1, -3/4, 1/2, -1/4) * 4 * 1/4
    np.testing.assert_allclose(autocorrelation([1, 2, 1, 2]), [1, -0.75, 0.5, -0.25], atol=1e-15)


def test_autocorrelation_matches_direct_sum():
    x = ar1(0.6, 300, np.random.default_rng(3))
    d = x - x.mean()
    direct = np.array([d[: len(d) - t] @ d[t:] for t in range(len(d))]) / (d @ d)
    np.testing.assert_allclose(autocorrelation(x), direct, atol=1e-12)


def test_autocorrelation_of_ar1_is_geometric():
    # biased estimator: E rho_hat(t) ~ (1 - t/n) a^t; sd of rho_hat(t) ~ sqrt(1/n) * O(1)
    a, n = 0.8, N_LONG
    rho = autocorrelation(ar1(a, n, np.random.default_rng(4)))
    t = np.arange(20)
    sd = math.sqrt((1 + a * a) / (1 - a * a) / n)  # Bartlett's formula, large t
    np.testing.assert_allclose(rho[t], a**t, atol=5 * sd)


def test_integrated_time_of_ar1(long_ar1):
    # Sokal (1997) eq. (3.19): Var(tau_hat) ~ 2 (2W + 1) tau^2 / n; truncation bias
    # sum_{t>W} a^t = a^(W+1)/(1-a).  Tolerance: 3 sd + bias, i.e. about 2.5 %, 3.9 %
    # and 9.8 % for a = 0, 0.5, 0.9.
    a, x = long_ar1
    res = integrated_time(x)
    assert isinstance(res, IntegratedTime)
    exact = tau_exact(a)
    sd = math.sqrt(2 * (2 * res.window + 1) / N_LONG)
    bias = a ** (res.window + 1) / (1 - a) / exact
    rtol = 3 * sd + bias
    assert rtol <= 0.10
    assert abs(res.tau / exact - 1) <= rtol
    assert res.reliable
    # the window satisfies Sokal's rule and is the smallest that does
    assert res.window >= 5.0 * res.tau
    rho = autocorrelation(x)
    taus = 0.5 + np.cumsum(rho[1 : res.window])
    assert np.all(np.arange(1, res.window) < 5.0 * taus)


def test_integrated_time_unreliable_for_short_correlated_series():
    x = ar1(0.99, 500, np.random.default_rng(5))  # tau = 99.5 > 500 / 50
    assert not integrated_time(x).reliable


def test_integrated_time_floor_for_alternating_series():
    # rho(1) ~ -1 makes the raw sum negative; the reported tau is floored, positive
    x = np.tile([1.0, -1.0], 500)
    res = integrated_time(x)
    assert res.tau == pytest.approx(0.5 / math.log10(1000))
    assert estimate(x).error > 0


# --------------------------------------------------------------------------
# blocking
# --------------------------------------------------------------------------


def blocking_bias(a: float, block: int) -> float:
    """Relative bias of the blocked SE of AR(1) at block size ``block`` (exact, large n)."""
    # Var(block mean) = (1/b)[(1+a)/(1-a) - 2a(1-a^b)/(b(1-a)^2)]; SE bias is half of it
    return a * (1 - a**block) / (block * (1 - a) * (1 + a))


def test_blocking_error_of_ar1(long_ar1):
    # Tolerance: 3 x the reported uncertainty of the chosen level (FP eq. (28),
    # 1/sqrt(2(n_k - 1))) + the exact blocking bias at that block size: 2.5-10 %
    # for the levels a plateau usually sits at.
    a, x = long_ar1
    res = blocking_error(x)
    assert isinstance(res, BlockingResult)
    assert res.converged
    exact = math.sqrt((1 + a) / (1 - a) / N_LONG)
    s, ds = res.errors_by_level[res.level]
    assert s == res.error
    rtol = 3 * ds / s + blocking_bias(a, 2**res.level)
    assert abs(res.error / exact - 1) <= rtol


def test_blocking_error_iid_equals_naive_standard_error():
    x = np.random.default_rng(6).standard_normal(N_LONG)
    naive = x.std(ddof=1) / math.sqrt(x.size)
    res = blocking_error(x)
    assert res.errors_by_level[0, 0] == pytest.approx(naive, rel=1e-12)
    ds = res.errors_by_level[res.level, 1]
    assert abs(res.error - naive) <= 3 * ds


def test_blocking_levels_and_uncertainties():
    x = np.random.default_rng(7).standard_normal(1000)
    res = blocking_error(x)
    n_blocks = 1000 // 2 ** np.arange(len(res.errors_by_level))
    assert n_blocks[-1] >= 2  # every level with at least two blocks, no more
    assert 1000 // 2 ** len(res.errors_by_level) < 2
    np.testing.assert_allclose(
        res.errors_by_level[:, 1], res.errors_by_level[:, 0] / np.sqrt(2 * (n_blocks - 1))
    )
    # level 2 by hand: 250 means of 4, the odd tail dropped at each halving
    b = x[:1000].reshape(250, 4).mean(axis=1)
    assert res.errors_by_level[2, 0] == pytest.approx(math.sqrt(b.var() / 249), rel=1e-12)


def test_blocking_without_plateau_is_flagged():
    # a ramp: block means stay a ramp, s_k grows by sqrt(2) per level for ever
    res = blocking_error(np.arange(1024.0))
    assert not res.converged
    assert res.level == 5  # the largest level with >= 32 blocks: 1024 / 2^5
    assert res.error == res.errors_by_level[5, 0]


@given(seed=st.integers(0, 2**32 - 1), a=st.sampled_from([0.0, 0.5, 0.9, 0.99]))
def test_blocking_plateau_rule_as_documented(seed, a):
    res = blocking_error(ar1(a, 2048, np.random.default_rng(seed)))
    s, ds = res.errors_by_level.T
    n_blocks = 2048 // 2 ** np.arange(len(s))

    def on_plateau(k):
        return k + 2 < len(s) and all(abs(s[k] - s[k + j]) <= ds[k + j] for j in (1, 2))

    eligible = [k for k in range(len(s)) if n_blocks[k] >= 32]
    plateau = [k for k in eligible if on_plateau(k)]
    if plateau:
        assert res.converged
        assert res.level == plateau[0]
    else:
        assert not res.converged
        assert res.level == eligible[-1]


# --------------------------------------------------------------------------
# estimate, coverage
# --------------------------------------------------------------------------


def test_estimate_fields(long_ar1):
    a, x = long_ar1
    est = estimate(x)
    tau = integrated_time(x).tau
    assert est.n == N_LONG
    assert est.mean == pytest.approx(x.mean(), rel=1e-12, abs=1e-15)
    assert est.tau_int == tau
    assert est.error == pytest.approx(math.sqrt(2 * tau * x.var(ddof=1) / N_LONG), rel=1e-12)
    assert est.ess == pytest.approx(N_LONG / (2 * tau))
    # error ~ sqrt(tau var): relative sd (1/2) sqrt(2(2W+1)/n) from tau and
    # (1/2) sqrt(2(1+a^2)/((1-a^2) n)) from var, 1.6 % at most (a = 0.9): 6 % ~ 3.7 sd
    exact = math.sqrt((1 + a) / (1 - a) / N_LONG)
    assert est.error == pytest.approx(exact, rel=0.06)


def test_estimate_str():
    est = Estimate(mean=0.73214, error=0.004213, tau_int=3.14, ess=812.4, n=5100)
    assert str(est) == "0.7321 +- 0.0042 (tau_int 3.1, ESS 812)"
    assert str(Estimate(1234.5, 42.0, 0.5, 100.0, 100)).startswith("1234 +- 42 ")
    assert str(Estimate(2.0, 0.0, 0.5, 10.0, 10)) == "2 +- 0 (tau_int 0.5, ESS 10)"


def test_estimate_is_frozen():
    est = estimate([1.0, 2.0, 3.0])
    with pytest.raises(AttributeError):
        est.mean = 0.0


def test_coverage_of_two_sigma_intervals():
    # 400 independent AR(1) series (a = 0.7, n = 4000, true mean 0): |mean| < 2 error
    # should hold with probability 95.4 %; binomial sd sqrt(.954 .046 / 400) = 1.05 %,
    # so [0.90, 0.99] is about -5 sd / +3.4 sd around it and leaves room for the known
    # few-per-cent underestimation of both error estimators at tau_int = 2.8, n = 4000.
    X = ar1(0.7, 4000, np.random.default_rng(8), size=(400,))
    means = X.mean(axis=1)
    windowed = np.array([estimate(x).error for x in X])
    blocked = np.array([blocking_error(x).error for x in X])
    for errors in (windowed, blocked):
        coverage = np.mean(np.abs(means) < 2 * errors)
        assert 0.90 <= coverage <= 0.99


# --------------------------------------------------------------------------
# jackknife
# --------------------------------------------------------------------------


def test_jackknife_identity_is_mean_and_block_standard_error():
    x = ar1(0.5, 3200, np.random.default_rng(9))
    est, err = jackknife(lambda m: m, x, n_blocks=32)
    blocks = x.reshape(32, 100).mean(axis=1)
    assert est == pytest.approx(x.mean(), rel=1e-12, abs=1e-14)
    assert err == pytest.approx(blocks.std(ddof=1) / math.sqrt(32), rel=1e-10)


def test_jackknife_drops_the_tail_and_handles_vector_samples():
    rng = np.random.default_rng(10)
    x = rng.standard_normal((1000, 3))  # 31 samples per block, the last 8 dropped
    est, err = jackknife(lambda m: m, x, n_blocks=32)
    assert est.shape == err.shape == (3,)
    blocks = x[:992].reshape(32, 31, 3).mean(axis=1)
    np.testing.assert_allclose(est, x[:992].mean(axis=0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(err, blocks.std(axis=0, ddof=1) / math.sqrt(32), rtol=1e-10)


def test_jackknife_ratio_against_delta_method():
    # x ~ 1 + 0.5 eps, y ~ 2 + 0.5 eps' iid: f = <x>/<y> -> 1/2 with delta-method error
    # sqrt(Var(xbar)/4 + Var(ybar)/16).  The jackknife error's relative sd with
    # 100 blocks is 1/sqrt(2 * 99) = 7 %: tolerance 25 % (3.5 sd).
    rng = np.random.default_rng(11)
    n = 100_000
    x = 1 + 0.5 * rng.standard_normal(n)
    y = 2 + 0.5 * rng.standard_normal(n)
    est, err = jackknife(lambda mx, my: mx / my, x, y, n_blocks=100)
    delta = math.sqrt(0.25 / n / 4 + 0.25 / n / 16)
    assert err == pytest.approx(delta, rel=0.25)
    assert abs(est - 0.5) < 4 * err


def test_jackknife_variance_of_ar1():
    # <x^2> - <x>^2 of unit-variance AR(1): value 1; for a Gaussian AR(1) x^2 has
    # rho(t) = a^(2t), so the exact error is sqrt(2/n (1 + a^2)/(1 - a^2)).
    a, n = 0.5, 100_000
    x = ar1(a, n, np.random.default_rng(12))
    est, err = jackknife(lambda m1, m2: m2 - m1**2, x, x**2, n_blocks=100)
    exact_err = math.sqrt(2 / n * (1 + a * a) / (1 - a * a))
    assert err == pytest.approx(exact_err, rel=0.25)
    assert abs(est - 1) < 4 * exact_err


def test_jackknife_bias_correction():
    # f(<x>) = <x>^2 for iid N(0, 1), n = 64: the plug-in value is biased up by
    # Var(mean) = 1/64; the block jackknife (32 blocks of 2) removes this bias exactly
    # for a quadratic f.  4000 independent replicas along the second axis.
    x = np.random.default_rng(13).standard_normal((64, 4000))
    naive = x.mean(axis=0) ** 2
    est, _ = jackknife(lambda m: m**2, x, n_blocks=32)
    # direction: the correction lowers every replica (theta_bar >= theta by convexity)
    assert np.all(est <= naive)
    se = est.std() / math.sqrt(est.size)
    assert abs(naive.mean() - 1 / 64) < 4 * naive.std() / math.sqrt(naive.size)
    assert abs(est.mean()) < 4 * se
    assert naive.mean() - est.mean() > 20 * se


# --------------------------------------------------------------------------
# equilibration
# --------------------------------------------------------------------------


def test_equilibration_check_passes_on_stationary_ar1():
    x = ar1(0.5, 4000, np.random.default_rng(14))
    res = equilibration_check(x)
    assert res.passed
    assert abs(res.z) <= 3
    assert res.first.n == res.second.n == 2000
    assert res.z == pytest.approx(
        (res.second.mean - res.first.mean) / (math.sqrt(2) * res.second.error)
    )


def test_equilibration_check_fails_on_transient():
    # first-half shift 3 * 200 / 2000 = 0.3 against sqrt(2) * 0.04 for the noise
    n = 4000
    x = ar1(0.5, n, np.random.default_rng(14)) + 3 * np.exp(-np.arange(n) / 200)
    res = equilibration_check(x)
    assert not res.passed
    assert res.z < -3  # the first half sits higher
    assert res.first.tau_int > res.second.tau_int


def test_equilibration_check_odd_length_and_constant_halves():
    res = equilibration_check(np.r_[np.zeros(5), 7.0, np.zeros(5)])  # middle sample dropped
    assert res.passed
    assert res.z == 0.0
    res = equilibration_check(np.r_[np.zeros(5), np.ones(5)])
    assert not res.passed
    assert res.z == math.inf


# --------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------

finite_series = st.lists(
    st.floats(allow_nan=False, allow_infinity=False), min_size=2, max_size=200
).map(np.array)


@given(finite_series)
def test_autocorrelation_is_normalized_and_bounded(x):
    rho = autocorrelation(x)
    assert rho.shape == x.shape
    assert rho[0] == 1.0
    assert np.all(np.abs(rho) <= 1 + 1e-12)
    res = integrated_time(x)
    assert np.isfinite(res.tau)
    assert res.tau > 0
    assert 1 <= res.window <= x.size - 1


@given(
    x=st.lists(st.integers(-1000, 1000), min_size=3, max_size=300).map(np.array),
    scale=st.floats(0.01, 100.0),
    sign=st.sampled_from([-1.0, 1.0]),
    shift=st.floats(-1000.0, 1000.0),
)
def test_integrated_time_is_affine_invariant(x, scale, sign, shift):
    assume(np.ptp(x) > 0)
    x = x.astype(float)
    res = integrated_time(x)
    moved = integrated_time(sign * scale * x + shift)
    assert moved.window == res.window
    assert moved.tau == pytest.approx(res.tau, rel=1e-9)
    assert moved.reliable == res.reliable


@given(value=st.floats(allow_nan=False, allow_infinity=False), n=st.integers(2, 300))
def test_constant_series_gives_no_nan(value, n):
    x = np.full(n, value)
    rho = autocorrelation(x)
    assert rho[0] == 1.0
    assert np.all(rho[1:] == 0.0)
    assert integrated_time(x).tau == 0.5
    est = estimate(x)
    assert est.mean == value
    assert est.error == 0.0
    assert est.ess == n
    if n >= 32:
        res = blocking_error(x)
        assert res.error == 0.0
        assert res.converged
        assert res.errors_by_level.shape == (int(math.log2(n)), 2)
    if n >= 4:
        check = equilibration_check(x)
        assert check.passed
        assert check.z == 0.0


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=32, max_size=200).map(
        np.array
    )
)
def test_blocking_and_estimate_finite_on_any_series(x):
    res = blocking_error(x)
    assert np.all(np.isfinite(res.errors_by_level))
    assert res.error >= 0
    est = estimate(x)
    assert np.isfinite(est.mean)
    assert np.isfinite(est.error)
    assert est.error >= 0


# --------------------------------------------------------------------------
# several chains: combined tau_int and ESS, split-R-hat
# --------------------------------------------------------------------------

# A 3 x 9 array with ties, an odd length and a chain apart, and the R-hat that
# ArviZ 0.23.4 gives for it (az.rhat(x, method="rank")): 1.3395307098207765,
# and 0.9070408032020061 for the first two chains.
ARVIZ_CHAINS = np.array(
    [
        [0.3, -1.2, 0.8, 0.8, 2.1, -0.4, 0.0, 1.5, 0.9],
        [1.1, 0.2, -0.7, 1.9, 0.4, 0.4, 2.6, -0.1, 0.5],
        [3.0, 2.2, 1.7, 4.1, 2.9, 3.3, 1.8, 2.5, 3.6],
    ]
)


def test_split_r_hat_is_that_of_vehtari_et_al_as_arviz_computes_it():
    assert split_r_hat(ARVIZ_CHAINS) == pytest.approx(1.3395307098207765, rel=1e-13)
    assert split_r_hat(ARVIZ_CHAINS[:2]) == pytest.approx(0.9070408032020061, rel=1e-13)


def test_split_r_hat_by_hand():
    # four draws: halves [0, 1] and [2, 3], ranks 1..4 -> z = ndtri((r - 3/8) / 4.25);
    # folded about the median 1.5: |x - 1.5| = [1.5, .5, .5, 1.5], ranks [3.5, 1.5, 1.5, 3.5]
    from scipy.stats import norm

    def classic(z):
        n = z.shape[1]
        w = z.var(axis=1, ddof=1).mean()
        return math.sqrt(((n - 1) / n * w + z.mean(axis=1).var(ddof=1)) / w)

    bulk = classic(norm.ppf((np.array([[1.0, 2.0], [3.0, 4.0]]) - 0.375) / 4.25))
    tail = classic(norm.ppf((np.array([[3.5, 1.5], [1.5, 3.5]]) - 0.375) / 4.25))
    assert tail < bulk
    assert split_r_hat([0.0, 1.0, 2.0, 3.0]) == pytest.approx(bulk, rel=1e-14)


def test_split_r_hat_of_iid_chains_is_one_and_of_shifted_chains_large():
    # 4 chains x 1000 iid draws: R^2 ~ (n'-1)/n' + F(7, ~4000)/n', n' = 500, so that
    # R-hat < 1.01 (Vehtari et al.'s threshold) fails with probability ~1e-9
    x = np.random.default_rng(20).standard_normal((4, 1000))
    assert 0.998 < split_r_hat(x) < 1.01
    assert split_r_hat(x + 0.5 * np.arange(4)[:, None]) > 1.1
    # the same chains, one of them with twice the spread: only the folded R-hat sees it
    wide = x * np.array([[1.0], [1.0], [1.0], [2.0]])
    assert split_r_hat(wide) > 1.05
    # one drifting chain: its halves disagree
    assert split_r_hat(x[0] + np.linspace(0.0, 2.0, 1000)) > 1.2


def test_degenerate_chains_give_one_or_inf_never_nan():
    assert split_r_hat(np.full((3, 10), 2.5)) == 1.0
    apart = np.repeat([[0.0], [1.0]], 10, axis=1)
    assert split_r_hat(apart) == math.inf
    est = estimate(apart)
    assert (est.mean, est.r_hat, est.n, est.n_chains) == (0.5, math.inf, 20, 2)
    assert est.error > 0.2  # two chains, two values: the error is not that of 20 draws
    assert np.all(autocorrelation(apart) == 1.0)


def test_estimate_of_ar1_chains(long_ar1):
    # 4 chains of the same process: tau_int, ESS and error are those of one chain of
    # all the draws, within the tolerances of test_estimate_fields
    a, x = long_ar1
    chains = x.reshape(4, -1)
    est = estimate(chains)
    assert (est.n, est.n_chains) == (N_LONG, 4)
    assert est.mean == pytest.approx(x.mean(), rel=1e-12, abs=1e-15)
    assert est.tau_int == pytest.approx(tau_exact(a), rel=0.15)
    assert est.ess == pytest.approx(N_LONG / (2 * est.tau_int))
    assert est.error == pytest.approx(math.sqrt(x.var(ddof=1) / est.ess), rel=1e-12)
    assert est.error == pytest.approx(math.sqrt((1 + a) / (1 - a) / N_LONG), rel=0.08)
    assert est.r_hat < 1.01


def test_chains_that_disagree_get_a_larger_error():
    # the same AR(1) chains, once around one mean and once around four: the spread of
    # the chain means (sd 1.1) dominates the error, instead of vanishing in the average
    x = ar1(0.5, 2000, np.random.default_rng(21), size=(4,))
    agree, disagree = estimate(x), estimate(x + np.array([[-1.5], [-0.5], [0.5], [1.5]]))
    assert agree.error < 0.03
    assert disagree.error > 10 * agree.error
    assert disagree.tau_int > 100 * agree.tau_int
    assert disagree.r_hat > 1.5


def test_coverage_of_two_sigma_intervals_over_chains():
    # as test_coverage_of_two_sigma_intervals, with 400 sets of 4 chains of 1000 draws
    X = ar1(0.7, 1000, np.random.default_rng(22), size=(400, 4))
    coverage = np.mean([abs(x.mean()) < 2 * estimate(x).error for x in X])
    assert 0.90 <= coverage <= 0.99


def test_estimate_str_shows_r_hat():
    assert str(estimate(ARVIZ_CHAINS)).endswith(", R-hat 1.340)")
    assert "R-hat" not in str(estimate([1.0, 2.0, 4.0]))


chains_strategy = st.tuples(st.integers(1, 5), st.integers(2, 60)).flatmap(
    lambda shape: st.lists(
        st.floats(-1e6, 1e6, allow_nan=False),
        min_size=shape[0] * shape[1],
        max_size=shape[0] * shape[1],
    ).map(lambda v, shape=shape: np.array(v).reshape(shape))
)


def _fields(est: Estimate) -> tuple:
    return (est.mean, est.error, est.tau_int, est.ess, est.n, est.n_chains, repr(est.r_hat))


@given(finite_series)
def test_one_chain_as_1d_or_2d_gives_the_same_numbers(x):
    assert _fields(estimate(x)) == _fields(estimate(x[None, :]))
    assert integrated_time(x) == integrated_time(x[None, :])
    assert np.array_equal(autocorrelation(x), autocorrelation(x[None, :]))
    if x.size >= 4:
        assert repr(split_r_hat(x)) == repr(split_r_hat(x[None, :]))


@given(chains_strategy, st.randoms(use_true_random=False))
def test_chain_order_does_not_matter(x, random):
    order = list(range(x.shape[0]))
    random.shuffle(order)
    a, b = estimate(x), estimate(x[order])
    scale = max(float(np.max(np.abs(x))), 1e-300)
    assert b.mean == pytest.approx(a.mean, rel=1e-12, abs=1e-12 * scale)
    for name in ("error", "tau_int", "ess"):
        assert getattr(b, name) == pytest.approx(getattr(a, name), rel=1e-9, abs=1e-9 * scale)
    assert (b.r_hat == pytest.approx(a.r_hat, rel=1e-9)) or (math.isnan(a.r_hat + b.r_hat))


@given(
    st.tuples(st.integers(1, 5), st.integers(4, 60)).flatmap(
        lambda shape: st.lists(
            st.integers(-1000, 1000), min_size=shape[0] * shape[1], max_size=shape[0] * shape[1]
        ).map(lambda v, shape=shape: np.array(v, dtype=float).reshape(shape))
    ),
    st.sampled_from([0.25, 2.0, 1024.0]),
    st.integers(-1000, 1000),
)
def test_r_hat_is_affine_invariant_and_at_least_its_floor(x, scale, shift):
    # ranks, so any increasing map; exact here (powers of two, integers), ties included
    r = split_r_hat(x)
    assert split_r_hat(scale * x + shift) == pytest.approx(r, rel=1e-12)
    # R^2 = (n'-1)/n' + (B/n')/W with B >= 0
    half = x.shape[1] // 2
    assert r >= math.sqrt((half - 1) / half) * (1 - 1e-12)


@given(st.integers(0, 2**32 - 1), st.integers(2, 8), st.integers(50, 400))
def test_chains_cut_from_one_iid_series_have_r_hat_near_one(seed, n_chains, n):
    # the bulk R^2 is (n'-1)/n' + F/n' with F ~ F(2M - 1, 2M(n' - 1)); F < 12 but for
    # a probability below 1e-6 at 3 or more degrees of freedom, for each of the two R-hats
    x = np.random.default_rng(seed).standard_normal(n_chains * n).reshape(n_chains, n)
    half = n // 2
    assert split_r_hat(x) < math.sqrt(1 + 11 / half)


@given(st.integers(0, 2**32 - 1), st.integers(2, 6), st.integers(20, 200))
def test_chains_far_apart_have_a_large_r_hat(seed, n_chains, n):
    x = np.random.default_rng(seed).standard_normal((n_chains, n))
    assert split_r_hat(x + 20.0 * np.arange(n_chains)[:, None]) > 1.4


# --------------------------------------------------------------------------
# errors: one test per message
# --------------------------------------------------------------------------


def test_series_must_be_one_chain_or_chains():
    with pytest.raises(ValueError, match=r"x has shape \(2, 3, 4\); pass one chain, shape \(n_d"):
        integrated_time(np.zeros((2, 3, 4)))
    with pytest.raises(ValueError, match=r"x has shape \(0, 5\); pass at least one chain of"):
        estimate(np.zeros((0, 5)))
    with pytest.raises(ValueError, match=r"x has shape \(3, 1\); pass at least one chain of at"):
        autocorrelation(np.zeros((3, 1)))
    # blocking and the equilibration check take one chain
    with pytest.raises(ValueError, match=r"x has shape \(3, 4\); pass a 1-D time series"):
        blocking_error(np.zeros((3, 4)))


def test_split_r_hat_needs_four_draws():
    with pytest.raises(ValueError, match="x has 3 draws per chain; split-R-hat needs at least 4"):
        split_r_hat(np.zeros((2, 3)))
    assert math.isnan(estimate(np.arange(6.0).reshape(2, 3)).r_hat)


def test_series_too_short():
    with pytest.raises(ValueError, match="x has length 1; pass a series of at least 2 samples"):
        autocorrelation([1.0])


def test_equilibration_series_too_short():
    with pytest.raises(ValueError, match="x has length 3; pass a series of at least 4 samples"):
        equilibration_check([1.0, 2.0, 3.0])


def test_series_dtype():
    with pytest.raises(TypeError, match="x has dtype complex128; pass a real numeric array"):
        estimate(np.ones(10, dtype=complex))


def test_series_nan():
    with pytest.raises(ValueError, match="x contains NaN; drop or fill the missing samples"):
        estimate([1.0, np.nan, 2.0])


def test_series_inf():
    with pytest.raises(ValueError, match="x contains inf; pass finite samples"):
        blocking_error(np.r_[np.ones(40), np.inf])


def test_window_constant_not_positive():
    with pytest.raises(ValueError, match="c=0 must be a finite number > 0"):
        integrated_time(np.arange(10.0), c=0)


def test_window_constant_not_real():
    with pytest.raises(TypeError, match="c='5' must be a real number"):
        estimate(np.arange(10.0), c="5")


def test_n_sigma_not_positive():
    with pytest.raises(ValueError, match="n_sigma=-1 must be a finite number > 0"):
        equilibration_check(np.arange(10.0), n_sigma=-1)


def test_blocking_series_shorter_than_min_blocks():
    with pytest.raises(ValueError, match="x has length 20 < min_blocks=32; pass a longer"):
        blocking_error(np.arange(20.0))


def test_blocking_min_blocks_too_small():
    with pytest.raises(ValueError, match="min_blocks=1 must be >= 2"):
        blocking_error(np.arange(20.0), min_blocks=1)


def test_jackknife_f_not_callable():
    with pytest.raises(TypeError, match="f=3 must be callable"):
        jackknife(3, np.arange(100.0))


def test_jackknife_no_samples():
    with pytest.raises(ValueError, match="jackknife got no samples; pass f and at least one"):
        jackknife(lambda m: m)


def test_jackknife_scalar_sample():
    with pytest.raises(ValueError, match=r"samples\[0\] has shape \(\); pass a time series"):
        jackknife(lambda m: m, 3.0)


def test_jackknife_sample_too_short():
    with pytest.raises(
        ValueError, match=r"samples\[1\] has length 50 < 2\*n_blocks=64; pass a longer series"
    ):
        jackknife(lambda a, b: a / b, np.ones(100), np.ones(50))
    with pytest.raises(ValueError, match=r"samples\[0\] has length 50 < 2\*n_blocks=64"):
        jackknife(lambda a: a, np.ones(50))


def test_jackknife_unequal_lengths():
    with pytest.raises(
        ValueError,
        match=r"samples\[1\] has length 99 but samples\[0\] has length 100; pass series of equal",
    ):
        jackknife(lambda a, b: a / b, np.ones(100), np.ones(99))


def test_jackknife_nan_names_the_sample():
    bad = np.ones(100)
    bad[3] = np.nan
    with pytest.raises(ValueError, match=r"samples\[1\] contains NaN"):
        jackknife(lambda a, b: a / b, np.ones(100), bad)


def test_jackknife_n_blocks_too_small():
    with pytest.raises(ValueError, match="n_blocks=1 must be >= 2"):
        jackknife(lambda m: m, np.ones(100), n_blocks=1)
