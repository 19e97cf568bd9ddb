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

The record holds the measured (``max |lambda - centre|``, mean) and predicted
disc radius and centre per spectrum, and per bias the slow-mode fractions and
``lambda_max`` (mean and standard error over independent cells).
"""

from __future__ import annotations

import time

import numpy as np
import xarray as xr
from scipy.optimize import linear_sum_assignment
from scipy.special import expit
from threadpoolctl import threadpool_limits

from hebbian.figures._output import labelled, parse_args, subplots, write_outputs
from hebbian.rnn import (
    GRUCell,
    LSTMCell,
    fixed_point_eigenvalues,
    jacobian_spectrum,
    map_lyapunov_spectrum,
    slow_mode_fraction,
    spectral_support,
)

G_SPEC, G_CHAOS = 2.0, 6.0
B_Z_SPEC = (0.0, -3.0)
B_F_SPEC = 1.0
EPS = 0.02
LABELS = {"gru": r"GRU, $z_0 = \sigma(b_z)$", "lstm": r"LSTM, $1 - f_0 = \sigma(-b_f)$"}


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
    }


def _disc(ax, support, color: str, label: str):
    angle = np.linspace(0, 2 * np.pi, 400)
    ax.plot(
        support.centre + support.radius * np.cos(angle),
        support.radius * np.sin(angle),
        "-",
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
    ax.legend(fontsize=7, loc="upper left")


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
                ".",
                ms=2,
                color=f"C{k}",
                label=f"$b_z$ = {b_z:g} ({N} eigenvalues)",
            )
            _disc(
                axis,
                support,
                f"C{k}",
                f"predicted: centre {support.centre:.3f}, radius {support.radius:.3f}",
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
            "o",
            color=f"C{k}",
            label=f"{label}, attractor",
        )
        ax_slow.plot(
            x,
            [r["slow_fraction_fixed_point"] for r in records],
            "--",
            color=f"C{k}",
            label=f"{model.upper()} at x = 0",
        )
        ax_lam.errorbar(
            x,
            [r["lambda_max"] for r in records],
            [r["lambda_max_error"] for r in records],
            fmt="o-",
            ms=4,
            capsize=2,
            color=f"C{k}",
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


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    s = _settings(args.quick)

    fig, axes = subplots(2, 2, figsize=(13, 12))
    # matrices at most 800 wide: BLAS threads only synchronize on 2 busy cores
    with threadpool_limits(1, user_api="blas"):
        gru = _panel_gru(axes[0, 0], s, args.seed)
        lstm = _panel_lstm(axes[0, 1], s, args.seed)
        sweeps = {model: _sweep(model, s, args.seed) for model in ("gru", "lstm")}
        _panel_sweeps(axes[1, 0], axes[1, 1], sweeps, s)
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
    meta = {
        "settings": s,
        "g_spectra": G_SPEC,
        "g_chaos": G_CHAOS,
        "eps": EPS,
        "gru_spectra": gru,
        "lstm_spectrum": lstm,
        "sweeps": sweeps,
    }
    return write_outputs(fig, data, meta, args, "gated_cells", started)


if __name__ == "__main__":
    main()
