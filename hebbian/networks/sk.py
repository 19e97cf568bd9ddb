"""The Sherrington-Kirkpatrick spin glass: the reference glass of replica theory.

``H(sigma) = -sum_{i<j} J_ij sigma_i sigma_j`` with independent
``J_ij ~ N(0, 1/N)`` (Sherrington & Kirkpatrick, PRL 35, 1792 (1975)).  Its
energy is not a function of a few overlaps, so it is held through the
coupling matrix itself (O(N^2) memory, O(N) per accepted flip in a sampler
that keeps the local fields ``h = J sigma``); its replica theory is
:mod:`hebbian.theory.sk`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import as_spins, check_index, check_int
from hebbian.limits import check_memory
from hebbian.networks._base import MAX_TERM, largest_entry, read_array
from hebbian.random import RNGLike, as_generator

__all__ = ["SherringtonKirkpatrick"]


@dataclass(frozen=True, eq=False)
class SherringtonKirkpatrick:
    """SK model with couplings ``J`` (symmetric, zero diagonal, read-only).

    Build one with :meth:`sample`, or from a given matrix.
    """

    J: np.ndarray

    def __post_init__(self):
        raw = read_array(self.J, "J")
        if raw.dtype == object or not (
            np.issubdtype(raw.dtype, np.integer) or np.issubdtype(raw.dtype, np.floating)
        ):
            raise TypeError(f"J has dtype {raw.dtype}; pass a real numeric (N, N) matrix")
        if raw.ndim != 2 or raw.shape[0] != raw.shape[1] or raw.shape[0] < 2:
            raise ValueError(f"J has shape {raw.shape}; pass a square (N, N) matrix with N >= 2")
        # a float64 copy and the boolean masks of the checks below
        check_memory(10 * raw.size, f"SherringtonKirkpatrick couplings (N={raw.shape[0]})")
        J = np.array(raw, dtype=np.float64)
        if not np.all(np.isfinite(J)):
            raise ValueError("J has NaN or infinite entries; pass finite couplings")
        if J.shape[0] * largest_entry(J) > MAX_TERM / J.shape[0]:
            raise ValueError(
                f"J has entries up to {largest_entry(J):g}: energies N^2 max|J| would exceed "
                f"{MAX_TERM:g} at N={J.shape[0]}; pass smaller couplings"
            )
        if not np.array_equal(J, J.T):
            raise ValueError("J is not symmetric; pass (J + J.T) / 2 or a mirrored triangle")
        if np.any(np.diag(J) != 0):
            raise ValueError("J has a non-zero diagonal; self-couplings are not part of the model")
        J.setflags(write=False)
        object.__setattr__(self, "J", J)

    @classmethod
    def sample(cls, N: int, rng: RNGLike = None) -> SherringtonKirkpatrick:
        """Independent Gaussian couplings ``J_ij = J_ji ~ N(0, 1/N)``, ``i < j``."""
        N = check_int(N, "N", minimum=2)
        # the draws, their upper triangle and the symmetric sum, each N x N float64
        check_memory(3 * 8 * N * N, f"SherringtonKirkpatrick.sample couplings (N={N})")
        upper = np.triu(as_generator(rng).standard_normal((N, N)) / np.sqrt(N), 1)
        upper += upper.T
        return cls(upper)

    @property
    def N(self) -> int:
        return self.J.shape[0]

    def energy(self, sigma: ArrayLike) -> np.ndarray | float:
        """``H(sigma) = -(1/2) sigma J sigma``; shape ``sigma.shape[:-1]``."""
        sigma = as_spins(sigma, self.N).astype(np.float64)
        return -0.5 * np.einsum("...i,ij,...j->...", sigma, self.J, sigma)

    def local_field(self, sigma: ArrayLike, i: int) -> np.ndarray | float:
        """Field on neuron ``i``, ``h_i = sum_j J_ij sigma_j`` (the cavity field: ``J_ii = 0``)."""
        sigma = as_spins(sigma, self.N).astype(np.float64)
        return sigma @ self.J[check_index(i, self.N)]

    def delta_energy(self, sigma: ArrayLike, i: int) -> np.ndarray | float:
        """Energy change of flipping neuron ``i``: ``2 sigma_i h_i``."""
        sigma = as_spins(sigma, self.N)
        return 2.0 * sigma[..., check_index(i, self.N)] * self.local_field(sigma, i)
