"""Dense P >= 3 networks with replica symmetry breaking: retrieval state and critical storage."""

import math

import pytest

from hebbian.theory import dense, dense_rsb


@pytest.mark.parametrize("T", [0.0, 0.1])
def test_zero_steps_is_the_rs_retrieval_state(T):
    s = dense_rsb.solve_rsb(3, 0.1, T, k=0, branch="retrieval")
    rs = dense.solve(3, 0.1, T)
    assert s.success
    assert s.branch == "retrieval"
    assert s["m"] == pytest.approx(rs["m"], abs=1e-9)
    assert s.free_energy == pytest.approx(rs.free_energy, abs=1e-9)
    assert s.energy == pytest.approx(rs.energy, abs=1e-8)


def test_one_step_collapses_where_rs_is_stable():
    """At T = 0.1, alpha = 0.1 the RS retrieval state is stable: the step carries no weight."""
    s = dense_rsb.solve_rsb(3, 0.1, 0.1, k=1, branch="retrieval")
    rs = dense.solve(3, 0.1, 0.1)
    assert s.success
    assert s["q1"] - s["q0"] < 1e-6
    assert s["m"] == pytest.approx(rs["m"], abs=1e-8)
    assert s.free_energy == pytest.approx(rs.free_energy, abs=1e-9)


def test_one_step_at_zero_temperature_removes_the_rs_reentrance():
    """T = 0, alpha = 0.12: RS is frozen (q = 1) and unstable; one step raises f (Guerra bound)
    and m lands on the RS overlap at T = 0.05, where RS is stable, instead of the RS T = 0 one."""
    s = dense_rsb.solve_rsb(3, 0.12, 0.0, k=1, branch="retrieval")
    rs0, rs_low_T = dense.solve(3, 0.12, 0.0), dense.solve(3, 0.12, 0.05)
    assert s.success
    assert s.residual <= 1e-7
    assert 0.9 < s["q0"] < 0.99
    assert 5 < s["mu1"] < 50
    assert s.free_energy > rs0.free_energy + 1e-4
    assert s["m"] == pytest.approx(rs_low_T["m"], abs=1e-3)
    assert s["m"] - rs0["m"] > 0.015


def test_critical_storage_with_one_step():
    """alpha_c(P=3): RS 0.1261 -> 1RSB 0.15374, just below the peak 0.15486 of the RS
    alpha_c(T); the retrieval state exists between the two T = 0 values, not above."""
    c = dense_rsb.alpha_c_rsb(3)
    assert c.value == pytest.approx(0.153737, abs=2e-6)
    assert c.m == pytest.approx(0.651, abs=5e-3)
    assert dense.alpha_c(3).value < c.value < dense.alpha_c(3, 0.155).value
    inside = dense_rsb.solve_rsb(3, 0.14, 0.0, branch="retrieval")
    assert inside.success
    assert c.m < inside["m"] < 0.9
    assert not dense.solve(3, 0.14, 0.0).success
    assert not dense_rsb.solve_rsb(3, 0.14, 0.0, k=0, branch="retrieval").success
    above = dense_rsb.solve_rsb(3, 0.16, 0.0, branch="retrieval")
    assert not above.success
    assert above.status in (1, 5)


@pytest.mark.slow
def test_critical_storage_with_one_step_P4():
    c = dense_rsb.alpha_c_rsb(4)
    assert c.value == pytest.approx(0.038195, abs=2e-6)
    assert dense.alpha_c(4).value < c.value < dense.alpha_c(4, 0.04).value


def test_bad_input():
    with pytest.raises(ValueError, match="branch"):
        dense_rsb.solve_rsb(3, 0.1, 0.0, branch="mixture")
    with pytest.raises(ValueError, match="hopfield_rsb"):
        dense_rsb.solve_rsb(2, 0.1, 0.0)
    with pytest.raises(ValueError, match="P"):
        dense_rsb.alpha_c_rsb(2)
    assert math.isfinite(dense_rsb.solve_rsb(3, 3.0, 0.7).free_energy)
