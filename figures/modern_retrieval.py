"""Modern Hopfield one-step retrieval error vs beta, against Ramsauer et al.'s bound.

Ramsauer et al. (ICLR 2021, arXiv:2008.02217), Theorem 5: a query near a
well-separated pattern ``x_i`` is retrieved in one update with an error that
falls exponentially with ``beta Delta_i``.  For random +-1 patterns in R^d we
measure ``|f(xi) - x_i|`` after one update from ``xi = x_i + noise`` (noise of
fixed norm ``delta``) over many disorder samples and plot it against the bound
of :meth:`hebbian.networks.ModernHopfield.retrieval_error_bound`.  The number
of samples in which the bound fails is recorded (it is a theorem: zero).
"""

from __future__ import annotations

import time

import numpy as np

from figures._output import parse_args, write_outputs
from hebbian import ModernHopfield, binary_patterns, spawn

D, K, DELTA = 64, 64, 0.5


def one_step_errors(betas, n_samples: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Measured one-step errors and bounds, each of shape (n_samples, len(betas))."""
    errors = np.empty((n_samples, len(betas)))
    bounds = np.empty_like(errors)
    for s, child in enumerate(spawn(rng, n_samples)):
        X = binary_patterns(K, D, rng=child).astype(np.float64)
        noise = child.standard_normal(D)
        xi = X[0] + DELTA * noise / np.linalg.norm(noise)
        for b, beta in enumerate(betas):
            net = ModernHopfield(X, beta=beta)
            # f(xi) - x_0 = sum_j p_j (x_j - x_0): no cancellation against x_0
            errors[s, b] = np.linalg.norm(net.probabilities(xi) @ (X - X[0]))
            bounds[s, b] = net.retrieval_error_bound(xi, 0)
    return errors, bounds


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    n_samples = 16 if args.quick else 400
    betas = np.linspace(0.02, 1.5, 25 if args.quick else 75)
    errors, bounds = one_step_errors(betas, n_samples, args.seed)
    violations = int(np.sum(errors > bounds))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # errors span 25 decades: average log10(error), error bar = its standard error
    log_err = np.log10(errors)
    centre = log_err.mean(0)
    se = log_err.std(0, ddof=1) / np.sqrt(n_samples)
    fig, ax = plt.subplots(figsize=(5.5, 4))
    ax.errorbar(
        betas,
        10**centre,
        yerr=[10**centre - 10 ** (centre - se), 10 ** (centre + se) - 10**centre],
        fmt="o",
        ms=3,
        label=f"one update, geometric mean of {n_samples} samples",
    )
    ax.plot(betas, np.exp(np.log(bounds).mean(0)), "-", label="bound (Ramsauer et al., Thm 5)")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\beta$")
    ax.set_ylabel(r"$\|f(\xi) - x_i\|$")
    ax.set_title(f"d={D}, K={K}, |xi - x_i|={DELTA}; bound violated in {violations} cases")
    ax.legend(fontsize=8)
    meta = {
        "d": D,
        "K": K,
        "delta": DELTA,
        "n_samples": n_samples,
        "violations": violations,
    }
    data = {"beta": betas, "errors": errors, "bounds": bounds}
    return write_outputs(fig, data, meta, args, "modern_retrieval", started)


if __name__ == "__main__":
    main()
