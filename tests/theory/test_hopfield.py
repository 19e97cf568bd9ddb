"""Replica-symmetric Hopfield theory against published values, closed forms and itself.

References
----------
AGS 1985: Amit, Gutfreund, Sompolinsky, Phys. Rev. A 32, 1007 (1985) - low load, mixtures.
AGS 1987: Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987) - alpha > 0, phase diagram.
Steffan & Kuehn 1994: Z. Phys. B 95, 249 (1994) - alpha_c = 0.137905 to six digits.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.special import erf

from hebbian.theory import Solution, SolverError
from hebbian.theory import hopfield as H
from hebbian.theory.quadrature import field_moments, gaussian_average, std_for_tanh_mean

# ---------------------------------------------------------------- published values


def test_alpha_c_zero_T_steffan_kuehn_1994():
    """Steffan & Kuehn 1994: alpha_c = 0.137905; AGS 1987: 0.138."""
    c = H.alpha_c(0.0)
    assert abs(c.value - 0.137905) < 1e-5
    assert abs(c.value - 0.138) < 1e-3


def test_overlap_at_alpha_c_ags_1987():
    """AGS 1987: the retrieval overlap jumps from m = 0.967 to 0 at alpha_c."""
    c = H.alpha_c(0.0)
    assert abs(c.m - 0.967) < 1e-3
    # the T = 0 solver agrees just below alpha_c and finds nothing just above
    below = H.solve(c.value * (1 - 1e-6), 0.0)
    assert below.success
    assert abs(below["m"] - c.m) < 2e-3
    assert H.solve(c.value * (1 + 1e-6), 0.0).status == 5


def _zero_T_gap(alpha: float) -> float:
    return (
        H.solve(alpha, 0.0).check().free_energy
        - H.solve(alpha, 0.0, branch="spin glass").check().free_energy
    )


def test_zero_T_retrieval_spin_glass_crossing_ags_1987():
    """AGS 1987: retrieval states are global minima at T = 0 below alpha = 0.051."""
    a0 = optimize.brentq(_zero_T_gap, 0.02, 0.1, xtol=1e-12)
    assert 0.051 <= a0 <= 0.052
    # retrieval below, spin glass above
    assert _zero_T_gap(0.9 * a0) < 0 < _zero_T_gap(1.1 * a0)


def test_zero_T_crossing_closed_form():
    """At T = 0 in RS, e_SG = -1/pi - sqrt(2 alpha/pi) and e_R = -1/2 up to exp(-1/(2 alpha))."""
    for alpha in (0.02, 0.05, 0.1):
        sg = H.solve(alpha, 0.0, branch="spin glass").check()
        assert sg.free_energy == pytest.approx(-1 / math.pi - math.sqrt(2 * alpha / math.pi))
        assert sg["m"] == 0.0
        assert sg["q"] == 1.0
    r = H.solve(0.02, 0.0).check()
    assert abs(r.free_energy + 0.5) < 1e-9


def test_alpha_eq_at_zero_T_is_the_crossing():
    """alpha_eq(0), the end of the T_c line, is the T = 0 free-energy crossing (AGS: 0.051)."""
    a0 = optimize.brentq(_zero_T_gap, 0.02, 0.1, xtol=1e-12)
    assert H.alpha_eq(0.0) == pytest.approx(a0, abs=1e-9)


@pytest.mark.parametrize(
    ("n", "energy", "m"),
    [(1, -0.5, 1.0), (3, -0.375, 0.5), (5, -0.3515625, 0.375), (7, -0.341796875, 0.3125)],
)
def test_symmetric_mixture_energies_at_T0_ags_1985(n, energy, m):
    """AGS 1985: m_n = 2^{1-n} binom(n-1, (n-1)/2), e_n = -n m_n^2 / 2 (exact)."""
    s = H.mixture(n, 0.0)
    assert s.success
    assert s.free_energy == energy
    assert s.energy == energy
    assert s["m"] == m
    assert m == 2.0 ** (1 - n) * math.comb(n - 1, (n - 1) // 2)


def test_mixture_stability_temperature_ags_1985():
    """AGS 1985: the symmetric 3-mixture becomes stable below T ~ 0.46."""
    T3 = H.mixture_stability_T(3)
    assert abs(T3 - 0.46) < 0.005
    assert H.mixture(3, T3 * 0.95).stability > 0
    assert H.mixture(3, T3 * 1.05).stability < 0
    assert H.mixture(3, T3).stability == pytest.approx(0.0, abs=1e-8)


def test_mixture_stability_T_increases_is_below_one():
    """Higher mixtures stabilise later (AGS 1985: T_5 < T_3 < T_1 = 1)."""
    T3, T5 = H.mixture_stability_T(3), H.mixture_stability_T(5)
    assert H.mixture_stability_T(1) == 1.0
    assert 0 < T5 < T3 < 1


@pytest.mark.parametrize("n", [2, 4, 6])
def test_even_mixtures_are_never_stable_ags_1985(n):
    assert math.isnan(H.mixture_stability_T(n))
    assert H.mixture(n, 0.0).stability == -math.inf
    for T in (0.1, 0.3, 0.6):
        s = H.mixture(n, T)
        assert s.success
        assert s.stability < 0


@pytest.mark.parametrize("n", [1, 3, 5])
@pytest.mark.parametrize("T", [0.1, 0.4, 0.8])
def test_mixture_solves_its_equation(n, T):
    """m = E_xi xi_1 tanh(beta m sum xi) and f = n m^2/2 - T E ln 2cosh(beta m sum xi)."""
    s = H.mixture(n, T).check()
    beta, m = 1 / T, s["m"]
    xi = np.array(np.meshgrid(*[[-1.0, 1.0]] * n)).reshape(n, -1).T
    fields = beta * m * xi.sum(1)
    assert np.mean(xi[:, 0] * np.tanh(fields)) == pytest.approx(m, abs=1e-11)
    f = n * m**2 / 2 - T * np.mean(np.logaddexp(fields, -fields))
    assert s.free_energy == pytest.approx(f, abs=1e-12)


# ------------------------------------------------------------- closed forms, limits


@pytest.mark.parametrize("alpha", [0.0, 0.01, 0.05, 0.1, 0.3])
def test_T_g_ags_1987(alpha):
    """AGS 1987 eq. 4.12: T_g = 1 + sqrt(alpha)."""
    assert H.T_g(alpha) == 1 + math.sqrt(alpha)


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1])
def test_spin_glass_order_vanishes_continuously_at_T_g(alpha):
    Tg = H.T_g(alpha)
    near = H.solve(alpha, Tg * (1 - 1e-3), branch="spin glass")
    nearer = H.solve(alpha, Tg * (1 - 5e-4), branch="spin glass")
    assert near.success
    assert nearer.success
    assert near.branch == "spin glass"
    assert 0 < near["q"] < 5e-3
    # q vanishes linearly in T_g - T
    assert nearer["q"] / near["q"] == pytest.approx(0.5, abs=0.01)
    # ... and the free energy joins the paramagnet's (second-order transition)
    pm = H.solve(alpha, Tg * (1 - 1e-3), branch="paramagnet").check()
    assert abs(near.free_energy - pm.free_energy) < 1e-7
    above = H.solve(alpha, Tg * (1 + 1e-2), branch="spin glass")
    assert not above.success
    assert above.status == 4
    assert above.branch == "paramagnet"
    assert "spin glass" in above.message


@pytest.mark.parametrize(("alpha", "T"), [(0.0, 1.5), (0.05, 1.3), (0.1, 2.0), (0.13, 1.4)])
def test_paramagnet_closed_form_ags_1987(alpha, T):
    """q = m = 0: f = alpha/2 + (alpha T/2) ln(1 - beta) - T ln 2,
    u = alpha/2 - alpha/(2(1-beta))."""
    s = H.solve(alpha, T, branch="paramagnet").check()
    beta = 1 / T
    assert s["m"] == 0
    assert s["q"] == 0
    f = alpha / 2 + alpha * T / 2 * math.log(1 - beta) - T * math.log(2)
    assert s.free_energy == pytest.approx(f, abs=1e-13)
    assert s.energy == pytest.approx(alpha / 2 - alpha / (2 * (1 - beta)), abs=1e-13)
    assert s.entropy == pytest.approx(beta * (s.energy - s.free_energy), abs=1e-13)


@pytest.mark.parametrize("T", [0.1, 0.3, 0.5, 0.8, 0.95])
def test_zero_load_is_curie_weiss(T):
    """alpha = 0: m = tanh(beta m), f = m^2/2 - T ln 2cosh(beta m), u = -m^2/2."""
    beta = 1 / T
    m = optimize.brentq(lambda x: math.tanh(beta * x) - x, 1e-6, 1.0, xtol=1e-15)
    s = H.solve(0.0, T).check()
    assert s["m"] == pytest.approx(m, abs=1e-10)
    assert s["q"] == pytest.approx(m**2, abs=1e-10)
    f = m**2 / 2 - T * np.logaddexp(beta * m, -beta * m)
    assert s.free_energy == pytest.approx(f, abs=1e-10)
    assert s.energy == pytest.approx(-(m**2) / 2, abs=1e-10)


def test_zero_load_zero_T():
    s = H.solve(0.0, 0.0).check()
    assert s["m"] == 1.0
    assert s.free_energy == -0.5


@pytest.mark.parametrize("alpha", [0.01, 0.05, 0.1, 0.13])
def test_zero_T_retrieval_solves_ags_zero_T_equations(alpha):
    """AGS 1987 eqs. 5.1-5.3: m = erf(y), C = sqrt(2/(pi alpha r)) e^{-y^2}, r = (1-C)^-2."""
    s = H.solve(alpha, 0.0).check()
    m, r, c = s["m"], s["r"], s["C"]
    y = m / math.sqrt(2 * alpha * r)
    assert m == pytest.approx(float(erf(y)), abs=1e-12)
    assert c == pytest.approx(math.sqrt(2 / (math.pi * alpha * r)) * math.exp(-(y**2)), abs=1e-12)
    assert r == pytest.approx(1 / (1 - c) ** 2, abs=1e-12)
    e = alpha / 2 - m**2 / 2 - alpha / (2 * (1 - c)) - alpha * r * c / 2
    assert s.free_energy == pytest.approx(e, abs=1e-13)
    assert math.isnan(s.entropy)


LOW_TS = np.array([1e-3, 2e-3, 3e-3, 4e-3])


def _extrapolate_to_zero(values) -> float:
    return float(np.polyval(np.polyfit(LOW_TS, values, 2), 0.0))


@pytest.mark.parametrize(
    ("alpha", "branch"),
    [
        (0.0, "retrieval"),
        (0.05, "retrieval"),
        (0.1, "retrieval"),
        (0.13, "retrieval"),
        (0.05, "spin glass"),
        (0.1, "spin glass"),
        (0.13, "spin glass"),
    ],
)
def test_finite_T_solutions_extrapolate_to_T0(alpha, branch):
    """The T = 0 equations are the T -> 0 limit of the finite-T ones (AGS 1987 sec. 5)."""
    low = [H.solve(alpha, T, branch=branch).check() for T in LOW_TS]
    zero = H.solve(alpha, 0.0, branch=branch).check()
    assert all(s.branch == branch for s in low)
    m0 = _extrapolate_to_zero([s["m"] for s in low])
    f0 = _extrapolate_to_zero([s.free_energy for s in low])
    u0 = _extrapolate_to_zero([s.energy for s in low])
    assert m0 == pytest.approx(zero["m"], abs=1e-6)
    assert f0 == pytest.approx(zero.free_energy, abs=1e-6)
    assert u0 == pytest.approx(zero.energy, abs=1e-5)
    assert low[0]["q"] == pytest.approx(1.0, abs=1e-2)


# ----------------------------------------------------------- self-consistency (hypothesis)


def _check_own_equations(s: Solution) -> None:
    """AGS 1987 eqs. 4.5-4.7 and the replicon, recomputed with the public quadrature."""
    alpha, T = s.params["alpha"], s.params["T"]
    beta = 1 / T
    m, q, r = s["m"], s["q"], s["r"]
    std = math.sqrt(alpha * r)
    m_new = gaussian_average(lambda h: np.tanh(beta * h), m, std, beta)
    q_new = gaussian_average(lambda h: np.tanh(beta * h) ** 2, m, std, beta)
    d = 1 - beta * (1 - q)
    assert abs(m_new - m) < 1e-8
    assert abs(q_new - q) < 1e-8
    log2cosh = gaussian_average(lambda h: np.logaddexp(beta * h, -beta * h), m, std, beta)
    f = m**2 / 2 - log2cosh / beta  # AGS eq. 4.4
    if alpha == 0:  # no noise: r and d multiply nothing
        assert s.stability == 1.0
        assert s.free_energy == pytest.approx(f, abs=1e-10)
        return
    assert d > 0
    # r enters only through the noise variance alpha r (as alpha -> 0 and T -> 1,
    # d -> q cancels and r alone is ill-conditioned)
    assert abs(alpha * q / d**2 - alpha * r) < 1e-8 * max(1.0, alpha * r)
    sech4 = gaussian_average(lambda h: (1 - np.tanh(beta * h) ** 2) ** 2, m, std, beta)
    assert s.stability == pytest.approx(1 - alpha * beta**2 * sech4 / d**2, abs=1e-9)
    f += alpha / 2 + alpha / (2 * beta) * (math.log(d) - beta * q / d)
    f += alpha * beta / 2 * r * (1 - q)
    assert s.free_energy == pytest.approx(f, abs=1e-10)


@settings(max_examples=40)
@given(
    alpha=st.floats(0.0, 0.13, allow_subnormal=False),  # subnormal loads are refused
    T=st.floats(0.02, 1.2),
    branch=st.sampled_from(H.BRANCHES),
)
def test_solutions_satisfy_ags_equations(alpha, T, branch):
    s = H.solve(alpha, T, branch=branch)
    assert s.success == (s.status == 0)
    if s.success:
        assert s.branch == branch
        assert s.residual <= 1e-10
        _check_own_equations(s)
    else:
        assert s.status != 0
        assert s.message != "converged"


def _beta_f(alpha: float, T: float, branch: str) -> float:
    """``beta f`` on ``branch``, ``nan`` where it has no converged solution."""
    s = H.solve(alpha, T, branch=branch)
    return s.free_energy / T if s.success else math.nan


@settings(max_examples=30)
@given(
    alpha=st.floats(0.0, 0.13, allow_subnormal=False),
    T=st.floats(0.02, 1.2),
    branch=st.sampled_from(["retrieval", "spin glass"]),
)
def test_energy_is_derivative_of_beta_f_ags_1987(alpha, T, branch):
    """u = d(beta f)/d beta by central differences along the branch."""
    s = H.solve(alpha, T, branch=branch)
    assume(s.success)
    dT = 1e-4 * T
    bf_lo, bf_hi = _beta_f(alpha, T + dT, branch), _beta_f(alpha, T - dT, branch)
    assume(math.isfinite(bf_lo) and math.isfinite(bf_hi))  # not across a branch end
    derivative = (bf_hi - bf_lo) / (1 / (T - dT) - 1 / (T + dT))
    assert s.energy == pytest.approx(derivative, abs=1e-5)


@pytest.mark.parametrize(("alpha", "T"), [(0.05, 1.5), (0.1, 2.0)])
def test_paramagnet_energy_is_derivative_of_beta_f(alpha, T):
    dT = 1e-4
    derivative = (_beta_f(alpha, T - dT, "paramagnet") - _beta_f(alpha, T + dT, "paramagnet")) / (
        1 / (T - dT) - 1 / (T + dT)
    )
    assert H.solve(alpha, T, branch="paramagnet").energy == pytest.approx(derivative, abs=1e-6)


# ------------------------------------------------------------------ phase diagram


@pytest.mark.parametrize("T", [0.1, 0.3, 0.5, 0.8, 0.95])
def test_T_M_inverts_alpha_c(T):
    """AGS 1987 Fig. 1: T_M(alpha) and alpha_c(T) are one line."""
    c = H.alpha_c(T)
    assert 0 < c.value < H.alpha_c(0.0).value
    assert H.T_M(c.value) == pytest.approx(T, abs=1e-8)
    below = H.solve(c.value * (1 - 1e-3), T)
    assert below.success
    assert below.branch == "retrieval"
    assert not H.solve(c.value * (1 + 1e-2), T).success


def test_T_M_is_the_upper_end_of_the_reentrant_window():
    """RS alpha_c(T) peaks above alpha_c(0) at low T (AGS 1987): T_M is the upper root."""
    T_peak, a_peak = H.alpha_c_peak()
    assert 0.02 < T_peak < 0.026
    assert a_peak == pytest.approx(0.138189, abs=2e-6)
    assert H.alpha_c(T_peak).value > H.alpha_c(0.0).value
    # continuous through alpha_c(0): no spurious root at T ~ 0
    a0 = H.alpha_c(0.0).value
    assert H.T_M(a0 * (1 - 1e-9)) == pytest.approx(H.T_M(a0 * (1 - 1e-6)), abs=1e-4)
    inside = H.T_M(0.1381)
    assert T_peak < inside < 0.05
    assert H.solve(0.1381, inside * 0.99).branch == "retrieval"
    assert not H.solve(0.1381, inside * 1.01).success


def test_alpha_c_decreases_with_T_and_vanishes_at_T1():
    values = [H.alpha_c(T).value for T in (0.0, 0.2, 0.4, 0.6, 0.8, 0.99)]
    assert all(a > b for a, b in itertools.pairwise(values))
    assert H.alpha_c(1.0).value == 0.0
    assert math.isnan(H.alpha_c(1.0).m)
    assert H.T_M(0.0) == 1.0
    assert math.isnan(H.T_M(0.14))


@pytest.mark.parametrize("alpha", [0.005, 0.02, 0.035, 0.049])
def test_T_c_below_T_M_below_T_g_ags_1987(alpha):
    Tc, TM, Tg = H.T_c(alpha), H.T_M(alpha), H.T_g(alpha)
    assert 0 < Tc < TM < Tg
    # at T_c the two free energies cross
    r = H.solve(alpha, Tc).check()
    sg = H.solve(alpha, Tc, branch="spin glass").check()
    assert r.free_energy == pytest.approx(sg.free_energy, abs=1e-9)


@pytest.mark.parametrize("alpha", [0.01, 0.03, 0.045])
def test_T_AT_below_T_c_ags_1987(alpha):
    """The retrieval state's AT instability lies deep below T_c (AGS 1987 Fig. 1)."""
    Tat, Tc = H.T_AT(alpha), H.T_c(alpha)
    assert 0 <= Tat < Tc


@pytest.mark.parametrize("alpha", [0.1, 0.13])
def test_replicon_vanishes_at_T_AT(alpha):
    Tat = H.T_AT(alpha)
    assert 0 < Tat < H.T_M(alpha)
    assert H.solve(alpha, Tat).stability == pytest.approx(0.0, abs=1e-8)
    assert H.solve(alpha, 0.9 * Tat).check().stability < 0
    assert H.solve(alpha, 1.1 * Tat).check().stability > 0


def test_T_AT_published_docstring_value():
    assert round(H.T_AT(0.1), 6) == 0.00145


def _T_AT_brute(alpha: float) -> float:
    """The replicon's root bracketed by the whole range of the retrieval state, (1e-6, T_M)."""
    hi = H.T_M(alpha) * (1 - 1e-6)
    return optimize.brentq(lambda T: H.solve(alpha, T).check().stability, 1e-6, hi, xtol=1e-14)


# the last just below alpha_c(0) = 0.1379056, where the bracket's upper end comes closest to T_M
@pytest.mark.parametrize("alpha", [0.05, 0.1, 0.13, 0.137905566 * (1 - 1e-6)])
def test_T_AT_bracket_finds_the_root_of_the_brute_bracket(alpha):
    """The bracket around the T = 0 asymptote (13% above the root at alpha_c(0)) loses nothing."""
    assert H.T_AT(alpha) == pytest.approx(_T_AT_brute(alpha), rel=1e-9)


def test_T_AT_bracket_missing_the_root_falls_back(monkeypatch):
    """Where the replicon keeps its sign across the bracket, the root is sought below T_M."""
    monkeypatch.setattr(H, "_AT_BRACKET", (2.0, 3.0))
    assert H.T_AT(0.1) == pytest.approx(_T_AT_brute(0.1), rel=1e-9)


def test_T_AT_in_the_reentrant_window():
    """Between alpha_c(0) and the peak of alpha_c(T) retrieval exists only at T > 0."""
    alpha = 0.1381
    assert H.solve(alpha, 0.0).status == 5
    Tat = H.T_AT(alpha)
    assert 0 < Tat < H.T_M(alpha)
    assert H.solve(alpha, Tat).stability == pytest.approx(0.0, abs=1e-8)
    assert H.solve(alpha, 0.95 * Tat).check().stability < 0
    assert H.solve(alpha, 1.05 * Tat).check().stability > 0


@pytest.mark.parametrize(
    ("alpha", "T", "branch"),
    [(0.02, 0.3, "retrieval"), (0.1, 0.3, "spin glass"), (0.05, 2.0, "paramagnet")],
)
def test_equilibrium_phase_ags_1987(alpha, T, branch):
    eq = H.equilibrium(alpha, T)
    assert eq.success
    assert eq.branch == branch


def test_branches_sorted_by_free_energy():
    found = H.branches(0.03, 0.3)
    assert [s.branch for s in found] == ["retrieval", "spin glass"]
    assert all(s.success for s in found)
    assert found[0].free_energy < found[1].free_energy


def test_phase_diagram_lines():
    pd = H.phase_diagram(n_points=8)
    for line in (pd.T_g, pd.T_M, pd.T_c, pd.T_AT):
        a, T = line
        assert len(a) == len(T) == 8
    a_M, T_M = pd.T_M
    assert T_M[0] == 0.0
    assert a_M[0] == pytest.approx(H.alpha_c(0.0).value, abs=1e-12)
    assert a_M[-1] == 0.0  # T = 1
    np.testing.assert_allclose(pd.T_g[1], 1 + np.sqrt(pd.T_g[0]))
    # retrieval is equilibrium only where it exists, on the same T grid
    a_eq, T_eq = pd.T_c
    np.testing.assert_array_equal(T_eq, T_M)
    assert np.all(a_eq <= a_M)
    # each T_c point continues the solutions of the one before: the same roots
    np.testing.assert_allclose(a_eq, [H.alpha_eq(T) for T in T_eq], rtol=0, atol=1e-12)
    assert np.all(np.diff(pd.T_AT[1]) >= 0)


def test_continued_retrieval_refuses_the_unstable_solution():
    """Below alpha_c(T) a second, unstable retrieval solution lies below the fold's overlap.

    Newton continued from it stays there (a higher free energy); the T_c search
    refuses it and solves from the retrieval state's own start.
    """
    T = 0.3
    fold = H.alpha_c(T)
    alpha = 0.9 * fold.value
    # the unstable solution from its overlap on the branch parametrized by m
    m = optimize.brentq(lambda m: H._load_for_overlap(m, 1 / T) - alpha, 0.3, fold.m)
    fm = field_moments(m, std_for_tanh_mean(m, 1 / T, mean=m), 1 / T)
    unstable = H.solve(alpha, T, guess=(m, fm.q, fm.C), method="newton").check()
    assert unstable.branch == "retrieval"
    assert unstable["m"] < fold.m
    stable = H.solve(alpha * 1.001, T).check()
    path = H._Path()
    path.last["retrieval"] = unstable
    assert path.solve(alpha * 1.001, T, "retrieval")["m"] < fold.m
    path.last["retrieval"] = unstable
    got = path.solve(alpha * 1.001, T, "retrieval", lambda s: s["m"] > fold.m)
    assert got.free_energy == stable.free_energy < unstable.free_energy
    assert path.last["retrieval"] is got


# ---------------------------------------------------------------------- Solution API


def test_failed_solution_check_raises_with_solution():
    s = H.solve(0.2, 0.0)
    assert not s.success
    assert s.status == 5
    assert "alpha=0.2" in s.message
    with pytest.raises(SolverError, match="NOT CONVERGED") as info:
        s.check()
    assert info.value.solution is s
    assert "NOT CONVERGED" in str(s)


def test_converged_solution_api():
    s = H.solve(0.05, 0.3)
    assert s.check() is s
    assert "NOT CONVERGED" not in str(s)
    assert s["m"] == s.order_parameters["m"]
    assert s.model == "hopfield"
    assert s.params == {"alpha": 0.05, "T": 0.3}
    assert s.entropy == pytest.approx((s.energy - s.free_energy) / 0.3)


@pytest.mark.parametrize(("alpha", "T"), [(0.05, 0.3), (0.2, 0.0), (0.05, 0.0), (0.2, 0.3)])
def test_to_dict_is_json_serializable(alpha, T):
    s = H.solve(alpha, T)
    d = s.to_dict()
    back = json.loads(json.dumps(d))
    assert back["model"] == "hopfield"
    assert back["success"] == s.success
    assert back["params"] == {"alpha": alpha, "T": T}
    assert set(back["order_parameters"]) >= {"m", "q", "r"}


# ------------------------------------------------------------------------ bad input


def test_negative_alpha():
    with pytest.raises(ValueError, match=r"alpha=-0.1 must be >= 0"):
        H.solve(-0.1, 0.3)


def test_negative_T():
    with pytest.raises(ValueError, match=r"T=-1 "):
        H.solve(0.1, -1)


def test_unknown_branch():
    with pytest.raises(ValueError, match=r"branch='foo'"):
        H.solve(0.1, 0.3, branch="foo")


@pytest.mark.parametrize("bad", [math.nan, "0.1", True])
def test_non_numeric_alpha(bad):
    with pytest.raises((TypeError, ValueError), match="alpha"):
        H.solve(bad, 0.3)


# ------------------------------------------------------------------------ zero load


@pytest.mark.parametrize("T", [0.0, 0.5, 0.99, 1.5])
def test_zero_load_paramagnet_at_every_T(T):
    """Regression: at alpha = 0 and 0 < T < 1 the paramagnet m = q = 0 was rejected as
    'left the physical domain' (d = 1 - beta < 0 multiplies nothing at alpha = 0)."""
    s = H.solve(0.0, T, branch="paramagnet")
    assert s.success
    assert s.branch == "paramagnet"
    assert s.free_energy == pytest.approx(-T * math.log(2), abs=1e-14)
