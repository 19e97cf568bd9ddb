"""Dense P = 3 and P = 4 retrieval diagrams (alpha, T) in RS, with Monte Carlo points.

Top row: lines of :func:`hebbian.theory.dense.phase_diagram` (retrieval exists below
``T_M``, beats the paramagnet below ``T_c``; the RS paramagnet's entropy is
negative below ``T_entropy``, where the glass needs RSB), and Monte Carlo
points started on a pattern at the largest N, coloured by the fraction of
chains still in the retrieval state (overlap > 0.5) after 300 sweeps.
Bottom row: m(T) at one load, theory line and Monte Carlo at several N
(chains that stayed in the retrieval state) with the N -> infinity
extrapolation (linear in 1/N); points where some size kept no chain, where
the extrapolation exceeds 1 or where RS has no retrieval state are marked
as such (:func:`hebbian.figures._extrapolated.plot_extrapolated`).  Load
``alpha = K / N^(P-1)``; :class:`hebbian.DenseHopfield` without
self-interactions.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.figures._extrapolated import plot_extrapolated
from hebbian.figures._output import (
    joined,
    labelled,
    run_figure,
    smooth,
    subplots,
    sweep,
)
from hebbian.theory import dense

#: P -> (sizes quick, sizes full, load of the m(T) panel)
SETUP = {3: ([40, 60, 90], [60, 90, 135, 200], 0.03), 4: ([16, 22, 30], [20, 28, 40, 56], 0.01)}
TASK = "hebbian.mc.retrieval:retrieval_overlap"
#: The phase diagram's lines: attribute, style, legend.
LINES = (
    ("T_M", ("C0", "-"), "$T_M$: retrieval states vanish"),
    ("T_c", ("C3", "-."), "$T_c$: retrieval beats the paramagnet"),
    ("T_entropy", ("k", "--"), "$T_S$: RS paramagnet entropy = 0"),
)


def panel_diagram(fig, ax, args, P: int, N: int, n_grid: int) -> tuple[object, dict, dict]:
    """The (alpha, T) diagram's RS lines and the retained fraction of MC chains at ``N``."""
    diagram = dense.phase_diagram(P, n_points=12 if args.quick else 40)
    for name, (color, style), label in LINES:
        a, T = getattr(diagram, name)
        if name == "T_M":  # traced in T: alpha_M(T), reentrant in alpha
            T, a = smooth(T, a)
        else:
            a, T = smooth(a, T)
        ax.plot(a, T, color=color, ls=style, label=label)
    a_c, T_top = dense.alpha_c(P).value, dense.T_M(P, 0.0)
    grid = {
        "alpha": (np.linspace(0.15, 1.1, n_grid) * a_c).tolist(),
        "T": (np.linspace(0.15, 1.1, n_grid) * T_top).tolist(),
    }
    kept = sweep(args, f"dense_retrieval.P{P}.grid", TASK, grid, P=P, N=N, n_samples=2)
    kept = kept["retained"].transpose("alpha", "T")
    alphas, temperatures = np.meshgrid(kept["alpha"], kept["T"], indexing="ij")
    sc = ax.scatter(
        alphas.ravel(),
        temperatures.ravel(),
        c=kept.values.ravel(),
        vmin=0,
        vmax=1,
        cmap="viridis",
        s=30,
        edgecolors="k",
        linewidths=0.4,
        zorder=3,
    )
    ax.set(
        xlabel=r"$\alpha = K/N^{P-1}$",
        ylabel="$T$",
        ylim=(0, 1.5 * T_top),  # headroom for the legend above the points
        title=f"P = {P}: MC at N = {N} from the pattern",
    )
    ax.legend(fontsize=7, loc="upper right")
    fig.colorbar(sc, ax=ax, label="MC: fraction of chains still retrieving")
    return diagram, grid, kept


def panel_overlap(ax, args, P: int, Ns: list, load: float, n_samples: int):
    """m(T) at one load: RS line, MC at each N and its N -> infinity extrapolation."""
    T_max = dense.T_M(P, load)
    line = np.linspace(0.0, T_max, 120)[:-1]
    m_line = [dense.solve(P, load, T)["m"] for T in line]
    ax.plot(line, m_line, "k-", label="RS theory")
    fractions = np.linspace(0.2, 0.9 if args.quick else 1.0, 3 if args.quick else 6)
    Ts = (fractions * T_max).tolist()
    grid = {"N": Ns, "T": Ts}
    mc_points = sweep(
        args, f"dense_retrieval.P{P}.overlap", TASK, grid, P=P, alpha=load, n_samples=n_samples
    )

    def theory(T):
        return dense.solve(P, load, T)["m"]

    records = plot_extrapolated(ax, mc_points, "T", theory)
    points = [{"P": P, "alpha": load, "T": r.pop("x"), **r} for r in records]
    ax.axvline(T_max, color="k", ls=":", lw=0.8)
    ax.set(
        xlabel="$T$",
        ylabel="retrieval overlap $m$",
        ylim=(0.0, 1.12),
        title=rf"P = {P}, $\alpha$ = {load:g}: $T_M$ = {T_max:.4f}",
    )
    ax.legend(fontsize=7, loc="center left")  # the overlaps lie near 1 and the crosses at 0
    return line, m_line, Ts, mc_points.transpose("N", "T"), points


def draw(args) -> tuple:
    """The phase diagram and m(T) of each P, and the run record."""
    n_samples = 3 if args.quick else 16
    n_grid = 3 if args.quick else 6
    fig, axes = subplots(2, 2, figsize=(10, 8.5))
    panels, points = {}, []
    for col, (P, (quick_Ns, full_Ns, load)) in enumerate(SETUP.items()):
        Ns = quick_Ns if args.quick else full_Ns
        diagram, grid, kept = panel_diagram(fig, axes[0, col], args, P, Ns[-1], n_grid)
        line, m_line, Ts, mc, records = panel_overlap(axes[1, col], args, P, Ns, load, n_samples)
        points += records
        dims = ("N", "T")
        variables = {
            # the phase diagram's lines, each against the variable it is traced in
            "alpha_M": labelled(
                "T_line", diagram.T_M[0], "load where retrieval states vanish (T_M line)"
            ),
            "T_c": labelled(
                "alpha_line",
                diagram.T_c[1],
                "temperature below which retrieval beats the paramagnet",
            ),
            "T_entropy": labelled(
                "alpha_line",
                diagram.T_entropy[1],
                "temperature where the RS paramagnet's entropy vanishes",
            ),
            "mc_grid_retained": labelled(
                ("alpha_grid", "T_grid"), kept, "fraction of chains still retrieving, largest N"
            ),
            "alpha_m_of_T": labelled((), load, "load of the m(T) panel"),
            "theory_m": labelled("T_theory", m_line, "retrieval overlap, RS theory"),
            "mc_m": labelled(dims, mc["m"], "retrieval overlap, Monte Carlo"),
            "mc_m_err": labelled(dims, mc["error"], "standard error of mc_m"),
            "mc_retained": labelled(
                dims, mc["retained"], "fraction of chains still in the retrieval state"
            ),
        }
        coords = {
            "T_line": labelled("T_line", diagram.T_M[1], "temperature of the T_M line"),
            "alpha_line": labelled(
                "alpha_line", diagram.T_c[0], "load K/N^(P-1) of the T_c and T_entropy lines"
            ),
            "alpha_grid": labelled(
                "alpha_grid", grid["alpha"], "load K/N^(P-1) of the Monte Carlo grid"
            ),
            "T_grid": labelled("T_grid", grid["T"], "temperature of the Monte Carlo grid"),
            "T_theory": labelled("T_theory", line, "temperature of the theory line"),
            "T": labelled("T", Ts, "temperature"),
            "N": labelled("N", Ns, "number of neurons"),
        }
        panels[P] = xr.Dataset(variables, coords=coords)
    meta = {
        "sizes": {P: (s[0] if args.quick else s[1]) for P, s in SETUP.items()},
        "n_samples": n_samples,
        "points": points,
    }
    fig.tight_layout()
    data = joined(panels, "P", "interaction order P")
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("dense_retrieval", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
