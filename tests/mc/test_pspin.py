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


def _unit_glass(P: int, sizes: dict, n_pairs: int, T_range) -> tuple:
    """Gardner's Ising P-spin glass (J = 1, alpha = P!/2) on a 16-temperature ladder: mean
    energy per spin over ``n_pairs`` runs of two disorder samples each, and its error.
    ``sizes``: N -> multiple of 1000 measured sweeps after half as many of burn-in."""
    u, err = [], []
    for N, runs_of in sizes.items():
        runs = [
            pspin_tempering(
                N,
                P=P,
                alpha=math.factorial(P) / 2,
                T_min=T_range[0],
                T_max=T_range[1],
                n_T=16,
                n_samples=2,
                n_sweeps=1000 * runs_of,
                n_burnin=500 * runs_of,
                seed=seed,
            )
            for seed in range(1, n_pairs + 1)
        ]
        energies = np.array([r["energy"] for r in runs])
        u.append(energies.mean(axis=0))
        err.append(energies.std(axis=0, ddof=1) / math.sqrt(n_pairs))
        assert min(r["swap_min"] for r in runs) > 0.5
        assert min(r["round_trips_min"] for r in runs) > 10
    return runs[0]["T"], np.array(u), np.array(err)


@pytest.mark.long
@pytest.mark.parametrize(
    ("P", "sizes", "T_range"),
    [
        (3, {16: 1, 24: 1, 32: 1}, (0.36, 1.05)),
        # P = 4 relaxes slowly: at N = 24-40, 4000 sweeps in place of 1000 lower the energy
        # by 0.004-0.022 at every temperature of the ladder; 16000 are within 0.003
        # (N = 24) and 0.004 (N = 32) of 4 times fewer.  About 50 CPU minutes.
        (4, {16: 16, 20: 16, 24: 16, 32: 32}, (0.34, 1.0)),
    ],
)
def test_control_reaches_the_1rsb_energy_and_freezes_at_gardners_T_s(P, sizes, T_range):
    """Below T_s the energies, extrapolated to N = infinity in ln N / N (the frozen phase's
    REM-like correction), are the 1RSB glass's within errors and many errors above the
    paramagnet's continuation; where the extrapolated energy meets -1/(2T) is Gardner's
    T_s (0.651 for P = 3, 0.617 for P = 4) within its error; at 1.4 T_s and above the
    largest N is on the paramagnet already (there the corrections are not of the frozen
    phase's form)."""
    from hebbian.figures.dense_rsb import energy_static_temperature, glass_extrapolations

    alpha = math.factorial(P) / 2
    temps, u, err = _unit_glass(P, sizes, 32, T_range)
    value, error, _ = glass_extrapolations(list(sizes), u, err)["lnN/N"]
    T_s = dense_phases.T_s(P, alpha)
    cold = temps < 0.92 * T_s
    one = np.array([2 * dense_rsb.solve_rsb(P, alpha / 4, t / 2).energy for t in temps[cold]])
    assert np.all(np.abs(value[cold] - one) < 3 * error[cold])
    deep = temps < 0.77 * T_s  # where the 1RSB and the paramagnet's energies differ by > 0.2
    assert np.all(value[deep] + 0.5 / temps[deep] > 5 * error[deep])
    estimate, spread = energy_static_temperature(temps, value, error, 0.92 * T_s)
    assert spread < 0.15
    assert abs(estimate - T_s) < 3 * spread
    hot = temps >= 1.4 * T_s
    assert np.all(np.abs(u[-1, hot] + 0.5 / temps[hot]) < 3 * err[-1, hot])


def test_replica_overlap_energy_for_pairs_is_katzgraber_palassini_young():
    """P = 2, v = 1/N (SK): the overlap energy is -(1 - q^2) / (2T) per spin."""
    from hebbian.mc.glass import replica_overlap_energy

    N, T = 12, np.array([0.5, 1.3])
    q = (1 - 2 * np.arange(N + 1) / N)[:, None]
    implied = replica_overlap_energy(N, 2, 1 / N, T, q)
    assert implied == pytest.approx(-(1 - q**2) / (2 * T), abs=1e-12)


@pytest.mark.parametrize("P", [3, 4])
def test_replica_overlap_energy_is_the_mean_energy_over_gaussian_couplings(P):
    """Exact thermal averages (2^8 states) over 400 coupling samples: the energy equals the
    overlap energy within 4 errors, and the same identity with P - 1 in place of P does not."""
    from hebbian.mc.enumeration import overlap_masses, pspin_energies
    from hebbian.mc.glass import replica_overlap_energy

    N, alpha, T = 8, 0.5, np.array([0.15, 0.4])
    v = alpha * N ** (1.0 - P)
    q = 1 - 2 * np.arange(N + 1) / N  # masses are over the Hamming distance
    diff, wrong = [], []
    for seed in range(400):
        energies = pspin_energies(PSpinGlass.sample(N, P, alpha, rng=seed))
        masses, energy = overlap_masses(energies, T)
        implied = [masses @ replica_overlap_energy(N, p, v, T[:, None], q).T for p in (P, P - 1)]
        diff.append(energy / N - np.diagonal(implied[0]))
        wrong.append(energy / N - np.diagonal(implied[1]))
    for values, holds in ((np.array(diff), True), (np.array(wrong), False)):
        z = values.mean(axis=0) / (values.std(axis=0, ddof=1) / np.sqrt(len(values)))
        assert np.all(np.abs(z) < 4) == holds


def test_equilibration_gap_closes_with_the_run():
    """SK at N = 24 down to T = 0.4: 5 sweeps from random spins leave the energy far above what
    the overlaps imply; 400 after 200 of burn-in close the gap within 4 errors."""
    from hebbian.mc.glass import sk_tempering

    kw = dict(T_min=0.4, T_max=1.5, n_T=6, n_samples=12, seed=3)
    short = sk_tempering(24, n_sweeps=5, n_burnin=0, **kw)
    long = sk_tempering(24, n_sweeps=400, n_burnin=200, **kw)
    assert np.all(short["equilibration_gap"][:3] > 5 * short["equilibration_gap_error"][:3])
    assert np.all(np.abs(long["equilibration_gap"]) < 4 * long["equilibration_gap_error"])
