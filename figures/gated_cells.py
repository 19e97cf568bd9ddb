"""Random GRU and LSTM cells: Jacobian spectra vs random-matrix discs, slow modes as gates shut.

Autonomous discrete-time cells with ``N(0, 1/N)`` couplings
(:class:`hebbian.rnn.GRUCell`, :class:`hebbian.rnn.LSTMCell`; conventions in
:mod:`hebbian.rnn.cells`, stated there and not transcribed from Can,
Krishnamurthy and Schwab, arXiv:2002.00025);
predictions from :func:`hebbian.rnn.spectral_support`, derived in
:mod:`hebbian.rnn.spectra`.

(a) GRU Jacobian eigenvalues at the fixed point ``h = 0`` (``g = 2``,
    ``b_r = 0``) for ``b_z = 0`` and ``b_z = -3``, with the predicted discs
    centred at ``1 - z0`` of radius ``g z0 r0`` (``z0 = sigma(b_z)``,
    ``r0 = sigma(b_r)``; circular law) and the unit circle: shutting the
    update gate shrinks the disc onto 1.
(b) LSTM eigenvalues at ``(h, c) = 0`` (``g = 2``, ``b_f = 1``): the disc
    centred at ``f0`` of radius ``g i0 o0`` plus the ``N``-fold eigenvalue 0;
    the record holds the largest distance to the exact finite-``N``
    eigenvalues ``f0 + g i0 o0 eig(U_g)`` (:func:`hebbian.rnn.fixed_point_eigenvalues`).
(c) Slow-mode fraction (eigenvalues with ``| |lambda| - 1 | < 0.02``,
    :func:`hebbian.rnn.slow_mode_fraction`) against the update fraction
    ``z0 = sigma(b_z)`` (GRU) or ``1 - f0 = sigma(-b_f)`` (LSTM) at ``g = 6``:
    averaged over states on the attractor (markers) and at ``x = 0`` (lines;
    at most 1/2 for the LSTM, whose other ``N`` eigenvalues are 0).
(d) Largest Lyapunov exponent per step (:func:`hebbian.rnn.map_lyapunov_spectrum`,
    one exponent) along the same orbits: chaotic with open gates, it falls
    towards 0 as the update gate shuts (GRU) or the forget gate opens (LSTM),
    while the modes pile up near the unit circle.

(e)-(h) Fixed points of the random GRU against the mean-field theory of
:mod:`hebbian.theory.gru` (the fixed points do not depend on the update gate;
their stability does, through ``J = 1 - z + z M`` at the fixed point):

(e) Phase diagram in the (reset bias ``b_r``, gain ``g``) plane at ``a_r =
    4``, ``b_h = 0``: ``h = 0`` loses stability at ``g sigma(b_r) = 1``;
    above the tricritical reset gain (``a_r* = 4`` at ``b_r = 0.281``) active
    fixed points appear at a fold below that line (region II: ``h = 0``
    stable together with unstable active fixed points); on the active branch
    ``rho >= 1`` (all unstable, region III).  Markers: the fate of orbits
    from ``h_0 ~ N(0, 1)`` (``a_z = 1``, ``b_z = 0``).  Quick run (N = 100,
    3 networks per point): every orbit reaches ``h = 0`` in region I; in
    region II at ``b_r = -1``, ``g = 3.5`` one orbit in 3 stays off every
    fixed point (a chaotic state coexisting with the stable ``h = 0``); above
    ``1/sigma(b_r)`` none reaches 0.
(f) The fixed point of ``b_h = 0.5`` (``a_r = 4``, ``b_r = -1``) continued
    in ``g`` by Newton: ``C = <h^2>`` and ``rho = max |eig M|`` against
    Eqs. (1)-(4); stable up to ``rho = 1`` at ``g = 2.294``.  Agree in the
    stable range: quick run (N = 100, 3 networks) ``C`` = 0.213(3), 0.223(11),
    0.263(36), 0.317(52) vs 0.217, 0.227, 0.250, 0.291 at g = 0.5, 1, 1.5,
    2; larger checks (Newton from ``tanh(b_h)``) 0.2526(19) vs 0.2496
    (g = 1.5) and 0.2926(24) vs 0.2912 (g = 2) at N = 800, 6 networks.
    ``max |eig M|`` lies above ``rho`` by the finite-N Ginibre edge (0.894(33)
    vs 0.877 at g = 2, N = 100).  Disagree beyond the instability: the
    continued point (one of many fixed points there) keeps a smaller ``C``
    (0.380(23), 0.382(13) vs 0.441, 0.518 at g = 3, 3.5): there the fixed
    points are many and the mean field (a cavity theory of one fixed point
    that moves continuously with the couplings) no longer says which one
    Newton follows.
(g) Slowest time scale ``1/(1 - |lambda|_max)`` at the stable fixed point
    (``g = 1.5``) against the update bias: mean field ``1/(sigma(b_z) (1 -
    rho))`` with ``rho = 0.656``, constant update gate (``a_z = 0``) and the
    package's default ``a_z = 1``, and the same disc at the simulated ``N``
    (Ginibre).  Agree: 3.6(5), 6.1(7), 25(2), 165(16), 1201(113) vs 3.30,
    5.81, 24.4, 161, 1174 at ``b_z`` = 2 ... -6 (N = 100, 3 networks).  At
    N = 300 (6 networks) the measured time is 12% short (1039(60) vs 1174 at
    ``b_z = -6``, 2.3 standard errors) while the Ginibre disc gives 1202(44):
    ``M``'s eigenvalue density is far from uniform (mean ``|mu|^2`` = 0.107
    against 0.215 for a uniform disc of radius 0.656), so the edge fills
    slowly with N (rightmost eigenvalue 0.60 at N = 300, 0.63 at N = 800);
    the measured over predicted gap ``1 - |lambda|_max`` is 1.15(5),
    1.04(3), 1.00(1) at N = 200, 400, 800 (8, 8, 6 networks; 1174(16) vs
    1174 at N = 800).  ``a_z = 1`` is slower: the gates ``z_j = sigma(a_z
    (U_z h)_j + b_z)`` differ between units and the spectrum of ``J`` fills
    Eq. (5) of :mod:`hebbian.theory.gru`, reaching towards ``1 - z_j`` of the
    most shut units (dashed: Eq. (5) with the typical gates of ``N`` units,
    :func:`hebbian.theory.gru.update_gate_quantiles`; open diamonds: with
    each network's own gates, :func:`hebbian.theory.gru.update_gate_gap`).
    Agree: quick run 1469(170) measured vs 1581(89) (own gates) and 1719
    (typical) at ``b_z = -6``, against 1174 for a constant gate; measured
    over predicted gap 1.04(2) (``b_z = -6``) and 0.99(2) (``b_z = 0``) at
    N = 800 (6 networks; 1.14(3), 1.16(5) at N = 200, the same finite-N
    offset as ``a_z = 0``).  As ``N -> inf`` the spectrum reaches 1 (the
    gates' law reaches ``z -> 0``): the slowest time grows with ``N``, as
    ``1/z_(1)`` of the most shut unit (2304(270) steps at N = 800 vs 1604(92)
    at N = 200, ``b_z = -6``), so it has no finite ``N -> inf`` limit to
    extrapolate to.
(h) ``b_h = 0``, ``b_r = -1``: the mean-field branch of active fixed points
    (fold at g = 2.794, ``h = 0`` unstable at 3.718), the ``C`` of the
    distinct active fixed points found by Newton from states of an orbit and
    from small random states (a lower bound on their number), and the
    fraction of orbits that reach ``h = 0``.  Quick run (N = 100, 3
    networks, 6 starts each): none found at g = 2.4 (below the fold), one
    at g = 3.0 (C = 0.051; middle branch 0.064), five at g = 3.4 with C =
    0.005-0.026 and 0.48-0.54 around the two branches (0.018 and 0.447);
    Newton from chaotic orbits fails at g = 4.0 (none found).  Every orbit
    reaches ``h = 0`` up to g = 3.0, one in 3 at 3.4, none at 4.0.

The record holds the measured (``max |lambda - centre|``, mean) and predicted
disc radius and centre per spectrum, and per bias the slow-mode fractions and
``lambda_max`` (mean and standard error over independent cells); for (e)-(h)
theory and simulation side by side under ``gru_fixed_points``.
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy import optimize
from scipy.optimize import linear_sum_assignment
from scipy.special import expit
from threadpoolctl import threadpool_limits

from hebbian.figures._output import (
    LINESTYLES,
    MARKERS,
    labelled,
    run_figure,
    series,
    smooth,
    subplots,
)
from hebbian.rnn import (
    GRUCell,
    LSTMCell,
    find_fixed_points,
    fixed_point_eigenvalues,
    jacobian_spectrum,
    map_lyapunov_spectrum,
    slow_mode_fraction,
    spectral_support,
)
from hebbian.theory import gru as gru_theory

G_SPEC, G_CHAOS = 2.0, 6.0
B_Z_SPEC = (0.0, -3.0)
B_F_SPEC = 1.0
EPS = 0.02
LABELS = {"gru": r"GRU, $z_0 = \sigma(b_z)$", "lstm": r"LSTM, $1 - f_0 = \sigma(-b_f)$"}
#: GRU fixed points: reset-gate gain, the cut's reset bias and the candidate bias of (f), (g)
A_R, B_R_CUT, B_H_CUT = 4.0, -1.0, 0.5
#: (g): the gain of the stable fixed point whose slow modes are measured
G_SLOW = 1.5
#: long-run dynamics: converged when a step moves no unit by more than this; at 0 below ZERO_H
STEP_TOL, ZERO_H = 1e-9, 1e-5
FATES = ("zero", "other", "none")
NAMES = {"C": "$C = <h^2>$", "rho": r"$\rho$, Eq. (4)"}
FATE_LABELS = {
    "zero": "reaches h = 0",
    "other": "reaches another fixed point",
    "none": "no fixed point reached",
}


def _settings(quick: bool) -> dict:
    """Sizes and lengths of the quick and the full run."""
    if quick:
        return {
            "N_spec": 200,
            "N": 120,
            "b_z": (2.0, 0.0, -2.0, -4.0, -6.0),
            "b_f": (-2.0, 0.0, 2.0, 4.0, 6.0),
            "n_samples": 2,
            "n_transient": 200,
            "n_steps": 600,
            "n_states": 2,
            "N_fp": 100,
            "n_nets": 3,
            "b_r_grid": (-2.0, -1.0, 0.0, 1.0),
            "g_grid": (1.5, 2.5, 3.5, 4.5),
            "g_cut": tuple(np.linspace(0.5, 3.5, 7)),
            "g_count": (2.4, 3.0, 3.4, 4.0),
            "b_z_slow": (2.0, 0.0, -2.0, -4.0, -6.0),
            "n_newton": 6,
            "n_dyn": 1500,
        }
    return {
        "N_spec": 400,
        "N": 300,
        "b_z": tuple(np.arange(3.0, -7.5, -1.0)),
        "b_f": tuple(np.arange(-3.0, 7.5, 1.0)),
        "n_samples": 3,
        "n_transient": 1000,
        "n_steps": 4000,
        "n_states": 3,
        "N_fp": 300,
        "n_nets": 6,
        "b_r_grid": tuple(np.arange(-2.5, 1.6, 1.0)),
        "g_grid": tuple(np.arange(1.0, 6.1, 1.0)),
        "g_cut": tuple(np.linspace(0.25, 4.0, 16)),
        "g_count": tuple(np.arange(2.2, 4.5, 0.3)),
        "b_z_slow": tuple(np.arange(3.0, -7.5, -1.0)),
        "n_newton": 8,
        "n_dyn": 4000,
    }


def _disc(ax, support, color: str, label: str, ls="-"):
    angle = np.linspace(0, 2 * np.pi, 400)
    ax.plot(
        support.centre + support.radius * np.cos(angle),
        support.radius * np.sin(angle),
        ls=ls,
        color=color,
        lw=1.2,
        label=label,
    )


def _measure(cell, eigs, support) -> dict:
    """Measured against predicted disc; eigenvalues at the isolated points are left out."""
    bulk = eigs[np.all(np.abs(eigs[:, None] - np.array(support.points)) > 1e-6, axis=1)]
    return {
        "centre_predicted": support.centre,
        "centre_measured": float(bulk.real.mean()),
        "radius_predicted": support.radius,
        "radius_measured": float(np.abs(bulk - support.centre).max()),
        "points": list(support.points),
        "n_eigenvalues": int(eigs.size),
        "n_random_part": int(bulk.size),
        "slow_fraction": slow_mode_fraction(eigs, EPS),
    }


def _finish_spectrum_axes(ax, title: str):
    angle = np.linspace(0, 2 * np.pi, 400)
    ax.plot(np.cos(angle), np.sin(angle), "k:", lw=0.8, label="unit circle")
    ax.set(aspect="equal", xlabel=r"Re $\lambda$", ylabel=r"Im $\lambda$", title=title)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2)


def _panel_gru(ax, s: dict, seed: int) -> list[dict]:
    N = s["N_spec"]
    base = GRUCell.sample(N, G_SPEC, rng=np.random.SeedSequence([seed, 1]))
    records = []
    zoom = ax.inset_axes([0.04, 0.04, 0.3, 0.3])  # the shut gate's disc is small
    for k, b_z in enumerate(B_Z_SPEC):
        cell = GRUCell(base.Uz, base.Ur, base.Uh, G_SPEC, b_z=b_z)
        eigs = jacobian_spectrum(cell, np.zeros(N))
        support = spectral_support(cell)
        for axis in (ax, zoom):
            axis.plot(
                eigs.real,
                eigs.imag,
                ".+x"[k % 3],
                ms=2 if k == 0 else 3,
                color=f"C{k}",
                label=f"$b_z$ = {b_z:g} ({N} eigenvalues)",
            )
            _disc(
                axis,
                support,
                f"C{k}",
                f"predicted: centre {support.centre:.3f}, radius {support.radius:.3f}",
                ls=LINESTYLES[k % len(LINESTYLES)],
            )
        records.append({"b_z": b_z, **_measure(cell, eigs, support)})
    small = records[-1]
    half = 1.3 * small["radius_predicted"]
    zoom.set(
        xlim=(small["centre_predicted"] - half, small["centre_predicted"] + half),
        ylim=(-half, half),
        aspect="equal",
        xticks=[],
        yticks=[],
    )
    _finish_spectrum_axes(ax, f"(a) GRU at h = 0, g = {G_SPEC:g}, N = {N}")
    return records


def _panel_lstm(ax, s: dict, seed: int) -> dict:
    N = s["N_spec"]
    cell = LSTMCell.sample(N, G_SPEC, b_f=B_F_SPEC, rng=np.random.SeedSequence([seed, 2]))
    eigs = jacobian_spectrum(cell, np.zeros(2 * N))
    support = spectral_support(cell)
    exact = fixed_point_eigenvalues(cell)
    cost = np.abs(eigs[:, None] - exact[None, :])
    distance = float(cost[linear_sum_assignment(cost)].max())
    ax.plot(eigs.real, eigs.imag, ".", ms=2, color="C0", label=f"eigenvalues ({2 * N})")
    ax.plot(
        exact.real,
        exact.imag,
        "o",
        ms=4,
        mfc="none",
        mew=0.5,
        color="C1",
        label=r"$f_0 + g i_0 o_0\,\mathrm{eig}(U_g)$ and 0",
    )
    _disc(
        ax, support, "C3", f"predicted: centre {support.centre:.3f}, radius {support.radius:.3f}"
    )
    ax.plot([0.0], [0.0], "kx", ms=9, mew=2, label=f"0 ({N}-fold)")
    _finish_spectrum_axes(
        ax,
        f"(b) LSTM at (h, c) = 0, g = {G_SPEC:g}, $b_f$ = {B_F_SPEC:g}, "
        f"N = {N}\nlargest distance to exact {distance:.1e}",
    )
    return {"b_f": B_F_SPEC, **_measure(cell, eigs, support), "max_distance_to_exact": distance}


def _orbit_statistics(cell, s: dict, ss) -> tuple[float, float]:
    """``lambda_max`` along an orbit and the slow-mode fraction at states on it."""
    x0 = np.random.default_rng(ss[0]).standard_normal(cell.n_dim)
    res = map_lyapunov_spectrum(
        cell, x0, s["n_steps"], k=1, n_transient=s["n_transient"], rng=ss[1]
    )
    states = cell.iterate(res.state, 10 * s["n_states"], record_every=10)[1:]
    slow = np.mean([slow_mode_fraction(jacobian_spectrum(cell, x), EPS) for x in states])
    return float(res.exponents[0]), float(slow)


def _sweep(model: str, s: dict, seed: int) -> list[dict]:
    """Slow modes and ``lambda_max`` against the update (GRU) or forget (LSTM) bias."""
    cls, name = (GRUCell, "b_z") if model == "gru" else (LSTMCell, "b_f")
    records = []
    for i, bias in enumerate(s[name]):
        lam, slow, slow_fixed = [], [], []
        for m in range(s["n_samples"]):
            ss = np.random.SeedSequence([seed, 3, model == "gru", i, m]).spawn(3)
            cell = cls.sample(s["N"], G_CHAOS, rng=ss[0], **{name: bias})
            lam_m, slow_m = _orbit_statistics(cell, s, ss[1:])
            lam.append(lam_m)
            slow.append(slow_m)
            slow_fixed.append(slow_mode_fraction(fixed_point_eigenvalues(cell), EPS))
        err = np.std(lam, ddof=1) / np.sqrt(len(lam))
        update = float(expit(bias) if model == "gru" else expit(-bias))
        records.append(
            {
                name: float(bias),
                "update_fraction": update,
                "lambda_max": float(np.mean(lam)),
                "lambda_max_error": float(err),
                "slow_fraction_attractor": float(np.mean(slow)),
                "slow_fraction_fixed_point": float(np.mean(slow_fixed)),
            }
        )
    return records


def _panel_sweeps(ax_slow, ax_lam, sweeps: dict, s: dict):
    for k, (model, records) in enumerate(sweeps.items()):
        x = [r["update_fraction"] for r in records]
        label = LABELS[model]
        ax_slow.plot(
            x,
            [r["slow_fraction_attractor"] for r in records],
            ls="none",
            marker=MARKERS[k % len(MARKERS)],
            color=f"C{k}",
            label=f"{label}, attractor",
        )
        ax_slow.plot(
            x,
            [r["slow_fraction_fixed_point"] for r in records],
            ls=LINESTYLES[(k + 1) % len(LINESTYLES)],
            marker=".",
            ms=3,
            color=f"C{k}",
            label=f"{model.upper()} at x = 0",
        )
        ax_lam.errorbar(
            x,
            [r["lambda_max"] for r in records],
            [r["lambda_max_error"] for r in records],
            **series(k, points=True),
            ms=4,
            capsize=2,
            label=label,
        )
    ax_slow.set(
        xscale="log",
        xlabel="update fraction at x = 0",
        ylabel="slow-mode fraction",
        title=f"(c) modes with $||\\lambda| - 1| < {EPS:g}$, g = {G_CHAOS:g}, N = {s['N']}",
    )
    ax_slow.legend(fontsize=7)
    ax_lam.axhline(0.0, color="gray", lw=0.7, ls=":")
    ax_lam.set(
        xscale="log",
        xlabel="update fraction at x = 0",
        ylabel=r"$\lambda_{max}$ per step",
        title=f"(d) largest Lyapunov exponent, {s['n_samples']} cell(s) x {s['n_steps']} steps",
    )
    ax_lam.legend(fontsize=7)


def _candidate_map(cell) -> GRUCell:
    """The same couplings with the update gate open (``z = sigma(40) = 1`` exactly): ``h' = c``.

    Its fixed points are the cell's (``z`` does not enter them) and its
    Jacobian there is ``M`` of :mod:`hebbian.theory.gru`.
    """
    return GRUCell(
        cell.Uz,
        cell.Ur,
        cell.Uh,
        cell.g,
        a_z=0.0,
        a_r=cell.a_r,
        b_z=40.0,
        b_r=cell.b_r,
        b_h=cell.b_h,
    )


def _newton(cell, starts, max_iter: int = 40):
    """Fixed points of the cell by Newton from each start (find_fixed_points)."""
    M, eye = _candidate_map(cell), np.eye(cell.N)
    return find_fixed_points(
        lambda h: M.step(h) - h,
        lambda h: M.jacobian(h) - eye,
        np.atleast_2d(starts),
        max_iter=max_iter,
    )


def _stable_point(cell, h, n_steps: int = 2000):
    """Newton from ``h``; where it stalls, Newton again after ``n_steps`` steps of the map.

    Returns the fixed point, or ``None`` where neither converges.
    """
    for start in (h, cell.iterate(h, n_steps, record_every=n_steps)[-1]):
        found = _newton(cell, start)
        if found.points.shape[0]:
            return found.points[0]
    return None


def _spectral_radius(cell, h) -> float:
    """``max |eig M|`` at the fixed point ``h``: the radius ``rho`` of Eq. (4)."""
    return float(np.abs(jacobian_spectrum(_candidate_map(cell), h)).max())


def _settle(cell, h, n_steps: int) -> int:
    """Long-run fate of the orbit from ``h``: 0 (to h = 0), 1 (another fixed point), 2 (none)."""
    for _ in range(n_steps):
        h_new = cell.step(h)
        if np.max(np.abs(h_new - h)) < STEP_TOL:
            return 0 if np.max(np.abs(h_new)) < ZERO_H else 1
        h = h_new
    return 2


def _phase_sim(s: dict, seed: int) -> list[dict]:
    """Long-run dynamics (``a_z = 1``, ``b_z = 0``) from ``h_0 ~ N(0, 1)`` on the (b_r, g) grid."""
    records = []
    for i, b_r in enumerate(s["b_r_grid"]):
        for j, g in enumerate(s["g_grid"]):
            fates = []
            for m in range(s["n_nets"]):
                ss = np.random.SeedSequence([seed, 4, i, j, m]).spawn(2)
                cell = GRUCell.sample(s["N_fp"], g, a_r=A_R, b_r=b_r, rng=ss[0])
                h0 = np.random.default_rng(ss[1]).standard_normal(s["N_fp"])
                fates.append(_settle(cell, h0, s["n_dyn"]))
            fates = np.array(fates)
            records.append(
                {
                    "b_r": float(b_r),
                    "g": float(g),
                    **{
                        f"fraction_{name}": float(np.mean(fates == k))
                        for k, name in enumerate(FATES)
                    },
                }
            )
    return records


def _phase_theory(b_r) -> dict:
    """Zero-instability and fold gains of the active fixed points against ``b_r``."""
    folds = [gru_theory.fold_gain(a_r=A_R, b_r=float(b)) for b in b_r]
    b_tri = optimize.brentq(lambda b: gru_theory.reset_tricritical_gain(b) - A_R, -5.0, 2.0 / 3.0)
    return {
        "b_r": [float(b) for b in b_r],
        "g_zero": [gru_theory.zero_instability_gain(float(b)) for b in b_r],
        "g_fold": [f["g"] if f.success else math.nan for f in folds],
        "b_r_tricritical": float(b_tri),
        "g_tricritical": gru_theory.zero_instability_gain(b_tri),
    }


def _panel_phase(ax, theory: dict, records: list[dict], s: dict):
    ax.plot(
        *smooth(theory["b_r"], theory["g_zero"]),
        "k-",
        label=r"$h = 0$ unstable: $g\,\sigma(b_r) = 1$",
    )
    ax.plot(theory["b_r"], theory["g_fold"], "C3--", label="active fixed points appear (fold)")
    ax.plot(
        theory["b_r_tricritical"],
        theory["g_tricritical"],
        "k*",
        ms=10,
        label=f"tricritical: $a_r^* = {A_R:g}$",
    )
    for k, (name, marker) in enumerate(zip(FATES, "o^s", strict=True)):
        sel = [r for r in records if r[f"fraction_{name}"] > 0]
        ax.scatter(
            [r["b_r"] + 0.06 * (k - 1) for r in sel],
            [r["g"] for r in sel],
            s=[60 * r[f"fraction_{name}"] for r in sel],
            marker=marker,
            color=f"C{k}",
            label=f"simulation: {FATE_LABELS[name]}",
        )
    for label, (b_r, g) in {"I": (-2.3, 1.0), "II": (-2.3, 4.9), "III": (1.2, 3.0)}.items():
        ax.text(b_r, g, label, fontsize=12, weight="bold", ha="center", va="center")
    ax.text(
        0.02,
        0.02,
        "I: one stable fixed point $h = 0$\nII: $h = 0$ stable + unstable "
        "active ones\nIII: all unstable",
        transform=ax.transAxes,
        fontsize=7,
        va="bottom",
    )
    ax.set(
        xlabel="reset-gate bias $b_r$",
        ylabel="candidate gain $g$",
        ylim=(0.0, max(s["g_grid"]) + 1.0),
        title=f"(e) GRU fixed points, $a_r$ = {A_R:g}, $b_h$ = 0\nmarkers: orbits of N = "
        f"{s['N_fp']}, {s['n_nets']} nets per point (area: fraction)",
    )
    ax.legend(fontsize=6, loc="upper right")


def _cut_sim(s: dict, seed: int) -> dict:
    """Fixed point continued in ``g`` (Newton from the previous one), ``b_h = B_H_CUT``."""
    C, rho = [], []
    for m in range(s["n_nets"]):
        base = GRUCell.sample(
            s["N_fp"],
            1.0,
            a_r=A_R,
            b_r=B_R_CUT,
            b_h=B_H_CUT,
            rng=np.random.SeedSequence([seed, 5, m]),
        )
        h = np.full(s["N_fp"], np.tanh(B_H_CUT))
        C_m, rho_m = [], []
        for g in s["g_cut"]:
            cell = GRUCell(base.Uz, base.Ur, base.Uh, g, a_r=A_R, b_r=B_R_CUT, b_h=B_H_CUT)
            point = _stable_point(cell, h)
            if point is not None:
                h = point
                C_m.append(float(np.mean(h**2)))
                rho_m.append(_spectral_radius(cell, h))
            else:
                C_m.append(math.nan)
                rho_m.append(math.nan)
        C.append(C_m)
        rho.append(rho_m)
    return {"g": list(s["g_cut"]), "C": C, "rho": rho}


def _mean_err(values) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard error over the first axis (networks), NaN-aware."""
    v = np.asarray(values, dtype=float)
    n = np.sum(np.isfinite(v), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nanmean(v, axis=0), np.nanstd(v, axis=0, ddof=1) / np.sqrt(n)


def _panel_cut(ax, sim: dict, s: dict) -> dict:
    curve = gru_theory.branch(np.geomspace(1e-4, 20.0, 300), a_r=A_R, b_r=B_R_CUT, b_h=B_H_CUT)
    inst = gru_theory.instability_gain(a_r=A_R, b_r=B_R_CUT, b_h=B_H_CUT)
    out = {"g_instability": inst["g"], "C_instability": inst["C"]}
    for k, key in enumerate(("C", "rho")):
        mean, err = _mean_err(sim[key])
        theory = np.interp(sim["g"], curve["g"], curve[key])
        ax.plot(curve["g"], curve[key], **series(k), label="mean field: " + NAMES[key])
        ax.errorbar(
            sim["g"],
            mean,
            err,
            **series(k, line=False, points=True),
            ms=4,
            capsize=2,
            label=f"N = {s['N_fp']}, {s['n_nets']} nets",
        )
        out[key] = {"theory": theory.tolist(), "mean": mean.tolist(), "err": err.tolist()}
    ax.axhline(1.0, color="gray", lw=0.7, ls=":")
    ax.axvline(inst["g"], color="k", lw=0.8, ls="--", label=rf"$\rho = 1$ at g = {inst['g']:.3f}")
    ax.set(
        xlim=(0.0, max(sim["g"]) * 1.05),
        ylim=(0.0, 2.0),
        xlabel="candidate gain $g$",
        ylabel=r"$C = <h^2>$ and $\rho = \max|\mathrm{eig}\,M|$",
        title=f"(f) fixed point continued in g: $a_r$ = {A_R:g}, $b_r$ = {B_R_CUT:g}, "
        f"$b_h$ = {B_H_CUT:g}",
    )
    ax.legend(fontsize=6)
    return out


def _slow_sim(s: dict, seed: int, rho: float) -> dict:
    """``1 / (1 - |lambda|_max)`` at the stable fixed point against ``b_z``, ``a_z = 0`` and 1.

    ``"ginibre"``: the same for ``1 - z_0 + z_0 rho G`` with ``G`` an ``N x N``
    Ginibre matrix (variance ``1/N``), the mean-field disc at the simulated
    ``N``: its rightmost eigenvalue lies inside the disc's edge by ``O(N^-1/2)``.
    ``"a_z=1 gates"``: the edge of Eq. (5) of :mod:`hebbian.theory.gru` with
    each network's own update gates at the fixed point
    (:func:`hebbian.theory.gru.update_gate_gap`).
    """
    tau = {"a_z=0": [], "a_z=1": [], "ginibre": [], "a_z=1 gates": []}
    N, z0 = s["N_fp"], expit(np.asarray(s["b_z_slow"]))
    for m in range(s["n_nets"]):
        ss = np.random.SeedSequence([seed, 6, m]).spawn(2)
        base = GRUCell.sample(N, G_SLOW, a_r=A_R, b_r=B_R_CUT, b_h=B_H_CUT, rng=ss[0])
        h = _stable_point(base, np.full(N, np.tanh(B_H_CUT)))
        for a_z in (0.0, 1.0):
            radii = []
            for b_z in s["b_z_slow"]:
                cell = GRUCell(
                    base.Uz,
                    base.Ur,
                    base.Uh,
                    G_SLOW,
                    a_z=a_z,
                    b_z=b_z,
                    a_r=A_R,
                    b_r=B_R_CUT,
                    b_h=B_H_CUT,
                )
                radii.append(float(np.abs(jacobian_spectrum(cell, h)).max()))
            tau[f"a_z={a_z:g}"].append(1.0 / (1.0 - np.array(radii)))
        field = base.Uz @ h
        tau["a_z=1 gates"].append(
            [1.0 / gru_theory.update_gate_gap(rho, expit(field + b_z)) for b_z in s["b_z_slow"]]
        )
        mu = rho * np.linalg.eigvals(np.random.default_rng(ss[1]).standard_normal((N, N)))
        radii = np.abs(1.0 - z0[:, None] + z0[:, None] * mu / np.sqrt(N)).max(axis=1)
        tau["ginibre"].append(1.0 / (1.0 - radii))
    return {"b_z": list(s["b_z_slow"]), **tau}


def _panel_slow(ax, sim: dict, point, s: dict) -> dict:
    b_z = np.linspace(min(sim["b_z"]), max(sim["b_z"]), 200)
    ax.plot(
        b_z,
        gru_theory.slow_timescale(point["rho"], b_z),
        "k-",
        label=rf"mean field $1/(\sigma(b_z)(1 - \rho))$, $\rho$ = {point['rho']:.3f}",
    )
    typical = [
        1.0
        / gru_theory.update_gate_gap(
            point["rho"], gru_theory.update_gate_quantiles(point["C"], s["N_fp"], a_z=1.0, b_z=b)
        )
        for b in b_z
    ]
    ax.plot(b_z, typical, "C1--", label=f"$a_z$ = 1: Eq. (5), typical gates of N = {s['N_fp']}")
    out = {
        "rho_theory": point["rho"],
        "C_theory": point["C"],
        "theory": gru_theory.slow_timescale(point["rho"], sim["b_z"]).tolist(),
        "typical_a_z=1": np.interp(sim["b_z"], b_z, typical).tolist(),
    }
    labels = {
        "a_z=0": f"N = {s['N_fp']}, $a_z$ = 0",
        "a_z=1": f"N = {s['N_fp']}, $a_z$ = 1",
        "ginibre": rf"disc of radius $\rho$ at N = {s['N_fp']} (Ginibre)",
        "a_z=1 gates": "$a_z$ = 1: Eq. (5) with each network's gates",
    }
    for k, key in enumerate(labels):
        mean, err = _mean_err(sim[key])
        ax.errorbar(
            np.asarray(sim["b_z"]) + 0.08 * (k - 1),
            mean,
            err,
            fmt="os^D"[k],
            ms=4,
            capsize=2,
            color=f"C{k}" if k < 3 else "C1",
            mfc="none" if key in ("ginibre", "a_z=1 gates") else None,
            label=labels[key],
        )
        out[key] = {"mean": mean.tolist(), "err": err.tolist()}
    ax.set(
        yscale="log",
        xlabel="update-gate bias $b_z$",
        ylabel=r"slowest time scale $1/(1 - |\lambda|_{max})$ (steps)",
        title=f"(g) slow modes as the update gate shuts: stable fixed point, g = {G_SLOW:g}",
    )
    ax.legend(fontsize=7)
    return out


def _count_sim(s: dict, seed: int) -> list[dict]:
    """Distinct active fixed points (Newton from random starts) and long-run fate, ``b_h = 0``."""
    records = []
    for j, g in enumerate(s["g_count"]):
        counts, C, fates = [], [], []
        for m in range(s["n_nets"]):
            ss = np.random.SeedSequence([seed, 7, j, m]).spawn(2)
            cell = GRUCell.sample(s["N_fp"], g, a_r=A_R, b_r=B_R_CUT, rng=ss[0])
            rng = np.random.default_rng(ss[1])
            h0 = rng.standard_normal(s["N_fp"])
            fates.append(_settle(cell, h0, s["n_dyn"]))
            # starts: states of the orbit from h0 and small random states
            half = s["n_newton"] // 2
            orbit = cell.iterate(h0, 100 * half, record_every=100)[1:]
            small = 0.3 * rng.standard_normal((s["n_newton"] - half, s["N_fp"]))
            found = _newton(cell, np.vstack([orbit, small]), max_iter=60)
            active = found.points[np.mean(found.points**2, axis=1) > ZERO_H**2]
            counts.append(active.shape[0])
            C.extend(np.mean(active**2, axis=1).tolist())
        records.append(
            {
                "g": float(g),
                "n_active_mean": float(np.mean(counts)),
                "n_active_err": float(np.std(counts, ddof=1) / np.sqrt(len(counts))),
                "C_found": C,
                "fraction_to_zero": float(np.mean(np.array(fates) == 0)),
            }
        )
    return records


def _panel_count(ax, records: list[dict], s: dict) -> dict:
    curve = gru_theory.branch(np.geomspace(1e-4, 20.0, 300), a_r=A_R, b_r=B_R_CUT)
    fold = gru_theory.fold_gain(a_r=A_R, b_r=B_R_CUT)
    g_zero = gru_theory.zero_instability_gain(B_R_CUT)
    ax.plot(curve["g"], curve["C"], "C0-", label="mean field $C$ (both branches)")
    for r in records:
        ax.plot([r["g"]] * len(r["C_found"]), r["C_found"], "C0.", ms=3, alpha=0.6)
    ax.plot([], [], "C0.", label="C of the fixed points found")
    ax.axvline(fold["g"], color="C3", ls="--", lw=0.8, label=f"fold g = {fold['g']:.3f}")
    ax.axvline(g_zero, color="k", lw=0.8, label=f"h = 0 unstable, g = {g_zero:.3f}")
    twin = ax.twinx()
    g = [r["g"] for r in records]
    twin.errorbar(
        g,
        [r["n_active_mean"] for r in records],
        [r["n_active_err"] for r in records],
        fmt="s-",
        color="C2",
        ms=4,
        capsize=2,
        label="distinct active fixed points",
    )
    twin.plot(
        g,
        [s["n_newton"] * r["fraction_to_zero"] for r in records],
        "^:",
        color="C1",
        label=f"{s['n_newton']} x fraction of orbits reaching h = 0",
    )
    twin.set(ylabel=f"count (of {s['n_newton']} Newton starts)", ylim=(0, s["n_newton"] + 1))
    ax.set(
        xlabel="candidate gain $g$",
        ylabel="$C = <h^2>$ at the fixed point",
        ylim=(0, 1),
        xlim=(min(g) - 0.3, max(g) + 0.3),
        title=f"(h) multiple fixed points, $a_r$ = {A_R:g}, $b_r$ = {B_R_CUT:g}, $b_h$ = 0, "
        f"N = {s['N_fp']}",
    )
    (h_ax, l_ax), (h_twin, l_twin) = (
        ax.get_legend_handles_labels(),
        twin.get_legend_handles_labels(),
    )
    ax.legend(
        h_ax + h_twin,
        l_ax + l_twin,
        fontsize=6,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.13),
        ncol=2,
    )
    return {"g_fold": fold["g"], "C_fold": fold["C"], "g_zero": g_zero}


def _gru_fixed_point_data(s, phase_theory, phase, cut, slow, counts) -> xr.Dataset:
    """The GRU fixed-point panels (e)-(h) as variables of the figure's Dataset."""
    shape = (len(s["b_r_grid"]), len(s["g_grid"]))
    fates = {
        f"gru_fp_fraction_{name}": labelled(
            ("b_r_sim", "g_sim"),
            np.reshape([r[f"fraction_{name}"] for r in phase], shape),
            f"GRU (a_r = {A_R:g}, b_h = 0, a_z = 1, b_z = 0): fraction of orbits from "
            f"h0 ~ N(0, 1) that {FATE_LABELS[name]}",
        )
        for name in FATES
    }
    cut_vars = {
        f"gru_cut_{key}_{part}": labelled(
            "g_cut",
            cut[key][part],
            f"{'variance <h^2>' if key == 'C' else 'spectral radius of M'} at the fixed point "
            f"(a_r = {A_R:g}, b_r = {B_R_CUT:g}, b_h = {B_H_CUT:g}): {part}",
        )
        for key in ("C", "rho")
        for part in ("theory", "mean", "err")
    }
    sources = {
        "a_z=0": "a_z = 0",
        "a_z=1": "a_z = 1",
        "ginibre": "the mean-field disc at this N (Ginibre)",
        "a_z=1 gates": "a_z = 1, predicted by Eq. (5) with each network's own gates",
    }
    slow_vars = {
        f"gru_timescale_{key.replace('=', '').replace(' ', '_')}_{part}": labelled(
            "b_z_slow",
            slow[key][part],
            f"1 / (1 - |lambda|_max) at the stable fixed point, g = {G_SLOW:g}, {source}: "
            f"{part} over networks",
            "steps",
        )
        for key, source in sources.items()
        for part in ("mean", "err")
    }
    return xr.Dataset(
        {
            **fates,
            **cut_vars,
            **slow_vars,
            "gru_timescale_theory": labelled(
                "b_z_slow", slow["theory"], "mean-field 1 / (sigma(b_z) (1 - rho))", "steps"
            ),
            "gru_timescale_typical_az1": labelled(
                "b_z_slow",
                slow["typical_a_z=1"],
                f"a_z = 1: 1 / gap of Eq. (5) with the typical gates of N = {s['N_fp']} units",
                "steps",
            ),
            "gru_g_zero": labelled(
                "b_r_theory", phase_theory["g_zero"], "gain where h = 0 loses stability"
            ),
            "gru_g_fold": labelled(
                "b_r_theory",
                phase_theory["g_fold"],
                f"gain where active fixed points appear at a fold (a_r = {A_R:g})",
            ),
            "gru_n_active": labelled(
                "g_count",
                [r["n_active_mean"] for r in counts],
                f"distinct active fixed points found from {s['n_newton']} Newton starts "
                f"(a_r = {A_R:g}, b_r = {B_R_CUT:g}, b_h = 0)",
            ),
            "gru_n_active_err": labelled(
                "g_count", [r["n_active_err"] for r in counts], "standard error of gru_n_active"
            ),
            "gru_fraction_to_zero": labelled(
                "g_count",
                [r["fraction_to_zero"] for r in counts],
                "fraction of orbits from h0 ~ N(0, 1) that reach h = 0 (a_z = 1, b_z = 0)",
            ),
        },
        coords={
            "b_r_sim": labelled("b_r_sim", s["b_r_grid"], "reset-gate bias b_r (simulation)"),
            "g_sim": labelled("g_sim", s["g_grid"], "candidate gain g (simulation)"),
            "b_r_theory": labelled("b_r_theory", phase_theory["b_r"], "reset-gate bias b_r"),
            "g_cut": labelled("g_cut", s["g_cut"], "candidate gain g"),
            "b_z_slow": labelled("b_z_slow", s["b_z_slow"], "GRU update-gate bias b_z"),
            "g_count": labelled("g_count", s["g_count"], "candidate gain g"),
        },
    )


def draw(args) -> tuple:
    """Panels (a)-(h), in reading order, and the run record."""
    s = _settings(args.quick)

    fig, axes = subplots(4, 2, figsize=(13, 24))
    # matrices at most 800 wide: BLAS threads only synchronize on 2 busy cores
    with threadpool_limits(1, user_api="blas"):
        gru = _panel_gru(axes[0, 0], s, args.seed)
        lstm = _panel_lstm(axes[0, 1], s, args.seed)
        sweeps = {model: _sweep(model, s, args.seed) for model in ("gru", "lstm")}
        _panel_sweeps(axes[1, 0], axes[1, 1], sweeps, s)
        b_r_theory = np.linspace(-2.75, 1.75, 10 if args.quick else 37)
        phase_theory = _phase_theory(b_r_theory)
        phase = _phase_sim(s, args.seed)
        _panel_phase(axes[2, 0], phase_theory, phase, s)
        cut_sim = _cut_sim(s, args.seed)
        cut = _panel_cut(axes[2, 1], cut_sim, s)
        point = gru_theory.fixed_point(
            G_SLOW, a_r=A_R, b_r=B_R_CUT, b_h=B_H_CUT, branch="smallest"
        ).check()
        slow = _panel_slow(axes[3, 0], _slow_sim(s, args.seed, point["rho"]), point, s)
        counts = _count_sim(s, args.seed)
        count = _panel_count(axes[3, 1], counts, s)
    fig.tight_layout()
    # the GRU against its update bias b_z, the LSTM against its forget bias b_f
    columns = {
        "update_fraction": ("update fraction at x = 0", None),
        "lambda_max": (f"largest Lyapunov exponent, g = {G_CHAOS:g}", "per step"),
        "lambda_max_error": ("standard error of lambda_max", "per step"),
        "slow_fraction_attractor": (
            f"fraction of modes with ||lambda| - 1| < {EPS:g}, averaged over the attractor",
            None,
        ),
        "slow_fraction_fixed_point": (
            f"fraction of modes with ||lambda| - 1| < {EPS:g} at x = 0",
            None,
        ),
    }
    data = xr.Dataset(
        {
            f"{model}_{key.replace('_error', '_err')}": labelled(
                bias, [r[key] for r in sweeps[model]], f"{model.upper()}: {long_name}", units
            )
            for model, bias in (("gru", "b_z"), ("lstm", "b_f"))
            for key, (long_name, units) in columns.items()
        },
        coords={
            "b_z": labelled("b_z", s["b_z"], "GRU update-gate bias b_z"),
            "b_f": labelled("b_f", s["b_f"], "LSTM forget-gate bias b_f"),
        },
    )
    data = data.merge(_gru_fixed_point_data(s, phase_theory, phase, cut, slow, counts))
    meta = {
        "settings": s,
        "g_spectra": G_SPEC,
        "g_chaos": G_CHAOS,
        "eps": EPS,
        "gru_spectra": gru,
        "lstm_spectrum": lstm,
        "sweeps": sweeps,
        "gru_fixed_points": {
            "a_r": A_R,
            "b_r_cut": B_R_CUT,
            "b_h_cut": B_H_CUT,
            "g_slow": G_SLOW,
            "phase_theory": phase_theory,
            "phase": phase,
            "cut": {"g": cut_sim["g"], **cut},
            "slow": slow,
            "count": {**count, "records": counts},
        },
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("gated_cells", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
