"""Capacity scaling of associative memories: K ~ N, N^(P-1), e^(alpha N), and basins.

Capacity is measured, not assumed: for each disorder sample the largest
number of patterns ``K_c`` at which zero-temperature dynamics from a cue with
``rho N`` reversed spins still ends within ``eps = 0.05`` of the cued pattern
(:func:`hebbian.mc.capacity.capacity`, bisection over nested pattern sets).

(a) Pairwise (P = 2) and dense P = 3 networks, ``rho = 1/8``: ``K_c`` against
    ``N`` on log axes, with the fitted exponent of ``K_c ~ N^s`` (theory:
    ``s = P - 1``) and the RS critical loads ``alpha_c N^(P-1)``
    (:func:`hebbian.theory.hopfield.alpha_c`, :func:`hebbian.theory.dense.alpha_c`).
    Full run (32 samples, N = 100-1600 and 32-128): ``K_c/N`` falls from 0.181
    to 0.145 and extrapolates in ``1/N`` to 0.1416(20) against AGS 0.1379 (the
    log-log slope, 0.941(13), still carries that finite-size fall); P = 3
    extrapolates to 0.117(5), below RS 0.126 because the cue, not the state,
    limits it: from the pattern itself (``rho = 0``) ``K_c/N^2`` = 0.145(7) at
    N = 96.
(b) Exponential networks: ``log(K_c)/N`` against ``1/N``, fitted linearly and
    extrapolated to ``N -> infinity``.  Binary :class:`hebbian.ExponentialDAM`
    (``lam = 1``, ``rho = 1/8``) against the REM threshold of zero-temperature
    flips, :func:`hebbian.theory.exponential.alpha_zero_T` (= ``I(3/4)`` = 0.316;
    here the one-attention-step threshold is the same ``I(3/4)``, as
    ``3/4 < tanh 1``); the modern Hopfield network with spherical patterns
    (``beta = 1/2``, iterated from the pattern itself) against
    :func:`hebbian.theory.exponential.alpha_one_step` (0.387).
    Every pattern at once (Demircigil et al. 2017) needs the cue's overlap to
    beat all ``K^2`` pairs: ``I(m0)/2``, half the typical pattern's load (dotted).
(c) Basins of the binary exponential network: the probability of retrieval
    against the cue's corruption ``rho`` at two loads, against the edge of the
    basin ``rho_c = (1 - m0_c)/2`` (:func:`hebbian.theory.exponential.cue_overlap_c`).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian import mc
from hebbian.figures._output import (
    LINESTYLES,
    MARKERS,
    joined,
    labelled,
    run_figure,
    subplots,
    sweep,
)
from hebbian.theory import dense, hopfield
from hebbian.theory import exponential as EXP

TASK = "hebbian.mc.capacity:capacity"
RHO = 0.125
LAM_BINARY, LAM_MODERN = 1.0, 0.5


def _slope(Ns, ds, P: int) -> tuple[float, float]:
    """Exponent of ``K_c ~ N^s`` and its error, weighted by the errors of ``log K_c``."""
    log_K = np.log(ds["load"].values) + (P - 1) * np.log(Ns)
    err = ds["load_error"].values / ds["load"].values
    coef, cov = np.polyfit(np.log(Ns), log_K, 1, w=1 / err, cov="unscaled")
    return float(coef[0]), float(math.sqrt(cov[0, 0]))


def _extrapolated(ax, Ns, ds, theory: float, label: str, k: int) -> dict:
    """Plot ``log(K_c)/N`` against ``1/N``, extrapolate to ``N -> infinity``; compare to theory.

    ``K_c`` carries a power-law prefactor, ``log(K_c)/N = alpha - c log(N)/N +
    O(1/N)``, which sizes this small cannot separate from ``1/N``: the
    extrapolation linear in ``1/N`` is the estimate, the one linear in
    ``log(N)/N`` bounds its systematic error (half their difference each way).
    """
    color, marker, style = f"C{k}", MARKERS[k], LINESTYLES[k]
    load, err = ds["load"].values, ds["load_error"].values
    N = np.asarray(Ns, float)
    x = 1.0 / N
    ax.errorbar(x, load, err, fmt=marker, color=color, capsize=2, label=f"{label}: Monte Carlo")
    fit = mc.extrapolate(Ns, load, err)
    coef = np.polyfit(np.log(N) / N, load, 1, w=1 / err)
    systematic = abs(coef[1] - fit.value) / 2
    total = math.hypot(fit.error, systematic)
    xs = np.linspace(0, x.max() * 1.05, 20)
    ax.plot(xs, fit.value + fit.slope * xs, "--", color=color, lw=0.8)
    ax.errorbar([0], [fit.value], [total], fmt=marker, mfc="w", color=color, capsize=3)
    ax.axhline(theory, color=color, ls=style, lw=1.2, label=f"{label}: REM theory {theory:.3f}")
    return {
        "network": label,
        "N": list(map(int, Ns)),
        "load": load.tolist(),
        "error": err.tolist(),
        "censored": ds["censored"].values.tolist(),
        "extrapolated": fit.value,
        "statistical_error": fit.error,
        "extrapolated_log_N": float(coef[1]),
        "extrapolated_error": total,
        "chi2": fit.chi2,
        "theory": theory,
        "n_sigma": (fit.value - theory) / total,
    }


def panel_a(ax, args, quick: bool, n_samples: int) -> tuple[xr.Dataset, dict]:
    """(a) Polynomial scaling: K_c against N, the fitted exponent and the RS critical loads."""
    sizes = {
        2: [50, 100, 200] if quick else [100, 200, 400, 800, 1600],
        3: [24, 32, 48] if quick else [32, 48, 64, 96, 128],
    }
    alpha_c = {2: hopfield.alpha_c(0.0).value, 3: dense.alpha_c(3).value}
    slopes, polynomial = {}, {}
    for k, (P, Ns) in enumerate(sizes.items()):
        fixed = {"network": "dense", "P": P, "rho": RHO, "load_max": 0.5, "n_samples": n_samples}
        ds = sweep(args, f"capacity.a_P{P}", TASK, {"N": Ns}, **fixed)
        K_mean = ds["load"].values * np.asarray(Ns, float) ** (P - 1)
        K_err = ds["load_error"].values * np.asarray(Ns, float) ** (P - 1)
        s, s_err = _slope(np.asarray(Ns, float), ds, P)
        limit = mc.extrapolate(Ns, ds["load"].values, ds["load_error"].values)
        slopes[f"P={P}"] = {
            "slope": s,
            "error": s_err,
            "theory": P - 1,
            "load": ds["load"].values.tolist(),
            "load_extrapolated": limit.value,
            "load_extrapolated_error": limit.error,
            "alpha_c_RS": alpha_c[P],
        }
        label = (
            f"P = {P}: fitted $K_c \\sim N^{{{s:.2f}\\pm{s_err:.2f}}}$, "
            f"$K_c/N^{P - 1}\\to${limit.value:.3f}({1000 * limit.error:.0f})"
        )
        ax.errorbar(Ns, K_mean, K_err, fmt="os"[k], color=f"C{k}", capsize=2, label=label)
        grid = np.geomspace(Ns[0], Ns[-1], 20)
        rs = f"RS $\\alpha_c N^{{{P - 1}}}$, $\\alpha_c$ = {alpha_c[P]:.3f}"
        ax.plot(
            grid, alpha_c[P] * grid ** (P - 1), ("-", "--")[k], color=f"C{k}", lw=0.8, label=rs
        )
        polynomial[P] = xr.Dataset(
            {
                "K_c": labelled("N", K_mean, "capacity: largest number of patterns retrieved"),
                "K_c_err": labelled("N", K_err, "standard error of K_c"),
            },
            coords={"N": labelled("N", Ns, "number of neurons")},
        )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="N",
        ylabel="capacity $K_c$",
        title=f"(a) polynomial networks, cue with {RHO:g} N errors",
    )
    ax.legend(fontsize=7)
    return joined(polynomial, "P", "interaction order P, panel (a)"), slopes


def panel_b(ax, args, quick: bool, n_samples: int) -> tuple[xr.Dataset, list[dict]]:
    """(b) Exponential scaling: log(K_c)/N extrapolated in 1/N onto the REM thresholds."""
    Ns = [8, 16, 24] if quick else [16, 24, 32, 40]
    fixed = {"network": "exponential", "lam": LAM_BINARY, "rho": RHO, "n_samples": n_samples}
    fixed.update({"load_max": 0.7, "K_cap": 2**17} if quick else {"load_max": 0.6})
    ds = sweep(args, "capacity.b_binary", TASK, {"N": Ns}, **fixed)
    m0 = 1 - 2 * RHO
    theory = EXP.alpha_zero_T(LAM_BINARY, m0)
    binary = _extrapolated(ax, Ns, ds, theory, f"binary, $\\lambda$ = {LAM_BINARY:g}", 0)
    every = "binary: every pattern, $I(m_0)/2$ (Demircigil et al.)"
    ax.axhline(EXP.rate(m0) / 2, color="C0", ls=":", lw=1, label=every)
    ds_d = [8, 12, 16] if quick else [12, 16, 20, 24]
    fixed = {"network": "modern", "lam": LAM_MODERN, "rho": 0.0, "eps": 0.1, "load_max": 0.55}
    ds = sweep(
        args, "capacity.b_modern", TASK, {"N": ds_d}, K_cap=2**20, n_samples=n_samples, **fixed
    )
    theory = EXP.alpha_one_step(LAM_MODERN, ensemble="spherical")
    modern = _extrapolated(ax, ds_d, ds, theory, f"modern, $\\beta$ = {LAM_MODERN:g}", 1)
    exponential = {}
    for name, record in (("binary", binary), ("modern", modern)):
        exponential[name] = xr.Dataset(
            {
                "log_K_c_per_N": labelled("N_exp", record["load"], "log(K_c)/N"),
                "log_K_c_per_N_err": labelled(
                    "N_exp", record["error"], "standard error of log_K_c_per_N"
                ),
            },
            coords={
                "N_exp": labelled("N_exp", record["N"], "number of neurons (dimension d, modern)")
            },
        )
    ax.set(
        xlabel="1/N  (1/d)",
        ylabel=r"$\log(K_c)/N$",
        xlim=(-0.005, None),
        title="(b) exponential networks: extrapolated to $N\\to\\infty$",
    )
    ax.legend(fontsize=7)
    return joined(exponential, "network", "exponential network, panel (b)"), [binary, modern]


def panel_c(ax, args, quick: bool, n_samples: int) -> tuple[xr.Dataset, list[dict]]:
    """(c) Basins of the binary exponential network against the REM basin edge."""
    N = 16 if quick else 32
    rhos = [r / N for r in range(0, N // 2, 1 if quick else 2)]
    records, basins = [], {}
    for k, load in enumerate([0.2, 0.3]):
        fixed = {"network": "exponential", "N": N, "load": load, "lam": LAM_BINARY}
        task = "hebbian.mc.capacity:retrieval_probability"
        ds = sweep(
            args, f"capacity.c_load{load}", task, {"rho": rhos}, n_samples=n_samples * 2, **fixed
        )
        p, err = ds["p"].values, ds["error"].values
        label = f"N = {N}, $\\log K/N$ = {load}"
        ax.errorbar(
            rhos, p, err, fmt=("o-", "s--")[k], color=f"C{k}", ms=3, capsize=2, label=label
        )
        rho_c = (1 - EXP.cue_overlap_c(load, LAM_BINARY)) / 2
        ax.axvline(
            rho_c, color=f"C{k}", ls=(":", "-.")[k], lw=1, label=f"REM basin edge {rho_c:.3f}"
        )
        records.append({"load": load, "N": N, "rho": rhos, "p": p.tolist(), "rho_c": rho_c})
        basins[load] = xr.Dataset(
            {
                "p_retrieval": labelled("rho", p, "probability of retrieval"),
                "p_retrieval_err": labelled("rho", err, "standard error of p_retrieval"),
            },
            coords={"rho": labelled("rho", rhos, "fraction of reversed spins in the cue")},
        )
    ax.set(
        xlabel=r"cue corruption $\rho$",
        ylabel="P(retrieval)",
        title=f"(c) basins, binary exponential, $\\lambda$ = {LAM_BINARY:g}",
    )
    ax.legend(fontsize=7)
    return joined(basins, "basin_load", "log(K)/N of the basins, panel (c)"), records


def draw(args) -> tuple:
    """Panels (a)-(c) and the run record."""
    n_samples = 8 if args.quick else 32
    fig, axes = subplots(1, 3, figsize=(16, 4.8))
    polynomial, slopes = panel_a(axes[0], args, args.quick, n_samples)
    exponential, records = panel_b(axes[1], args, args.quick, n_samples)
    basins, basin_records = panel_c(axes[2], args, args.quick, n_samples)
    fig.tight_layout()
    meta = {
        "rho": RHO,
        "eps": 0.05,
        "n_samples": n_samples,
        "slopes": slopes,
        "exponential": records,
        "basins": basin_records,
    }
    return fig, [polynomial, exponential, basins], meta


def main(argv: list[str] | None = None):
    return run_figure("capacity", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
