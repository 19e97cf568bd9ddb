"""Sweep tasks for the tests: importable by worker processes (``tests/`` is on their path)."""

from __future__ import annotations

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
