"""Parallel tempering (replica exchange) over a temperature ladder.

One chain per temperature; after every ``exchange_every`` sweeps, neighbouring
temperatures ``T_t < T_(t+1)`` try to exchange configurations (even pairs on
even rounds, odd pairs on odd rounds), accepted with probability
``min(1, exp((beta_t - beta_(t+1)) (E_t - E_(t+1))))``, which keeps the joint
Boltzmann distribution of the ladder invariant (Hukushima & Nemoto, J. Phys.
Soc. Jpn. 65, 1604 (1996)).  Temperatures move between chains, not
configurations: ``slot[t]`` is the chain currently at temperature ``t``.
The loop, checkpoints and their checks are :mod:`hebbian.mc.runstate`'s, as
for :func:`hebbian.mc.run`: a run resumes bit for bit, exchanges included.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import ArrayLike

from hebbian import __version__
from hebbian._checks import check_int, check_real
from hebbian.limits import check_memory
from hebbian.mc import checkpoint as ckpt
from hebbian.mc.backends import resolve_backend
from hebbian.mc.model import kernel_model
from hebbian.mc.runstate import (
    Exchanges,
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
    check_track,
    model_bytes,
    network_size,
    step,
)
from hebbian.mc.statistics import Estimate, estimate
from hebbian.networks import BinaryNetwork
from hebbian.random import RNGLike, as_generator

if TYPE_CHECKING:
    import xarray

__all__ = ["TemperingResult", "geometric_ladder", "parallel_tempering"]


def _short(value, limit: int = 60) -> str:
    text = repr(value).replace("\n", " ")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def geometric_ladder(T_min: float, T_max: float, n: int) -> np.ndarray:
    """Temperatures in geometric progression, the standard first choice.

    A geometric ladder gives roughly uniform exchange rates when the specific
    heat is roughly constant; check ``TemperingResult.swap_acceptance`` and
    add temperatures where it drops below ~0.2.
    """
    T_min = check_real(T_min, "T_min", low=0.0, low_open=True)
    T_max = check_real(T_max, "T_max", low=T_min, low_open=True)
    n = check_int(n, "n (temperatures)", minimum=2)
    return np.geomspace(T_min, T_max, n)


@dataclass
class TemperingResult:
    """Measurements by temperature and exchange statistics.

    Attributes
    ----------
    temperatures : numpy.ndarray, shape (n_T,)
    energy : numpy.ndarray, shape (n_measurements, n_T)
        Energy per neuron at each temperature.
    overlaps : numpy.ndarray, shape (n_measurements, n_T, n_track)
    track : numpy.ndarray
    swap_acceptance : numpy.ndarray, shape (n_T - 1,)
        Accepted / attempted exchanges between temperatures t and t + 1.
    round_trips : int
        Chains that went from the lowest to the highest temperature and back.
    slot : numpy.ndarray
        Chain at each temperature at the end.
    state : ChainState
    params : dict
        Everything the run was started with (and package version, backend).
    sweeps : numpy.ndarray of int64, shape (n_measurements,)
        Sweep number of each measurement, burn-in included.
    estimates : dict of str to list of Estimate
        :func:`hebbian.mc.statistics.estimate` of ``"energy"``, ``"m_mu"``
        and ``"|m_mu|"`` (tracked patterns ``mu``), one per temperature, from
        the series at that temperature (one chain: configurations travel
        along the ladder, temperatures stay).  Empty for fewer than two
        measurements.  Computed on first use.
    """

    temperatures: np.ndarray
    energy: np.ndarray
    overlaps: np.ndarray
    track: np.ndarray
    swap_acceptance: np.ndarray
    round_trips: int
    slot: np.ndarray
    state: ChainState
    params: dict
    sweeps: np.ndarray

    def configurations(self) -> np.ndarray:
        """Final configurations ordered by temperature, shape (n_T, N)."""
        return self.state.sigma[self.slot]

    @cached_property
    def estimates(self) -> dict[str, list[Estimate]]:
        if len(self.energy) < 2:
            return {}
        series = {"energy": self.energy}
        for j, mu in enumerate(self.track):
            series[f"m_{mu}"] = self.overlaps[:, :, j]
            series[f"|m_{mu}|"] = np.abs(self.overlaps[:, :, j])
        return {k: [estimate(x) for x in v.T] for k, v in series.items()}

    def to_xarray(self) -> xarray.Dataset:
        """The measurements as an :class:`xarray.Dataset` over chain, draw and temperature.

        ArviZ's layout with one chain (the series at one temperature is one
        chain of its Boltzmann distribution), ``draw`` the measurement with the
        sweep numbers ``sweeps`` as the coordinate ``sweep``, and ``temperature`` a
        further dimension, so that ArviZ's diagnostics run per temperature.

        Returns
        -------
        xarray.Dataset
            ``energy`` (chain, draw, temperature) and ``m`` (chain, draw,
            temperature, pattern), coordinates ``temperature`` (the ladder)
            and ``pattern`` (``track``).  Attributes: ``params`` (JSON),
            ``swap_acceptance`` and ``round_trips``.
        """
        variables = {
            "energy": (("chain", "draw", "temperature"), self.energy[None]),
            "m": (("chain", "draw", "temperature", "pattern"), self.overlaps[None]),
        }
        coords = {"chain": [0], "temperature": self.temperatures, "pattern": self.track}
        return draws_dataset(
            variables,
            coords,
            self.sweeps,
            self.params,
            swap_acceptance=self.swap_acceptance,
            round_trips=self.round_trips,
        )


def parallel_tempering(
    network: BinaryNetwork,
    *,
    T: ArrayLike,
    n_sweeps: int,
    n_burnin: int = 0,
    rule: str = "metropolis",
    order: str = "random",
    exchange_every: int = 1,
    start: str | ArrayLike = "random",
    track: ArrayLike | None = None,
    rng: RNGLike = None,
    backend: str = "auto",
    n_workers: int = 1,
    on_round: Callable[[ChainState, np.ndarray], None] | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 1000,
    progress: bool = False,
) -> TemperingResult:
    """Parallel tempering of ``network`` over the temperatures ``T``.

    Parameters
    ----------
    network : Hopfield, DenseHopfield, ExponentialDAM or SherringtonKirkpatrick
    T : array_like, shape (n_T,)
        Strictly increasing positive finite temperatures (see
        :func:`geometric_ladder`), each with a finite ``1/T``.
    n_sweeps, n_burnin : int
        Sweeps per chain measured / discarded; one exchange round and (after
        burn-in) one measurement every ``exchange_every`` sweeps
        (``exchange_every <= n_sweeps``, so that there is one).  The burn-in
        is rounded up to whole rounds.
    rule, order : str
        Single-spin-flip dynamics of every chain (finite temperature).
    start : see :func:`hebbian.mc.sampler.init`
    track : sequence of int, optional
        Patterns whose overlaps are recorded (default: first min(K, 8)).
    rng : seed, SeedSequence or Generator
        Chains and exchanges draw from independent children of it; recorded
        as in :func:`hebbian.mc.run`.
    backend, n_workers : see :func:`hebbian.mc.sampler.step`
    on_round : callable, optional
        ``on_round(state, slot)`` after every measured round (e.g. to histogram
        configurations).  A run resumed from a checkpoint calls it for the
        rounds it runs, not again for those before the checkpoint.
    checkpoint : path, optional
        As in :func:`hebbian.mc.run`: resume from this file if it exists
        (same arguments required), write it before the first sweep, after
        the first round that ends ``checkpoint_every`` sweeps or more after
        the last write, and at the end.  A killed run restarted with the
        same arguments gives the same measurements, swap statistics, round
        trips and final permutation as a run never stopped.  An existing file
        is checked like any input (see :meth:`hebbian.mc.runstate.RunState.resume`).
    checkpoint_every : int
    progress : bool
        Show a tqdm progress bar.

    Returns
    -------
    TemperingResult

    Raises
    ------
    ValueError, TypeError
        Naming the argument, for anything out of range or of the wrong type;
        for a run whose arrays would exceed the memory limit; for a checkpoint
        path that is a directory or cannot be written, or a file there that
        is not a checkpoint of this run.  All before the first sweep.

    References
    ----------
    K. Hukushima, K. Nemoto, J. Phys. Soc. Jpn. 65, 1604 (1996).

    Examples
    --------
    >>> from hebbian import SherringtonKirkpatrick
    >>> sk = SherringtonKirkpatrick.sample(20, rng=0)
    >>> res = parallel_tempering(sk, T=geometric_ladder(0.5, 1.5, 4), n_sweeps=200, rng=1)
    >>> res.energy.shape, bool(res.estimates["energy"][0].mean < res.estimates["energy"][-1].mean)
    ((200, 4), True)
    """
    try:
        temps = np.asarray(T, dtype=np.float64)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"T={_short(T)} could not be read as temperatures ({exc})") from None
    if temps.ndim != 1 or temps.size < 2 or not np.all(np.isfinite(temps)):
        raise ValueError(f"T={_short(T)} must be a 1-D ladder of at least two finite temperatures")
    with np.errstate(divide="ignore", over="ignore"):
        betas = 1.0 / temps
    if temps[0] <= 0 or np.any(np.diff(temps) <= 0) or not np.isfinite(betas[0]):
        raise ValueError(
            f"T={_short(temps.tolist())} must be positive (with 1/T finite) and strictly "
            f"increasing"
        )
    n_sweeps = check_int(n_sweeps, "n_sweeps", minimum=1)
    n_burnin = check_int(n_burnin, "n_burnin", minimum=0)
    every = check_int(exchange_every, "exchange_every", minimum=1)
    if every > n_sweeps:
        raise ValueError(
            f"exchange_every={every} exceeds n_sweeps={n_sweeps}, so no measurement would be "
            f"taken; pass exchange_every <= n_sweeps"
        )
    n_workers = check_int(n_workers, "n_workers", minimum=1)
    checkpoint_every = check_int(checkpoint_every, "checkpoint_every", minimum=1)
    if on_round is not None and not callable(on_round):
        raise TypeError(f"on_round={on_round!r} must be a callable or None")
    if not isinstance(progress, bool | np.bool_):
        raise TypeError(f"progress={progress!r} must be True or False")
    backend_name, _ = resolve_backend(backend)
    path = None if checkpoint is None else ckpt.check_path(checkpoint)
    dyn = Dynamics(T=float(temps[0]), rule=rule, order=order)
    generator = as_generator(rng)
    rng_description = describe_rng(rng, generator, path)
    N, K, n_patterns = network_size(network)
    n_T = temps.size
    track = check_track(track, n_patterns)
    n_rounds = n_sweeps // every
    check_memory(
        model_bytes(network) + chain_bytes(N, K, n_T) + 8 * n_rounds * n_T * (1 + len(track)),
        f"parallel_tempering with N={N}, K={n_patterns}, {n_T} temperatures and "
        f"n_sweeps={n_sweeps} // exchange_every={every} = {n_rounds} measurements",
    )
    model = kernel_model(network)
    chain_seed, swap_rng = generator.spawn(2)
    params = {
        "network": type(network).__name__,
        "N": model.N,
        "K": model.n_patterns,
        **model.describe(),
        "T": temps.tolist(),
        "rule": rule,
        "order": order,
        "n_sweeps": n_sweeps,
        "n_burnin": n_burnin,
        "exchange_every": every,
        "track": track.tolist(),
        "backend": backend_name,
        "rng": rng_description,
        "hebbian": __version__,
    }
    state = RunState(
        Schedule(-(-n_burnin // every) * every, n_rounds, every, burnin_chunk=every),
        _init(model, n_T, start, None, 0, chain_seed),
        Recorder(n_rounds, {"energy": Series((n_T,)), "overlaps": Series((n_T, len(track)))}),
        Exchanges.start(n_T, swap_rng),
    )

    def sweep(n: int) -> None:
        """One round: ``n = every`` sweeps of each chain at its temperature, then exchanges."""
        exchanges, chains = state.exchanges, state.chains
        rnd = state.sweeps_done // every
        chain_beta = np.empty(n_T)
        chain_beta[exchanges.slot] = betas
        step(model, chains, dyn, n, backend=backend, n_workers=n_workers, betas=chain_beta)
        exchanges.swap(betas, np.asarray(model.energy(chains.sigma, chains.S)), rnd % 2)

    def measure(state: RunState) -> dict:
        slot = state.exchanges.slot
        energy = np.asarray(model.energy(state.chains.sigma, state.chains.S))
        return {"energy": energy[slot] / model.N, "overlaps": state.chains.m[slot][:, track]}

    def record() -> dict:
        row = measure(state)
        if on_round is not None:
            on_round(state.chains, state.exchanges.slot)
        return row

    identity = {}
    if path is not None:
        identity = {"params": params, "inputs": fingerprint(model, start)}
        if path.exists():
            state.resume(path, identity, model, dyn, measure)
    state.advance(
        sweep,
        record,
        checkpoint=path,
        identity=identity,
        checkpoint_every=checkpoint_every,
        progress=progress,
        desc="tempering",
    )
    exchanges, series = state.exchanges, state.recorder.arrays
    return TemperingResult(
        temps,
        series["energy"],
        series["overlaps"],
        track,
        exchanges.accepted / np.maximum(exchanges.attempted, 1),
        exchanges.round_trips,
        exchanges.slot.copy(),
        state.chains,
        params,
        state.schedule.sweeps(),
    )
