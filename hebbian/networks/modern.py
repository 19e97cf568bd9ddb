"""Modern (continuous) Hopfield network: energy, attention update, fixed points.

Stored patterns ``x_1..x_K`` in R^d, state ``xi`` in R^d.  With ``X`` the
d x K matrix of Ramsauer et al. (``X = patterns.T`` here)::

    E(xi) = -lse(beta, X^T xi) + xi^T xi / 2 + log(K)/beta + M^2/2,
    lse(beta, z) = (1/beta) log sum_k exp(beta z_k),   M = max_k |x_k|,

and the update ``xi <- X softmax(beta X^T xi)`` is one step of the
concave-convex procedure, so it never increases ``E`` (Ramsauer et al.,
Theorem 1 and Eq. (3)); with queries as rows it is one attention step.
Everything here is written once for NumPy and CuPy (the array namespace of
the query decides) and is batched over queries of shape (..., d).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from hebbian._array import array_namespace
from hebbian._checks import as_patterns, check_index, check_int, check_real
from hebbian.networks._base import read_array
from hebbian.networks.dense import check_pattern_memory

__all__ = ["FixedPoint", "FixedPointClass", "FixedPointKind", "ModernHopfield"]

_LOG_MAX = float(np.log(np.finfo(np.float64).max))


def _log_softmax(xp, z, beta: float = 1.0):
    """``log softmax(beta z)`` over the last axis, finite at every finite ``beta``.

    ``beta`` multiplies ``z - max z``, never ``z``: the largest entry is exactly
    0, and an entry whose product overflows to ``-inf`` is a weight that
    underflows to 0 anyway.
    """
    shifted = z - xp.max(z, axis=-1, keepdims=True)
    with np.errstate(over="ignore"):
        shifted = beta * shifted
    return shifted - xp.log(xp.sum(xp.exp(shifted), axis=-1, keepdims=True))


def _mean_lse(xp, z, beta: float):
    """``lse(beta, z) - log(K)/beta = max z + log(mean_k exp(beta (z_k - max z))) / beta``.

    Finite and accurate at every finite ``beta > 0``: the shift keeps large
    ``beta`` finite, and ``log1p(mean(expm1(.)))`` keeps the small-``beta``
    limit ``mean z`` instead of dividing a rounded ``log K`` by ``beta``.
    """
    z_max = xp.max(z, axis=-1, keepdims=True)
    with np.errstate(over="ignore"):
        d = beta * (z - z_max)
    return (z_max + xp.log1p(xp.mean(xp.expm1(d), axis=-1, keepdims=True)) / beta)[..., 0]


class FixedPoint(NamedTuple):
    """Result of :meth:`ModernHopfield.retrieve`.

    Attributes
    ----------
    state : array, shape (..., d)
        Last iterate of every query.
    converged : array of bool, shape (...)
        Whether the stopping rule was met before ``max_iter``.
    n_iter : array of int, shape (...)
        Updates applied to each query (a converged query stops moving).
    residual : array, shape (...)
        ``max_j |f(xi)_j - xi_j|`` at the returned state.
    """

    state: object
    converged: object
    n_iter: object
    residual: object


class FixedPointKind(IntEnum):
    """The three kinds of fixed point of Ramsauer et al. (abstract and Sec. 2).

    Codes, not strings, because :meth:`ModernHopfield.fixed_point_kind` is
    batched and CuPy has no string arrays; being an ``IntEnum``, a member
    compares equal to its code (``kind == FixedPointKind.SINGLE``) and
    ``FixedPointKind(code)`` gives the name back.
    """

    SINGLE = 0  #: near one stored pattern
    METASTABLE = 1  #: an average over a subset of the patterns
    GLOBAL = 2  #: the average of all the patterns


class FixedPointClass(NamedTuple):
    """Result of :meth:`ModernHopfield.fixed_point_kind`.

    Attributes
    ----------
    kind : array of int, shape (...)
        :class:`FixedPointKind` codes.
    index : array of int, shape (...)
        ``argmax_k p_k``: the retrieved pattern where ``kind`` is ``SINGLE``,
        the dominant pattern otherwise.
    n_eff : array, shape (...)
        Effective number of patterns averaged, ``1 / sum_k p_k^2``
        (1 for a single pattern, K for equal weights).
    """

    kind: object
    index: object
    n_eff: object


@dataclass(frozen=True, eq=False)
class ModernHopfield:
    """Continuous modern Hopfield network of Ramsauer et al. (2021).

    Parameters
    ----------
    patterns : array_like, shape (K, d)
        Stored patterns, one per row (the columns of Ramsauer's X).
    beta : float
        Inverse temperature of the softmax, > 0 and finite; energies and
        updates are computed stably (shifted softmax and log-sum-exp) at every
        finite ``beta``.  Pattern norms must stay below 1e150 (``M^2`` enters
        the energy).

    References
    ----------
    Ramsauer et al., "Hopfield Networks is All You Need", ICLR 2021,
    arXiv:2008.02217, Eqs. (2)-(3), Theorems 1, 4, 5.

    Examples
    --------
    >>> net = ModernHopfield(np.eye(3) * 4.0, beta=2.0)
    >>> bool(np.allclose(net.update(np.array([3.0, 0.5, 0.0])), [4, 0, 0], atol=1e-6))
    True
    """

    patterns: np.ndarray
    beta: float
    _M: float = field(init=False, repr=False)
    #: the patterns on each array library's device, copied there once
    _on_device: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self):
        raw = read_array(self.patterns, "patterns")
        check_pattern_memory(raw, "ModernHopfield")
        X = np.array(as_patterns(raw, min_N=1), dtype=np.float64)
        X.setflags(write=False)
        object.__setattr__(self, "patterns", X)
        beta = check_real(self.beta, "beta", low=0.0, low_open=True)
        if beta == np.inf:  # check_real lets inf through; softmax(inf * z) is NaN
            raise ValueError(
                "beta=inf is not finite; pass a finite beta "
                "(large beta approaches nearest-pattern retrieval)"
            )
        with np.errstate(over="ignore"):  # a norm beyond float range is refused below
            M = float(np.max(np.linalg.norm(X, axis=1)))
        if not M <= 1e150:  # M^2 / 2 is a term of the energy
            raise ValueError(
                f"patterns have a norm of {M:g}; the energy needs norms below 1e150: "
                f"rescale the patterns (and beta inversely)"
            )
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "_M", M)

    @property
    def K(self) -> int:
        """Number of stored patterns."""
        return self.patterns.shape[0]

    @property
    def d(self) -> int:
        """Dimension of the state space."""
        return self.patterns.shape[1]

    @property
    def M(self) -> float:
        """Largest pattern norm ``max_k |x_k|``."""
        return self._M

    def _query(self, xi, name: str = "xi"):
        xp = array_namespace(xi)
        xi = xp.asarray(xi, dtype=xp.float64)
        if xi.ndim < 1 or xi.shape[-1] != self.d:
            raise ValueError(f"{name} has shape {xi.shape}; pass shape (..., d) with d={self.d}")
        if not bool(xp.all(xp.isfinite(xi))):
            raise ValueError(f"{name} contains NaN or inf; pass finite values")
        if xp not in self._on_device:
            self._on_device[xp] = xp.asarray(self.patterns)
        return xp, xi, self._on_device[xp]

    def overlaps(self, xi):
        """Similarities ``X^T xi``, shape (..., K)."""
        _, xi, X = self._query(xi)
        return xi @ X.T

    def probabilities(self, xi):
        """Attention weights ``softmax(beta X^T xi)``, shape (..., K)."""
        xp, xi, X = self._query(xi)
        return xp.exp(_log_softmax(xp, xi @ X.T, self.beta))

    def energy(self, xi):
        """Energy ``E(xi)`` of Ramsauer et al., Eq. (2); shape (...)."""
        xp, xi, X = self._query(xi)
        # -lse(beta, z) + log(K)/beta, as one finite term at any beta
        lse = _mean_lse(xp, xi @ X.T, self.beta)
        return -lse + 0.5 * xp.sum(xi * xi, axis=-1) + 0.5 * self.M**2

    def update(self, xi):
        """One update ``X softmax(beta X^T xi)`` (= one attention step), Eq. (3)."""
        return self.probabilities(xi) @ self._query(xi)[2]

    def retrieve(self, xi: ArrayLike, *, tol: float = 1e-10, max_iter: int = 1000) -> FixedPoint:
        """Iterate the update to a fixed point, query by query.

        Parameters
        ----------
        xi : array, shape (..., d)
            Initial states (queries).
        tol : float
            Stop a query once ``max_j |f(xi)_j - xi_j| <= tol * (1 + max_j |xi_j|)``.
        max_iter : int
            Largest number of updates; queries not converged by then are
            reported with ``converged=False``, never silently.

        Returns
        -------
        FixedPoint
        """
        tol = check_real(tol, "tol", low=0.0, low_open=True)
        max_iter = check_int(max_iter, "max_iter", minimum=1)
        xp, state, _ = self._query(xi)
        state = state.copy()
        batch = state.shape[:-1]
        converged = xp.zeros(batch, dtype=bool)
        n_iter = xp.zeros(batch, dtype=xp.int64)
        residual = xp.full(batch, xp.inf)
        for it in range(max_iter + 1):
            new = self.update(state)
            step = xp.max(xp.abs(new - state), axis=-1)
            residual = xp.where(converged, residual, step)
            converged = converged | (step <= tol * (1.0 + xp.max(xp.abs(state), axis=-1)))
            if it == max_iter or bool(xp.all(converged)):
                break
            moving = ~converged
            state = xp.where(moving[..., None], new, state)
            n_iter = n_iter + moving
        return FixedPoint(state, converged, n_iter, residual)

    def separation(self, i: int) -> float:
        """Separation ``Delta_i = x_i^T x_i - max_{j != i} x_i^T x_j`` (Ramsauer Def. 1)."""
        i = check_index(i, self.K)
        if self.K == 1:
            return np.inf
        dots = self.patterns @ self.patterns[i]
        return float(dots[i] - np.max(np.delete(dots, i)))

    def separation_threshold(self) -> float:
        """Separation above which a pattern has a fixed point next to it.

        Pattern ``x_i`` is *well separated* when
        ``separation(i) >= separation_threshold()``, with

            Delta_min = 2 / (beta K) + (1/beta) log(2 (K - 1) K beta M^2)

        (Ramsauer et al., Theorem 4 and the definition of a well-separated
        pattern before it; their N is our K).  This is the form of the
        condition used here.  Under it the update maps the ball
        ``S_i`` of radius ``1 / (beta K M)`` around ``x_i`` into itself: for
        ``xi`` in ``S_i``, ``(x_i - x_j)^T xi >= Delta_i - 2 / (beta K)``, so
        ``|f(xi) - x_i| <= 2 (K - 1) M exp(-beta Delta_i + 2 / K) <= 1 / (beta K M)``;
        iterating from ``x_i`` therefore never leaves ``S_i``, and the fixed
        point it reaches lies in ``S_i``.

        Returns
        -------
        float
            ``-inf`` for one pattern or all patterns zero (then ``f`` is
            constant and every pattern is its own fixed point).
        """
        K, beta = self.K, self.beta
        if K == 1 or self.M == 0.0:
            return -np.inf
        # in logs and over beta once: finite for every finite beta > 0 where it can be
        log_term = np.log(2.0 * (K - 1) * K) + np.log(beta) + 2.0 * np.log(self.M)
        with np.errstate(over="ignore"):
            return float((2.0 / K + log_term) / beta)

    def fixed_point_kind(self, state: ArrayLike, *, tol: float = 1e-3) -> FixedPointClass:
        """Classify fixed points by their attention weights ``p = softmax(beta X^T xi)``.

        ``SINGLE`` where ``max_k p_k >= 1 - tol``; otherwise ``GLOBAL`` where
        ``|xi - mean_k x_k| <= tol (1 + |mean_k x_k|)``; otherwise ``METASTABLE``
        (Ramsauer et al., Sec. 2: global averaging, metastable states averaging
        over a subset, single-pattern fixed points).  ``state`` is taken to be a
        fixed point, e.g. :attr:`FixedPoint.state` where ``converged``; this is
        not checked.

        Parameters
        ----------
        state : array, shape (..., d)
            Fixed points to classify.
        tol : float
            Tolerance of both tests, in (0, 1).

        Returns
        -------
        FixedPointClass
        """
        tol = check_real(tol, "tol", low=0.0, high=1.0, low_open=True, high_open=True)
        xp, state, X = self._query(state, "state")
        p = self.probabilities(state)
        mean = xp.mean(X, axis=0)
        at_mean = xp.linalg.norm(state - mean, axis=-1) <= tol * (1.0 + xp.linalg.norm(mean))
        single, metastable, glob = (k.value for k in FixedPointKind)  # plain ints for CuPy
        kind = xp.where(
            xp.max(p, axis=-1) >= 1.0 - tol, single, xp.where(at_mean, glob, metastable)
        )
        return FixedPointClass(kind, xp.argmax(p, axis=-1), 1.0 / xp.sum(p * p, axis=-1))

    def retrieval_error_bound(self, xi, i: int):
        """Bound on ``|f(xi) - x_i|`` after one update from ``xi``.

        With ``p = softmax(beta X^T xi)``, ``f(xi) - x_i = sum_{j != i} p_j (x_j - x_i)``
        and ``p_j / p_i = exp(-beta (x_i - x_j)^T xi)``, where
        ``(x_i - x_j)^T xi >= Delta_i - 2 M |xi - x_i|``; hence::

            |f(xi) - x_i| <= 2 (K - 1) M exp(-beta (Delta_i - 2 M |xi - x_i|)).

        This is Theorem 5 of Ramsauer et al. with ``|xi - x_i|`` in place of
        ``max(|xi - x_i|, |x_i* - x_i|)``, which can only make it tighter.

        Parameters
        ----------
        xi : array, shape (..., d)
            Query or queries.
        i : int
            Index of the pattern to be retrieved.

        Returns
        -------
        array, shape (...)
        """
        xp, xi, X = self._query(xi)
        i = check_index(i, self.K)
        dist = xp.linalg.norm(xi - X[i], axis=-1)
        if self.K == 1:
            return xp.zeros_like(dist)  # one pattern: f(xi) = x_1 exactly
        gap = self.separation(i) - 2.0 * self.M * dist
        # beta gap beyond float range: a bound of 0 or inf; all patterns 0: log(0) = -inf
        with np.errstate(over="ignore", divide="ignore"):
            log_bound = np.log(2.0 * (self.K - 1) * self.M) - self.beta * gap
        # a bound beyond float range says nothing: report inf, never overflow
        return xp.where(log_bound < _LOG_MAX, xp.exp(xp.minimum(log_bound, _LOG_MAX)), xp.inf)
