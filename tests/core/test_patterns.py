"""Generators: shapes, entry sets, reproducibility, and exact statistics.

Statistical checks compare a sample mean with its exact expectation at five
standard errors (false-failure probability < 1e-6 per check), with fixed seeds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import seeds

from hebbian import (
    biased_patterns,
    binary_patterns,
    dataset_entropy,
    diluted_patterns,
    noisy_examples,
)

Z = 5.0  # standard errors allowed


def assert_mean(sample, expected, variance):
    sample = np.asarray(sample, dtype=np.float64)
    se = np.sqrt(variance / sample.size)
    assert abs(sample.mean() - expected) < Z * se, (sample.mean(), expected, se)


@given(K=st.integers(1, 5), N=st.integers(1, 40), d=st.floats(0, 0.99), seed=seeds)
def test_shapes_dtypes_and_entry_sets(K, N, d, seed):
    xi = binary_patterns(K, N, rng=seed)
    assert xi.shape == (K, N)
    assert xi.dtype == np.int8
    assert set(np.unique(xi)) <= {-1, 1}
    assert set(np.unique(biased_patterns(K, N, 0.3, rng=seed))) <= {-1, 1}
    assert set(np.unique(diluted_patterns(K, N, d, rng=seed))) <= {-1, 0, 1}


def test_same_seed_same_patterns_and_no_global_state():
    # touching the legacy global state must change nothing
    np.random.seed(0)  # noqa: NPY002
    a = binary_patterns(4, 50, rng=7)
    np.random.seed(1)  # noqa: NPY002
    b = binary_patterns(4, 50, rng=7)
    assert np.array_equal(a, b)
    assert not np.array_equal(a, binary_patterns(4, 50, rng=8))


def test_binary_patterns_are_unbiased():
    assert_mean(binary_patterns(100, 10_000, rng=1), 0.0, 1.0)


@pytest.mark.parametrize("a", [-0.6, 0.2, 0.9])
def test_biased_patterns_mean(a):
    assert_mean(biased_patterns(100, 10_000, a, rng=2), a, 1.0 - a * a)


@pytest.mark.parametrize("d", [0.0, 0.3, 0.8])
def test_dilution_fraction_and_symmetric_signs(d):
    xi = diluted_patterns(100, 10_000, d, rng=3)
    assert_mean(xi == 0, d, d * (1 - d) if d > 0 else 1e-30)
    nonzero = xi[xi != 0]
    assert_mean(nonzero, 0.0, 1.0)


@pytest.mark.parametrize(("r", "M"), [(0.2, 1), (0.6, 5), (0.95, 40)])
def test_examples_quality_and_mean_variance(r, M):
    xi = binary_patterns(50, 2000, rng=4)
    ex = noisy_examples(xi, M, r, rng=5)
    assert ex.examples.shape == (50, M, 2000)
    chi = ex.examples * xi[:, None, :]  # chi = eta * xi since xi^2 = 1
    assert_mean(chi, r, 1 - r * r)  # E[chi] = r
    # the example mean has signal r and per-site variance (1 - r^2)/M:
    s = ex.means() * xi
    assert_mean(s, r, (1 - r * r) / M)
    var = s.var(ddof=1)
    # sample variance of a mean of M i.i.d. +-1 variables: its own standard
    # error is at most sqrt(2/n) * (1 - r^2)/M * (1 + kurtosis slack) - use 4x
    assert abs(var - (1 - r * r) / M) < Z * 2 * np.sqrt(2 / s.size) * (1 - r * r) / M
    assert ex.rho == pytest.approx(var / r**2, rel=0.05)


def test_examples_of_diluted_archetypes_keep_the_zeros():
    xi = diluted_patterns(3, 500, 0.5, rng=6)
    ex = noisy_examples(xi, 4, 0.7, rng=7)
    blank = np.broadcast_to(xi[:, None, :] == 0, ex.examples.shape)
    assert np.all(ex.examples[blank] == 0)


def test_dataset_entropy_closed_form():
    assert dataset_entropy(0.5, 3) == pytest.approx((1 - 0.25) / (3 * 0.25))
    assert dataset_entropy(1.0, 1) == 0.0
    with pytest.raises(ValueError, match="quality r=0"):
        dataset_entropy(0.0, 10)


def _reference_signs(rng, shape, p_plus):
    return np.where(rng.random(shape) < p_plus, 1, -1).astype(np.int8)


def _reference_diluted(rng, shape, d):
    blank = rng.random(shape) < d
    out = _reference_signs(rng, shape, 0.5)
    out[blank] = 0
    return out


def _assert_same_int8(new, old):
    assert new.dtype == np.int8
    assert np.array_equal(new, old)
    assert not new.flags.writeable  # data, shared with the networks without a copy
    if new.ndim == 2:
        assert new.flags.f_contiguous  # the networks' neuron-major layout


def _assert_generators_match_the_reference(K, N, M, d, seed):
    ref = np.random.default_rng(seed)
    _assert_same_int8(binary_patterns(K, N, rng=seed), _reference_signs(ref, (K, N), 0.5))
    ref = np.random.default_rng(seed)
    _assert_same_int8(biased_patterns(K, N, 0.4, rng=seed), _reference_signs(ref, (K, N), 0.7))
    ref = np.random.default_rng(seed)
    _assert_same_int8(diluted_patterns(K, N, d, rng=seed), _reference_diluted(ref, (K, N), d))
    xi = diluted_patterns(K, N, d, rng=seed + 1)
    ex = noisy_examples(xi, M, 0.6, rng=seed)
    chi = _reference_signs(np.random.default_rng(seed), (K, M, N), 0.8)
    _assert_same_int8(ex.examples, xi[:, None, :] * chi)
    assert np.array_equal(ex.sums(), ex.examples.sum(axis=1))


@given(
    K=st.integers(1, 6),
    N=st.integers(1, 300),
    M=st.integers(1, 4),
    d=st.floats(0, 0.99),
    seed=st.integers(0, 2**32 - 2),
    chunk=st.integers(1, 200),
)
def test_int8_generation_piece_by_piece_draws_the_patterns_of_one_float64_draw(
    K, N, M, d, seed, chunk
):
    # pieces that divide the size or not, down to one entry: same stream, same values
    import hebbian.patterns as patterns

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(patterns, "_CHUNK", chunk)
        _assert_generators_match_the_reference(K, N, M, d, seed)


@pytest.mark.parametrize(("K", "N"), [(1, 2**16), (5, 30_011)])
def test_int8_generation_with_the_default_piece_draws_the_same_patterns(K, N):
    _assert_generators_match_the_reference(K, N, 2, 0.3, seed=11)


def _peak_bytes(fn):
    import tracemalloc

    tracemalloc.start()
    try:
        out = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return out, peak


@pytest.mark.parametrize(
    "generate",
    [
        lambda: binary_patterns(100, 100_000, rng=0),
        lambda: biased_patterns(100, 100_000, -0.2, rng=0),
        lambda: diluted_patterns(100, 100_000, 0.2, rng=0),
        lambda: noisy_examples(np.ones((10, 10_000), np.int8), 100, 0.5, rng=0).examples,
    ],
)
def test_generation_peak_memory_is_the_int8_result_and_a_small_buffer(generate):
    # 10 MB of int8 out, 80 MB as float64: the temporaries stay under 1 MiB
    out, peak = _peak_bytes(generate)
    assert out.nbytes == 10**7
    assert peak < out.nbytes + 2**20, peak


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: binary_patterns(200_000, 200_000), r"patterns \(K=200000, N=200000, int8\)"),
        (lambda: diluted_patterns(12_000, 10**6, 0.1), r"diluted patterns \(K=12000, N=1000000"),
        (lambda: noisy_examples(np.ones((10, 10**5)), 10**4, 0.5), r"examples \(K=10, M=10000"),
    ],
)
def test_sizes_above_the_memory_limit_are_refused_before_allocation(monkeypatch, call, message):
    monkeypatch.setenv("HEBBIAN_MAX_MEMORY", "1G")
    with pytest.raises(ValueError, match=message + r".* needs about .*HEBBIAN_MAX_MEMORY"):
        call()
