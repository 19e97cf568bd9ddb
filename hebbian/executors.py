"""Where sweep tasks run: any :class:`concurrent.futures.Executor`.

:func:`executor` opens one of these, all standard:

- ``workers=1``: this process, one task after the other (no pickling; what a
  debugger and a profiler want);
- ``workers=n > 1`` (the default: every usable core): a
  :class:`~concurrent.futures.ProcessPoolExecutor` started with ``forkserver``
  (workers forked from a clean server, never from a process that already runs
  Numba or tqdm threads), whose workers end when this process does, even
  killed (SIGKILL); the forkserver and resource tracker follow them;
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

``workers`` and ``scheduler`` are checked in one place, :func:`check_executor`,
which :func:`executor` and the command line's options
(:func:`add_executor_options`, at parse time) use, so that a bad value is
refused before a file is written or a process started.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import os
import re
import sys
import threading
import warnings
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor

from hebbian._checks import check_int

__all__ = [
    "InlineExecutor",
    "add_executor_options",
    "check_executor",
    "check_scheduler",
    "check_workers",
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


#: Most worker processes that ``workers`` may ask for anywhere (an MPI pool on a
#: cluster included): a count beyond it is a typo, not a plan.
MAX_WORKERS = 100_000

#: Schedulers named by a word; anything else must be a Dask scheduler address.
SCHEDULERS = ("local", "mpi")

#: A Dask scheduler address: ``[protocol://]host:port`` (an IPv6 host in brackets).
_ADDRESS = re.compile(r"^(?:(tcp|tls|ucx|ws|wss)://)?([A-Za-z0-9_.-]+|\[[0-9A-Fa-f:.]+\]):(\d+)$")


def max_local_workers() -> int:
    """Most processes a pool or LocalCluster on this machine may have: 4 per usable core, >= 64."""
    return max(64, 4 * usable_cores())


def check_scheduler(scheduler, name: str = "scheduler") -> str | None:
    """Return ``scheduler`` if :func:`executor` knows it, or raise naming ``name``.

    ``None`` (a local process pool), ``"local"``, ``"mpi"``, or a Dask
    scheduler address ``[tcp|tls|ucx|ws|wss://]host:port`` with a port in
    [1, 65535].  Only the form is checked; whether a scheduler answers is
    known when :func:`executor` connects.

    Examples
    --------
    >>> check_scheduler("tcp://head-node:8786")
    'tcp://head-node:8786'
    >>> check_scheduler("tcp://head-node")
    Traceback (most recent call last):
    ...
    ValueError: scheduler='tcp://head-node' is not a scheduler; pass 'local' ...
    """
    if scheduler is None or scheduler in SCHEDULERS:
        return scheduler
    if not isinstance(scheduler, str):
        raise TypeError(
            f"{name}={scheduler!r} must be a string: 'local', 'mpi' or a Dask scheduler "
            f"address such as 'tcp://host:8786'"
        )
    match = _ADDRESS.match(scheduler)
    if match is None or not 1 <= int(match.group(3)) <= 65535:
        raise ValueError(
            f"{name}={scheduler!r} is not a scheduler; pass 'local' (a Dask LocalCluster), "
            f"'mpi' (an mpi4py pool) or the address of a running Dask scheduler, "
            f"host:port with a port in [1, 65535], e.g. 'tcp://head-node:8786'"
        )
    return scheduler


def check_workers(workers, name: str = "workers", scheduler: str | None = None) -> int | None:
    """Return ``workers`` (None or an int in [1, limit]) for ``scheduler``, or raise.

    The limit is :func:`max_local_workers` for processes on this machine (no
    scheduler, or ``"local"``), :data:`MAX_WORKERS` for an MPI pool; a Dask
    scheduler address takes no ``workers`` (its cluster has its own).

    Examples
    --------
    >>> check_workers(2)
    2
    >>> check_workers(0)
    Traceback (most recent call last):
    ...
    ValueError: workers=0 must be >= 1
    """
    if workers is None:
        return None
    local = scheduler is None or scheduler == "local"
    limit, why = (
        (max_local_workers(), f"more would only oversubscribe the {usable_cores()} usable "
         f"cores of this machine; for more, use a cluster (scheduler=ADDRESS or 'mpi')")
        if local
        else (MAX_WORKERS, "no pool is that large")
    )  # fmt: skip
    workers = check_int(workers, name, minimum=1, maximum=limit, why=why)
    if scheduler is not None and not local and scheduler != "mpi":
        raise ValueError(
            f"{name}={workers} cannot be combined with a scheduler address "
            f"({scheduler!r}): a running cluster has its own workers; drop {name}"
        )
    return workers


def check_executor(
    workers=None, scheduler=None, *, prefix: str = ""
) -> tuple[int | None, str | None]:
    """Check ``workers`` and ``scheduler`` as :func:`executor` does, before any work.

    What :func:`executor` refuses, this refuses without opening anything: a
    caller that writes files (a sweep) calls it before creating them.
    ``prefix`` goes before the names in messages (``"--"`` for options).

    Returns
    -------
    (workers, scheduler)

    Raises
    ------
    TypeError, ValueError
        See :func:`check_workers` and :func:`check_scheduler`.
    """
    scheduler = check_scheduler(scheduler, f"{prefix}scheduler")
    return check_workers(workers, f"{prefix}workers", scheduler), scheduler


def _end_with(pid: int) -> None:
    """Initializer of every pool worker: exit as soon as process ``pid`` (the pool's owner) ends.

    A worker started by the ``forkserver`` is the forkserver's child, not the
    owner's, and holds the pipes the forkserver and the resource tracker
    watch, so neither notices when the owner is killed (SIGKILL, the OOM
    killer): without this, workers, forkserver and tracker would all live
    on.  The worker watches the owner through a pidfd (Linux >= 5.3: no
    polling, no confusion with a recycled pid), else by polling every 0.5 s,
    and also asks the kernel for SIGKILL when its own parent (the
    forkserver) dies.  Once the workers are gone the forkserver and the
    tracker see their pipes close and exit by themselves.
    """
    try:
        if sys.platform.startswith("linux"):
            import ctypes
            import signal

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        try:
            handle = os.pidfd_open(pid)
        except (AttributeError, OSError):  # not Linux, an old kernel, or pid is gone
            handle = None
            if not _alive(pid):
                os._exit(1)
        threading.Thread(
            target=_watch, args=(pid, handle), name="hebbian-owner-watch", daemon=True
        ).start()
    except Exception:  # a watch that cannot start must not break the pool
        logger.debug("worker %d: cannot watch process %d", os.getpid(), pid, exc_info=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else (cannot happen for our owner)
        return True
    return True


def _watch(pid: int, handle: int | None) -> None:
    import select
    import time

    if handle is not None:
        select.select([handle], [], [])  # readable when the process has ended
        os._exit(1)
    while _alive(pid):
        time.sleep(0.5)
    os._exit(1)


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
    TypeError, ValueError
        ``workers`` not an integer in [1, limit] (:func:`check_workers`), a
        ``scheduler`` that is neither ``"local"``, ``"mpi"`` nor an address
        (:func:`check_scheduler`), or ``workers`` with a scheduler address:
        all refused before anything starts, as :func:`check_executor` does.
    ConnectionError
        No Dask scheduler answers at the address.

    Examples
    --------
    >>> import operator
    >>> with executor(workers=1) as pool:
    ...     pool.submit(operator.add, 2, 3).result()
    5
    """
    workers, scheduler = check_executor(workers, scheduler)
    if scheduler is None:
        n = workers or usable_cores()
        if n == 1:
            logger.info("tasks run in this process, one after the other")
            yield InlineExecutor()
            return
        logger.info("tasks run on a process pool of %d workers", n)
        pool = ProcessPoolExecutor(
            n,
            mp_context=multiprocessing.get_context("forkserver"),
            initializer=_end_with,  # no orphans when this process is killed
            initargs=(os.getpid(),),
        )
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


def _workers_option(text: str) -> int:
    """``--workers`` at parse time: an integer in [1, MAX_WORKERS] (the scheduler's own
    limit is applied by :func:`check_executor` once every option is known)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"--workers={text!r} is not an integer; pass a number of processes, e.g. --workers 4"
        ) from None
    try:
        return check_int(value, "--workers", minimum=1, maximum=MAX_WORKERS,
                         why="no pool is that large")  # fmt: skip
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _scheduler_option(text: str) -> str:
    """``--scheduler`` at parse time: local, mpi or a Dask scheduler address."""
    try:
        return check_scheduler(text, "--scheduler")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_executor_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--workers N``, ``--scheduler local|mpi|ADDRESS`` and ``--[no-]progress``.

    Both are checked as they are parsed (:func:`check_workers`,
    :func:`check_scheduler`: the checks :func:`executor` applies), so a bad
    value ends the command before any work or file; call
    :func:`check_executor` on the parsed pair for what depends on both.
    """
    parser.add_argument(
        "--workers",
        type=_workers_option,
        default=None,
        metavar="N",
        help="worker processes (default: every usable core; 1: in this process); "
        "with --scheduler local or mpi, the size of that cluster or pool",
    )
    parser.add_argument(
        "--scheduler",
        type=_scheduler_option,
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
