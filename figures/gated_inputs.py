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
    stable fixed point coexist.  The line is drawn monotone-cubic in
    ``log sigma_I`` between the inputs where it is computed (dots; within 1 %
    of the solver between them, a test).  Points: simulated ``lambda_max``
    (filled: > 0); diamond: the transition at ``g = 1.9`` measured in (e)
    and extrapolated to ``N -> inf`` in (f), with its standard error.
(b) ``lambda_max`` against ``sigma_I`` at ``g = 1.9``: the network without
    input is at a stable fixed point (``x = 0``); a weak input makes it
    chaotic, a strong one quiescent again.  DMFT (attracting solution, on
    ``sigma_dmft``, the simulated inputs, and the fixed point of Eq. (5) up to
    ``sigma_I*`` where chaos grows from it with ``lambda_max = 0``; the fixed
    point's edge dashed) against Benettin (mean and standard error over
    networks).
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
(e) The cut through the input-induced transition at ``g = 1.9``: the mean
    ``lambda_max`` over networks (each network and its input direction kept
    along the cut: :func:`cut_run`) at several ``N``, against the DMFT (the
    fixed point's edge below ``sigma_I* = 0.1098``, the chaotic solution
    above, monotone-cubic between its nodes).
(f) Where the mean crosses 0 (linear between the two inputs around the sign
    change; jackknife error over networks) against ``1/N``, fitted as
    ``a + b/N`` (:func:`hebbian.mc.extrapolate`), against ``sigma_I*``.  A
    size whose mean does not change sign once on the cut is not used (said
    on the panel).

Full run of (e), (f) (100 time units simulated, ``Delta0`` over the last 50,
then ``lambda_max`` over 100 more; seed 2026): the mean ``lambda_max`` crosses
0 at ``sigma_I`` = 0.137(32) (N = 200, 12 networks), 0.1088(31) (N = 400,
10), 0.1175(60) (N = 800, 6); at N = 100 (12 networks) it stays below 0 up
to 0.18.  Extrapolated: 0.120(11), ``chi2`` = 1.6 for 1 degree of freedom,
+0.9 standard errors from the DMFT's ``sigma_I* = 0.1098``; the slope
``b = -4(5)`` is not significant (a constant fits the three sizes too,
0.1108(27), ``chi2`` = 2.3 for 2).  So the crossing of the mean meets the
DMFT at N >= 400 within its errors, while the exponents above it do not:
chaos is weaker at finite N, by 20-40 % at N = 400-800 (``sigma_I`` = 0.15:
0.0357(39) at N = 400, 0.0375(18) at N = 800, against 0.0456), and at
N = 100-200 many networks sit on periodic orbits (fluctuating, with
``lambda_max ~ 0``), so that their mean hugs 0 and its crossing is loose
(N = 200) or absent (N = 100).  The exponents are scaled down more than
their zero is shifted.  Below ``sigma_I*`` the means lie on or a little
above the DMFT's edge (``sigma_I = 0.09``: -0.051(11) at N = 400 against
-0.068), with some networks chaotic already (1 of 6 at N = 800, 4 of 12 at
N = 100): the edge of a network's fixed point scatters across networks (at
``alpha_r = 5``, ``g = 2.2``, N = 300 by a standard deviation of 0.026,
tests).  The fraction of chaotic networks (recorded) passes 1/2 between
``sigma_I`` = 0.11 and 0.13 at N = 400 and at 0.11 at N = 800.

Quick run (N = 150, 2 networks, 80 time units; the cut at N = 50, 100 with
2 networks runs the code, it measures nothing): at ``g = 1.9`` ``lambda_max``
= -0.236(13) against -0.245 without input and -0.096(35) against -0.045 at
``sigma_I = 2``; at ``sigma_I = 0.3`` the DMFT is chaotic (``lambda_max`` =
0.057, fluctuating variance 0.123) but the simulation at N = 150 barely is
(``lambda_max`` ~ 0, fluctuating variance 0.036).
Away from the transition the DMFT holds: ``Delta0`` within 1 % at
``sigma_I = 2`` and 3 % at ``(sigma_I, g) = (1, 2.5)``; a time-varying
(Ornstein-Uhlenbeck) input matches ``Delta0`` within 1 % and
``lambda_max`` within 0.01 at N = 400 (tests).  Erasure times (1/e) 13.3,
3.18, 1.81 simulated against 12.6, 3.01, 1.71 for ``c`` = 0.12, 0.5, 0.88.

The record holds the DMFT and simulated points of (a)-(c) (``n_sigma`` per
point), the DMFT nodes of (b), (c), the erasure times of (d), and under
``transition`` the cut of (e) per ``N`` (mean, error, fraction chaotic, the
crossing) and the fit of (f) (``n_sigma`` from the DMFT).  The cut's runs are
a sweep (``gated_inputs.cut_N<N>.h5`` in the output folder, resumed after a
kill; ``--workers`` runs them in parallel).
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import xarray as xr
from scipy.interpolate import PchipInterpolator
from scipy.optimize import brentq
from scipy.special import expit, i0e
from threadpoolctl import threadpool_limits

from hebbian.figures._output import labelled, run_figure, series, subplots, sweep
from hebbian.mc import extrapolate
from hebbian.rnn import GatedRNN, lyapunov_spectrum, simulate
from hebbian.theory.gated_dmft import input_instability_gain, solve_gated, static_fixed_point

DT = 0.1
GATE = {"alpha_r": 10.0, "beta_r": -1.0}
G_LINE = 1.9
#: The sweep task of the cut through the transition (panels (e), (f)).
TASK = "hebbian.figures.gated_inputs:cut_run"
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
            "sigma_fp": (0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.45, 1.0, 2.0),
            "sigma_dmft": (0.13, 0.2, 0.7),
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
            "cut": {50: (2, (0.08, 0.14, 0.2)), 100: (2, (0.08, 0.14, 0.2))},
            "cut_times": {"t_sim": 40.0, "t_transient": 20.0, "t_lyap": 40.0},
        }
    return {
        "sigma": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
        "sigma_fp": tuple(np.round(np.geomspace(0.01, 3.0, 30), 4)),
        "sigma_dmft": (0.12, 0.14, *np.round(np.geomspace(0.02, 3.0, 20), 4).tolist()),
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
        "cut": {
            100: (12, (0.07, 0.09, 0.11, 0.13, 0.15, 0.18)),
            200: (12, (0.07, 0.09, 0.11, 0.13, 0.15, 0.18)),
            400: (10, (0.07, 0.09, 0.11, 0.13, 0.15, 0.18)),
            800: (6, (0.09, 0.11, 0.13, 0.15)),
        },
        "cut_times": {"t_sim": 100.0, "t_transient": 50.0, "t_lyap": 100.0},
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


def _simulate(sigma: float, g: float, N: int, key: list, s: dict) -> dict:
    """One network (drawn from the seed ``key``) under the input ``sigma``: its ``h`` statistics
    over ``[t_transient, t_sim]`` and ``lambda_max`` over ``t_lyap`` after that."""
    ss = np.random.SeedSequence(key).spawn(4)
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
        keys = [[seed, round(1000 * sigma), round(1000 * g), s["N"], k] for k in range(s["n_net"])]
        runs = [_simulate(sigma, g, s["N"], key, s) for key in keys]
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


def cut_run(
    N: int,
    network: int,
    sigma_I: float,
    *,
    g: float,
    t_sim: float,
    t_transient: float,
    t_lyap: float,
    seed: int,
) -> dict:
    """One network of the cut at gain ``g`` through the input-induced transition.

    The couplings, the input's direction and the initial state depend on
    ``(seed, N, network)`` only: along the cut one network sees a growing
    input, so the differences between the points of ``sigma_I`` are not
    blurred by new disorder.

    Parameters
    ----------
    N : int
        Neurons.
    network : int
        Index of the disorder sample.
    sigma_I : float
        Input strength.
    g : float
        Gain of ``J^h``.
    t_sim, t_transient, t_lyap : float
        Simulated time, the part of it discarded, and the Benettin run that follows.
    seed : int
        The figure's seed.

    Returns
    -------
    dict
        ``lambda_max``, ``Delta0`` and ``fluctuation`` (as in panels (b), (c)).
    """
    times = {"t_sim": t_sim, "t_transient": t_transient, "t_lyap": t_lyap}
    with threadpool_limits(1, user_api="blas"):
        return _simulate(sigma_I, g, N, [seed, 17, N, network], times)


def _dmft_transition(g: float, sigmas) -> float:
    """``sigma_I*`` at gain ``g``: where the edge of the DMFT's fixed point first crosses 0."""
    edges = [static_fixed_point(g, sigma_I=s, **GATE).lambda_max for s in sigmas]
    k = next(k for k, e in enumerate(edges) if e > 0.0)  # the cut brackets the transition
    return brentq(
        lambda s: static_fixed_point(g, sigma_I=s, **GATE).lambda_max,
        sigmas[k - 1],
        sigmas[k],
        xtol=1e-8,
    )


def _rise(sigma: np.ndarray, lam: np.ndarray) -> tuple[float, float] | str:
    """Where the mean of ``lam`` (networks x inputs) rises through 0, and its jackknife error.

    Linear between the two inputs around the sign change; the leave-one-network-out
    means use the same two.  A reason (text) where the mean does not change sign
    exactly once, from negative to positive, on the cut.
    """
    n, mean = lam.shape[0], lam.mean(axis=0)
    positive = mean > 0.0
    j = int(np.argmax(positive))
    if j == 0 or not positive[j:].all():
        signs = "".join("+" if p else "-" for p in positive)
        return f"mean lambda_max does not change sign once on the cut (signs {signs})"

    def root(m):
        return sigma[j - 1] - m[j - 1] * (sigma[j] - sigma[j - 1]) / (m[j] - m[j - 1])

    jack = np.array([root(m) for m in (lam.sum(axis=0) - lam) / (n - 1)])
    return float(root(mean)), float(np.sqrt((n - 1) * np.mean((jack - jack.mean()) ** 2)))


def _transition(args, s: dict) -> tuple[dict, xr.Dataset]:
    """``lambda_max`` along the cut at ``g = G_LINE`` for each ``N``; the crossings and their
    extrapolation in ``1/N`` against the DMFT's ``sigma_I*``."""
    union = np.array(sorted({x for _, sig in s["cut"].values() for x in sig}))
    star = _dmft_transition(G_LINE, union)
    n_max = max(n for n, _ in s["cut"].values())
    sizes, lam = [], np.full((len(s["cut"]), n_max, union.size), np.nan)
    for i, (N, (n_net, sig)) in enumerate(s["cut"].items()):
        grid = {"network": list(range(n_net)), "sigma_I": list(sig)}
        ds = sweep(args, f"gated_inputs.cut_N{N}", TASK, grid, N=N, g=G_LINE, **s["cut_times"])
        values = ds["lambda_max"].transpose("network", "sigma_I").values
        lam[i, :n_net, np.searchsorted(union, sig)] = values.T
        rec = {
            "N": N,
            "networks": n_net,
            "sigma": list(sig),
            "mean": values.mean(axis=0).tolist(),
            "error": (values.std(axis=0, ddof=1) / np.sqrt(n_net)).tolist(),
            "fraction_chaotic": (values > 0).mean(axis=0).tolist(),
        }
        crossing = _rise(np.asarray(sig), values)
        if isinstance(crossing, str):
            rec["not_used"] = crossing
        else:
            rec["sigma_c"], rec["sigma_c_error"] = crossing
        sizes.append(rec)
    used = [r for r in sizes if "sigma_c" in r]
    result = {"g": G_LINE, "dmft_sigma_c": star, "sizes": sizes}
    if len(used) < 2:
        result["not_extrapolated"] = f"a crossing at {len(used)} size(s); the fit needs 2"
    else:
        fit = extrapolate(
            [r["N"] for r in used],
            [r["sigma_c"] for r in used],
            [r["sigma_c_error"] for r in used],
        )
        result |= {
            "sigma_c": fit.value,
            "sigma_c_error": fit.error,
            "slope_1_over_N": fit.slope,
            "slope_error": fit.slope_error,
            "chi2": fit.chi2 if fit.dof else None,
            "dof": fit.dof,
            "n_sigma": (fit.value - star) / fit.error,
        }
    data = xr.Dataset(
        {
            "cut_lambda": labelled(
                ("cut_N", "network", "cut_sigma"),
                lam,
                f"(e) lambda_max of each network along the cut at g = {G_LINE:g} (NaN: none)",
            )
        },
        coords={
            "cut_N": labelled("cut_N", list(s["cut"]), "(e, f) neurons"),
            "cut_sigma": labelled("cut_sigma", union, "(e) input strength on the cut"),
        },
    )
    return result, data


def _dmft_cut(low: float, high: float, line: list) -> tuple[np.ndarray, np.ndarray]:
    """The DMFT's ``lambda_max`` on ``[low, high]``, smooth: the fixed point's edge below
    ``sigma_I*`` (on a fine grid), and above it the chaotic solution on the nodes of
    :func:`_dmft_line`, interpolated (monotone cubic) from 0 at ``sigma_I*``."""
    star = next(r["sigma_I"] for r in line if r["branch"] == "onset")
    below = np.linspace(low, star, 12)[:-1]
    edge = [static_fixed_point(G_LINE, sigma_I=x, **GATE).lambda_max for x in below]
    nodes = [(r["sigma_I"], r["lambda_max"]) for r in line if r["sigma_I"] >= star]
    x, y = np.array(nodes).T
    fine = np.linspace(star, min(high, x[-1]), 40)
    return np.r_[below, fine], np.r_[edge, PchipInterpolator(x, y)(fine)]


def _panel_cut(ax, result: dict, line: list) -> None:
    star = result["dmft_sigma_c"]
    union = [x for r in result["sizes"] for x in r["sigma"]]
    x, y = _dmft_cut(min(union), max(union), line)
    ax.plot(x, y, "k-", lw=1.2, label=rf"DMFT, $\sigma_I^*$ = {star:.4f}")
    shift = 0.002 * (np.arange(len(result["sizes"])) - 0.5 * (len(result["sizes"]) - 1))
    for k, r in enumerate(result["sizes"]):
        ax.errorbar(
            np.asarray(r["sigma"]) + shift[k],
            r["mean"],
            r["error"],
            **series(k, points=True),
            ms=4,
            lw=0.8,
            capsize=2,
            label=f"N = {r['N']} ({r['networks']} networks)",
        )
    ax.axhline(0.0, color="gray", lw=0.7, ls=":")
    ax.axvline(star, color="gray", lw=0.7, ls=":")
    ax.set(
        xlabel=r"$\sigma_I$",
        ylabel=r"mean $\lambda_{max}$ over networks",
        title=rf"(e) the input-induced transition at g = {G_LINE:g}",
    )
    ax.legend(fontsize=7)


def _panel_extrapolation(ax, result: dict) -> None:
    used = [r for r in result["sizes"] if "sigma_c" in r]
    star = result["dmft_sigma_c"]
    ax.axhline(star, color="k", lw=1.0, ls="--", label=rf"DMFT $\sigma_I^*$ = {star:.4f}")
    ax.errorbar(
        [1.0 / r["N"] for r in used],
        [r["sigma_c"] for r in used],
        [r["sigma_c_error"] for r in used],
        fmt="o",
        color="C3",
        capsize=2,
        label=r"mean $\lambda_{max}$ crosses 0",
    )
    notes = [f"N = {r['N']}: {r['not_used']}" for r in result["sizes"] if "not_used" in r]
    if "sigma_c" in result:
        a, b = result["sigma_c"], result["slope_1_over_N"]
        inv = np.linspace(0.0, 1.0 / min(r["N"] for r in used), 20)
        chi = (
            ""
            if result["chi2"] is None
            else rf", $\chi^2$/dof = {result['chi2']:.1f}/{result['dof']}"
        )
        ax.plot(inv, a + b * inv, "C3-", lw=0.9, label=rf"fit $a + b/N${chi}")
        ax.errorbar(
            [0.0],
            [a],
            [result["sigma_c_error"]],
            fmt="D",
            color="C3",
            capsize=3,
            label=rf"$N \to \infty$: {a:.3f} $\pm$ {result['sigma_c_error']:.3f} "
            rf"({result['n_sigma']:+.1f}$\sigma$ from DMFT)",
        )
    else:
        notes.append(f"not extrapolated: {result['not_extrapolated']}")
    if notes:
        ax.text(0.98, 0.5, "\n".join(notes), transform=ax.transAxes, fontsize=7, ha="right")
    ax.set(
        xlabel="1/N",
        ylabel=r"transition $\sigma_I$",
        title=rf"(f) transition point against 1/N, g = {G_LINE:g}",
    )
    ax.set_xlim(left=-0.0005)
    ax.legend(fontsize=7)


def _smooth_line(line: list) -> tuple[np.ndarray, np.ndarray]:
    """``g_fp(sigma_I)`` between its computed inputs > 0: monotone cubic in ``log sigma_I``."""
    nodes = sorted((r["sigma_I"], r["g_fp"]) for r in line if r["sigma_I"] > 0)
    x, y = np.log(np.array(nodes)).T[0], np.array(nodes).T[1]
    fine = np.linspace(x[0], x[-1], 300)
    return np.exp(fine), PchipInterpolator(x, y)(fine)


def _panel_phase(ax, s: dict, line: list, chaos: list, points: list, result: dict) -> None:
    ax.plot(*_smooth_line(line), "k-", lw=1.3, label="DMFT: fixed point unstable above")
    ax.plot(
        [r["sigma_I"] for r in line],
        [r["g_fp"] for r in line],
        "k.",
        ms=4,
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
    if "sigma_c" in result:
        ax.errorbar(
            [result["sigma_c"]],
            [result["g"]],
            xerr=[result["sigma_c_error"]],
            fmt="D",
            ms=6,
            color="C2",
            capsize=3,
            label=r"simulated transition, $N \to \infty$ (f)",
        )
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


def _dmft_line(s: dict, points: list, star: float) -> list[dict]:
    """The DMFT at ``g = G_LINE`` on the simulated inputs, ``sigma_dmft``, ``sigma_I*`` (where
    the chaotic solution grows from the fixed point: ``lambda_max = 0``) and 8 inputs below it
    (where the attracting solution is the fixed point of Eq. (5))."""
    known = {p["sigma_I"]: p["dmft"] for p in points if p["g"] == G_LINE}
    extra = {x: _dmft(x, G_LINE) for x in s["sigma_dmft"] if x not in known}
    for x in [*np.geomspace(0.01, star, 9)[:-1].tolist(), star]:
        fixed = static_fixed_point(G_LINE, sigma_I=x, **GATE)
        extra[x] = {
            "branch": "fixed point",
            "Delta0": fixed.Delta0,
            "fluctuation": 0.0,
            "lambda_max": fixed.lambda_max,
            "fixed_point_lambda": fixed.lambda_max,
        }
    extra[star] |= {"branch": "onset", "lambda_max": 0.0, "fixed_point_lambda": 0.0}
    nodes = known | extra
    return [
        {"sigma_I": x} | d
        for x, d in sorted(nodes.items())
        if np.isfinite(d["lambda_max"])  # the solver's lambda_max at the very onset
    ]


def _on_line(points: list) -> list:
    """The simulated points at the gain ``G_LINE`` of panels (b) and (c), by input strength."""
    return sorted((p for p in points if p["g"] == G_LINE), key=lambda p: p["sigma_I"])


def _panel_line(ax_lam, ax_var, s: dict, points: list, line: list) -> None:
    on_line = _on_line(points)
    sig = [p["sigma_I"] for p in on_line]
    x = [r["sigma_I"] for r in line]
    ax_lam.plot(
        x,
        [r["lambda_max"] for r in line],
        "k.-",
        ms=3,
        lw=1.2,
        label="DMFT (attracting solution; points: computed)",
    )
    ax_lam.plot(
        x,
        [r["fixed_point_lambda"] for r in line],
        "k.--",
        ms=3,
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
            f"finite N = {s['N']}: chaos is weaker than at N = inf (many networks",
            "sit on periodic orbits, lambda_max ~ 0); the transition",
            "itself, extrapolated in 1/N, in (e) and (f)",
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
    for k, (key, name) in enumerate(
        (("Delta0", r"$\Delta_0$"), ("fluctuation", "fluctuating part"))
    ):
        style = series(k, points=True)
        ax_var.plot(
            x,
            [r[key] for r in line],
            ls=style["ls"],
            color=style["color"],
            marker=".",
            ms=3,
            lw=1.2,
            label=f"DMFT {name} (points: computed)",
        )
        ax_var.errorbar(
            sig,
            [p[key] for p in on_line],
            [p[f"{key}_error"] for p in on_line],
            ls="none",
            marker=style["marker"],
            color=style["color"],
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
        ax.plot(t[::10], norm[::10], ms=3, **series(k, line=False, points=True))
        ax.plot(
            t,
            predicted,
            **series(k),
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


def draw(args) -> tuple:
    """Panels (a)-(f) and the run record."""
    s = _settings(args.quick)

    fig, axes = subplots(2, 3, figsize=(19, 10.5))
    with threadpool_limits(1, user_api="blas"):
        line = [{"sigma_I": 0.0, "g_fp": 1.0 / float(expit(GATE["beta_r"]))}] + [
            {"sigma_I": sig, "g_fp": input_instability_gain(sig, **GATE)} for sig in s["sigma_fp"]
        ]
        chaos = _chaos_line(s)
        points = _points(s, args.seed)
        reset, data = _reset(axes[1, 1], s, args.seed)
        transition, cut = _transition(args, s)
        dmft_line = _dmft_line(s, points, transition["dmft_sigma_c"])
        _panel_cut(axes[0, 2], transition, dmft_line)
    _panel_phase(axes[0, 0], s, line, chaos, points, transition)
    _panel_line(axes[0, 1], axes[1, 0], s, points, dmft_line)
    _panel_extrapolation(axes[1, 2], transition)
    fig.tight_layout()
    on_line = _on_line(points)
    data = (
        data.merge(cut)
        .assign(
            g_fp=labelled(
                "sigma_fp",
                [r["g_fp"] for r in line],
                "(a) gain above which the fixed point is unstable, DMFT",
            ),
            **{
                f"{key}_{source}": labelled(
                    "sigma_I",
                    [p["dmft"][field] if source == "dmft" else p[field] for p in on_line],
                    f"({panel}) {field} at g = {G_LINE:g}, "
                    + ("DMFT" if source == "dmft" else "simulated mean"),
                )
                for key, field, panel in (("lambda", "lambda_max", "b"), ("Delta0", "Delta0", "c"))
                for source in ("dmft", "sim")
            },
        )
        .assign_coords(
            sigma_fp=labelled("sigma_fp", [r["sigma_I"] for r in line], "(a) input strength"),
            sigma_I=labelled("sigma_I", [p["sigma_I"] for p in on_line], "(b, c) input strength"),
        )
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
        "transition": transition,
        "dmft_line": dmft_line,
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("gated_inputs", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
