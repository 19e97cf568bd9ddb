"""The task suite every memory is measured on: its streams and its scores.

* associative recall and retention: random pairs (:func:`random_items`) -
  keys ``+-1/sqrt(d)`` (unit norm, so ``k . q`` is the Mattis overlap of the
  underlying +-1 vectors), values ``+-1`` - scored by sign agreement
  (:func:`bit_accuracy`) and by the squared correlation of read and value
  (:func:`squared_correlation`);
* short-term memory of an input stream: an iid stream
  (:func:`input_stream`), scored by Jaeger's memory capacity
  (:func:`memory_capacity`, the sum over lags of the squared correlation of
  the best linear read-out);
* memory of a continuous quantity over a delay: a value presented once and
  recalled after a delay (:func:`delay_trials`).

The measurements over disorder samples are in :mod:`hebbian.memory.experiments`.

References
----------
H. Jaeger, "Short term memory in echo state networks", GMD Report 152 (2002).
"""

from __future__ import annotations

import math

import numpy as np

from hebbian._array import array_namespace
from hebbian._checks import check_int
from hebbian.patterns import binary_patterns
from hebbian.random import RNGLike, as_generator

__all__ = [
    "bit_accuracy",
    "delay_trials",
    "input_stream",
    "memory_capacity",
    "random_items",
    "squared_correlation",
]


def bit_accuracy(read, values, axis=None):
    """Sign agreement ``mean((1 + sign(read * values)) / 2)`` of reads with +-1 values.

    A component read as exactly 0 scores 1/2 (a tie).  A float for
    ``axis=None``, else an array of the inputs' library.

    Examples
    --------
    >>> bit_accuracy(np.array([[2.0, -1.0], [0.0, 1.0]]), np.ones((2, 2)), axis=1).tolist()
    [0.5, 0.75]
    """
    xp = array_namespace(read, values)
    agreement = xp.mean(1.0 + xp.sign(read * values), axis=axis) / 2
    return float(agreement) if axis is None else agreement


def squared_correlation(estimate, target, axis=0):
    """Squared Pearson correlation of ``estimate`` and ``target`` along ``axis``.

    Zero where either does not vary.  On NumPy or CuPy arrays.

    Examples
    --------
    >>> x = np.arange(5.0)
    >>> float(squared_correlation(2 * x + 1, x)), float(squared_correlation(np.ones(5), x))
    (1.0, 0.0)
    """
    xp = array_namespace(estimate, target)
    e = estimate - xp.mean(estimate, axis=axis, keepdims=True)
    t = target - xp.mean(target, axis=axis, keepdims=True)
    cov = xp.sum(e * t, axis=axis)
    var = xp.sum(e * e, axis=axis) * xp.sum(t * t, axis=axis)
    safe = xp.where(var > 0, var, 1.0)
    return xp.where(var > 0, cov**2 / safe, 0.0)


def memory_capacity(r2) -> float:
    """Jaeger's short-term memory capacity ``MC = sum_k r^2_k`` over lags ``k >= 0``.

    ``r^2_k`` is the squared correlation of the input ``k`` steps ago with
    its best linear read-out from the present state
    (:func:`squared_correlation`).  For a linear network of ``N`` units
    driven by an iid input, ``MC <= N`` (Jaeger 2002), with equality summed
    over all lags for a generic network.

    Examples
    --------
    >>> memory_capacity([1.0, 0.5, 0.25])
    1.75
    """
    return float(np.sum(np.asarray(r2, dtype=np.float64)))


def random_items(n: int, d: int, d_v: int | None = None, *, rng: RNGLike = None):
    """Keys ``+-1/sqrt(d)`` of shape (n, d) and values ``+-1`` of shape (n, d_v), float64.

    Parameters
    ----------
    n, d : int
        Number of pairs and key dimension, >= 1.
    d_v : int, optional
        Value dimension (default ``d``).
    rng : seed or numpy.random.Generator, optional

    Examples
    --------
    >>> keys, values = random_items(3, 4, 2, rng=0)
    >>> keys.shape, values.shape, float(np.abs(keys).max())
    ((3, 4), (3, 2), 0.5)
    """
    rng = as_generator(rng)
    keys = binary_patterns(n, d, rng=rng) / math.sqrt(d)
    values = binary_patterns(n, d if d_v is None else d_v, rng=rng).astype(np.float64)
    return keys, values


def input_stream(n_steps: int, n_streams: int = 1, *, rng: RNGLike = None) -> np.ndarray:
    """Iid inputs uniform in ``[-1, 1]``, shape (n_steps, 1, n_streams) (time, input, stream).

    Examples
    --------
    >>> input_stream(4, 3, rng=0).shape
    (4, 1, 3)
    """
    n_steps = check_int(n_steps, "n_steps", minimum=1)
    n_streams = check_int(n_streams, "n_streams", minimum=1)
    return as_generator(rng).uniform(-1.0, 1.0, size=(n_steps, 1, n_streams))


def delay_trials(n_trials: int, delay: int, *, noise: float = 0.0, rng: RNGLike = None):
    """Trials of the delay task: a value ``c ~ U[-1, 1]`` at step 0, then ``delay`` steps.

    During the delay the input is zero, or white noise of standard deviation
    ``noise`` (distractors); the value is to be read out after the last step.

    Returns
    -------
    inputs : ndarray, shape (delay + 1, 1, n_trials)
    values : ndarray, shape (n_trials,)

    Examples
    --------
    >>> inputs, values = delay_trials(5, 3, rng=0)
    >>> inputs.shape, bool(np.all(inputs[0, 0] == values)), float(np.abs(inputs[1:]).max())
    ((4, 1, 5), True, 0.0)
    """
    n_trials = check_int(n_trials, "n_trials", minimum=1)
    delay = check_int(delay, "delay", minimum=0)
    gen = as_generator(rng)
    values = gen.uniform(-1.0, 1.0, size=n_trials)
    inputs = noise * gen.standard_normal((delay + 1, 1, n_trials))
    inputs[0, 0] = values
    return inputs, values


class Items:
    """One sample's pairs, drawn as needed: the first ``n`` are the same for every ``n``."""

    def __init__(self, rng, d: int, d_v: int):
        self._rng, self._d, self._d_v = rng, d, d_v
        self.keys, self.values = random_items(1, d, d_v, rng=rng)

    def first(self, n: int):
        while self.keys.shape[0] < n:
            more = random_items(self.keys.shape[0], self._d, self._d_v, rng=self._rng)
            self.keys = np.concatenate([self.keys, more[0]])
            self.values = np.concatenate([self.values, more[1]])
        return self.keys[:n], self.values[:n]


def query_rows(n: int, n_queries: int) -> np.ndarray:
    """Up to ``n_queries`` stored items spread evenly from the oldest to the newest."""
    return np.unique(np.round(np.linspace(0, n - 1, min(n, n_queries))).astype(int))
