"""NumPy reference sampler: the kernels of :mod:`hebbian.mc._numba`, one flip at a time.

The same random stream (per sweep, a xoshiro256+ stream seeded from the
chain's ``Generator``, written here on Python integers; one uniform for a
random site, one for the acceptance when T > 0), the energy change computed
independently of the kernel by the family's array twin
(:attr:`~hebbian.mc.model.Family.delta_array`: Newton's identities on the
cavity sums, not the kernel's kept terms), and Python-level control flow:
slow, obviously correct, and the oracle the Numba kernels are compared with
draw for draw.
"""

from __future__ import annotations

import numpy as np

from hebbian.mc._numba import (
    ACCEPTED,
    ATTEMPTED,
    FIXED,
    ORDER_RANDOM,
    ORDER_SEQUENTIAL,
    RULE_ZERO_T,
    SWEEPS,
    accept,
)

_MASK = (1 << 64) - 1


def _splitmix64(x: int) -> int:
    z = (x + 0x9E3779B97F4A7C15) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


class Xoshiro256Plus:
    """Blackman and Vigna's xoshiro256+ on Python integers, seeded as the kernels seed it."""

    def __init__(self, rng: np.random.Generator):
        words = rng.bit_generator.random_raw(4)
        self.s = [_splitmix64(int(w)) for w in words]
        if not any(self.s):
            self.s[0] = 1

    def uniform(self) -> float:
        """Next uniform in [0, 1): the top 53 bits of the output."""
        return (self.next() >> 11) * 2.0**-53

    def site(self, N: int) -> int:
        """Next site in [0, N): the top 32 bits of the output times N, shifted."""
        return ((self.next() >> 32) * N) >> 32

    def next(self) -> int:
        """Next 64-bit output."""
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
        return out


def delta_energy(model, i: int, sigma, S) -> float:
    """Energy change of flipping neuron ``i``: the family's array twin on one chain."""
    s = np.float64(sigma[i])
    x = model.xi_t[i].astype(np.float64)
    return float(model.family.delta_array(np, model.params, np.int64(i), s, S, x, model.n_mu))


def is_stable(model, sigma, S) -> bool:
    """True if no single flip lowers the energy."""
    return all(delta_energy(model, i, sigma, S) >= 0.0 for i in range(sigma.shape[0]))


def sweeps(model, sigma, S, betas, rule, order, n_sweeps, rngs, counts):
    """Reference twin of :func:`hebbian.mc._numba.sweeps` (same arguments, same effect)."""
    for r in range(sigma.shape[0]):
        _chain_sweeps(model, sigma[r], S[r], betas[r], rule, order, n_sweeps, rngs[r], counts[r])


def _chain_sweeps(model, sigma, S, beta, rule, order, n_sweeps, rng, counts):
    """One chain of :func:`sweeps`."""
    N = sigma.shape[0]
    counts[FIXED] = 0
    for _ in range(n_sweeps):
        stream = Xoshiro256Plus(rng) if order == ORDER_RANDOM or rule != RULE_ZERO_T else None
        flips = 0
        for t in range(N):
            i = t if order == ORDER_SEQUENTIAL else stream.site(N)
            dE = delta_energy(model, i, sigma, S)
            u = stream.uniform() if rule != RULE_ZERO_T else 0.0
            if accept(dE, beta, rule, u):
                _flip(model, i, sigma, S)
                flips += 1
        counts[ATTEMPTED] += N
        counts[ACCEPTED] += flips
        counts[SWEEPS] += 1
        quiet = rule == RULE_ZERO_T and flips == 0
        if quiet and (order == ORDER_SEQUENTIAL or is_stable(model, sigma, S)):
            counts[FIXED] = 1
            return


def lockstep_sweeps(model, sigma, S, betas, rule, order, n_sweeps, rng, counts):
    """Reference twin of :func:`hebbian.mc._numba.lockstep_sweeps` (same arguments, same
    effect): per attempt every chain's site, then every chain's uniform."""
    R, N = sigma.shape
    for _ in range(n_sweeps):
        stream = Xoshiro256Plus(rng)
        for t in range(N):
            sites = [t if order == ORDER_SEQUENTIAL else stream.site(N) for _ in range(R)]
            dE = [delta_energy(model, i, sigma[r], S[r]) for r, i in enumerate(sites)]
            for r, i in enumerate(sites):
                if accept(dE[r], betas[r], rule, stream.uniform()):
                    _flip(model, i, sigma[r], S[r])
                    counts[r, ACCEPTED] += 1
        counts[:, ATTEMPTED] += N
        counts[:, SWEEPS] += 1


def pair_sweeps(model, sigma, S, probe, betas, rule, n_sweeps, rngs, counts):
    """Reference twin of :func:`hebbian.mc._numba.pair_sweeps` (same arguments, same effect)."""
    for r in range(sigma.shape[0]):
        _chain_pairs(model, sigma[r], S[r], probe, betas[r], rule, n_sweeps, rngs[r], counts[r])


def _chain_pairs(model, sigma, S, probe, beta, rule, n_sweeps, rng, counts):
    """One chain of :func:`pair_sweeps`."""
    N = sigma.shape[0]
    for _ in range(n_sweeps):
        stream = Xoshiro256Plus(rng)
        proposed = flips = 0
        for _t in range(N):
            i, j, u = stream.site(N), stream.site(N), stream.uniform()
            if probe[i] * sigma[i] == probe[j] * sigma[j]:
                continue
            proposed += 2
            dE = delta_energy(model, i, sigma, S)
            _flip(model, i, sigma, S)
            dE += delta_energy(model, j, sigma, S)
            if accept(dE, beta, rule, u):
                _flip(model, j, sigma, S)
                flips += 2
            else:
                _flip(model, i, sigma, S)
        counts[ATTEMPTED] += proposed
        counts[ACCEPTED] += flips
        counts[SWEEPS] += 1


def flip_energies(model, sigma, S, sites) -> np.ndarray:
    """Reference twin of :func:`hebbian.mc._numba.flip_energies`."""
    return np.array([delta_energy(model, int(i), sigma, S) for i in sites])


def _flip(model, i: int, sigma, S) -> None:
    sigma[i] = -sigma[i]
    S += 2.0 * sigma[i] * model.xi_t[i]
