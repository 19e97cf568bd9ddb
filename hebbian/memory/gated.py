"""Gated Associative Memory: causal convolution for local context, a memory, gated fusion.

Two paths read every query ``q`` and a gate fuses them:

* local: a causal convolution of width ``w`` over the stream of rank-one
  updates ``v_t k_t^T`` with kernel ``c_0, ..., c_(w-1)`` (newest first),
  read with the query, ``local(q) = sum_(j < w) c_j (k_(t-j) . q) v_(t-j)``;
  it holds the last ``w`` pairs exactly;
* global: an associative memory that sees every pair (by default the
  Hebbian outer product, linear attention), for retrieval over the whole
  stream;
* fusion: ``r = g local + (1 - g) global`` with the gate
  ``g = sigma(a u + b)`` of the local path's match
  ``u = sum_j c_j (k_(t-j) . q)^2`` (about 1 for a query in the window,
  ``w/d`` otherwise): :func:`hebbian.rnn.gates.gate`'s sigmoid on a
  projection of the query onto the window's keys.

Both paths cost ``O(1)`` per step in the length of the stream (linear time).

References
----------
"Gated associative memory: a parallel O(N) architecture for efficient
sequence modeling" (2025): causal convolution for local context, an
associative memory for global retrieval, a learnt gate that fuses them.  The
conventions here are this module's own, not the paper's equations: without
training, the gate above reads the local match instead of a learnt
projection.
"""

from __future__ import annotations

import numpy as np

from hebbian._checks import check_int, check_real
from hebbian.memory.interface import AssociativeMemory
from hebbian.memory.rules import LinearMemory
from hebbian.rnn.gates import log_gate

__all__ = ["GatedAssociativeMemory"]


class GatedAssociativeMemory(AssociativeMemory):
    """Causal convolution + associative memory, fused by a gate (module docstring).

    Parameters
    ----------
    width : int
        Width ``w`` of the causal convolution, >= 1.
    memory : AssociativeMemory, optional
        A fresh global memory (default :class:`~hebbian.memory.LinearMemory`).
    kernel : array_like, shape (width,), optional
        Convolution kernel ``c_j``, newest first (default ones).
    gain, bias : float
        Gate ``sigma(gain u + bias)``; the default switches at ``u = 1/2``.

    Examples
    --------
    >>> memory = GatedAssociativeMemory(2)
    >>> memory.write(np.eye(4)[:3], np.eye(4)[:3])
    >>> memory.read(np.eye(4)[2]).round(6).tolist()  # in the window: the local path
    [0.0, 0.0, 1.0, 0.0]
    """

    def __init__(self, width: int, memory=None, *, kernel=None, gain: float = 20.0,
                 bias: float = -10.0):  # fmt: skip
        super().__init__()
        self.width = check_int(width, "width", minimum=1)
        memory = LinearMemory() if memory is None else memory
        if not isinstance(memory, AssociativeMemory) or memory.n_stored:
            raise ValueError(f"memory={memory!r} must be a fresh AssociativeMemory")
        self.memory = memory
        c = np.ones(self.width) if kernel is None else np.array(kernel, dtype=np.float64)
        if c.shape != (self.width,) or not np.all(np.isfinite(c)):
            raise ValueError(f"kernel has shape {c.shape}; pass {self.width} finite numbers")
        self.kernel = c
        self.gain = check_real(gain, "gain", low=0.0, finite=True)
        self.bias = check_real(bias, "bias", finite=True)

    @property
    def state_size(self) -> int:
        window = min(self._n, self.width) * ((self._d_k or 0) + (self._d_v or 0))
        return self.memory.state_size + window

    @property
    def flops_per_write(self) -> int:
        return self.memory.flops_per_write

    @property
    def flops_per_read(self) -> int:
        w = min(self._n, self.width)
        return self.memory.flops_per_read + w * (2 * (self._d_k or 0) + 2 * (self._d_v or 0) + 3)

    def _start(self, xp) -> None:
        self._K = xp.zeros((0, self._d_k))
        self._V = xp.zeros((0, self._d_v))

    def _write(self, xp, keys, values):
        self.memory.write(keys, values)
        self._K = xp.concatenate([self._K, keys])[-self.width :]
        self._V = xp.concatenate([self._V, values])[-self.width :]

    def _read(self, xp, queries):
        c = xp.asarray(self.kernel[: self._K.shape[0]][::-1].copy())  # oldest first, as stored
        overlaps = queries @ self._K.T
        local = (overlaps * c) @ self._V
        g = xp.exp(log_gate((overlaps**2) @ c, self.gain, self.bias))[..., None]
        return g * local + (1.0 - g) * self.memory.read(queries)
