"""Exact integer energy changes: the bounds that admit a network, against Python integers.

The samplers keep float64 energy changes exact: every intermediate must be an
integer below 2^53.  :func:`hebbian.mc.model.check_exact` refuses a network
where a bound on them exceeds 2^53; the bound on a network's own patterns
(largest row sum, largest eigenvalue of the Gram matrix) must hold for every
state and every neuron, which the true intermediates, computed here in
Python's unbounded integers, check.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import seeds

from hebbian import (
    DenseHopfield,
    binary_patterns,
    diluted_patterns,
    learned_network,
    noisy_examples,
)
from hebbian.mc.model import Cavity, cavity_bounds, check_exact, kernel_model
from hebbian.mc.networks import polynomial, self_interacting
from hebbian.mc.sampler import Dynamics, init, step
from hebbian.networks.learning import LearnedNetwork

LIMIT = 2**53


def partial_sums_peak(terms) -> int:
    """Largest ``|sum|`` over every prefix of ``terms`` (the kernels' order)."""
    peak = total = 0
    for t in terms:
        total += t
        peak = max(peak, abs(total))
    return peak


def self_interacting_peak(x: list[list[int]], sigma: list[int], P: int) -> int:
    """Largest intermediate of the flip field ``sum_mu (c + x)^P - (c - x)^P`` over every i."""
    S = [sum(a * s for a, s in zip(row, sigma, strict=True)) for row in x]
    peak = 0
    for i, s in enumerate(sigma):
        cavity = [(S_mu - row[i] * s, row[i]) for S_mu, row in zip(S, x, strict=True)]
        peak = max(peak, partial_sums_peak((c + a) ** P - (c - a) ** P for c, a in cavity))
        if P > 4:  # the general form raises c +- x to the power P
            peak = max(peak, max(abs(c) + abs(a) for c, a in cavity) ** P)
    return peak


def elementary(values: list[int], order: int) -> list[int]:
    """``e_0 .. e_order`` of ``values`` (coefficients of prod (1 + y t))."""
    e = [1] + [0] * order
    for y in values:
        for k in range(order, 0, -1):
            e[k] += y * e[k - 1]
    return e


def polynomial_peak(x: list[list[int]], sigma: list[int], P: int) -> int:
    """Largest intermediate of the reference's field ``2 sum_mu x_mu e_{P-1}(cavity)``: the
    partial sums over patterns and the accumulators of Newton's identities."""
    peak = 0
    for i in range(len(sigma)):
        terms = []
        for row in x:
            y = [a * s for j, (a, s) in enumerate(zip(row, sigma, strict=True)) if j != i]
            e = elementary(y, P - 1)
            power = [sum(v**j for v in y) for j in range(P)]
            for k in range(1, P):
                acc = [(-1) ** (j - 1) * e[k - j] * power[j] for j in range(1, k + 1)]
                peak = max(peak, partial_sums_peak(acc))
            terms.append(2 * row[i] * e[P - 1])
        peak = max(peak, partial_sums_peak(terms))
    return peak


@st.composite
def small_networks(draw):
    """Learned networks (example sums), and dense ones with and without self-interactions."""
    seed = draw(seeds)
    N = draw(st.integers(3, 14))
    K = draw(st.integers(1, 18))  # both sides of K = N: both Gram matrices
    kind = draw(st.sampled_from(["learned", "dense"]))
    P = draw(st.integers(2, 5))
    if kind == "learned":
        M = draw(st.integers(1, 9))
        examples = noisy_examples(binary_patterns(K, N, rng=seed), M, 0.5, rng=seed + 1)
        protocol = draw(st.sampled_from(["supervised", "unsupervised"]))
        return learned_network(examples, P, protocol=protocol)
    xi = diluted_patterns(K, N, draw(st.sampled_from([0.0, 0.4])), rng=seed)
    return DenseHopfield(xi, P=P, diagonal=draw(st.booleans()))


def field_of(net):
    """The family's bound and the true peak's function, for ``net``."""
    if isinstance(net, DenseHopfield) and not net.diagonal:
        return polynomial.field_bound(net.P, net.N), polynomial_peak
    x_max = round(float(np.abs(net.patterns).max()))
    return self_interacting.field_bound(net.P, x_max), self_interacting_peak


@settings(max_examples=60, deadline=None)
@given(small_networks(), seeds, st.booleans())
def test_bound_on_the_network_holds_for_every_state_and_neuron(net, seed, aligned):
    """The largest intermediate of every flip's field (Python integers) is within the bound
    on the network's own patterns, for random states and states aligned to a pattern (the
    largest sums); the sums themselves are within the cavity bounds, and the bound on the
    patterns is within the sizes-only worst case."""
    rng = np.random.default_rng(seed)
    x = net.patterns.astype(np.int64)
    sigma = np.where(x[0] != 0, np.sign(x[0]), 1) if aligned else rng.choice([-1, 1], net.N)
    cavity = cavity_bounds(net)
    S = x @ sigma
    assert np.abs(S).max() <= cavity.largest
    assert float(S @ S) <= cavity.squares
    field, peak = field_of(net)
    true = peak(x.tolist(), sigma.tolist(), net.P)
    assert true <= field(cavity), (true, cavity)
    x_max = int(np.abs(x).max())
    assert field(cavity) <= field(Cavity.worst(net.K, net.N, x_max))


def test_moment_bounds_are_those_of_the_sums():
    """Cauchy-Schwarz and the largest term: sum |c|^k within K, sqrt(K Q), c_max^(k-2) Q."""
    c = np.array([3.0, -1.0, 4.0, 0.0, -5.0])
    cavity = Cavity(len(c), float(np.abs(c).max()), float(c @ c))
    for k in range(6):
        assert np.sum(np.abs(c) ** k) <= cavity.moment(k) * (1 + 1e-12)
    assert cavity.moment(1) == pytest.approx(math.sqrt(5 * 51))
    assert cavity.sum_bound([1.0, 0.0, 2.0]) == pytest.approx(5 + 2 * 51)


@pytest.mark.parametrize(("entry", "refused"), [(190, False), (220, True)])
def test_refused_exactly_where_the_bound_exceeds_2_to_the_53(entry, refused):
    """Identical rows of one entry ``X`` (K = 10, N = 40, P = 4): the aligned state's field
    reaches ``K X^4 (N^4 - (N - 2)^4)``, within 1.1 of the bound, so the network is refused
    only where the true field exceeds 2^53 / 1.1, and then the true field does exceed it."""
    K, N = 10, 40
    net = LearnedNetwork(np.full((K, N), entry, np.int16), P=4)
    bound = self_interacting.field_bound(4, entry)(cavity_bounds(net))
    true = K * entry**4 * (N**4 - (N - 2) ** 4)
    assert true <= bound < 1.1 * true
    if refused:
        assert true > LIMIT
        with pytest.raises(ValueError, match="lose exactness") as info:
            kernel_model(net)
        message = str(info.value)
        assert "\n" not in message
        assert all(f"{k}={v}" in message for k, v in (("K", K), ("N", N), ("P", 4)))
        assert "reduce K, N or the examples per class M" in message
    else:
        assert bound < LIMIT
        kernel_model(net)


def test_learned_p4_network_at_n_200_runs_exactly():
    """P = 4, M = 12 examples of quality 0.5, N = 200, K = 0.005 N^3: refused by the sizes
    alone (``K (12 N)^3 12 2^4 > 2^53``), admitted by its patterns' bound (below 2^47);
    two sweeps of the Numba kernel and the NumPy reference agree draw for draw and keep the
    overlap sums exact."""
    N, M = 200, 12
    K = round(0.005 * N**3)
    rng = np.random.default_rng(7)
    examples = noisy_examples(binary_patterns(K, N, rng=rng), M, 0.5, rng=rng)
    net = learned_network(examples, 4)
    x_max = round(float(np.abs(net.patterns).max()))
    with pytest.raises(ValueError, match="lose exactness"):
        check_exact(K, N, 4, x_max)
    assert self_interacting.field_bound(4, x_max)(cavity_bounds(net)) < 2.0**47
    model = kernel_model(net)
    dyn = Dynamics(T=0.02, rule="heat-bath")
    start = examples.archetypes[:2] * np.where(np.arange(N) < 20, -1, 1)  # overlap 0.8
    a, b = (init(net, n_replicas=2, start=start, rng=3) for _ in range(2))
    step(model, a, dyn, 2, backend="numba")
    step(model, b, dyn, 2, backend="numpy")
    assert np.array_equal(a.sigma, b.sigma)
    assert np.array_equal(a.counts, b.counts)
    assert np.all(a.acceptance > 0)
    assert np.array_equal(a.S, model.overlap_sums(a.sigma))
