"""The resumable state of a Monte Carlo run and the loop that advances it.

:func:`hebbian.mc.run` and :func:`hebbian.mc.parallel_tempering` are the same
loop: a burn-in, then a measurement every ``measure_every`` sweeps, with a
checkpoint every ``checkpoint_every`` sweeps.  They differ in what a sweep
does (parallel tempering exchanges temperatures after each round of sweeps)
and in what a measurement records.

* :class:`Schedule` - burn-in sweeps, number of measurements, sweeps between them;
* :class:`Recorder` - the measurement series, preallocated, one row per measurement;
* :class:`Exchanges` - parallel tempering's bookkeeping: which chain is at which
  temperature, swap counters, round trips, and the generator of the swaps;
* :class:`RunState` - the chains, the recorder, the exchanges (if any) and the
  counters ``burned`` (burn-in sweeps done) and ``measured`` (measurements
  recorded); :meth:`RunState.advance` runs the loop, :meth:`RunState.save`
  writes a checkpoint (:mod:`hebbian.mc.checkpoint`) and
  :meth:`RunState.resume` reads one back, checked like any input: a file of
  another run, or edited, or torn, is refused with one line naming the file
  and the reason, before any sweep.

Everything that decides the numbers (configurations, overlap sums, counters,
generator states, swap bookkeeping, measurements so far) is in the
checkpoint, so a run killed and resumed, any number of times, gives exactly
the arrays of a run never stopped.
"""

from __future__ import annotations

import hashlib
import json
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from hebbian.mc import _numba as kernels
from hebbian.mc import checkpoint as ckpt
from hebbian.mc.model import KernelModel
from hebbian.mc.sampler import ChainState, Dynamics

if TYPE_CHECKING:
    import xarray

__all__ = [
    "Exchanges",
    "Recorder",
    "RunState",
    "Schedule",
    "Series",
    "describe_rng",
    "draws_dataset",
    "fingerprint",
]


@dataclass(frozen=True)
class Schedule:
    """How a run spends its sweeps.

    Attributes
    ----------
    n_burnin : int
        Sweeps discarded first.
    n_measurements : int
        Measurements after the burn-in, one every ``measure_every`` sweeps.
    measure_every : int
        Sweeps between measurements (and from the end of the burn-in to the
        first).
    burnin_chunk : int or None
        Sweeps per call of the sweep function during the burn-in (parallel
        tempering: one exchange round, and ``n_burnin`` a multiple of it);
        ``None``: as many as there are up to the next checkpoint.
    """

    n_burnin: int
    n_measurements: int
    measure_every: int
    burnin_chunk: int | None = None

    @property
    def n_sweeps(self) -> int:
        """Sweeps of the whole run, burn-in included."""
        return self.n_burnin + self.n_measurements * self.measure_every

    def sweeps(self) -> np.ndarray:
        """Sweep number (burn-in included) of each measurement, shape (n_measurements,)."""
        k = np.arange(1, self.n_measurements + 1, dtype=np.int64)
        return self.n_burnin + self.measure_every * k


class Series(NamedTuple):
    """One recorded quantity: its shape at one measurement and a bound on ``|entries|``."""

    shape: tuple[int, ...]
    bound: float = math.inf


class Recorder:
    """Measurement series, preallocated: row ``k`` of each is the ``k``-th measurement.

    Parameters
    ----------
    n_measurements : int
    series : dict of str to Series
        Name and shape of each recorded quantity; the name is also its name
        in a checkpoint.
    """

    def __init__(self, n_measurements: int, series: dict[str, Series]):
        self.series = dict(series)
        self.arrays = {k: np.zeros((n_measurements, *s.shape)) for k, s in self.series.items()}
        self.n_recorded = 0

    def record(self, row: dict) -> None:
        """Store one measurement: ``row`` maps every series name to its value."""
        for name, array in self.arrays.items():
            array[self.n_recorded] = row[name]
        self.n_recorded += 1

    def restore(self, path, arrays: dict, n_recorded: int) -> None:
        """Take the series of a checkpoint, refused unless finite, in bounds, zero past the end."""
        saved = {name: arrays[name] for name in self.arrays}
        if not all(np.all(np.isfinite(a)) for a in saved.values()):
            raise ckpt.invalid(path, "its measurements hold NaN or inf")
        if any(np.any(a[n_recorded:]) for a in saved.values()):
            raise ckpt.invalid(path, f"it holds measurements past the {n_recorded} it counts")
        for name, array in saved.items():
            bound = self.series[name].bound
            if np.any(np.abs(array) > bound):
                raise ckpt.invalid(path, f"its {name} series is outside [-{bound:g}, {bound:g}]")
        self.arrays, self.n_recorded = saved, n_recorded


@dataclass
class Exchanges:
    """Replica-exchange bookkeeping of parallel tempering.

    Attributes
    ----------
    slot : numpy.ndarray of int64, shape (n_T,)
        ``slot[t]`` is the chain at temperature ``t``.
    attempted, accepted : numpy.ndarray of int64, shape (n_T - 1,)
        Exchanges tried and made between temperatures ``t`` and ``t + 1``.
    direction : numpy.ndarray of int8, shape (n_T,)
        Per chain: 0 before it first reached the lowest temperature, 1 after
        it last visited the lowest, 2 once it reached the highest after that.
    round_trips : int
        Chains that went from the lowest temperature to the highest and back.
    rng : numpy.random.Generator
        Draws the exchange decisions.
    """

    slot: np.ndarray
    attempted: np.ndarray
    accepted: np.ndarray
    direction: np.ndarray
    round_trips: int
    rng: np.random.Generator

    @classmethod
    def start(cls, n_T: int, rng: np.random.Generator) -> Exchanges:
        """Chain ``t`` at temperature ``t``, nothing tried yet."""
        slot, zeros = np.arange(n_T, dtype=np.int64), np.zeros(n_T - 1, np.int64)
        return cls(slot, zeros, zeros.copy(), np.zeros(n_T, np.int8), 0, rng)

    def swap(self, betas: np.ndarray, energy: np.ndarray, parity: int) -> None:
        """Try to exchange the temperatures ``(t, t + 1)``, ``t = parity, parity + 2, ...``.

        ``energy[c]`` is chain ``c``'s.  Accepted with probability
        ``min(1, exp((beta_t - beta_(t+1)) (E_t - E_(t+1))))`` (Hukushima &
        Nemoto 1996); then the round trips are counted: a chain is "down"
        after visiting T_min and counts a trip on reaching T_max after that,
        then T_min again.
        """
        slot = self.slot
        for t in range(parity, slot.size - 1, 2):
            a, b = slot[t], slot[t + 1]
            log_ratio = (betas[t] - betas[t + 1]) * (energy[a] - energy[b])
            self.attempted[t] += 1
            # one uniform per attempt, drawn whatever the sign: chains in the same
            # state (or its flip) have energies equal up to rounding, and a draw
            # made only for a negative log_ratio would make the whole stream
            # depend on how the energies were summed
            if self.rng.random() < math.exp(min(log_ratio, 0.0)):
                slot[t], slot[t + 1] = b, a
                self.accepted[t] += 1
        lowest, highest = slot[0], slot[-1]
        if self.direction[lowest] == 2:
            self.round_trips += 1
        self.direction[lowest] = 1
        if self.direction[highest] == 1:
            self.direction[highest] = 2

    def arrays(self) -> dict:
        """The arrays a checkpoint holds, by name."""
        return {
            "slot": self.slot,
            "swaps_attempted": self.attempted,
            "swaps_accepted": self.accepted,
            "direction": self.direction,
        }

    def _restore(self, path, arrays: dict, round_trips, rng, n_rounds: int) -> Exchanges:
        """The saved exchanges after ``n_rounds`` rounds, checked against each other."""
        n_T = self.slot.size
        slot, attempted = arrays["slot"], arrays["swaps_attempted"]
        accepted, direction = arrays["swaps_accepted"], arrays["direction"]
        if not np.array_equal(np.sort(slot), np.arange(n_T)):
            raise ckpt.invalid(path, f"its slot is not a permutation of the {n_T} chains")
        # round r tries the pairs (t, t + 1) with t = r (mod 2)
        tried = np.where(np.arange(n_T - 1) % 2 == 0, (n_rounds + 1) // 2, n_rounds // 2)
        if not np.array_equal(attempted, tried) or np.any((accepted < 0) | (accepted > tried)):
            raise ckpt.invalid(path, f"its swap counters disagree with {n_rounds} rounds done")
        at_bottom = direction[slot[0]] == 1 if n_rounds else not np.any(direction)
        if not (np.all(direction <= 2) and np.all(direction >= 0) and at_bottom):
            raise ckpt.invalid(path, "its round-trip directions are not those of any run")
        if not (_count(round_trips) and 0 <= round_trips <= n_rounds):
            raise ckpt.invalid(path, f"round_trips={round_trips!r} is not in [0, {n_rounds}]")
        return Exchanges(slot, attempted, accepted, direction, round_trips, rng)


@dataclass
class RunState:
    """Where a run stands: its chains, measurements so far and counters.

    Attributes
    ----------
    schedule : Schedule
    chains : ChainState
    recorder : Recorder
    exchanges : Exchanges or None
        Parallel tempering's bookkeeping; ``None`` for independent chains.
    burned : int
        Burn-in sweeps done.
    """

    schedule: Schedule
    chains: ChainState
    recorder: Recorder
    exchanges: Exchanges | None = None
    burned: int = 0

    @property
    def measured(self) -> int:
        """Measurements recorded."""
        return self.recorder.n_recorded

    @property
    def sweeps_done(self) -> int:
        """Sweeps every chain has done, burn-in included."""
        return self.burned + self.measured * self.schedule.measure_every

    def _rngs(self) -> list:
        extra = [] if self.exchanges is None else [self.exchanges.rng]
        return [*self.chains.rngs, *extra]

    def _arrays(self) -> dict:
        chains = {"sigma": self.chains.sigma, "S": self.chains.S, "counts": self.chains.counts}
        extra = {} if self.exchanges is None else self.exchanges.arrays()
        return {**chains, **self.recorder.arrays, **extra}

    def save(self, path, identity: dict) -> None:
        """Write the state to the checkpoint ``path``, with ``identity`` to match on resume.

        Parameters
        ----------
        path : path
        identity : dict
            JSON-serializable description of the run (its parameters and
            inputs); :meth:`resume` refuses a file whose identity differs.
        """
        meta = {
            **identity,
            "rng_states": ckpt.rng_states(self._rngs()),
            "burned": self.burned,
            "measured": self.measured,
        }
        if self.exchanges is not None:
            meta["round_trips"] = self.exchanges.round_trips
        ckpt.save(path, self._arrays(), meta)

    def resume(
        self,
        path,
        identity: dict,
        model: KernelModel,
        dynamics: Dynamics,
        measure: Callable[[RunState], dict],
    ) -> None:
        """Continue from the checkpoint ``path`` of the same run, every part of it checked.

        ``self`` is the state the run starts from; its shapes are what the
        file must hold.  The file is refused (:func:`hebbian.mc.checkpoint.invalid`)
        unless it is a readable checkpoint of this format with exactly these
        arrays, written by a run of the same ``identity``, with counters in
        range, generator states NumPy accepts, spins of +-1, chain counters
        that agree with the sweeps done, overlap sums that the
        configurations reproduce, exchange bookkeeping of a possible run,
        finite measurements within their bounds, and a last measurement
        that ``measure`` recomputes from the saved state.

        Raises
        ------
        ValueError
            Naming the file and what is wrong with it.
        """
        expected = {k: (a.dtype, a.shape) for k, a in self._arrays().items()}
        arrays, meta = ckpt.load(path, expected)
        _check_same_run(path, meta, identity)
        schedule = self.schedule
        burned, measured = _check_progress(path, meta, schedule)
        rngs = ckpt.restore_rngs(meta["rng_states"], len(self._rngs()), path)
        R = self.chains.n_replicas
        chains = ChainState(arrays["sigma"], arrays["S"], arrays["counts"], rngs[:R])
        done = burned + measured * schedule.measure_every
        _check_chain_arrays(path, model, chains, dynamics, done)
        self.recorder.restore(path, arrays, measured)
        if self.exchanges is not None:
            n_rounds = done // schedule.measure_every
            self.exchanges = self.exchanges._restore(
                path, arrays, meta.get("round_trips"), rngs[R], n_rounds
            )
        self.chains, self.burned = chains, burned
        if measured:
            # the last measurement was taken on the saved state: take it again
            again = measure(self)
            for name, saved in self.recorder.arrays.items():
                if not np.allclose(saved[measured - 1], again[name], rtol=1e-12, atol=1e-12):
                    raise ckpt.invalid(path, "its last measurement disagrees with its saved state")

    def advance(
        self,
        sweep: Callable[[int], None],
        measure: Callable[[], dict],
        *,
        checkpoint: Path | None,
        identity: dict,
        checkpoint_every: int,
        progress: bool,
        desc: str,
    ) -> None:
        """Run the rest of the schedule: burn-in, measurements, checkpoints.

        Parameters
        ----------
        sweep : callable
            ``sweep(n)`` advances every chain by ``n`` sweeps.
        measure : callable
            ``measure()`` returns the row to record, by series name.
        checkpoint : Path or None
            Written before the first sweep (so a path that cannot be
            written fails at once), then whenever ``checkpoint_every``
            sweeps have passed since the last write (at the next point the
            schedule allows), and at the end.
        identity : dict
            See :meth:`save`.
        checkpoint_every : int
        progress : bool
            Show a tqdm progress bar labelled ``desc``.
        """
        from tqdm.auto import tqdm

        schedule = self.schedule
        since_save = 0

        def done(n: int) -> None:
            nonlocal since_save
            since_save += n
            bar.update(n)
            if since_save >= checkpoint_every:
                save()
                since_save = 0

        def save() -> None:
            if checkpoint is not None:
                self.save(checkpoint, identity)

        save()
        bar = tqdm(
            total=schedule.n_sweeps,
            initial=self.sweeps_done,
            unit="sweep",
            desc=desc,
            disable=not progress,
        )
        while self.burned < schedule.n_burnin:
            chunk = schedule.burnin_chunk or min(
                schedule.n_burnin - self.burned, checkpoint_every - since_save
            )
            sweep(chunk)
            self.burned += chunk
            done(chunk)
        while self.measured < schedule.n_measurements:
            sweep(schedule.measure_every)
            self.recorder.record(measure())
            done(schedule.measure_every)
        save()
        bar.close()


def draws_dataset(
    variables: dict, coords: dict, sweeps: np.ndarray, params: dict, **attrs
) -> xarray.Dataset:
    """Recorded series as an :class:`xarray.Dataset` in ArviZ's ``("chain", "draw")`` layout.

    ``draw`` numbers the measurements, with the sweeps done at each as the
    coordinate ``sweep`` along it; ``params`` is stored as a JSON attribute
    (netCDF attributes hold no nested dicts), beside ``attrs``.
    """
    import xarray as xr  # here: only this export needs it, and it is slow to import

    coords = {"draw": np.arange(sweeps.size), "sweep": ("draw", sweeps), **coords}
    return xr.Dataset(variables, coords=coords, attrs={"params": json.dumps(params), **attrs})


def describe_rng(rng, generator: np.random.Generator, checkpoint) -> object:
    """A reproducible description of ``rng`` for a run's parameters (never a memory address).

    The chains are children of the generator's ``SeedSequence``
    (``Generator.spawn``), so that sequence -- entropy, spawn key, pool size and
    how many children it had already spawned -- is what identifies them; the
    bit generator's own state does not enter.  ``None`` (fresh entropy) is
    described as ``None``: such a run resumes from its checkpoint, whose
    generator states carry it on.

    Raises
    ------
    ValueError
        With a ``checkpoint``, for a generator that a checkpoint could not
        restore or a later run could not be matched by.
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


def fingerprint(model: KernelModel, start, m0=None, pattern: int = 0) -> dict:
    """What fixes a run beyond its parameters: the network's arrays and the start."""
    if isinstance(start, str):
        start_id = start
    else:
        start_id = hashlib.sha256(np.ascontiguousarray(start, dtype=np.int8)).hexdigest()[:16]
    return {
        "network": hashlib.sha256(model.xi_t).hexdigest()[:16],
        **model.describe(),
        "start": start_id,
        "m0": None if m0 is None else float(m0),
        "pattern": int(pattern),
    }


def _check_same_run(path, meta: dict, identity: dict) -> None:
    """Refuse a checkpoint of another run, naming what differs."""
    saved = {k: v for part in identity for k, v in _as_dict(meta.get(part)).items()}
    wanted = json.loads(json.dumps({k: v for part in identity.values() for k, v in part.items()}))
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


def _check_progress(path, meta: dict, schedule: Schedule) -> tuple[int, int]:
    burned, measured = meta.get("burned"), meta.get("measured")
    n_burnin, n_meas = schedule.n_burnin, schedule.n_measurements
    if not (_count(burned) and _count(measured)):
        raise ckpt.invalid(path, "its counters burned and measured are not integers")
    if not (0 <= burned <= n_burnin and 0 <= measured <= n_meas):
        raise ckpt.invalid(
            path,
            f"burned={burned}, measured={measured} are outside [0, {n_burnin}] and [0, {n_meas}]",
        )
    if measured > 0 and burned != n_burnin:
        raise ckpt.invalid(path, f"measured={measured} before the burn-in ended")
    if schedule.burnin_chunk and burned % schedule.burnin_chunk:
        raise ckpt.invalid(
            path, f"burned={burned} is not a whole number of rounds of {schedule.burnin_chunk}"
        )
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
    sums = model.overlap_sums(sigma)
    if not model.family.exact:
        # local fields J sigma: kept incrementally, so equal only up to rounding
        tol = 1e-9 * (1.0 + float(np.max(np.abs(model.xi_t).sum(axis=1))))
        same = bool(np.all(np.isfinite(state.S))) and np.allclose(state.S, sums, rtol=0, atol=tol)
    else:
        same = np.array_equal(state.S, sums)  # exact integers
    if not same:
        raise ckpt.invalid(path, "its overlap sums S disagree with its configurations sigma")
