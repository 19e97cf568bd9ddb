"""REM thresholds of exponential memories against their definitions and finite-N sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats

from hebbian.theory import exponential as EXP

ensembles = st.sampled_from(EXP.ENSEMBLES)
lams = st.floats(0.05, 4.0)


@settings(max_examples=40)
@given(lam=lams, ensemble=ensembles)
def test_kappa_is_the_legendre_transform_of_the_rate(lam, ensemble):
    m_star, kappa = EXP.saddle(lam, ensemble)
    res = optimize.minimize_scalar(
        lambda m: -(lam * m - EXP.rate(m, ensemble)),
        bounds=(0, 1 - 1e-12),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert kappa == pytest.approx(-res.fun, abs=1e-9)
    assert m_star == pytest.approx(res.x, abs=1e-5)
    # kappa' = m*
    h = 1e-6
    slope = (EXP.saddle(lam + h, ensemble)[1] - EXP.saddle(lam - h, ensemble)[1]) / (2 * h)
    assert slope == pytest.approx(m_star, abs=1e-6)


def test_binary_closed_forms():
    assert EXP.rate(1.0) == pytest.approx(math.log(2))
    assert EXP.saddle(0.7) == pytest.approx((math.tanh(0.7), math.log(math.cosh(0.7))))
    assert EXP.retrieval_overlap(0.5) == pytest.approx(math.tanh(2.0))
    m = EXP.retrieval_overlap(0.5, "spherical")
    assert m / (1 - m * m) == pytest.approx(2.0)


@settings(max_examples=40)
@given(m=st.floats(0.01, 0.999), lam=lams, ensemble=ensembles)
def test_critical_load_is_where_the_planted_term_meets_the_rem_sum(m, lam, ensemble):
    alpha = EXP.critical_load(m, lam, ensemble)
    assert 0 < alpha <= EXP.rate(m, ensemble) + 1e-12
    assert EXP.free_entropy(alpha, lam, ensemble) == pytest.approx(lam * m, rel=1e-9, abs=1e-12)
    # monotone in both arguments
    assert EXP.critical_load(min(m + 1e-3, 1.0), lam, ensemble) >= alpha
    assert EXP.critical_load(m, lam * 1.1, ensemble) >= alpha - 1e-12


@settings(max_examples=40)
@given(alpha=st.floats(1e-3, 0.6), lam=lams)
def test_cue_overlap_c_inverts_alpha_zero_T(alpha, lam):
    m0 = EXP.cue_overlap_c(alpha, lam)
    if alpha >= EXP.alpha_zero_T(lam, 1.0):
        assert math.isnan(m0)
    else:
        assert EXP.alpha_zero_T(lam, m0) == pytest.approx(alpha, abs=1e-9)


def test_zero_T_threshold_is_the_largest_overlap_rule_for_steep_exponents():
    """For m0 <= tanh(2 lam) the cued pattern need only have the cue's largest overlap."""
    for lam in (1.0, 2.0, 5.0):
        assert EXP.alpha_zero_T(lam, 0.8) == pytest.approx(EXP.rate(0.8), abs=1e-12)
    assert EXP.alpha_zero_T(1.0, 0.8) == pytest.approx(0.368064207, abs=1e-8)
    # flatter exponents: below the largest-overlap rule
    assert EXP.alpha_zero_T(0.3, 0.8) == pytest.approx(0.48 - math.log(math.cosh(0.6)))
    # zero-T flips beat one attention step, which beats nothing
    for lam in (0.3, 1.0, 3.0):
        assert EXP.alpha_zero_T(lam) >= EXP.alpha_one_step(lam)


def _finite_N_free_entropy(alpha, lam, N, ensemble, rng):
    """(1/N) log sum_k exp(lam N m_k) for K = e^(alpha N) random overlaps, level by level.

    The number of patterns at each overlap level is Poisson with the exact
    finite-N probability of the level (binomial, or the spherical density).
    """
    if ensemble == "binary":
        j = np.arange(N + 1)
        m = (2 * j - N) / N
        log_p = stats.binom.logpmf(j, N, 0.5)
    else:
        m = np.linspace(-1, 1, 20001)[1:-1]
        log_p = 0.5 * (N - 3) * np.log1p(-m * m)
        log_p += np.log(m[1] - m[0]) - np.logaddexp.reduce(log_p + np.log(m[1] - m[0]))
    log_mean = alpha * N + log_p
    bulk = log_mean > math.log(1e12)  # relative Poisson noise below 1e-6
    with np.errstate(divide="ignore"):
        sampled = np.log(rng.poisson(np.exp(np.minimum(log_mean, 28))))
    log_counts = np.where(bulk, log_mean, sampled)
    return float(np.logaddexp.reduce(log_counts + lam * N * m)) / N


@pytest.mark.parametrize("ensemble", EXP.ENSEMBLES)
@pytest.mark.parametrize(("alpha", "lam"), [(0.1, 1.0), (0.5, 1.0), (0.3, 0.5), (0.05, 3.0)])
def test_free_entropy_is_the_large_N_limit_of_the_sum(alpha, lam, ensemble):
    """Frozen (few terms) and unfrozen (many) phases alike: the gap shrinks like log(N)/N."""
    rng = np.random.default_rng(1)
    phi = EXP.free_entropy(alpha, lam, ensemble)
    gaps = [abs(_finite_N_free_entropy(alpha, lam, N, ensemble, rng) - phi) for N in (2000, 16000)]
    assert gaps[1] < 5e-3
    assert gaps[1] < 0.5 * gaps[0] or gaps[1] < 1e-4


@settings(max_examples=25)
@given(T=st.floats(0.05, 2.0), lam=st.floats(0.3, 3.0), ensemble=ensembles)
def test_equilibrium_line_lies_inside_the_spinodal(T, lam, ensemble):
    a_eq, a_sp = EXP.alpha_thermodynamic(T, lam, ensemble), EXP.alpha_spinodal(T, lam, ensemble)
    assert 0 < a_eq <= a_sp + 1e-12
    if 1 / lam <= T:  # frozen side: a retrieval state that exists dominates
        assert a_eq == pytest.approx(a_sp, abs=1e-9)


def test_low_temperature_limits():
    """T -> 0: both lines tend to the one-step alpha_1 = lam - kappa(lam).

    The equilibrium line slowly (spherical: ``T I(m_R) ~ T log(1/T)/2``).
    """
    for ensemble in EXP.ENSEMBLES:
        a1 = EXP.alpha_one_step(1.0, ensemble=ensemble)
        assert EXP.alpha_spinodal(0.01, 1.0, ensemble) == pytest.approx(a1, abs=5e-3)
        assert EXP.alpha_thermodynamic(1e-4, 1.0, ensemble) == pytest.approx(a1, abs=2e-3)
    assert EXP.alpha_one_step(1.0) == pytest.approx(1 - math.log(math.cosh(1.0)))


@pytest.mark.parametrize(
    "call",
    [
        lambda: EXP.rate(0.5, "gaussian"),
        lambda: EXP.rate(1.5),
        lambda: EXP.free_entropy(0.1, 0.0),
        lambda: EXP.free_entropy(-0.1, 1.0),
        lambda: EXP.alpha_spinodal(0.0, 1.0),
        lambda: EXP.critical_load(float("nan"), 1.0),
    ],
)
def test_bad_input_is_named(call):
    with pytest.raises(ValueError, match=r"ensemble|m=|lam=|alpha=|T=|must"):
        call()
