"""Gated rate network: the output gate makes the onset of chaos discontinuous, DMFT vs simulation.

Gated network of Krishnamurthy, Can and Schwab (:class:`hebbian.rnn.GatedRNN`,
gain ``g`` on ``J^h``) with a constant update gate and an output gate of gain
``alpha_r``; theory from :mod:`hebbian.theory.gated_dmft` (its Eqs. (1)-(4)).  All
at ``beta_r = 0`` (``sigma_r(0) = 1/2``, so ``x = 0`` loses stability at
``g = 2``), ``tau_r = tau_z = 1``.  Simulations start large (``h ~ N(0,
1.5^2)``, ``z, r ~ N(0, 0.5^2)``), RK4 with ``dt = 0.1``; ``Delta0`` is
``mean_i h_i^2`` averaged over the run after a transient; ``lambda_max``
from Benettin's method (:func:`hebbian.rnn.lyapunov_spectrum`, one
exponent) continued from the run's end state.

(a) Phase diagram in the ``(alpha_r, g)`` plane: ``x = 0`` is unstable above
    ``g = 2``; the DMFT chaos line ``g_chaos(alpha_r)``
    (:func:`hebbian.theory.gated_dmft.chaos_onset`, the saddle node of the chaotic
    branch) leaves ``g = 2`` at the tricritical ``alpha_r* = sqrt 12`` and
    bounds the bistable region (stable ``x = 0`` and chaos).  Points: the
    fraction of networks whose large initial activity survives to the end
    of the run (``mean h^2`` over its last quarter > 1e-3).  At finite
    ``N`` chaos in the bistable region is a long transient that dies out
    (lifetimes of 50-300 time units at ``N = 150-200``, growing with
    ``N``), so the fractions depend on ``N`` and on the run length.
(b) ``Delta0`` against ``g``: the DMFT chaotic branch (``g(Delta0)`` from
    :func:`hebbian.theory.gated_dmft.solve_gated_branch`, the onset from
    ``chaos_onset`` and the fixed-``g`` solutions of
    :func:`hebbian.theory.gated_dmft.solve_gated`; solid where ``dg/dDelta0 > 0``,
    the stable part, dashed on the unstable part), the fixed point
    ``Delta0 = 0`` (solid for ``g < 2``), and simulations (mean and standard
    error over the networks that end on the DMFT's branch; the counts are
    recorded).
(c) ``lambda_max`` against ``g``: DMFT (chaotic branch; fixed point
    ``(g/2 - 1)/2``) against Benettin.
(d) Time scales set by the update gate at ``alpha_r = 10``, ``g = 2.5``:
    ``Delta(tau)/Delta0`` for ``beta_z = 0, -1 (, -2)``, DMFT against
    simulation (average over neurons, time and networks).  The update gate
    ``c = sigma(beta_z)`` slows the ``h`` dynamics but not the output gate's
    ``tau_r``, so DMFT's decay times (at ``1/e``) scale close to, not
    exactly, as ``1/c``.  A sharp update gate (``alpha_z = 10``,
    ``beta_z = 0``) makes ``h`` non-Gaussian: its curve is the sampled DMFT
    (:func:`hebbian.theory.gated_dmft.solve_gated_sampled`).

Full run (641 s on 2 busy cores; N = 500 and 1000, 3 networks of 300 time
units, Benettin over 120 at N = 1000): ``g_chaos`` = 1.9949, 1.9718,
1.9187, 1.8576, 1.8054, 1.7594 at ``alpha_r`` = 4, 5, 7, 10, 14, 20, with
saddle nodes at ``Delta0`` = 0.017-0.047 and ``lambda_max`` = 0.012-0.091
there: chaos appears with a finite amplitude and exponent.  At N = 1000
``Delta0`` agrees with DMFT within 1.0 standard errors at all 7 chaotic
points, the bistable ones included (``alpha_r = 10, g = 1.9``: 0.127(15) against
0.116; ``alpha_r = 20, g = 1.8``: 0.090(10) against 0.088).
``lambda_max``: 0.079(9), 0.137(6), 0.178(4) against 0.085, 0.148, 0.182
at ``alpha_r = 10``, g = 1.9, 2.5, 3; 0.189(3) against 0.198 at
``alpha_r = 20``, g = 2.5 (-3.0 standard errors, -4%: the sign and size of
the vanilla network's finite-N bias, ``-14/N`` in ``rnn_chaos``);
-0.061(3) against -0.05 at the fixed point (``alpha_r = 10``, g = 1.8,
where the finite-N spectral edge lies beyond the disc).  At ``alpha_r = 0``
the network is barely chaotic (DMFT 0.0085 at g = 2.5, Benettin -0.003(2);
0.023 against 0.011(4) at g = 3), the finite-N shift seen in
``rnn_chaos`` near g = 1 (the same equations at gain g/2).  At N = 500 the
bistable chaos had died within the run (0/3 networks at ``alpha_r = 20, g
= 1.8``) or nearly (2/3 at ``alpha_r = 10, g = 1.9``).  The grid of (a) (N
= 500, 300 time units): every network stays chaotic only at ``alpha_r =
10, g = 1.95`` and ``alpha_r = 20, g = 1.85``; elsewhere in the bistable
region the finite-N chaos died after 65-230 time units, and 1/3 survived
just below the line (``alpha_r = 10, g = 1.85``).  Decay times (1/e) at
``alpha_r = 10, g = 2.5``, N = 1000: 7.2, 12.6, 29.0 simulated against 6.8,
12.5, 28.2 DMFT for ``beta_z`` = 0, -1, -2.  The sharp update gate slows the
decay 3.8-fold in the sampled DMFT (25.9) and 5.3-fold in simulation
(37.9; 34.4 and 41.9 in the two networks).  The difference is finite-N:
in separate runs with the same protocol (500 time units after 200) two
networks of N = 2000 decayed in 31.6 and 30.6, and the 1/N line through
N = 1000 and 2000 reaches 24 at N -> inf, against 25.9; at ``alpha_z = 5``
the simulated ``Delta0`` went from 0.832 (N = 1000) to 0.804 (N = 2000)
against 0.790 in the sampled DMFT.

Quick mode (N = 200, 3 networks of 200 time units; (d) at N = 300, 2
networks) is a smoke run with N = 200 finite-size effects: ``lambda_max``
0.109(5) against 0.148 and ``Delta0`` 0.89(6) against 0.75 at ``alpha_r =
10, g = 2.5``; 2 of 3 networks still chaotic at the bistable ``g = 1.9``.
(d) keeps the full run's order of the decay times: 7.7, 14.5 simulated
against 6.8, 12.5 DMFT for ``beta_z`` = 0, -1, and the sharp gate slowest
(its simulated curves stay above 1/e up to the quick window's lag 30).  Its
sampled DMFT (100 paths, 12 iterations) is not converged (residual 0.06 >
0.02): its decay time, 15.7, rises toward the full run's 25.9 with the
iterations (11.3 after 3).  (d) is at N = 300 because at N = 200 3 of 8
networks at ``beta_z = 0`` decayed in 10.7, 13.8 and not within 30 (a
static part), which inverted the order of the two-network means; at N = 300
8 of 8 decayed in 6.3-8.9 and at ``beta_z = -1`` in 11.4-22.

The record holds, per panel: the DMFT chaos line and the tricritical point;
per simulated ``(alpha_r, g)`` the surviving fraction, ``Delta0`` and
``lambda_max`` (DMFT, simulated mean and error per ``N``, ``n_sigma = (sim -
dmft)/err``); the ``1/e`` decay times, simulated and DMFT.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.special import expit
from threadpoolctl import threadpool_limits

from hebbian.figures._output import (
    MARKERS,
    joined,
    labelled,
    run_figure,
    series,
    subplots,
)
from hebbian.rnn import GatedRNN, autocorrelation, decay_time, lyapunov_spectrum, simulate
from hebbian.theory.gated_dmft import (
    chaos_onset,
    fixed_point_gain,
    solve_gated,
    solve_gated_branch,
    solve_gated_sampled,
    tricritical_alpha_r,
)

DT, SAVE = 0.1, 2
#: Mean ``h^2`` over the last quarter of a run above which its activity survived.
ALIVE = 1e-3
#: Gate parameters of panel (d): ``(label, beta_z, alpha_z)`` at ``alpha_r = 10``, ``g = 2.5``.
TIMESCALE_G, TIMESCALE_ALPHA_R = 2.5, 10.0


def _settings(quick: bool) -> dict:
    """Sizes and times of the quick and the full run."""
    if quick:
        return {
            "onset_alpha_r": (10.0,),
            "alpha_r": (0.0, 10.0),
            "g_points": {0.0: (2.5,), 10.0: (1.9, 2.5)},
            "branch_Delta0": {10.0: (0.01, 0.1, 0.3)},
            "g_open": (2.5,),
            "grid": {},
            "N": (200,),
            "n_net": 3,
            "t_sim": 200.0,
            "t_transient": 50.0,
            "t_lyap": 40.0,
            "N_grid": 200,
            "n_grid": 3,
            "t_grid": 200.0,
            "beta_z": (0.0, -1.0),
            "corr_stretch": False,
            "N_corr": 300,
            "n_corr": 2,
            "tau_max": 30.0,
            "sampled": {"n_paths": 100, "n_iter": 12, "n_average": 3},
        }
    return {
        "onset_alpha_r": (4.0, 5.0, 7.0, 10.0, 14.0, 20.0),
        "alpha_r": (0.0, 10.0, 20.0),
        "g_points": {0.0: (2.5, 3.0), 10.0: (1.8, 1.9, 2.5, 3.0), 20.0: (1.8, 2.5)},
        "branch_Delta0": {
            10.0: tuple(np.geomspace(0.012, 0.6, 8).round(4)),
            20.0: tuple(np.geomspace(0.012, 0.6, 8).round(4)),
        },
        "g_open": (2.05, 2.1, 2.2, 2.35, 2.5, 2.75, 3.0, 3.25),
        "grid": {
            5.0: (1.95,),
            10.0: (1.75, 1.85, 1.95),
            15.0: (1.75, 1.8, 1.85),
            20.0: (1.7, 1.75, 1.85),
        },
        "N": (500, 1000),
        "n_net": 3,
        "t_sim": 300.0,
        "t_transient": 100.0,
        "t_lyap": 120.0,
        "N_grid": 500,
        "n_grid": 3,
        "t_grid": 300.0,
        "beta_z": (0.0, -1.0, -2.0),
        "corr_stretch": True,
        "N_corr": 1000,
        "n_corr": 2,
        "tau_max": 90.0,
        "sampled": {"n_paths": 2000, "n_iter": 30, "n_average": 10},
    }


class _Runs:
    """Simulations from a large initial state, each made once per figure run."""

    def __init__(self, seed: int):
        self.seed, self.done = seed, {}

    def __call__(
        self,
        alpha_r,
        g,
        N,
        k,
        t_max,
        t_transient,
        *,
        beta_z=0.0,
        alpha_z=0.0,
        t_lyap=None,
        keep=False,
    ) -> dict:
        key = (alpha_r, g, N, k, t_max, t_transient, beta_z, alpha_z)
        out = self.done.get(key)
        if out is not None and (t_lyap is None or "lambda" in out) and (not keep or "h" in out):
            return out
        code = [
            round(100 * alpha_r),
            round(1000 * g),
            N,
            k,
            round(100 * (beta_z + 10)),
            round(100 * alpha_z),
        ]
        ss = np.random.SeedSequence([self.seed, *code]).spawn(3)
        net = GatedRNN.sample(N, g, rng=ss[0], alpha_r=alpha_r, beta_z=beta_z, alpha_z=alpha_z)
        rng = np.random.default_rng(ss[1])
        x0 = np.concatenate([1.5 * rng.standard_normal(N), 0.5 * rng.standard_normal(2 * N)])
        traj = simulate(net, x0, t_max=t_max, dt=DT, save_every=SAVE)
        h = traj.x[:, :N]
        h2 = (h**2).mean(axis=1)
        dead = np.nonzero(h2 < ALIVE)[0]
        out = {
            "h2_end": float(h2[traj.t >= 0.75 * t_max].mean()),
            "Delta0": float(h2[traj.t >= t_transient].mean()),
            "death_time": float(traj.t[dead[0]]) if dead.size else math.inf,
        }
        out["alive"] = out["h2_end"] > ALIVE
        if t_lyap is not None:
            res = lyapunov_spectrum(
                net, traj.x[-1], t_transient=10.0, t_max=t_lyap, dt=DT, n_exponents=1, rng=ss[2]
            )
            out["lambda"] = float(res.exponents[0])
        if keep:
            out["h"] = h[traj.t >= t_transient]
        self.done[key] = out
        return out


def _mean_err(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=np.float64)
    if values.size < 2:
        return float(values.mean()), 0.0
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def _n_sigma(sim: float, err: float, dmft: float) -> float | None:
    """``(sim - dmft) / err``; ``None`` (JSON null) without an error bar."""
    return float((sim - dmft) / err) if err > 0 else None


# --- DMFT -------------------------------------------------------------------------------


def _onsets(s: dict) -> list[dict]:
    records = []
    for alpha_r in s["onset_alpha_r"]:
        rec = chaos_onset(alpha_r)
        records.append(
            {"alpha_r": alpha_r, **rec, "Delta0": float(rec["Delta0"]), "method": "chaos_onset"}
        )
    return sorted(records, key=lambda r: r["alpha_r"])


def _dmft_point(alpha_r: float, g: float, cache: dict):
    """``(Delta0, lambda_max, branch)`` of the attracting DMFT solution at ``(alpha_r, g)``."""
    key = ("solution", alpha_r, g, 0.0)
    if key not in cache:
        cache[key] = solve_gated(g, alpha_r=alpha_r).check()
    d = cache[key]
    return d.Delta0, d.lambda_max, d.branch


def _branch(alpha_r: float, s: dict, onsets: list[dict], cache: dict) -> np.ndarray:
    """Chaotic branch ``(g, Delta0, lambda_max)`` rows sorted by ``Delta0``."""
    if alpha_r == 0.0:  # continuous onset at g = 2: the branch at fixed g
        rows = [(g, *_dmft_point(0.0, g, cache)[:2]) for g in s["g_open"]]
        rows.append((fixed_point_gain(), 0.0, 0.0))
    else:  # through the saddle node: the branch at fixed Delta0, with the onset point
        sols = [
            solve_gated_branch(D, alpha_r=alpha_r).check()
            for D in s["branch_Delta0"].get(alpha_r, ())
        ]
        rows = [(fixed_point_gain(), 0.0, 0.0)] + [(d.g, d.Delta0, d.lambda_max) for d in sols]
        rows += [
            (r["g_chaos"], r["Delta0"], r["lambda_max"]) for r in onsets if r["alpha_r"] == alpha_r
        ]
        for g in s["g_points"][alpha_r]:
            D0, lam, branch = _dmft_point(alpha_r, g, cache)
            if branch == "chaos":
                rows.append((g, D0, lam))
    rows = np.array(sorted(rows, key=lambda r: r[1]))
    return rows


def _plot_branch(ax, g, y, color, label, marker):
    """``y`` against ``g``: solid where ``dg/dDelta0 > 0`` (stable), dashed elsewhere; the
    solved points marked with ``marker``."""
    stable = np.gradient(g) > 0
    for i in range(len(g) - 1):
        both = stable[i] and stable[i + 1]
        ax.plot(g[i : i + 2], y[i : i + 2], "-" if both else "--", color=color, lw=1.3)
    ax.plot(g, y, marker, color=color, ms=3)
    ax.plot([], [], "-", marker=marker, color=color, ms=3, lw=1.3, label=label)


# --- panels -----------------------------------------------------------------------------


def _panel_phase(ax, s: dict, onsets: list[dict], runs: _Runs, cache: dict) -> dict:
    a_star, g_fp = tricritical_alpha_r(0.0), fixed_point_gain(0.0)
    alphas = [a_star] + [r["alpha_r"] for r in onsets]
    g_chaos = [g_fp] + [r["g_chaos"] for r in onsets]
    a_max = max(21.0, max(alphas) + 1)
    ax.axhline(
        g_fp, color="k", lw=1.2, label=r"$g = 1/\sigma(\beta_r) = 2$: $x = 0$ unstable above"
    )
    ax.plot(alphas, g_chaos, "C3o-", ms=4, lw=1.3, label=r"DMFT chaos line $g_{chaos}(\alpha_r)$")
    ax.plot(
        a_star,
        g_fp,
        "k*",
        ms=14,
        mfc="gold",
        label=rf"tricritical $\alpha_r^* = \sqrt{{12}} = {a_star:.3f}$",
    )
    ax.fill_between(alphas, g_chaos, g_fp, color="C1", alpha=0.15)
    g_lo = min(g_chaos) - 0.15
    ax.text(0.25 * a_max, g_fp + 0.08, "chaos", ha="center")
    ax.text(
        0.7 * a_max,
        0.5 * (g_fp + g_chaos[-1]),
        "bistable:\nstable x = 0 and chaos",
        ha="center",
        va="center",
        fontsize=8,
    )
    ax.text(0.75 * a_max, g_lo + 0.05, "quiescent (x = 0)", ha="center")
    points = []
    grid = {a: set(gs) for a, gs in s["grid"].items()}
    for a in s["alpha_r"]:  # the points of (b), (c) below g = 2 count too
        if a > 0:
            grid.setdefault(a, set()).update(g for g in s["g_points"][a] if g < g_fp)
    for a, gs in sorted(grid.items()):
        for g in sorted(gs):
            res = [
                runs(a, g, s["N_grid"], k, s["t_grid"], s["t_transient"])
                for k in range(s["n_grid"])
            ]
            deaths = [r["death_time"] for r in res if math.isfinite(r["death_time"])]
            g_c = float(np.interp(a, alphas, g_chaos)) if a >= a_star else g_fp
            region = "chaos" if g > g_fp else "bistable" if g > g_c else "quiescent"
            survived = float(np.mean([r["alive"] for r in res]))
            points.append(
                {
                    "alpha_r": a,
                    "g": g,
                    "survived": survived,
                    "n": len(res),
                    "death_times": deaths,
                    "dmft_region": region,
                    "g_chaos_interpolated": g_c,
                }
            )
    if points:
        sc = ax.scatter(
            [p["alpha_r"] for p in points],
            [p["g"] for p in points],
            c=[p["survived"] for p in points],
            cmap="viridis",
            vmin=0,
            vmax=1,
            s=60,
            edgecolors="k",
            zorder=5,
        )
        ax.figure.colorbar(sc, ax=ax, label="fraction of large starts still active")
    ax.set(
        xlim=(0, a_max),
        ylim=(g_lo, g_fp + 0.2),
        xlabel=r"output-gate gain $\alpha_r$",
        ylabel="gain g",
        title=f"(a) phase diagram, beta_r = 0; points: N = {s['N_grid']}, {s['n_grid']} "
        f"networks, {s['t_grid']:g} time units\n(finite-N chaos in the bistable "
        "region is a transient that can die out)",
    )
    ax.legend(fontsize=7, loc="upper right")
    return {
        "tricritical_alpha_r": a_star,
        "g_fixed_point": g_fp,
        "onsets": onsets,
        "simulated": points,
    }


def _panels_b_c(ax_d, ax_l, s: dict, onsets, runs: _Runs, cache: dict) -> tuple[list, xr.Dataset]:
    g_fp = fixed_point_gain(0.0)
    records, branches = [], {}
    g_min = min(min(gs) for gs in s["g_points"].values()) - 0.1
    g_all = [g_min, g_fp]
    for i, a in enumerate(s["alpha_r"]):
        color = f"C{i}"
        rows = _branch(a, s, onsets, cache)
        g, D0, lam = rows.T
        point = ("branch_point",)
        branches[a] = xr.Dataset(
            {
                "branch_g": labelled(point, g, "(b, c) gain g on the DMFT chaotic branch"),
                "branch_Delta0": labelled(
                    point, D0, "(b) Delta0 = <h^2> on the DMFT chaotic branch"
                ),
                "branch_lambda_max": labelled(
                    point, lam, "(c) lambda_max on the DMFT chaotic branch", "per time constant"
                ),
            },
            coords={
                "branch_point": labelled(
                    point, np.arange(len(g)), "index of the point along the branch, by Delta0"
                )
            },
        )
        label = rf"DMFT $\alpha_r$ = {a:g} (dashed: unstable)"
        _plot_branch(ax_d, g, D0, color, label, MARKERS[i])
        _plot_branch(ax_l, g, lam, color, label, MARKERS[i])
        g_all += list(g)
        for j, N in enumerate(s["N"]):
            gs = s["g_points"][a]
            for g_ in gs:
                res = [
                    runs(
                        a,
                        g_,
                        N,
                        k,
                        s["t_sim"],
                        s["t_transient"],
                        t_lyap=s["t_lyap"] if s["N"][-1] == N else None,
                        keep=(a == TIMESCALE_ALPHA_R and g_ == TIMESCALE_G and s["N_corr"] == N),
                    )
                    for k in range(s["n_net"])
                ]
                d0, lam_d, branch = _dmft_point(a, g_, cache)
                # the networks in the DMFT's state at the end: active on the chaotic branch
                used = [r for r in res if r["alive"] == (branch == "chaos")] or res
                m, e = _mean_err([r["Delta0"] for r in used])
                rec = {
                    "alpha_r": a,
                    "g": g_,
                    "N": N,
                    "dmft_branch": branch,
                    "Delta0_dmft": d0,
                    "Delta0_sim": m,
                    "Delta0_err": e,
                    "Delta0_n_sigma": _n_sigma(m, e, d0),
                    "survived": int(sum(r["alive"] for r in res)),
                    "n": len(res),
                    "n_averaged": len(used),
                    "lambda_dmft": lam_d,
                }
                marker, first = "os^"[j % 3], i == 0 and g_ == gs[0]
                ax_d.errorbar(
                    g_,
                    m,
                    e,
                    fmt=marker,
                    color=color,
                    ms=5,
                    capsize=2,
                    mfc="none",
                    label=f"sim N = {N}" if first else None,
                )
                if "lambda" in res[0]:
                    lm, le = _mean_err([r["lambda"] for r in used])
                    rec.update(
                        lambda_sim=lm, lambda_err=le, lambda_n_sigma=_n_sigma(lm, le, lam_d)
                    )
                    ax_l.errorbar(
                        g_,
                        lm,
                        le,
                        fmt=marker,
                        color=color,
                        ms=5,
                        capsize=2,
                        mfc="none",
                        label=f"Benettin N = {N}" if first else None,
                    )
                records.append(rec)
    g_lo, g_hi = min(g_all), max(g_all) + 0.05
    ax_d.plot([g_lo, g_fp], [0, 0], "k-", lw=2, label="fixed point x = 0 (stable)")
    ax_d.plot([g_fp, g_hi], [0, 0], "k--", lw=1, label="x = 0 unstable")
    ax_l.plot(
        [g_lo, g_fp],
        [0.5 * (g_lo / g_fp - 1.0), 0.0],
        "k-",
        lw=2,
        label=r"x = 0 (stable): $c(g/2 - 1)$",
    )
    for ax in (ax_d, ax_l):
        ax.axvline(g_fp, color="gray", lw=0.7, ls=":")
    ax_l.axhline(0.0, color="gray", lw=0.7)
    ax_d.set(
        xlabel="gain g",
        ylabel=r"$\Delta_0 = \langle h^2 \rangle$",
        title="(b) chaotic branch: solid stable, dashed unstable",
    )
    ax_l.set(
        xlabel="gain g",
        ylabel=r"$\lambda_{max}$",
        title=f"(c) largest Lyapunov exponent: DMFT vs Benettin ({s['t_lyap']:g} time units)",
    )
    ax_d.legend(fontsize=7)
    ax_l.legend(fontsize=7)
    return records, joined(branches, "alpha_r", "output-gate gain alpha_r")


def _decay_label(decay: float | None, tau_max: float) -> str:
    """Where ``Delta / Delta0`` falls to ``1/e``, for a legend."""
    return f"above 1/e up to {tau_max:g}" if decay is None else f"1/e at {decay:.1f}"


def _panel_timescales(ax, s: dict, runs: _Runs, cache: dict) -> tuple[list, xr.Dataset]:
    lags = np.arange(round(s["tau_max"] / (SAVE * DT)) + 1) * SAVE * DT
    a, g, N = TIMESCALE_ALPHA_R, TIMESCALE_G, s["N_corr"]
    cases = [(bz, 0.0) for bz in s["beta_z"]] + [(0.0, 10.0)]
    records, simulated, theory = [], [], []
    for i, (bz, az) in enumerate(cases):
        c = float(expit(bz))
        stretch = 0.5 / c if az == 0 else 2.0  # slower dynamics: longer transient (and run)
        t_tr = s["t_transient"] * stretch
        t_max = t_tr + (s["t_sim"] - s["t_transient"]) * (stretch if s["corr_stretch"] else 1)
        if bz == 0.0 and az == 0.0:
            t_tr, t_max = s["t_transient"], s["t_sim"]
        curves = []
        for k in range(s["n_corr"]):
            r = runs(a, g, N, k, t_max, t_tr, beta_z=bz, alpha_z=az, keep=True)
            curves.append(autocorrelation(r["h"], lags.size))
        curves = np.array(curves)
        sim = (curves / curves[:, :1]).mean(axis=0)
        each = [decay_time(lags, cv / cv[0]) for cv in curves]
        rec = {
            "tau_max": float(lags[-1]),
            "beta_z": bz,
            "alpha_z": az,
            "c": c,
            "N": N,
            "n": len(curves),
            "t_run": t_max,
            "Delta0_sim": _mean_err(curves[:, 0])[0],
            "decay_time_sim": decay_time(lags, sim),
            "decay_time_sim_per_network": each,
        }
        label = rf"$\beta_z$ = {bz:g} (c = {c:.3f})"
        if az == 0.0:
            d = cache.get(("solution", a, g, bz))
            if d is None:
                d = cache[("solution", a, g, bz)] = solve_gated(g, alpha_r=a, beta_z=bz).check()
            dmft = np.interp(lags, d.tau, d.Delta) / d.Delta0
            rec.update(
                Delta0_dmft=d.Delta0,
                lambda_dmft=d.lambda_max,
                decay_time_dmft=decay_time(d.tau, d.Delta / d.Delta0),
            )
            at = _decay_label(rec["decay_time_dmft"], lags[-1])
            ax.plot(lags, dmft, **series(i), lw=1.3, label=f"DMFT {label}: {at}")
        else:
            d = solve_gated_sampled(
                g,
                alpha_z=az,
                alpha_r=a,
                t_max=s["tau_max"],
                rng=np.random.SeedSequence([runs.seed, 7]),
                **s["sampled"],
            )
            dmft = np.interp(lags, d.tau, d.Delta) / d.Delta0
            rec.update(
                Delta0_dmft=d.Delta0,
                sampled_residual=d.residual,
                sampled_converged=d.success,
                decay_time_dmft=decay_time(d.tau, d.Delta / d.Delta0),
            )
            label = rf"sharp update gate $\alpha_z$ = {az:g}, $\beta_z$ = 0"
            state = "" if d.success else f" ({s['sampled']['n_iter']} iterations, not converged)"
            at = _decay_label(rec["decay_time_dmft"], lags[-1])
            label_dmft = f"sampled DMFT{state}, {label}: {at}"
            ax.plot(lags, dmft, **series(i), lw=1.3, label=label_dmft)
        ax.plot(
            lags[::4],
            sim[::4],
            MARKERS[i],
            color=f"C{i}",
            ms=3,
            mfc="none",
            label=f"sim N = {N}, {label}: {_decay_label(rec['decay_time_sim'], lags[-1])}",
        )
        simulated.append(sim)
        theory.append(dmft)
        records.append(rec)
    base = records[0]

    def ratio(a, b):
        return None if a is None or b is None else a / b

    for rec in records:
        rec["decay_ratio_sim"] = ratio(rec["decay_time_sim"], base["decay_time_sim"])
        rec["inverse_c_ratio"] = base["c"] / rec["c"]
        if "decay_time_dmft" in rec:
            rec["decay_ratio_dmft"] = ratio(rec["decay_time_dmft"], base["decay_time_dmft"])
    ax.axhline(0.0, color="gray", lw=0.7, ls=":")
    ax.axhline(math.exp(-1.0), color="gray", lw=0.7, ls="--")
    ax.set(
        xlabel=r"lag $\tau$",
        ylabel=r"$\Delta(\tau) / \Delta_0$",
        xlim=(0, lags[-1]),
        ylim=(-0.05, 1.45),  # the legend above the curves
        title=rf"(d) update-gate time scales, $\alpha_r$ = {a:g}, g = {g:g}, "
        f"N = {N}",
    )
    ax.legend(fontsize=7)
    dims = ("update_gate", "tau")
    data = xr.Dataset(
        {
            "Delta_sim": labelled(dims, simulated, f"(d) Delta(tau)/Delta0, simulated, N = {N}"),
            "Delta_dmft": labelled(
                dims, theory, "(d) Delta(tau)/Delta0, DMFT (sampled DMFT where alpha_z > 0)"
            ),
        },
        coords={
            "update_gate": labelled(
                "update_gate",
                [f"beta_z={bz:g}, alpha_z={az:g}" for bz, az in cases],
                "update gate of panel (d)",
            ),
            "beta_z": labelled("update_gate", [bz for bz, _ in cases], "update-gate bias"),
            "alpha_z": labelled("update_gate", [az for _, az in cases], "update-gate gain"),
            "tau": labelled("tau", lags, "lag", "time constants"),
        },
    )
    return records, data


def draw(args) -> tuple:
    """Panels (a)-(d) and the run record."""
    s = _settings(args.quick)

    fig, axes = subplots(2, 2, figsize=(15, 12))
    runs, cache = _Runs(args.seed), {}
    # matrices at most 1000 wide: BLAS threads only synchronize on 2 busy cores
    with threadpool_limits(1, user_api="blas"):
        onsets = _onsets(s)
        points, data = _panels_b_c(axes[0, 1], axes[1, 0], s, onsets, runs, cache)
        phase = _panel_phase(axes[0, 0], s, onsets, runs, cache)
        timescales, corr = _panel_timescales(axes[1, 1], s, runs, cache)
    fig.tight_layout()
    onset = "onset_alpha_r"
    data = (
        xr.merge([data, corr])
        .assign(
            g_chaos=labelled(
                onset, [r["g_chaos"] for r in phase["onsets"]], "(a) onset of chaos, DMFT"
            ),
        )
        .assign_coords(
            {
                onset: labelled(
                    onset,
                    [r["alpha_r"] for r in phase["onsets"]],
                    "output-gate gain alpha_r of the chaos line",
                )
            }
        )
    )
    settings = {
        k: ({str(a): v for a, v in val.items()} if isinstance(val, dict) else val)
        for k, val in s.items()
    }
    meta = {
        "settings": settings,
        "dt": DT,
        "phase": phase,
        "points": points,
        "timescales": timescales,
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("gated_phase", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
