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
finite-N ``P(q)``.  :func:`pspin_enumeration` gives the control's exact
finite-N ``P(q)`` on the same disorder samples.  The replica theory they are compared with is
:mod:`hebbian.theory.sk` (RS, k-RSB, full RSB) and :mod:`hebbian.theory.dense_rsb`.
"""

from __future__ import annotations

import math

import numpy as np

from hebbian import DenseHopfield, SherringtonKirkpatrick, binary_patterns
from hebbian._checks import check_int, check_real
from hebbian.mc.enumeration import lowest_gap, overlap_masses, pspin_energies
from hebbian.mc.networks import pspin  # noqa: F401  (registers the P-spin family)
from hebbian.mc.tempering import geometric_ladder, parallel_tempering
from hebbian.networks import PSpinGlass
from hebbian.networks.dense import elementary_symmetric

__all__ = [
    "Q_BINS",
    "abs_overlap_cdf",
    "dense_tempering",
    "pspin_enumeration",
    "pspin_tempering",
    "replica_overlap_energy",
    "sk_tempering",
    "weight_below_half",
]

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
        one ladder and the mean over ladders.  With Gaussian couplings (here,
        and in :func:`pspin_tempering`) also ``energy_overlap`` (n_T,): the
        energy the replicas' overlaps imply in equilibrium
        (:func:`replica_overlap_energy`), and ``equilibration_gap``,
        ``equilibration_gap_error`` (n_T,): ``energy - energy_overlap``, paired
        by sample, zero in equilibrium and positive before (the energy comes
        down from above while the overlaps grow from zero).
    """
    N = check_int(N, "N", minimum=2)
    return _tempering(
        lambda rng: SherringtonKirkpatrick.sample(N, rng=rng),
        [seed, N],
        geometric_ladder(T_min, T_max, n_T),
        n_samples,
        n_sweeps,
        n_burnin,
        gaussian=(2, 1.0 / N),
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
    returned dict are those of :func:`dense_tempering`, with the Gaussian
    couplings' equilibrium check of :func:`sk_tempering` added
    (``energy_overlap``, ``equilibration_gap``); samples are drawn from other
    seeds than the dense network's.
    """
    draw, key = _control(N, P, alpha, seed)
    return _glass_tempering(
        draw,
        key,
        N,
        P,
        geometric_ladder(T_min, T_max, n_T),
        n_samples,
        n_sweeps,
        n_burnin,
        gaussian=alpha * float(N) ** (1 - P),
    )


def pspin_enumeration(
    N: int,
    *,
    P: int = 3,
    alpha: float = 0.5,
    T_min: float = 0.15,
    T_max: float = 0.6,
    n_T: int = 16,
    n_samples: int = 8,
    seed: int,
) -> dict[str, np.ndarray]:
    """Exact finite-N ``P(q)`` and energy of :func:`pspin_tempering`'s disorder samples.

    The couplings are drawn exactly as :func:`pspin_tempering` draws them from
    ``seed`` (its first ``n`` samples are the first ``n`` here); all ``2^N``
    states are enumerated (:mod:`hebbian.mc.enumeration`): no sampling error,
    so ``P(q)`` differs from the Monte Carlo's by its thermal noise only.  The
    parameters are those of :func:`pspin_tempering` (``N <= 26``), and so are
    the units.

    Returns
    -------
    dict
        ``T`` (n_T,); ``energy``, ``energy_error``, ``q_hist``, ``q2`` as in
        :func:`sk_tempering` (the exact thermal values, averaged over
        samples); per sample ``q_hist_samples`` (n_samples, n_T, len(Q_BINS) - 1);
        ``below_half`` (n_samples, n_T): :func:`weight_below_half`; ``gap``
        (n_samples,): the energy of the lowest state that is neither the
        ground state nor its global flip, above the ground state
        (:func:`hebbian.mc.enumeration.lowest_gap`).
    """
    draw, key = _control(N, P, alpha, seed)
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    temps = geometric_ladder(T_min, T_max, n_T)
    scale = math.sqrt(math.perm(N, P) / N**P)
    q = (N - 2 * np.arange(N + 1)) / N
    hist = np.empty((n_samples, n_T, Q_BINS.size - 1))
    energy = np.empty((n_samples, n_T))
    q2 = np.empty((n_samples, n_T))
    gap = np.empty(n_samples)
    for s, (network, *_) in enumerate(_samples(key, n_samples)):
        energies = pspin_energies(draw(np.random.default_rng(network))) / scale
        masses, energy[s] = overlap_masses(energies, temps)
        hist[s] = [np.histogram(q, Q_BINS, weights=m)[0] for m in masses]
        q2[s] = masses @ q**2
        gap[s] = lowest_gap(energies)
    hist /= np.diff(Q_BINS)
    return {
        "T": temps,
        "energy": energy.mean(axis=0) / N,
        "energy_error": energy.std(axis=0, ddof=1) / N / np.sqrt(n_samples),
        "q_hist": hist.mean(axis=0),
        "q2": q2.mean(axis=0),
        "q_hist_samples": hist,
        "below_half": weight_below_half(hist),
        "gap": gap,
    }


def abs_overlap_cdf(q_hist) -> tuple[np.ndarray, np.ndarray]:
    """Distribution function of ``|q|`` from normalized histograms of ``q`` over :data:`Q_BINS`.

    Parameters
    ----------
    q_hist : array_like, shape (..., len(Q_BINS) - 1)
        Densities of ``q`` (as ``q_hist`` of :func:`sk_tempering`).

    Returns
    -------
    edges : ndarray, shape (len(Q_BINS) // 2 + 1,)
        The bin edges from ``|q| = 0`` to 1.
    cdf : ndarray, shape (..., len(edges))
        ``P(|q'| < edge)``, from 0 to 1.
    """
    q_hist = np.asarray(q_hist, np.float64)
    half = Q_BINS.size // 2
    edges = Q_BINS[half:]
    folded = (q_hist[..., half:] + q_hist[..., :half][..., ::-1]) * np.diff(edges)
    cdf = np.concatenate([np.zeros((*folded.shape[:-1], 1)), np.cumsum(folded, axis=-1)], -1)
    return edges, cdf / cdf[..., -1:]


def weight_below_half(q_hist) -> np.ndarray:
    """``P(|q| < 1/2)`` from histograms over :data:`Q_BINS`, linear within the bin of ``1/2``.

    ``1/2`` is the middle of a bin, so a finite-N overlap ``|q| = 1/2``
    (``N`` a multiple of 4) counts half.

    Parameters
    ----------
    q_hist : array_like, shape (..., len(Q_BINS) - 1)
        Densities of ``q``.

    Returns
    -------
    ndarray, shape q_hist.shape[:-1]
    """
    edges, cdf = abs_overlap_cdf(q_hist)
    k = np.searchsorted(edges, 0.5) - 1
    return cdf[..., k] + (cdf[..., k + 1] - cdf[..., k]) * (0.5 - edges[k]) / (
        edges[k + 1] - edges[k]
    )


def _control(N, P, alpha, seed):
    """The Gaussian control's draw of a sample and the key of its samples' seeds."""
    N = check_int(N, "N", minimum=3)
    P = check_int(P, "P", minimum=3, maximum=N)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    return (
        lambda rng: PSpinGlass.sample(N, P, alpha, rng=rng),
        [seed, P, round(alpha * 1e9), N, 1],
    )


def _samples(key, n_samples) -> list:
    """Per disorder sample, the seeds of its network and of its two ladders."""
    return [child.spawn(3) for child in np.random.SeedSequence(key).spawn(n_samples)]


def _glass_tempering(draw, key, N, P, temps, n_samples, n_sweeps, n_burnin, gaussian=None) -> dict:
    """:func:`_tempering` in units where the energy's variance is ``N xi(1)`` at every N.

    Both glasses sum over ``N!/((N-P)! P!)`` index sets instead of
    ``N^P/P!``: energies are divided by ``sqrt(c_N)``, ``c_N = N!/((N-P)! N^P)``,
    and the chains run at ``T sqrt(c_N)`` (the same dynamics).  ``gaussian``:
    the variance of the couplings where they are Gaussian (the control).
    """
    scale = math.sqrt(math.perm(N, P) / N**P)
    identity = None if gaussian is None else (P, gaussian)
    out = _tempering(draw, key, scale * temps, n_samples, n_sweeps, n_burnin, identity)
    out["T"] = out["T"] / scale
    for name in ENERGIES:
        if name in out:
            out[name] = out[name] / scale
    return out


#: The returned quantities that are energies (rescaled with them).
ENERGIES = (
    "energy",
    "energy_error",
    "energy_overlap",
    "equilibration_gap",
    "equilibration_gap_error",
)


def replica_overlap_energy(N: int, P: int, variance: float, T, q) -> np.ndarray:
    """Energy per spin that two replicas' overlap implies, in equilibrium, for Gaussian couplings.

    For ``H = -sum_I J_I sigma_I`` over the P-subsets ``I`` with independent
    ``J_I ~ N(0, v)``, Gaussian integration by parts gives, averaged over the
    couplings, ``E <H> = -beta v sum_I (1 - <sigma_I>^2)``, and
    ``<sigma_I>^2 = <tau_I>`` with ``tau = sigma^a sigma^b`` of two independent
    replicas: ``E <H> = -beta v (C(N, P) - E <e_P(tau)>)``, ``e_P`` the
    elementary symmetric polynomial, a function of ``sum_i tau_i = N q``
    alone (:func:`hebbian.networks.dense.elementary_symmetric` of the power
    sums ``N q`` (odd) and ``N`` (even)).  For P = 2 this is
    ``-(beta/2)(1 - q^2)`` per spin (Katzgraber, Palassini and Young, Phys.
    Rev. B 63, 184422 (2001)).  Out of equilibrium the replicas overlap less,
    so this estimate lies below the energy, which comes down from above: the
    two meet in equilibrium.

    Parameters
    ----------
    N, P : int
        Spins and order of the couplings.
    variance : float
        ``v``, the variance of each ``J_I``.
    T : array_like
        Temperatures (the chains' units), broadcast against ``q``.
    q : array_like
        Overlaps ``sigma^a . sigma^b / N`` of the two replicas.

    Returns
    -------
    numpy.ndarray
        ``-(v / (T N)) (C(N, P) - e_P(tau))``, the broadcast shape of ``T`` and ``q``.
    """
    odd = N * np.asarray(q, np.float64)
    sums = np.stack([odd if k % 2 else np.full_like(odd, N) for k in range(1, P + 1)], -1)
    links = math.comb(N, P) - elementary_symmetric(sums, P)
    return -variance * links / (np.asarray(T, np.float64) * N)


def _tempering(
    draw, key, temps, n_samples, n_sweeps, n_burnin, gaussian=None
) -> dict[str, np.ndarray]:
    """Two ladders per sample of ``draw(rng)``: energies, ``P(q)`` and ``<q^2>``; with
    ``gaussian = (P, v)`` also :func:`replica_overlap_energy` and its gap to the energy."""
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    energies = np.empty((n_samples, temps.size))
    from_overlaps = np.empty((n_samples, temps.size))
    hist = np.zeros((temps.size, Q_BINS.size - 1))
    q2 = np.zeros(temps.size)
    swap_min = 1.0
    trips = []
    for s, (network, *ladders) in enumerate(_samples(key, n_samples)):
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
        if gaussian is not None:
            from_overlaps[s] = replica_overlap_energy(N, *gaussian, temps, q).mean(axis=0)
        for t in range(temps.size):
            hist[t] += np.histogram(q[:, t], Q_BINS)[0]
        q2 += (q**2).mean(axis=0)
        energies[s] = 0.5 * (runs[0].energy.mean(axis=0) + runs[1].energy.mean(axis=0))
        swap_min = min(swap_min, *(r.swap_acceptance.min() for r in runs))
        trips.extend(r.round_trips for r in runs)
    hist /= hist.sum(axis=1, keepdims=True) * np.diff(Q_BINS)
    out = {
        "T": temps,
        "energy": energies.mean(axis=0),
        "energy_error": energies.std(axis=0, ddof=1) / np.sqrt(n_samples),
        "q_hist": hist,
        "q2": q2 / n_samples,
        "swap_min": swap_min,
        "round_trips_min": int(min(trips)),
        "round_trips_mean": float(np.mean(trips)),
    }
    if gaussian is not None:
        gap = energies - from_overlaps
        out["energy_overlap"] = from_overlaps.mean(axis=0)
        out["equilibration_gap"] = gap.mean(axis=0)
        out["equilibration_gap_error"] = gap.std(axis=0, ddof=1) / np.sqrt(n_samples)
    return out
