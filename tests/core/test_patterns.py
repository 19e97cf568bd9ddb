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
