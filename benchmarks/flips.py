"""Attempted single-spin flips per second: mc kernels against baselines.

Run ``python benchmarks/flips.py [--quick] [--out BENCHMARKS.md]``.  Every number
in one table comes from one run of this script on one machine, so the ratios
are meaningful even on a noisy machine; absolute rates are listed with the
machine they were measured on.

Compared, for each (P, N, K), at the same temperature and patterns:

(a) the straightforward single-chain NumPy sampler a researcher would write:
    overlap bookkeeping, one Python-level step per flip, energy change from
    the updated overlaps ``-(N/P!) (m'^(P-1) . m' - m^(P-1) . m)`` on
    contiguous pattern rows (about 0.2 M flips/s at P = 2 and 3, as fast as
    the single-chain NumPy anchors quoted in the issue, so the ratios are not
    flattered by a weak baseline);
(b) the explicit-coupling local-field method (Numba): couplings J held as an
    N^P tensor, local fields of all neurons kept up to date, so an attempt is
    O(1) and an accepted flip costs O(N^(P-1)); only where J fits in memory;
(c) the roofline of the overlap method: per attempted flip, K multiply-adds
    of int8 patterns with float64 overlaps, two uniforms (site, acceptance)
    and one exponential, at rates measured here in Numba (uniforms drawn a
    sweep's worth at a time, as the kernel does).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import time

import numpy as np
from numba import njit

from hebbian import DenseHopfield, binary_patterns
from hebbian.mc import Dynamics, init, kernel_model, step
from hebbian.mc._numba import FASTMATH

CASES = [(2, 1000, 100, 0.5), (3, 200, 2000, 0.05), (4, 100, 10_000, 0.005)]


def numpy_researcher(xi_t, sigma, beta, P, n_flips, rng):
    """Baseline (a): what one writes first with NumPy (xi_t: (N, K) float64)."""
    N = xi_t.shape[0]
    m = sigma @ xi_t / N
    fact = math.factorial(P)
    for _ in range(n_flips):
        i = rng.integers(N)
        m_new = m - (2.0 * sigma[i] / N) * xi_t[i]
        dE = -N / fact * (np.dot(m_new ** (P - 1), m_new) - np.dot(m ** (P - 1), m))
        if dE <= 0 or rng.random() < math.exp(-beta * dE):
            sigma[i] = -sigma[i]
            m = m_new
    return sigma


@njit(cache=True)
def _fields_p2(J, sigma, h, beta, n_flips, rng):
    N = sigma.shape[0]
    for _ in range(n_flips):
        i = min(int(rng.random() * N), N - 1)
        dE = 2.0 * sigma[i] * h[i]
        if dE <= 0.0 or rng.random() < math.exp(-beta * dE):
            s_old = sigma[i]
            sigma[i] = -s_old
            for j in range(N):
                h[j] -= 2.0 * s_old * J[j, i]


@njit(cache=True)
def _fields_p3(J, sigma, h, beta, n_flips, rng):
    # H = -(1/3!) sum_ijk J_ijk s_i s_j s_k, h_i = (1/2) sum_jk J_ijk s_j s_k (J symmetric,
    # zero on repeated indices); flipping i changes h_j by -2 s_i sum_k J_jik s_k
    N = sigma.shape[0]
    for _ in range(n_flips):
        i = min(int(rng.random() * N), N - 1)
        dE = 2.0 * sigma[i] * h[i]
        if dE <= 0.0 or rng.random() < math.exp(-beta * dE):
            s_old = sigma[i]
            sigma[i] = -s_old
            for j in range(N):
                acc = 0.0
                for k in range(N):
                    acc += J[j, i, k] * sigma[k]
                h[j] -= 2.0 * s_old * acc


def coupling_baseline(xi, sigma, beta, P, n_flips, rng):
    """Baseline (b), or None where the tensor would not fit in 2 GiB."""
    N = xi.shape[1]
    if 8 * N**P > 2 * 2**30 or P > 3:
        return None
    x = xi.astype(np.float64)
    if P == 2:
        J = x.T @ x / N
        np.fill_diagonal(J, 0.0)
        h = J @ sigma
        run = _fields_p2
    else:
        J = np.einsum("mi,mj,mk->ijk", x, x, x) / N**2
        idx = np.arange(N)
        J[idx, idx, :] = 0
        J[idx, :, idx] = 0
        J[:, idx, idx] = 0
        h = 0.5 * np.einsum("ijk,j,k->i", J, sigma, sigma)
        run = _fields_p3
    s = sigma.astype(np.float64)
    run(J, s, h, beta, 10, rng)  # compile
    t = time.perf_counter()
    run(J, s, h, beta, n_flips, rng)
    return n_flips / (time.perf_counter() - t)


@njit(cache=True, fastmath=FASTMATH)  # the kernel's own flags: vectorized reductions
def _macs(xi, m, reps):
    acc = 0.0
    for _ in range(reps):
        for k in range(xi.shape[0]):
            acc += xi[k] * m[k]
    return acc


@njit(cache=True)
def _uniforms(rng, n):
    acc = 0.0
    for _ in range(n // 2000):  # buffered per sweep, as in the kernel
        acc += rng.random(2000)[0]
    return acc


@njit(cache=True)
def _exps(x, reps):
    acc = 0.0
    for r in range(reps):
        for k in range(x.shape[0]):
            acc += math.exp(-x[k] - 1e-9 * r)
    return acc


def rates() -> dict:
    """Measured rates (per second) of the roofline's ingredients."""

    def timed(f, *args):
        f(*args)
        t = time.perf_counter()
        f(*args)
        return time.perf_counter() - t

    xi = np.where(np.random.default_rng(0).random(4096) < 0.5, 1, -1).astype(np.int8)
    m = np.random.default_rng(1).random(4096)
    rng = np.random.default_rng(2)
    return {
        "mac": 4096 * 20_000 / timed(_macs, xi, m, 20_000),
        "uniform": 5e7 / timed(_uniforms, rng, 50_000_000),
        "exp": 4096 * 5000 / timed(_exps, m, 5000),
    }


def measure(P, N, K, T, quick):
    xi = binary_patterns(K, N, rng=P)
    net = DenseHopfield(xi, P=P)
    model = kernel_model(net)
    dyn = Dynamics(T=T)
    beta = 1.0 / T

    state = init(net, start="pattern", m0=0.9, rng=1)
    step(model, state, dyn, 1)  # compile / load cache
    n_sweeps = max(2, int((2e6 if quick else 2e7) / (N * K)))
    t = time.perf_counter()
    step(model, state, dyn, n_sweeps)
    kernel = n_sweeps * N / (time.perf_counter() - t)
    acceptance = float(state.acceptance[0])
    seq = init(net, start="pattern", m0=0.9, rng=1)
    seq_dyn = Dynamics(T=T, order="sequential")
    step(model, seq, seq_dyn, 1)
    t = time.perf_counter()
    step(model, seq, seq_dyn, n_sweeps)
    sequential = n_sweeps * N / (time.perf_counter() - t)

    sigma = state.sigma[0].astype(np.float64)
    n_flips = 2000 if quick else 20_000
    t = time.perf_counter()
    xi_t = np.ascontiguousarray(xi.T, dtype=np.float64)
    numpy_researcher(xi_t, sigma.copy(), beta, P, n_flips, np.random.default_rng(3))
    baseline = n_flips / (time.perf_counter() - t)

    fields = coupling_baseline(
        xi, sigma.copy(), beta, P, int(kernel * 0.5), np.random.default_rng(4)
    )

    two = init(net, n_replicas=2, start="pattern", m0=0.9, rng=5)
    step(model, two, dyn, 1, n_workers=2)  # start threads once

    def best_of_3(workers):
        times = []
        for _ in range(3):
            t = time.perf_counter()
            step(model, two, dyn, n_sweeps, n_workers=workers)
            times.append(time.perf_counter() - t)
        return min(times)

    one_thread, two_threads = best_of_3(1), best_of_3(2)
    return {
        "P": P,
        "N": N,
        "K": K,
        "T": T,
        "acceptance": acceptance,
        "kernel": kernel,
        "sequential": sequential,
        "numpy": baseline,
        "fields": fields,
        "scaling": one_thread / two_threads,
    }


def roofline(case: dict, r: dict) -> float:
    seconds = case["K"] / r["mac"] + 2 / r["uniform"] + 1 / r["exp"]
    return 1.0 / seconds


def table(results, r) -> str:
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if "model name" in line)
    except (OSError, StopIteration):
        pass
    lines = [
        f"Machine: {cpu}, {os.cpu_count()} logical cores; Python {platform.python_version()}, "
        f"NumPy {np.__version__}.",
        f"Measured rates: {r['mac'] / 1e9:.2f} G int8*float64 multiply-adds/s, "
        f"{r['uniform'] / 1e6:.0f} M uniforms/s, {r['exp'] / 1e6:.0f} M exp/s (Numba, one core).",
        "",
        "| P | N | K | T | acceptance | mc kernel (flips/s/core) | (a) NumPy sampler | "
        "kernel / (a) | sequential order | sequential / (a) | (b) coupling fields | "
        "kernel / (b) | (c) roofline | % of roofline | 2 chains on 2 threads vs 1 |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for c in results:
        roof = roofline(c, r)
        fields = "does not fit" if c["fields"] is None else f"{c['fields'] / 1e6:.2f} M"
        ratio_b = "-" if c["fields"] is None else f"{c['kernel'] / c['fields']:.2f}x"
        lines.append(
            f"| {c['P']} | {c['N']} | {c['K']} | {c['T']} | {c['acceptance']:.3f} | "
            f"{c['kernel'] / 1e6:.2f} M | {c['numpy'] / 1e6:.3f} M | "
            f"{c['kernel'] / c['numpy']:.0f}x | {c['sequential'] / 1e6:.2f} M | "
            f"{c['sequential'] / c['numpy']:.0f}x | {fields} | {ratio_b} | {roof / 1e6:.2f} M | "
            f"{100 * c['kernel'] / roof:.0f}% | {c['scaling']:.2f}x |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", default=None, help="write the table (markdown) here")
    args = parser.parse_args(argv)
    r = rates()
    results = [measure(P, N, K, T, args.quick) for P, N, K, T in CASES]
    text = table(results, r)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
