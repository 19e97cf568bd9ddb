"""Retrieval overlap at finite N: the Monte Carlo point of the theory-vs-simulation sweeps."""

from __future__ import annotations

import math

import numpy as np

from hebbian import DenseHopfield, binary_patterns
from hebbian._checks import check_real
from hebbian.mc.constrained import at_overlap, bar_slope, check_ladder, overlap_slopes
from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import init
from hebbian.mc.simulation import run

__all__ = ["retained_mean", "retrieval_overlap", "retrieval_slope", "settle"]


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
    per_sample = []
    for net, rng in _samples(P, alpha, T, N, n_samples, seed):
        res = settle(net, T, "pattern", n_sweeps, n_burnin, n_replicas, rng)
        per_sample.append(res.overlaps[:, :, 0])  # (n_measurements, n_replicas)
    return retained_mean(per_sample, threshold, N)


def retrieval_slope(
    P: int,
    alpha: float,
    temperatures: list[float],
    N: int,
    *,
    overlaps: list[float],
    n_samples: int,
    seed: int,
    n_sweeps: int = 200,
    n_burnin: int = 100,
    n_ladders: int = 2,
    measure_every: int = 4,
) -> dict[str, np.ndarray]:
    """Slope of the free energy in the overlap with a stored pattern, at fixed overlaps,
    over a temperature ladder and disorder samples.

    The networks are :func:`retrieval_overlap`'s at the lowest temperature
    (the same samples); ``temperatures`` increase strictly.  For each of
    ``overlaps`` two neighbouring sectors, ``B`` and ``B - 1`` spins against
    pattern 0 (their midpoint ``1 - (2B - 1)/N`` the nearest to ``m``), are
    equilibrated by ``n_ladders`` ladders of the ``temperatures`` with pair
    moves that keep the overlap and replica exchange
    (:func:`hebbian.mc.constrained.overlap_slopes`), and the slope
    ``phi = (F_N(m') - F_N(m))/2`` between them, at their midpoint, follows
    by Bennett's acceptance ratio (:func:`hebbian.mc.constrained.bar_slope`)
    at every temperature: the quantity
    :func:`hebbian.theory.dense_rsb.constrained_rsb` computes as ``lambda``.
    A retrieval state exists where ``phi`` turns from negative to positive
    with growing ``m``.

    Returns
    -------
    dict
        Arrays of shape ``(len(temperatures), len(overlaps))``: ``slope``
        (mean over samples), ``error`` (standard error over samples),
        ``slope_samples`` (each sample's, a leading axis of ``n_samples``: the
        disorder shifts a sample's slopes at all temperatures together, so
        differences between temperatures are known better per sample),
        ``insertion`` and ``deletion`` (the one-sided estimates of the same
        slope from the lower and the upper sector alone, for comparison),
        ``acceptance`` (pair moves); ``m`` (the midpoints), ``T``,
        ``swap_acceptance`` (the lowest over neighbouring temperatures, per
        overlap, mean over samples and the two sectors) and ``round_trips``
        (per overlap and ladder, mean).  A sweep task
        (``task = "hebbian.mc.retrieval:retrieval_slope"``).
    """
    temps = check_ladder(temperatures)
    overlaps = [check_real(m, "overlaps", low=-1.0, high=1.0) for m in np.atleast_1d(overlaps)]
    run = {"n_sweeps": n_sweeps, "n_burnin": n_burnin, "measure_every": measure_every}
    rows = []
    for net, rng in _samples(P, alpha, float(temps[0]), N, n_samples, seed):
        row = [_between(net, _against(N, m), temps, n_ladders, rng, run) for m in overlaps]
        rows.append(row)
    a = np.array(rows).transpose(0, 2, 1, 3)  # (sample, T, overlap, quantity)
    spread = a[..., 1].std(axis=0, ddof=1) if n_samples > 1 else np.full(a.shape[1:3], np.nan)
    return {
        "m": a[0, 0, :, 0],
        "T": temps,
        "slope": a[..., 1].mean(axis=0),
        "error": spread / math.sqrt(n_samples),
        "slope_samples": a[..., 1],
        "insertion": a[..., 2].mean(axis=0),
        "deletion": a[..., 3].mean(axis=0),
        "acceptance": a[..., 4].mean(axis=0),
        "swap_acceptance": a[:, 0, :, 5].mean(axis=0),
        "round_trips": a[:, 0, :, 6].mean(axis=0),
    }


def _against(N: int, m: float) -> int:
    """``B``: the sectors of ``B`` and ``B - 1`` spins against the pattern have their
    midpoint ``1 - (2B - 1)/N`` nearest ``m`` (``2 <= B <= N``)."""
    return min(N, max(2, math.floor((N * (1 - m) + 1) / 2 + 0.5)))


def _between(net, B: int, temps: np.ndarray, n_ladders: int, rng, run: dict) -> list[tuple]:
    """Per temperature, :func:`retrieval_slope`'s quantities between the sectors of ``B`` and
    ``B - 1`` spins against pattern 0 of ``net``."""
    model, probe, N, R = kernel_model(net), net.patterns[0], net.N, n_ladders * temps.size

    def sector(against: int):
        start = at_overlap(probe, 1 - 2 * against / N, R, rng=rng)
        state = init(net, n_replicas=R, start=start, rng=rng)
        return overlap_slopes(model, state, probe, temps, **run)

    lower = sector(B)
    upper = sector(B - 1)
    swaps = np.concatenate([lower.swap_acceptance, upper.swap_acceptance])
    ladder = (swaps.min() if swaps.size else np.nan,
              (lower.round_trips + upper.round_trips) / (2 * n_ladders))  # fmt: skip
    m = 1 - (2 * B - 1) / N
    sides = zip(lower.works, upper.works, lower.slopes, upper.slopes, strict=True)
    return [
        (m, bar_slope(lo, hi), a.up, b.down, (a.acceptance + b.acceptance) / 2, *ladder)
        for lo, hi, a, b in sides
    ]


def _samples(P: int, alpha: float, T: float, N: int, n_samples: int, seed: int):
    """Per disorder sample: ``DenseHopfield`` of ``K = round(alpha N^(P-1))`` random
    patterns and the sample's generator, streams derived from ``(seed, P, alpha, T, N)``."""
    K = max(1, round(alpha * N ** (P - 1)))
    key = [seed, P, round(alpha * 1e9), round(T * 1e9), N]
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        yield DenseHopfield(binary_patterns(K, N, rng=rng), P=P), rng


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
