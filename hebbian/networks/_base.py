"""What every binary Hebbian network shares: energies through Mattis overlaps.

A network of N Ising neurons ``sigma`` storing K patterns ``xi^mu`` has an
energy that depends on ``sigma`` only through the K Mattis overlaps
``m_mu = (1/N) sum_i xi^mu_i sigma_i``.  A subclass gives that function of the
overlaps and the exact *cavity field* of one neuron; everything else (local
fields, single-flip energy changes, batching) is defined here once.

The cavity field of neuron ``i`` is

    h_i = [H(sigma with sigma_i = -1) - H(sigma with sigma_i = +1)] / 2,

which does not depend on ``sigma_i`` and gives every single-flip quantity
exactly: the energy change of flipping ``i`` is ``Delta E_i = 2 sigma_i h_i``
and the heat-bath probability is ``P(sigma_i = +1) = 1/(1 + exp(-2 beta h_i))``.
It is computed from the overlaps with neuron ``i`` removed,
``m_mu - xi^mu_i sigma_i / N``, in O(K) per neuron: no coupling tensor.  For
networks with self-interactions (``diagonal=True``) this differs from the
naive gradient ``sum_mu xi_i^mu F'(m_mu)`` by exactly the neuron's own
contribution, which a sampler must not keep (it breaks detailed balance).
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import as_spins, check_index
from hebbian.limits import check_memory

__all__ = ["BLOCK", "MAX_TERM", "BinaryNetwork", "overlap_sums", "row_squares"]

#: Largest magnitude a network lets one term of its energy reach.  Far enough
#: below float64's 1.8e308 that sums over patterns, Newton's identities and
#: log-sum-exps of such terms stay finite: no energy is ever inf or NaN.
MAX_TERM = 1e300

#: Pattern entries widened at a time by :func:`overlap_sums` and :func:`row_squares`
#: (2 MiB of float64 or int64).
BLOCK = 2**18


def read_array(value, name: str) -> np.ndarray:
    """``np.asarray(value)``, or a ValueError naming ``name`` for ragged or odd input."""
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"{name} could not be read as an array ({exc}); pass a rectangular numeric array"
        ) from None


def largest_entry(patterns: np.ndarray) -> float:
    """``max |patterns|`` without a temporary of the patterns' size."""
    return max(abs(float(np.max(patterns))), abs(float(np.min(patterns))))


def overlap_sums(sigma: np.ndarray, patterns: np.ndarray) -> np.ndarray:
    """``sigma @ patterns.T`` in float64, never converting all the patterns at once.

    Integer patterns are converted block by block (at most :data:`BLOCK`
    entries, contiguous in memory: rows of a C-ordered matrix, neurons of the
    networks' neuron-major one), so a (K, N) int8 matrix never gets a float64
    copy; the sums of +-1 spins times integer entries are exact in float64
    whatever the order of summation.
    """
    s = np.asarray(sigma).astype(np.float64, copy=False)
    if patterns.dtype == np.float64:
        return s @ patterns.T
    K, N = patterns.shape
    if patterns.flags.f_contiguous:
        out = np.zeros((*s.shape[:-1], K))
        cols = max(1, BLOCK // max(K, 1))
        for start in range(0, N, cols):
            block = slice(start, start + cols)
            out += s[..., block] @ patterns[:, block].astype(np.float64).T
        return out
    out = np.empty((*s.shape[:-1], K))
    rows = max(1, BLOCK // max(N, 1))
    for start in range(0, K, rows):  # one expression: a block is freed before the next
        out[..., start : start + rows] = s @ patterns[start : start + rows].astype(np.float64).T
    return out


def row_squares(patterns: np.ndarray) -> np.ndarray:
    """``sum_i patterns[mu, i]^2`` per pattern (int64), widening the patterns block by block."""
    out = np.zeros(patterns.shape[0], np.int64)
    cols = max(1, BLOCK // max(patterns.shape[0], 1))
    for start in range(0, patterns.shape[1], cols):
        block = patterns[:, start : start + cols].astype(np.int64)
        out += np.einsum("ki,ki->k", block, block)
    return out


@dataclass(frozen=True, eq=False)
class BinaryNetwork(abc.ABC):
    """Base class of networks of Ising neurons with energies of the overlaps.

    Attributes
    ----------
    patterns : numpy.ndarray, shape (K, N)
        Stored patterns, one per row, read-only (int8 when ternary).
    """

    patterns: np.ndarray

    @property
    def K(self) -> int:
        """Number of stored patterns."""
        return self.patterns.shape[0]

    @property
    def N(self) -> int:
        """Number of neurons."""
        return self.patterns.shape[1]

    def overlaps(self, sigma: ArrayLike) -> np.ndarray:
        """Mattis overlaps ``m_mu = (1/N) sum_i xi^mu_i sigma_i``.

        Parameters
        ----------
        sigma : array_like, shape (..., N), entries +-1

        Returns
        -------
        numpy.ndarray of float64, shape (..., K)
        """
        sigma = as_spins(sigma, self.N)
        return overlap_sums(sigma, self.patterns) / self.N

    def energy(self, sigma: ArrayLike) -> np.ndarray | float:
        """Energy ``H(sigma)`` through the overlaps; shape ``sigma.shape[:-1]``."""
        return self.energy_from_overlaps(self.overlaps(sigma))

    @abc.abstractmethod
    def energy_from_overlaps(self, m: ArrayLike) -> np.ndarray | float:
        """Energy as a function of the overlaps ``m`` of shape (..., K)."""

    @abc.abstractmethod
    def _cavity_field(self, m_cav: np.ndarray, xi_i: np.ndarray) -> np.ndarray:
        """Cavity field from the overlaps without neuron i.

        ``m_cav`` has shape (..., K) and ``xi_i`` (the neuron's pattern
        entries) broadcasts against it; the result sums over the last axis.
        """

    @abc.abstractmethod
    def tensor_energy(self, sigma) -> float:
        """Energy from explicit couplings, for small N only: a test oracle."""

    def _overlaps_or_given(self, sigma: np.ndarray, m) -> np.ndarray:
        if m is None:
            return self.overlaps(sigma)
        m = np.asarray(m, dtype=np.float64)
        if m.shape != (*sigma.shape[:-1], self.K):
            raise ValueError(
                f"m has shape {m.shape}; pass the overlaps of sigma, shape "
                f"{(*sigma.shape[:-1], self.K)}, or m=None to compute them"
            )
        return m

    def local_field(
        self, sigma: ArrayLike, i: int, m: ArrayLike | None = None
    ) -> np.ndarray | float:
        """Exact cavity field ``h_i`` of neuron ``i`` in O(K).

        Parameters
        ----------
        sigma : array_like, shape (..., N)
        i : int
            Neuron index.
        m : array_like, shape (..., K), optional
            The overlaps of ``sigma`` if already known (as in a sampler that
            keeps them up to date); computed otherwise.
        """
        sigma = as_spins(sigma, self.N)
        i = check_index(i, self.N)
        m = self._overlaps_or_given(sigma, m)
        xi_i = self.patterns[:, i].astype(np.float64)
        m_cav = m - sigma[..., i, None] * xi_i / self.N
        return self._cavity_field(m_cav, xi_i)

    def local_fields(self, sigma: ArrayLike, m: ArrayLike | None = None) -> np.ndarray:
        """Cavity fields of all neurons, shape (..., N); O(N K) work."""
        sigma = as_spins(sigma, self.N)
        n_conf = int(np.prod(sigma.shape[:-1]))
        # (..., N, K) float64 cavity overlaps and a few temporaries (P for Newton's sums)
        check_memory(
            8.0 * (n_conf + 1) * self.N * self.K * (4 + getattr(self, "P", 2)),
            f"local_fields of {n_conf} configuration(s) with N={self.N}, K={self.K}",
        )
        m = self._overlaps_or_given(sigma, m)
        xi_t = self.patterns.T.astype(np.float64)  # (N, K)
        m_cav = m[..., None, :] - sigma[..., :, None] * xi_t / self.N
        return self._cavity_field(m_cav, xi_t)

    def delta_energy(
        self, sigma: ArrayLike, i: int, m: ArrayLike | None = None
    ) -> np.ndarray | float:
        """Energy change ``H(flip_i sigma) - H(sigma) = 2 sigma_i h_i``, in O(K)."""
        sigma = as_spins(sigma, self.N)
        i = check_index(i, self.N)
        return 2.0 * sigma[..., i] * self.local_field(sigma, i, m)
