"""Hybrid Associative Memory: a recurrent state plus a cache of what it fails to predict.

A fixed-state memory (the RNN: a gated or delta-rule outer product) sees
every pair; a key/value cache receives a pair only when the RNN, asked for
the value of the incoming key before writing it, errs by at least a
threshold::

    error = |v - rnn.read(k)|^2 / d_v  >=  threshold   ->   cache (k, v)

so ``threshold = 0`` caches every pair and ``threshold = inf`` none (the RNN
alone); in between the cache grows only with the surprising pairs, and the
threshold sets the trade-off between cache size and recall.  A read is a
softmax attention over the cache in which the RNN's read is one more entry
with a fixed score ``beta m_0``:

    r(q) = sum_a p_a v_a + p_0 rnn.read(q),
    (p_1..p_n, p_0) = softmax(beta k_1 . q, ..., beta k_n . q, beta m_0),

so a query that matches a cached key (overlap 1 > ``m_0``) reads the cache,
and any other reads the RNN; with an empty cache ``r = rnn.read(q)``
exactly.

References
----------
Lufkin et al., "Hybrid associative memories" (2025): the RNN compresses the
whole sequence and a KV cache stores what the RNN fails to predict, under one
threshold.  The error measure and the fusion by a null entry above are this
module's own choices, not the paper's equations.
"""

from __future__ import annotations

import numpy as np

from hebbian._checks import check_real
from hebbian.memory.interface import AssociativeMemory, finite_positive
from hebbian.memory.rules import OuterProductMemory
from hebbian.networks.modern import _log_softmax

__all__ = ["HybridMemory"]


class HybridMemory(AssociativeMemory):
    """A fixed-state memory plus a cache of the pairs it failed to predict (module docstring).

    Parameters
    ----------
    rnn : OuterProductMemory
        A fresh fixed-state memory (:class:`~hebbian.memory.GatedMemory`,
        :class:`~hebbian.memory.DeltaRuleMemory`, :class:`~hebbian.memory.MirasMemory`).
    threshold : float
        Prediction error at which a pair is cached, in ``[0, inf]``.
    beta : float
        Inverse temperature of the cache's attention, finite and > 0.
    m0 : float
        Overlap a cached key must beat for the cache to take over the read.

    Examples
    --------
    >>> from hebbian.memory import ForgetGatedMemory
    >>> memory = HybridMemory(ForgetGatedMemory(0.5), threshold=0.0, beta=50.0)
    >>> memory.write(np.eye(3), np.eye(3))
    >>> memory.n_cached, memory.read(np.eye(3)[0]).round(6).tolist()
    (3, [1.0, 0.0, 0.0])
    """

    def __init__(self, rnn, threshold: float, *, beta: float = 32.0, m0: float = 0.5):
        super().__init__()
        if not isinstance(rnn, OuterProductMemory) or rnn.n_stored:
            raise ValueError(
                f"rnn={rnn!r} must be a fresh fixed-state memory, e.g. ForgetGatedMemory(0.9)"
            )
        self.rnn = rnn
        self.threshold = check_real(threshold, "threshold", low=0.0)
        self.beta = finite_positive(beta, "beta")
        self.m0 = check_real(m0, "m0", finite=True)
        self._errors = []

    @property
    def n_cached(self) -> int:
        """Pairs in the cache."""
        return 0 if self._n == 0 else int(self._K.shape[0])

    @property
    def errors(self):
        """The RNN's prediction error of every pair written, in write order (NumPy)."""
        return np.array(self._errors)

    @property
    def state_size(self) -> int:
        return self.rnn.state_size + self.n_cached * ((self._d_k or 0) + (self._d_v or 0))

    @property
    def flops_per_write(self) -> int:
        return self.rnn.flops_per_write + self.rnn.flops_per_read + 3 * (self._d_v or 0)

    @property
    def flops_per_read(self) -> int:
        return self.rnn.flops_per_read + (self.n_cached + 1) * (
            2 * (self._d_k or 0) + 2 * (self._d_v or 0) + 1
        )

    def _start(self, xp) -> None:
        self._K = xp.zeros((0, self._d_k))
        self._V = xp.zeros((0, self._d_v))

    def _write(self, xp, keys, values):
        for k, v in zip(keys, values, strict=True):
            if self.rnn.n_stored:
                error = float(xp.sum((v - self.rnn.read(k)) ** 2)) / self._d_v
            else:  # an empty RNN predicts 0
                error = float(xp.sum(v * v)) / self._d_v
            self._errors.append(error)
            if error >= self.threshold:
                self._K = xp.concatenate([self._K, k[None]])
                self._V = xp.concatenate([self._V, v[None]])
            self.rnn.write(k[None], v[None])

    def _read(self, xp, queries):
        rnn = self.rnn.read(queries)
        if self.n_cached == 0:
            return rnn
        scores = queries @ self._K.T
        null = xp.full((*scores.shape[:-1], 1), self.m0)
        p = xp.exp(_log_softmax(xp, xp.concatenate([scores, null], axis=-1), self.beta))
        return p[..., :-1] @ self._V + p[..., -1:] * rnn
