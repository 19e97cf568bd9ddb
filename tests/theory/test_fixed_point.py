"""The fixed-point engine: every method on maps with known fixed points, and its failures."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hebbian.theory.fixed_point import METHODS, FixedPoint, fixed_point

DOTTIE = 0.7390851332151607  # cos x = x


def _max_residual(F, x) -> float:
    return float(np.max(np.abs(F(x) - x)))


@pytest.mark.parametrize("method", METHODS)
def test_contraction_cos(method):
    fp = fixed_point(np.cos, [1.0], method=method, tol=1e-10)
    assert isinstance(fp, FixedPoint)
    assert fp.success
    assert fp.status == 0
    assert fp.message == "converged"
    assert fp.x.shape == (1,)
    assert abs(fp.x[0] - DOTTIE) < 1e-9
    assert fp.residual <= 1e-10
    assert fp.residual == pytest.approx(_max_residual(np.cos, fp.x), abs=1e-15)
    assert fp.n_iter > 0


A = np.array([[0.5, 0.2], [-0.3, 0.4]])  # spectral radius < 1
B = np.array([1.0, -2.0])
X_STAR = np.linalg.solve(np.eye(2) - A, B)


def _linear(x):
    return A @ x + B


@pytest.mark.parametrize("method", METHODS)
def test_two_dimensional_linear_map(method):
    fp = fixed_point(_linear, [0.0, 0.0], method=method, tol=1e-11)
    assert fp.success
    assert fp.status == 0
    np.testing.assert_allclose(fp.x, X_STAR, rtol=0, atol=1e-9)
    assert fp.residual <= 1e-11


@pytest.mark.parametrize("method", METHODS)
def test_tighter_tolerance_gives_closer_answer(method):
    loose = fixed_point(np.cos, [1.0], method=method, tol=1e-4)
    tight = fixed_point(np.cos, [1.0], method=method, tol=1e-12)
    assert loose.success
    assert tight.success
    assert loose.residual <= 1e-4
    assert tight.residual <= 1e-12
    assert abs(tight.x[0] - DOTTIE) < 1e-11


def test_scalar_start_is_promoted_and_not_mutated():
    x0 = np.array([1.0])
    fp = fixed_point(np.cos, x0, method="iterate")
    assert fp.success
    assert x0[0] == 1.0  # the caller's array is untouched
    fp = fixed_point(np.cos, 1.0)
    assert fp.x.shape == (1,)
    assert abs(fp.x[0] - DOTTIE) < 1e-9


def _unstable_line(x):
    """``x = 2x - 1``: the only fixed point, ``x = 1``, repels every iteration."""
    return 2 * x - 1


def test_newton_finds_a_repelling_fixed_point_iteration_cannot():
    """Damped iteration x <- x + d (F(x) - x) multiplies the error by 1 + d > 1."""
    it = fixed_point(_unstable_line, [0.0], method="iterate", max_iter=200)
    assert not it.success
    assert it.status == 1
    assert abs(it.x[0] - 1) > 1e6  # it ran away
    nt = fixed_point(_unstable_line, [0.0], method="newton")
    assert nt.success
    assert nt.x[0] == pytest.approx(1.0, abs=1e-12)
    # hybrid: the damped warm-up runs away, Newton brings it back
    hy = fixed_point(_unstable_line, [0.0], method="hybrid")
    assert hy.success
    assert hy.x[0] == pytest.approx(1.0, abs=1e-12)


def test_newton_selects_the_unstable_branch_iteration_the_stable_one():
    """``x = tanh(2x)``: 0 is repelling (slope 2), +-0.9575 attracting."""
    F = lambda x: np.tanh(2 * x)  # noqa: E731
    stable = fixed_point(F, [0.01], method="iterate")
    assert stable.success
    assert stable.x[0] == pytest.approx(0.9575040240772687, abs=1e-9)
    assert stable.x[0] == pytest.approx(math.tanh(2 * stable.x[0]), abs=1e-10)
    unstable = fixed_point(F, [0.01], method="newton")
    assert unstable.success
    assert abs(unstable.x[0]) < 1e-10


@pytest.mark.parametrize("method", METHODS)
def test_map_without_fixed_point(method):
    """``F(x) = x + 1`` has no fixed point: a clean failure, never an exception."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scipy's own complaints
        fp = fixed_point(lambda x: x + 1, [0.0], method=method)
    assert not fp.success
    assert fp.status != 0
    assert math.isfinite(fp.residual)
    assert fp.residual == pytest.approx(1.0)
    assert fp.message
    assert fp.message != "converged"


def test_iteration_budget_exhausted_is_status_1():
    fp = fixed_point(np.cos, [1.0], method="iterate", max_iter=3)
    assert not fp.success
    assert fp.status == 1
    assert fp.n_iter == 3
    assert "3 iterations" in fp.message
    assert fp.residual == pytest.approx(_max_residual(np.cos, fp.x), abs=1e-15)
    assert fp.residual > 1e-10


@pytest.mark.parametrize("method", ["hybrid", "iterate", "newton"])
def test_non_finite_map_is_reported_not_raised(method):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fp = fixed_point(lambda x: np.full_like(x, np.nan), [0.0], method=method)
    assert not fp.success
    assert fp.status != 0
    assert fp.residual == math.inf


@settings(max_examples=40)
@given(
    method=st.sampled_from(["hybrid", "iterate", "newton"]),
    c=st.floats(-3.0, 3.0),
    k=st.floats(0.05, 0.95),
    tol=st.sampled_from([1e-6, 1e-9, 1e-12]),
)
def test_success_means_residual_within_tolerance(method, c, k, tol):
    """``x = c + k sin x`` (a contraction for k < 1): success iff residual <= tol."""
    F = lambda x: c + k * np.sin(x)  # noqa: E731
    fp = fixed_point(F, [0.0], method=method, tol=tol)
    assert fp.residual == pytest.approx(_max_residual(F, fp.x), abs=1e-15)
    assert fp.success == (fp.residual <= tol)
    assert fp.success  # a contraction converges by every method
    assert fp.status == 0


@pytest.mark.parametrize("method", ["", "Newton", "broyden", None])
def test_bad_method_raises_naming_it(method):
    with pytest.raises(ValueError, match=r"method=.* is not one of"):
        fixed_point(np.cos, [1.0], method=method)


@pytest.mark.parametrize("damping", [0.0, -0.5, 1.5, math.nan])
def test_bad_damping_raises_naming_it(damping):
    with pytest.raises(ValueError, match=r"damping=.* must be in \(0, 1\]"):
        fixed_point(np.cos, [1.0], damping=damping)


def test_damping_one_is_plain_iteration():
    fp = fixed_point(np.cos, [1.0], method="iterate", damping=1.0, max_iter=1)
    assert fp.x[0] == pytest.approx(math.cos(1.0), abs=1e-15)


def test_anderson_emits_no_warning():
    """Regression: scipy's LinAlgWarning (a RuntimeWarning) used to escape on x = cos x."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fp = fixed_point(np.cos, [1.0], method="anderson")
    assert fp.success


def test_anderson_never_raises():
    """Regression: x = tanh(2x) from 0.01 used to raise ZeroDivisionError from scipy."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        fp = fixed_point(lambda x: np.tanh(2 * x), [0.01], method="anderson")
    assert isinstance(fp, FixedPoint)
    assert fp.success == (fp.residual <= 1e-10)


def test_anderson_solves_a_slow_linear_map_in_few_steps():
    """x = A x + b with spectral radius 0.999: plain iteration needs ~10^4 steps."""
    rng = np.random.default_rng(0)
    Q = np.linalg.qr(rng.standard_normal((40, 40)))[0]
    A = Q @ np.diag(np.linspace(0.0, 0.999, 40)) @ Q.T
    b = rng.standard_normal(40)
    fp = fixed_point(lambda x: A @ x + b, np.zeros(40), method="anderson", tol=1e-10)
    assert fp.success
    np.testing.assert_allclose(fp.x, np.linalg.solve(np.eye(40) - A, b), atol=1e-8)
    slow = fixed_point(lambda x: A @ x + b, np.zeros(40), method="iterate", damping=1.0,
                       tol=1e-10, max_iter=10 * fp.n_iter)  # fmt: skip
    assert not slow.success
