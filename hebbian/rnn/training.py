"""Training neural ODEs on CPU: tasks, and L-BFGS on the exact gradient.

* :func:`memory_task` - a delayed report of a continuous value: the value
  ``v ~ U(-1, 1)`` is shown with a cue, then hidden behind Gaussian
  distractor noise for a delay; the output must report ``v`` in the report
  window at the end.  Holding ``v`` over any delay needs a continuum of
  (nearly) stationary states, an approximate continuous (line) attractor
  (Kim, Can, Krishnamurthy 2023, whose memory task of continuous values this
  is in its simplest form).
* :func:`trajectory_task` - an autonomous model started at its learned
  ``h0`` must trace a target curve ``y(t)``: random Fourier series with
  ``n_modes`` harmonics, the complexity of the trajectory in the
  expressivity measure.
* :func:`train` - full-batch minimisation of :meth:`NeuralODE.loss_and_grad`
  by SciPy's L-BFGS-B.

References
----------
T. D. Kim, T. Can, K. Krishnamurthy, "Trainability, expressivity and
interpretability in gated neural ODEs", ICML 2023, arXiv:2307.06398.
D. C. Liu, J. Nocedal, "On the limited memory BFGS method for large scale
optimization", Math. Program. 45, 503 (1989).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy.optimize import minimize

from hebbian._checks import check_int, check_real
from hebbian.random import RNGLike, as_generator
from hebbian.rnn.integrators import positive_time
from hebbian.rnn.neural_ode import NeuralODE

__all__ = ["Task", "TrainResult", "memory_task", "train", "trajectory_task"]


class Task(NamedTuple):
    """Inputs, wanted outputs and the scored steps of a batch of trials.

    Attributes
    ----------
    inputs : array, shape (n_steps, n_trials, n_in)
    targets : array, shape (n_steps, n_trials, n_out)
    mask : array, shape (n_steps, n_trials)
        1 where the output is scored, else 0.
    values : array, shape (n_trials,) or (n_modes, 2)
        What is to be remembered (:func:`memory_task`) or the Fourier
        coefficients (:func:`trajectory_task`).
    dt : float
        The step the inputs are sampled with.
    """

    inputs: np.ndarray
    targets: np.ndarray
    mask: np.ndarray
    values: np.ndarray
    dt: float


class TrainResult(NamedTuple):
    """Result of :func:`train`.

    Attributes
    ----------
    model : NeuralODE
        The trained model.
    loss : float
        Its training loss.
    n_iter : int
        L-BFGS iterations.
    success : bool
        Whether L-BFGS met its tolerance (False: iteration limit or line
        search failure, see ``message``).
    message : str
    history : array
        The loss after each iteration.
    """

    model: NeuralODE
    loss: float
    n_iter: int
    success: bool
    message: str
    history: np.ndarray


def _steps(duration: float, dt: float, name: str) -> int:
    return max(1, math.ceil(positive_time(duration, name) / dt - 1e-9))


def memory_task(
    n_trials: int,
    *,
    dt: float,
    t_stim: float = 1.0,
    t_delay: float = 5.0,
    t_report: float = 1.0,
    noise: float = 0.1,
    rng: RNGLike = None,
) -> Task:
    """Trials of the delayed report of a continuous value.

    Input channel 0 carries ``v ~ U(-1, 1)`` for ``t < t_stim`` and
    independent Gaussian distractors of standard deviation ``noise`` after
    it; channel 1 is the cue, 1 for ``t < t_stim`` and 0 after.  The target
    is ``v`` throughout, scored in the last ``t_report`` only.  Reporting 0
    (the mean) scores ``1/3``, the chance level.

    Parameters
    ----------
    n_trials : int
        Number of trials, >= 1.
    dt : float
        Step, > 0 (durations are rounded up to whole steps).
    t_stim, t_delay, t_report : float
        Durations of the stimulus, the delay and the report, > 0.
    noise : float
        Distractor amplitude, >= 0.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    Task
        Two inputs, one output; ``values`` are the ``v``.

    Examples
    --------
    >>> task = memory_task(3, dt=0.5, t_stim=1.0, t_delay=2.0, rng=0)
    >>> task.inputs.shape, task.mask[:, 0].tolist()
    ((8, 3, 2), [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0])
    """
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    dt = positive_time(dt, "dt")
    n_stim = _steps(t_stim, dt, "t_stim")
    n_delay = _steps(t_delay, dt, "t_delay")
    n_report = _steps(t_report, dt, "t_report")
    noise = check_real(noise, "noise", low=0.0, finite=True)
    rng = as_generator(rng)
    values = rng.uniform(-1.0, 1.0, n_trials)
    T = n_stim + n_delay + n_report
    inputs = np.zeros((T, n_trials, 2))
    inputs[:n_stim, :, 0] = values
    inputs[:n_stim, :, 1] = 1.0
    inputs[n_stim:, :, 0] = noise * rng.standard_normal((T - n_stim, n_trials))
    targets = np.broadcast_to(values[None, :, None], (T, n_trials, 1)).copy()
    mask = np.zeros((T, n_trials))
    mask[T - n_report :] = 1.0
    return Task(inputs, targets, mask, values, dt)


def trajectory_task(n_modes: int, *, dt: float, t_max: float = 10.0, rng: RNGLike = None) -> Task:
    """A target curve of given complexity for an autonomous model (one trial, no input).

    ``y(t) = sum_k (c_k cos(2 pi k t / t_max) + s_k sin(2 pi k t / t_max)) / sqrt(n_modes)``,
    ``k = 1..n_modes``, ``c_k, s_k ~ N(0, 1)``: about ``2 n_modes`` turning
    points, variance about 1, every step scored.

    Parameters
    ----------
    n_modes : int
        Number of harmonics, >= 1.
    dt : float
        Step, > 0.
    t_max : float
        Duration, > 0.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    Task
        ``inputs`` of shape ``(n_steps, 1, 0)``; ``values`` the ``(c_k, s_k)``.

    Examples
    --------
    >>> trajectory_task(2, dt=0.5, t_max=5.0, rng=0).targets.shape
    (10, 1, 1)
    """
    n_modes = check_int(n_modes, "n_modes", minimum=1)
    dt = positive_time(dt, "dt")
    T = _steps(t_max, dt, "t_max")
    rng = as_generator(rng)
    coef = rng.standard_normal((n_modes, 2))
    phase = 2 * np.pi * np.arange(1, n_modes + 1)[:, None] * (np.arange(1, T + 1) * dt) / t_max
    y = (coef[:, :1] * np.cos(phase) + coef[:, 1:] * np.sin(phase)).sum(0) / np.sqrt(n_modes)
    return Task(np.zeros((T, 1, 0)), y[:, None, None], np.ones((T, 1)), coef, dt)


def train(
    model: NeuralODE,
    task: Task,
    *,
    method: str = "rk4",
    max_iter: int = 200,
    gtol: float = 1e-8,
    prefixes=(1.0,),
) -> TrainResult:
    """Minimise the task's loss over the model's parameters with L-BFGS-B.

    Full batch; the gradient is the exact one of
    :meth:`NeuralODE.loss_and_grad`.  A parameter vector at which the
    integration stops being finite is given an infinite loss, which makes
    the line search step back.  With several ``prefixes`` the model is
    trained on the first fraction of the steps, then on a longer one, and so
    on (a curriculum in the horizon, which keeps long trajectories from
    starting far from the target).

    Parameters
    ----------
    model : NeuralODE
        Starting point (its architecture is kept).
    task : Task
        Training trials (:func:`memory_task`, :func:`trajectory_task`).
    method : {"rk4", "euler"}
        Integration method.
    max_iter : int
        Iteration limit per prefix, >= 1.
    gtol : float
        Stop when the largest gradient component is below this, > 0.
    prefixes : sequence of float
        Increasing fractions in ``(0, 1]`` of the task's steps trained on in
        turn; the default trains on the whole task once.

    Returns
    -------
    TrainResult
        The loss is that of the last prefix; ``n_iter`` and ``history`` run
        over all of them.
    """
    if not isinstance(model, NeuralODE):
        raise ValueError(
            f"model is a {type(model).__name__}, not a NeuralODE; pass NeuralODE.sample(...)"
        )
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    gtol = check_real(gtol, "gtol", low=0.0, low_open=True, finite=True)
    fractions = np.asarray(prefixes, dtype=float)
    if (
        fractions.ndim != 1
        or fractions.size < 1
        or np.any(np.diff(fractions) <= 0)
        or not (fractions[0] > 0 and fractions[-1] <= 1)
    ):
        raise ValueError(
            f"prefixes={list(np.ravel(fractions))} must increase within (0, 1]; "
            f"pass e.g. prefixes=(1/3, 2/3, 1)"
        )
    model.loss_and_grad(task.inputs, task.targets, task.mask, task.dt, method)  # checks the task
    n_steps = task.inputs.shape[0]
    history, n_iter = [], 0
    for fraction in fractions:
        k = max(1, round(fraction * n_steps))
        part = (task.inputs[:k], task.targets[:k], task.mask[:k], task.dt, method)
        res = _minimise(model, part, max_iter, gtol, history)
        model, n_iter = model.with_params(res.x), n_iter + int(res.nit)
    return TrainResult(
        model, float(res.fun), n_iter, bool(res.success), str(res.message), np.array(history)
    )


def _minimise(model, args, max_iter, gtol, history):
    """One L-BFGS-B run on ``loss_and_grad(*args)``; each iteration's loss goes to ``history``."""

    def objective(theta):
        try:
            return model.with_params(theta).loss_and_grad(*args)
        except ValueError:  # integration blew up at this trial point
            return np.inf, np.zeros_like(theta)

    def record(intermediate_result):
        history.append(float(intermediate_result.fun))

    return minimize(
        objective,
        model.params,
        jac=True,
        method="L-BFGS-B",
        callback=record,
        options={"maxiter": max_iter, "gtol": gtol, "ftol": 1e-12},
    )
