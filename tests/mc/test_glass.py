"""SK Monte Carlo: the network, the coupling kernel through parallel tempering, P(q)."""

from __future__ import annotations

import numpy as np
import pytest

from hebbian import SherringtonKirkpatrick
from mc.glass import Q_BINS, sk_tempering


def test_sampled_couplings_have_the_sk_statistics():
    net = SherringtonKirkpatrick.sample(400, rng=1)
    J = net.J[np.triu_indices(400, 1)]
    assert np.array_equal(net.J, net.J.T)
    assert np.all(np.diag(net.J) == 0)
    assert J.mean() == pytest.approx(0.0, abs=3 / 400 / np.sqrt(J.size) * 400)
    assert (J**2).mean() * 400 == pytest.approx(1.0, abs=0.02)
    sigma = np.where(np.random.default_rng(2).random(400) < 0.5, 1, -1)
    assert net.delta_energy(sigma, 3) == pytest.approx(
        net.energy(np.where(np.arange(400) == 3, -sigma, sigma)) - net.energy(sigma)
    )


@pytest.mark.parametrize(
    ("J", "match"),
    [
        (np.ones((3, 2)), "square"),
        (np.array([[0.0, 1.0], [2.0, 0.0]]), "not symmetric"),
        (np.eye(2), "non-zero diagonal"),
        (np.array([[0.0, np.nan], [np.nan, 0.0]]), "NaN"),
    ],
)
def test_bad_couplings_are_named(J, match):
    with pytest.raises(ValueError, match=match):
        SherringtonKirkpatrick(J)


def test_paramagnet_energy_is_minus_beta_over_two():
    """Above T = 1 the SK energy per spin is -1/(2T) (annealed = quenched), up to O(1/N)."""
    r = sk_tempering(
        128, T_min=1.3, T_max=2.5, n_T=5, n_samples=16, n_sweeps=600, n_burnin=200, seed=3
    )
    expected = -0.5 / r["T"]
    assert np.all(np.abs(r["energy"] - expected) < 3 * r["energy_error"] + 2 / 128)
    # replicas are uncorrelated: P(q) centred at 0 with variance ~ 1/(N (1 - beta^2))
    assert np.all(r["q2"] < 3 / (128 * (1 - 1 / r["T"] ** 2)))
    assert r["q_hist"].shape == (5, Q_BINS.size - 1)


def test_the_glass_phase_has_a_broad_overlap_distribution():
    """Below T = 1 two replicas overlap: <q^2> stays finite (here N = 64, T = 0.4)."""
    r = sk_tempering(
        64, T_min=0.4, T_max=1.6, n_T=10, n_samples=4, n_sweeps=500, n_burnin=300, seed=4
    )
    assert r["swap_min"] > 0.2
    assert r["q2"][0] > 0.3  # full RSB: <q^2> = int q(x)^2 dx = 0.41 at T = 0.4, N -> inf
    assert r["q2"][-1] < 0.1
