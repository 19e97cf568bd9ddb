"""Finite-size extrapolation: exact on exact data, honest error bars, clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hebbian.mc import extrapolate


@given(
    st.floats(-2, 2),
    st.floats(-50, 50),
    st.sampled_from([0.5, 1.0, 2.0]),
)
def test_exact_data_are_fitted_exactly(value, slope, omega):
    N = np.array([50, 100, 200, 400])
    fit = extrapolate(N, value + slope * N**-omega, np.full(4, 1e-3), omega=omega)
    assert fit.value == pytest.approx(value, abs=1e-9)
    assert fit.slope == pytest.approx(slope, abs=1e-6)
    assert fit.chi2 == pytest.approx(0.0, abs=1e-12)
    assert fit.dof == 2


def test_error_bars_cover_the_truth_at_the_stated_rate():
    rng = np.random.default_rng(3)
    N = np.array([100, 200, 400, 800])
    sigma = np.array([0.02, 0.015, 0.01, 0.008])
    pulls, chi2 = [], []
    for _ in range(2000):
        fit = extrapolate(N, 0.9 - 3 / N + sigma * rng.standard_normal(4), sigma)
        pulls.append((fit.value - 0.9) / fit.error)
        chi2.append(fit.chi2)
    assert np.std(pulls) == pytest.approx(1.0, abs=0.05)
    assert np.mean(chi2) == pytest.approx(2.0, abs=0.15)  # chi-square with 2 dof


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="two distinct positive sizes"):
        extrapolate([100, 100], [1, 1], [0.1, 0.1])
    with pytest.raises(ValueError, match="errors must be > 0"):
        extrapolate([100, 200], [1, 1], [0.0, 0.1])
    with pytest.raises(ValueError, match="one length"):
        extrapolate([100, 200, 300], [1, 1], [0.1, 0.1])
    with pytest.raises(ValueError, match="omega=0 must be > 0"):
        extrapolate([100, 200], [1, 1], [0.1, 0.1], omega=0)
