"""Replica solvers: time per solve, per transition point, per phase diagram, per RSB solution.

Run ``python benchmarks/solvers.py`` (``--phase-diagram``: only the Hopfield
phase diagram).  Targets: one RS solve in milliseconds; the full Hopfield
phase diagram, all four lines at 50 points each, under 5 s of CPU time on one
core.  The baseline run in the same process is the plain damped iteration
(``method="iterate"``, damping 0.5) on the same equations and quadrature,
which is what the hybrid method starts with before Newton takes over.

Everything runs with BLAS and OpenMP pools limited to one thread.  The phase
diagram is timed in CPU time (every thread of the process) and wall time by
:func:`_timing.interleaved`: 5 windows of at least 1 s after one untimed call,
reported per diagram as the median and the range over the windows.
"""

from __future__ import annotations

import argparse
import os
import time

from _timing import cpu_model, interleaved, summary
from threadpoolctl import threadpool_limits

from hebbian.theory import dense, dense_rsb, hopfield, sk


def best_of(f, repeat: int = 5) -> float:
    """Best wall time of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return min(times)


def time_phase_diagram(n_points: int = 50) -> None:
    """The Hopfield phase diagram, all four lines, as a markdown table: seconds per diagram."""

    def one_diagram() -> int:
        hopfield.phase_diagram(n_points)
        return 1

    rates = interleaved({"diagram": one_diagram}, repeats=5, window=1.0)["diagram"]
    cpu, wall = ([1 / rate for rate in rates[clock]] for clock in ("cpu", "wall"))
    print("| task | CPU per diagram | wall per diagram | machine |")
    print("| --- | --- | --- | --- |")
    print(
        f"| Hopfield phase diagram, 4 lines x {n_points} points | {summary(cpu)} s "
        f"| {summary(wall)} s | {cpu_model()}, {os.cpu_count()} logical cores |"
    )


def main():
    print(f"machine: {cpu_model()}, {os.cpu_count()} logical cores")
    print("| task | time | baseline: damped iteration | ratio |")
    print("| --- | --- | --- | --- |")
    solves = {
        "Hopfield retrieval, alpha=0.1, T=0.2": lambda method: hopfield.solve(
            0.1, 0.2, method=method
        ),
        "Hopfield retrieval near T_M, alpha=0.1, T=0.31": lambda method: hopfield.solve(
            0.1, 0.31, method=method
        ),
        "Hopfield spin glass, alpha=0.1, T=0.5": lambda method: hopfield.solve(
            0.1, 0.5, branch="spin glass", method=method
        ),
        "dense P=3 retrieval, alpha=0.05, T=0.1": lambda method: dense.solve(
            3, 0.05, 0.1, method=method
        ),
        "SK, T=0.5": lambda method: sk.solve(0.5, method=method),
    }
    for name, solve in solves.items():
        fast = best_of(lambda solve=solve: solve("hybrid"))
        slow = best_of(lambda solve=solve: solve("iterate"), repeat=2)
        it = solve("iterate")
        note = "" if it.success else f" (not converged: residual {it.residual:.0e})"
        print(f"| {name} | {fast * 1e3:.2f} ms | {slow * 1e3:.1f} ms{note} | {slow / fast:.0f}x |")
    points = {
        "Hopfield T=0 retrieval, alpha=0.1": lambda: hopfield.solve(0.1, 0.0),
        "alpha_c(T=0.2) (fold)": lambda: hopfield.alpha_c(0.2),
        "T_M(alpha=0.05)": lambda: hopfield.T_M(0.05),
        "T_c(alpha=0.02) (free-energy crossing)": lambda: hopfield.T_c(0.02),
        "T_AT(alpha=0.1)": lambda: hopfield.T_AT(0.1),
        "dense alpha_c(P=3, T=0.1)": lambda: dense.alpha_c(3, 0.1),
    }
    for name, f in points.items():
        print(f"| {name} | {best_of(f, 3) * 1e3:.1f} ms | | |")
    full = best_of(lambda: dense.phase_diagram(3, 30), 1)
    print(f"| dense P=3 diagram, 3 lines x 30 points (one run) | {full:.2f} s | | |\n")
    time_phase_diagram()
    rsb()


def rsb():
    """SK replica symmetry breaking: time to each ground-state energy, and its error.

    The reference is the full-RSB value -0.7631667 of Crisanti & Rizzo (2002).
    """
    print("\n| SK ground state | time | e0 | e0 - (-0.7631667) |")
    print("| --- | --- | --- | --- |")
    runs = {
        "RS": lambda: sk.solve_rsb(0.0, k=0),
        "1RSB": lambda: sk.solve_rsb(0.0, k=1),
        "2RSB": lambda: sk.solve_rsb(0.0, k=2),
        "3RSB": lambda: sk.solve_rsb(0.0, k=3),
        "full RSB, 10 levels": lambda: sk.solve_full_rsb(0.0, n_levels=10),
        "full RSB, 20 levels": lambda: sk.solve_full_rsb(0.0, n_levels=20),
    }
    for name, solve in runs.items():
        t = time.perf_counter()
        s = solve()
        dt = time.perf_counter() - t
        assert s.success, s
        print(f"| {name} | {dt:.2f} s | {s.free_energy:.7f} | {s.free_energy + 0.7631667:+.1e} |")
    t = time.perf_counter()
    s = sk.solve_rsb(0.5, k=1)
    print(f"\n1RSB at T = 0.5: {time.perf_counter() - t:.2f} s, f = {s.free_energy:.7f}")
    print("\n| dense P >= 3, one step of RSB | time | result |")
    print("| --- | --- | --- |")
    runs = {
        "alpha_c, P = 3 (fold)": lambda: dense_rsb.alpha_c_rsb(3).value,
        "alpha_c, P = 4 (fold)": lambda: dense_rsb.alpha_c_rsb(4).value,
        "retrieval, P = 3, alpha = 0.12, T = 0": lambda: dense_rsb.solve_rsb(
            3, 0.12, 0.0, branch="retrieval"
        )["m"],
        "glass, P = 4, alpha = 0.3, T = 0.06": lambda: dense_rsb.solve_rsb(4, 0.3, 0.06).energy,
    }
    for name, solve in runs.items():
        t = time.perf_counter()
        value = solve()
        print(f"| {name} | {time.perf_counter() - t:.2f} s | {value:.6f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--phase-diagram", action="store_true", help="time only the Hopfield phase diagram"
    )
    args = parser.parse_args()
    with threadpool_limits(1):
        if args.phase_diagram:
            time_phase_diagram()
        else:
            main()
