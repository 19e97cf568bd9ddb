"""Fixed points (damped Newton, merged by distance) and slow points (minima of |f|^2 / 2).

References
----------
Sussillo, Barak, Neural Comput. 25, 626 (2013).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from strategies import seeds

from hebbian.rnn import GatedRNN, VanillaRNN
from hebbian.rnn.fixed_points import find_fixed_points, slow_points


def _cubes(x):
    return x**3 - x


def _cubes_jacobian(x):
    return np.diag(3 * x**2 - 1)


def test_all_nine_roots_of_two_uncoupled_cubics_and_their_stability():
    starts = np.random.default_rng(0).uniform(-2, 2, size=(200, 2))
    res = find_fixed_points(_cubes, _cubes_jacobian, starts)
    assert res.points.shape == (9, 2)
    assert res.n_starts == 200
    grid = {(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)}
    assert {tuple(np.round(p).astype(int)) for p in res.points} == grid
    assert np.abs(res.points - np.round(res.points)).max() < 1e-10
    assert np.all(res.q < 1e-20)
    # f'(0) = -1, f'(+-1) = 2: only the origin is stable, saddles have one unstable direction
    assert res.stable.sum() == 1
    assert np.abs(res.points[res.stable]).max() < 1e-10
    n_unstable = (res.eigenvalues.real > 0).sum(axis=1)
    assert sorted(n_unstable.tolist()) == [0, 1, 1, 1, 1, 2, 2, 2, 2]
    assert res.counts.sum() == res.n_converged <= 200
    assert np.all(np.diff(res.counts) <= 0)  # most often reached first


@given(seeds, st.integers(1, 6))
def test_an_affine_field_has_its_one_root_from_every_start(seed, d):
    rng = np.random.default_rng(seed)
    A = rng.normal(size=(d, d)) + 3 * np.eye(d)
    b = rng.normal(size=d)
    res = find_fixed_points(lambda x: A @ x + b, lambda x: A, rng.normal(size=(5, d)))
    assert res.n_converged == 5
    assert res.counts.tolist() == [5]
    np.testing.assert_allclose(res.points[0], -np.linalg.solve(A, b), atol=1e-9)
    np.testing.assert_allclose(
        np.sort_complex(res.eigenvalues[0]), np.sort_complex(np.linalg.eigvals(A))
    )


def test_below_g1_the_vanilla_network_has_only_the_origin():
    net = VanillaRNN.sample(30, 0.7, rng=2)
    starts = np.random.default_rng(3).normal(scale=2.0, size=(10, 30))
    res = find_fixed_points(net.vector_field, net.jacobian, starts)
    assert res.points.shape == (1, 30)
    assert np.abs(res.points).max() < 1e-10
    assert res.stable[0]
    assert res.counts[0] == 10
    np.testing.assert_allclose(
        res.eigenvalues[0].real.max(), np.linalg.eigvals(net.jacobian(np.zeros(30))).real.max()
    )


def test_a_start_at_a_local_minimum_of_the_speed_does_not_converge():
    # f = x^2 + 1 has no root: Newton stalls; the speed's only minimum is x = 0, q = 1/2
    field, jac = (lambda x: x**2 + 1.0), (lambda x: np.diag(2 * x))
    starts = np.array([[0.7], [-1.3]])
    assert find_fixed_points(field, jac, starts).n_converged == 0
    slow = slow_points(field, jac, starts)
    np.testing.assert_allclose(slow.points, [[0.0]], atol=1e-6)
    np.testing.assert_allclose(slow.q, [0.5])
    assert slow.counts.tolist() == [2]
    assert slow.n_converged == 2


def test_slow_points_keep_minima_of_the_speed_and_drop_its_maxima():
    # f = sin x + 1.5 > 0: q = f^2 / 2 is stationary at -pi/2 (minimum, q = 1/8)
    # and at pi/2 (maximum, q = 25/8); a start exactly at pi/2 stays there
    field = lambda x: np.sin(x) + 1.5  # noqa: E731
    jac = lambda x: np.diag(np.cos(x))  # noqa: E731
    res = slow_points(field, jac, np.array([[np.pi / 2], [0.3], [-2.0]]))
    assert res.n_converged == 3
    np.testing.assert_allclose(res.points, [[-np.pi / 2]], atol=1e-5)
    np.testing.assert_allclose(res.q, [0.125], rtol=1e-8)
    assert res.counts.tolist() == [2]


def test_slow_points_include_the_fixed_points():
    starts = np.random.default_rng(1).uniform(-2, 2, size=(30, 2))
    res = slow_points(_cubes, _cubes_jacobian, starts)
    # every minimum of q = |f|^2 / 2 here is a root: the roots (+-1 or 0 in each coordinate)
    assert np.all(res.q < 1e-14)
    assert res.points.shape[0] >= 5
    assert np.abs(res.points - np.round(res.points)).max() < 1e-6
    assert res.counts.sum() == res.n_converged == 30


def test_no_converged_start_gives_empty_arrays_of_the_right_shape():
    res = find_fixed_points(
        lambda x: x**2 + 1.0, lambda x: np.diag(2 * x), np.ones((3, 2)), max_iter=5
    )
    assert res.points.shape == (0, 2)
    assert res.eigenvalues.shape == (0, 2)
    assert res.q.shape == res.stable.shape == res.counts.shape == (0,)
    assert (res.n_starts, res.n_converged) == (3, 0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"starts": np.zeros(3)}, r"starts has shape \(3,\); pass an array \(n_starts, d\)"),
        ({"starts": np.full((2, 2), np.nan)}, "starts contains NaN"),
        ({"tol": 0.0}, "tol=0 must be in"),
        ({"max_iter": 0}, "max_iter=0 must be >= 1"),
        ({"distinct_tol": -1.0}, "distinct_tol=-1 must be > 0"),
    ],
)
def test_bad_arguments_raise_clear_errors(kwargs, match):
    args = {"starts": np.zeros((2, 2))} | kwargs
    with pytest.raises(ValueError, match=match):
        find_fixed_points(_cubes, _cubes_jacobian, **args)


@given(seeds, st.floats(0.0, 3.0), st.floats(0.0, 8.0), st.floats(-2.0, 2.0))
def test_gated_reduced_field_vanishes_exactly_at_the_flow_fixed_points(seed, g, alpha_r, beta_r):
    net = GatedRNN.sample(4, g, alpha_r=alpha_r, beta_r=beta_r, alpha_z=2.0, beta_h=0.3, rng=seed)
    rng = np.random.default_rng(seed)
    h, current = rng.normal(size=4), rng.normal(size=4)
    # the flow at the lifted state is sigma_z * F on h, 0 on the gates
    flow = net.vector_field(net.lift(h), current)
    s_z = 1.0 / (1.0 + np.exp(-2.0 * net.split(net.lift(h))[1]))
    np.testing.assert_allclose(flow[:4], s_z * net.reduced_field(h, current), atol=1e-12)
    np.testing.assert_allclose(flow[4:], 0.0, atol=1e-12)
    eps = 1e-6
    cols = [(net.reduced_field(h + eps * e) - net.reduced_field(h - eps * e)) / (2 * eps)
            for e in np.eye(4)]  # fmt: skip
    jac = net.reduced_jacobian(h)
    assert np.abs(jac - np.array(cols).T).max() <= 1e-7 * (1 + np.abs(jac).max())
