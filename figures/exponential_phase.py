"""Exponential memories at finite temperature: the (alpha = log K / N, T) phase diagram.

Binary :class:`hebbian.ExponentialDAM` and the modern Hopfield network on the
sphere (``beta = lam = 1``, spherical patterns), both with ``K = e^(alpha N)``
patterns.  Theory (:mod:`hebbian.theory.exponential`, the random-energy-model analysis
of Lucibello and Mezard, PRL 2024, extended here to ``T > 0``): the retrieval
state, of overlap ``m_R(T)``, exists below the spinodal
:func:`~hebbian.theory.exponential.alpha_spinodal` and carries the Gibbs measure below
:func:`~hebbian.theory.exponential.alpha_thermodynamic`; at ``T = 0`` the binary
network's single-flip dynamics keeps the pattern up to
:func:`~hebbian.theory.exponential.alpha_zero_T` (star), above the ``T -> 0`` limit of
both lines (the one-step ``alpha_1``, diamond).

Monte Carlo (:func:`hebbian.mc.condensation.top_weight`): Metropolis chains started on
a pattern and free to leave it; the order parameter is the top attention
weight ``w = max_k softmax(lam N m)_k`` (1: one pattern dominates; 0: the
random-energy sum does).  At each ``T`` and ``N`` the load where ``w`` crosses
1/2 is interpolated, and these crossings are extrapolated linearly in
``1/N`` (squares with error bars) onto the theory's axes.  Finite-N chains
cross barriers of height ``O(N)`` quickly at these sizes, so they sample the
equilibrium: the crossings approach the thermodynamic line, not the spinodal.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from hebbian import mc
from hebbian.figures._extrapolated import half_crossing
from hebbian.figures._output import joined, labelled, run_figure, subplots, sweep
from hebbian.theory import exponential as EXP

TASK = "hebbian.mc.condensation:top_weight"
LAM = 1.0
T_LINE = np.linspace(0.02, 1.6, 120)
#: The theory's lines: function, line style, what it is.
LINES = (
    (EXP.alpha_thermodynamic, "-", "equilibrium (REM)"),
    (EXP.alpha_spinodal, "--", "spinodal (REM)"),
)


def _settings(quick: bool) -> tuple[dict, dict]:
    """Monte Carlo options and, per ensemble, the sizes, temperatures and loads."""
    if quick:
        mc_kw = {"n_samples": 4, "n_sweeps": 100, "n_burnin": 50}
        setups = {
            "binary": ([8, 12], [0.5], np.arange(0.3, 0.75, 0.1)),
            "spherical": ([8, 12], [0.5], np.arange(0.2, 0.65, 0.1)),
        }
        return mc_kw, setups
    mc_kw = {"n_samples": 6, "n_sweeps": 200, "n_burnin": 100}
    Ts = [0.3, 0.5, 0.7]
    setups = {
        "binary": ([12, 16, 20], Ts, np.arange(0.25, 0.675, 0.05)),
        "spherical": ([12, 16, 20, 24], Ts, np.arange(0.15, 0.575, 0.05)),
    }
    return mc_kw, setups


def _monte_carlo(args, ensemble, Ns, Ts, alphas, mc_kw) -> xr.Dataset:
    """The top attention weight on the (N, T, alpha) grid, one resumable sweep."""
    grid = {"N": Ns, "T": Ts, "alpha": alphas}
    ds = sweep(
        args, f"exponential_phase.{ensemble}", TASK, grid, ensemble=ensemble, lam=LAM, **mc_kw
    )
    ds = ds.transpose("N", "T", "alpha")
    dims = ("N", "T", "alpha")
    return xr.Dataset(
        {
            "w": labelled(dims, ds["w"].values, "top attention weight, Monte Carlo"),
            "w_err": labelled(dims, ds["w_error"].values, "standard error of w"),
        },
        coords={
            "N": labelled("N", Ns, "number of neurons"),
            "T": labelled("T", Ts, "temperature"),
            "alpha": labelled("alpha", alphas, "load log(K)/N"),
        },
    )


def panel_phase(ax, ensemble: str, data: xr.Dataset) -> list[dict]:
    """The (alpha, T) diagram: REM lines and the MC crossings w = 1/2 extrapolated in 1/N."""
    for f, style, label in LINES:
        line = np.array([f(T, LAM, ensemble) for T in T_LINE])
        data[f.__name__] = labelled("T_theory", line, f"load log(K)/N of the {label} line")
        ax.plot(line, T_LINE, "k" + style, label=label)
    one_step = r"$T\to0$: one step $\alpha_1$"
    alpha_1 = EXP.alpha_one_step(LAM, ensemble=ensemble)
    ax.plot([alpha_1], [0], "kD", ms=6, clip_on=False, label=one_step)
    if ensemble == "binary":
        ax.plot(
            [EXP.alpha_zero_T(LAM)], [0], "k*", ms=11, clip_on=False, label="T = 0 single flips"
        )
    Ns, alphas = data["N"].values, data["alpha"].values
    records = []
    for t, T in enumerate(data["T"].values.tolist()):
        w, w_err = data["w"].values[:, t], data["w_err"].values[:, t]
        values, errors = np.array(
            [half_crossing(alphas, w[n], w_err[n]) for n in range(len(Ns))]
        ).T
        ax.plot(values, [T] * len(Ns), "o", color="gray", ms=3, alpha=0.6)
        record = {
            "T": T,
            "N": Ns.tolist(),
            "crossing": values.tolist(),
            "errors": errors.tolist(),
            "theory": EXP.alpha_thermodynamic(T, LAM, ensemble),
            "spinodal": EXP.alpha_spinodal(T, LAM, ensemble),
        }
        ok = np.isfinite(values)
        if ok.sum() >= 2:
            fit = mc.extrapolate(Ns[ok], values[ok], errors[ok])
            ax.errorbar([fit.value], [T], xerr=[fit.error], fmt="s", color="C3", capsize=3)
            n_sigma = (fit.value - record["theory"]) / fit.error
            record.update(extrapolated=fit.value, error=fit.error, n_sigma=n_sigma)
        records.append(record)
    label = "Monte Carlo, $N\\to\\infty$ (gray: each N)"
    ax.errorbar([], [], xerr=[], fmt="s", color="C3", label=label)
    ax.set(
        xlabel=r"$\alpha = \log K / N$",
        ylabel="T",
        xlim=(0, 0.75),
        ylim=(0, 1.6),
        title=f"{ensemble}, $\\lambda$ = {LAM:g}: retrieval below the lines",
    )
    ax.legend(fontsize=7)
    return records


def panel_weight(ax, ensemble: str, data: xr.Dataset, T: float) -> None:
    """The top attention weight against the load at one temperature, every N."""
    t = data["T"].values.tolist().index(T)
    alphas = data["alpha"].values
    for n, (N, marker) in enumerate(zip(data["N"].values, "osv^", strict=False)):
        w, err = data["w"].values[n, t], data["w_err"].values[n, t]
        ax.errorbar(alphas, w, err, fmt=marker + "-", ms=3, capsize=2, label=f"N = {N}")
    ax.axvline(EXP.alpha_thermodynamic(T, LAM, ensemble), color="k", label="equilibrium")
    ax.axvline(EXP.alpha_spinodal(T, LAM, ensemble), color="k", ls="--", label="spinodal")
    ax.axhline(0.5, color="gray", lw=0.5)
    ax.set(xlabel=r"$\alpha$", ylabel="top attention weight w", title=f"{ensemble}: T = {T:g}")
    ax.legend(fontsize=7)


def draw(args) -> tuple:
    """The phase and weight panels of each ensemble, and the run record."""
    mc_kw, setups = _settings(args.quick)
    fig, axes = subplots(1, 4, figsize=(21, 4.8))
    meta: dict = {"lam": LAM, **mc_kw}
    panels = {}
    for k, (ensemble, (Ns, Ts, alphas)) in enumerate(setups.items()):
        alphas = np.round(alphas, 4).tolist()
        data = _monte_carlo(args, ensemble, Ns, Ts, alphas, mc_kw)
        meta[ensemble] = panel_phase(axes[2 * k], ensemble, data)
        panel_weight(axes[2 * k + 1], ensemble, data, 0.5)
        panels[ensemble] = data
    fig.tight_layout()
    data = joined(panels, "ensemble", "pattern ensemble").assign_coords(
        T_theory=labelled("T_theory", T_LINE, "temperature of the theory lines")
    )
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("exponential_phase", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
