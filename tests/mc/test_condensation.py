"""Spherical Metropolis samples exp(-E/T) exactly; the top weight orders the phases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from hebbian.mc.condensation import sphere_metropolis, top_weight


def test_sphere_metropolis_samples_the_boltzmann_law_on_the_circle():
    """d = 2: the sphere is a circle of radius sqrt(2) and the exact law of the angle
    is exp(lse(lam, X^T x)/(lam T)) against the uniform measure."""
    rng = np.random.default_rng(3)
    lam, T = 1.0, 0.5
    angles = np.array([0.3, 2.0, 4.0])
    X = math.sqrt(2) * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    R = 4000
    x0 = rng.standard_normal((R, 2))
    res = sphere_metropolis(X, lam, T, x0, n_steps=60, n_burnin=60, rng=rng)
    assert float(res["acceptance"].mean()) > 0.2
    # final states of independent chains; overlaps with pattern 0 give cos(theta - 0.3)
    grid = np.linspace(0, 2 * np.pi, 2001)[:-1]
    states = math.sqrt(2) * np.stack([np.cos(grid), np.sin(grid)], axis=1)
    log_w = special.logsumexp(lam * states @ X.T, axis=1) / (lam * T)
    p = np.exp(log_w - log_w.max())
    p /= p.sum()
    m0_exact = states @ X[0] / 2
    edges = np.linspace(-1, 1, 11)
    expected = np.histogram(m0_exact, edges, weights=p)[0] * R
    observed = np.histogram(np.asarray(res["m0"][-1]), edges)[0]
    chi2 = float(np.sum((observed - expected) ** 2 / expected))
    assert chi2 < 30  # 9 degrees of freedom: p ~ 4e-4


def test_top_weight_orders_retrieval_and_the_rem_phase():
    kw = dict(T=0.5, n_samples=3, n_sweeps=40, n_burnin=20, seed=1)
    for ensemble in ("binary", "spherical"):
        low = top_weight(12, 0.1, ensemble=ensemble, **kw)
        high = top_weight(12, 0.8, ensemble=ensemble, **kw)
        assert low["w"] > 0.8 > 0.4 > high["w"], ensemble


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="ensemble='gaussian'"):
        top_weight(12, 0.1, 0.5, ensemble="gaussian")
    with pytest.raises(ValueError, match="T="):
        top_weight(12, 0.1, 0.0)
