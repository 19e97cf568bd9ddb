"""Networks learned from examples, and the structured data sets."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import seeds

from hebbian import DenseHopfield, Examples, binary_patterns, learned_network, noisy_examples
from hebbian.datasets import binarize, class_examples, digits, mnist, read_idx


@st.composite
def datasets(draw, max_N: int = 7):
    seed = draw(seeds)
    K, N, M = draw(st.integers(1, 3)), draw(st.integers(3, max_N)), draw(st.integers(1, 6))
    r = draw(st.sampled_from([0.2, 0.5, 1.0]))
    return noisy_examples(binary_patterns(K, N, rng=seed), M, r, rng=seed + 1)


@settings(max_examples=40)
@given(
    ex=datasets(),
    P=st.integers(2, 4),
    protocol=st.sampled_from(["supervised", "unsupervised"]),
    seed=seeds,
)
def test_energy_from_overlaps_equals_the_explicit_synaptic_tensor(ex, P, protocol, seed):
    net = learned_network(ex, P, protocol=protocol)
    sigma = np.where(np.random.default_rng(seed).random(ex.archetypes.shape[1]) < 0.5, 1, -1)
    # the tensor of the paper: sum over classes (and examples) of products of example sums
    rows = ex.means() if protocol == "supervised" else ex.examples.reshape(-1, net.N)
    scale = ex.R ** (-P / 2) / (1 if protocol == "supervised" else ex.M)
    oracle = DenseHopfield(rows, P=P, diagonal=True).tensor_energy(sigma) * scale
    assert net.energy(sigma) == pytest.approx(oracle, rel=1e-10, abs=1e-10)
    assert net.tensor_energy(sigma) == pytest.approx(oracle, rel=1e-10, abs=1e-10)


@settings(max_examples=30)
@given(ex=datasets(max_N=20), P=st.integers(2, 5), seed=seeds)
def test_single_flip_energy_change_is_exact(ex, P, seed):
    net = learned_network(ex, P, protocol="unsupervised")
    rng = np.random.default_rng(seed)
    sigma = np.where(rng.random(net.N) < 0.5, 1, -1)
    i = int(rng.integers(net.N))
    flipped = sigma.copy()
    flipped[i] *= -1
    assert net.delta_energy(sigma, i) == pytest.approx(
        net.energy(flipped) - net.energy(sigma), abs=1e-9
    )


def test_plefka_tensor_is_the_supervised_network_and_exact_with_one_example():
    ex = noisy_examples(binary_patterns(3, 40, rng=0), 6, 0.4, rng=1)
    sup = learned_network(ex, 3)
    plefka = learned_network(ex, 3, protocol="unsupervised", tensor="plefka")
    assert np.array_equal(sup.patterns, plefka.patterns)
    assert sup.weight == plefka.weight
    one = noisy_examples(binary_patterns(3, 40, rng=0), 1, 0.4, rng=1)
    sigma = np.where(np.random.default_rng(2).random(40) < 0.5, 1, -1)
    assert learned_network(one, 4).energy(sigma) == pytest.approx(
        learned_network(one, 4, protocol="unsupervised").energy(sigma)
    )


def test_perfect_examples_are_the_storage_model():
    xi = binary_patterns(4, 30, rng=3)
    ex = noisy_examples(xi, 5, 1.0, rng=4)
    sigma = np.where(np.random.default_rng(5).random(30) < 0.5, 1, -1)
    storage = DenseHopfield(xi, P=3, diagonal=True).energy(sigma)
    for protocol in ("supervised", "unsupervised"):
        assert learned_network(ex, 3, protocol=protocol).energy(sigma) == pytest.approx(storage)


def test_plefka_error_is_small_at_low_load_and_large_N():
    """(1/M) sum_a m_a^P - (mean_a m_a)^P = O(1/N) per neuron near an archetype."""
    gaps = []
    for N in (200, 3200):
        ex = noisy_examples(binary_patterns(2, N, rng=N), 10, 0.5, rng=N + 1)
        sigma = ex.archetypes[0]
        exact = learned_network(ex, 3, protocol="unsupervised").energy(sigma) / N
        plefka = learned_network(ex, 3, protocol="unsupervised", tensor="plefka").energy(sigma) / N
        gaps.append(abs(exact - plefka))
    assert gaps[1] < gaps[0] / 4  # 16 times the neurons: 1/N up to the sampling noise


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda ex: learned_network(ex, 1), ValueError, r"P \(interaction order\)=1 must be >= 2"),
        (lambda ex: learned_network(ex, 3, protocol="teacher"), ValueError, "protocol='teacher'"),
        (lambda ex: learned_network(ex, 3, tensor="taylor"), ValueError, "tensor='taylor'"),
        (lambda ex: learned_network(ex.examples, 3), TypeError, "pass a hebbian.Examples"),
    ],
)
def test_bad_network_input_is_named(call, error, match):
    ex = noisy_examples(binary_patterns(2, 10, rng=0), 3, 0.5, rng=1)
    with pytest.raises(error, match=match):
        call(ex)


def test_example_sums_are_exact_integers():
    ex = noisy_examples(binary_patterns(2, 50, rng=0), 200, 0.3, rng=1)
    sums = ex.sums()
    assert sums.dtype == np.int16
    assert np.array_equal(sums, ex.examples.sum(axis=1))
    assert pytest.approx(0.09 + 0.91 / 200) == ex.R


# ------------------------------------------------------------------ data sets


def test_binarize_thresholds_and_flattens():
    images = np.array([[[0, 10], [16, 7]], [[3, 9], [2, 16]]])
    assert binarize(images).tolist() == [[-1, 1, 1, -1], [-1, 1, -1, 1]]
    assert binarize(images, threshold=2.5).tolist() == [[-1, 1, 1, 1], [1, 1, -1, 1]]
    assert binarize(images, threshold="mean").tolist() == [[-1, 1, 1, -1], [1, -1, -1, 1]]


@pytest.mark.parametrize(
    ("images", "kwargs", "match"),
    [
        (np.zeros(5), {}, r"images has shape \(5,\)"),
        (np.full((2, 3, 3), np.nan), {}, "NaN"),
        (np.ones((2, 4)), {}, "constant"),
        (np.arange(8).reshape(2, 4), {"threshold": 20}, "threshold=20 puts every pixel"),
    ],
)
def test_bad_images_are_named(images, kwargs, match):
    with pytest.raises(ValueError, match=match):
        binarize(images, **kwargs)


def test_class_examples_rejects_non_binary_and_small_classes():
    spins = np.where(np.random.default_rng(0).random((6, 5)) < 0.5, 1, -1)
    with pytest.raises(ValueError, match=r"entries other than \+-1; binarize"):
        class_examples(spins * 3, np.zeros(6, int), 2)
    with pytest.raises(ValueError, match="class 1 has 2 images; M=2 needs at least M \\+ 1"):
        class_examples(spins, np.array([0, 0, 0, 0, 1, 1]), 2)
    with pytest.raises(ValueError, match=r"labels has shape \(5,\)"):
        class_examples(spins, np.zeros(5, int), 2)


def test_digits_are_ten_classes_with_their_quality():
    ex, (test, labels), pixels = digits(30, rng=0)
    assert isinstance(ex, Examples)
    assert ex.examples.shape == (10, 30, 52)
    assert test.shape == (1797 - 300, 52)
    assert set(np.unique(labels)) == set(range(10))
    assert ex.r == pytest.approx(np.mean(ex.examples * ex.archetypes[:, None, :]))
    assert 0.5 < ex.r < 0.9
    overlaps = ex.archetypes @ ex.archetypes.T / len(pixels)
    assert overlaps[np.triu_indices(10, 1)].mean() < 0.25  # centring decorrelates the classes
    plain, _, all_pixels = digits(30, center=False, rng=0)
    assert len(all_pixels) == 64
    plain_overlaps = plain.archetypes @ plain.archetypes.T / 64
    assert plain_overlaps[np.triu_indices(10, 1)].mean() > 0.5


def _write_idx(path, array, compress):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    raw = header + array.astype(np.uint8).tobytes()
    path.write_bytes(gzip.compress(raw) if compress else raw)


@pytest.mark.parametrize("compress", [False, True])
def test_idx_files_round_trip_and_load_as_mnist(tmp_path, compress):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(40, 28, 28))
    labels = np.repeat(np.arange(4), 10)
    suffix = ".gz" if compress else ""
    _write_idx(tmp_path / f"train-images-idx3-ubyte{suffix}", images, compress)
    _write_idx(tmp_path / f"train-labels-idx1-ubyte{suffix}", labels, compress)
    assert np.array_equal(read_idx(tmp_path / f"train-images-idx3-ubyte{suffix}"), images)
    ex, (test, _), pixels = mnist(tmp_path, M=5, rng=1)
    assert ex.examples.shape == (4, 5, len(pixels))
    assert test.shape == (20, len(pixels))
    assert mnist(tmp_path, M=5, center=False, rng=1)[0].examples.shape == (4, 5, 784)


def test_missing_mnist_says_where_to_get_it(tmp_path):
    with pytest.raises(
        FileNotFoundError, match="train-images-idx3-ubyte does not exist; download"
    ):
        mnist(tmp_path)
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an unsigned-byte IDX file"):
        read_idx(tmp_path / "bad")
