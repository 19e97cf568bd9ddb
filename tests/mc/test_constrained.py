"""Pair moves at fixed probe overlap, and the free-energy slope, against exact enumeration."""

from __future__ import annotations

import math

import numpy as np
import pytest
from enumeration import CODES, NETWORKS, STATES
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import networks, seeds

from hebbian import DenseHopfield, binary_patterns
from hebbian.mc import _numba, _numpy
from hebbian.mc.constrained import (
    at_overlap,
    bar_slope,
    log_flip_weights,
    overlap_slope,
    overlap_slopes,
    step_fixed_overlap,
)
from hebbian.mc.learning import archetype_slope
from hebbian.mc.model import kernel_model
from hebbian.mc.retrieval import retrieval_slope
from hebbian.mc.sampler import Dynamics, init

PATTERN_NETWORKS = [name for name in NETWORKS if name != "sk"]
PROBE = STATES[37]  # a probe that is none of the patterns


def _sector(net, T, agree):
    """Boltzmann weights (unnormalized) of the states with ``sum_i v_i sigma_i = agree``."""
    E = net.energy(STATES)
    return np.exp(-(E - E.min()) / T) * (STATES @ PROBE.astype(int) == agree)


@settings(max_examples=40, deadline=None)
@given(
    networks(), st.sampled_from(["metropolis", "heat-bath"]), st.sampled_from([0.1, 1.0]), seeds
)
def test_numba_equals_numpy_reference_and_keeps_the_overlap(net, rule, T, seed):
    """Every pattern family (dense, diluted, learned, exponential): the pair kernel is its
    NumPy twin draw for draw, keeps the probe overlap, and its sums stay exact."""
    model = kernel_model(net)
    N = net.N
    probe = np.where(np.random.default_rng(seed).random(N) < 0.5, 1, -1).astype(np.int8)
    starts = at_overlap(probe, 0.3, 2, rng=seed)
    a, b = (init(net, n_replicas=2, start=starts, rng=seed + 1) for _ in range(2))
    dyn = Dynamics(T=T, rule=rule)
    step_fixed_overlap(model, a, probe, dyn, 6, backend="numba")
    step_fixed_overlap(model, b, probe, dyn, 6, backend="numpy")
    assert np.array_equal(a.sigma, b.sigma)
    assert np.array_equal(a.counts, b.counts)
    assert np.array_equal(a.sigma @ probe.astype(int), starts @ probe.astype(int))
    assert np.array_equal(a.S, model.overlap_sums(a.sigma))  # flips and flips back cancel
    sites = np.arange(N)  # equal to rounding (the exponential family sums its weights apart)
    np.testing.assert_allclose(
        _numba.flip_energies(model, a.sigma[0], a.S[0], sites),
        _numpy.flip_energies(model, a.sigma[0], a.S[0], sites),
        rtol=1e-12,
        atol=1e-12,
    )


@pytest.mark.parametrize("name", ["dense3", "supervised3", "diluted"])
def test_pair_moves_sample_the_restricted_boltzmann_distribution(name):
    """N = 8, overlap 1/2 with the probe: the visit frequencies of the 28 states of the
    sector are their Boltzmann weights (total variation < 0.02 over 8 x 4000 sweeps)."""
    net, T = NETWORKS[name]
    exact = _sector(net, T, 4)
    exact /= exact.sum()
    state = init(net, n_replicas=8, start=at_overlap(PROBE, 0.5, 8, rng=1), rng=2)
    model = kernel_model(net)
    visits = np.zeros(len(STATES))
    for _ in range(4000):
        step_fixed_overlap(model, state, PROBE, Dynamics(T=T), 1)
        np.add.at(visits, ((state.sigma < 0) * CODES).sum(axis=1), 1)
    visits /= visits.sum()
    assert 0.5 * np.abs(visits - exact).sum() < 0.02


@pytest.mark.parametrize("name", PATTERN_NETWORKS)
def test_flip_identities_hold_exactly_on_the_enumerated_sector(name):
    """Z(m + 2/N)/Z(m) = B/(A + 1) <(1/B) sum_against e^(-beta dE_i)>_m and
    Z(m - 2/N)/Z(m) = A/(B + 1) <(1/A) sum_with e^(-beta dE_i)>_m at every sector."""
    net, T = NETWORKS[name]
    model = kernel_model(net)
    for agree in (-4, 0, 2, 4):
        w = _sector(net, T, agree)
        sector = np.flatnonzero(w)
        state = init(net, n_replicas=len(sector), start=STATES[sector], rng=0)
        p = w[sector] / w[sector].sum()
        B = (8 - agree) // 2
        logs = log_flip_weights(model, state, PROBE, 1 / T)
        for column, (side, ratio) in enumerate(((-1, B / (9 - B)), (1, (8 - B) / (B + 1)))):
            exact = _sector(net, T, agree - 2 * side).sum() / w.sum()
            assert ratio * (p @ np.exp(logs[:, column])) == pytest.approx(exact, rel=1e-10)


@pytest.mark.parametrize(
    ("name", "m"), [("dense3", 0.0), ("supervised3", -0.5), ("hopfield", 0.5)]
)
def test_overlap_slope_equals_the_enumerated_free_energy_difference(name, m):
    net, T = NETWORKS[name]
    agree = round(8 * m)
    exact = -0.5 * T * math.log(_sector(net, T, agree + 2).sum() / _sector(net, T, agree).sum())
    state = init(net, n_replicas=8, start=at_overlap(PROBE, m, 8, rng=3), rng=4)
    res = overlap_slope(kernel_model(net), state, PROBE, Dynamics(T=T), n_sweeps=3000, n_burnin=50)
    assert res.m == m
    assert abs(res.up - exact) < 4 * res.error, (res.up, exact, res.error)
    below = -0.5 * T * math.log(_sector(net, T, agree).sum() / _sector(net, T, agree - 2).sum())
    assert abs(res.down - below) < 4 * res.error, (res.down, below, res.error)
    assert 0 < res.acceptance <= 1


def test_ladder_slopes_equal_the_enumerated_free_energy_differences():
    """Three temperatures with replica exchange in the sector m = 0 (N = 8): at each, the
    slope is the exact one within 4 errors (6 ladders); insertion and deletion each within
    15 % (they scatter in opposite directions, up to 7 % over ten seed pairs at the lowest
    temperature, and the error is known for their mean only)."""
    net, T = NETWORKS["dense3"]
    temps = [T, 1.5 * T, 2.25 * T]
    state = init(net, n_replicas=18, start=at_overlap(PROBE, 0.0, 18, rng=3), rng=4)
    res = overlap_slopes(kernel_model(net), state, PROBE, temps, n_sweeps=2000, n_burnin=50)
    assert res.temperatures.tolist() == temps
    for t, s in zip(temps, res.slopes, strict=True):
        up = -0.5 * t * math.log(_sector(net, t, 2).sum() / _sector(net, t, 0).sum())
        down = -0.5 * t * math.log(_sector(net, t, 0).sum() / _sector(net, t, -2).sum())
        assert s.m == 0.0
        assert len(s.per_chain) == 6
        assert abs(s.slope - (up + down) / 2) < 4 * s.error, (t, s.slope, up, down, s.error)
        assert abs(s.up - up) < 0.15 * abs(up), (t, s.up, up)
        assert abs(s.down - down) < 0.15 * abs(down), (t, s.down, down)
        assert 0 < s.acceptance <= 1
    assert np.all((res.swap_acceptance > 0) & (res.swap_acceptance <= 1))
    assert res.round_trips > 0
    assert np.array_equal(state.sigma @ PROBE.astype(int), np.zeros(18))


@pytest.mark.parametrize("name", ["dense3", "supervised3", "hopfield"])
def test_bennett_slope_between_sectors_equals_the_enumerated_one(name):
    """Sectors m = 0 and 1/4 (N = 8), ladders of three temperatures: Bennett's acceptance
    ratio of the insertions of one and the deletions of the other is the exact
    (F(1/4) - F(0))/2 within 4 errors (spread over 8 ladders) at every temperature."""
    net, T = NETWORKS[name]
    temps = [T, 1.5 * T, 2.25 * T]
    model = kernel_model(net)
    lower, upper = (
        overlap_slopes(
            model,
            init(net, n_replicas=24, start=at_overlap(PROBE, m, 24, rng=3), rng=4),
            PROBE,
            temps,
            n_sweeps=600,
            n_burnin=50,
        )
        for m in (0.0, 0.25)
    )
    for t, T_ in enumerate(temps):
        exact = -0.5 * T_ * math.log(_sector(net, T_, 2).sum() / _sector(net, T_, 0).sum())
        per = [bar_slope(lower.works[t], upper.works[t], ladder) for ladder in range(8)]
        error = np.std(per, ddof=1) / math.sqrt(8)
        estimate = bar_slope(lower.works[t], upper.works[t])
        assert abs(estimate - exact) < 4 * error, (T_, estimate, exact, error)
    with pytest.raises(ValueError, match="neighbouring sectors"):
        bar_slope(lower.works[0], lower.works[0])


@pytest.mark.parametrize(
    ("temperatures", "match"),
    [
        ([1.0, 0.5], "increase"),
        ([0.5, 0.5], "increase"),
        ([0.0, 1.0], "> 0"),
        ([1.0, float("inf")], "finite"),
        ([[0.5, 1.0]], "list of"),
        ([], "list of"),
        ([0.5, 1.0, 2.0], "multiple of 3"),
        ("hot", "temperatures"),
    ],
)
def test_ladder_refuses_bad_temperatures_by_name(temperatures, match):
    net, _ = NETWORKS["dense3"]
    state = init(net, n_replicas=4, start=at_overlap(PROBE, 0.0, 4, rng=0), rng=1)
    with pytest.raises((ValueError, TypeError), match=match):
        overlap_slopes(kernel_model(net), state, PROBE, temperatures, n_sweeps=1, n_burnin=0)


def test_retrieval_slope_is_negative_inside_the_retrieval_state_and_positive_past_it():
    """P = 2 storage, K = 3, over a ladder of two temperatures: the free energy falls
    towards the retrieval overlap (Curie-Weiss slope T atanh(m) - m: -0.17 and -0.08 at
    m = 0.71, the midpoint of the sectors 0.70 and 0.72) and rises past it (+0.28, +0.49
    at m = 0.97), at both temperatures."""
    out = retrieval_slope(
        2, 0.03, [0.6, 0.7], 100, overlaps=[0.71, 0.97], n_samples=2, seed=1, n_sweeps=60
    )
    assert out["m"] == pytest.approx([0.71, 0.97])
    assert out["T"].tolist() == [0.6, 0.7]
    assert out["slope"].shape == out["error"].shape == (2, 2)
    assert np.all(out["slope"][:, 0] < 0)
    assert np.all(out["slope"][:, 1] > 0.2)
    assert np.all(out["error"] > 0)
    assert np.all((out["swap_acceptance"] > 0) & (out["swap_acceptance"] <= 1))
    # Bennett's estimate lies between the one-sided ones or near them
    assert np.all(np.abs(out["slope"] - out["insertion"]) < 0.02)
    assert np.all(np.abs(out["slope"] - out["deletion"]) < 0.02)


def test_archetype_slope_is_negative_inside_the_retrieval_state_and_positive_past_it():
    """P = 2 learning, alpha small, T = 0.3: the free energy falls towards the retrieval
    overlap (RS: m = 0.83) and rises beyond it; the task keeps the requested overlaps."""
    out = archetype_slope(
        2, 0.02, 0.3, 100, 0.5, 12, overlaps=[0.5, 0.98], n_samples=2, seed=1, n_sweeps=100
    )
    assert out["m"].tolist() == [0.5, 0.98]
    assert out["slope"][0] < 0 < out["slope"][1]
    assert np.all(out["error"] > 0)
    assert np.all(out["acceptance"] > 0)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda m, s, v: step_fixed_overlap(m, s, v, Dynamics(T=0.0, rule="zero-T")), "T > 0"),
        (lambda m, s, v: step_fixed_overlap(m, s, v, Dynamics(T=1.0), backend="cupy"), "backend"),
        (lambda m, s, v: step_fixed_overlap(m, s, v[:5], Dynamics(T=1.0)), "probe has shape"),
        (lambda m, s, v: step_fixed_overlap(m, s, v * 2, Dynamics(T=1.0)), "probe must"),
        (lambda m, s, v: step_fixed_overlap(m, s, v, Dynamics(T=1.0), -1), "n_sweeps"),
        (
            lambda m, s, v: overlap_slope(m, s, v, Dynamics(T=1.0), n_sweeps=1, n_burnin=0),
            "one overlap",
        ),
    ],
)
def test_bad_arguments_are_refused_by_name(call, match):
    net = DenseHopfield(binary_patterns(2, 8, rng=0), P=2)
    state = init(net, n_replicas=2, rng=1)  # random starts: two overlaps
    state.sigma[1] = state.sigma[0]
    state.sigma[1, 0] *= -1
    with pytest.raises(ValueError, match=match):
        call(kernel_model(net), state, PROBE)


def test_explicit_couplings_and_full_overlaps_are_refused():
    net, _ = NETWORKS["sk"]
    with pytest.raises(ValueError, match="exact integer sums"):
        step_fixed_overlap(kernel_model(net), init(net, rng=0), PROBE, Dynamics(T=1.0))
    hop, _ = NETWORKS["hopfield"]
    state = init(hop, n_replicas=2, start=PROBE, rng=0)
    with pytest.raises(ValueError, match="strictly between"):
        overlap_slope(kernel_model(hop), state, PROBE, Dynamics(T=1.0), n_sweeps=1, n_burnin=0)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        ((PROBE, 1.5), "m"),
        ((PROBE, float("nan")), "m"),
        ((PROBE, 0.5, 0), "n_replicas"),
        ((PROBE, 0.5, 10**15), "n_replicas"),
        ((PROBE * 3, 0.5), "probe must"),
        ((np.ones((2, 8)), 0.5), "probe has shape"),
    ],
)
def test_at_overlap_refuses_bad_arguments_by_name(args, match):
    with pytest.raises(ValueError, match=match):
        at_overlap(*args)


def test_at_overlap_has_the_nearest_overlap_on_every_chain():
    out = at_overlap(PROBE, 0.3, 5, rng=1)
    assert out.shape == (5, 8)
    assert np.all(out @ PROBE.astype(int) == 2)  # round(8 * 0.7 / 2) = 3 flipped: m = 1/4
