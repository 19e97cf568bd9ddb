r"""Monte Carlo at a fixed overlap with a probe, and the slope of the free energy in it.

The constrained ensemble holds the overlap ``m = (1/N) sum_i v_i sigma_i``
with a probe ``v`` in {-1, +1}^N (a stored pattern, an archetype the network
learned from examples) fixed, and samples the rest of the configuration from
the Boltzmann weight: its free energy ``F_N(m) = -T ln Z_N(m)``, the Landau
free energy of the overlap, has a local minimum wherever a retrieval state
exists, and the load at which that minimum disappears is the retrieval
spinodal.  Unlike the time a free chain takes to leave a retrieval state,
which grows past the spinodal wherever the escape is slow (the ghost of the
fold, metastable states near the pattern), it is an equilibrium quantity.

**Pair moves** (:func:`step_fixed_overlap`).  An ordered pair of sites
``(i, j)`` is drawn uniformly; where exactly one of them agrees with the
probe, flipping both keeps ``m``, and the pair flips with the rule's
probability for the pair's energy change.  The proposal is symmetric (the
reverse move draws the same pair), so the chain satisfies detailed balance
with the Boltzmann weight restricted to the sector; any two configurations
of one sector are joined by such exchanges, so it is ergodic there.  A sweep
is N proposals; a fraction ``(1 - m^2)/2`` of them are pairs that keep ``m``.

**Slope** (:func:`overlap_slope`).  Flipping a spin that disagrees with the
probe maps the sector ``m`` onto ``m' = m + 2/N``; summing over the ``B``
disagreeing spins of every configuration of ``m`` counts each configuration
of ``m'`` once per agreeing spin (``A + 1`` of them, ``A = N - B``):

.. math::

    \frac{Z_N(m')}{Z_N(m)} = \frac{B}{A + 1}
        \Big\langle \frac{1}{B} \sum_{i:\, v_i\sigma_i = -1} e^{-\beta \Delta E_i}
        \Big\rangle_m ,

exact at every N (Widom's insertion, here a flip), and flipping an agreeing
spin likewise gives ``Z_N(m - 2/N)/Z_N(m)`` (deletion).  The slope per neuron
``phi = (F_N(m') - F_N(m)) / 2`` is ``df/dm`` at ``m + 1/N`` with
``f = F_N / N`` (deletion: at ``m - 1/N``); their mean is ``phi(m)``,
negative where the free energy still falls towards a retrieval minimum at
larger ``m``.  The log of a sampled mean is biased low, which moves the two
estimates apart in opposite directions: their gap, ``2/N`` times the
curvature in equilibrium, bounds the bias.  Averages are taken in the log
domain (log-sum-exp), so that no exponential overflows.

References
----------
Widom, J. Chem. Phys. 39, 2808 (1963) (insertion); Kawasaki, Phys. Rev. 145,
224 (1966) (exchange dynamics at fixed magnetization).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp

from hebbian._checks import as_spins, check_int, check_real
from hebbian.limits import check_memory
from hebbian.mc.backends import resolve_backend
from hebbian.mc.model import KernelModel
from hebbian.mc.sampler import RULES, ChainState, Dynamics, _check_chains, each_chain, flipped
from hebbian.random import RNGLike, as_generator

__all__ = [
    "OverlapSlope",
    "at_overlap",
    "log_flip_weights",
    "overlap_slope",
    "step_fixed_overlap",
]

#: One-chain backends that run pair moves.
PAIR_BACKENDS = ("auto", "numba", "numpy")


def _probe(probe, N: int) -> np.ndarray:
    """The probe as a C-contiguous int8 vector of N spins, or a ValueError naming it."""
    v = as_spins(np.asarray(probe), N, name="probe")
    if v.ndim != 1:
        raise ValueError(f"probe has shape {v.shape}; pass one configuration of shape ({N},)")
    return np.ascontiguousarray(v, dtype=np.int8)


def at_overlap(probe, m: float, n_replicas: int = 1, *, rng: RNGLike = None) -> np.ndarray:
    """Configurations (R, N) of overlap ``m`` with ``probe``: the probe with
    ``round(N (1 - m) / 2)`` of its spins, drawn at random per chain, flipped.

    The overlap is then exactly ``1 - 2 round(N (1 - m)/2) / N``.
    """
    v = np.asarray(probe)
    v = _probe(v, v.shape[-1] if v.ndim else 0)
    m = check_real(m, "m", low=-1.0, high=1.0)
    R = check_int(n_replicas, "n_replicas", minimum=1)
    N = v.shape[0]
    check_memory(R * N, f"n_replicas={R} configurations of N={N} spins")
    return flipped(v, m, as_generator(rng).spawn(R))


def _check_pairs(model: KernelModel, state: ChainState, dynamics: Dynamics, backend):
    _check_chains(model, state, dynamics)
    if backend not in PAIR_BACKENDS:
        raise ValueError(
            f"backend={backend!r}: pair moves run one chain at a time; pass one of "
            f"{', '.join(PAIR_BACKENDS)}"
        )
    if not model.family.exact:
        raise ValueError(
            "pair moves need exact integer sums (pattern networks); this network keeps "
            "local fields in floating point, whose flip and flip back need not cancel"
        )
    if dynamics.rule == "zero-T":
        raise ValueError("pair moves sample at T > 0; pass a Dynamics with T > 0")
    return resolve_backend(backend)[1]


def step_fixed_overlap(
    model: KernelModel,
    state: ChainState,
    probe,
    dynamics: Dynamics,
    n_sweeps: int = 1,
    *,
    backend: str = "auto",
    n_workers: int = 1,
) -> ChainState:
    """Advance every chain by ``n_sweeps`` sweeps of pair moves at fixed probe overlap, in place.

    Parameters
    ----------
    model : KernelModel
        From :func:`hebbian.mc.kernel_model`, of a pattern network (exact sums).
    state : ChainState
        Chains whose overlaps with ``probe`` stay what they are.
    probe : array_like of +-1, shape (N,)
    dynamics : Dynamics
        Metropolis or heat bath at ``T > 0``; the order is unused (sites are random).
    n_sweeps : int
        Sweeps of N pair proposals.
    backend : {"auto", "numba", "numpy"}
        The Numba kernel, or its NumPy reference twin (the same chains draw for draw).
    n_workers : int
        Threads running chains in parallel.

    Returns
    -------
    ChainState
        The same object; ``counts`` gains the flips proposed (two per pair
        that keeps the overlap) and accepted.
    """
    kernels = _check_pairs(model, state, dynamics, backend)
    v = _probe(probe, model.N)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    _advance(kernels, model, state, v, dynamics, n_sweeps, n_workers)
    return state


def _advance(kernels, model, state, v, dynamics, n_sweeps: int, n_workers: int) -> None:
    """:func:`step_fixed_overlap` on checked arguments (``kernels``: the backend's module)."""
    rule = RULES[dynamics.rule]

    def advance(r: int) -> None:
        kernels.pair_sweeps(model, state.sigma[r], state.S[r], v, dynamics.beta, rule,
                            n_sweeps, state.rngs[r], state.counts[r])  # fmt: skip

    each_chain(advance, state.n_replicas, n_workers)


def log_flip_weights(
    model: KernelModel, state: ChainState, probe, beta: float, backend: str = "auto"
) -> np.ndarray:
    """Per chain, ``ln (1/n) sum_i exp(-beta dE_i)`` over the ``n`` spins against the probe
    (column 0) and the ``n`` with it (column 1), shape (R, 2); ``-inf`` where ``n = 0``.

    Every spin's energy change is computed once, in one call per chain.
    """
    kernels = resolve_backend(backend)[1]
    out = np.full((state.n_replicas, 2), -np.inf)
    sites = np.arange(model.N)
    for r in range(state.n_replicas):
        weights = -beta * kernels.flip_energies(model, state.sigma[r], state.S[r], sites)
        agree = probe * state.sigma[r] > 0
        for column, side in enumerate((~agree, agree)):
            if side.any():
                out[r, column] = logsumexp(weights[side]) - math.log(side.sum())
    return out


@dataclass(frozen=True)
class OverlapSlope:
    """The free-energy slope at one fixed overlap, from :func:`overlap_slope`.

    Attributes
    ----------
    m : float
        The chains' overlap with the probe (exact: ``1 - 2 B / N``).
    up, down : float
        ``phi`` at ``m + 1/N`` by inserting an agreeing spin and at ``m - 1/N``
        by deleting one, every chain's readings pooled.  Finite sampling biases
        them apart (the log of a mean is biased low), so their gap, which is
        ``2/N`` times the curvature in equilibrium, bounds the bias.
    per_chain : numpy.ndarray, shape (R,)
        ``(up + down)/2`` from each chain alone (their spread is the thermal error).
    acceptance : float
        Accepted over proposed pair flips.
    """

    m: float
    up: float
    down: float
    per_chain: np.ndarray
    acceptance: float

    @property
    def slope(self) -> float:
        """``phi(m) = (up + down)/2``, ``df/dm`` at ``m`` up to ``O(1/N^2)``."""
        return 0.5 * (self.up + self.down)

    @property
    def error(self) -> float:
        """Standard error over the chains (``nan`` for one chain)."""
        R = len(self.per_chain)
        return float(self.per_chain.std(ddof=1) / math.sqrt(R)) if R > 1 else math.nan


def overlap_slope(
    model: KernelModel,
    state: ChainState,
    probe,
    dynamics: Dynamics,
    *,
    n_sweeps: int,
    n_burnin: int,
    measure_every: int = 4,
    backend: str = "auto",
    n_workers: int = 1,
) -> OverlapSlope:
    """Equilibrate ``state`` at its fixed overlap with ``probe`` and measure the slope ``phi``.

    ``n_burnin`` sweeps of pair moves, then ``n_sweeps`` more with the flip
    weights of every spin read each ``measure_every`` sweeps (O(N K) a
    reading, about a sweep's cost); see the module's notes for the estimators.
    Every chain must have the same overlap.

    Raises
    ------
    ValueError
        For chains of different overlaps, an overlap of +-1 (no neighbouring
        sector on one side), or the arguments :func:`step_fixed_overlap` refuses.
    """
    kernels = _check_pairs(model, state, dynamics, backend)
    v = _probe(probe, model.N)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_burnin = check_int(n_burnin, "n_burnin", minimum=0)
    every = check_int(measure_every, "measure_every", minimum=1)
    agree = state.sigma @ v.astype(np.int64)
    N = model.N
    if np.any(agree != agree[0]) or abs(int(agree[0])) == N:
        raise ValueError(
            f"the chains' overlaps with the probe are {_overlaps(agree, N)}; pass chains of "
            f"one overlap strictly between -1 and 1 (see at_overlap)"
        )
    B = (N - int(agree[0])) // 2  # spins against the probe; A = N - B with it
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    _advance(kernels, model, state, v, dynamics, n_burnin, n_workers)
    before = state.counts.copy()
    readings = []
    for _ in range(max(1, n_sweeps // every)):
        _advance(kernels, model, state, v, dynamics, every, n_workers)
        readings.append(log_flip_weights(model, state, v, dynamics.beta, backend))
    ups, downs = np.moveaxis(np.array(readings), 2, 0)  # each (readings, chains)
    counts = state.counts - before
    proposed = counts[:, 0].sum()

    def mean_log(x: np.ndarray) -> float:
        return logsumexp(x) - math.log(x.size)

    def up(x: np.ndarray) -> float:  # -(T/2) ln Z(m + 2/N)/Z(m)
        return -0.5 * dynamics.T * (math.log(B / (N - B + 1)) + mean_log(x))

    def down(x: np.ndarray) -> float:  # (T/2) ln Z(m - 2/N)/Z(m)
        return 0.5 * dynamics.T * (math.log((N - B) / (B + 1)) + mean_log(x))

    return OverlapSlope(
        m=1.0 - 2.0 * B / N,
        up=up(ups),
        down=down(downs),
        per_chain=np.array(
            [0.5 * (up(ups[:, r]) + down(downs[:, r])) for r in range(ups.shape[1])]
        ),
        acceptance=float(counts[:, 1].sum() / proposed) if proposed else math.nan,
    )


def _overlaps(agree: np.ndarray, N: int) -> str:
    values = sorted({round(float(a) / N, 6) for a in agree})
    return ", ".join(f"{x:g}" for x in values[:4]) + (", ..." if len(values) > 4 else "")
