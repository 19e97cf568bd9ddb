"""Hopfield retrieval overlap m(alpha) at T = 0 and 0.3: RS theory vs Monte Carlo, N -> infinity.

Theory: :func:`hebbian.theory.hopfield.solve` on the retrieval branch (AGS 1987).
Monte Carlo: :func:`hebbian.mc.retrieval_overlap` at several N, one sweep per
temperature (``--workers`` / ``--scheduler``; resumes after a kill),
(zero-temperature dynamics from the pattern at ``T = 0``, Metropolis at
``T = 0.3``), over the chains that stayed in the retrieval state,
extrapolated linearly in ``1/N`` (:func:`hebbian.mc.extrapolate`).  Beyond
``alpha_c(T)`` the chains that stay sit in metastable remnants that RS does
not describe: their extrapolation is drawn apart, as are points where some
size kept no chain (:func:`hebbian.figures._extrapolated.plot_extrapolated`).
The metadata records, per point, the extrapolated value, the theory and
their distance in standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian.figures._extrapolated import plot_extrapolated
from hebbian.figures._output import joined, labelled, run_figure, subplots, sweep
from hebbian.theory import hopfield

TEMPERATURES = (0.0, 0.3)


def draw(args) -> tuple:
    """m against alpha at each temperature, and the run record."""
    Ns = [250, 500, 1000] if args.quick else [500, 1000, 2000, 4000]
    n_samples = 4 if args.quick else 24
    grids = {
        0.0: [0.04, 0.1, 0.13] if args.quick else [0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.13, 0.14],
        0.3: [0.04, 0.08] if args.quick else [0.02, 0.04, 0.06, 0.08, 0.09, 0.1, 0.11],
    }

    fig, axes = subplots(1, 2, figsize=(10, 4))
    panels, points = {}, []
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

        def theory(a, T=T, top=a_c.value):
            return hopfield.solve(a, T)["m"] if a < top else math.nan

        for record in plot_extrapolated(ax, mc_points, "alpha", theory):
            points.append({"T": T, "alpha": record.pop("x"), **record})
        ax.set(xlabel=r"$\alpha = K/N$", title=rf"$T = {T:g}$, $\alpha_c(T) = {a_c.value:.4f}$")
        ax.set_ylim(0.85, 1.02)
        mc_points = mc_points.transpose("N", "alpha")
        panels[T] = xr.Dataset(
            {
                "theory_m": labelled("alpha_theory", m_line, "retrieval overlap, RS theory"),
                "mc_m": labelled(("N", "alpha"), mc_points["m"], "retrieval overlap, Monte Carlo"),
                "mc_m_err": labelled(("N", "alpha"), mc_points["error"], "standard error of mc_m"),
                "mc_retained": labelled(
                    ("N", "alpha"),
                    mc_points["retained"],
                    "fraction of chains still in the retrieval state",
                ),
            },
            coords={
                "alpha_theory": labelled("alpha_theory", line, "load K/N of the theory line"),
                "alpha": labelled("alpha", alphas, "load K/N"),
                "N": labelled("N", Ns, "number of neurons"),
            },
        )
    axes[0].set_ylabel("retrieval overlap $m$")
    axes[0].legend(fontsize=7, loc="lower left")
    meta = {
        "N": Ns,
        "n_samples": n_samples,
        "points": points,
    }
    data = joined(panels, "T", "temperature")
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("hopfield_overlap", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
