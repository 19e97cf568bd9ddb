"""Kernels: Numba == NumPy reference draw for draw, exact bookkeeping, T = 0 dynamics."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import networks, seeds, sk_networks

from hebbian import (
    DenseHopfield,
    SherringtonKirkpatrick,
    binary_patterns,
)
from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import Dynamics, init, step

any_network = st.one_of(networks(), sk_networks())

dynamics = st.builds(
    lambda rule, order, T: Dynamics(T=0.0 if rule == "zero-T" else T, rule=rule, order=order),
    st.sampled_from(["metropolis", "heat-bath", "zero-T"]),
    st.sampled_from(["random", "sequential"]),
    st.sampled_from([0.05, 0.5, 2.0]),
)


@settings(max_examples=60)
@given(any_network, dynamics, seeds)
def test_numba_equals_numpy_reference_draw_for_draw(net, dyn, seed):
    model = kernel_model(net)
    a = init(net, n_replicas=2, rng=seed)
    b = init(net, n_replicas=2, rng=seed)
    step(model, a, dyn, 5, backend="numba")
    step(model, b, dyn, 5, backend="numpy")
    assert np.array_equal(a.sigma, b.sigma)
    assert np.array_equal(a.counts, b.counts)
    assert [g.random() for g in a.rngs] == [g.random() for g in b.rngs]


@settings(max_examples=50)
@given(any_network, dynamics, seeds)
def test_incremental_sums_equal_recomputed(net, dyn, seed):
    """Overlap sums stay exact integers; local fields of explicit couplings equal J sigma."""
    model = kernel_model(net)
    state = init(net, n_replicas=2, rng=seed)
    step(model, state, dyn, 20)
    energy = model.energy(state.sigma, state.S)
    np.testing.assert_allclose(energy, net.energy(state.sigma), rtol=1e-12, atol=1e-9)
    if isinstance(net, SherringtonKirkpatrick):
        np.testing.assert_allclose(state.S, state.sigma @ net.J, atol=1e-12)
    else:
        assert np.array_equal(state.S, model.overlap_sums(state.sigma))
        assert np.allclose(state.m, net.overlaps(state.sigma))


@settings(max_examples=40)
@given(any_network, seeds)
def test_zero_temperature_never_raises_energy_and_stops_at_a_fixed_point(net, seed):
    model = kernel_model(net)
    for order in ("random", "sequential"):
        state = init(net, rng=seed)
        dyn = Dynamics(T=0.0, rule="zero-T", order=order)
        energies = [net.energy(state.sigma[0])]
        for _ in range(200):
            step(model, state, dyn, 1)
            energies.append(net.energy(state.sigma[0]))
            if state.at_fixed_point[0]:
                break
        assert np.all(np.diff(energies) <= 1e-9 * (1 + np.abs(energies[:-1])))
        assert state.at_fixed_point[0]
        # no single flip lowers the energy at the returned configuration
        sigma = state.sigma[0]
        assert all(net.delta_energy(sigma, i) >= -1e-9 for i in range(net.N))


def test_acceptance_functions_satisfy_detailed_balance():
    from hebbian.mc._numba import RULE_HEAT_BATH, RULE_METROPOLIS, accept

    rng = np.random.default_rng(0)
    u = rng.random(200_000)
    for rule in (RULE_METROPOLIS, RULE_HEAT_BATH):
        for beta, dE in [(1.0, 0.7), (2.5, 0.3), (0.5, 3.0)]:
            forward = np.mean([accept(dE, beta, rule, x) for x in u[:50_000]])
            backward = np.mean([accept(-dE, beta, rule, x) for x in u[50_000:100_000]])
            exact_f = (
                np.exp(-beta * dE) if rule == RULE_METROPOLIS else 1 / (1 + np.exp(beta * dE))
            )
            exact_b = 1.0 if rule == RULE_METROPOLIS else 1 / (1 + np.exp(-beta * dE))
            assert exact_f / exact_b == pytest.approx(np.exp(-beta * dE))
            assert forward == pytest.approx(exact_f, abs=5 * np.sqrt(exact_f / 50_000) + 1e-4)
            assert backward == pytest.approx(exact_b, abs=5 * np.sqrt(exact_b / 50_000) + 1e-4)


def test_threads_do_not_change_results():
    net = DenseHopfield(binary_patterns(20, 60, rng=1), P=3)
    model = kernel_model(net)
    a, b = init(net, n_replicas=4, rng=2), init(net, n_replicas=4, rng=2)
    dyn = Dynamics(T=0.3, rule="heat-bath")
    step(model, a, dyn, 20, n_workers=1)
    step(model, b, dyn, 20, n_workers=2)
    assert np.array_equal(a.sigma, b.sigma)


def test_start_pattern_has_the_requested_overlap():
    net = DenseHopfield(binary_patterns(3, 200, rng=3), P=2)
    state = init(net, n_replicas=5, start="pattern", m0=0.6, pattern=2, rng=4)
    assert np.allclose(state.m[:, 2], 0.6)
    assert len({tuple(s) for s in state.sigma}) == 5  # replicas differ


@settings(max_examples=300)
@given(
    st.one_of(
        st.floats(-50.0, 50.0), st.sampled_from([0.0, 1e-300, 1e-12, 36.0, 38.0, 745.0, 1e300])
    ),
    st.one_of(st.floats(0.0, 1.0, exclude_max=True), st.sampled_from([0.0, 0.5, 2.0**-53])),
)
def test_acceptance_bounds_decide_as_exp_would(z, u):
    """The exact bounds that skip ``exp`` never change a decision."""
    import math

    from hebbian.mc._numba import RULE_HEAT_BATH, RULE_METROPOLIS, accept

    metropolis = z <= 0.0 or u < math.exp(-z)
    heat_bath = u < (math.exp(-z) / (1 + math.exp(-z)) if z > 0 else 1 / (1 + math.exp(z)))
    assert accept(z, 1.0, RULE_METROPOLIS, u) == metropolis
    assert accept(z, 1.0, RULE_HEAT_BATH, u) == heat_bath


@settings(max_examples=200)
@given(st.integers(3, 9), st.integers(1, 60), st.data())
def test_power_terms_split_the_cavity_polynomial(P, n, data):
    """``e_{P-1}(S - y, n - 1) = a + b y`` for ``y = +-1``; kept: ``(2a div / mul, 2b)``."""
    from hebbian.mc.networks.polynomial import e_rest_array, factors, power_terms

    S = data.draw(st.integers(-n, n).filter(lambda v: (v - n) % 2 == 0))
    t, b2 = power_terms(S, n, P)
    mul, div = factors(P)
    assert t * mul % div == 0
    for y in (1, -1):
        assert (
            2 * e_rest_array(np, np.float64(S - y), np.float64(n - 1), P)
            == t * mul // div + b2 * y
        )


@settings(max_examples=30)
@given(networks(), dynamics, seeds)
def test_a_chain_does_not_depend_on_how_its_sweeps_are_split(net, dyn, seed):
    model = kernel_model(net)
    whole, parts = init(net, rng=seed), init(net, rng=seed)
    step(model, whole, dyn, 6)
    for n in (1, 2, 3):
        step(model, parts, dyn, n)
    if not whole.at_fixed_point[0]:
        assert np.array_equal(whole.sigma, parts.sigma)
        assert np.array_equal(whole.S, parts.S)


@pytest.mark.parametrize(
    ("P", "N", "K", "T"), [(2, 300, 40, 0.3), (3, 256, 6, 0.05), (4, 32, 20, 0.005)]
)
def test_int16_terms_give_the_int32_chains_draw_for_draw(P, N, K, T):
    """The narrow path (int16 values, int32 dot products) and the wide one decide alike,
    at N = 256, P = 3 with kept terms next to the int16 limit (chains near a pattern)."""
    from hebbian.mc.networks import polynomial as poly

    net = DenseHopfield(binary_patterns(K, N, rng=P), P=P)
    model = kernel_model(net)
    short_class, wide_class = (
        (poly.PairwiseShort, poly.Pairwise) if P == 2 else (poly.PowerSumsShort, poly.PowerSums)
    )
    short = model._replace(params=short_class(*model.params))
    wide = model._replace(params=wide_class(*model.params))
    work, aux = short.family.prepare(short, init(net, rng=0).S[0])
    assert work.dtype == np.int16
    assert P == 2 or aux.dtype == np.int16
    assert wide.family.prepare(wide, init(net, rng=0).S[0])[0].dtype == np.int32
    if P == 3:  # the largest kept term, |a| = (N^2 - N + 2)/2, is reached at S = N
        assert poly.term_bound(N, P) == (N * N - N + 2) // 2 == 32641
    a = init(net, n_replicas=2, start="pattern", m0=0.95, rng=5)
    b = init(net, n_replicas=2, start="pattern", m0=0.95, rng=5)
    for dyn in (Dynamics(T=T), Dynamics(T=2 * T, rule="heat-bath", order="sequential")):
        step(short, a, dyn, 30)
        step(wide, b, dyn, 30)
        assert np.array_equal(a.sigma, b.sigma)
        assert np.array_equal(a.S, b.S)
        assert np.array_equal(a.counts, b.counts)
    assert a.counts[:, 1].min() > 0  # the chains moved


@pytest.mark.parametrize(
    ("P", "N", "K", "short"),
    [
        (3, 256, 128, True),  # |a| <= 32641
        (3, 257, 128, False),  # |a| up to 32897 > 2^15 - 1
        (3, 256, 65_790, True),  # K |a| < 2^31
        (3, 256, 65_800, False),  # the int32 dot product could overflow
        (2, 2**15 - 1, 128, True),
        (2, 2**15, 128, False),
        (4, 32, 128, True),  # |3 (2a)| <= 29952
        (4, 33, 128, False),  # 32934
        (3, 256, 127, True),  # fits; int16 pays on AVX2, not on AVX-512 (SHORT_MIN_K)
    ],
)
def test_the_narrow_type_is_chosen_from_the_bound(P, N, K, short):
    from hebbian.mc.model import fits_short
    from hebbian.mc.networks.polynomial import SHORT_MIN_K, term_bound

    bound = N if P == 2 else term_bound(N, P)
    assert fits_short(bound, K) == short
    short = short and K >= SHORT_MIN_K
    if K * N < 10**7:  # build the network where that is cheap
        net = DenseHopfield(np.ones((K, N), np.int8), P=P)
        assert type(kernel_model(net).params).__name__.endswith("Short") == short


def test_the_int16_threshold_reads_the_cpu_numba_compiles_for(monkeypatch):
    from numba.core import config

    from hebbian.mc.networks import polynomial as poly

    monkeypatch.setattr(config, "CPU_FEATURES", "+avx2,+avx512f,+avx512bw")
    assert poly.avx512()
    monkeypatch.setattr(config, "CPU_FEATURES", "+avx2,-avx512bw")
    assert not poly.avx512()
    monkeypatch.setattr(config, "CPU_FEATURES", "")
    monkeypatch.setattr(config, "CPU_NAME", "generic")
    assert not poly.avx512()


@pytest.mark.skipif(
    "fork" not in __import__("multiprocessing").get_all_start_methods(), reason="no fork"
)
def test_chains_on_threads_run_after_a_fork():
    """The thread pool kept for the process is not inherited by a forked child (its
    threads do not exist there): the child starts its own and gives the same chains."""
    import multiprocessing

    from hebbian.mc import sampler

    net = DenseHopfield(binary_patterns(5, 40, rng=1), P=2)
    model = kernel_model(net)
    state = step(model, init(net, n_replicas=3, rng=2), Dynamics(T=0.5), 4, n_workers=2)
    assert 2 in sampler._POOLS
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        child = pool.apply_async(_threaded_chains, (net,)).get(timeout=60)
    assert np.array_equal(child, state.sigma)


def _threaded_chains(net):
    from hebbian.mc import sampler

    assert not sampler._POOLS
    state = init(net, n_replicas=3, rng=2)
    return step(kernel_model(net), state, Dynamics(T=0.5), 4, n_workers=2).sigma
