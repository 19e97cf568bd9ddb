"""Hopfield (alpha, T) phase diagram: T_g, T_M, T_c, the AT line, and one RSB step near alpha_c.

Amit, Gutfreund, Sompolinsky, Ann. Phys. 173, 30 (1987), Fig. 1.  Lines
from :func:`hebbian.theory.hopfield.phase_diagram`: spin-glass transition
``T_g = 1 + sqrt(alpha)``; retrieval states exist below ``T_M`` (the fold,
ending at ``alpha_c = 0.1379`` at ``T = 0``); they are the global free-energy
minimum below ``T_c`` (ending at ``alpha = 0.0519``); replica symmetry of the
retrieval state breaks below ``T_AT`` (exponentially small at low load).
Inset: the neighbourhood of ``alpha_c``, where ``T_M`` is reentrant (the
largest load with retrieval states, 0.1381885, is reached at ``T = 0.0229``, not
at ``T = 0``) and ``T_AT`` meets it at ``T* = 0.02507``, past that peak.  With one step
of RSB (:func:`hebbian.theory.hopfield_rsb.alpha_c_1rsb`; Crisanti, Amit, Gutfreund 1986
at finite ``T``) the retrieval line starts at 0.138186 at ``T = 0`` (Steffan & Kuehn 1994;
RS 0.137906), rises to 0.138197 at ``T = 0.0125`` and falls to meet the RS line where
``T_AT`` does (``T* = 0.02507``, ``alpha = 0.138186``): one step leaves 1.1e-5 of the
reentrance, where RS has 2.8e-4.  The plus (full size only: minutes) marks two steps at
``T = 0``, 0.1381963 (:func:`hebbian.theory.hopfield_rsb.alpha_c_krsb`), 1.0e-5 above one
step, converged in the field grid to 1e-9, where Steffan & Kuehn report 0.138187; a third
step adds 1.4e-6 (0.1381977), the increments shrinking as the SK model's do, so the
published second step, one unit of its last digit above its first, reads as a collapsed
one (see :mod:`hebbian.theory.hopfield_rsb`).  The one-step
line is drawn to ``T = 0.0225``: closer to ``T* = 0.02507`` its step is narrower than the
solver separates from the RS solution (the two folds differ by less than 1e-6 there).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.figures._output import labelled, run_figure, smooth_path, subplots
from hebbian.theory import hopfield, hopfield_rsb


def draw(args) -> tuple:
    """The phase diagram with its inset, and the run record."""
    diagram = hopfield.phase_diagram(n_points=30 if args.quick else 150)
    alpha_c = hopfield.alpha_c(0.0)
    alpha_c_1rsb = hopfield_rsb.alpha_c_1rsb()
    # the one-step retrieval line, continued from T = 0 in the solver's own steps, and the RS
    # fold on a fine grid in T: the inset is far narrower than the traced T_M resolves
    T_1rsb = hopfield_rsb.T_STEP * np.arange(1 if args.quick else 10)
    alpha_1rsb = np.array([hopfield_rsb.alpha_c_1rsb(T).value for T in T_1rsb])
    T_zoom = np.linspace(0.0, 0.045, 10 if args.quick else 46)
    alpha_zoom = np.array([hopfield.alpha_c(T).value for T in T_zoom])
    alpha_AT_zoom = np.linspace(0.1378, 0.13818, 4 if args.quick else 12)
    T_AT_zoom = np.array([hopfield.T_AT(a) for a in alpha_AT_zoom])
    # two steps at T = 0 take minutes: full size only
    alpha_c_2rsb = None if args.quick else hopfield_rsb.alpha_c_krsb(2)

    fig, ax = subplots(1, 1, figsize=(7.6, 4.2))
    styles = {
        "T_g": ("k:", r"$T_g = 1+\sqrt{\alpha}$"),
        "T_M": ("C0-", r"$T_M$ (retrieval exists)"),
        "T_c": ("C3-.", r"$T_c$ (retrieval global minimum)"),
        "T_AT": ("C2--", r"$T_{AT}$"),
    }
    for name, (style, label) in styles.items():
        ax.plot(*smooth_path(*getattr(diagram, name)), style, label=label)
    ax.plot([alpha_c.value], [0.0], "C0o", ms=4)
    ax.plot([alpha_c_1rsb.value], [0.0], "C1x", ms=6, label=r"$\alpha_c$ with one RSB step")
    if alpha_c_2rsb is not None:
        ax.plot([alpha_c_2rsb.value], [0.0], "C3+", ms=6, label=r"$\alpha_c$ with two RSB steps")
    ax.plot([], [], "C1.-", ms=3, lw=1, label=r"$T_M$ with one RSB step (inset)")
    ax.annotate(
        rf"$\alpha_c = {alpha_c.value:.4f}$",
        (alpha_c.value, 0.0),
        (0.1, 0.1),
        arrowprops={"arrowstyle": "-", "lw": 0.5},
        fontsize=8,
    )
    ax.set(xlim=(0, 0.16), ylim=(0, 1.45), xlabel=r"$\alpha = K/N$", ylabel="$T$")
    ax.text(0.02, 0.25, "retrieval\n(global)", fontsize=8)
    ax.text(0.072, 0.62, "spin glass", fontsize=8)
    ax.text(0.06, 1.3, "paramagnet", fontsize=8)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    inset = ax.inset_axes([0.63, 0.36, 0.32, 0.22])  # clear of every line
    inset.plot(*smooth_path(alpha_zoom, T_zoom), styles["T_M"][0])
    inset.plot(*smooth_path(alpha_AT_zoom, T_AT_zoom), styles["T_AT"][0])
    inset.plot(alpha_1rsb, T_1rsb, "C1.-", ms=3, lw=1)
    inset.plot([alpha_c.value], [0.0], "C0o", ms=3, clip_on=False)
    inset.plot([alpha_c_1rsb.value], [0.0], "C1x", ms=5, clip_on=False)
    if alpha_c_2rsb is not None:
        inset.plot([alpha_c_2rsb.value], [0.0], "C3+", ms=5, clip_on=False)
    inset.set(xlim=(0.1378, 0.1383), ylim=(0, 0.045), xticks=(0.138, 0.1382))
    inset.set_title(r"near $\alpha_c$: RS $T_M$ reentrant; one RSB step (orange)", fontsize=7)
    inset.tick_params(labelsize=6)
    ax.set_title("Hopfield network: RS phase diagram, one RSB step near $\\alpha_c$", fontsize=9)

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
            "alpha_c_1rsb": labelled(
                "T_1rsb", alpha_1rsb, "largest load with a one-step RSB retrieval state"
            ),
            "T_AT_zoom": labelled(
                "alpha_AT_zoom", T_AT_zoom, "temperature of the AT instability (inset)"
            ),
            "alpha_c_rs": labelled(
                "T_zoom", alpha_zoom, "largest load with an RS retrieval state (fine grid)"
            ),
        },
        coords={
            "alpha": labelled("alpha", alpha, "load K/N"),
            "T": labelled("T", T, "temperature"),
            "alpha_AT": labelled("alpha_AT", alpha_AT, "load K/N of the AT line"),
            "T_1rsb": labelled("T_1rsb", T_1rsb, "temperature of the one-step retrieval line"),
            "T_zoom": labelled("T_zoom", T_zoom, "temperature of the inset's RS fold"),
            "alpha_AT_zoom": labelled("alpha_AT_zoom", alpha_AT_zoom, "load K/N of the inset"),
        },
    )
    meta = {
        "seed": None,  # deterministic: no random numbers
        "alpha_c": alpha_c.value,
        "m_at_alpha_c": alpha_c.m,
        "alpha_c_1rsb": alpha_c_1rsb.value,
        "m_at_alpha_c_1rsb": alpha_c_1rsb.m,
        "alpha_c_peak": hopfield.alpha_c_peak()[1],
        "alpha_c_2rsb": None if alpha_c_2rsb is None else alpha_c_2rsb.value,
        "n_points": len(diagram.T_M[0]),
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("hopfield_phase_diagram", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
