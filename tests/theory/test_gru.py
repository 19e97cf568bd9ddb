"""Mean-field theory of the random GRU's fixed points (hebbian.theory.gru) against limits,
closed forms and finite-N networks."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, special
from scipy.special import expit
from threadpoolctl import threadpool_limits

from hebbian.rnn import GRUCell, find_fixed_points, spectral_support
from hebbian.theory import gru

#: a_r = 0 and b_r = 40: the reset gate is 1 to double precision, the tanh network h = tanh(g U h)
TANH = {"a_r": 0.0, "b_r": 40.0}


def _tanh2(Delta):
    """``<tanh^2 x>``, ``x ~ N(0, Delta)``, by adaptive quadrature (independent of the module)."""
    f = lambda t: np.tanh(math.sqrt(Delta) * t) ** 2 * np.exp(-t * t / 2)  # noqa: E731
    return integrate.quad(f, -12, 12, epsabs=1e-13)[0] / math.sqrt(2 * math.pi)


@pytest.mark.parametrize("g", [1.2, 2.0, 4.0])
def test_tanh_limit_self_consistency(g):
    """Without reset gate: Delta = g^2 <tanh^2>, rho = g sqrt<sech^4> > 1 (unstable)."""
    s = gru.fixed_point(g, **TANH).check()
    assert s["Delta"] == pytest.approx(g**2 * _tanh2(s["Delta"]), rel=1e-9)
    assert s["C"] == pytest.approx(_tanh2(s["Delta"]), rel=1e-9)
    assert s["rho"] > 1.0
    assert math.isinf(s["timescale"])


def test_tanh_limit_transition_at_gain_one():
    """h = 0 is the only fixed point below g = 1 and loses stability there; the active branch
    leaves it continuously."""
    below = gru.fixed_point(0.95, **TANH)
    assert not below.success
    assert below.status == 5
    assert gru.zero_instability_gain(40.0) == pytest.approx(1.0, abs=1e-15)
    assert gru.fixed_point(1.01, **TANH).check()["C"] < 0.02
    fold = gru.fold_gain(**TANH)
    assert not fold.success
    assert fold["g"] == pytest.approx(1.0)
    zero = gru.fixed_point(0.7, **TANH, branch="zero")
    assert zero["rho"] == pytest.approx(0.7)
    assert zero["lambda_max"] == pytest.approx(0.85)


@pytest.mark.parametrize(("a_r", "b_r"), [(0.0, 0.0), (2.0, -1.0), (4.0, 0.5), (1.0, -3.0)])
def test_landau_coefficient(a_r, b_r):
    """Eq. (3): g(Delta)^2 s0^2 = 1 - c Delta + O(Delta^2), c = a_r^2 (1-s0)(2-3s0) - 2."""
    s0 = expit(b_r)
    c = a_r**2 * (1 - s0) * (2 - 3 * s0) - 2
    Delta = np.array([1e-4, 2e-4])
    slope = (1 - gru.branch(Delta, a_r=a_r, b_r=b_r)["g"] ** 2 * s0**2) / Delta
    assert 2 * slope[0] - slope[1] == pytest.approx(c, abs=1e-5 * max(1.0, abs(c)))


@pytest.mark.parametrize("b_r", [-1.0, 0.0])
def test_fold_exists_only_above_tricritical_gain(b_r):
    """Active fixed points below 1/sigma(b_r) (a fold) exactly when a_r > a_r*."""
    a_star = gru.reset_tricritical_gain(b_r)
    g_zero = gru.zero_instability_gain(b_r)
    assert not gru.fold_gain(a_r=0.95 * a_star, b_r=b_r).success
    fold = gru.fold_gain(a_r=1.1 * a_star, b_r=b_r).check()
    assert fold["g"] < g_zero
    # between the fold and 1/sigma(b_r): h = 0 stable and two active branches
    g = 0.5 * (fold["g"] + g_zero)
    low = gru.fixed_point(g, a_r=1.1 * a_star, b_r=b_r, branch="smallest").check()
    high = gru.fixed_point(g, a_r=1.1 * a_star, b_r=b_r, branch="largest").check()
    assert 0 < low["C"] < fold["C"] < high["C"]
    assert gru.fixed_point(g, a_r=1.1 * a_star, b_r=b_r, branch="zero")["rho"] < 1
    assert math.isinf(gru.reset_tricritical_gain(1.0))  # s0 > 2/3: always continuous


@pytest.mark.parametrize(("a_r", "b_r"), [(0.0, 40.0), (1.0, 0.0), (4.0, -1.0), (8.0, -2.0)])
def test_active_fixed_points_without_bias_are_unstable(a_r, b_r):
    """b_h = 0: rho >= 1 along the whole active branch, -> 1 where it leaves h = 0."""
    b = gru.branch(np.geomspace(1e-6, 50.0, 200), a_r=a_r, b_r=b_r)
    assert np.all(b["rho"] >= 1.0 - 1e-9)
    assert b["rho"][0] == pytest.approx(1.0, abs=1e-4)


def test_zero_branch_matches_spectral_support():
    """At h = 0 the spectral radius of M is g sigma(b_r): the disc of hebbian.rnn.spectral_support
    (centre 1 - z0, radius g z0 r0) and lambda_max = 1 - z0 (1 - rho)."""
    cell = GRUCell.sample(20, 1.3, b_z=-1.0, b_r=0.4, rng=0)
    support = spectral_support(cell)
    z0 = expit(-1.0)
    s = gru.fixed_point(1.3, b_r=0.4, b_z=-1.0, branch="zero")
    assert s["rho"] * z0 == pytest.approx(support.radius)
    assert s["lambda_max"] == pytest.approx(support.centre + support.radius)
    assert s["timescale"] == pytest.approx(gru.slow_timescale(s["rho"], -1.0))


def test_instability_gain_is_where_rho_reaches_one():
    inst = gru.instability_gain(a_r=4.0, b_r=-1.0, b_h=0.5).check()
    assert inst.branch == "edge"
    for g, stable in ((0.99 * inst["g"], True), (1.01 * inst["g"], False)):
        s = gru.fixed_point(g, a_r=4.0, b_r=-1.0, b_h=0.5, branch="smallest").check()
        assert (s["rho"] < 1) == stable
        assert (s.stability > 0) == stable
    assert gru.instability_gain(a_r=1.0, b_r=0.0, b_h=0.0)["g"] == 2.0


def test_small_bias_branch_ends_at_a_fold_before_the_edge():
    """a_r = 6, b_r = -1.5, b_h = 0.05: the fixed point continued from g = 0 meets another at a
    fold (rho < 1 there) and beyond it only the upper branch is left."""
    params = {"a_r": 6.0, "b_r": -1.5, "b_h": 0.05}
    inst = gru.instability_gain(**params).check()
    assert inst.branch == "fold"
    assert inst["rho"] < 1
    before = gru.fixed_point(0.99 * inst["g"], **params, branch="smallest").check()
    after = gru.fixed_point(1.01 * inst["g"], **params, branch="smallest").check()
    assert before["C"] < inst["C"] < after["C"]
    assert before["rho"] < 1 < after["rho"]


def test_bad_input():
    with pytest.raises(ValueError, match="branch"):
        gru.fixed_point(2.0, branch="middle")
    with pytest.raises(ValueError, match="b_h"):
        gru.fixed_point(2.0, b_h=0.1, branch="zero")
    with pytest.raises(ValueError, match="rho"):
        gru.slow_timescale(1.0, 0.0)
    with pytest.raises(ValueError, match="Delta"):
        gru.branch(-1.0)
    with pytest.raises(ValueError, match="a_r"):
        gru.fold_gain(a_r=-1.0)


def _stable_fixed_points(N, g, n_nets, seed, **params):
    """``<h^2>`` and ``max |eig M|`` at the fixed point of ``n_nets`` cells (Newton)."""
    C, rho = [], []
    with threadpool_limits(1, user_api="blas"):
        for m in range(n_nets):
            cell = GRUCell.sample(
                N, g, a_z=0.0, b_z=40.0, rng=np.random.SeedSequence([seed, N, m]), **params
            )  # z = 1
            found = find_fixed_points(
                lambda h, c=cell: c.step(h) - h,
                lambda h, c=cell: c.jacobian(h) - np.eye(N),
                np.full((1, N), np.tanh(params["b_h"])),
            )
            h = found.points[0]
            C.append(np.mean(h**2))
            rho.append(np.abs(np.linalg.eigvals(cell.jacobian(h))).max())
    return np.array(C), np.array(rho)


def test_update_gate_only_rescales_the_spectrum_at_a_fixed_point():
    """With a constant update gate the Jacobian at a fixed point is exactly (1 - z0) + z0 M."""
    N, params = 60, {"a_r": 4.0, "b_r": -1.0, "b_h": 0.5}
    cell = GRUCell.sample(N, 1.5, a_z=0.0, b_z=40.0, rng=3, **params)
    eye = np.eye(N)
    h = find_fixed_points(
        lambda x: cell.step(x) - x, lambda x: cell.jacobian(x) - eye, np.full((1, N), 0.4)
    ).points[0]
    mu = np.linalg.eigvals(cell.jacobian(h))
    gated = GRUCell(cell.Uz, cell.Ur, cell.Uh, 1.5, a_z=0.0, b_z=-2.0, **params)
    z0 = expit(-2.0)
    lam = np.linalg.eigvals(gated.jacobian(h))
    assert np.allclose(np.sort_complex(lam), np.sort_complex(1 - z0 + z0 * mu), atol=1e-10)


def test_variance_and_radius_against_finite_n():
    """N = 200, 8 networks: <h^2> within 3 standard errors of Eq. (1)-(2); max |eig M| / rho
    against the spectral radius of N x N Ginibre matrices (the finite-N edge, above 1)."""
    params = {"a_r": 4.0, "b_r": -1.0, "b_h": 0.5}
    N, n = 200, 8
    theory = gru.fixed_point(1.5, **params, branch="smallest").check()
    C, rho = _stable_fixed_points(N, 1.5, n, 11, **params)
    assert abs(C.mean() - theory["C"]) < 3 * C.std(ddof=1) / math.sqrt(n)
    rng = np.random.default_rng(5)
    with threadpool_limits(1, user_api="blas"):
        ginibre = [
            np.abs(np.linalg.eigvals(rng.standard_normal((N, N)))).max() / math.sqrt(N)
            for _ in range(n)
        ]
    ratio = rho / theory["rho"]
    err = math.hypot(ratio.std(ddof=1), np.std(ginibre, ddof=1)) / math.sqrt(n)
    assert abs(ratio.mean() - np.mean(ginibre)) < 3 * err


@pytest.mark.slow
@pytest.mark.parametrize("g", [1.5, 2.0])
def test_variance_against_finite_n_large(g):
    """N = 800, 6 networks: <h^2> within 3 standard errors of the mean-field value."""
    params = {"a_r": 4.0, "b_r": -1.0, "b_h": 0.5}
    theory = gru.fixed_point(g, **params, branch="smallest").check()
    C, _ = _stable_fixed_points(800, g, 6, 12, **params)
    assert abs(C.mean() - theory["C"]) < 3 * C.std(ddof=1) / math.sqrt(6)


def test_update_gate_gap_closed_forms():
    """Equal gates: the disc's edge, gap z0 (1 - rho) (Eq. (4)); the root solves Eq. (5); the
    typical smallest gate is the median of the smallest of N."""
    assert gru.update_gate_gap(0.6, np.full(50, 0.2)) == pytest.approx(0.2 * 0.4, rel=1e-12)
    z = np.array([0.05, 0.1, 0.3, 0.3])
    gap = gru.update_gate_gap(0.7, z)
    assert 0 < gap < z.min()
    assert 0.7**2 * np.mean(z**2 / (z - gap) ** 2) == pytest.approx(1.0, rel=1e-10)
    # more gates near the smallest one: the bulk of (5) reaches closer to 1 - z_min
    assert gru.update_gate_gap(0.7, [0.05, 0.06, 0.07, 0.08]) < gap
    for N in (10, 1000):
        smallest = gru.update_gate_quantiles(0.3, N, a_z=2.0, b_z=-1.0)[0]
        below = (1 - special.ndtr((special.logit(smallest) + 1.0) / (2.0 * math.sqrt(0.3)))) ** N
        assert below == pytest.approx(0.5, abs=0.02)  # P(all N gates above it) ~ 1/2
    assert np.all(gru.update_gate_quantiles(0.3, 5, a_z=0.0, b_z=-2.0) == expit(-2.0))
    with pytest.raises(ValueError, match="gates"):
        gru.update_gate_gap(0.5, [0.0, 0.1])
    with pytest.raises(ValueError, match="rho"):
        gru.update_gate_gap(-0.5, [0.1])


def test_update_gate_gap_against_deformed_ginibre():
    """J = diag(1 - z) + diag(z) rho G (G Ginibre, N = 300): the gap 1 - max Re(eig J) against
    Eq. (5) with the sampled gates, a bulk-dominated (open) and an outlier-dominated (shut,
    spread) gate; the constant-gate disc at the mean gate misses the shut case by a factor > 2."""
    N, rho, rng = 300, 0.8, np.random.default_rng(4)
    # shut, spread gates: the eigenvalue of the most shut unit lies inside its disc (ratio > 1)
    for b, sd, low, high in ((0.0, 0.5, 0.85, 1.15), (-4.0, 1.0, 0.98, 1.2)):
        ratio, naive = [], []
        for _ in range(4):
            z = expit(b + sd * rng.standard_normal(N))
            J = np.diag(1 - z) + z[:, None] * rho * rng.standard_normal((N, N)) / math.sqrt(N)
            with threadpool_limits(1, user_api="blas"):
                gap = 1 - np.linalg.eigvals(J).real.max()
            ratio.append(gap / gru.update_gate_gap(rho, z))
            naive.append(gap / (z.mean() * (1 - rho)))
        assert low < np.mean(ratio) < high, (b, ratio)
        if b < 0:
            assert np.mean(naive) < 0.5, naive


#: the stable fixed point of the slow-mode checks (rho = 0.656, C = 0.250)
SLOW = {"a_r": 4.0, "b_r": -1.0, "b_h": 0.5}


def _gap_ratios(N, n_nets, seed, gates=((0.0, -6.0), (1.0, -6.0))):
    """Per (a_z, b_z): measured 1 - max |eig J| at the fixed point (g = 1.5) over Eq. (5)'s gap
    with the network's own gates, and over the constant-gate gap sigma(b_z) (1 - rho)."""
    theory = gru.fixed_point(1.5, **SLOW, branch="smallest").check()
    ratios = {key: ([], []) for key in gates}
    with threadpool_limits(1, user_api="blas"):
        for m in range(n_nets):
            base = GRUCell.sample(N, 1.5, rng=np.random.SeedSequence([seed, N, m]), **SLOW)
            h = find_fixed_points(
                lambda x, c=base: c.step(x) - x,
                lambda x, c=base: c.jacobian(x) - np.eye(N),
                np.full((1, N), np.tanh(SLOW["b_h"])),
            ).points[0]
            for a_z, b_z in gates:
                cell = GRUCell(base.Uz, base.Ur, base.Uh, 1.5, a_z=a_z, b_z=b_z, **SLOW)
                gap = 1.0 - np.abs(np.linalg.eigvals(cell.jacobian(h))).max()
                z = expit(a_z * (base.Uz @ h) + b_z)
                ratios[a_z, b_z][0].append(gap / gru.update_gate_gap(theory["rho"], z))
                ratios[a_z, b_z][1].append(gap / (expit(b_z) * (1.0 - theory["rho"])))
    return {key: (np.array(own), np.array(const)) for key, (own, const) in ratios.items()}


def test_fluctuating_update_gate_slow_time():
    """a_z = 1, b_z = -6, N = 200, 8 networks: the slowest time is ~1.4x the constant-gate
    1/(sigma(b_z)(1 - rho)) (the most shut units); Eq. (5) with each network's gates leaves the
    finite-N offset the constant gate has at this N (M's edge fills slowly, ~ 1.1)."""
    r = _gap_ratios(200, 8, 21)
    own, const = r[1.0, -6.0]
    ratio = own / r[0.0, -6.0][0]  # same network, fluctuating over constant gate
    assert np.mean(const) < 0.85  # the constant-gate theory misses the fluctuating gate
    assert abs(np.mean(ratio) - 1.0) < 3 * np.std(ratio, ddof=1) / math.sqrt(ratio.size)
    assert 0.9 < np.mean(own) < 1.3


@pytest.mark.long
def test_fluctuating_update_gate_slow_time_large_n():
    """N = 800, 6 networks: measured gap over Eq. (5)'s within 3 standard errors of 1, for the
    constant gate and for a_z = 1 (shut and open), while the constant-gate formula is ~40% off."""
    r = _gap_ratios(800, 6, 22, gates=((0.0, -6.0), (1.0, -6.0), (1.0, 0.0)))
    for key, (own, _) in r.items():
        assert abs(np.mean(own) - 1.0) < 3 * np.std(own, ddof=1) / math.sqrt(own.size), key
    assert np.mean(r[1.0, -6.0][1]) < 0.75
