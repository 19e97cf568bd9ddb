"""Hopfield (alpha, T) phase diagram in replica symmetry: T_g, T_M, T_c and the AT line.

Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), Fig. 1.  Lines
from :func:`hebbian.theory.hopfield.phase_diagram`: spin-glass transition
``T_g = 1 + sqrt(alpha)``; retrieval states exist below ``T_M`` (the fold,
ending at ``alpha_c = 0.1379`` at ``T = 0``); they are the global free-energy
minimum below ``T_c`` (ending at ``alpha = 0.0519``); replica symmetry of the
retrieval state breaks below ``T_AT`` (exponentially small at low load).
Inset: the neighbourhood of ``alpha_c``, where ``T_M`` is reentrant (the
largest load with retrieval states, 0.1382, is reached at ``T = 0.02``, not
at ``T = 0``) and ``T_AT`` (below 0.02) meets it.  The cross marks the critical storage with
one step of RSB, 0.138186 (:func:`hebbian.theory.hopfield_rsb.alpha_c_1rsb`;
Steffan & Kuehn 1994).
"""

from __future__ import annotations

import time

import xarray as xr

from hebbian.figures._output import labelled, parse_args, subplots, write_outputs
from hebbian.theory import hopfield, hopfield_rsb


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    diagram = hopfield.phase_diagram(n_points=30 if args.quick else 150)
    alpha_c = hopfield.alpha_c(0.0)
    alpha_c_1rsb = hopfield_rsb.alpha_c_1rsb()

    fig, ax = subplots(1, 1, figsize=(5.5, 4.2))
    styles = {
        "T_g": ("k-", r"$T_g = 1+\sqrt{\alpha}$"),
        "T_M": ("C0-", r"$T_M$ (retrieval exists)"),
        "T_c": ("C3-.", r"$T_c$ (retrieval global minimum)"),
        "T_AT": ("C2--", r"$T_{AT}$"),
    }
    for name, (style, label) in styles.items():
        a, T = getattr(diagram, name)
        ax.plot(a, T, style, label=label)
    ax.plot([alpha_c.value], [0.0], "C0o", ms=4)
    ax.plot([alpha_c_1rsb.value], [0.0], "C1x", ms=6, label=r"$\alpha_c$ with one RSB step")
    ax.annotate(
        rf"$\alpha_c = {alpha_c.value:.4f}$",
        (alpha_c.value, 0.0),
        (0.118, 0.42),
        arrowprops={"arrowstyle": "-", "lw": 0.5},
        fontsize=8,
    )
    ax.set(xlim=(0, 0.16), ylim=(0, 1.45), xlabel=r"$\alpha = K/N$", ylabel="$T$")
    ax.text(0.02, 0.25, "retrieval\n(global)", fontsize=8)
    ax.text(0.072, 0.62, "spin glass", fontsize=8)
    ax.text(0.06, 1.3, "paramagnet", fontsize=8)
    ax.legend(fontsize=7, loc="upper right", bbox_to_anchor=(1.0, 0.9))
    inset = ax.inset_axes([0.63, 0.36, 0.32, 0.22])  # clear of every line
    for name in ("T_M", "T_AT"):
        inset.plot(*getattr(diagram, name), styles[name][0])
    inset.set(xlim=(0.128, 0.1386), ylim=(0, 0.1), xticks=(0.13, 0.135))
    inset.set_title(r"near $\alpha_c$: $T_M$ reentrant, $T_{AT}$ below it", fontsize=7)
    inset.tick_params(labelsize=6)
    ax.set_title("Hopfield network, replica-symmetric phase diagram", fontsize=9)

    # each line as a function of the variable it is traced in
    (alpha, T_g), (alpha_M, T), (alpha_eq, _), (alpha_AT, T_AT) = (
        getattr(diagram, name) for name in styles
    )
    data = xr.Dataset(
        {
            "T_g": labelled("alpha", T_g, "spin-glass transition temperature T_g"),
            "alpha_M": labelled("T", alpha_M, "load where retrieval states vanish (T_M line)"),
            "alpha_eq": labelled(
                "T", alpha_eq, "largest load where retrieval is the global minimum (T_c line)"
            ),
            "T_AT": labelled(
                "alpha_AT", T_AT, "temperature of the AT instability of the retrieval state"
            ),
        },
        coords={
            "alpha": labelled("alpha", alpha, "load K/N"),
            "T": labelled("T", T, "temperature"),
            "alpha_AT": labelled("alpha_AT", alpha_AT, "load K/N of the AT line"),
        },
    )
    meta = {
        "seed": None,  # deterministic: no random numbers
        "alpha_c": alpha_c.value,
        "m_at_alpha_c": alpha_c.m,
        "alpha_c_1rsb": alpha_c_1rsb.value,
        "n_points": len(diagram.T_M[0]),
    }
    return write_outputs(fig, data, meta, args, "hopfield_phase_diagram", started)


if __name__ == "__main__":
    main()
