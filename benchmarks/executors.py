"""Sweep executors: per-task overhead (tasks/s on trivial tasks) and 2-worker scaling.

Run ``python benchmarks/executors.py``.  Targets (issue 5): the per-task
overhead of the executor path measured for the local process pool and a Dask
LocalCluster; a 2-worker sweep of CPU-bound points close to 2x on 2 cores.

Each row is measured in this one process, against the baselines beside it:

- executor alone: ``submit`` + ``result`` of a trivial function, n tasks,
  against calling it in a loop;
- full sweep path (:meth:`hebbian.sweep.Sweep.run`: validation, one HDF5
  write + flush + fsync per point, load) on trivial tasks;
- scaling: the same CPU-bound sweep (Monte Carlo retrieval points) on one
  worker (in process) and on a pool of two.
"""

from __future__ import annotations

import colorsys
import os
import platform
import tempfile
import time
from pathlib import Path

from hebbian.executors import executor
from hebbian.sweep import Sweep

TRIVIAL = "colorsys:rgb_to_hsv"
N_TRIVIAL = 400


def tasks_per_second(workers, scheduler) -> float:
    """``submit`` + ``result`` of ``N_TRIVIAL`` trivial tasks, executor already started."""
    with executor(workers, scheduler) as pool:
        pool.submit(colorsys.rgb_to_hsv, 0.1, 0.2, 0.3).result()  # workers up
        t = time.perf_counter()
        futures = [
            pool.submit(colorsys.rgb_to_hsv, i / N_TRIVIAL, 0.2, 0.3) for i in range(N_TRIVIAL)
        ]
        for f in futures:
            f.result()
        return N_TRIVIAL / (time.perf_counter() - t)


def sweep_seconds(sweep: Sweep, folder: Path, workers, scheduler=None) -> tuple[float, object]:
    """Wall time of a whole sweep run (executor start-up included), and its Dataset."""
    t = time.perf_counter()
    ds = sweep.run(
        folder / f"{workers}-{scheduler}-{time.monotonic_ns()}.h5",
        workers=workers,
        scheduler=scheduler,
        progress=False,
    )
    return time.perf_counter() - t, ds


def list_schedule(seconds, n_workers: int) -> float:
    """Makespan of the points, in submission order, each to the first free worker."""
    free = [0.0] * n_workers
    for s in seconds:
        free[free.index(min(free))] += s
    return max(free)


def main():
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores")
    t = time.perf_counter()
    for i in range(N_TRIVIAL):
        colorsys.rgb_to_hsv(i / N_TRIVIAL, 0.2, 0.3)
    loop = N_TRIVIAL / (time.perf_counter() - t)
    print(f"\nplain loop: {loop:.3g} tasks/s")
    print("\n| executor | tasks/s (submit + result) | sweep path, tasks/s (incl. start-up) |")
    print("| --- | --- | --- |")
    trivial = Sweep(
        TRIVIAL, {"r": [i / 20 for i in range(20)], "g": [i / 20 for i in range(20)]}, {"b": 0.5}
    )
    with tempfile.TemporaryDirectory() as tmp:
        for label, workers, scheduler in (
            ("in process (workers=1)", 1, None),
            ("process pool, 2 workers", 2, None),
            ("Dask LocalCluster, 2 workers", 2, "local"),
        ):
            rate = tasks_per_second(workers, scheduler)
            whole = trivial.size / sweep_seconds(trivial, Path(tmp), workers, scheduler)[0]
            print(f"| {label} | {rate:,.0f} | {whole:,.0f} |")

        cpu = Sweep(
            "hebbian.mc.retrieval:retrieval_overlap",
            {"alpha": [0.02 * k for k in range(1, 9)]},
            {"P": 2, "T": 0.3, "N": 2000, "n_samples": 16, "n_sweeps": 400},
            seed=1,
        )
        sweep_seconds(cpu, Path(tmp), 1)  # Numba cache warm
        one, ds = sweep_seconds(cpu, Path(tmp), 1)
        two, _ = sweep_seconds(cpu, Path(tmp), 2)
        ideal = list_schedule(ds["seconds"].values, 2)
        print(
            f"\nCPU-bound sweep ({cpu.size} Monte Carlo points, N=2000, 16 samples each): "
            f"1 worker {one:.2f} s, 2 workers {two:.2f} s, speed-up {one / two:.2f}x; "
            f"ideal 2-worker makespan of the measured point times {ideal:.2f} s "
            f"(speed-up {one / ideal:.2f}x)"
        )


if __name__ == "__main__":
    main()
