"""Pairwise Hopfield and dense P-spin Hebbian networks (polynomial F).

Normalization (one for every P):

* ``diagonal=False`` (default): P-tuples of *distinct* neurons only::

      H(sigma) = -1/(P! N^(P-1)) sum_mu sum_{i_1..i_P distinct} xi_{i_1}..xi_{i_P}
                                                             sigma_{i_1}..sigma_{i_P}
               = -N^(1-P) sum_mu e_P(xi^mu * sigma),

  where ``e_P`` is the elementary symmetric polynomial.  For P = 2 this is the
  Amit-Gutfreund-Sompolinsky Hamiltonian ``-(1/2N) sum_{i != j} J_ij s_i s_j``
  with Hebb couplings ``J_ij = sum_mu xi_i^mu xi_j^mu``, i.e.
  ``-(N/2) sum_mu m_mu^2 + sum_mu |xi^mu|^2 / (2N)``; for P >= 3 it is the
  Gardner (1987) / Baldi-Venkatesh (1987) convention of no self-interactions.
  It is still a function of the overlaps alone when the entries are in
  {-1, 0, +1}: by Newton's identities ``e_P`` is a polynomial in the power
  sums ``p_k = sum_i (xi_i sigma_i)^k``, which equal ``N m_mu`` for odd k and
  the number of non-zero entries of ``xi^mu`` for even k.

* ``diagonal=True``: all P-tuples, ``H = -(N/P!) sum_mu m_mu^P``, the overlap
  form used in replica computations of dense networks (e.g. Albanese,
  Alemanno, Alessandrelli, Barra, J. Stat. Phys. 2022, arXiv:2111.12997).
  The Krotov-Hopfield energy ``-sum_mu (xi^mu . sigma)^n`` is this with P = n
  times ``P! N^(P-1)``: the same dynamics at ``beta_KH = beta / (P! N^(P-1))``.

The two differ by terms that are constant for P = 2 but not for P >= 3: in
the high-storage regime ``K = alpha N^(P-1)`` the self-interactions of P = 3
add a quenched random field of variance ``alpha/4`` to every neuron, an O(1)
effect; choose the convention of the theory you compare with.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import as_patterns, check_int
from hebbian.couplings import polynomial_tensor_energy
from hebbian.limits import check_memory
from hebbian.networks._base import MAX_TERM, BinaryNetwork, largest_entry, read_array, row_squares

__all__ = [
    "DenseHopfield",
    "Hopfield",
    "check_energy_scale",
    "check_pattern_memory",
    "elementary_symmetric",
    "overlap_cavity_field",
    "overlap_energy",
]


def elementary_symmetric(power_sums: np.ndarray, order: int) -> np.ndarray:
    """Elementary symmetric polynomial ``e_order`` from power sums (Newton).

    Parameters
    ----------
    power_sums : numpy.ndarray, shape (..., order)
        ``power_sums[..., k-1] = p_k = sum_i x_i^k`` for k = 1..order.
    order : int
        ``>= 0``.

    Returns
    -------
    numpy.ndarray, shape (...)
        ``e_order = sum_{i_1 < ... < i_order} x_{i_1} ... x_{i_order}``, from
        ``k e_k = sum_{j=1..k} (-1)^(j-1) e_{k-j} p_j``.

    Examples
    --------
    >>> x = np.array([1.0, 2.0, 3.0])
    >>> p = np.array([np.sum(x**k) for k in (1, 2, 3)])
    >>> float(elementary_symmetric(p, 2)), float(elementary_symmetric(p, 3))
    (11.0, 6.0)
    """
    zero = power_sums.sum(axis=-1) * 0.0  # any array library (NumPy, CuPy)
    e = [zero + 1.0]
    for k in range(1, order + 1):
        acc = zero
        for j in range(1, k + 1):
            acc = acc + (-1) ** (j - 1) * e[k - j] * power_sums[..., j - 1]
        e.append(acc / k)
    return e[order]


def overlap_energy(m, N: int, P: int) -> np.ndarray | float:
    """``-(N/P!) sum_mu m_mu^P``: the all-tuples (self-interaction) energy of overlaps ``m``."""
    return -N / math.factorial(P) * np.sum(np.asarray(m, dtype=np.float64) ** P, axis=-1)


def overlap_cavity_field(m_cav, xi_i, N: int, P: int) -> np.ndarray:
    """Cavity field of :func:`overlap_energy` from the cavity overlaps ``m_cav``.

    ``[(c + a)^P - (c - a)^P] / 2`` summed over patterns, ``c = N m_cav``,
    ``a = xi_i``, times ``N^(1-P)/P!``; expanded in odd powers of ``a`` so that
    no two large terms cancel.
    """
    a = xi_i / N
    terms = sum(math.comb(P, k) * m_cav ** (P - k) * a**k for k in range(1, P + 1, 2))
    return N / math.factorial(P) * np.sum(terms, axis=-1)


def check_pattern_memory(patterns: np.ndarray, network: str, *, ternary: bool = False) -> None:
    """Refuse patterns whose validated copy and its checks would not fit in memory.

    :func:`hebbian._checks.as_patterns` makes a copy (int8 for ternary entries,
    float64 otherwise) and boolean masks; requiring ternary entries of int8
    input (``np.isin``) costs 12 bytes per entry at its peak (measured).
    """
    if patterns.ndim == 2:
        K, N = patterns.shape
        per_entry = (12 if ternary else 2) if patterns.dtype.itemsize == 1 else 10
        check_memory(per_entry * K * N, f"{network} patterns (K={K}, N={N}): copy and checks")


def check_energy_scale(xi: np.ndarray, P: int, *, diagonal: bool, weight: float = 1.0) -> None:
    """Refuse patterns and orders whose energy terms would overflow float64.

    Without self-interactions, Newton's identities form ``(N max|xi|)^P`` per
    pattern; with them, each pattern contributes ``weight N max|xi|^P``.  Either
    summed over the K patterns must stay below :data:`MAX_TERM` (1e300), so that
    every energy, cavity field and energy change is finite.
    """
    K, N = xi.shape
    x_max = largest_entry(xi)
    if x_max == 0.0:
        return
    if diagonal:
        log_size = math.log10(weight * K * N) + P * math.log10(max(x_max, 1.0))
        form = "weight K N max|xi|^P"
    else:
        log_size = math.log10(K) + P * math.log10(N * x_max)
        form = "K (N max|xi|)^P"
    if log_size > math.log10(MAX_TERM):
        raise ValueError(
            f"P={P} with K={K}, N={N} and largest |entry| {x_max:g}: energy terms up to "
            f"{form} = 1e{log_size:.0f} would overflow float64 (bound {MAX_TERM:g}); "
            f"pass a smaller P, fewer neurons or patterns, or smaller entries"
        )


@dataclass(frozen=True, eq=False)
class DenseHopfield(BinaryNetwork):
    """Dense Hebbian network with P-body couplings (P = 2: Hopfield).

    Parameters
    ----------
    patterns : array_like, shape (K, N)
        Stored patterns.  Any finite reals for P = 2 or ``diagonal=True``
        (e.g. example means in supervised learning); entries in {-1, 0, +1}
        for P >= 3 without self-interactions.
    P : int
        Interaction order, >= 2.
    diagonal : bool
        Keep the self-interaction (repeated-index) terms; see the module
        docstring for both normalizations.

    Raises
    ------
    ValueError
        For P < 2, N < P without self-interactions, non-finite or out-of-set
        entries, energies that would overflow float64 (see
        :func:`check_energy_scale`), or patterns whose validated copy would
        not fit in memory (:func:`hebbian.limits.check_memory`).

    References
    ----------
    Amit, Gutfreund, Sompolinsky, PRL 55, 1530 (1985); Gardner, J. Phys. A 20,
    3453 (1987); Baldi, Venkatesh, PRL 58, 913 (1987); Krotov, Hopfield,
    NeurIPS (2016); Albanese et al., J. Stat. Phys. (2022), arXiv:2111.12997.

    Examples
    --------
    >>> from hebbian.patterns import binary_patterns
    >>> net = DenseHopfield(binary_patterns(3, 20, rng=0), P=3)
    >>> sigma = net.patterns[0]
    >>> bool(net.overlaps(sigma)[0] == 1.0)
    True
    """

    P: int = 2
    diagonal: bool = False
    _sq_norms: np.ndarray = field(init=False, repr=False)

    def __post_init__(self):
        P = check_int(self.P, "P (interaction order)", minimum=2)
        if not isinstance(self.diagonal, bool | np.bool_):
            raise TypeError(f"diagonal={self.diagonal!r} must be True or False")
        needs_ternary = P >= 3 and not self.diagonal
        raw = read_array(self.patterns, "patterns")
        check_pattern_memory(raw, type(self).__name__, ternary=needs_ternary)
        xi = as_patterns(
            raw,
            values="ternary" if needs_ternary else None,
            min_N=2 if self.diagonal else P,
        )
        check_energy_scale(xi, P, diagonal=bool(self.diagonal))
        if xi.dtype == np.int8:
            sq = row_squares(xi).astype(np.float64)
        else:
            sq = np.einsum("ki,ki->k", xi, xi)
        sq.setflags(write=False)
        object.__setattr__(self, "patterns", xi)
        object.__setattr__(self, "P", P)
        object.__setattr__(self, "diagonal", bool(self.diagonal))
        object.__setattr__(self, "_sq_norms", sq)

    def _power_sums(self, m: np.ndarray, even: np.ndarray, order: int) -> np.ndarray:
        """Power sums p_1..p_order of ``x = xi^mu * sigma``: odd ``N m``, even ``even``."""
        odd = self.N * m
        even = np.broadcast_to(even, odd.shape)
        return np.stack([odd if k % 2 else even for k in range(1, order + 1)], axis=-1)

    def energy_from_overlaps(self, m: ArrayLike) -> np.ndarray | float:
        """``-(N/P!) sum m^P`` with self-interactions, ``-N^(1-P) sum e_P`` without."""
        m = np.asarray(m, dtype=np.float64)
        N, P = self.N, self.P
        if self.diagonal:
            return overlap_energy(m, N, P)
        e_P = elementary_symmetric(self._power_sums(m, self._sq_norms, P), P)
        return -(float(N) ** (1 - P)) * np.sum(e_P, axis=-1)

    def _cavity_field(self, m_cav, xi_i):
        N, P = self.N, self.P
        if self.diagonal:
            return overlap_cavity_field(m_cav, xi_i, N, P)
        # H = -N^(1-P) sum_mu [e_P(rest) + x_i e_(P-1)(rest)], x_i = xi_i sigma_i.
        rest = self._power_sums(m_cav, self._sq_norms - xi_i**2, P - 1)
        return float(N) ** (1 - P) * np.sum(xi_i * elementary_symmetric(rest, P - 1), axis=-1)

    def tensor_energy(self, sigma) -> float:
        """Energy from the explicit P-index coupling tensor (small N only)."""
        return polynomial_tensor_energy(self.patterns, sigma, self.P, diagonal=self.diagonal)


@dataclass(frozen=True, eq=False)
class Hopfield(DenseHopfield):
    """Pairwise Hopfield network, ``DenseHopfield`` with ``P = 2``.

    ``H = -(1/2N) sum_{i != j} sum_mu xi_i^mu xi_j^mu sigma_i sigma_j``
    (``diagonal=True`` adds the constant ``-sum_mu |xi^mu|^2 / (2N)``).

    References
    ----------
    Hopfield, PNAS 79, 2554 (1982); Amit, Gutfreund, Sompolinsky, PRL 55, 1530
    (1985) and Ann. Phys. 173, 30 (1987).

    Examples
    --------
    >>> from hebbian.patterns import binary_patterns
    >>> net = Hopfield(binary_patterns(5, 100, rng=0))
    >>> net.P, net.K, net.N
    (2, 5, 100)
    """

    P: int = field(default=2, init=False)
