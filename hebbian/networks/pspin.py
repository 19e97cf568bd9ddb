"""The Ising P-spin glass with Gaussian couplings: the glass of a dense Hebbian network.

``H(sigma) = -sum_{i_1 < ... < i_P} J_{i_1...i_P} sigma_{i_1} ... sigma_{i_P}`` with
independent ``J ~ N(0, alpha N^{1-P})`` (Gardner, Nucl. Phys. B 257, 747
(1985)).  This is the variance of the couplings of a dense Hebbian network
(:class:`~hebbian.networks.dense.DenseHopfield`, ``K = alpha N^{P-1}`` patterns):
the network's couplings are sums of ``K`` independent products of pattern
entries, Gaussian as ``alpha -> infinity``, so this model is the dense
network's glass without the patterns' finite-``N`` structure, the control of
:func:`hebbian.mc.glass.pspin_tempering`; its replica theory is that of the
dense network's glass, :mod:`hebbian.theory.dense_rsb` with ``m = 0``.  The
couplings are held as a full symmetric tensor, zero wherever two indices
coincide (``N^P`` entries).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import as_spins, check_index, check_int, check_real
from hebbian.limits import check_memory
from hebbian.networks._base import read_array
from hebbian.random import RNGLike, as_generator

__all__ = ["PSpinGlass"]


def _distinct(N: int, P: int) -> np.ndarray:
    """Mask of the index tuples of ``(N,) * P`` whose indices are all different."""
    grids = np.indices((N,) * P, sparse=True)
    mask = np.ones((N,) * P, bool)
    for a, b in itertools.combinations(range(P), 2):
        mask &= grids[a] != grids[b]
    return mask


@dataclass(frozen=True, eq=False)
class PSpinGlass:
    """P-spin glass with the symmetric coupling tensor ``J`` (read-only, shape ``(N,) * P``).

    Build one with :meth:`sample`, or from a given tensor (symmetric under
    every permutation of its indices, zero where two coincide).
    """

    J: np.ndarray

    def __post_init__(self):
        raw = read_array(self.J, "J")
        if raw.ndim < 3 or len(set(raw.shape)) != 1 or raw.shape[0] < raw.ndim:
            raise ValueError(
                f"J has shape {raw.shape}; pass a tensor of shape (N,) * P with P >= 3, N >= P "
                f"(P = 2 is hebbian.SherringtonKirkpatrick)"
            )
        check_memory(3 * 8 * raw.size, f"PSpinGlass couplings (N={raw.shape[0]}, P={raw.ndim})")
        J = np.array(raw, dtype=np.float64)
        if not np.all(np.isfinite(J)):
            raise ValueError("J has NaN or infinite entries; pass finite couplings")
        if np.any(J[~_distinct(J.shape[0], J.ndim)] != 0):
            raise ValueError(
                "J is non-zero where two indices coincide; self-couplings are not "
                "part of the model"
            )
        for perm in itertools.permutations(range(J.ndim)):
            if not np.array_equal(J, J.transpose(perm)):
                raise ValueError(
                    f"J is not symmetric under the index permutation {perm}; symmetrize it"
                )
        J.setflags(write=False)
        object.__setattr__(self, "J", J)

    @classmethod
    def sample(cls, N: int, P: int, alpha: float, rng: RNGLike = None) -> PSpinGlass:
        """Independent couplings ``J ~ N(0, alpha N^{1-P})``, one per index set.

        Parameters
        ----------
        N : int
            Spins, ``>= P``.
        P : int
            Interaction order, ``>= 3``.
        alpha : float
            The dense Hebbian load whose coupling variance this matches, ``> 0``.
        rng : seed or Generator
            Source of the couplings.

        Returns
        -------
        PSpinGlass
        """
        P = check_int(P, "P", minimum=3)
        N = check_int(N, "N", minimum=P)
        alpha = check_real(alpha, "alpha", low=0.0, low_open=True, finite=True)
        check_memory(4 * 8 * N**P, f"PSpinGlass.sample couplings (N={N}, P={P})")
        gen = as_generator(rng)
        upper = np.zeros((N,) * P)
        index = np.array(list(itertools.combinations(range(N), P))).T
        upper[tuple(index)] = gen.standard_normal(index.shape[1]) * math.sqrt(alpha / N ** (P - 1))
        J = np.zeros_like(upper)
        for perm in itertools.permutations(range(P)):
            J += upper.transpose(perm)
        return cls(J)

    @property
    def N(self) -> int:
        return self.J.shape[0]

    @property
    def P(self) -> int:
        return self.J.ndim

    @property
    def K(self) -> int:
        """Stored patterns: none (the samplers record no Mattis overlaps)."""
        return 0

    def local_fields(self, sigma: ArrayLike) -> np.ndarray:
        """``h_i = -dH/dsigma_i``, shape ``sigma.shape``: ``i``'s couplings times the others."""
        s = as_spins(sigma, self.N).astype(np.float64)
        rows = s.reshape(-1, self.N)
        h = np.empty_like(rows)
        for b, row in enumerate(rows):  # contract the last index with sigma, P - 1 times
            t = self.J
            for _ in range(self.P - 1):
                t = t @ row
            h[b] = t
        return h.reshape(s.shape) / math.factorial(self.P - 1)

    def energy(self, sigma: ArrayLike) -> np.ndarray | float:
        """``H = -sigma . h / P`` (homogeneous of degree ``P``); shape ``sigma.shape[:-1]``."""
        s = as_spins(sigma, self.N)
        return -np.einsum("...i,...i->...", s.astype(np.float64), self.local_fields(s)) / self.P

    def delta_energy(self, sigma: ArrayLike, i: int) -> np.ndarray | float:
        """Energy change of flipping neuron ``i``: ``2 sigma_i h_i``."""
        s = as_spins(sigma, self.N)
        i = check_index(i, self.N)
        return 2.0 * s[..., i] * self.local_fields(s)[..., i]
