"""The Hebbian cost is a support-weighted product of sum-squared-error losses."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import seeds

from hebbian import DenseHopfield, diluted_patterns
from hebbian.losses import sse_losses


@given(seed=seeds, K=st.integers(1, 6), N=st.integers(4, 40), d=st.sampled_from([0.0, 0.3, 0.7]))
def test_cost_equals_the_weighted_product_of_losses(seed, K, N, d):
    rng = np.random.default_rng(seed)
    xi = np.array(diluted_patterns(K, N, d, rng=rng))  # a writable copy
    xi[:, 0] = 1  # no blank row
    sigma = np.where(rng.random((3, N)) < 0.5, 1, -1)
    plus, minus = sse_losses(xi, sigma)
    on_support = (xi != 0)[None, :, :]
    squared = on_support * (xi[None, :, :] - sigma[:, None, :]) ** 2
    direct = squared.sum(axis=2) / (2 * (xi != 0).sum(axis=1))
    assert plus == pytest.approx(direct)
    weight = ((xi != 0).sum(axis=1) / N) ** 2
    cost = -(N / 2) * np.sum(weight * (1 - plus * minus), axis=-1)
    assert cost == pytest.approx(DenseHopfield(xi, P=2, diagonal=True).energy(sigma))


def test_retrieved_pattern_has_zero_loss_and_blank_rows_are_refused():
    xi = np.array(diluted_patterns(3, 50, 0.4, rng=1))
    xi[:, 0] = 1
    sigma = np.where(xi[0] != 0, xi[0], 1)
    assert sse_losses(xi, sigma)[0][0] == 0.0
    with pytest.raises(ValueError, match="blank row"):
        sse_losses(np.zeros((1, 4), int), np.ones(4))
