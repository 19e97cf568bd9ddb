"""Networks learned from examples: cost per sweep against M, and the Plefka approximation.

Run ``python benchmarks/learning.py [--quick]``; it prints two markdown tables
for BENCHMARKS.md, every number from this one run.

(1) Time per Monte Carlo sweep (N attempted flips, Metropolis, started on an
archetype) of the supervised network, which keeps one integer overlap per
class with the class's example sum (the unsupervised network in the Plefka
approximation is the same network), against the exact unsupervised network,
which keeps the overlap with every example (``K M`` of them): the naive sum
over examples.  The first must not grow with M; the second grows like M.

(2) Accuracy of the Plefka approximation: the archetype overlap of the
unsupervised network, exact and Plefka, from :func:`hebbian.mc.learning.archetype_overlap`
at low load (where the expansion's neglected terms are O(1/N)) with few and
many examples, and at high load.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from hebbian import binary_patterns, learned_network, noisy_examples
from hebbian.mc import Dynamics, init, kernel_model, step
from hebbian.mc.learning import archetype_overlap


def sweep_time(net, start, n_sweeps: int) -> float:
    """Seconds per sweep, best of three runs."""
    model, dyn = kernel_model(net), Dynamics(T=0.1)
    best = np.inf
    for _ in range(3):
        state = init(net, start=start, rng=0)
        step(model, state, dyn, 1)  # compile
        t0 = time.perf_counter()
        step(model, state, dyn, n_sweeps)
        best = min(best, (time.perf_counter() - t0) / n_sweeps)
    return best


def cost_table(quick: bool) -> list[str]:
    rows = [
        "| P | N | K | M | supervised / Plefka (K rows) | exact unsupervised (K M rows) | ratio |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for P, N in ((2, 1000), (3, 300)):
        K = 10
        for M in (1, 10, 100) if quick else (1, 10, 100, 1000):
            ex = noisy_examples(binary_patterns(K, N, rng=1), M, 0.5, rng=2)
            n = 5 if quick else 20
            sup = sweep_time(learned_network(ex, P), ex.archetypes[0], n)
            unsup = sweep_time(
                learned_network(ex, P, protocol="unsupervised"), ex.archetypes[0], n
            )
            rows.append(
                f"| {P} | {N} | {K} | {M} | {sup * 1e3:.3f} ms | {unsup * 1e3:.3f} ms "
                f"| {unsup / sup:.1f}x |"
            )
    return rows


def accuracy_table(quick: bool) -> list[str]:
    rows = [
        "| case | exact unsupervised m | Plefka m | supervised m | Plefka time / exact time |",
        "| --- | --- | --- | --- | --- |",
    ]
    cases = [
        ("P=3, low load K=3, r=0.4, M=5, T=0.1", (3, 0.0, 0.1, 600, 0.4, 5), {"K": 3}),
        ("P=3, low load K=3, r=0.4, M=31, T=0.1", (3, 0.0, 0.1, 600, 0.4, 31), {"K": 3}),
        ("P=2, alpha=0.03, r=0.3, M=60, T=0.1", (2, 0.03, 0.1, 600, 0.3, 60), {}),
    ]
    n_samples = 3 if quick else 12

    def fmt(x):
        return f"{x['m']:.4f} +- {x['error']:.4f}"

    for name, args, kw in cases:
        found, times = {}, {}
        for label, options in (
            ("exact", {"protocol": "unsupervised"}),
            ("plefka", {"protocol": "unsupervised", "tensor": "plefka"}),
            ("supervised", {}),
        ):
            t0 = time.perf_counter()
            found[label] = archetype_overlap(*args, **kw, **options, n_samples=n_samples, seed=7)
            times[label] = time.perf_counter() - t0
        rows.append(
            f"| {name} | {fmt(found['exact'])} | {fmt(found['plefka'])} | "
            f"{fmt(found['supervised'])} | {times['plefka'] / times['exact']:.3f} |"
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}\n")  # fmt: skip
    print("\n".join(cost_table(args.quick)))
    print()
    print("\n".join(accuracy_table(args.quick)))


if __name__ == "__main__":
    main()
