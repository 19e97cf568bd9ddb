"""Attempted flips per second of many chains: GPU (CuPy + CUDA kernel) against the CPU.

Run ``python benchmarks/batched.py [--quick]``.  For each case it times, in
one process on one machine:

* ``numba``: the one-chain Numba kernels, chains spread over every core
  (``n_workers`` threads), the CPU baseline;
* ``batched``: the all-chains array code on NumPy (:mod:`hebbian.mc._batched`, the CPU
  reference of the GPU path; slow by design: a dozen array passes per flip);
* ``cupy``: the CUDA kernel (:mod:`hebbian.mc._cuda`) on the GPU, when one is present,
  with its roofline: per attempt the kernel streams the K values its energy
  change reads of the chain (overlap sums at P = 2, kept terms at P >= 3, in
  the family's type: b = 2 or 4 bytes each, coalesced across a warp) and K
  pattern entries (L2 resident), and does K multiply-adds; the bound is the
  smaller of (memory bandwidth / b K) and (FP64 FMA rate / K) at the device's published
  peaks, given in the table.

Cases: P = 2, N = 1000, K = 100 (the issue's 10^10 flips/s target case) and
P = 4 at high storage, N = 100, K = 5000 (alpha = 0.005), both at T = 0.5.

``--per-core`` instead times R = 16, 32, 64 chains on the same patterns at
P = 2 (N = 1000, K = 100, T = 0.5) and P = 3 (N = 200, K = 2000, T = 0.05)
against the plain fastmath loop of ``flips.py`` (one chain), all per CPU
second: ``numba`` (the one-chain kernel, the chains on threads over every
core) and ``lockstep`` (groups of 16 chains a kernel, the groups on threads
over every core), with the wall rate of ``lockstep`` on every core over one;
the load average is printed.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
from _timing import cpu_model, interleaved, ratios, summary
from flips import plain_loop

from hebbian import DenseHopfield, binary_patterns
from hebbian.mc import Dynamics, init, kernel_model, step
from hebbian.mc.backends import resolve_backend

CASES = [(2, 1000, 100), (4, 100, 5000)]

#: Published peaks of the GPUs this package is tested on: (HBM bytes/s, FP64 FMA/s).
PEAKS = {"H100": (3.35e12, 33.5e12), "H200": (4.8e12, 33.5e12)}


def contender(net, backend: str, n_chains: int, n_sweeps: int):
    """A call advancing ``n_chains`` chains by ``n_sweeps`` sweeps; returns the attempts."""
    model = kernel_model(net)
    state = init(net, n_replicas=n_chains, start="pattern", rng=0)
    dyn = Dynamics(T=0.5)
    workers = os.cpu_count() if backend == "numba" else 1

    def run():
        step(model, state, dyn, n_sweeps, backend=backend, n_workers=workers)
        return n_chains * n_sweeps * net.N

    return run


def per_core(quick: bool) -> None:
    """R chains per CPU second against the plain loop's one chain (see the module notes)."""
    print(f"{cpu_model()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}; "
          "attempted flips per CPU second, median (min..max), interleaved windows")  # fmt: skip
    print("| P | N | K | T | R | plain loop, 1 chain | numba, R chains | ratio | "
          "lockstep, R chains | ratio | lockstep: all cores / 1 (wall) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for P, N, K, T in [(2, 1000, 100, 0.5), (3, 200, 2000, 0.05)]:
        net = DenseHopfield(binary_patterns(K, N, rng=P), P=P)
        for R in (16, 32, 64):
            sweeps = max(1, int((5e7 if quick else 5e8) / (R * N * K)))  # >~ 0.1 s a call
            rates = interleaved(
                {
                    "plain": _plain(net, T),
                    "numba": _chains(net, "numba", R, sweeps, T),
                    "lockstep": _chains(net, "lockstep", R, sweeps, T),
                    "lockstep, 1 thread": _chains(net, "lockstep", R, sweeps, T, 1),
                },
                repeats=3 if quick else 5,
                window=0.3 if quick else 1.0,
            )
            cpu = {k: v["cpu"] for k, v in rates.items()}
            one = rates["lockstep, 1 thread"]["wall"]
            wall = ratios(rates["lockstep"]["wall"], one)
            print(f"| {P} | {N} | {K} | {T} | {R} | {summary(cpu['plain'], '{:.3g}')} | "
                  f"{summary(cpu['numba'], '{:.3g}')} | {_ratio(cpu, 'numba')} | "
                  f"{summary(cpu['lockstep'], '{:.3g}')} | {_ratio(cpu, 'lockstep')} | "
                  f"{summary(wall)} |")  # fmt: skip
    print(f"load average after: {os.getloadavg()[0]:.1f}")


def _ratio(cpu: dict, name: str) -> str:
    return summary(ratios(cpu[name], cpu["plain"]))


def _plain(net, T: float):
    """The plain loop of ``flips.py`` on one chain of ``net`` (10^7 multiply-adds a call)."""
    one = init(net, start="pattern", m0=0.9, rng=1)
    xf = np.ascontiguousarray(net.patterns.T, dtype=np.float64)  # (N, K)
    sigma, S, rng = one.sigma[0].astype(np.float64), one.S[0].copy(), np.random.default_rng(2)
    n = max(net.N, int(1e7 / net.K))

    def run():
        return plain_loop(xf, S, sigma, 1.0 / T, net.P, n, rng)

    return run


def _chains(net, backend: str, R: int, n_sweeps: int, T: float, workers: int | None = None):
    model = kernel_model(net)
    state = init(net, n_replicas=R, start="pattern", m0=0.9, rng=0)
    dyn = Dynamics(T=T)
    workers = workers or os.cpu_count()

    def run():
        step(model, state, dyn, n_sweeps, backend=backend, n_workers=workers)
        return R * n_sweeps * net.N

    return run


def field_bytes(net) -> int:
    """Bytes per pattern of what the energy change reads of a chain: sums (P = 2), kept terms."""
    model = kernel_model(net)
    work, aux = model.family.prepare(model, init(net, rng=0).S[0])
    return (work if net.P == 2 else aux).itemsize


def gpu_name() -> str | None:
    try:
        resolve_backend("cupy")
    except ValueError:
        return None
    import cupy

    name = cupy.cuda.runtime.getDeviceProperties(0)["name"]
    return name.decode() if isinstance(name, bytes) else str(name)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--per-core", action="store_true", help="R = 16..64 chains per core")
    args = parser.parse_args(argv)
    if args.per_core:
        per_core(args.quick)
        return
    device = gpu_name()
    print(f"{cpu_model()}, {os.cpu_count()} cores; GPU: {device or 'none (not measured)'}; "
          f"interleaved windows, median (min..max)")  # fmt: skip
    print("| P | N | K | backend | chains | sweeps | attempted flips/s | vs numba | roofline |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    repeats = 3 if args.quick else 5
    for P, N, K in CASES:
        net = DenseHopfield(binary_patterns(K, N, rng=1), P=P)
        runs = {
            "numba": (2 * os.cpu_count(), 2 if args.quick else 10),
            "batched": (256 if args.quick else 4096, 1),
        }
        if device:
            runs["cupy"] = (4096 if args.quick else 16384, 5 if args.quick else 50)
        rates = interleaved(
            {name: contender(net, name, *run) for name, run in runs.items()},
            repeats=repeats,
            window=0.3 if args.quick else 1.0,
        )
        peak = next((v for k, v in PEAKS.items() if device and k in device), None)
        for backend, (chains, sweeps) in runs.items():
            wall = rates[backend]["wall"]
            vs = ratios(wall, rates["numba"]["wall"])
            roof = (
                f"{min(peak[0] / (field_bytes(net) * K), peak[1] / K):.2e}"
                if backend == "cupy" and peak
                else ""
            )
            print(f"| {P} | {N} | {K} | {backend} | {chains} | {sweeps} | "
                  f"{summary(wall, '{:.3g}')} | {summary(vs)} | {roof} |")  # fmt: skip


if __name__ == "__main__":
    main()
