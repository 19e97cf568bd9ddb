"""The Ising P-spin glass with Gaussian couplings (``PSpinGlass``).

Kept per chain: the local fields ``h_i = -dH/dsigma_i`` and the spins
themselves, ``S = (h, sigma)`` (2N floats).  Flipping neuron ``i`` (spin
``s``) changes the energy by ``2 s h_i`` (the kernel ``delta`` of explicit
couplings, :mod:`hebbian.mc.networks.couplings`) and every field by
``-2 s sum J_{i j k...} sigma_k ... / (P-2)!``: ``N^(P-1)`` multiply-adds per
accepted flip, the row of ``J`` flattened as ``xi_t`` (N, N^(P-1)) times the
product of the other spins (``benchmarks/pspin.py``: the kernel runs at
0.83-0.98 of this flip alone, itself bound by the cache's bandwidth).  The energy is
``-sigma . h / P``.  The fields are floats: the family is not exact (NumPy
reference only, no batched backend), as for SK.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba.extending import register_jitable

from hebbian.mc import _interface
from hebbian.mc.model import Family, KernelModel, register
from hebbian.mc.networks.couplings import begin, delta, delta_array, prepare
from hebbian.networks.pspin import PSpinGlass


class PSpin(NamedTuple):
    """Order ``P`` and ``(P-2)!``, the multiplicity of the flip's contraction."""

    P: int
    multiplicity: float


@register_jitable
def flip(p, xi_t, i, s, S, aux, r, extra):
    """Update the fields ``S[r, :N]`` and the spin ``S[r, N + i]`` after flipping ``i``.

    ``h_j`` changes by ``-2 s sum_f J_{i j f} prod_f / (P-2)!`` over the
    ``N^(P-2)`` ordered index tuples ``f`` of the other ``P - 2`` spins, with
    ``prod = sigma (x) ... (x) sigma`` built once per flip: the row of ``J``
    is then read as a plain (N, N^(P-2)) matrix-vector product.
    """
    N = xi_t.shape[0]
    spins = S[r, N:]
    product = spins
    for _ in range(p.P - 3):
        product = np.outer(product, spins).ravel()
    block = product.shape[0]
    row = xi_t[i]
    step = -2.0 * s / p.multiplicity
    for j in range(N):
        acc = 0.0
        for f in range(block):
            acc += row[j * block + f] * product[f]
        S[r, j] += step * acc
    S[r, N + i] = -s
    return extra


_interface.implements(PSpin, begin=begin, delta=delta, flip=flip)


class PSpinModel(KernelModel):
    """A :class:`~hebbian.mc.model.KernelModel` whose kept sums are ``(h, sigma)``."""

    __slots__ = ()

    @property
    def K(self) -> int:
        """Length of the kept sums: N fields and N spins."""
        return 2 * self.N

    def overlap_sums(self, sigma: np.ndarray) -> np.ndarray:
        """``(h, sigma)`` of configurations ``sigma`` (R, N) or (N,), float64."""
        s = np.asarray(sigma)
        return np.concatenate([self.network.local_fields(s), s.astype(np.float64)], axis=-1)

    def energy(self, sigma: np.ndarray, S: np.ndarray) -> np.ndarray:
        """``-sigma . h / P`` from the kept fields."""
        N = self.N
        return -np.einsum("...i,...i->...", np.asarray(S)[..., N:], np.asarray(S)[..., :N]) / (
            self.params.P
        )


FAMILY = Family("pspin", prepare, delta_array, exact=False)


@register(PSpinGlass)
def build(network: PSpinGlass):
    """The model of a P-spin glass: ``xi_t`` is ``J`` with its last P - 1 indices flattened."""
    N, P = network.N, network.P
    xi_t = np.ascontiguousarray(network.J.reshape(N, N ** (P - 1)))
    params = PSpin(P, float(math.factorial(P - 2)))
    return PSpinModel(network, FAMILY, params, xi_t, np.zeros(N, np.int64))
