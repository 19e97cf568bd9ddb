"""The Gaussian P-spin glass: the network, its sampler family, the control of the dense glass."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from hebbian.mc.glass import dense_tempering, pspin_tempering
from hebbian.mc.model import kernel_model
from hebbian.mc.tempering import geometric_ladder, parallel_tempering
from hebbian.networks import PSpinGlass
from hebbian.theory import dense_phases, dense_rsb
from hebbian.theory.dense_finite_n import annealed_energy, paramagnet_energy


@pytest.mark.parametrize("P", [3, 4])
def test_energy_is_the_sum_over_index_sets(P):
    net = PSpinGlass.sample(7, P, 0.5, rng=1)
    sigma = np.where(np.random.default_rng(2).random((3, 7)) < 0.5, 1, -1)
    brute = [
        -sum(net.J[t] * np.prod(s[list(t)]) for t in itertools.combinations(range(7), P))
        for s in sigma
    ]
    assert net.energy(sigma) == pytest.approx(brute, abs=1e-12)
    flipped = sigma.copy()
    flipped[:, 4] *= -1
    assert net.delta_energy(sigma, 4) == pytest.approx(net.energy(flipped) - net.energy(sigma))


def test_couplings_have_the_dense_networks_variance():
    """J ~ N(0, alpha N^(1-P)) per index set, the variance of the Hebbian couplings."""
    N, P, alpha = 30, 3, 0.5
    index = np.array(list(itertools.combinations(range(N), P))).T
    J = PSpinGlass.sample(N, P, alpha, rng=3).J[tuple(index)]
    ratio = (J**2).mean() * N ** (P - 1) / alpha
    assert ratio == pytest.approx(1.0, abs=4 * math.sqrt(2 / J.size))


@pytest.mark.parametrize(
    ("J", "match"),
    [
        (np.zeros((3, 3)), "P >= 3"),
        (np.ones((3, 3, 3)), "coincide"),
        (np.full((3, 3, 3), np.nan), "NaN"),
    ],
)
def test_bad_couplings_are_named(J, match):
    with pytest.raises(ValueError, match=match):
        PSpinGlass(J)


def test_bad_symmetry_is_named():
    J = np.zeros((3, 3, 3))
    J[0, 1, 2] = 1.0
    with pytest.raises(ValueError, match="symmetric"):
        PSpinGlass(J)


@pytest.mark.parametrize("P", [3, 4])
def test_the_kernel_keeps_fields_spins_and_energies(P):
    net = PSpinGlass.sample(9, P, 0.5, rng=4)
    res = parallel_tempering(net, T=geometric_ladder(0.2, 1.0, 3), n_sweeps=40, rng=5)
    model, state = kernel_model(net), res.state
    assert np.abs(state.S - model.overlap_sums(state.sigma)).max() < 1e-12
    assert model.energy(state.sigma, state.S) == pytest.approx(net.energy(state.sigma), abs=1e-12)
    assert res.params["K"] == 0
    assert res.overlaps.shape[-1] == 0


@pytest.mark.slow
def test_control_has_no_skewness_and_the_hebbian_energy_its_derived_1_over_n_term():
    """Above T_s: the Gaussian control's energy is -beta xi(1) at every N (P = 4, N = 12, 16);
    the dense network's lies below it by the patterns' skewness, as the exact finite-N annealed
    energy says (its leading 1/N term: tests/theory/test_dense.py)."""
    P, alpha = 4, 0.3
    for N in (12, 16):
        kw = dict(
            P=P,
            alpha=alpha,
            T_min=0.6,
            T_max=2.0,
            n_T=4,
            n_samples=16,
            n_sweeps=400,
            n_burnin=200,
            seed=7,
        )
        control, hebb = pspin_tempering(N, **kw), dense_tempering(N, **kw)
        gauss = np.array([paramagnet_energy(P, alpha, T) for T in control["T"]])
        exact = np.array([annealed_energy(P, alpha, T, N) for T in hebb["T"]])
        z_control = (control["energy"] - gauss) / control["energy_error"]
        z_hebb = (hebb["energy"] - exact) / hebb["energy_error"]
        assert np.sum(z_control**2) < 16  # chi^2 of 4 points
        assert np.sum(z_hebb**2) < 16
        skew = (hebb["energy"] - gauss) / hebb["energy_error"]
        assert np.all(skew < 1)
        assert skew.sum() < -2 * math.sqrt(skew.size)  # below the Gaussian glass, significantly


@pytest.mark.slow
@pytest.mark.parametrize("P", [3, 4])
def test_control_freezes_at_the_static_transition(P):
    """The Ising P-spin control (J = 1): the energy follows the paramagnet -1/(2T) above
    T_s (0.651 for P = 3, 0.617 for P = 4) and leaves it below, towards the 1RSB energy."""
    alpha = math.factorial(P) / 2  # Gardner's J = 1
    T_s = dense_phases.static_transition(P)["T_s"]
    r = pspin_tempering(
        16 if P == 3 else 12,
        P=P,
        alpha=alpha,
        T_min=0.6 * T_s,
        T_max=1.6 * T_s,
        n_T=8,
        n_samples=8,
        n_sweeps=800,
        n_burnin=400,
        seed=8,
    )
    para = -0.5 / r["T"]
    hot = r["T"] > 1.1 * T_s
    assert np.all(np.abs(r["energy"][hot] - para[hot]) < 3 * r["energy_error"][hot] + 0.02)
    cold = r["T"] < 0.8 * T_s
    one = np.array([dense_rsb.solve_rsb(P, alpha / 4, T / 2).energy * 2 for T in r["T"][cold]])
    assert np.all(r["energy"][cold] > para[cold] + 0.05)  # the paramagnet's continuation is wrong
    assert np.all(np.abs(r["energy"][cold] - one) < np.abs(r["energy"][cold] - para[cold]))
    assert r["swap_min"] > 0.2
    assert r["round_trips_min"] > 5
