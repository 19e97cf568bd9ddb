"""Associative memories of key/value pairs behind one interface: capacity and retention.

Every memory here offers ``write(keys, values)`` (shapes (n, d_k) and
(n, d_v), appended in row order to what is stored) and ``read(queries)``
(shape (..., d_k) to (..., d_v)).  The array code runs on NumPy or CuPy alike
(:func:`hebbian._array.array_namespace`); a memory lives where its first
write's keys live.  These memories are the comparison models of the gated
networks (:mod:`hebbian.rnn`).

Models
------
* :class:`LinearMemory` - Hebbian outer product ``S = sum_a v_a k_a^T``, read
  ``S q``: the pairwise Hopfield network and linear attention without a
  feature map (Hopfield 1982; Katharopoulos et al., ICML 2020, arXiv:2006.16236).
* :class:`PolynomialMemory` - dense associative memory of Krotov and Hopfield
  (NeurIPS 2016), separation function ``F(x) = x^P``: read
  ``sum_a v_a (k_a . q)^(P-1)`` (``F'`` up to the factor ``P``).
* :class:`SoftmaxMemory` - softmax attention ``sum_a v_a softmax(beta K q)_a``,
  one update of the modern Hopfield network (Ramsauer et al., ICLR 2021,
  Eq. (3)) with separate values.
* :class:`ForgetGatedMemory` - ``S <- gamma S + v k^T`` (a gated linear RNN's
  state; ``gamma = exp(-dt/tau)``), and :class:`DeltaRuleMemory` -
  ``S <- gamma S + eta (v - S k) k^T`` (Widrow-Hoff; Schlag, Irie, Schmidhuber,
  ICML 2021, arXiv:2102.11174; Yang et al., "Gated delta networks", ICLR 2025).
  Their state is ``d_v x d_k`` floats whatever the number stored.

Equation numbers are cited only where they were checked (Ramsauer et al.'s
Eq. (3), as in :mod:`hebbian.networks.modern`); the other papers could not be
read here and are cited without them.

Conventions of the measurements
-------------------------------
Keys ``k_a`` are random signs ``+-1/sqrt(d)`` (unit norm, so ``k . q`` is the
Mattis overlap ``m`` of the underlying +-1 vectors), values ``v_a`` random
signs ``+-1`` of dimension ``d_v`` (``d`` unless stated), and each stored key
is its own query.  Retrieval accuracy is *sign agreement*:
:func:`bit_accuracy` = mean over components of ``(1 + sign(r_i v_i))/2`` (a
component read as exactly 0 scores 1/2), averaged over the queries.

Signal-to-noise theory
----------------------
The linear, polynomial, softmax and forget-gated memories read a weighted sum
over the stored items,

    r(q) = (1/Z) sum_a w_a f(k_a . q) v_a,     Z > 0,

with kernel ``f`` (:meth:`LinearMemory.kernel` etc.: ``m``, ``m^(P-1)``,
``exp(beta m)``), forgetting weight ``w_a = gamma^lag_a`` (``lag`` = writes
since item ``a``; 1 without a gate) and ``Z`` the softmax normalization (1
otherwise; a positive ``Z`` changes no sign).  Querying item ``b`` gives the
signal ``w_b f(1) v_b`` plus crosstalk ``sum_{a != b} w_a f(m_a) v_a``: the
overlaps ``m_a = k_a . k_b`` are independent, ``m = (d - 2B)/d`` with
``B ~ Binomial(d, 1/2)``, and the independent signs ``v_a`` make the crosstalk
of each component zero-mean with variance

    sigma_b^2 = E[f(m)^2] sum_{a != b} w_a^2.

For many items it is Gaussian (central limit theorem), so item ``b`` is read
with accuracy ``Phi(w_b f(1) / sigma_b)`` (:func:`predicted_accuracy`,
:func:`predicted_retention`; ``E[f(m)^2]`` is summed exactly over the binomial
law).  At a threshold accuracy ``A`` (``z = Phi^-1(A)``; ``A = 0.9``:
``z = 1.2816``, ``z^2 = 1.642``), without a gate, the capacity is the largest
``n`` with ``(n - 1) E[f^2] <= f(1)^2 / z^2`` (:func:`predicted_capacity`):

* linear, ``E[m^2] = 1/d``: noise variance ``(n-1)/d``,
  ``n_c = 1 + d / z^2`` - linear in ``d``, ``n_c ~ 0.609 d`` at ``A = 0.9``
  where the capacity's signal-to-noise ratio is ``d/(n_c - 1) = z^2 = 1.642``
  (one-step bit accuracy; the ``0.138 N`` of Amit-Gutfreund-Sompolinsky is
  the fixed point of the dynamics, with ``m = 0.967``, i.e. 1.6% wrong bits);
* polynomial, ``E[m^(2P-2)] = (2P-3)!! d^-(P-1) (1 + O(1/d))``:
  ``n_c ~ d^(P-1) / ((2P-3)!! z^2)``; for ``P = 3``, ``E[m^4] = (3d-2)/d^3``
  and ``n_c = 1 + d^3 / ((3d - 2) z^2) ~ 0.203 d^2``;
* softmax at ``beta = beta_0 d`` (``exp(beta_0 xi . sigma)`` for the +-1
  vectors: Demircigil et al. 2017's scaling), ``E[f^2] = cosh(2 beta_0)^d``:
  ``n_c = 1 + exp(alpha d) / z^2`` with ``alpha = 2 beta_0 - log cosh(2 beta_0)``,
  exponential in ``d``; ``alpha`` is the REM threshold of the planted term
  ``exp(2 beta_0 d)`` against the others' fluctuation,
  :func:`hebbian.theory.exponential.alpha_zero_T` ``(beta_0)`` (the sum of the
  ``e^(alpha d)`` terms is in its many-terms phase there, so the second moment
  is exact to exponential order).  At ``beta`` of order ``sqrt(d)`` (the
  transformer's ``1/sqrt(d_k)``) the capacity grows as ``exp(c sqrt(d))`` only;
* forget gate, stationary (``n -> infinity``): the item written ``lag`` writes
  ago has signal ``gamma^lag`` and noise variance
  ``(1/(1 - gamma^2) - gamma^(2 lag)) / d``, so its accuracy is
  ``Phi(gamma^lag sqrt(d) / sqrt(1/(1 - gamma^2) - gamma^(2 lag)))`` and it is
  recalled up to the horizon
  ``lag* = (tau/2) log[(1 - gamma^2)(d + z^2) / z^2] ~ (tau/2) log(2d / (tau z^2))``
  (``tau = -1/log(gamma)``): retention is ``tau`` times the log of the
  signal-to-noise ratio.  The horizon is largest at ``tau_opt ~ 2d/(e z^2)``,
  where it is ``d/(e z^2) ~ 0.224 d``.

The delta rule has no such sum.  With ``eta = gamma = 1`` and unit keys a
write sets ``S k = v`` exactly, and a later write along ``k' _|_ k`` leaves
``S k`` unchanged: up to ``d`` orthogonal keys are recalled exactly.  A write
is a Kaczmarz projection toward ``S K^T = V^T``, so repeated writes of ``n <= d``
linearly independent keys converge to exact recall.  For random keys each
later write multiplies an old key's component by ``I - eta k k^T``, of mean
``1 - eta/d``: a mean-field signal ``(gamma (1 - eta/d))^lag``.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np
from scipy import optimize, special, stats

from hebbian._array import array_namespace
from hebbian._checks import check_int, check_real
from hebbian.networks.modern import _log_softmax
from hebbian.patterns import binary_patterns
from hebbian.random import RNGLike, as_generator, spawn
from hebbian.search import bisect

__all__ = [
    "AssociativeMemory",
    "DeltaRuleMemory",
    "ForgetGatedMemory",
    "LinearMemory",
    "PolynomialMemory",
    "SoftmaxMemory",
    "bit_accuracy",
    "capacity",
    "capacity_curve",
    "predicted_accuracy",
    "predicted_capacity",
    "predicted_retention",
    "random_items",
    "retention_curve",
    "retention_timescale",
    "scaling_exponent",
]

#: Largest number of items a capacity search tries by default.
N_CAP = 2**20


def _finite_positive(value, name: str) -> float:
    value = check_real(value, name, low=0.0, low_open=True)
    if value == math.inf:  # check_real lets inf through
        raise ValueError(f"{name}=inf is not finite; pass a finite {name} > 0")
    return value


def _threshold(threshold) -> float:
    return check_real(threshold, "threshold", low=0.5, high=1.0, low_open=True, high_open=True)


def _gate(gamma) -> float:
    return check_real(gamma, "gamma", low=0.0, high=1.0, low_open=True, fix="gamma = exp(-1/tau)")


def _rows(xp, x, name: str, width: int | None, dim: str):
    """``x`` as a finite float64 array of shape (n, width), n >= 1, or raise naming ``name``."""
    x = xp.asarray(x, dtype=xp.float64)
    if x.ndim != 2 or x.shape[0] == 0 or (width is not None and x.shape[1] != width):
        wanted = f"{dim}={width}" if width is not None else f"{dim} >= 1"
        raise ValueError(
            f"{name} has shape {x.shape}; pass shape (n, {dim}) with n >= 1 and {wanted}"
        )
    if not bool(xp.all(xp.isfinite(x))):
        raise ValueError(f"{name} contains NaN or inf; pass finite values")
    return x


class AssociativeMemory(ABC):
    """Key/value memory: :meth:`write` appends pairs, :meth:`read` recalls values.

    ``d_k`` and ``d_v`` are fixed by the first write, and so is the array
    library (NumPy or CuPy) the state lives in; later NumPy inputs to a CuPy
    memory are copied to the device.
    """

    def __init__(self):
        self._xp = None
        self._d_k = self._d_v = None
        self._n = 0

    @property
    def n_stored(self) -> int:
        """Number of pairs written so far."""
        return self._n

    @property
    def d_k(self) -> int | None:
        """Key dimension (``None`` before the first write)."""
        return self._d_k

    @property
    def d_v(self) -> int | None:
        """Value dimension (``None`` before the first write)."""
        return self._d_v

    @property
    @abstractmethod
    def state_size(self) -> int:
        """Number of floats the memory holds."""

    def _namespace(self, arrays, name: str):
        xp = array_namespace(*arrays)
        if self._xp is None:
            return xp
        if xp is not self._xp and xp is not np:
            raise ValueError(
                f"{name} are {xp.__name__} arrays but this memory holds NumPy arrays; "
                f"pass NumPy arrays, or write {xp.__name__} keys into a fresh memory"
            )
        return self._xp

    def write(self, keys, values) -> None:
        """Store ``n`` key/value pairs, in row order, after those already stored.

        Parameters
        ----------
        keys : array, shape (n, d_k)
        values : array, shape (n, d_v)
        """
        xp = self._namespace((keys, values), "keys and values")
        keys = _rows(xp, keys, "keys", self._d_k, "d_k")
        values = _rows(xp, values, "values", self._d_v, "d_v")
        if keys.shape[0] != values.shape[0]:
            raise ValueError(
                f"keys has {keys.shape[0]} rows but values has {values.shape[0]}; "
                "pass one value row per key row"
            )
        if self._n == 0:
            self._xp, self._d_k, self._d_v = xp, keys.shape[1], values.shape[1]
            self._start(xp)
        self._write(xp, keys, values)
        self._n += keys.shape[0]

    def read(self, queries):
        """Recall the values of ``queries``.

        Parameters
        ----------
        queries : array, shape (..., d_k)

        Returns
        -------
        array, shape (..., d_v)
            In the memory's array library.
        """
        if self._n == 0:
            raise ValueError("nothing is stored yet; call write(keys, values) before read")
        xp = self._namespace((queries,), "queries")
        q = xp.asarray(queries, dtype=xp.float64)
        if q.ndim < 1 or q.shape[-1] != self._d_k:
            raise ValueError(
                f"queries has shape {q.shape}; pass shape (..., d_k) with d_k={self._d_k}"
            )
        if not bool(xp.all(xp.isfinite(q))):
            raise ValueError("queries contains NaN or inf; pass finite values")
        return self._read(xp, q)

    @abstractmethod
    def _start(self, xp) -> None:
        """Allocate the empty state once ``d_k`` and ``d_v`` are known."""

    @abstractmethod
    def _write(self, xp, keys, values) -> None:
        """Append checked rows."""

    @abstractmethod
    def _read(self, xp, queries):
        """Read checked queries."""


class _OuterProductMemory(AssociativeMemory):
    """A fixed-size state ``S`` of shape (d_v, d_k), read as ``S q``."""

    @property
    def state_size(self) -> int:
        return 0 if self._n == 0 else self._d_v * self._d_k

    @property
    def state(self):
        """The matrix ``S``, shape (d_v, d_k) (a copy)."""
        return None if self._n == 0 else self._S.copy()

    def _start(self, xp) -> None:
        self._S = xp.zeros((self._d_v, self._d_k))

    def _read(self, xp, queries):
        return queries @ self._S.T


class ForgetGatedMemory(_OuterProductMemory):
    """Forget-gated Hebbian memory ``S <- gamma S + v k^T`` (a gated linear RNN).

    A batch of ``n`` writes is applied at once:
    ``S <- gamma^n S + sum_a gamma^(n-1-a) v_a k_a^T``.  ``gamma`` is the
    leaky integrator ``dS/dt = -S/tau + sum_a v_a k_a^T delta(t - t_a)``
    sampled once per write, ``gamma = exp(-dt/tau)`` (:meth:`from_timescale`);
    in the gated network of :mod:`hebbian.rnn.networks`, where the update gate
    multiplies the rate, ``tau = 1/sigma_z``, so a closing gate makes a slow
    mode.  Signal, noise and horizon: module docstring.

    Parameters
    ----------
    gamma : float
        Forget gate, in (0, 1]; 1 is :class:`LinearMemory`.

    References
    ----------
    Katharopoulos et al., ICML 2020, arXiv:2006.16236; Yang et al., "Gated
    linear attention transformers", ICML 2024 (here with a scalar gate);
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022) (timescale gate).

    Examples
    --------
    >>> memory = ForgetGatedMemory(0.5)
    >>> memory.write(np.eye(2), np.eye(2))
    >>> memory.read(np.eye(2)).tolist()
    [[0.5, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gamma: float):
        super().__init__()
        self.gamma = _gate(gamma)

    @classmethod
    def from_timescale(cls, tau: float, dt: float = 1.0) -> ForgetGatedMemory:
        """The memory with ``gamma = exp(-dt/tau)``; ``tau`` and ``dt`` in writes."""
        tau = _finite_positive(tau, "tau")
        return cls(math.exp(-_finite_positive(dt, "dt") / tau))

    @property
    def timescale(self) -> float:
        """``tau = -1/log(gamma)`` in writes (``inf`` without forgetting)."""
        return math.inf if self.gamma == 1 else -1.0 / math.log(self.gamma)

    def kernel(self, overlap):
        """Weight ``f(m) = m`` of an item at overlap ``m`` with the query."""
        return overlap

    def _write(self, xp, keys, values):
        n = keys.shape[0]
        weights = self.gamma ** xp.arange(n - 1, -1, -1, dtype=xp.float64)
        self._S = self.gamma**n * self._S + (values * weights[:, None]).T @ keys


class LinearMemory(ForgetGatedMemory):
    """Hebbian outer-product memory ``S = sum_a v_a k_a^T``, read ``S q``.

    The pairwise Hopfield network (``values = keys``: couplings ``J = S``) and
    linear attention; the forget-gated memory with ``gamma = 1``.  Capacity
    ``n_c = 1 + d/z^2``: module docstring.

    References
    ----------
    Hopfield, PNAS 79, 2554 (1982); Amit, Gutfreund, Sompolinsky, PRL 55
    (1985); Katharopoulos et al., "Transformers are RNNs", ICML 2020,
    arXiv:2006.16236.

    Examples
    --------
    >>> memory = LinearMemory()
    >>> memory.write(np.eye(3)[:2], [[1.0, -1.0], [2.0, 0.0]])
    >>> memory.read([1.0, 1.0, 0.0]).tolist()
    [3.0, -1.0]
    """

    def __init__(self):
        super().__init__(gamma=1.0)


class DeltaRuleMemory(_OuterProductMemory):
    """Delta-rule memory ``S <- gamma S + eta (v - S k) k^T``, one key at a time.

    With unit keys, ``eta = 1`` makes each write a projection: ``S k = v``
    afterwards, exactly; ``eta |k|^2 < 1 + gamma`` keeps the state bounded.
    Exact recall of orthogonal keys, Kaczmarz convergence, mean-field decay:
    module docstring.

    Parameters
    ----------
    eta : float
        Learning rate, > 0.
    gamma : float
        Forget gate, in (0, 1].

    References
    ----------
    Widrow and Hoff (1960); Schlag, Irie, Schmidhuber, "Linear transformers
    are secretly fast weight programmers", ICML 2021, arXiv:2102.11174; Yang
    et al., "Gated delta networks", ICLR 2025.

    Examples
    --------
    >>> memory = DeltaRuleMemory()
    >>> memory.write([[1.0, 0.0], [1.0, 0.0]], [[5.0], [7.0]])
    >>> memory.read([1.0, 0.0]).tolist()  # the second write replaced the first
    [7.0]
    """

    def __init__(self, eta: float = 1.0, gamma: float = 1.0):
        super().__init__()
        self.eta = _finite_positive(eta, "eta")
        self.gamma = _gate(gamma)

    def _write(self, xp, keys, values):
        S = self._S
        for k, v in zip(keys, values, strict=True):
            S = self.gamma * S + self.eta * xp.outer(v - S @ k, k)
        self._S = S


class _KernelMemory(AssociativeMemory):
    """Keeps every pair (a growing state) and reads ``weights(K q) @ V``."""

    @property
    def state_size(self) -> int:
        return 0 if self._n == 0 else self._n * (self._d_k + self._d_v)

    def _start(self, xp) -> None:
        self._K = xp.zeros((0, self._d_k))
        self._V = xp.zeros((0, self._d_v))

    def _write(self, xp, keys, values):
        self._K = xp.concatenate([self._K, keys])
        self._V = xp.concatenate([self._V, values])

    def _read(self, xp, queries):
        return self._weights(xp, queries @ self._K.T) @ self._V

    @abstractmethod
    def _weights(self, xp, scores):
        """Attention weights from the scores ``k_a . q``, shape (..., n)."""


class PolynomialMemory(_KernelMemory):
    """Dense associative memory ``r(q) = sum_a v_a (k_a . q)^(P-1)``.

    Krotov-Hopfield separation function ``F(x) = x^P``, read with
    ``F'(x)/P``; for unit keys ``k . q`` is the overlap, i.e. ``(xi . sigma / d)``
    for the +-1 vectors, so no further normalization (a positive factor changes
    no sign).  ``P = 2`` is :class:`LinearMemory`; the dense Hebbian network of
    order ``P`` (:class:`hebbian.DenseHopfield`) with values = keys.  Capacity
    ``~ d^(P-1) / ((2P-3)!! z^2)``: module docstring.

    Parameters
    ----------
    P : int
        Order, >= 2.

    References
    ----------
    Krotov and Hopfield, "Dense associative memory for pattern recognition",
    NeurIPS 2016, arXiv:1606.01164; Gardner, J. Phys. A 20, 3453 (1987).

    Examples
    --------
    >>> memory = PolynomialMemory(3)
    >>> memory.write(np.eye(2), [[1.0], [-1.0]])
    >>> memory.read([0.5, 1.0]).tolist()
    [-0.75]
    """

    def __init__(self, P: int):
        super().__init__()
        self.P = check_int(P, "P", minimum=2)

    def kernel(self, overlap):
        """Weight ``f(m) = m^(P-1)`` of an item at overlap ``m`` with the query."""
        return overlap ** (self.P - 1)

    def _weights(self, xp, scores):
        return self.kernel(scores)


class SoftmaxMemory(_KernelMemory):
    """Softmax attention ``r(q) = sum_a v_a softmax(beta K q)_a`` over every stored key.

    With ``values = keys`` this is one update ``X softmax(beta X^T xi)`` of
    :class:`hebbian.networks.ModernHopfield` (Ramsauer et al., Eq. (3)); it
    shares that class's log-softmax but not the class, which is
    auto-associative, immutable and validates its patterns on the host (a
    growing state would be re-checked and re-sent to the device at every
    write).  ``beta`` multiplies the raw dot product: ``beta = beta_0 d``
    gives ``log n_c ~ (2 beta_0 - log cosh 2 beta_0) d`` for unit keys
    (module docstring).

    Parameters
    ----------
    beta : float
        Inverse temperature, finite and > 0.

    References
    ----------
    Ramsauer et al., ICLR 2021, arXiv:2008.02217, Eq. (3); Demircigil et al.,
    J. Stat. Phys. 168, 288 (2017).

    Examples
    --------
    >>> memory = SoftmaxMemory(beta=50.0)
    >>> memory.write(np.eye(2), [[1.0], [-1.0]])
    >>> memory.read([0.9, 0.1]).round(6).tolist()
    [1.0]
    """

    def __init__(self, beta: float):
        super().__init__()
        self.beta = _finite_positive(beta, "beta")

    def kernel(self, overlap):
        """Unnormalized weight ``f(m) = exp(beta m)`` (NumPy)."""
        return np.exp(self.beta * overlap)

    def _weights(self, xp, scores):
        return xp.exp(_log_softmax(xp, self.beta * scores))


# --- measurements ---------------------------------------------------------------------------


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


class _Items:
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


def _query_rows(n: int, n_queries: int) -> np.ndarray:
    """Up to ``n_queries`` stored items spread evenly from the oldest to the newest."""
    return np.unique(np.round(np.linspace(0, n - 1, min(n, n_queries))).astype(int))


def _filled(model_factory, d: int, keys, values, xp) -> AssociativeMemory:
    memory = model_factory(d)
    if not isinstance(memory, AssociativeMemory):
        raise TypeError(
            f"model_factory(d) returned {type(memory).__name__}; pass a callable that "
            "returns a fresh AssociativeMemory, e.g. lambda d: SoftmaxMemory(beta=d / 4)"
        )
    memory.write(xp.asarray(keys), xp.asarray(values))
    return memory


def _accuracy(model_factory, d: int, items: _Items, n: int, n_queries: int, xp) -> float:
    keys, values = items.first(n)
    memory = _filled(model_factory, d, keys, values, xp)
    rows = _query_rows(n, n_queries)
    return bit_accuracy(memory.read(xp.asarray(keys[rows])), xp.asarray(values[rows]))


def _samples(d, d_v, n_samples, rng) -> tuple[int, int, list[np.random.Generator]]:
    """Checked ``d`` and ``d_v``, and one child generator per sample."""
    d = check_int(d, "d", minimum=1)
    d_v = d if d_v is None else check_int(d_v, "d_v", minimum=2)
    return d, d_v, spawn(rng, check_int(n_samples, "n_samples", minimum=2))


def _mean_error(x) -> tuple[np.ndarray, np.ndarray]:
    """Mean over axis 0 and its standard error."""
    x = np.asarray(x, dtype=np.float64)
    return x.mean(0), x.std(0, ddof=1) / math.sqrt(x.shape[0])


def _largest(holds: Callable[[int], bool], n_cap: int) -> tuple[int, bool]:
    """Largest ``n <= n_cap`` with ``holds(n)`` (true at 1, lost once), and whether ``n_cap``
    still holds: doubling from 2, then bisection of the last doubling."""
    lo, hi = 1, min(2, n_cap)
    while holds(hi):
        if hi == n_cap:
            return n_cap, True
        lo, hi = hi, min(2 * hi, n_cap)
    return bisect(holds, lo, hi, integer=True)[0], False


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
        :func:`predicted_accuracy`.
    """
    d, d_v, children = _samples(d, d_v, n_samples, rng)
    grid = [check_int(n, "n_items_grid entry", minimum=1) for n in n_items_grid]
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    acc = [
        [_accuracy(model_factory, d, items, n, n_queries, xp) for n in grid]
        for items in (_Items(child, d, d_v) for child in children)
    ]
    mean, error = _mean_error(acc)
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
    crossing).  Arguments as in :func:`capacity_curve`.

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
        error), ``samples`` (per sample) and ``censored`` (how many reached
        ``n_cap``; then ``capacity`` is a lower bound).  Theory:
        :func:`predicted_capacity`.
    """
    d, d_v, children = _samples(d, d_v, n_samples, rng)
    threshold = _threshold(threshold)
    n_queries = check_int(n_queries, "n_queries", minimum=1)
    n_cap = check_int(n_cap, "n_cap", minimum=2)
    found = []
    for child in children:
        items = _Items(child, d, d_v)

        def holds(n, items=items):
            return _accuracy(model_factory, d, items, n, n_queries, xp) >= threshold

        found.append(_largest(holds, n_cap))
    samples = np.array([n for n, _ in found])
    mean, error = _mean_error(samples)
    return {
        "capacity": float(mean),
        "capacity_error": float(error),
        "samples": samples,
        "censored": sum(censored for _, censored in found),
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
        unbiased).  Theory: :func:`predicted_retention`.
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
    per_sample = []
    for child in children:
        keys, values = random_items(n_items, d, d_v, rng=child)
        r = _filled(model_factory, d, keys, values, xp).read(xp.asarray(keys[rows]))
        v = xp.asarray(values[rows])
        signal = xp.sum(r * v, axis=1) / d_v
        noise = xp.sum((r - signal[:, None] * v) ** 2, axis=1) / (d_v - 1)
        # tolist: to the host from NumPy and CuPy alike
        per_sample.append([a.tolist() for a in (bit_accuracy(r, v, axis=1), signal, noise)])
    mean, error = _mean_error(per_sample)
    out = {"lag": lags}
    for name, m, e in zip(("accuracy", "signal", "noise"), mean, error, strict=True):
        out[name], out[f"{name}_error"] = m, e
    return out


# --- theory and fits --------------------------------------------------------------------------


def _crosstalk_moment(kernel, d: int) -> float:
    """``E[f(m)^2]`` over the overlap ``m = (d - 2B)/d``, ``B ~ Binomial(d, 1/2)``, exactly."""
    B = np.arange(d + 1)
    return float(np.sum(stats.binom.pmf(B, d, 0.5) * kernel((d - 2.0 * B) / d) ** 2))


def _signal_noise(kernel, d: int, n_items: int, lags, gamma: float):
    """Signal ``gamma^lag f(1)`` and crosstalk variance per component (module docstring)."""
    lags = np.asarray(lags, dtype=np.float64)
    weights_sq = n_items if gamma == 1 else (1 - gamma ** (2 * n_items)) / (1 - gamma**2)
    signal = gamma**lags * float(kernel(1.0))
    return signal, (weights_sq - gamma ** (2 * lags)) * _crosstalk_moment(kernel, d)


def _check_theory(d, n_items, gamma) -> tuple[int, int, float]:
    return check_int(d, "d", minimum=1), check_int(n_items, "n_items", minimum=1), _gate(gamma)


def predicted_retention(kernel, d: int, n_items: int, lags, *, gamma: float = 1.0) -> dict:
    """Signal-to-noise prediction of :func:`retention_curve`.

    Parameters
    ----------
    kernel : callable
        The memory's ``kernel`` (:meth:`LinearMemory.kernel` etc.), on NumPy arrays.
    d, n_items : int
        Key dimension and pairs written.
    lags : array_like of int
        Writes since the item queried.
    gamma : float
        Forget gate (1: none).

    Returns
    -------
    dict
        ``accuracy = Phi(signal / sqrt(noise))``, ``signal = gamma^lag f(1)``
        and ``noise = E[f(m)^2] (sum_{j < n_items} gamma^(2j) - gamma^(2 lag))``
        per lag (for :class:`SoftmaxMemory` signal and noise are before its
        normalization; the accuracy is unaffected).

    Examples
    --------
    >>> out = predicted_retention(LinearMemory().kernel, 100, 1000, [0], gamma=0.9)
    >>> round(float(out["noise"][0]), 5)  # (1/(1 - 0.81) - 1)/100
    0.04263
    """
    d, n_items, gamma = _check_theory(d, n_items, gamma)
    signal, noise = _signal_noise(kernel, d, n_items, lags, gamma)
    with np.errstate(divide="ignore"):  # one item: no noise, accuracy 1
        accuracy = special.ndtr(signal / np.sqrt(noise))
    return {"accuracy": accuracy, "signal": signal, "noise": noise}


def predicted_accuracy(kernel, d: int, n_items: int, *, gamma: float = 1.0) -> float:
    """Signal-to-noise prediction of :func:`capacity_curve`: mean accuracy over the stored items.

    Arguments as in :func:`predicted_retention`.  Without a gate,
    ``Phi(f(1) / sqrt((n_items - 1) E[f(m)^2]))``; linear memory:
    ``Phi(sqrt(d / (n_items - 1)))``.

    Examples
    --------
    >>> round(predicted_accuracy(LinearMemory().kernel, 100, 101), 4)  # Phi(1)
    0.8413
    """
    d, n_items, gamma = _check_theory(d, n_items, gamma)
    # without a gate every item is read alike: one lag stands for all
    lags = np.arange(n_items) if gamma < 1 else [0]
    return float(np.mean(predicted_retention(kernel, d, n_items, lags, gamma=gamma)["accuracy"]))


def predicted_capacity(
    kernel, d: int, *, gamma: float = 1.0, threshold: float = 0.9, n_cap: int = 2**62
) -> int:
    """Largest ``n`` with :func:`predicted_accuracy` ``>= threshold``.

    Without a gate, ``1 + f(1)^2 / (z^2 E[f(m)^2])`` rounded down,
    ``z = Phi^-1(threshold)``; closed forms for each memory in the module
    docstring.  Returns ``n_cap`` (at most ``2**62``) if the accuracy is still above
    threshold there.

    Examples
    --------
    >>> predicted_capacity(LinearMemory().kernel, 100)  # floor(1 + 100/1.2816^2)
    61
    """
    threshold = _threshold(threshold)
    gamma = _gate(gamma)
    return _largest(
        lambda n: predicted_accuracy(kernel, d, n, gamma=gamma) >= threshold,
        check_int(n_cap, "n_cap", minimum=2),
    )[0]


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
