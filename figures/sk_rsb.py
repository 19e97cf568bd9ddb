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

import time

import numpy as np
import xarray as xr

from hebbian.figures._glass import energy_panel, overlap_cdf_panel, q_coordinate
from hebbian.figures._output import labelled, parse_args, sweep, write_outputs
from hebbian.theory import sk

T_MIN, T_MAX, N_T = 0.3, 1.5, 16
T_PQ = 0.5


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    Ns = [32, 64] if args.quick else [32, 64, 128, 256]
    n_levels = 10 if args.quick else 20
    steps = {"RS": 0, "1RSB": 1, "2RSB": 2, "3RSB": 3}
    ground = {name: sk.solve_rsb(0.0, k=k) for name, k in steps.items()}
    ground["full"] = sk.solve_full_rsb(0.0, n_levels=n_levels)

    points = sweep(
        args,
        "sk_rsb.mc",
        "hebbian.mc.glass:sk_tempering",
        {"N": Ns},
        T_min=T_MIN,
        T_max=T_MAX,
        n_T=N_T,
        n_samples=6 if args.quick else 64,
        n_sweeps=600 if args.quick else 4000,
        n_burnin=300 if args.quick else 2000,
    )
    temps = points["T"].values[0]
    u_mc, u_err = points["energy"].values, points["energy_error"].values  # (n_N, n_T)

    line_T = np.linspace(T_MIN, 0.98, 5 if args.quick else 14)
    rs_T = np.linspace(T_MIN, T_MAX, 60)
    u_rs = [sk.solve(T).energy for T in rs_T]
    one, full, q_of_x = [], [], {}
    guess = None
    for T in line_T:
        s1 = sk.solve_rsb(T, k=1, guess=guess)
        guess = (s1.q_levels, s1.x_levels)
        one.append(s1.energy)
        sf = sk.solve_full_rsb(T, n_levels=n_levels)
        full.append(sf.energy)
    for T in (0.3, 0.5, 0.7):
        q_of_x[T] = sk.solve_full_rsb(T, n_levels=n_levels)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(11, 8.5))
    ax = axes[0, 0]
    names = list(ground)
    e0 = [ground[n].free_energy for n in names]
    ax.plot(range(len(names)), e0, "ko-")
    for i, e in enumerate(e0):
        ax.annotate(f"{e:.5f}", (i, e), (4, -12), textcoords="offset points", fontsize=7)
    ax.axhline(-0.7631667, color="C3", ls=":", label="full RSB, Crisanti & Rizzo 2002")
    ax.set_xticks(range(len(names)), names)
    ax.set(ylabel="ground-state energy per spin", title="(a) SK ground state vs RSB steps")
    ax.legend(fontsize=7)

    ax = axes[0, 1]
    ax.plot(rs_T, u_rs, "k--", lw=1, label="RS")
    ax.plot(line_T, one, "C0-", label="1RSB")
    ax.plot(line_T, full, "C3-", label=f"full RSB ({n_levels} levels)")
    records = energy_panel(
        ax,
        Ns,
        temps,
        u_mc,
        u_err,
        omega=2 / 3,
        theory={
            "full_rsb": lambda T: np.interp(T, line_T, full) if line_T[-1] >= T else np.nan,
            "rs": lambda T: sk.solve(T).energy,
        },
    )
    ax.set(xlabel="$T$", ylabel="energy per spin $u$", title="(b) energy: theory and Monte Carlo")
    ax.legend(fontsize=7, loc="upper left")

    ax = axes[1, 0]
    for T, s in q_of_x.items():
        x = np.concatenate([[0.0], s.x_levels, [1.0]])
        ax.step(x, [*s.q_levels, s.q_levels[-1]], where="post", label=f"T = {T}")
    ax.set(xlabel="$x$", ylabel="$q(x)$", xlim=(0, 1), title="(c) Parisi order parameter")
    ax.legend(fontsize=7)

    ax = axes[1, 1]
    t_pq = int(np.argmin(np.abs(temps - T_PQ)))
    # P(q) is symmetric at h = 0; its distribution function on |q| is x(q)
    s = sk.solve_full_rsb(float(temps[t_pq]), n_levels=n_levels)
    overlap_cdf_panel(ax, Ns, points["q_hist"].values[:, t_pq], s.q_levels, s.x_levels,
                      "full RSB: x(q)")  # fmt: skip
    ax.set_title(f"(d) overlap distribution function, T = {temps[t_pq]:.2f}")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()

    dims = ("N", "T")
    data = xr.Dataset(
        {
            "ground_state_energy": labelled("rsb", e0, "ground-state energy per spin"),
            "mc_energy": labelled(dims, u_mc, "energy per spin, Monte Carlo"),
            "mc_energy_err": labelled(dims, u_err, "standard error of mc_energy"),
            "u_rs": labelled("T_rs", u_rs, "energy per spin, RS"),
            "u_1rsb": labelled("T_theory", one, "energy per spin, 1RSB"),
            "u_full_rsb": labelled("T_theory", full,
                                   f"energy per spin, full RSB ({n_levels} levels)"),
            "q_hist": labelled(("N", "T", "q"), points["q_hist"],
                               "normalized histogram of the two-replica overlap q"),
        },
        coords={
            "rsb": labelled("rsb", names, "replica-symmetry breaking: steps, or full"),
            "N": labelled("N", Ns, "number of spins"),
            "T": labelled("T", temps, "temperature of the tempering ladder"),
            "T_rs": labelled("T_rs", rs_T, "temperature of the RS line"),
            "T_theory": labelled("T_theory", line_T, "temperature of the RSB lines"),
            **q_coordinate(),
        },
    )  # fmt: skip
    meta = {
        "seed": args.seed,
        "N": Ns,
        "n_levels": n_levels,
        "ground_state": {n: ground[n].free_energy for n in names},
        "swap_min": float(points["swap_min"].min()),
        "points": records,
    }
    return write_outputs(fig, data, meta, args, "sk_rsb", started)


if __name__ == "__main__":
    main()
