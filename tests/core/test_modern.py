"""Modern Hopfield network: energy descent, fixed points, Ramsauer's bounds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import seeds

from hebbian import ModernHopfield, binary_patterns
from hebbian.networks.modern import FixedPointKind


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


@given(seeds)
def test_large_beta_update_is_nearest_pattern_retrieval(seed):
    # beta -> inf: softmax -> argmax; +-1 queries make the dot products even
    # integers, so a gap is >= 2 and exp(-2 beta) underflows to 0; tied
    # maximisers share the weight equally (the limit of the softmax)
    rng = np.random.default_rng(seed)
    X = binary_patterns(20, 32, rng=rng).astype(float)
    xi = rng.choice([-1.0, 1.0], size=(8, 32))
    dots = xi @ X.T
    top = dots == dots.max(axis=1, keepdims=True)
    nearest = (top @ X) / top.sum(axis=1, keepdims=True)
    assert np.allclose(ModernHopfield(X, beta=1e3).update(xi), nearest, rtol=0, atol=1e-12)


@given(seeds, st.sampled_from([0.1, 1.0, 10.0]))
def test_small_beta_gives_the_global_average_fixed_point(seed, scale):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(20, 8))
    net = ModernHopfield(X, beta=1e-6)
    xi = scale * rng.normal(size=(3, 8))
    assert np.allclose(net.update(xi), X.mean(0), rtol=0, atol=1e-4)
    res = net.retrieve(xi)
    assert np.all(res.converged)
    found = net.fixed_point_kind(res.state)
    assert found.kind.shape == (3,)
    assert np.all(found.kind == FixedPointKind.GLOBAL)
    assert np.all(found.n_eff > 20 * (1 - 1e-3))


def test_retrieved_well_separated_pattern_is_a_single_fixed_point():
    X = binary_patterns(50, 128, rng=1).astype(float)
    net = ModernHopfield(X, beta=1.0)
    assert net.separation(7) >= net.separation_threshold()
    assert net.separation(8) >= net.separation_threshold()
    xi = X[[7, 8]] + 0.5 * np.random.default_rng(2).normal(size=(2, 128))
    found = net.fixed_point_kind(net.retrieve(xi).state)
    assert np.all(found.kind == FixedPointKind.SINGLE)
    assert found.index.tolist() == [7, 8]
    assert np.allclose(found.n_eff, 1.0, rtol=0, atol=1e-9)


def _two_clusters():
    """Three patterns around each of two orthogonal centres of norm 3."""
    rng = np.random.default_rng(0)
    centres = 3.0 * np.eye(16)[:2]
    X = np.repeat(centres, 3, axis=0) + 0.1 * rng.normal(size=(6, 16))
    return X, centres[0] + 0.3 * rng.normal(size=16)


@pytest.mark.parametrize(
    ("beta", "kind", "n_eff"),
    [
        (1.0, FixedPointKind.METASTABLE, (2.5, 3.1)),  # the three share the weight
        (10.0, FixedPointKind.METASTABLE, (1.2, 1.6)),  # one leads with p ~ 0.85
        (100.0, FixedPointKind.SINGLE, (1.0, 1.0 + 1e-9)),  # one takes it all
    ],
)
def test_query_near_a_cluster_ends_metastable_then_single_as_beta_grows(beta, kind, n_eff):
    # within-cluster overlaps with the query differ by ~0.3; across clusters by ~9
    X, xi = _two_clusters()
    net = ModernHopfield(X, beta=beta)
    res = net.retrieve(xi)
    found = net.fixed_point_kind(res.state)
    assert res.converged
    assert found.kind == kind
    assert n_eff[0] <= found.n_eff <= n_eff[1]
    assert found.index in (0, 1, 2)


@st.composite
def gaussian_networks(draw):
    rng = np.random.default_rng(draw(seeds))
    K, d = draw(st.integers(2, 10)), draw(st.integers(2, 32))
    X = rng.normal(size=(K, d)) * draw(st.sampled_from([0.5, 1.0, 2.0]))
    return ModernHopfield(X, beta=draw(st.sampled_from([0.3, 1.0, 3.0, 10.0, 100.0])))


@given(gaussian_networks())
def test_well_separated_pattern_has_a_fixed_point_in_its_sphere(net):
    """Theorem 4: iterating from a well-separated x_i stays in |xi - x_i| <= 1/(beta K M).

    The update maps that ball into itself (see ``separation_threshold``), so
    every iterate, and the fixed point reached, lies in it.  A threshold half
    as large fails this test on Gaussian patterns.
    """
    radius = 1.0 / (net.beta * net.K * net.M)
    well_separated = [i for i in range(net.K) if net.separation(i) >= net.separation_threshold()]
    assume(well_separated)
    res = net.retrieve(net.patterns[well_separated], tol=1e-12)
    assert np.all(res.converged)
    dist = np.linalg.norm(res.state - net.patterns[well_separated], axis=1)
    assert np.all(dist <= radius * (1 + 1e-9))


def test_separation_threshold_value_and_degenerate_cases():
    X = np.eye(3) * 2.0
    assert ModernHopfield(X, beta=0.5).separation_threshold() == pytest.approx(
        2 / 1.5 + 2 * np.log(2 * 2 * 3 * 0.5 * 4)
    )
    assert ModernHopfield(X[:1], beta=1.0).separation_threshold() == -np.inf
    assert ModernHopfield(np.zeros((3, 2)), beta=1.0).separation_threshold() == -np.inf


@pytest.mark.parametrize(
    ("beta", "message"),
    [
        (0.0, "beta=0 must be > 0"),
        (-1.0, "beta=-1 must be > 0"),
        (np.nan, "beta=nan is not a number"),
        (np.inf, "beta=inf is not finite"),
    ],
)
def test_bad_beta_is_rejected_by_name(beta, message):
    with pytest.raises(ValueError, match=message):
        ModernHopfield(np.eye(3), beta=beta)


def test_nan_patterns_are_rejected_by_name():
    X = np.eye(3)
    X[1, 2] = np.nan
    with pytest.raises(ValueError, match="patterns contains NaN or inf"):
        ModernHopfield(X, beta=1.0)


@pytest.mark.parametrize("method", ["update", "energy", "retrieve", "fixed_point_kind"])
def test_bad_queries_are_rejected_by_name(method):
    call = getattr(ModernHopfield(np.eye(3), beta=1.0), method)
    name = "state" if method == "fixed_point_kind" else "xi"
    with pytest.raises(
        ValueError, match=rf"{name} has shape \(2, 4\); pass shape \(..., d\) with d=3"
    ):
        call(np.ones((2, 4)))
    with pytest.raises(ValueError, match=f"{name} contains NaN or inf"):
        call(np.array([1.0, np.nan, 0.0]))


@pytest.mark.parametrize("tol", [0.0, 1.0, np.nan])
def test_fixed_point_kind_tolerance_is_checked(tol):
    with pytest.raises(ValueError, match="tol="):
        ModernHopfield(np.eye(3), beta=1.0).fixed_point_kind(np.ones(3), tol=tol)


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


@pytest.mark.parametrize("beta", [1e-308, 1e-6, 1.0, 1e3, 1e308])
def test_energies_and_updates_are_finite_at_every_finite_beta(beta):
    X = np.random.default_rng(0).normal(size=(5, 4)) * 3.0
    xi = np.random.default_rng(1).normal(size=(3, 4)) * 3.0
    net = ModernHopfield(X, beta=beta)
    for value in (net.energy(xi), net.update(xi), net.probabilities(xi)):
        assert np.all(np.isfinite(value))
    assert not np.isnan(net.separation_threshold())  # -inf as beta -> 0
    assert not np.any(np.isnan(net.retrieval_error_bound(xi, 0)))


def test_huge_beta_is_nearest_pattern_retrieval_and_tiny_beta_the_average():
    X = np.random.default_rng(2).normal(size=(6, 5))
    xi = np.random.default_rng(3).normal(size=(4, 5))
    nearest = X[np.argmax(xi @ X.T, axis=1)]
    assert np.array_equal(ModernHopfield(X, beta=1e308).update(xi), nearest)
    assert np.allclose(ModernHopfield(X, beta=1e-300).update(xi), X.mean(axis=0))


def test_energy_keeps_its_limits_at_extreme_beta():
    # E -> -max_k z_k + |xi|^2/2 + M^2/2 as beta -> inf, and -mean_k z_k + ... as beta -> 0
    X = np.random.default_rng(4).normal(size=(5, 3))
    xi = np.random.default_rng(5).normal(size=3)
    z, rest = X @ xi, 0.5 * xi @ xi + 0.5 * np.max(np.sum(X * X, axis=1))
    assert ModernHopfield(X, beta=1e308).energy(xi) == pytest.approx(-z.max() + rest)
    assert ModernHopfield(X, beta=1e-300).energy(xi) == pytest.approx(-z.mean() + rest)
    # and agrees with the textbook formula where that one does not overflow
    net = ModernHopfield(X, beta=2.0)
    textbook = -np.log(np.sum(np.exp(2.0 * z))) / 2.0 + np.log(5) / 2.0 + rest
    assert net.energy(xi) == pytest.approx(textbook, rel=1e-12)


def test_patterns_too_large_or_ragged_are_refused_by_name():
    with pytest.raises(ValueError, match=r"patterns have a norm of .*; the energy needs norms"):
        ModernHopfield(np.eye(3) * 1e200, beta=1.0)
    with pytest.raises(ValueError, match="patterns could not be read as an array"):
        ModernHopfield([[1.0, 2.0], [1.0]], beta=1.0)
