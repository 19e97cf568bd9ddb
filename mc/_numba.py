"""Numba kernels: single-spin-flip sweeps, one generic loop for every network family.

They work in place on chains' configurations ``sigma``, kept sums ``S`` and
their family's auxiliary rows ``aux`` (:mod:`hebbian.mc._interface`; the
family's ``delta`` and ``flip`` are compiled into the loop, chosen by the type
of its parameters), and release the GIL so that chains run on threads.
:mod:`hebbian.mc._numpy` is the reference they are tested against draw for
draw.  Per attempted flip the cost is the family's O(K) energy change (one
integer dot product for the polynomial networks), two uniforms and, rarely,
one exponential:

* **Random numbers.**  Each sweep seeds an inline xoshiro256+ stream (Blackman
  and Vigna 2021) with four words drawn from the chain's NumPy ``Generator``;
  uniforms are its top 53 bits, sites its top 32 bits times N.  A chain is therefore fixed by its
  ``Generator`` state at each sweep, which checkpoints keep, and does not depend
  on how sweeps are split between calls.
* **Acceptance.**  :func:`accept` decides with cheap exact bounds on the
  exponential first (``1 - z <= e^-z <= 1/(1 + z + z^2/2 + z^3/6)``) and calls
  ``exp`` only for uniforms between them: the same decisions as comparing
  with ``exp`` every time.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from hebbian._numba_cache import use_user_cache

use_user_cache(Path(__file__).parent)  # before any kernel below is decorated

from numba import njit  # noqa: E402  (after the cache folder is settled)
from numba.extending import register_jitable  # noqa: E402

from hebbian.mc import _interface, networks  # noqa: E402, F401  (registers the families)

RULE_METROPOLIS, RULE_HEAT_BATH, RULE_ZERO_T = 0, 1, 2
ORDER_SEQUENTIAL, ORDER_RANDOM = 0, 1

# Every polynomial term is an exact integer below 2^53 (checked when a model is
# built), so reassociating the sums cannot change a result: it only lets LLVM
# vectorize the reductions.  No flag that assumes away NaN or inf, and no
# reciprocal approximations.
FASTMATH = {"reassoc", "contract"}

# counts[:] layout shared with the Python side
ATTEMPTED, ACCEPTED, SWEEPS, FIXED = 0, 1, 2, 3

#: Relative margin of the exact acceptance bounds (far above the few ulps of
#: rounding in evaluating them, far below any probability that matters).
_MARGIN = 1e-12
_TO_UNIT = 1.1102230246251565e-16  # 2^-53
_U64 = np.uint64


@register_jitable
def accept(dE, beta, rule, u):
    """Flip decision from the energy change and one uniform ``u`` (unused at T = 0).

    Metropolis accepts with probability ``min(1, e^-z)``, heat bath (Glauber)
    with ``1 / (1 + e^z)``, ``z = beta dE``.  Both probabilities lie below
    ``e^-z <= 1 / (1 + z + z^2/2 + z^3/6)`` for ``z > 0``, and Metropolis's
    above ``1 - z``: a uniform outside these bounds (with a margin that
    covers rounding) is decided without ``exp``, with the result ``exp``
    would give.  Metropolis decides without a branch but for the rare uniform
    between the bounds (a branch on a random outcome is mispredicted often,
    at about 20 cycles a time).
    """
    if rule == RULE_ZERO_T:
        return dE < 0.0
    z = beta * dE
    w = max(z, 0.0)  # the bound is read at z > 0 only
    below = u * (1.0 + w * (1.0 + w * (0.5 + w * (1.0 / 6.0)))) < 1.0 + _MARGIN
    if rule == RULE_METROPOLIS:
        sure = (not z > 0.0) | (u + z < 1.0 - _MARGIN)
        if below & (not sure):
            return u < math.exp(-z)
        return sure
    if z > 0.0:
        if not below:
            return False
        e = math.exp(-z)
        return u < e / (1.0 + e)
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
def _next(state):
    """Next 64-bit output of xoshiro256+ and the new state."""
    s0, s1, s2, s3 = state
    out = s0 + s3
    t = s1 << _U64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = (s3 << _U64(45)) | (s3 >> _U64(19))
    return out, (s0, s1, s2, s3)


@njit(cache=True, nogil=True, inline="always")
def _uniform(state):
    """Next uniform in [0, 1) (the top 53 bits) and the new state."""
    out, state = _next(state)
    return (out >> _U64(11)) * _TO_UNIT, state


@njit(cache=True, nogil=True, inline="always")
def _site(state, N):
    """Next site in [0, N): the top 32 bits times N, shifted (Lemire), and the new state.

    Sites are uniform up to N/2^32 relative, which moves no stationary
    distribution: a flip and its reverse are proposed with the same probability.
    """
    out, state = _next(state)
    return np.int64(((out >> _U64(32)) * _U64(N)) >> _U64(32)), state


@njit(nogil=True, fastmath=FASTMATH, inline="always")
def _attempts(p, sigma, S, aux, xi_t, beta, rule, order, rng, dry):
    """The loop of :func:`_sweep`, inlined there with its rule and order as constants."""
    N = sigma.shape[0]
    extra = _interface.begin(p, S, aux, 0)
    random_site = order == ORDER_RANDOM and not dry
    needs_u = rule != RULE_ZERO_T and not dry
    state = _seed(rng) if random_site or needs_u else (_U64(1), _U64(0), _U64(0), _U64(0))
    flips = 0
    i_next = 0
    if random_site:
        i_next, state = _site(state, N)
    for t in range(N):
        i = i_next if random_site else t
        # this attempt's acceptance uniform, then the next site (the stream's
        # order): the next row's address is known while this field is summed
        u = 0.0
        if needs_u:
            u, state = _uniform(state)
        if random_site and t + 1 < N:
            i_next, state = _site(state, N)
        s = sigma[i]
        dE = _interface.delta(p, xi_t, i, s, S, aux, 0, extra)
        if dry:
            if dE < 0.0:
                return 1
            continue
        if accept(dE, beta, rule, u):
            sigma[i] = -s
            extra = _interface.flip(p, xi_t, i, s, S, aux, 0, extra)
            flips += 1
    return flips


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _sweep(p, sigma, S, aux, xi_t, beta, rule, order, rng, dry):
    """One sweep of N attempted flips of the chain ``S[0]``, in place; returns the flips.

    With ``dry=True`` nothing is flipped and no random number is drawn: the
    sweep is sequential and returns 1 at the first flip that would lower the
    energy, 0 if there is none (a zero-temperature fixed point).  Random order
    at T > 0 runs a loop compiled for its rule (its branches on the rule and
    order folded away: 13% more attempts per second at P = 2, K = 100).
    """
    if not dry and order == ORDER_RANDOM:
        if rule == RULE_METROPOLIS:
            return _attempts(p, sigma, S, aux, xi_t, beta, RULE_METROPOLIS, ORDER_RANDOM, rng,
                             False)  # fmt: skip
        if rule == RULE_HEAT_BATH:
            return _attempts(p, sigma, S, aux, xi_t, beta, RULE_HEAT_BATH, ORDER_RANDOM, rng,
                             False)  # fmt: skip
    return _attempts(p, sigma, S, aux, xi_t, beta, rule, order, rng, dry)


@njit(cache=True, nogil=True)
def _run(p, sigma, S, aux, xi_t, beta, rule, order, n_sweeps, rng, counts):
    """Up to ``n_sweeps`` sweeps of one chain, in place (see :func:`sweeps`)."""
    N = sigma.shape[0]
    counts[FIXED] = 0
    for _ in range(n_sweeps):
        flips = _sweep(p, sigma, S, aux, xi_t, beta, rule, order, rng, False)
        counts[ATTEMPTED] += N
        counts[ACCEPTED] += flips
        counts[SWEEPS] += 1
        if rule != RULE_ZERO_T or flips > 0:
            continue
        # random order: a sweep without flips proves nothing until a dry scan agrees
        if order == ORDER_SEQUENTIAL or not _sweep(
            p, sigma, S, aux, xi_t, beta, rule, order, rng, True
        ):
            counts[FIXED] = 1
            return


def sweeps(model, sigma, S, beta, rule, order, n_sweeps, rng, counts):
    """Run up to ``n_sweeps`` sweeps of N attempted flips on one chain, in place.

    ``S`` holds the chain's float64 sums; the sweeps run on the family's
    working copy (:attr:`~hebbian.mc.model.Family.prepare`: the narrowest exact
    integer type, int16 or int32, so that a SIMD register holds four or two
    times the entries of int64).  At zero temperature the chain stops at a
    fixed point: after a sweep with no flip (sequential order), or a sweep
    with no flip followed by a dry sequential scan that finds no
    energy-lowering flip (random order); ``counts[FIXED]`` is then 1.
    """
    work, aux = model.family.prepare(model, S)
    _run(model.params, sigma, work[None], aux[None], model.xi_t, beta, rule, order, n_sweeps,
         rng, counts)  # fmt: skip
    if work is not S:
        S[...] = work


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _lockstep_run(p, sigma, S, aux, xi_t, betas, rule, order, n_sweeps, rng, counts):
    """``n_sweeps`` sweeps of the chains ``S[0..R)`` in lockstep (:func:`lockstep_sweeps`).

    The rule and order are the same for the whole call, so their branches are
    predicted: this loop ran 1.02x (0.97..1.06) the one with them compiled as
    constants (as :func:`_sweep` has them for one chain), P = 2, K = 100, R = 16,
    at half the compilation.
    """
    R, N = sigma.shape
    extras = np.full(R, _interface.begin(p, S, aux, 0))  # typed as the family's total
    dE = np.empty(R)
    sites = np.empty(R, np.int64)
    flipped = np.empty(R, np.int64)
    for _ in range(n_sweeps):
        for r in range(R):
            extras[r] = _interface.begin(p, S, aux, r)
        state = _seed(rng)
        for t in range(N):
            # every chain's energy change first: R independent dot products, which
            # the core overlaps; then the decisions; then the few flips
            for r in range(R):
                i = t
                if order == ORDER_RANDOM:
                    i, state = _site(state, N)
                sites[r] = i
                dE[r] = _interface.delta(p, xi_t, i, sigma[r, i], S, aux, r, extras[r])
            n = 0
            for r in range(R):
                u, state = _uniform(state)
                flipped[n] = r
                n += accept(dE[r], betas[r], rule, u)
            for k in range(n):
                r = flipped[k]
                i = sites[r]
                s = sigma[r, i]
                sigma[r, i] = -s
                extras[r] = _interface.flip(p, xi_t, i, s, S, aux, r, extras[r])
                counts[r, ACCEPTED] += 1
        for r in range(R):
            counts[r, ATTEMPTED] += N
            counts[r, SWEEPS] += 1


def lockstep_sweeps(model, sigma, S, betas, rule, order, n_sweeps, rng, counts):
    """Run ``n_sweeps`` sweeps of N attempted flips on R chains in lockstep, in place.

    Attempt ``t`` of every chain of ``sigma`` (R, N) and ``S`` (R, K) runs
    together: the R sites (random order: one per chain), then the R energy
    changes, then the R decisions, then the flips.  The random numbers come
    from one stream, seeded per sweep from ``rng`` as :func:`sweeps` seeds a
    chain's, in the order: chain 0's site, chain 1's, ..., then chain 0's
    uniform, chain 1's, ...; one chain is therefore the chain :func:`sweeps`
    runs, draw for draw, and R chains are independent Markov chains, as on
    threads.  Finite temperature only (``rule`` Metropolis or heat bath;
    ``betas`` (R,) finite, one per chain).

    The R energy changes, independent of each other, run back to back, which
    a core overlaps where one chain's decision and flip wait on its own field:
    per CPU second 1.17-1.28x the one-chain kernel on threads at P = 2,
    K = 100 and 1.08-1.17x at P = 3, K = 2000 (Zen 1; BENCHMARKS.md).  Chains
    at one shared site, which would share the pattern row too, ran about 8%
    faster but flip in unison wherever both accept (every flip at
    ``beta = 0`` under Metropolis, which freezes the overlap of two replicas).
    """
    prepared = [model.family.prepare(model, S[r]) for r in range(S.shape[0])]
    work = np.stack([w for w, _ in prepared])
    aux = np.stack([a for _, a in prepared])
    _lockstep_run(model.params, sigma, work, aux, model.xi_t, betas, rule, order, n_sweeps,
                  rng, counts)  # fmt: skip
    S[...] = work


@njit(cache=True, nogil=True)
def _pair_run(p, sigma, S, aux, xi_t, probe, beta, rule, n_sweeps, rng, counts):
    """``n_sweeps`` sweeps of N pair proposals of one chain at fixed probe overlap.

    Per proposal: an ordered pair of sites ``(i, j)`` and a uniform from the
    sweep's stream; where exactly one of the two agrees with the probe, both
    flip together if the rule accepts the pair's energy change (that of ``i``,
    then of ``j`` after ``i``), else ``i`` flips back.  No ``fastmath``: the
    two changes are added as the NumPy reference adds them.
    """
    N = sigma.shape[0]
    for _ in range(n_sweeps):
        extra = _interface.begin(p, S, aux, 0)
        state = _seed(rng)
        proposed = 0
        flips = 0
        for _t in range(N):
            i, state = _site(state, N)
            j, state = _site(state, N)
            u, state = _uniform(state)
            si = sigma[i]
            sj = sigma[j]
            if probe[i] * si == probe[j] * sj:  # both or neither agree (also i == j)
                continue
            proposed += 2
            dE = _interface.delta(p, xi_t, i, si, S, aux, 0, extra)
            extra = _interface.flip(p, xi_t, i, si, S, aux, 0, extra)
            dE += _interface.delta(p, xi_t, j, sj, S, aux, 0, extra)
            if accept(dE, beta, rule, u):
                extra = _interface.flip(p, xi_t, j, sj, S, aux, 0, extra)
                sigma[i] = -si
                sigma[j] = -sj
                flips += 2
            else:
                extra = _interface.flip(p, xi_t, i, -si, S, aux, 0, extra)
        counts[ATTEMPTED] += proposed
        counts[ACCEPTED] += flips
        counts[SWEEPS] += 1


def pair_sweeps(model, sigma, S, probe, beta, rule, n_sweeps, rng, counts):
    """Run ``n_sweeps`` sweeps of N pair proposals on one chain, in place, at fixed
    ``sum_i probe_i sigma_i`` (see :mod:`hebbian.mc.constrained`); ``S`` as in :func:`sweeps`.

    ``counts`` gains the flips proposed (two per pair whose flip keeps the
    overlap) and accepted, and the sweeps.
    """
    work, aux = model.family.prepare(model, S)
    _pair_run(model.params, sigma, work[None], aux[None], model.xi_t, probe, beta, rule,
              n_sweeps, rng, counts)  # fmt: skip
    if work is not S:
        S[...] = work


@njit(cache=True, nogil=True)
def _deltas(p, sigma, S, aux, xi_t, sites, out):
    """Energy changes of flipping each of ``sites`` alone (nothing is flipped)."""
    extra = _interface.begin(p, S, aux, 0)
    for k in range(sites.shape[0]):
        i = sites[k]
        out[k] = _interface.delta(p, xi_t, i, sigma[i], S, aux, 0, extra)


def flip_energies(model, sigma, S, sites) -> np.ndarray:
    """Energy changes (float64) of flipping each neuron of ``sites`` alone in one chain."""
    work, aux = model.family.prepare(model, S)
    out = np.empty(len(sites))
    _deltas(model.params, sigma, work[None], aux[None], model.xi_t, sites, out)
    return out
