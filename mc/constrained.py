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

**Low temperature** (:func:`overlap_slopes`, :func:`bar_slope`).  Pair moves
rarely pass at low T (below one in a thousand at ``T = 0.05`` in the P = 3
retrieval state), and the one-sided averages above are then dominated by
the rare spins whose flip costs least: in the dense P = 3 network at
``T = 0.05`` insertion and deletion differed by 0.04 where the curvature
allows 0.001.  A ladder of temperatures with replica exchange inside the
sector decorrelates the cold chains through the hot ones; the flip energies
read at every temperature are kept as histograms (:class:`Works`), and two
neighbouring sectors give the slope between them by Bennett's acceptance
ratio, which uses the insertions of the lower and the deletions of the upper
sector together and has the least variance of any estimator of that kind.

References
----------
Widom, J. Chem. Phys. 39, 2808 (1963) (insertion); Kawasaki, Phys. Rev. 145,
224 (1966) (exchange dynamics at fixed magnetization); Hukushima and Nemoto,
J. Phys. Soc. Jpn. 65, 1604 (1996) (replica exchange); Bennett, J. Comput.
Phys. 22, 245 (1976) (acceptance ratio).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize
from scipy.special import expit, logsumexp

from hebbian._checks import as_real_array, as_spins, check_int, check_real
from hebbian.limits import check_memory
from hebbian.mc.backends import resolve_backend
from hebbian.mc.model import KernelModel
from hebbian.mc.runstate import Exchanges
from hebbian.mc.sampler import (
    RULES,
    ChainState,
    Dynamics,
    _check_chains,
    _show,
    chain_rows,
    flipped,
)
from hebbian.random import RNGLike, as_generator

__all__ = [
    "OverlapSlope",
    "SlopeLadder",
    "Works",
    "at_overlap",
    "bar_slope",
    "check_ladder",
    "flip_works",
    "log_flip_weights",
    "overlap_slope",
    "overlap_slopes",
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


def _advance(kernels, model, state, v, dynamics, n_sweeps: int, n_workers: int, betas=None):
    """:func:`step_fixed_overlap` on checked arguments (``kernels``: the backend's module);
    ``betas`` per chain (default: the dynamics' own)."""
    rule = RULES[dynamics.rule]
    if betas is None:
        betas = np.full(state.n_replicas, dynamics.beta)

    def advance(rows: slice) -> None:
        kernels.pair_sweeps(model, state.sigma[rows], state.S[rows], v, betas[rows], rule,
                            n_sweeps, state.rngs[rows], state.counts[rows])  # fmt: skip

    chain_rows(advance, state.n_replicas, n_workers)


def flip_works(model: KernelModel, state: ChainState, backend: str = "auto") -> np.ndarray:
    """Every chain's single-flip energy changes, shape (R, N): one kernel call per chain."""
    kernels = resolve_backend(backend)[1]
    sites = np.arange(model.N)
    energies = [kernels.flip_energies(model, state.sigma[r], state.S[r], sites) for r in
                range(state.n_replicas)]  # fmt: skip
    return np.array(energies)


def _log_means(works: np.ndarray, agree: np.ndarray, beta: float) -> list[float]:
    """``ln (1/n) sum exp(-beta W)`` over the spins against the probe and with it."""
    out = []
    for side in (~agree, agree):
        n = int(side.sum())
        out.append(logsumexp(-beta * works[side]) - math.log(n) if n else -math.inf)
    return out


def log_flip_weights(
    model: KernelModel, state: ChainState, probe, beta, backend: str = "auto"
) -> np.ndarray:
    """Per chain, ``ln (1/n) sum_i exp(-beta dE_i)`` over the ``n`` spins against the probe
    (column 0) and the ``n`` with it (column 1), shape (R, 2); ``-inf`` where ``n = 0``.

    ``beta`` is one inverse temperature or one per chain.
    """
    works = flip_works(model, state, backend)
    betas = np.broadcast_to(np.asarray(beta, dtype=np.float64), (state.n_replicas,))
    agree = probe * state.sigma > 0
    return np.array([_log_means(works[r], agree[r], betas[r]) for r in range(len(works))])


@dataclass(frozen=True)
class Works:
    """Histograms of the single-flip energy changes read at one temperature of a ladder.

    The change ``W`` of flipping a spin against the probe is the work of an
    insertion (sector ``m`` to ``m + 2/N``), of flipping one with it the work
    of a deletion; :func:`bar_slope` combines the insertions of one sector
    with the deletions of the next.

    Attributes
    ----------
    T : float
    N, B : int
        Neurons, and spins against the probe in the sector.
    edges : numpy.ndarray
        Bin edges over ``[-W_RANGE, W_RANGE]``, ``T / WORK_BINS_PER_T`` apart (at
        most :data:`MAX_WORK_BINS` bins); changes beyond are counted in the end
        bins (their Fermi weights in :func:`bar_slope` are 0 or 1 there either way).
    counts : numpy.ndarray of int64, shape (ladders, 2, bins)
        ``[:, 0]`` the spins against the probe, ``[:, 1]`` those with it.
    """

    T: float
    N: int
    B: int
    edges: np.ndarray
    counts: np.ndarray

    @classmethod
    def empty(cls, T: float, N: int, B: int, n_ladders: int) -> Works:
        width = min(max(T / WORK_BINS_PER_T, 2 * W_RANGE / MAX_WORK_BINS), 2 * W_RANGE)
        edges = np.arange(-W_RANGE, W_RANGE + width, width)
        return cls(T, N, B, edges, np.zeros((n_ladders, 2, edges.size - 1), np.int64))

    def add(self, ladder: int, works: np.ndarray, agree: np.ndarray) -> None:
        """Count one configuration's changes ``works`` (N,), ``agree`` its spins with the probe."""
        k = np.clip(np.searchsorted(self.edges, works) - 1, 0, self.edges.size - 2)
        np.add.at(self.counts[ladder], (agree.astype(np.intp), k), 1)  # O(N), not O(bins)

    @property
    def centers(self) -> np.ndarray:
        return 0.5 * (self.edges[1:] + self.edges[:-1])


#: Histogram range and resolution of :class:`Works` (energy units; bins per unit of T,
#: so that a bin shifts a Fermi weight by at most 1/256 in its argument, and at most
#: ``MAX_WORK_BINS``: below ``T = 0.016`` the bins are ``1.2e-4`` wide, coarser than ``T/128``).
W_RANGE, WORK_BINS_PER_T, MAX_WORK_BINS = 8.0, 128, 2**17


def _bins(T: float) -> int:
    """Bins of a :class:`Works` histogram at temperature ``T`` (one more at most)."""
    return int(min(MAX_WORK_BINS, math.ceil(2 * W_RANGE * WORK_BINS_PER_T / T))) + 1


def bar_slope(lower: Works, upper: Works, ladder: int | None = None) -> float:
    r"""``phi = (F_N(m') - F_N(m))/2`` at ``m + 1/N`` by Bennett's acceptance ratio, from the
    insertions of sector ``m`` (``lower``) and the deletions of ``m' = m + 2/N`` (``upper``).

    Each (configuration, spin against the probe) of ``m`` maps to one
    (configuration, spin with it) of ``m'`` by the flip, so with ``Z_F = B Z(m)``,
    ``Z_R = (A + 1) Z(m')`` the pairs are the two ends of one step of work
    ``W``, and Bennett's equation (Bennett, J. Comput. Phys. 22, 245 (1976);
    Shirts et al., Phys. Rev. Lett. 91, 140601 (2003))

    .. math::

        \sum_F \frac{1}{1 + \frac{n_F}{n_R} e^{\beta W - D}}
        = \sum_R \frac{1}{1 + \frac{n_R}{n_F} e^{\beta W + D}}

    gives ``D = ln Z_F/Z_R`` with the least variance of any such estimator, however
    little the insertion and deletion distributions overlap (where the
    one-sided exponential averages of :func:`overlap_slope` are dominated by
    rare spins at low ``T``); then ``F_N(m') - F_N(m) = T D - T ln(B/(A + 1))``.
    ``ladder``: that ladder's histograms alone (default: all pooled).
    """
    if lower.T != upper.T or lower.N != upper.N or upper.B != lower.B - 1:
        raise ValueError(
            f"bar_slope needs neighbouring sectors at one temperature: got T = {lower.T}, "
            f"{upper.T}, N = {lower.N}, {upper.N} and B = {lower.B}, {upper.B}"
        )
    pick = slice(None) if ladder is None else slice(ladder, ladder + 1)
    f = lower.counts[pick, 0].sum(axis=0)
    r = upper.counts[pick, 1].sum(axis=0)
    n_f, n_r = f.sum(), r.sum()
    bw = lower.centers / lower.T
    shift = math.log(n_f / n_r)

    def gap(D: float) -> float:
        return float(f @ expit(D - bw - shift) - r @ expit(-D - bw + shift))

    lo, hi = -1.0, 1.0
    while gap(lo) > 0:
        lo *= 2
    while gap(hi) < 0:
        hi *= 2
    D = optimize.brentq(gap, lo, hi, xtol=1e-12)
    B, N = lower.B, lower.N
    return 0.5 * lower.T * (D - math.log(B / (N - B + 1)))


@dataclass(frozen=True)
class OverlapSlope:
    """The free-energy slope at one fixed overlap and temperature, from :func:`overlap_slope`.

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
        ``(up + down)/2`` from each chain (each ladder of :func:`overlap_slopes`)
        alone: their spread is the thermal error.
    acceptance : float
        Accepted over proposed pair flips (at this temperature).
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


@dataclass(frozen=True)
class SlopeLadder:
    """Slopes at one fixed overlap over a temperature ladder, from :func:`overlap_slopes`.

    Attributes
    ----------
    temperatures : numpy.ndarray, shape (n_T,)
    slopes : list of OverlapSlope
        One per temperature.
    swap_acceptance : numpy.ndarray, shape (n_T - 1,)
        Exchanges accepted over tried between neighbouring temperatures, pooled
        over the ladders.
    round_trips : int
        Chains that went from the lowest temperature to the highest and back,
        summed over the ladders.
    works : list of Works
        One per temperature: the flip energies read (for :func:`bar_slope`).
    """

    temperatures: np.ndarray
    slopes: list
    swap_acceptance: np.ndarray
    round_trips: int
    works: list


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
    Every chain must have the same overlap.  :func:`overlap_slopes` with one
    temperature.

    Raises
    ------
    ValueError
        For chains of different overlaps, an overlap of +-1 (no neighbouring
        sector on one side), or the arguments :func:`step_fixed_overlap` refuses.
    """
    kernels = _check_pairs(model, state, dynamics, backend)
    ladder = _ladder(kernels, model, state, probe, [dynamics], n_sweeps, n_burnin,
                     measure_every, backend, n_workers)  # fmt: skip
    return ladder.slopes[0]


def overlap_slopes(
    model: KernelModel,
    state: ChainState,
    probe,
    temperatures,
    *,
    rule: str = "metropolis",
    n_sweeps: int,
    n_burnin: int,
    measure_every: int = 4,
    backend: str = "auto",
    n_workers: int = 1,
) -> SlopeLadder:
    """:func:`overlap_slope` at every temperature of a ladder, with replica exchange.

    The chains form ``R / n_T`` ladders (chain ``l n_T + t`` starts at
    temperature ``t`` of ladder ``l``).  Every ``measure_every`` sweeps of
    pair moves, neighbouring temperatures of each ladder try to exchange
    configurations (the rule of :func:`hebbian.mc.tempering.parallel_tempering`;
    both lie in the same sector, so the exchange keeps the restricted Boltzmann
    weights of the ladder invariant), then every chain's flip energies are read
    at its current temperature (:attr:`SlopeLadder.works`).  At low temperature,
    where pair moves are rarely accepted (below one in a thousand at ``T = 0.05``
    in the ``P = 3`` retrieval state), the configurations then decorrelate
    through the hot end.

    Parameters
    ----------
    temperatures : array_like of float
        ``n_T`` increasing temperatures ``> 0``; ``n_T`` divides the chains.
    rule : {"metropolis", "heat-bath", "glauber"}
    n_sweeps, n_burnin, measure_every, backend, n_workers
        As for :func:`overlap_slope`; the exchanges run during burn-in too.

    Returns
    -------
    SlopeLadder
        One :class:`OverlapSlope` per temperature (``per_chain``: per ladder).
    """
    T = check_ladder(temperatures)
    if state.n_replicas % T.size:
        raise ValueError(
            f"{state.n_replicas} chains do not form ladders of {T.size} temperatures; pass "
            f"a multiple of {T.size} chains"
        )
    ladder = [Dynamics(T=float(t), rule=rule) for t in T]
    kernels = _check_pairs(model, state, ladder[0], backend)
    return _ladder(kernels, model, state, probe, ladder, n_sweeps, n_burnin, measure_every,
                   backend, n_workers)  # fmt: skip


def check_ladder(temperatures) -> np.ndarray:
    """``temperatures`` as a strictly increasing float64 array of finite values > 0, or a
    ValueError naming them."""
    T = as_real_array(temperatures, "temperatures")
    if T.ndim != 1 or T.size < 1 or not np.all(np.isfinite(T)) or np.any(T <= 0):
        raise ValueError(
            f"temperatures={_show(temperatures)} must be a list of finite temperatures > 0"
        )
    if np.any(np.diff(T) <= 0):
        raise ValueError(f"temperatures={_show(temperatures)} must increase strictly")
    return T.astype(np.float64)


def _ladder(kernels, model, state, probe, ladder, n_sweeps, n_burnin, every, backend, n_workers):
    """:func:`overlap_slopes` on checked ``ladder`` (one ``Dynamics`` per temperature)."""
    v = _probe(probe, model.N)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_burnin = check_int(n_burnin, "n_burnin", minimum=0)
    every = check_int(every, "measure_every", minimum=1)
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    agree = state.sigma @ v.astype(np.int64)
    N = model.N
    if np.any(agree != agree[0]) or abs(int(agree[0])) == N:
        raise ValueError(
            f"the chains' overlaps with the probe are {_overlaps(agree, N)}; pass chains of "
            f"one overlap strictly between -1 and 1 (see at_overlap)"
        )
    B = (N - int(agree[0])) // 2  # spins against the probe; A = N - B with it
    n_T = len(ladder)
    n_ladders = state.n_replicas // n_T
    bins = sum(_bins(d.T) for d in ladder)
    check_memory(16 * n_ladders * bins, f"flip-energy histograms ({n_T} T, {bins} bins)")
    betas = np.array([d.beta for d in ladder])
    swap_rng = np.random.default_rng(state.rngs[0].integers(2**63)) if n_T > 1 else None
    exchanges = [Exchanges.start(n_T, swap_rng) for _ in range(n_ladders)]
    proposed, accepted = np.zeros(n_T, np.int64), np.zeros(n_T, np.int64)

    def chains() -> np.ndarray:
        """``[l, t]``: the chain at temperature ``t`` of ladder ``l``."""
        return np.array([l * n_T + x.slot for l, x in enumerate(exchanges)])

    def round_(n: int, count: bool) -> None:
        at = chains()
        chain_beta = np.empty(state.n_replicas)
        chain_beta[at] = betas
        before = state.counts[at, :2].copy()
        _advance(kernels, model, state, v, ladder[0], n, n_workers, chain_beta)
        if count:
            done = state.counts[at, :2] - before
            proposed[:] += done[..., 0].sum(axis=0)
            accepted[:] += done[..., 1].sum(axis=0)
        if n_T > 1:
            energy = np.asarray(model.energy(state.sigma, state.S))
            for l, x in enumerate(exchanges):
                x.swap(betas, energy[l * n_T : (l + 1) * n_T], 0)
                x.swap(betas, energy[l * n_T : (l + 1) * n_T], 1)

    if n_T == 1:
        round_(n_burnin, False)  # one call: no exchanges to interleave
    else:
        for n in _chunks(n_burnin, every):
            round_(n, False)
    readings = []
    works = [Works.empty(d.T, N, B, n_ladders) for d in ladder]
    for _ in range(max(1, n_sweeps // every)):
        round_(every, True)
        at = chains()
        w = flip_works(model, state, backend)
        agree = v * state.sigma > 0
        row = np.empty((n_ladders, n_T, 2))
        for l in range(n_ladders):
            for t in range(n_T):
                row[l, t] = _log_means(w[at[l, t]], agree[at[l, t]], betas[t])
                works[t].add(l, w[at[l, t]], agree[at[l, t]])
        readings.append(row)
    ups, downs = np.moveaxis(np.array(readings), 3, 0)  # each (readings, ladders, n_T)

    def mean_log(x: np.ndarray) -> float:
        return logsumexp(x) - math.log(x.size)

    def up(x: np.ndarray, T: float) -> float:  # -(T/2) ln Z(m + 2/N)/Z(m)
        return -0.5 * T * (math.log(B / (N - B + 1)) + mean_log(x))

    def down(x: np.ndarray, T: float) -> float:  # (T/2) ln Z(m - 2/N)/Z(m)
        return 0.5 * T * (math.log((N - B) / (B + 1)) + mean_log(x))

    slopes = []
    for t, dyn in enumerate(ladder):
        per_ladder = [
            0.5 * (up(ups[:, l, t], dyn.T) + down(downs[:, l, t], dyn.T)) for l in range(n_ladders)
        ]
        slopes.append(
            OverlapSlope(
                m=1.0 - 2.0 * B / N,
                up=up(ups[:, :, t], dyn.T),
                down=down(downs[:, :, t], dyn.T),
                per_chain=np.array(per_ladder),
                acceptance=float(accepted[t] / proposed[t]) if proposed[t] else math.nan,
            )
        )
    tried = sum(x.attempted for x in exchanges)
    return SlopeLadder(
        temperatures=np.array([d.T for d in ladder]),
        slopes=slopes,
        swap_acceptance=sum(x.accepted for x in exchanges) / np.maximum(tried, 1),
        round_trips=sum(x.round_trips for x in exchanges),
        works=works,
    )


def _chunks(n: int, every: int):
    """``n`` sweeps in rounds of ``every`` (the last one shorter)."""
    while n > 0:
        yield min(n, every)
        n -= every


def _overlaps(agree: np.ndarray, N: int) -> str:
    values = sorted({round(float(a) / N, 6) for a in agree})
    return ", ".join(f"{x:g}" for x in values[:4]) + (", ..." if len(values) > 4 else "")
