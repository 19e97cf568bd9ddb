"""Capacity and basins: the measurement's own logic, and its edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest

from hebbian.mc.capacity import (
    _cue,
    capacity,
    patterns_at,
    retrieval_probability,
    spherical_patterns,
)


def test_cues_have_exactly_the_asked_overlap():
    rng = np.random.default_rng(0)
    binary = np.where(rng.random(40) < 0.5, 1, -1).astype(np.int8)
    assert _cue(binary, 5, rng) @ binary == 40 - 10
    sphere = spherical_patterns(1, 40, rng)[0]
    cue = _cue(sphere, 5, rng)
    assert cue @ sphere / 40 == pytest.approx(0.75)
    assert cue @ cue == pytest.approx(40)


def test_pattern_counts_follow_each_family_s_load():
    assert patterns_at("dense", 0.1, 100, P=3) == 1000
    assert patterns_at("exponential", 0.25, 20) == round(math.exp(5))
    with pytest.raises(ValueError, match="load"):
        patterns_at("dense", 0.0, 100)


def test_capacity_is_censored_where_every_load_retrieves():
    # K_max = e^(0.1 * 16) = 5 patterns: the exponential network keeps them all
    out = capacity("exponential", 16, load_max=0.1, rho=0.125, n_samples=4, seed=0)
    assert out["censored"] == 4
    assert np.all(out["K_c"] == 5)
    assert out["load"] == pytest.approx(math.log(5) / 16)


def test_hopfield_capacity_is_near_ags_at_moderate_size():
    """Zero-T Hopfield from a 1/8-corrupted cue: K_c/N within [0.1, 0.25] at N = 200
    (AGS alpha_c = 0.138 plus the known positive finite-size shift)."""
    out = capacity("dense", 200, load_max=0.5, rho=0.125, n_samples=6, seed=1)
    assert out["censored"] == 0
    assert 0.1 < out["load"] < 0.25


def test_basin_shrinks_with_the_cue_corruption():
    kw = dict(N=16, load=0.2, n_samples=24, seed=2)
    clean = retrieval_probability("exponential", rho=0.0, **kw)
    noisy = retrieval_probability("exponential", rho=0.375, **kw)
    assert clean["p"] >= 0.95
    assert noisy["p"] < 0.3


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        (dict(network="sparse"), "network='sparse'"),
        (dict(rho=0.5), "rho=0.5"),
        (dict(eps=0.0), "eps=0"),
    ],
)
def test_bad_input_is_named(kw, match):
    args = dict(network="dense", N=20, load_max=0.2, rho=0.1, n_samples=2, seed=0) | kw
    with pytest.raises(ValueError, match=match):
        capacity(args.pop("network"), args.pop("N"), **args)
