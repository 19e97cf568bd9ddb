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
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike

from hebbian import __version__
from hebbian._checks import check_int
from hebbian.mc import checkpoint as ckpt
from hebbian.mc.backends import resolve_backend
from hebbian.mc.model import kernel_model
from hebbian.mc.sampler import ChainState, Dynamics, init, step
from hebbian.mc.statistics import Estimate, equilibration_check, estimate
from hebbian.networks import BinaryNetwork
from hebbian.random import RNGLike

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
        """JSON-serializable summary: parameters, estimates, diagnostics."""

        def est(e: Estimate) -> dict:
            return {"mean": e.mean, "error": e.error, "tau_int": e.tau_int, "ess": e.ess}

        return {
            "params": self.params,
            "estimates": {k: est(v) for k, v in self.estimates.items()},
            "acceptance": self.acceptance.tolist(),
            "at_fixed_point": self.state.at_fixed_point.tolist(),
            "equilibrated": self.equilibrated() if len(self.energy) >= 8 else None,
            "n_measurements": len(self.energy),
        }


def _measure(model, state: ChainState, track, pairs):
    energy = np.asarray(model.energy(state.sigma, state.S)) / model.N
    overlaps = state.m[:, track]
    s = state.sigma.astype(np.float64)
    q = np.array([s[a] @ s[b] / model.N for a, b in pairs])
    return energy, overlaps, q


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
        Temperature (``T = 0``: zero-temperature asynchronous dynamics).
    n_sweeps : int
        Sweeps (N attempted flips each) after burn-in; one measurement every
        ``measure_every`` sweeps.
    n_burnin : int
        Sweeps discarded first.
    rule : str, optional
        ``"metropolis"`` (default at T > 0), ``"heat-bath"``/``"glauber"``, or
        ``"zero-T"`` (default and only choice at T = 0).
    order : {"random", "sequential"}
    n_replicas : int
        Independent chains on the same patterns (replica overlaps q_ab).
    start, m0, pattern
        Initial condition, see :func:`hebbian.mc.sampler.init`.
    track : sequence of int, optional
        Patterns whose overlaps are recorded (default: the first min(K, 8)).
    probes : array_like, shape (n_probes, N), optional
        Further vectors whose overlaps with every chain are recorded at each
        measurement (O(N n_probes) each), e.g. the archetypes behind a
        :class:`~hebbian.networks.learning.LearnedNetwork`.
    rng : seed, SeedSequence or Generator
    backend : {"auto", "numba", "numpy", "batched", "cupy"}
    n_workers : int
        Threads over chains.
    checkpoint : path, optional
        Resume from this file if it exists (same parameters required), and
        write it every ``checkpoint_every`` sweeps: a killed run restarted with
        the same arguments continues exactly where it stopped and gives the
        same numbers as a run that was never stopped.
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    RunResult

    Examples
    --------
    >>> from hebbian import Hopfield, binary_patterns
    >>> net = Hopfield(binary_patterns(5, 200, rng=0))
    >>> res = run(net, T=0.1, n_sweeps=50, start="pattern", rng=1)
    >>> res.estimates["m_0"].mean > 0.9
    True
    """
    model = kernel_model(network)
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_burnin = check_int(n_burnin, "n_burnin", minimum=0)
    measure_every = check_int(measure_every, "measure_every", minimum=1)
    checkpoint_every = check_int(checkpoint_every, "checkpoint_every", minimum=1)
    rule = rule or ("zero-T" if T == 0 else "metropolis")
    dynamics = Dynamics(T=T, rule=rule, order=order)
    backend_name, _ = resolve_backend(backend)
    n_patterns = model.n_patterns
    track = np.arange(min(n_patterns, 8)) if track is None else np.asarray(track, dtype=np.int64)
    if track.ndim != 1 or np.any((track < 0) | (track >= n_patterns)):
        raise ValueError(
            f"track={track.tolist()} must list pattern indices in [0, K={n_patterns})"
        )
    state = init(network, n_replicas=n_replicas, start=start, m0=m0, pattern=pattern, rng=rng)
    pairs = list(itertools.combinations(range(state.n_replicas), 2))
    n_meas = n_sweeps // measure_every
    params = {
        "network": type(network).__name__,
        "N": model.N,
        "K": model.n_patterns,
        "P": model.P,
        "lam": model.lam,
        "T": dynamics.T,
        "rule": rule,
        "order": order,
        "n_replicas": state.n_replicas,
        "n_sweeps": n_sweeps,
        "n_burnin": n_burnin,
        "measure_every": measure_every,
        "track": track.tolist(),
        "backend": backend_name,
        "rng": rng if isinstance(rng, int) else repr(rng),
        "hebbian": __version__,
    }
    energy = np.zeros((n_meas, state.n_replicas))
    overlaps = np.zeros((n_meas, state.n_replicas, len(track)))
    q = np.zeros((n_meas, len(pairs)))
    probes = np.zeros((0, model.N)) if probes is None else np.asarray(probes, dtype=np.float64)
    if probes.ndim != 2 or probes.shape[1] != model.N or not np.all(np.isfinite(probes)):
        raise ValueError(
            f"probes has shape {probes.shape}; pass finite vectors, shape (n_probes, N={model.N})"
        )
    params["probes"] = hashlib.sha256(probes.tobytes()).hexdigest()[:16] if probes.size else None
    probed = np.zeros((n_meas, state.n_replicas, probes.shape[0]))
    burned, measured = 0, 0
    if checkpoint is not None and Path(checkpoint).exists():
        arrays, meta = ckpt.load(checkpoint)
        if meta["params"] != json.loads(json.dumps(params)):
            raise ValueError(
                f"checkpoint={str(checkpoint)!r} was written by a run with other parameters; "
                f"pass the same arguments or a new checkpoint path"
            )
        state = ChainState(
            arrays["sigma"], arrays["S"], arrays["counts"], ckpt.restore_rngs(meta["rng_states"])
        )
        energy, overlaps, q = arrays["energy"], arrays["overlaps"], arrays["q"]
        probed = arrays["probed"]
        burned, measured = meta["burned"], meta["measured"]

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
                    "rng_states": ckpt.rng_states(state.rngs),
                    "burned": burned,
                    "measured": measured,
                },
            )

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


def _progress(enabled: bool, total: int, initial: int):
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=initial, unit="sweep", desc="mc", disable=not enabled)
