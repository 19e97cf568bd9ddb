"""The interface every key/value memory offers, and the checks its arguments share.

A memory is a recurrence over a stream of (key, value) pairs with a
read-out: ``write(keys, values)`` (shapes (n, d_k) and (n, d_v)) appends
pairs in row order, ``read(queries)`` (shape (..., d_k)) recalls values
(shape (..., d_v)).  Its cost is stated beside it: ``state_size`` (floats
held) and ``flops_per_write`` / ``flops_per_read`` (floating-point operations
of one write and of one read at the present state, a multiply-add counted
as two), so that memories are compared at equal cost.  The array code runs
on NumPy or CuPy alike (:func:`hebbian._array.array_namespace`); a memory
lives where its first write's keys live.
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod

import numpy as np

from hebbian._array import array_namespace
from hebbian._checks import check_real

__all__ = ["AssociativeMemory"]


def finite_positive(value, name: str) -> float:
    """``value`` as a finite float > 0, or a ``ValueError`` naming ``name``."""
    value = check_real(value, name, low=0.0, low_open=True)
    if value == math.inf:  # check_real lets inf through
        raise ValueError(f"{name}=inf is not finite; pass a finite {name} > 0")
    return value


def forget_factor(gamma, name: str = "gamma") -> float:
    """A constant forget gate, in (0, 1]."""
    return check_real(gamma, name, low=0.0, high=1.0, low_open=True, fix=f"{name} = exp(-1/tau)")


def rows(xp, x, name: str, width: int | None, dim: str):
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
    memory are copied to the device.  A subclass defines ``_start``,
    ``_write`` and ``_read`` on checked arrays, and its cost
    (``state_size``, ``flops_per_write``, ``flops_per_read``).
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

    @property
    @abstractmethod
    def flops_per_write(self) -> int:
        """Floating-point operations of writing one more pair (0 before the first write)."""

    @property
    @abstractmethod
    def flops_per_read(self) -> int:
        """Floating-point operations of reading one query at the present state."""

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
        keys = rows(xp, keys, "keys", self._d_k, "d_k")
        values = rows(xp, values, "values", self._d_v, "d_v")
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
