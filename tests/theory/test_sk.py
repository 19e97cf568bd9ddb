"""Replica-symmetric Sherrington-Kirkpatrick model: the classic results.

References
----------
SK 1975: Sherrington & Kirkpatrick, PRL 35, 1792 (1975).
AT 1978: de Almeida & Thouless, J. Phys. A 11, 983 (1978).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import erf

from hebbian.theory import sk as S
from hebbian.theory.quadrature import gaussian_average


def test_ground_state_energy_sk_1975():
    """SK 1975: RS ground-state energy -sqrt(2/pi) = -0.7979 at h = 0."""
    s = S.solve(0.0)
    assert s.success
    assert s["q"] == 1.0
    assert s["m"] == 0.0
    assert abs(s.free_energy + math.sqrt(2 / math.pi)) < 1e-12
    assert s.energy == s.free_energy
    assert math.isnan(s.entropy)


@pytest.mark.parametrize("h", [-0.7, 0.2, 0.5, 2.0])
def test_ground_state_in_a_field(h):
    """T = 0: e = -E|h + z|, m = E sign(h + z) = erf(h / sqrt 2)."""
    s = S.solve(0.0, h)
    e = -(h * erf(h / math.sqrt(2)) + math.sqrt(2 / math.pi) * math.exp(-(h**2) / 2))
    assert s.free_energy == pytest.approx(e, abs=1e-12)
    assert s["m"] == pytest.approx(float(erf(h / math.sqrt(2))), abs=1e-12)


def test_zero_T_entropy_sk_1975():
    """SK 1975: the RS entropy tends to -1/(2 pi) as T -> 0 (the RS failure)."""
    Ts = np.array([0.005, 0.01, 0.015, 0.02])
    entropies = [S.solve(T).check().entropy for T in Ts]
    s0 = float(np.polyval(np.polyfit(Ts, entropies, 2), 0.0))
    assert s0 == pytest.approx(-1 / (2 * math.pi), abs=1e-5)
    energies = [S.solve(T).free_energy for T in Ts]
    assert float(np.polyval(np.polyfit(Ts, energies, 2), 0.0)) == pytest.approx(
        -math.sqrt(2 / math.pi), abs=1e-6
    )


@pytest.mark.parametrize("T", [0.99, 0.999, 0.9999])
def test_q_vanishes_linearly_at_T1_sk_1975(T):
    """SK 1975: q ~ (1 - T) just below T_f = 1 at h = 0."""
    s = S.solve(T).check()
    assert s.branch == "spin glass"
    assert s["q"] / (1 - T) == pytest.approx(1.0, abs=1e-2)


def test_q_decreases_with_T():
    qs = [S.solve(T).check()["q"] for T in (0.1, 0.3, 0.5, 0.7, 0.9)]
    assert all(a > b > 0 for a, b in itertools.pairwise(qs))
    assert S.solve(0.5)["q"] == pytest.approx(0.530368, abs=1e-6)  # docstring value


@pytest.mark.parametrize("T", [1.001, 1.5, 3.0])
def test_paramagnet_above_T1(T):
    """h = 0, T > 1: q = 0, f = -beta/4 - T ln 2, u = -beta/2, replicon 1 - beta^2."""
    s = S.solve(T).check()
    beta = 1 / T
    assert s["q"] == pytest.approx(0.0, abs=1e-14)
    assert s.branch == "paramagnet"
    assert s.free_energy == pytest.approx(-beta / 4 - T * math.log(2), abs=1e-13)
    assert s.energy == pytest.approx(-beta / 2, abs=1e-13)
    assert s.stability == pytest.approx(1 - beta**2, abs=1e-12)


def test_rs_unstable_everywhere_below_T1_at_zero_field_at_1978():
    """AT 1978: at h = 0 the RS spin glass is unstable for every T < 1."""
    for T in (0.05, 0.3, 0.7, 0.99):
        assert S.solve(T).check().stability < 0
    assert S.T_AT(0.0) == 1.0


def test_at_line_near_zero_field_at_1978():
    """AT 1978 eq. 27: h^2 ~ (4/3)(1 - T_AT)^3 as h -> 0, corrections O(h^{2/3})."""
    ratio = {h: h**2 / (4 / 3 * (1 - S.T_AT(h)) ** 3) for h in (0.03, 0.01, 0.003)}
    assert ratio[0.01] == pytest.approx(1.0, rel=0.05)
    assert ratio[0.003] == pytest.approx(1.0, rel=0.025)
    # the deviation shrinks like h^{2/3}
    shrink = (ratio[0.003] - 1) / (ratio[0.01] - 1)
    assert shrink == pytest.approx(0.3 ** (2 / 3), rel=0.1)


def test_replicon_changes_sign_across_at_line_at_1978():
    h = 0.3
    T_at = S.T_AT(h)
    assert 0 < T_at < 1
    assert S.solve(T_at, h).stability == pytest.approx(0.0, abs=1e-9)
    assert S.solve(0.95 * T_at, h).check().stability < 0  # below: RS unstable
    assert S.solve(1.05 * T_at, h).check().stability > 0  # above: RS stable
    assert S.solve(2.0, h).check().stability > 0


def test_at_line_at_large_field():
    """The replicon at h = 4 changes sign between T = 1e-4 and 1e-3."""
    assert S.solve(1e-4, 4.0).stability < 0 < S.solve(1e-3, 4.0).stability
    T_at = S.T_AT(4.0)
    assert 1e-4 < T_at < 1e-3
    assert S.solve(T_at, 4.0).stability == pytest.approx(0.0, abs=1e-8)


def test_field_symmetry():
    plus, minus = S.solve(0.4, 0.5), S.solve(0.4, -0.5)
    assert plus["q"] == pytest.approx(minus["q"], abs=1e-13)
    assert plus["m"] == pytest.approx(-minus["m"], abs=1e-13)
    assert plus.free_energy == pytest.approx(minus.free_energy, abs=1e-13)


def _beta_f(T, h):
    return S.solve(T, h).check().free_energy / T


@settings(max_examples=30)
@given(T=st.floats(0.05, 2.0), h=st.floats(0.0, 1.0))
def test_solution_satisfies_sk_equations(T, h):
    """q = E tanh^2(beta(h + sqrt q z)), f and the replicon, and u = d(beta f)/d beta."""
    s = S.solve(T, h)
    assert s.success
    assert s.residual <= 1e-12
    beta, q = 1 / T, s["q"]

    def avg(g):
        return float(gaussian_average(g, h, math.sqrt(q), beta))

    assert abs(avg(lambda x: np.tanh(beta * x) ** 2) - q) < 1e-10
    assert abs(avg(lambda x: np.tanh(beta * x)) - s["m"]) < 1e-10
    lncosh = avg(lambda x: np.logaddexp(beta * x, -beta * x))
    assert s.free_energy == pytest.approx(-beta / 4 * (1 - q) ** 2 - lncosh / beta, abs=1e-11)
    sech4 = avg(lambda x: (1 - np.tanh(beta * x) ** 2) ** 2)
    assert s.stability == pytest.approx(1 - beta**2 * sech4, abs=1e-10)
    assert s.energy == pytest.approx(-beta / 2 * (1 - q**2) - h * s["m"], abs=1e-12)
    dT = 1e-4 * T
    derivative = (_beta_f(T - dT, h) - _beta_f(T + dT, h)) / (1 / (T - dT) - 1 / (T + dT))
    assert s.energy == pytest.approx(derivative, abs=1e-5)


def test_negative_T():
    with pytest.raises(ValueError, match=r"T=-1 "):
        S.solve(-1)


def test_nan_field():
    with pytest.raises(ValueError, match=r"h=nan"):
        S.solve(0.5, math.nan)
    with pytest.raises(ValueError, match=r"h=nan"):
        S.T_AT(math.nan)
