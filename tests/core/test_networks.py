"""Binary networks: overlap energies against explicit couplings, flips, symmetries."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import seeds, spins, ternary_patterns

import hebbian.mc
from hebbian import DenseHopfield, ExponentialDAM, Hopfield, binary_patterns, diluted_patterns
from hebbian.networks import elementary_symmetric


def random_spins(rng, shape):
    return np.where(rng.random(shape) < 0.5, 1, -1).astype(np.int8)


def flipped(sigma, i):
    out = np.array(sigma, copy=True)
    out[..., i] *= -1
    return out


@st.composite
def dense_networks(draw):
    """A DenseHopfield with P in 2..4, either convention, small N, and a state."""
    P = draw(st.integers(2, 4))
    N = draw(st.integers(P, 8))
    diagonal = draw(st.booleans())
    xi = draw(ternary_patterns(N, dilute=draw(st.booleans())))
    return DenseHopfield(xi, P=P, diagonal=diagonal), draw(spins(N))


@st.composite
def exponential_networks(draw):
    N = draw(st.integers(2, 8))
    lam = draw(st.sampled_from([0.1, 0.7, 1.0, 3.0]))
    return ExponentialDAM(draw(ternary_patterns(N)), lam=lam), draw(spins(N))


any_network = st.one_of(dense_networks(), exponential_networks())


@given(dense_networks())
def test_overlap_energy_equals_explicit_tensor_energy(net_sigma):
    net, sigma = net_sigma
    assert net.energy(sigma) == pytest.approx(net.tensor_energy(sigma), rel=1e-12, abs=1e-12)


@given(exponential_networks())
def test_exponential_energy_equals_subset_expansion(net_sigma):
    net, sigma = net_sigma
    assert net.energy(sigma) == pytest.approx(net.tensor_energy(sigma), rel=1e-12, abs=1e-12)


@given(any_network, st.data())
def test_single_flip_energy_change_is_the_energy_difference(net_sigma, data):
    net, sigma = net_sigma
    i = data.draw(st.integers(0, net.N - 1))
    exact = net.energy(flipped(sigma, i)) - net.energy(sigma)
    assert net.delta_energy(sigma, i) == pytest.approx(exact, rel=1e-10, abs=1e-12)
    # with the overlaps supplied, as a sampler that keeps them up to date does
    assert net.delta_energy(sigma, i, m=net.overlaps(sigma)) == pytest.approx(
        exact, rel=1e-10, abs=1e-12
    )


@given(any_network)
def test_forward_and_reverse_flip_energy_changes_cancel(net_sigma):
    # the check that catches a field that keeps the neuron's own contribution
    net, sigma = net_sigma
    for i in range(net.N):
        back = net.delta_energy(flipped(sigma, i), i)
        assert net.delta_energy(sigma, i) + back == pytest.approx(0.0, abs=1e-10)


@given(any_network)
def test_cavity_field_ignores_own_spin_and_batches(net_sigma):
    net, sigma = net_sigma
    fields = net.local_fields(sigma)
    for i in range(net.N):
        assert fields[i] == pytest.approx(net.local_field(sigma, i), rel=1e-12, abs=1e-12)
        assert net.local_field(flipped(sigma, i), i) == pytest.approx(fields[i], abs=1e-10)
    batch = np.stack([sigma, -sigma, flipped(sigma, 0)])
    assert np.allclose(net.energy(batch), [net.energy(s) for s in batch], rtol=1e-12)
    assert np.allclose(net.local_fields(batch), [net.local_fields(s) for s in batch])


@given(any_network, st.data())
def test_gauge_symmetry(net_sigma, data):
    # xi_i^mu -> g_i xi_i^mu, sigma_i -> g_i sigma_i leaves every overlap, hence H, unchanged
    net, sigma = net_sigma
    g = data.draw(spins(net.N))
    gauged = type(net)(**{**_params(net), "patterns": net.patterns * g})
    assert gauged.energy(sigma * g) == pytest.approx(net.energy(sigma), rel=1e-12, abs=1e-12)


def _params(net):
    if isinstance(net, ExponentialDAM):
        return {"patterns": net.patterns, "lam": net.lam}
    return {"patterns": net.patterns, "P": net.P, "diagonal": net.diagonal}


@given(dense_networks())
def test_global_flip_symmetry_for_even_P(net_sigma):
    net, sigma = net_sigma
    if net.P % 2 == 0:
        assert net.energy(-sigma) == pytest.approx(net.energy(sigma), rel=1e-12, abs=1e-12)
    else:  # odd P: H(-sigma) = -H(sigma) without self-interactions
        if not net.diagonal:
            assert net.energy(-sigma) == pytest.approx(-net.energy(sigma), abs=1e-12)


def test_hopfield_closed_forms():
    rng = np.random.default_rng(0)
    xi = binary_patterns(7, 60, rng=rng)
    sigma = random_spins(rng, 60)
    m = xi @ sigma / 60
    assert Hopfield(xi).P == 2
    assert Hopfield(xi).energy(sigma) == pytest.approx(-30 * np.sum(m**2) + 7 * 60 / (2 * 60))
    assert Hopfield(xi, diagonal=True).energy(sigma) == pytest.approx(-30 * np.sum(m**2))
    # AGS field: h_i = sum_mu xi_i^mu m_mu - (K/N) sigma_i
    h = xi.T @ m - 7 / 60 * sigma
    assert np.allclose(Hopfield(xi).local_fields(sigma), h)


def test_stored_pattern_is_a_fixed_point_at_low_load():
    xi = binary_patterns(3, 400, rng=1)
    for P in (2, 3, 4):
        net = DenseHopfield(xi, P=P)
        assert np.all(net.local_fields(xi[0]) * xi[0] > 0)


@given(st.lists(st.floats(-3, 3), min_size=1, max_size=7), st.integers(0, 7))
def test_elementary_symmetric_against_brute_force(x, order):
    x = np.array(x)
    p = np.array([np.sum(x**k) for k in range(1, order + 1)])
    brute = sum(math.prod(c) for c in itertools.combinations(x, order))
    assert float(elementary_symmetric(p.reshape(order), order)) == pytest.approx(
        brute, rel=1e-9, abs=1e-9
    )


def test_real_valued_patterns_for_pairwise_and_diagonal_networks():
    rng = np.random.default_rng(2)
    xi = rng.normal(size=(3, 9))
    sigma = random_spins(rng, 9)
    for net in (Hopfield(xi), DenseHopfield(xi, P=3, diagonal=True), ExponentialDAM(xi)):
        assert net.patterns.dtype == np.float64
        assert net.energy(sigma) == pytest.approx(net.tensor_energy(sigma), rel=1e-10)
        exact = net.energy(flipped(sigma, 4)) - net.energy(sigma)
        assert net.delta_energy(sigma, 4) == pytest.approx(exact, rel=1e-10)


def test_ternary_patterns_are_stored_as_int8_and_read_only():
    net = DenseHopfield(diluted_patterns(2, 10, 0.4, rng=0), P=3)
    assert net.patterns.dtype == np.int8
    with pytest.raises(ValueError, match="read-only"):
        net.patterns[0, 0] = 1


def test_samplers_share_the_network_copy_and_read_only_neuron_major_input_is_adopted():
    xi = binary_patterns(4, 30, rng=1)  # read-only, neuron-major: one copy in all
    assert xi.flags.f_contiguous
    assert not xi.flags.writeable
    net = DenseHopfield(xi, P=2)
    assert net.patterns is xi
    assert np.shares_memory(hebbian.mc.kernel_model(net).xi_t, net.patterns)
    for writable in (np.array(xi, order="C"), np.array(xi, order="F")):  # the user may write
        own = DenseHopfield(writable, P=3).patterns
        assert not np.shares_memory(own, writable)
        assert own.flags.f_contiguous
        np.testing.assert_array_equal(own, xi)


@settings(max_examples=5)
@given(seeds)
def test_exponential_network_never_overflows_at_large_N(seed):
    rng = np.random.default_rng(seed)
    N = 100_000
    xi = binary_patterns(20, N, rng=rng)
    net = ExponentialDAM(xi, lam=1.0)
    sigma = xi[3].copy()
    m = net.overlaps(sigma)
    assert net.energy(sigma) == pytest.approx(-N, abs=1e-6)  # other terms are e^{-O(sqrt N)}
    # flipping one neuron of a stored pattern lowers its overlap term by e^{-2}: Delta H = 2
    assert net.delta_energy(sigma, 17, m=m) == pytest.approx(2.0, abs=1e-9)
    noisy = np.where(rng.random(N) < 0.3, -sigma, sigma)
    assert np.all(np.isfinite(net.local_fields(noisy)))


def test_exponential_zero_temperature_decisions_are_demircigil():
    # H = -(1/lam) log(-E_D) is increasing in E_D: every flip has the same sign of change
    rng = np.random.default_rng(4)
    xi = binary_patterns(30, 40, rng=rng)
    lam = 0.5
    net = ExponentialDAM(xi, lam=lam)

    def e_demircigil(s):
        return -np.sum(np.exp(lam * (xi @ s)))

    for _ in range(20):
        s = random_spins(rng, 40)
        for i in range(40):
            d_D = e_demircigil(flipped(s, i)) - e_demircigil(s)
            assert np.sign(net.delta_energy(s, i)) == np.sign(d_D)


def test_overlaps_argument_must_match():
    net = Hopfield(binary_patterns(2, 10, rng=0))
    with pytest.raises(ValueError, match=r"m has shape \(3,\)"):
        net.local_field(np.ones(10), 0, m=np.zeros(3))


@pytest.mark.parametrize(
    ("lam", "message"),
    [
        (math.inf, "lam=inf is not finite"),
        (1e308, r"lam=1e\+308 with N=10 .*: exponents lam N max\|xi\| would exceed 1e\+300"),
        (1e-308, r"lam=1e-308 with K=3: the energy's log\(K\)/lam would exceed 1e\+300"),
        (0.0, "lam=0 must be > 0"),
        (math.nan, "lam=nan is not a number"),
    ],
)
def test_exponential_lam_is_bounded_so_energies_stay_finite(lam, message):
    with pytest.raises(ValueError, match=message):
        ExponentialDAM(binary_patterns(3, 10, rng=0), lam=lam)


@pytest.mark.parametrize("lam", [1e-290, 1e-3, 1.0, 40.0, 1e5, 9e298])
def test_exponential_energies_are_finite_up_to_the_bound(lam):
    xi = binary_patterns(3, 10, rng=0)
    net = ExponentialDAM(xi, lam=lam)
    sigma = random_spins(np.random.default_rng(1), (4, 10))
    for value in (net.energy(sigma), net.local_fields(sigma), net.delta_energy(sigma, 2)):
        assert np.all(np.isfinite(value))
    if lam >= 40.0:  # the nearest-pattern limit, -N max m (no ties on a stored pattern)
        assert net.energy(xi[0]) == pytest.approx(-10.0, abs=1e-12)


def test_dense_energies_that_would_overflow_are_refused():
    with pytest.raises(ValueError, match=r"P=2 with K=2, N=4 .* would overflow float64"):
        Hopfield(np.array([[1e200, -1e200, 1e200, 1e200], [1.0, 2.0, 3.0, 4.0]]))
    with pytest.raises(ValueError, match=r"P=110 with K=1, N=1000 .*K \(N max\|xi\|\)\^P"):
        DenseHopfield(binary_patterns(1, 1000, rng=0), P=110)
    for P, diagonal in ((100, False), (110, True)):
        net = DenseHopfield(binary_patterns(1, 1000, rng=0), P=P, diagonal=diagonal)
        assert np.isfinite(net.energy(net.patterns[0]))


def test_constructors_never_widen_int8_patterns_to_float64():
    import tracemalloc

    xi = binary_patterns(500, 20_000, rng=0)  # 10 MB as int8, 80 MB as float64
    tracemalloc.start()
    try:
        net = Hopfield(xi)
        held, built = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        net.overlaps(xi[:2])
        overlaps = tracemalloc.get_traced_memory()[1] - held
    finally:
        tracemalloc.stop()
    assert built < 3 * xi.nbytes, built  # the int8 copy and a boolean mask
    assert overlaps < 40 * 2**20, overlaps  # one 32 MiB float64 block at a time


def test_ragged_or_text_patterns_are_refused_by_name():
    with pytest.raises(ValueError, match="patterns could not be read as an array"):
        Hopfield([[1, -1], [1]])
    with pytest.raises(TypeError, match="patterns has dtype <U1"):
        ExponentialDAM([["a", "b"]])
