"""One-step RSB of the Hopfield network at T = 0 (Steffan & Kuehn, Z. Phys. B 95, 249 (1994))."""

from __future__ import annotations

import math

import pytest

from hebbian.theory import hopfield
from hebbian.theory import hopfield_rsb as H1


def test_rs_limit_of_the_1rsb_free_energy():
    """mu -> 0 with q0 -> 1 is the AGS replica-symmetric ground state."""
    for alpha in (0.05, 0.1, 0.13):
        rs = hopfield.solve(alpha, 0.0)
        f = H1.free_energy_1rsb(alpha, rs["m"], 1 - 1e-9, rs["C"], 1e-6)
        # the collapsed inner level leaves |y| with its kink on the field grid: O(dy^2)
        assert f == pytest.approx(rs.free_energy, abs=5e-6)


def test_critical_storage_steffan_kuehn_1994():
    c = H1.alpha_c_1rsb()
    assert c.value == pytest.approx(0.138186, abs=1e-6)  # 1RSB; RS 0.137906
    assert hopfield.alpha_c(0.0).value < c.value < hopfield.alpha_c_peak()[1]
    assert c.m == pytest.approx(0.967, abs=2e-3)


def test_retrieval_solution_below_the_fold_and_none_above():
    s = H1.solve_1rsb(0.137)
    assert s.success
    assert s.residual < 1e-10
    assert 0.99 < s["q0"] < 1
    assert s["mu"] > 1  # a genuine step, not the RS solution
    rs = hopfield.solve(0.137, 0.0)
    # one step raises the ground-state energy slightly, and the overlap with it
    assert 0 < s.free_energy - rs.free_energy < 1e-4
    assert s["m"] > rs["m"]
    assert H1.free_energy_1rsb(0.137, s["m"], s["q0"], s["C"], s["mu"]) == s.free_energy
    above = H1.solve_1rsb(0.1385)
    assert not above.success
    assert above.status == 5
    assert math.isnan(above.free_energy)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"alpha=-0\.1"):
        H1.solve_1rsb(-0.1)


@pytest.mark.slow
def test_far_from_the_fold_the_step_is_tiny():
    """alpha = 0.12, followed from the fold in growing steps: one step raises the RS ground-state
    energy by 2e-8 and the overlap by 5e-6 (Steffan & Kuehn: RSB matters only near alpha_c)."""
    s = H1.solve_1rsb(0.12)
    rs = hopfield.solve(0.12, 0.0)
    assert s.success
    assert 0 < s.free_energy - rs.free_energy < 1e-7
    assert 0 < s["m"] - rs["m"] < 1e-4
