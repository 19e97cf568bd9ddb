"""The memories beyond the classical ones: gated, Miras, hybrid, gated associative.

Exact identities (special cases, limits, read-after-write) and, for the
data-dependent gate, retention against :func:`hebbian.theory.memory.predicted_gated_retention`.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import expit, logit
from threadpoolctl import threadpool_limits

from hebbian.memory import (
    DeltaRuleMemory,
    ForgetGatedMemory,
    GatedAssociativeMemory,
    GatedMemory,
    HybridMemory,
    LinearMemory,
    MirasMemory,
    PolynomialMemory,
    SoftmaxMemory,
    random_items,
    retention_curve,
)
from hebbian.rnn.gates import ProjectionGate
from hebbian.theory.memory import predicted_gated_retention, predicted_retention

D = 16

#: Every memory of the package, for a key dimension D.
ALL = {
    "linear": LinearMemory,
    "forget": lambda: ForgetGatedMemory(0.7),
    "gated_key": lambda: GatedMemory(ProjectionGate.sample(D, 2.0, 1.0, rng=0)),
    "gated_delta": lambda: GatedMemory(ProjectionGate.sample(D, 2.0, 1.0, rng=0), rule="delta"),
    "delta": DeltaRuleMemory,
    "polynomial": lambda: PolynomialMemory(3),
    "softmax": lambda: SoftmaxMemory(4.0),
    "miras_l2": MirasMemory,
    "miras_lp": lambda: MirasMemory("lp", p=3.0),
    "miras_momentum": lambda: MirasMemory(momentum=0.6),
    "hybrid": lambda: HybridMemory(ForgetGatedMemory(0.9), threshold=0.0),
    "gated_associative": lambda: GatedAssociativeMemory(4),
}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    with threadpool_limits(1, user_api="blas"):
        yield


@pytest.mark.parametrize("name", ALL)
def test_one_pair_is_read_back_exactly(name):
    """Unit key, +-1 value: every memory here returns the value of the one pair it holds."""
    keys, values = random_items(1, D, 5, rng=1)
    memory = ALL[name]()
    memory.write(keys, values)
    assert np.allclose(memory.read(keys[0]), values[0], rtol=0, atol=1e-12)
    assert memory.state_size > 0
    assert memory.flops_per_read > 0


@pytest.mark.parametrize("name", ["gated_key", "gated_delta"])
def test_data_dependent_gate_writes_in_batches_as_at_once(name):
    keys, values = random_items(9, D, 3, rng=2)
    whole, parts = ALL[name](), ALL[name]()
    whole.write(keys, values)
    parts.write(keys[:4], values[:4])
    parts.write(keys[4:], values[4:])
    assert np.allclose(whole.state, parts.state, rtol=1e-12, atol=1e-13)


def test_data_dependent_gate_is_the_sequential_recursion():
    gate = ProjectionGate.sample(D, 3.0, 0.5, rng=3)
    keys, values = random_items(12, D, 4, rng=4)
    memory = GatedMemory(gate)
    memory.write(keys, values)
    S = np.zeros((4, D))
    for k, v in zip(keys, values, strict=True):
        S = expit(3.0 * (gate.w @ k) + 0.5) * S + np.outer(v, k)
    assert np.allclose(memory.state, S, rtol=1e-12, atol=1e-13)


def test_a_constant_gate_reproduces_the_forget_gated_memory():
    """sigma(logit gamma) as a gate of gain 0, or gamma itself: S <- gamma S + v k^T."""
    keys, values = random_items(20, D, 4, rng=5)
    gamma = 0.83
    old = ForgetGatedMemory(gamma)
    projection = GatedMemory(ProjectionGate(np.ones(D), gain=0.0, bias=logit(gamma)))
    for memory in (old, projection):
        memory.write(keys, values)
    S = np.zeros((4, D))
    for k, v in zip(keys, values, strict=True):
        S = gamma * S + np.outer(v, k)
    assert np.allclose(old.state, S, rtol=1e-13, atol=1e-13)
    assert np.allclose(projection.state, S, rtol=1e-13, atol=1e-13)
    delta, gated_delta = DeltaRuleMemory(0.6, gamma), GatedMemory(gamma, rule="delta", eta=0.6)
    for memory in (delta, gated_delta):
        memory.write(keys, values)
    assert np.array_equal(delta.state, gated_delta.state)


@pytest.mark.parametrize(("eta", "gamma"), [(1.0, 1.0), (0.4, 1.0), (0.7, 0.9)])
def test_miras_with_l2_bias_and_no_retention_is_the_delta_rule(eta, gamma):
    keys, values = random_items(30, D, 5, rng=6)
    miras, delta = MirasMemory("l2", eta=eta, gate=gamma), DeltaRuleMemory(eta, gamma)
    for memory in (miras, delta):
        memory.write(keys, values)
    assert np.allclose(miras.state, delta.state, rtol=1e-13, atol=1e-13)


def test_miras_biases_and_retention_reduce_to_their_special_cases():
    keys, values = random_items(25, D, 5, rng=7)

    def state(**kw):
        memory = MirasMemory(**kw)
        memory.write(keys, values)
        return memory.state

    l2 = state(eta=0.5)
    assert np.allclose(state(bias="lp", p=2.0, eta=0.5), l2, rtol=1e-13, atol=1e-13)
    assert np.allclose(state(bias="huber", delta=1e6, eta=0.5), l2, rtol=1e-13, atol=1e-13)
    # an L2 regulariser is a constant gate 1/(1 + eta l2) on the whole step
    shrink = 1 / (1 + 0.5 * 0.2)
    M = np.zeros((5, D))
    for k, v in zip(keys, values, strict=True):
        M = shrink * (M + 0.5 * np.outer(v - M @ k, k))
    assert np.allclose(state(eta=0.5, l2=0.2), M, rtol=1e-13, atol=1e-13)
    # the L1 part of the elastic net leaves exact zeros
    sparse = state(eta=0.5, l1=0.05)
    assert np.mean(sparse == 0) > 0.1
    assert np.mean(l2 == 0) == 0


def test_momentum_is_the_titans_recursion():
    keys, values = random_items(15, D, 3, rng=8)
    memory = MirasMemory(eta=0.3, momentum=0.8, gate=0.95)
    memory.write(keys, values)
    M, S = np.zeros((3, D)), np.zeros((3, D))
    for k, v in zip(keys, values, strict=True):
        S = 0.8 * S - 0.3 * np.outer(M @ k - v, k)
        M = 0.95 * M + S
    assert np.allclose(memory.state, M, rtol=1e-12, atol=1e-13)
    assert memory.state_size == 2 * 3 * D


def test_hybrid_memory_limits_of_the_threshold():
    """0 caches every pair; inf caches none and reads as the RNN alone, exactly."""
    keys, values = random_items(40, D, 6, rng=9)
    everything = HybridMemory(ForgetGatedMemory(0.9), threshold=0.0)
    nothing = HybridMemory(ForgetGatedMemory(0.9), threshold=np.inf)
    alone = ForgetGatedMemory(0.9)
    for memory in (everything, nothing, alone):
        memory.write(keys, values)
    assert everything.n_cached == 40
    assert nothing.n_cached == 0
    # (pair by pair against one batch: equal up to rounding)
    assert np.allclose(nothing.read(keys), alone.read(keys), rtol=1e-12, atol=1e-12)
    assert nothing.state_size == alone.state_size
    # a full cache recalls every pair, where the forget gate alone has lost the old ones
    assert np.all(np.sign(everything.read(keys)) == values)
    assert np.mean(np.sign(alone.read(keys[:10])) == values[:10]) < 0.9


def test_hybrid_cache_grows_with_the_prediction_error():
    """Repeated pairs are predicted by a delta-rule RNN and not cached again."""
    keys, values = random_items(8, D, 4, rng=10)
    stream_k, stream_v = np.tile(keys, (3, 1)), np.tile(values, (3, 1))
    sizes = []
    for threshold in (0.0, 0.05, 0.5, np.inf):
        memory = HybridMemory(DeltaRuleMemory(), threshold=threshold)
        memory.write(stream_k, stream_v)
        sizes.append(memory.n_cached)
        assert memory.n_cached == np.sum(memory.errors >= threshold)
    assert sizes[0] == 24
    assert sizes[-1] == 0
    assert sizes == sorted(sizes, reverse=True)
    # novel pairs are surprising (error ~ 1), their repeats much less so
    memory = HybridMemory(DeltaRuleMemory(), threshold=0.5)
    memory.write(stream_k, stream_v)
    assert np.all(memory.errors[:8] > 0.5)
    assert np.all(memory.errors[16:] < 0.5)
    assert memory.n_cached == 8 + int(np.sum(memory.errors[8:] >= 0.5))


def test_gated_associative_memory_fuses_local_and_global_paths():
    d = 256
    keys, values = random_items(30, d, 5, rng=11)
    memory = GatedAssociativeMemory(4, ForgetGatedMemory(0.5))
    memory.write(keys, values)
    # the last four pairs are in the window: the local path reads them up to the
    # crosstalk of three others (overlaps ~ 1/16), the gate is open
    local = memory.read(keys[-4:])
    assert np.all(np.sign(local) == values[-4:])
    assert np.abs(local - values[-4:]).max() < 0.5
    # a shut gate (gain 0, bias -40) is the global memory alone
    shut = GatedAssociativeMemory(4, ForgetGatedMemory(0.5), gain=0.0, bias=-40.0)
    alone = ForgetGatedMemory(0.5)
    shut.write(keys, values)
    alone.write(keys, values)
    assert np.allclose(shut.read(keys), alone.read(keys), rtol=0, atol=1e-14)
    # the window holds w pairs: the state grows by w (d_k + d_v)
    assert memory.state_size == alone.state_size + 4 * (d + 5)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: GatedMemory(0.0), "gate=0"),
        (lambda: GatedMemory(0.5, rule="oja"), "rule='oja'"),
        (lambda: MirasMemory("l1"), "bias='l1'"),
        (lambda: MirasMemory(momentum=1.0), "momentum=1"),
        (lambda: MirasMemory(l1=-1.0), "l1=-1"),
        (lambda: HybridMemory(SoftmaxMemory(1.0), 0.5), "fresh fixed-state"),
        (lambda: HybridMemory(LinearMemory(), -1.0), "threshold=-1"),
        (lambda: GatedAssociativeMemory(0), "width=0"),
        (lambda: GatedAssociativeMemory(2, kernel=[1.0]), "kernel has shape"),
        (lambda: ProjectionGate(np.ones((2, 2))), "w has shape"),
        (lambda: ProjectionGate(np.ones(2), gain=-1.0), "gain=-1"),
    ],
)
def test_bad_memory_parameters_are_refused(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_a_gate_of_the_wrong_width_is_refused():
    memory = GatedMemory(ProjectionGate.sample(4, rng=0))
    with pytest.raises(ValueError, match="vectors of length 4"):
        memory.write(np.ones((1, 5)) / 5**0.5, np.ones((1, 2)))


def test_data_dependent_retention_follows_the_gated_theory():
    """Signal (E alpha)^lag exactly; accuracy within error bars of the log-normal theory."""
    d, gain, bias, n_items = 64, 2.0, 2.0, 150
    lags = np.arange(0, 60, 4)

    def factory(d):
        return GatedMemory(ProjectionGate.sample(d, gain, bias, rng=12))

    curve = retention_curve(factory, d, n_items, lags=lags, n_samples=48, rng=13)
    theory = predicted_gated_retention(d, n_items, lags, gain=gain, bias=bias)
    z_signal = (curve["signal"] - theory["signal"]) / curve["signal_error"]
    assert np.all(np.abs(z_signal) < 4), z_signal
    assert np.all(np.abs(curve["accuracy"] - theory["accuracy"]) < 4 * curve["accuracy_error"]
                  + 0.01)  # fmt: skip
    # the mean crosstalk (sum_j E alpha^2j - E alpha^2 lag)/d, above that of a constant gate of
    # the same mean: the fluctuations keep crosstalk longer
    z_noise = (curve["noise"] - theory["noise"]) / curve["noise_error"]
    assert abs(np.mean(z_noise)) < 4 / np.sqrt(len(lags)), z_noise
    mean_gate = float(theory["signal"][1] ** 0.25)
    constant = predicted_retention(LinearMemory().kernel, d, n_items, lags, gamma=mean_gate)
    assert np.all(theory["noise"] > constant["noise"])
