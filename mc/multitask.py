"""Monte Carlo of multitasking networks: overlap amplitudes of their parallel-retrieval states."""

from __future__ import annotations

import warnings

import numpy as np

from hebbian import Hopfield, diluted_patterns, learned_network, noisy_examples
from hebbian.mc.retrieval import settle

__all__ = ["amplitudes", "hierarchical_start"]


def hierarchical_start(xi: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Each neuron follows its first non-blank pattern; neurons blank in all are random."""
    sigma = np.where(rng.random(xi.shape[1]) < 0.5, 1, -1).astype(np.int8)
    for row in xi[::-1]:  # the first pattern is written last and wins
        sigma = np.where(row != 0, row, sigma).astype(np.int8)
    return sigma


def amplitudes(
    K: int,
    d: float,
    T: float,
    N: int,
    *,
    n_samples: int,
    seed: int,
    r: float = 1.0,
    M: int = 1,
    protocol: str = "supervised",
    alpha: float = 0.0,
    n_sweeps: int = 200,
    n_burnin: int = 100,
) -> dict[str, float]:
    """Mattis overlaps of a multitasking network started in the hierarchical configuration.

    ``K`` diluted patterns (dilution ``d``; plus ``round(alpha N)`` more,
    stored but not cued: beyond low storage), pairwise Hebbian couplings from
    the patterns themselves (``r = 1, M = 1``: :class:`hebbian.Hopfield`) or
    learned from ``M`` examples of quality ``r`` (:func:`hebbian.learned_network`,
    overlaps measured with the archetypes).  Chains start with every neuron on
    its first non-blank pattern; overlaps are read at the ``T = 0`` fixed
    point, or time-averaged after burn-in at ``T > 0``.  Per sample the
    mean moduli of the overlaps are ranked by size (the state's levels); ranks
    are averaged over samples.

    Warns when ``K`` exceeds :func:`hebbian.theory.multitask.max_levels`-like
    resolution: the last level ``(1-d) d^(K-1)`` below three standard
    deviations ``sqrt((1-d)/N)`` of a random overlap.

    Returns
    -------
    dict
        ``m1..mK`` (ranked amplitudes) and ``error1..errorK``.  A sweep task
        (``task = "hebbian.mc.multitask:amplitudes"``).
    """
    if (1 - d) * d ** (K - 1) < 3 * np.sqrt((1 - d) / N):
        warnings.warn(
            f"K={K} levels at d={d:g}: the last level (1-d) d^(K-1) = "
            f"{(1 - d) * d ** (K - 1):.3g} "
            f"is below the finite-size noise 3 sqrt((1-d)/N) = {3 * np.sqrt((1 - d) / N):.3g} "
            f"at N={N}; it cannot be resolved (low storage needs K ~ log N)",
            stacklevel=2,
        )
    key = [seed, K, round(d * 1e9), round(T * 1e9), N, round(r * 1e9), M, round(alpha * 1e9)]
    key.append(["supervised", "unsupervised"].index(protocol))
    ranked = []
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        xi = diluted_patterns(K + round(alpha * N), N, d, rng=rng)
        if r == 1.0 and M == 1:
            net = Hopfield(xi)
        else:
            net = learned_network(noisy_examples(xi, M, r, rng=rng), 2, protocol=protocol)
        cued = xi[:K]
        res = settle(net, T, hierarchical_start(cued, rng), n_sweeps, n_burnin, 1, rng, cued)
        # each overlap's sign is a symmetry (H depends on m^2): rank the mean moduli
        ranked.append(np.sort(np.abs(res.probe_overlaps[:, 0, :]).mean(axis=0))[::-1])
    ranked = np.array(ranked)
    error = ranked.std(axis=0, ddof=1) / np.sqrt(n_samples) if n_samples > 1 else np.ones(K)
    error = np.maximum(error, 2.0 / N / np.sqrt(n_samples))
    out = {f"m{k + 1}": float(v) for k, v in enumerate(ranked.mean(axis=0))}
    out.update({f"error{k + 1}": float(v) for k, v in enumerate(error)})
    return out
