"""Every chain at once: the single-spin-flip sweep as array code for NumPy and CuPy.

:mod:`hebbian.mc._numba` runs one chain per call; here one array operation advances
all R chains (replicas, temperatures of a tempering ladder, or chains of
different disorder samples, ``group`` naming each chain's pattern set) by one
attempted flip.  The energy changes are the network family's array twin
(:attr:`~hebbian.mc.model.Family.delta_array`, on the sums alone) and the random
numbers are counter based (:mod:`hebbian.mc._counter`): chain ``r``'s uniforms in a
call are ``uniform(keys[r, 0], keys[r, 1], 2 (sweep N + t) + slot)``, slot 0
choosing the site (random order) and slot 1 deciding the flip, so a NumPy run
and a CuPy run of the same call are the same Markov chain, and the CUDA
kernel of :mod:`hebbian.mc._cuda` draws the very same numbers.

Layout: ``sigma`` (R, N) int8, ``S`` (R, K) float64 holding exact integers,
``xi_t`` (G, N, K) in the narrowest integer type (neuron i's K entries
contiguous), ``n_mu`` (G, K), ``betas`` (R,), ``keys`` (R, 2) uint64 below
2^32, ``counts`` (R, 4) int64 as in :mod:`hebbian.mc._numba`.  Everything is updated
in place on the arrays' own device.
"""

from __future__ import annotations

from hebbian.mc._counter import uniform
from hebbian.mc._numba import (
    ACCEPTED,
    ATTEMPTED,
    FIXED,
    ORDER_SEQUENTIAL,
    RULE_METROPOLIS,
    RULE_ZERO_T,
    SWEEPS,
)

__all__ = ["sweeps"]


def _accept(xp, dE, betas, rule: int, u):
    if rule == RULE_ZERO_T:
        return dE < 0.0
    z = betas * dE
    if rule == RULE_METROPOLIS:
        return (z <= 0.0) | (u < xp.exp(-xp.maximum(z, 0.0)))
    e = xp.exp(-xp.abs(z))  # heat bath: 1/(1 + e^z) without overflow
    return u < xp.where(z > 0.0, e / (1.0 + e), 1.0 / (1.0 + e))


def _stable(xp, model, sigma, S, xi, n_mu):
    """Chains (rows) where no single flip lowers the energy; ``xi`` (R, N, K)."""
    s = sigma.astype(xp.float64)
    sites = xp.broadcast_to(xp.arange(sigma.shape[1]), sigma.shape)
    dE = model.family.delta_array(
        xp, model.params, sites, s, S[:, None, :], xi.astype(xp.float64), n_mu[:, None, :]
    )
    return xp.all(dE >= 0.0, axis=1)


def sweeps(xp, model, sigma, S, xi_t, group, n_mu, betas, rule, order, n_sweeps, keys,
           counts) -> None:  # fmt: skip
    """Run up to ``n_sweeps`` sweeps of N attempted flips on every chain, in place.

    At zero temperature a chain stops at a fixed point, as in
    :func:`hebbian.mc._numba.sweeps`: after a sweep without flips (sequential order)
    confirmed, in random order, by a scan of every site; ``counts[:, FIXED]``
    is then 1 and the chain's counters stop.
    """
    R, N = sigma.shape
    if 2 * n_sweeps * N >= 2**32:
        raise ValueError(f"n_sweeps={n_sweeps} at N={N} overflows the 32-bit draw counter")
    rows = xp.arange(R)
    k0, k1 = keys[:, 0], keys[:, 1]
    n_rows = n_mu[group]
    active = xp.ones(R, dtype=bool)
    counts[:, FIXED] = 0
    for sweep in range(n_sweeps):
        flips = xp.zeros(R, dtype=xp.int64)
        for t in range(N):
            c = xp.uint64(2 * (sweep * N + t))
            if order == ORDER_SEQUENTIAL:
                i = xp.full(R, t, dtype=xp.int64)
            else:
                i = xp.minimum((uniform(k0, k1, c) * N).astype(xp.int64), N - 1)
            x = xi_t[group, i].astype(xp.float64)
            s_old = sigma[rows, i]
            s = s_old.astype(xp.float64)
            dE = model.family.delta_array(xp, model.params, i, s, S, x, n_rows)
            u = uniform(k0, k1, c + xp.uint64(1))
            flip = _accept(xp, dE, betas, rule, u) & active
            sigma[rows, i] = xp.where(flip, -s_old, s_old)
            S -= (2.0 * s * flip)[:, None] * x
            flips += flip
        counts[:, ATTEMPTED] += N * active
        counts[:, ACCEPTED] += flips
        counts[:, SWEEPS] += active
        if rule != RULE_ZERO_T:
            continue
        quiet = active & (flips == 0)
        if bool(xp.any(quiet)):
            if order != ORDER_SEQUENTIAL:
                idx = xp.flatnonzero(quiet)
                g = group[idx]
                quiet[idx] = _stable(xp, model, sigma[idx], S[idx], xi_t[g], n_mu[g])
            counts[:, FIXED] = xp.where(quiet, 1, counts[:, FIXED])
            active &= ~quiet
        if not bool(xp.any(active)):
            return
