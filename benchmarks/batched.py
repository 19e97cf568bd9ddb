"""Attempted flips per second of many chains: GPU (CuPy + CUDA kernel) against the CPU.

Run ``python benchmarks/batched.py [--quick]``.  For each case it times, in
one process on one machine:

* ``numba``: the one-chain Numba kernels, chains spread over every core
  (``n_workers`` threads), the CPU baseline;
* ``batched``: the all-chains array code on NumPy (:mod:`hebbian.mc._batched`, the CPU
  reference of the GPU path; slow by design: a dozen array passes per flip);
* ``cupy``: the CUDA kernel (:mod:`hebbian.mc._cuda`) on the GPU, when one is present,
  with its roofline: per attempt the kernel streams the chain's K int32
  overlap sums (4 K bytes, coalesced across a warp) and K pattern entries
  (L2 resident), and does K multiply-adds; the bound is the smaller of
  (memory bandwidth / 4 K) and (FP64 FMA rate / K) at the device's published
  peaks, given in the table.

Cases: P = 2, N = 1000, K = 100 (the issue's 10^10 flips/s target case) and
P = 4 at high storage, N = 100, K = 5000 (alpha = 0.005), both at T = 0.5.
"""

from __future__ import annotations

import argparse
import os

from _timing import cpu_model, interleaved, summary

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
    args = parser.parse_args(argv)
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
            vs = [a / b for a, b in zip(wall, rates["numba"]["wall"], strict=True)]
            roof = (
                f"{min(peak[0] / (4 * K), peak[1] / K):.2e}" if backend == "cupy" and peak else ""
            )
            print(f"| {P} | {N} | {K} | {backend} | {chains} | {sweeps} | "
                  f"{summary(wall, '{:.3g}')} | {summary(vs)} | {roof} |")  # fmt: skip


if __name__ == "__main__":
    main()
