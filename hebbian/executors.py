"""Where sweep tasks run: any :class:`concurrent.futures.Executor`.

:func:`executor` opens one of three, all standard:

- ``workers=1``: this process, one task after the other (no pickling; what a
  debugger and a profiler want);
- ``workers=n > 1`` (the default: every usable core): a
  :class:`~concurrent.futures.ProcessPoolExecutor` started with ``forkserver``
  (workers forked from a clean server, never from a process that already runs
  Numba or tqdm threads);
- ``scheduler=ADDRESS``: a Dask distributed cluster through
  :meth:`distributed.Client.get_executor`; ``scheduler="local"`` starts a
  :class:`distributed.LocalCluster` of ``workers`` single-threaded processes.

Anything else that is an Executor (``mpi4py.futures.MPIPoolExecutor`` on an
MPI cluster, a thread pool) can be handed to :meth:`hebbian.sweep.Sweep.run`
directly.  No scheduler or RPC is written here.
"""

from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from hebbian._checks import check_int

__all__ = [
    "InlineExecutor",
    "add_executor_options",
    "executor",
    "max_in_flight",
    "usable_cores",
]


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class InlineExecutor(Executor):
    """Run each task at submission, in the calling process.

    The future is already done when :meth:`submit` returns; an exception of
    the task is stored in it, as a pool would.  Submit one task at a time
    (:func:`max_in_flight` is 1) to store each result before the next runs.
    """

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            if isinstance(exc, KeyboardInterrupt | SystemExit):
                raise
            future.set_exception(exc)
        return future


def max_in_flight(pool: Executor) -> int | None:
    """How many tasks to keep submitted at once: 1 in this process, else no limit."""
    return 1 if isinstance(pool, InlineExecutor) else None


@contextlib.contextmanager
def executor(workers: int | None = None, scheduler: str | None = None) -> Iterator[Executor]:
    """Open the executor for ``workers`` local processes or a Dask ``scheduler``.

    Parameters
    ----------
    workers : int, optional
        Local processes (default: :func:`usable_cores`); ``1`` runs in this
        process.  With ``scheduler="local"``, the size of the LocalCluster.
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``), or
        ``"local"`` for a LocalCluster on this machine.  Needs
        ``pip install "hebbian[dist]"``.

    Yields
    ------
    concurrent.futures.Executor
        Shut down (and the Dask client closed) when the block exits.
    """
    if workers is not None:
        workers = check_int(workers, "workers", minimum=1)
    if scheduler is None:
        n = workers or usable_cores()
        if n == 1:
            yield InlineExecutor()
            return
        pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("forkserver"))
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    with _dask_client(scheduler, workers) as client:
        yield client.get_executor()


@contextlib.contextmanager
def _dask_client(scheduler: str, workers: int | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(
            f"scheduler={scheduler!r} needs Dask distributed; "
            'install it with: pip install "hebbian[dist]"'
        ) from exc
    if scheduler == "local":
        cluster = LocalCluster(
            n_workers=workers or usable_cores(),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        with cluster, Client(cluster) as client:
            yield client
        return
    if workers is not None:
        raise ValueError(
            f"workers={workers} cannot be combined with scheduler={scheduler!r}: "
            "a running cluster has its own workers; drop workers"
        )
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as exc:
        raise ConnectionError(
            f"scheduler={scheduler!r}: no Dask scheduler answered ({exc}); "
            "start one with `dask scheduler` or pass scheduler='local'"
        ) from exc
    with client:
        yield client


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N | --scheduler ADDRESS`` and ``--progress`` to a command line."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=int,
        default=None,
        help="local worker processes (default: every usable core; 1: in this process)",
    )
    where.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="Dask scheduler address (tcp://host:8786), or 'local' for a LocalCluster",
    )
    parser.add_argument(
        "--progress", action="store_true", help="progress bars (default: on a terminal)"
    )
