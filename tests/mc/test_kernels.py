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
    ("P", "N", "K", "narrow", "dtype", "T"),
    [
        (2, 300, 40, "short", np.int16, 0.3),
        (3, 256, 6, "short", np.int16, 0.05),
        (2, 300, 2 * 2**11 + 37, "blocked", np.int32, 0.3),  # three blocks, the last short
        (3, 300, 2**11 + 1, "blocked", np.int32, 0.05),  # |a| up to 44851: int32 terms
        (4, 102, 40, "blocked", np.int32, 0.005),  # |3 (2a)| up to 1030200 < 2^20
    ],
)
def test_narrow_types_give_the_wide_chains_draw_for_draw(P, N, K, narrow, dtype, T):
    """The narrow paths (int16 values in one int32 dot product; int32 values summed in
    int32 over blocks) and the wide one (int32 or int64 summed in int64) decide alike,
    with kept terms next to their limits (chains near a pattern)."""
    from hebbian.mc.networks import polynomial as poly

    net = DenseHopfield(binary_patterns(K, N, rng=P), P=P)
    model = kernel_model(net)
    names = ("Pairwise", "PowerSums")[P > 2]
    cls = getattr(poly, names + narrow.capitalize())
    fast = model._replace(params=cls(*model.params))
    wide = model._replace(params=getattr(poly, names)(*model.params))
    work, aux = fast.family.prepare(fast, init(net, rng=0).S[0])
    assert work.dtype == dtype
    assert P == 2 or aux.dtype == dtype
    assert wide.family.prepare(wide, init(net, rng=0).S[0])[0].dtype == np.int32
    if P == 3 and N == 256:  # the largest kept term, |a| = (N^2 - N + 2)/2, is reached at S = N
        assert poly.term_bound(N, P) == (N * N - N + 2) // 2 == 32641
    if narrow == "blocked":
        assert poly.term_bound(N, P) < poly.BLOCK_BOUND if P > 2 else N < poly.BLOCK_BOUND
    a = init(net, n_replicas=2, start="pattern", m0=0.95, rng=5)
    b = init(net, n_replicas=2, start="pattern", m0=0.95, rng=5)
    for dyn in (Dynamics(T=T), Dynamics(T=2 * T, rule="heat-bath", order="sequential")):
        step(fast, a, dyn, 30 if K < 1000 else 4)
        step(wide, b, dyn, 30 if K < 1000 else 4)
        assert np.array_equal(a.sigma, b.sigma)
        assert np.array_equal(a.S, b.S)
        assert np.array_equal(a.counts, b.counts)
    assert a.counts[:, 1].min() > 0  # the chains moved


@pytest.mark.parametrize(
    ("P", "N", "K", "fits", "blocks"),
    [
        (3, 256, 128, True, True),  # |a| <= 32641
        (3, 257, 128, False, True),  # |a| up to 32897 > 2^15 - 1
        (3, 256, 65_790, True, True),  # K |a| < 2^31
        (3, 256, 65_800, False, True),  # the int32 dot product could overflow
        (2, 2**15 - 1, 128, True, True),
        (2, 2**15, 128, False, True),
        (4, 32, 128, True, True),  # |3 (2a)| <= 29952
        (4, 33, 128, False, True),  # 32934
        (4, 102, 128, False, True),  # 1030200 < 2^20
        (4, 103, 128, False, False),
        (3, 1448, 128, False, True),  # 1047629
        (3, 1449, 128, False, False),
        (3, 256, 127, True, False),  # fits; int16 pays on AVX2, not on AVX-512
        (3, 300, 127, False, False),  # int32 values, too few patterns to block
    ],
)
def test_the_narrow_type_is_chosen_from_the_bound(P, N, K, fits, blocks):
    from hebbian.mc.model import fits_short
    from hebbian.mc.networks import polynomial as poly

    bound = N if P == 2 else poly.term_bound(N, P)
    assert fits_short(bound, K) == fits
    assert (bound < poly.BLOCK_BOUND and K >= poly.BLOCK_MIN_K) == blocks
    expected = "Short" if fits and K >= poly.SHORT_MIN_K else "Blocked" if blocks else ""
    if K * N < 10**7:  # build the network where that is cheap
        net = DenseHopfield(np.ones((K, N), np.int8), P=P)
        name = type(kernel_model(net).params).__name__
        assert name == ("Pairwise", "PowerSums")[P > 2] + expected


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
