"""Exact enumeration of the P-spin glass: energies, P(q), and the tempering on the same samples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from enumeration import STATES
from scipy import stats

from hebbian.mc.enumeration import lowest_gap, overlap_masses, pspin_energies
from hebbian.mc.glass import Q_BINS, pspin_enumeration, pspin_tempering, weight_below_half
from hebbian.networks import PSpinGlass


@pytest.mark.parametrize("P", [3, 4, 5])
def test_gray_code_energies_are_the_networks(P):
    net = PSpinGlass.sample(8, P, 0.3, rng=P)
    assert pspin_energies(net) == pytest.approx(net.energy(STATES), abs=1e-12)


def test_overlap_masses_are_the_double_sum_over_states():
    """P(d) = sum_{a,b} p_a p_b [distance(a, b) = d]; <E> = sum_a p_a E_a; at T -> infinity
    the distance of two independent uniform states is binomial(N, 1/2)."""
    net = PSpinGlass.sample(8, 3, 0.5, rng=7)
    E = net.energy(STATES)
    masses, mean = overlap_masses(E, [0.1, 0.4, 1e9])
    distance = (8 - STATES @ STATES.T.astype(int)) // 2
    for t, T in enumerate([0.1, 0.4]):
        p = np.exp(-(E - E.min()) / T)
        p /= p.sum()
        direct = np.bincount(distance.ravel(), np.outer(p, p).ravel(), minlength=9)
        assert masses[t] == pytest.approx(direct, abs=1e-13)
        assert mean[t] == pytest.approx(p @ E, abs=1e-12)
    binomial = [math.comb(8, d) / 2**8 for d in range(9)]
    assert masses[2] == pytest.approx(binomial, abs=1e-9)


def test_lowest_gap_skips_the_ground_states_global_flip():
    assert lowest_gap(np.array([0.0, 1.5, 2.0, 0.0])) == 1.5
    assert lowest_gap(np.array([3.0, 1.0, -1.0, 2.0])) == 3.0  # the flip of state 2 is 1


@pytest.mark.parametrize(
    ("energies", "T", "match"),
    [(np.zeros(6), 1.0, "2\\^N"), (np.zeros(8), 0.0, "T")],
)
def test_overlap_masses_rejects_bad_input(energies, T, match):
    with pytest.raises(ValueError, match=match):
        overlap_masses(energies, T)


def _tempering_against_enumeration(N, seeds, n_sweeps):
    """Per seed, Monte Carlo minus exact (energy, <q^2>, weight of |q| < 1/2) on the same
    samples: thermal noise only, so the mean over seeds is zero within its error."""
    kw = dict(P=4, alpha=0.3, T_min=0.05, T_max=0.6, n_T=5, n_samples=2)
    diff = []
    for seed in seeds:
        mc = pspin_tempering(N, n_sweeps=n_sweeps, n_burnin=n_sweeps // 4, seed=seed, **kw)
        exact = pspin_enumeration(N, seed=seed, **kw)
        assert np.allclose(mc["T"], exact["T"])
        assert exact["q_hist"].sum(axis=1) * np.diff(Q_BINS)[0] == pytest.approx(1.0)
        diff.append(
            [
                mc["energy"] - exact["energy"],
                mc["q2"] - exact["q2"],
                weight_below_half(mc["q_hist"]) - weight_below_half(exact["q_hist"]),
            ]
        )
    diff = np.array(diff)  # (seed, statistic, T)
    t = diff.mean(axis=0) / (diff.std(axis=0, ddof=1) / math.sqrt(len(seeds)))
    # Student's t with len(seeds) - 1 degrees of freedom, 1e-3 for all statistics together
    bound = stats.t.ppf(1 - 1e-3 / (2 * t.size), len(seeds) - 1)
    assert np.all(np.abs(t) < bound), (t, bound)
    # the samples are the same: the differences are far below the spread between samples
    exact_spread = pspin_enumeration(N, seed=0, **{**kw, "n_samples": 8})["energy_error"]
    assert np.all(np.abs(diff[:, 0]).mean(axis=0) < exact_spread), (diff[:, 0], exact_spread)


def test_tempering_samples_the_enumerated_distribution():
    """N = 8, T = 0.05-0.6 (T_s = 0.098): the tempering's energy, <q^2> and weight of
    |q| < 1/2 are the exact ones of its own disorder samples."""
    _tempering_against_enumeration(8, range(12), 300)


@pytest.mark.slow
def test_tempering_samples_the_enumerated_distribution_at_n_10():
    _tempering_against_enumeration(10, range(10), 2000)
