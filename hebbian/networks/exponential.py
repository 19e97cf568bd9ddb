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

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from scipy.special import logsumexp

from hebbian._checks import as_patterns, check_real
from hebbian.couplings import exponential_expansion_energy
from hebbian.networks._base import BinaryNetwork

__all__ = ["ExponentialDAM"]


@dataclass(frozen=True, eq=False)
class ExponentialDAM(BinaryNetwork):
    """Exponential dense associative memory, in the log domain.

    Parameters
    ----------
    patterns : array_like, shape (K, N)
        Stored patterns (finite reals; +-1 in the papers).
    lam : float
        Scale of the exponent, > 0: ``F(x) = exp(lam x)``.

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
        object.__setattr__(self, "patterns", as_patterns(self.patterns, min_N=2))
        object.__setattr__(self, "lam", lam)

    def energy_from_overlaps(self, m: ArrayLike) -> np.ndarray | float:
        """``-(1/lam) logsumexp(lam N m)`` over the last axis."""
        m = np.asarray(m, dtype=np.float64)
        return -logsumexp(self.lam * self.N * m, axis=-1) / self.lam

    def _cavity_field(self, m_cav, xi_i):
        # h = [LSE(u + v) - LSE(u - v)] / (2 lam), u = lam N m_cav, v = lam xi_i.
        # Subtracting LSE(u) first leaves log-softmax weights <= 0, so the two
        # large terms never cancel in floating point.
        u = self.lam * self.N * m_cav
        log_w = u - logsumexp(u, axis=-1, keepdims=True)
        v = self.lam * np.broadcast_to(xi_i, log_w.shape)
        return (logsumexp(log_w + v, axis=-1) - logsumexp(log_w - v, axis=-1)) / (2 * self.lam)

    def tensor_energy(self, sigma) -> float:
        """Energy from the expansion into couplings of every order (tiny N)."""
        return exponential_expansion_energy(self.patterns, sigma, self.lam)
