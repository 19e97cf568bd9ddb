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

import time

import numpy as np
import xarray as xr

from hebbian import mc
from hebbian.figures._extrapolated import half_crossing
from hebbian.figures._output import joined, labelled, parse_args, sweep, write_outputs
from hebbian.theory import exponential as EXP

TASK = "hebbian.mc.condensation:top_weight"
LAM = 1.0


T_LINE = np.linspace(0.02, 1.6, 120)


def _panels(args, ax_phase, ax_w, ensemble, Ns, Ts, alphas, T_show, mc_kw):
    """Plot one ensemble's phase diagram and w(alpha); return its records and its Dataset."""
    ds = sweep(args, f"exponential_phase.{ensemble}", TASK,
               {"N": Ns, "T": Ts, "alpha": alphas}, ensemble=ensemble, lam=LAM,
               **mc_kw).transpose("N", "T", "alpha")  # fmt: skip
    w, w_err = ds["w"].values, ds["w_error"].values
    dims = ("N", "T", "alpha")
    data = xr.Dataset(
        {"w": labelled(dims, w, "top attention weight, Monte Carlo"),
         "w_err": labelled(dims, w_err, "standard error of w")},
        coords={"N": labelled("N", Ns, "number of neurons"),
                "T": labelled("T", Ts, "temperature"),
                "alpha": labelled("alpha", alphas, "load log(K)/N")},
    )  # fmt: skip
    # theory lines, kept in the data file beside the Monte Carlo
    for f, style, label in ((EXP.alpha_thermodynamic, "-", "equilibrium (REM)"),
                            (EXP.alpha_spinodal, "--", "spinodal (REM)")):  # fmt: skip
        line = np.array([f(T, LAM, ensemble) for T in T_LINE])
        data[f.__name__] = labelled("T_theory", line, f"load log(K)/N of the {label} line")
        ax_phase.plot(line, T_LINE, "k" + style, label=label)
    ax_phase.plot([EXP.alpha_one_step(LAM, ensemble=ensemble)], [0], "kD", ms=6, clip_on=False,
                  label=r"$T\to0$: one step $\alpha_1$")  # fmt: skip
    if ensemble == "binary":
        ax_phase.plot([EXP.alpha_zero_T(LAM)], [0], "k*", ms=11, clip_on=False,
                      label="T = 0 single flips")  # fmt: skip
    records = []
    for t, T in enumerate(Ts):
        per_N = [half_crossing(alphas, w[n, t], w_err[n, t]) for n in range(len(Ns))]
        values, errors = np.array(per_N).T
        ax_phase.plot(values, [T] * len(Ns), "o", color="gray", ms=3, alpha=0.6)
        record = {"T": T, "N": list(Ns), "crossing": values.tolist(), "errors": errors.tolist(),
                  "theory": EXP.alpha_thermodynamic(T, LAM, ensemble),
                  "spinodal": EXP.alpha_spinodal(T, LAM, ensemble)}  # fmt: skip
        ok = np.isfinite(values)
        if ok.sum() >= 2:
            fit = mc.extrapolate(np.asarray(Ns)[ok], values[ok], errors[ok])
            ax_phase.errorbar([fit.value], [T], xerr=[fit.error], fmt="s", color="C3", capsize=3)
            record.update(extrapolated=fit.value, error=fit.error,
                          n_sigma=(fit.value - record["theory"]) / fit.error)  # fmt: skip
        records.append(record)
    ax_phase.errorbar([], [], xerr=[], fmt="s", color="C3",
                      label="Monte Carlo, $N\\to\\infty$ (gray: each N)")  # fmt: skip
    ax_phase.set(xlabel=r"$\alpha = \log K / N$", ylabel="T", xlim=(0, 0.75), ylim=(0, 1.6),
                 title=f"{ensemble}, $\\lambda$ = {LAM:g}: retrieval below the lines")  # fmt: skip
    ax_phase.legend(fontsize=7)
    t = list(Ts).index(T_show)
    for n, N in enumerate(Ns):
        ax_w.errorbar(alphas, w[n, t], w_err[n, t], fmt="o-", ms=3, capsize=2, label=f"N = {N}")
    ax_w.axvline(EXP.alpha_thermodynamic(T_show, LAM, ensemble), color="k", label="equilibrium")
    ax_w.axvline(EXP.alpha_spinodal(T_show, LAM, ensemble), color="k", ls="--", label="spinodal")
    ax_w.axhline(0.5, color="gray", lw=0.5)
    ax_w.set(xlabel=r"$\alpha$", ylabel="top attention weight w",
             title=f"{ensemble}: T = {T_show:g}")  # fmt: skip
    ax_w.legend(fontsize=7)
    return records, data


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    quick = args.quick

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 4, figsize=(21, 4.8))
    if quick:
        mc_kw = {"n_samples": 4, "n_sweeps": 100, "n_burnin": 50}
        setups = {"binary": ([8, 12], [0.5], np.arange(0.3, 0.75, 0.1)),
                  "spherical": ([8, 12], [0.5], np.arange(0.2, 0.65, 0.1))}  # fmt: skip
    else:
        mc_kw = {"n_samples": 6, "n_sweeps": 200, "n_burnin": 100}
        Ts = [0.3, 0.5, 0.7]
        setups = {"binary": ([12, 16, 20], Ts, np.arange(0.25, 0.675, 0.05)),
                  "spherical": ([12, 16, 20, 24], Ts, np.arange(0.15, 0.575, 0.05))}  # fmt: skip
    meta: dict = {"lam": LAM, **mc_kw}
    panels = {}
    for k, (ensemble, (Ns, Ts, alphas)) in enumerate(setups.items()):
        alphas = np.round(alphas, 4).tolist()
        meta[ensemble], panels[ensemble] = _panels(args, axes[2 * k], axes[2 * k + 1], ensemble,
                                                   Ns, Ts, alphas, 0.5, mc_kw)  # fmt: skip
    fig.tight_layout()
    data = joined(panels, "ensemble", "pattern ensemble").assign_coords(
        T_theory=labelled("T_theory", T_LINE, "temperature of the theory lines")
    )
    return write_outputs(fig, data, meta, args, "exponential_phase", started)


if __name__ == "__main__":
    main()
