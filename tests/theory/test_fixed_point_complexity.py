"""Annealed Kac-Rice complexity: closed forms, limits, the gated reduction, finite-N counts."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hebbian.rnn import GatedRNN, VanillaRNN
from hebbian.rnn.fixed_points import find_fixed_points
from hebbian.theory import fixed_point_complexity as fpc
from hebbian.theory.fixed_point_complexity import (
    complexity,
    complexity_curve,
    complexity_profile,
    vanilla_complexity_onset,
)


@pytest.mark.parametrize("g", [0.5, 0.9])
def test_vanilla_single_fixed_point_below_one(g):
    """Sigma = 0 for g <= 1 (Wainrib-Touboul): the profile is negative everywhere."""
    s = complexity(g, n_Q=12)
    assert s.success
    assert s["Sigma"] == 0.0
    assert s["Sigma_max"] < 0
    assert s.branch == "isolated"


@pytest.mark.parametrize("g", [0.8, 1.5])
def test_linear_limit(g):
    """Q -> 0: exactly 0 above g = 1 (scale invariance), (g^2-1)/(2g^2) - log g below."""
    s = complexity_profile(g, 1e-6)
    expected = 0.0 if g > 1 else (g * g - 1) / (2 * g * g) - math.log(g)
    assert s.success
    assert s["Sigma"] == pytest.approx(expected, abs=1e-5)


def test_gated_linear_limit():
    """Q -> 0 with a gate: r -> 0, the gate is the constant s0 = sigma(beta_r), gain g s0."""
    g, s0 = 1.5, 0.5
    s = complexity_profile(g, 1e-6, alpha_r=10.0, beta_r=0.0)
    ge = g * s0
    assert s.success
    assert s["Sigma"] == pytest.approx((ge * ge - 1) / (2 * ge * ge) - math.log(ge), abs=5e-4)


@pytest.mark.parametrize(("g", "alpha_r", "beta_r"), [(2.0, 0.0, math.inf), (1.7, 10.0, 0.0)])
def test_solution_is_stationary(g, alpha_r, beta_r):
    """Eq. (7) are the derivatives of G of Eq. (6): its numerical gradient vanishes there, and
    at the maximum over Q the envelope condition Q_hat = (1 - <y^2>) / (2 Q) holds."""
    s = complexity(g, alpha_r=alpha_r, beta_r=beta_r, Q_min=1e-3, Q_max=0.5, n_Q=12)
    assert s.success
    assert s["u"] > 0
    gate, Q = fpc._Gate(alpha_r, beta_r), s["Q"]
    x = np.array([s[k] for k in ("q", "q_hat", "Q_hat", "u", "P", "R")])
    for i in range(x.size):
        step = 1e-6 * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += step
        down[i] -= step
        slope = (fpc._terms(up, g, Q, gate)[1] - fpc._terms(down, g, Q, gate)[1]) / (2 * step)
        assert abs(slope) < 1e-6
    assert s["Q_hat"] == pytest.approx((1 - s["y2"]) / (2 * Q), rel=1e-3)


def test_vanilla_onset_is_cubic():
    """Eq. (8): Sigma = (16/81)(g - 1)^3 at q = 2(g - 1)/3, approached as g -> 1+."""
    ratios = []
    for eps in (0.01, 0.02):
        s = complexity(1.0 + eps, Q_max=0.2, n_Q=24)
        assert s.success
        assert s.branch == "proliferation"
        ratios.append(s["Sigma"] / vanilla_complexity_onset(1.0 + eps))
        assert s["Q"] == pytest.approx(2 * eps / 3, rel=0.05)
    assert abs(ratios[0] - 1) < 0.05
    assert abs(ratios[0] - 1) < abs(ratios[1] - 1)


@pytest.mark.parametrize("kappa", [1 / 3, 2 / 3, 0.9])
def test_vanilla_onset_profile_closed_form(kappa):
    """Eq. (8) at g^2 Q = kappa eps: Sigma / eps^3 -> (4/3) kappa^2 (1 - kappa), Q_hat -> (1 -
    kappa)/kappa, u / eps -> 2 (1 - kappa); the O(eps) corrections removed by Richardson
    extrapolation over eps = 0.005, 0.01, 0.02 (errors then O(eps^2) ~ 1e-4)."""
    eps = np.array([0.005, 0.01, 0.02])
    rows = []
    for e in eps:
        s = complexity_profile(1 + e, kappa * e / (1 + e) ** 2)
        assert s.success
        rows.append([s["Sigma"] / e**3, s["Q_hat"], s["u"] / e])
    rows = np.array(rows)
    # quadratic in eps through the three points, evaluated at eps = 0
    limit = (8 * rows[0] - 6 * rows[1] + rows[2]) / 3
    expected = [4 / 3 * kappa**2 * (1 - kappa), (1 - kappa) / kappa, 2 * (1 - kappa)]
    assert limit == pytest.approx(expected, rel=2e-3)
    # the order eps^2 cancels: log |det| alone (Ginibre's log-potential at h -> 0) is ~ eps^2
    g = 1 + eps[0]
    log_potential = math.log(g) - (g * g - 1) / (2 * g * g)
    assert log_potential == pytest.approx(eps[0] ** 2, rel=3 * eps[0])
    assert rows[0, 0] * eps[0] ** 3 < 0.01 * log_potential


@pytest.mark.parametrize("g", [2.4, 3.0])
def test_constant_gate_is_vanilla_with_scaled_gain(g):
    """alpha_r = 0: sigma_r = s0 = sigma(beta_r), the vanilla network at gain g s0."""
    gated = complexity(g, alpha_r=0.0, beta_r=0.0, n_Q=16)
    vanilla = complexity(g * 0.5, n_Q=16)
    assert gated.success
    assert vanilla.success
    assert gated["Sigma"] == pytest.approx(vanilla["Sigma"], abs=1e-9)


def test_sharp_gate_proliferates_below_the_stability_edge():
    """Output gate alpha_r = 10: Sigma > 0 from g ~ 1.6, below g = 2 where x = 0 turns unstable."""
    s = complexity_curve([1.5, 1.7, 1.9], alpha_r=10.0, beta_r=0.0, Q_min=1e-3, Q_max=0.5, n_Q=10)
    assert all(x.success for x in s)
    assert s[0]["Sigma_max"] < 0 < s[1]["Sigma_max"] < s[2]["Sigma_max"]
    assert s[1]["u"] > 0  # the typical fixed point's g J^h M reaches beyond the unit circle


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"g": -1.0, "Q": 0.1}, "g"),
        ({"g": 2.0, "Q": 1.5}, "Q"),
        ({"g": 2.0, "Q": 0.1, "alpha_r": 1.0}, "beta_r"),
    ],
)
def test_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        complexity_profile(**kwargs)


def _annealed_count(make, field, N: int, g: float, n_net: int = 16, n_starts: int = 150):
    """log(mean number of distinct Newton roots) / N over ``n_net`` networks at gain ``g``."""
    counts = []
    for k in range(n_net):
        ss = np.random.SeedSequence([7, round(100 * g), k]).spawn(2)
        net = make(N, g, ss[0])
        scales = np.geomspace(0.3, 3.0 * max(g, 1.0), n_starts)[:, None]
        starts = scales * np.random.default_rng(ss[1]).standard_normal((n_starts, N))
        fp = find_fixed_points(*field(net), starts)
        counts.append(fp.points.shape[0])
    return math.log(np.mean(counts)) / N


@pytest.mark.slow
def test_finite_n_counts_follow_the_trend_vanilla():
    """log(mean count)/N at N = 8 grows with g as Sigma does; one fixed point at g < 1."""
    gains = (0.8, 1.6, 2.4, 3.2)
    annealed = [
        _annealed_count(
            lambda N, g, rng: VanillaRNN.sample(N, g, rng=rng),
            lambda net: (net.vector_field, net.jacobian),
            8,
            g,
        )
        for g in gains
    ]
    sigma = [s["Sigma"] for s in complexity_curve(gains, n_Q=16)]
    assert annealed[0] == 0.0
    assert sigma[0] == 0.0
    assert np.all(np.diff(annealed) > 0)
    assert np.all(np.diff(sigma) > 0)


@pytest.mark.slow
def test_finite_n_counts_follow_the_trend_gated():
    """Sharp output gate, N = 8: log(mean count)/N grows with g from below to above g_p as
    Sigma does (at N = 8 it is positive below g_p too: finite-N offsets)."""
    gains = (1.4, 2.2, 3.0)
    annealed = [
        _annealed_count(
            lambda N, g, rng: GatedRNN.sample(N, g, rng=rng, alpha_r=10.0, beta_r=0.0),
            lambda net: (net.reduced_field, net.reduced_jacobian),
            8,
            g,
        )
        for g in gains
    ]
    curve = complexity_curve(gains, alpha_r=10.0, beta_r=0.0, Q_min=1e-3, Q_max=0.5, n_Q=10)
    sigma = [s["Sigma_max"] for s in curve]
    assert sigma[0] < 0 < sigma[1] < sigma[2]
    assert np.all(np.diff(annealed) > 0)
