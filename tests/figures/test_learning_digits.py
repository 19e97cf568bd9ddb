"""The learning_digits figure: its quick run against theory, and MNIST-format files from disk."""

from __future__ import annotations

import gzip
import json

import numpy as np
import pytest

from hebbian.figures import learning_digits as F


def test_digit_networks_learn_and_higher_P_separates_the_classes(made):
    tmp_path = made("learning_digits")
    meta = json.loads((tmp_path / "learning_digits.json").read_text())
    accuracy = meta["accuracy"]
    assert accuracy["P4_supervised"][0] > accuracy["P2_supervised"][0] + 0.2
    assert accuracy["P4_supervised"][0] > 0.4
    # the correlated-pattern effect, quantified: the archetypes' cross-talk exceeds random
    # patterns' at every P and falls with P; the pairwise network is overloaded (the random
    # theory's alpha_c(rho) is below K/N), P = 3, 4 are not
    structured, random = np.array(meta["crosstalk"]), np.array(meta["crosstalk_random"])
    assert np.all(structured > random)
    assert np.all(np.diff(structured) < 0)
    assert meta["overload"][0] > 1 > meta["overload"][1] > meta["overload"][2]
    # the pairwise network sends most inputs to the most central class, higher P fewer
    central = int(np.argmax(meta["centrality"]))
    occupancy = meta["occupancy"]
    assert occupancy["P2_supervised"][central] > 0.6
    assert occupancy["P4_supervised"][central] < occupancy["P2_supervised"][central] - 0.3
    # reconstruction: higher P ends nearer the archetypes, below the random theory's overlap
    final = meta["reconstruction_M_max"]
    assert final["P4_supervised"] > final["P2_supervised"] + 0.1
    assert final["P4_supervised"] < meta["rs_reconstruction"]["4"][-1]


def _write_idx(path, array):
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(
        int(n).to_bytes(4, "big") for n in array.shape
    )
    path.write_bytes(gzip.compress(header + array.astype(np.uint8).tobytes()))


def _fake_mnist(folder, per_class: int = 60, rng=0):
    """Ten classes of 28x28 grey images: a random stroke prototype each, with pixel noise."""
    rng = np.random.default_rng(rng)
    prototypes = rng.random((10, 28, 28)) < 0.3
    labels = np.repeat(np.arange(10), per_class)
    noise = rng.random((len(labels), 28, 28)) < 0.15
    images = np.where(prototypes[labels] ^ noise, 230, 20)
    _write_idx(folder / "train-images-idx3-ubyte.gz", images)
    _write_idx(folder / "train-labels-idx1-ubyte.gz", labels)


def test_idx_files_load_like_the_digits(tmp_path):
    _fake_mnist(tmp_path)
    data = F.load_images(str(tmp_path))
    assert data.shape == (28, 28)
    assert data.spins.shape == (600, len(data.pixels))
    hidden = F.occluded(data.spins[:5], data.pixels, data.shape)
    lower = data.pixels // 28 >= 18  # the lower 3/8 of 28 rows
    assert np.all(hidden[:, lower] == -1)
    assert np.array_equal(hidden[:, ~lower], data.spins[:5, ~lower])
    assert F.load_images(None).shape == (8, 8)


@pytest.mark.slow
def test_experiment_runs_on_idx_files(tmp_path, monkeypatch):
    """The whole experiment on MNIST-format files named by the environment variable."""
    _fake_mnist(tmp_path)
    monkeypatch.setenv(F.DATA_ENV, str(tmp_path))
    F.main(["--quick", "--out", str(tmp_path / "out")])
    meta = json.loads((tmp_path / "out" / "learning_digits.json").read_text())
    assert meta["data"] == str(tmp_path)
    assert meta["N"] > 500
    accuracy = meta["accuracy"]
    assert accuracy["P3_supervised"][0] > 0.9  # well separated random prototypes
    assert accuracy["P4_unsupervised"][0] > 0.9
    # K (N M)^P > 2^53: the supervised P = 4 network is beyond the engine's exact integers
    assert np.isnan(accuracy["P4_supervised"][0])
