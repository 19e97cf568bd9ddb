"""Lyapunov spectrum by Benettin's method, and the Kaplan-Yorke dimension.

The tangent vectors ``Q`` (``n_dim x k``) follow the variational equation
``dQ/dt = J(x(t)) Q`` integrated together with the state by the same
classical RK4 step; every ``reorth_every`` steps ``Q = Q' R`` (QR) restores
orthonormal columns and ``log|R_ii|`` accumulates the growth of the ``i``-th
volume direction.  ``J(x) Q`` is formed by matrix products
(``network.jacobian_product``) without building ``J``: a step costs
``O(n_dim^2 k)`` and a re-orthonormalization ``O(n_dim k^2)``, against
``O(n_dim^3)`` per step for integrating the dense ``n_dim x n_dim``
propagator (the two agree only for the full spectrum, ``k = n_dim``).

:func:`map_lyapunov_spectrum` is the same method for maps ``x -> F(x)``
(:mod:`hebbian.rnn.cells`): ``Q <- dF/dx(x_t) Q`` exactly, one step at a
time, exponents per step.

References
----------
G. Benettin, L. Galgani, A. Giorgilli, J.-M. Strelcyn, Meccanica 15, 9 and
21 (1980); J. L. Kaplan, J. A. Yorke, Lecture Notes in Math. 730, 204 (1979);
R. Engelken, F. Wolf, L. F. Abbott, "Lyapunov spectra of chaotic recurrent
neural networks", Phys. Rev. Research 5, 043044 (2023).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from hebbian._checks import check_int, check_real
from hebbian.random import RNGLike, as_generator
from hebbian.rnn.integrators import (
    _BOX_MARGIN,
    _NO_INPUT,
    Drive,
    check_bounded,
    check_step,
    fixed_grid,
    positive_time,
)

__all__ = [
    "LyapunovSpectrum",
    "MapLyapunovSpectrum",
    "kaplan_yorke_dimension",
    "lyapunov_spectrum",
    "map_lyapunov_spectrum",
]


class LyapunovSpectrum(NamedTuple):
    """Result of :func:`lyapunov_spectrum`.

    Attributes
    ----------
    exponents : array, shape (k,)
        The ``k`` largest Lyapunov exponents, descending.
    running : array, shape (n_reorth, k)
        Their running estimates (each row descending) at ``times``.
    times : array, shape (n_reorth,)
        Measurement time (after the transient) of each re-orthonormalization.
    divergence : float
        Time average of ``tr J(x(t))`` over the measurement (trapezoidal
        rule on the step grid); equals ``exponents.sum()`` when ``k = n_dim``.
    state : array, shape (n_dim,)
        State at the end, to continue a run.
    """

    exponents: np.ndarray
    running: np.ndarray
    times: np.ndarray
    divergence: float
    state: np.ndarray


def _rk4_tangent(network, x, Q, dt, inputs=_NO_INPUT):
    """One RK4 step of ``(dx/dt, dQ/dt) = (f(x; I), J(x; I) Q)``, ``inputs`` the step's ``I``."""
    both = network._flow_and_tangent
    start, middle, end = inputs
    k1, K1 = both(x, Q, start)
    k2, K2 = both(x + 0.5 * dt * k1, Q + 0.5 * dt * K1, middle)
    k3, K3 = both(x + 0.5 * dt * k2, Q + 0.5 * dt * K2, middle)
    k4, K4 = both(x + dt * k3, Q + dt * K3, end)
    return (
        x + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4),
        Q + (dt / 6.0) * (K1 + 2.0 * K2 + 2.0 * K3 + K4),
    )


def _growth(Q, reorth_every: int):
    """QR of the evolved vectors: the new orthonormal frame and ``log|R_ii|``."""
    Q, R = np.linalg.qr(Q)
    d = np.abs(np.diag(R))
    if not np.all((d > 0) & np.isfinite(d)):
        raise ValueError(
            f"reorth_every={reorth_every}: the tangent vectors collapsed or overflowed "
            f"between two re-orthonormalizations; pass a smaller reorth_every"
        )
    return Q, np.log(d)


def lyapunov_spectrum(
    network,
    x0,
    *,
    t_transient: float,
    t_max: float,
    dt: float,
    n_exponents: int | None = None,
    reorth_every: int = 10,
    inputs=None,
    rng: RNGLike = None,
) -> LyapunovSpectrum:
    """The ``n_exponents`` largest Lyapunov exponents along the orbit of ``x0``.

    With a time-dependent input these are the exponents of the driven
    (non-autonomous) flow, conditional on the input's realisation: the
    tangent vectors follow ``J(x(t); I(t))``.

    Parameters
    ----------
    network : RateNetwork
        A network of :mod:`hebbian.rnn.networks`.
    x0 : array, shape (n_dim,)
        Initial state.
    t_transient : float
        Time integrated before measuring, >= 0: the state approaches the
        attractor and the frame aligns with the Lyapunov vectors (removing the
        ``O(1/t_max)`` bias of a random initial frame).
    t_max : float
        Measurement time, > 0; the statistical error falls like ``t_max^-1/2``.
    dt : float
        Largest RK4 step (as in :func:`hebbian.rnn.integrators.simulate`).
    n_exponents : int, optional
        Number ``k`` of exponents, 1 to ``n_dim``; default all.
    reorth_every : int
        Steps between QR re-orthonormalizations; the spread of the exponents
        times ``reorth_every * dt`` must stay well below ~700 (float range).
    inputs : None, array_like or callable
        External current, as in :func:`hebbian.rnn.integrators.simulate`,
        with time 0 at ``x0``: the transient and then the measurement.  A
        schedule has one row per step of the transient's grid
        (``ceil(t_transient / dt)`` steps) followed by one per step of the
        measurement's (``ceil(t_max / dt)``).
    rng : None, int, SeedSequence or Generator
        Draws the initial orthonormal frame.

    Returns
    -------
    LyapunovSpectrum

    Raises
    ------
    ValueError
        For bad times or counts, an unstable ``dt`` (as in ``simulate``), or
        tangent vectors that collapse between re-orthonormalizations.

    References
    ----------
    Benettin et al., Meccanica 15, 9 (1980).

    Examples
    --------
    >>> from hebbian.rnn import LinearRNN
    >>> res = lyapunov_spectrum(LinearRNN(np.diag([0.5, -1.0])), np.zeros(2),
    ...                         t_transient=10.0, t_max=50.0, dt=0.05, rng=0)
    >>> np.round(res.exponents, 2).tolist()
    [0.5, -1.0]
    """
    x = network.check_state(x0, "x0")
    t_transient = check_real(t_transient, "t_transient", low=0.0, high=np.inf, high_open=True)
    t_max = positive_time(t_max, "t_max")
    dt = positive_time(dt, "dt")
    n_dim = network.n_dim
    k = n_dim if n_exponents is None else check_int(n_exponents, "n_exponents", minimum=1)
    if k > n_dim:
        raise ValueError(f"n_exponents={k} exceeds the dimension {n_dim}; pass at most {n_dim}")
    reorth_every = check_int(reorth_every, "reorth_every", minimum=1)
    check_step(network, dt, "rk4")
    align, measure = _drives(network, inputs, t_transient, t_max, dt)
    bounds = [d.bound for d in (align, measure) if d is not None and d.bound is not None]
    limit = _BOX_MARGIN * network.state_bound(x, np.max(bounds, axis=0) if bounds else None)
    Q = np.linalg.qr(as_generator(rng).standard_normal((n_dim, k)))[0]
    steps = (dt, reorth_every, limit)
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported as an error
        if align is not None:
            x, Q = _align(network, x, Q, align, *steps)
        running, times, divergence, x = _measure(network, x, Q, measure, *steps)
    return LyapunovSpectrum(running[-1], running, times, divergence, x)


def _drives(network, inputs, t_transient, t_max, dt):
    """The input on the transient's grid (``None`` without transient) and the measurement's."""
    n_measure, step_measure = fixed_grid(t_max, dt)
    if t_transient == 0:
        return None, Drive(network, inputs, n_measure, step_measure)
    n_align, step_align = fixed_grid(t_transient, dt)
    schedule = None
    if inputs is not None and not callable(inputs):
        schedule = np.asarray(inputs, dtype=np.float64)
        if schedule.ndim == 2 and schedule.shape[0] != n_align + n_measure:
            raise ValueError(
                f"inputs has {schedule.shape[0]} rows; pass one per fixed step of the "
                f"transient and then of the measurement, {n_align} + {n_measure} = "
                f"{n_align + n_measure} rows, a constant ({network.n_input},), or a "
                f"function of t"
            )
    if schedule is not None and schedule.ndim == 2:
        first, second = schedule[:n_align], schedule[n_align:]
    else:
        first = second = inputs
    return (
        Drive(network, first, n_align, step_align),
        Drive(network, second, n_measure, step_measure, t0=t_transient),
    )


def _align(network, x, Q, drive, dt, reorth_every, limit):
    """The transient: the state approaches the attractor, the frame the Lyapunov vectors."""
    step = drive.step
    for n in range(1, drive.n_steps + 1):
        x, Q = _rk4_tangent(network, x, Q, step, drive.step_inputs(n - 1))
        check_bounded(x, limit, n * step, dt, "rk4")
        if n % reorth_every == 0:
            Q = _growth(Q, reorth_every)[0]
    return x, Q


def _measure(network, x, Q, drive, dt, reorth_every, limit):
    """Benettin's accumulation over the drive's grid, with the trapezoidal mean of ``tr J``."""
    n_steps, step, t0 = drive.n_steps, drive.step, drive.t0
    log_growth = np.zeros(Q.shape[1])
    running, times = [], []
    div_prev, div_sum = network._divergence(x, drive.step_inputs(0)[0]), 0.0
    for n in range(1, n_steps + 1):
        inputs = drive.step_inputs(n - 1)
        x, Q = _rk4_tangent(network, x, Q, step, inputs)
        check_bounded(x, limit, t0 + n * step, dt, "rk4")
        div = network._divergence(x, inputs[2])
        div_sum += 0.5 * (div_prev + div)
        div_prev = div
        if n % reorth_every == 0 or n == n_steps:
            Q, log_r = _growth(Q, reorth_every)
            log_growth += log_r
            running.append(log_growth / (n * step))
            times.append(n * step)
    running = -np.sort(-np.array(running), axis=1)
    return running, np.array(times), float(div_sum / n_steps), x


class MapLyapunovSpectrum(NamedTuple):
    """Result of :func:`map_lyapunov_spectrum`.

    Attributes
    ----------
    exponents : array, shape (k,)
        The ``k`` largest Lyapunov exponents per step, descending.
    running : array, shape (n_reorth, k)
        Their running estimates (each row descending) after ``steps``.
    steps : array of int, shape (n_reorth,)
        Steps (after the transient) at each re-orthonormalization.
    state : array, shape (n_dim,)
        State at the end, to continue a run.
    """

    exponents: np.ndarray
    running: np.ndarray
    steps: np.ndarray
    state: np.ndarray


def _map_tangent(cell, x, Q, n_steps: int, reorth_every: int):
    """``n_steps`` of ``(x, Q) -> (F(x), dF/dx(x) Q)`` with QR every ``reorth_every``.

    Returns the state, the frame, the running exponents ``sum log|R_ii| / n``
    and the step counts ``n`` at each QR.
    """
    log_growth, running, steps = np.zeros(Q.shape[1]), [], []
    for n in range(1, n_steps + 1):
        x, Q = cell._step(x), cell._jacobian_product(x, Q)
        if n % reorth_every == 0 or n == n_steps:
            Q, log_r = _growth(Q, reorth_every)
            log_growth += log_r
            running.append(log_growth / n)
            steps.append(n)
    return x, Q, running, steps


def map_lyapunov_spectrum(
    cell,
    x0,
    n_steps: int,
    *,
    k: int | None = None,
    n_transient: int = 100,
    reorth_every: int = 1,
    rng: RNGLike = None,
) -> MapLyapunovSpectrum:
    """The ``k`` largest Lyapunov exponents (per step) of a map along the orbit of ``x0``.

    Benettin's QR method for a map ``x_{t+1} = F(x_t)``: ``Q <- dF/dx(x_t) Q``
    through ``cell.jacobian_product``, ``Q = Q' R`` every ``reorth_every``
    steps and ``lambda_i = sum log|R_ii| / n_steps``.  For ``k = n_dim`` the
    exponents sum to the mean of ``log|det dF/dx(x_t)|`` over the measured
    steps (``|det R| = |det dF/dx|`` for an orthonormal frame).

    Parameters
    ----------
    cell : RecurrentCell
        A map of :mod:`hebbian.rnn.cells` (``_step``, ``_jacobian_product``).
    x0 : array, shape (n_dim,)
        Initial state.
    n_steps : int
        Measured steps, >= 1.
    k : int, optional
        Number of exponents, 1 to ``n_dim``; default all.
    n_transient : int
        Steps before measuring, >= 0 (orbit onto the attractor, frame onto
        the Lyapunov vectors).
    reorth_every : int
        Steps between QR re-orthonormalizations, >= 1; the spread of the
        exponents times ``reorth_every`` must stay well below ~700.
    rng : None, int, SeedSequence or Generator
        Draws the initial orthonormal frame.

    Returns
    -------
    MapLyapunovSpectrum

    Raises
    ------
    ValueError
        For bad counts or tangent vectors that collapse or overflow.

    References
    ----------
    Benettin et al., Meccanica 15, 9 (1980); Can, Krishnamurthy, Schwab,
    arXiv:2002.00025 (2020) (Lyapunov spectra of GRU and LSTM maps).

    Examples
    --------
    >>> from hebbian.rnn import GRUCell
    >>> cell = GRUCell.sample(4, g=0.0, b_z=0.0, rng=0)  # J(0) = I / 2
    >>> res = map_lyapunov_spectrum(cell, np.zeros(4), 10, n_transient=0, rng=0)
    >>> np.allclose(res.exponents, np.log(0.5))
    True
    """
    x = cell.check_state(x0, "x0")
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    n_transient = check_int(n_transient, "n_transient", minimum=0)
    reorth_every = check_int(reorth_every, "reorth_every", minimum=1)
    n_dim = cell.n_dim
    k = n_dim if k is None else check_int(k, "k", minimum=1)
    if k > n_dim:
        raise ValueError(f"k={k} exceeds the dimension {n_dim}; pass at most {n_dim}")
    Q = np.linalg.qr(as_generator(rng).standard_normal((n_dim, k)))[0]
    with np.errstate(over="ignore", invalid="ignore"):  # overflow is reported as an error
        x, Q, _, _ = _map_tangent(cell, x, Q, n_transient, reorth_every)
        x, _, running, steps = _map_tangent(cell, x, Q, n_steps, reorth_every)
    running = -np.sort(-np.array(running), axis=1)
    return MapLyapunovSpectrum(running[-1], running, np.array(steps), x)


def kaplan_yorke_dimension(exponents) -> float:
    """Kaplan-Yorke (Lyapunov) dimension ``D = j + S_j / |lambda_{j+1}|``.

    With the exponents sorted descending and ``S_j`` the sum of the first
    ``j``, ``j`` is the largest index with ``S_j >= 0``; ``D = 0`` when
    ``lambda_1 < 0`` (a stable fixed point).

    Parameters
    ----------
    exponents : array_like, shape (k,)
        Lyapunov exponents, any order.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the exponents are not finite, or if their sum is still ``>= 0``:
        ``D`` then needs more exponents than were given.

    References
    ----------
    Kaplan, Yorke, Lecture Notes in Math. 730, 204 (1979).

    Examples
    --------
    >>> kaplan_yorke_dimension([0.5, 0.0, -1.0])
    2.5
    """
    lam = np.sort(np.asarray(exponents, dtype=np.float64).ravel())[::-1]
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError(f"exponents={exponents!r} must be a non-empty list of finite numbers")
    if lam[0] < 0:
        return 0.0
    partial = np.cumsum(lam)
    if partial[-1] >= 0:
        raise ValueError(
            f"the {lam.size} exponents sum to {partial[-1]:g} >= 0, so the Kaplan-Yorke "
            f"dimension exceeds {lam.size}; pass more exponents (a larger n_exponents)"
        )
    j = int(np.argmax(partial < 0))  # first index with a negative partial sum, >= 1
    return float(j + partial[j - 1] / abs(lam[j]))
