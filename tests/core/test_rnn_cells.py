"""Random GRU and LSTM cells: Jacobians, gate limits, fixed-point spectra, map Lyapunov spectra.

References
----------
Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020) (gated cells, slow modes).
Girko, Theory Probab. Appl. 29, 694 (1985) (circular law).
Benettin et al., Meccanica 15, 9 (1980).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.special import expit
from strategies import seeds

from hebbian.rnn import (
    GRUCell,
    LSTMCell,
    fixed_point_eigenvalues,
    jacobian_spectrum,
    map_lyapunov_spectrum,
    slow_mode_fraction,
    spectral_support,
)

gains = st.floats(0.0, 4.0)
biases = st.floats(-2.0, 2.0)


@st.composite
def gru_cells(draw):
    return GRUCell.sample(
        draw(st.integers(1, 6)),
        draw(gains),
        a_z=draw(gains),
        a_r=draw(gains),
        b_z=draw(biases),
        b_r=draw(biases),
        b_h=draw(biases),
        rng=draw(seeds),
    )


@st.composite
def lstm_cells(draw):
    return LSTMCell.sample(
        draw(st.integers(1, 5)),
        draw(gains),
        a_f=draw(gains),
        a_i=draw(gains),
        a_o=draw(gains),
        b_f=draw(biases),
        b_i=draw(biases),
        b_o=draw(biases),
        b_g=draw(biases),
        rng=draw(seeds),
    )


cells = st.one_of(gru_cells(), lstm_cells())


def _state(cell, seed, scale=1.5):
    return np.random.default_rng(seed).normal(scale=scale, size=cell.n_dim)


def _central_differences(cell, x, eps=1e-6):
    cols = [
        (cell.step(x + eps * e) - cell.step(x - eps * e)) / (2 * eps) for e in np.eye(cell.n_dim)
    ]
    return np.array(cols).T


def _matched_distance(a, b):
    """Largest distance between two multisets of complex numbers under the best matching."""
    cost = np.abs(a[:, None] - b[None, :])
    rows, cols = linear_sum_assignment(cost)
    return cost[rows, cols].max()


@given(cells, seeds)
def test_analytic_jacobian_equals_central_differences(cell, seed):
    x = _state(cell, seed)
    jac = cell.jacobian(x)
    # central differences: O(eps^2) truncation and O(1e-16 / eps) rounding
    assert np.abs(jac - _central_differences(cell, x)).max() <= 1e-6 * (1 + np.abs(jac).max())


@given(cells, seeds)
def test_jacobian_product_equals_the_dense_jacobian_times_v(cell, seed):
    x = _state(cell, seed)
    V = np.random.default_rng(seed + 1).normal(size=(cell.n_dim, 3))
    jac = cell.jacobian(x)
    np.testing.assert_allclose(cell.jacobian_product(x, V), jac @ V, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cell.jacobian_product(x, V[:, 0]), jac @ V[:, 0], atol=1e-12)


def test_gru_with_open_gates_is_the_vanilla_discrete_network():
    # a = 0, b = 40: sigma(40) == 1.0 in double precision, so r * h = h and h' = 0 * h + c
    cell = GRUCell.sample(30, 1.7, a_z=0.0, a_r=0.0, b_z=40.0, b_r=40.0, b_h=0.3, rng=1)
    h = _state(cell, 2)
    np.testing.assert_array_equal(cell.step(h), np.tanh(1.7 * (cell.Uh @ h) + 0.3))


def test_gru_with_a_shut_update_gate_keeps_its_state():
    # sigma(-40) ~ 4e-18: h' = 1.0 * h + sigma(-40) c, equal to h up to that and rounding
    cell = GRUCell.sample(30, 3.0, a_z=0.0, b_z=-40.0, b_h=0.5, rng=1)
    h = _state(cell, 3)
    orbit = cell.iterate(h, 5)
    assert np.all(np.abs(orbit - h) <= 5 * (expit(-40.0) + np.spacing(np.abs(h))))
    np.testing.assert_array_equal(GRUCell(cell.Uz, cell.Ur, cell.Uh, 3.0, b_z=-800.0).step(h), h)


def test_iterate_records_every_nth_state():
    cell = LSTMCell.sample(4, 2.0, b_g=0.2, rng=0)
    x0 = _state(cell, 1)
    orbit = cell.iterate(x0, 7, record_every=3)
    assert orbit.shape == (3, 8)
    x = x0
    for n in range(1, 7):
        x = cell.step(x)
        if n % 3 == 0:
            np.testing.assert_array_equal(orbit[n // 3], x)


@pytest.mark.parametrize(("b_z", "b_r"), [(0.0, 0.0), (-3.0, 1.0)])
def test_gru_spectrum_at_zero_fills_the_predicted_disc(b_z, b_r):
    N, g = 400, 2.0
    cell = GRUCell.sample(N, g, b_z=b_z, b_r=b_r, rng=7)
    support = spectral_support(cell)
    z0, r0 = expit(b_z), expit(b_r)
    assert support.centre == 1 - z0  # exact
    assert support.radius == pytest.approx(g * z0 * r0, rel=1e-15)
    eigs = jacobian_spectrum(cell, np.zeros(N))
    assert eigs.mean() == pytest.approx(support.centre, abs=0.02 * support.radius)
    measured = np.abs(eigs - support.centre).max()
    assert abs(measured / support.radius - 1) < 0.05


def test_lstm_eigenvalues_at_zero_come_from_those_of_ug():
    cell = LSTMCell.sample(40, 2.5, a_f=2.0, a_i=0.7, b_f=1.0, b_i=-0.5, b_o=0.3, rng=3)
    predicted = fixed_point_eigenvalues(cell)
    f0, i0, o0 = expit([1.0, -0.5, 0.3])
    centre, radius, points = spectral_support(cell)
    assert (centre, points) == (f0, (0.0,))
    assert radius == pytest.approx(2.5 * i0 * o0, rel=1e-15)
    np.testing.assert_allclose(
        predicted[:40], f0 + 2.5 * i0 * o0 * np.linalg.eigvals(cell.Ug), rtol=0, atol=1e-14
    )
    assert np.all(predicted[40:] == 0)
    assert _matched_distance(predicted, jacobian_spectrum(cell, np.zeros(80))) < 1e-8


def test_gru_fixed_point_eigenvalues_match_the_jacobian():
    cell = GRUCell.sample(30, 1.5, b_z=-1.0, b_r=0.5, rng=4)
    eigs = jacobian_spectrum(cell, np.zeros(30))
    assert _matched_distance(fixed_point_eigenvalues(cell), eigs) < 1e-10


def test_slow_modes_accumulate_as_the_update_gate_shuts():
    # lambda = 1 + z0 (g r0 mu - 1): for z0 <= 1/2 each |lambda| falls towards 1 as z0 falls
    cell = GRUCell.sample(200, 1.0, rng=5)
    fractions = [
        slow_mode_fraction(fixed_point_eigenvalues(dataclasses.replace(cell, b_z=b_z)), 0.02)
        for b_z in (0.0, -1.0, -2.0, -3.0, -4.0, -5.0, -6.0, -8.0)
    ]
    assert np.all(np.diff(fractions) >= 0), fractions
    assert fractions[0] < 0.05
    assert fractions[-1] == 1.0


def test_slow_mode_fraction_counts_the_annulus():
    assert slow_mode_fraction([1.0, 0.97, -1.0j, 1.03, 2.0], eps=0.05) == 0.8
    assert slow_mode_fraction(np.array([0.5, 1.5]), eps=0.1) == 0.0


def test_map_lyapunov_spectrum_at_a_fixed_point_is_log_abs_eigenvalues():
    # h = 0 is a fixed point (b_h = 0): the orbit stays there and the map is linear, J(0)
    cell = GRUCell.sample(6, 0.8, b_z=-0.5, b_r=0.2, rng=6)
    res = map_lyapunov_spectrum(cell, np.zeros(6), 400, n_transient=50, rng=1)
    expected = np.sort(np.log(np.abs(np.linalg.eigvals(cell.jacobian(np.zeros(6))))))[::-1]
    # the frame converges like |lambda_{i+1} / lambda_i|^n; the estimate's bias is O(1 / n)
    np.testing.assert_allclose(res.exponents, expected, atol=0.02)
    assert np.all(np.diff(res.running, axis=1) <= 0)
    assert res.steps.tolist() == list(range(1, 401))


@pytest.mark.parametrize(
    "cell",
    [
        GRUCell.sample(8, 4.0, a_z=2.0, b_h=0.3, rng=7),
        LSTMCell.sample(4, 4.0, a_f=2.0, b_f=0.5, b_g=0.3, rng=8),
    ],
    ids=["gru", "lstm"],
)
@pytest.mark.parametrize("reorth_every", [1, 3])
def test_full_spectrum_sums_to_the_mean_log_determinant(cell, reorth_every):
    x0 = _state(cell, 9, scale=1.0)
    res = map_lyapunov_spectrum(cell, x0, 60, n_transient=20, reorth_every=reorth_every, rng=2)
    orbit = cell.iterate(x0, 80)
    logdet = np.mean([np.linalg.slogdet(cell.jacobian(x))[1] for x in orbit[20:80]])
    assert res.exponents.sum() == pytest.approx(logdet, rel=1e-10, abs=1e-10)
    np.testing.assert_allclose(res.state, orbit[80], rtol=0, atol=1e-12)
    # one exponent from another initial vector: the same up to the O(1 / n) frame bias
    first = map_lyapunov_spectrum(cell, x0, 60, k=1, n_transient=20, rng=2).exponents
    assert first == pytest.approx(res.exponents[:1], abs=2e-3)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: GRUCell.sample(0, 1.0), "N=0 must be >= 1"),
        (lambda: LSTMCell.sample(-3, 1.0), "N=-3 must be >= 1"),
        (lambda: GRUCell.sample(2, -1.0), "g=-1 must be in"),
        (lambda: GRUCell.sample(2, 1.0, a_z=-0.5), "a_z=-0.5 must be in"),
        (lambda: LSTMCell.sample(2, 1.0, b_f=np.nan), "b_f=nan is not a number"),
        (lambda: GRUCell(np.eye(2), np.eye(3), np.eye(2), 1.0), r"Ur has shape \(3, 3\); pass"),
        (lambda: GRUCell(np.zeros((2, 3)), np.eye(2), np.eye(2), 1.0), r"Uz has shape \(2, 3\)"),
        (
            lambda: LSTMCell(np.eye(2), np.eye(2), np.eye(2), np.full((2, 2), np.nan), 1.0),
            "Ug contains NaN",
        ),
    ],
)
def test_bad_cells_raise_clear_errors(build, match):
    with pytest.raises(ValueError, match=match):
        build()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda c: c.step(np.zeros(3)), r"x has shape \(3,\); pass .* shape \(8,\) = \(h, c\)"),
        (lambda c: c.jacobian(np.full(8, np.nan)), "x contains NaN or inf"),
        (lambda c: c.jacobian_product(np.zeros(8), np.ones(5)), r"V has shape \(5,\)"),
        (lambda c: c.iterate(np.zeros(8), -1), "n_steps=-1 must be >= 0"),
        (lambda c: c.iterate(np.zeros(8), 5, record_every=0), "record_every=0 must be >= 1"),
        (lambda c: map_lyapunov_spectrum(c, np.zeros(8), 0), "n_steps=0 must be >= 1"),
        (lambda c: map_lyapunov_spectrum(c, np.zeros(8), 5, k=9), "k=9 exceeds the dimension"),
        (lambda c: map_lyapunov_spectrum(c, np.zeros(7), 5), r"x0 has shape \(7,\)"),
        (lambda c: spectral_support(c, np.ones(8)), "pass x=None"),
        (
            lambda c: spectral_support(dataclasses.replace(c, b_g=0.5)),
            r"b_g=0\.5: x = 0 is a fixed point only",
        ),
        (lambda c: slow_mode_fraction([], 0.1), "pass a non-empty array"),
        (lambda c: slow_mode_fraction([1.0], 0.0), r"eps=0 must be in \(0, inf\)"),
    ],
)
def test_bad_arguments_raise_clear_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call(LSTMCell.sample(4, 1.0, rng=0))


def test_spectral_support_rejects_other_objects():
    with pytest.raises(TypeError, match="a GRUCell or an LSTMCell"):
        spectral_support(object())
