"""Parameter sweeps: a grid of independent points, run on an Executor, stored point by point.

A :class:`Sweep` names a task (``"module:function"``), the parameters it
holds fixed and the grid axes it varies.  :meth:`Sweep.run` sends every point
not yet stored to an executor (:mod:`hebbian.executors`: this process, a
local process pool, a Dask cluster, or any Executor), writes each result as
it arrives to one netCDF-4 file (:mod:`hebbian.store`), and returns it as a
labelled :class:`xarray.Dataset`.  Run again after a crash or a kill, it
computes only the missing points.

Randomness.  A task with an ``rng`` parameter gets a
:class:`numpy.random.Generator` seeded by the sweep's ``seed`` and the
point's parameters (a SHA-256 of them as the spawn key), so a point draws the
same numbers whatever executor runs it, in whatever order, in a first run or
a resumed one.  A task with a ``seed`` parameter gets the sweep's seed as is.

Results.  A task returns a mapping of outputs (nested mappings are flattened
to ``outer.inner``), an object with ``to_dict()`` (such as
:class:`hebbian.theory.solution.Solution`), a dataclass, or a single value (stored as
``value``).  Outputs are numbers, booleans, text or numeric arrays of the
same shape at every point.

Sweep files (``hebbian sweep FILE``) are TOML; :data:`EXAMPLE` is one.

Trust.  A task is code, and a sweep file names one: a file from elsewhere
must not run ``os:system``.  So :meth:`Sweep.from_toml` accepts only
registered tasks (:func:`registered_tasks`): the package's own
(:data:`TASKS`: every theory solver, under its ``hebbian solve`` name, and
the Monte Carlo sweep tasks) and those that installed packages register in
the entry-point group ``hebbian.sweep_tasks`` (``name = "module:function"``),
named by their short name or in full.  Any other task needs the reader's
explicit opt-in, ``Sweep.from_toml(path, allow_any_task=True)`` (``hebbian
sweep --allow-any-task``); its module is then also imported from the sweep
file's folder (``task = "mytasks:f"`` for ``mytasks.py`` beside the file),
here and in every worker (:attr:`Sweep.import_from`).  Python code is trusted
as it stands: ``Sweep("module:function", ...)`` or ``Sweep(function, ...)``
runs any importable function.

Failed points.  A point whose task raised is not stored (the sweep stops
with :class:`SweepError`, and a rerun computes it).  A point whose task
returned a failure (``success=False``, NaN) is stored, and a rerun keeps it,
unless ``Sweep.run(..., retry=...)`` names the output that tells failures
(``retry="success"``) or a function that picks them.

Integrity.  A damaged, foreign or altered output file is refused, before any
work, with one ``ValueError`` (:class:`hebbian.store.SweepFileError`) naming
the file, what is wrong and the way out; see :mod:`hebbian.store`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import importlib
import importlib.metadata
import inspect
import itertools
import json
import logging
import math
import os
import socket
import sys
import time
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Executor, wait
from pathlib import Path

import numpy as np

from hebbian._checks import check_int
from hebbian.executors import executor as open_executor
from hebbian.executors import max_in_flight
from hebbian.limits import check_memory
from hebbian.store import BOOKKEEPING, SweepFile, check_same_sweep, load

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = ["ENTRY_POINTS", "EXAMPLE", "TASKS", "Sweep", "SweepError", "load", "registered_tasks"]

_logger = logging.getLogger(__name__)

#: Tasks kept submitted at once to a pool or cluster: enough to keep thousands
#: of workers busy, and a bound on the futures held for a grid of millions.
IN_FLIGHT = 4096
#: Bytes a sweep keeps per grid point besides its outputs: the stored done
#: flag, time and checksum, and the masks of points stored and to run.
BYTES_PER_POINT = 16

EXAMPLE = """\
# A hebbian sweep file: run it with `hebbian sweep FILE [--workers N | --scheduler ADDRESS]`.
description = "Hopfield retrieval in replica symmetry (AGS 1987) on an (alpha, T) grid"

# The function computing one point, as module:function (or its short name):
# theory solvers, Monte Carlo tasks such as "hebbian.mc.retrieval:retrieval_overlap",
# tasks installed packages register; your own module beside this file needs
# `hebbian sweep --allow-any-task` (a sweep file runs its task as code).
task = "hebbian.theory.hopfield:solve"

# Results file (netCDF-4), relative to this file's folder; rerunning resumes it.
output = "hopfield_rs.h5"

# seed = 2026     # needed by tasks that draw random numbers (rng or seed parameter)

[fixed]           # parameters held fixed at every point
branch = "retrieval"

[grid]            # one axis per varied parameter: a list, or an evenly spaced range
alpha = { start = 0.01, stop = 0.13, num = 7 }
T = [0.0, 0.1, 0.2, 0.3]
"""

#: Keys a sweep file may hold.
FILE_KEYS = ("description", "task", "output", "seed", "fixed", "grid")
#: Parameters the sweep supplies itself.
RESERVED = ("rng", "seed")

#: The package's own sweep tasks, short name -> "module:function": every theory
#: solver under its ``hebbian solve`` name, and the Monte Carlo tasks.  Names,
#: not imports, so that checking a sweep file imports no solver and no Numba.
TASKS = {
    "hopfield": "hebbian.theory.hopfield:solve",
    "hopfield-equilibrium": "hebbian.theory.hopfield:equilibrium",
    "hopfield-alpha-c": "hebbian.theory.hopfield:alpha_c",
    "hopfield-T-M": "hebbian.theory.hopfield:T_M",
    "hopfield-T-c": "hebbian.theory.hopfield:T_c",
    "hopfield-T-AT": "hebbian.theory.hopfield:T_AT",
    "hopfield-mixture": "hebbian.theory.hopfield:mixture",
    "hopfield-1rsb": "hebbian.theory.hopfield_rsb:solve_1rsb",
    "hopfield-alpha-c-1rsb": "hebbian.theory.hopfield_rsb:alpha_c_1rsb",
    "dense": "hebbian.theory.dense:solve",
    "dense-alpha-c": "hebbian.theory.dense:alpha_c",
    "dense-T-M": "hebbian.theory.dense:T_M",
    "dense-T-c": "hebbian.theory.dense:T_c",
    "dense-rsb": "hebbian.theory.dense_rsb:solve_rsb",
    "dense-alpha-c-rsb": "hebbian.theory.dense_rsb:alpha_c_rsb",
    "dense-constrained-rsb": "hebbian.theory.dense_rsb:constrained_rsb",
    "exponential-critical-load": "hebbian.theory.exponential:critical_load",
    "exponential-one-step": "hebbian.theory.exponential:alpha_one_step",
    "exponential-zero-T": "hebbian.theory.exponential:alpha_zero_T",
    "exponential-basin": "hebbian.theory.exponential:cue_overlap_c",
    "exponential-spinodal": "hebbian.theory.exponential:alpha_spinodal",
    "exponential-equilibrium": "hebbian.theory.exponential:alpha_thermodynamic",
    "learning": "hebbian.theory.learning:solve",
    "learning-example": "hebbian.theory.learning:solve_example",
    "learning-alpha-c": "hebbian.theory.learning:alpha_c",
    "learning-examples-c": "hebbian.theory.learning:examples_c",
    "learning-constrained": "hebbian.theory.learning:constrained",
    "multitask": "hebbian.theory.multitask:solve",
    "multitask-rho-c": "hebbian.theory.multitask:rho_c",
    "multitask-rho-parallel": "hebbian.theory.multitask:rho_parallel",
    "dmft": "hebbian.theory.dmft:solve_vanilla",
    "dmft-gated": "hebbian.theory.gated_dmft:solve_gated",
    "dmft-gated-branch": "hebbian.theory.gated_dmft:solve_gated_branch",
    "sk": "hebbian.theory.sk:solve",
    "sk-T-AT": "hebbian.theory.sk:T_AT",
    "sk-rsb": "hebbian.theory.sk:solve_rsb",
    "sk-full-rsb": "hebbian.theory.sk:solve_full_rsb",
    "mc-retrieval-overlap": "hebbian.mc.retrieval:retrieval_overlap",
    "mc-retrieval-slope": "hebbian.mc.retrieval:retrieval_slope",
    "mc-capacity": "hebbian.mc.capacity:capacity",
    "mc-retrieval-probability": "hebbian.mc.capacity:retrieval_probability",
    "mc-sk-tempering": "hebbian.mc.glass:sk_tempering",
    "mc-dense-tempering": "hebbian.mc.glass:dense_tempering",
    "mc-pspin-tempering": "hebbian.mc.glass:pspin_tempering",
    "mc-pspin-enumeration": "hebbian.mc.glass:pspin_enumeration",
    "mc-archetype-overlap": "hebbian.mc.learning:archetype_overlap",
    "mc-archetype-slope": "hebbian.mc.learning:archetype_slope",
    "mc-class-detection": "hebbian.mc.learning:class_detection",
    "mc-multitask-amplitudes": "hebbian.mc.multitask:amplitudes",
    "mc-top-weight": "hebbian.mc.condensation:top_weight",
}
#: The entry-point group in which installed packages register sweep tasks,
#: e.g. in their pyproject.toml: ``[project.entry-points."hebbian.sweep_tasks"]``
#: ``my-task = "mypackage.tasks:my_task"``.
ENTRY_POINTS = "hebbian.sweep_tasks"


def registered_tasks() -> dict[str, str]:
    """The tasks a sweep file may name: short name -> ``"module:function"``.

    :data:`TASKS`, and the tasks installed packages register in the
    entry-point group :data:`ENTRY_POINTS` (read now; a package's name that
    is one of :data:`TASKS` is ignored).
    """
    plugins = {
        ep.name: f"{ep.module}:{ep.attr}"
        for ep in importlib.metadata.entry_points(group=ENTRY_POINTS)
        if ep.attr
    }
    return {**plugins, **TASKS}


def _registered(task: str) -> str | None:
    """``task``, a short name or ``"module:function"``, in full if registered, else None."""
    tasks = registered_tasks()
    if task in tasks:
        return tasks[task]
    return task if task in tasks.values() else None


def _importable_from(folder: str) -> None:
    """Put ``folder`` first on this process's module search path (once)."""
    if folder not in sys.path:
        sys.path.insert(0, folder)
        importlib.invalidate_caches()


class SweepError(RuntimeError):
    """A task failed at a point; the points finished before it are stored."""


@functools.cache
def resolve(task: str) -> Callable:
    """Import the function named ``"module:function"``."""
    module_name, _, attr = task.partition(":")
    if not module_name or not attr:
        raise ValueError(
            f"task={task!r} must name a function as 'module:function' "
            "or be the short name of a registered task (hebbian.sweep.registered_tasks())"
        )
    try:
        obj = importlib.import_module(module_name)
        for part in attr.split("."):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"task={task!r} cannot be imported: {exc}") from exc
    if not callable(obj):
        raise ValueError(f"task={task!r} is not callable")
    return obj


def _task_name(task) -> str:
    if isinstance(task, str):
        if ":" not in task:
            return _registered(task) or task  # a short name; else resolve() says what is wrong
        return task
    name = f"{task.__module__}:{task.__qualname__}"
    if "<" in name or task.__module__ == "__main__":
        raise ValueError(
            f"task={name!r} cannot be imported by worker processes; "
            "define it at the top level of an importable module"
        )
    return name


@dataclasses.dataclass(frozen=True)
class Sweep:
    """A grid of parameter points of one task.

    Parameters
    ----------
    task : str or callable
        ``"module:function"``, the short name of a registered task (see
        :func:`registered_tasks`), or the function itself, if importable:
        called as ``task(**fixed, **point)``, plus ``rng=`` / ``seed=`` when
        it takes them (see the module docstring).
    grid : dict
        Axis name -> sequence of values; the points are the Cartesian product,
        in this order, the last axis varying fastest.
    fixed : dict, optional
        Parameters held fixed at every point.
    seed : int, optional
        Required when the task takes ``rng`` or ``seed``.
    import_from : path, optional
        A folder the task's module is imported from: put first on the module
        search path of this process and of every worker (before the task is
        imported there), e.g. the folder of ``mytasks.py`` for
        ``"mytasks:f"``.  :meth:`from_toml` sets it to the sweep file's
        folder for an unregistered task.  Not part of the sweep's identity.

    Raises
    ------
    ValueError, TypeError
        At construction, before any work: an unknown task or parameter, a
        missing required parameter, an empty axis, a value of the wrong type.
    """

    task: str | Callable
    grid: Mapping[str, typing.Sequence]
    fixed: Mapping[str, typing.Any] = dataclasses.field(default_factory=dict)
    seed: int | None = None
    import_from: str | None = None

    def __post_init__(self):
        for name in ("grid", "fixed"):
            if not isinstance(getattr(self, name), Mapping):
                value = getattr(self, name)
                raise TypeError(f"{name}={value!r} must be a mapping of name -> value")
        set_ = functools.partial(object.__setattr__, self)
        if self.import_from is not None:
            folder = Path(self.import_from).resolve()
            if not folder.is_dir():
                raise ValueError(f"import_from={str(folder)!r} is not a folder")
            set_("import_from", str(folder))
            _importable_from(self.import_from)
        set_("task", _task_name(self.task))
        set_("grid", {name: _axis(name, values) for name, values in dict(self.grid).items()})
        set_("fixed", dict(self.fixed))
        if self.seed is not None:
            set_("seed", check_int(self.seed, "seed", minimum=0))
        if not self.grid:
            raise ValueError("grid={} is empty: give at least one axis, e.g. grid={'T': [0.1]}")
        clash = sorted(set(self.grid) & set(BOOKKEEPING))
        if clash:
            raise ValueError(
                f"grid axis {clash[0]!r} has the name of a variable every sweep file "
                f"holds ({', '.join(BOOKKEEPING)}); a sweep cannot vary it"
            )
        _check_parameters(resolve(self.task), self)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(v) for v in self.grid.values())

    @property
    def size(self) -> int:
        return math.prod(self.shape)

    def spec(self) -> dict:
        """What identifies the sweep (stored in its file; resuming needs the same)."""
        return {"task": self.task, "grid": self.grid, "fixed": self.fixed, "seed": self.seed}

    def points(self) -> Iterator[tuple[tuple[int, ...], dict]]:
        """``(grid index, all parameters)`` of every point, last axis fastest."""
        axes = list(self.grid)
        for index in np.ndindex(*self.shape):
            point = {axis: self.grid[axis][i] for axis, i in zip(axes, index, strict=True)}
            yield index, {**self.fixed, **point}

    @classmethod
    def from_toml(
        cls, path: str | os.PathLike, *, allow_any_task: bool = False
    ) -> tuple[Sweep, Path]:
        """Read a sweep file; return the sweep and its output path (see :data:`EXAMPLE`).

        Parameters
        ----------
        path : path
            The TOML sweep file.
        allow_any_task : bool
            Run a task that is not registered (:func:`registered_tasks`):
            any ``"module:function"``, its module also imported from the
            file's folder.  Only for a sweep file you trust: its task is code.

        Raises
        ------
        ValueError, TypeError
            The file cannot be read, or holds an unknown key, an unregistered
            task (without ``allow_any_task``) or a bad sweep; nothing is
            imported for an unregistered task before it is allowed.
        """
        path = Path(path)
        try:
            spec = tomllib.loads(path.read_text())
        except OSError as exc:
            raise ValueError(f"sweep file {path} cannot be read: {exc}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"sweep file {path} is not valid TOML: {exc}") from exc
        unknown = sorted(set(spec) - set(FILE_KEYS))
        if unknown:
            raise ValueError(
                f"sweep file {path}: unknown key(s) {', '.join(unknown)}; "
                f"known: {', '.join(FILE_KEYS)} (task parameters go under [fixed] or [grid])"
            )
        for key in ("task", "output", "grid"):
            if key not in spec:
                raise ValueError(
                    f"sweep file {path}: missing {key!r} (see `hebbian sweep --example`)"
                )
        task, folder = spec["task"], None
        if not isinstance(task, str):
            raise ValueError(f"sweep file {path}: task={task!r} must be text, 'module:function'")
        if _registered(task) is None:
            if not allow_any_task:
                raise ValueError(
                    f"sweep file {path}: task={task!r} is not a registered sweep task, and a "
                    "sweep file runs its task as code; name a registered one "
                    "(hebbian.sweep.registered_tasks()) or, if you trust this file, allow "
                    "any task: hebbian sweep --allow-any-task (Python: "
                    "Sweep.from_toml(path, allow_any_task=True))"
                )
            folder = path.parent
        if not isinstance(spec["output"], str):
            raise TypeError(f"sweep file {path}: output={spec['output']!r} must be a file name")
        if not isinstance(spec["grid"], dict):
            raise TypeError(f"sweep file {path}: grid={spec['grid']!r} must be a table of axes")
        grid = {name: _toml_axis(name, values) for name, values in spec["grid"].items()}
        sweep = cls(task, grid, spec.get("fixed", {}), spec.get("seed"), import_from=folder)
        return sweep, path.parent / spec["output"]

    def run(
        self,
        output: str | os.PathLike,
        *,
        workers: int | None = None,
        scheduler: str | None = None,
        executor: Executor | None = None,
        progress: bool | None = None,
        retry: str | Callable | None = None,
    ):
        """Compute the points not yet in ``output``, storing each as it finishes.

        Parameters
        ----------
        output : path
            netCDF-4 results file; created, or resumed if it holds this sweep.
            It is created only once every check has passed (the sweep, the
            output's folder, the executor).
        workers, scheduler
            Where tasks run: see :func:`hebbian.executors.executor`.
        executor : concurrent.futures.Executor, optional
            Use this one instead (e.g. ``mpi4py.futures.MPIPoolExecutor()``);
            it is not shut down.
        progress : bool, optional
            tqdm progress bar; default: shown on a terminal.
        retry : str or callable, optional
            Compute again the stored points that failed.  The name of an
            output: a point failed where it is False or NaN (anywhere, for an
            array output), or was not returned; ``retry="success"`` for a
            solver's :class:`~hebbian.theory.solution.Solution`,
            ``retry="value"`` for a task returning NaN when it fails.  Or a
            function: given the stored results (:func:`hebbian.store.load`),
            it returns a boolean mask over the grid axes (an array of
            :attr:`shape` or a DataArray), True where a point is to be
            computed again.  Points not stored are computed anyway.

        Returns
        -------
        xarray.Dataset
            :func:`hebbian.store.load` of ``output``.

        Raises
        ------
        SweepError
            A task raised; the points finished so far are stored.
        ValueError
            Before any work: ``output`` cannot be written, holds another
            sweep, is damaged or altered, or is being written by another
            process (:class:`hebbian.store.SweepFileError`); bad ``workers``,
            ``scheduler`` or ``retry``.
        """
        from tqdm.auto import tqdm

        if retry is not None and not (isinstance(retry, str) or callable(retry)):
            raise TypeError(
                f"retry={retry!r} must be an output's name (e.g. 'success') or a function "
                "of the stored results returning a mask of the points to compute again"
            )
        check_memory(
            self.size * BYTES_PER_POINT,
            f"the bookkeeping of a sweep of {self.size} points "
            f"({' x '.join(str(n) for n in self.shape)})",
        )
        output = _writable(Path(output), self.spec())
        grid = {axis: np.asarray(values) for axis, values in self.grid.items()}
        started = time.perf_counter()
        with contextlib.ExitStack() as stack:
            store, again = None, np.zeros(self.shape, bool)
            if output.exists():
                if retry is not None:
                    again = self._failed(load(output), retry, output)
                store = stack.enter_context(SweepFile.open(output, self.spec(), grid))
            pool = stack.enter_context(_maybe_open(executor, workers, scheduler))
            if store is None:  # created only now: every check has passed
                store = stack.enter_context(SweepFile.open(output, self.spec(), grid))
            to_run = again | ~store.done
            n_todo, n_again = int(to_run.sum()), int(again.sum())
            todo = ((i, p) for i, p in self.points() if to_run[i])
            _logger.info(
                "sweep %s on %s into %s: %d of %d points stored, %d to run (%d failed, again)",
                self.task,
                " x ".join(f"{axis}[{len(v)}]" for axis, v in grid.items()),
                output,
                int(store.done.sum()),
                self.size,
                n_todo,
                n_again,
            )
            bar = stack.enter_context(
                tqdm(
                    total=self.size,
                    initial=self.size - n_todo,
                    desc=self.task,
                    unit="pt",
                    disable=None if progress is None else not progress,
                )
            )
            window = max_in_flight(pool) or IN_FLIGHT
            queue, running = todo, {}
            try:
                while True:
                    for index, params in itertools.islice(queue, window - len(running)):
                        future = pool.submit(
                            evaluate, self.task, params, self.seed, self.import_from
                        )
                        running[future] = (index, params)
                    if not running:
                        break
                    finished, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in finished:
                        index, params = running.pop(future)
                        store.write(index, *self._result(future, params, store, output))
                        bar.update()
            finally:
                for future in running:
                    future.cancel()
        elapsed = time.perf_counter() - started
        _logger.info("sweep %s: %s complete in %.1f s", self.task, output, elapsed)
        return load(output)

    def _failed(self, ds, retry: str | Callable, output: Path) -> np.ndarray:
        """The stored points ``retry`` counts as failed, a mask of :attr:`shape`."""
        axes = list(self.grid)
        done = ds["done"].transpose(*axes).values
        if isinstance(retry, str):
            outputs = sorted(set(ds.data_vars) - set(BOOKKEEPING))
            if retry not in outputs:
                if not done.any():
                    return done
                raise ValueError(
                    f"retry={retry!r} names no output of {output}; "
                    f"its outputs: {', '.join(outputs) or 'none'}"
                )
            values = ds[retry]
            if values.dtype == bool:
                failed = ~values
            elif values.dtype.kind in "iufc":
                failed = values.isnull()
            else:
                raise TypeError(
                    f"retry={retry!r}: output {retry!r} holds {values.dtype} values; name a "
                    "boolean or numeric output, or pass a function of the stored results"
                )
            own = [dim for dim in failed.dims if dim not in axes]
            mask = (failed.any(own) if own else failed).transpose(*axes).values
        else:
            mask = retry(ds)
            if hasattr(mask, "transpose") and hasattr(mask, "dims"):
                mask = mask.transpose(*axes).values
            mask = np.asarray(mask)
            if mask.shape != self.shape or mask.dtype != bool:
                raise ValueError(
                    f"retry={retry!r} returned a {mask.dtype} array of shape {mask.shape}; "
                    f"it must return booleans over the grid axes, shape {self.shape}"
                )
        return mask & done

    def _result(self, future, params, store, output) -> tuple[dict, float]:
        try:
            return future.result()
        except Exception as exc:
            raise SweepError(
                f"task {self.task} failed at {params}: {exc!r}; "
                f"{int(store.done.sum())} of {self.size} points are stored in "
                f"{output}; fix the cause and run again to resume"
            ) from exc


def _maybe_open(executor, workers, scheduler):
    if executor is None:
        return open_executor(workers, scheduler)
    if workers is not None or scheduler is not None:
        raise ValueError("pass either executor or workers/scheduler, not both")
    return contextlib.nullcontext(executor)


def evaluate(
    task: str, params: dict, seed: int | None, import_from: str | None = None
) -> tuple[dict, float]:
    """Run ``task`` at one point (in a worker); return its flattened outputs and seconds.

    ``import_from`` (:attr:`Sweep.import_from`) goes first on this worker's
    module search path before the task is imported.
    """
    if import_from is not None:
        if not os.path.isdir(import_from):
            raise ImportError(
                f"task {task} is imported from {import_from}, which this worker "
                f"({socket.gethostname()}) cannot see; put the module on a file system "
                "every worker shares, or install it as a package"
            )
        _importable_from(import_from)
    func = resolve(task)
    extra = {}
    accepted = inspect.signature(func).parameters
    if "rng" in accepted:
        key = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).digest()
        spawn_key = tuple(int.from_bytes(key[i : i + 4], "little") for i in range(0, 16, 4))
        extra["rng"] = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=spawn_key))
    if "seed" in accepted:
        extra["seed"] = seed
    started = time.perf_counter()
    result = func(**params, **extra)
    return flatten(result), time.perf_counter() - started


def flatten(result, prefix: str = "") -> dict:
    """A task's result as ``{output name: value}`` (see the module docstring)."""
    if hasattr(result, "to_dict"):
        result = result.to_dict()
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    if isinstance(result, Mapping):
        out = {}
        for key, value in result.items():
            out.update(flatten(value, f"{prefix}{key}."))
        return out
    return {prefix[:-1] or "value": result}


def _axis(name: str, values) -> tuple:
    if isinstance(values, str | bytes) or not isinstance(values, typing.Sequence | np.ndarray):
        raise TypeError(f"grid axis {name!r}={values!r} must be a list of values")
    values = tuple(v.item() if isinstance(v, np.generic) else v for v in values)
    if not values:
        raise ValueError(f"grid axis {name!r} is empty: give it at least one value")
    kinds = {type(v) if isinstance(v, bool | str) else float for v in values}
    if len(kinds) > 1 or not all(isinstance(v, bool | str | int | float) for v in values):
        raise TypeError(
            f"grid axis {name!r}={list(values)!r} must hold numbers, booleans or text, "
            "all of one kind"
        )
    if len(set(values)) != len(values):
        raise ValueError(f"grid axis {name!r}={list(values)!r} repeats a value")
    return values


def _toml_axis(name: str, values):
    """A TOML axis: a list, or ``{start, stop, num}`` (``log = true`` for geometric spacing)."""
    if not isinstance(values, dict):
        return values
    keys = set(values)
    if not {"start", "stop", "num"} <= keys <= {"start", "stop", "num", "log"}:
        raise ValueError(
            f"grid axis {name!r}={values!r}: a range needs start, stop, num (and optionally log)"
        )
    num = check_int(values["num"], f"grid.{name}.num", minimum=1)
    space = np.geomspace if values.get("log", False) else np.linspace
    try:
        return space(float(values["start"]), float(values["stop"]), num).tolist()
    except (TypeError, ValueError) as exc:
        raise TypeError(f"grid axis {name!r}={values!r}: start and stop must be numbers") from exc


def _check_parameters(func: Callable, sweep: Sweep) -> None:
    """Raise before any work if the sweep's parameters do not fit ``func``'s signature."""
    signature = inspect.signature(func)
    accepted = signature.parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    given = {**sweep.fixed, **{k: None for k in sweep.grid}}
    both = sorted(set(sweep.fixed) & set(sweep.grid))
    if both:
        raise ValueError(f"parameter(s) {', '.join(both)} are both fixed and on the grid")
    reserved = sorted(set(given) & set(RESERVED))
    if reserved:
        raise ValueError(
            f"parameter(s) {', '.join(reserved)} are supplied by the sweep: "
            "give seed=... to the sweep (top-level `seed` in a sweep file) instead"
        )
    settable = {
        name
        for name, p in accepted.items()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and name not in RESERVED
    }
    unknown = sorted(set(given) - settable)
    if unknown and not takes_any:
        raise ValueError(
            f"task {sweep.task} has no parameter(s) {', '.join(unknown)}; "
            f"its parameters: {', '.join(sorted(settable))}"
        )
    missing = sorted(
        name for name in settable - set(given) if accepted[name].default is inspect.Parameter.empty
    )
    if missing:
        raise ValueError(f"task {sweep.task} needs parameter(s) {', '.join(missing)}")
    if any(name in accepted for name in RESERVED) and sweep.seed is None:
        raise ValueError(
            f"task {sweep.task} draws random numbers: give the sweep a seed "
            "(seed=... or a top-level `seed` in the sweep file)"
        )
    hints = _type_hints(func)
    values = {**{k: [v] for k, v in sweep.fixed.items()}, **sweep.grid}
    for name, vals in values.items():
        kinds = _kinds(hints.get(name), accepted.get(name))
        for v in vals:
            if kinds is not None and not _is(v, kinds):
                names = " or ".join(k.__name__ for k in kinds)
                raise TypeError(f"parameter {name}={v!r} of task {sweep.task} must be {names}")


def _type_hints(func) -> dict:
    try:
        return typing.get_type_hints(func)
    except Exception:
        return {}


def _kinds(hint, parameter) -> tuple[type, ...] | None:
    """The Python types a parameter accepts, from its annotation or its default; None: any."""
    if hint is None and parameter is not None:
        default = parameter.default
        if default is inspect.Parameter.empty or default is None:
            return None
        hint = type(default)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        parts = [_kinds(a, None) for a in typing.get_args(hint) if a is not type(None)]
        return None if any(p is None for p in parts) else tuple(itertools.chain(*parts))
    if hint in (int, float, bool, str):
        return (hint,)
    return None


def _is(value, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, int) and float in kinds:
        return True
    return isinstance(value, kinds)


def _writable(output: Path, spec: dict) -> Path:
    """``output``, checked before any work: its folder can take files; if it exists, it resumes."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        probe = output.parent / f".{output.name}.{os.getpid()}.probe"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise ValueError(
            f"output={str(output)!r} cannot be written ({exc.strerror or exc}); "
            "choose a folder you can write to"
        ) from exc
    if output.exists():
        check_same_sweep(output, spec)
    return output
