"""DMFT of the vanilla rate network against closed forms, asymptotics and simulation.

References
----------
Sompolinsky, Crisanti, Sommers, PRL 61, 259 (1988).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import roots_hermitenorm

from hebbian.rnn import VanillaRNN, lyapunov_spectrum
from hebbian.theory.dmft import correlation_derivative, solve_vanilla
from hebbian.theory.solution import SolverError


def _hermite_average(f, Delta0, s, order=120):
    """``<f(x) f(y)>`` for variances ``Delta0``, covariance ``s``: 2-D Gauss-Hermite."""
    u, w = roots_hermitenorm(order)
    w = w / w.sum()
    rho = np.asarray(s, dtype=float)[..., None, None] / Delta0
    x = math.sqrt(Delta0) * u[:, None]
    y = math.sqrt(Delta0) * (rho * u[:, None] + np.sqrt(1 - rho**2) * u[None, :])
    return (f(x) * f(y) * w[:, None] * w[None, :]).sum((-2, -1))


@pytest.mark.parametrize("g", [0.0, 0.3, 0.99, 1.0])
def test_fixed_point_branch_below_g1(g):
    s = solve_vanilla(g, tau=np.linspace(0, 5, 11)).check()
    assert s.branch == "fixed point"
    assert s.Delta0 == 0.0
    assert np.all(s.Delta == 0.0)
    assert s.lambda_max == pytest.approx(g - 1.0, abs=1e-15)  # the slowest mode of -1 + g J


@pytest.mark.parametrize("g", [1.5, 2.0, 3.0])
def test_Delta0_solves_energy_conservation(g):
    """Eq. (2): Delta0^2 / 2 = g^2 Var[log cosh x], x ~ N(0, Delta0), by adaptive quad."""
    s = solve_vanilla(g).check()
    sd = math.sqrt(s.Delta0)

    def moment(k):
        return quad(
            lambda u: math.log(math.cosh(sd * u)) ** k * math.exp(-u * u / 2),
            -12,
            12,
            epsabs=1e-14,
            epsrel=1e-13,
        )[0] / math.sqrt(2 * math.pi)

    var = moment(2) - moment(1) ** 2
    assert s.Delta0**2 / 2 == pytest.approx(g * g * var, rel=1e-9)


def test_correlation_derivative_against_hermite_and_limits():
    Delta0 = 1.3
    s = np.array([0.0, 0.4, 1.0, 1.3])
    expected = _hermite_average(lambda h: 1 / np.cosh(h) ** 2, Delta0, s)
    np.testing.assert_allclose(correlation_derivative(s, Delta0), expected, atol=1e-10)
    assert float(correlation_derivative(0.0, 0.0)) == pytest.approx(1.0, abs=1e-14)


def test_autocorrelation_solves_the_equation_of_motion():
    """Eq. (1): Delta'' = Delta - g^2 C(Delta), C from an independent quadrature."""
    g, step = 2.0, 0.01
    tau = np.arange(0, 3001) * step
    s = solve_vanilla(g, tau=tau).check()
    D = s.Delta
    second = (D[2:] - 2 * D[1:-1] + D[:-2]) / step**2
    C = _hermite_average(np.tanh, s.Delta0, D[1:-1:10])
    residual = second[::10] - (D[1:-1:10] - g * g * C)
    assert np.abs(residual).max() < 1e-5 * s.Delta0  # central differences: O(step^2)
    assert D[0] == pytest.approx(s.Delta0, rel=1e-12)
    assert np.all(np.diff(D) < 0)  # monotone decay from Delta0 to 0
    tail = np.log(D[-1] / D[-501]) / (tau[-1] - tau[-501])
    assert tail == pytest.approx(-s.decay_rate, rel=1e-3)


def test_decay_rate_and_goldstone_mode():
    """kappa^2 = 1 - g^2 <phi'>^2; the odd state Delta'(tau) sits exactly at E = -1."""
    g = 2.0
    s = solve_vanilla(g).check()
    mean_dphi = quad(
        lambda u: math.exp(-u * u / 2) / math.cosh(math.sqrt(s.Delta0) * u) ** 2, -12, 12
    )[0] / math.sqrt(2 * math.pi)
    assert s.decay_rate == pytest.approx(math.sqrt(1 - (g * mean_dphi) ** 2), rel=1e-9)
    assert s.residual < 1e-8  # includes |E_1 + 1| for the lowest odd state


@pytest.mark.parametrize("eps", [0.003, 0.01, 0.03])
def test_onset_of_chaos_asymptotics(eps):
    """g = 1 + eps: Delta0 = eps + 7 eps^2 / 6, Delta = eps sech(eps tau / sqrt 3),
    lambda_max = eps^2 / 2 (Poeschl-Teller ground state), all up to relative O(eps)."""
    g = 1 + eps
    tau = np.linspace(0, 10 / eps, 201)
    s = solve_vanilla(g, tau=tau).check()
    assert s.Delta0 == pytest.approx(eps + 7 * eps**2 / 6, abs=3 * eps**3)
    sech = eps / np.cosh(eps * tau / math.sqrt(3))
    assert np.abs(s.Delta - sech).max() < 2 * eps**2
    assert s.decay_rate == pytest.approx(eps / math.sqrt(3), rel=2 * eps)
    assert s.lambda_max / eps**2 == pytest.approx(0.5, abs=2.5 * eps)  # measured 0.5 - 1.8 eps


def test_lambda_max_is_continuous_at_g1_and_grows_with_g():
    gs = [0.9, 0.999, 1.0, 1.001, 1.5, 2.0, 3.0, 5.0]
    lam = [solve_vanilla(g).check().lambda_max for g in gs]
    assert lam[1] == pytest.approx(-1e-3)
    assert lam[2] == 0.0
    assert 0 < lam[3] < 1e-6
    assert np.all(np.diff(lam) > 0)
    assert lam[5] == pytest.approx(0.112458, abs=1e-5)  # g = 2 (this module, converged)


def test_non_convergence_is_reported_never_silent():
    s = solve_vanilla(2.0, tol=1e-30)
    assert not s.success
    assert "residual" in s.message
    assert "NOT CONVERGED" in str(s)
    with pytest.raises(SolverError):
        s.check()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"g": -1.0}, "g=-1 must be in"),
        ({"g": 2.0, "tau": np.zeros((2, 2))}, "pass a non-empty 1-D array"),
        ({"g": 2.0, "n_grid": 10}, "n_grid=10 must be >= 100"),
    ],
)
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        solve_vanilla(**kwargs)


def test_Delta_against_simulation_g2():
    """N = 500, 8 disorder samples, t in [50, 250] (RK4, dt = 0.1), measured
    (simulation vs DMFT): tau = 0: 1.900 +- 0.026 vs 1.925 (-1.3 %); tau = 1:
    1.841 +- 0.030 vs 1.863; 2: 1.684 +- 0.040 vs 1.700; 4: 1.258 +- 0.067 vs
    1.251; 8: 0.619 +- 0.104 vs 0.548."""
    g, N, lags = 2.0, 500, np.array([0, 10, 20, 40, 80])  # tau = 0, 1, 2, 4, 8
    theory = solve_vanilla(g, tau=0.1 * lags).check()
    samples = []
    for seed in range(8):
        net = VanillaRNN.sample(N, g, rng=seed)
        x0 = np.random.default_rng(seed + 100).normal(size=N)
        h = net.simulate(x0, 250.0, 0.1).x[500:]
        samples.append([np.mean(h[: h.shape[0] - k] * h[k:]) for k in lags])
    samples = np.array(samples)
    mean, err = samples.mean(0), samples.std(0, ddof=1) / math.sqrt(len(samples))
    assert mean[0] == pytest.approx(theory.Delta0, rel=0.04)
    assert np.all(np.abs(mean - theory.Delta) < 3 * err + 0.02 * theory.Delta0)


@pytest.mark.slow
def test_lambda_max_against_benettin_g2():
    """Largest exponent over 16 disorder samples each (t = 400 after 50, dt = 0.1):
    measured N = 200: 0.0511 +- 0.0072, N = 400: 0.0851 +- 0.0036 (and N = 800,
    8 samples: 0.1000 +- 0.0024), i.e. lambda(N) = lambda_inf - a / N with
    a ~ 12; the 1/N extrapolation 0.119 +- 0.010 against DMFT 0.1125."""
    g = 2.0
    means, errors = [], []
    for N in (200, 400):
        lam = []
        for seed in range(16):
            net = VanillaRNN.sample(N, g, rng=seed)
            x0 = np.random.default_rng(seed + 100).normal(size=N)
            res = lyapunov_spectrum(
                net, x0, t_transient=50.0, t_max=400.0, dt=0.1, n_exponents=1,
                reorth_every=5, rng=seed,
            )  # fmt: skip
            lam.append(res.exponents[0])
        means.append(np.mean(lam))
        errors.append(np.std(lam, ddof=1) / 4)
    theory = solve_vanilla(g).check().lambda_max
    assert 0 < means[0] < means[1] < theory
    extrapolated = 2 * means[1] - means[0]
    error = math.hypot(2 * errors[1], errors[0])
    assert abs(extrapolated - theory) < 3 * error
