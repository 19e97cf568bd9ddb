"""Numba kernels: single-spin-flip sweeps on exact integer overlap sums.

Small and pure: they work in place on a chain's configuration ``sigma`` (N,)
and overlap sums ``S`` (K,) (for explicit couplings, ``KIND_COUPLINGS``: the
local fields ``S = J sigma`` with ``xi_t = J``, the same update), release the
GIL so independent chains run on threads, and hold no model logic beyond the
energy change of one flip (derived in :mod:`hebbian.networks.dense` and
``exponential``).  :mod:`hebbian.mc._numpy` is the reference they are tested
against draw for draw.

Per attempted flip the cost is one dot product of the neuron's K pattern
entries (int8) with K exact int64 numbers, two uniforms and, rarely, one
exponential:

* **Power sums.**  Without self-interactions the field of neuron ``i`` is
  ``h = sum_mu x_mu e_{P-1}(S_mu - x_mu s, n_mu - x_mu^2)`` (Newton's
  identities).  For ``x, s`` in {-1, +1}, ``e_{P-1}(S - y)`` with ``y = x s`` is
  affine in ``y``, ``a + b y``, so ``x e_{P-1} = x a + s b``: the kernel keeps
  ``2a_mu`` and ``2b_mu`` up to date (closed forms for P = 3, 4, Newton above;
  recomputed only after an accepted flip) and the field is
  ``2h = sum_mu x_mu 2a_mu + s sum_mu x_mu^2 2b_mu``, one integer dot product
  (the second sum is a number kept up to date when no entry is zero).
* **Random numbers.**  Each sweep seeds an inline xoshiro256+ stream (Blackman
  and Vigna 2021) with four words drawn from the chain's NumPy ``Generator``;
  uniforms are its top 53 bits.  A chain is therefore fixed by its
  ``Generator`` state at each sweep, which checkpoints keep, and does not depend
  on how sweeps are split between calls.
* **Acceptance.**  :func:`_accept` decides with cheap exact bounds on the
  exponential first (``1 - z <= e^-z <= 1/(1 + z + z^2/2 + z^3/6)``) and calls
  ``exp`` only for uniforms between them: the same decisions as comparing
  with ``exp`` every time.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np


def _package_writable(folder: Path) -> bool:
    """Whether Numba can keep its cache beside this file (in ``__pycache__``)."""
    pycache = folder / "__pycache__"
    target = pycache if pycache.is_dir() else folder
    return os.access(target, os.W_OK)


def user_cache_dir(environ=os.environ) -> Path:
    """Per-user folder for compiled kernels: ``$XDG_CACHE_HOME/hebbian/numba``
    (``~/.cache/hebbian/numba`` without it)."""
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hebbian" / "numba"


def _use_user_cache() -> None:
    """Point Numba's cache at :func:`user_cache_dir` when the package folder is read-only.

    ``cache=True`` writes next to the source; an install into a read-only
    site-packages must still run (and cache).  A ``NUMBA_CACHE_DIR`` the user
    set is left alone.  Runs before any kernel below is decorated; if Numba was
    imported earlier its configuration is re-read from the environment.
    """
    if os.environ.get("NUMBA_CACHE_DIR") or _package_writable(Path(__file__).parent):
        return
    os.environ["NUMBA_CACHE_DIR"] = str(user_cache_dir())
    if "numba" in sys.modules:
        from numba.core import config

        config.reload_config()


_use_user_cache()

from numba import njit  # noqa: E402  (after the cache folder is settled)

RULE_METROPOLIS, RULE_HEAT_BATH, RULE_ZERO_T = 0, 1, 2
ORDER_SEQUENTIAL, ORDER_RANDOM = 0, 1
KIND_POLY, KIND_POLY_DIAGONAL, KIND_EXPONENTIAL, KIND_COUPLINGS = 0, 1, 2, 3

# Every polynomial term is an exact integer below 2^53 (checked by
# mc.model.kernel_model), so reassociating the sums cannot change a result:
# it only lets LLVM vectorize the reductions.  No flag that assumes away NaN
# or inf, and no reciprocal approximations (the /6 must stay exact).
FASTMATH = {"reassoc", "contract"}

# counts[:] layout shared with the Python side
ATTEMPTED, ACCEPTED, SWEEPS, FIXED = 0, 1, 2, 3


#: Relative margin of the exact acceptance bounds (far above the few ulps of
#: rounding in evaluating them, far below any probability that matters).
_MARGIN = 1e-12
_TO_UNIT = 1.1102230246251565e-16  # 2^-53
_U64 = np.uint64
_MASK = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _g_diag(c, x, P):
    """((c + x)^P - (c - x)^P) / 2: the self-interaction form's per-pattern field.

    ``x`` is the neuron's pattern entry: +-1 or 0 for stored patterns, an
    integer sum of examples for networks learned from examples.
    """
    if P == 2:
        return 2.0 * c * x
    if P == 3:
        return x * (3.0 * c * c + x * x)
    if P == 4:
        return 4.0 * c * x * (c * c + x * x)
    return 0.5 * ((c + x) ** P - (c - x) ** P)


@njit(cache=True, nogil=True)
def _accept(dE, beta, rule, u):
    """Flip decision from the energy change and one uniform ``u`` (unused at T = 0).

    Metropolis accepts with probability ``min(1, e^-z)``, heat bath (Glauber)
    with ``1 / (1 + e^z)``, ``z = beta dE``.  Both probabilities lie below
    ``e^-z <= 1 / (1 + z + z^2/2 + z^3/6)`` for ``z > 0``, and Metropolis's
    above ``1 - z``: a uniform outside these bounds (with a margin that
    covers rounding) is decided without ``exp``, with the result ``exp``
    would give.
    """
    if rule == RULE_ZERO_T:
        return dE < 0.0
    z = beta * dE
    if z > 0.0:
        if u * (1.0 + z * (1.0 + z * (0.5 + z * (1.0 / 6.0)))) >= 1.0 + _MARGIN:
            return False
        if rule == RULE_METROPOLIS:
            return u + z < 1.0 - _MARGIN or u < math.exp(-z)
        e = math.exp(-z)
        return u < e / (1.0 + e)
    if rule == RULE_METROPOLIS:
        return True
    # heat bath at z <= 0: 1 / (1 + e^z) >= 1/2 exactly
    return u < 0.5 or u < 1.0 / (1.0 + math.exp(z))


@njit(cache=True, nogil=True)
def _splitmix64(x):
    """Steele, Lea and Flood's SplitMix64 output function of a 64-bit counter."""
    z = x + _U64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> _U64(30))) * _U64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> _U64(27))) * _U64(0x94D049BB133111EB)
    return z ^ (z >> _U64(31))


@njit(cache=True, nogil=True)
def _seed(rng):
    """A xoshiro256+ state from four words of ``rng`` (never all zero)."""
    words = rng.integers(0, 9223372036854775807, 4)
    s0 = _splitmix64(_U64(words[0]))
    s1 = _splitmix64(_U64(words[1]))
    s2 = _splitmix64(_U64(words[2]))
    s3 = _splitmix64(_U64(words[3]))
    if s0 == 0 and s1 == 0 and s2 == 0 and s3 == 0:
        s0 = _U64(1)
    return s0, s1, s2, s3


@njit(cache=True, nogil=True, inline="always")
def _uniform(state):
    """Next uniform in [0, 1) (top 53 bits of xoshiro256+) and the new state."""
    s0, s1, s2, s3 = state
    out = s0 + s3
    t = s1 << _U64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _U64(45)) | (s3 >> _U64(19))
    return (out >> _U64(11)) * _TO_UNIT, (s0, s1, s2, s3)


@njit(cache=True, nogil=True)
def e_rest(c, p_even, P):
    """``e_{P-1}`` of values with odd power sums ``c`` and even ones ``p_even`` (Newton)."""
    work = np.empty(P)
    work[0] = 1.0
    for k in range(1, P):
        acc = 0.0
        for j in range(1, k + 1):
            acc += work[k - j] * (c if j % 2 == 1 else -p_even)
        work[k] = acc / k
    return work[P - 1]


@njit(cache=True, nogil=True)
def _power_terms(S, n, P):
    """``(2a, 2b)`` with ``e_{P-1}(S - y, n - 1) = a + b y`` for ``y = +-1`` (P >= 3)."""
    if P == 3:
        return S * S + 2 - n, -2 * S
    if P == 4:
        return (S * S * S + (8 - 3 * n) * S) // 3, n - 2 - S * S
    plus = e_rest(float(S - 1), float(n - 1), P)
    minus = e_rest(float(S + 1), float(n - 1), P)
    return round(plus + minus), round(plus - minus)


@njit(cache=True, nogil=True)
def exp_weights(S, lam, W):
    """W_mu = exp(lam (S_mu - max S)) in place; returns sum W (>= 1)."""
    s_max = S[0]
    for mu in range(1, S.shape[0]):
        s_max = max(s_max, S[mu])
    total = 0.0
    for mu in range(S.shape[0]):
        W[mu] = math.exp(lam * (S[mu] - s_max))
        total += W[mu]
    return total


@njit(cache=True, nogil=True)
def _refresh(S, AB, n_mu, P, mu):
    """Recompute pattern ``mu``'s power terms; returns the change of ``2b_mu``."""
    a2, b2 = _power_terms(S[mu], n_mu[mu], P)
    change = b2 - AB[1, mu]
    AB[0, mu] = a2
    AB[1, mu] = b2
    return change


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _sweep(sigma, S, AB, W, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, binary,
           rng, dry):  # fmt: skip
    """One sweep of N attempted flips, in place; returns the number of flips.

    The energy change of flipping neuron i (``s = sigma_i``, ``x = xi_i``) is
    ``s scale 2h``: ``2h`` from the power terms ``AB`` (P >= 3) or
    ``2 sum_mu x_mu (S_mu - x_mu s)`` (P = 2) without self-interactions,
    ``sum_mu ((c_mu + x_mu)^P - (c_mu - x_mu)^P)`` with cavity sums
    ``c_mu = S_mu - x_mu s`` with them (any integer entries ``x``); for the
    exponential network ``(1/lam) log(sum W / sum W exp(-2 lam s x))``.
    The K-loops are written out here, not in helpers: a helper taking arrays
    costs reference counting on every call, which would dominate at small K.

    With ``dry=True`` nothing is flipped and no random number is drawn: the
    sweep is sequential and returns 1 at the first flip that would lower the
    energy, 0 if there is none (a zero-temperature fixed point).
    """
    N, K = sigma.shape[0], S.shape[0]
    poly = kind == KIND_POLY and P >= 3
    b_sum = 0
    if poly and binary:
        for mu in range(K):
            b_sum += AB[1, mu]
    A = exp_weights(S, lam, W) if kind == KIND_EXPONENTIAL else 0.0
    up, down = math.exp(2.0 * lam), math.exp(-2.0 * lam)
    random_site = order == ORDER_RANDOM and not dry
    needs_u = rule != RULE_ZERO_T and not dry
    state = _seed(rng) if random_site or needs_u else (_U64(1), _U64(0), _U64(0), _U64(0))
    flips = 0
    i_next = 0
    if random_site:
        u, state = _uniform(state)
        i_next = min(int(u * N), N - 1)
    for t in range(N):
        i = i_next if random_site else t
        # this attempt's acceptance uniform, then the next site (the stream's
        # order): the next row's address is known while this field is summed
        u = 0.0
        if needs_u:
            u, state = _uniform(state)
        if random_site and t + 1 < N:
            v, state = _uniform(state)
            i_next = min(int(v * N), N - 1)
        s = sigma[i]
        # xi_t[i, mu], never a row view xi_t[i]: a view is reference counted too
        if kind == KIND_EXPONENTIAL:
            B = 0.0
            for mu in range(K):
                sx = s * xi_t[i, mu]
                B += W[mu] * (down if sx > 0 else (up if sx < 0 else 1.0))
            dE = (math.log(A) - math.log(B)) / lam
        elif kind == KIND_COUPLINGS:
            dE = 2.0 * s * S[i]  # S is the local field; J_ii = 0
        elif kind == KIND_POLY_DIAGONAL:
            h2 = 0.0
            for mu in range(K):
                x = float(xi_t[i, mu])
                h2 += 2.0 * _g_diag(S[mu] - x * s, x, P)
            dE = s * scale * h2
        elif poly:
            h = 0
            if binary:
                for mu in range(K):
                    h += xi_t[i, mu] * AB[0, mu]
                h += s * b_sum
            else:
                for mu in range(K):
                    x = xi_t[i, mu]
                    h += x * AB[0, mu] + s * (x * x) * AB[1, mu]
            dE = s * scale * float(h)
        else:  # P = 2
            h = 0
            q = K
            if binary:
                for mu in range(K):
                    h += xi_t[i, mu] * S[mu]
            else:
                q = 0
                for mu in range(K):
                    x = xi_t[i, mu]
                    h += x * S[mu]
                    q += x * x
            dE = s * scale * float(2 * (h - s * q))
        if dry:
            if dE < 0.0:
                return 1
            continue
        if _accept(dE, beta, rule, u):
            sigma[i] = -s
            for mu in range(K):
                S[mu] -= 2 * s * xi_t[i, mu]
            if kind == KIND_EXPONENTIAL:
                A = exp_weights(S, lam, W)
            elif poly:
                for mu in range(K):
                    if xi_t[i, mu] != 0:
                        b_sum += _refresh(S, AB, n_mu, P, mu)
            flips += 1
    return flips


@njit(cache=True, nogil=True)
def _run(sigma, S, AB, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, binary,
         n_sweeps, rng, counts):  # fmt: skip
    """Up to ``n_sweeps`` sweeps of one chain, in place (see :func:`sweeps`)."""
    N, K = sigma.shape[0], S.shape[0]
    W = np.empty(K)
    counts[FIXED] = 0
    for _ in range(n_sweeps):
        flips = _sweep(sigma, S, AB, W, xi_t, n_mu, kind, P, lam, scale, beta, rule, order,
                       binary, rng, False)  # fmt: skip
        counts[ATTEMPTED] += N
        counts[ACCEPTED] += flips
        counts[SWEEPS] += 1
        if rule != RULE_ZERO_T or flips > 0:
            continue
        # random order: a sweep without flips proves nothing until a dry scan agrees
        if order == ORDER_SEQUENTIAL or not _sweep(
            sigma, S, AB, W, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, binary, rng, True
        ):
            counts[FIXED] = 1
            return


@njit(cache=True, nogil=True)
def power_terms(S, n_mu, P):
    """The kept ``(2a_mu, 2b_mu)``, shape (2, K), of integer overlap sums ``S``."""
    AB = np.empty((2, S.shape[0]), np.int64)
    for mu in range(S.shape[0]):
        AB[0, mu], AB[1, mu] = _power_terms(S[mu], n_mu[mu], P)
    return AB


def _narrowest(bound: float) -> type:
    """int32 where every value stays below ``bound`` in size, else int64."""
    return np.int32 if bound < 2**31 else np.int64


def sweeps(sigma, S, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, n_sweeps, rng, counts):
    """Run up to ``n_sweeps`` sweeps of N attempted flips on one chain, in place.

    ``S`` holds the chain's overlap sums as float64 (exact integers) or, for
    explicit couplings, its local fields; the sweeps run on a copy in the
    narrowest integer type that holds them (``|S_mu| <= sqrt(N n_mu)``), and
    the power terms likewise (``|2a|, |2b| <= 2 C(N, P-1)``): int32 doubles
    the entries a SIMD register holds.  At zero temperature the chain stops at
    a fixed point: after a sweep with no flip (sequential order), or a sweep
    with no flip followed by a dry sequential scan that finds no
    energy-lowering flip (random order); ``counts[FIXED]`` is then 1.
    """
    N = sigma.shape[0]
    n = n_mu.astype(np.int64)
    if kind == KIND_COUPLINGS:
        work = S
    else:
        work = S.astype(_narrowest(math.sqrt(N * float(n.max(initial=0)))))
    poly = kind == KIND_POLY and P >= 3
    AB = np.zeros((2, 0), np.int32)
    if poly:
        AB = power_terms(work, n, P).astype(_narrowest(2 * math.comb(N, P - 1)))
    binary = bool(np.all(n == N))
    _run(sigma, work, AB, xi_t, n, kind, P, lam, scale, beta, rule, order, binary, n_sweeps,
         rng, counts)  # fmt: skip
    if work is not S:
        S[...] = work
