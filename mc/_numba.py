"""Numba kernels: single-spin-flip sweeps on the overlap sums.

Small and pure: they work in place on a chain's configuration ``sigma`` (N,)
and overlap sums ``S`` (K,) (for explicit couplings, ``KIND_COUPLINGS``: the
local fields ``S = J sigma`` with ``xi_t = J``, the same update), draw
uniforms from a NumPy ``Generator`` passed in (Numba draws the same stream
as NumPy), release the GIL so independent chains run on threads, and hold
no model logic beyond the energy change of one flip (derived in
:mod:`hebbian.networks.dense` and ``exponential``).  :mod:`hebbian.mc._numpy` is
the line-by-line reference these are tested against.

Per attempted flip: one (random order) or zero (sequential) uniform for the
site, one uniform for the acceptance when T > 0, and O(K) arithmetic.  The
update of S after a flip is S -= 2 s_old xi_i, also O(K).
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


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _accept(dE, beta, rule, u):
    """Flip decision from the energy change and one uniform ``u`` (unused at T = 0)."""
    if rule == RULE_ZERO_T:
        return dE < 0.0
    z = beta * dE
    if rule == RULE_METROPOLIS:
        return z <= 0.0 or u < math.exp(-z)
    # heat bath (Glauber): flip with probability 1 / (1 + e^z), written without overflow
    if z > 0.0:
        e = math.exp(-z)
        return u < e / (1.0 + e)
    return u < 1.0 / (1.0 + math.exp(z))


@njit(cache=True, nogil=True, fastmath=FASTMATH)
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


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _sweep(sigma, S, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, rng, W, work, dry):
    """One sweep of N attempted flips, in place; returns the number of flips.

    The energy change of flipping neuron i (``s = sigma_i``, ``x = xi_i``,
    cavity sums ``c_mu = S_mu - x_mu s``) is ``2 s scale h`` with
    ``h = sum_mu x_mu e_{P-1}(c_mu, n_mu - x_mu^2)`` without self-interactions
    (Newton's identities; closed forms for P = 2, 3, 4) and
    ``h = sum_mu ((c_mu + x_mu)^P - (c_mu - x_mu)^P)/2`` with them (any integer
    entries ``x``); for the
    exponential network ``(1/lam) log(sum W / sum W exp(-2 lam s x))``.
    The K-loops are written out here, not in helpers: a helper taking arrays
    costs reference counting on every call, which would dominate at small K.

    With ``dry=True`` nothing is flipped and no random number is drawn: the
    sweep is sequential and returns 1 at the first flip that would lower the
    energy, 0 if there is none (a zero-temperature fixed point).
    """
    N, K = sigma.shape[0], S.shape[0]
    A = exp_weights(S, lam, W) if kind == KIND_EXPONENTIAL else 0.0
    up, down = math.exp(2.0 * lam), math.exp(-2.0 * lam)
    # A sweep's uniforms are drawn in one call: the same numbers, in the same
    # order, as one rng.random() per use (site, then acceptance, per attempt),
    # at a third of the cost per number.
    random_site = order == ORDER_RANDOM and not dry
    per_attempt = int(random_site) + int(rule != RULE_ZERO_T and not dry)
    u_buf = rng.random(N * per_attempt)
    n_used = 0
    flips = 0
    for t in range(N):
        if random_site:
            i = min(int(u_buf[n_used] * N), N - 1)
            n_used += 1
        else:
            i = t
        s = float(sigma[i])
        # xi_t[i, mu], never a row view xi_t[i]: a view is reference counted too
        if kind == KIND_EXPONENTIAL:
            B = 0.0
            for mu in range(K):
                sx = s * xi_t[i, mu]
                B += W[mu] * (down if sx > 0 else (up if sx < 0 else 1.0))
            dE = (math.log(A) - math.log(B)) / lam
        elif kind == KIND_COUPLINGS:
            dE = 2.0 * s * S[i]  # S is the local field; J_ii = 0
        else:
            h = 0.0
            if kind == KIND_POLY_DIAGONAL:
                for mu in range(K):
                    h += _g_diag(S[mu] - xi_t[i, mu] * s, float(xi_t[i, mu]), P)
            elif P == 2:
                for mu in range(K):  # branch-free so that it vectorizes
                    h += xi_t[i, mu] * (S[mu] - xi_t[i, mu] * s)
            elif P == 3:
                for mu in range(K):
                    c = S[mu] - xi_t[i, mu] * s
                    h += xi_t[i, mu] * 0.5 * (c * c - (n_mu[mu] - xi_t[i, mu] * xi_t[i, mu]))
            elif P == 4:
                for mu in range(K):
                    c = S[mu] - xi_t[i, mu] * s
                    q = n_mu[mu] - xi_t[i, mu] * xi_t[i, mu]
                    h += xi_t[i, mu] * (c * c * c - 3.0 * c * q + 2.0 * c) / 6.0
            else:
                for mu in range(K):
                    # Newton: k e_k = sum_j (-1)^(j-1) e_{k-j} p_j, p_odd = c, p_even = n - x^2
                    c = S[mu] - xi_t[i, mu] * s
                    p_even = n_mu[mu] - xi_t[i, mu] * xi_t[i, mu]
                    work[0] = 1.0
                    for k in range(1, P):
                        acc = 0.0
                        for j in range(1, k + 1):
                            if j % 2 == 1:
                                acc += work[k - j] * c
                            else:
                                acc -= work[k - j] * p_even
                        work[k] = acc / k
                    h += xi_t[i, mu] * work[P - 1]
            dE = 2.0 * s * scale * h
        if dry:
            if dE < 0.0:
                return 1
            continue
        u = 0.0
        if rule != RULE_ZERO_T:
            u = u_buf[n_used]
            n_used += 1
        if _accept(dE, beta, rule, u):
            sigma[i] = -sigma[i]
            for mu in range(K):
                S[mu] -= 2.0 * s * xi_t[i, mu]
            if kind == KIND_EXPONENTIAL:
                A = exp_weights(S, lam, W)
            flips += 1
    return flips


@njit(cache=True, nogil=True)
def sweeps(sigma, S, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, n_sweeps, rng, counts):
    """Run up to ``n_sweeps`` sweeps of N attempted flips on one chain, in place.

    At zero temperature it stops at a fixed point: after a sweep with no flip
    (sequential order), or a sweep with no flip followed by a dry sequential
    scan that finds no energy-lowering flip (random order); ``counts[FIXED]``
    is then 1.
    """
    N, K = sigma.shape[0], S.shape[0]
    W = np.empty(K)
    work = np.empty(max(P, 1))
    counts[FIXED] = 0
    for _ in range(n_sweeps):
        flips = _sweep(
            sigma, S, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, rng, W, work, False
        )
        counts[ATTEMPTED] += N
        counts[ACCEPTED] += flips
        counts[SWEEPS] += 1
        if rule == RULE_ZERO_T and flips == 0:
            # random order: a sweep without flips proves nothing until a dry scan agrees
            stable = (
                order == ORDER_SEQUENTIAL
                or _sweep(
                    sigma,
                    S,
                    xi_t,
                    n_mu,
                    kind,
                    P,
                    lam,
                    scale,
                    beta,
                    rule,
                    order,
                    rng,
                    W,
                    work,
                    True,
                )
                == 0
            )
            if stable:
                counts[FIXED] = 1
                return
