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
  and Vigna 2021) with four raw words of the chain's NumPy ``Generator``
  (:func:`sweep_seeds`, drawn before the kernel call);
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


def sweep_seeds(rng, n_sweeps: int) -> np.ndarray:
    """The words that seed ``n_sweeps`` sweeps' streams, (n_sweeps, 4) uint64: the next
    raw outputs of ``rng``'s bit generator, four a sweep.

    Drawn here, in one NumPy call per chain and kernel call (1.7 us; a
    ``Generator.integers`` call costs 17 us, a ``Generator`` passed to a kernel
    ~20 us to unbox): at N = 32 a sweep costs less than either.
    """
    return rng.bit_generator.random_raw((n_sweeps, 4))


@njit(cache=True, nogil=True)
def _seed(words):
    """A xoshiro256+ state from four words of :func:`sweep_seeds` (never all zero)."""
    s0 = _splitmix64(words[0])
    s1 = _splitmix64(words[1])
    s2 = _splitmix64(words[2])
    s3 = _splitmix64(words[3])
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
def _attempts(p, sigma, S, aux, r, xi_t, beta, rule, order, words, dry):
    """The loop of :func:`_sweep`, inlined there with its rule and order as constants."""
    N = sigma.shape[0]
    extra = _interface.begin(p, S, aux, r)
    random_site = order == ORDER_RANDOM and not dry
    needs_u = rule != RULE_ZERO_T and not dry
    state = _seed(words) if random_site or needs_u else (_U64(1), _U64(0), _U64(0), _U64(0))
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
        dE = _interface.delta(p, xi_t, i, s, S, aux, r, extra)
        if dry:
            if dE < 0.0:
                return 1
            continue
        if accept(dE, beta, rule, u):
            sigma[i] = -s
            extra = _interface.flip(p, xi_t, i, s, S, aux, r, extra)
            flips += 1
    return flips


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _sweep(p, sigma, S, aux, r, xi_t, beta, rule, order, words, dry):
    """One sweep of N attempted flips of the chain ``S[r]`` (spins ``sigma``), in place;
    returns the flips.

    With ``dry=True`` nothing is flipped and no random number is drawn: the
    sweep is sequential and returns 1 at the first flip that would lower the
    energy, 0 if there is none (a zero-temperature fixed point).  Random order
    at T > 0 runs a loop compiled for its rule (its branches on the rule and
    order folded away: 13% more attempts per second at P = 2, K = 100).
    """
    if not dry and order == ORDER_RANDOM:
        if rule == RULE_METROPOLIS:
            return _attempts(p, sigma, S, aux, r, xi_t, beta, RULE_METROPOLIS, ORDER_RANDOM,
                             words, False)  # fmt: skip
        if rule == RULE_HEAT_BATH:
            return _attempts(p, sigma, S, aux, r, xi_t, beta, RULE_HEAT_BATH, ORDER_RANDOM,
                             words, False)  # fmt: skip
    return _attempts(p, sigma, S, aux, r, xi_t, beta, rule, order, words, dry)


@njit(cache=True, nogil=True)
def _run(p, sigma, S, aux, xi_t, betas, rule, order, seeds, counts):
    """The sweeps of ``seeds`` (R, n, 4) on the chains ``S[0..R)``, one chain after another,
    in place (see :func:`sweeps`); chains with ``counts[r, FIXED]`` set are left alone."""
    R, N = sigma.shape
    for r in range(R):
        if counts[r, FIXED]:
            continue
        for n in range(seeds.shape[1]):
            flips = _sweep(p, sigma[r], S, aux, r, xi_t, betas[r], rule, order, seeds[r, n],
                           False)  # fmt: skip
            counts[r, ATTEMPTED] += N
            counts[r, ACCEPTED] += flips
            counts[r, SWEEPS] += 1
            if rule != RULE_ZERO_T or flips > 0:
                continue
            # random order: a sweep without flips proves nothing until a dry scan agrees
            if order == ORDER_SEQUENTIAL or not _sweep(
                p, sigma[r], S, aux, r, xi_t, betas[r], rule, order, seeds[r, n], True
            ):
                counts[r, FIXED] = 1
                break


#: Sweeps whose seeds are drawn for one kernel call: (R, 1024, 4) uint64 is 32 kB a chain.
SEED_CHUNK = 1024


def _chunks(n_sweeps: int, chunk: int = SEED_CHUNK):
    """The sweeps of one kernel call each, ``n_sweeps`` in all."""
    for done in range(0, n_sweeps, chunk):
        yield min(chunk, n_sweeps - done)


def chain_seeds(rngs, n_sweeps: int, chains=None) -> np.ndarray:
    """Every chain's :func:`sweep_seeds`, (R, n_sweeps, 4): drawn by the ``chains`` listed
    (default: all), zero for the others."""
    seeds = np.zeros((len(rngs), n_sweeps, 4), np.uint64)
    for r in range(len(rngs)) if chains is None else chains:
        seeds[r] = sweep_seeds(rngs[r], n_sweeps)
    return seeds


def working_copies(model, S):
    """The kernels' working copies of the chains' sums ``S`` (R, K) and their auxiliary
    rows (:attr:`~hebbian.mc.model.Family.prepare`, chain by chain, stacked)."""
    prepared = [model.family.prepare(model, S[r]) for r in range(S.shape[0])]
    return np.stack([w for w, _ in prepared]), np.stack([a for _, a in prepared])


def sweeps(model, sigma, S, betas, rule, order, n_sweeps, rngs, counts):
    """Run up to ``n_sweeps`` sweeps of N attempted flips on each of R chains, in place.

    ``sigma`` (R, N) int8, ``S`` (R, K) float64 sums, ``betas`` (R,), ``rngs``
    the R chains' generators, ``counts`` (R, 4).  The chains run one after
    another in one kernel call per :data:`SEED_CHUNK` sweeps, each drawing only
    from its own generator: the same chains as R calls with one chain each (so
    threads may take the chains in any grouping).  The sweeps run on the
    family's working copy of the sums (:attr:`~hebbian.mc.model.Family.prepare`:
    the narrowest exact integer type, int16 or int32, so that a SIMD register
    holds four or two times the entries of int64).  At zero temperature a
    chain stops at a fixed point: after a sweep with no flip (sequential
    order), or a sweep with no flip followed by a dry sequential scan that
    finds no energy-lowering flip (random order); its ``counts[r, FIXED]`` is
    then 1.  Zero-temperature chains in random order draw one sweep's seeds
    at a time, so that a chain that stops has drawn for the sweeps it ran only.
    """
    work, aux = working_copies(model, S)
    counts[:, FIXED] = 0
    draws = order == ORDER_RANDOM or rule != RULE_ZERO_T
    for n in _chunks(n_sweeps, 1 if draws and rule == RULE_ZERO_T else SEED_CHUNK):
        if rule == RULE_ZERO_T:  # the chains stop one by one at fixed points
            running = np.flatnonzero(counts[:, FIXED] == 0).tolist()
            if not running:
                break
            seeds = chain_seeds(rngs, n, running if draws else [])
        else:
            seeds = chain_seeds(rngs, n)
        _run(model.params, sigma, work, aux, model.xi_t, betas, rule, order, seeds, counts)
    S[...] = work


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _lockstep_run(p, sigma, S, aux, xi_t, betas, rule, order, seeds, counts):
    """The sweeps of ``seeds`` (n, 4) on the chains ``S[0..R)`` in lockstep
    (:func:`lockstep_sweeps`).

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
    for words in seeds:
        for r in range(R):
            extras[r] = _interface.begin(p, S, aux, r)
        state = _seed(words)
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
    work, aux = working_copies(model, S)
    for n in _chunks(n_sweeps):
        seeds = sweep_seeds(rng, n)
        _lockstep_run(model.params, sigma, work, aux, model.xi_t, betas, rule, order, seeds,
                      counts)  # fmt: skip
    S[...] = work


@njit(cache=True, nogil=True)
def _pair_run(p, sigma, S, aux, xi_t, probe, betas, rule, seeds, counts):
    """The sweeps of ``seeds`` (R, n, 4) of N pair proposals at fixed probe overlap on the
    chains ``S[0..R)``, one chain after another.

    Per proposal: an ordered pair of sites ``(i, j)`` and a uniform from the
    sweep's stream; where exactly one of the two agrees with the probe, both
    flip together if the rule accepts the pair's energy change (that of ``i``,
    then of ``j`` after ``i``), else ``i`` flips back.  No ``fastmath``: the
    two changes are added as the NumPy reference adds them.
    """
    R, N = sigma.shape
    for r in range(R):
        x = sigma[r]
        for words in seeds[r]:
            extra = _interface.begin(p, S, aux, r)
            state = _seed(words)
            proposed = 0
            flips = 0
            for _t in range(N):
                i, state = _site(state, N)
                j, state = _site(state, N)
                u, state = _uniform(state)
                si = x[i]
                sj = x[j]
                if probe[i] * si == probe[j] * sj:  # both or neither agree (also i == j)
                    continue
                proposed += 2
                dE = _interface.delta(p, xi_t, i, si, S, aux, r, extra)
                extra = _interface.flip(p, xi_t, i, si, S, aux, r, extra)
                dE += _interface.delta(p, xi_t, j, sj, S, aux, r, extra)
                if accept(dE, betas[r], rule, u):
                    extra = _interface.flip(p, xi_t, j, sj, S, aux, r, extra)
                    x[i] = -si
                    x[j] = -sj
                    flips += 2
                else:
                    extra = _interface.flip(p, xi_t, i, -si, S, aux, r, extra)
            counts[r, ATTEMPTED] += proposed
            counts[r, ACCEPTED] += flips
            counts[r, SWEEPS] += 1


def pair_sweeps(model, sigma, S, probe, betas, rule, n_sweeps, rngs, counts):
    """Run ``n_sweeps`` sweeps of N pair proposals on each of R chains, in place, at fixed
    ``sum_i probe_i sigma_i`` (see :mod:`hebbian.mc.constrained`); arrays as in
    :func:`sweeps`.

    ``counts[r]`` gains the flips proposed (two per pair whose flip keeps the
    overlap) and accepted, and the sweeps.
    """
    work, aux = working_copies(model, S)
    for n in _chunks(n_sweeps):
        seeds = chain_seeds(rngs, n)
        _pair_run(model.params, sigma, work, aux, model.xi_t, probe, betas, rule, seeds,
                  counts)  # fmt: skip
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
