"""Backend ``"lockstep"``: R chains a kernel, against the reference and the one-chain kernel."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import networks, seeds, sk_networks

from hebbian import DenseHopfield, Hopfield, binary_patterns
from hebbian.mc import _numba, _numpy
from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import LOCKSTEP_GROUP, ORDERS, RULES, Dynamics, init, step
from hebbian.mc.simulation import run

any_network = st.one_of(networks(), sk_networks())
warm = st.builds(
    Dynamics,
    st.sampled_from([0.05, 0.5, 2.0, np.inf]),
    st.sampled_from(["metropolis", "heat-bath"]),
    st.sampled_from(["random", "sequential"]),
)


def assert_same(a, b):
    assert np.array_equal(a.sigma, b.sigma)
    assert np.array_equal(a.S, b.S)
    assert np.array_equal(a.counts, b.counts)
    assert [g.random() for g in a.rngs] == [g.random() for g in b.rngs]


@settings(max_examples=25, deadline=None)
@given(any_network, warm, seeds, st.integers(1, 4))
def test_numba_equals_numpy_reference_draw_for_draw(net, dyn, seed, R):
    model = kernel_model(net)
    a, b = init(net, n_replicas=R, rng=seed), init(net, n_replicas=R, rng=seed)
    betas = np.linspace(0.5, 1.5, R) * dyn.beta  # a ladder: every chain its own beta
    args = (betas, RULES[dyn.rule], ORDERS[dyn.order], 3)
    _numba.lockstep_sweeps(model, a.sigma, a.S, *args, a.rngs[0], a.counts)
    _numpy.lockstep_sweeps(model, b.sigma, b.S, *args, b.rngs[0], b.counts)
    assert_same(a, b)


@settings(max_examples=20, deadline=None)
@given(any_network, warm, seeds)
def test_one_chain_in_lockstep_is_the_one_chain_kernel(net, dyn, seed):
    model = kernel_model(net)
    a, b = init(net, rng=seed), init(net, rng=seed)
    step(model, a, dyn, 4, backend="numba")
    step(model, b, dyn, 4, backend="lockstep")
    assert_same(a, b)


@pytest.mark.parametrize("P", [2, 3, 4])
def test_sums_stay_exact_and_threads_change_nothing(P):
    net = DenseHopfield(binary_patterns(140, 40, rng=P), P=P)  # int16 sums at P = 2, 3
    model = kernel_model(net)
    R = LOCKSTEP_GROUP + 3  # a full group and a short one
    a, b = init(net, n_replicas=R, rng=1), init(net, n_replicas=R, rng=1)
    dyn = Dynamics(T=0.4)
    step(model, a, dyn, 6, backend="lockstep", n_workers=1)
    step(model, b, dyn, 6, backend="lockstep", n_workers=2)
    # each group draws from its first chain's generator only
    c = init(net, n_replicas=R, rng=1)
    used = [r % LOCKSTEP_GROUP == 0 for r in range(R)]
    for g, h, first in zip(a.rngs, c.rngs, used, strict=True):
        assert (g.bit_generator.state == h.bit_generator.state) != first
    assert_same(a, b)
    assert np.array_equal(a.S, model.overlap_sums(a.sigma))
    assert np.all(a.counts[:, _numba.ACCEPTED] > 0)
    step(model, c, Dynamics(T=0.4), 6, backend="numba")
    assert not np.array_equal(a.sigma[LOCKSTEP_GROUP:], c.sigma[LOCKSTEP_GROUP:])


def test_zero_temperature_is_refused_before_any_work(tmp_path):
    net = Hopfield(binary_patterns(3, 20, rng=0))
    state = init(net, n_replicas=2, rng=0)
    before = state.sigma.copy()
    with pytest.raises(ValueError, match="backend='lockstep' runs chains at T > 0"):
        step(kernel_model(net), state, Dynamics(T=0.0, rule="zero-T"), 1, backend="lockstep")
    assert np.array_equal(state.sigma, before)
    path = tmp_path / "never.npz"
    with pytest.raises(ValueError, match="pass backend='numba' for rule='zero-T'"):
        run(net, T=0.0, n_sweeps=2, backend="lockstep", checkpoint=path)
    assert not path.exists()


def test_replicas_at_infinite_temperature_are_independent():
    """Metropolis at beta = 0 flips every proposed spin: replicas visiting one site
    together would keep their overlap forever; with a site each, q has mean 0 and
    variance 1/N."""
    N = 64
    net = Hopfield(binary_patterns(2, N, rng=3))
    result = run(net, T=np.inf, n_sweeps=4000, n_replicas=2, backend="lockstep", rng=2)
    q = result.q[:, 0]
    assert abs(q.mean()) < 5 / np.sqrt(N * q.size)
    assert q.var() * N == pytest.approx(1.0, rel=0.1)
