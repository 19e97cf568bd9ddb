"""``mc.run``: burn-in, measurements with error bars, checkpoints, progress.

Measured every ``measure_every`` sweeps, for each replica: the energy per
neuron, the Mattis overlaps of the tracked patterns, and the replica
overlaps ``q_ab = (1/N) sum_i sigma_i^a sigma_i^b`` of every pair.  Error bars
come from :mod:`hebbian.mc.statistics` (integrated autocorrelation time, effective
sample size) on the replica-averaged series.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import numbers
import os
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike

from hebbian import __version__
from hebbian._checks import as_real_array, check_int
from hebbian.limits import check_memory
from hebbian.mc import _numba as kernels
from hebbian.mc import checkpoint as ckpt
from hebbian.mc.backends import BATCHED, resolve_backend
from hebbian.mc.model import KernelModel, kernel_model
from hebbian.mc.sampler import (
    ChainState,
    Dynamics,
    _init,
    chain_bytes,
    check_track,
    model_bytes,
    network_size,
    overlap_sums,
    step,
)
from hebbian.mc.statistics import Estimate, equilibration_check, estimate
from hebbian.networks import BinaryNetwork, SherringtonKirkpatrick
from hebbian.random import RNGLike, as_generator

__all__ = ["RunResult", "run"]


@dataclass
class RunResult:
    """What :func:`run` measured, with the final state and diagnostics.

    Attributes
    ----------
    params : dict
        Everything the run was started with (and package version, backend).
    energy : numpy.ndarray, shape (n_measurements, R)
        Energy per neuron ``H / N``.
    overlaps : numpy.ndarray, shape (n_measurements, R, n_track)
        Mattis overlaps of the tracked patterns.
    track : numpy.ndarray of int
        Indices of the tracked patterns.
    q : numpy.ndarray, shape (n_measurements, n_pairs)
        Replica overlaps of the pairs in ``pairs``.
    pairs : list of (int, int)
    state : ChainState
        Final state (continue with :func:`hebbian.mc.sampler.step`).
    probe_overlaps : numpy.ndarray, shape (n_measurements, R, n_probes)
        Overlaps ``v . sigma / N`` with the ``probes`` vectors (e.g. the
        archetypes a learned network never saw).
    """

    params: dict
    energy: np.ndarray
    overlaps: np.ndarray
    track: np.ndarray
    q: np.ndarray
    pairs: list
    state: ChainState
    probe_overlaps: np.ndarray
    estimates: dict = field(init=False)

    def __post_init__(self):
        series = {"energy": self.energy.mean(axis=1)}
        for j, mu in enumerate(self.track):
            series[f"m_{mu}"] = self.overlaps[:, :, j].mean(axis=1)
            series[f"|m_{mu}|"] = np.abs(self.overlaps[:, :, j]).mean(axis=1)
        for j in range(self.probe_overlaps.shape[2]):
            series[f"probe_{j}"] = self.probe_overlaps[:, :, j].mean(axis=1)
        if self.pairs:
            series["|q|"] = np.abs(self.q).mean(axis=1)
        self.estimates = (
            {k: estimate(v) for k, v in series.items()} if len(self.energy) >= 2 else {}
        )

    @property
    def acceptance(self) -> np.ndarray:
        return self.state.acceptance

    def p_of_q(self, bins: int = 41, n_blocks: int = 20):
        """Replica-overlap distribution P(q) with block error bars.

        Parameters
        ----------
        bins : int
            Equal-width bins on [-1, 1].
        n_blocks : int
            The measurements are cut into this many consecutive blocks; the
            error of each bin is the standard error of its block densities.

        Returns
        -------
        centres, density, error : numpy.ndarray, each of shape (bins,)
        """
        if not self.pairs:
            raise ValueError("P(q) needs n_replicas >= 2; pass n_replicas=2 or more to run()")
        bins = check_int(bins, "bins", minimum=2)
        n_blocks = check_int(n_blocks, "n_blocks", minimum=2)
        if len(self.q) < n_blocks:
            raise ValueError(f"n_blocks={n_blocks} exceeds the {len(self.q)} measurements")
        edges = np.linspace(-1.0, 1.0, bins + 1)
        blocks = np.array_split(self.q, n_blocks)
        dens = np.array([np.histogram(b.ravel(), edges, density=True)[0] for b in blocks])
        centres = 0.5 * (edges[1:] + edges[:-1])
        return centres, dens.mean(0), dens.std(0, ddof=1) / np.sqrt(n_blocks)

    def equilibrated(self, n_sigma: float = 3.0) -> bool:
        """Whether the two halves of the energy series agree within ``n_sigma``."""
        return bool(equilibration_check(self.energy.mean(axis=1), n_sigma=n_sigma).passed)

    def summary(self) -> dict:
        """JSON-serializable summary: parameters, estimates, diagnostics, provenance.

        ``provenance`` is :func:`hebbian.provenance.provenance` (versions,
        commit, command line, host, time) of the process asking.
        """
        from hebbian.provenance import provenance

        def est(e: Estimate) -> dict:
            return {"mean": e.mean, "error": e.error, "tau_int": e.tau_int, "ess": e.ess}

        return {
            "params": self.params,
            "estimates": {k: est(v) for k, v in self.estimates.items()},
            "acceptance": self.acceptance.tolist(),
            "at_fixed_point": self.state.at_fixed_point.tolist(),
            "equilibrated": self.equilibrated() if len(self.energy) >= 8 else None,
            "n_measurements": len(self.energy),
            "provenance": provenance(),
        }


def _measure(model, state: ChainState, track, pairs):
    energy = np.asarray(model.energy(state.sigma, state.S)) / model.N
    overlaps = state.m[:, track]
    s = state.sigma.astype(np.float64)
    # every pair at once: sums of +-1 products are exact, so the same numbers as
    # one dot product per pair, in the order of itertools.combinations
    q = (s @ s.T)[np.triu_indices(len(s), 1)] / model.N
    return energy, overlaps, q


def run_bytes(network, R: int, n_meas: int, n_track: int, n_probes: int) -> int:
    """What :func:`run` allocates, in bytes: the kernel-ready patterns, the chains,
    the measurement series, the probes, the replica pairs and the measurement
    temporaries."""
    N, K, _ = network_size(network)
    n_pairs = R * (R - 1) // 2
    return (
        model_bytes(network)
        + chain_bytes(N, K, R)
        + 8 * n_meas * (R * (1 + n_track + n_probes) + n_pairs)
        + 8 * n_probes * N
        + 8 * R * N  # float64 spins for q and the probes
        + 8 * R * R  # all pair products at once
        + 128 * n_pairs  # the pairs as Python tuples
    )


def _describe_rng(rng, generator: np.random.Generator, checkpoint) -> object:
    """A reproducible description of ``rng`` for ``params`` (never a memory address).

    The chains are children of the generator's ``SeedSequence``
    (``Generator.spawn``), so that sequence -- entropy, spawn key, pool size and
    how many children it had already spawned -- is what identifies them; the
    bit generator's own state does not enter.  ``None`` (fresh entropy) is
    described as ``None``: such a run resumes from its checkpoint, whose
    generator states carry it on.
    """
    if rng is None:
        return None
    if isinstance(rng, numbers.Integral):
        return int(rng)
    bit_generator = generator.bit_generator
    name = type(bit_generator).__name__
    seq = getattr(bit_generator, "seed_seq", getattr(bit_generator, "_seed_seq", None))
    if checkpoint is not None and name not in ckpt.BIT_GENERATORS:
        raise ValueError(
            f"rng uses the bit generator {name}, which a checkpoint cannot restore; pass an "
            f"int seed or a Generator of {', '.join(ckpt.BIT_GENERATORS)}"
        )
    if not isinstance(seq, np.random.SeedSequence):
        if checkpoint is not None:
            raise ValueError(
                f"rng={rng!r} has no SeedSequence to describe the run by, so a checkpoint "
                f"could never be matched on restart; pass an int seed"
            )
        return repr(rng)
    entropy = seq.entropy
    return {
        "bit_generator": name,
        "entropy": entropy if isinstance(entropy, int) else [int(e) for e in entropy],
        "spawn_key": [int(k) for k in seq.spawn_key],
        "pool_size": int(seq.pool_size),
        "n_children_spawned": int(seq.n_children_spawned),
    }


def _fingerprint(model: KernelModel, start, m0, pattern) -> dict:
    """What else fixes a run beyond ``params``: the network's arrays and the start."""
    if isinstance(start, str):
        start_id = start
    else:
        start_id = hashlib.sha256(np.ascontiguousarray(start, dtype=np.int8)).hexdigest()[:16]
    return {
        "network": hashlib.sha256(model.xi_t).hexdigest()[:16],
        "kind": model.kind,
        "weight": model.weight,
        "start": start_id,
        "m0": None if m0 is None else float(m0),
        "pattern": int(pattern),
    }


def run(
    network: BinaryNetwork,
    *,
    T: float,
    n_sweeps: int,
    n_burnin: int = 0,
    rule: str | None = None,
    order: str = "random",
    n_replicas: int = 1,
    start: str | ArrayLike = "random",
    m0: float | None = None,
    pattern: int = 0,
    track: ArrayLike | None = None,
    probes: ArrayLike | None = None,
    measure_every: int = 1,
    rng: RNGLike = None,
    backend: str = "auto",
    n_workers: int = 1,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 1000,
    progress: bool = False,
) -> RunResult:
    """Run R single-spin-flip chains of ``network`` and measure.

    Parameters
    ----------
    network : Hopfield, DenseHopfield, ExponentialDAM or LearnedNetwork
    T : float
        Temperature, >= 0: ``T = 0`` is zero-temperature asynchronous
        dynamics, ``T = inf`` the paramagnet (``beta = 0``; Metropolis accepts
        every flip, heat bath flips with probability 1/2).
    n_sweeps : int
        Sweeps (N attempted flips each) after burn-in, >= 1; one measurement
        every ``measure_every`` sweeps: ``n_sweeps // measure_every``
        measurements, the last one after that many times ``measure_every``
        sweeps, where the run stops.
    n_burnin : int
        Sweeps discarded first, >= 0.
    rule : str, optional
        ``"metropolis"`` (default at T > 0), ``"heat-bath"``/``"glauber"``, or
        ``"zero-T"`` (default and only choice at T = 0).
    order : {"random", "sequential"}
    n_replicas : int
        Independent chains on the same patterns (replica overlaps q_ab).
    start, m0, pattern
        Initial condition, see :func:`hebbian.mc.sampler.init`.
    track : sequence of int, optional
        Patterns whose overlaps are recorded (default: the first min(K, 8));
        integers in [0, K).
    probes : array_like, shape (n_probes, N), optional
        Further vectors whose overlaps with every chain are recorded at each
        measurement (O(N n_probes) each), e.g. the archetypes behind a
        :class:`~hebbian.networks.learning.LearnedNetwork`.
    measure_every : int
        Sweeps between measurements, in [1, n_sweeps].
    rng : seed, SeedSequence or Generator
        Recorded in ``params`` reproducibly: an int as is, a ``Generator``
        or ``SeedSequence`` by the seed sequence its chains are spawned from
        (so ``np.random.default_rng(1)`` in a restarted process matches its
        checkpoint, while the same Generator object passed again in one
        process does not: it spawns other chains the second time).
    backend : {"auto", "numba", "numpy", "batched", "cupy"}
    n_workers : int
        Threads over chains.
    checkpoint : path, optional
        Resume from this file if it exists (same parameters required), and
        write it before the first sweep (so a path that cannot be written
        fails at once) and every ``checkpoint_every`` sweeps: a killed run
        restarted with the same arguments continues exactly where it stopped
        and gives the same numbers as a run that was never stopped.  An
        existing file is checked like any input (format, arrays, counters,
        generator states, overlap sums recomputed from the configurations).
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    RunResult

    Raises
    ------
    ValueError, TypeError
        Naming the argument, for anything out of range or of the wrong type;
        for a run whose arrays would exceed the memory limit of
        :func:`hebbian.limits.check_memory` (``HEBBIAN_MAX_MEMORY``); for a
        checkpoint path that is a directory or cannot be written, or a file
        there that is not a checkpoint of this run.  All before the first sweep.

    Examples
    --------
    >>> from hebbian import Hopfield, binary_patterns
    >>> net = Hopfield(binary_patterns(5, 200, rng=0))
    >>> res = run(net, T=0.1, n_sweeps=50, start="pattern", rng=1)
    >>> res.estimates["m_0"].mean > 0.9
    True
    """
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_burnin = check_int(n_burnin, "n_burnin", minimum=0)
    measure_every = check_int(measure_every, "measure_every", minimum=1)
    if measure_every > n_sweeps:
        raise ValueError(
            f"measure_every={measure_every} exceeds n_sweeps={n_sweeps}, so no measurement "
            f"would be taken; pass measure_every <= n_sweeps"
        )
    checkpoint_every = check_int(checkpoint_every, "checkpoint_every", minimum=1)
    R = check_int(n_replicas, "n_replicas", minimum=1)
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    if not isinstance(progress, bool | np.bool_):
        raise TypeError(f"progress={progress!r} must be True or False")
    if rule is None:
        rule = "zero-T" if isinstance(T, numbers.Real) and T == 0 else "metropolis"
    dynamics = Dynamics(T=T, rule=rule, order=order)
    backend_name, _ = resolve_backend(backend)
    path = None if checkpoint is None else ckpt.check_path(checkpoint)
    N, _, n_patterns = network_size(network)
    if N * (n_burnin + n_sweeps) >= 2**63:
        raise ValueError(
            f"N={N} times n_burnin={n_burnin} + n_sweeps={n_sweeps} is "
            f"{N * (n_burnin + n_sweeps)} flips per chain, beyond the chains' 64-bit flip "
            "counters; pass fewer sweeps"
        )
    track = check_track(track, n_patterns)
    probes = _check_probes(probes, N)
    n_meas = n_sweeps // measure_every
    check_memory(
        run_bytes(network, R, n_meas, len(track), len(probes)),
        f"mc.run with N={N}, K={n_patterns}, n_replicas={R} and n_sweeps={n_sweeps} // "
        f"measure_every={measure_every} = {n_meas} measurements",
    )
    if backend_name in BATCHED:
        per_call = max(measure_every, min(n_burnin, checkpoint_every))
        _check_batched(backend_name, network, N, per_call)
    generator = as_generator(rng)
    rng_description = _describe_rng(rng, generator, path)
    model = kernel_model(network)
    state = _init(model, R, start, m0, pattern, generator)
    pairs = list(itertools.combinations(range(R), 2))
    params = {
        "network": type(network).__name__,
        "N": model.N,
        "K": model.n_patterns,
        "P": model.P,
        "lam": model.lam,
        "T": dynamics.T,
        "rule": rule,
        "order": order,
        "n_replicas": R,
        "n_sweeps": n_sweeps,
        "n_burnin": n_burnin,
        "measure_every": measure_every,
        "track": track.tolist(),
        "backend": backend_name,
        "rng": rng_description,
        "hebbian": __version__,
    }
    energy = np.zeros((n_meas, R))
    overlaps = np.zeros((n_meas, R, len(track)))
    q = np.zeros((n_meas, len(pairs)))
    params["probes"] = hashlib.sha256(probes.tobytes()).hexdigest()[:16] if probes.size else None
    probed = np.zeros((n_meas, R, probes.shape[0]))
    burned, measured = 0, 0
    inputs = _fingerprint(model, start, m0, pattern) if path is not None else None
    if path is not None and path.exists():
        expected = {
            "sigma": (np.int8, state.sigma.shape),
            "S": (np.float64, state.S.shape),
            "counts": (np.int64, state.counts.shape),
            "energy": (np.float64, energy.shape),
            "overlaps": (np.float64, overlaps.shape),
            "q": (np.float64, q.shape),
            "probed": (np.float64, probed.shape),
        }
        arrays, meta = ckpt.load(path, expected)
        _check_same_run(path, meta, params, inputs)
        burned, measured = _check_progress(path, meta, n_burnin, n_meas)
        state = ChainState(
            arrays["sigma"],
            arrays["S"],
            arrays["counts"],
            ckpt.restore_rngs(meta["rng_states"], R, path),
        )
        _check_chain_arrays(path, model, state, dynamics, burned + measured * measure_every)
        energy, overlaps, q = arrays["energy"], arrays["overlaps"], arrays["q"]
        probed = arrays["probed"]
        _check_measurements(
            path, model, state, track, pairs, probes, measured, (energy, overlaps, q, probed)
        )

    def save() -> None:
        if checkpoint is not None:
            ckpt.save(
                checkpoint,
                {
                    "sigma": state.sigma,
                    "S": state.S,
                    "counts": state.counts,
                    "energy": energy,
                    "overlaps": overlaps,
                    "q": q,
                    "probed": probed,
                },
                {
                    "params": params,
                    "inputs": inputs,
                    "rng_states": ckpt.rng_states(state.rngs),
                    "burned": burned,
                    "measured": measured,
                },
            )

    save()  # before any sweep: a path that cannot be written fails now, not at the end
    bar = _progress(progress, n_burnin + n_meas * measure_every, burned + measured * measure_every)
    since_save = 0
    while burned < n_burnin:
        chunk = min(n_burnin - burned, checkpoint_every - since_save)
        step(model, state, dynamics, chunk, backend=backend, n_workers=n_workers)
        burned += chunk
        since_save += chunk
        bar.update(chunk)
        if since_save >= checkpoint_every:
            save()
            since_save = 0
    while measured < n_meas:
        step(model, state, dynamics, measure_every, backend=backend, n_workers=n_workers)
        energy[measured], overlaps[measured], q[measured] = _measure(model, state, track, pairs)
        probed[measured] = state.sigma @ probes.T / model.N
        measured += 1
        since_save += measure_every
        bar.update(measure_every)
        if since_save >= checkpoint_every:
            save()
            since_save = 0
    save()
    bar.close()
    return RunResult(params, energy, overlaps, track, q, pairs, state, probed)


def _check_batched(name: str, network, N: int, n_per_call: int) -> None:
    """What the batched backends refuse, refused before the run starts."""
    if isinstance(network, SherringtonKirkpatrick):
        raise ValueError(
            f"backend={name!r} samples pattern networks; pass backend='numba' for explicit "
            f"couplings"
        )
    if 2 * n_per_call * N >= 2**32:
        raise ValueError(
            f"measure_every or checkpoint_every of {n_per_call} sweeps at N={N} overflows the "
            f"batched backends' 32-bit draw counter; pass smaller ones or backend='numba'"
        )


def _check_probes(probes, N: int) -> np.ndarray:
    """Probe vectors as a finite float64 (n_probes, N) array, or an error naming probes."""
    if probes is None:
        return np.zeros((0, N))
    arr = as_real_array(probes, "probes", "real vectors, shape (n_probes, N)")
    if arr.ndim != 2 or arr.shape[1] != N:
        raise ValueError(f"probes has shape {arr.shape}; pass shape (n_probes, N={N})")
    check_memory(8 * arr.size, f"probes ({arr.shape[0]} x {N} float64)")
    arr = arr.astype(np.float64)
    if not np.all(np.isfinite(arr)) or np.max(np.abs(arr), initial=0.0) > 1e300 / N:
        raise ValueError(
            f"probes has NaN, inf or entries above {1e300 / N:.3g}; pass finite vectors, "
            f"shape (n_probes, N={N})"
        )
    return arr


def _check_same_run(path, meta: dict, params: dict, inputs: dict) -> None:
    """Refuse a checkpoint of another run, naming what differs."""
    saved = {**_as_dict(meta.get("params")), **_as_dict(meta.get("inputs"))}
    wanted = json.loads(json.dumps({**params, **inputs}))
    differ = sorted(k for k in wanted.keys() | saved.keys() if saved.get(k) != wanted.get(k))
    if differ:
        hint = (
            " (a Generator object spawns other chains each time it is passed: give a fresh "
            "np.random.default_rng(seed) or an int seed)"
            if "rng" in differ and isinstance(wanted.get("rng"), dict)
            else ""
        )
        raise ValueError(
            f"checkpoint={str(path)!r} was written by a run with other parameters "
            f"(differs in: {', '.join(differ)}); pass the same arguments{hint} or a new "
            f"checkpoint path"
        )


def _as_dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_progress(path, meta: dict, n_burnin: int, n_meas: int) -> tuple[int, int]:
    burned, measured = meta.get("burned"), meta.get("measured")
    if not (_count(burned) and _count(measured)):
        raise ckpt.invalid(path, "its counters burned and measured are not integers")
    if not (0 <= burned <= n_burnin and 0 <= measured <= n_meas):
        raise ckpt.invalid(
            path,
            f"burned={burned}, measured={measured} are outside [0, {n_burnin}] and [0, {n_meas}]",
        )
    if measured > 0 and burned != n_burnin:
        raise ckpt.invalid(path, f"measured={measured} before the burn-in ended")
    return burned, measured


def _check_chain_arrays(path, model, state: ChainState, dynamics: Dynamics, done: int) -> None:
    """Spins, counters and overlap sums of a loaded state, against each other."""
    sigma, counts = state.sigma, state.counts
    if not np.all((sigma == 1) | (sigma == -1)):
        raise ckpt.invalid(path, "sigma has entries other than -1 and +1")
    attempted, accepted = counts[:, kernels.ATTEMPTED], counts[:, kernels.ACCEPTED]
    sweeps, fixed = counts[:, kernels.SWEEPS], counts[:, kernels.FIXED]
    zero_T = dynamics.rule == "zero-T"
    ok = (
        np.all((sweeps >= 0) & (sweeps <= done))
        and np.all(attempted == sweeps * model.N)
        and np.all((accepted >= 0) & (accepted <= attempted))
        and np.all((fixed == 0) | (fixed == 1) if zero_T else fixed == 0)
        and (zero_T or np.all(sweeps == done))
    )
    if not ok:
        raise ckpt.invalid(path, f"its counters disagree with {done} sweeps done")
    sums = overlap_sums(model, sigma)
    if model.kind == kernels.KIND_COUPLINGS:
        # local fields J sigma: kept incrementally, so equal only up to rounding
        tol = 1e-9 * (1.0 + float(np.max(np.abs(model.xi_t).sum(axis=1))))
        same = bool(np.all(np.isfinite(state.S))) and np.allclose(state.S, sums, rtol=0, atol=tol)
    else:
        same = np.array_equal(state.S, sums)  # exact integers
    if not same:
        raise ckpt.invalid(path, "its overlap sums S disagree with its configurations sigma")


def _check_measurements(path, model, state, track, pairs, probes, measured, series) -> None:
    """Finite series, zeros past ``measured``, and a last row that the state reproduces."""
    q = series[2]
    if not all(np.all(np.isfinite(a)) for a in series):
        raise ckpt.invalid(path, "its measurements hold NaN or inf")
    if any(np.any(a[measured:]) for a in series):
        raise ckpt.invalid(path, f"it holds measurements past the {measured} it counts")
    if np.any(np.abs(q) > 1.0):
        raise ckpt.invalid(path, "its replica overlaps q are outside [-1, 1]")
    if measured == 0:
        return
    # the last measurement was taken on the saved state: recompute it
    last = (*_measure(model, state, track, pairs), state.sigma @ probes.T / model.N)
    for saved, again in zip(series, last, strict=True):
        if not np.allclose(saved[measured - 1], again, rtol=1e-12, atol=1e-12):
            raise ckpt.invalid(path, "its last measurement disagrees with its saved state")


def _progress(enabled: bool, total: int, initial: int):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="sweep", desc="mc", disable=not enabled)
