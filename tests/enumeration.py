"""Small networks whose 2^N states the sampler tests enumerate exactly."""

from __future__ import annotations

import numpy as np

from hebbian import (
    DenseHopfield,
    ExponentialDAM,
    SherringtonKirkpatrick,
    binary_patterns,
    diluted_patterns,
    learned_network,
    noisy_examples,
)

N = 8
STATES = (1 - 2 * ((np.arange(2**N)[:, None] >> np.arange(N)) & 1)).astype(np.int8)
CODES = 1 << np.arange(N)


def boltzmann(net, T):
    E = net.energy(STATES)
    w = np.exp(-(E - E.min()) / T)
    return w / w.sum()


#: Networks and a temperature each, at N = 8.
NETWORKS = {
    "hopfield": (DenseHopfield(binary_patterns(3, N, rng=1), P=2), 1.0),
    "dense3": (DenseHopfield(binary_patterns(4, N, rng=2), P=3), 0.6),
    "dense4-diagonal": (DenseHopfield(binary_patterns(3, N, rng=3), P=4, diagonal=True), 0.4),
    "diluted": (DenseHopfield(diluted_patterns(4, N, 0.3, rng=4), P=2), 0.8),
    "exponential": (ExponentialDAM(binary_patterns(6, N, rng=5), lam=0.5), 1.5),
    "sk": (SherringtonKirkpatrick.sample(N, rng=6), 0.4),
    # integer rows (example sums up to M = 5) and a real weight in front
    "supervised3": (
        learned_network(noisy_examples(binary_patterns(3, N, rng=7), 5, 0.5, rng=8), 3),
        0.5,
    ),
}
