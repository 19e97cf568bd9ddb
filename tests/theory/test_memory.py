"""Signal-to-noise theory of the memories: closed forms, limits, and Ramsauer's bound."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import expit, ndtri

from hebbian.memory import LinearMemory, PolynomialMemory, SoftmaxMemory
from hebbian.theory import exponential
from hebbian.theory.memory import (
    gate_moments,
    predicted_capacity,
    predicted_delta_capacity,
    predicted_delta_retention,
    predicted_gated_retention,
    predicted_retention,
    ramsauer_capacity,
)

Z2 = ndtri(0.9) ** 2  # z^2 at the default threshold, 1.642


@pytest.mark.parametrize("d", [16, 48, 64])
def test_predicted_capacities_have_the_closed_forms(d):
    assert predicted_capacity(LinearMemory().kernel, d) == math.floor(1 + d / Z2)
    assert predicted_capacity(PolynomialMemory(3).kernel, d) == math.floor(
        1 + d**3 / ((3 * d - 2) * Z2)
    )
    beta_0 = 0.25
    n_c = 1 + math.exp(2 * beta_0 * d) / (math.cosh(2 * beta_0) ** d * Z2)
    assert predicted_capacity(SoftmaxMemory(beta_0 * d).kernel, d) == math.floor(n_c)


def test_softmax_exponent_is_the_rem_threshold():
    """log n_c / d -> 2 beta_0 - log cosh 2 beta_0 = theory.exponential.alpha_zero_T(beta_0)."""
    beta_0, d = 0.25, 100
    n_c = predicted_capacity(SoftmaxMemory(beta_0 * d).kernel, d)
    alpha = exponential.alpha_zero_T(beta_0, 1.0)
    assert alpha == pytest.approx(2 * beta_0 - math.log(math.cosh(2 * beta_0)))
    assert math.log(n_c) / d == pytest.approx(alpha, abs=2 / d)


def test_forget_gate_horizon_has_the_closed_form():
    """Stationary accuracy >= 0.9 up to lag* = (tau/2) log[(1 - g^2)(d + z^2)/z^2]."""
    d, gamma = 256, math.exp(-1 / 20)
    lags = np.arange(200)
    acc = predicted_retention(LinearMemory().kernel, d, 10**6, lags, gamma=gamma)["accuracy"]
    horizon = 10 * math.log((1 - gamma**2) * (d + Z2) / Z2)
    assert np.all(acc[lags <= horizon] >= 0.9)
    assert np.all(acc[lags > horizon] < 0.9)


def test_squared_correlation_is_signal_over_signal_plus_noise():
    """r2 = gamma^(2L) / (gamma^(2L) + noise), the stationary noise
    (1/(1 - gamma^2) - gamma^(2L))/d, falling with the lag."""
    d, gamma, lags = 64, 0.9, np.arange(400)
    out = predicted_retention(LinearMemory().kernel, d, 10**5, lags, gamma=gamma)
    noise = (1 / (1 - gamma**2) - gamma ** (2 * lags)) / d
    assert np.allclose(out["r2"], gamma ** (2 * lags) / (gamma ** (2 * lags) + noise))
    assert np.all(np.diff(out["r2"]) < 0)


def test_gate_moments_of_a_constant_and_a_sharp_gate():
    m = gate_moments(0.0, 1.3)
    assert m["mean"] == pytest.approx(expit(1.3), rel=1e-14)
    assert m["second"] == pytest.approx(expit(1.3) ** 2, rel=1e-14)
    assert m["log_var"] == pytest.approx(0.0, abs=1e-14)
    # a step gate at b = 0: alpha is 0 or 1 with probability 1/2 each
    sharp = gate_moments(200.0, 0.0)
    assert sharp["mean"] == pytest.approx(0.5, abs=0.02)
    assert sharp["second"] == pytest.approx(0.5, abs=0.02)


def test_gated_retention_with_a_constant_gate_is_the_forget_gate():
    lags = np.arange(0, 40, 3)
    gated = predicted_gated_retention(64, 300, lags, gain=0.0, bias=1.5)
    forget = predicted_retention(LinearMemory().kernel, 64, 300, lags, gamma=expit(1.5))
    for key in ("accuracy", "signal", "noise", "r2"):
        assert np.allclose(gated[key], forget[key], rtol=1e-10), key


def test_gate_fluctuations_lengthen_the_noise_memory_at_equal_mean():
    """E alpha^2 > (E alpha)^2: a fluctuating gate keeps more crosstalk than a constant one."""
    m = gate_moments(3.0, 2.0)
    constant_bias = math.log(m["mean"] / (1 - m["mean"]))
    lags = np.arange(30)
    fluct = predicted_gated_retention(64, 400, lags, gain=3.0, bias=2.0)
    const = predicted_gated_retention(64, 400, lags, gain=0.0, bias=constant_bias)
    assert np.allclose(fluct["signal"], const["signal"], rtol=1e-9)
    assert np.all(fluct["noise"] > const["noise"])


def test_ramsauer_bound_reproduces_the_papers_examples():
    """Theorem 3's stated cases: c = 3.1546 (beta = 1, K = 3, d = 20, p = 0.001; a + log b > 1.27)
    and c = 1.3718 (K = 1, d = 75; a + log b < -0.94)."""
    first = ramsauer_capacity(20, beta=1.0, K=3.0, p=0.001)
    assert first["c"] == pytest.approx(3.1546, abs=1e-4)
    assert first["a"] + math.log(first["b"]) > 1.27
    second = ramsauer_capacity(75, beta=1.0, K=1.0, p=0.001)
    assert second["c"] == pytest.approx(1.3718, abs=1e-4)
    assert second["a"] + math.log(second["b"]) < -0.94
    assert first["valid"]
    assert second["valid"]
    # c solves c W-free: b / c = W0(exp(a) b), i.e. (b/c) exp(b/c) = b exp(a)
    w = first["b"] / first["c"]
    assert w * math.exp(w) == pytest.approx(first["b"] * math.exp(first["a"]), rel=1e-12)


def test_ramsauer_bound_grows_exponentially_in_d():
    ds = np.array([50, 100, 200, 400])
    logs = np.array([ramsauer_capacity(int(d), K=2.0)["log_n_patterns"] for d in ds])
    slopes = np.diff(logs) / np.diff(ds)
    assert np.all(slopes > 0)
    c_inf = ramsauer_capacity(10**6, K=2.0)["c"]
    assert slopes[-1] == pytest.approx(math.log(c_inf) / 4, rel=0.05)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: ramsauer_capacity(1), "d=1"),
        (lambda: ramsauer_capacity(10, p=0.0), "p=0"),
        (lambda: ramsauer_capacity(10, beta=-1.0), "beta=-1"),
        (lambda: gate_moments(-1.0, 0.0), "gain=-1"),
        (lambda: predicted_capacity(LinearMemory().kernel, 8, threshold=0.5), "threshold"),
    ],
)
def test_bad_theory_arguments_are_refused(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_delta_rule_theory_limits():
    """One write is a projection (exact); the stationary error variance 2 gives the horizon
    (d/2) log((1 + z^2)/z^2) of accuracy 0.9; the capacity grows as d."""
    one = predicted_delta_retention(64, 1, [0])
    assert one["accuracy"][0] == 1.0
    assert one["noise"][0] == 0.0
    d, lags = 256, np.arange(400)
    acc = predicted_delta_retention(d, 20000, lags)["accuracy"]
    horizon = d / 2 * math.log((1 + Z2) / Z2)
    assert np.all(acc[lags <= horizon - 2] >= 0.9)
    assert np.all(acc[lags >= horizon + 2] < 0.9)
    caps = np.array([predicted_delta_capacity(d) for d in (64, 128, 256)])
    assert np.allclose(caps / np.array([64, 128, 256]), caps[-1] / 256, atol=0.01)


def test_delta_rule_theory_with_a_gate_and_a_small_rate():
    """eta -> 0 at gamma < 1: the error is the value itself, the delta rule the forget-gated
    Hebbian memory scaled by eta."""
    out = predicted_delta_retention(64, 200, np.arange(10), eta=1e-6, gamma=0.9)
    assert np.allclose(out["signal"], 1e-6 * (0.9 - 1e-6 / 64) ** np.arange(10), rtol=1e-12)
    hebb = predicted_retention(LinearMemory().kernel, 64, 200, np.arange(10), gamma=0.9)
    assert np.allclose(out["accuracy"], hebb["accuracy"], rtol=1e-4)
