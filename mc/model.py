"""What a sampler needs to know about a network, in kernel-ready arrays.

The samplers keep the *overlap sums* ``S_mu = sum_i xi_i^mu sigma_i = N m_mu``
as integers.  For patterns with entries in {-1, 0, +1} every polynomial
energy change is then an exact integer expression (float64 holds integers up
to 2^53 exactly), so the Numba kernel and the NumPy reference take identical
decisions draw for draw, zero-temperature ties are exact ties, and no
rounding error accumulates however long a chain runs.

Each network family lives in one module of :mod:`hebbian.mc.networks`: its
parameters, its kernel functions (:mod:`hebbian.mc._interface`), their
array twin, and a builder registered here for the network classes it
samples.  :func:`kernel_model` finds the builder by the network's class; a
network no family registered is refused.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from hebbian._checks import first_outside
from hebbian.networks._base import BLOCK, overlap_sums, row_squares

__all__ = [
    "Cavity",
    "Family",
    "KernelModel",
    "cavity_bounds",
    "check_exact",
    "fits_short",
    "kernel_model",
    "narrowest",
    "register",
]

_BUILDERS: dict[type, Callable] = {}

# The kernel's neuron-major patterns and n_mu of each live network, made once
# however often a model is built (kernel_model, init, run).
_TRANSPOSED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


class Family(NamedTuple):
    """A network family as the samplers see it.

    Attributes
    ----------
    name : str
        Short name, recorded with runs.
    prepare : callable
        ``prepare(model, S) -> (S_work, aux)``: the kernel's working copy of one
        chain's float64 sums ``S`` (K,) in the narrowest exact type, and the
        auxiliary rows the kernel functions keep.
    delta_array : callable
        ``delta_array(xp, p, i, s, S, x, n_mu) -> dE``: the energy change of
        flipping neuron ``i`` (spin ``s``, pattern entries ``x``) from the sums
        ``S`` alone, array code for NumPy and CuPy, broadcasting over leading
        dimensions; computed independently of the kernel's bookkeeping, it is
        the oracle the kernels are tested against.
    exact : bool
        Whether the sums are exact integers (else local fields kept in floats).
    """

    name: str
    prepare: Callable
    delta_array: Callable
    exact: bool = True


class KernelModel(NamedTuple):
    """Kernel-ready description of a binary network.

    Attributes
    ----------
    network : BinaryNetwork or SherringtonKirkpatrick
        The network itself (energies for measurements and swaps).
    family : Family
    params : NamedTuple
        The family's constants (its type selects the compiled kernel).
    xi_t : numpy.ndarray, shape (N, K), C-contiguous
        Patterns transposed so that neuron i's K entries are contiguous: int8
        for entries in {-1, 0, +1}, the narrowest integer type holding the
        example sums of a :class:`~hebbian.networks.learning.LearnedNetwork`;
        for explicit couplings the matrix ``J`` (the "sums" are then the local
        fields ``J sigma``).
    n_mu : numpy.ndarray of int64, shape (K,)
        ``sum_i (xi_i^mu)^2`` (non-zero entries of a ternary pattern).
    """

    network: Any
    family: Family
    params: NamedTuple
    xi_t: np.ndarray
    n_mu: np.ndarray

    @property
    def N(self) -> int:
        return self.xi_t.shape[0]

    @property
    def K(self) -> int:
        """Length of the kept sums (patterns; ``N`` local fields for couplings)."""
        return self.xi_t.shape[1]

    @property
    def kind(self) -> str:
        return self.family.name

    @property
    def n_patterns(self) -> int:
        """Stored patterns whose overlaps can be tracked (none for explicit couplings)."""
        return self.K if self.family.exact else 0

    def describe(self) -> dict:
        """The family and its constants, as plain numbers (for run records)."""
        return {"kind": self.kind, **{k: _plain(v) for k, v in self.params._asdict().items()}}

    def overlap_sums(self, sigma: np.ndarray) -> np.ndarray:
        """The kept sums of configurations ``sigma`` (R, N) or (N,), as float64.

        For patterns, ``sigma @ xi`` in float64, exact (every product and
        partial sum is an integer below 2^53, checked when the model is built),
        without a wide copy of all the patterns
        (:func:`hebbian.networks._base.overlap_sums`); for explicit couplings
        the local fields ``sigma @ J``.
        """
        if not self.family.exact:
            return np.asarray(sigma).astype(np.float64) @ self.xi_t
        return overlap_sums(sigma, self.xi_t.T)

    def energy(self, sigma: np.ndarray, S: np.ndarray) -> np.ndarray:
        """Energies of configurations ``sigma`` from their kept sums ``S``."""
        if not self.family.exact:
            return -0.5 * np.einsum("...i,...i->...", sigma.astype(np.float64), S)
        return self.network.energy_from_overlaps(S / self.N)


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def register(*network_types: type) -> Callable:
    """Decorator: ``builder(network) -> KernelModel`` samples ``network_types``."""

    def decorate(builder: Callable) -> Callable:
        for cls in network_types:
            _BUILDERS[cls] = builder
        return builder

    return decorate


def kernel_model(network) -> KernelModel:
    """Describe ``network`` for the samplers.

    Raises
    ------
    TypeError
        For networks no family in :mod:`hebbian.mc.networks` samples.
    ValueError
        For patterns outside {-1, 0, +1}, or too large integer intermediates.
    """
    for cls in type(network).__mro__:
        if cls in _BUILDERS:
            return _BUILDERS[cls](network)
    names = ", ".join(sorted(c.__name__ for c in _BUILDERS))
    raise TypeError(f"network of type {type(network).__name__} has no sampler; pass a {names}")


def narrowest(bound: float) -> type:
    """int32 where every value stays below ``bound`` in size, else int64."""
    return np.int32 if bound < 2**31 else np.int64


def fits_short(bound: float, count: int) -> bool:
    """Whether values up to ``bound`` in size fit int16, and a dot product of ``count`` of
    them with entries in {-1, 0, +1} fits int32 (every partial sum then fits too)."""
    return bound < 2**15 and count * bound < 2**31


def ternary_patterns(network) -> np.ndarray:
    """The network's patterns, int8 with entries in {-1, 0, +1} (as the networks store them)."""
    xi = network.patterns
    if xi.dtype != np.int8:
        raise ValueError(
            f"network.patterns has an entry {first_outside(xi, (-1, 0, 1))!r} outside "
            f"{{-1, 0, +1}}; the samplers need ternary patterns (see hebbian.patterns)"
        )
    return xi


def transposed(network) -> tuple[np.ndarray, np.ndarray]:
    """The network's integer patterns (K, N) transposed, read-only, and their ``n_mu``.

    The networks store integer patterns neuron-major
    (:func:`hebbian._checks.as_patterns`), so ``xi_t`` is a view of the
    network's own copy; any other layout is transposed once per network object
    and shared by every model built for it while the network lives
    (:func:`kernel_model`, :func:`hebbian.mc.init`, :func:`hebbian.mc.run`).
    """
    if network not in _TRANSPOSED:
        xi = network.patterns
        xi_t = np.ascontiguousarray(xi.T)
        n_mu = row_squares(xi)
        for a in (xi_t, n_mu):
            a.setflags(write=False)
        _TRANSPOSED[network] = (xi_t, n_mu)
    return _TRANSPOSED[network]


def pattern_model(network, family: Family, params: NamedTuple) -> KernelModel:
    """A model of the network's integer patterns (see :func:`transposed`)."""
    return KernelModel(network, family, params, *transposed(network))


class Cavity(NamedTuple):
    """Bounds on a network's integer sums over every state and every flipped neuron.

    With ``x`` the (K, N) integer patterns, the overlap sums
    ``S_mu = sum_j x_{mu j} sigma_j`` and the cavity sums
    ``c_mu = S_mu - x_{mu i} sigma_i`` (``sigma`` with entry ``i`` zeroed) obey
    ``|S_mu|, |c_mu| <= largest`` and ``sum_mu S_mu^2, sum_mu c_mu^2 <= squares``.

    Attributes
    ----------
    K : int
        Patterns.
    largest : float
        Bound on each ``|S_mu|`` and ``|c_mu|``.
    squares : float
        Bound on ``sum_mu S_mu^2`` and ``sum_mu c_mu^2``.
    """

    K: int
    largest: float
    squares: float

    @classmethod
    def worst(cls, K: int, N: int, x_max: int) -> Cavity:
        """What the sizes alone give: ``|c_mu| <= N x_max``, ``sum_mu c_mu^2 <= K (N x_max)^2``."""
        largest = float(N) * x_max
        return cls(K, largest, K * largest**2)

    def moment(self, k: int) -> float:
        """Bound on ``sum_mu |c_mu|^k``: ``K``, then ``sqrt(K squares)`` (Cauchy-Schwarz), then
        ``largest^(k-2) squares``; never above ``K largest^k``."""
        if k == 0:
            return float(self.K)
        if k == 1:
            tight = math.sqrt(self.K * self.squares)
        else:
            tight = self.largest ** (k - 2) * self.squares
        return min(tight, self.K * self.largest**k)

    def sum_bound(self, coefficients) -> float:
        """Bound on ``sum_mu A(|c_mu|)`` for ``A(u) = sum_k a_k u^k`` with every ``a_k >= 0``.

        It bounds every partial sum of the terms in any order, and each single term
        (``|c_mu|^k`` is at most the sum over ``mu``).
        """
        return float(sum(a * self.moment(k) for k, a in enumerate(coefficients) if a))


#: Relative margin on the computed largest eigenvalue of the patterns' Gram matrix
#: (LAPACK's symmetric eigensolver errs by a few N eps of the norm).
EIGEN_MARGIN = 1e-6

_CAVITY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def cavity_bounds(network) -> Cavity:
    """The network's own :class:`Cavity` bounds, computed once per network object.

    ``largest``: the largest row sum ``max_mu sum_j |x_{mu j}|``.  ``squares``:
    ``sum_mu S_mu^2 = |x sigma|^2 <= N lambda_max(x^T x)`` (``|sigma|^2 = N``;
    ``N - 1`` for the cavity's), with the largest eigenvalue of the Gram matrix
    of the shorter side (``x^T x`` or ``x x^T``, the same non-zero spectrum),
    summed in float64 over blocks of :data:`~hebbian.networks._base.BLOCK`
    entries (every entry an integer below 2^53: exact in any order), by
    :func:`numpy.linalg.eigvalsh`, raised by :data:`EIGEN_MARGIN`.
    """
    if network not in _CAVITY:
        x = network.patterns
        K, N = x.shape
        rows = np.zeros(K)
        wide = K < N  # Gram matrix of the rows (K x K), else of the columns (N x N)
        gram = np.zeros((K, K) if wide else (N, N))
        step = max(1, BLOCK // (K if wide else N))
        for start in range(0, N if wide else K, step):
            part = slice(start, start + step)
            block = (x[:, part] if wide else x[part]).astype(np.float64)
            gram += block @ block.T if wide else block.T @ block
            if wide:
                rows += np.abs(block).sum(axis=1)
            else:
                rows[part] = np.abs(block).sum(axis=1)
        lam = float(np.linalg.eigvalsh(gram)[-1]) * (1 + EIGEN_MARGIN) + 1.0
        largest = float(rows.max())
        _CAVITY[network] = Cavity(K, largest, min(N * lam, K * largest**2))
    return _CAVITY[network]


#: Largest integer every float64 intermediate of an energy change may reach.
EXACT_LIMIT = 2.0**53


def check_exact(
    K: int,
    N: int,
    P: int,
    x_max: int,
    field: Callable[[Cavity], float] | None = None,
    network=None,
) -> None:
    """Raise unless every integer energy change stays below 2^53 (exact in float64).

    Parameters
    ----------
    K, N, P : int
        Patterns, neurons, interaction order.
    x_max : int
        Largest pattern entry in size.
    field : callable, optional
        ``field(cavity) -> bound``: the family's bound on every float64
        intermediate of one energy change given :class:`Cavity` bounds
        (:func:`hebbian.mc.networks.self_interacting.field_bound`,
        :func:`hebbian.mc.networks.polynomial.field_bound`).  Without it, the
        sizes-only estimate ``K (N x_max)^(P-1) x_max 2^P``.
    network : BinaryNetwork, optional
        With ``field``: where the bound on the worst case of the sizes
        (:meth:`Cavity.worst`, nothing computed) exceeds 2^53, the bound on the
        network's own patterns (:func:`cavity_bounds`) decides.

    Raises
    ------
    ValueError
        Where the bound exceeds 2^53.
    """
    if field is None:  # in logs: no overflow
        log2_largest = math.log2(K) + (P - 1) * math.log2(N * x_max) + math.log2(x_max) + P
    else:
        largest = _bound(field, Cavity.worst(K, N, x_max))
        if largest > EXACT_LIMIT and network is not None:
            largest = _bound(field, cavity_bounds(network))
        log2_largest = math.log2(max(largest, 1.0))
    if log2_largest > 53:
        raise ValueError(
            f"K={K}, N={N}, P={P}, largest pattern entry {x_max}: integer energy changes "
            f"could reach 2^{log2_largest:.1f} > 2^53 and lose exactness; reduce K, N or "
            f"the examples per class M"
        )


def _bound(field: Callable[[Cavity], float], cavity: Cavity) -> float:
    try:
        return field(cavity)
    except OverflowError:  # beyond float64, so far beyond 2^53
        return math.inf


def integer_sums(model: KernelModel, S: np.ndarray) -> np.ndarray:
    """A chain's exact sums in the narrowest integer type (``|S_mu| <= sqrt(N n_mu)``)."""
    bound = math.sqrt(model.N * float(model.n_mu.max(initial=0)))
    return S.astype(narrowest(bound))
