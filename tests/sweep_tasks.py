"""Sweep tasks for the tests: importable by worker processes (``tests/`` is on their path)."""

from __future__ import annotations

import math
import os
import time

import numpy as np


def noisy(x: float, k: int = 1, label: str = "a", *, rng) -> dict:
    """Outputs of every kind: random draws (array), a number, a flag, text, a nested dict."""
    return {
        "draw": rng.standard_normal(3),
        "square": x * x * k,
        "positive": x > 0,
        "text": f"{label}:{x:g}",
        "nested": {"k": k, "skipped": None},
    }


def slow(x: int, delay: float, log: str, *, rng) -> float:
    """Sleep ``delay`` seconds, note the point in ``log`` (one line per evaluation), draw."""
    time.sleep(delay)
    with open(log, "a") as f:
        f.write(f"{x}\n")
        f.flush()
        os.fsync(f.fileno())
    return float(rng.random())


def failing(x: float) -> float:
    if x == 2:
        raise ArithmeticError("cannot do x = 2")
    return x


def growing(n: int) -> np.ndarray:
    """An output whose shape changes from point to point (not storable)."""
    return np.zeros(n)


def first_try_fails(x: int, log: str) -> dict:
    """Note the point in ``log``; odd ``x`` fail at their first attempt (NaN, success False)."""
    with open(log, "a+") as f:
        f.seek(0)
        attempts = f.read().split().count(str(x))
        f.write(f"{x}\n")
    if x % 2 and attempts == 0:
        return {"value": math.nan, "success": False, "error": f"no luck at x = {x}"}
    return {"value": float(x), "success": True}


def register(folder, **tasks: str):
    """Make ``folder`` hold an installed distribution registering ``tasks`` as sweep tasks.

    ``name="module:function"`` pairs go to its entry-point group
    ``hebbian.sweep_tasks``; with ``folder`` on ``sys.path`` (or PYTHONPATH)
    :func:`hebbian.sweep.registered_tasks` finds them.  Returns ``folder``.
    """
    from pathlib import Path

    info = Path(folder) / "hebbian_test_tasks-0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: hebbian-test-tasks\nVersion: 0\n")
    lines = "".join(f"{name} = {target}\n" for name, target in tasks.items())
    (info / "entry_points.txt").write_text(f"[hebbian.sweep_tasks]\n{lines}")
    return Path(folder)
