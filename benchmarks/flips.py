"""Attempted single-spin flips per second: the mc kernel against the plain fastmath loop.

Run ``python benchmarks/flips.py [--quick] [--out FILE]``.  Every ratio is
taken within one run, between contenders timed in interleaved windows of at
least one second (:mod:`_timing`), and the table names the machine.

Contenders, for each (P, N, K, T), on the same patterns from the same start
(overlap 0.9 with pattern 0, Metropolis, random sites, no self-interactions):

* **plain**: the baseline, the plainest fast loop one writes: one chain,
  float64 patterns (N, K) and overlap sums, per attempted flip one
  ``Generator`` uniform for the site and one for the acceptance, the field as
  a plain O(K) loop over the cavity sums (closed forms of ``e_{P-1}``),
  ``exp`` for every uphill move, Numba ``fastmath=True``;
* **kernel**: :func:`hebbian.mc.step` on one chain (backend ``numba``);
* **2 chains, 2 threads / 1 thread**: the kernel on two chains with
  ``n_workers=2`` and ``1`` (wall and CPU rates: on a shared machine the CPU
  rate says whether the second core was there);
* **dot ceiling**: the kernel's energy change alone (the family's own
  ``delta``, in the kernel's types: K int8 x int16 multiply-adds summed in
  int32 where the bounds allow, int8 x int32 in int64 otherwise) on the rows
  of random sites drawn beforehand, nothing else: the rate a kernel whose
  every other cost were zero would reach (the multiply-add limit of this loop
  on this core, measured rather than taken from a data sheet).

The table's header gives the load average (``os.getloadavg``) before and
after the run: on a shared machine the ratios, taken between interleaved
windows, stay meaningful; the absolute rates do not.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import statistics

import numpy as np
from _timing import cpu_model, interleaved, publish, ratios, summary
from numba import njit

from hebbian import DenseHopfield, binary_patterns
from hebbian.mc import Dynamics, _interface, init, kernel_model, step
from hebbian.mc._numba import FASTMATH

CASES = [(2, 1000, 100, 0.5), (3, 200, 2000, 0.05), (4, 100, 10_000, 0.005)]


@njit(fastmath=True)
def plain_loop(xi, S, sigma, beta, P, n_flips, rng):
    """The baseline: float64 everything, two Generator uniforms per attempt."""
    N, K = xi.shape
    q = N - 1.0  # even power sum of a binary pattern's cavity
    scale = 2.0 / N ** (P - 1)
    for _ in range(n_flips):
        i = min(int(rng.random() * N), N - 1)
        s = sigma[i]
        h = 0.0
        for mu in range(K):
            x = xi[i, mu]
            c = S[mu] - x * s
            if P == 2:
                h += x * c
            elif P == 3:
                h += x * (c * c - q) / 2.0
            else:
                h += x * (c * c * c - 3.0 * c * q + 2.0 * c) / 6.0
        dE = scale * s * h
        if dE <= 0.0 or rng.random() < math.exp(-beta * dE):
            sigma[i] = -s
            for mu in range(K):
                S[mu] -= 2.0 * s * xi[i, mu]
    return n_flips


@njit(fastmath=FASTMATH)
def dot_ceiling(p, xi_t, S, aux, sites):
    """The kernel's energy change on the rows of the given sites, nothing else."""
    total = 0.0
    for i in sites:
        total += _interface.delta(p, xi_t, i, 1, S, aux, 0, 0)
    return total  # returned, so the loop is not optimised away


def contenders(P, N, K, T, quick):
    xi = binary_patterns(K, N, rng=P)
    net = DenseHopfield(xi, P=P)
    model = kernel_model(net)
    dyn = Dynamics(T=T)
    n_sweeps = max(1, int((1e7 if quick else 1e8) / (N * K)))  # ~10 ms per call
    one = init(net, start="pattern", m0=0.9, rng=1)
    two = init(net, n_replicas=2, start="pattern", m0=0.9, rng=1)
    xf = np.ascontiguousarray(xi.T, dtype=np.float64)
    sigma = one.sigma[0].astype(np.float64)
    S = one.S[0].copy()
    rng = np.random.default_rng(2)
    work, aux = model.family.prepare(model, one.S[0])  # the kernel's types
    sites = rng.integers(0, N, n_sweeps * N)

    def kernel():
        step(model, one, dyn, n_sweeps)
        return n_sweeps * N

    def dot():
        dot_ceiling(model.params, model.xi_t, work[None], aux[None], sites)
        return n_sweeps * N

    def threads(n):
        def run():
            step(model, two, dyn, n_sweeps, n_workers=n)
            return 2 * n_sweeps * N

        return run

    return one, {
        "plain": lambda: plain_loop(xf, S, sigma, 1.0 / T, P, n_sweeps * N, rng),
        "kernel": kernel,
        "2 threads": threads(2),
        "1 thread": threads(1),
        "dot": dot,
    }


def measure(P, N, K, T, quick, repeats):
    one, fns = contenders(P, N, K, T, quick)
    rates = interleaved(fns, repeats=repeats, window=0.3 if quick else 1.0)
    wall = {k: v["wall"] for k, v in rates.items()}
    return {
        "case": f"| {P} | {N} | {K} | {T} | {float(one.acceptance[0]):.3f} ",
        "plain": summary(wall["plain"], "{:.3g}"),
        "kernel": summary(wall["kernel"], "{:.3g}"),
        "vs plain": summary(ratios(wall["kernel"], wall["plain"])),
        "of dot ceiling": summary(
            [100 * r for r in ratios(wall["kernel"], wall["dot"])], "{:.0f}%"
        ),
        "threads wall": summary(ratios(wall["2 threads"], wall["1 thread"])),
        "threads cpu": summary(ratios(rates["2 threads"]["cpu"], rates["1 thread"]["cpu"])),
        "kernel median": statistics.median(wall["kernel"]),
    }


def table(results, repeats, load) -> str:
    lines = [
        f"Machine: {cpu_model()}, {os.cpu_count()} logical cores; Python "
        f"{platform.python_version()}, NumPy {np.__version__}; {repeats} interleaved repeats, "
        f"median (min..max); load average (1 min) {load[0]:.1f} before, {load[1]:.1f} after.",
        "",
        "| P | N | K | T | acceptance | plain loop (flips/s) | kernel (flips/s) | "
        "kernel / plain | kernel / dot ceiling | 2 chains: 2 threads / 1 (wall) | "
        "(CPU rate) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"{r['case']}| {r['plain']} | {r['kernel']} | {r['vs plain']} | "
            f"{r['of dot ceiling']} | {r['threads wall']} | {r['threads cpu']} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short windows, 3 repeats")
    parser.add_argument("--out", default=None, help="write the table (markdown) here")
    args = parser.parse_args(argv)
    repeats = 3 if args.quick else 5
    before = os.getloadavg()[0]
    results = [measure(*case, args.quick, repeats) for case in CASES]
    text = table(results, repeats, (before, os.getloadavg()[0]))
    publish(text, args.out)


if __name__ == "__main__":
    main()
