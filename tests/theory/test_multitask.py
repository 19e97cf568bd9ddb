"""Multitasking (diluted patterns, low load) RS states against closed forms and Hopfield."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hebbian.theory import hopfield, learning
from hebbian.theory import multitask as MT


@settings(max_examples=30)
@given(K=st.integers(1, 6), d=st.floats(0.0, 0.6))
def test_zero_T_hierarchy_is_the_closed_form_where_it_exists(K, d):
    """m_k = (1 - d) d^(k-1) exactly while sum_{j<K} d^j < 1 (Agliari et al. 2012)."""
    if not MT.hierarchical_exists(K, d) or sum(d**j for j in range(1, K)) > 0.98:
        return  # at the border ties make the closed form marginal
    s = MT.solve(K, d, 0.0)
    assert s.success
    m = np.array([s[f"m{k + 1}"] for k in range(K)])
    assert m == pytest.approx(MT.hierarchical_amplitudes(K, d), abs=1e-12)


def test_beyond_the_hierarchy_the_amplitudes_draw_together():
    s = MT.solve(3, 0.7, 0.0)
    m = [s["m1"], s["m2"], s["m3"]]
    closed = MT.hierarchical_amplitudes(3, 0.7)
    assert not MT.hierarchical_exists(3, 0.7)
    assert m[0] > m[1] > m[2]
    assert m[0] - m[2] < closed[0] - closed[2]  # less spread than the closed form


@pytest.mark.parametrize("T", [0.0, 0.2, 0.5, 0.9])
def test_no_dilution_is_the_hopfield_network(T):
    s = MT.solve(2, 0.0, T, start="pure")
    assert s["m1"] == pytest.approx(hopfield.solve(0.0, T)["m"], abs=1e-9)
    assert s["m2"] == pytest.approx(0.0, abs=1e-9)
    assert s.branch == "pure"


def test_pure_state_vanishes_at_T_equal_one_minus_d():
    d = 0.4
    assert MT.solve(1, d, 0.58)["m1"] > 0.01
    assert MT.solve(1, d, 0.62)["m1"] < 1e-4


def test_phase_diagram_has_the_three_regimes():
    """Low T: hierarchical; small d, intermediate T: pure; strong dilution: parallel."""
    assert MT.states(3, 0.3, 0.05)["equilibrium"].branch == "hierarchical"
    assert MT.states(3, 0.15, 0.4)["equilibrium"].branch == "pure"
    assert MT.states(3, 0.8, 0.1)["equilibrium"].branch == "parallel"
    assert MT.states(3, 0.3, 0.8)["equilibrium"].branch == "paramagnet"


def test_examples_reduce_to_the_learning_theory_for_one_pattern():
    r, M = 0.5, 7
    rho = (1 - r * r) / (M * r * r)
    s = MT.solve(1, 0.0, 0.3, rho=rho)
    t = learning.solve(2, 0.0, 0.3, r, M, limit="gaussian")
    assert s["m1"] == pytest.approx(t["m"], abs=1e-8)
    assert s["n1"] == pytest.approx(t["n"], abs=1e-8)


def test_examples_blur_the_hierarchy_and_vanish_with_rho():
    clean = MT.solve(3, 0.4, 0.0)
    learned = MT.solve(3, 0.4, 0.0, rho=0.05)
    assert learned["m1"] < clean["m1"]
    assert MT.solve(3, 0.4, 0.0, rho=1e-9)["m2"] == pytest.approx(clean["m2"], abs=1e-4)


def test_levels_resolved_grow_like_log_N():
    assert [MT.max_levels(N, 0.5) for N in (10**2, 10**4, 10**6)] == [2, 5, 8]
    assert MT.max_levels(10**4, 0.0) == 1


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"d": 1.0}, r"dilution d=1 must be in \[0, 1\)"),
        ({"K": 11}, "K=11 patterns: the exact average over 3\\^K"),
        ({"rho": -0.1}, "rho=-0.1 must be"),
        ({"start": "sideways"}, "start='sideways' is not"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = {"K": 3, "d": 0.3, "T": 0.1, **kwargs}
    with pytest.raises(ValueError, match=match):
        MT.solve(**args)


def test_branches_are_classified():
    assert MT.branch_of([0.5, 0.25, 0.1]) == "hierarchical"
    assert MT.branch_of([0.2, 0.2, 0.2]) == "parallel"
    assert MT.branch_of([0.9, 0.0, 0.0]) == "pure"
    assert MT.branch_of([0.0, 0.0]) == "paramagnet"
    assert math.isclose(MT.hierarchical_amplitudes(2, 0.0)[0], 1.0)


@pytest.mark.parametrize(("alpha", "T"), [(0.05, 0.0), (0.1, 0.0), (0.05, 0.2), (0.1, 0.1)])
def test_high_load_without_dilution_is_amit_gutfreund_sompolinsky(alpha, T):
    s = MT.solve(1, 0.0, T, alpha=alpha, start="pure", method="hybrid")
    h = hopfield.solve(alpha, T)
    assert s["m1"] == pytest.approx(h["m"], abs=1e-8)
    assert s["q"] == pytest.approx(h["q"], abs=1e-8)
    assert s.free_energy == pytest.approx(h.free_energy, abs=1e-8)


def test_dilution_lowers_the_critical_load_of_the_pure_state():
    """Blank neurons sit in the cross-talk field alone and inflate the AGS reaction term."""
    assert MT.solve(1, 0.2, 0.0, alpha=0.05, start="pure", method="hybrid")["m1"] > 0.7
    assert MT.solve(1, 0.2, 0.0, alpha=0.08, start="pure", method="hybrid")["m1"] < 1e-3
    assert MT.solve(1, 0.0, 0.0, alpha=0.08, start="pure", method="hybrid")["m1"] > 0.9
