"""Gaussian averages of local-field functions against adaptive quadrature.

:func:`hebbian.theory.quadrature.field_quadrature` claims an error below 1e-12 for
``tanh``, ``tanh^2``, ``log 2cosh`` and ``sech^4`` of ``beta h`` with
``h = mean + std z``, at every ``beta`` including ``inf``.  The reference is
``scipy.integrate.quad`` on ``[-12, 12]`` with breakpoints at the kink
``z0 = -mean/std`` and at ``z0 +- k / (beta std)`` so that it resolves the
sharp integrands too.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from hebbian.theory.quadrature import (
    _panel_rule,
    field_quadrature,
    gauss_hermite,
    gaussian_average,
)

Z_REF = 12.0
SQRT_2PI = math.sqrt(2 * math.pi)


def _sech4(u):
    """``sech^4 u`` without overflow (no RuntimeWarning at huge ``|u|``)."""
    e = np.exp(-2 * np.abs(u))
    return (2 * np.sqrt(e) / (1 + e)) ** 4


#: name -> g(h, beta) for finite beta
FINITE = {
    "tanh": lambda h, beta: np.tanh(beta * h),
    "tanh^2": lambda h, beta: np.tanh(beta * h) ** 2,
    "log 2cosh": lambda h, beta: np.logaddexp(beta * h, -beta * h),
    "sech^4": lambda h, beta: _sech4(beta * h),
}
#: the beta = inf limits of the above (up to normalization): sign and |h|
INFINITE = {"sign": np.sign, "abs": np.abs}


def _breakpoints(mean: float, std: float, beta: float) -> list[float]:
    z0 = -mean / std
    points = [z0]
    if math.isfinite(beta):
        width = 1.0 / (beta * std)
        for k in (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0):
            points += [z0 - k * width, z0 + k * width]
    points += list(np.linspace(-Z_REF, Z_REF, 9)[1:-1])
    inside = sorted({p for p in points if -Z_REF < p < Z_REF})
    # quad dislikes breakpoints closer than its own resolution
    thinned = [p for i, p in enumerate(inside) if i == 0 or p - inside[i - 1] > 1e-9]
    return thinned


def _reference(g, mean: float, std: float, beta: float) -> float:
    def integrand(z):
        return float(g(np.float64(mean + std * z))) * math.exp(-0.5 * z * z) / SQRT_2PI

    with warnings.catch_warnings():
        # an odd integrand averaging to ~0 cannot meet epsrel; epsabs is what counts
        warnings.simplefilter("ignore", integrate.IntegrationWarning)
        value, err = integrate.quad(
            integrand,
            -Z_REF,
            Z_REF,
            points=_breakpoints(mean, std, beta),
            limit=2000,
            epsabs=1e-14,
            epsrel=1e-13,
        )
    assert err < 1e-12 * max(1.0, abs(value)), f"reference itself unreliable: {value} +- {err}"
    return value


means = st.floats(-3.0, 3.0)
stds = st.floats(1e-3, 30.0)
betas = st.floats(1e-2, 1e4)


@settings(max_examples=100)
@given(mean=means, std=stds, beta=betas, name=st.sampled_from(sorted(FINITE)))
def test_field_quadrature_matches_adaptive_quadrature_finite_beta(mean, std, beta, name):
    g = FINITE[name]
    h, w = field_quadrature(mean, std, beta)
    got = float(w @ g(h, beta))
    ref = _reference(lambda x: g(x, beta), mean, std, beta)
    assert abs(got - ref) <= 1e-10 * max(1.0, abs(ref)), (got, ref)


@settings(max_examples=60)
@given(mean=means, std=stds, name=st.sampled_from(sorted(INFINITE)))
def test_field_quadrature_matches_adaptive_quadrature_zero_temperature(mean, std, name):
    g = INFINITE[name]
    h, w = field_quadrature(mean, std, math.inf)
    got = float(w @ g(h))
    ref = _reference(g, mean, std, math.inf)
    assert abs(got - ref) <= 1e-10 * max(1.0, abs(ref)), (got, ref)


@pytest.mark.parametrize(
    ("mean", "std", "beta"),
    [
        (0.0, 1.0, 1e4),  # kink at the centre, very sharp
        (1e-3, 1e-3, 1e4),  # kink at z0 = -1, sharp on the scale of the panels
        (3.0, 1e-3, 1e4),  # kink far outside the integration range
        (-0.5, 30.0, 1e4),  # wide field, extremely sharp integrand
        (0.7, 0.3, 1e-2),  # almost linear integrand
    ],
)
@pytest.mark.parametrize("name", sorted(FINITE))
def test_field_quadrature_hard_corners(mean, std, beta, name):
    g = FINITE[name]
    h, w = field_quadrature(mean, std, beta)
    got = float(w @ g(h, beta))
    ref = _reference(lambda x: g(x, beta), mean, std, beta)
    assert abs(got - ref) <= 1e-10 * max(1.0, abs(ref)), (got, ref)


def test_sign_average_is_erf():
    """``E sign(m + s z) = erf(m / (sqrt 2 s))`` in closed form."""
    from scipy.special import erf

    mean = np.array([-2.0, -0.3, 0.0, 0.1, 1.5])
    std = np.array([0.5, 1.0, 2.0, 0.01, 3.0])
    got = gaussian_average(np.sign, mean, std)
    np.testing.assert_allclose(got, erf(mean / (math.sqrt(2) * std)), rtol=0, atol=1e-13)


def test_abs_average_closed_form():
    """``E |m + s z| = m erf(m / sqrt2 s) + s sqrt(2/pi) exp(-m^2 / 2 s^2)``."""
    from scipy.special import erf

    m, s = 0.4, 0.7
    ref = m * erf(m / (math.sqrt(2) * s)) + s * math.sqrt(2 / math.pi) * math.exp(
        -(m**2) / (2 * s**2)
    )
    assert abs(float(gaussian_average(np.abs, m, s)) - ref) < 1e-13


def test_broadcasting_shapes():
    mean = np.linspace(-1, 1, 3)[:, None]  # (3, 1)
    std = np.array([0.1, 1.0, 2.0, 5.0])  # (4,)
    h, w = field_quadrature(mean, std, 2.0)
    assert h.shape[:-1] == (3, 4)
    assert w.shape == h.shape
    avg = gaussian_average(lambda x: np.tanh(2.0 * x), mean, std, 2.0)
    assert avg.shape == (3, 4)
    for i in range(3):
        for j in range(4):
            one = gaussian_average(lambda x: np.tanh(2.0 * x), mean[i, 0], std[j], 2.0)
            assert avg[i, j] == pytest.approx(float(one), abs=1e-15)


def test_panel_rule_is_cached_read_only_and_as_built():
    shifted, weights = _panel_rule(16)
    assert _panel_rule(16)[0] is shifted
    fresh = _panel_rule.__wrapped__(16)
    np.testing.assert_array_equal(shifted, fresh[0])
    np.testing.assert_array_equal(weights, fresh[1])
    for a in (shifted, weights):
        with pytest.raises(ValueError, match="read-only"):
            a[0] = 0.0
    # Gauss-Legendre on [-1, 1], nodes plus one: exact to degree 31 on [0, 2]
    assert np.all((shifted > 0) & (shifted < 2))
    for k in (0, 1, 7, 31):
        assert float(weights @ shifted**k) == pytest.approx(2 ** (k + 1) / (k + 1), rel=1e-12)


def test_field_quadrature_returns_fresh_arrays():
    """The rule's arrays are the caller's: writing to them changes no later call."""
    h, w = field_quadrature(0.2, 0.5, 3.0)
    expected = h.copy(), w.copy()
    h[:], w[:] = 0.0, 0.0
    again = field_quadrature(0.2, 0.5, 3.0)
    np.testing.assert_array_equal(again[0], expected[0])
    np.testing.assert_array_equal(again[1], expected[1])


def test_scalar_inputs_give_one_dimensional_rule():
    h, w = field_quadrature(0.2, 0.5, 3.0)
    assert h.ndim == 1
    assert w.shape == h.shape


@settings(max_examples=30)
@given(
    mean=means,
    std=st.one_of(st.just(0.0), st.floats(1e-300, 30.0)),  # subnormal std: see below
    beta=st.one_of(betas, st.just(math.inf)),
)
def test_weights_sum_to_one_and_are_positive(mean, std, beta):
    _h, w = field_quadrature(mean, std, beta)
    assert np.all(w >= 0)
    assert abs(w.sum() - 1.0) < 1e-13


@pytest.mark.parametrize("beta", [0.5, 10.0, math.inf])
def test_zero_std_is_the_point_mass(beta):
    h, w = field_quadrature(0.3, 0.0, beta)
    np.testing.assert_array_equal(h, 0.3)
    assert abs(w.sum() - 1.0) < 1e-13
    g = np.sign if math.isinf(beta) else (lambda x: np.tanh(beta * x))
    assert float(w @ g(h)) == pytest.approx(float(g(np.float64(0.3))), abs=1e-13)


def test_zero_std_in_a_broadcast_array():
    """std = 0 in one entry does not spoil its neighbours."""
    h, w = field_quadrature(np.array([0.3, 0.3]), np.array([0.0, 1.0]), 2.0)
    np.testing.assert_array_equal(h[0], 0.3)
    got = (w * np.tanh(2.0 * h)).sum(-1)
    assert got[0] == pytest.approx(math.tanh(0.6), abs=1e-13)
    ref = _reference(lambda x: np.tanh(2.0 * x), 0.3, 1.0, 2.0)
    assert got[1] == pytest.approx(ref, abs=1e-12)


@pytest.mark.parametrize(("mean", "beta"), [(1.0, math.inf), (0.0, 1.0)])
def test_subnormal_std_is_a_point_mass_without_warnings(mean, beta):
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        h, w = field_quadrature(mean, 5e-324, beta)
    np.testing.assert_allclose(h, mean, atol=1e-300)
    assert abs(w.sum() - 1.0) < 1e-13


def test_negative_std_raises():
    with pytest.raises(ValueError, match=r"std=-0.5 must be >= 0"):
        field_quadrature(0.0, -0.5, 1.0)
    with pytest.raises(ValueError, match="std"):
        field_quadrature([0.0, 1.0], [1.0, -1e-9], 1.0)


@pytest.mark.parametrize("order", [4, 5, 20])
def test_gauss_hermite_polynomial_moments(order):
    z, w = gauss_hermite(order)
    assert w.sum() == pytest.approx(1.0, abs=1e-14)
    assert w @ z == pytest.approx(0.0, abs=1e-13)
    assert w @ z**2 == pytest.approx(1.0, abs=1e-13)
    assert w @ z**3 == pytest.approx(0.0, abs=1e-12)
    assert w @ z**4 == pytest.approx(3.0, abs=1e-12)
    assert w @ z**6 == pytest.approx(15.0, abs=1e-11)


def test_gauss_hermite_is_not_exact_beyond_its_degree():
    """Order 2 is exact to degree 3 only: E z^4 = 3 is missed (the test can fail)."""
    z, w = gauss_hermite(2)
    assert w @ z**2 == pytest.approx(1.0, abs=1e-14)
    assert abs(w @ z**4 - 3.0) > 0.5


def test_gauss_hermite_is_read_only():
    z, w = gauss_hermite(6)
    with pytest.raises(ValueError, match="read-only"):
        z[0] = 0.0
    with pytest.raises(ValueError, match="read-only"):
        w[0] = 0.0
