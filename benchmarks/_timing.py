"""Timing shared by the benchmark scripts (run as ``python benchmarks/NAME.py``).

The machines these run on are shared and noisy, so a rate is never one
number: every contender is timed in windows of at least ``window`` seconds,
the contenders interleaved within each repeat (a slow phase of the machine
hits all of them), and the table gives the median and the min..max over the
repeats.  Ratios are taken repeat by repeat, between contenders timed next to
each other.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

import numpy as np

__all__ = [
    "cpu_model",
    "finish",
    "interleaved",
    "median_time",
    "preamble",
    "publish",
    "ratios",
    "summary",
    "window_args",
]


def median_time(fn, repeats: int) -> float:
    """Median wall time of ``fn()`` over ``repeats`` calls, after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times))


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo`` (else what :mod:`platform` says) and
    the widest vector instructions Numba compiles for: the kernels' rates and their
    ratios to the plain loop differ between AVX2 and AVX-512 machines."""
    from hebbian.mc.networks.polynomial import avx512

    try:
        with open("/proc/cpuinfo") as f:
            info = dict(line.split(":", 1) for line in f if ":" in line)
        info = {k.strip(): v.strip() for k, v in info.items()}
        name = f"{info['model name']} (family {info['cpu family']}, model {info['model']})"
    except (OSError, KeyError, ValueError):
        name = platform.processor() or platform.machine()
    return f"{name}, {'AVX-512' if avx512() else 'no AVX-512'}"


def _window(fn, window: float) -> tuple[float, float]:
    """Work units per wall second and per CPU second of ``fn`` over >= ``window`` s.

    ``fn()`` returns the work it did (e.g. attempted flips).
    """
    work, wall, cpu = 0, time.perf_counter(), time.process_time()
    while True:
        work += fn()
        elapsed = time.perf_counter() - wall
        if elapsed >= window:
            return work / elapsed, work / max(time.process_time() - cpu, 1e-9)


def interleaved(contenders: dict, repeats: int = 5, window: float = 1.0) -> dict:
    """Rates of each contender in ``repeats`` interleaved windows.

    Parameters
    ----------
    contenders : dict of name -> callable
        Each call does some work and returns how much (e.g. attempted flips);
        each is called once untimed first (compilation, caches).

    Returns
    -------
    dict of name -> {"wall": list, "cpu": list}
        Work per wall second and per CPU second (all threads), one entry per repeat.
    """
    for fn in contenders.values():
        fn()
    out = {name: {"wall": [], "cpu": []} for name in contenders}
    for _ in range(repeats):
        for name, fn in contenders.items():
            wall, cpu = _window(fn, window)
            out[name]["wall"].append(wall)
            out[name]["cpu"].append(cpu)
    return out


def summary(values, fmt: str = "{:.2f}") -> str:
    """``median (min..max)`` of ``values``."""
    return (
        f"{fmt.format(statistics.median(values))} "
        f"({fmt.format(min(values))}..{fmt.format(max(values))})"
    )


def publish(text: str, path: str | None) -> None:
    """Print a benchmark's table and, with ``path``, write it there too."""
    print(text)
    if path:
        with open(path, "w") as f:
            f.write(text + "\n")


def window_args(doc: str, argv=None) -> tuple[argparse.Namespace, int, float]:
    """Parse ``--quick`` (2 repeats of 0.2 s windows) and ``--out FILE`` for a benchmark
    whose module docstring is ``doc``: the arguments, the repeats and the window."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 repeats of 0.2 s windows")
    parser.add_argument("--out", help="also write the table to this file")
    args = parser.parse_args(argv)
    return (args, *((2, 0.2) if args.quick else (5, 1.0)))


def preamble(timed: str, unit: str, repeats: int, window: float) -> list[str]:
    """A table's first lines: the CPU and the load, then what was timed and in what unit."""
    return [
        f"CPU: {cpu_model()}; load average before: {os.getloadavg()[0]:.2f}",
        f"{timed}; {unit}, median (min..max) of {repeats} interleaved windows of >= {window} s",
        "",
    ]


def ratios(a, b) -> list[float]:
    """Repeat-by-repeat ratios of two contenders' rates (lists from :func:`interleaved`)."""
    return [x / y for x, y in zip(a, b, strict=True)]


def finish(lines: list[str], path: str | None) -> None:
    """:func:`publish` a table's lines with the load average after the run appended."""
    publish("\n".join([*lines, f"\nload average after: {os.getloadavg()[0]:.2f}"]), path)
