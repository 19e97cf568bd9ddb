"""Executors: in process, process pool, Dask, MPI; bad arguments."""

from __future__ import annotations

import operator
import sys

import pytest

from hebbian.executors import InlineExecutor, executor, max_in_flight, usable_cores


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
