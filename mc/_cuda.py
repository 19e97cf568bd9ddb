"""The batched sweep as one CUDA kernel (Numba), one thread per chain.

:func:`hebbian.mc._batched.sweeps` issues a dozen array operations per attempted
flip; on a GPU each is a kernel launch, so its rate is bounded by launch
latency.  Here one launch runs whole sweeps: thread ``r`` owns chain ``r``,
keeps its overlap sums in ``S_t[:, r]`` as int32 (pattern-major, so a
warp's 32 chains read 32 consecutive words for each pattern: coalesced) and draws the
same counter-based uniforms (:mod:`hebbian.mc._counter`) as the array code, so the
two give the same chains (tested in Numba's CUDA simulator on the CPU,
``NUMBA_ENABLE_CUDASIM=1``).  Covered: polynomial networks with and without
self-interactions (``P <= MAX_P``) and the exponential network; every rule
and order, zero-temperature fixed points included.

Compiled on first use (then Numba's CUDA target needs a device, or its
simulator).
"""

from __future__ import annotations

import math
from functools import cache

import numpy as np
from numba import cuda

from hebbian.mc._counter import uniform
from hebbian.mc._numba import (
    ACCEPTED,
    ATTEMPTED,
    FIXED,
    KIND_EXPONENTIAL,
    KIND_POLY,
    ORDER_SEQUENTIAL,
    RULE_ZERO_T,
    SWEEPS,
    _accept,
    _g_diag,
)

__all__ = ["MAX_P", "sweeps"]

#: Largest interaction order of the kernel (its Newton recursion lives in registers).
MAX_P = 8
THREADS = 128


@cache
def _kernel():
    d_g_diag = cuda.jit(device=True)(_g_diag.py_func)
    accept = cuda.jit(device=True)(_accept.py_func)  # the CPU kernels' flip decision

    @cuda.jit(device=True)
    def delta_energy(S_t, xi, r, i, s, n_mu, kind, P, lam, scale, work):
        K = S_t.shape[0]
        if kind == KIND_EXPONENTIAL:
            top = -math.inf
            for mu in range(K):
                top = max(top, S_t[mu, r])
            a = 0.0
            b = 0.0
            for mu in range(K):
                a += math.exp(lam * (S_t[mu, r] - top))
                b += math.exp(lam * (S_t[mu, r] - top - 2.0 * s * xi[i, mu]))
            return (math.log(a) - math.log(b)) / lam
        h = 0.0
        for mu in range(K):
            x = float(xi[i, mu])
            c = S_t[mu, r] - x * s
            if kind == KIND_POLY:
                p_even = n_mu[mu] - x * x
                work[0] = 1.0
                for k in range(1, P):
                    acc = 0.0
                    for j in range(1, k + 1):
                        acc += work[k - j] * (c if j % 2 == 1 else -p_even)
                    work[k] = acc / k
                h += x * work[P - 1]
            else:
                h += d_g_diag(c, x, P)
        return 2.0 * scale * s * h

    @cuda.jit
    def kernel(sigma, S_t, xi_t, group, n_mu, kind, P, lam, scale, betas, rule, order,
               n_sweeps, keys, counts):  # fmt: skip
        r = cuda.grid(1)
        if r >= sigma.shape[0]:
            return
        N = sigma.shape[1]
        K = S_t.shape[0]
        xi = xi_t[group[r]]
        n = n_mu[group[r]]
        k0, k1 = keys[r, 0], keys[r, 1]
        work = cuda.local.array(MAX_P, np.float64)
        counts[r, FIXED] = 0
        for sweep in range(n_sweeps):
            flips = 0
            for t in range(N):
                c = np.uint64(2 * (sweep * N + t))
                i = t
                if order != ORDER_SEQUENTIAL:
                    i = min(int(uniform(k0, k1, c) * N), N - 1)
                s = float(sigma[r, i])
                dE = delta_energy(S_t, xi, r, i, s, n, kind, P, lam, scale, work)
                if accept(dE, betas[r], rule, uniform(k0, k1, c + np.uint64(1))):
                    step = -2 * sigma[r, i]  # S changes by -2 s x
                    sigma[r, i] = -sigma[r, i]
                    for mu in range(K):
                        S_t[mu, r] += step * xi[i, mu]
                    flips += 1
            counts[r, ATTEMPTED] += N
            counts[r, ACCEPTED] += flips
            counts[r, SWEEPS] += 1
            if rule == RULE_ZERO_T and flips == 0:
                stable = True
                if order != ORDER_SEQUENTIAL:
                    for i in range(N):
                        s = float(sigma[r, i])
                        if delta_energy(S_t, xi, r, i, s, n, kind, P, lam, scale, work) < 0.0:
                            stable = False
                            break
                if stable:
                    counts[r, FIXED] = 1
                    return

    return kernel


def sweeps(xp, sigma, S, xi_t, group, n_mu, kind, P, lam, scale, betas, rule, order,
           n_sweeps, keys, counts) -> None:  # fmt: skip
    """:func:`hebbian.mc._batched.sweeps` in one kernel launch (same arguments, same chains)."""
    if P > MAX_P:
        raise ValueError(f"P={P} exceeds the CUDA kernel's MAX_P={MAX_P}; use backend='batched'")
    R, N = sigma.shape
    if 2 * n_sweeps * N >= 2**32:
        raise ValueError(f"n_sweeps={n_sweeps} at N={N} overflows the 32-bit draw counter")
    if N * int(xp.max(xp.abs(xi_t))) >= 2**31:
        raise ValueError(f"N={N} with pattern entries this large overflows int32 overlap sums")
    # int32 sums (exact: |S| <= N max|xi|) halve the bytes of the kernel's main stream
    S_t = xp.ascontiguousarray(S.T).astype(xp.int32)
    blocks = (R + THREADS - 1) // THREADS
    _kernel()[blocks, THREADS](sigma, S_t, xi_t, group, n_mu, kind, P, lam, scale, betas,
                               rule, order, n_sweeps, keys, counts)  # fmt: skip
    S[...] = S_t.T
