"""Dense networks learning from examples: archetype overlap vs M, r, load; critical data; regimes.

(a) Low load, P = 3, T = 0.1, r = 0.4: the archetype overlap m against the
examples per class M, RS (:func:`hebbian.theory.learning.solve`, exact binomial
example means; dashed: their Gaussian limit) with Monte Carlo of the
supervised network started on the (never shown) archetype at two N and its
N -> infinity extrapolation, and of the unsupervised network at the largest
N: at low load both protocols share the archetype state, but with few examples
the unsupervised network also stores each example as an attractor (dash-dot:
:func:`hebbian.theory.learning.solve_example`, overlap ~ r with the archetype) and
its Monte Carlo falls into one.  (b) The same against
the quality r at P = 2, T = 0.2, M = 9.  (c) High load, P = 2, T = 0.1,
r = 0.3, M = 60: m against alpha = K/N for both protocols; the unsupervised
network stores K M examples and carries 2.2 times the cross-talk.
(d) Critical load alpha_c(rho)/alpha_c(0) at T = 0, supervised, Gaussian
limit, for P = 2, 3, 4 (at T = 0 only xi'(1) enters, so the networks' self-interactions
rescale alpha_c(0), not the ratio): ultra-storage, K ~ N^(P-1) archetypes
learned from examples.  (e) Critical data-set size M_c(alpha) at T = 0,
r = 0.5 (the fewest examples with a retrieval state within m >= 0.9 of the
archetype), supervised vs unsupervised, against the one-step
signal-to-noise estimate erf(SNR/sqrt 2) = 0.9 (right for P = 3, too
optimistic for P = 2, where the AGS reaction of the other patterns adds to
the noise).  The unsupervised P = 3 network cannot learn beyond alpha ~
0.005 here: its stored examples' self-interactions (all index tuples, as the
Monte Carlo networks) add a random field 1/r^4 times the supervised one.  (f) Signal-to-noise ratio
against the number of archetypes K at N = 1000 for poor examples (r = 0.2,
M = 100, rho = 0.24): data-limited (ultra-detection) up to K ~ N^(P-1).
(g) The retrieval region of the supervised P = 3 network in (alpha, T),
below T_M(alpha), for data-set entropies rho = 0 (the storage model with
self-interactions), 0.1, 0.3, 1 (Gaussian limit).  (h) Low load: T_M against
rho; for P = 2 the state vanishes continuously at T = 1 whatever rho (the
normalization gives E y^2 = 1), for P = 3, 4 it disappears discontinuously at
a T_M that falls with rho.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.special import erf, erfinv

from hebbian.figures._extrapolated import deviation_note, plot_extrapolated
from hebbian.figures._output import joined, labelled, run_figure, series, smooth, subplots, sweep
from hebbian.theory import learning as L
from hebbian.theory.fixed_point import bisect

TASK = "hebbian.mc.learning:archetype_overlap"
M_MIN = 0.9


def _theory_line(ax, xs, m_of_x, style, label):
    values = np.array([m_of_x(x) for x in xs])
    ax.plot(xs, values, style, label=label)
    return values


def _m(s) -> float:
    return s["m"] if s.success else math.nan


def _settings(quick: bool) -> dict:
    """Sizes, samples and grids; quick mode is a smoke run."""
    if quick:
        return {
            "n_samples": 3,
            "N": [300, 600],
            "a_M": [3, 7, 15, 31],
            "b_r": [0.2, 0.4, 0.6],
            "c_N": 400,
            "c_alpha": [0.01, 0.025],
            "d_rho": 8,
            "e_alpha": 4,
            "g_alpha": 4,
            "h_rho": 4,
            "T_M_tol": 1e-3,
        }
    return {
        "n_samples": 16,
        "N": [400, 800, 1600],
        "a_M": [3, 5, 7, 11, 15, 21, 31, 45],
        "b_r": [0.15, 0.25, 0.35, 0.45, 0.6, 0.8],
        "c_N": 1200,
        "c_alpha": [0.005, 0.015, 0.025, 0.03, 0.035, 0.04],
        "d_rho": 25,
        "e_alpha": 12,
        "g_alpha": 14,
        "h_rho": 20,
        "T_M_tol": 1e-6,
    }


def panel_a(ax, args, s: dict, points: list) -> xr.Dataset:
    """(a) m against M at low load, P = 3: RS, both protocols' Monte Carlo, the example state."""
    P, T, r = 3, 0.1, 0.4
    Ns, Ms = s["N"], s["a_M"]
    line = np.arange(2, 61)
    m_line = _theory_line(  # exact binomial means: defined at whole M only
        ax, line, lambda M: _m(L.solve(P, 0, T, r, int(M))), "k.-", "RS (at each whole M)"
    )
    m_gauss = _theory_line(
        ax, line, lambda M: _m(L.solve(P, 0, T, r, M, limit="gaussian")), "k--", "RS, Gaussian"
    )
    example = [L.solve_example(P, 0, T, r, int(M)) for M in line]
    m_example = [e["m"] if e.branch == "example" else math.nan for e in example]
    ax.plot(line, m_example, "C3-.", label="RS example state (unsupervised)")
    common = {"P": P, "alpha": 0.0, "K": 3, "T": T, "r": r, "n_samples": s["n_samples"]}
    mc = sweep(args, "learning.a", TASK, {"N": Ns, "M": Ms}, **common)
    theory = lambda M: L.solve(P, 0, T, r, int(M))["m"]  # noqa: E731
    records = plot_extrapolated(ax, mc, "M", theory)
    note = deviation_note(records, "M")
    for record in records:
        points.append({"panel": "a", "protocol": "supervised", "M": record.pop("x"), **record})
    unsup = sweep(
        args, "learning.a_unsup", TASK, {"M": Ms}, N=Ns[-1], protocol="unsupervised", **common
    )
    ax.errorbar(
        Ms,
        unsup["m"],
        unsup["error"],
        fmt="s",
        mfc="none",
        color="C3",
        ms=5,
        label=f"MC unsupervised N={Ns[-1]}",
    )
    ax.axhline(r, color="gray", ls=":", lw=0.8, label="one example (m = r)")
    ax.set(
        xlabel="examples per class M",
        ylabel="archetype overlap m",
        title=f"(a) P = {P}, T = {T}, r = {r}, low load",
    )
    ax.legend(fontsize=7, loc="center right", title=note, title_fontsize=7)
    mc = mc.transpose("N", "M")
    return xr.Dataset(
        {
            "a_m_theory": labelled("a_M_theory", m_line, "(a) archetype overlap, RS"),
            "a_m_theory_gauss": labelled(
                "a_M_theory", m_gauss, "(a) archetype overlap, RS, Gaussian limit"
            ),
            "a_m_example": labelled(
                "a_M_theory",
                m_example,
                "(a) archetype overlap of the RS example state (unsupervised)",
            ),
            "a_mc_m": labelled(("N", "a_M"), mc["m"], "(a) archetype overlap, MC supervised"),
            "a_mc_m_err": labelled(("N", "a_M"), mc["error"], "standard error of a_mc_m"),
            "a_unsup_m": labelled("a_M", unsup["m"], "(a) archetype overlap, MC unsupervised"),
            "a_unsup_m_err": labelled("a_M", unsup["error"], "standard error of a_unsup_m"),
        },
        coords={
            "a_M_theory": labelled("a_M_theory", line, "examples per class M, theory"),
            "a_M": labelled("a_M", Ms, "examples per class M"),
            "N": labelled("N", Ns, "number of neurons"),
        },
    )


def panel_b(ax, args, s: dict, points: list) -> xr.Dataset:
    """(b) m against the example quality r at low load, P = 2."""
    P, T, M = 2, 0.2, 9
    line = np.linspace(0.05, 1.0, 60)
    m_line = _theory_line(ax, line, lambda r: _m(L.solve(P, 0, T, r, M)), "k-", "RS")
    rs = s["b_r"]
    fixed = {"P": P, "alpha": 0.0, "K": 3, "T": T, "M": M, "n_samples": s["n_samples"]}
    mc = sweep(args, "learning.b", TASK, {"N": s["N"], "r": rs}, **fixed)
    theory = lambda r: L.solve(P, 0, T, r, M)["m"]  # noqa: E731
    records = plot_extrapolated(ax, mc, "r", theory)
    note = deviation_note(records, "r")
    for record in records:
        points.append({"panel": "b", "protocol": "supervised", "r": record.pop("x"), **record})
    ax.plot(line, line, color="gray", ls=":", lw=0.8, label="one example (m = r)")
    ax.set(
        xlabel="example quality r",
        ylabel="archetype overlap m",
        ylim=(0.0, 1.05),
        title=f"(b) P = {P}, T = {T}, M = {M}, low load",
    )
    ax.legend(fontsize=7, loc="lower right", title=note, title_fontsize=7)
    mc = mc.transpose("N", "r")
    return xr.Dataset(
        {
            "b_m_theory": labelled("b_r_theory", m_line, "(b) archetype overlap, RS"),
            "b_mc_m": labelled(("N", "b_r"), mc["m"], "(b) archetype overlap, MC supervised"),
            "b_mc_m_err": labelled(("N", "b_r"), mc["error"], "standard error of b_mc_m"),
        },
        coords={
            "b_r_theory": labelled("b_r_theory", line, "example quality r, theory"),
            "b_r": labelled("b_r", rs, "example quality r"),
        },
    )


def panel_c(ax, args, s: dict, points: list) -> xr.Dataset:
    """(c) High load, P = 2: m against alpha, supervised and unsupervised."""
    P, T, r, M = 2, 0.1, 0.3, 60
    N_c, alphas = s["c_N"], s["c_alpha"]
    high = {}
    for k, protocol in enumerate(L.PROTOCOLS):
        a_c = L.alpha_c(P, T, r, M, protocol=protocol).value
        line = np.linspace(0.0, a_c, 40)
        m_line = np.array([_m(L.solve(P, a, T, r, M, protocol=protocol)) for a in line])
        label = f"RS {protocol}, $\\alpha_c$ = {a_c:.4f}"
        ax.plot(*smooth(line, m_line), **series(k), label=label)
        fixed = {"P": P, "T": T, "N": N_c, "r": r, "M": M, "protocol": protocol}
        mc = sweep(
            args,
            f"learning.c_{protocol}",
            TASK,
            {"alpha": alphas},
            n_samples=s["n_samples"],
            **fixed,
        )
        ax.errorbar(
            alphas,
            mc["m"],
            mc["error"],
            fmt="os"[k],
            color=f"C{k}",
            mfc="none",
            ms=5,
            label=f"MC {protocol} N={N_c}",
        )
        for a, m, e, kept in zip(
            alphas, mc["m"].values, mc["error"].values, mc["retained"].values, strict=True
        ):
            m_theory = L.solve(P, a, T, r, M, protocol=protocol)
            points.append(
                {
                    "panel": "c",
                    "protocol": protocol,
                    "alpha": a,
                    "N": N_c,
                    "m": float(m),
                    "error": float(e),
                    "retained": float(kept),
                    "m_theory": _m(m_theory),
                }
            )
        high[protocol] = xr.Dataset(
            {
                "c_m_theory": labelled("c_alpha_theory", m_line, "(c) archetype overlap, RS"),
                "c_mc_m": labelled("c_alpha", mc["m"], "(c) archetype overlap, MC"),
                "c_mc_m_err": labelled("c_alpha", mc["error"], "standard error of c_mc_m"),
            },
            coords={
                "c_alpha_theory": labelled("c_alpha_theory", line, "load K/N, theory"),
                "c_alpha": labelled("c_alpha", alphas, "load K/N"),
            },
        )
    ax.set(
        xlabel=r"$\alpha = K/N$",
        ylabel="archetype overlap m",
        ylim=(0.6, 1.01),
        title=f"(c) P = {P}, T = {T}, r = {r}, M = {M}: high load",
    )
    ax.legend(fontsize=7, loc="lower left")
    return joined(high, "protocol", "training protocol")


def panel_d(ax, s: dict, r: float = 0.5) -> xr.Dataset:
    """(d) Critical load against the data-set entropy at T = 0, supervised, Gaussian limit."""
    rhos = np.geomspace(0.01, 2.0, s["d_rho"])
    ratio, alpha_c0 = [], []
    for k, P in enumerate((2, 3, 4)):
        base = L.alpha_c(P, 0.0, r, math.inf).value
        curve = [
            L.alpha_c(P, 0.0, r, (1 - r * r) / (rho * r * r), limit="gaussian").value / base
            for rho in rhos
        ]
        x, y = smooth(np.log(rhos), curve)
        ax.plot(np.exp(x), y, **series(k), label=f"P = {P}, $\\alpha_c(0)$ = {base:.4f}")
        ratio.append(curve)
        alpha_c0.append(base)
    ax.set(
        xscale="log",
        xlabel=r"data-set entropy $\rho = (1-r^2)/(M r^2)$",
        ylabel=r"$\alpha_c(\rho) / \alpha_c(0)$",
        title="(d) critical load, T = 0, supervised",
    )
    ax.legend(fontsize=7, loc="lower left")
    return xr.Dataset(
        {
            "d_alpha_c_ratio": labelled(
                ("P", "d_rho"), ratio, "(d) critical load alpha_c(rho)/alpha_c(0), T = 0"
            ),
            "d_alpha_c0": labelled("P", alpha_c0, "(d) critical load without data noise, T = 0"),
        },
        coords={"d_rho": labelled("d_rho", rhos, "data-set entropy rho")},
    )


def panel_e(ax, s: dict, theta: float, r: float = 0.5) -> xr.Dataset:
    """(e) Critical data-set size against the load at T = 0, both protocols and signal-to-noise."""
    thresholds = {}
    for k, P in enumerate((2, 3)):
        a_max = L.alpha_c(P, 0.0, 1.0, 1).value
        loads = a_max * np.linspace(0.05, 0.9, s["e_alpha"])
        M_c = {}
        for protocol, style in (("supervised", "-"), ("unsupervised", "--")):
            M_c[protocol] = [
                L.examples_c(P, a, 0.0, r, m_min=M_MIN, protocol=protocol) for a in loads
            ]
            marker = "os"[k] if protocol == "supervised" else "^v"[k]
            ax.plot(
                loads,
                M_c[protocol],
                f"C{k}{marker}{style}",
                ms=3,
                label=f"P = {P} {protocol}",
            )
        snr = [_snr_examples(P, a, r, theta) for a in loads]
        dots = ((0, (1, 1)), (0, (3, 1, 1, 1, 1, 1)))[k]
        ax.plot(loads, snr, color=f"C{k}", ls=dots, label=f"P = {P} signal-to-noise")
        thresholds[P] = xr.Dataset(
            {
                "e_M_c": labelled(
                    ("protocol", "e_alpha"),
                    list(M_c.values()),
                    f"(e) critical examples per class for m >= {M_MIN}, T = 0",
                ),
                "e_M_snr": labelled(
                    "e_alpha", snr, "(e) critical examples per class, signal-to-noise estimate"
                ),
            },
            coords={
                "protocol": labelled("protocol", list(M_c), "training protocol"),
                "e_alpha": labelled("e_alpha", loads, "load K/N^(P-1)"),
            },
        )
    ax.set(
        yscale="log",
        xlabel=r"$\alpha = K/N^{P-1}$",
        ylabel="critical examples per class",
        title=f"(e) learning threshold m >= {M_MIN}, r = {r}, T = 0",
    )
    ax.legend(fontsize=7, loc="upper left")
    return joined(thresholds, "e_P", "interaction order P, panel (e)")


def panel_f(ax, theta: float, N: int = 1000, r: float = 0.2, M: int = 100) -> xr.Dataset:
    """(f) Signal-to-noise ratio against the number of archetypes: ultra-detection."""
    Ks = np.geomspace(1, 1e8, 200)
    snrs = []
    for k, P in enumerate((2, 3, 4)):
        snr = [L.signal_to_noise(P, K, N, r, M) for K in Ks]
        ax.plot(Ks, snr, **series(k), label=f"P = {P}")
        snrs.append(snr)
    ax.axhline(theta, color="k", ls=":", lw=0.8, label=f"erf(SNR/$\\sqrt{{2}}$) = {M_MIN}")
    ax.axhline(
        1 / math.sqrt((1 - r * r) / (M * r * r)),
        color="gray",
        ls="--",
        lw=0.8,
        label=r"data limit $\rho^{-1/2}$",
    )
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="archetypes K",
        ylabel="signal-to-noise",
        title=f"(f) N = {N}, r = {r}, M = {M}: ultra-detection",
    )
    ax.legend(fontsize=7, loc="lower left")
    return xr.Dataset(
        {"f_snr": labelled(("P", "f_K"), snrs, f"(f) signal-to-noise ratio, N = {N}")},
        coords={"f_K": labelled("f_K", Ks, "number of archetypes K")},
    )


def panel_g(ax, s: dict, P: int = 3, r: float = 0.5) -> xr.Dataset:
    """(g) The supervised P = 3 network's retrieval region in (alpha, T), per data-set entropy."""
    top = L.alpha_c(P, 0.0, r, math.inf).value
    loads = top * np.linspace(0.0, 0.98, s["g_alpha"])
    g_rhos, lines = (0.0, 0.1, 0.3, 1.0), []
    for k, rho in enumerate(g_rhos):
        M = math.inf if rho == 0 else (1 - r * r) / (rho * r * r)
        # T_M = 0: no retrieval state even at T = 0
        T_M = [L.T_M(P, a, r, M, limit="gaussian", tol=s["T_M_tol"]) or math.nan for a in loads]
        ax.plot(*smooth(loads, T_M), **series(k), label=rf"$\rho$ = {rho:g}")
        lines.append(T_M)
    ax.set(
        xlabel=r"$\alpha = K/N^{2}$",
        ylabel="$T_M$ (retrieval below)",
        ylim=(0, None),
        title=f"(g) P = {P}, supervised: retrieval region",
    )
    ax.legend(fontsize=7, loc="lower left")
    return xr.Dataset(
        {
            "g_T_M": labelled(
                ("g_rho", "g_alpha"),
                lines,
                f"(g) highest temperature of the retrieval state, P = {P}",
            )
        },
        coords={
            "g_rho": labelled("g_rho", g_rhos, "data-set entropy rho"),
            "g_alpha": labelled("g_alpha", loads, "load K/N^2"),
        },
    )


def panel_h(ax, s: dict, r: float = 0.5) -> xr.Dataset:
    """(h) Low load: the highest temperature of the retrieval state against rho."""
    rhos = np.geomspace(0.01, 3.0, s["h_rho"])
    lines = []
    for k, P in enumerate((2, 3, 4)):
        T_M = [
            L.T_M(P, 0.0, r, (1 - r * r) / (rho * r * r), limit="gaussian", tol=s["T_M_tol"])
            for rho in rhos
        ]
        x, y = smooth(np.log(rhos), T_M)
        ax.plot(np.exp(x), y, **series(k), label=f"P = {P}")
        lines.append(T_M)
    ax.set(
        xscale="log",
        xlabel=r"$\rho$",
        ylabel="$T_M$",
        ylim=(0, 1.1),
        title="(h) low load: retrieval below $T_M(\\rho)$",
    )
    ax.legend(fontsize=7, loc="center right")
    return xr.Dataset(
        {
            "h_T_M": labelled(
                ("P", "h_rho"),
                lines,
                "(h) highest temperature of the retrieval state, low load",
            )
        },
        coords={"h_rho": labelled("h_rho", rhos, "data-set entropy rho")},
    )


def draw(args) -> tuple:
    """The eight panels, (a)-(h) in reading order, and the run record."""
    s = _settings(args.quick)
    theta = math.sqrt(2) * erfinv(M_MIN)
    fig, axes = subplots(2, 4, figsize=(20, 8.5))
    axes = axes.ravel()
    points: list[dict] = []
    panels = [
        panel_a(axes[0], args, s, points),
        panel_b(axes[1], args, s, points),
        panel_c(axes[2], args, s, points),
        panel_d(axes[3], s),
        panel_e(axes[4], s, theta),
        panel_f(axes[5], theta),
        panel_g(axes[6], s),
        panel_h(axes[7], s),
    ]
    fig.tight_layout()
    data = xr.merge(panels).assign_coords(P=labelled("P", [2, 3, 4], "interaction order P"))
    meta = {
        "sizes": s["N"],
        "n_samples": s["n_samples"],
        "points": points,
        "check_erf": float(erf(theta / math.sqrt(2))),
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("learning", __doc__.splitlines()[0], argv, draw)


def _snr_examples(P: int, alpha: float, r: float, theta: float) -> float:
    """Fewest examples (real) with supervised SNR >= theta at load alpha (inf if none)."""
    snr = lambda M: L.signal_to_noise(P, alpha, 1, r, M) - theta  # noqa: E731  K/N^(P-1) = alpha
    if snr(1e9) < 0:
        return math.inf
    if snr(1.0) >= 0:
        return 1.0
    # bisection in log M: below the threshold the ratio falls short
    short = lambda u: snr(math.exp(u)) < 0  # noqa: E731
    return math.exp(bisect(short, 0.0, math.log(1e9), tol=1e-6)[1])


if __name__ == "__main__":
    main()
