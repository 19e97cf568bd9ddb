"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from hebbian import (
    DenseHopfield,
    ExponentialDAM,
    SherringtonKirkpatrick,
    binary_patterns,
    diluted_patterns,
    learned_network,
    noisy_examples,
)


@st.composite
def spins(draw, N: int) -> np.ndarray:
    """One Ising configuration of length N."""
    return np.array(
        draw(st.lists(st.sampled_from([-1, 1]), min_size=N, max_size=N)), dtype=np.int8
    )


@st.composite
def ternary_patterns(draw, N: int, max_K: int = 4, dilute: bool = True) -> np.ndarray:
    """A (K, N) pattern matrix with entries in {-1, +1} or {-1, 0, +1}."""
    K = draw(st.integers(1, max_K))
    values = [-1, 0, 1] if dilute else [-1, 1]
    flat = draw(st.lists(st.sampled_from(values), min_size=K * N, max_size=K * N))
    return np.array(flat, dtype=np.int8).reshape(K, N)


seeds = st.integers(0, 2**32 - 1)


@st.composite
def networks(draw):
    seed = draw(seeds)
    N = draw(st.integers(6, 40))
    K = draw(st.integers(1, 12))
    d = draw(st.sampled_from([0.0, 0.4]))
    xi = diluted_patterns(K, N, d, rng=seed)
    kind = draw(st.sampled_from(["exponential", "dense", "learned"]))
    if kind == "exponential":
        return ExponentialDAM(xi, lam=draw(st.sampled_from([0.2, 1.0, 4.0])))
    P = draw(st.integers(2, 6))
    if kind == "learned":
        M = draw(st.integers(1, 9))
        examples = noisy_examples(binary_patterns(K, N, rng=seed), M, 0.4, rng=seed + 1)
        protocol = draw(st.sampled_from(["supervised", "unsupervised"]))
        return learned_network(examples, min(P, 4), protocol=protocol)
    return DenseHopfield(xi, P=P, diagonal=draw(st.booleans()))


@st.composite
def sk_networks(draw):
    return SherringtonKirkpatrick.sample(draw(st.integers(2, 40)), rng=draw(seeds))
