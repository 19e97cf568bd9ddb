"""Single-spin-flip Markov chains: ``init``, ``step`` and the ``Dynamics`` they run.

A :class:`ChainState` holds R independent chains (replicas) of one network:
configurations ``sigma`` (R, N), exact overlap sums ``S = N m`` (R, K), counters
and one NumPy ``Generator`` per chain, all children of one ``SeedSequence``.
:func:`step` advances every chain in place by whole sweeps (N attempted flips
each) on the chosen backend, chains in parallel threads (the kernels release
the GIL).  The random stream of a chain depends only on its own generator (on
backend ``"lockstep"``: on its group's first chain's), so results do not
depend on the number of threads.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from hebbian._checks import as_real_array, as_spins, check_int, check_real
from hebbian.limits import check_memory
from hebbian.mc import _numba as kernels
from hebbian.mc.backends import BATCHED, array_module, resolve_backend
from hebbian.mc.model import KernelModel, kernel_model
from hebbian.networks import BinaryNetwork, SherringtonKirkpatrick
from hebbian.networks._base import BLOCK
from hebbian.random import RNGLike, as_generator
from hebbian.temperature import beta_from_T

__all__ = [
    "ORDERS",
    "RULES",
    "ChainState",
    "Dynamics",
    "chain_bytes",
    "check_backend_rule",
    "check_track",
    "each_chain",
    "flipped",
    "init",
    "network_size",
    "step",
    "step_samples",
]

RULES = {
    "metropolis": kernels.RULE_METROPOLIS,
    "heat-bath": kernels.RULE_HEAT_BATH,
    "glauber": kernels.RULE_HEAT_BATH,
    "zero-T": kernels.RULE_ZERO_T,
}
ORDERS = {"sequential": kernels.ORDER_SEQUENTIAL, "random": kernels.ORDER_RANDOM}


@dataclass(frozen=True)
class Dynamics:
    """Update rule, site order and temperature of a chain.

    Parameters
    ----------
    T : float
        Temperature, >= 0.  ``T = 0`` requires ``rule="zero-T"`` and vice versa;
        ``T = inf`` is the paramagnet (``beta = 0``): Metropolis accepts every
        flip, heat bath flips with probability 1/2.
    rule : {"metropolis", "heat-bath", "glauber", "zero-T"}
        Acceptance: Metropolis ``min(1, e^(-beta dE))``; heat bath (= Glauber)
        ``1 / (1 + e^(beta dE))``; zero temperature: flip iff ``dE < 0``.
    order : {"random", "sequential"}
        Random sites (uniform, with replacement) or a fixed 0..N-1 sweep.
    """

    T: float
    rule: str = "metropolis"
    order: str = "random"

    def __post_init__(self):
        if not isinstance(self.rule, str) or self.rule not in RULES:
            raise ValueError(f"rule={self.rule!r} is unknown; pass one of {', '.join(RULES)}")
        if not isinstance(self.order, str) or self.order not in ORDERS:
            raise ValueError(f"order={self.order!r} is unknown; pass one of {', '.join(ORDERS)}")
        T = check_real(self.T, "temperature T", low=0.0, fix="T=0 is zero-temperature dynamics")
        if (T == 0.0) != (self.rule == "zero-T"):
            raise ValueError(
                f"temperature T={T:g} with rule={self.rule!r}: use rule='zero-T' exactly when T=0"
            )
        object.__setattr__(self, "T", T)

    @property
    def beta(self) -> float:
        """Inverse temperature (``inf`` at T = 0)."""
        return beta_from_T(self.T)


@dataclass
class ChainState:
    """R chains of one network, advanced in place by :func:`step`.

    Attributes
    ----------
    sigma : numpy.ndarray of int8, shape (R, N)
    S : numpy.ndarray of float64, shape (R, K)
        Overlap sums ``N m``: exact integers, updated incrementally.
    counts : numpy.ndarray of int64, shape (R, 4)
        Attempted flips, accepted flips, sweeps, and whether the last zero-T
        step ended at a fixed point.
    rngs : list of numpy.random.Generator
        One per chain.
    """

    sigma: np.ndarray
    S: np.ndarray
    counts: np.ndarray
    rngs: list

    @property
    def n_replicas(self) -> int:
        return self.sigma.shape[0]

    @property
    def m(self) -> np.ndarray:
        """Mattis overlaps, shape (R, K)."""
        return self.S / self.sigma.shape[1]

    @property
    def n_sweeps(self) -> np.ndarray:
        return self.counts[:, kernels.SWEEPS].copy()

    @property
    def acceptance(self) -> np.ndarray:
        """Accepted over attempted flips, per chain."""
        attempted = np.maximum(self.counts[:, kernels.ATTEMPTED], 1)
        return self.counts[:, kernels.ACCEPTED] / attempted

    @property
    def at_fixed_point(self) -> np.ndarray:
        return self.counts[:, kernels.FIXED].astype(bool)


def check_track(track, n_patterns: int) -> np.ndarray:
    """Pattern indices to record, as int64; default the first ``min(K, 8)``.

    Raises
    ------
    TypeError
        For non-integer indices (``0.5`` is refused, never truncated).
    ValueError
        For a shape other than 1-D or indices outside ``[0, K)``.
    """
    if track is None:
        return np.arange(min(n_patterns, 8))
    try:
        arr = np.asarray(track)
    except (ValueError, TypeError) as exc:
        raise ValueError(
            f"track could not be read as indices ({exc}); pass a list of ints"
        ) from None
    if arr.size == 0:
        arr = arr.astype(np.int64)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(
            f"track={_show(track)} must list integer pattern indices; pass e.g. track=[0, 1]"
        )
    if arr.ndim != 1 or np.any((arr < 0) | (arr >= n_patterns)):
        raise ValueError(f"track={_show(track)} must list pattern indices in [0, K={n_patterns})")
    return arr.astype(np.int64)


def _show(value, limit: int = 60) -> str:
    """A short one-line repr for messages."""
    text = repr(value.tolist() if isinstance(value, np.ndarray) else value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


#: Bytes per pattern entry that ``kernel_model`` allocates: the int8 transpose it
#: keeps, once per network (``n_mu`` is summed in blocks of
#: :data:`~hebbian.networks._base.BLOCK` entries).  Explicit couplings are used as
#: they are.
KERNEL_MODEL_BYTES = 1


def network_size(network) -> tuple[int, int, int]:
    """``(N, K kept sums, K patterns)`` of a network the samplers cover, before
    :func:`~hebbian.mc.model.kernel_model` allocates anything; its TypeError otherwise."""
    if isinstance(network, SherringtonKirkpatrick):
        return network.N, network.N, 0
    if not isinstance(network, BinaryNetwork):
        kernel_model(network)  # raises the TypeError that names the network
    return network.N, network.K, network.K


def model_bytes(network) -> int:
    """Peak bytes of ``kernel_model(network)`` (see :data:`KERNEL_MODEL_BYTES`)."""
    if isinstance(network, SherringtonKirkpatrick):
        return 0
    return KERNEL_MODEL_BYTES * network.N * network.K + 16 * BLOCK


def chain_bytes(N: int, K: int, R: int) -> int:
    """Bytes :func:`init` allocates for R chains: int8 spins, float64 overlap sums,
    counters, and the largest temporaries (one chain's float64 uniforms, a block of
    the overlap-sum product)."""
    return R * N + 8 * R * K + 32 * R + 16 * N + 16 * BLOCK


def _check_start(model: KernelModel, start, m0, pattern) -> None:
    """Refuse start, m0 and pattern that do not go together, before any allocation."""
    if isinstance(start, str) and start not in ("random", "pattern"):
        raise ValueError(
            f"start={start!r} is unknown; pass 'random', 'pattern' (with m0) or a "
            f"configuration array of shape (N,) or (R, N)"
        )
    pattern = check_int(pattern, "pattern", minimum=0)
    if m0 is not None:
        check_real(m0, "m0", low=-1.0, high=1.0)
    if isinstance(start, str) and start == "pattern":
        if pattern >= model.n_patterns:
            raise ValueError(
                f"start='pattern' with pattern={pattern}: out of range; pass 0 <= pattern < "
                f"K={model.n_patterns} (or another start)"
            )
        return
    if m0 is not None:
        raise ValueError(f"m0={m0!r} is only used with start='pattern'; pass m0=None")
    if pattern != 0:
        raise ValueError(f"pattern={pattern} is only used with start='pattern'; pass pattern=0")


def _start_configurations(model: KernelModel, start, R: int, m0, pattern, rngs) -> np.ndarray:
    N = model.N
    if isinstance(start, str):
        if start == "random":
            out = np.empty((R, N), dtype=np.int8)  # built in int8, one chain at a time
            for r, g in enumerate(rngs):
                out[r] = np.where(g.random(N) < 0.5, 1, -1)
            return out
        m0 = check_real(1.0 if m0 is None else m0, "m0", low=-1.0, high=1.0)
        xi = np.asarray(model.network.patterns[pattern])
        if np.any(xi == 0):
            raise ValueError(
                "start='pattern' needs a pattern without zero entries; pass a "
                "configuration array instead"
            )
        return flipped(xi.astype(np.int8), m0, rngs)
    arr = as_real_array(start, "start", "+-1 spins, shape (N,) or (R, N)")
    sigma = as_spins(arr, N, name="start").astype(np.int8)
    if sigma.ndim == 1:
        sigma = np.repeat(sigma[None, :], R, axis=0)
    if sigma.shape != (R, N):
        raise ValueError(f"start has shape {sigma.shape}; pass (N,) or (R, N) = ({R}, {N})")
    return np.ascontiguousarray(sigma)


def flipped(v: np.ndarray, m: float, rngs) -> np.ndarray:
    """One copy of the spins ``v`` (int8) per generator of ``rngs``, each with its own random
    ``round(N (1 - m)/2)`` spins flipped: overlap with ``v`` exactly ``1 - 2 n_flip / N``."""
    N = v.shape[0]
    n_flip = round(N * (1.0 - m) / 2.0)
    out = np.repeat(v[None, :], len(rngs), axis=0)
    for r, g in enumerate(rngs):
        out[r, g.choice(N, size=n_flip, replace=False)] *= -1
    return out


def init(
    network: BinaryNetwork,
    *,
    n_replicas: int = 1,
    start="random",
    m0: float | None = None,
    pattern: int = 0,
    rng: RNGLike = None,
) -> ChainState:
    """Start ``n_replicas`` chains of ``network``.

    Parameters
    ----------
    network : Hopfield, DenseHopfield, ExponentialDAM or LearnedNetwork
        Patterns must have entries in {-1, 0, +1}.
    n_replicas : int
        Number of independent chains R.
    start : {"random", "pattern"} or array_like
        Uniformly random spins; a stored pattern with exactly
        ``round(N (1 - m0) / 2)`` spins flipped (overlap ``m0``, default 1);
        or given configuration(s) of shape (N,) or (R, N) (e.g. an example).
    m0 : float, optional
        Initial overlap for ``start="pattern"``, in [-1, 1]; refused with
        any other start.
    pattern : int
        Which pattern for ``start="pattern"``, in [0, K); only 0 (the
        default) with any other start.
    rng : seed, SeedSequence or Generator
        Chain r uses the r-th child of its ``SeedSequence``.

    Returns
    -------
    ChainState

    Raises
    ------
    ValueError, TypeError
        For arguments out of range or of the wrong type, or chains that would
        not fit in memory (:func:`hebbian.limits.check_memory`), before any
        chain is made.
    """
    R = check_int(n_replicas, "n_replicas", minimum=1)
    N, K, _ = network_size(network)
    check_memory(model_bytes(network), f"the sampler's copy of the patterns (K={K}, N={N})")
    model = kernel_model(network)
    return _init(model, R, start, m0, pattern, as_generator(rng))


def _init(model: KernelModel, R: int, start, m0, pattern, generator) -> ChainState:
    """:func:`init` on a kernel model, every argument checked before the chains are made."""
    _check_start(model, start, m0, pattern)
    check_memory(
        chain_bytes(model.N, model.K, R),
        f"n_replicas={R} chains of N={model.N} spins with K={model.K} overlap sums",
    )
    rngs = generator.spawn(R)
    sigma = _start_configurations(model, start, R, m0, pattern, rngs)
    return ChainState(sigma, model.overlap_sums(sigma), np.zeros((R, 4), np.int64), rngs)


def _check_chains(model, state, dynamics) -> None:
    """Refuse a model, state or dynamics the kernels cannot run safely.

    The compiled kernels do not check bounds: a state of another network
    (other N or K) would read and write outside its arrays.  Only shapes,
    types and flags are checked, O(1) per call, never the spins themselves.
    """
    if not isinstance(model, KernelModel):
        raise TypeError(
            f"model is a {type(model).__name__}; pass hebbian.mc.kernel_model(network)"
        )
    if not isinstance(state, ChainState):
        raise TypeError(f"state is a {type(state).__name__}; pass a ChainState from init()")
    if not isinstance(dynamics, Dynamics):
        raise TypeError(f"dynamics is a {type(dynamics).__name__}; pass a Dynamics(T=...)")
    R = state.sigma.shape[0] if isinstance(state.sigma, np.ndarray) else -1
    expected = {
        "sigma": ((R, model.N), np.int8),
        "S": ((R, model.K), np.float64),
        "counts": ((R, 4), np.int64),
    }
    for name, (shape, dtype) in expected.items():
        a = getattr(state, name)
        if (
            not isinstance(a, np.ndarray)
            or a.shape != shape
            or a.dtype != dtype
            or not a.flags.c_contiguous
            or not a.flags.writeable
        ):
            got = f"{a.dtype} {a.shape}" if isinstance(a, np.ndarray) else type(a).__name__
            raise ValueError(
                f"state.{name} is {got}; this model needs a writable C-contiguous "
                f"{np.dtype(dtype)} array of shape {shape}: pass the state init() made "
                f"for this network"
            )
    if (
        not isinstance(state.rngs, list | tuple)
        or len(state.rngs) != R
        or not all(isinstance(g, np.random.Generator) for g in state.rngs)
    ):
        raise ValueError(f"state.rngs must hold one numpy Generator per chain ({R})")


def _check_betas(betas, R: int, dynamics: Dynamics) -> np.ndarray:
    if dynamics.rule == "zero-T":
        raise ValueError("betas are per-chain temperatures; pass betas=None with rule='zero-T'")
    try:
        arr = np.asarray(betas, dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"betas could not be read as numbers ({exc})") from None
    if arr.shape != (R,) or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(
            f"betas={_show(betas)} must be {R} finite inverse temperatures >= 0, one per chain"
        )
    return arr


def _step_batched(name, module, models, states, rule, order, betas, n_sweeps) -> None:
    """Advance the chains of every ``(model, state)`` pair in one call on backend ``name``.

    Each chain's uniforms in this call are keyed by two 32-bit words drawn
    from its own generator (:mod:`hebbian.mc._counter`), so the generators' states,
    which checkpoints keep, still fix the whole run; a chain's numbers do not
    depend on which other chains share the call.
    """
    first = models[0]
    for m in models:
        if not m.family.exact:
            raise ValueError(
                f"backend={name!r} samples pattern networks; "
                f"pass backend='numba' for explicit couplings"
            )
        if (m.family, m.params, m.N, m.K) != (first.family, first.params, first.N, first.K):
            raise ValueError(
                "models differ in family, parameters, N or K; one call runs one network family"
            )
    xp = array_module(name)
    keys = np.array(
        [g.integers(0, 2**32, size=2, dtype=np.uint64) for s in states for g in s.rngs]
    )
    sizes = [s.n_replicas for s in states]
    sigma, S, counts = (
        xp.asarray(np.concatenate([getattr(s, a) for s in states]))
        for a in ("sigma", "S", "counts")
    )
    module.sweeps(
        xp,
        first,
        sigma,
        S,
        xp.asarray(np.stack([m.xi_t for m in models])),
        xp.asarray(np.repeat(np.arange(len(models)), sizes)),
        xp.asarray(np.stack([m.n_mu.astype(np.float64) for m in models])),
        xp.asarray(np.concatenate([np.asarray(b, dtype=np.float64) for b in betas])),
        rule,
        order,
        n_sweeps,
        xp.asarray(keys),
        counts,
    )
    edges = np.cumsum([0, *sizes])
    for k, s in enumerate(states):
        rows = slice(edges[k], edges[k + 1])
        for host, device in ((s.sigma, sigma), (s.S, S), (s.counts, counts)):
            host[...] = device[rows].get() if xp is not np else device[rows]


def step_samples(models, states, dynamics: Dynamics, n_sweeps: int = 1, *, backend="batched"):
    """Advance the chains of several disorder samples together, in one call per step.

    On ``backend="cupy"`` one kernel launch runs every chain of every sample
    (``sum of n_replicas`` threads), which is how a GPU is kept busy by many
    small networks.  Each state keeps its own generators, so each can be
    checkpointed (:mod:`hebbian.mc.checkpoint`) and gives the chains it would give
    alone under :func:`step` with the same batched backend.

    Parameters
    ----------
    models : sequence of KernelModel
        Same family, parameters, N and K (one network family, several pattern draws).
    states : sequence of ChainState
        One per model.
    dynamics : Dynamics
    n_sweeps : int
    backend : {"batched", "cupy"}

    Returns
    -------
    list of ChainState
        The same objects, advanced.
    """
    name, module = resolve_backend(backend)
    if name not in BATCHED:
        raise ValueError(f"backend={backend!r} runs one chain at a time; pass 'batched' or 'cupy'")
    models, states = list(models), list(states)
    if len(models) != len(states) or not models:
        raise ValueError(
            f"got {len(models)} models and {len(states)} states; pass one state per model"
        )
    for m, st in zip(models, states, strict=True):
        _check_chains(m, st, dynamics)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
    betas = [np.full(s.n_replicas, dynamics.beta) for s in states]
    _step_batched(name, module, list(models), list(states), RULES[dynamics.rule],
                  ORDERS[dynamics.order], betas, n_sweeps)  # fmt: skip
    return list(states)


def step(
    model: KernelModel,
    state: ChainState,
    dynamics: Dynamics,
    n_sweeps: int = 1,
    *,
    backend: str = "auto",
    n_workers: int = 1,
    betas=None,
) -> ChainState:
    """Advance every chain of ``state`` by ``n_sweeps`` sweeps, in place.

    Parameters
    ----------
    model : KernelModel
        From :func:`hebbian.mc.model.kernel_model`.
    state : ChainState
    dynamics : Dynamics
    n_sweeps : int
        Sweeps of N attempted flips; zero-T chains stop early at a fixed point.
    backend : {"auto", "numba", "lockstep", "numpy", "batched", "cupy"}
        ``"batched"`` and ``"cupy"`` advance every chain at once (array code
        on NumPy; one CUDA kernel on a GPU): the same statistics, other
        random numbers than the one-chain backends.  ``"lockstep"`` advances
        groups of 16 chains together in one Numba kernel, each group drawing
        from its first chain's generator (T > 0 only; the fastest CPU path
        for many chains, see :func:`hebbian.mc._numba.lockstep_sweeps`):
        independent chains as on ``"numba"``, other random numbers.
    n_workers : int
        Threads running chains in parallel (Numba kernels release the GIL).
    betas : array_like, shape (R,), optional
        Per-chain inverse temperatures overriding ``dynamics.T`` (parallel
        tempering); only for finite-temperature rules.

    Returns
    -------
    ChainState
        The same object, advanced.

    Raises
    ------
    TypeError, ValueError
        For a ``model`` that is not a :class:`KernelModel`, a ``state`` whose
        arrays do not fit it (other N or K, dtype, layout: the compiled
        kernels do not check bounds), or ``betas`` that are not R finite
        values >= 0; before any sweep.
    """
    name, backend_module = resolve_backend(backend)
    _check_chains(model, state, dynamics)
    check_backend_rule(name, dynamics)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=0)
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    rule, order = RULES[dynamics.rule], ORDERS[dynamics.order]
    if betas is None:
        betas = np.full(state.n_replicas, dynamics.beta)
    else:
        betas = _check_betas(betas, state.n_replicas, dynamics)
    if name in BATCHED:
        _step_batched(name, backend_module, [model], [state], rule, order, [betas], n_sweeps)
        return state
    if name == "lockstep":
        _step_lockstep(model, state, rule, order, betas, n_sweeps, n_workers)
        return state

    def advance(rows: slice) -> None:
        backend_module.sweeps(
            model,
            state.sigma[rows],
            state.S[rows],
            betas[rows],
            rule,
            order,
            n_sweeps,
            state.rngs[rows],
            state.counts[rows],
        )

    chain_rows(advance, state.n_replicas, n_workers)
    return state


#: Chains per lockstep group: a group's chains share one random stream, the groups run
#: on the workers.  At P = 2, N = 1000, K = 100 groups of 16, 32 and 64 chains ran
#: alike per core; at P = 3, N = 200, K = 2000 groups of 16 ran 1.20x groups of 64
#: (16 chains' kept terms, 192 kB, stay in the 512 kB L2 of a Zen 1 core).
LOCKSTEP_GROUP = 16


def check_backend_rule(backend: str, dynamics: Dynamics) -> None:
    """Refuse ``rule="zero-T"`` on backend ``"lockstep"`` (resolved name)."""
    if backend == "lockstep" and dynamics.rule == "zero-T":
        raise ValueError(
            "backend='lockstep' runs chains at T > 0 (zero-temperature chains stop one by "
            "one at fixed points); pass backend='numba' for rule='zero-T'"
        )


def _step_lockstep(model, state, rule, order, betas, n_sweeps, n_workers) -> None:
    """Advance ``state`` on backend ``"lockstep"``: groups of :data:`LOCKSTEP_GROUP`
    chains (the last one shorter), each drawing from the generator of its first
    chain (:func:`hebbian.mc._numba.lockstep_sweeps`), the groups on
    ``n_workers`` threads.  The groups depend on R only, so neither do the chains
    on the number of threads."""
    starts = range(0, state.n_replicas, LOCKSTEP_GROUP)

    def advance(g: int) -> None:
        rows = slice(starts[g], starts[g] + LOCKSTEP_GROUP)
        kernels.lockstep_sweeps(
            model,
            state.sigma[rows],
            state.S[rows],
            betas[rows],
            rule,
            order,
            n_sweeps,
            state.rngs[starts[g]],
            state.counts[rows],
        )

    each_chain(advance, len(starts), n_workers)


#: Thread pools kept for the process, by size: starting threads for every call
#: is slow on virtual machines.  At P = 3, N = 200, K = 2000 with two chains of
#: 250 sweeps (9 ms) a call, two threads ran 1.39x the wall rate of one from a
#: new pool each call, 1.79x from a kept one (2-core virtual machine).
_POOLS: dict[int, ThreadPoolExecutor] = {}
os.register_at_fork(after_in_child=_POOLS.clear)  # a forked child has none of the threads


def chain_rows(advance, n_replicas: int, n_workers: int) -> None:
    """Call ``advance(rows)`` on slices of the chains: all of them in one call on one worker
    (one kernel call: at N = 32 a sweep costs less than a call), else one chain a call on
    ``n_workers`` threads (:func:`each_chain`)."""
    if min(n_workers, n_replicas) == 1:
        advance(slice(0, n_replicas))
        return
    each_chain(lambda r: advance(slice(r, r + 1)), n_replicas, n_workers)


def each_chain(advance, n_replicas: int, n_workers: int) -> None:
    """Call ``advance(r)`` for every chain ``r``, on ``n_workers`` threads where more than one
    (the kernels release the GIL; each chain draws only from its own generator).
    ``advance`` must not call this again (the kept pool's threads could all be waiting)."""
    n_workers = min(n_workers, n_replicas)
    if n_workers == 1:
        for r in range(n_replicas):
            advance(r)
        return
    if n_workers not in _POOLS:
        _POOLS[n_workers] = ThreadPoolExecutor(n_workers, thread_name_prefix="hebbian-chains")
    list(_POOLS[n_workers].map(advance, range(n_replicas)))
