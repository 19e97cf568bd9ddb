"""``mc.run``: burn-in, measurements with error bars, checkpoints, progress.

Measured every ``measure_every`` sweeps, for each replica: the energy per
neuron, the Mattis overlaps of the tracked patterns, and the replica
overlaps ``q_ab = (1/N) sum_i sigma_i^a sigma_i^b`` of every pair.  Error bars
come from :mod:`hebbian.mc.statistics` (integrated autocorrelation time, effective
sample size, split-R-hat) on the (replica, measurement) series, each replica a
chain.  The loop, checkpoints and their checks are :mod:`hebbian.mc.runstate`'s.
"""

from __future__ import annotations

import hashlib
import itertools
import numbers
import os
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from hebbian import __version__
from hebbian._checks import as_real_array, check_int
from hebbian.limits import check_memory
from hebbian.mc import checkpoint as ckpt
from hebbian.mc.backends import BATCHED, resolve_backend
from hebbian.mc.model import kernel_model
from hebbian.mc.runstate import (
    Recorder,
    RunState,
    Schedule,
    Series,
    describe_rng,
    draws_dataset,
    fingerprint,
)
from hebbian.mc.sampler import (
    ChainState,
    Dynamics,
    _init,
    chain_bytes,
    check_backend_rule,
    check_track,
    model_bytes,
    network_size,
    step,
)
from hebbian.mc.statistics import Estimate, equilibration_check, estimate
from hebbian.networks import BinaryNetwork, SherringtonKirkpatrick
from hebbian.random import RNGLike, as_generator

if TYPE_CHECKING:
    import xarray

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
    sweeps : numpy.ndarray of int64, shape (n_measurements,)
        Sweep number of each measurement, burn-in included.
    estimates : dict of str to Estimate
        :func:`hebbian.mc.statistics.estimate` of ``"energy"``, ``"m_mu"``
        and ``"|m_mu|"`` (tracked patterns ``mu``), ``"probe_j"``, each from
        its (replica, measurement) series, replicas as chains (so with
        split-R-hat across them); and ``"|q|"``, the mean of ``|q_ab|`` over
        the pairs as one chain (pairs share replicas, so they are not
        independent chains).  Empty for fewer than two measurements.
        Computed on first use.
    """

    params: dict
    energy: np.ndarray
    overlaps: np.ndarray
    track: np.ndarray
    q: np.ndarray
    pairs: list
    state: ChainState
    probe_overlaps: np.ndarray
    sweeps: np.ndarray

    @cached_property
    def estimates(self) -> dict[str, Estimate]:
        if len(self.energy) < 2:
            return {}
        chains = {"energy": self.energy.T}
        for j, mu in enumerate(self.track):
            chains[f"m_{mu}"] = self.overlaps[:, :, j].T
            chains[f"|m_{mu}|"] = np.abs(self.overlaps[:, :, j]).T
        for j in range(self.probe_overlaps.shape[2]):
            chains[f"probe_{j}"] = self.probe_overlaps[:, :, j].T
        if self.pairs:
            chains["|q|"] = np.abs(self.q).mean(axis=1)
        return {k: estimate(v) for k, v in chains.items()}

    def to_xarray(self) -> xarray.Dataset:
        """The measurements as an :class:`xarray.Dataset` over ``("chain", "draw")``.

        ArviZ's layout: ``chain`` is the replica, ``draw`` the measurement,
        with the sweep numbers ``sweeps`` as the coordinate ``sweep``, so that
        ``arviz.summary(res.to_xarray(), var_names=["~q"])`` reads it.

        Returns
        -------
        xarray.Dataset
            ``energy`` (chain, draw); ``m`` (chain, draw, pattern), the
            overlaps of the tracked patterns (coordinate ``pattern``);
            ``probe_overlap`` (chain, draw, probe) if probes were given;
            ``q`` (draw, pair) for two replicas or more, with coordinates
            ``replica_a``, ``replica_b`` along ``pair`` (pairs are not
            chains: ``q`` has no chain dimension).  Attributes: ``params``
            (JSON) and ``acceptance`` (per chain).

        Examples
        --------
        >>> from hebbian import Hopfield, binary_patterns
        >>> res = run(Hopfield(binary_patterns(3, 100, rng=0)), T=0.5, n_sweeps=20,
        ...           n_burnin=10, n_replicas=2, start="pattern", rng=1)
        >>> ds = res.to_xarray()
        >>> ds["m"].dims, ds.sizes["chain"], ds["sweep"].values[:3].tolist()
        (('chain', 'draw', 'pattern'), 2, [11, 12, 13])
        """
        variables = {
            "energy": (("chain", "draw"), self.energy.T),
            "m": (("chain", "draw", "pattern"), self.overlaps.transpose(1, 0, 2)),
        }
        coords = {"chain": np.arange(self.energy.shape[1]), "pattern": self.track}
        if self.probe_overlaps.shape[2]:
            probed = self.probe_overlaps.transpose(1, 0, 2)
            variables["probe_overlap"] = (("chain", "draw", "probe"), probed)
            coords["probe"] = np.arange(probed.shape[2])
        if self.pairs:
            variables["q"] = (("draw", "pair"), self.q)
            a, b = np.array(self.pairs).T
            coords.update(pair=np.arange(a.size), replica_a=("pair", a), replica_b=("pair", b))
        return draws_dataset(
            variables, coords, self.sweeps, self.params, acceptance=self.acceptance
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
            return {
                "mean": e.mean,
                "error": e.error,
                "tau_int": e.tau_int,
                "ess": e.ess,
                "r_hat": e.r_hat,
                "n_chains": e.n_chains,
            }

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
    backend : {"auto", "numba", "lockstep", "numpy", "batched", "cupy"}
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
    check_backend_rule(backend_name, dynamics)
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
    rng_description = describe_rng(rng, generator, path)
    model = kernel_model(network)
    chains = _init(model, R, start, m0, pattern, generator)
    pairs = list(itertools.combinations(range(R), 2))
    params = {
        "network": type(network).__name__,
        "N": model.N,
        "K": model.n_patterns,
        **model.describe(),
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
        "probes": hashlib.sha256(probes.tobytes()).hexdigest()[:16] if probes.size else None,
    }
    recorder = Recorder(
        n_meas,
        {
            "energy": Series((R,)),
            "overlaps": Series((R, len(track))),
            "q": Series((len(pairs),), bound=1.0),
            "probed": Series((R, len(probes))),
        },
    )
    state = RunState(Schedule(n_burnin, n_meas, measure_every), chains, recorder)

    def measure(state: RunState) -> dict:
        energy, overlaps, q = _measure(model, state.chains, track, pairs)
        probed = state.chains.sigma @ probes.T / model.N
        return {"energy": energy, "overlaps": overlaps, "q": q, "probed": probed}

    identity = {}
    if path is not None:
        identity = {"params": params, "inputs": fingerprint(model, start, m0, pattern)}
        if path.exists():
            state.resume(path, identity, model, dynamics, measure)
    state.advance(
        lambda n: step(model, state.chains, dynamics, n, backend=backend, n_workers=n_workers),
        lambda: measure(state),
        checkpoint=path,
        identity=identity,
        checkpoint_every=checkpoint_every,
        progress=progress,
        desc="mc",
    )
    series = state.recorder.arrays
    return RunResult(
        params,
        series["energy"],
        series["overlaps"],
        track,
        series["q"],
        pairs,
        state.chains,
        series["probed"],
        state.schedule.sweeps(),
    )


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
