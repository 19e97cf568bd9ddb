"""Storage capacity and basins of attraction, measured over disorder samples.

A pattern counts as retrieved when zero-temperature dynamics from a cue (the
pattern with ``flips`` spins reversed) ends at an overlap ``>= 1 - eps`` with
it.  The capacity of one disorder sample is found by bisection over nested
pattern sets (the first ``K`` rows of one draw; the dynamics visit sites in
the same random order at every ``K``), so it is the largest ``K`` at which
the cued pattern is still retrieved, up to where retrieval first fails along
the bisection from ``K_max`` down (retrieval need not be monotone in ``K``
at small N); its average over samples is the capacity.

Networks (``network=``): ``"dense"`` - :class:`hebbian.DenseHopfield` of order
``P`` without self-interactions (``P = 2``: the Hopfield network; the
normalization of :mod:`hebbian.theory.dense`), ``K ~ alpha_c N^(P-1)``;
``"exponential"`` - :class:`hebbian.ExponentialDAM` with scale ``lam``,
``log K ~ N alpha`` (:func:`hebbian.theory.exponential.alpha_zero_T`); ``"modern"`` -
:class:`hebbian.ModernHopfield` with ``beta = lam`` and patterns uniform on
the sphere of radius ``sqrt(N)``, iterated to its fixed point
(:func:`hebbian.theory.exponential.alpha_one_step` with ``ensemble="spherical"``).
"""

from __future__ import annotations

import math

import numpy as np

from hebbian import DenseHopfield, ExponentialDAM, ModernHopfield, binary_patterns
from hebbian._checks import check_int, check_real
from hebbian.mc.simulation import run
from hebbian.random import RNGLike
from hebbian.search import bisect

__all__ = ["NETWORKS", "capacity", "patterns_at", "retrieval_probability", "spherical_patterns"]

NETWORKS = ("dense", "exponential", "modern")


def spherical_patterns(K: int, N: int, rng: RNGLike) -> np.ndarray:
    """``K`` patterns uniform on the sphere of radius ``sqrt(N)``, shape (K, N)."""
    x = rng.standard_normal((K, N))
    return x * (math.sqrt(N) / np.linalg.norm(x, axis=1, keepdims=True))


def _cue(pattern: np.ndarray, flips: int, rng) -> np.ndarray:
    """``pattern`` with ``flips`` spins reversed (binary) or moved to overlap
    ``1 - 2 flips/N`` along a random orthogonal direction (spherical)."""
    N = pattern.shape[0]
    if pattern.dtype.kind in "iu":
        cue = pattern.copy()
        cue[rng.choice(N, size=flips, replace=False)] *= -1
        return cue
    m0 = 1.0 - 2.0 * flips / N
    g = rng.standard_normal(N)
    g -= (g @ pattern) / N * pattern
    g *= math.sqrt(N) / np.linalg.norm(g)
    return m0 * pattern + math.sqrt(1.0 - m0 * m0) * g


def _retrieved(network: str, patterns, cue, P: int, lam: float, eps: float, rng) -> bool:
    """Whether zero-temperature dynamics from ``cue`` ends within ``eps`` of pattern 0."""
    N = patterns.shape[1]
    if network == "modern":
        fixed = ModernHopfield(patterns, beta=lam).retrieve(cue, max_iter=200)
        return bool(fixed.state @ patterns[0] / N >= 1.0 - eps)
    net = DenseHopfield(patterns, P=P) if network == "dense" else ExponentialDAM(patterns, lam=lam)
    res = run(net, T=0, n_sweeps=100, start=cue, rng=rng, measure_every=100, track=[0])
    return bool(res.overlaps[-1, 0, 0] >= 1.0 - eps)


def _check(network: str, N: int, rho: float, eps: float) -> tuple[int, int, float]:
    """Checked ``(N, flips, eps)``; ``flips = round(rho N)``."""
    if network not in NETWORKS:
        raise ValueError(f"network={network!r} is unknown; pass one of {NETWORKS}")
    N = check_int(N, "N", minimum=2)
    rho = check_real(rho, "rho", low=0.0, high=0.5, high_open=True)
    return N, round(rho * N), check_real(eps, "eps", low=0.0, high=1.0, low_open=True)


def patterns_at(network: str, load: float, N: int, P: int = 2) -> int:
    """Number of patterns at ``load``: ``load N^(P-1)`` (dense), ``e^(load N)`` (otherwise)."""
    load = check_real(load, "load", low=0.0, low_open=True)
    K = load * float(N) ** (P - 1) if network == "dense" else math.exp(load * N)
    return max(1, round(K))


def _draw(network: str, K: int, N: int, rng) -> np.ndarray:
    return spherical_patterns(K, N, rng) if network == "modern" else binary_patterns(K, N, rng=rng)


def capacity(
    network: str,
    N: int,
    *,
    load_max: float,
    rho: float,
    n_samples: int,
    seed: int,
    P: int = 2,
    lam: float = 1.0,
    eps: float = 0.05,
    K_cap: int = 2**22,
) -> dict:
    """Capacity ``K_c`` of ``n_samples`` disorder samples at size ``N``.

    Parameters
    ----------
    network : {"dense", "exponential", "modern"}
    N : int
        Neurons (the dimension ``d`` of the modern network).
    load_max : float
        Largest load tried, ``K_max = patterns_at(network, load_max, N, P)``; a
        sample still retrieving there is reported as censored at ``K_max``.
    rho : float
        Fraction of spins reversed in the cue, ``flips = round(rho N)``
        (spherical cue: overlap ``1 - 2 flips/N``).
    n_samples : int
    seed : int
        Sample ``s`` draws from child ``s`` of ``SeedSequence((seed, N, flips))``.
    P : int
        Order of the dense network.
    lam : float
        Exponent scale (exponential and modern networks).
    eps : float
        Retrieved means final overlap ``>= 1 - eps``.
    K_cap : int
        ``K_max`` is at most this (memory: ``K_max N`` bytes of patterns).

    Returns
    -------
    dict
        ``K_c`` (per sample); ``load`` and ``load_error``: the mean capacity in
        the network's load units (``K_c / N^(P-1)`` for dense networks,
        ``log(K_c)/N`` otherwise) and its standard error; ``censored``: the
        samples still retrieving at ``K_max`` (then ``load`` is a lower bound).
    """
    N, flips, eps = _check(network, N, rho, eps)
    K_max = max(2, min(patterns_at(network, load_max, N, P), check_int(K_cap, "K_cap")))
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    K_c = []
    for child in np.random.SeedSequence([seed, N, flips]).spawn(n_samples):
        draws, dynamics = child.spawn(2)
        rng = np.random.default_rng(draws)
        patterns = _draw(network, K_max, N, rng)
        cue = _cue(patterns[0], flips, rng)

        def holds(K, patterns=patterns, cue=cue, dynamics=dynamics):
            # the same site sequence at every K: the sample, not the draw, decides
            rng = np.random.default_rng(dynamics)
            return _retrieved(network, patterns[:K], cue, P, lam, eps, rng)

        if holds(K_max):
            K_c.append(K_max)
        elif not holds(1):
            K_c.append(0)
        else:
            K_c.append(bisect(holds, 1, K_max, integer=True)[0])
    K_c = np.array(K_c)
    load = K_c / float(N) ** (P - 1) if network == "dense" else np.log(np.maximum(K_c, 1)) / N
    return {
        "K_c": K_c,
        "load": float(load.mean()),
        "load_error": float(load.std(ddof=1) / math.sqrt(n_samples)),
        "censored": int(np.sum(K_c == K_max)),
    }


def retrieval_probability(
    network: str,
    N: int,
    *,
    load: float,
    rho: float,
    n_samples: int,
    seed: int,
    P: int = 2,
    lam: float = 1.0,
    eps: float = 0.05,
) -> dict:
    """Fraction of disorder samples retrieving pattern 0 from a cue with ``round(rho N)`` errors.

    The basin of attraction as a function of the cue's corruption; same
    conventions as :func:`capacity`.

    Returns
    -------
    dict
        ``p`` and its binomial standard error ``error``.
    """
    N, flips, eps = _check(network, N, rho, eps)
    K = patterns_at(network, load, N, P)
    n_samples = check_int(n_samples, "n_samples", minimum=1)
    hits = 0
    for child in np.random.SeedSequence([seed, N, K, flips]).spawn(n_samples):
        rng = np.random.default_rng(child)
        patterns = _draw(network, K, N, rng)
        hits += _retrieved(network, patterns, _cue(patterns[0], flips, rng), P, lam, eps, rng)
    p = hits / n_samples
    return {"p": p, "error": math.sqrt(max(p * (1 - p), 1.0 / n_samples) / n_samples)}
