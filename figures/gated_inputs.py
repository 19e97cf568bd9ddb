"""Gated network with inputs: input-induced chaos, and the update gate resetting memory.

Gated network of Krishnamurthy, Can and Schwab (:class:`hebbian.rnn.GatedRNN`,
gain ``g`` on ``J^h``) with a sharp output gate (``alpha_r = 10``, biased
shut, ``beta_r = -1``), a constant update gate (``beta_z = 0``) and
``tau_r = tau_z = 1``, driven by a static input ``I_i ~ N(0, sigma_I^2)`` in
the ``h`` equation (normalised to the empirical variance ``sigma_I^2``, so
that the finite sample of ``N`` inputs does not shift ``Delta0``).  Theory:
:mod:`hebbian.theory.gated_dmft` with inputs (its Eqs. (1'), (3), (5)).
Simulations start large (``h ~ N(0, 1.5^2)``, ``z, r ~ N(0, 0.5^2)``), RK4
with ``dt = 0.1``; ``Delta0`` is ``mean h^2`` after a transient, its
fluctuating part the temporal variance of ``h_i`` averaged over neurons,
``lambda_max`` by Benettin's method with the same input (:func:`hebbian.rnn.lyapunov_spectrum`).

(a) Phase diagram in the ``(sigma_I, g)`` plane: above the DMFT line
    ``g_fp(sigma_I)`` (:func:`hebbian.theory.gated_dmft.input_instability_gain`)
    the fixed point with frozen random fields is unstable; at ``sigma_I = 0``
    it is ``1 / sigma(beta_r) = 3.72``, and a weak input brings it down
    to ~1.55 (the output gate's slope couples ``r`` back into ``h`` once
    ``phi != 0``) before strong inputs raise it again (``phi`` saturates).
    The chaos line (full run: where :func:`hebbian.theory.gated_dmft.solve_gated`
    first finds chaos as ``g`` grows) lies below it where chaos and the
    stable fixed point coexist.  Points: simulated ``lambda_max`` (filled:
    > 0).
(b) ``lambda_max`` against ``sigma_I`` at ``g = 1.9``: the network without
    input is at a stable fixed point (``x = 0``); a weak input makes it
    chaotic, a strong one quiescent again.  DMFT (attracting solution; the
    fixed point's edge dashed) against Benettin (mean and standard error
    over networks).
(c) ``Delta0`` and its fluctuating part against ``sigma_I`` at ``g = 1.9``,
    DMFT against simulation.
(d) Resetting the memory trace with the update gate: a small state
    ``h(0)`` (memory) is held while the update gate is shut
    (``beta_z = -8``, ``c = 3.4e-4``) and erased when its bias is switched
    to ``beta_z^reset`` at ``t = 10``.  At ``g sigma_r < 1`` and small
    ``h`` the flow is linear, ``dh/dt = c (-1 + g s_0 J^h) h``, and
    ``E |h(t)|^2 / |h(0)|^2 = exp(-2ct) I_0(2 g s_0 c t)`` at ``N -> inf``
    (``E|J^k v|^2 = |v|^2`` and the cross terms vanish), the solid lines;
    simulation (circles: the rms over networks).  The time to erase the trace to
    ``1/e`` is recorded per ``beta_z^reset``.  Late in the erasure (trace below
    ~0.05) a network of finite ``N`` decays more slowly than the ``N -> inf``
    curve: its slowest eigenmodes lie beyond the disc's edge.

Quick run (N = 150, 2 networks, 80 time units): at ``g = 1.9`` ``lambda_max``
= -0.236(13) against -0.245 without input and -0.096(35) against -0.045 at
``sigma_I = 2``; at ``sigma_I = 0.3`` the DMFT is chaotic (``lambda_max`` =
0.057, fluctuating variance 0.123) but the simulation at N = 150 barely is
(``lambda_max`` ~ 0, fluctuating variance 0.036).  The input-induced
transition is strongly affected by finite N: near it Eq. (5) has a large
susceptibility (``d Delta0 / d(rhs) ~ 5``), so single networks scatter
widely (fixed-point continuation at ``alpha_r = 5``, ``g = 2.2``,
``sigma_I = 0.2``: ``Delta0`` = 0.087-0.176 at N = 300, 0.122-0.164 at
N = 1200, whose mean 0.140 meets the DMFT's 0.138).  The fixed point is
unstable only by a narrow margin there: the DMFT's edge crosses 0 at
``sigma_I* = 0.194`` and peaks at 0.034 (``sigma_I ~ 0.33``), while at
N = 300 the edge of a network's fixed point scatters across networks by
as much (at ``sigma_I = 0.24``: 0.005(9), standard deviation 0.026,
against 0.026), from the scatter of its ``Delta0`` and the finite-N spread
of the rightmost eigenvalue itself; with ``J^h`` replaced by independent
draws the edges average to the DMFT's (0.015(8)), and the fixed point's
correlation with its own ``J^h`` lowers them by -0.011(7) more.  So the
crossing of one network moves by a few hundredths of ``sigma_I`` either
way, networks whose edge falls below the margin stay stable up to
``sigma_I = 0.25-0.3`` (N = 300-600) and some continued branches end in a
fold first (3 of 12 at N = 300): crossings of a few networks at these N
cannot test ``sigma_I*`` (a test states this; the average over many more
networks and sizes is not done here).
Away from the transition the DMFT holds: ``Delta0`` within 1 % at
``sigma_I = 2`` and 3 % at ``(sigma_I, g) = (1, 2.5)``; a time-varying
(Ornstein-Uhlenbeck) input matches ``Delta0`` within 1 % and
``lambda_max`` within 0.01 at N = 400 (tests).  Erasure times (1/e) 13.3,
3.18, 1.81 simulated against 12.6, 3.01, 1.71 for ``c`` = 0.12, 0.5, 0.88.

The record holds the DMFT and simulated points of (a)-(c) (``n_sigma`` per
point) and the erasure times of (d).
"""

from __future__ import annotations

import dataclasses
import math
import time

import numpy as np
import xarray as xr
from scipy.special import expit, i0e
from threadpoolctl import threadpool_limits

from hebbian.figures._output import labelled, parse_args, subplots, write_outputs
from hebbian.rnn import GatedRNN, lyapunov_spectrum, simulate
from hebbian.theory.gated_dmft import input_instability_gain, solve_gated, static_fixed_point

DT = 0.1
GATE = {"alpha_r": 10.0, "beta_r": -1.0}
G_LINE = 1.9
#: Panel (d): gain, output gate (constant), hold bias, reset biases, switch time.
RESET = {
    "g": 1.5,
    "beta_r": 0.0,
    "beta_hold": -8.0,
    "t_switch": 10.0,
    "t_max": 30.0,
    "amplitude": 1e-3,
}


def _settings(quick: bool) -> dict:
    """Sizes and times of the quick and the full run."""
    if quick:
        return {
            "sigma": (0.0, 0.3, 2.0),
            "sigma_fp": (0.03, 0.1, 0.2, 0.3, 0.6, 1.0, 2.0),
            "sigma_chaos": (),
            "extra": ((1.0, 2.5),),
            "N": 150,
            "n_net": 2,
            "t_sim": 80.0,
            "t_transient": 30.0,
            "t_lyap": 50.0,
            "beta_reset": (-2.0, 0.0, 2.0),
            "N_reset": 200,
            "n_reset": 2,
        }
    return {
        "sigma": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
        "sigma_fp": tuple(np.round(np.geomspace(0.01, 3.0, 30), 4)),
        "sigma_chaos": (0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0),
        "extra": (
            (0.1, 1.6),
            (0.3, 1.4),
            (0.3, 1.6),
            (1.0, 1.5),
            (1.0, 2.5),
            (2.0, 2.5),
            (0.0, 2.5),
        ),
        "N": 400,
        "n_net": 4,
        "t_sim": 300.0,
        "t_transient": 100.0,
        "t_lyap": 200.0,
        "beta_reset": (-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 4.0),
        "N_reset": 400,
        "n_reset": 4,
    }


def _dmft(sigma: float, g: float) -> dict:
    """The attracting DMFT solution, and the fixed point's edge where there is an input."""
    s = solve_gated(g, sigma_I=sigma, **GATE).check()
    fluct = s.Delta0 - s.Delta[-1] if s.branch == "chaos" else 0.0
    c = float(expit(0.0))  # the update gate, beta_z = 0
    edge = (
        static_fixed_point(g, sigma_I=sigma, **GATE).lambda_max
        if sigma > 0
        else (c * (float(expit(GATE["beta_r"])) * g - 1.0))
    )
    return {
        "branch": s.branch,
        "Delta0": s.Delta0,
        "fluctuation": float(fluct),
        "lambda_max": s.lambda_max,
        "fixed_point_lambda": edge,
    }


def _simulate(sigma: float, g: float, N: int, k: int, s: dict, seed: int) -> dict:
    ss = np.random.SeedSequence([seed, round(1000 * sigma), round(1000 * g), N, k]).spawn(4)
    net = GatedRNN.sample(N, g, rng=ss[0], **GATE)
    white = np.random.default_rng(ss[1]).standard_normal(N)
    current = sigma * white / np.sqrt(np.mean(white**2))
    rng = np.random.default_rng(ss[2])
    x0 = np.concatenate([1.5 * rng.standard_normal(N), 0.5 * rng.standard_normal(2 * N)])
    traj = simulate(net, x0, s["t_sim"], DT, inputs=current, save_every=5)
    h = traj.x[traj.t >= s["t_transient"], :N]
    res = lyapunov_spectrum(
        net,
        traj.x[-1],
        t_transient=10.0,
        t_max=s["t_lyap"],
        dt=DT,
        n_exponents=1,
        inputs=current,
        rng=ss[3],
    )
    return {
        "Delta0": float((h**2).mean()),
        "fluctuation": float(h.var(axis=0).mean()),
        "lambda_max": float(res.exponents[0]),
    }


def _mean_err(values) -> tuple[float, float]:
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()), float(values.std(ddof=1) / np.sqrt(values.size))


def _points(s: dict, seed: int) -> list[dict]:
    """DMFT and simulation at every ``(sigma_I, g)`` of panels (a)-(c)."""
    pairs = [(sigma, G_LINE) for sigma in s["sigma"]] + list(s["extra"])
    records = []
    for sigma, g in pairs:
        rec = {"sigma_I": sigma, "g": g, "N": s["N"], "n": s["n_net"], "dmft": _dmft(sigma, g)}
        runs = [_simulate(sigma, g, s["N"], k, s, seed) for k in range(s["n_net"])]
        for key in ("Delta0", "fluctuation", "lambda_max"):
            mean, err = _mean_err([r[key] for r in runs])
            rec[key] = mean
            rec[f"{key}_error"] = err
            rec[f"{key}_n_sigma"] = (mean - rec["dmft"][key]) / err if err > 0 else None
        records.append(rec)
    return records


def _chaos_line(s: dict) -> list[dict]:
    """Smallest ``g`` with a chaotic DMFT solution, by bisection in ``[1, g_fp]``."""
    out = []
    for sigma in s["sigma_chaos"]:
        high = min(input_instability_gain(sigma, **GATE), 4.0) + 0.05
        low = 1.0

        def chaotic(g, sigma=sigma):
            return solve_gated(g, sigma_I=sigma, **GATE).branch == "chaos"

        if not chaotic(high):
            out.append({"sigma_I": sigma, "g_chaos": math.nan})
            continue
        for _ in range(7):
            mid = 0.5 * (low + high)
            low, high = (low, mid) if chaotic(mid) else (mid, high)
        out.append({"sigma_I": sigma, "g_chaos": 0.5 * (low + high), "resolution": high - low})
    return out


def _panel_phase(ax, s: dict, line: list, chaos: list, points: list) -> None:
    ax.plot(
        [r["sigma_I"] for r in line],
        [r["g_fp"] for r in line],
        "k-",
        lw=1.3,
        label="DMFT: fixed point unstable above",
    )
    if chaos:
        ax.plot(
            [r["sigma_I"] for r in chaos],
            [r["g_chaos"] for r in chaos],
            "C3--",
            lw=1.3,
            label="DMFT: chaos above",
        )
    for p in points:
        filled = p["lambda_max"] > 0
        ax.plot(
            p["sigma_I"],
            p["g"],
            "o",
            ms=7,
            color="C3" if filled else "C0",
            mfc="C3" if filled else "none",
        )
    ax.plot([], [], "o", color="C3", label=r"simulated $\lambda_{max} > 0$")
    ax.plot([], [], "o", color="C0", mfc="none", label=r"simulated $\lambda_{max} < 0$")
    ax.axhline(1.0 / expit(GATE["beta_r"]), color="gray", ls=":", lw=0.8)
    ax.set(
        xscale="symlog",
        xlabel=r"input strength $\sigma_I$",
        ylabel="gain g",
        title=f"(a) input-induced chaos, N = {s['N']}",
        ylim=(1.0, 4.0),
    )
    ax.set_xscale("symlog", linthresh=0.05)
    ax.set_xlim(left=0.0)
    ax.legend(fontsize=7)


def _panel_line(ax_lam, ax_var, s: dict, points: list) -> None:
    on_line = sorted((p for p in points if p["g"] == G_LINE), key=lambda p: p["sigma_I"])
    sig = [p["sigma_I"] for p in on_line]
    ax_lam.plot(
        sig,
        [p["dmft"]["lambda_max"] for p in on_line],
        "k-",
        lw=1.2,
        label="DMFT (attracting solution)",
    )
    ax_lam.plot(
        sig,
        [p["dmft"]["fixed_point_lambda"] for p in on_line],
        "k--",
        lw=0.9,
        label="DMFT: fixed point's edge",
    )
    ax_lam.errorbar(
        sig,
        [p["lambda_max"] for p in on_line],
        [p["lambda_max_error"] for p in on_line],
        fmt="o",
        color="C3",
        capsize=2,
        label=f"Benettin, N = {s['N']}",
    )
    ax_lam.axhline(0.0, color="gray", lw=0.7, ls=":")
    off = [
        f"sigma_I = {p['sigma_I']:g}: {p['lambda_max']:.3f} +- {p['lambda_max_error']:.3f} "
        f"against DMFT {p['dmft']['lambda_max']:.3f}"
        for p in on_line
        if abs(p["lambda_max"] - p["dmft"]["lambda_max"]) > 3 * max(p["lambda_max_error"], 1e-9)
    ]
    if off:  # in the empty lower right
        off += [
            f"finite N = {s['N']} near the input-induced transition: the",
            "fixed point is unstable by a narrow margin, and a finite",
            "network's edge scatters by as much (see the docstring)",
        ]
        ax_lam.text(0.98, 0.03, "\n".join(off), transform=ax_lam.transAxes, fontsize=7, ha="right")
    ax_lam.set(
        xlabel=r"$\sigma_I$",
        ylabel=r"$\lambda_{max}$",
        title=rf"(b) $\lambda_{{max}}$ at g = {G_LINE:g}",
    )
    ax_lam.set_xscale("symlog", linthresh=0.05)
    ax_lam.set_xlim(left=0.0)
    ax_lam.legend(fontsize=7)
    for key, colour, name in (
        ("Delta0", "C0", r"$\Delta_0$"),
        ("fluctuation", "C1", "fluctuating part"),
    ):
        ax_var.plot(
            sig, [p["dmft"][key] for p in on_line], "-", color=colour, lw=1.2, label=f"DMFT {name}"
        )
        ax_var.errorbar(
            sig,
            [p[key] for p in on_line],
            [p[f"{key}_error"] for p in on_line],
            fmt="o",
            color=colour,
            capsize=2,
            label=f"simulated {name}",
        )
    ax_var.set(
        xlabel=r"$\sigma_I$", ylabel="variance of h", title=rf"(c) $\Delta_0$ at g = {G_LINE:g}"
    )
    ax_var.set_xscale("symlog", linthresh=0.05)
    ax_var.set_xlim(left=0.0)
    ax_var.legend(fontsize=7)


def _trace_theory(t, c, rho):
    """``sqrt(E|h(t)|^2 / |h(0)|^2) = sqrt(exp(-2ct) I_0(2 rho c t))`` (linear flow)."""
    x = 2.0 * rho * c * t
    return np.sqrt(i0e(x) * np.exp(x - 2.0 * c * t))


def _traces(s: dict, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``|h(t)| / |h(0)|`` of ``n_reset`` networks per reset bias: ``(t, traces)``."""
    r, N = RESET, s["N_reset"]
    n_after = round((r["t_max"] - r["t_switch"]) / DT)
    out = []
    for k in range(s["n_reset"]):
        ss = np.random.SeedSequence([seed, 7, k]).spawn(2)
        hold = GatedRNN.sample(N, r["g"], beta_z=r["beta_hold"], beta_r=r["beta_r"], rng=ss[0])
        h0 = r["amplitude"] * np.random.default_rng(ss[1]).standard_normal(N)
        x_hold = simulate(hold, np.concatenate([h0, np.zeros(2 * N)]), r["t_switch"], DT).x
        rows = []
        for beta in s["beta_reset"]:
            net = dataclasses.replace(hold, beta_z=beta)
            after = simulate(net, x_hold[-1], r["t_max"] - r["t_switch"], DT).x[1:]
            x = np.vstack([x_hold, after])[:, :N]
            rows.append(np.linalg.norm(x, axis=1) / np.linalg.norm(h0))
        out.append(rows)
    return np.arange(x_hold.shape[0] + n_after) * DT, np.array(out)


def _reset(ax, s: dict, seed: int) -> tuple[list, xr.Dataset]:
    r = RESET
    t, traces = _traces(s, seed)
    rho = r["g"] * float(expit(r["beta_r"]))
    c_hold = float(expit(r["beta_hold"]))
    held = _trace_theory(np.minimum(t, r["t_switch"]), c_hold, rho)
    before = t <= r["t_switch"]
    records, sim, theory = [], [], []
    for k, beta in enumerate(s["beta_reset"]):
        norm = np.sqrt(np.mean(traces[:, k] ** 2, axis=0))  # E |h|^2, as the theory
        c = float(expit(beta))
        after = _trace_theory(np.maximum(t - r["t_switch"], 0.0), c, rho)
        predicted = held * np.where(before, 1.0, after)
        ax.plot(t[::10], norm[::10], "o", ms=3, color=f"C{k % 10}")
        ax.plot(
            t,
            predicted,
            "-",
            color=f"C{k % 10}",
            lw=1.1,
            label=rf"$\beta_z^{{reset}}$ = {beta:g} (c = {c:.2f})",
        )
        target = held[before][-1] / math.e
        each = [_crossing(t, tr, target, r["t_switch"]) for tr in traces[:, k]]
        records.append(
            {
                "beta_reset": beta,
                "c": c,
                "erase_time_sim": _crossing(t, norm, target, r["t_switch"]),
                "erase_time_sim_error": float(np.std(each, ddof=1) / np.sqrt(len(each))),
                "erase_time_theory": _crossing(t, predicted, target, r["t_switch"]),
                "held_sim": float(norm[before][-1]),
                "held_theory": float(held[before][-1]),
            }
        )
        sim.append(norm)
        theory.append(predicted)
    ax.axvline(r["t_switch"], color="gray", lw=0.8, ls=":")
    ax.set(
        xlabel="time",
        ylabel=r"memory trace $|h(t)| / |h(0)|$",
        yscale="log",
        ylim=(1e-3, 1.5),
        title=rf"(d) reset by the update gate, N = {s['N_reset']}, "
        rf"hold $\beta_z$ = {r['beta_hold']:g}",
    )
    ax.legend(fontsize=7)
    data = xr.Dataset(
        {
            "trace_sim": labelled(
                ("beta_reset", "time"), sim, "(d) memory trace, simulated (rms over networks)"
            ),
            "trace_theory": labelled(
                ("beta_reset", "time"), theory, "(d) memory trace, linear theory at N = inf"
            ),
        },
        coords={
            "beta_reset": labelled(
                "beta_reset", list(s["beta_reset"]), "update-gate bias after the switch"
            ),
            "time": labelled("time", t, "time", "neuron time constants"),
        },
    )
    return records, data


def _crossing(t, trace, target, after) -> float:
    """First time after ``after`` at which ``trace`` falls to ``target`` (interpolated)."""
    idx = np.nonzero((t > after) & (trace <= target))[0]
    if idx.size == 0:
        return math.inf
    j = idx[0]
    return float(np.interp(target, [trace[j], trace[j - 1]], [t[j], t[j - 1]]) - after)


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    s = _settings(args.quick)

    fig, axes = subplots(2, 2, figsize=(13, 10.5))
    with threadpool_limits(1, user_api="blas"):
        line = [{"sigma_I": 0.0, "g_fp": 1.0 / float(expit(GATE["beta_r"]))}] + [
            {"sigma_I": sig, "g_fp": input_instability_gain(sig, **GATE)} for sig in s["sigma_fp"]
        ]
        chaos = _chaos_line(s)
        points = _points(s, args.seed)
        reset, data = _reset(axes[1, 1], s, args.seed)
    _panel_phase(axes[0, 0], s, line, chaos, points)
    _panel_line(axes[0, 1], axes[1, 0], s, points)
    fig.tight_layout()
    on_line = sorted((p for p in points if p["g"] == G_LINE), key=lambda p: p["sigma_I"])
    data = data.assign(
        g_fp=labelled(
            "sigma_fp",
            [r["g_fp"] for r in line],
            "(a) gain above which the fixed point is unstable, DMFT",
        ),
        lambda_dmft=labelled(
            "sigma_I",
            [p["dmft"]["lambda_max"] for p in on_line],
            f"(b) lambda_max at g = {G_LINE:g}, DMFT",
        ),
        lambda_sim=labelled(
            "sigma_I",
            [p["lambda_max"] for p in on_line],
            f"(b) lambda_max at g = {G_LINE:g}, simulated mean",
        ),
        Delta0_dmft=labelled(
            "sigma_I",
            [p["dmft"]["Delta0"] for p in on_line],
            f"(c) Delta0 at g = {G_LINE:g}, DMFT",
        ),
        Delta0_sim=labelled(
            "sigma_I",
            [p["Delta0"] for p in on_line],
            f"(c) Delta0 at g = {G_LINE:g}, simulated mean",
        ),
    ).assign_coords(
        sigma_fp=labelled("sigma_fp", [r["sigma_I"] for r in line], "(a) input strength"),
        sigma_I=labelled("sigma_I", [p["sigma_I"] for p in on_line], "(b, c) input strength"),
    )
    meta = {
        "settings": s,
        "dt": DT,
        "gate": GATE,
        "g_line": G_LINE,
        "reset_setup": RESET,
        "instability_line": line,
        "chaos_line": chaos,
        "points": points,
        "reset": reset,
    }
    return write_outputs(fig, data, meta, args, "gated_inputs", started)


if __name__ == "__main__":
    main()
