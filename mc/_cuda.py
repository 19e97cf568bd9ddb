"""The batched sweep as one CUDA kernel (Numba), one thread per chain.

:func:`hebbian.mc._batched.sweeps` issues a dozen array operations per attempted
flip; on a GPU each is a kernel launch, so its rate is bounded by launch
latency.  Here one launch runs whole sweeps: thread ``r`` owns chain ``r``,
keeps its overlap sums in ``S_t[:, r]`` in the family's narrowest exact type,
int16 or int32 (pattern-major, so a warp's 32 chains read 32 consecutive
words for each pattern: coalesced) and draws the
same counter-based uniforms (:mod:`hebbian.mc._counter`) as the array code, so the
two give the same chains (tested in Numba's CUDA simulator on the CPU,
``NUMBA_ENABLE_CUDASIM=1``).  The energy change and the bookkeeping are the
network family's own kernel functions (:mod:`hebbian.mc._interface`), compiled
for the device, indexing the chain-minor arrays with the thread's chain ``r``:
every pattern family, every rule and order, zero-temperature fixed points
included.

Compiled on first use (then Numba's CUDA target needs a device, or its
simulator).
"""

from __future__ import annotations

from functools import cache

import numpy as np
from numba import cuda

from hebbian.mc import _interface
from hebbian.mc._counter import uniform
from hebbian.mc._numba import (
    ACCEPTED,
    ATTEMPTED,
    FIXED,
    ORDER_SEQUENTIAL,
    RULE_ZERO_T,
    SWEEPS,
    accept,
)

__all__ = ["sweeps"]

THREADS = 128


@cache
def _kernel(params_type: type):
    """The sweep kernel of one network family (its functions compiled for the device)."""
    functions = _interface.family_functions(params_type)
    begin_d, delta_d, flip_d = (cuda.jit(device=True)(f) for f in functions)
    accept_d = cuda.jit(device=True)(accept)

    @cuda.jit
    def kernel(p, sigma, S, aux, xi_t, group, betas, rule, order, n_sweeps, keys, counts):
        r = cuda.grid(1)
        if r >= sigma.shape[0]:
            return
        N = sigma.shape[1]
        xi = xi_t[group[r]]
        k0, k1 = keys[r, 0], keys[r, 1]
        counts[r, FIXED] = 0
        for sweep in range(n_sweeps):
            extra = begin_d(p, S, aux, r)
            flips = 0
            for t in range(N):
                c = np.uint64(2 * (sweep * N + t))
                i = t
                if order != ORDER_SEQUENTIAL:
                    i = min(int(uniform(k0, k1, c) * N), N - 1)
                s = sigma[r, i]
                dE = delta_d(p, xi, i, s, S, aux, r, extra)
                if accept_d(dE, betas[r], rule, uniform(k0, k1, c + np.uint64(1))):
                    sigma[r, i] = -s
                    extra = flip_d(p, xi, i, s, S, aux, r, extra)
                    flips += 1
            counts[r, ATTEMPTED] += N
            counts[r, ACCEPTED] += flips
            counts[r, SWEEPS] += 1
            if rule == RULE_ZERO_T and flips == 0:
                stable = True
                if order != ORDER_SEQUENTIAL:
                    for i in range(N):
                        if delta_d(p, xi, i, sigma[r, i], S, aux, r, extra) < 0.0:
                            stable = False
                            break
                if stable:
                    counts[r, FIXED] = 1
                    return

    return kernel


def sweeps(xp, model, sigma, S, xi_t, group, n_mu, betas, rule, order, n_sweeps, keys,
           counts) -> None:  # fmt: skip
    """:func:`hebbian.mc._batched.sweeps` in one kernel launch (same arguments, same chains).

    Each chain's sums and auxiliary rows are prepared on the host by the
    family (:attr:`~hebbian.mc.model.Family.prepare`), then stored on the
    GPU pattern-major, chain-minor ((K, R) and (rows, K, R)) and handed to the
    kernel as the transposed views (R, K), (R, rows, K) the family's functions
    index: a warp's 32 chains read 32 consecutive words, coalesced.
    """
    R, N = sigma.shape
    if 2 * n_sweeps * N >= 2**32:
        raise ValueError(f"n_sweeps={n_sweeps} at N={N} overflows the 32-bit draw counter")
    host_S = S.get() if xp is not np else np.asarray(S)
    prepared = [model.family.prepare(model, row) for row in host_S]
    work = np.stack([w for w, _ in prepared])
    aux = np.stack([a for _, a in prepared])
    if xp is np:  # Numba's CUDA simulator takes host arrays, contiguous
        dev_S, dev_aux = work, aux
    else:  # stored chain-minor, handed over as views in the families' (R, ...) order
        dev_S = xp.asarray(np.ascontiguousarray(work.T)).T
        dev_aux = xp.asarray(np.ascontiguousarray(aux.transpose(1, 2, 0))).transpose(2, 0, 1)
    _kernel(type(model.params))[
        (R + THREADS - 1) // THREADS, THREADS
    ](model.params, sigma, dev_S, dev_aux, xi_t, group, betas, rule, order, n_sweeps, keys,
      counts)  # fmt: skip
    S[...] = dev_S
