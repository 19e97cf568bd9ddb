"""Dense P >= 3 networks with replica symmetry breaking: retrieval state and critical storage."""

import math

import pytest

from hebbian.theory import dense, dense_phases, dense_rsb


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


# --- the (alpha, T) phase diagram (theory.dense_phases) ---


@pytest.mark.slow
def test_static_transition_of_the_p_spin_glass_gardner_1985():
    """The 1RSB step of Gardner's P = 3 Ising glass appears at T_s = 0.651 with x = 1."""
    s = dense_phases.static_transition(3)
    assert s.success
    assert s["T_s"] == pytest.approx(0.651, abs=1e-3)
    assert 0.78 < s["q1"] < 0.85
    # the glass of the dense network at load alpha: J^2 = 2 alpha / P!
    assert dense_phases.T_s(3, 0.5) == pytest.approx(s["T_s"] * math.sqrt(1 / 6), rel=1e-12)


@pytest.mark.slow
def test_static_transition_brackets_the_maximized_glass():
    """Just below T_s the maximized one-step glass has x < 1, just above it is the paramagnet;
    P = 4 lies between P = 3 and the REM limit 1/(2 sqrt(ln 2)) = 0.6006."""
    for P in (3, 4):
        T_s = dense_phases.static_transition(P)["T_s"]
        alpha = math.factorial(P) / 2 / 4  # J = 1/2: inside the field grid for P = 4
        below = dense_rsb.solve_rsb(P, alpha, 0.98 * T_s / 2)
        above = dense_rsb.solve_rsb(P, alpha, 1.02 * T_s / 2)
        assert below.branch == "1-RSB"
        assert below["x1"] < 0.98
        assert above.branch == "paramagnet"
    assert 1 / (2 * math.sqrt(math.log(2))) < dense_phases.static_transition(4)["T_s"] < 0.651


def test_replicon_vanishes_on_the_at_line():
    for alpha in (0.13,):
        T = dense_phases.T_AT(3, alpha)
        assert dense.solve(3, alpha, T).stability == pytest.approx(0.0, abs=1e-7)
        assert dense.solve(3, alpha, 0.9 * T).stability < 0
        assert dense.solve(3, alpha, 1.1 * T).stability > 0


def test_rs_glass_is_replicon_unstable_wherever_it_exists():
    """The RS spin glass (m = 0, q > 0) appears at a fold (0.4849 J for P = 3) and its
    replicon is negative on the whole branch: RSB is needed for the glass."""
    alpha = 3.0  # J = 1
    top = dense_phases.T_rs_glass(3, alpha)
    assert top == pytest.approx(0.4849, abs=1e-3)
    assert top < dense_phases.T_s(3, alpha)
    for T in (0.2, 0.35, 0.99 * top):
        s = dense.solve(3, alpha, T, branch="spin glass")
        assert s.success
        assert s["q"] > 0.3
        assert s.stability < 0
    assert not dense.solve(3, alpha, 1.05 * top, branch="spin glass").success


@pytest.mark.slow
def test_the_step_collapses_where_the_at_line_meets_the_rs_spinodal():
    """T*: zero replicon at the RS fold, at the peak of the reentrant RS alpha_c(T); above it the
    RS state is stable at its fold and the 1RSB spinodal is the RS one."""
    t_star = dense_phases.T_collapse(3)
    T_peak, _ = dense.alpha_c_peak(3)
    assert t_star == pytest.approx(T_peak, abs=2e-3)
    above = 1.02 * t_star
    assert dense_rsb.alpha_c_rsb(3, above) == dense.alpha_c(3, above)


@pytest.mark.slow
def test_rs_and_one_step_spinodals_meet_where_the_step_collapses():
    """The 1RSB spinodal is nearly vertical (0.1537 -> 0.1549) and removes the reentrance; its
    distance to the RS spinodal shrinks to zero as T -> T*."""
    t_star = dense_phases.T_collapse(3)
    gaps = []
    for T in (0.05, 0.1, 0.95 * t_star):
        one, rs = dense_rsb.alpha_c_rsb(3, T), dense.alpha_c(3, T)
        assert 0.1537 < one.value < 0.1549
        gaps.append(one.value - rs.value)
    assert gaps[0] > gaps[1] > gaps[2] > 0
    assert gaps[2] < 3e-4


@pytest.mark.slow
def test_a_second_step_changes_little():
    """k = 2 against k = 1: the glass below T_s collapses onto one step (the two breakpoints
    coincide), the T = 0 retrieval state moves by less than 1e-5 in f and 1e-3 in m."""
    one, two = (dense_rsb.solve_rsb(3, 3.0, 0.5, k) for k in (1, 2))
    assert two.success
    assert two.free_energy - one.free_energy == pytest.approx(0.0, abs=1e-9)
    assert two["x1"] == pytest.approx(two["x2"], abs=1e-6)
    one, two = (dense_rsb.solve_rsb(3, 0.12, 0.0, k, branch="retrieval") for k in (1, 2))
    assert two.success
    assert 0 <= two.free_energy - one.free_energy < 1e-5  # Guerra: a step can only raise f
    assert abs(two["m"] - one["m"]) < 1e-3


@pytest.mark.slow
def test_equilibrium_phases_and_the_thermodynamic_transition():
    """P = 3: retrieval is the equilibrium below T_c, the paramagnet above, the 1RSB glass below
    T_s at high load; P = 4: retrieval beats the 1RSB glass below T_s at 0.03 but is never the
    equilibrium at 0.033, inside its (1RSB) existence region."""
    alpha = 0.1
    T_c = dense_phases.T_c(3, alpha)
    assert T_c == pytest.approx(dense.T_c(3, alpha), abs=1e-9)  # above T_s: the RS crossing
    assert dense_phases.equilibrium(3, alpha, 0.95 * T_c)["phase"] == "retrieval"
    assert dense_phases.equilibrium(3, alpha, 1.05 * T_c)["phase"] == "paramagnet"
    glass = dense_phases.equilibrium(3, 0.3, 0.5 * dense_phases.T_s(3, 0.3))
    assert glass["phase"] == "spin glass"
    assert math.isnan(glass["f_retrieval"])
    alpha = 0.03  # P = 4: the RS crossing lies above T_s, where the glass is the paramagnet
    assert dense_phases.T_c(4, alpha) == dense.T_c(4, alpha) > dense_phases.T_s(4, alpha)
    at = dense_phases.equilibrium(4, alpha, 0.6 * dense_phases.T_s(4, alpha))
    assert at["phase"] == "retrieval"  # against the 1RSB glass
    assert at["f_glass"] > -alpha / 24 / (2 * 0.6 * dense_phases.T_s(4, alpha)) - 0.6 * (
        dense_phases.T_s(4, alpha) * math.log(2)
    )  # the 1RSB glass lies above the paramagnet's continuation
    # at 0.033 retrieval exists (alpha_c = 0.0382 at one step) but never wins
    assert math.isnan(dense_phases.T_c(4, 0.033))


@pytest.mark.parametrize("k", [0, 1])
def test_constrained_slope_is_the_derivative_of_the_constrained_free_energy(k):
    """lambda = df/dm by central differences, RS and one step, inside the region where RS
    is replicon-unstable (P = 3, alpha = 0.13, T = 0.05)."""
    m, h = 0.7, 1e-4
    held = dense_rsb.constrained_rsb(3, 0.13, 0.05, m, k, tol=1e-9)
    lo, hi = (dense_rsb.constrained_rsb(3, 0.13, 0.05, m + s * h, k, tol=1e-9) for s in (-1, 1))
    assert all(s.success for s in (held, lo, hi))
    slope = (hi.free_energy - lo.free_energy) / (2 * h)
    assert held["lambda"] == pytest.approx(slope, abs=1e-6)
    assert held["h"] == pytest.approx(held["lambda"] + m**2 / 2, abs=1e-12)


def test_constrained_state_at_its_own_overlap_is_the_retrieval_state():
    """At the RS retrieval overlap lambda = 0 and f is solve's (k = 0, alpha = 0.1, T = 0.1)."""
    rs = dense.solve(3, 0.1, 0.1)
    held = dense_rsb.constrained_rsb(3, 0.1, 0.1, rs["m"], k=0)
    assert held.success
    assert held["lambda"] == pytest.approx(0.0, abs=1e-7)
    assert held.free_energy == pytest.approx(rs.free_energy, abs=1e-9)


def test_one_step_keeps_a_retrieval_minimum_where_rs_has_none():
    """alpha = 0.147, T = 0.05 lies between the RS spinodal (0.1395) and the one-step one
    (0.1546): the RS slope is positive at m = 0.7, the one-step slope negative."""
    rs, one = (dense_rsb.constrained_rsb(3, 0.147, 0.05, 0.7, k) for k in (0, 1))
    assert rs.success
    assert one.success
    assert rs["lambda"] > 0.01 > -0.005 > one["lambda"]
    assert one["q1"] - one["q0"] > 0.1


def test_constrained_refuses_overlaps_outside_the_open_interval():
    for m in (0.0, 1.0, -0.2, float("nan")):
        with pytest.raises(ValueError, match="m"):
            dense_rsb.constrained_rsb(3, 0.1, 0.1, m)
