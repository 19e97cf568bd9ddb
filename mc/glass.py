"""Monte Carlo that sees the glass: parallel tempering of SK samples, energies and P(q).

:func:`sk_tempering` is one sweep task (``task = "mc.glass:sk_tempering"``):
for each disorder sample it draws couplings, runs two independent parallel
tempering ladders on them (:func:`mc.tempering.parallel_tempering`), and
records, per temperature, the energy per spin and the overlap
``q = sigma^1 . sigma^2 / N`` of the two ladders' configurations at every
measured round: independent equilibrium replicas of one sample, whose
histogram over rounds and samples is the finite-N ``P(q)``.  The replica
theory it is compared with is :mod:`theory.sk` (RS, k-RSB, full RSB).
"""

from __future__ import annotations

import numpy as np

from hebbian import SherringtonKirkpatrick
from hebbian._checks import check_int
from mc.tempering import geometric_ladder, parallel_tempering

__all__ = ["Q_BINS", "sk_tempering"]

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
        Spins.
    T_min, T_max, n_T
        Geometric ladder (:func:`mc.tempering.geometric_ladder`).
    n_samples : int
        Disorder samples (couplings ``J_ij ~ N(0, 1/N)``).
    n_sweeps, n_burnin : int
        Measured and discarded sweeps of each ladder (one exchange round per
        sweep).
    seed : int
        Couplings and chains derive from ``(seed, N)``.

    Returns
    -------
    dict
        ``T`` (n_T,); ``energy`` and ``energy_error`` (n_T,): the mean over
        samples of the time-averaged energy per spin and its standard error
        over samples; ``q_hist`` (n_T, len(Q_BINS) - 1): the normalized
        histogram of ``q``; ``q2`` (n_T,): the mean ``q^2``; ``swap_min``: the
        smallest exchange acceptance met (a ladder below ~0.1 does not mix).
    """
    N = check_int(N, "N", minimum=2)
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    temps = geometric_ladder(T_min, T_max, n_T)
    energies = np.empty((n_samples, temps.size))
    hist = np.zeros((temps.size, Q_BINS.size - 1))
    q2 = np.zeros(temps.size)
    swap_min = 1.0
    for s, child in enumerate(np.random.SeedSequence([seed, N]).spawn(n_samples)):
        couplings, *ladders = child.spawn(3)
        net = SherringtonKirkpatrick.sample(N, rng=np.random.default_rng(couplings))
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
        q = np.einsum("rti,rti->rt", *(c.astype(np.float64) for c in configurations)) / N
        for t in range(temps.size):
            hist[t] += np.histogram(q[:, t], Q_BINS)[0]
        q2 += (q**2).mean(axis=0)
        energies[s] = 0.5 * (runs[0].energy.mean(axis=0) + runs[1].energy.mean(axis=0))
        swap_min = min(swap_min, *(r.swap_acceptance.min() for r in runs))
    hist /= hist.sum(axis=1, keepdims=True) * np.diff(Q_BINS)
    return {
        "T": temps,
        "energy": energies.mean(axis=0),
        "energy_error": energies.std(axis=0, ddof=1) / np.sqrt(n_samples),
        "q_hist": hist,
        "q2": q2 / n_samples,
        "swap_min": swap_min,
    }
