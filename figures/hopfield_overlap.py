"""Hopfield retrieval overlap m(alpha) at T = 0 and 0.3: RS theory vs Monte Carlo, N -> infinity.

Theory: :func:`hebbian.theory.hopfield.solve` on the retrieval branch (AGS 1987).
Monte Carlo: :func:`hebbian.mc.retrieval_overlap` at several N, one sweep per
temperature (``--workers`` / ``--scheduler``; resumes after a kill),
(zero-temperature dynamics from the pattern at ``T = 0``, Metropolis at
``T = 0.3``), over the chains that stayed in the retrieval state,
extrapolated linearly in ``1/N`` (:func:`hebbian.mc.extrapolate`).
The metadata records, per point, the extrapolated value, the theory and
their distance in standard errors.
"""

from __future__ import annotations

import math
import time

import numpy as np
from hebbian.figures._extrapolated import plot_extrapolated
from hebbian.figures._output import parse_args, sweep, write_outputs
from hebbian.theory import hopfield

TEMPERATURES = (0.0, 0.3)


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    Ns = [250, 500, 1000] if args.quick else [500, 1000, 2000, 4000]
    n_samples = 4 if args.quick else 24
    grids = {
        0.0: [0.04, 0.1, 0.13] if args.quick else [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.13, 0.14],
        0.3: [0.04, 0.08] if args.quick else [0.02, 0.04, 0.06, 0.08, 0.09, 0.1, 0.11],
    }

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
    data, points = {}, []
    for ax, T in zip(axes, TEMPERATURES, strict=True):
        a_c = hopfield.alpha_c(T)
        line = np.linspace(0.0, a_c.value, 200)[:-1]
        m_line = [hopfield.solve(a, T)["m"] for a in line]
        ax.plot(line, m_line, "k-", label="RS theory")
        ax.axvline(a_c.value, color="k", ls=":", lw=0.8)
        alphas = grids[T]
        mc_points = sweep(
            args,
            f"hopfield_overlap.T{T:g}",
            "hebbian.mc.retrieval:retrieval_overlap",
            {"N": Ns, "alpha": alphas},
            P=2,
            T=T,
            n_samples=n_samples,
        )
        theory = lambda a, T=T, top=a_c.value: hopfield.solve(a, T)["m"] if a < top else math.nan  # noqa: E731
        for record in plot_extrapolated(ax, mc_points, "alpha", theory):
            points.append({"T": T, "alpha": record.pop("x"), **record})
        ax.set(xlabel=r"$\alpha = K/N$", title=rf"$T = {T:g}$, $\alpha_c(T) = {a_c.value:.4f}$")
        ax.set_ylim(0.85, 1.005)
        data[f"T{T:g}_alpha"], data[f"T{T:g}_m_theory"] = line, np.array(m_line)
        data[f"T{T:g}_mc_alpha"] = np.array(alphas)
        for v in ("m", "error", "retained"):
            data[f"T{T:g}_mc_{v}"] = mc_points[v].values  # (n_N, n_alpha)
    axes[0].set_ylabel("retrieval overlap $m$")
    axes[0].legend(fontsize=7, loc="lower left")
    meta = {
        "N": Ns,
        "n_samples": n_samples,
        "points": points,
    }
    data["N"] = np.array(Ns)
    return write_outputs(fig, data, meta, args, "hopfield_overlap", started)


if __name__ == "__main__":
    main()
