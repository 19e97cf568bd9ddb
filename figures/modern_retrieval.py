"""Modern Hopfield retrieval vs beta: one-step error against Ramsauer et al.'s bound, fixed points.

Ramsauer et al. (ICLR 2021, arXiv:2008.02217), Theorem 5: a query near a
well-separated pattern ``x_i`` is retrieved in one update with an error that
falls exponentially with ``beta Delta_i``.  For random +-1 patterns in R^d we
measure ``|f(xi) - x_i|`` after one update from ``xi = x_i + noise`` (noise of
fixed norm ``delta``) over many disorder samples and plot it against the bound
of :meth:`hebbian.networks.ModernHopfield.retrieval_error_bound` (a).  The
number of samples in which the bound fails is recorded (it is a theorem: zero).

(b) The fixed points the iteration reaches from the same queries, classified
by :meth:`~hebbian.networks.ModernHopfield.fixed_point_kind` (tolerance 1e-2; single pattern,
metastable average over a subset, global average), against the fraction of
patterns that satisfy the separation condition of Theorem 4
(:meth:`~hebbian.networks.ModernHopfield.separation_threshold`), which
guarantees a single-pattern fixed point: the measured single fraction must lie
above it at every beta (violations recorded: zero).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian import ModernHopfield, binary_patterns, spawn
from hebbian.figures._output import labelled, run_figure, subplots
from hebbian.networks.modern import FixedPointKind

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


def fixed_point_fractions(betas, n_samples: int, rng) -> tuple[np.ndarray, np.ndarray]:
    """Fractions of (single, metastable, global) fixed points reached from a noisy copy of
    each pattern, shape (len(betas), 3), and the fraction of well-separated patterns."""
    kinds = np.zeros((len(betas), 3))
    separated = np.zeros(len(betas))
    for child in spawn(rng, n_samples):
        X = binary_patterns(K, D, rng=child).astype(np.float64)
        noise = child.standard_normal((K, D))
        xi = X + DELTA * noise / np.linalg.norm(noise, axis=1, keepdims=True)
        for b, beta in enumerate(betas):
            net = ModernHopfield(X, beta=beta)
            kind = net.fixed_point_kind(net.retrieve(xi).state, tol=1e-2).kind
            kinds[b] += np.bincount(kind, minlength=3) / (K * n_samples)
            gaps = np.array([net.separation(i) for i in range(K)])
            separated[b] += np.mean(gaps >= net.separation_threshold()) / n_samples
    return kinds, separated


def draw(args) -> tuple:
    """Panels (a) and (b), and the run record."""
    n_samples = 16 if args.quick else 400
    betas = np.linspace(0.02, 1.5, 25 if args.quick else 75)
    errors, bounds = one_step_errors(betas, n_samples, args.seed)
    violations = int(np.sum(errors > bounds))
    betas_b = np.geomspace(1e-4, 1.5, 20 if args.quick else 60)
    kinds, separated = fixed_point_fractions(betas_b, 4 if args.quick else 50, args.seed)
    single = kinds[:, FixedPointKind.SINGLE]
    separation_violations = int(np.sum(single < separated - 1e-12))

    # errors span 25 decades: average log10(error), error bar = its standard error
    log_err = np.log10(errors)
    centre = log_err.mean(0)
    se = log_err.std(0, ddof=1) / np.sqrt(n_samples)
    fig, (ax, ax_b) = subplots(1, 2, figsize=(11, 4))
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
    ax.set_title(
        f"(a) d = {D}, K = {K}, $|\\xi - x_i|$ = {DELTA}: bound violated in {violations} cases"
    )
    ax.legend(fontsize=8)
    for kind, style in zip(FixedPointKind, ("o-", "s-.", "^:"), strict=True):
        ax_b.plot(betas_b, kinds[:, kind], style, ms=3, label=f"{kind.name.lower()} fixed point")
    ax_b.plot(betas_b, separated, "kD--", ms=3, label="well separated (Theorem 4)")
    ax_b.set(
        xlabel=r"$\beta$",
        ylabel="fraction of queries / patterns",
        xscale="log",
        title="(b) fixed points reached from each noisy pattern",
    )
    ax_b.legend(fontsize=8)
    meta = {
        "d": D,
        "K": K,
        "delta": DELTA,
        "n_samples": n_samples,
        "violations": violations,
        "separation_violations": separation_violations,
    }
    data = xr.Dataset(
        {
            "errors": labelled(
                ("sample", "beta"), errors, "one-step retrieval error |f(xi) - x_i|"
            ),
            "bounds": labelled(
                ("sample", "beta"),
                bounds,
                "bound on the one-step error (Ramsauer et al., Theorem 5)",
            ),
            "kinds": labelled(
                ("beta_b", "kind"), kinds, "fraction of queries ending in each kind of fixed point"
            ),
            "separated": labelled(
                "beta_b", separated, "fraction of well-separated patterns (Theorem 4)"
            ),
        },
        coords={
            "beta": labelled("beta", betas, "inverse temperature beta, panel (a)"),
            "beta_b": labelled("beta_b", betas_b, "inverse temperature beta, panel (b)"),
            "kind": labelled(
                "kind", [k.name.lower() for k in FixedPointKind], "kind of fixed point"
            ),
        },
    )
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("modern_retrieval", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
