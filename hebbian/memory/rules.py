"""The recurrences of the classical memories: Hebbian, gated, delta rule, polynomial, softmax.

* :class:`LinearMemory` - Hebbian outer product ``S = sum_a v_a k_a^T``, read
  ``S q``: the pairwise Hopfield network and linear attention without a
  feature map, and the Pavlovian-conditioning reading of linear attention.
* :class:`GatedMemory` - ``S <- alpha_t S + v k^T`` (Hebbian rule) or
  ``S <- alpha_t S + eta (v - S k) k^T`` (delta rule) with a retention gate
  ``alpha_t`` that is a constant or depends on the key
  (:class:`hebbian.rnn.gates.ProjectionGate`): gated linear attention, the
  gated delta rule.  :class:`ForgetGatedMemory` (a constant gate ``gamma``)
  and :class:`DeltaRuleMemory` are its constant-gate cases.
* :class:`PolynomialMemory` - dense associative memory of Krotov and Hopfield,
  read ``sum_a v_a (k_a . q)^(P-1)``.
* :class:`SoftmaxMemory` - softmax attention over every stored key, one
  update of the modern Hopfield network (a key/value cache).

The outer-product memories hold ``d_v x d_k`` floats whatever the number
stored; the kernel memories keep every pair.  Their signal-to-noise theory
(capacity, retention under a gate) is :mod:`hebbian.theory.memory`.
Equation numbers are cited only where they were checked (Ramsauer et al.'s
Eq. (3), as in :mod:`hebbian.networks.modern`).
"""

from __future__ import annotations

from abc import abstractmethod

import numpy as np

from hebbian._checks import check_int
from hebbian.memory.interface import AssociativeMemory, finite_positive, forget_factor
from hebbian.networks.modern import _log_softmax
from hebbian.rnn.gates import ProjectionGate

__all__ = [
    "DeltaRuleMemory",
    "ForgetGatedMemory",
    "GatedMemory",
    "LinearMemory",
    "PolynomialMemory",
    "SoftmaxMemory",
]

RULES = ("hebbian", "delta")


class OuterProductMemory(AssociativeMemory):
    """A fixed-size state ``S`` of shape (d_v, d_k), read as ``S q``."""

    @property
    def state_size(self) -> int:
        return 0 if self._n == 0 else self._d_v * self._d_k

    @property
    def flops_per_read(self) -> int:
        return 0 if self._n == 0 else 2 * self._d_v * self._d_k

    @property
    def state(self):
        """The matrix ``S``, shape (d_v, d_k) (a copy)."""
        return None if self._n == 0 else self._S.copy()

    def _start(self, xp) -> None:
        self._S = xp.zeros((self._d_v, self._d_k))

    def _read(self, xp, queries):
        return queries @ self._S.T


class GatedMemory(OuterProductMemory):
    """Gated outer-product memory: ``S <- alpha_t S + v k^T`` or the gated delta rule.

    * ``rule="hebbian"``: ``S_t = alpha_t S_(t-1) + v_t k_t^T`` (gated linear
      attention; a batch of writes is applied at once,
      ``S <- (prod_t alpha_t) S + sum_a (prod_(t > a) alpha_t) v_a k_a^T``,
      the products as sums of :func:`hebbian.rnn.gates.log_gate`);
    * ``rule="delta"``: ``S_t = alpha_t S_(t-1) + eta (v_t - S_(t-1) k_t) k_t^T``
      (Widrow-Hoff with retention), one key at a time.

    ``alpha_t`` is the retention gate: a float (a constant, 1 = no
    forgetting) or a :class:`~hebbian.rnn.gates.ProjectionGate` of the key
    written, ``sigma(a w . k_t + b)``.  A constant ``gamma = exp(-dt/tau)`` is
    the leaky integrator ``dS/dt = -S/tau + ...`` sampled once per write; in
    the gated rate network, whose update gate multiplies the rate, ``tau =
    1/sigma_z``.

    Parameters
    ----------
    gate : float or ProjectionGate
        Retention gate; a float must be in (0, 1].
    rule : {"hebbian", "delta"}
    eta : float
        Learning rate of the delta rule, > 0 (``eta |k|^2 < 1 + alpha`` keeps
        the state bounded).

    References
    ----------
    Katharopoulos et al., ICML 2020, arXiv:2006.16236; Yang et al., "Gated
    linear attention transformers", ICML 2024, arXiv:2312.06635; Yang, Kautz,
    Hatamizadeh, "Gated delta networks", ICLR 2025, arXiv:2412.06464 (there
    the error is taken against the decayed state ``alpha_t S``); Schlag,
    Irie, Schmidhuber, ICML 2021, arXiv:2102.11174.

    Examples
    --------
    >>> memory = GatedMemory(ProjectionGate(np.array([1.0, 0.0]), gain=40.0))
    >>> memory.write(np.eye(2), np.eye(2))  # the gate of the second key halves the first
    >>> memory.read(np.eye(2)).round(6).tolist()
    [[0.5, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gate=1.0, *, rule: str = "hebbian", eta: float = 1.0):
        super().__init__()
        if not isinstance(gate, ProjectionGate):
            gate = forget_factor(gate, "gate")
        if rule not in RULES:
            raise ValueError(f"rule={rule!r} is unknown; pass one of {RULES}")
        self.gate, self.rule = gate, rule
        self.eta = finite_positive(eta, "eta")

    @property
    def flops_per_write(self) -> int:
        if self._n == 0:
            return 0
        size = self._d_v * self._d_k
        gate = 0 if not isinstance(self.gate, ProjectionGate) else 2 * self._d_k + 4
        return (3 if self.rule == "hebbian" else 5) * size + gate

    def kernel(self, overlap):
        """Weight ``f(m) = m`` of an item at overlap ``m`` with the query (Hebbian rule)."""
        return overlap

    def _log_gates(self, xp, keys):
        """``log alpha_t`` of each key, or ``None`` for a constant float gate."""
        return self.gate.log_value(keys) if isinstance(self.gate, ProjectionGate) else None

    def _write(self, xp, keys, values):
        log_alpha = self._log_gates(xp, keys)
        if self.rule == "delta":
            alpha = [self.gate] * keys.shape[0] if log_alpha is None else xp.exp(log_alpha)
            S = self._S
            for k, v, a in zip(keys, values, alpha, strict=True):
                S = a * S + self.eta * xp.outer(v - S @ k, k)
            self._S = S
            return
        n = keys.shape[0]
        if log_alpha is None:  # powers of the constant, exactly
            weights = self.gate ** xp.arange(n - 1, -1, -1, dtype=xp.float64)
            total = self.gate**n
        else:
            cum = xp.cumsum(log_alpha)
            weights = xp.exp(cum[-1] - cum)
            total = xp.exp(cum[-1])
        self._S = total * self._S + (values * weights[:, None]).T @ keys


class ForgetGatedMemory(GatedMemory):
    """Forget-gated Hebbian memory ``S <- gamma S + v k^T``: a constant retention gate.

    Signal ``gamma^lag``, noise and horizon:
    :func:`hebbian.theory.memory.predicted_retention`.

    Parameters
    ----------
    gamma : float
        Forget gate, in (0, 1]; 1 is :class:`LinearMemory`.

    References
    ----------
    Katharopoulos et al., ICML 2020, arXiv:2006.16236; Yang et al., ICML 2024
    (here with a scalar gate); Krishnamurthy, Can, Schwab, PRX 12, 011011
    (2022) (timescale gate).

    Examples
    --------
    >>> memory = ForgetGatedMemory(0.5)
    >>> memory.write(np.eye(2), np.eye(2))
    >>> memory.read(np.eye(2)).tolist()
    [[0.5, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gamma: float):
        super().__init__(forget_factor(gamma))

    @property
    def gamma(self) -> float:
        """The constant gate."""
        return self.gate

    @classmethod
    def from_timescale(cls, tau: float, dt: float = 1.0) -> ForgetGatedMemory:
        """The memory with ``gamma = exp(-dt/tau)``; ``tau`` and ``dt`` in writes."""
        tau = finite_positive(tau, "tau")
        return cls(float(np.exp(-finite_positive(dt, "dt") / tau)))

    @property
    def timescale(self) -> float:
        """``tau = -1/log(gamma)`` in writes (``inf`` without forgetting)."""
        return np.inf if self.gamma == 1 else -1.0 / float(np.log(self.gamma))


class LinearMemory(ForgetGatedMemory):
    """Hebbian outer-product memory ``S = sum_a v_a k_a^T``, read ``S q``.

    The pairwise Hopfield network (``values = keys``: couplings ``J = S``) and
    linear attention; the forget-gated memory with ``gamma = 1``.  It is also
    the Pavlovian-conditioning reading of linear attention: the key is the
    conditioned stimulus, the value the unconditioned one, a write is one
    Hebbian pairing that strengthens the association ``v k^T``, and a read
    presents the conditioned stimulus alone and recalls the response
    ``S q``; the number of associations held at a fixed accuracy grows as
    ``d_k`` (capacity ``1 + d/z^2``, :func:`hebbian.theory.memory.predicted_capacity`).

    References
    ----------
    Hopfield, PNAS 79, 2554 (1982); Amit, Gutfreund, Sompolinsky, PRL 55
    (1985); Katharopoulos et al., "Transformers are RNNs", ICML 2020,
    arXiv:2006.16236; "Understanding transformers through the lens of
    Pavlovian conditioning" (the conditioning reading).

    Examples
    --------
    >>> memory = LinearMemory()
    >>> memory.write(np.eye(3)[:2], [[1.0, -1.0], [2.0, 0.0]])
    >>> memory.read([1.0, 1.0, 0.0]).tolist()
    [3.0, -1.0]
    """

    def __init__(self):
        super().__init__(gamma=1.0)


class DeltaRuleMemory(GatedMemory):
    """Delta-rule memory ``S <- gamma S + eta (v - S k) k^T``, one key at a time.

    With unit keys, ``eta = 1`` makes each write a projection: ``S k = v``
    afterwards, exactly, and a later write along ``k' _|_ k`` leaves ``S k``
    unchanged, so up to ``d`` orthogonal keys are recalled exactly.  A write
    is a Kaczmarz projection toward ``S K^T = V^T``: repeated writes of
    ``n <= d`` linearly independent keys converge to exact recall.  For random
    keys each later write multiplies an old key's component by
    ``I - eta k k^T``, of mean ``1 - eta/d``: a mean-field signal
    ``(gamma (1 - eta/d))^lag``.  ``eta |k|^2 < 1 + gamma`` keeps the state
    bounded.

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
        super().__init__(forget_factor(gamma), rule="delta", eta=eta)

    @property
    def gamma(self) -> float:
        """The constant gate."""
        return self.gate


class KernelMemory(AssociativeMemory):
    """Keeps every pair (a growing state) and reads ``weights(K q) @ V``."""

    @property
    def state_size(self) -> int:
        return 0 if self._n == 0 else self._n * (self._d_k + self._d_v)

    @property
    def flops_per_write(self) -> int:
        return 0  # an append

    @property
    def flops_per_read(self) -> int:
        # scores, one kernel evaluation each, the weighted sum of values
        return 0 if self._n == 0 else self._n * (2 * self._d_k + 2 * self._d_v + 1)

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


class PolynomialMemory(KernelMemory):
    """Dense associative memory ``r(q) = sum_a v_a (k_a^T q)^(P-1)``.

    Krotov-Hopfield separation function ``F(x) = x^P``, read with
    ``F'(x)/P``; for unit keys ``k . q`` is the overlap, i.e. ``(xi . sigma / d)``
    for the +-1 vectors, so no further normalization (a positive factor changes
    no sign).  ``P = 2`` is :class:`LinearMemory`; the dense Hebbian network of
    order ``P`` (:class:`hebbian.DenseHopfield`) with values = keys.  Capacity
    ``~ d^(P-1) / ((2P-3)!! z^2)``: :func:`hebbian.theory.memory.predicted_capacity`.

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


class SoftmaxMemory(KernelMemory):
    """Softmax attention ``r(q) = sum_a v_a softmax(beta K q)_a`` over every stored key.

    With ``values = keys`` this is one update ``X softmax(beta X^T xi)`` of
    :class:`hebbian.networks.ModernHopfield` (Ramsauer et al., Eq. (3)); it
    shares that class's log-softmax but not the class, which is
    auto-associative, immutable and validates its patterns on the host (a
    growing state would be re-checked and re-sent to the device at every
    write).  ``beta`` multiplies the raw dot product: ``beta = beta_0 d``
    gives ``log n_c ~ (2 beta_0 - log cosh 2 beta_0) d`` for unit keys
    (:func:`hebbian.theory.memory.predicted_capacity`).

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
        self.beta = finite_positive(beta, "beta")

    def kernel(self, overlap):
        """Unnormalized weight ``f(m) = exp(beta m)`` (NumPy)."""
        return np.exp(self.beta * overlap)

    def _weights(self, xp, scores):
        return xp.exp(_log_softmax(xp, self.beta * scores))
