"""The Miras family: a memory as online optimisation of an attentional bias under retention.

A matrix memory ``M`` (d_v x d_k), read ``M q``, learns at each write
``(k, v)`` by one step on the attentional bias ``l(M; k, v) = L(M k - v)``
(the inner objective) under a retention regulariser, with optional momentum:

    e = M k - v,      G = psi(e) k^T                      (gradient of L)
    S <- mu S - eta G                                     (momentum, mu = 0: none)
    M <- prox( alpha_t M + S )                            (retention)

* attentional bias ``L``: ``"l2"`` (``|e|^2/2``, ``psi(e) = e``), ``"lp"``
  (``sum |e_i|^p / p``, ``psi = sign(e) |e|^(p-1)``), ``"huber"`` (quadratic
  within ``|e_i| <= delta``, linear beyond: ``psi = clip(e, -delta, delta)``);
* retention: the gate ``alpha_t`` (a constant or a
  :class:`~hebbian.rnn.gates.ProjectionGate` of the key: the data-dependent
  forget gate), an L2 regulariser ``(l2/2)|M|^2`` (the step is divided by
  ``1 + eta l2``) and an L1 regulariser ``l1 |M|_1`` (soft thresholding by
  ``eta l1``): with both, the elastic net;
* ``momentum > 0`` is the Titans-style update: a surprise ``S`` that
  accumulates past gradients and is itself kept with factor ``mu``.

Special cases: L2 bias, no retention, no momentum is the delta rule
``M <- M + eta (v - M k) k^T`` (:class:`hebbian.memory.DeltaRuleMemory`);
with a constant gate ``gamma`` it is ``DeltaRuleMemory(eta, gamma)``.  The
Hebbian (linear attention) memory is the gradient of the linear bias
``-v . M k``, the one bias of the family that does not read the memory.

References
----------
A. Behrouz, M. Razaviyayn, P. Zhong, V. Mirrokni, "It's all connected: a
journey through test-time memorization, attentional bias, retention, and
online optimization" (Miras), arXiv:2504.13173 (2025); A. Behrouz, P. Zhong,
V. Mirrokni, "Titans: learning to memorize at test time", arXiv:2501.00663
(2024).  The update above is this module's statement of the framework; the
papers' equation numbers are not cited.
"""

from __future__ import annotations

from hebbian._checks import check_real
from hebbian.memory.interface import finite_positive, forget_factor
from hebbian.memory.rules import OuterProductMemory
from hebbian.rnn.gates import ProjectionGate

__all__ = ["MirasMemory"]

BIASES = ("l2", "lp", "huber")


class MirasMemory(OuterProductMemory):
    """Matrix memory learnt online: attentional bias, retention, momentum (module docstring).

    Parameters
    ----------
    bias : {"l2", "lp", "huber"}
        Attentional bias.
    eta : float
        Learning rate, > 0.
    p : float
        Exponent of the ``"lp"`` bias, >= 1.
    delta : float
        Threshold of the ``"huber"`` bias, > 0.
    gate : float or ProjectionGate
        Retention gate ``alpha_t``; a float must be in (0, 1] (1: none).
    l2, l1 : float
        Retention regularisers, >= 0.
    momentum : float
        Momentum ``mu`` in [0, 1); > 0 is the Titans-style update.

    Examples
    --------
    >>> memory = MirasMemory("huber", delta=0.5)
    >>> memory.write([[1.0, 0.0]], [[3.0]])  # an outlier moves the memory by delta only
    >>> memory.read([1.0, 0.0]).tolist()
    [0.5]
    """

    def __init__(self, bias: str = "l2", *, eta: float = 1.0, p: float = 2.0,
                 delta: float = 1.0, gate=1.0, l2: float = 0.0, l1: float = 0.0,
                 momentum: float = 0.0):  # fmt: skip
        super().__init__()
        if bias not in BIASES:
            raise ValueError(f"bias={bias!r} is unknown; pass one of {BIASES}")
        self.bias = bias
        self.eta = finite_positive(eta, "eta")
        self.p = check_real(p, "p", low=1.0, finite=True)
        self.delta = finite_positive(delta, "delta")
        self.gate = gate if isinstance(gate, ProjectionGate) else forget_factor(gate, "gate")
        self.l2 = check_real(l2, "l2", low=0.0, finite=True)
        self.l1 = check_real(l1, "l1", low=0.0, finite=True)
        self.momentum = check_real(momentum, "momentum", low=0.0, high=1.0, high_open=True)

    @property
    def state_size(self) -> int:
        size = super().state_size
        return 2 * size if self.momentum > 0 else size

    @property
    def flops_per_write(self) -> int:
        if self._n == 0:
            return 0
        size = self._d_v * self._d_k
        # M k, the outer product, the retention and the momentum, each O(d_v d_k)
        extra = (2 if self.momentum > 0 else 0) + (1 if self.l1 > 0 else 0)
        gate = 2 * self._d_k + 4 if isinstance(self.gate, ProjectionGate) else 0
        return (5 + extra) * size + gate

    def _psi(self, xp, e):
        """Gradient of the attentional bias with respect to the error ``e = M k - v``."""
        if self.bias == "l2":
            return e
        if self.bias == "lp":
            return xp.sign(e) * xp.abs(e) ** (self.p - 1.0)
        return xp.clip(e, -self.delta, self.delta)

    def _start(self, xp) -> None:
        super()._start(xp)
        self._momentum = xp.zeros_like(self._S)

    def _write(self, xp, keys, values):
        if isinstance(self.gate, ProjectionGate):
            alphas = xp.exp(self.gate.log_value(keys))
        else:
            alphas = [self.gate] * keys.shape[0]
        M, S = self._S, self._momentum
        shrink = 1.0 / (1.0 + self.eta * self.l2)
        for k, v, alpha in zip(keys, values, alphas, strict=True):
            step = -self.eta * xp.outer(self._psi(xp, M @ k - v), k)
            S = self.momentum * S + step if self.momentum > 0 else step
            M = shrink * (alpha * M + S)
            if self.l1 > 0:
                M = xp.sign(M) * xp.maximum(xp.abs(M) - self.eta * self.l1, 0.0)
        self._S, self._momentum = M, S
