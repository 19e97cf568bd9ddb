"""Modern Hopfield network: batched retrieval throughput against a one-query-at-a-time loop.

Run ``python benchmarks/modern.py [--quick]``; it prints the machine's
measured rates and a markdown table for BENCHMARKS.md, every number from this
one run.

One update ``xi <- X softmax(beta X^T xi)`` (Ramsauer et al., Eq. (3)) of B
queries against K stored patterns in d dimensions, float64:
:meth:`hebbian.ModernHopfield.update` on the (B, d) batch, against the plain
NumPy loop one writes first (scores ``X @ xi``, softmax with the max shifted
out, ``p @ X``) on one query at a time, same process, median of the repeats.

Roofline: an update costs ``2 * 2 K d`` flops per query (two matrix-vector
products) and reads the K x d pattern matrix twice (8 bytes an entry); the
loop reads it twice per query, the batch twice per B queries.  Peak rates
are measured in the same run: a 2048 x 2048 matmul (flops) and a copy of the
pattern matrix (bytes read + written).
"""

from __future__ import annotations

import argparse
import os
import platform

import numpy as np
from _timing import median_time

from hebbian import ModernHopfield, binary_patterns


def loop_update(X: np.ndarray, beta: float, queries: np.ndarray) -> np.ndarray:
    """The same update, one query at a time."""
    out = np.empty_like(queries)
    for b, xi in enumerate(queries):
        z = beta * (X @ xi)
        e = np.exp(z - z.max())
        out[b] = (e / e.sum()) @ X
    return out


def peak_rates(X: np.ndarray, repeats: int) -> tuple[float, float]:
    """Measured matmul GFLOP/s and copy GB/s (read + write) on this machine."""
    n = 2048
    a = np.random.default_rng(0).random((n, n))
    gflops = 2 * n**3 / median_time(lambda: a @ a, repeats) / 1e9
    buf = np.empty_like(X)
    gbytes = 2 * X.nbytes / median_time(lambda: np.copyto(buf, X), repeats) / 1e9
    return gflops, gbytes


def throughput_table(K: int, d: int, B: int, n_loop: int, repeats: int) -> list[str]:
    net = ModernHopfield(binary_patterns(K, d, rng=1), beta=1.0 / np.sqrt(d))
    X, rng = net.patterns, np.random.default_rng(2)
    flips = np.where(rng.random((B, d)) < 0.2, -1.0, 1.0)
    queries = X[rng.integers(K, size=B)] * flips  # stored patterns, 20% of entries flipped
    batch = net.update(queries)
    if not np.allclose(loop_update(X, net.beta, queries[:n_loop]), batch[:n_loop], atol=1e-12):
        raise RuntimeError("the loop and ModernHopfield.update disagree; fix before timing")
    t_batch = median_time(lambda: net.update(queries), repeats) / B
    t_loop = median_time(lambda: loop_update(X, net.beta, queries[:n_loop]), repeats) / n_loop
    peak_flops, peak_bytes = peak_rates(X, repeats)
    flops, pass_bytes = 4 * K * d, 2 * X.nbytes
    rows = [
        f"Measured in this run: matmul peak {peak_flops:.1f} GFLOP/s (2048^3 float64); "
        f"copy bandwidth {peak_bytes:.1f} GB/s (read + write of the "
        f"{X.nbytes / 1e6:.0f} MB pattern matrix).",
        "",
        "| path | queries timed | time per query | queries/s | GFLOP/s | pattern-matrix GB/s "
        "| roofline time per query (bound) | % of roofline | speed-up |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, n, t, bytes_per_query in (
        ("NumPy loop, one query at a time", n_loop, t_loop, pass_bytes),
        (f"`ModernHopfield.update`, batch of {B}", B, t_batch, pass_bytes / B),
    ):
        t_flops, t_bytes = flops / peak_flops / 1e9, bytes_per_query / peak_bytes / 1e9
        bound = "bandwidth" if t_bytes > t_flops else "flops"
        rows.append(
            f"| {name} | {n} | {t * 1e3:.3f} ms | {1 / t:,.1f} | {flops / t / 1e9:.1f} "
            f"| {bytes_per_query / t / 1e9:.2f} | {max(t_flops, t_bytes) * 1e3:.3f} ms ({bound}) "
            f"| {100 * max(t_flops, t_bytes) / t:.0f}% | {t_loop / t:.1f}x |"
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="K = 10^4 instead of 10^5")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    K, d, B, n_loop = (10_000 if args.quick else 100_000), 512, 256, 16
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, NumPy {np.__version__}\n")  # fmt: skip
    print(f"K = {K} +-1 patterns, d = {d}, beta = 1/sqrt(d), float64, "
          f"median of {args.repeats} repeats\n")  # fmt: skip
    print("\n".join(throughput_table(K, d, B, n_loop, args.repeats)))


if __name__ == "__main__":
    main()
