"""Retrieval overlap at finite N: the Monte Carlo point of the theory-vs-simulation sweeps."""

from __future__ import annotations

import numpy as np

from hebbian import DenseHopfield, binary_patterns
from hebbian.mc.simulation import run

__all__ = ["retained_mean", "retrieval_overlap", "settle"]


def retrieval_overlap(
    P: int,
    alpha: float,
    T: float,
    N: int,
    *,
    n_samples: int,
    seed: int,
    n_sweeps: int = 200,
    n_burnin: int = 100,
    n_replicas: int = 2,
    threshold: float = 0.5,
) -> dict[str, float]:
    """Overlap of the retrieval state with the cued pattern, its error, and the fraction retained.

    ``K = round(alpha N^(P-1))`` random patterns, :class:`hebbian.DenseHopfield`
    without self-interactions (the normalization of :mod:`hebbian.theory.dense` and,
    for ``P = 2``, :mod:`hebbian.theory.hopfield`).  Every chain starts on pattern 0.
    At ``T = 0`` the overlap is read at the fixed point of zero-temperature
    dynamics; at ``T > 0`` it is the time average after ``n_burnin`` sweeps of
    Metropolis dynamics.

    A chain whose overlap falls below ``threshold`` has left the retrieval
    state: at finite N the barrier around a metastable (or even stable)
    retrieval state is finite and crossed in a time growing like ``e^{cN}``.
    The RS retrieval solution describes the state, so the overlap averages the
    chains that stayed (the retained fraction is returned; it goes to 1 as N
    grows wherever the state exists).  The error is the standard error over
    the disorder samples with a retained chain, floored at the resolution
    ``2/N`` of one spin.  The random streams derive from
    ``(seed, P, alpha, T, N)``, so every point is reproducible on its own.

    Returns
    -------
    dict
        ``m`` (NaN if no chain stayed), ``error`` and ``retained``, the
        fraction of chains that stayed.  A sweep task
        (``task = "hebbian.mc.retrieval:retrieval_overlap"``).
    """
    K = max(1, round(alpha * N ** (P - 1)))
    key = [seed, P, round(alpha * 1e9), round(T * 1e9), N]
    per_sample = []
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        net = DenseHopfield(binary_patterns(K, N, rng=rng), P=P)
        res = settle(net, T, "pattern", n_sweeps, n_burnin, n_replicas, rng)
        per_sample.append(res.overlaps[:, :, 0])  # (n_measurements, n_replicas)
    return retained_mean(per_sample, threshold, N)


def settle(net, T: float, start, n_sweeps: int, n_burnin: int, n_replicas: int, rng, probes=None):
    """Run ``net`` from ``start``: to a fixed point at ``T = 0`` (one measurement at
    the end), else ``n_burnin`` sweeps of Metropolis and a measurement every 5 sweeps."""
    return run(
        net,
        T=T,
        n_sweeps=n_sweeps,
        n_burnin=0 if T == 0 else n_burnin,
        start=start,
        rng=rng,
        n_replicas=n_replicas,
        measure_every=n_sweeps if T == 0 else 5,
        probes=probes,
    )


def retained_mean(per_sample, threshold: float, N: int, watch=None) -> dict[str, float]:
    """Mean overlap over the chains that stayed in the retrieval state, with its error.

    Parameters
    ----------
    per_sample : list of numpy.ndarray, shape (n_measurements, n_replicas)
        Overlap time series of the chains of each disorder sample.
    threshold : float
        A chain whose overlap ever falls to ``threshold`` or below has left.
    N : int
        Network size: the error is floored at one spin's resolution ``2/N``.
    watch : list of numpy.ndarray, optional
        The series that decide which chains stayed (default ``per_sample``):
        another observable averaged over the same chains.

    Returns
    -------
    dict
        ``m`` (NaN if no chain stayed), ``error`` (standard error over the
        samples with a retained chain) and ``retained`` (fraction of chains).
    """
    means, n_kept, n_chains = [], 0, 0
    for m, w in zip(per_sample, per_sample if watch is None else watch, strict=True):
        kept = w.min(axis=0) > threshold
        n_kept += int(kept.sum())
        n_chains += kept.size
        if kept.any():
            means.append(m[:, kept].mean())
    if not means:
        return {"m": np.nan, "error": np.nan, "retained": 0.0}
    means = np.array(means)
    spread = means.std(ddof=1) if len(means) > 1 else 1.0
    error = max(spread, 2.0 / N) / np.sqrt(len(means))
    return {"m": float(means.mean()), "error": float(error), "retained": n_kept / n_chains}
