"""What a sampler needs to know about a network, in kernel-ready arrays.

The samplers keep the *overlap sums* ``S_mu = sum_i xi_i^mu sigma_i = N m_mu``
as integers.  For patterns with entries in {-1, 0, +1} every polynomial
energy change is then an exact integer expression (float64 holds integers up
to 2^53 exactly), so the Numba kernel and the NumPy reference take identical
decisions draw for draw, zero-temperature ties are exact ties, and no
rounding error accumulates however long a chain runs.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from hebbian import DenseHopfield, ExponentialDAM
from hebbian._checks import as_patterns
from hebbian.mc._numba import KIND_COUPLINGS, KIND_EXPONENTIAL, KIND_POLY, KIND_POLY_DIAGONAL
from hebbian.networks import BinaryNetwork, SherringtonKirkpatrick
from hebbian.networks.learning import LearnedNetwork

__all__ = ["KernelModel", "kernel_model"]


#: Largest lam the exponential kernel accepts: it scales weights by e^(2 lam).
MAX_LAM = 300.0


class KernelModel(NamedTuple):
    """Kernel-ready description of a binary network.

    Attributes
    ----------
    network : BinaryNetwork or SherringtonKirkpatrick
        The network itself (energies for measurements and swaps).
    kind : int
        ``KIND_POLY``, ``KIND_POLY_DIAGONAL``, ``KIND_EXPONENTIAL`` or
        ``KIND_COUPLINGS`` (then ``xi_t`` is the coupling matrix ``J`` and the
        "overlap sums" are the local fields ``J sigma``).
    P : int
        Interaction order (polynomial kinds; 0 otherwise).
    lam : float
        Exponent scale (exponential kind; 0 otherwise).
    xi_t : numpy.ndarray of integers, shape (N, K), C-contiguous
        Patterns transposed so that neuron i's K entries are contiguous: int8
        for entries in {-1, 0, +1}, the narrowest integer type holding the
        example sums of a :class:`~hebbian.networks.learning.LearnedNetwork`.
    n_mu : numpy.ndarray of int64, shape (K,)
        ``sum_i (xi_i^mu)^2`` (non-zero entries of a ternary pattern).
    weight : float
        Factor in front of the energy (1 except for learned networks).
    """

    network: BinaryNetwork
    kind: int
    P: int
    lam: float
    xi_t: np.ndarray
    n_mu: np.ndarray
    weight: float = 1.0

    @property
    def N(self) -> int:
        return self.xi_t.shape[0]

    @property
    def K(self) -> int:
        """Length of the kept sums (patterns; ``N`` local fields for couplings)."""
        return self.xi_t.shape[1]

    @property
    def n_patterns(self) -> int:
        """Stored patterns whose overlaps can be tracked (none for explicit couplings)."""
        return 0 if self.kind == KIND_COUPLINGS else self.K

    def overlap_sums(self, sigma: np.ndarray) -> np.ndarray:
        """Overlap sums ``S = sigma @ xi^T`` (integers held in float64), or local fields."""
        if self.kind == KIND_COUPLINGS:
            return sigma.astype(np.float64) @ self.xi_t
        return (sigma.astype(np.int64) @ self.xi_t.astype(np.int64)).astype(np.float64)

    def energy(self, sigma: np.ndarray, S: np.ndarray) -> np.ndarray:
        """Energies of configurations ``sigma`` from their kept sums ``S``."""
        if self.kind == KIND_COUPLINGS:
            return -0.5 * np.einsum("...i,...i->...", sigma.astype(np.float64), S)
        return self.network.energy_from_overlaps(S / self.N)


def kernel_model(network: BinaryNetwork) -> KernelModel:
    """Describe ``network`` for the samplers.

    Raises
    ------
    TypeError
        For networks the samplers do not cover.
    ValueError
        For patterns outside {-1, 0, +1}, or too large integer intermediates.
    """
    if isinstance(network, SherringtonKirkpatrick):
        J = np.ascontiguousarray(network.J)
        return KernelModel(network, KIND_COUPLINGS, 2, 0.0, J, np.zeros(network.N, np.int64))
    weight = 1.0
    if isinstance(network, LearnedNetwork):
        xi = network.patterns
        kind, P, lam, weight = KIND_POLY_DIAGONAL, network.P, 0.0, network.weight
        _check_exact(network.K, network.N, P, int(np.max(np.abs(xi))))
    elif isinstance(network, DenseHopfield):
        kind = KIND_POLY_DIAGONAL if network.diagonal else KIND_POLY
        P, lam = network.P, 0.0
        _check_exact(network.K, network.N, P, 1)
    elif isinstance(network, ExponentialDAM):
        kind, P, lam = KIND_EXPONENTIAL, 0, network.lam
        if lam > MAX_LAM:
            raise ValueError(f"lam={lam:g} must be <= {MAX_LAM:g} for the samplers")
    else:
        raise TypeError(
            f"network of type {type(network).__name__} has no sampler; pass a Hopfield, "
            f"DenseHopfield, ExponentialDAM, LearnedNetwork or SherringtonKirkpatrick"
        )
    if not isinstance(network, LearnedNetwork):
        xi = as_patterns(network.patterns, name="network.patterns", values="ternary", min_N=1)
    xi_t = np.ascontiguousarray(xi.T)
    n_mu = np.sum(xi.astype(np.int64) ** 2, axis=1)
    for a in (xi_t, n_mu):
        a.setflags(write=False)
    return KernelModel(network, kind, P, lam, xi_t, n_mu, weight)


def _check_exact(K: int, N: int, P: int, x_max: int) -> None:
    """Raise unless every integer energy change stays below 2^53 (exact in float64)."""
    # the largest intermediate is about K (N x_max)^(P-1) x_max 2^P (in logs: no overflow)
    log2_largest = math.log2(K) + (P - 1) * math.log2(N * x_max) + math.log2(x_max) + P
    if log2_largest > 53:
        raise ValueError(
            f"K={K}, N={N}, P={P}, largest pattern entry {x_max}: integer energy changes "
            f"would exceed 2^53 and lose exactness; reduce K, N or the examples per class M"
        )
