"""Dense Hebbian networks without self-interactions (``DenseHopfield``, ``Hopfield``).

Energy ``-N sum_mu e_P(xi^mu_1 sigma_1, ..., xi^mu_N sigma_N) / N^P`` (the
elementary symmetric polynomial of :mod:`hebbian.networks.dense`).  Flipping
neuron ``i`` (spin ``s``, entries ``x_mu``) changes it by ``2 s scale h`` with
``h = sum_mu x_mu e_{P-1}(c_mu, n_mu - x_mu^2)``, the cavity values having odd
power sums ``c_mu = S_mu - x_mu s`` and even ones ``n_mu - x_mu^2``.

Kept terms.  For ``x, s`` in {-1, +1}, ``E(y) = e_{P-1}(S - y, n - 1)`` with
``y = x s`` is affine in ``y``, ``a + b y``, so ``x E(x s) = x a + s b``.  The
kernel keeps ``t_mu = 2a_mu div / mul`` (:func:`factors`: ``a`` itself at
P = 3, where ``2a = S^2 + 2 - n`` is even because ``S = n`` mod 2; ``3 (2a)``
at P = 4, so that refreshing it divides nothing) and ``2b_mu`` (rows 0, 1 of
``aux``; row 2 holds ``n_mu``), recomputed for the flipped neuron's patterns
after an accepted flip, and the field is one integer dot product,
``2h = mul sum_mu x_mu t_mu / div + s sum_mu x_mu^2 2b_mu`` (the second sum is
the kept total ``extra`` when no entry is zero).  For P = 2 the field is
``sum_mu x_mu S_mu - s sum_mu x_mu^2`` directly.

Narrowest exact types.  Where every kept value of a binary network fits int16
and a dot product of K of them with the int8 entries fits int32
(:func:`hebbian.mc.model.fits_short`: P = 2 while ``N < 2^15`` and
``K N < 2^31``, P = 3 while ``N <= 256``) and K is large enough for it to pay
(:data:`SHORT_MIN_K`: any K on AVX2, 128 on AVX-512), the ``*Short`` parameter classes
keep them in int16 and sum in int32, wrapping nothing (the bound holds for
every partial sum): twice the entries per SIMD register of the int32 terms
summed in int64, and the int16 products pair into the multiply-add
instruction (``vpmaddwd``).  The decisions, and so the chains, are those of
the wide types, draw for draw.

Exactness.  The cavity values ``y_j = x_j sigma_j`` (``j != i``) lie in
{-1, 0, +1}, so their power sums are ``p_odd = c`` and ``0 <= p_even < N``;
by Newton's identities ``k e_k = sum_j (-1)^(j-1) e_{k-j} p_j``, by
induction ``|e_k| <= E_k(|c|)``, the polynomial of the same recursion on
``p_odd = |c|, p_even = N`` (non-negative coefficients), and every
accumulator of the recursion is at most ``k E_k``.  The NumPy reference's
float64 intermediates (:func:`delta_array`) are then at most
``sum_mu max(2, k) E_k(|c_mu|)`` in any summation order; the kernels' int64
kept terms at most ``6 E_{P-1}(|S| + 1)``, their sums at most
``8 sum_mu E_{P-1}(|S_mu| + 1)`` (below 2^63, 2^10 times more room), the
general form's binomial products at most ``N^P``, and the field they convert
to float64 is the reference's exact integer: :func:`field_bound`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit
from numba.extending import register_jitable
from numpy.polynomial import Polynomial

from hebbian.mc import _interface
from hebbian.mc.model import (
    Family,
    check_exact,
    fits_short,
    integer_sums,
    narrowest,
    pattern_model,
    register,
    ternary_patterns,
    transposed,
)
from hebbian.networks import DenseHopfield, elementary_symmetric


class Pairwise(NamedTuple):
    """P = 2, entries +-1: ``scale = 1/N``."""

    P: int
    scale: float


class PairwiseShort(NamedTuple):
    """P = 2, entries +-1, int16 sums summed in int32 (see the module's notes)."""

    P: int
    scale: float


class PairwiseTernary(NamedTuple):
    """P = 2 with zero entries."""

    P: int
    scale: float


class PowerSums(NamedTuple):
    """P >= 3, entries +-1: order ``P``, ``scale = N^(1-P)``, ``div`` of :func:`factors`."""

    P: int
    scale: float
    div: int


class PowerSumsShort(NamedTuple):
    """P >= 3, entries +-1, int16 kept terms summed in int32 (see the module's notes)."""

    P: int
    scale: float
    div: int


class PowerSumsTernary(NamedTuple):
    """P >= 3 with zero entries."""

    P: int
    scale: float
    div: int


@register_jitable
def e_rest(c, p, P):
    """``e_{P-1}`` of ``p`` values in {-1, +1} summing to ``c``, in exact integers.

    With ``u = (p + c)/2`` values +1 and ``v = (p - c)/2`` values -1,
    ``e_k = sum_j C(u, j) C(v, k - j) (-1)^(k - j)``.
    """
    u, v, k = (p + c) // 2, (p - c) // 2, P - 1
    total = 0
    cu = 1  # C(u, j)
    for j in range(k + 1):
        if j > 0:
            cu = cu * (u - j + 1) // j
        cv = 1  # C(v, k - j)
        for m in range(1, k - j + 1):
            cv = cv * (v - m + 1) // m
        total += cu * cv if (k - j) % 2 == 0 else -cu * cv
    return total


@register_jitable
def power_terms(S, n, P):
    """``(2a div / mul, 2b)`` with ``e_{P-1}(S - y, n - 1) = a + b y`` for ``y = +-1``.

    Closed forms for P = 3 and 4, :func:`e_rest` above; ``S = n`` mod 2.  The
    P = 3 form keeps ``a = (S^2 + 2 - n)/2`` (``mul = 2``, see
    :func:`factors`), half the size of ``2a``.  A flip refreshes K of these,
    so the P = 4 form keeps ``3 (2a) = S^3 + (8 - 3n) S`` (``div = 3``): no
    division per pattern, one exact division of the field's sum instead.
    """
    if P == 3:
        return (S * S + 2 - n) // 2, -2 * S
    if P == 4:
        return S * S * S + (8 - 3 * n) * S, n - 2 - S * S
    plus = e_rest(S - 1, n - 1, P)
    minus = e_rest(S + 1, n - 1, P)
    return plus + minus, plus - minus


# One parameter class per variant, so that each compiled sweep holds only the
# loop it runs (a branch between two K-loops, even a predictable one, cost a
# factor of 4 at P = 2, K = 100: LLVM then vectorized neither loop well).


@register_jitable
def no_extra(p, S, aux, r):
    return 0


@register_jitable
def b_total(p, S, aux, r):
    """The kept total ``sum_mu 2b_mu`` (entries +-1)."""
    total = 0
    for mu in range(S.shape[1]):
        total += aux[r, 1, mu]
    return total


def _fields(acc):
    """The binary networks' energy changes, their dot products summed in ``acc``.

    ``np.int64`` for the wide types, the product with an entry ``x = +-1``
    taken as a select, ``v if x > 0 else -v`` (AVX2 has no 64-bit multiply:
    0.51-0.56 cycles an entry against 0.76-0.84 for the product, K = 10^4,
    one core of a Zen 1 EPYC); ``np.int32`` for int16 values, exact where
    :func:`~hebbian.mc.model.fits_short` holds (every partial sum then fits,
    so nothing wraps), and the int32 sum of int8 x int16 products is what the
    multiply-add instructions compute.
    """
    wide = acc is np.int64

    @register_jitable
    def times(x, v):
        """``x v`` for an entry ``x = +-1``, summed in ``acc``."""
        return acc(v if x > 0 else -v) if wide else acc(x * v)

    @register_jitable
    def pairwise(p, xi_t, i, s, S, aux, r, extra):
        h = acc(0)
        for mu in range(S.shape[1]):
            h = acc(h + times(xi_t[i, mu], S[r, mu]))
        return s * p.scale * float(2 * (np.int64(h) - s * S.shape[1]))

    @register_jitable
    def power(p, xi_t, i, s, S, aux, r, extra):
        h = acc(0)
        for mu in range(S.shape[1]):
            h = acc(h + times(xi_t[i, mu], aux[r, 0, mu]))
        return s * p.scale * float(np.int64(h) * multiplier(p.P) // p.div + s * extra)

    return pairwise, power


delta_pairwise, delta_power = _fields(np.int64)
delta_pairwise_short, delta_power_short = _fields(np.int32)


@register_jitable
def delta_pairwise_ternary(p, xi_t, i, s, S, aux, r, extra):
    h = 0
    q = 0
    for mu in range(S.shape[1]):
        x = xi_t[i, mu]
        h += x * S[r, mu]
        q += x * x
    return s * p.scale * float(2 * (h - s * q))


@register_jitable
def delta_power_ternary(p, xi_t, i, s, S, aux, r, extra):
    ha = 0
    hb = 0
    for mu in range(S.shape[1]):
        x = xi_t[i, mu]
        ha += x * aux[r, 0, mu]
        hb += (x * x) * aux[r, 1, mu]
    return s * p.scale * float(ha * multiplier(p.P) // p.div + s * hb)


@register_jitable
def flip_pairwise(p, xi_t, i, s, S, aux, r, extra):
    for mu in range(S.shape[1]):
        S[r, mu] -= 2 * s * xi_t[i, mu]
    return extra


@register_jitable
def flip_power(p, xi_t, i, s, S, aux, r, extra):
    for mu in range(S.shape[1]):  # every entry is +-1: no branch, the loop vectorizes
        S[r, mu] -= 2 * s * xi_t[i, mu]
        a2, b2 = power_terms(np.int64(S[r, mu]), aux[r, 2, mu], p.P)
        extra += b2 - aux[r, 1, mu]
        aux[r, 0, mu] = a2
        aux[r, 1, mu] = b2
    return extra


@register_jitable
def flip_power_ternary(p, xi_t, i, s, S, aux, r, extra):
    for mu in range(S.shape[1]):
        x = xi_t[i, mu]
        if x != 0:
            S[r, mu] -= 2 * s * x
            aux[r, 0, mu], aux[r, 1, mu] = power_terms(np.int64(S[r, mu]), aux[r, 2, mu], p.P)
    return extra


@register_jitable
def multiplier(P):
    """``mul`` of :func:`factors`, from P (not a parameter: run records keep their keys)."""
    return 2 if P == 3 else 1


def factors(P: int) -> tuple[int, int]:
    """``(mul, div)``: :func:`power_terms` keeps ``2a div / mul``; (2, 1) at P = 3, (1, 3) at 4."""
    return multiplier(P), 3 if P == 4 else 1


_interface.implements(Pairwise, begin=no_extra, delta=delta_pairwise, flip=flip_pairwise)
_interface.implements(
    PairwiseShort, begin=no_extra, delta=delta_pairwise_short, flip=flip_pairwise
)
_interface.implements(
    PairwiseTernary, begin=no_extra, delta=delta_pairwise_ternary, flip=flip_pairwise
)
_interface.implements(PowerSums, begin=b_total, delta=delta_power, flip=flip_power)
_interface.implements(PowerSumsShort, begin=b_total, delta=delta_power_short, flip=flip_power)
_interface.implements(
    PowerSumsTernary, begin=no_extra, delta=delta_power_ternary, flip=flip_power_ternary
)


@njit(cache=True, nogil=True)
def _aux(S, n_mu, P, aux):
    for mu in range(S.shape[0]):
        aux[0, mu], aux[1, mu] = power_terms(S[mu], n_mu[mu], P)
        aux[2, mu] = n_mu[mu]
    return aux


def term_bound(N: int, P: int) -> int:
    """The largest kept value of a binary network: ``|t|``, ``|2b|`` over every ``S``; ``N``."""
    S = np.arange(-N, N + 1, 2, dtype=np.int64)
    terms = _aux(S, np.full(S.shape, N, np.int64), P, np.empty((3, S.size), np.int64))
    return int(np.abs(terms).max())


def prepare(model, S):
    """The sums and, for P >= 3, the kept terms: int16 for the ``*Short`` classes, else
    int32/int64 (``|t|, |2b| <= 6 C(N, P-1)``)."""
    p = model.params
    short = isinstance(p, (PairwiseShort, PowerSumsShort))
    work = S.astype(np.int16) if short else integer_sums(model, S)
    if p.P == 2:
        return work, np.zeros((0, model.K), work.dtype)
    dtype = np.int16 if short else narrowest(6 * math.comb(model.N, p.P - 1))
    aux = np.empty((3, model.K), dtype)
    return work, _aux(work.astype(np.int64), model.n_mu, p.P, aux)


def e_rest_array(xp, c, p_even, P: int):
    """``e_{P-1}`` from odd power sums ``c`` and even ones ``p_even`` (Newton's identities)."""
    sums = xp.stack([c if k % 2 else p_even for k in range(1, P)], axis=-1)
    return elementary_symmetric(sums, P - 1)


def delta_array(xp, p, i, s, S, x, n_mu):
    """The energy change from the cavity sums by Newton's identities (float64, exact)."""
    c = S - x * s[..., None]
    h = x * e_rest_array(xp, c, n_mu - x * x, p.P)
    return s * p.scale * (2.0 * xp.sum(h, axis=-1))


FAMILY = Family("polynomial", prepare, delta_array)


def avx512() -> bool:
    """Whether Numba compiles for a CPU with AVX-512 (BW): its ``NUMBA_CPU_FEATURES``,
    else the host's features (a named ``NUMBA_CPU_NAME`` other than the host: no)."""
    from numba.core import config

    if config.CPU_FEATURES:
        features = config.CPU_FEATURES
    elif config.CPU_NAME in (None, "host"):
        import llvmlite.binding as llvm

        features = llvm.get_host_cpu_features().flatten()
    else:
        features = ""
    return "+avx512bw" in features.split(",")


#: Fewest patterns for the int16 path on AVX-512: below it the int16 loop's
#: vector tail (64 entries a step, then 8) costs more than the narrower lanes
#: save; measured against the plain loop, P = 2, N = 1000: K = 100 1.74x
#: (int16) vs 1.96x (int32 summed in int64), K = 128 2.48x vs 2.05x, K = 200
#: 2.76x vs 2.08x; P = 3, N = 200: K = 100 0.97x vs 1.43x.  On AVX2 (32-byte
#: registers, no 64-bit multiply) the int16 path pays at every K: P = 2,
#: N = 1000, K = 100, 2.68x against 1.46x (Zen 1).
SHORT_MIN_K = 128 if avx512() else 0


def newton_bounds(P: int, N: int) -> list[Polynomial]:
    """Bounds ``E_k`` on ``|e_k|`` of the cavity values, ``k < P``, as polynomials in ``|c|``."""
    u, E = Polynomial([0.0, 1.0]), [Polynomial([1.0])]
    for k in range(1, P):
        E.append(sum(E[k - j] * (u if j % 2 else float(N)) for j in range(1, k + 1)) / k)
    return E


def field_bound(P: int, N: int):
    """``field(cavity)``: the largest intermediate of a flip's field (module notes), int64
    sizes counted at 2^-10.

    Parameters
    ----------
    P : int
        Interaction order.
    N : int
        Neurons.

    Returns
    -------
    callable
        ``cavity -> bound`` for :func:`hebbian.mc.model.check_exact`.
    """
    E = newton_bounds(P, N)
    reference = [max(2, k) * E[k] for k in range(1, P)]
    kernel = 8 * E[P - 1](Polynomial([1.0, 1.0]))

    def bound(cavity) -> float:
        largest = max(cavity.sum_bound(A.coef) for A in reference)
        wide = max(cavity.sum_bound(kernel.coef), float(N) ** P if P > 4 else 0.0)
        return max(largest, wide / 2**10)

    return bound


@register(DenseHopfield)
def build(network: DenseHopfield):
    """The model of a dense network; with self-interactions, :mod:`.self_interacting`'s."""
    if network.diagonal:
        from hebbian.mc.networks.self_interacting import build_dense

        return build_dense(network)
    ternary_patterns(network)
    P, N = network.P, network.N
    check_exact(network.K, N, P, 1, field_bound(P, N), network)
    binary = bool(np.all(transposed(network)[1] == network.N))
    K = network.K
    scale = float(N) ** (1 - P)
    if not binary:
        return pattern_model(network, FAMILY, _ternary(P, scale))
    short = K >= SHORT_MIN_K and fits_short(N if P == 2 else term_bound(N, P), K)
    if P == 2:
        params = (PairwiseShort if short else Pairwise)(P, scale)
    else:
        params = (PowerSumsShort if short else PowerSums)(P, scale, factors(P)[1])
    return pattern_model(network, FAMILY, params)


def _ternary(P: int, scale: float):
    return PairwiseTernary(P, scale) if P == 2 else PowerSumsTernary(P, scale, factors(P)[1])
