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
* **ceiling**: the family's own flip (``_interface.flip``: the product of the
  other spins and the field update) alone, in the kernel's types and
  fastmath flags, at random sites drawn beforehand: the rate a kernel whose
  every other cost were zero would reach.

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

from hebbian.mc import Dynamics, _interface, init, kernel_model, step
from hebbian.mc._numba import FASTMATH
from hebbian.networks import PSpinGlass
from hebbian.theory import dense_phases

CASES = [(3, 64), (4, 32)]


@njit(fastmath=FASTMATH)
def flips_alone(p, xi_t, S, aux, sites):
    """The family's flip of each of ``sites`` on the one chain ``S`` (1, 2N)."""
    N = xi_t.shape[0]
    for i in sites:
        _interface.flip(p, xi_t, i, S[0, N + i], S, aux, 0, 0)


def contenders(P: int, N: int) -> dict:
    alpha = math.factorial(P) / 2  # J = 1
    net = PSpinGlass.sample(N, P, alpha, rng=0)
    model = kernel_model(net)
    dyn = Dynamics(T=dense_phases.static_transition(P)["T_s"])
    state = init(net, n_replicas=1, rng=1)
    work, aux = model.family.prepare(model, state.S[0].copy())  # the kernel's types
    sites = np.random.default_rng(2).integers(0, N, 2000)

    def kernel() -> int:
        before = state.counts[0, 1]
        step(model, state, dyn, 200)
        return int(state.counts[0, 1] - before)

    def ceiling() -> int:
        flips_alone(model.params, model.xi_t, work[None], aux[None], sites)
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
            f"{summary(ratios(rates['kernel']['cpu'], rates['ceiling']['cpu']))} | "
            f"{top * per_flip / 1e9:.2f} | {top * per_flip * 8 / 1e9:.1f} |"
        )
    finish(lines, args.out)


if __name__ == "__main__":
    main()
