"""Hypothesis strategies shared by the tests."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


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
