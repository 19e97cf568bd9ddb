"""Explicit coupling tensors: the test oracle for small N.

The networks never build these (their energies go through the K overlaps);
the functions here spell the Hamiltonians out index by index so the tests can
check the overlap formulas against an independent computation.  Memory grows
like N^P (polynomial) or 2^N (exponential), hence the size guards.
"""

from __future__ import annotations

import decimal
import itertools
import math

import numpy as np

from hebbian._checks import as_spins

__all__ = [
    "MAX_TENSOR_ENTRIES",
    "exponential_expansion_energy",
    "hebbian_tensor",
    "polynomial_tensor_energy",
]

#: Largest coupling tensor (entries) the oracle agrees to build.
MAX_TENSOR_ENTRIES = 2**24


def _guard(n_entries: int, what: str) -> None:
    if n_entries > MAX_TENSOR_ENTRIES:
        raise ValueError(
            f"{what} would have {n_entries} entries (> {MAX_TENSOR_ENTRIES}); the explicit "
            f"oracle is for small N only, use the network's overlap-based energy instead"
        )


def hebbian_tensor(patterns, P: int, *, diagonal: bool) -> np.ndarray:
    """Hebb coupling tensor ``J_{i_1..i_P} = sum_mu prod_k xi^mu_{i_k}``.

    Parameters
    ----------
    patterns : array_like, shape (K, N)
    P : int
        Number of indices.
    diagonal : bool
        If False, every entry with a repeated index is set to zero.

    Returns
    -------
    numpy.ndarray of float64, shape (N,) * P
    """
    xi = np.asarray(patterns, dtype=np.float64)
    N = xi.shape[1]
    _guard(N**P, f"a P={P} coupling tensor with N={N}")
    J = np.zeros((N,) * P)
    for row in xi:
        outer = row
        for _ in range(P - 1):
            outer = np.multiply.outer(outer, row)
        J += outer
    if not diagonal:
        grids = np.ix_(*[np.arange(N)] * P)  # index i_a varies along axis a only
        for a, b in itertools.combinations(range(P), 2):
            J[np.broadcast_to(grids[a] == grids[b], J.shape)] = 0.0
    return J


def polynomial_tensor_energy(patterns, sigma, P: int, *, diagonal: bool) -> float:
    """``H = -1/(P! N^(P-1)) sum_{i_1..i_P} J_{i_1..i_P} sigma_{i_1}..sigma_{i_P}``.

    The sum runs over all ordered index tuples (distinct ones only when
    ``diagonal=False``), as in :mod:`hebbian.networks.dense`.
    """
    J = hebbian_tensor(patterns, P, diagonal=diagonal)
    N = J.shape[0]
    s = as_spins(sigma, N).astype(np.float64)
    if s.ndim != 1:
        raise ValueError(f"sigma has shape {s.shape}; the oracle takes one configuration (N,)")
    contracted = J
    for _ in range(P):
        contracted = contracted @ s
    return -float(contracted) / (math.factorial(P) * float(N) ** (P - 1))


def exponential_expansion_energy(patterns, sigma, lam: float) -> float:
    """Exponential-DAM energy from its expansion into couplings of every order.

    With ``exp(lam xi sigma) = cosh(lam xi) + sigma sinh(lam xi)`` for
    ``sigma = +-1``, the Demircigil energy expands over subsets A of neurons,

        E_D(sigma) = -sum_mu exp(lam xi^mu . sigma) = -sum_A J_A prod_{i in A} sigma_i,
        J_A = sum_mu prod_{i in A} sinh(lam xi^mu_i) prod_{i not in A} cosh(lam xi^mu_i),

    and the network energy is ``-(1/lam) log(-E_D)`` (see
    :class:`hebbian.networks.ExponentialDAM`).  The alternating sum over
    subsets cancels catastrophically in float64 (terms up to ``e^(lam N)``
    for a total as small as ``e^(-lam N)``), so it is carried out in
    60-digit decimal arithmetic.  2^N couplings: tiny N only.
    """
    xi = np.asarray(patterns, dtype=np.float64)
    N = xi.shape[1]
    _guard(2**N * xi.shape[0], f"the subset expansion with N={N}")
    s = as_spins(sigma, N)
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        half = decimal.Decimal(1) / 2
        lam_d = decimal.Decimal(float(lam))
        grow = [[(lam_d * decimal.Decimal(float(x))).exp() for x in row] for row in xi]
        sh = [[(e - 1 / e) * half for e in row] for row in grow]
        ch = [[(e + 1 / e) * half for e in row] for row in grow]
        total = decimal.Decimal(0)
        for subset in itertools.product((False, True), repeat=N):
            sign = math.prod(int(s[i]) for i in range(N) if subset[i])
            J_A = sum(
                math.prod(
                    (sh_mu[i] if subset[i] else ch_mu[i] for i in range(N)),
                    start=decimal.Decimal(1),
                )
                for sh_mu, ch_mu in zip(sh, ch, strict=True)
            )
            total += sign * J_A
        return -float(total.ln()) / lam
