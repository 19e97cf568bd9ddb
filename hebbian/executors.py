"""Where sweep tasks run: any :class:`concurrent.futures.Executor`.

:func:`executor` opens one of these, all standard:

- ``workers=1``: this process, one task after the other (no pickling; what a
  debugger and a profiler want);
- ``workers=n > 1`` (the default: every usable core): a
  :class:`~concurrent.futures.ProcessPoolExecutor` started with ``forkserver``
  (workers forked from a clean server, never from a process that already runs
  Numba or tqdm threads);
- ``scheduler="local"``: a :class:`distributed.LocalCluster` of ``workers``
  single-threaded processes (``pip install 'dense-hebbian[dist]'``);
- ``scheduler=ADDRESS``: a running Dask distributed cluster through
  :meth:`distributed.Client.get_executor` (its workers are its own);
- ``scheduler="mpi"``: an :class:`mpi4py.futures.MPIPoolExecutor`
  (``pip install 'dense-hebbian[mpi]'``) of ``workers`` spawned MPI
  processes, or of the other ranks of a job started as
  ``mpiexec -n N python -m mpi4py.futures -m hebbian.cli sweep FILE --scheduler mpi``.

Anything else that is an Executor (a thread pool, a configured MPI pool) can
be handed to :meth:`hebbian.sweep.Sweep.run` directly.  No scheduler or RPC
is written here.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import warnings
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

logger = logging.getLogger(__name__)


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
    """Open the executor for ``workers`` local processes, a Dask cluster or an MPI pool.

    Parameters
    ----------
    workers : int, optional
        Worker processes (default: :func:`usable_cores`); ``1`` without a
        scheduler runs in this process.  With ``scheduler="local"`` the size
        of the LocalCluster, with ``scheduler="mpi"`` of the MPI pool (default
        there: what MPI offers).  Not allowed with a scheduler address.
    scheduler : str, optional
        ``"local"`` for a Dask LocalCluster on this machine, the address of a
        running Dask scheduler (``tcp://host:8786``), both needing
        ``pip install 'dense-hebbian[dist]'``, or ``"mpi"`` for
        :class:`mpi4py.futures.MPIPoolExecutor`, needing
        ``pip install 'dense-hebbian[mpi]'``.

    Yields
    ------
    concurrent.futures.Executor
        Shut down (and the Dask client closed) when the block exits.

    Raises
    ------
    ImportError
        Dask or mpi4py is not installed (the message says what to install).
    ValueError
        ``workers`` with a scheduler address.
    ConnectionError
        No Dask scheduler answers at the address.

    Examples
    --------
    >>> import operator
    >>> with executor(workers=1) as pool:
    ...     pool.submit(operator.add, 2, 3).result()
    5
    """
    if workers is not None:
        workers = check_int(workers, "workers", minimum=1)
    if scheduler is None:
        n = workers or usable_cores()
        if n == 1:
            logger.info("tasks run in this process, one after the other")
            yield InlineExecutor()
            return
        logger.info("tasks run on a process pool of %d workers", n)
        pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("forkserver"))
        try:
            yield pool
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
        return
    if scheduler == "mpi":
        with _mpi_pool(workers) as pool:
            yield pool
        return
    with _dask_client(scheduler, workers) as client:
        yield client.get_executor()


@contextlib.contextmanager
def _mpi_pool(workers: int | None):
    try:
        from mpi4py.futures import MPIPoolExecutor
    except ImportError as exc:
        raise ImportError(
            "scheduler='mpi' needs mpi4py; install it with: pip install 'dense-hebbian[mpi]'"
        ) from exc
    logger.info("tasks run on an MPI pool of %s workers", workers or "the available")
    with MPIPoolExecutor(max_workers=workers) as pool:
        yield pool


@contextlib.contextmanager
def _quiet_dask():
    """Keep Dask's own logging and warnings off stderr while a cluster lives and closes.

    Closing a LocalCluster makes its scheduler, nanny and workers log
    connection and shutdown messages that say nothing about the sweep; a
    failing task still reaches the caller through its future.
    """
    saved = []
    for name in ("distributed", "distributed.client", "tornado", "bokeh"):
        lg = logging.getLogger(name)
        saved += [(lg, lg.level)] + [(h, h.level) for h in lg.handlers]
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module=r"(distributed|tornado)(\.|$)")
        for obj, _ in saved:
            obj.setLevel(logging.CRITICAL + 1)
        try:
            yield
        finally:
            for obj, level in saved:
                obj.setLevel(level)


@contextlib.contextmanager
def _sigint_ignored():
    """Ignore SIGINT while worker processes start: they inherit it and stay out of Ctrl-C.

    A Ctrl-C then interrupts only this process, which shuts the workers down,
    instead of printing a KeyboardInterrupt traceback from every worker.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def _dask_client(scheduler: str, workers: int | None):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError(
            f"scheduler={scheduler!r} needs Dask distributed; "
            "install it with: pip install 'dense-hebbian[dist]'"
        ) from exc
    if scheduler == "local":
        n = workers or usable_cores()
        logger.info("tasks run on a Dask LocalCluster of %d single-threaded workers", n)
        with _quiet_dask():
            with _sigint_ignored():  # Ctrl-C stops this process, which closes the workers
                cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    # a free port for the scheduler's HTTP server (None still tries 8787
                    # and warns when another cluster holds it), and no dashboard
                    dashboard_address="127.0.0.1:0",
                    scheduler_kwargs={"dashboard": False},
                    silence_logs=logging.CRITICAL,  # in the worker processes too
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
    logger.info("tasks run on the Dask cluster at %s", scheduler)
    with client:
        yield client


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N``, ``--scheduler local|mpi|ADDRESS`` and ``--[no-]progress``."""
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (default: every usable core; 1: in this process); "
        "with --scheduler local or mpi, the size of that cluster or pool",
    )
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="WHERE",
        help="'local': a Dask LocalCluster of --workers processes; "
        "'mpi': an mpi4py MPIPoolExecutor; or the address of a running Dask "
        "scheduler (tcp://host:8786) (default: a local process pool)",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bars (default: shown when stderr is a terminal; "
        "-q and --no-progress hide them)",
    )
