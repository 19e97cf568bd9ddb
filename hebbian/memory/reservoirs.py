"""Random recurrent networks as memories, read out linearly by ridge regression.

A reservoir is any driven recurrence with a ``drive(x0, inputs)`` method
(states after each step, a batch of input streams at once): the random GRU
and LSTM cells of :mod:`hebbian.rnn.cells` sampled with input weights, a
linear network (:class:`LinearReservoir`), or the continuous-time gated rate
network of Krishnamurthy, Can and Schwab sampled once per unit of time
(:class:`SampledNetwork`).  Nothing is trained but a linear read-out, fitted
in closed form (:func:`ridge_readout`) on one part of the states and scored
on another, so that the gates are judged by the memory they give:

* :func:`short_term_memory` - Jaeger's memory capacity of an iid input
  stream, ``MC = sum_k r^2_k``, with ``r^2_k`` the squared correlation of
  ``u(t - k)`` with its read-out from ``x(t)``;
* :func:`delayed_recall` - a continuous value presented once and read out
  after a delay (the integrator the update gate makes);
* :class:`ReservoirMemory` - the reservoir as a key/value memory: the pairs
  are its input stream, a query one more input, and the read-out of the
  value is fitted on independent streams of the task's distribution, so it
  runs through the same recall and retention measurements as every memory.

For a linear network the best read-outs are known in closed form
(:func:`hebbian.theory.memory.linear_memory_function`,
:func:`hebbian.theory.memory.linear_delayed_recall`), and a weakly driven
rate network is its linearization
(:func:`hebbian.theory.memory.linearized_memory_function`).

References
----------
H. Jaeger, "Short term memory in echo state networks", GMD Report 152
(2002); O. L. White, D. D. Lee, H. Sompolinsky, PRL 92, 148102 (2004);
Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020); Krishnamurthy, Can,
Schwab, PRX 12, 011011 (2022).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hebbian._checks import check_int, check_real
from hebbian.memory.experiments import mean_error
from hebbian.memory.interface import AssociativeMemory
from hebbian.memory.tasks import (
    delay_trials,
    input_stream,
    query_rows,
    random_items,
    squared_correlation,
)
from hebbian.random import RNGLike, as_generator, spawn
from hebbian.rnn.cells import GRUCell, LSTMCell

__all__ = [
    "LinearReservoir",
    "ReservoirMemory",
    "SampledNetwork",
    "delayed_recall",
    "flops_per_step",
    "ridge_readout",
    "short_term_memory",
]


def ridge_readout(states, targets, ridge: float = 1e-8):
    """Linear read-out ``y = W x + c`` minimising ``|y - target|^2 + ridge n |W|^2``.

    Closed form on centred data: ``W^T = (X^T X + ridge n tr(X^T X)/d I)^-1 X^T Y``
    (the penalty is relative to the mean squared state, so ``ridge`` is
    dimensionless), ``c = mean(Y) - W mean(X)``.

    Parameters
    ----------
    states : array, shape (n, d)
        One state per row.
    targets : array, shape (n,) or (n, m)
        Targets.
    ridge : float
        Relative penalty, >= 0.

    Returns
    -------
    W : ndarray, shape (d,) or (m, d)
    c : float or ndarray, shape (m,)

    Examples
    --------
    >>> x = np.random.default_rng(0).normal(size=(50, 3))
    >>> W, c = ridge_readout(x, x @ [1.0, -2.0, 0.5] + 3.0, ridge=0.0)
    >>> W.round(10).tolist(), round(float(c), 10)
    ([1.0, -2.0, 0.5], 3.0)
    """
    X = np.asarray(states, dtype=np.float64)
    Y = np.asarray(targets, dtype=np.float64)
    if X.ndim != 2 or Y.shape[0] != X.shape[0] or Y.ndim not in (1, 2):
        raise ValueError(
            f"states has shape {X.shape} and targets {Y.shape}; pass (n, d) and (n,) or (n, m)"
        )
    ridge = check_real(ridge, "ridge", low=0.0, finite=True)
    mx, my = X.mean(0), Y.mean(0)
    Xc, Yc = X - mx, Y - my
    gram = Xc.T @ Xc
    gram[np.diag_indices_from(gram)] += ridge * np.trace(gram) / X.shape[1]
    W = np.linalg.lstsq(gram, Xc.T @ Yc, rcond=None)[0].T
    return W, my - W @ mx


@dataclass(frozen=True, eq=False)
class LinearReservoir:
    """Driven linear network ``x' = A x + B u``.

    Parameters
    ----------
    A : array_like, shape (N, N)
    B : array_like, shape (N, n_in)

    Examples
    --------
    >>> res = LinearReservoir(0.5 * np.eye(2), np.ones((2, 1)))
    >>> res.drive(np.zeros(2), np.ones((3, 1))).tolist()
    [[1.0, 1.0], [1.5, 1.5], [1.75, 1.75]]
    """

    A: np.ndarray
    B: np.ndarray

    def __post_init__(self):
        A, B = np.array(self.A, dtype=np.float64), np.array(self.B, dtype=np.float64)
        if A.ndim != 2 or A.shape[0] != A.shape[1] or B.ndim != 2 or B.shape[0] != A.shape[0]:
            raise ValueError(f"A has shape {A.shape} and B {B.shape}; pass (N, N) and (N, n_in)")
        object.__setattr__(self, "A", A)
        object.__setattr__(self, "B", B)

    @classmethod
    def sample(cls, N: int, radius: float, *, n_in: int = 1, rng: RNGLike = None):
        """``A ~ N(0, radius^2/N)`` iid (spectral radius ``~ radius``), ``B ~ N(0, 1)``.

        Parameters
        ----------
        N : int
            Units, >= 1.
        radius : float
            Gain of ``A``, >= 0.
        n_in : int
            Inputs, >= 1.
        rng : None, int, SeedSequence or Generator

        Returns
        -------
        LinearReservoir
        """
        N, n_in = check_int(N, "N", minimum=1), check_int(n_in, "n_in", minimum=1)
        radius = check_real(radius, "radius", low=0.0, finite=True)
        gen = as_generator(rng)
        return cls(radius * gen.standard_normal((N, N)) / math.sqrt(N),
                   gen.standard_normal((N, n_in)))  # fmt: skip

    @property
    def n_dim(self) -> int:
        """Dimension of the state."""
        return self.A.shape[0]

    def drive(self, x0, inputs) -> np.ndarray:
        """States after each step (n_steps, N[, B]), as :meth:`hebbian.rnn.GRUCell.drive`."""
        inputs = np.asarray(inputs, dtype=np.float64)
        x = np.asarray(x0, dtype=np.float64)
        if inputs.ndim == 3 and x.ndim == 1:
            x = np.repeat(x[:, None], inputs.shape[2], axis=1)
        states = np.empty((inputs.shape[0], *x.shape))
        for n, u in enumerate(inputs):
            x = states[n] = self.A @ x + self.B @ u
        return states


@dataclass(frozen=True, eq=False)
class SampledNetwork:
    """A continuous-time rate network driven through input weights, sampled once per unit time.

    The input ``u(t)`` (held constant over each unit of time) enters as the
    current ``I = B u`` (:func:`hebbian.rnn.simulate`, ``inputs=``); the
    state is recorded after each unit of time, integrated with fixed RK4
    steps of ``1/substeps``.

    Parameters
    ----------
    network : RateNetwork
        :class:`hebbian.rnn.GatedRNN`, :class:`hebbian.rnn.VanillaRNN`, ...
    B : array_like, shape (N, n_in)
        Input weights (``N = network.n_input``).
    substeps : int
        Integration steps per unit of time, >= 1.
    """

    network: object
    B: np.ndarray
    substeps: int = 10
    _B: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        B = np.array(self.B, dtype=np.float64)
        if B.ndim != 2 or B.shape[0] != self.network.n_input:
            raise ValueError(f"B has shape {B.shape}; pass ({self.network.n_input}, n_in)")
        object.__setattr__(self, "_B", B)
        object.__setattr__(self, "substeps", check_int(self.substeps, "substeps", minimum=1))

    @property
    def n_dim(self) -> int:
        """Dimension of the state."""
        return self.network.n_dim

    def drive(self, x0, inputs) -> np.ndarray:
        """States after each unit of time, shape (n_steps, n_dim[, B])."""
        inputs = np.asarray(inputs, dtype=np.float64)
        if inputs.ndim == 3:
            x0 = np.asarray(x0, dtype=np.float64)
            columns = [self.drive(x0 if x0.ndim == 1 else x0[:, b], inputs[:, :, b])
                       for b in range(inputs.shape[2])]  # fmt: skip
            return np.stack(columns, axis=-1)
        current = np.repeat(inputs @ self._B.T, self.substeps, axis=0)
        n_steps = inputs.shape[0]
        run = self.network.simulate(x0, float(n_steps), 1.0 / self.substeps, "rk4",
                                    inputs=current, save_every=self.substeps)  # fmt: skip
        return run.x[1:]


def flops_per_step(reservoir) -> int:
    """Floating-point operations of one step of a reservoir (matrix products, leading order).

    Parameters
    ----------
    reservoir : GRUCell, LSTMCell, LinearReservoir or SampledNetwork

    Returns
    -------
    int
        ``2 x`` the coupling and input-weight entries used per step (times
        four RK4 stages and the substeps for a sampled flow).

    Examples
    --------
    >>> flops_per_step(GRUCell.sample(10, 1.0, n_in=2, rng=0))  # 2 (3 N^2 + 3 N n_in)
    720
    """
    if isinstance(reservoir, GRUCell | LSTMCell):
        entries = reservoir._U.size + (reservoir.Uh.size if isinstance(reservoir, GRUCell) else 0)
        return 2 * (entries + (0 if reservoir.W is None else reservoir.W.size))
    if isinstance(reservoir, LinearReservoir):
        return 2 * (reservoir.A.size + reservoir.B.size)
    if isinstance(reservoir, SampledNetwork):
        net = reservoir.network
        couplings = sum(getattr(net, name).size for name in ("Jh", "Jz", "Jr", "J")
                        if hasattr(net, name))  # fmt: skip
        return 2 * (4 * reservoir.substeps * couplings + reservoir._B.size)
    raise TypeError(f"no cost known for {type(reservoir).__name__}")


class ReservoirMemory(AssociativeMemory):
    """A driven reservoir as a key/value memory, read out by ridge regression.

    A write drives the reservoir one step per pair with the input
    ``[k; v / sqrt(d_v)]``; a read takes one more step from the present
    state with the input ``[q; 0]`` (not kept) and reads ``y = W x + c``.
    The read-out for ``n`` stored pairs is fitted (:func:`ridge_readout`) on
    ``n_train`` independent streams of ``n`` random pairs
    (:func:`hebbian.memory.tasks.random_items`, the recall task's law), each
    queried at up to ``n_queries`` of its keys, and kept for later reads at
    the same ``n``; it never sees the stream being read.

    A linear read-out is additive in the state and the query's input, while
    recall needs the product ``(k_a . q) v_a``: a linear reservoir cannot
    recall beyond one pair, and a random gated one makes such products only
    weakly through its gates (its capacity at accuracy 0.9 is at most one
    pair in the measurements of the ``memory_models`` figure; with fewer
    than about ``2 d`` units even one pair is mixed with its key beyond a
    linear read-out).  What the gated networks
    do keep is the stream itself (:func:`short_term_memory`) and a value over
    a delay (:func:`delayed_recall`).

    Parameters
    ----------
    reservoir : GRUCell, LSTMCell, LinearReservoir or SampledNetwork
        With ``d_k + d_v`` inputs.
    n_train : int, optional
        Training streams per read-out, >= 2 (default ``max(64, 4 n_dim)``: a
        read-out of ``n_dim`` features fitted on fewer points overfits).
    n_queries : int
        Keys queried per training stream, >= 1.
    ridge : float
        Relative ridge penalty.
    rng : None, int, SeedSequence or Generator
        For the training streams.

    Examples
    --------
    >>> from hebbian.rnn import GRUCell
    >>> memory = ReservoirMemory(GRUCell.sample(30, 0.5, n_in=8, rng=0), rng=1)
    >>> keys, values = random_items(1, 4, 4, rng=2)
    >>> memory.write(keys, values)
    >>> bool(np.all(np.sign(memory.read(keys)) == values))
    True
    """

    def __init__(self, reservoir, *, n_train: int | None = None, n_queries: int = 8,
                 ridge: float = 1e-6, rng: RNGLike = None):  # fmt: skip
        super().__init__()
        self.reservoir = reservoir
        n_train = max(64, 4 * reservoir.n_dim) if n_train is None else n_train
        self.n_train = check_int(n_train, "n_train", minimum=2)
        self.n_queries = check_int(n_queries, "n_queries", minimum=1)
        self.ridge = check_real(ridge, "ridge", low=0.0, finite=True)
        self._rng = as_generator(rng)
        self._readouts = {}

    @property
    def state_size(self) -> int:
        return self.reservoir.n_dim

    @property
    def flops_per_write(self) -> int:
        return flops_per_step(self.reservoir)

    @property
    def flops_per_read(self) -> int:
        return flops_per_step(self.reservoir) + 2 * (self._d_v or 0) * self.reservoir.n_dim

    def _start(self, xp) -> None:
        if xp is not np:
            raise ValueError("a reservoir runs on NumPy; pass NumPy keys and values")
        n_in = getattr(self.reservoir, "n_in", None) or self.reservoir.B.shape[1]
        if n_in != self._d_k + self._d_v:
            raise ValueError(
                f"the reservoir has {n_in} inputs; a memory of d_k={self._d_k} and "
                f"d_v={self._d_v} needs {self._d_k + self._d_v}"
            )
        self._x = np.zeros(self.reservoir.n_dim)

    def _inputs(self, keys, values):
        return np.concatenate([keys, values / np.sqrt(self._d_v)], axis=-1)

    def _write(self, xp, keys, values):
        self._x = self.reservoir.drive(self._x, self._inputs(keys, values))[-1]

    def _query(self, states, queries):
        """States after one query step from ``states`` (n_dim, B), queries (B, d_k)."""
        blank = np.zeros((queries.shape[0], self._d_v))
        return self.reservoir.drive(states, self._inputs(queries, blank).T[None])[0]

    def _readout(self, n: int):
        if n not in self._readouts:
            B, d_k, d_v = self.n_train, self._d_k, self._d_v
            items = [random_items(n, d_k, d_v, rng=self._rng) for _ in range(B)]
            keys = np.stack([k for k, _ in items], axis=2)  # (n, d_k, B)
            values = np.stack([v for _, v in items], axis=2)
            inputs = np.concatenate([keys, values / np.sqrt(d_v)], axis=1)
            final = self.reservoir.drive(np.zeros(self.reservoir.n_dim), inputs)[-1]
            rows = query_rows(n, self.n_queries)
            states = np.repeat(final, rows.size, axis=1)  # stream-major columns
            q = keys[rows].transpose(2, 0, 1).reshape(-1, d_k)
            targets = values[rows].transpose(2, 0, 1).reshape(-1, d_v)
            self._readouts[n] = ridge_readout(self._query(states, q).T, targets, self.ridge)
        return self._readouts[n]

    def _read(self, xp, queries):
        shape = queries.shape
        flat = queries.reshape(-1, self._d_k)
        states = np.repeat(self._x[:, None], flat.shape[0], axis=1)
        W, c = self._readout(self._n)
        return (self._query(states, flat).T @ W.T + c).reshape(*shape[:-1], self._d_v)


def _split_score(states, targets, ridge, n_train):
    """Fit on the first ``n_train`` rows, squared correlation on the rest, per target column."""
    W, c = ridge_readout(states[:n_train], targets[:n_train], ridge)
    predicted = states[n_train:] @ W.T + c
    return squared_correlation(predicted, targets[n_train:], axis=0)


def short_term_memory(
    factory, *, max_lag: int, n_steps: int = 2000, washout: int = 100, n_samples: int = 8,
    ridge: float = 1e-8, rng: RNGLike = None,
) -> dict:  # fmt: skip
    """Jaeger's short-term memory capacity of random reservoirs, over disorder samples.

    Each sample draws a reservoir ``factory(rng)`` (one input) and an iid
    input stream uniform in ``[-1, 1]`` of ``washout + n_steps`` steps from
    ``x = 0``; for each lag ``k`` the ridge read-out of ``u(t - k)`` from
    ``x(t)`` is fitted on the first half of the kept steps and scored
    (squared correlation) on the second.

    Parameters
    ----------
    factory : callable
        ``factory(rng)`` returns a reservoir with one input (a ``drive`` method).
    max_lag : int
        Largest lag, >= 0.
    n_steps, washout : int
        Steps kept (>= 4 max_lag) and discarded first (>= 0).
    n_samples : int
        Disorder samples, >= 2.
    ridge : float
        Relative ridge penalty (:func:`ridge_readout`).
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    dict
        ``lag``; ``r2`` and ``r2_error`` per lag (mean and standard error
        over samples); ``capacity`` ``sum_k r2_k`` and ``capacity_error``;
        ``state_size`` and ``flops_per_step`` of the reservoir.
    """
    max_lag = check_int(max_lag, "max_lag", minimum=0)
    n_steps = check_int(n_steps, "n_steps", minimum=max(4 * max_lag, 8))
    washout = check_int(washout, "washout", minimum=0)
    ridge = check_real(ridge, "ridge", low=0.0, finite=True)
    r2, reservoir = [], None
    for child in spawn(rng, check_int(n_samples, "n_samples", minimum=2)):
        reservoir = factory(child)
        u = input_stream(washout + n_steps, rng=child)[:, :, 0]
        states = reservoir.drive(np.zeros(reservoir.n_dim), u)[washout + max_lag :]
        targets = np.stack([u[washout + max_lag - k : washout + n_steps - k, 0]
                            for k in range(max_lag + 1)], axis=1)  # fmt: skip
        r2.append(_split_score(states, targets, ridge, states.shape[0] // 2))
    mean, error = mean_error(r2)
    total, total_error = mean_error(np.sum(r2, axis=1))
    return {"lag": np.arange(max_lag + 1), "r2": mean, "r2_error": error,
            "capacity": float(total), "capacity_error": float(total_error),
            "state_size": reservoir.n_dim,
            "flops_per_step": flops_per_step(reservoir)}  # fmt: skip


def delayed_recall(
    factory, delays, *, n_trials: int = 400, noise: float = 0.0, n_samples: int = 8,
    ridge: float = 1e-8, rng: RNGLike = None,
) -> dict:  # fmt: skip
    """Recall of a continuous value after a delay, by a ridge read-out of the final state.

    Each sample draws a reservoir ``factory(rng)`` and ``n_trials`` trials
    (:func:`hebbian.memory.tasks.delay_trials`: a value ``c ~ U[-1, 1]`` at
    step 0, then ``delay`` steps of zero input, or of noise of standard
    deviation ``noise``), all from ``x = 0``; the read-out of ``c`` from the
    last state is fitted on half the trials and scored on the other half.

    Parameters
    ----------
    factory : callable
        ``factory(rng)`` returns a reservoir with one input.
    delays : sequence of int
        Delays, >= 0.
    n_trials : int
        Trials per delay and sample, >= 8.
    noise : float
        Standard deviation of the input during the delay, >= 0.
    n_samples : int
        Disorder samples, >= 2.
    ridge : float
        Relative ridge penalty.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    dict
        ``delay``; ``r2`` and ``r2_error`` (squared correlation of read-out
        and value, mean and standard error over samples).
    """
    delays = [check_int(t, "delay", minimum=0) for t in delays]
    n_trials = check_int(n_trials, "n_trials", minimum=8)
    noise = check_real(noise, "noise", low=0.0, finite=True)
    r2 = []
    for child in spawn(rng, check_int(n_samples, "n_samples", minimum=2)):
        reservoir = factory(child)
        row = []
        for delay in delays:
            inputs, values = delay_trials(n_trials, delay, noise=noise, rng=child)
            final = reservoir.drive(np.zeros(reservoir.n_dim), inputs)[-1].T
            row.append(float(_split_score(final, values, ridge, n_trials // 2)))
        r2.append(row)
    mean, error = mean_error(r2)
    return {"delay": np.array(delays), "r2": mean, "r2_error": error}
