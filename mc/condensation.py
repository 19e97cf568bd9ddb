"""Does one pattern dominate? Exponential memories at finite temperature.

With ``K = e^(alpha N)`` patterns the Gibbs weight of a state is
``(sum_k exp(lam N m_k))^(1/(lam T))``.  In the retrieval phase one term of the
sum dominates: its share, the top attention weight

    w = max_k softmax(lam N m)_k,

tends to 1; where the patterns not retrieved dominate (a random energy model
seen from the state, :mod:`hebbian.theory.exponential`) it tends to 0.  ``w`` is the
order parameter measured here, with the largest overlap ``max_k m_k``, for

* binary states of :class:`hebbian.ExponentialDAM` (Metropolis single-spin
  flips on the :mod:`hebbian.mc` engine), and
* the modern Hopfield network on the sphere ``|x|^2 = N`` with ``beta = lam``
  and spherical patterns: Metropolis with the proposal
  ``x' = sqrt(N) (x + s g)/|x + s g|``, ``g`` standard normal, which is
  symmetric (its density depends only on the angle between ``x`` and
  ``x'``), so the chain samples ``exp(-E/T)``, ``E = -lse(lam, X^T x)``.  The
  step ``s`` is tuned during burn-in only.  The array code runs on NumPy or
  CuPy arrays alike (:func:`hebbian._array.array_namespace`).

Chains start on pattern 0 and are averaged after burn-in over ``n_samples``
disorder samples; they are free to leave it for any other pattern or for the
disordered phase, so ``w`` measures condensation on any pattern.
"""

from __future__ import annotations

import math

import numpy as np

from hebbian import ExponentialDAM, binary_patterns
from hebbian._array import array_namespace
from hebbian._checks import check_int, check_real
from hebbian.mc.capacity import spherical_patterns
from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import Dynamics, init, step

__all__ = ["sphere_metropolis", "top_weight"]

#: Target acceptance rate of the spherical proposal while its step is tuned.
TARGET_ACCEPTANCE = 0.35


def _top(xp, scores, lam: float):
    """Top softmax weight and largest score of ``lam * scores`` along the last axis."""
    z = lam * scores
    z_max = xp.max(z, axis=-1)
    lse = z_max + xp.log(xp.sum(xp.exp(z - z_max[..., None]), axis=-1))
    return xp.exp(z_max - lse), xp.max(scores, axis=-1), lse


def sphere_metropolis(patterns, lam: float, T: float, x0, *, n_steps: int, n_burnin: int, rng):
    """Metropolis chains of the modern Hopfield network on the sphere ``|x|^2 = N``.

    Parameters
    ----------
    patterns : array, shape (K, N)
        Stored patterns (NumPy or CuPy).
    lam : float
        ``beta`` of the softmax, > 0.
    T : float
        Temperature, > 0.
    x0 : array, shape (R, N)
        Initial states, rescaled onto the sphere.
    n_steps, n_burnin : int
        Measured steps, and steps before them (the step size is tuned only then).
    rng : numpy.random.Generator or cupy.random.Generator

    Returns
    -------
    dict of arrays, shape (n_steps, R)
        ``w`` (top attention weight), ``m_max`` (largest overlap), ``m0``
        (overlap with pattern 0); and ``acceptance`` (R,).
    """
    lam = check_real(lam, "lam", low=0.0, low_open=True)
    T = check_real(T, "T", low=0.0, low_open=True)
    xp = array_namespace(patterns)
    X = xp.asarray(patterns, dtype=xp.float64)
    N = X.shape[1]
    root = math.sqrt(N)

    def onto_sphere(x):
        return x * (root / xp.linalg.norm(x, axis=-1, keepdims=True))

    x = onto_sphere(xp.asarray(x0, dtype=xp.float64))
    R = x.shape[0]
    scores = x @ X.T
    energy = -_top(xp, scores, lam)[2] / lam
    s = xp.full((R, 1), 0.3)
    accepted = xp.zeros(R)
    out = {k: [] for k in ("w", "m_max", "m0")}
    for t in range(n_burnin + n_steps):
        y = onto_sphere(x + s * rng.standard_normal((R, N)))
        new_scores = y @ X.T
        new_energy = -_top(xp, new_scores, lam)[2] / lam
        take = xp.log(rng.random(R)) < -(new_energy - energy) / T
        x = xp.where(take[:, None], y, x)
        scores = xp.where(take[:, None], new_scores, scores)
        energy = xp.where(take, new_energy, energy)
        if t < n_burnin:
            # Robbins-Monro step tuning; frozen before any measurement
            s = s * xp.exp((take[:, None] - TARGET_ACCEPTANCE) / math.sqrt(t + 1))
            continue
        accepted = accepted + take
        w, top, _ = _top(xp, scores, lam)
        out["w"].append(w)
        out["m_max"].append(top / N)
        out["m0"].append(scores[:, 0] / N)
    result = {k: xp.stack(v) for k, v in out.items()}
    result["acceptance"] = accepted / n_steps
    return result


def _binary_chains(K, N, lam, T, n_replicas, n_sweeps, n_burnin, rng):
    net = ExponentialDAM(binary_patterns(K, N, rng=rng), lam=lam)
    model = kernel_model(net)
    state = init(net, n_replicas=n_replicas, start="pattern", rng=rng)
    dynamics = Dynamics(T=T)
    step(model, state, dynamics, n_burnin)
    w, m_max = [], []
    for _ in range(n_sweeps // 5):
        step(model, state, dynamics, 5)
        top, best, _ = _top(np, state.S, lam)
        w.append(top)
        m_max.append(best / N)
    return np.array(w), np.array(m_max)


def _spherical_chains(K, N, lam, T, n_replicas, n_sweeps, n_burnin, rng):
    X = spherical_patterns(K, N, rng)
    # one Metropolis move of the whole vector per "sweep"
    res = sphere_metropolis(
        X,
        lam,
        T,
        np.repeat(X[:1], n_replicas, axis=0),
        n_steps=n_sweeps,
        n_burnin=n_burnin,
        rng=rng,
    )
    return res["w"], res["m_max"]


def top_weight(
    N: int,
    alpha: float,
    T: float,
    *,
    lam: float = 1.0,
    ensemble: str = "binary",
    n_samples: int = 8,
    n_replicas: int = 2,
    n_sweeps: int = 400,
    n_burnin: int = 100,
    seed: int = 0,
) -> dict[str, float]:
    """Mean top attention weight and largest overlap at load ``alpha = log(K)/N``.

    Parameters
    ----------
    N : int
        Neurons (binary) or dimension (spherical).
    alpha : float
        Load; ``K = round(e^(alpha N))``.
    T : float
        Temperature, > 0.
    lam : float
    ensemble : {"binary", "spherical"}
    n_samples, n_replicas : int
        Disorder samples, and chains per sample.
    n_sweeps, n_burnin : int
        Binary: sweeps of N flips, measured every 5; spherical: whole-vector
        Metropolis steps, measured at each.
    seed : int
        The point's streams derive from ``(seed, N, alpha, T, lam, ensemble)``.

    Returns
    -------
    dict
        ``w``, ``w_error``, ``m_max``, ``m_max_error``: means over samples
        and their standard errors.  A sweep task.
    """
    N = check_int(N, "N", minimum=2)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    T = check_real(T, "T", low=0.0, low_open=True)
    chains = {"binary": _binary_chains, "spherical": _spherical_chains}
    if ensemble not in chains:
        raise ValueError(f"ensemble={ensemble!r} is unknown; pass one of {tuple(chains)}")
    n_samples = check_int(n_samples, "n_samples", minimum=2)
    K = max(1, round(math.exp(alpha * N)))
    key = [seed, N, round(alpha * 1e9), round(T * 1e9), round(lam * 1e9), len(ensemble)]
    w, m_max = [], []
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        ws, ms = chains[ensemble](K, N, lam, T, n_replicas, n_sweeps, n_burnin, rng)
        w.append(float(np.mean(ws)))
        m_max.append(float(np.mean(ms)))
    w, m_max = np.array(w), np.array(m_max)
    root = math.sqrt(n_samples)
    return {
        "w": float(w.mean()),
        "w_error": float(w.std(ddof=1) / root),
        "m_max": float(m_max.mean()),
        "m_max_error": float(m_max.std(ddof=1) / root),
    }
