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
import time

import numpy as np
import xarray as xr

from hebbian.figures._output import joined, labelled, parse_args, sweep, write_outputs
from hebbian.theory import multitask as MT

K = 3
TASK = "hebbian.mc.multitask:amplitudes"
REGIMES = ("hierarchical", "pure", "parallel", "paramagnet")


def _levels(s) -> list[float]:
    return sorted((s[f"m{k + 1}"] for k in range(K)), reverse=True)


def _pure(d: float, T: float, alpha: float) -> float:
    """RS pure-state overlap with ``alpha N`` further patterns (``nan`` if not converged)."""
    s = MT.solve(1, d, T, alpha=alpha, start="pure")
    return s["m1"] if s.success else math.nan


def _mc_levels(ax, points, axis: str, markers: str = "osD") -> None:
    for j, N in enumerate(points["N"].values):
        for k in range(K):
            ax.errorbar(points[axis].values, points[f"m{k + 1}"].sel(N=N).values,
                        points[f"error{k + 1}"].sel(N=N).values, fmt=markers[j % 3],
                        color=f"C{k}", mfc="none" if j else None, ms=4, capsize=2,
                        label=f"MC N={N}" if k == 0 else None)  # fmt: skip


def _ranked(points, output: str) -> np.ndarray:
    """A sweep's outputs ``<output>1`` ... ``<output>K`` stacked along a last axis, the level."""
    return np.stack([points[f"{output}{k + 1}"].values for k in range(K)], axis=-1)


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    quick = args.quick
    Ns = [1000, 2000] if quick else [2000, 8000]
    n_samples = 3 if quick else 16

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 4, figsize=(20, 8.5))
    panels, points = [], []  # one Dataset per panel, dims and variables named after it

    # (a) T = 0 amplitudes vs dilution
    ax = axes[0, 0]
    ds = np.linspace(0.0, 0.95, 60)
    rs = np.array([_levels(MT.solve(K, d, 0.0)) for d in ds])
    closed = np.array([MT.hierarchical_amplitudes(K, d) for d in ds])
    for k in range(K):
        ax.plot(ds, rs[:, k], f"C{k}-", label=f"RS level {k + 1}")
        ax.plot(ds, closed[:, k], f"C{k}--", lw=0.8)
    ax.plot([], [], "k--", lw=0.8, label="signal-to-noise $(1-d)d^{k-1}$")
    ax.axvline((math.sqrt(5) - 1) / 2, color="gray", ls=":", lw=0.8)
    grid_d = [0.2, 0.5, 0.8] if quick else [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    mc = sweep(args, "multitasking.a", TASK, {"N": Ns, "d": grid_d}, K=K, T=0.0,
               n_samples=n_samples)  # fmt: skip
    _mc_levels(ax, mc, "d")
    for d in grid_d:
        theory = _levels(MT.solve(K, d, 0.0))
        for k in range(K):
            m, e = (float(mc[v].sel(N=Ns[-1], d=d)) for v in (f"m{k + 1}", f"error{k + 1}"))
            points.append({"panel": "a", "d": d, "T": 0.0, "level": k + 1, "N": Ns[-1],
                           "m": m, "error": e, "m_theory": theory[k],
                           "n_sigma": (m - theory[k]) / e})  # fmt: skip
    ax.set(xlabel="dilution d", ylabel="overlap amplitudes (ranked)", title="(a) K = 3, T = 0")
    ax.legend(fontsize=7)
    mc = mc.transpose("N", "d")
    panels.append(xr.Dataset(
        {"a_m_theory": labelled(("a_d_theory", "level"), rs, "(a) ranked amplitudes, RS, T = 0"),
         "a_m_closed": labelled(("a_d_theory", "level"), closed,
                                "(a) amplitudes (1-d) d^(k-1), signal-to-noise"),
         "a_mc_m": labelled(("N", "a_d", "level"), _ranked(mc, "m"),
                            "(a) ranked amplitudes, MC, T = 0"),
         "a_mc_m_err": labelled(("N", "a_d", "level"), _ranked(mc, "error"),
                                "standard error of a_mc_m")},
        coords={"a_d_theory": labelled("a_d_theory", ds, "dilution d, theory"),
                "a_d": labelled("a_d", grid_d, "dilution d")},
    ))  # fmt: skip

    # (b) amplitudes vs temperature at d = 0.5
    ax = axes[0, 1]
    d = 0.5
    Ts = np.linspace(0.0, 0.55, 56)
    rs = np.array([_levels(MT.solve(K, d, T)) for T in Ts])
    for k in range(K):
        ax.plot(Ts, rs[:, k], f"C{k}-", label=f"RS level {k + 1}")
    grid_T = [0.05, 0.15, 0.3] if quick else [0.03, 0.06, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5]
    mc = sweep(args, "multitasking.b", TASK, {"N": Ns, "T": grid_T}, K=K, d=d,
               n_samples=n_samples)  # fmt: skip
    _mc_levels(ax, mc, "T")
    ax.set(xlabel="T", ylabel="overlap amplitudes (ranked)", title=f"(b) K = 3, d = {d}")
    ax.legend(fontsize=7)
    mc = mc.transpose("N", "T")
    panels.append(xr.Dataset(
        {"b_m_theory": labelled(("b_T_theory", "level"), rs,
                                f"(b) ranked amplitudes, RS, d = {d}"),
         "b_mc_m": labelled(("N", "b_T", "level"), _ranked(mc, "m"),
                            f"(b) ranked amplitudes, MC, d = {d}"),
         "b_mc_m_err": labelled(("N", "b_T", "level"), _ranked(mc, "error"),
                                "standard error of b_mc_m")},
        coords={"b_T_theory": labelled("b_T_theory", Ts, "temperature, theory"),
                "b_T": labelled("b_T", grid_T, "temperature")},
    ))  # fmt: skip

    # (c) regimes in (d, T)
    ax = axes[0, 2]
    n = 12 if quick else 40
    ds, Ts = np.linspace(0.0, 0.95, n), np.linspace(0.0, 0.98, n)
    grid = np.array([[REGIMES.index(MT.states(K, dd, T)["equilibrium"].branch) for dd in ds]
                     for T in Ts])  # fmt: skip
    cmap = matplotlib.colors.ListedColormap(["C0", "C1", "C2", "0.85"])
    ax.imshow(grid, origin="lower", extent=(0, 0.95, 0, 0.98), aspect="auto", cmap=cmap,
              vmin=-0.5, vmax=3.5, interpolation="nearest")  # fmt: skip
    ax.plot([0, 0.95], [1, 0.05], "k--", lw=0.8)
    for k, name in enumerate(REGIMES):
        ax.plot([], [], "s", color=cmap(k), label=name)
    ax.set(xlabel="dilution d", ylabel="T", title="(c) lowest RS state (K = 3)")
    ax.legend(fontsize=7, loc="upper right")
    panels.append(xr.Dataset(
        {"c_regime": labelled(("c_T", "c_d"), grid, "(c) lowest RS state",
                              flag_values=np.arange(len(REGIMES)),
                              flag_meanings=" ".join(REGIMES))},
        coords={"c_T": labelled("c_T", Ts, "temperature"),
                "c_d": labelled("c_d", ds, "dilution d")},
    ))  # fmt: skip

    # (d) learning from examples: amplitudes vs M
    ax = axes[1, 0]
    d, r = 0.4, 0.5
    Ms = np.geomspace(2, 400, 40)
    rs = np.array([_levels(MT.solve(K, d, 0.0, rho=(1 - r * r) / (M * r * r))) for M in Ms])
    for k in range(K):
        ax.plot(Ms, rs[:, k], f"C{k}-", label=f"RS level {k + 1}")
    grid_M = [5, 20, 80] if quick else [5, 10, 20, 40, 80, 160]
    N_d = Ns[0]
    learned = {}
    for j, protocol in enumerate(("supervised", "unsupervised")):
        mc = sweep(args, f"multitasking.d_{protocol}", TASK, {"M": grid_M}, K=K, d=d, T=0.0,
                   N=N_d, r=r, protocol=protocol, n_samples=n_samples)  # fmt: skip
        for k in range(K):
            shifted = np.array(grid_M) * (1 + 0.06 * j)
            ax.errorbar(shifted, mc[f"m{k + 1}"], mc[f"error{k + 1}"],
                        fmt="os"[j], mfc="none" if j else None, color=f"C{k}", ms=4, capsize=2,
                        label=f"MC {protocol} N={N_d}" if k == 0 else None)  # fmt: skip
        learned[protocol] = xr.Dataset(
            {"d_mc_m": labelled(("d_M", "level"), _ranked(mc, "m"),
                                f"(d) ranked archetype overlaps, MC, N = {N_d}"),
             "d_mc_m_err": labelled(("d_M", "level"), _ranked(mc, "error"),
                                    "standard error of d_mc_m")},
            coords={"d_M": labelled("d_M", grid_M, "examples per pattern M")},
        )  # fmt: skip
    ax.set(xscale="log", xlabel="examples per pattern M", ylabel="archetype overlaps (ranked)",
           title=f"(d) learned: d = {d}, r = {r}, T = 0")  # fmt: skip
    ax.legend(fontsize=7)
    panels.append(joined(learned, "protocol", "training protocol"))
    panels.append(xr.Dataset(
        {"d_m_theory": labelled(("d_M_theory", "level"), rs,
                                "(d) ranked archetype overlaps, RS, Gaussian limit")},
        coords={"d_M_theory": labelled("d_M_theory", Ms, "examples per pattern M, theory")},
    ))  # fmt: skip

    # (e) learning thresholds vs quality
    ax = axes[1, 1]
    quality = np.linspace(0.1, 0.9, 9 if quick else 33)
    e_ds, M_cs = (0.2, 0.4), []
    for k, d in enumerate(e_ds):
        thresholds = (("learned (90%)", "-", MT.rho_c(K, d, 0.0)),
                      ("hierarchy kept", "--", MT.rho_parallel(K, d, 0.0)))  # fmt: skip
        for name, style, rho in thresholds:
            M_c = (1 - quality**2) / (quality**2 * rho)
            ax.plot(quality, M_c, f"C{k}{style}", label=f"d = {d}: {name}, rho = {rho:.3f}")
            M_cs.append(M_c)
    ax.set(yscale="log", xlabel="example quality r", ylabel="examples per pattern M",
           title="(e) learning thresholds (both protocols), T = 0")  # fmt: skip
    ax.legend(fontsize=7)
    panels.append(xr.Dataset(
        {"e_M": labelled(("e_d", "e_threshold", "e_r"), np.reshape(M_cs, (2, 2, -1)),
                         "(e) examples per pattern at the learning threshold, T = 0")},
        coords={"e_d": labelled("e_d", e_ds, "dilution d"),
                "e_threshold": labelled("e_threshold", ["learned", "hierarchy"],
                                        "learned: leading overlap at 90%; hierarchy: kept"),
                "e_r": labelled("e_r", quality, "example quality r")},
    ))  # fmt: skip

    # (f) levels resolved at finite N: the logarithmic low-storage regime
    ax = axes[1, 2]
    sizes = np.geomspace(10, 1e8, 60)
    f_ds, resolved = (0.2, 0.5, 0.8), []
    for k, d in enumerate(f_ds):
        levels = [MT.max_levels(int(N), d) for N in sizes]
        ax.step(sizes, levels, f"C{k}-", where="post", label=f"d = {d}")
        resolved.append(levels)
    ax.set(xscale="log", xlabel="N", ylabel="hierarchy levels above the noise",
           title="(f) K ~ log N: last level 3 sd above a random overlap")  # fmt: skip
    ax.legend(fontsize=7)
    panels.append(xr.Dataset(
        {"f_levels": labelled(("f_d", "f_N"), resolved, "(f) hierarchy levels above the noise")},
        coords={"f_d": labelled("f_d", f_ds, "dilution d"),
                "f_N": labelled("f_N", sizes, "number of neurons")},
    ))  # fmt: skip

    # (g, h) beyond low storage: the pure state with alpha N further diluted patterns
    N_g = Ns[-1]
    loads = np.linspace(0.0, 0.16, 17 if quick else 49)
    grid_a = [0.02, 0.06] if quick else [0.01, 0.03, 0.05, 0.07, 0.09, 0.12]
    pure = {0.0: {}, 0.1: {}}  # T -> d -> Dataset
    for ax, T, panel in ((axes[0, 3], 0.0, "g"), (axes[1, 3], 0.1, "h")):
        for j, d in enumerate((0.0, 0.1, 0.2)):
            rs = np.array([_pure(d, T, a) for a in loads])
            ax.plot(loads, np.where(rs > 1e-3, rs, np.nan), f"C{j}-", label=f"RS d = {d}")
            mc = sweep(args, f"multitasking.{panel}_d{d}", TASK, {"alpha": grid_a}, K=1, d=d,
                       T=T, N=N_g, n_samples=max(2, n_samples // 4))  # fmt: skip
            ax.errorbar(grid_a, mc["m1"], mc["error1"], fmt="o", color=f"C{j}", ms=4,
                        capsize=2, label=f"MC N={N_g}" if j == 0 else None)  # fmt: skip
            pure[T][d] = xr.Dataset(
                {"gh_m1_theory": labelled("gh_alpha_theory", rs, "(g, h) pure-state overlap, RS"),
                 "gh_mc_m1": labelled("gh_alpha", mc["m1"],
                                      f"(g, h) pure-state overlap, MC, N = {N_g}"),
                 "gh_mc_m1_err": labelled("gh_alpha", mc["error1"], "standard error of gh_mc_m1")},
                coords={"gh_alpha": labelled("gh_alpha", grid_a,
                                             "load (stored - cued) / N")},
            )  # fmt: skip
        ax.set(xlabel=r"$\alpha$ = (stored - cued) / N", ylabel="pure-state overlap $m_1$",
               title=f"({panel}) beyond low storage, T = {T}")  # fmt: skip
        ax.legend(fontsize=7)
    gh = {T: joined(by_d, "gh_d", "dilution d") for T, by_d in pure.items()}
    panels.append(joined(gh, "gh_T", "temperature").assign_coords(
        gh_alpha_theory=labelled("gh_alpha_theory", loads, "load (stored - cued) / N, theory")
    ))  # fmt: skip

    fig.tight_layout()
    data = xr.merge(panels).assign_coords(
        N=labelled("N", Ns, "number of neurons"),
        level=labelled("level", np.arange(1, K + 1), "rank of the amplitude"),
    )
    meta = {"sizes": Ns, "n_samples": n_samples, "points": points}
    return write_outputs(fig, data, meta, args, "multitasking", started)


if __name__ == "__main__":
    main()
