"""Dense P-spin Hebbian networks (high storage, RS) against Hopfield, low load and itself.

References
----------
Gardner, J. Phys. A 20, 3453 (1987); Albanese, Alemanno, Alessandrelli, Barra,
J. Stat. Phys. 189, 24 (2022): the RS free energy of the P-spin network, with
noise covariance xi(q) = alpha q^P / P!.  AGS 1987 (Ann. Phys. 173, 30) is
the P = 2 case.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import optimize
from scipy.special import erf

from hebbian.theory import dense as D
from hebbian.theory import hopfield as H
from hebbian.theory.quadrature import gaussian_average

# ------------------------------------------------------------------ P = 2 is AGS


def _assert_same(d, h, tol: float = 1e-9) -> None:
    assert d.success == h.success
    assert d.status == h.status
    assert d.branch == h.branch
    if not h.success:
        return
    assert d["m"] == pytest.approx(h["m"], abs=tol)
    assert d["q"] == pytest.approx(h["q"], abs=tol)
    assert d.free_energy == pytest.approx(h.free_energy, abs=tol)
    assert d.energy == pytest.approx(h.energy, abs=tol)
    if math.isinf(h.stability):
        assert d.stability == h.stability
    else:
        assert d.stability == pytest.approx(h.stability, abs=tol)


@settings(max_examples=30)
@given(alpha=st.floats(0.0, 0.12, allow_subnormal=False), T=st.floats(0.05, 0.5))
def test_P2_retrieval_is_ags_hopfield(alpha, T):
    """Dense P = 2 (soft + hard noise resummed) reproduces AGS 1987."""
    h = H.solve(alpha, T)
    assume(h.success)
    _assert_same(D.solve(2, alpha, T), h)


@settings(max_examples=30)
@given(alpha=st.floats(0.005, 0.12), T=st.floats(0.05, 0.9))
def test_P2_spin_glass_is_ags_hopfield(alpha, T):
    h = H.solve(alpha, T, branch="spin glass")
    d = D.solve(2, alpha, T, branch="spin glass")
    assume(h.success and d.success)  # the two codes start the branch from different guesses
    _assert_same(d, h)


@pytest.mark.parametrize(("alpha", "T"), [(0.1, 0.3), (0.05, 0.5), (0.13, 1.0)])
def test_P2_spin_glass_fixed_points(alpha, T):
    h = H.solve(alpha, T, branch="spin glass").check()
    _assert_same(D.solve(2, alpha, T, branch="spin glass"), h)


@pytest.mark.parametrize("alpha", [0.0, 0.03, 0.1, 0.13])
@pytest.mark.parametrize("branch", ["retrieval", "spin glass"])
def test_P2_zero_T_is_ags_hopfield(alpha, branch):
    _assert_same(D.solve(2, alpha, 0.0, branch=branch), H.solve(alpha, 0.0, branch=branch))


def test_P2_alpha_c_is_hopfield():
    assert D.alpha_c(2) == H.alpha_c(0.0)
    assert D.alpha_c(2, 0.3) == H.alpha_c(0.3)
    assert D.T_M(2, 0.05) == H.T_M(0.05)


# --------------------------------------------------------------------- low load


def _largest_root_low_load(P: int, beta: float) -> float:
    """Largest root of m = tanh(beta m^{P-1}/(P-1)!) (a scan brackets it, brentq refines)."""
    g = lambda m: math.tanh(beta * m ** (P - 1) / math.factorial(P - 1)) - m  # noqa: E731
    grid = np.linspace(1e-3, 1.0, 2001)
    positive = [m for m in grid if g(m) > 0]
    assert positive, "no retrieval root at this temperature"
    return optimize.brentq(g, positive[-1], 1.0, xtol=1e-15)


@pytest.mark.parametrize("P", [3, 4, 5])
@pytest.mark.parametrize("fraction", [0.2, 0.6, 0.95])
def test_zero_load_self_consistency(P, fraction):
    """alpha = 0: m = tanh(beta m^{P-1}/(P-1)!), f = (P-1) m^P/P! - T ln 2cosh(...)."""
    T = fraction * D.T_M(P, 0.0)
    beta = 1 / T
    m = _largest_root_low_load(P, beta)
    s = D.solve(P, 0.0, T).check()
    assert s["m"] == pytest.approx(m, abs=1e-9)
    assert s["q"] == pytest.approx(m**2, abs=1e-9)
    x = beta * m ** (P - 1) / math.factorial(P - 1)
    f = (P - 1) * m**P / math.factorial(P) - T * np.logaddexp(x, -x)
    assert s.free_energy == pytest.approx(f, abs=1e-10)
    assert s.energy == pytest.approx(-(m**P) / math.factorial(P), abs=1e-10)


@pytest.mark.parametrize("P", [3, 4, 5])
def test_zero_load_T_M_is_the_fold(P):
    """Retrieval at alpha = 0 exists just below T_M(P, 0) and not just above."""
    t_m = D.T_M(P, 0.0)
    assert D.solve(P, 0.0, 0.99 * t_m).success
    above = D.solve(P, 0.0, 1.01 * t_m)
    assert not above.success
    assert above.branch == "paramagnet"
    # the fold: T_M = max_m s(m)/atanh(m)
    ms = np.linspace(0.01, 0.999, 20000)
    fold = np.max(ms ** (P - 1) / math.factorial(P - 1) / np.arctanh(ms))
    assert t_m == pytest.approx(fold, rel=1e-6)


@pytest.mark.parametrize("P", [2, 3, 4, 5, 6])
def test_zero_load_zero_T(P):
    """alpha = T = 0: m = 1 and f = (P-1)/P! - 1/(P-1)! = -1/P!."""
    s = D.solve(P, 0.0, 0.0).check()
    assert s["m"] == 1.0
    assert s.free_energy == pytest.approx(-1 / math.factorial(P), abs=1e-15)


# --------------------------------------------------------------- zero temperature


@pytest.mark.parametrize(("P", "fraction"), [(3, 0.3), (3, 0.9), (4, 0.5), (4, 0.95), (5, 0.5)])
def test_zero_T_retrieval_solves_erf_equation(P, fraction):
    """T = 0: q = 1, m = erf(m^{P-1} / sqrt(2 alpha (P-1)!)), e = (P-1)m^P/P! - E|h|."""
    alpha = fraction * D.alpha_c(P).value
    s = D.solve(P, alpha, 0.0).check()
    m = s["m"]
    assert s["q"] == 1.0
    assert m == pytest.approx(
        float(erf(m ** (P - 1) / math.sqrt(2 * alpha * math.factorial(P - 1)))), abs=1e-12
    )
    # the largest root: no root of the erf equation between m and 1
    ms = np.linspace(m + 1e-6, 1.0, 2000)
    gap = erf(ms ** (P - 1) / math.sqrt(2 * alpha * math.factorial(P - 1))) - ms
    assert np.all(gap < 0)
    signal = m ** (P - 1) / math.factorial(P - 1)
    e = (P - 1) * m**P / math.factorial(P) - gaussian_average(
        np.abs, signal, math.sqrt(alpha / math.factorial(P - 1))
    )
    assert s.free_energy == pytest.approx(float(e), abs=1e-12)


LOW_TS = np.array([2e-3, 3e-3, 4e-3, 5e-3, 6e-3])


@pytest.mark.parametrize(
    ("P", "fraction"), [(3, 0.5), (3, 0.9), (4, 0.5), (4, 0.9), (5, 0.5), (5, 0.9)]
)
def test_finite_T_converges_to_zero_T(P, fraction):
    """T = 2e-3..6e-3 extrapolates to T = 0; for large P the noise std
    sqrt(alpha/(P-1)!) sets the temperature scale, so the window shrinks with it."""
    alpha = fraction * D.alpha_c(P).value
    Ts = LOW_TS * min(1.0, math.sqrt(alpha / math.factorial(P - 1)) / 0.18)
    low = [D.solve(P, alpha, T).check() for T in Ts]
    zero = D.solve(P, alpha, 0.0).check()
    fit = lambda values: float(np.polyval(np.polyfit(Ts, values, 2), 0.0))  # noqa: E731
    assert fit([s["m"] for s in low]) == pytest.approx(zero["m"], abs=1e-5)
    assert fit([s["q"] for s in low]) == pytest.approx(1.0, abs=1e-5)
    assert fit([s.free_energy for s in low]) == pytest.approx(zero.free_energy, abs=1e-6)
    assert fit([s.energy for s in low]) == pytest.approx(zero.energy, abs=1e-5)


# --------------------------------------------------------- self-consistency, P >= 3


def _xi(P, alpha, q, k=0):
    """k-th derivative of xi(q) = alpha q^P / P!."""
    return alpha * math.perm(P, k) * q ** (P - k) / math.factorial(P)


def _check_dense_equations(s, P, alpha, T) -> None:
    beta = 1 / T
    m, q = s["m"], s["q"]
    signal = m ** (P - 1) / math.factorial(P - 1)
    std = math.sqrt(alpha * q ** (P - 1) / math.factorial(P - 1))
    assert std == pytest.approx(math.sqrt(_xi(P, alpha, q, 1)), rel=1e-12, abs=1e-300)

    def avg(g):
        return float(gaussian_average(g, signal, std, beta))

    assert abs(avg(lambda h: np.tanh(beta * h)) - m) < 1e-8
    assert abs(avg(lambda h: np.tanh(beta * h) ** 2) - q) < 1e-8
    lncosh = avg(lambda h: np.logaddexp(beta * h, -beta * h))
    noise = _xi(P, alpha, 1.0) - _xi(P, alpha, q) - (1 - q) * _xi(P, alpha, q, 1)
    f = (P - 1) * m**P / math.factorial(P) - beta / 2 * noise - lncosh / beta
    assert s.free_energy == pytest.approx(f, abs=1e-10)
    sech4 = avg(lambda h: (1 - np.tanh(beta * h) ** 2) ** 2)
    assert s.stability == pytest.approx(1 - beta**2 * _xi(P, alpha, q, 2) * sech4, abs=1e-9)


def _beta_f(P, alpha, T):
    s = D.solve(P, alpha, T)
    return s.free_energy / T if s.success else math.nan


@settings(max_examples=20)
@given(
    P=st.sampled_from([3, 4, 5]),
    a_frac=st.floats(0.0, 0.9),
    t_frac=st.floats(0.0, 1.0),
)
def test_dense_solutions_satisfy_their_equations(P, a_frac, t_frac):
    """Gardner 1987 / Albanese et al. 2022 RS equations, and u = d(beta f)/d beta."""
    alpha = a_frac * D.alpha_c(P).value
    T_hi = 0.9 * D.T_M(P, alpha)
    assume(T_hi > 0.01)
    T = 0.01 + t_frac * (T_hi - 0.01)
    s = D.solve(P, alpha, T)
    assert s.success, str(s)
    assert s.branch == "retrieval"
    _check_dense_equations(s, P, alpha, T)
    dT = 1e-4 * T
    bf_minus, bf_plus = _beta_f(P, alpha, T + dT), _beta_f(P, alpha, T - dT)
    derivative = (bf_plus - bf_minus) / (1 / (T - dT) - 1 / (T + dT))
    assert s.energy == pytest.approx(derivative, abs=1e-5)


@pytest.mark.parametrize(("P", "T"), [(3, 0.01), (3, 0.04), (4, 0.005), (4, 0.01)])
def test_dense_spin_glass_satisfies_its_equations(P, T):
    alpha = 0.5 * D.alpha_c(P).value
    s = D.solve(P, alpha, T, branch="spin glass").check()
    assert s.branch == "spin glass"
    assert s["m"] == pytest.approx(0.0, abs=1e-6)
    _check_dense_equations(s, P, alpha, T)


@pytest.mark.parametrize("P", [3, 4, 5, 6])
@pytest.mark.parametrize("T", [0.05, 0.3, 1.0, 3.0])
def test_paramagnet_free_energy(P, T):
    """m = q = 0: f = -beta alpha / (2 P!) - T ln 2, u = -beta alpha / P! (exactly)."""
    alpha = 0.05
    s = D.solve(P, alpha, T, branch="paramagnet").check()
    assert s["m"] == 0.0
    assert s["q"] == 0.0
    beta = 1 / T
    assert s.free_energy == pytest.approx(
        -beta * alpha / (2 * math.factorial(P)) - T * math.log(2), abs=1e-14
    )
    assert s.energy == pytest.approx(-beta * alpha / math.factorial(P), abs=1e-14)
    # its entropy ln 2 - alpha/(2 P! T^2) vanishes at T_entropy
    assert s.entropy == pytest.approx(math.log(2) - alpha / (2 * math.factorial(P) * T**2))
    Te = D.T_entropy(P, alpha)
    pm = D.solve(P, alpha, Te, branch="paramagnet").check()
    assert pm.entropy == pytest.approx(0.0, abs=1e-12)


# ------------------------------------------------------------------ storage capacity


def test_alpha_c_decreases_with_P():
    values = [D.alpha_c(P).value for P in (2, 3, 4, 5, 6)]
    assert all(a > b > 0 for a, b in itertools.pairwise(values))
    # docstring values
    assert round(values[1], 4) == 0.1261
    assert round(values[2], 5) == 0.03298


@pytest.mark.parametrize("P", [3, 4, 5])
def test_alpha_c_continuous_as_T_to_0(P):
    a0 = D.alpha_c(P, 0.0).value
    for T in (1e-3, 1e-4):
        assert abs(D.alpha_c(P, T).value - a0) < 1.0 * T  # Lipschitz at T = 0
    assert abs(D.alpha_c(P, 1e-5).value - a0) < 1e-5


@pytest.mark.parametrize(
    "P",
    [
        3,
        4,
        5,
    ],
)
def test_zero_T_retrieval_exists_exactly_below_alpha_c(P):
    ac = D.alpha_c(P).value
    above = D.solve(P, 1.01 * ac, 0.0)
    assert not above.success
    assert above.status == 5
    assert "alpha" in above.message
    below = D.solve(P, 0.99 * ac, 0.0)
    assert below.success
    assert below["m"] == pytest.approx(D.alpha_c(P).m, abs=0.05)


@pytest.mark.parametrize("P", [3, 4])
def test_finite_T_retrieval_exists_exactly_below_alpha_c_T(P):
    T = 0.3 * D.T_M(P, 0.0)
    ac = D.alpha_c(P, T).value
    assert D.solve(P, 0.999 * ac, T).success
    assert not D.solve(P, 1.01 * ac, T).success


def test_T_M_covers_reentrant_retrieval():
    assert D.solve(3, 0.13, 0.05).check().branch == "retrieval"
    TM = D.T_M(3, 0.13)
    assert TM > 0.05
    assert D.alpha_c(3, TM).value == pytest.approx(0.13, abs=1e-8)


@pytest.mark.parametrize("P", [3, 4])
def test_T_M_inverts_alpha_c(P):
    alpha = 0.5 * D.alpha_c(P).value
    TM = D.T_M(P, alpha)
    assert D.alpha_c(P, TM).value == pytest.approx(alpha, abs=1e-8)
    assert D.solve(P, alpha, 0.99 * TM).success
    assert not D.solve(P, alpha, 1.01 * TM).success


@pytest.mark.parametrize(("P", "fraction"), [(3, 0.5), (4, 0.8)])
def test_T_c_is_the_retrieval_paramagnet_crossing(P, fraction):
    """Above the paramagnet's zero-entropy line, retrieval wins below T_c (RS)."""
    alpha = fraction * D.alpha_c(P).value
    Tc = D.T_c(P, alpha)
    assert D.T_entropy(P, alpha) < Tc < D.T_M(P, alpha)
    gap = lambda T: (  # noqa: E731
        D.solve(P, alpha, T).check().free_energy
        - D.solve(P, alpha, T, branch="paramagnet").check().free_energy
    )
    assert gap(Tc) == pytest.approx(0.0, abs=1e-9)
    assert gap(0.98 * Tc) < 0 < gap(1.02 * Tc)


def test_T_entropy_closed_form():
    assert D.T_entropy(3, 0.06) == pytest.approx(math.sqrt(0.06 / (12 * math.log(2))))
    with pytest.raises(ValueError, match="P=2 must be >= 3"):
        D.T_entropy(2, 0.06)


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize("P", [1, 0, -3])
def test_P_below_two(P):
    with pytest.raises(ValueError, match=rf"P={P} must be >= 2"):
        D.solve(P, 0.01, 0.1)
    with pytest.raises(ValueError, match=rf"P={P} must be >= 2"):
        D.alpha_c(P)


def test_P_not_an_integer():
    with pytest.raises(TypeError, match=r"P=3.0 must be an integer"):
        D.solve(3.0, 0.01, 0.1)


def test_negative_alpha():
    with pytest.raises(ValueError, match=r"alpha=-0.01 must be >= 0"):
        D.solve(3, -0.01, 0.1)


def test_negative_T():
    with pytest.raises(ValueError, match=r"T=-0.1 "):
        D.solve(3, 0.01, -0.1)


def test_unknown_branch():
    with pytest.raises(ValueError, match=r"branch='mixture'"):
        D.solve(3, 0.01, 0.1, branch="mixture")


def test_hermite_cumulants_closed_forms():
    """kappa_2(He_P) = P!, kappa_3 = P!^3 / ((P/2)!)^3 for even P and 0 for odd P."""
    from hebbian.theory.dense_finite_n import hermite_cumulant

    for P in (3, 4, 5, 6):
        assert hermite_cumulant(P, 2) == pytest.approx(math.factorial(P))
        odd = 0.0 if P % 2 else math.factorial(P) ** 3 / math.factorial(P // 2) ** 3
        assert hermite_cumulant(P, 3) == pytest.approx(odd, abs=1e-6 * math.factorial(P) ** 3)
    assert hermite_cumulant(3, 4) == pytest.approx(3240)  # E He_3^4 = 3348 less 3 * 36


@pytest.mark.parametrize(("P", "N"), [(3, 4000), (4, 4000)])
def test_leading_skewness_term_is_the_large_n_limit_of_the_exact_annealed_energy(P, N):
    """u = -beta xi(1) (1 + 5 beta^2 / 2N) for P = 3, (1 + 3 beta / 2N) for P = 4: the exact
    finite-N annealed energy agrees to O(1/N^2)."""
    from hebbian.theory.dense_finite_n import annealed_energy, paramagnet_energy

    alpha, T = 0.4, 0.8
    gauss = paramagnet_energy(P, alpha, T)
    lead = paramagnet_energy(P, alpha, T, N) / gauss - 1
    exact = annealed_energy(P, alpha, T, N) / gauss - 1
    assert lead == pytest.approx((2.5 / T**2 if P == 3 else 1.5 / T) / N, rel=1e-12)
    assert exact == pytest.approx(lead, abs=30 / N**2)
    assert paramagnet_energy(5, alpha, T, 100) == paramagnet_energy(5, alpha, T)
