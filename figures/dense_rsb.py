"""Dense P-spin networks beyond replica symmetry: the (alpha, T) phase diagram, with Monte Carlo.

(a) P = 3 and (b) P = 4 in the ``(alpha, T)`` plane
(:func:`hebbian.theory.dense_phases.phase_diagram`; normalization of
:class:`hebbian.DenseHopfield`, the map to Albanese et al. 2022 in
:mod:`hebbian.theory.dense_phases`): the retrieval spinodal under RS
(reentrant) and one step of RSB (nearly vertical; it joins the RS one at
``T*``, where the de Almeida-Thouless line of the RS retrieval state crosses
it, at the peak of the RS ``alpha_c(T)``), the thermodynamic transition
(retrieval below it; against the paramagnet, and against the 1RSB glass
where that is the glass), the AT line, the static transition ``T_s`` of the
glass (1RSB glass below, paramagnet above) and the RS glass's fold (RS glass
replicon-unstable everywhere).  Monte Carlo in (a): the edge of the
retrieval region at ``T = 0.05`` (RS spinodal 0.1395, 1RSB 0.1546): the
load where half of the chains started on a pattern have left it within the
run (:func:`hebbian.mc.retrieval.retrieval_overlap`), at several N, and
its ``N -> infinity`` extrapolation in ``N^{-2/3}`` (the barrier of a
spinodal, ``N (alpha_c - alpha)^{3/2}``).
(c) The P = 4 glass at ``alpha = 0.3``: energy per spin of the dense network
and of the Gaussian P-spin control of the same coupling variance
(:func:`hebbian.mc.glass.pspin_tempering`) at several N, against the
paramagnet ``-beta xi(1)``, the exact finite-N annealed energy of the
network (the patterns' skewness; its leading term ``3 beta / 2N``,
:mod:`hebbian.theory.dense_finite_n`) and the 1RSB glass below ``T_s``.
(d) The control's overlap distribution at the lowest temperature against
the 1RSB ``x(q)``.

What the Monte Carlo shows (the run record has the numbers; measured with the
quick run, N = 8 and 12, and in the tests).  Well above ``T_s`` the Gaussian
control's energy is the paramagnet's ``-beta xi(1)`` within errors from
N = 12 on (at N = 8, 70 couplings, the control is already frozen there), while
the dense network's lies below it by the patterns' skewness, which the exact
finite-N annealed energy reproduces (chi^2 < 4 per point at N = 12, 16,
``T >= 0.6``, ``beta / N <= 0.14``): the Hebbian excess over the Gaussian glass
is a finite-N effect of the patterns, and the control removes it.  At
``beta / N >~ 0.4`` the annealed energy overstates the skewness (its average is
carried by atypical pattern sets), so the dotted lines are trustworthy only
at high T.  Below ``T_s`` the Monte Carlo energies lie above the 1RSB energy
at these N (P = 3 control, ``J = 1``, ``T = 0.61 T_s``: -0.725(37) at N = 16,
-0.748(12) at N = 32, 1RSB -0.803; the paramagnet's -1.25 is excluded): the
glass's finite-N corrections are large and the ladder makes few round trips
there, and ``P(q)`` at N = 12 puts far less weight near ``q = 0`` than the
1RSB ``x = 0.49``.  The retrieval edge does not confirm either spinodal: at
``T = 0.05`` and N <= 160 (12 samples, 2 chains, 400 sweeps) the fraction of
chains that never fall below ``m = 0.5`` is not monotone in the load at
N = 40 (fluctuations of ``m`` reach the threshold anywhere), and at N = 160 it
falls from 1 at ``alpha = 0.12`` only to about 0.4 at 0.21-0.27, far past the
RS (0.1395) and 1RSB (0.1546) spinodals: the state outlives its spinodal for
the run's length at these N, and the half-retention load (0.14, 0.24, 0.21 at
N = 40, 80, 160) scatters far more than its binomial error, so its
extrapolation (chi^2/dof ~ 70) measures nothing yet.
"""

from __future__ import annotations

import math
import time

import numpy as np
import xarray as xr

from hebbian import mc
from hebbian.figures._glass import energy_panel, overlap_cdf_panel, q_coordinate
from hebbian.figures._output import labelled, parse_args, subplots, sweep, write_outputs
from hebbian.theory import dense, dense_finite_n, dense_phases, dense_rsb

P_GLASS, ALPHA_GLASS = 4, 0.3
T_RETRIEVAL = 0.05
LINES = ("spinodal_rs", "spinodal_1rsb", "T_c_rs", "T_c", "T_AT", "T_s", "T_rs_glass")
STYLE = {
    "spinodal_rs": ("k-", "RS spinodal"),
    "spinodal_1rsb": ("C3-", "1RSB spinodal"),
    "T_c_rs": ("k--", r"$T_c$ (RS, vs paramagnet)"),
    "T_c": ("C3--", r"$T_c$ (vs 1RSB glass)"),
    "T_AT": ("C2-.", "AT line (RS retrieval)"),
    "T_s": ("C0-", r"$T_s$ (1RSB glass)"),
    "T_rs_glass": ("C0:", "RS glass (unstable)"),
}


def retrieval_edge(alphas, retained, n_chains: int) -> tuple[float, float]:
    """Load where the retained fraction first falls through 1/2, and its binomial error.

    Linear interpolation between the bracketing loads; the error is the
    binomial spread ``sqrt(f (1 - f) / n)`` of the fraction at the two points
    over the slope between them.  ``(nan, nan)`` without a crossing.
    """
    f = np.asarray(retained, float)
    below = np.flatnonzero((f[:-1] >= 0.5) & (f[1:] < 0.5))
    if below.size == 0:
        return math.nan, math.nan
    j = below[0]
    slope = (f[j + 1] - f[j]) / (alphas[j + 1] - alphas[j])
    edge = alphas[j] + (0.5 - f[j]) / slope
    spread = math.sqrt(sum(g * (1 - g) for g in (f[j], f[j + 1])) / (2 * n_chains))
    return float(edge), max(spread / abs(slope), (alphas[j + 1] - alphas[j]) / 4)


def _diagram_panel(ax, diagram, points=None) -> None:
    for name in LINES:
        a, T = getattr(diagram, name)
        style, label = STYLE[name]
        drawn = np.isfinite(a) & np.isfinite(T)  # a point the solver did not reach is skipped
        ax.plot(a[drawn], T[drawn], style, lw=1.2, label=label)
    ax.axhline(diagram.T_collapse, color="C7", lw=0.5)
    if points is not None:
        for k, (N, edge, err) in enumerate(points["per_N"]):
            ax.errorbar(
                [edge],
                [T_RETRIEVAL],
                xerr=[err],
                fmt="o",
                ms=3,
                color=f"C{k + 4}",
                label=f"MC edge N={N}",
            )
        fit = points["fit"]
        if fit is not None:
            ax.errorbar(
                [fit.value],
                [T_RETRIEVAL],
                xerr=[fit.error],
                fmt="D",
                mfc="w",
                color="k",
                label=r"MC edge $N\to\infty$",
            )
    ax.set(
        xlabel=r"$\alpha = K/N^{P-1}$",
        ylabel="$T$",
        title=f"({'a' if diagram.P == 3 else 'b'}) P = {diagram.P}: phase diagram",
    )
    ax.legend(fontsize=6, loc="upper right")


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    q = args.quick
    reach = {3: 0.27, 4: 0.06}  # the loads drawn
    # quick mode: of the one-step lines only the P = 3 spinodal, at T = 0 and T*
    one_step = {3: ("spinodal",), 4: ()} if q else dict.fromkeys((3, 4), ("spinodal", "T_c"))
    diagrams = {
        P: dense_phases.phase_diagram(P, 2 if q else 10, alpha_max=reach[P], one_step=one_step[P])
        for P in (3, 4)
    }

    # Monte Carlo 1: the retrieval edge at T = 0.05, P = 3
    Ns_r = [30, 60] if q else [40, 80, 120, 160, 240]
    alphas = np.linspace(0.12, 0.27, 4 if q else 16)
    n_samples, n_replicas = (4, 2) if q else (16, 2)
    ret = sweep(
        args,
        "dense_rsb.retrieval",
        "hebbian.mc.retrieval:retrieval_overlap",
        {"N": Ns_r, "alpha": alphas.tolist()},
        P=3,
        T=T_RETRIEVAL,
        n_samples=n_samples,
        n_replicas=n_replicas,
        n_sweeps=200 if q else 600,
        n_burnin=50,
    )
    retained = ret["retained"].values
    per_N = [
        (N, *retrieval_edge(alphas, retained[k], n_samples * n_replicas))
        for k, N in enumerate(Ns_r)
    ]
    good = [(N, e, s) for N, e, s in per_N if np.isfinite(e)]
    fit = (
        mc.extrapolate(*map(np.array, zip(*good, strict=True)), omega=2 / 3)
        if len({N for N, _, _ in good}) >= 2
        else None
    )

    # Monte Carlo 2: the P = 4 glass, dense network and Gaussian control
    Ns = [8, 12] if q else [12, 16, 20, 24]
    glass_kw = dict(
        P=P_GLASS,
        alpha=ALPHA_GLASS,
        T_min=0.05,
        T_max=0.6,
        n_T=5 if q else 14,
        n_samples=4 if q else 32,
        n_sweeps=300 if q else 2000,
        n_burnin=150 if q else 1000,
    )
    hebb = sweep(args, "dense_rsb.mc", "hebbian.mc.glass:dense_tempering", {"N": Ns}, **glass_kw)
    control = sweep(
        args, "dense_rsb.control", "hebbian.mc.glass:pspin_tempering", {"N": Ns}, **glass_kw
    )
    temps = hebb["T"].values[0]
    T_s = dense_phases.T_s(P_GLASS, ALPHA_GLASS)
    # the 1RSB glass below T_s (from the ladder's lowest temperature), the paramagnet above
    line_T = np.concatenate(
        [np.linspace(temps[0], T_s, 2 if q else 12), np.linspace(T_s, 0.6, 12)[1:]]
    )
    one = [dense_rsb.solve_rsb(P_GLASS, ALPHA_GLASS, T) for T in line_T[line_T <= T_s]]
    u_para = np.array([dense_finite_n.paramagnet_energy(P_GLASS, ALPHA_GLASS, T) for T in line_T])
    u_1rsb = np.append([s.energy for s in one], u_para[line_T > T_s])
    u_annealed = np.array(
        [[dense_finite_n.annealed_energy(P_GLASS, ALPHA_GLASS, T, N) for T in line_T] for N in Ns]
    )
    lowest = one[0]

    fig, axes = subplots(2, 2, figsize=(12, 9.5))
    _diagram_panel(axes[0, 0], diagrams[3], {"per_N": per_N, "fit": fit})
    axes[0, 0].set(xlim=(0, reach[3]), ylim=(0, 0.32))
    _diagram_panel(axes[0, 1], diagrams[4])
    axes[0, 1].set(xlim=(0, reach[4]), ylim=(0, 0.09))

    ax = axes[1, 0]
    ax.plot(line_T, u_para, "k--", lw=1, label=r"paramagnet $-\beta\xi(1)$ (any N: control)")
    ax.plot(line_T, u_1rsb, "C3-", label="1RSB glass (paramagnet above $T_s$)")
    for k, N in enumerate(Ns):
        ax.plot(
            line_T,
            u_annealed[k],
            ":",
            color=f"C{k + 4}",
            lw=1,
            label=f"dense, exact annealed N={N}",
        )
    records = energy_panel(
        ax,
        Ns,
        temps,
        hebb["energy"].values,
        hebb["energy_error"].values,
        omega=1.0,
        theory={
            "1rsb": lambda T: np.interp(T, line_T, u_1rsb),
            "paramagnet": lambda T: np.interp(T, line_T, u_para),
        },
    )
    u_c, e_c = control["energy"].values, control["energy_error"].values
    for k, N in enumerate(Ns):
        ax.errorbar(
            temps * 1.01,
            u_c[k],
            e_c[k],
            fmt="s",
            ms=3,
            mfc="w",
            color=f"C{k + 4}",
            label=f"control N={N}",
        )
    ax.axvline(T_s, color="C0", lw=0.5)
    title = rf"(c) P = {P_GLASS} glass, $\alpha$ = {ALPHA_GLASS}: network (o), control (s)"
    ax.set(xlabel="$T$", ylabel="energy per spin $u$", ylim=(-0.25, 0.0), title=title)
    ax.legend(fontsize=6, loc="lower right", ncol=2)

    ax = axes[1, 1]
    overlap_cdf_panel(
        ax, Ns, control["q_hist"].values[:, 0], lowest.q_levels, lowest.x_levels, "1RSB: x(q)"
    )
    ax.set_title(f"(d) control's overlap distribution function, T = {temps[0]:.2f}")
    ax.legend(fontsize=7, loc="upper left")
    fig.tight_layout()

    variables, coords = {}, {}
    for P, d in diagrams.items():
        for name in LINES:
            a, T = getattr(d, name)
            dim = f"{name}_P{P}"
            coords[dim] = labelled(dim, np.arange(a.size), f"point along the line {name}, P={P}")
            variables[f"{dim}_alpha"] = labelled(dim, a, f"load alpha of the line {name}, P={P}")
            variables[f"{dim}_T"] = labelled(dim, T, f"temperature of the line {name}, P={P}")
    z_control = (u_c - np.interp(temps, line_T, u_para)) / e_c
    hot = temps > 2 * T_s
    data = xr.Dataset(
        {
            **variables,
            "retained": labelled(
                ("N_retrieval", "alpha"),
                retained,
                f"fraction of P = 3 chains retained at T = {T_RETRIEVAL}",
            ),
            "m_retrieval": labelled(
                ("N_retrieval", "alpha"), ret["m"].values, "overlap of the retained chains"
            ),
            "mc_energy": labelled(
                ("N", "T"),
                hebb["energy"].values,
                f"energy per spin, P = {P_GLASS} dense glass, Monte Carlo",
            ),
            "mc_energy_err": labelled(
                ("N", "T"), hebb["energy_error"].values, "standard error of mc_energy"
            ),
            "control_energy": labelled(
                ("N", "T"), u_c, "energy per spin, Gaussian P-spin control, Monte Carlo"
            ),
            "control_energy_err": labelled(("N", "T"), e_c, "standard error of control_energy"),
            "u_1rsb": labelled("T_theory", u_1rsb, "energy per spin of the 1RSB glass"),
            "u_annealed": labelled(
                ("N", "T_theory"),
                u_annealed,
                "exact finite-N annealed energy of the dense network",
            ),
            "q_hist": labelled(
                ("N", "T", "q"),
                control["q_hist"].values,
                "normalized histogram of the control's two-replica overlap",
            ),
        },
        coords={
            **coords,
            "N_retrieval": labelled("N_retrieval", Ns_r, "neurons of the retrieval runs"),
            "alpha": labelled("alpha", alphas, "load K/N^2 of the retrieval runs"),
            "N": labelled("N", Ns, "number of neurons"),
            "T": labelled("T", temps, "temperature of the tempering ladder"),
            "T_theory": labelled("T_theory", line_T, "temperature of the theory lines"),
            **q_coordinate(),
        },
    )
    d3 = diagrams[3]
    meta = {
        "seed": args.seed,
        "alpha_c_rs_T0": {P: float(d.spinodal_rs[0][0]) for P, d in diagrams.items()},
        "alpha_c_1rsb_T0": {
            P: float(d.spinodal_1rsb[0][0]) for P, d in diagrams.items() if d.spinodal_1rsb[0].size
        },
        "alpha_c_rs_peak": {P: dense.alpha_c_peak(P)[1] for P in diagrams},
        "T_collapse": {P: d.T_collapse for P, d in diagrams.items()},
        "T_s_unit_glass": {P: dense_phases.static_transition(P)["T_s"] for P in diagrams},
        "retrieval": {
            "T": T_RETRIEVAL,
            "spinodal_rs": dense.alpha_c(3, T_RETRIEVAL).value,
            "spinodal_1rsb": float(
                np.interp(T_RETRIEVAL, d3.spinodal_1rsb[1], d3.spinodal_1rsb[0])
            ),
            "edge_per_N": [{"N": N, "edge": e, "error": s} for N, e, s in per_N],
            "edge_extrapolated": None
            if fit is None
            else {"value": fit.value, "error": fit.error, "chi2": fit.chi2, "omega": 2 / 3},
        },
        "glass": {
            "P": P_GLASS,
            "alpha": ALPHA_GLASS,
            "T_s": T_s,
            "control_chi2_paramagnet_above_2T_s": np.sum(z_control[:, hot] ** 2, axis=1).tolist(),
            "n_above_2T_s": int(np.sum(hot)),
        },
        "lowest_T_1rsb": {"q": lowest.q_levels, "x": lowest.x_levels},
        "q2_control": control["q2"].values[:, 0].tolist(),
        "swap_min": {
            "network": float(hebb["swap_min"].min()),
            "control": float(control["swap_min"].min()),
        },
        "round_trips_min": {
            "network": int(hebb["round_trips_min"].min()),
            "control": int(control["round_trips_min"].min()),
        },
        "points": records,
    }
    return write_outputs(fig, data, meta, args, "dense_rsb", started)


if __name__ == "__main__":
    main()
