"""Modern Hopfield network: energy descent, fixed points, Ramsauer's bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import seeds

from hebbian import ModernHopfield, binary_patterns


@st.composite
def networks_and_queries(draw):
    rng = np.random.default_rng(draw(seeds))
    K, d = draw(st.integers(1, 12)), draw(st.integers(1, 16))
    scale = draw(st.sampled_from([0.1, 1.0, 5.0]))
    X = rng.normal(size=(K, d)) * scale
    beta = draw(st.sampled_from([0.01, 0.3, 1.0, 8.0, 100.0]))
    xi = rng.normal(size=(4, d)) * scale * draw(st.sampled_from([0.1, 1.0, 3.0]))
    return ModernHopfield(X, beta=beta), xi


@given(networks_and_queries())
def test_update_never_increases_energy_and_energy_is_nonnegative(net_xi):
    # CCCP (Ramsauer Thm 1); E >= (|xi| - M)^2 / 2 >= 0 from lse >= max
    net, xi = net_xi
    for _ in range(5):
        new = net.update(xi)
        e_old, e_new = net.energy(xi), net.energy(new)
        assert np.all(e_new <= e_old + 1e-9 * (1 + np.abs(e_old)))
        assert np.all(e_old >= -1e-9 * (1 + np.abs(e_old)))
        xi = new


@given(networks_and_queries())
def test_one_step_error_within_the_published_bound(net_xi):
    net, _ = net_xi
    rng = np.random.default_rng(0)
    for i in range(net.K):
        xi = net.patterns[i] + 0.1 * rng.normal(size=net.d) / np.sqrt(net.d)
        error = np.linalg.norm(net.update(xi) - net.patterns[i])
        assert error <= net.retrieval_error_bound(xi, i) * (1 + 1e-9) + 1e-12


def test_well_separated_pattern_is_retrieved_in_one_step():
    X = binary_patterns(50, 128, rng=1).astype(float)
    net = ModernHopfield(X, beta=1.0)
    rng = np.random.default_rng(2)
    noise = rng.normal(size=128)
    xi = X[7] + 0.3 * noise / np.linalg.norm(noise)
    bound = net.retrieval_error_bound(xi, 7)
    assert net.separation(7) > 2 * net.M * np.linalg.norm(xi - X[7])  # bound is informative
    assert bound < 1e-10
    assert np.linalg.norm(net.update(xi) - X[7]) <= bound


def test_retrieve_reaches_a_fixed_point_batched():
    X = binary_patterns(10, 32, rng=3).astype(float)
    net = ModernHopfield(X, beta=0.5)
    rng = np.random.default_rng(4)
    xi = X[:4] + 0.5 * rng.normal(size=(4, 32))
    res = net.retrieve(xi, tol=1e-12)
    assert res.state.shape == (4, 32)
    assert res.converged.shape == (4,)
    assert np.all(res.converged)
    assert np.allclose(net.update(res.state), res.state, atol=1e-10)
    # single-pattern fixed points, exponentially close to the patterns
    # (Ramsauer Thm 5: |x_i* - x_i| <= 2 e (K - 1) M exp(-beta Delta_i))
    for i in range(4):
        bound = 2 * np.e * (net.K - 1) * net.M * np.exp(-net.beta * net.separation(i))
        assert 0 < np.linalg.norm(res.state[i] - X[i]) <= bound
    assert np.all(res.residual <= 1e-12 * (1 + np.abs(res.state).max(-1)))


def test_small_beta_gives_the_global_average_fixed_point():
    X = np.random.default_rng(5).normal(size=(20, 8))
    net = ModernHopfield(X, beta=1e-4)
    res = net.retrieve(np.zeros(8))
    assert res.converged
    assert np.allclose(res.state, X.mean(0), atol=1e-3)


def test_metastable_average_over_a_cluster():
    # two near-copies of one pattern and one far pattern: at moderate beta the
    # query near the pair converges to (about) the pair's average
    base = np.zeros(16)
    base[0] = 4.0
    X = np.stack([base + 0.05 * np.eye(16)[1], base - 0.05 * np.eye(16)[1], -4 * np.eye(16)[2]])
    net = ModernHopfield(X, beta=1.0)
    res = net.retrieve(base + 0.2 * np.eye(16)[3])
    assert res.converged
    assert np.allclose(res.state, X[:2].mean(0), atol=1e-3)


def test_non_convergence_is_reported_not_hidden():
    X = binary_patterns(10, 32, rng=6).astype(float)
    net = ModernHopfield(X, beta=0.05)
    res = net.retrieve(np.full(32, 3.0), max_iter=1, tol=1e-15)
    assert not res.converged
    assert res.n_iter == 1
    assert res.residual > 1e-15


def test_bound_is_infinite_not_overflowing_when_vacuous():
    X = np.eye(4) * 10
    net = ModernHopfield(X, beta=1000.0)
    assert net.retrieval_error_bound(np.full(4, -50.0), 0) == np.inf


def test_energy_value_at_a_stored_pattern():
    X = np.eye(3) * 2.0
    net = ModernHopfield(X, beta=3.0)
    x = X[1]
    lse = np.log(np.exp(3.0 * 4) + 2 * np.exp(0.0)) / 3.0
    assert net.energy(x) == pytest.approx(-lse + 2.0 + np.log(3) / 3 + 2.0)
