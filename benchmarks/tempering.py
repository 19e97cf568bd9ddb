"""Chain sweeps per second of small networks swept one sweep at a time, as tempering does.

Run ``python benchmarks/tempering.py [--quick] [--out FILE]``.  Replica exchange
between neighbouring temperatures needs every chain's energy after each sweep,
so :func:`hebbian.mc.parallel_tempering` advances all its chains by one sweep
per call; at the sizes where glasses are studied by exact comparison (N = 16 to
64) a sweep is N attempted flips, a few microseconds, and what a call costs
besides decides the rate.  Contenders, per case, 16 chains on one thread, one
sweep a call, timed in interleaved windows of at least one second (:mod:`_timing`):

* **a call per chain**: the kernel called for one chain at a time (its working
  copy, its seeds, its call): the shape of the threaded path, and of every
  call before the chains shared one;
* **one call**: :func:`hebbian.mc.step` on all 16 chains (one kernel call, the
  chains one after another inside it);
* **sweeps alone**: the same kernel call doing 200 sweeps, per sweep: the rate
  if a call cost nothing.

Cases: Gardner's P = 3 glass (the Gaussian control of :mod:`hebbian.mc.glass`,
``alpha = 3``: J = 1) at N = 32 and the SK model at N = 64, T = 0.5, Metropolis, random order.
"""

from __future__ import annotations

import numpy as np
from _timing import finish, interleaved, preamble, ratios, summary, window_args

from hebbian import SherringtonKirkpatrick
from hebbian.mc import Dynamics, _numba, init, kernel_model, step
from hebbian.mc.sampler import ORDERS, RULES
from hebbian.networks import PSpinGlass

R = 16
CASES = [("P = 3 glass", 3, 32), ("SK", 2, 64)]


def contenders(P: int, N: int) -> dict:
    if P == 3:
        net = PSpinGlass.sample(N, 3, 3.0, rng=0)
    else:
        net = SherringtonKirkpatrick.sample(N, rng=0)
    model = kernel_model(net)
    dyn = Dynamics(T=0.5)
    state = init(net, n_replicas=R, rng=1)
    betas = np.full(R, dyn.beta)
    rule, order = RULES[dyn.rule], ORDERS[dyn.order]

    def per_chain() -> int:
        for r in range(R):
            rows = slice(r, r + 1)
            _numba.sweeps(model, state.sigma[rows], state.S[rows], betas[rows], rule, order, 1,
                          state.rngs[rows], state.counts[rows])  # fmt: skip
        return R

    def one_call() -> int:
        step(model, state, dyn, 1)
        return R

    def alone() -> int:
        step(model, state, dyn, 200)
        return 200 * R

    return {"a call per chain": per_chain, "one call": one_call, "sweeps alone": alone}


def main(argv=None) -> None:
    args, repeats, window = window_args(__doc__, argv)
    lines = [
        *preamble(
            f"{R} chains, one thread, one sweep a call",
            "chain sweeps per CPU second",
            repeats,
            window,
        ),
        "| case | N | a call per chain | one call | sweeps alone | one call / a call per chain |",
        "|---|---|---|---|---|---|",
    ]
    for name, P, N in CASES:
        rates = interleaved(contenders(P, N), repeats, window)
        cpu = {k: v["cpu"] for k, v in rates.items()}
        lines.append(
            f"| {name} | {N} | {summary(cpu['a call per chain'], '{:.3g}')} | "
            f"{summary(cpu['one call'], '{:.3g}')} | {summary(cpu['sweeps alone'], '{:.3g}')} | "
            f"{summary(ratios(cpu['one call'], cpu['a call per chain']))} |"
        )
    finish(lines, args.out)


if __name__ == "__main__":
    main()
