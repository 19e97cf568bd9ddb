"""Integration of the rate networks: fixed-step RK4 and Euler, adaptive SciPy.

An external input ``I(t)`` (:class:`Drive`) is ``None`` (autonomous), a
constant current ``(n_input,)``, a schedule ``(n_steps, n_input)`` held
constant over each fixed step, or a function ``t -> (n_input,)`` evaluated
where the method needs it (RK4: at the start, the middle and the end of each
step).

A fixed step is rejected before the run when it amplifies one of the
network's linear leak modes (``|R(dt mu)| > 1`` for a leak eigenvalue ``mu``
with ``Re mu < 0``, ``R`` the method's stability function:
``1 + z`` for Euler, ``1 + z + z^2/2 + z^3/6 + z^4/24`` for RK4; for a leak at
rate 1 the limits are ``dt = 2`` and ``dt = 2.785``), and stopped during the
run when the state leaves twice the box ``network.state_bound(x0)`` that the
exact flow never leaves, or stops being finite.  Both raise a ``ValueError``
naming ``dt`` and a stable choice.

References
----------
E. Hairer, G. Wanner, "Solving Ordinary Differential Equations II",
Sec. IV.2 (stability functions of explicit Runge-Kutta methods).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.integrate import solve_ivp

from hebbian._checks import check_int, check_real

__all__ = ["METHODS", "Drive", "Trajectory", "simulate"]

#: Integration methods of :func:`simulate`.
METHODS = ("rk4", "euler", "adaptive")

#: A state beyond this multiple of the invariant box means the step diverges.
_BOX_MARGIN = 2.0


class Trajectory(NamedTuple):
    """Result of :func:`simulate`.

    Attributes
    ----------
    t : array, shape (n_saved,)
        Times, from 0 to ``t_max``.
    x : array, shape (n_saved, n_dim)
        State at each time.
    """

    t: np.ndarray
    x: np.ndarray


#: The input of an autonomous step: none at the start, middle and end.
_NO_INPUT = (None, None, None)


def _euler(f, x, dt, inputs=_NO_INPUT):
    return x + dt * f(x, inputs[0])


def _rk4(f, x, dt, inputs=_NO_INPUT):
    start, middle, end = inputs
    k1 = f(x, start)
    k2 = f(x + 0.5 * dt * k1, middle)
    k3 = f(x + 0.5 * dt * k2, middle)
    k4 = f(x + dt * k3, end)
    return x + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


class Drive:
    """An external input on a grid of ``n_steps`` fixed steps of length ``step`` from ``t0``.

    Parameters
    ----------
    network : RateNetwork
        The driven network (its ``n_input`` and ``check_input``).
    inputs : None, array_like or callable
        ``None`` (no input); an array ``(n_input,)`` (a constant current); an
        array ``(n_steps, n_input)`` (row ``n`` held constant over step ``n``);
        or a deterministic function ``t -> (n_input,)``.
    n_steps : int
        Steps of the grid.
    step : float
        Their length.
    t0 : float
        Time at the start of the grid.
    name : str
        Name of the argument, for error messages.

    Attributes
    ----------
    bound : ndarray of shape (n_input,) or None
        ``sup |I_i|`` over the grid (``None`` without input), for the
        forward-invariant box ``network.state_bound(x0, bound)``.
    """

    def __init__(self, network, inputs, n_steps: int, step: float, t0: float = 0.0,
                 name: str = "inputs"):  # fmt: skip
        self._check = lambda value: network.check_input(value, name)
        self.n_steps, self.step, self.t0 = n_steps, step, t0
        self._function = self._schedule = self._constant = None
        self.bound = None
        if inputs is None:
            return
        if callable(inputs):
            self._function = inputs
            times = t0 + step * np.arange(0.0, n_steps + 0.25, 0.5)
            self.bound = np.max([np.abs(self._check(inputs(t))) for t in times], axis=0)
            return
        values = np.asarray(inputs, dtype=np.float64)
        if values.ndim == 2:
            if values.shape[0] != n_steps:
                raise ValueError(
                    f"{name} has {values.shape[0]} rows for {n_steps} steps; pass one row "
                    f"per fixed step, shape ({n_steps}, {network.n_input}), a constant "
                    f"({network.n_input},), or a function of t"
                )
            for row in values:
                self._check(row)
            self._schedule = values
            self.bound = np.abs(values).max(axis=0)
            return
        self._constant = self._check(values)
        self.bound = np.abs(self._constant)

    def step_inputs(self, n: int) -> tuple:
        """The input at the start, middle and end of step ``n`` (0-based)."""
        if self._function is not None:
            t = self.t0 + n * self.step
            f = self._function
            return f(t), f(t + 0.5 * self.step), f(t + self.step)
        value = self._constant if self._schedule is None else self._schedule[n]
        return value, value, value

    def at(self, t: float):
        """The input at time ``t`` (a schedule's row of the step holding ``t``)."""
        if self._function is not None:
            return self._function(t)
        if self._schedule is None:
            return self._constant
        n = int((t - self.t0) / self.step)
        return self._schedule[min(max(n, 0), self.n_steps - 1)]


_STEPPERS = {"euler": _euler, "rk4": _rk4}


def _stability(method: str, z):
    """Stability function ``R(z)``: one step maps ``x`` to ``R(dt mu) x`` on ``dx/dt = mu x``."""
    if method == "euler":
        return 1.0 + z
    return 1.0 + z + z**2 / 2.0 + z**3 / 6.0 + z**4 / 24.0


def _largest_stable_step(method: str, mu: np.ndarray) -> float:
    """Largest ``dt`` (to 0.1 %) with ``|R(s mu)| <= 1`` for all ``s <= dt`` and every ``mu``."""
    s = np.linspace(0.0, 4.0, 4001)[1:, None] / np.abs(mu)
    unstable = np.abs(_stability(method, s * mu)) > 1.0
    first = np.where(unstable.any(axis=0), unstable.argmax(axis=0), s.shape[0])
    return float(np.min(s[np.maximum(first - 1, 0), np.arange(mu.size)]))


def check_step(network, dt: float, method: str) -> None:
    """Raise if the fixed step ``dt`` amplifies one of the network's leak modes."""
    mu = np.asarray(network.leak_eigenvalues, dtype=complex)
    mu = mu[mu.real < 0]
    if mu.size == 0:
        return
    amp = np.abs(_stability(method, dt * mu))
    if np.all(amp <= 1.0):
        return
    rate = -mu[np.argmax(amp)].real
    raise ValueError(
        f"dt={dt:g} is unstable for method={method!r}: each step multiplies the mode "
        f"decaying at rate {rate:g} by {amp.max():.3g} in modulus; pass "
        f"dt < {_largest_stable_step(method, mu):.4g} or method='adaptive'"
    )


def fixed_grid(t_max: float, dt: float) -> tuple[int, float]:
    """``n = ceil(t_max / dt)`` equal steps of ``t_max / n <= dt`` (the grid ends at ``t_max``)."""
    n_steps = max(1, math.ceil(t_max / dt * (1.0 - 1e-12)))
    return n_steps, t_max / n_steps


def check_bounded(x, limit, t: float, dt: float, method: str) -> None:
    """Raise naming ``dt`` if ``x`` left ``|x_i| <= limit_i`` (or is not finite)."""
    if not np.all(np.abs(x) <= limit):
        raise ValueError(
            f"dt={dt:g} is unstable for method={method!r}: at t={t:g} the state left "
            f"{_BOX_MARGIN:g} x the box the exact flow never leaves (network.state_bound) "
            f"or stopped being finite; pass a smaller dt (e.g. dt={dt / 4:g}) "
            f"or method='adaptive'"
        )


def positive_time(value, name: str) -> float:
    """A finite time ``> 0``, or raise naming ``name``."""
    return check_real(value, name, low=0.0, low_open=True, high=np.inf, high_open=True)


def simulate(
    network,
    x0,
    t_max: float,
    dt: float,
    method: str = "rk4",
    *,
    inputs=None,
    save_every: int = 1,
    rtol: float = 1e-8,
    atol: float = 1e-10,
) -> Trajectory:
    """Integrate ``dx/dt = f(x; I(t))`` from ``x0`` over ``[0, t_max]``.

    Parameters
    ----------
    network : RateNetwork
        A network of :mod:`hebbian.rnn.networks`.
    x0 : array, shape (n_dim,)
        Initial state.
    t_max : float
        Duration, > 0.
    dt : float
        Fixed methods: the largest step; the run takes ``n = ceil(t_max/dt)``
        equal steps of ``t_max / n``.  ``"adaptive"``: the spacing of the
        output grid (the step itself is chosen by the error control).
    method : {"rk4", "euler", "adaptive"}
        Classical fourth-order Runge-Kutta, forward Euler, or
        :func:`scipy.integrate.solve_ivp` with ``DOP853`` and ``rtol``, ``atol``.
    inputs : None, array_like or callable
        External current (see :class:`Drive` and the network's equations,
        e.g. the ``h`` equation of :class:`hebbian.rnn.GatedRNN`): ``None``
        (autonomous, the default), a constant ``(n_input,)``, a schedule
        ``(n_steps, n_input)`` with ``n_steps = ceil(t_max / dt)`` held
        constant over each fixed step (for ``"adaptive"``: over each interval
        of length ``t_max / n_steps``), or a deterministic function
        ``t -> (n_input,)``.
    save_every : int
        Keep every ``save_every``-th grid point (and the last one).
    rtol, atol : float
        Tolerances of the adaptive method.

    Returns
    -------
    Trajectory
        Times and states.

    Raises
    ------
    ValueError
        For ``t_max <= 0``, ``dt <= 0``, a wrong shape or non-finite ``x0``
        or input, an unknown method, or a fixed step that is unstable (before the run
        for the leak, or when the state diverges during it).
    RuntimeError
        When ``solve_ivp`` reports a failure.

    Examples
    --------
    >>> from hebbian.rnn import VanillaRNN
    >>> net = VanillaRNN.sample(30, g=0.5, rng=0)
    >>> traj = simulate(net, np.ones(30), t_max=20.0, dt=0.1)
    >>> traj.x.shape, bool(np.abs(traj.x[-1]).max() < 1e-3)  # decays to h = 0 for g < 1
    ((201, 30), True)
    """
    x0 = network.check_state(x0, "x0")
    t_max = positive_time(t_max, "t_max")
    dt = positive_time(dt, "dt")
    save_every = check_int(save_every, "save_every", minimum=1)
    if method not in METHODS:
        raise ValueError(f"method={method!r} is not one of {METHODS}; pass e.g. method='rk4'")
    n_steps, step = fixed_grid(t_max, dt)
    saved = np.arange(0, n_steps + 1, save_every)
    if saved[-1] != n_steps:
        saved = np.append(saved, n_steps)
    drive = Drive(network, inputs, n_steps, step)
    if method == "adaptive":
        return _adaptive(network, x0, saved * step, rtol, atol, drive)
    check_step(network, dt, method)
    advance, f = _STEPPERS[method], network._vector_field
    limit = _BOX_MARGIN * network.state_bound(x0, drive.bound)
    out = np.empty((saved.size, x0.size))
    out[0] = x = x0
    j = 1
    with np.errstate(over="ignore", invalid="ignore"):  # divergence is reported below
        for n in range(1, n_steps + 1):
            x = advance(f, x, step, drive.step_inputs(n - 1))
            check_bounded(x, limit, n * step, dt, method)
            if n == saved[j]:
                out[j] = x
                j += 1
    return Trajectory(saved * step, out)


def _adaptive(network, x0, times, rtol, atol, drive) -> Trajectory:
    rtol = check_real(rtol, "rtol", low=0.0, low_open=True)
    atol = check_real(atol, "atol", low=0.0, low_open=True)
    sol = solve_ivp(
        lambda t, x: network._vector_field(x, drive.at(t)),
        (0.0, times[-1]),
        x0,
        method="DOP853",
        t_eval=times,
        rtol=rtol,
        atol=atol,
    )
    if not sol.success:
        raise RuntimeError(f"solve_ivp (DOP853) failed: {sol.message}; try other rtol, atol")
    return Trajectory(sol.t, sol.y.T.copy())
