"""RSB of the Hopfield retrieval state (Crisanti, Amit, Gutfreund 1986; Steffan & Kuehn 1994)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.special import log_ndtr, logsumexp

from hebbian.theory import hopfield
from hebbian.theory import hopfield_rsb as H1
from hebbian.theory.parisi import Grid


def test_rs_limit_of_the_1rsb_free_energy():
    """mu -> 0 with q0 -> 1 is the AGS replica-symmetric ground state."""
    for alpha in (0.05, 0.1, 0.13):
        rs = hopfield.solve(alpha, 0.0)
        f = H1.free_energy_1rsb(alpha, rs["m"], 1 - 1e-9, rs["C"], 1e-6)
        # the collapsed inner level leaves |y| with its kink on the field grid: O(dy^2)
        assert f == pytest.approx(rs.free_energy, abs=5e-6)


def test_rs_limit_at_finite_temperature():
    """q0 -> q1 = 1 - C T: the AGS free energy (eq. 4.4) at T > 0, for any x."""
    for alpha, T in ((0.05, 0.3), (0.137, 0.03)):
        rs = hopfield.solve(alpha, T)
        q1 = 1 - rs["C"] * T
        for x in (0.2, 0.9):
            f = H1.free_energy_1rsb(alpha, rs["m"], q1 - 1e-10, rs["C"], x / T, T=T)
            assert f == pytest.approx(rs.free_energy, abs=1e-9)


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


def test_far_from_the_fold_the_step_is_tiny():
    """alpha = 0.12 (the branch's stored start, found by continuation from the fold): one step
    raises the RS ground-state energy by 2e-8 and the overlap by 5e-6 (Steffan & Kuehn: RSB
    matters only near alpha_c); a load between stored points converges from the nearest."""
    s = H1.solve_1rsb(0.12)
    rs = hopfield.solve(0.12, 0.0)
    assert s.success
    assert s.free_energy == pytest.approx(-0.5005272208364081, abs=1e-12)
    assert 0 < s.free_energy - rs.free_energy < 1e-7
    assert 0 < s["m"] - rs["m"] < 1e-4
    between = H1.solve_1rsb(0.1275)
    assert between.success
    rs = hopfield.solve(0.1275, 0.0)
    assert 0 < between.free_energy - rs.free_energy < 1e-6


def _opened(alpha: float, T: float, gap: float = 1e-3):
    """A start with a step of width ``gap`` opened around the RS overlap, ``x = 1/2``."""
    rs = hopfield.solve(alpha, T)
    q = rs["q"]
    return rs, (rs["m"], q - gap / 2, (1 - q - gap / 2) / T, 0.5 / T)


def test_the_step_collapses_to_rs_above_the_at_line():
    """From the same opened step: below T_AT (0.0180 at alpha = 0.137) a genuine step with
    0 < x < 1 and a higher free energy than RS; above it the step closes onto RS."""
    alpha = 0.137
    T_AT = hopfield.T_AT(alpha)
    assert 0.015 < T_AT < 0.02
    rs, start = _opened(alpha, 0.01)
    below = H1.solve_1rsb(alpha, 0.01, guess=start)
    assert below.success
    assert below["q1"] - below["q0"] > 1e-3
    assert 0 < below["x"] < 1
    assert below.free_energy - rs.free_energy > 1e-7
    rs, start = _opened(alpha, 0.03)
    above = H1.solve_1rsb(alpha, 0.03, guess=start)
    assert above.status == 4
    assert abs(above["q1"] - above["q0"]) < 1e-6
    assert above.free_energy == pytest.approx(rs.free_energy, abs=1e-8)
    assert above["m"] == pytest.approx(rs["m"], abs=1e-6)


def _gradient(f, u, steps):
    """Central differences of ``f`` at ``u``."""
    out = []
    for i, h in enumerate(steps):
        e = np.zeros(len(u))
        e[i] = h
        out.append((f(u + e) - f(u - e)) / (2 * h))
    return np.array(out)


def test_the_one_step_state_at_finite_T_is_stationary():
    """The equations solved are those of the free energy: with the conjugates eliminated, its
    gradient in (m, q0, C, mu) vanishes at the solution (and not 1% away from it)."""
    alpha, T = 0.137, 0.01
    _, start = _opened(alpha, T)
    s = H1.solve_1rsb(alpha, T, guess=start)
    u = np.array([s[k] for k in ("m", "q0", "C", "mu")])

    def f(v):
        return H1.free_energy_1rsb(alpha, *v, T=T)

    steps = (1e-4, 1e-6, 1e-5, 1e-3)
    gradient = _gradient(f, u, steps)
    # the m equation uses the grid's estimate of dPhi/dm, which errs by 1e-6 at dy = 0.02
    assert abs(gradient[0]) < 3e-6
    assert np.abs(gradient[1:]).max() < 1e-8
    assert np.abs(_gradient(f, u * (1 + 1e-2 * np.array([0, 0, 1, 1])), steps)).max() > 1e-4


def test_low_temperature_limit_is_the_zero_temperature_state():
    """m, q0, C = beta (1 - q1) and mu = beta x go over linearly to their T = 0 values."""
    zero = H1.solve_1rsb(0.137)
    names = ("m", "q0", "C", "mu")
    u0 = np.array([zero[k] for k in names])
    found = [H1.solve_1rsb(0.137, T, guess=u0) for T in (5e-4, 1e-3)]
    assert all(s.success for s in found)
    half, full = (np.array([s[k] for k in names]) for s in found)
    assert np.allclose(2 * half - full, u0, rtol=2e-3)  # Richardson: O(T^2) left
    assert found[0]["q1"] == pytest.approx(1 - found[0]["C"] * 5e-4, abs=1e-15)
    assert found[0].free_energy == pytest.approx(zero.free_energy, abs=1e-5)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match=r"alpha=-0\.1"):
        H1.solve_1rsb(-0.1)
    with pytest.raises(ValueError, match=r"T=-1"):
        H1.solve_1rsb(0.13, -1.0)
    with pytest.raises(ValueError, match="same length"):
        H1.free_energy_rsb(0.13, 0.0, 0.9, [0.9, 0.95], 0.05, [10.0])


@pytest.mark.long
def test_one_step_retrieval_line_meets_rs_where_the_step_collapses():
    """alpha_c(T) with one step rises from 0.138186 (T = 0) while the step at the fold shrinks,
    and is never below the RS fold; at T = 0.03, above the point (T = 0.0251) where the AT line
    meets the RS spinodal, it is the RS fold."""
    values = [H1.alpha_c_1rsb(T).value for T in (0.0, 0.005, 0.01)]
    assert values[0] < values[1] < values[2]
    for T, v in zip((0.0, 0.005, 0.01), values, strict=True):
        assert v > hopfield.alpha_c(T).value
    assert H1.alpha_c_1rsb(0.03) == hopfield.alpha_c(0.03)


@pytest.mark.parametrize("T", [0.0, 0.01])
def test_two_steps_reduce_to_one_when_the_extra_step_is_removed(T):
    """A second step of zero width (q1 = q0), or with the breakpoint of the one above it
    (mu1 = mu2: the two levels merge), is the one-step free energy."""
    alpha, m, C, mu = 0.137, 0.976, 0.0396 if T == 0 else 0.0988, 52.5 if T == 0 else 32.0
    q0 = 0.998 if T == 0 else 0.9975
    one = H1.free_energy_rsb(alpha, T, m, [q0], C, [mu], H1.FINE)
    two = H1.free_energy_rsb(alpha, T, m, [q0, q0 + 1e-13], C, [10.0, mu])
    assert two == pytest.approx(one, abs=1e-12)
    for low in (0.99, 0.997):
        merged = H1.free_energy_rsb(alpha, T, m, [low, q0], C, [mu, mu])
        one = H1.free_energy_rsb(alpha, T, m, [low], C, [mu], H1.FINE)
        assert merged == pytest.approx(one, abs=1e-10)
    # on the coarse grid of one step the narrow middle level errs
    coarse = H1.free_energy_rsb(alpha, T, m, [0.997, q0], C, [mu, mu], H1.GRID)
    assert abs(coarse - H1.free_energy_1rsb(alpha, m, 0.997, C, mu, T=T)) > 1e-8


def test_two_step_guess_is_checked():
    with pytest.raises(ValueError, match="six finite numbers"):
        H1.solve_2rsb(0.138, guess=(0.97, 0.99, 0.05, 30.0))


@pytest.mark.long
def test_two_step_critical_storage_and_state():
    """Two steps at T = 0 (field grid FINE, where one step gives 0.1381865): the fold is at
    0.1381963, 1.0e-5 above one step; Steffan & Kuehn (1994) report 0.138187, 1e-6 above.
    Below the fold the two-step state is a genuine one (three distinct levels)."""
    c2 = H1.alpha_c_krsb(2)
    assert c2.value == pytest.approx(0.1381963, abs=2e-7)
    assert 0 < c2.value - H1.alpha_c_1rsb().value < 2e-5
    s = H1.solve_2rsb(0.138)
    assert s.success
    assert s["q0"] < s["q1"] - 1e-4 < 1 - 2e-4
    assert 1 < s["mu1"] < s["mu2"]
    u = np.array([s[k] for k in ("m", "q0", "q1", "C", "mu1", "mu2")])

    def f(v):
        return H1.free_energy_rsb(0.138, 0.0, v[0], v[1:3], v[3], v[4:])

    assert np.abs(_gradient(f, u, (1e-4, 1e-6, 1e-6, 1e-5, 1e-3, 1e-3))).max() < 1e-7
    assert H1.solve_2rsb(0.1383).status == 5


def _abs_level(y, s, mu):
    """``(1/mu) ln E exp(mu |y + s z|)`` in closed form (the innermost ``T = 0`` level)."""
    a = mu * y + log_ndtr((y + mu * s * s) / s)
    b = -mu * y + log_ndtr((mu * s * s - y) / s)
    return 0.5 * mu * s * s + np.logaddexp(a, b) / mu


def _spin_term_reference(alpha, m, q, C, mu):
    """``Phi`` at ``T = 0`` for one or two steps, independently of the field grid: the innermost
    level in closed form, the middle one by the trapezoid rule on a grid of a quarter of the
    narrowest width (spectrally accurate for these smooth integrands), the outer one by the
    trapezoid rule in ``z``."""
    q, mu = np.append(q, 1.0), np.asarray(mu, float)
    r = H1._conjugates(q, C, mu)[1]
    s = np.sqrt(np.diff(alpha * r))
    z = np.linspace(-12, 12, 1201)
    w = np.exp(-z * z / 2)
    y = m + math.sqrt(alpha * r[0]) * z
    if mu.size == 1:
        return float(w @ _abs_level(y, s[0], mu[0]) / w.sum())
    h = s.min() / 4
    reach = abs(m) + 12 * math.sqrt(alpha * r[0]) + mu[0] * s[0] ** 2 + 12 * s[0]
    x = np.arange(-reach, reach, h)
    log_w = -0.5 * ((x[None, :] - y[:, None]) / s[0]) ** 2 + mu[0] * _abs_level(x, s[1], mu[1])
    G0 = (logsumexp(log_w, axis=1) + math.log(h / (s[0] * math.sqrt(2 * math.pi)))) / mu[0]
    return float(w @ G0 / w.sum())


def test_free_energy_matches_an_independent_quadrature():
    """At the two-step fold point the grid's free energy (FINE) agrees with the independent
    evaluation to 1e-12 (measured 2e-14); one step on GRID to 2e-9 (measured 9e-10): the
    nested Gaussian integrals of the spin term (the rest of f is closed form) are resolved
    far below the 1e-5 by which two steps move the critical storage."""
    alpha, m, q0, q1, C, mu1, mu2 = H1.FOLD_GUESSES[2]
    for q, mu, grid, tol in (([q0, q1], [mu1, mu2], H1.FINE, 1e-12), ([q0], [mu1], H1.GRID, 2e-9)):
        v = alpha * H1._conjugates(np.append(q, 1.0), C, np.asarray(mu))[1]
        phi = H1._spin_term(v, np.asarray(mu), math.inf, m, grid)[0]
        assert phi == pytest.approx(_spin_term_reference(alpha, m, q, C, mu), abs=tol)


def test_the_fold_at_low_temperature_meets_the_zero_temperature_one():
    """alpha_c(1RSB) at T = 1e-3 lies 1.8e-6 above its T = 0 value: the line rises linearly from
    the T = 0 fold (slope 1.8e-3), with no gap."""
    zero, low = H1.alpha_c_1rsb(0.0), H1.alpha_c_1rsb(1e-3)
    assert 1.2e-6 < low.value - zero.value < 2.4e-6
    assert low.m == pytest.approx(zero.m, abs=1e-4)


@pytest.mark.long
def test_the_low_temperature_limit_of_the_fold_is_linear():
    """Richardson from T = 5e-4 and 1e-3 onto T = 0: the T = 0 fold to 1.5e-7 (measured 6e-8)."""
    values = [H1.alpha_c_1rsb(T).value for T in (0.0, 5e-4, 1e-3)]
    assert 2 * values[1] - values[2] == pytest.approx(values[0], abs=1.5e-7)


@pytest.mark.long
def test_the_one_step_fold_closes_onto_rs_quadratically():
    """Below T* = 0.02507, where the RS retrieval state becomes AT-stable at its own fold, the
    one-step fold lies above the RS one by about 0.4 (T* - T)^2 (2.5e-6 at 0.0225, 9.2e-7 at
    0.0235); above T* it is the RS fold."""
    T_star = 0.02507
    excess = {T: H1.alpha_c_1rsb(T).value - hopfield.alpha_c(T).value for T in (0.0225, 0.0235)}
    for T, e in excess.items():
        assert e == pytest.approx(0.4 * (T_star - T) ** 2, rel=0.25)
    assert H1.alpha_c_1rsb(0.026) == hopfield.alpha_c(0.026)


@pytest.mark.long
def test_the_two_step_fold_is_converged_in_the_field_grid(monkeypatch):
    """Halving the resolution of the field grid (dy = 0.005) moves the two-step fold by less than
    1e-8 (measured below 1e-9); the 1e-5 above one step is not a quadrature error."""
    monkeypatch.setattr(H1, "FINE", Grid(L=4.0, dy=0.005))
    a0, m0, *rest = H1.FOLD_GUESSES[2]
    coarse = H1._fold(math.inf, 2, m0, np.array([a0, *rest]))
    assert coarse[0] == pytest.approx(H1.alpha_c_krsb(2).value, abs=1e-8)


@pytest.mark.long
def test_three_step_critical_storage_continues_the_sk_like_hierarchy():
    """Three steps at T = 0: 0.1381977, 1.4e-6 above two steps; the increments of alpha_c
    (2.8e-4, 9.8e-6, 1.4e-6) shrink by 0.035 and 0.14, as SK's ground-state energies do
    (0.051, 0.18): the hierarchy converges, not stalls after one step."""
    values = [H1.alpha_c_1rsb().value, H1.alpha_c_krsb(2).value, H1.alpha_c_krsb(3).value]
    assert values[2] == pytest.approx(0.1381977, abs=2e-7)
    steps = np.diff([0.1379055, *values])
    assert np.all(steps > 0)
    assert 0.02 < steps[1] / steps[0] < 0.06
    assert 0.08 < steps[2] / steps[1] < 0.25


@pytest.mark.parametrize("k", [1, 4, 2.5, True])
def test_k_step_folds_are_offered_for_two_and_three_steps(k):
    with pytest.raises((ValueError, TypeError), match="k"):
        H1.alpha_c_krsb(k)
