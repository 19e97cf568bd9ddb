"""Every bad input gets a clear error naming the argument, its value and the fix."""

from __future__ import annotations

import numpy as np
import pytest

from hebbian import (
    DenseHopfield,
    ExponentialDAM,
    Hopfield,
    ModernHopfield,
    as_generator,
    beta_from_T,
    biased_patterns,
    binary_patterns,
    dataset_entropy,
    diluted_patterns,
    noisy_examples,
)

XI = binary_patterns(3, 10, rng=0)


def test_pattern_dtype():
    with pytest.raises(TypeError, match=r"patterns has dtype complex128; pass a real numeric"):
        Hopfield(XI.astype(complex))
    with pytest.raises(TypeError, match="patterns has dtype object"):
        Hopfield(np.array([[1, "a"]], dtype=object))


def test_pattern_shape():
    with pytest.raises(ValueError, match=r"patterns has shape \(10,\); pass a 2-D array"):
        Hopfield(XI[0])


def test_no_patterns():
    with pytest.raises(ValueError, match="K=0 patterns; pass at least one"):
        Hopfield(np.zeros((0, 10)))


def test_N_too_small():
    with pytest.raises(ValueError, match=r"N=2 neurons is too small; pass N >= 3"):
        DenseHopfield(XI[:, :2], P=3)


def test_nan_in_patterns():
    bad = XI.astype(float)
    bad[1, 2] = np.nan
    with pytest.raises(ValueError, match="patterns contains NaN or inf"):
        ExponentialDAM(bad)


def test_P_below_two():
    with pytest.raises(ValueError, match=r"P \(interaction order\)=1 must be >= 2"):
        DenseHopfield(XI, P=1)


def test_P_not_an_integer():
    with pytest.raises(TypeError, match=r"P \(interaction order\)=2.5 must be an integer"):
        DenseHopfield(XI, P=2.5)


def test_real_patterns_without_self_interactions_for_P3():
    with pytest.raises(ValueError, match=r"patterns has an entry 0.5 outside \{-1, 0, \+1\}"):
        DenseHopfield(np.abs(XI) * 0.5, P=3)


def test_diagonal_flag_type():
    with pytest.raises(TypeError, match="diagonal='no' must be True or False"):
        DenseHopfield(XI, P=2, diagonal="no")


def test_dilution_out_of_range():
    with pytest.raises(ValueError, match=r"dilution d=1 must be in \[0, 1\); d=1 would blank"):
        diluted_patterns(2, 5, 1.0)
    with pytest.raises(ValueError, match=r"dilution d=-0.1 must be in \[0, 1\)"):
        diluted_patterns(2, 5, -0.1)


def test_quality_out_of_range():
    with pytest.raises(ValueError, match=r"quality r=1.5 must be in \(0, 1\]"):
        noisy_examples(XI, 3, 1.5)
    with pytest.raises(ValueError, match=r"quality r=-0.2 must be in \(0, 1\]"):
        dataset_entropy(-0.2, 3)
    with pytest.raises(ValueError, match=r"quality r=0 must be in \(0, 1\]; r = 0 examples"):
        noisy_examples(XI, 3, 0.0)


def test_examples_per_archetype_below_one():
    with pytest.raises(ValueError, match=r"M \(examples per archetype\)=0 must be >= 1"):
        noisy_examples(XI, 0, 0.5)


def test_negative_temperature():
    with pytest.raises(ValueError, match=r"temperature T=-0\.5 must be >= 0"):
        beta_from_T(-0.5)


def test_nan_temperature():
    with pytest.raises(ValueError, match="temperature T=nan is not a number"):
        beta_from_T(float("nan"))


def test_bias_out_of_range():
    with pytest.raises(ValueError, match=r"bias a=1 must be in \(-1, 1\)"):
        biased_patterns(2, 5, 1.0)


def test_sizes_must_be_positive_integers():
    with pytest.raises(ValueError, match="N=0 must be >= 1"):
        binary_patterns(2, 0)
    with pytest.raises(TypeError, match=r"K=2\.0 must be an integer"):
        binary_patterns(2.0, 5)


def test_lam_must_be_positive():
    with pytest.raises(ValueError, match="lam=0 must be > 0"):
        ExponentialDAM(XI, lam=0.0)


def test_beta_must_be_positive():
    with pytest.raises(ValueError, match="beta=-1 must be > 0"):
        ModernHopfield(XI, beta=-1.0)


def test_query_shape_and_finiteness():
    net = ModernHopfield(XI, beta=1.0)
    with pytest.raises(ValueError, match=r"xi has shape \(3,\); pass shape \(..., d\) with d=10"):
        net.update(np.ones(3))
    with pytest.raises(ValueError, match="xi contains NaN or inf"):
        net.update(np.full(10, np.inf))


def test_spin_shape_and_values():
    net = Hopfield(XI)
    with pytest.raises(
        ValueError, match=r"sigma has shape \(9,\); pass shape \(..., N\) with N=10"
    ):
        net.energy(np.ones(9))
    with pytest.raises(ValueError, match="sigma must contain only -1 and \\+1 entries"):
        net.energy(np.zeros(10))


def test_neuron_index_out_of_range():
    with pytest.raises(IndexError, match=r"i=10 is out of range; pass 0 <= i < N=10"):
        Hopfield(XI).delta_energy(np.ones(10), 10)


def test_archetype_entries():
    with pytest.raises(ValueError, match=r"archetypes has an entry 2 outside \{-1, 0, \+1\}"):
        noisy_examples(np.abs(XI) * 2, 3, 0.5)


def test_rng_type():
    with pytest.raises(TypeError, match="legacy RandomState is not accepted"):
        binary_patterns(2, 5, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="rng=-3 must be a non-negative integer seed"):
        as_generator(-3)
