"""Replica symmetry breaking in the SK model: the Parisi functional, k-RSB and full RSB.

References: Parisi, J. Phys. A 13, 1101 (1980) (k-RSB energies, 1RSB
e0 = -0.7652); Crisanti & Rizzo, PRE 65, 046137 (2002) (full RSB
e0 = -0.76317); Guerra, CMP 233, 1 (2003) and Talagrand, Ann. Math. 163,
221 (2006) (the Parisi formula is a supremum: each added step raises f).
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hebbian.theory import sk
from hebbian.theory.parisi import Grid, parisi_functional
from hebbian.theory.quadrature import field_quadrature, log2cosh

GRID = Grid(L=8.0, dy=0.02)
#: The final average's seam in ``v0 = xi'(q0)``: five nodes with the Gaussian's first four
#: moments below, the grid sum above; f jumps there by ~4e-11 (SK, T = 0, mu = 1), which
#: finite differences with eps = 1e-6 still see.
SEAM = GRID.dy**2


def near_seam(v0: float) -> bool:
    """Whether finite differences in ``q0`` could cross :data:`SEAM`."""
    return abs(v0 - SEAM) < 1e-4


def nested_1rsb(q0, q1, mu, beta, h=0.0):
    """The 1RSB functional by nested kink-aware quadrature, no grid (the reference).

    The outer average uses the graded panels too: G_0 is smooth but |y|-like,
    with its corner rounded over sqrt(q1 - q0), where Gauss-Hermite converges slowly.
    """
    ys, w = field_quadrature(h, math.sqrt(q0), math.inf)
    inner = []
    for y in ys:
        hh, ww = field_quadrature(y, math.sqrt(q1 - q0), beta)
        g = np.abs(hh) if math.isinf(beta) else log2cosh(beta * hh) / beta
        top = (mu * g).max()
        inner.append((top + math.log(ww @ np.exp(mu * g - top))) / mu)
    first = 0.0 if math.isinf(beta) else -0.25 * beta * (1 - q1) ** 2
    return first + 0.25 * mu * (q1**2 - q0**2) - w @ np.array(inner)


# ------------------------------------------------------------- the functional


@pytest.mark.parametrize(("T", "h"), [(0.0, 0.0), (0.0, 0.7), (0.5, 0.0), (0.8, 0.3), (1.5, 0.0)])
def test_zero_steps_is_the_rs_free_energy(T, h):
    rs = sk.solve(T, h)
    beta = math.inf if T == 0 else 1 / T
    v = parisi_functional([rs["q"]], [], beta, h)
    assert v.f == pytest.approx(rs.free_energy, abs=1e-12)
    assert v.energy == pytest.approx(rs.energy, abs=1e-10)
    assert v.m == pytest.approx(rs["m"], abs=1e-10)
    if T > 0:
        assert v.grad_q[0] == pytest.approx(0.0, abs=1e-9)  # stationary in q


@pytest.mark.parametrize(
    ("q0", "q1", "mu", "T", "h"),
    [(0.4, 1.0, 1.2, 0.0, 0.0), (0.3, 0.8, 1.0, 0.5, 0.0), (0.0, 0.9, 0.5, 0.5, 0.0),
     (0.2, 1.0, 2.0, 0.0, 0.5), (0.5, 0.7, 3.0, 0.3, 0.2)],
)  # fmt: skip
def test_grid_functional_equals_nested_quadrature(q0, q1, mu, T, h):
    beta = math.inf if T == 0 else 1 / T
    v = parisi_functional([q0, q1], [mu], beta, h, GRID)
    assert v.f == pytest.approx(nested_1rsb(q0, q1, mu, beta, h), abs=1e-11)


params = st.integers(1, 3).flatmap(
    lambda k: st.tuples(
        st.lists(st.floats(0.02, 0.98), min_size=k + 1, max_size=k + 1).map(sorted),
        st.lists(st.floats(0.1, 3.0), min_size=k, max_size=k).map(sorted),
        st.sampled_from([math.inf, 2.0, 5.0]),
        st.floats(-0.5, 0.5),
    )
)


@pytest.mark.parametrize(("beta", "h"), [(math.inf, 0.0), (2.0, 0.3)])
def test_the_final_average_has_no_visible_seam(beta, h):
    """f, m and the gradient are continuous in v0 to the grid's accuracy where the final
    average changes method (a three-point Taylor rule at v0 = 9 dy^2 jumped by 6e-6 in f
    and 1.6e-3 in m)."""
    q1 = 1.0 if math.isinf(beta) else 0.8
    below, above = (
        parisi_functional(np.array([SEAM + d, q1]), np.array([1.0]), beta, h, GRID)
        for d in (-1e-12, 1e-12)
    )
    assert above.f == pytest.approx(below.f, abs=1e-9)
    assert above.m == pytest.approx(below.m, abs=1e-6)
    assert above.grad_q == pytest.approx(below.grad_q, abs=1e-4)


@given(params)
def test_gradient_equals_finite_differences(p):
    q, mu, beta, h = (np.array(p[0]), np.array(p[1]), p[2], p[3])
    if math.isinf(beta):
        q[-1] = 1.0
        mu = mu * 1.0
    else:
        mu = np.minimum(mu, beta)
    if np.min(np.diff(q)) < 0.01 or near_seam(q[0]):  # a level narrower than the grid: Taylor
        return
    v = parisi_functional(q, mu, beta, h, GRID)
    eps = 1e-6
    for j in range(q.size - (1 if math.isinf(beta) else 0)):
        d = np.zeros_like(q)
        d[j] = eps
        fd = (
            parisi_functional(q + d, mu, beta, h, GRID).f
            - parisi_functional(q - d, mu, beta, h, GRID).f
        ) / (2 * eps)
        assert v.grad_q[j] == pytest.approx(fd, abs=2e-7)
    for j in range(mu.size):
        d = np.zeros_like(mu)
        d[j] = eps
        fd = (
            parisi_functional(q, mu + d, beta, h, GRID).f
            - parisi_functional(q, mu - d, beta, h, GRID).f
        ) / (2 * eps)
        assert v.grad_mu[j] == pytest.approx(fd, abs=2e-7)


@given(params, st.data())
def test_collapsed_steps_reduce_k(p, data):
    """A repeated overlap, or two equal breakpoints, is one step fewer (the same functional)."""
    q, mu, beta, h = (np.array(p[0]), np.array(p[1]), p[2], p[3])
    if math.isinf(beta):
        q[-1] = 1.0
    else:
        mu = np.minimum(mu, beta)
    k = mu.size
    j = data.draw(st.integers(1, k), label="level")
    # q_j = q_{j-1}: level j is empty; drop q_j and mu_j
    q_rep = q.copy()
    q_rep[j] = q_rep[j - 1]
    if math.isinf(beta) and j == k:
        return  # q_k = 1 is fixed at T = 0
    with_empty = parisi_functional(q_rep, mu, beta, h, GRID).f
    without = parisi_functional(np.delete(q_rep, j), np.delete(mu, j - 1), beta, h, GRID).f
    assert with_empty == pytest.approx(without, abs=1e-10)
    if j < k:  # mu_j = mu_{j+1}: levels j and j+1 merge; drop q_j and one mu
        mu_eq = mu.copy()
        mu_eq[j] = mu_eq[j - 1]
        merged = parisi_functional(q, mu_eq, beta, h, GRID).f
        fewer = parisi_functional(np.delete(q, j), np.delete(mu_eq, j), beta, h, GRID).f
        assert merged == pytest.approx(fewer, abs=2e-9)


@given(st.floats(0.0, 0.95), st.floats(0.01, 0.99), st.floats(0.3, 3.0), st.floats(-0.5, 0.5))
def test_one_rsb_at_x_equal_one_is_rs(q0, dq, T, h):
    """x = 1 (mu = beta): the 1RSB functional equals the RS one at q = q0, for any q1."""
    q1 = q0 + dq * (1 - q0)
    one = parisi_functional([q0, q1], [1 / T], 1 / T, h, GRID).f
    rs = parisi_functional([q0], [], 1 / T, h, GRID).f
    assert one == pytest.approx(rs, abs=1e-10)


# ------------------------------------------------------------------- solutions


def test_ground_state_energies_parisi_1980_crisanti_rizzo_2002():
    e = {k: sk.solve_rsb(0.0, k=k) for k in (0, 1, 2, 3)}
    full = sk.solve_full_rsb(0.0, n_levels=10)
    assert all(s.success for s in (*e.values(), full))
    assert e[0].free_energy == pytest.approx(-math.sqrt(2 / math.pi), abs=1e-12)
    assert round(e[1].free_energy, 3) == -0.765  # Parisi 1980
    assert round(full.free_energy, 4) == -0.7632  # Crisanti, Rizzo 2002: -0.76317
    # Parisi's variational principle: each step raises the energy toward full RSB
    values = [e[k].free_energy for k in (0, 1, 2, 3)] + [full.free_energy]
    assert all(a < b for a, b in itertools.pairwise(values))
    assert e[1]["q0"] == pytest.approx(0.4768, abs=1e-4)
    assert e[1]["mu1"] == pytest.approx(1.3608, abs=1e-4)


@pytest.mark.slow
def test_full_rsb_ground_state_to_five_digits():
    full = sk.solve_full_rsb(0.0, n_levels=20)
    assert full.success
    assert full.free_energy == pytest.approx(-0.76317, abs=1e-5)  # Crisanti, Rizzo 2002


def test_finite_temperature_steps_raise_f_and_T_c_is_one():
    f = [sk.solve_rsb(0.5, k=k).free_energy for k in (0, 1, 2)]
    f.append(sk.solve_full_rsb(0.5, n_levels=10).free_energy)
    assert all(a < b for a, b in itertools.pairwise(f))
    for T in (1.1, 1.3):  # paramagnet: every step collapses, f = -T ln 2 - 1/(4T)
        s = sk.solve_rsb(T, k=1)
        assert s.success
        assert s.branch == "paramagnet"
        assert s.free_energy == pytest.approx(-T * math.log(2) - 1 / (4 * T), abs=1e-9)
    below = sk.solve_rsb(0.9, k=1)
    assert below.success
    assert below.branch == "1-RSB"
    assert below.free_energy > sk.solve(0.9).free_energy


def test_solutions_are_stationary_and_say_when_not():
    s = sk.solve_rsb(0.3, h=0.2, k=2)
    assert s.success
    assert s.residual <= 1e-7
    stopped = sk.solve_rsb(0.3, h=0.2, k=2, max_iter=2)
    assert not stopped.success
    assert "projected gradient" in stopped.message
    assert stopped.residual > 1e-7


def test_q_of_x_is_the_parisi_step_function():
    s = sk.solve_rsb(0.5, k=2)
    q, x = s.q_levels, s.x_levels
    assert s.q_of_x(0.0) == q[0]
    assert s.q_of_x((x[0] + x[1]) / 2) == q[1]
    assert s.q_of_x(1.0) == q[2]
    assert np.all(np.diff(q) >= 0)
    assert np.all(np.diff(x) >= 0)
    assert 0 < x[0] < x[1] < 1


def test_energy_from_q_of_x_matches_the_temperature_derivative():
    """u = -(beta/2)(1 - int q(x)^2 dx) equals d(beta f)/d(beta) along the solutions."""
    T, dT = 0.5, 1e-3
    s = sk.solve_rsb(T, k=1)
    bf = [sk.solve_rsb(t, k=1).free_energy / t for t in (T - dT, T + dT)]
    du = (bf[1] - bf[0]) / (1 / (T + dT) - 1 / (T - dT))
    assert s.energy == pytest.approx(du, abs=1e-6)


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="k=-1"):
        sk.solve_rsb(0.5, k=-1)
    with pytest.raises(ValueError, match="n_levels=0"):
        sk.solve_full_rsb(0.5, n_levels=0)
    with pytest.raises(ValueError, match="T=-1"):
        sk.solve_rsb(-1.0)


@pytest.mark.parametrize("h", [0.3, 0.5])
def test_replica_symmetry_breaks_below_the_at_line(h):
    """de Almeida & Thouless 1978: in a field, 1RSB collapses to RS above T_AT(h), not below."""
    T_at = sk.T_AT(h)
    above, below = sk.solve_rsb(T_at + 0.05, h, k=1), sk.solve_rsb(T_at - 0.1, h, k=1)
    assert above.success
    assert below.success
    assert above.branch == "RS"
    assert above.free_energy == pytest.approx(sk.solve(T_at + 0.05, h).free_energy, abs=1e-10)
    assert below.branch == "1-RSB"
    assert below.free_energy > sk.solve(T_at - 0.1, h).free_energy + 1e-6
    assert below["m"] > 0.2  # magnetized by the field


# ------------------------------------------------------- dense P-spin glass


def test_general_covariance_reduces_to_the_dense_rs_free_energy():
    """k = 0 with xi = alpha q^P / P! is the RS free energy of theory.dense (P >= 3)."""
    from hebbian.theory import dense

    for P, alpha, T in ((3, 0.05, 0.3), (4, 0.02, 0.2), (3, 3.0, 0.8)):
        s = dense.solve(P, alpha, T, branch="spin glass" if T < 0.5 else "paramagnet")
        v = parisi_functional([s["q"]], [], 1 / T, 0.0, GRID, dense.noise(P, alpha))
        assert v.f == pytest.approx(s.free_energy, abs=1e-10)
        assert v.energy == pytest.approx(s.energy, abs=1e-10)


@given(params)
def test_gradient_with_a_p_spin_covariance_equals_finite_differences(p):
    from hebbian.theory import dense

    q, mu, beta, h = (np.array(p[0]), np.array(p[1]), p[2], p[3])
    if math.isinf(beta):
        q[-1] = 1.0
    else:
        mu = np.minimum(mu, beta)
    xi = dense.noise(3, 2.0)
    if np.min(np.diff(xi(q, 1))) < 0.01 or near_seam(xi(q, 1)[0]):
        return
    v = parisi_functional(q, mu, beta, h, GRID, xi)
    eps = 1e-6
    for j in range(q.size - (1 if math.isinf(beta) else 0)):
        d = np.zeros_like(q)
        d[j] = eps
        up = parisi_functional(q + d, mu, beta, h, GRID, xi).f
        down = parisi_functional(q - d, mu, beta, h, GRID, xi).f
        assert v.grad_q[j] == pytest.approx((up - down) / (2 * eps), abs=2e-7)


def test_dense_glass_transition_is_gardners_p_spin_transition():
    """P = 3, alpha = 3 is the Ising 3-spin glass: one RSB step appears at Gardner T_s = 0.651."""
    from hebbian.theory import dense, dense_rsb

    above = dense_rsb.solve_rsb(3, 3.0, 0.7)
    assert above.success
    assert above.branch == "paramagnet"
    a, b = dense_rsb.solve_rsb(3, 3.0, 0.62), dense_rsb.solve_rsb(3, 3.0, 0.64)
    assert a.branch == b.branch == "1-RSB"
    assert a["q1"] > 0.8  # discontinuous: a finite overlap appears at once
    # x -> 1 linearly at T_s
    T_s = 0.64 + (1 - b["x1"]) * (0.64 - 0.62) / (b["x1"] - a["x1"])
    assert T_s == pytest.approx(0.651, abs=2e-3)
    assert b.free_energy > dense.solve(3, 3.0, 0.64, branch="paramagnet").free_energy
