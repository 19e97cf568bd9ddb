"""SK spin glass: energies with 0, 1, 2, 3 and full RSB, q(x), and parallel-tempering Monte Carlo.

(a) Ground-state energy per spin against the number of replica-symmetry-
breaking steps (Parisi 1980: each step raises it; full RSB -0.76317,
Crisanti & Rizzo 2002).  (b) Energy per spin u(T): RS, 1RSB and full-RSB
lines (:func:`hebbian.theory.sk.solve_rsb`, :func:`hebbian.theory.sk.solve_full_rsb`) and
Monte Carlo (:func:`hebbian.mc.glass.sk_tempering`: parallel tempering over disorder
samples) at several N with its N -> infinity extrapolation (corrections
``N^(-2/3)``).  (c) The Parisi order parameter q(x) of full RSB at three
temperatures.  (d) The overlap distribution at T = 0.5 as the distribution function of
``|q|`` from the Monte Carlo overlap of two replicas, against its full-RSB
prediction ``x(q)`` (continuous up to ``q_EA``, where the delta of weight
``1 - x_max`` makes it jump to 1).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian.figures._glass import energy_panel, overlap_cdf_panel, q_coordinate
from hebbian.figures._output import labelled, run_figure, subplots, sweep
from hebbian.theory import sk

T_MIN, T_MAX, N_T = 0.3, 1.5, 16
T_PQ = 0.5
STEPS = {"RS": 0, "1RSB": 1, "2RSB": 2, "3RSB": 3}


def panel_ground_state(ax, n_levels: int) -> dict[str, float]:
    """(a) The T = 0 energy with k = 0..3 steps and full RSB, against Crisanti-Rizzo."""
    ground = {name: sk.solve_rsb(0.0, k=k).free_energy for name, k in STEPS.items()}
    ground["full"] = sk.solve_full_rsb(0.0, n_levels=n_levels).free_energy
    e0 = list(ground.values())
    ax.plot(range(len(e0)), e0, "ko-")
    for i, e in enumerate(e0):
        ax.annotate(f"{e:.5f}", (i, e), (4, -12), textcoords="offset points", fontsize=7)
    ax.axhline(-0.7631667, color="C3", ls=":", label="full RSB, Crisanti & Rizzo 2002")
    ax.set_xticks(range(len(e0)), list(ground))
    ax.set(ylabel="ground-state energy per spin", title="(a) SK ground state vs RSB steps")
    ax.legend(fontsize=7)
    return ground


def panel_energy(ax, Ns, points, n_levels: int, quick: bool) -> tuple[list[dict], dict]:
    """(b) u(T): RS, 1RSB and full RSB against tempering Monte Carlo extrapolated in N."""
    line_T = np.linspace(T_MIN, 0.98, 5 if quick else 14)
    rs_T = np.linspace(T_MIN, T_MAX, 60)
    lines = {"rs": [sk.solve(T).energy for T in rs_T], "1rsb": [], "full_rsb": []}
    guess = None
    for T in line_T:
        s1 = sk.solve_rsb(T, k=1, guess=guess)
        guess = (s1.q_levels, s1.x_levels)
        lines["1rsb"].append(s1.energy)
        lines["full_rsb"].append(sk.solve_full_rsb(T, n_levels=n_levels).energy)
    ax.plot(rs_T, lines["rs"], "k--", lw=1, label="RS")
    ax.plot(line_T, lines["1rsb"], "C0-.", label="1RSB")
    ax.plot(line_T, lines["full_rsb"], "C3-", label=f"full RSB ({n_levels} levels)")

    def full_rsb(T):
        return np.interp(T, line_T, lines["full_rsb"]) if line_T[-1] >= T else np.nan

    records = energy_panel(
        ax,
        Ns,
        points["T"].values[0],
        points["energy"].values,
        points["energy_error"].values,
        omega=2 / 3,
        theory={"full_rsb": full_rsb, "rs": lambda T: sk.solve(T).energy},
    )
    ax.set(xlabel="$T$", ylabel="energy per spin $u$", title="(b) energy: theory and Monte Carlo")
    ax.legend(fontsize=7, loc="upper left")
    return records, {"T_rs": rs_T, "T_theory": line_T, **lines}


def panel_q_of_x(ax, n_levels: int, temperatures=(0.3, 0.5, 0.7)) -> None:
    """(c) The Parisi order parameter q(x) of full RSB at a few temperatures."""
    for T, style in zip(temperatures, ("-", "--", ":"), strict=True):
        s = sk.solve_full_rsb(T, n_levels=n_levels)
        x = np.concatenate([[0.0], s.x_levels, [1.0]])
        ax.step(x, [*s.q_levels, s.q_levels[-1]], ls=style, where="post", label=f"T = {T}")
    ax.set(xlabel="$x$", ylabel="$q(x)$", xlim=(0, 1), title="(c) Parisi order parameter")
    ax.legend(fontsize=7)


def panel_overlap(ax, Ns, points, n_levels: int) -> None:
    """(d) The distribution function of ``|q|`` from two replicas against full RSB's x(q)."""
    temps = points["T"].values[0]
    t = int(np.argmin(np.abs(temps - T_PQ)))
    # P(q) is symmetric at h = 0; its distribution function on |q| is x(q)
    s = sk.solve_full_rsb(float(temps[t]), n_levels=n_levels)
    hist = points["q_hist"].values[:, t]
    note = overlap_cdf_panel(ax, Ns, hist, s.q_levels, s.x_levels, "full RSB: x(q)")
    ax.set_title(f"(d) overlap distribution function, T = {temps[t]:.2f}")
    ax.legend(fontsize=7, loc="upper left", title=note, title_fontsize=7)


def draw(args) -> tuple:
    """Panels (a)-(d) and the run record."""
    Ns = [32, 64] if args.quick else [32, 64, 128, 256]
    n_levels = 10 if args.quick else 20
    ladder = {"T_min": T_MIN, "T_max": T_MAX, "n_T": N_T}
    runs = (
        {"n_samples": 6, "n_sweeps": 600, "n_burnin": 300}
        if args.quick
        else {"n_samples": 64, "n_sweeps": 4000, "n_burnin": 2000}
    )
    points = sweep(args, "sk_rsb.mc", "hebbian.mc.glass:sk_tempering", {"N": Ns}, **ladder, **runs)
    fig, axes = subplots(2, 2, figsize=(11, 8.5))
    ground = panel_ground_state(axes[0, 0], n_levels)
    records, lines = panel_energy(axes[0, 1], Ns, points, n_levels, args.quick)
    panel_q_of_x(axes[1, 0], n_levels)
    panel_overlap(axes[1, 1], Ns, points, n_levels)
    fig.tight_layout()

    dims = ("N", "T")
    full = f"energy per spin, full RSB ({n_levels} levels)"
    q_hist = "normalized histogram of the two-replica overlap q"
    data = xr.Dataset(
        {
            "ground_state_energy": labelled(
                "rsb", list(ground.values()), "ground-state energy per spin"
            ),
            "mc_energy": labelled(dims, points["energy"].values, "energy per spin, Monte Carlo"),
            "mc_energy_err": labelled(
                dims, points["energy_error"].values, "standard error of mc_energy"
            ),
            "u_rs": labelled("T_rs", lines["rs"], "energy per spin, RS"),
            "u_1rsb": labelled("T_theory", lines["1rsb"], "energy per spin, 1RSB"),
            "u_full_rsb": labelled("T_theory", lines["full_rsb"], full),
            "q_hist": labelled(("N", "T", "q"), points["q_hist"], q_hist),
        },
        coords={
            "rsb": labelled("rsb", list(ground), "replica-symmetry breaking: steps, or full"),
            "N": labelled("N", Ns, "number of spins"),
            "T": labelled("T", points["T"].values[0], "temperature of the tempering ladder"),
            "T_rs": labelled("T_rs", lines["T_rs"], "temperature of the RS line"),
            "T_theory": labelled("T_theory", lines["T_theory"], "temperature of the RSB lines"),
            **q_coordinate(),
        },
    )
    meta = {
        "seed": args.seed,
        "N": Ns,
        "n_levels": n_levels,
        "ground_state": ground,
        "swap_min": float(points["swap_min"].min()),
        "points": records,
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("sk_rsb", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
