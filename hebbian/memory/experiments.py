"""Measurements of the task suite over disorder samples, with error bars and costs.

Every measurement draws ``n_samples`` independent samples (children of one
``rng``, :func:`hebbian.random.spawn`), reports the mean and its standard
error, and records the cost of the memory measured (``state_size``,
``flops_per_write``, ``flops_per_read``,
:class:`~hebbian.memory.interface.AssociativeMemory`):

* :func:`capacity_curve`, :func:`capacity` - associative recall of ``n``
  pairs from one pass, and the largest ``n`` recalled at a fixed accuracy;
* :func:`retention_curve` - recall of the pair written ``lag`` writes ago
  among later ones;
* :func:`hybrid_tradeoff` - cache size against recall of the Hybrid
  Associative Memory as its threshold moves, on a stream with repeats;
* :func:`scaling_exponent`, :func:`retention_timescale` - the fits these
  are summarised by.

The reservoir measurements (short-term memory capacity, delayed recall of
a continuous value) are in :mod:`hebbian.memory.reservoirs`; the theory lines
in :mod:`hebbian.theory.memory`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy import optimize

from hebbian._checks import check_int, check_real
from hebbian.memory.hybrid import HybridMemory
from hebbian.memory.interface import AssociativeMemory
from hebbian.memory.tasks import Items, bit_accuracy, query_rows, random_items
from hebbian.random import RNGLike, spawn
from hebbian.search import bisect

__all__ = [
    "capacity",
    "capacity_curve",
    "hybrid_tradeoff",
    "retention_curve",
    "retention_timescale",
    "scaling_exponent",
]

#: Largest number of items a capacity search tries by default.
N_CAP = 2**20


def check_threshold(threshold) -> float:
    """An accuracy threshold, in (1/2, 1)."""
    return check_real(threshold, "threshold", low=0.5, high=1.0, low_open=True, high_open=True)


def largest_holding(holds: Callable[[int], bool], n_cap: int) -> tuple[int, bool]:
    """Largest ``n <= n_cap`` with ``holds(n)`` (lost once as ``n`` grows; 0 if it fails at 1),
    and whether ``n_cap`` still holds: doubling from 2, then bisection of the last doubling."""
    if not holds(1):
        return 0, False
    lo, hi = 1, min(2, n_cap)
    while holds(hi):
        if hi == n_cap:
            return n_cap, True
        lo, hi = hi, min(2 * hi, n_cap)
    return bisect(holds, lo, hi, integer=True)[0], False


def filled(model_factory, d: int, keys, values, xp) -> AssociativeMemory:
    """A fresh memory from ``model_factory(d)`` holding the given pairs."""
    memory = model_factory(d)
    if not isinstance(memory, AssociativeMemory):
        raise TypeError(
            f"model_factory(d) returned {type(memory).__name__}; pass a callable that "
            "returns a fresh AssociativeMemory, e.g. lambda d: SoftmaxMemory(beta=d / 4)"
        )
    memory.write(xp.asarray(keys), xp.asarray(values))
    return memory


def cost(memory: AssociativeMemory) -> dict:
    """``state_size``, ``flops_per_write`` and ``flops_per_read`` of a memory, as a dict."""
    return {name: int(getattr(memory, name))
            for name in ("state_size", "flops_per_write", "flops_per_read")}  # fmt: skip


def _accuracy(model_factory, d: int, items: Items, n: int, n_queries: int, xp) -> float:
    keys, values = items.first(n)
    memory = filled(model_factory, d, keys, values, xp)
    rows = query_rows(n, n_queries)
    return bit_accuracy(memory.read(xp.asarray(keys[rows])), xp.asarray(values[rows]))


def _samples(d, d_v, n_samples, rng) -> tuple[int, int, list[np.random.Generator]]:
    """Checked ``d`` and ``d_v``, and one child generator per sample."""
    d = check_int(d, "d", minimum=1)
    d_v = d if d_v is None else check_int(d_v, "d_v", minimum=2)
    return d, d_v, spawn(rng, check_int(n_samples, "n_samples", minimum=2))


def mean_error(x) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 and its standard error."""
    x = np.asarray(x, dtype=np.float64)
    return x.mean(0), x.std(0, ddof=1) / math.sqrt(x.shape[0])


def _cost_at(model_factory, d: int, d_v: int, n: int, xp) -> dict:
    keys, values = random_items(max(n, 1), d, d_v, rng=0)
    return cost(filled(model_factory, d, keys, values, xp))


def capacity_curve(
    model_factory, d: int, n_items_grid, *, d_v=None, n_queries=64, n_samples=16, rng=None, xp=np
) -> dict:
    """Retrieval accuracy against the number of stored items, at key dimension ``d``.

    Parameters
    ----------
    model_factory : callable
        ``model_factory(d)`` returns a fresh :class:`AssociativeMemory`.
    d : int
        Key dimension.
    n_items_grid : sequence of int
        Numbers of stored pairs; each sample's pairs are nested (the first
        ``n`` of one draw).
    d_v : int, optional
        Value dimension, >= 2 (default ``d``).
    n_queries : int
        Stored items queried per sample and ``n``, spread evenly over the
        write order (all of them when fewer).
    n_samples : int
        Independent draws, >= 2, children of ``rng`` (:func:`hebbian.spawn`).
    rng : seed, SeedSequence or numpy.random.Generator, optional
    xp : module
        ``numpy`` or ``cupy``: where the memories run.

    Returns
    -------
    dict
        ``n_items``; ``accuracy`` (:func:`bit_accuracy`, mean over samples)
        and ``accuracy_error`` (its standard error).  Theory:
        :func:`hebbian.theory.memory.predicted_accuracy`.
    """
    d, d_v, children = _samples(d, d_v, n_samples, rng)
    grid = [check_int(n, "n_items_grid entry", minimum=1) for n in n_items_grid]
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    acc = [
        [_accuracy(model_factory, d, items, n, n_queries, xp) for n in grid]
        for items in (Items(child, d, d_v) for child in children)
    ]
    mean, error = mean_error(acc)
    return {"n_items": np.array(grid), "accuracy": mean, "accuracy_error": error}


def capacity(
    model_factory,
    d: int,
    *,
    threshold=0.9,
    d_v=None,
    n_queries=64,
    n_samples=16,
    rng: RNGLike = None,
    n_cap=N_CAP,
    xp=np,
) -> dict:
    """Capacity: the largest number of stored pairs read with accuracy ``>= threshold``.

    Per sample, the accuracy of the first ``n`` pairs of one draw is searched
    over ``n`` by doubling and then bisection (it falls with ``n``; where
    noise makes it cross the threshold more than once the search returns one
    crossing); a memory that misses the threshold with one pair has capacity
    0.  Arguments as in :func:`capacity_curve`.

    Parameters
    ----------
    threshold : float
        Accuracy threshold, in (1/2, 1).
    n_cap : int
        Largest ``n`` tried; a sample still above threshold there is censored.

    Returns
    -------
    dict
        ``capacity`` (mean over samples) and ``capacity_error`` (its standard
        error), ``samples`` (per sample), ``censored`` (how many reached
        ``n_cap``; then ``capacity`` is a lower bound) and ``cost``
        (:func:`cost` of a memory holding ``round(capacity)`` pairs).
        Theory: :func:`hebbian.theory.memory.predicted_capacity`.
    """
    d, d_v, children = _samples(d, d_v, n_samples, rng)
    threshold = check_threshold(threshold)
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    n_cap = check_int(n_cap, "n_cap", minimum=2)
    found = []
    for child in children:
        items = Items(child, d, d_v)

        def holds(n, items=items):
            return _accuracy(model_factory, d, items, n, n_queries, xp) >= threshold

        found.append(largest_holding(holds, n_cap))
    samples = np.array([n for n, _ in found])
    mean, error = mean_error(samples)
    return {
        "capacity": float(mean),
        "capacity_error": float(error),
        "samples": samples,
        "censored": sum(censored for _, censored in found),
        "cost": _cost_at(model_factory, d, d_v, round(float(mean)), xp),
    }


def retention_curve(
    model_factory, d: int, n_items: int, *, lags=None, d_v=None, n_samples=16, rng=None, xp=np
) -> dict:
    """Recall of the item written ``lag`` writes before the read, after ``n_items`` writes.

    Parameters
    ----------
    n_items : int
        Pairs written (in one :meth:`~AssociativeMemory.write`) before reading.
    lags : sequence of int, optional
        In ``[0, n_items)``; 0 is the newest item (default: every lag).

    Other arguments as in :func:`capacity_curve`.

    Returns
    -------
    dict
        ``lag``; per lag the mean over samples and standard error
        (``<name>_error``) of ``accuracy`` (:func:`bit_accuracy`), ``signal``
        ``s = r . v / d_v`` (the read ``r`` projected on the right value; for
        the forget gate ``E s = gamma^lag``) and ``noise``
        ``|r - s v|^2 / (d_v - 1)`` (the crosstalk variance per component,
        unbiased); ``r2``, the squared correlation of reads and values pooled
        over samples and components (zero-mean by symmetry), whose sum over
        lags is the memory capacity of the stream
        (:func:`hebbian.memory.tasks.memory_capacity`); ``cost``
        (:func:`cost` after ``n_items`` writes).  Theory:
        :func:`hebbian.theory.memory.predicted_retention`.
    """
    d, d_v, children = _samples(d, d_v, n_samples, rng)
    n_items = check_int(n_items, "n_items", minimum=1)
    lags = np.arange(n_items) if lags is None else np.asarray(lags)
    if lags.ndim != 1 or lags.size == 0 or lags.min() < 0 or lags.max() >= n_items:
        raise ValueError(
            f"lags (shape {lags.shape}, from {lags.min(initial=0)} to {lags.max(initial=0)}) "
            f"must be a non-empty 1-d sequence in [0, n_items={n_items})"
        )
    rows = n_items - 1 - lags
    per_sample, moments = [], np.zeros((3, lags.size))
    for child in children:
        keys, values = random_items(n_items, d, d_v, rng=child)
        memory = filled(model_factory, d, keys, values, xp)
        r = memory.read(xp.asarray(keys[rows]))
        v = xp.asarray(values[rows])
        signal = xp.sum(r * v, axis=1) / d_v
        noise = xp.sum((r - signal[:, None] * v) ** 2, axis=1) / (d_v - 1)
        # tolist: to the host from NumPy and CuPy alike
        per_sample.append([a.tolist() for a in (bit_accuracy(r, v, axis=1), signal, noise)])
        moments += np.array([xp.sum(r * v, axis=1).tolist(), xp.sum(r * r, axis=1).tolist(),
                             [float(d_v)] * lags.size])  # fmt: skip
    mean, error = mean_error(per_sample)
    out = {"lag": lags}
    for name, m, e in zip(("accuracy", "signal", "noise"), mean, error, strict=True):
        out[name], out[f"{name}_error"] = m, e
    rv, rr, vv = moments
    out["r2"] = np.where(rr > 0, rv**2 / np.where(rr > 0, rr * vv, 1.0), 0.0)
    out["cost"] = cost(memory)
    return out


def hybrid_tradeoff(
    rnn_factory, d: int, thresholds, *, n_distinct: int, n_stream: int, zipf: float = 1.0,
    n_samples: int = 16, beta: float | None = None, rng: RNGLike = None,
) -> dict:  # fmt: skip
    """Cache size and recall of :class:`~hebbian.memory.HybridMemory` against its threshold.

    Each sample draws ``n_distinct`` random pairs and a stream of
    ``n_stream`` of them, pair ``i`` with probability ``~ (i + 1)^-zipf``
    (frequent pairs recur, rare ones are surprising), writes the stream into
    a hybrid memory per threshold, and reads every distinct pair seen.

    Parameters
    ----------
    rnn_factory : callable
        ``rnn_factory(d)`` returns a fresh fixed-state memory.
    d : int
        Key and value dimension.
    thresholds : sequence of float
        In ``[0, inf]``.
    n_distinct, n_stream : int
        Distinct pairs (>= 1) and stream length (>= 1).
    zipf : float
        Exponent of the pairs' frequencies, >= 0 (0: uniform).
    n_samples : int
        Samples, >= 2.
    beta : float, optional
        Inverse temperature of the cache (default ``d``).
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    dict
        ``threshold``; ``cached`` (fraction of the stream cached) and
        ``accuracy`` (:func:`bit_accuracy` over the distinct pairs seen),
        each with ``_error``; ``state_size`` (mean floats held).
    """
    d, _, children = _samples(d, None, n_samples, rng)
    n_distinct = check_int(n_distinct, "n_distinct", minimum=1)
    n_stream = check_int(n_stream, "n_stream", minimum=1)
    zipf = check_real(zipf, "zipf", low=0.0, finite=True)
    thresholds = [check_real(t, "threshold", low=0.0) for t in thresholds]
    beta = float(d) if beta is None else beta
    weights = np.arange(1, n_distinct + 1, dtype=np.float64) ** -zipf
    cached, accuracy, size = [], [], []
    for child in children:
        keys, values = random_items(n_distinct, d, rng=child)
        order = child.choice(n_distinct, size=n_stream, p=weights / weights.sum())
        seen = np.unique(order)
        row = []
        for threshold in thresholds:
            memory = HybridMemory(rnn_factory(d), threshold, beta=beta)
            memory.write(keys[order], values[order])
            row.append((memory.n_cached / n_stream,
                        bit_accuracy(memory.read(keys[seen]), values[seen]),
                        memory.state_size))  # fmt: skip
        cached.append([r[0] for r in row])
        accuracy.append([r[1] for r in row])
        size.append([r[2] for r in row])
    out = {"threshold": np.array(thresholds)}
    for name, data in (("cached", cached), ("accuracy", accuracy)):
        out[name], out[f"{name}_error"] = mean_error(data)
    out["state_size"] = np.mean(size, axis=0)
    return out


def _fit_data(x, y, y_error) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(x, y, y_error)`` as float arrays, checked for a weighted fit."""
    x, y, y_error = (np.asarray(a, dtype=np.float64) for a in (x, y, y_error))
    if not (x.ndim == 1 and x.shape == y.shape == y_error.shape and len(np.unique(x)) >= 2):
        raise ValueError(
            f"need 1-d x, values and errors of one length with two distinct x; "
            f"got shapes {x.shape}, {y.shape}, {y_error.shape}"
        )
    if not (np.all(y_error > 0) and np.all(np.isfinite(y))):
        raise ValueError("errors must be > 0 and values finite; an exact point has no error bar")
    return x, y, y_error


def _weighted_slope(x, y, y_error) -> tuple[float, float]:
    """Slope of the weighted least-squares line through ``(x, y)`` and its standard error."""
    x, y, y_error = _fit_data(x, y, y_error)
    coef, cov = np.polyfit(x, y, 1, w=1 / y_error, cov="unscaled")
    return float(coef[0]), float(math.sqrt(cov[0, 0]))


def scaling_exponent(d, capacities, errors, *, law: str = "power") -> dict:
    """Fit ``n_c ~ d^s`` (``law="power"``) or ``n_c ~ e^(s d)`` (``"exponential"``).

    Weighted least squares of ``log n_c`` (error ``error/n_c``) against
    ``log d`` or ``d``.

    Returns
    -------
    dict
        ``exponent`` ``s`` and ``exponent_error``.

    Examples
    --------
    >>> d = np.array([10.0, 20.0, 40.0])
    >>> round(scaling_exponent(d, 3 * d**2, 0.1 * d**2)["exponent"], 6)
    2.0
    """
    if law not in ("power", "exponential"):
        raise ValueError(f"law={law!r} is unknown; pass 'power' or 'exponential'")
    d, n_c, err = (np.asarray(a, dtype=np.float64) for a in (d, capacities, errors))
    x = np.log(d) if law == "power" else d
    s, s_err = _weighted_slope(x, np.log(n_c), err / n_c)
    return {"exponent": s, "exponent_error": s_err}


def retention_timescale(lags, signal, errors) -> dict:
    """Decay time ``tau`` of ``signal = A exp(-lag/tau)``, weighted least squares over all lags.

    Fitted to the signal itself, not its logarithm, so lags where it has
    decayed into the noise need no cut (a cut on the measured signal would
    keep upward fluctuations and lengthen ``tau``).

    Returns
    -------
    dict
        ``tau``, ``tau_error`` and ``amplitude`` ``A``.

    Examples
    --------
    >>> lags = np.arange(20)
    >>> round(retention_timescale(lags, np.exp(-lags / 5), 0.01 * np.ones(20))["tau"], 6)
    5.0
    """
    lags, signal, errors = _fit_data(lags, signal, errors)
    guess = (signal[0], max(np.ptp(lags), 1.0) / 3)
    (amplitude, tau), cov = optimize.curve_fit(
        lambda lag, a, t: a * np.exp(-lag / t),
        lags,
        signal,
        p0=guess,
        sigma=errors,
        absolute_sigma=True,
    )
    return {
        "tau": float(tau),
        "tau_error": float(math.sqrt(cov[1, 1])),
        "amplitude": float(amplitude),
    }
