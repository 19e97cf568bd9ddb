"""NumPy reference sampler: the kernels of :mod:`hebbian.mc._numba`, one flip at a time.

The same random stream (one uniform for a random site, one for the
acceptance when T > 0), the same energy-change formulas vectorized over the K
patterns, and Python-level control flow: slow, obviously correct, and the
oracle the Numba kernels are compared with draw for draw.  It is also the
"straightforward single-chain NumPy sampler" of the benchmarks.
"""

from __future__ import annotations

import math

import numpy as np

from hebbian.mc._numba import (
    ACCEPTED,
    ATTEMPTED,
    FIXED,
    KIND_COUPLINGS,
    KIND_EXPONENTIAL,
    KIND_POLY,
    ORDER_SEQUENTIAL,
    RULE_ZERO_T,
    SWEEPS,
)
from hebbian.mc._numba import (
    _accept as _compiled_accept,
)

# the acceptance rule itself is shared: its uncompiled Python source, called per flip
_accept = _compiled_accept.py_func


def _e_rest(c: np.ndarray, p_even: np.ndarray, P: int) -> np.ndarray:
    """e_{P-1} from odd power sums ``c`` and even power sums ``p_even`` (Newton)."""
    e = [np.ones_like(c)]
    for k in range(1, P):
        acc = np.zeros_like(c)
        for j in range(1, k + 1):
            acc = acc + (1.0 if j % 2 else -1.0) * e[k - j] * (c if j % 2 else p_even)
        e.append(acc / k)
    return e[P - 1]


def delta_energy(i: int, sigma, S, xi_t, n_mu, kind: int, P: int, lam: float, scale: float):
    """Energy change of flipping neuron ``i`` (same formulas as the kernel)."""
    s = float(sigma[i])
    if kind == KIND_COUPLINGS:
        return 2.0 * s * S[i]
    x = xi_t[i].astype(np.float64)
    if kind == KIND_EXPONENTIAL:
        W = np.exp(lam * (S - S.max()))
        factor = np.where(
            s * x > 0, math.exp(-2 * lam), np.where(s * x < 0, math.exp(2 * lam), 1.0)
        )
        return (math.log(W.sum()) - math.log(np.sum(W * factor))) / lam
    nz = x != 0
    c = S[nz] - x[nz] * s
    if kind == KIND_POLY:
        h = x[nz] * _e_rest(c, n_mu[nz] - 1.0, P)
    else:
        h = 0.5 * ((c + x[nz]) ** P - (c - x[nz]) ** P)
    return 2.0 * s * scale * float(np.sum(h))


def is_stable(sigma, S, xi_t, n_mu, kind, P, lam, scale) -> bool:
    """True if no single flip lowers the energy."""
    return all(
        delta_energy(i, sigma, S, xi_t, n_mu, kind, P, lam, scale) >= 0.0
        for i in range(sigma.shape[0])
    )


def sweeps(sigma, S, xi_t, n_mu, kind, P, lam, scale, beta, rule, order, n_sweeps, rng, counts):
    """Reference twin of :func:`hebbian.mc._numba.sweeps` (same arguments, same effect)."""
    N = sigma.shape[0]
    counts[FIXED] = 0
    for _ in range(n_sweeps):
        flips = 0
        for t in range(N):
            i = t if order == ORDER_SEQUENTIAL else min(int(rng.random() * N), N - 1)
            dE = delta_energy(i, sigma, S, xi_t, n_mu, kind, P, lam, scale)
            u = rng.random() if rule != RULE_ZERO_T else 0.0
            if _accept(dE, beta, rule, u):
                sigma[i] = -sigma[i]
                S += 2.0 * sigma[i] * xi_t[i]
                flips += 1
        counts[ATTEMPTED] += N
        counts[ACCEPTED] += flips
        counts[SWEEPS] += 1
        if rule == RULE_ZERO_T and flips == 0:
            stable = order == ORDER_SEQUENTIAL or is_stable(
                sigma, S, xi_t, n_mu, kind, P, lam, scale
            )
            if stable:
                counts[FIXED] = 1
                return
