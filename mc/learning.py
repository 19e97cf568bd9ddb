"""Monte Carlo of networks learning from examples: the points of the learning figures."""

from __future__ import annotations

import math

import numpy as np

from hebbian import binary_patterns, learned_network, noisy_examples
from hebbian._checks import check_real
from hebbian.mc.constrained import at_overlap, overlap_slope
from hebbian.mc.model import kernel_model
from hebbian.mc.retrieval import retained_mean, settle
from hebbian.mc.sampler import Dynamics, init, step

__all__ = ["archetype_overlap", "archetype_slope", "class_detection", "fixed_points"]

#: Zero-temperature single-flip dynamics in sequential order: a descent to a fixed point.
ZERO_T = Dynamics(T=0.0, rule="zero-T", order="sequential")


def archetype_overlap(
    P: int,
    alpha: float,
    T: float,
    N: int,
    r: float,
    M: int,
    *,
    K: int = 0,
    protocol: str = "supervised",
    tensor: str = "exact",
    n_samples: int,
    seed: int,
    n_sweeps: int = 200,
    n_burnin: int = 100,
    n_replicas: int = 2,
    threshold: float = 0.2,
    example_ceiling: float | None = None,
) -> dict[str, float]:
    """Archetype and example-mean overlaps of a learned network's retrieval state.

    Each disorder sample draws ``K = round(alpha N^(P-1))`` archetypes (or
    the given ``K`` at low load), ``M`` examples of quality ``r`` each, and
    the network of ``protocol`` (:func:`hebbian.learned_network`).  Chains
    start on archetype 0, which the network never saw; the overlaps are read
    as in :func:`hebbian.mc.retrieval.retrieval_overlap` (fixed point at ``T = 0``,
    time average after burn-in at ``T > 0``, chains that fall to
    ``threshold`` discarded and counted).  Given ``example_ceiling``, a chain
    whose overlap with one of archetype 0's examples ever exceeds it has
    fallen into that example's state (where one example outweighs the
    archetype, ``M r^P < 1`` unsupervised, that state competes with the
    archetype's) and counts as left too.

    Returns
    -------
    dict
        ``m``, ``error`` (archetype overlap), ``n``, ``n_error`` (overlap
        with the example mean, ``(1/(r N)) sum_i etabar_i sigma_i``) and
        ``retained``; given ``example_ceiling`` also ``in_example``, the
        fraction of chains that fell into an example's state (so ``1 -
        retained - in_example`` lost the archetype otherwise).  A sweep task
        (``task = "hebbian.mc.learning:archetype_overlap"``).
    """
    if example_ceiling is not None:
        example_ceiling = check_real(
            example_ceiling,
            "example_ceiling",
            low=0,
            high=1,
            low_open=True,
            high_open=True,
            fix="an example's own state has overlap ~1 with it, e.g. 0.9",
        )
    archetype, mean, watch, fell = [], [], [], []
    for examples, net, rng in _samples(P, alpha, T, N, r, M, K, protocol, tensor, n_samples, seed):
        probes = [examples.archetypes[0], examples.means()[0] / r]
        if example_ceiling is not None:
            probes.extend(examples.examples[0])
        res = settle(
            net, T, examples.archetypes[0], n_sweeps, n_burnin, n_replicas, rng, np.stack(probes)
        )
        archetype.append(res.probe_overlaps[:, :, 0])
        mean.append(res.probe_overlaps[:, :, 1])
        if example_ceiling is not None:
            inside = np.abs(res.probe_overlaps[:, :, 2:]).max(axis=2) > example_ceiling
            watch.append(np.where(inside, -np.inf, archetype[-1]))  # such a chain has left
            fell.append(inside.any(axis=0))
    watch = watch or archetype
    m = retained_mean(archetype, threshold, N, watch=watch)
    n = retained_mean(mean, threshold, N, watch=watch)
    out = {**m, "n": n["m"], "n_error": n["error"]}
    if example_ceiling is not None:
        out["in_example"] = float(np.mean(fell))
    return out


def _samples(P, alpha, T, N, r, M, K, protocol, tensor, n_samples, seed):
    """Per disorder sample: the examples, the learned network and the sample's generator.

    ``K = round(alpha N^(P-1))`` archetypes unless ``K`` is given; the streams
    derive from every parameter, so each point is reproducible on its own and
    the tasks of one point share their samples.
    """
    K = K or max(1, round(alpha * N ** (P - 1)))
    key = [seed, P, round(alpha * 1e9), round(T * 1e9), N, round(r * 1e9), M, K]
    key += [["supervised", "unsupervised"].index(protocol), ["exact", "plefka"].index(tensor)]
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        examples = noisy_examples(binary_patterns(K, N, rng=rng), M, r, rng=rng)
        yield examples, learned_network(examples, P, protocol=protocol, tensor=tensor), rng


def archetype_slope(
    P: int,
    alpha: float,
    T: float,
    N: int,
    r: float,
    M: int,
    *,
    overlaps: list[float],
    K: int = 0,
    protocol: str = "supervised",
    tensor: str = "exact",
    n_samples: int,
    seed: int,
    n_sweeps: int = 200,
    n_burnin: int = 100,
    n_replicas: int = 2,
) -> dict[str, np.ndarray]:
    """Slope of the free energy in the archetype overlap, at fixed overlaps, over disorder samples.

    The networks are those of :func:`archetype_overlap` (the same samples at
    the same point); at each of ``overlaps`` the chains start on archetype 0
    with the nearest number of spins flipped, equilibrate with pair moves that
    keep that overlap and measure ``phi(m) = (F_N(m + 2/N) - F_N(m)) / 2``
    (:func:`hebbian.mc.constrained.overlap_slope`).  A retrieval state exists
    where ``phi`` is negative at some ``m`` (the free energy still falls
    towards the archetype), so the load at which ``min_m phi`` reaches zero is
    the finite-``N`` retrieval spinodal, an equilibrium quantity.

    Returns
    -------
    dict
        ``m`` (the overlaps used), ``slope`` (mean over samples of each
        sample's pooled estimate), ``error`` (standard error over samples),
        ``gap`` (mean insertion minus deletion estimate: ``2/N`` times the
        curvature in equilibrium, larger where sampling biases them) and
        ``acceptance`` (of the pair moves).  A sweep task
        (``task = "hebbian.mc.learning:archetype_slope"``).
    """
    dynamics = Dynamics(T=T)
    rows = []
    for examples, net, rng in _samples(P, alpha, T, N, r, M, K, protocol, tensor, n_samples, seed):
        model = kernel_model(net)
        probe = examples.archetypes[0]
        row = []
        for m in overlaps:
            start = at_overlap(probe, m, n_replicas, rng=rng)
            state = init(net, n_replicas=n_replicas, start=start, rng=rng)
            res = overlap_slope(
                model, state, probe, dynamics, n_sweeps=n_sweeps, n_burnin=n_burnin
            )
            row.append((res.m, res.slope, res.up - res.down, res.acceptance))
        rows.append(row)
    a = np.array(rows)  # (sample, overlap, (m, slope, gap, acceptance))
    error = a[:, :, 1].std(axis=0, ddof=1) / math.sqrt(n_samples) if n_samples > 1 else np.nan
    return {
        "m": a[0, :, 0],
        "slope": a[:, :, 1].mean(axis=0),
        "error": error * np.ones(len(overlaps)),
        "gap": a[:, :, 2].mean(axis=0),
        "acceptance": a[:, :, 3].mean(axis=0),
    }


def fixed_points(net, starts: np.ndarray, seed, max_sweeps: int = 200) -> np.ndarray:
    """Zero-temperature fixed points reached from each row of ``starts`` (sequential updates).

    Raises
    ------
    RuntimeError
        If some chain is still moving after ``max_sweeps`` sweeps.
    """
    state = init(net, n_replicas=len(starts), start=starts, rng=seed)
    step(kernel_model(net), state, ZERO_T, max_sweeps)
    if not state.at_fixed_point.all():
        raise RuntimeError(
            f"zero-temperature dynamics did not reach a fixed point in {max_sweeps} sweeps"
        )
    return state.sigma


def class_detection(
    P: int,
    N: int,
    K: int,
    rho: float,
    M: int = 1,
    *,
    n_samples: int,
    seed: int,
    threshold: float = 0.5,
) -> dict[str, float]:
    """Fraction of disorder samples in which the cued class is detected (ultra-detection).

    Each sample draws ``K`` archetypes, ``M`` examples of each at the quality
    ``r = (1 + M rho)^(-1/2)`` of data-set entropy ``rho``, and the supervised
    network (:func:`hebbian.learned_network`); zero-temperature dynamics start
    on archetype 0 (never shown).  The class is detected when the fixed point's
    overlap ``n~`` with the stored class vector ``y = etabar / sqrt(R)``
    exceeds ``threshold`` (the class state has ``n~ = E|y| ~ 0.8``; the
    other fixed points ``O(N^(-1/2))``); see :mod:`hebbian.theory.ultra_detection`.
    A sample that fails either ends on another class's state (``|n~_mu| >
    threshold`` for some ``mu > 1``: that class won the competition) or on none.

    Returns
    -------
    dict
        ``detected`` (fraction), ``error`` (binomial standard error, floored at
        one sample), ``other`` (fraction not detected, ending on another class's state),
        ``m`` (mean archetype overlap of the fixed points), ``r``.
        A sweep task (``task = "hebbian.mc.learning:class_detection"``).
    """
    r = 1 / math.sqrt(1 + M * rho)
    key = [seed, P, N, K, M, round(rho * 1e9), round(threshold * 1e9)]
    hits, others, overlaps = [], [], []
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        examples = noisy_examples(binary_patterns(K, N, rng=rng), M, r, rng=rng)
        net = learned_network(examples, P)
        final = fixed_points(net, examples.archetypes[:1], rng)[0].astype(np.int32)
        stored = (examples.sums() @ final) / (M * math.sqrt(examples.R) * N)
        hits.append(float(stored[0]) > threshold)
        others.append(not hits[-1] and bool(np.any(np.abs(stored[1:]) > threshold)))
        overlaps.append(float(examples.archetypes[0] @ final) / N)
    p = float(np.mean(hits))
    error = max(math.sqrt(p * (1 - p) / n_samples), 1 / n_samples)
    return {
        "detected": p,
        "error": error,
        "other": float(np.mean(others)),
        "m": float(np.mean(overlaps)),
        "r": r,
    }
