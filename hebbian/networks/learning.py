r"""Dense Hebbian networks built from examples instead of archetypes.

The archetypes ``xi^mu`` are never shown: the network sees ``M`` examples
``eta^{mu,a} = xi^mu * chi^{mu,a}`` of each (:func:`hebbian.noisy_examples`)
and stores them through Hebb's rule, in one of two protocols
(Agliari et al., arXiv:2212.00606 and arXiv:2211.14067; P = 2: Alemanno et
al., EPL 141, 11001 (2023), arXiv:2203.01304):

* supervised: a teacher groups the examples by archetype, and the network
  stores each class's example mean ``etabar^mu``,

  .. math:: H = -\frac{N}{P!}\sum_\mu \tilde n_\mu^P, \qquad
            \tilde n_\mu = \frac{1}{N\sqrt{R}} \sum_i \bar\eta^\mu_i \sigma_i ;

* unsupervised: every example is stored on its own, labels unused,

  .. math:: H = -\frac{N}{P!}\,\frac{1}{M R^{P/2}} \sum_{\mu, a}
            \Big(\frac{1}{N}\sum_i \eta^{\mu,a}_i\sigma_i\Big)^P,

with ``R = r^2 + (1 - r^2)/M = r^2 (1 + rho)`` the mean square of an
example-mean entry, so that the stored vectors have unit mean square.
``r = 1`` gives the storage model with all index tuples
(:class:`hebbian.DenseHopfield`, ``diagonal=True``) in both protocols, and
so does ``M -> infinity`` for the supervised one (the unsupervised network
keeps the self-interactions of its individual examples, which at high load
and ``P >= 3`` add cross-talk; :func:`hebbian.theory.learning.crosstalk`).  The
normalization by ``R^(P/2)`` in both protocols makes them coincide at low
load, where ``(1/M) sum_a m_a^P = (mean_a m_a)^P + O(1/N)``; at high load the
unsupervised network carries the extra cross-talk of its ``K M`` stored
vectors.  Another convention (``r^P`` or ``2/P!`` in front, as in parts of the
literature) is a rescaling of the temperature.

The network is held as integer overlaps, never as a coupling tensor: rows
are the per-class example sums ``sum_a eta^{mu,a}`` (entries in
``[-M, M]``) or the examples themselves, with one weight in front, so a
single-flip energy change costs O(rows) and the Monte Carlo keeps exact
integer bookkeeping.  The supervised network, and the unsupervised one in the
Plefka (mean-field) approximation ``tensor="plefka"``, have ``K`` rows: the
cost of a sweep does not grow with ``M``.  The exact unsupervised network has
``K M`` rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import check_int, check_real
from hebbian.couplings import polynomial_tensor_energy
from hebbian.limits import check_memory
from hebbian.networks._base import BinaryNetwork, read_array
from hebbian.networks.dense import check_energy_scale, overlap_cavity_field, overlap_energy
from hebbian.patterns import Examples

__all__ = ["PROTOCOLS", "TENSORS", "LearnedNetwork", "learned_network"]

PROTOCOLS = ("supervised", "unsupervised")
TENSORS = ("exact", "plefka")


@dataclass(frozen=True, eq=False)
class LearnedNetwork(BinaryNetwork):
    """``H = -(N/P!) weight sum_rows (rows^T sigma / N)^P`` on integer rows.

    Build it with :func:`learned_network`.

    Attributes
    ----------
    patterns : numpy.ndarray of integers, shape (n_rows, N)
        Example sums per class, or the examples themselves.
    P : int
        Interaction order, >= 2.
    weight : float
        Positive factor in front of every row.
    """

    P: int = 2
    weight: float = 1.0

    def __post_init__(self):
        P = check_int(self.P, "P (interaction order)", minimum=2)
        weight = check_real(self.weight, "weight", low=0.0, low_open=True)
        rows = read_array(self.patterns, "patterns")
        if rows.ndim != 2 or not np.issubdtype(rows.dtype, np.integer) or 0 in rows.shape:
            raise ValueError(
                f"patterns has shape {rows.shape} and dtype {rows.dtype}; pass a non-empty "
                f"integer (n_rows, N) array (use learned_network to build one from examples)"
            )
        check_memory(rows.nbytes, f"LearnedNetwork rows ({rows.shape[0]} x {rows.shape[1]})")
        rows = rows.copy()
        check_energy_scale(rows, P, diagonal=True, weight=weight)
        rows.setflags(write=False)
        object.__setattr__(self, "patterns", rows)
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "weight", weight)

    def energy_from_overlaps(self, m: ArrayLike) -> np.ndarray | float:
        """Energy from the row overlaps ``m = rows . sigma / N``, shape (..., n_rows)."""
        return self.weight * overlap_energy(m, self.N, self.P)

    def _cavity_field(self, m_cav, xi_i):
        return self.weight * overlap_cavity_field(m_cav, xi_i, self.N, self.P)

    def tensor_energy(self, sigma) -> float:
        """Energy from the explicit synaptic tensor (small N only): a test oracle."""
        return self.weight * polynomial_tensor_energy(self.patterns, sigma, self.P, diagonal=True)


def learned_network(
    examples: Examples, P: int = 2, *, protocol: str = "supervised", tensor: str = "exact"
) -> LearnedNetwork:
    """The network trained on ``examples`` with Hebb's rule.

    Parameters
    ----------
    examples : Examples
        From :func:`hebbian.noisy_examples` (or real data, see
        :mod:`hebbian.datasets`).
    P : int
        Interaction order, >= 2.
    protocol : {"supervised", "unsupervised"}
    tensor : {"exact", "plefka"}
        How the unsupervised synaptic tensor is evaluated: ``"exact"`` keeps
        the overlap with every example (``K M`` rows); ``"plefka"`` keeps the
        first term of the expansion of ``(1/M) sum_a m_a^P`` about the
        example-mean overlap, ``(mean_a m_a)^P``, i.e. the supervised network
        (``K`` rows).  The neglected terms are powers of the example-to-example
        spread ``m_a - mean_a m_a = O(N^(-1/2))``: exact at low load as
        ``N -> infinity``, not at high load.  The supervised network is exact
        either way.

    Returns
    -------
    LearnedNetwork

    References
    ----------
    Agliari et al., arXiv:2212.00606 (supervised) and arXiv:2211.14067
    (unsupervised, Monte Carlo with a Plefka approximation of the tensor).

    Examples
    --------
    >>> from hebbian import binary_patterns, noisy_examples
    >>> ex = noisy_examples(binary_patterns(2, 50, rng=0), M=10, r=0.6, rng=1)
    >>> learned_network(ex, 3).patterns.shape
    (2, 50)
    >>> learned_network(ex, 3, protocol="unsupervised").patterns.shape
    (20, 50)
    """
    if not isinstance(examples, Examples):
        raise TypeError(
            f"examples is a {type(examples).__name__}; pass a hebbian.Examples "
            f"(hebbian.noisy_examples or hebbian.datasets)"
        )
    if protocol not in PROTOCOLS:
        raise ValueError(f"protocol={protocol!r} is not one of {PROTOCOLS}")
    if tensor not in TENSORS:
        raise ValueError(f"tensor={tensor!r} is not one of {TENSORS}")
    P = check_int(P, "P (interaction order)", minimum=2)
    K, M, N = examples.examples.shape
    root_R = math.sqrt(examples.R)
    if protocol == "unsupervised" and tensor == "exact":
        rows = examples.examples.reshape(K * M, N)
        return LearnedNetwork(rows, P, 1.0 / (M * root_R**P))
    return LearnedNetwork(examples.sums(), P, (M * root_R) ** -float(P))
