"""External inputs of the rate networks: vector field, Jacobian, integrators, Lyapunov exponents.

References
----------
Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022) (gated network with inputs).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import seeds

from hebbian.rnn import GatedRNN, LinearRNN, VanillaRNN, lyapunov_spectrum, simulate
from hebbian.rnn.fixed_points import find_fixed_points


@st.composite
def driven(draw):
    """A vanilla or gated network and an input value."""
    N, seed = draw(st.integers(1, 5)), draw(seeds)
    if draw(st.booleans()):
        net = VanillaRNN.sample(N, draw(st.floats(0.0, 3.0)), rng=seed)
    else:
        net = GatedRNN.sample(
            N,
            draw(st.floats(0.0, 3.0)),
            alpha_z=draw(st.floats(0.0, 5.0)),
            alpha_r=draw(st.floats(0.0, 5.0)),
            beta_z=draw(st.floats(-2.0, 2.0)),
            beta_r=draw(st.floats(-2.0, 2.0)),
            tau_z=draw(st.floats(0.2, 5.0)),
            rng=seed,
        )
    rng = np.random.default_rng(seed + 1)
    return net, rng.normal(scale=1.5, size=net.n_dim), rng.normal(scale=2.0, size=net.n_input)


@given(driven())
def test_jacobian_with_input_equals_central_differences(case):
    net, x, current = case
    eps = 1e-6
    cols = [
        (net.vector_field(x + eps * e, current) - net.vector_field(x - eps * e, current))
        / (2 * eps)
        for e in np.eye(net.n_dim)
    ]
    jac = net.jacobian(x, current)
    assert np.abs(jac - np.array(cols).T).max() <= 1e-7 * (1 + np.abs(jac).max())
    V = np.random.default_rng(0).normal(size=(net.n_dim, 2))
    np.testing.assert_allclose(net.jacobian_product(x, V, current), jac @ V, atol=1e-12)
    assert net.divergence(x, current) == pytest.approx(np.trace(jac), rel=1e-12, abs=1e-12)


@given(driven())
def test_input_enters_the_h_equation_only(case):
    net, x, current = case
    change = net.vector_field(x, current) - net.vector_field(x)
    N = net.n_input
    if isinstance(net, GatedRNN):
        # inside the update gate's factor: sigma_z(z) * I on h, nothing on z, r
        s_z = 1.0 / (1.0 + np.exp(-net.alpha_z * net.split(x)[1] - net.beta_z))
        np.testing.assert_allclose(change[:N], s_z * current, rtol=1e-9, atol=1e-9)
        assert np.all(change[N:] == 0)
    else:
        np.testing.assert_allclose(change, current, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("method", ["rk4", "euler", "adaptive"])
def test_zero_input_is_the_autonomous_run_bit_for_bit(method):
    net = GatedRNN.sample(10, 3.0, alpha_z=2.0, alpha_r=3.0, beta_r=-1.0, rng=1)
    x0 = np.random.default_rng(2).normal(size=30)
    free = net.simulate(x0, 5.0, 0.05, method)
    zero = net.simulate(x0, 5.0, 0.05, method, inputs=np.zeros(10))
    np.testing.assert_array_equal(free.x, zero.x)


def test_constant_schedule_and_function_inputs_agree():
    net = GatedRNN.sample(8, 2.0, alpha_z=3.0, alpha_r=2.0, rng=3)
    x0 = np.random.default_rng(4).normal(size=24)
    current = np.random.default_rng(5).normal(size=8)
    n_steps = 100  # t_max / dt
    runs = [
        simulate(net, x0, 5.0, 0.05, "rk4", inputs=value)
        for value in (current, np.tile(current, (n_steps, 1)), lambda t: current)
    ]
    for run in runs[1:]:
        np.testing.assert_array_equal(run.x, runs[0].x)


def test_constant_input_moves_the_fixed_point_of_a_linear_network():
    A = np.array([[-1.0, 0.5], [-0.3, -2.0]])
    current = np.array([1.0, -2.0])
    x = LinearRNN(A).simulate(np.zeros(2), 40.0, 0.05, inputs=current).x[-1]
    np.testing.assert_allclose(x, -np.linalg.solve(A, current), atol=1e-10)


@pytest.mark.parametrize(("method", "dt", "tol"), [("rk4", 0.05, 1e-7), ("adaptive", 0.05, 1e-9)])
def test_sinusoidal_input_against_the_exact_linear_response(method, dt, tol):
    # dx/dt = -x + sin(w t), x(0) = 0:  x = (sin wt - w cos wt + w e^-t) / (1 + w^2)
    w = 2.0
    traj = LinearRNN(np.array([[-1.0]])).simulate(
        np.zeros(1), 6.0, dt, method, inputs=lambda t: np.array([np.sin(w * t)]),
        rtol=1e-12, atol=1e-14,
    )  # fmt: skip
    t = traj.t
    exact = (np.sin(w * t) - w * np.cos(w * t) + w * np.exp(-t)) / (1 + w**2)
    assert np.abs(traj.x[:, 0] - exact).max() < tol


def test_schedule_is_held_constant_over_each_step():
    # Euler, dx/dt = I_n over step n: x_n = dt * (I_0 + ... + I_{n-1})
    schedule = np.arange(10.0)[:, None]
    traj = LinearRNN(np.zeros((1, 1))).simulate(np.zeros(1), 1.0, 0.1, "euler", inputs=schedule)
    np.testing.assert_allclose(traj.x[:, 0], 0.1 * np.concatenate([[0], np.cumsum(schedule)]))
    # RK4 integrates the same piecewise-constant input exactly
    rk4 = LinearRNN(np.zeros((1, 1))).simulate(np.zeros(1), 1.0, 0.1, inputs=schedule)
    np.testing.assert_allclose(rk4.x, traj.x, atol=1e-14)


def test_lyapunov_exponents_of_a_driven_linear_network_are_unchanged():
    A = np.diag([0.2, -0.7, -1.5])
    res = lyapunov_spectrum(
        LinearRNN(A), np.zeros(3), t_transient=5.0, t_max=40.0, dt=0.05, rng=0,
        inputs=lambda t: np.array([np.sin(t), np.cos(3 * t), 1.0]),
    )  # fmt: skip
    np.testing.assert_allclose(res.exponents, [0.2, -0.7, -1.5], atol=1e-3)


def test_lyapunov_exponent_with_a_constant_input_is_the_driven_fixed_point_rate():
    # a strong input drives the gated network to a stable fixed point; the
    # exponents are the real parts of the Jacobian's eigenvalues there (with input)
    N = 20
    net = GatedRNN.sample(N, 2.5, alpha_z=2.0, alpha_r=2.0, beta_r=-0.5, rng=6)
    current = 3.0 * np.random.default_rng(7).normal(size=N)
    x0 = net.simulate(np.zeros(3 * N), 60.0, 0.1, inputs=current).x[-1]
    fp = find_fixed_points(
        lambda x: net.vector_field(x, current), lambda x: net.jacobian(x, current), x0[None]
    )
    assert fp.n_converged == 1
    assert fp.stable[0]
    res = lyapunov_spectrum(
        net, x0, t_transient=10.0, t_max=200.0, dt=0.1, n_exponents=3, inputs=current, rng=1
    )
    # eigenvalues -0.055, -0.157 +- 0.016i, -0.160: Benettin converges like 1/t_max
    np.testing.assert_allclose(res.exponents, fp.eigenvalues[0].real[:3], atol=0.01)


def test_lyapunov_with_a_schedule_covers_the_transient_and_the_measurement():
    net = VanillaRNN.sample(6, 0.5, rng=0)
    rows = np.random.default_rng(1).normal(size=(10 + 20, 6))
    lyapunov_spectrum(
        net, np.zeros(6), t_transient=1.0, t_max=2.0, dt=0.1, n_exponents=1, inputs=rows, rng=0
    )
    with pytest.raises(ValueError, match=r"inputs has 29 rows.*10 \+ 20 = 30 rows"):
        lyapunov_spectrum(
            net, np.zeros(6), t_transient=1.0, t_max=2.0, dt=0.1, inputs=rows[:-1], rng=0
        )


@pytest.mark.parametrize(
    ("inputs", "match"),
    [
        (np.zeros(4), r"inputs has shape \(4,\); pass one current per neuron, shape \(5,\)"),
        (np.zeros((3, 5)), r"inputs has 3 rows for 10 steps; pass one row per fixed step"),
        (np.full(5, np.nan), "inputs contains NaN"),
        (lambda t: np.zeros(6), r"inputs has shape \(6,\)"),
        (lambda t: np.full(5, np.inf if t > 0.5 else 0.0), "inputs contains NaN or inf"),
    ],
)
def test_bad_inputs_raise_clear_errors(inputs, match):
    net = VanillaRNN.sample(5, 1.0, rng=0)
    with pytest.raises(ValueError, match=match):
        net.simulate(np.zeros(5), 1.0, 0.1, inputs=inputs)


def test_invariant_box_grows_with_the_input():
    net = VanillaRNN.sample(5, 1.0, rng=0)
    base = net.state_bound(np.zeros(5))
    np.testing.assert_allclose(net.state_bound(np.zeros(5), np.full(5, 2.0)), base + 2.0)
    # a strong input is no divergence: the run stays inside the enlarged box
    traj = net.simulate(np.zeros(5), 5.0, 0.1, "euler", inputs=np.full(5, 50.0))
    assert np.all(np.abs(traj.x) <= base + 50.0)
