"""NumPy reference sampler: the kernels of :mod:`hebbian.mc._numba`, one flip at a time.

The same random stream (per sweep, a xoshiro256+ stream seeded from the
chain's ``Generator``, written here on Python integers; one uniform for a
random site, one for the acceptance when T > 0), the energy change computed
independently of the kernel (Newton's identities vectorized over the K
patterns on the cavity sums, not the kernel's kept power terms), and
Python-level control flow: slow, obviously correct, and the oracle the Numba
kernels are compared with draw for draw.
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
    ORDER_RANDOM,
    ORDER_SEQUENTIAL,
    RULE_ZERO_T,
    SWEEPS,
)
from hebbian.mc._numba import (
    _accept as _compiled_accept,
)

# the acceptance rule itself is shared: its uncompiled Python source, called per flip
_accept = _compiled_accept.py_func

_MASK = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class Xoshiro256Plus:
    """Blackman and Vigna's xoshiro256+ on Python integers, seeded as the kernels seed it."""

    def __init__(self, rng: np.random.Generator):
        words = rng.integers(0, 9223372036854775807, 4)
        self.s = [_splitmix64(int(w)) for w in words]
        if not any(self.s):
            self.s[0] = 1

    def uniform(self) -> float:
        """Next uniform in [0, 1): the top 53 bits of the output."""
        s0, s1, s2, s3 = self.s
        out = (s0 + s3) & _MASK
        t = (s1 << 17) & _MASK
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = ((s3 << 45) & _MASK) | (s3 >> 19)
        self.s = [s0, s1, s2, s3]
        return (out >> 11) * 2.0**-53


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
    """Energy change of flipping neuron ``i`` (same decisions as the kernel)."""
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
    return s * scale * (2.0 * float(np.sum(h)))


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
        stream = Xoshiro256Plus(rng) if order == ORDER_RANDOM or rule != RULE_ZERO_T else None
        flips = 0
        for t in range(N):
            i = t if order == ORDER_SEQUENTIAL else min(int(stream.uniform() * N), N - 1)
            dE = delta_energy(i, sigma, S, xi_t, n_mu, kind, P, lam, scale)
            u = stream.uniform() if rule != RULE_ZERO_T else 0.0
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
