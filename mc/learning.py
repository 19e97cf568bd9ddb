"""Monte Carlo of networks learning from examples: the points of the learning figures."""

from __future__ import annotations

import numpy as np

from hebbian import binary_patterns, learned_network, noisy_examples
from hebbian.mc.retrieval import retained_mean, settle

__all__ = ["archetype_overlap"]


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
) -> dict[str, float]:
    """Archetype and example-mean overlaps of a learned network's retrieval state.

    Each disorder sample draws ``K = round(alpha N^(P-1))`` archetypes (or
    the given ``K`` at low load), ``M`` examples of quality ``r`` each, and
    the network of ``protocol`` (:func:`hebbian.learned_network`).  Chains
    start on archetype 0, which the network never saw; the overlaps are read
    as in :func:`hebbian.mc.retrieval.retrieval_overlap` (fixed point at ``T = 0``,
    time average after burn-in at ``T > 0``, chains that fall to
    ``threshold`` discarded and counted).

    Returns
    -------
    dict
        ``m``, ``error`` (archetype overlap), ``n``, ``n_error`` (overlap
        with the example mean, ``(1/(r N)) sum_i etabar_i sigma_i``) and
        ``retained``.  A sweep task (``task = "hebbian.mc.learning:archetype_overlap"``).
    """
    K = K or max(1, round(alpha * N ** (P - 1)))
    key = [seed, P, round(alpha * 1e9), round(T * 1e9), N, round(r * 1e9), M, K]
    key += [["supervised", "unsupervised"].index(protocol), ["exact", "plefka"].index(tensor)]
    archetype, mean = [], []
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        examples = noisy_examples(binary_patterns(K, N, rng=rng), M, r, rng=rng)
        net = learned_network(examples, P, protocol=protocol, tensor=tensor)
        probes = np.stack([examples.archetypes[0], examples.means()[0] / r])
        res = settle(net, T, examples.archetypes[0], n_sweeps, n_burnin, n_replicas, rng, probes)
        archetype.append(res.probe_overlaps[:, :, 0])
        mean.append(res.probe_overlaps[:, :, 1])
    m = retained_mean(archetype, threshold, N)
    n = retained_mean(mean, threshold, N, watch=archetype)
    return {**m, "n": n["m"], "n_error": n["error"]}
