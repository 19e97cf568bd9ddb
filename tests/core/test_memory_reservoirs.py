"""Recurrent networks as memories: ridge read-out, driven cells, short-term memory, delays."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit
from threadpoolctl import threadpool_limits

from hebbian.memory import (
    LinearReservoir,
    ReservoirMemory,
    SampledNetwork,
    capacity,
    delayed_recall,
    flops_per_step,
    memory_capacity,
    random_items,
    ridge_readout,
    short_term_memory,
)
from hebbian.random import spawn
from hebbian.rnn import GatedRNN, GRUCell, LSTMCell
from hebbian.theory.memory import (
    linear_delayed_recall,
    linear_memory_function,
    linearized_memory_function,
)


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


def test_ridge_readout_solves_the_penalised_normal_equations():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(40, 6)) + 2.0, rng.normal(size=(40, 2))
    W, c = ridge_readout(X, Y, ridge=0.3)
    Xc, Yc = X - X.mean(0), Y - Y.mean(0)
    lam = 0.3 * np.trace(Xc.T @ Xc) / 6
    expected = np.linalg.solve(Xc.T @ Xc + lam * np.eye(6), Xc.T @ Yc).T
    assert np.allclose(W, expected, rtol=1e-10, atol=1e-12)
    assert np.allclose(c, Y.mean(0) - expected @ X.mean(0), rtol=1e-10, atol=1e-12)


def test_linear_network_memory_function_matches_the_closed_form():
    """r^2_k of the fitted read-out against m_k = (A^k b)^T C^-1 (A^k b)."""
    reservoir = LinearReservoir.sample(10, 0.8, rng=3)
    theory = linear_memory_function(reservoir.A, reservoir.B[:, 0], 30)
    out = short_term_memory(lambda rng: reservoir, max_lag=30, n_steps=4000, n_samples=4,
                            ridge=0.0, rng=1)  # fmt: skip
    # held-out r^2 lies below the exact one by O(N / n_train)
    assert np.all(np.abs(out["r2"] - theory["m"]) < 4 * out["r2_error"] + 0.02)
    assert out["capacity"] == pytest.approx(theory["capacity"], abs=0.3)
    assert theory["capacity"] <= 10 + 1e-9


def test_delayed_recall_of_a_linear_network_matches_the_closed_form():
    """Exact while fewer distractors than units, then the best read-out's r^2 (lowered by the
    finite training set: m^2 / (m + (1 - m) q), q = N / (n - N - 1))."""
    reservoir = LinearReservoir.sample(8, 0.9, rng=5)
    delays = [0, 5, 10, 14]
    theory = linear_delayed_recall(reservoir.A, reservoir.B[:, 0], delays, noise=0.5)["r2"]
    out = delayed_recall(lambda rng: reservoir, delays, noise=0.5, n_trials=2000, n_samples=4,
                         rng=1)  # fmt: skip
    q = 8 / (1000 - 8 - 1)
    expected = theory**2 / (theory + (1 - theory) * q)
    assert np.allclose(out["r2"][:2], 1.0, atol=1e-9)
    assert np.all(np.abs(out["r2"] - expected) < 4 * out["r2_error"] + 0.01), (out, expected)
    assert theory[2] < 0.5


def test_linear_memory_capacity_sums_to_the_rank():
    reservoir = LinearReservoir.sample(8, 0.7, rng=4)
    full = linear_memory_function(reservoir.A, reservoir.B[:, 0], 400)
    assert full["capacity"] == pytest.approx(8.0, abs=1e-6)
    assert memory_capacity(full["m"]) == full["capacity"]


@pytest.mark.parametrize("cell_type", [GRUCell, LSTMCell])
def test_driven_cells_step_as_their_equations_and_batch_over_streams(cell_type):
    cell = cell_type.sample(12, 1.5, n_in=2, rng=5, b_h=0.0) if cell_type is GRUCell else \
        cell_type.sample(12, 1.5, n_in=2, rng=5)  # fmt: skip
    inputs = np.random.default_rng(6).normal(size=(7, 2, 3))
    x0 = np.random.default_rng(7).normal(size=cell.n_dim)
    batch = cell.drive(x0, inputs)
    for b in range(3):
        x = x0
        for n in range(7):
            x = cell.step(x, inputs[n, :, b])
            assert np.allclose(batch[n, :, b], x, rtol=1e-12, atol=1e-13)
    # without input the cell is the autonomous map, and drawing W leaves the couplings alone
    autonomous = cell_type.sample(12, 1.5, rng=5)
    assert np.array_equal(autonomous._U, cell._U)
    assert np.array_equal(autonomous.step(x0), cell.step(x0))


def test_constant_update_gate_leaks_the_input_into_the_gru():
    """a_z = a_r = 0, g = 0: h' = (1 - c) h + c tanh(W_h u) exactly."""
    c = expit(-1.5)
    cell = GRUCell.sample(6, 0.0, n_in=1, rng=8, a_z=0.0, a_r=0.0, b_z=-1.5)
    u = np.array([0.7])
    h = np.linspace(-1, 1, 6)
    expected = (1 - c) * h + c * np.tanh(cell.W[12:] @ u)
    assert np.allclose(cell.step(h, u), expected, rtol=1e-14, atol=1e-15)
    assert flops_per_step(cell) == 2 * (3 * 36 + 18)


def test_short_term_memory_is_bounded_by_the_state_dimension():
    for factory, n_dim in [
        (lambda rng: GRUCell.sample(8, 1.0, n_in=1, rng=rng), 8),
        (lambda rng: LSTMCell.sample(6, 1.0, n_in=1, rng=rng), 12),
    ]:
        out = short_term_memory(factory, max_lag=25, n_steps=600, n_samples=3, rng=9)
        assert 0.5 < out["capacity"] <= n_dim, out["capacity"]
        assert out["state_size"] == n_dim


def test_a_closing_update_gate_keeps_a_value_longer():
    """The GRU's update gate as an integrator: recall after a long delay among distractor
    inputs improves as it shuts (without distractors any decaying trace is decoded exactly)."""

    def gru(b_z):
        return lambda rng: GRUCell.sample(20, 0.5, n_in=1, rng=rng, a_z=0.0, b_z=b_z)

    open_, shut = (delayed_recall(gru(b), [0, 30], noise=0.5, n_trials=200, n_samples=4,
                                  rng=10) for b in (2.0, -3.0))  # fmt: skip
    assert open_["r2"][0] > 0.95
    assert shut["r2"][0] > 0.95
    assert shut["r2"][1] > open_["r2"][1] + 3 * (shut["r2_error"][1] + open_["r2_error"][1])


def test_weakly_driven_gated_network_follows_its_linearization():
    """Quiescent gated network (g sigma(beta_r) < 1), small input: the memory function of
    exp(J) sampled at unit time, J the Jacobian at 0 (its slowest rate the DMFT's).

    A read-out of p = 3N features fitted on n points adds an error of variance (1 - m) q,
    q = p / (n - p - 1), uncorrelated with the target (least squares, Gaussian features): out
    of sample its squared correlation with the target is m^2 / (m + (1 - m) q)."""
    N, n_steps = 12, 1500

    def factory(rng):
        gen = np.random.default_rng(rng.integers(2**32))
        net = GatedRNN.sample(N, 0.8, beta_z=1.0, rng=gen)
        return SampledNetwork(net, 0.005 * gen.standard_normal((N, 1)), substeps=4)

    out = short_term_memory(factory, max_lag=15, n_steps=n_steps, washout=30, n_samples=3,
                            ridge=0.0, rng=11)  # fmt: skip
    theory = [linearized_memory_function(r.network, r.B, 15)
              for r in (factory(child) for child in spawn(11, 3))]  # fmt: skip
    m = np.mean([t["m"] for t in theory], axis=0)
    p, n = 3 * N, (n_steps - 15) // 2
    q = p / (n - p - 1)
    expected = m**2 / (m + (1 - m) * q)
    assert np.all(np.abs(out["r2"] - expected) < 4 * out["r2_error"] + 0.02), (out["r2"], m)


@pytest.mark.slow
def test_nearly_shut_update_gate_reaches_its_linearization_on_long_streams():
    """beta_z = -3 (time scale 35): on 600 steps the read-out misses half the memory the
    linearization holds; on 4000 steps with a long washout it recovers it (the shortfall of
    the figure's quick run is the finite training set, not the theory)."""
    N = 16

    def factory(rng):
        gen = np.random.default_rng(rng.integers(2**32))
        net = GatedRNN.sample(N, 0.8, beta_z=-3.0, rng=gen)
        return SampledNetwork(net, 0.005 * gen.standard_normal((N, 1)), substeps=4)

    seed = np.random.SeedSequence(12)
    out = short_term_memory(factory, max_lag=30, n_steps=4000, washout=400, n_samples=2,
                            ridge=0.0, rng=seed)  # fmt: skip
    exact = np.mean([linearized_memory_function(r.network, r.B, 30)["capacity"]
                     for r in (factory(child) for child in spawn(seed, 2))])  # fmt: skip
    assert abs(out["capacity"] - exact) < 3 * out["capacity_error"] + 0.1 * exact


def test_a_reservoir_with_a_linear_readout_recalls_one_pair_only():
    """The read-out is additive in state and query, recall needs (k . q) v: beyond one pair a
    linear reservoir is at chance on the older pairs."""
    keys, values = random_items(1, 8, 8, rng=21)
    gru = ReservoirMemory(GRUCell.sample(32, 0.5, n_in=16, input_gain=0.3, rng=22), rng=23)
    gru.write(keys, values)
    assert np.all(np.sign(gru.read(keys)) == values)
    assert (gru.state_size, gru.flops_per_write) == (32, flops_per_step(gru.reservoir))
    linear = capacity(lambda d: ReservoirMemory(LinearReservoir.sample(24, 0.9, n_in=2 * d,
                                                                       rng=24), rng=25),
                      8, n_samples=3, rng=26)  # fmt: skip
    assert list(linear["samples"]) == [1, 1, 1]
    # too few units: a random key mixed into as many units as the value hides it
    small = capacity(lambda d: ReservoirMemory(GRUCell.sample(d, 0.5, n_in=2 * d, rng=27),
                                               rng=28), 16, n_samples=2, rng=29)  # fmt: skip
    assert list(small["samples"]) == [0, 0]
    with pytest.raises(ValueError, match="needs 16"):
        ReservoirMemory(GRUCell.sample(4, 0.5, n_in=3, rng=0)).write(keys, values)


@pytest.mark.slow
def test_the_update_gate_gain_costs_memory_that_the_linearization_does_not_see():
    """alpha_z multiplies the gate's fluctuation, zero at the fixed point: the linearization is
    the same at alpha_z = 0 and 16, the measured capacity is not."""
    N = 16

    def factory(alpha_z):
        def make(rng):
            gen = np.random.default_rng(rng.integers(2**32))
            net = GatedRNN.sample(N, 0.8, alpha_z=alpha_z, beta_z=-1.0, rng=gen)
            return SampledNetwork(net, 0.005 * gen.standard_normal((N, 1)), substeps=4)

        return make

    runs = [short_term_memory(factory(a), max_lag=30, n_steps=1500, washout=100, n_samples=4,
                              ridge=0.0, rng=3) for a in (0.0, 16.0)]  # fmt: skip
    net = factory(0.0)(np.random.default_rng(0)).network
    shut = factory(16.0)(np.random.default_rng(0)).network
    B = factory(0.0)(np.random.default_rng(0)).B
    assert linearized_memory_function(net, B, 30)["capacity"] == pytest.approx(
        linearized_memory_function(shut, B, 30)["capacity"], rel=1e-12
    )
    gap = runs[0]["capacity"] - runs[1]["capacity"]
    assert gap > 3 * np.hypot(runs[0]["capacity_error"], runs[1]["capacity_error"])
