"""Monte Carlo that sees the glass: parallel tempering over disorder samples, energies and P(q).

:func:`sk_tempering` (SK couplings), :func:`dense_tempering` (a dense
P-spin Hebbian network far above its critical storage) and
:func:`pspin_tempering` (its Gaussian P-spin control) are sweep tasks
(``task = "hebbian.mc.glass:sk_tempering"``): for each disorder sample they draw the
network, run two independent parallel tempering ladders on it
(:func:`hebbian.mc.tempering.parallel_tempering`), and record, per temperature, the
energy per spin and the overlap ``q = sigma^1 . sigma^2 / N`` of the two
ladders' configurations at every measured round: independent equilibrium
replicas of one sample, whose histogram over rounds and samples is the
finite-N ``P(q)``.  The replica theory they are compared with is
:mod:`hebbian.theory.sk` (RS, k-RSB, full RSB) and :mod:`hebbian.theory.dense_rsb`.
"""

from __future__ import annotations

import math

import numpy as np

from hebbian import DenseHopfield, SherringtonKirkpatrick, binary_patterns
from hebbian._checks import check_int, check_real
from hebbian.mc.networks import pspin  # noqa: F401  (registers the P-spin family)
from hebbian.mc.tempering import geometric_ladder, parallel_tempering
from hebbian.networks import PSpinGlass

__all__ = ["Q_BINS", "dense_tempering", "pspin_tempering", "sk_tempering"]

#: Edges of the overlap histograms.
Q_BINS = np.linspace(-1.0, 1.0, 51)


def sk_tempering(
    N: int,
    *,
    T_min: float = 0.3,
    T_max: float = 1.5,
    n_T: int = 16,
    n_samples: int = 8,
    n_sweeps: int = 2000,
    n_burnin: int = 1000,
    seed: int,
) -> dict[str, np.ndarray]:
    """Energy per spin and overlap histogram of the SK model on a temperature ladder.

    Parameters
    ----------
    N : int
        Spins; couplings ``J_ij ~ N(0, 1/N)``.
    T_min, T_max, n_T
        Geometric ladder (:func:`hebbian.mc.tempering.geometric_ladder`).
    n_samples : int
        Disorder samples.
    n_sweeps, n_burnin : int
        Measured and discarded sweeps of each ladder (one exchange round per
        sweep).
    seed : int
        Networks and chains derive from ``seed`` and the model's parameters.

    Returns
    -------
    dict
        ``T`` (n_T,); ``energy`` and ``energy_error`` (n_T,): the mean over
        samples of the time-averaged energy per spin and its standard error
        over samples; ``q_hist`` (n_T, len(Q_BINS) - 1): the normalized
        histogram of ``q``; ``q2`` (n_T,): the mean ``q^2``; ``swap_min``: the
        smallest exchange acceptance met (a ladder below ~0.1 does not mix);
        ``round_trips_min`` and ``round_trips_mean``: round trips of a chain
        from the lowest temperature to the highest and back, the fewest in
        one ladder and the mean over ladders.
    """
    N = check_int(N, "N", minimum=2)
    return _tempering(
        lambda rng: SherringtonKirkpatrick.sample(N, rng=rng),
        [seed, N],
        geometric_ladder(T_min, T_max, n_T),
        n_samples,
        n_sweeps,
        n_burnin,
    )


def dense_tempering(
    N: int,
    *,
    P: int = 3,
    alpha: float = 0.5,
    T_min: float = 0.15,
    T_max: float = 0.6,
    n_T: int = 16,
    n_samples: int = 8,
    n_sweeps: int = 2000,
    n_burnin: int = 1000,
    seed: int,
) -> dict[str, np.ndarray]:
    """Energy per spin and overlap histogram of a dense P-spin network in its glass phase.

    ``K = round(alpha N^(P-1))`` random patterns, :class:`hebbian.DenseHopfield`
    without self-interactions (the normalization of :mod:`hebbian.theory.dense`).  Far
    above the critical storage no pattern condenses and the network is the
    Gaussian P-spin glass of :func:`hebbian.theory.dense_rsb.solve_rsb` (Gardner 1985;
    Albanese et al. 2022); at ``alpha = 0.5``, ``P = 3`` its static transition is
    ``T_s = 0.651 sqrt(alpha / 3) = 0.266``.  For odd ``P`` the energy is odd
    in ``sigma``, so ``P(q)`` is not symmetric: the glass step sits at ``q_1 > 0``.

    Without self-interactions the energy sums over ``N!/(N-P)!/P!`` index
    tuples instead of ``N^P/P!``, so its variance is ``c_N = N!/((N-P)! N^P)``
    times the theory's (0.73 at N = 20, P = 4: a trivial ``O(P^2/N)``
    correction).  The energy is divided by ``sqrt(c_N)``, and the chains run
    at ``T sqrt(c_N)``: the same dynamics, in units where the variance is the
    theory's at every N; ``T`` and ``energy`` are returned in these units.

    The patterns add a ``1/N`` term to the energy, their skewness
    (:func:`hebbian.theory.dense_finite_n.paramagnet_energy`), which
    :func:`pspin_tempering`, the Gaussian control, does not have.

    ``P`` (``>= 3``) and ``alpha = K / N^(P-1)`` choose the network; the other
    parameters and the returned dict are those of :func:`sk_tempering`.
    """
    N = check_int(N, "N", minimum=2)
    P = check_int(P, "P", minimum=3)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    K = max(1, round(alpha * N ** (P - 1)))
    return _glass_tempering(
        lambda rng: DenseHopfield(binary_patterns(K, N, rng=rng), P=P),
        [seed, P, round(alpha * 1e9), N],
        N,
        P,
        geometric_ladder(T_min, T_max, n_T),
        n_samples,
        n_sweeps,
        n_burnin,
    )


def pspin_tempering(
    N: int,
    *,
    P: int = 3,
    alpha: float = 0.5,
    T_min: float = 0.15,
    T_max: float = 0.6,
    n_T: int = 16,
    n_samples: int = 8,
    n_sweeps: int = 2000,
    n_burnin: int = 1000,
    seed: int,
) -> dict[str, np.ndarray]:
    """:func:`dense_tempering` of the Gaussian P-spin glass with the same coupling variance.

    :class:`hebbian.networks.PSpinGlass` with ``J ~ N(0, alpha N^{1-P})`` per index set:
    the ``alpha -> infinity`` limit of the dense network's couplings, the
    glass of :mod:`hebbian.theory.dense_rsb` without the patterns' skewness
    (:mod:`hebbian.theory.dense_finite_n`).  Units, parameters and the
    returned dict are those of :func:`dense_tempering`; samples are drawn
    from other seeds than the dense network's.
    """
    N = check_int(N, "N", minimum=3)
    P = check_int(P, "P", minimum=3, maximum=N)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    return _glass_tempering(
        lambda rng: PSpinGlass.sample(N, P, alpha, rng=rng),
        [seed, P, round(alpha * 1e9), N, 1],
        N,
        P,
        geometric_ladder(T_min, T_max, n_T),
        n_samples,
        n_sweeps,
        n_burnin,
    )


def _glass_tempering(draw, key, N, P, temps, n_samples, n_sweeps, n_burnin) -> dict:
    """:func:`_tempering` in units where the energy's variance is ``N xi(1)`` at every N.

    Both glasses sum over ``N!/((N-P)! P!)`` index sets instead of
    ``N^P/P!``: energies are divided by ``sqrt(c_N)``, ``c_N = N!/((N-P)! N^P)``,
    and the chains run at ``T sqrt(c_N)`` (the same dynamics).
    """
    scale = math.sqrt(math.perm(N, P) / N**P)
    out = _tempering(draw, key, scale * temps, n_samples, n_sweeps, n_burnin)
    out["T"] = out["T"] / scale
    out["energy"] = out["energy"] / scale
    out["energy_error"] = out["energy_error"] / scale
    return out


def _tempering(draw, key, temps, n_samples, n_sweeps, n_burnin) -> dict[str, np.ndarray]:
    """Two ladders per sample of ``draw(rng)``: energies, ``P(q)`` and ``<q^2>``."""
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    energies = np.empty((n_samples, temps.size))
    hist = np.zeros((temps.size, Q_BINS.size - 1))
    q2 = np.zeros(temps.size)
    swap_min = 1.0
    trips = []
    for s, child in enumerate(np.random.SeedSequence(key).spawn(n_samples)):
        network, *ladders = child.spawn(3)
        net = draw(np.random.default_rng(network))
        configurations = []
        runs = []
        for ladder in ladders:
            rounds = []
            runs.append(
                parallel_tempering(
                    net,
                    T=temps,
                    n_sweeps=n_sweeps,
                    n_burnin=n_burnin,
                    rng=np.random.default_rng(ladder),
                    on_round=lambda state, slot, rounds=rounds: rounds.append(
                        state.sigma[slot].copy()
                    ),
                )
            )
            configurations.append(np.array(rounds))  # (n_rounds, n_T, N)
        N = configurations[0].shape[-1]
        q = np.einsum("rti,rti->rt", *(c.astype(np.float64) for c in configurations)) / N
        for t in range(temps.size):
            hist[t] += np.histogram(q[:, t], Q_BINS)[0]
        q2 += (q**2).mean(axis=0)
        energies[s] = 0.5 * (runs[0].energy.mean(axis=0) + runs[1].energy.mean(axis=0))
        swap_min = min(swap_min, *(r.swap_acceptance.min() for r in runs))
        trips.extend(r.round_trips for r in runs)
    hist /= hist.sum(axis=1, keepdims=True) * np.diff(Q_BINS)
    return {
        "T": temps,
        "energy": energies.mean(axis=0),
        "energy_error": energies.std(axis=0, ddof=1) / np.sqrt(n_samples),
        "q_hist": hist,
        "q2": q2 / n_samples,
        "swap_min": swap_min,
        "round_trips_min": int(min(trips)),
        "round_trips_mean": float(np.mean(trips)),
    }
