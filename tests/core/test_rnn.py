"""Gated-RNN module: Jacobians, integrators, Lyapunov spectra, random-matrix supports.

References
----------
Sompolinsky, Crisanti, Sommers, PRL 61, 259 (1988) (vanilla network).
Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022) (gated network).
Benettin et al., Meccanica 15, 9 (1980); Kaplan, Yorke (1979).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.integrate import trapezoid
from scipy.special import expit
from strategies import seeds

from hebbian.rnn import (
    GatedRNN,
    LinearRNN,
    VanillaRNN,
    autocorrelation,
    decay_time,
    jacobian_spectrum,
    kaplan_yorke_dimension,
    lyapunov_spectrum,
    simulate,
    spectral_support,
)

gains = st.floats(0.0, 3.0)
biases = st.floats(-2.0, 2.0)
times = st.floats(0.2, 5.0)


@st.composite
def vanilla_networks(draw):
    return VanillaRNN.sample(draw(st.integers(1, 8)), draw(gains), rng=draw(seeds))


@st.composite
def gated_networks(draw):
    return GatedRNN.sample(
        draw(st.integers(1, 5)),
        draw(gains),
        alpha_z=draw(st.floats(0.0, 5.0)),
        alpha_r=draw(st.floats(0.0, 5.0)),
        beta_z=draw(biases),
        beta_r=draw(biases),
        beta_h=draw(biases),
        tau_z=draw(times),
        tau_r=draw(times),
        rng=draw(seeds),
    )


networks = st.one_of(vanilla_networks(), gated_networks())


def _state(net, seed, scale=1.5):
    return np.random.default_rng(seed).normal(scale=scale, size=net.n_dim)


def _central_differences(net, x, eps=1e-6):
    cols = [
        (net.vector_field(x + eps * e) - net.vector_field(x - eps * e)) / (2 * eps)
        for e in np.eye(net.n_dim)
    ]
    return np.array(cols).T


@given(networks, seeds)
def test_analytic_jacobian_equals_central_differences(net, seed):
    x = _state(net, seed)
    jac = net.jacobian(x)
    # central differences: O(eps^2) truncation and O(1e-16 / eps) rounding
    assert np.abs(jac - _central_differences(net, x)).max() <= 1e-7 * (1 + np.abs(jac).max())


@given(networks, seeds)
def test_jacobian_product_and_divergence_agree_with_the_dense_jacobian(net, seed):
    x = _state(net, seed)
    V = np.random.default_rng(seed + 1).normal(size=(net.n_dim, 3))
    jac = net.jacobian(x)
    np.testing.assert_allclose(net.jacobian_product(x, V), jac @ V, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(net.jacobian_product(x, V[:, 0]), jac @ V[:, 0], atol=1e-12)
    assert net.divergence(x) == pytest.approx(np.trace(jac), rel=1e-12, abs=1e-12)


def test_gated_network_with_open_gates_is_the_vanilla_network():
    # alpha = 0, beta = 50: sigma = 1 / (1 + e^-50) == 1.0 in double precision
    vanilla = VanillaRNN.sample(30, 1.8, rng=4)
    rng = np.random.default_rng(5)
    gated = GatedRNN(
        vanilla.J, rng.normal(size=(30, 30)), rng.normal(size=(30, 30)), 1.8,
        beta_z=50.0, beta_r=50.0, tau_z=0.7, tau_r=1.3,
    )  # fmt: skip
    h0 = rng.normal(size=30)
    x0 = np.concatenate([h0, rng.normal(size=60)])
    h_vanilla = vanilla.simulate(h0, 10.0, 0.05).x
    h_gated = gated.split(gated.simulate(x0, 10.0, 0.05).x.T)[0].T
    np.testing.assert_allclose(h_gated, h_vanilla, rtol=0, atol=1e-13)
    assert spectral_support(gated) == (-1.0, 1.8, (-1 / 0.7, -1 / 1.3))


@pytest.mark.parametrize(
    "net",
    [
        VanillaRNN.sample(40, 2.0, rng=1),
        GatedRNN.sample(15, 3.0, alpha_z=4.0, alpha_r=2.0, beta_r=0.5, tau_z=0.5, rng=2),
    ],
    ids=["vanilla", "gated"],
)
def test_rk4_and_adaptive_agree_on_a_short_trajectory(net):
    x0 = _state(net, 3, scale=1.0)
    rk4 = net.simulate(x0, 5.0, 0.01, save_every=10)
    adaptive = net.simulate(x0, 5.0, 0.1, method="adaptive", rtol=1e-11, atol=1e-12)
    np.testing.assert_allclose(rk4.t, adaptive.t, atol=1e-12)
    assert np.abs(rk4.x - adaptive.x).max() < 1e-7  # RK4 global error ~ dt^4
    euler = net.simulate(x0, 5.0, 0.001, method="euler", save_every=100)
    assert 1e-5 < np.abs(euler.x - adaptive.x).max() < 1e-2  # first order


def test_time_grid_ends_at_t_max_with_steps_at_most_dt():
    traj = VanillaRNN.sample(5, 0.5, rng=0).simulate(np.ones(5), 1.0, 0.3, save_every=2)
    # ceil(1 / 0.3) = 4 steps of 0.25; every 2nd kept
    np.testing.assert_allclose(traj.t, [0.0, 0.5, 1.0])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"dt": 0.0}, r"dt=0 must be in \(0, inf\)"),
        ({"dt": -0.1}, "dt=-0.1 must be in"),
        ({"t_max": 0.0}, "t_max=0 must be in"),
        ({"x0": np.zeros(4)}, r"x0 has shape \(4,\); pass the full state, shape \(5,\)"),
        ({"x0": np.zeros((5, 1))}, "x0 has shape"),
        ({"x0": np.full(5, np.nan)}, "x0 contains NaN"),
        ({"method": "rk5"}, "method='rk5' is not one of"),
        ({"save_every": 0}, "save_every=0 must be >= 1"),
    ],
)
def test_bad_simulation_arguments_raise_clear_errors(kwargs, match):
    net = VanillaRNN.sample(5, 1.0, rng=0)
    args = {"x0": np.zeros(5), "t_max": 1.0, "dt": 0.1} | kwargs
    with pytest.raises(ValueError, match=match):
        simulate(net, **args)


def test_gated_state_shape_error_names_the_layout():
    net = GatedRNN.sample(4, 1.0, rng=0)
    with pytest.raises(ValueError, match=r"shape \(12,\) = \(h, z, r\) with N=4 each"):
        net.vector_field(np.zeros(4))


@pytest.mark.parametrize(
    ("net", "dt", "method", "match"),
    [
        (VanillaRNN.sample(10, 1.0, rng=0), 2.5, "euler", r"dt=2.5 is unstable.*pass dt < 2 "),
        (VanillaRNN.sample(10, 1.0, rng=0), 2.9, "rk4", r"pass dt < 2.785"),
        (GatedRNN.sample(10, 1.0, tau_z=0.1, rng=0), 0.5, "rk4", r"rate 10 .*dt < 0.2785"),
    ],
)
def test_unstable_fixed_step_is_rejected_before_the_run(net, dt, method, match):
    with pytest.raises(ValueError, match=match):
        net.simulate(np.zeros(net.n_dim), 10.0, dt, method=method)


def test_diverging_fixed_step_is_stopped_and_names_dt():
    # Euler at dt = 1.9 is stable on the leak (|1 - 1.9| < 1) but overshoots the
    # invariant box |h_i| <= max(|h_i(0)|, g sum_j |J_ij|) by ~ 1 / (2 - dt)
    net = VanillaRNN.sample(50, 2.0, rng=1)
    with pytest.raises(ValueError, match=r"dt=1.9 is unstable for method='euler'.*dt=0.475"):
        net.simulate(_state(net, 0, 1.0), 200.0, 1.9, method="euler")


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: VanillaRNN(np.zeros((3, 4)), 1.0), r"J has shape \(3, 4\); pass a square"),
        (lambda: VanillaRNN(np.full((2, 2), np.nan), 1.0), "J contains NaN"),
        (lambda: VanillaRNN(np.eye(2), -1.0), "g=-1 must be in"),
        (lambda: VanillaRNN.sample(0, 1.0), "N=0 must be >= 1"),
        (lambda: GatedRNN(np.eye(2), np.eye(3), np.eye(2), 1.0), r"Jz has shape \(3, 3\)"),
        (lambda: GatedRNN.sample(2, 1.0, tau_z=0.0), "tau_z=0 must be in"),
        (lambda: GatedRNN.sample(2, 1.0, alpha_r=-1.0), "alpha_r=-1 must be in"),
        (lambda: GatedRNN.sample(2, 1.0, beta_z=np.inf), "beta_z=inf must be < inf"),
    ],
)
def test_bad_networks_raise_clear_errors(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def _rotation_block_matrix(seed):
    """A non-normal 5 x 5 matrix with eigenvalues 0.3 +- 1i, -0.5, -1.2, -2."""
    core = np.zeros((5, 5))
    core[:2, :2] = [[0.3, 1.0], [-1.0, 0.3]]
    core[2:, 2:] = np.diag([-0.5, -1.2, -2.0])
    S = np.eye(5) + 0.3 * np.random.default_rng(seed).normal(size=(5, 5))
    return S @ core @ np.linalg.inv(S)


def test_lyapunov_exponents_of_a_linear_system_are_the_real_parts_of_its_eigenvalues():
    net = LinearRNN(_rotation_block_matrix(0))
    res = lyapunov_spectrum(net, np.zeros(5), t_transient=20.0, t_max=100.0, dt=0.02, rng=1)
    np.testing.assert_allclose(res.exponents, [0.3, 0.3, -0.5, -1.2, -2.0], atol=0.01)
    assert res.exponents.sum() == pytest.approx(np.trace(net.A), abs=1e-6)
    assert res.divergence == pytest.approx(np.trace(net.A), rel=1e-12)
    top = lyapunov_spectrum(
        net, np.zeros(5), t_transient=20.0, t_max=100.0, dt=0.02, n_exponents=3, rng=1
    )
    np.testing.assert_allclose(top.exponents, [0.3, 0.3, -0.5], atol=0.01)
    assert top.running.shape == (top.times.size, 3)
    assert top.times[-1] == pytest.approx(100.0)


@pytest.mark.parametrize(
    "net",
    [
        VanillaRNN.sample(50, 2.5, rng=1),
        GatedRNN.sample(20, 4.0, alpha_z=5.0, beta_z=2.0, beta_r=3.0, tau_z=0.5, rng=3),
    ],
    ids=["vanilla", "gated"],
)
def test_full_spectrum_sums_to_the_time_averaged_divergence(net):
    # Liouville: sum of all exponents = <tr J(x(t))>; the divergence is averaged
    # here along an independent simulate() run of the same orbit
    x0 = net.simulate(_state(net, 3, 1.0), 50.0, 0.05).x[-1]
    res = lyapunov_spectrum(net, x0, t_transient=0.0, t_max=40.0, dt=0.02, reorth_every=5, rng=4)
    traj = net.simulate(x0, 40.0, 0.02)
    div = np.array([net.divergence(x) for x in traj.x])
    mean_div = trapezoid(div, traj.t) / 40.0
    assert res.divergence == pytest.approx(mean_div, rel=1e-10)
    # measured: 7e-8 (vanilla), 2e-6 (gated): RK4 tangent map vs Liouville at dt = 0.02
    assert res.exponents.sum() == pytest.approx(mean_div, abs=1e-6 * net.n_dim)
    assert res.exponents[0] > 0.02  # chaotic
    assert np.all(np.diff(res.exponents) <= 0)
    assert 0 < kaplan_yorke_dimension(res.exponents) < net.n_dim


def test_vanilla_below_g1_all_exponents_negative_largest_is_the_fixed_point_rate():
    net = VanillaRNN.sample(100, 0.6, rng=5)
    res = lyapunov_spectrum(
        net, _state(net, 6, 1.0), t_transient=40.0, t_max=100.0, dt=0.1, n_exponents=4, rng=7
    )
    assert np.all(res.exponents < 0)
    # at the fixed point h = 0 the exponents are the real parts of eig(-1 + g J)
    top = np.sort(jacobian_spectrum(net, np.zeros(100)).real)[::-1][:4]
    np.testing.assert_allclose(res.exponents, top, atol=0.02)
    assert res.exponents[0] == pytest.approx(-1 + 0.6, abs=0.08)  # N = inf: -1 + g
    assert kaplan_yorke_dimension(res.exponents) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_exponents": 0}, "n_exponents=0 must be >= 1"),
        ({"n_exponents": 6}, "n_exponents=6 exceeds the dimension 5"),
        ({"reorth_every": 0}, "reorth_every=0 must be >= 1"),
        ({"t_transient": -1.0}, "t_transient=-1 must be in"),
        ({"dt": 3.0}, "dt=3 is unstable for method='rk4'"),
    ],
)
def test_bad_lyapunov_arguments_raise_clear_errors(kwargs, match):
    args = {"t_transient": 1.0, "t_max": 1.0, "dt": 0.1} | kwargs
    with pytest.raises(ValueError, match=match):
        lyapunov_spectrum(VanillaRNN.sample(5, 1.0, rng=0), np.zeros(5), **args)


def test_collapsing_tangent_vectors_name_reorth_every():
    net = LinearRNN(np.diag([0.0, -400.0]))
    with pytest.raises(ValueError, match="pass a smaller reorth_every"):
        lyapunov_spectrum(
            net, np.zeros(2), t_transient=0.0, t_max=50.0, dt=0.005, reorth_every=2000, rng=0
        )


@pytest.mark.parametrize(
    ("exponents", "expected"),
    [
        ([0.5, 0.0, -1.0], 2.5),
        ([-1.0, 0.5, 0.0], 2.5),  # any order
        ([1.0, -0.5, -1.0], 2.5),
        ([0.0, -1.0], 1.0),
        ([-0.1, -1.0], 0.0),
        ([0.9056, 0.0, -14.5723], 2 + 0.9056 / 14.5723),  # Lorenz attractor
    ],
)
def test_kaplan_yorke_dimension(exponents, expected):
    assert kaplan_yorke_dimension(exponents) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(
    ("exponents", "match"),
    [
        ([0.1, -0.05], "pass more exponents"),
        ([], "non-empty"),
        ([0.1, np.nan], "finite"),
    ],
)
def test_kaplan_yorke_dimension_rejects_incomplete_spectra(exponents, match):
    with pytest.raises(ValueError, match=match):
        kaplan_yorke_dimension(exponents)


def test_vanilla_spectral_radius_matches_the_random_matrix_prediction():
    # N = 400: the largest modulus exceeds the N -> inf edge by the finite-N
    # edge excess, measured 0.8-9 % (mean 4 %) over 8 samples; here 2-5 %
    N, g = 400, 1.5
    ratios = []
    for seed in range(2):
        net = VanillaRNN.sample(N, g, rng=seed)
        h = np.random.default_rng(100 + seed).normal(scale=1.5, size=N)
        for x in (h, np.zeros(N)):
            support = spectral_support(net, x)
            eig = jacobian_spectrum(net, x)
            ratios.append(np.abs(eig - support.centre).max() / support.radius)
        assert support.radius == g  # at h = 0
        assert spectral_support(net, h).radius == pytest.approx(
            g * np.sqrt(np.mean((1 - np.tanh(h) ** 2) ** 2))
        )
    assert all(0.97 < r < 1.08 for r in ratios), ratios
    assert np.mean(ratios) == pytest.approx(1.0, abs=0.05)


def test_gated_spectrum_at_the_fixed_point_is_a_disc_plus_the_gate_leaks():
    N, g, beta_z, beta_r = 200, 1.5, 0.5, -0.3
    net = GatedRNN.sample(
        N, g, alpha_z=2.0, alpha_r=3.0, beta_z=beta_z, beta_r=beta_r, tau_z=0.2, tau_r=0.1, rng=8
    )
    support = spectral_support(net)
    s_z, s_r = expit(beta_z), expit(beta_r)
    assert support.centre == pytest.approx(-s_z)
    assert support.radius == pytest.approx(s_z * s_r * g)
    assert support.points == (-5.0, -10.0)
    eig = jacobian_spectrum(net, np.zeros(3 * N))
    # block triangular: N eigenvalues at each gate leak, the rest = the h block
    for point in support.points:
        assert np.sum(np.abs(eig - point) < 1e-8) == N
    disc = eig[np.abs(eig - support.centre) < 2 * support.radius]
    assert disc.size == N
    h_block = s_z * (-np.eye(N) + s_r * g * net.Jh)
    np.testing.assert_allclose(np.sort_complex(disc), np.sort_complex(np.linalg.eigvals(h_block)))
    assert np.abs(disc - support.centre).max() / support.radius == pytest.approx(1.0, abs=0.08)


def test_spectral_support_errors():
    gated = GatedRNN.sample(3, 1.0, beta_h=0.5, rng=0)
    with pytest.raises(ValueError, match=r"beta_h=0\.5: x = 0 is a fixed point only"):
        spectral_support(gated)
    with pytest.raises(ValueError, match="pass x=None"):
        spectral_support(GatedRNN.sample(3, 1.0, rng=0), np.ones(9))
    with pytest.raises(TypeError, match="pass a VanillaRNN or a GatedRNN"):
        spectral_support(LinearRNN(np.eye(2)))


def test_sharp_update_gate_makes_the_attractor_marginally_stable():
    """Each shut update gate (sigma_z ~ 0) freezes its neuron: its Jacobian row is ~0, so the
    spectrum gains an eigenvalue near 0 per shut gate (slow modes; Krishnamurthy et al.)."""
    N, counts = 300, {}
    for alpha_z in (0.0, 30.0):
        net = GatedRNN.sample(N, 3.0, alpha_z=alpha_z, rng=1)
        rng = np.random.default_rng(2)
        x0 = np.concatenate([rng.normal(0, 1, N), rng.normal(0, 0.5, 2 * N)])
        x = net.simulate(x0, 200.0, 0.1, save_every=2000).x[-1]
        eigs = jacobian_spectrum(net, x)
        shut = np.count_nonzero(expit(alpha_z * net.split(x)[1]) < 0.01)
        counts[alpha_z] = (np.count_nonzero(np.abs(eigs) < 0.02), shut, eigs.real.max())
    near_zero, shut, abscissa = counts[30.0]
    assert shut > 0.25 * N  # measured: ~0.4 N
    assert near_zero == pytest.approx(shut, rel=0.2)
    assert abscissa < 0.01  # marginal: chaos at alpha_z = 0 has an eigenvalue > 0.02
    assert counts[0.0][0] < 0.05 * near_zero
    assert counts[0.0][2] > 0.02


@pytest.mark.parametrize("axis", [0, 1])
def test_autocorrelation_is_the_average_lagged_product(axis):
    x = np.random.default_rng(3).standard_normal((50, 7))
    expected = [np.mean([np.dot(x[: 50 - k, i], x[k:, i]) / (50 - k) for i in range(7)])
                for k in range(12)]  # fmt: skip
    got = autocorrelation(x if axis == 0 else x.T, 12, axis=axis)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    with pytest.raises(ValueError, match="n_lags=51 exceeds the 50 time points"):
        autocorrelation(x, 51)


def test_decay_time_interpolates_the_1_over_e_crossing():
    tau = np.linspace(0.0, 10.0, 201)
    assert decay_time(tau, 3.0 * np.exp(-tau / 4)) == pytest.approx(4.0, abs=1e-3)
    assert decay_time(tau, np.ones_like(tau)) is None
