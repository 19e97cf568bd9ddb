"""Executors: in process, process pool, Dask, MPI; bad arguments."""

from __future__ import annotations

import argparse
import operator
import sys

import pytest

from hebbian.executors import (
    InlineExecutor,
    add_executor_options,
    check_executor,
    executor,
    max_in_flight,
    max_local_workers,
    usable_cores,
)


def test_inline_executor_runs_at_submission_and_keeps_exceptions():
    pool = InlineExecutor()
    assert pool.submit(operator.add, 2, 3).result() == 5
    failed = pool.submit(operator.truediv, 1, 0)
    assert isinstance(failed.exception(), ZeroDivisionError)
    assert max_in_flight(pool) == 1


def test_one_worker_runs_in_process_and_more_in_a_pool():
    with executor(workers=1) as pool:
        assert isinstance(pool, InlineExecutor)
    with executor(workers=2) as pool:
        assert pool.submit(operator.mul, 6, 7).result() == 42
        assert max_in_flight(pool) is None
    assert usable_cores() >= 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"workers": 0}, ValueError, "workers=0 must be >= 1"),
        ({"workers": 1.5}, TypeError, "workers=1.5 must be an integer"),
        ({"workers": 2, "scheduler": "tcp://127.0.0.1:8786"}, ValueError, "drop workers"),
        ({"workers": 10**9}, ValueError, "oversubscribe"),
        ({"scheduler": "nowhere"}, ValueError, "scheduler='nowhere' is not a scheduler"),
        ({"scheduler": ""}, ValueError, "is not a scheduler"),
        ({"scheduler": "tcp://host"}, ValueError, "host:port"),
        ({"scheduler": 8786}, TypeError, "must be a string"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match):
    pytest.importorskip("distributed")
    with pytest.raises(error, match=match), executor(**kwargs):
        pass


def test_mpi_needs_mpi4py(monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.setitem(sys.modules, "mpi4py.futures", None)
    with (
        pytest.raises(ImportError, match=r"pip install 'dense-hebbian\[mpi\]'"),
        executor(workers=2, scheduler="mpi"),
    ):
        pass


@pytest.mark.parametrize(
    ("workers", "scheduler"),
    [
        (None, None),
        (1, None),
        (3, "local"),
        (500, "mpi"),
        (None, "tcp://head-node:8786"),
        (None, "tls://10.0.0.1:8786"),
        (None, "head-node:8786"),
        (None, "[::1]:8786"),
    ],
)
def test_what_executor_takes_passes_the_check(workers, scheduler):
    assert check_executor(workers, scheduler) == (workers, scheduler)


def test_local_workers_are_bounded_by_the_machine():
    n = max_local_workers()
    assert n >= 4 * usable_cores()
    assert check_executor(n, None) == (n, None)
    with pytest.raises(ValueError, match=f"workers={n + 1} must be <= {n}"):
        check_executor(n + 1, "local")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--workers", "0"], "--workers=0 must be >= 1"),
        (["--workers", "1.5"], "--workers='1.5' is not an integer"),
        (["--workers", str(10**12)], "must be <= 100000"),
        (["--scheduler", "tcp://"], "--scheduler='tcp://' is not a scheduler"),
    ],
)
def test_options_are_checked_as_they_are_parsed(argv, message, capsys):
    parser = argparse.ArgumentParser(prog="tool")
    add_executor_options(parser)
    assert parser.parse_args(["--workers", "2", "--scheduler", "mpi"]).workers == 2
    with pytest.raises(SystemExit):
        parser.parse_args(argv)
    assert message in capsys.readouterr().err
