"""Dense associative memory with an exponential separation function.

Demircigil et al. (2017) store patterns with the energy
``E_D(sigma) = -sum_mu exp(lam xi^mu . sigma)`` (``lam = 1`` in their paper),
whose capacity is exponential in N.  ``E_D`` itself overflows float64 once
``lam N > 709``, so this network works with its log-domain form

    H(sigma) = -(1/lam) log sum_mu exp(lam N m_mu) = -(1/lam) log(-E_D(sigma)),

an extensive energy (``H = -N`` on a stored pattern, up to ``log(K)/lam``)
that never overflows: every evaluation is a log-sum-exp.  Because ``H`` is an
increasing function of ``E_D``, every single-flip decision, hence all
zero-temperature dynamics and fixed points, is exactly Demircigil's.  At
inverse temperature ``beta`` the Boltzmann weight is
``(sum_mu exp(lam xi^mu . sigma))^(beta/lam)``; at ``beta = lam`` the partition
function is that of the random-energy-model-like sum of Lucibello and Mezard,
PRL 132, 077301 (2024), whose ``lam`` plays the same role.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from hebbian._checks import as_patterns, check_real
from hebbian.couplings import exponential_expansion_energy
from hebbian.networks._base import MAX_TERM, BinaryNetwork, largest_entry, read_array
from hebbian.networks.dense import check_pattern_memory

__all__ = ["ExponentialDAM"]


@dataclass(frozen=True, eq=False)
class ExponentialDAM(BinaryNetwork):
    """Exponential dense associative memory, in the log domain.

    Parameters
    ----------
    patterns : array_like, shape (K, N)
        Stored patterns (finite reals; +-1 in the papers).
    lam : float
        Scale of the exponent, > 0 and finite: ``F(x) = exp(lam x)``.  Bounded
        so that every log-domain energy is finite:
        ``lam N max|xi| <= 1e300`` (the largest exponent) and
        ``log(K) / lam <= 1e300`` (the entropy term).  Beyond ``lam`` of a
        few tens the energies of +-1 patterns are already their
        nearest-pattern limit ``-N max_mu m_mu`` to double precision.

    References
    ----------
    Demircigil, Heusel, Loewe, Upgang, Vermet, J. Stat. Phys. 168, 288 (2017);
    Krotov, Hopfield, NeurIPS (2016); Lucibello, Mezard, PRL 132, 077301 (2024).

    Examples
    --------
    >>> from hebbian.patterns import binary_patterns
    >>> net = ExponentialDAM(binary_patterns(10, 100_000, rng=0))
    >>> bool(np.isfinite(net.energy(net.patterns[0])))
    True
    """

    lam: float = 1.0

    def __post_init__(self):
        lam = check_real(self.lam, "lam", low=0.0, low_open=True)
        if math.isinf(lam):
            raise ValueError(
                "lam=inf is not finite; pass a finite lam (a few tens already gives the "
                "nearest-pattern energies)"
            )
        raw = read_array(self.patterns, "patterns")
        check_pattern_memory(raw, "ExponentialDAM")
        xi = as_patterns(raw, min_N=2)
        K, N = xi.shape
        top = N * largest_entry(xi)
        if lam * top > MAX_TERM:
            raise ValueError(
                f"lam={lam:g} with N={N} and largest |entry| {top / N:g}: exponents "
                f"lam N max|xi| would exceed {MAX_TERM:g}; pass lam <= {MAX_TERM / top:.3g}"
            )
        if math.log(K) / lam > MAX_TERM:
            raise ValueError(
                f"lam={lam:g} with K={K}: the energy's log(K)/lam would exceed "
                f"{MAX_TERM:g}; pass lam >= {math.log(K) / MAX_TERM:.3g}"
            )
        object.__setattr__(self, "patterns", xi)
        object.__setattr__(self, "lam", lam)

    def energy_from_overlaps(self, m: ArrayLike) -> np.ndarray | float:
        """``-(1/lam) logsumexp(lam N m)`` over the last axis."""
        m = np.asarray(m, dtype=np.float64)
        # lam (N m), never (lam N) m: the bound is on lam N max|xi|, and N m <= N max|xi|
        return -logsumexp(self.lam * (self.N * m), axis=-1) / self.lam

    def _cavity_field(self, m_cav, xi_i):
        # h = [LSE(u + v) - LSE(u - v)] / (2 lam), u = lam N m_cav, v = lam xi_i.
        # Subtracting LSE(u) first leaves log-softmax weights <= 0, so the two
        # large terms never cancel in floating point.
        u = self.lam * (self.N * m_cav)
        log_w = u - logsumexp(u, axis=-1, keepdims=True)
        v = self.lam * np.broadcast_to(xi_i, log_w.shape)
        return (logsumexp(log_w + v, axis=-1) - logsumexp(log_w - v, axis=-1)) / (2 * self.lam)

    def tensor_energy(self, sigma) -> float:
        """Energy from the expansion into couplings of every order (tiny N)."""
        return exponential_expansion_energy(self.patterns, sigma, self.lam)
