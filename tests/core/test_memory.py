"""Key/value associative memories: interface, capacity laws, retention, exact recall.

The statistical checks compare measurements with the signal-to-noise theory of
:mod:`hebbian.theory.memory` (its module docstring derives every formula used here).
"""

from __future__ import annotations

import functools
import math
import sys
import types

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.special import ndtri
from strategies import seeds
from threadpoolctl import threadpool_limits

from hebbian import ModernHopfield
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
    bit_accuracy,
    capacity,
    capacity_curve,
    random_items,
    retention_curve,
    retention_timescale,
    scaling_exponent,
)
from hebbian.rnn.gates import ProjectionGate
from hebbian.theory import exponential
from hebbian.theory.memory import (
    predicted_accuracy,
    predicted_capacity,
    predicted_delta_capacity,
    predicted_delta_retention,
    predicted_retention,
)

Z2 = ndtri(0.9) ** 2  # z^2 at the default threshold, 1.642

MODELS = {
    "linear": LinearMemory,
    "polynomial": lambda: PolynomialMemory(3),
    "softmax": lambda: SoftmaxMemory(2.0),
    "forget": lambda: ForgetGatedMemory(0.8),
    "delta": lambda: DeltaRuleMemory(0.7, gamma=0.9),
    "miras_huber_momentum": lambda: MirasMemory(
        "huber", eta=0.5, delta=0.3, momentum=0.5, gate=0.95
    ),
    "miras_elastic_net": lambda: MirasMemory("lp", p=3.0, eta=0.3, l2=0.1, l1=0.01),
    "hybrid": lambda: HybridMemory(ForgetGatedMemory(0.8), threshold=1.2, beta=4.0),
    "gated_associative": lambda: GatedAssociativeMemory(3, DeltaRuleMemory(0.5), gain=2.0),
}


@pytest.fixture(autouse=True)
def _one_blas_thread():
    """Matrices here are at most 256 wide, where BLAS threads only synchronize: on two busy
    cores they made this module ten times slower (22 s against 2 s)."""
    with threadpool_limits(1, user_api="blas"):
        yield


def _capacities(factory, ds, n_samples=16, seed=0):
    """Measured capacities at each d (independent seeds per d) as arrays (mean, error)."""
    out = [capacity(factory, d, n_samples=n_samples, rng=np.random.SeedSequence([seed, d]))
           for d in ds]  # fmt: skip
    return np.array([c["capacity"] for c in out]), np.array([c["capacity_error"] for c in out])


# --- interface ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", MODELS)
@given(seed=seeds, split=st.integers(1, 6))
def test_writing_in_batches_equals_writing_at_once(name, seed, split):
    keys, values = random_items(7, 5, 3, rng=seed)
    queries = np.random.default_rng(seed).normal(size=(2, 4, 5))
    whole, parts = MODELS[name](), MODELS[name]()
    whole.write(keys, values)
    parts.write(keys[:split], values[:split])
    parts.write(keys[split:], values[split:])
    assert whole.n_stored == parts.n_stored == 7
    assert (whole.d_k, whole.d_v) == (5, 3)
    out = whole.read(queries)
    assert out.shape == (2, 4, 3)
    assert np.allclose(parts.read(queries), out, rtol=1e-12, atol=1e-12)
    # a batch of queries reads as the queries one by one
    assert np.allclose(whole.read(queries[1, 2]), out[1, 2], rtol=1e-12, atol=1e-12)


def test_forget_gate_batch_is_the_sequential_recursion():
    keys, values = random_items(6, 4, 2, rng=1)
    memory = ForgetGatedMemory.from_timescale(3.0)
    assert memory.gamma == pytest.approx(math.exp(-1 / 3))
    assert memory.timescale == pytest.approx(3.0)
    memory.write(keys, values)
    S = np.zeros((2, 4))
    for k, v in zip(keys, values, strict=True):
        S = memory.gamma * S + np.outer(v, k)
    assert np.allclose(memory.state, S, rtol=1e-13, atol=1e-13)
    assert LinearMemory().timescale == math.inf


def test_fixed_state_memories_keep_their_size_and_kernel_memories_grow():
    keys, values = random_items(40, 8, 3, rng=2)
    for factory, sizes in [
        (LinearMemory, (24, 24)),
        (lambda: DeltaRuleMemory(), (24, 24)),
        (lambda: SoftmaxMemory(1.0), (110, 440)),
    ]:
        memory = factory()
        assert memory.state_size == 0
        memory.write(keys[:10], values[:10])
        first = memory.state_size
        memory.write(keys[10:], values[10:])
        assert (first, memory.state_size) == sizes


def test_polynomial_order_two_is_the_linear_memory():
    keys, values = random_items(30, 16, 4, rng=3)
    queries = np.random.default_rng(4).normal(size=(5, 16))
    linear, poly = LinearMemory(), PolynomialMemory(2)
    linear.write(keys, values)
    poly.write(keys, values)
    assert np.allclose(poly.read(queries), linear.read(queries), rtol=1e-12, atol=1e-12)


def test_softmax_memory_is_one_modern_hopfield_update():
    keys, _ = random_items(20, 16, rng=5)
    queries = keys[:3] + 0.1 * np.random.default_rng(6).normal(size=(3, 16))
    memory = SoftmaxMemory(beta=8.0)
    memory.write(keys, keys)  # auto-associative: values are the patterns
    expected = ModernHopfield(keys, beta=8.0).update(queries)
    assert np.allclose(memory.read(queries), expected, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda m: m.write(np.ones(4), np.ones((1, 2))), ValueError, r"keys has shape \(4,\)"),
        (lambda m: m.write(np.ones((0, 4)), np.ones((0, 2))), ValueError, "n >= 1"),
        (lambda m: m.write(np.ones((3, 4)), np.ones((2, 2))), ValueError, "3 rows but values"),
        (lambda m: m.write([[np.nan, 0.0]], [[1.0]]), ValueError, "keys contains NaN"),
        (lambda m: m.read(np.ones(4)), ValueError, "nothing is stored"),
    ],
)
def test_bad_writes_and_reads_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call(LinearMemory())


def test_later_writes_and_reads_must_match_the_stored_dimensions():
    memory = SoftmaxMemory(1.0)
    memory.write(np.eye(4), np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"keys has shape \(1, 3\).*d_k=4"):
        memory.write(np.ones((1, 3)), np.ones((1, 2)))
    with pytest.raises(ValueError, match=r"values has shape \(1, 5\).*d_v=2"):
        memory.write(np.ones((1, 4)), np.ones((1, 5)))
    with pytest.raises(ValueError, match=r"queries has shape \(2, 3\).*d_k=4"):
        memory.read(np.ones((2, 3)))
    with pytest.raises(ValueError, match="queries contains NaN"):
        memory.read([np.inf, 0, 0, 0])


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda: ForgetGatedMemory(0.0), ValueError, r"gamma=0 must be in \(0, 1\]"),
        (lambda: ForgetGatedMemory(1.5), ValueError, "gamma=1.5"),
        (lambda: ForgetGatedMemory.from_timescale(-1.0), ValueError, "tau=-1"),
        (lambda: DeltaRuleMemory(eta=0.0), ValueError, "eta=0 must be > 0"),
        (lambda: SoftmaxMemory(np.inf), ValueError, "beta=inf is not finite"),
        (lambda: PolynomialMemory(1), ValueError, "P=1 must be >= 2"),
        (lambda: PolynomialMemory(2.5), TypeError, "P=2.5 must be an integer"),
    ],
)
def test_bad_parameters_are_refused(make, error, match):
    with pytest.raises(error, match=match):
        make()


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: capacity(lambda d: LinearMemory(), 8, threshold=0.5), ValueError, "threshold"),
        (lambda: capacity(lambda d: LinearMemory(), 8, n_samples=1), ValueError, "n_samples=1"),
        (lambda: capacity(lambda d: "memory", 8), TypeError, "returned str"),
        (lambda: retention_curve(lambda d: LinearMemory(), 8, 5, lags=[5]), ValueError, "lags"),
        (lambda: scaling_exponent([1, 2], [1, 2], [0.1, 0.1], law="log"), ValueError, "law"),
        (lambda: scaling_exponent([2, 2], [1, 2], [0.1, 0.1]), ValueError, "two distinct"),
    ],
)
def test_bad_measurement_arguments_are_refused(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_measurements_are_reproducible_from_one_seed():
    factory = lambda d: ForgetGatedMemory(0.9)  # noqa: E731
    a = capacity_curve(factory, 16, [4, 8], n_samples=3, rng=7)
    b = capacity_curve(factory, 16, [4, 8], n_samples=3, rng=7)
    assert np.array_equal(a["accuracy"], b["accuracy"])
    first, again = (capacity(factory, 16, n_samples=3, rng=7) for _ in range(2))
    assert np.array_equal(first["samples"], again["samples"])


def test_bit_accuracy_scores_ties_as_half():
    assert bit_accuracy(np.array([1.0, -2.0, 0.0, 3.0]), np.array([1, 1, 1, 1])) == 0.625


# --- measurements against theory ------------------------------------------------------------


def _exponent_against_theory(factory, ds, law="power"):
    """Fitted exponents of the measured and of the predicted capacities (same weights)."""
    n_c, err = _capacities(factory, ds)
    fit = scaling_exponent(ds, n_c, err, law=law)
    theory = np.array([predicted_capacity(factory(d).kernel, d) for d in ds])
    expected = scaling_exponent(ds, theory, err * theory / n_c, law=law)["exponent"]
    return fit, expected, n_c, err, theory


def test_linear_capacity_is_linear_in_d():
    """n_c = 1 + d/z^2: a fitted exponent within 0.05 of 1 (finite d: 0.99 over 32..256)."""
    fit, expected, n_c, err, theory = _exponent_against_theory(
        lambda d: LinearMemory(), np.array([32, 64, 128, 256])
    )
    assert abs(fit["exponent"] - expected) < 3 * fit["exponent_error"], (fit, expected)
    assert abs(fit["exponent"] - 1) < 0.05
    assert fit["exponent_error"] < 0.02
    assert np.all(np.abs(n_c - theory) < 3 * err + 1), (n_c, err, theory)


def test_polynomial_capacity_scales_as_d_squared():
    """n_c ~ d^2 / (3 z^2); the Gaussian crosstalk theory holds to a few per cent."""
    fit, expected, n_c, _, theory = _exponent_against_theory(
        lambda d: PolynomialMemory(3), np.array([16, 32, 64])
    )
    assert abs(fit["exponent"] - expected) < 3 * fit["exponent_error"] + 0.03, (fit, expected)
    assert abs(fit["exponent"] - 2) < 0.1
    assert np.all(np.abs(n_c / theory - 1) < 0.08), (n_c, theory)


def test_softmax_capacity_is_exponential_and_exceeds_the_linear_law():
    ds = np.array([8, 12, 16, 20])
    factory = lambda d: SoftmaxMemory(d / 4)  # noqa: E731
    n_c, err = _capacities(factory, ds)
    fit = scaling_exponent(ds, n_c, err, law="exponential")
    alpha = exponential.alpha_zero_T(0.25, 1.0)  # 0.380
    assert abs(fit["exponent"] - alpha) < 3 * fit["exponent_error"] + 0.02, fit
    theory = np.array([predicted_capacity(factory(d).kernel, d) for d in ds])
    assert np.all(np.abs(n_c - theory) < 3 * err + 1), (n_c, err, theory)
    linear, _ = _capacities(lambda d: LinearMemory(), ds)
    assert np.all(n_c[1:] > 4 * linear[1:])
    assert n_c[-1] > 50 * linear[-1]


@pytest.mark.parametrize(
    ("factory", "d"),
    [
        (lambda d: ForgetGatedMemory.from_timescale(16), 128),
        (lambda d: PolynomialMemory(4), 12),
        (lambda d: SoftmaxMemory(2.0), 32),
    ],
)
def test_capacity_agrees_with_the_signal_to_noise_theory(factory, d):
    memory = factory(d)
    gamma = getattr(memory, "gamma", 1.0)
    measured = capacity(factory, d, n_samples=16, rng=8)
    theory = predicted_capacity(memory.kernel, d, gamma=gamma)
    assert abs(measured["capacity"] - theory) < 3 * measured["capacity_error"] + 1, (
        measured,
        theory,
    )


def test_capacity_curve_follows_the_predicted_accuracy():
    grid = [2, 8, 32, 64, 128, 256]
    curve = capacity_curve(lambda d: LinearMemory(), 64, grid, n_samples=24, rng=9)
    theory = np.array([predicted_accuracy(LinearMemory().kernel, 64, n) for n in grid])
    assert np.all(np.abs(curve["accuracy"] - theory) < 4 * curve["accuracy_error"] + 0.01)
    assert np.all(np.diff(curve["accuracy"]) < 0)


@pytest.mark.parametrize("tau", [6.0, 15.0])
def test_forget_gate_retention_follows_the_derived_curve(tau):
    d, gamma = 64, math.exp(-1 / tau)
    n_items, lags = int(12 * tau), np.arange(int(4 * tau))
    curve = retention_curve(
        lambda d: ForgetGatedMemory(gamma), d, n_items, lags=lags, n_samples=48, rng=10
    )
    theory = predicted_retention(LinearMemory().kernel, d, n_items, lags, gamma=gamma)
    # the signal decays on the gate's timescale...
    fit = retention_timescale(lags, curve["signal"], curve["signal_error"])
    assert abs(fit["tau"] - tau) < 3 * fit["tau_error"], fit
    # ...while the noise saturates at E[m^2] (sum_j gamma^(2j) - gamma^(2 lag))
    assert np.all(np.abs(curve["noise"] / theory["noise"] - 1) < 0.15)
    z_noise = (curve["noise"] - theory["noise"]) / curve["noise_error"]
    assert abs(np.mean(z_noise)) < 4 / math.sqrt(len(lags))
    # so the accuracy falls along Phi(signal / sqrt(noise))
    assert np.all(
        np.abs(curve["accuracy"] - theory["accuracy"]) < 4 * curve["accuracy_error"] + 0.01
    )


# --- delta rule -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 17, 32])
def test_delta_rule_recalls_orthogonal_keys_exactly(n):
    d = 32
    rng = np.random.default_rng(n)
    keys = np.linalg.qr(rng.normal(size=(d, d)))[0][:n]  # orthonormal rows
    values = rng.choice([-1.0, 1.0], size=(n, 5))
    memory = DeltaRuleMemory()
    memory.write(keys, values)
    assert np.allclose(memory.read(keys), values, rtol=0, atol=1e-12)


@pytest.mark.parametrize("d", [32, 64])
def test_delta_rule_capacity_follows_the_mean_field_theory(d):
    measured = capacity(lambda d: DeltaRuleMemory(), d, n_samples=16, rng=16)
    theory = predicted_delta_capacity(d)
    assert abs(measured["capacity"] - theory) < 3 * measured["capacity_error"] + 1, (
        measured,
        theory,
    )


def test_gated_delta_rule_retention_follows_the_mean_field_theory():
    d, n_items, lags = 64, 200, np.arange(0, 80, 5)
    curve = retention_curve(
        lambda d: DeltaRuleMemory(0.5, gamma=0.97), d, n_items, lags=lags, n_samples=32, rng=17
    )
    theory = predicted_delta_retention(d, n_items, lags, eta=0.5, gamma=0.97)
    fit = retention_timescale(lags, curve["signal"], curve["signal_error"])
    assert abs(fit["tau"] + 1 / math.log(0.97 - 0.5 / d)) < 3 * fit["tau_error"] + 0.5, fit
    assert np.all(
        np.abs(curve["accuracy"] - theory["accuracy"]) < 4 * curve["accuracy_error"] + 0.01
    )


def test_repeated_delta_writes_orthogonalize_correlated_keys():
    """Kaczmarz: passes over n <= d independent keys converge to exact recall; Hebb does not."""
    d, n = 32, 16
    keys, values = random_items(n, d, rng=11)
    delta, hebb = DeltaRuleMemory(), LinearMemory()
    for _ in range(100):
        delta.write(keys, values)
        hebb.write(keys, values)
    assert np.allclose(delta.read(keys), values, rtol=0, atol=1e-10)
    assert np.abs(hebb.read(keys) / 100 - values).max() > 0.5


# --- one array code for NumPy and CuPy ------------------------------------------------------


class _DeviceArray(np.ndarray):
    """A NumPy array that :func:`hebbian._array.array_namespace` takes for a CuPy one."""


_DeviceArray.__module__ = "cupy"


class _NumpyAsCupy(types.ModuleType):
    """NumPy dressed as ``cupy``: every array it makes is a :class:`_DeviceArray`."""

    def __getattr__(self, name):
        attr = getattr(np, name)
        if isinstance(attr, type) or not callable(attr):
            return attr

        @functools.wraps(attr)
        def on_device(*args, **kwargs):
            out = attr(*args, **kwargs)
            return out.view(_DeviceArray) if isinstance(out, np.ndarray) else out

        return on_device


@pytest.fixture
def fake_cupy(monkeypatch):
    module = _NumpyAsCupy("cupy")
    monkeypatch.setitem(sys.modules, "cupy", module)
    return module


@pytest.mark.parametrize("name", MODELS)
def test_the_cupy_path_runs_the_same_array_code(name, fake_cupy):
    keys, values = random_items(12, 8, 3, rng=12)
    host, device = MODELS[name](), MODELS[name]()
    host.write(keys, values)
    device.write(fake_cupy.asarray(keys), fake_cupy.asarray(values))
    device.write(keys[:2], values[:2])  # NumPy input joins the device's memory
    host.write(keys[:2], values[:2])
    out = device.read(keys)
    assert type(out) is _DeviceArray
    assert np.allclose(out, host.read(keys), rtol=1e-12, atol=1e-12)
    with pytest.raises(ValueError, match="cupy arrays but this memory holds NumPy"):
        host.read(fake_cupy.asarray(keys))


@pytest.mark.parametrize(
    "make",
    [
        lambda gate: GatedMemory(gate),
        lambda gate: GatedMemory(gate, rule="delta", eta=0.5),
        lambda gate: MirasMemory("lp", p=3.0, eta=0.3, gate=gate, momentum=0.2),
    ],
)
def test_data_dependent_gates_run_the_same_array_code_on_the_cupy_path(make, fake_cupy):
    keys, values = random_items(12, 8, 3, rng=19)
    gate = ProjectionGate.sample(8, 2.0, 1.0, rng=20)
    host, device = make(gate), make(gate)
    host.write(keys, values)
    device.write(fake_cupy.asarray(keys), fake_cupy.asarray(values))
    out = device.read(keys)
    assert type(out) is _DeviceArray
    assert np.allclose(out, host.read(keys), rtol=1e-12, atol=1e-12)


def test_the_measurements_run_on_the_cupy_path(fake_cupy):
    factory = lambda d: ForgetGatedMemory(0.9)  # noqa: E731
    on_host = capacity(factory, 16, n_samples=2, rng=13)
    on_device = capacity(factory, 16, n_samples=2, rng=13, xp=fake_cupy)
    assert np.array_equal(on_host["samples"], on_device["samples"])
    kw = {"lags": [0, 3], "n_samples": 2, "rng": 14}
    a = retention_curve(factory, 16, 10, **kw)
    b = retention_curve(factory, 16, 10, xp=fake_cupy, **kw)
    assert np.allclose(a["signal"], b["signal"], rtol=1e-12)


@pytest.mark.gpu
@pytest.mark.parametrize("name", MODELS)
def test_cupy_reads_equal_numpy_reads(name):
    import cupy

    keys, values = random_items(50, 16, 4, rng=15)
    host, device = MODELS[name](), MODELS[name]()
    host.write(keys, values)
    device.write(cupy.asarray(keys), cupy.asarray(values))
    out = device.read(cupy.asarray(keys))
    assert isinstance(out, cupy.ndarray)
    assert np.allclose(cupy.asnumpy(out), host.read(keys), rtol=1e-10, atol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("d", [128, 256])
def test_delta_rule_capacity_follows_the_mean_field_theory_at_large_d(d):
    measured = capacity(lambda d: DeltaRuleMemory(), d, n_samples=16, rng=18)
    theory = predicted_delta_capacity(d)
    assert abs(measured["capacity"] - theory) < 3 * measured["capacity_error"] + 1, (
        measured,
        theory,
    )
