"""DMFT of the gated rate network against its exact limits, Eq. (4) and simulation.

References
----------
Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022); Sompolinsky, Crisanti,
Sommers, PRL 61, 259 (1988).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import expit

from hebbian.rnn import GatedRNN, lyapunov_spectrum
from hebbian.theory.dmft import solve_vanilla
from hebbian.theory.gated_dmft import (
    chaos_onset,
    fixed_point_gain,
    pair_average,
    solve_gated,
    solve_gated_branch,
    solve_gated_sampled,
    tricritical_alpha_r,
)

OPEN = 40.0  # a gate bias that makes sigma = 1 to double precision


def test_open_gates_are_the_vanilla_network():
    s = solve_gated(2.0, beta_r=OPEN, beta_z=OPEN).check()
    v = solve_vanilla(2.0, tau=s.tau[::50]).check()
    assert s.Delta0 == pytest.approx(v.Delta0, rel=1e-5)
    assert s.lambda_max == pytest.approx(v.lambda_max, rel=1e-4)
    assert s.decay_rate == pytest.approx(v.decay_rate, rel=1e-4)
    np.testing.assert_allclose(s.Delta[::50], v.Delta, atol=1e-5 * v.Delta0)


@pytest.mark.parametrize(("beta_r", "beta_z"), [(0.0, 0.0), (-1.0, -1.0), (1.5, 2.0)])
def test_constant_gates_rescale_gain_and_time(beta_r, beta_z):
    """alpha_r = 0: sigma_r = s0 multiplies g; sigma_z = c multiplies every rate."""
    s0, c = expit(beta_r), expit(beta_z)
    g = 1.8 / s0
    s = solve_gated(g, beta_r=beta_r, beta_z=beta_z).check()
    v = solve_vanilla(1.8, tau=c * s.tau[::40]).check()
    assert s.Delta0 == pytest.approx(v.Delta0, rel=1e-5)
    assert s.lambda_max == pytest.approx(c * v.lambda_max, rel=1e-4)
    np.testing.assert_allclose(s.Delta[::40], v.Delta, atol=1e-5 * v.Delta0)


def test_pair_average_closed_forms():
    assert pair_average(np.sin, 1.0, 1.0) == pytest.approx(
        (1 - math.exp(-2)) / 2, abs=1e-12
    )  # <sin^2 x> for x ~ N(0, 1)
    rho = np.array([-0.5, 0.0, 0.7])
    np.testing.assert_allclose(pair_average(np.exp, 0.5, rho), np.exp(0.5 + 0.5 * rho), rtol=1e-12)


@pytest.mark.parametrize(("alpha", "beta"), [(20.0, 0.0), (30.0, -6.0)])
def test_pair_average_resolves_a_sharp_gate(alpha, beta):
    """The slope of a sharp gate, a bump of width 1/alpha: rho = 0 and 1 by adaptive quad."""

    def bump(x):
        s = expit(alpha * x + beta)
        return alpha * s * (1 - s)

    v, centre = 0.5, -beta / alpha

    def moment(k):
        density = lambda x: bump(x) ** k * math.exp(-x * x / (2 * v))  # noqa: E731
        return quad(density, -8, 8, points=[centre], limit=400, epsabs=1e-13)[0] / math.sqrt(
            2 * math.pi * v
        )

    got = pair_average(bump, v, [0.0, 1.0], centre=centre, sharpness=alpha)
    np.testing.assert_allclose(got, [moment(1) ** 2, moment(2)], rtol=1e-6)


def test_fixed_point_gain_and_tricritical_closed_forms():
    assert fixed_point_gain(0.0) == 2.0
    assert fixed_point_gain(1.0) == pytest.approx(1.0 / expit(1.0), rel=1e-15)
    assert tricritical_alpha_r(0.0) == pytest.approx(math.sqrt(12.0), rel=1e-15)
    assert tricritical_alpha_r(math.log(5.0 / 3.0)) == math.inf  # s0 = 5/8


@pytest.mark.parametrize(
    ("alpha_r", "beta_r", "slow"),
    [(0.0, 0.0, {}), (5.0, 0.0, {}), (3.0, -1.0, {}), (5.0, 0.0, {"tau_r": 3.0, "beta_z": -1.0})],
)
def test_small_amplitude_branch_obeys_eq4(alpha_r, beta_r, slow):
    """Eq. (4) whatever the time constants ``tau_r`` and ``1/c`` (``slow``).

    ``(g^2 s0^2 - 1) / Delta0 -> 2 - alpha_r^2 (1 - s0)(5 - 8 s0)/3`` as ``Delta0 -> 0``.
    """
    s0 = expit(beta_r)
    slopes = []
    for D in (0.005, 0.01, 0.02):
        s = solve_gated_branch(D, alpha_r=alpha_r, beta_r=beta_r, **slow).check()
        slopes.append(((s.g * s0) ** 2 - 1.0) / s.Delta0)
    extrapolated = (8 * slopes[0] - 6 * slopes[1] + slopes[2]) / 3  # O(D), O(D^2) cancel
    predicted = 2.0 - alpha_r**2 * (1 - s0) * (5 - 8 * s0) / 3.0
    assert extrapolated == pytest.approx(predicted, rel=0.015)


def test_discontinuous_onset_above_the_tricritical_gain():
    below = chaos_onset(3.0)
    assert not below["discontinuous"]
    assert below["g_chaos"] == 2.0
    above = chaos_onset(10.0)
    assert above["success"]
    assert above["discontinuous"]
    assert 1.7 < above["g_chaos"] < 1.95  # chaos before x = 0 loses stability
    assert above["Delta0"] > 0.01  # ... with a finite amplitude
    assert above["lambda_max"] > 0.02  # ... and it is chaos
    # the branch at fixed g: chaos in the bistable window, nothing below it
    assert solve_gated(0.5 * (above["g_chaos"] + 2.0), alpha_r=10.0).branch == "chaos"
    quiet = solve_gated(above["g_chaos"] - 0.05, alpha_r=10.0)
    assert quiet.branch == "fixed point"
    assert quiet.success
    assert quiet.lambda_max == pytest.approx(0.5 * ((above["g_chaos"] - 0.05) / 2 - 1))


def test_unstable_fixed_point_without_chaos_is_reported():
    s = solve_gated(2.5, beta_r=0.0, alpha_r=0.0, max_iter=3)
    assert not s.success
    assert "residual" in s.message


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"g": -1.0}, "g"),
        ({"g": 2.0, "alpha_z": 1.0}, "alpha_z=1.0"),
        ({"g": 2.0, "tau_r": 0.0}, "tau_r"),
        ({"g": 2.0, "alpha_r": -1.0}, "alpha_r"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    with pytest.raises(ValueError, match=match):
        solve_gated(**kwargs)


def test_bistable_chaos_in_simulation():
    """alpha_r = 20, g = 1.9: x = 0 is stable, yet a large start stays chaotic as DMFT says."""
    theory = solve_gated(1.9, alpha_r=20.0).check()
    assert theory.branch == "chaos"
    N, rng = 500, np.random.default_rng(7)
    net = GatedRNN.sample(N, 1.9, alpha_r=20.0, rng=8)
    x0 = np.concatenate([rng.normal(0, 1.5, N), rng.normal(0, 0.5, 2 * N)])
    h = net.simulate(x0, 400.0, 0.1, save_every=10).x[100:, :N]
    assert (h**2).mean() == pytest.approx(theory.Delta0, rel=0.2)  # 0.178 in DMFT
    lyap = lyapunov_spectrum(net, x0, t_transient=100.0, t_max=300.0, dt=0.1,
                             n_exponents=1, rng=9)  # fmt: skip
    assert lyap.exponents[0] == pytest.approx(theory.lambda_max, abs=0.03)  # 0.134
    small = net.simulate(1e-3 * x0, 100.0, 0.1, save_every=1000).x[-1]
    assert np.abs(small).max() < 1e-4  # ... and x = 0 attracts a small start


def test_sampled_dmft_reproduces_the_gaussian_solution_at_alpha_z_0():
    """Path sampling with a constant update gate against Eqs. (1)-(2)."""
    exact = solve_gated(2.5, alpha_r=10.0).check()
    s = solve_gated_sampled(2.5, alpha_z=0.0, alpha_r=10.0, n_paths=300, n_iter=4,
                            n_average=2, t_max=30.0, rng=3)  # fmt: skip
    assert s.success, s.message
    assert s.Delta0 == pytest.approx(exact.Delta0, rel=0.03)  # measured: 0.3% at 2000 paths
    lags = np.searchsorted(s.tau, [1.0, 3.0, 6.0])
    np.testing.assert_allclose(
        s.Delta[lags], np.interp(s.tau[lags], exact.tau, exact.Delta), atol=0.03 * exact.Delta0
    )
    assert math.isnan(s.lambda_max)


def test_sampled_dmft_is_reproducible_and_checks_input():
    kw = {"alpha_z": 5.0, "n_paths": 50, "n_iter": 2, "n_average": 1, "t_max": 20.0}
    a, b = (solve_gated_sampled(3.0, rng=11, **kw) for _ in range(2))
    np.testing.assert_array_equal(a.Delta, b.Delta)
    with pytest.raises(ValueError, match="n_average=3 exceeds n_iter=2"):
        solve_gated_sampled(3.0, **{**kw, "n_average": 3})
    with pytest.raises(ValueError, match="no chaotic solution"):
        solve_gated_sampled(1.0, **kw)  # g sigma_r(0) = 1/2: quiescent
