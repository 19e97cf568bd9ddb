"""Accepted flips per second of the Gaussian P-spin glass against its field-update ceiling.

Run ``python benchmarks/pspin.py [--quick] [--out FILE]``.  In the P-spin family
(:mod:`hebbian.mc.networks.pspin`) a flip of spin ``i`` updates every local
field, ``h_j -= 2 s sum_f J_{i j f} prod_f / (P-2)!`` over the ``N^(P-2)``
ordered tuples ``f`` of the other spins: ``N^(P-1)`` multiply-adds reading as
many float64 couplings, while an attempt that is refused costs ``O(1)``.  So a
sweep's cost is its accepted flips'.  Contenders, per case, one chain, timed
in interleaved windows of at least one second (:mod:`_timing`):

* **kernel**: :func:`hebbian.mc.step`, 200 sweeps a call, Metropolis, random
  sites, at ``T = T_s`` of the case (Gardner's J = 1): accepted flips per
  second;
* **ceiling**: the field update alone, in the kernel's arithmetic (the same
  contraction, Numba with the kernel's fastmath flags) on the rows of random
  sites drawn beforehand: the rate a kernel whose every other cost were zero
  would reach.

The table gives both rates, their ratio, and what the ceiling reaches in
multiply-adds and in bytes of couplings read per second: a flip reads
``8 N^(P-1)`` bytes of ``J`` (a row of the ``8 N^P``-byte tensor) once, so the
update is bound by the cache level that holds ``J`` (L2 for P = 3 at N = 64,
256 KiB of a 4 MiB tensor at P = 4, N = 32).
"""

from __future__ import annotations

import math

import numpy as np
from _timing import finish, interleaved, preamble, ratios, summary, window_args
from numba import njit

from hebbian.mc import Dynamics, init, kernel_model, step
from hebbian.mc._numba import FASTMATH
from hebbian.networks import PSpinGlass
from hebbian.theory import dense_phases

CASES = [(3, 64), (4, 32)]


@njit(fastmath=FASTMATH)
def field_updates(J, sites, h, product, scale):
    """The kernel's field update for each of ``sites``, on fixed spins."""
    N = J.shape[0]
    block = product.shape[0]
    for i in sites:
        row = J[i]
        for j in range(N):
            acc = 0.0
            for f in range(block):
                acc += row[j * block + f] * product[f]
            h[j] += scale * acc
    return h


def contenders(P: int, N: int) -> dict:
    alpha = math.factorial(P) / 2  # J = 1
    net = PSpinGlass.sample(N, P, alpha, rng=0)
    model = kernel_model(net)
    dyn = Dynamics(T=dense_phases.static_transition(P)["T_s"])
    state = init(net, n_replicas=1, rng=1)
    rng = np.random.default_rng(2)
    sites = rng.integers(0, N, 2000)
    spins = np.where(rng.random(N) < 0.5, -1.0, 1.0)
    product = spins
    for _ in range(P - 3):
        product = np.outer(product, spins).ravel()
    J, h = np.ascontiguousarray(net.J.reshape(N, -1)), np.zeros(N)

    def kernel() -> int:
        before = state.counts[0, 1]
        step(model, state, dyn, 200)
        return int(state.counts[0, 1] - before)

    def ceiling() -> int:
        field_updates(J, sites, h, product, 1e-9)
        return sites.size

    return {"kernel": kernel, "ceiling": ceiling}


def main(argv=None) -> None:
    args, repeats, window = window_args(__doc__, argv)
    lines = [
        *preamble("one chain, one thread", "accepted flips per CPU second", repeats, window),
        "| P | N | T | kernel | ceiling | kernel / ceiling | ceiling GFMA/s | ceiling GB/s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for P, N in CASES:
        rates = interleaved(contenders(P, N), repeats, window)
        per_flip = N ** (P - 1)
        top = float(np.median(rates["ceiling"]["cpu"]))
        lines.append(
            f"| {P} | {N} | {dense_phases.static_transition(P)['T_s']:.3f} | "
            f"{summary(rates['kernel']['cpu'], '{:.3g}')} | "
            f"{summary(rates['ceiling']['cpu'], '{:.3g}')} | "
            f"{summary(ratios(rates, 'kernel', 'ceiling'))} | "
            f"{top * per_flip / 1e9:.2f} | {top * per_flip * 8 / 1e9:.1f} |"
        )
    finish(lines, args.out)


if __name__ == "__main__":
    main()
