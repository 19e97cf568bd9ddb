"""Multitasking networks: diluted patterns retrieved in parallel, hierarchical vs parallel regimes.

K = 3 diluted patterns (P(xi = 0) = d), pairwise Hebbian couplings, low
load.  (a) T = 0 amplitudes against d: the signal-to-noise closed form m_k = (1-d)
d^(k-1) (dashed; a fixed point while d + d^2 < 1, d < 0.618), the RS state
followed from the hierarchical configuration (:func:`hebbian.theory.multitask.solve`,
lines) and Monte Carlo at two N started there
(:func:`hebbian.mc.multitask.amplitudes`, ranked moduli): the three agree below 0.618,
and beyond it RS and Monte Carlo leave the closed form together.
(b) Amplitudes against T at d = 0.5: each level melts at its own
temperature (RS: level 3 at T = 0.16, level 2 at 0.29, level 1 at 1 - d).
The Monte Carlo follows RS below the melting points; above them it keeps
moduli of 0.05-0.15: equilibrium fluctuations of overlaps whose mean is zero,
falling like N^(-1/2) (level 2 at T = 0.4 with 2000 burn-in sweeps: 0.115 at
N = 2000, 0.059 at N = 8000; 300 sweeps give the same), large because the
pure state is near its instability to level 2 (beta c = 0.93 in RS, c the
local susceptibility); the Gaussian RS estimate sqrt(2 c / (pi N (1 - beta
c))) is half the measured size.  (c) Regimes
of the lowest RS state in (d, T): hierarchical, pure (one pattern), parallel
(equal amplitudes), paramagnet above T = 1 - d. (d) Learned from M examples of
quality r = 0.5 per pattern (d = 0.4, T = 0): archetype overlaps against M, RS
in the Gaussian limit (lines) and Monte Carlo of the supervised and the
unsupervised network (points): at low load they share the state.  Noisy data
flatten the hierarchy into the parallel state; there (M <= 10) a finite-N
sample splits the equal amplitudes, and the ranked Monte Carlo moduli spread
around the RS value (their mean 0.28 against RS 0.29 at M = 5, T = 0.05), at T
= 0 frozen in hierarchical fixed points that RS does not describe.  (e)
Learning thresholds against r: examples per pattern for the leading overlap to
reach 90% of its value (solid) and below which the hierarchy is flattened
(dashed), for d = 0.2 and 0.4.  (f) Hierarchy levels resolved at finite N.
(g, h) Beyond low storage, at T = 0 and 0.1: alpha N further diluted
patterns stored but not cued (RS of the pure state with their AGS
cross-talk, lines; Monte Carlo at the largest N, points).  Dilution lowers
the critical load of the pure state fast (T = 0, d = 0.2: between 0.05 and
0.07, against 0.138 without dilution): blank neurons sit in
the cross-talk field alone and swell the AGS reaction term.  Past the RS
critical load the zero-temperature dynamics keeps remanent states, as in the
Hopfield network.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr

from hebbian.figures._output import (
    MARKERS,
    joined,
    labelled,
    run_figure,
    series,
    smooth,
    subplots,
    sweep,
)
from hebbian.theory import multitask as MT

K = 3
TASK = "hebbian.mc.multitask:amplitudes"
REGIMES = ("hierarchical", "pure", "parallel", "paramagnet")
#: Colour, line style and marker of each hierarchy level: readable in grey too.
LEVELS = (("C0", "-", "o"), ("C1", "-.", "s"), ("C2", ":", "^"))


def _settings(quick: bool) -> dict:
    """Sizes, samples and Monte Carlo grids; quick mode is a smoke run."""
    if quick:
        return {
            "N": [1000, 2000],
            "n_samples": 3,
            "d": [0.2, 0.5, 0.8],
            "T": [0.05, 0.15, 0.3],
            "M": [5, 20, 80],
            "regime_grid": 12,
            "quality": 9,
            "alpha": [0.02, 0.06],
            "alpha_theory": 17,
        }
    return {
        "N": [2000, 8000],
        "n_samples": 16,
        "d": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9],
        "T": [0.03, 0.06, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5],
        "M": [5, 10, 20, 40, 80, 160],
        "regime_grid": 40,
        "quality": 33,
        "alpha": [0.01, 0.03, 0.05, 0.07, 0.09, 0.12],
        "alpha_theory": 49,
    }


def _levels(s) -> list[float]:
    return sorted((s[f"m{k + 1}"] for k in range(K)), reverse=True)


def _pure(d: float, T: float, alpha: float) -> float:
    """RS pure-state overlap with ``alpha N`` further patterns (``nan`` if not converged)."""
    s = MT.solve(1, d, T, alpha=alpha, start="pure")
    return s["m1"] if s.success else math.nan


def _rs_lines(ax, x, rs, log: bool = False) -> None:
    """The RS amplitudes of each level against ``x``, interpolated smooth (in ``log x``)."""
    for k, (color, style, _) in enumerate(LEVELS):
        if log:
            u, y = smooth(np.log(x), rs[:, k])
            u = np.exp(u)
        else:
            u, y = x, rs[:, k]
        ax.plot(u, y, color=color, ls=style, label=f"RS level {k + 1}")


def _mc_levels(ax, points, axis: str, sizes) -> None:
    """Ranked Monte Carlo amplitudes: marker and colour by level, open markers at the larger N."""
    for j, N in enumerate(sizes):
        for k, (color, _, marker) in enumerate(LEVELS):
            ax.errorbar(
                points[axis].values,
                points[f"m{k + 1}"].sel(N=N).values,
                points[f"error{k + 1}"].sel(N=N).values,
                fmt=marker,
                color=color,
                mfc="none" if j else color,
                ms=4,
                capsize=2,
                label=f"MC N={N}" if k == 0 else None,
            )


def _ranked(points, output: str) -> np.ndarray:
    """A sweep's outputs ``<output>1`` ... ``<output>K`` stacked along a last axis, the level."""
    return np.stack([points[f"{output}{k + 1}"].values for k in range(K)], axis=-1)


def _mc_variables(prefix: str, dims: tuple, mc, what: str) -> dict:
    """The ranked Monte Carlo amplitudes and their errors as Dataset variables."""
    return {
        f"{prefix}_mc_m": labelled(dims, _ranked(mc, "m"), what),
        f"{prefix}_mc_m_err": labelled(
            dims, _ranked(mc, "error"), f"standard error of {prefix}_mc_m"
        ),
    }


def panel_a(ax, args, s: dict) -> tuple[xr.Dataset, list[dict]]:
    """(a) T = 0 amplitudes vs dilution: closed form, RS and Monte Carlo at two N."""
    ds = np.linspace(0.0, 0.95, 96)
    rs = np.array([_levels(MT.solve(K, d, 0.0)) for d in ds])
    closed = np.array([MT.hierarchical_amplitudes(K, d) for d in ds])
    _rs_lines(ax, ds, rs)
    for k in range(K):
        ax.plot(
            ds,
            closed[:, k],
            "k--",
            lw=0.7,
            label="signal-to-noise $(1-d)d^{k-1}$" if k == 0 else None,
        )
    ax.axvline((math.sqrt(5) - 1) / 2, color="gray", ls=":", lw=0.8)
    grid = {"N": s["N"], "d": s["d"]}
    mc = sweep(args, "multitasking.a", TASK, grid, K=K, T=0.0, n_samples=s["n_samples"])
    _mc_levels(ax, mc, "d", s["N"])
    points = []
    for d in s["d"]:
        theory = _levels(MT.solve(K, d, 0.0))
        for k in range(K):
            m, e = (float(mc[v].sel(N=s["N"][-1], d=d)) for v in (f"m{k + 1}", f"error{k + 1}"))
            point = {"panel": "a", "d": d, "T": 0.0, "level": k + 1, "N": s["N"][-1]}
            points.append({**point, "m": m, "error": e, "m_theory": theory[k]})
            points[-1]["n_sigma"] = (m - theory[k]) / e
    w = max(points, key=lambda p: abs(p["n_sigma"]))
    worst = f"level {w['level']} at d = {w['d']}: {w['m']:.3f} vs {w['m_theory']:.3f}"
    caption = (
        f"MC (N = {s['N'][-1]}) vs RS: largest deviation {w['n_sigma']:+.1f} sigma\n({worst})"
    )
    ax.text(0.03, 0.45, caption, transform=ax.transAxes, fontsize=7)  # an empty corner
    ax.set(xlabel="dilution d", ylabel="overlap amplitudes (ranked)", title="(a) K = 3, T = 0")
    ax.legend(fontsize=7, loc="upper right")
    mc = mc.transpose("N", "d")
    data = xr.Dataset(
        {
            "a_m_theory": labelled(
                ("a_d_theory", "level"), rs, "(a) ranked amplitudes, RS, T = 0"
            ),
            "a_m_closed": labelled(
                ("a_d_theory", "level"), closed, "(a) amplitudes (1-d) d^(k-1), signal-to-noise"
            ),
            **_mc_variables("a", ("N", "a_d", "level"), mc, "(a) ranked amplitudes, MC, T = 0"),
        },
        coords={
            "a_d_theory": labelled("a_d_theory", ds, "dilution d, theory"),
            "a_d": labelled("a_d", s["d"], "dilution d"),
        },
    )
    return data, points


def panel_b(ax, args, s: dict, d: float = 0.5) -> xr.Dataset:
    """(b) Amplitudes vs temperature at fixed dilution: each level melts at its own T."""
    Ts = np.linspace(0.0, 0.55, 111)
    rs = np.array([_levels(MT.solve(K, d, T)) for T in Ts])
    _rs_lines(ax, Ts, rs)
    grid = {"N": s["N"], "T": s["T"]}
    mc = sweep(args, "multitasking.b", TASK, grid, K=K, d=d, n_samples=s["n_samples"])
    _mc_levels(ax, mc, "T", s["N"])
    ax.set(xlabel="T", ylabel="overlap amplitudes (ranked)", title=f"(b) K = 3, d = {d}")
    ax.legend(fontsize=7, loc="upper right")
    mc = mc.transpose("N", "T")
    return xr.Dataset(
        {
            "b_m_theory": labelled(
                ("b_T_theory", "level"), rs, f"(b) ranked amplitudes, RS, d = {d}"
            ),
            **_mc_variables("b", ("N", "b_T", "level"), mc, f"(b) ranked amplitudes, MC, d = {d}"),
        },
        coords={
            "b_T_theory": labelled("b_T_theory", Ts, "temperature, theory"),
            "b_T": labelled("b_T", s["T"], "temperature"),
        },
    )


def panel_c(ax, s: dict) -> xr.Dataset:
    """(c) The lowest RS state in the (d, T) plane."""
    import matplotlib

    n = s["regime_grid"]
    ds, Ts = np.linspace(0.0, 0.95, n), np.linspace(0.0, 0.98, n)
    grid = np.array(
        [[REGIMES.index(MT.states(K, d, T)["equilibrium"].branch) for d in ds] for T in Ts]
    )
    cmap = matplotlib.colors.ListedColormap(["C0", "C1", "C2", "0.85"])
    extent = (0, 0.95, 0, 0.98)
    ax.imshow(grid, origin="lower", extent=extent, aspect="auto", cmap=cmap, vmin=-0.5, vmax=3.5)
    hatches = ("", "//", "..", "--")  # the regimes apart in grey too
    ax.contourf(ds, Ts, grid, levels=np.arange(-0.5, 4), colors="none", hatches=hatches)
    ax.plot([0, 0.95], [1, 0.05], "k--", lw=0.8)
    for k, name in enumerate(REGIMES):
        ax.fill([], [], color=cmap(k), hatch=hatches[k], label=name)
    ax.set(xlabel="dilution d", ylabel="T", title="(c) lowest RS state (K = 3)")
    ax.legend(fontsize=7, loc="upper right")
    regime = labelled(
        ("c_T", "c_d"),
        grid,
        "(c) lowest RS state",
        flag_values=np.arange(len(REGIMES)),
        flag_meanings=" ".join(REGIMES),
    )
    coords = {
        "c_T": labelled("c_T", Ts, "temperature"),
        "c_d": labelled("c_d", ds, "dilution d"),
    }
    return xr.Dataset({"c_regime": regime}, coords=coords)


def panel_d(ax, args, s: dict, d: float = 0.4, r: float = 0.5) -> list[xr.Dataset]:
    """(d) Learned from M examples per pattern: RS (Gaussian limit) and both protocols' MC."""
    Ms = np.geomspace(2, 400, 60)
    rs = np.array([_levels(MT.solve(K, d, 0.0, rho=(1 - r * r) / (M * r * r))) for M in Ms])
    _rs_lines(ax, Ms, rs, log=True)
    N = s["N"][0]
    learned = {}
    for j, protocol in enumerate(("supervised", "unsupervised")):
        fixed = {"K": K, "d": d, "T": 0.0, "N": N, "r": r, "protocol": protocol}
        mc = sweep(
            args,
            f"multitasking.d_{protocol}",
            TASK,
            {"M": s["M"]},
            n_samples=s["n_samples"],
            **fixed,
        )
        for k, (color, _, marker) in enumerate(LEVELS):
            ax.errorbar(
                np.array(s["M"]) * (1 + 0.06 * j),
                mc[f"m{k + 1}"],
                mc[f"error{k + 1}"],
                fmt=marker,
                color=color,
                mfc="none" if j else color,
                ms=4,
                capsize=2,
                label=f"MC {protocol} N={N}" if k == 0 else None,
            )
        learned[protocol] = xr.Dataset(
            _mc_variables(
                "d", ("d_M", "level"), mc, f"(d) ranked archetype overlaps, MC, N = {N}"
            ),
            coords={"d_M": labelled("d_M", s["M"], "examples per pattern M")},
        )
    ax.set(
        xscale="log",
        xlabel="examples per pattern M",
        ylabel="archetype overlaps (ranked)",
        title=f"(d) learned: d = {d}, r = {r}, T = 0",
    )
    ax.legend(fontsize=7, loc="upper left")
    theory = xr.Dataset(
        {
            "d_m_theory": labelled(
                ("d_M_theory", "level"), rs, "(d) ranked archetype overlaps, RS, Gaussian limit"
            )
        },
        coords={"d_M_theory": labelled("d_M_theory", Ms, "examples per pattern M, theory")},
    )
    return [joined(learned, "protocol", "training protocol"), theory]


def panel_e(ax, s: dict, dilutions=(0.2, 0.4)) -> xr.Dataset:
    """(e) Learning thresholds: examples per pattern against their quality r."""
    quality = np.linspace(0.1, 0.9, s["quality"])
    M_c = []
    for k, d in enumerate(dilutions):
        thresholds = (
            ("learned (90%)", "-", MT.rho_c(K, d, 0.0)),
            ("hierarchy kept", "--", MT.rho_parallel(K, d, 0.0)),
        )
        for name, style, rho in thresholds:
            M_c.append((1 - quality**2) / (quality**2 * rho))
            fine = np.linspace(quality[0], quality[-1], 200)  # the closed form, drawn smooth
            ax.plot(
                fine,
                (1 - fine**2) / (fine**2 * rho),
                f"C{k}{style}",
                marker=MARKERS[k],
                markevery=(10 * k, 40),
                ms=4,
                label=f"d = {d}: {name}, rho = {rho:.3f}",
            )
    ax.set(
        yscale="log",
        xlabel="example quality r",
        ylabel="examples per pattern M",
        title="(e) learning thresholds (both protocols), T = 0",
    )
    ax.legend(fontsize=7)
    M_c = labelled(
        ("e_d", "e_threshold", "e_r"),
        np.reshape(M_c, (len(dilutions), 2, -1)),
        "(e) examples per pattern at the learning threshold, T = 0",
    )
    threshold = labelled(
        "e_threshold", ["learned", "hierarchy"], "learned: leading overlap at 90%; hierarchy: kept"
    )
    coords = {
        "e_d": labelled("e_d", list(dilutions), "dilution d"),
        "e_threshold": threshold,
        "e_r": labelled("e_r", quality, "example quality r"),
    }
    return xr.Dataset({"e_M": M_c}, coords=coords)


def panel_f(ax, dilutions=(0.2, 0.5, 0.8)) -> xr.Dataset:
    """(f) Hierarchy levels resolved at finite N: the logarithmic low-storage regime."""
    sizes = np.geomspace(10, 1e8, 60)
    resolved = []
    for k, (d, style) in enumerate(zip(dilutions, ("-", "--", ":"), strict=True)):
        resolved.append([MT.max_levels(int(N), d) for N in sizes])
        ax.step(sizes, resolved[-1], f"C{k}", ls=style, where="post", label=f"d = {d}")
    ax.set(
        xscale="log",
        xlabel="N",
        ylabel="hierarchy levels above the noise",
        title="(f) K ~ log N: last level 3 sd above a random overlap",
    )
    ax.legend(fontsize=7)
    levels = labelled(("f_d", "f_N"), resolved, "(f) hierarchy levels above the noise")
    coords = {
        "f_d": labelled("f_d", list(dilutions), "dilution d"),
        "f_N": labelled("f_N", sizes, "number of neurons"),
    }
    return xr.Dataset({"f_levels": levels}, coords=coords)


def panels_g_h(axes, args, s: dict, dilutions=(0.0, 0.1, 0.2)) -> xr.Dataset:
    """(g, h) Beyond low storage: the pure state with alpha N further diluted patterns."""
    N = s["N"][-1]
    loads = np.linspace(0.0, 0.16, s["alpha_theory"])
    pure = {}
    for ax, T, panel in zip(axes, (0.0, 0.1), "gh", strict=True):
        by_d = {}
        for j, (d, marker) in enumerate(zip(dilutions, "os^", strict=True)):
            rs = np.array([_pure(d, T, a) for a in loads])
            rs_drawn = np.where(rs > 1e-3, rs, np.nan)
            ax.plot(loads, rs_drawn, **series(j), label=f"RS d = {d}")
            fixed = {"K": 1, "d": d, "T": T, "N": N, "n_samples": max(2, s["n_samples"] // 4)}
            mc = sweep(args, f"multitasking.{panel}_d{d}", TASK, {"alpha": s["alpha"]}, **fixed)
            label = f"MC N={N}, d = {d}"
            ax.errorbar(
                s["alpha"],
                mc["m1"],
                mc["error1"],
                fmt=marker,
                color=f"C{j}",
                ms=4,
                capsize=2,
                label=label,
            )
            by_d[d] = xr.Dataset(
                {
                    "gh_m1_theory": labelled(
                        "gh_alpha_theory", rs, "(g, h) pure-state overlap, RS"
                    ),
                    "gh_mc_m1": labelled(
                        "gh_alpha", mc["m1"], f"(g, h) pure-state overlap, MC, N = {N}"
                    ),
                    "gh_mc_m1_err": labelled(
                        "gh_alpha", mc["error1"], "standard error of gh_mc_m1"
                    ),
                },
                coords={"gh_alpha": labelled("gh_alpha", s["alpha"], "load (stored - cued) / N")},
            )
        ax.set(
            xlabel=r"$\alpha$ = (stored - cued) / N",
            ylabel="pure-state overlap $m_1$",
            title=f"({panel}) beyond low storage, T = {T}",
        )
        ax.legend(fontsize=7, loc="best")
        pure[T] = joined(by_d, "gh_d", "dilution d")
    theory_loads = labelled("gh_alpha_theory", loads, "load (stored - cued) / N, theory")
    return joined(pure, "gh_T", "temperature").assign_coords(gh_alpha_theory=theory_loads)


def draw(args) -> tuple:
    """Panels (a)-(h), in reading order, and the run record."""
    s = _settings(args.quick)
    fig, axes = subplots(2, 4, figsize=(20, 8.5))  # panels (a)-(h) in reading order
    data_a, points = panel_a(axes[0, 0], args, s)
    panels = [
        data_a,
        panel_b(axes[0, 1], args, s),
        panel_c(axes[0, 2], s),
        *panel_d(axes[0, 3], args, s),
        panel_e(axes[1, 0], s),
        panel_f(axes[1, 1]),
        panels_g_h(axes[1, 2:], args, s),
    ]
    fig.tight_layout()
    data = xr.merge(panels).assign_coords(
        N=labelled("N", s["N"], "number of neurons"),
        level=labelled("level", np.arange(1, K + 1), "rank of the amplitude"),
    )
    meta = {"sizes": s["N"], "n_samples": s["n_samples"], "points": points}
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("multitasking", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
