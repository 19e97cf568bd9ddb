"""Memory of one retrieval run, as multiples of the int8 pattern bytes K N.

Run ``python memory.py [--K K] [--N N] [--out FILE]`` from the ``benchmarks``
folder (default K = 1000, N = 20000).  The steps, in one process, each result
kept for the next:

1. ``xi = binary_patterns(K, N, rng=0)``;
2. ``net = DenseHopfield(xi, P=2)``;
3. ``model = hebbian.mc.kernel_model(net)``;
4. ``state = hebbian.mc.init(net, rng=1)``;
5. ``hebbian.mc.step(model, state, Dynamics(T=0.5), 1)``.

For each step the table gives, from :mod:`tracemalloc` (NumPy reports its
array buffers to it; arrays that compiled Numba code allocates are not
traced), the peak traced bytes during the step and the traced bytes it leaves
behind, both above the traced bytes before it; and the process's peak RSS
(``ru_maxrss``) after the step, above the RSS after the imports.  That RSS is
taken after the imports and a warm-up of the same steps on a tiny network,
so that the compilation of the kernels (or their load from Numba's cache)
is not counted.  As ``ru_maxrss`` never decreases, a step that stays below
an earlier peak (of the imports or the warm-up) shows that peak: the RSS
column is an upper bound.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import tracemalloc

import numpy as np
from _timing import cpu_model, publish

import hebbian.mc
from hebbian import DenseHopfield, binary_patterns


def current_rss() -> int:
    """Resident set size of this process now, in bytes (Linux ``/proc/self/statm``)."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    """Peak resident set size of this process so far, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def steps(K: int, N: int):
    """The run's steps as (label, callable of the previous results), in order."""
    return [
        ("xi = binary_patterns(K, N, rng=0)", lambda r: binary_patterns(K, N, rng=0)),
        ("net = DenseHopfield(xi, P=2)", lambda r: DenseHopfield(r[0], P=2)),
        ("model = mc.kernel_model(net)", lambda r: hebbian.mc.kernel_model(r[1])),
        ("state = mc.init(net, rng=1)", lambda r: hebbian.mc.init(r[1], rng=1)),
        (
            "mc.step(model, state, Dynamics(T=0.5), 1)",
            lambda r: hebbian.mc.step(r[2], r[3], hebbian.mc.Dynamics(T=0.5), 1),
        ),
    ]


def run(K: int, N: int) -> list[dict]:
    """Bytes of each step (see the module docstring), after a warm-up on a tiny network.

    ``before``, ``peak`` and ``after`` are traced bytes above those after the
    imports; ``rss`` is the peak RSS so far above the RSS after the imports.
    """
    warm: list = []
    for _, fn in steps(3, 50):
        warm.append(fn(warm))
    rss0 = current_rss()
    rows, results = [], []
    tracemalloc.start()
    try:
        for label, fn in steps(K, N):
            before, _ = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            results.append(fn(results))
            after, peak = tracemalloc.get_traced_memory()
            rss = max(peak_rss() - rss0, 0)
            rows.append(
                {"step": label, "before": before, "peak": peak, "after": after, "rss": rss}
            )
    finally:
        tracemalloc.stop()
    return rows


def table(rows: list[dict], K: int, N: int) -> str:
    """The markdown table of :func:`run`'s rows, with the machine."""
    unit = K * N
    top = max(rows, key=lambda r: r["peak"])
    lines = [
        f"Machine: {cpu_model()}, {os.cpu_count()} logical cores; Python "
        f"{platform.python_version()}, NumPy {np.__version__}; K = {K}, N = {N}, "
        f"pattern bytes K N = {unit / 2**20:.1f} MiB.  Traced: tracemalloc; RSS: peak "
        f"RSS so far over the RSS after the imports.",
        "",
        "| step | traced peak during the step, over its start (x K N) | traced kept "
        "(x K N) | traced peak, over after imports (x K N) | RSS (x K N) |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| `{r['step']}` | {(r['peak'] - r['before']) / unit:.3f} | "
            f"{(r['after'] - r['before']) / unit:.3f} | {r['peak'] / unit:.3f} | "
            f"{r['rss'] / unit:.3f} |"
        )
    lines += [
        "",
        f"Whole sequence: traced peak {top['peak'] / unit:.3f} x K N, during "
        f"`{top['step']}`; peak RSS over the RSS after the imports "
        f"{rows[-1]['rss'] / unit:.3f} x K N ({rows[-1]['rss'] / 2**20:.1f} MiB).",
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--K", type=int, default=1000, help="number of patterns")
    parser.add_argument("--N", type=int, default=20_000, help="number of neurons")
    parser.add_argument("--out", default=None, help="write the table (markdown) here")
    args = parser.parse_args(argv)
    text = table(run(args.K, args.N), args.K, args.N)
    publish(text, args.out)


if __name__ == "__main__":
    main()
