"""Gated neural ODEs: learned line attractors for a continuous value; expressivity vs dimension.

Models of :mod:`hebbian.rnn.neural_ode` (Kim, Can, Krishnamurthy, ICML 2023):
the gated ``dh/dt = G(h, u) * (-h + F(h, u))`` and the ungated
``dh/dt = -h + F(h, u)`` with as many parameters (a wider ``F``,
:func:`hebbian.rnn.neural_ode.matched_width`), trained on CPU by L-BFGS on
gradients backpropagated through RK4 (:mod:`hebbian.rnn.training`).

(a) Memory of a continuous value ``v ~ U(-1, 1)``
(:func:`hebbian.rnn.training.memory_task`): ``v`` is shown with a cue for
1 time unit, then hidden behind Gaussian distractors (standard deviation
0.1 per step); in training the output is scored from 1 unit after the
stimulus for ``T_HOLD = 5`` units (it must hold ``v`` throughout).
Outputs of the trained 2-unit models for a few ``v``, run to 4x the
trained time.

(b) Report error (mean squared, fresh trials, report in the last time unit)
against the delay before the report, each seed (thin) and the median
over seeds (thick), against chance ``1/3`` (always reporting 0).
Both models hold ``v`` through the trained time and far beyond it.
Full run (4 seeds, seed 2026), median error at a delay of 40 (8x the
trained hold): at ``n = 2`` the gated model is ahead, 0.0013 vs 0.0125
(and in every seed at every delay); at ``n = 4`` it is not: 0.0094 vs
0.0033, the ungated model ahead at that delay in every seed (in one by
5 %; one gated seed degrades to 0.50).  So at these sizes gating gives the better memory
only in the smallest model; the paper's clear advantage of gating was
shown on larger models and a harder (multi-channel, flip-flop) task,
and one stored value in 4 units is within reach of the ungated model.

(c), (d) Phase portraits of the trained 2-unit flows (seed 0) at zero input
(the delay's mean input): streamlines shaded by the speed ``|dh/dt|``,
the delay trajectories for 21 values of ``v`` (coloured by ``v``), the
states at the end of the trained hold (black dots), fixed points
(:func:`hebbian.rnn.fixed_points.find_fixed_points`; filled stable, open
unstable) and slow points (:func:`hebbian.rnn.fixed_points.slow_points`,
crosses).  Both flows hold ``v`` on an approximate line attractor: a
curve of small speed with one Jacobian eigenvalue near 0 and one clearly
negative, with fixed points (marginal, stable or unstable) strung along
it.  The gated flow makes its curve by shutting the gate there (full
run: ``G ~ 0.14``, eigenvalues ``-6e-4`` and ``-1.7``, median speed
``5e-5``); the ungated one is ten times faster on its curve
(eigenvalues ``-3e-3`` and ``-4.7``, speed ``6e-4``).  The record holds
these numbers and, per seed, the median speed on the memory curve
(``curve_speed``; at ``n = 4`` it includes directions the readout
ignores).

(e) Expressivity: how well an autonomous model with phase-space dimension
``n`` and flow-field width ``p`` (its complexity) traces a target curve
of ``n_modes`` random Fourier harmonics from its learned initial state
(:func:`hebbian.rnn.training.trajectory_task`): ``R^2 = 1 - MSE / var``,
the best of the restarts (each trained on growing prefixes of the
curve, the first sixth, third, ..., then all of it).  A one-dimensional
flow's trajectory is monotone, so for ``n = 1`` the bound is the best
monotone fit
(:func:`scipy.optimize.isotonic_regression`; grey mark; it holds for the
exact flow, the RK4 map of a stiff 1-D flow can add a small period-2
wobble).  Full run (4 harmonics, best of 2 restarts): ``R^2`` rises from
about 0.2 at ``n = 1`` (below the bound 0.49) to about 0.8 at ``n = 2``;
the gated model fits the curve at ``n = 3`` for either width
(``R^2`` 0.998 at ``p = 4``, 0.997 at ``p = 16``), the ungated one
needs the wider field there (0.80 at ``p = 4``, 0.97 at ``p = 16``) or
``n = 4`` (0.997): a more complex flow field lets a lower-dimensional
model capture the target, as the paper finds, and gating does it at a
lower complexity.  Single fits scatter widely between restarts (some
even diverge, ``R^2 < 0``; all in the record), so these are lower
bounds of what each architecture can express.

(f) The target and the best fits of the largest and smallest ``n``.

The record holds the training losses, the report errors per delay, seed and
model, what the fixed- and slow-point searches found on the attractor, the
speed, gate and Jacobian eigenvalues there, and every expressivity fit.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from scipy.optimize import isotonic_regression
from threadpoolctl import threadpool_limits

from hebbian.figures._output import labelled, run_figure, smooth, subplots
from hebbian.rnn.fixed_points import find_fixed_points, slow_points
from hebbian.rnn.neural_ode import NeuralODE, matched_width
from hebbian.rnn.training import memory_task, train, trajectory_task

DT = 0.25
N_IN = 2  # value and cue
MODELS = ("gated", "ungated")
CHANCE = 1.0 / 3.0  # E v^2 for v ~ U(-1, 1)
T_SETTLE, T_HOLD = 1.0, 5.0  # training: unscored settling after the stimulus, then scored hold
PROBE_VALUES = np.linspace(-1.0, 1.0, 21)


def _settings(quick: bool) -> dict:
    """Sizes and lengths of the quick and the full run."""
    if quick:
        return {
            "n_dims": (2,),
            "n_seeds": 1,
            "n_trials": 40,
            "n_hidden": 8,
            "max_iter": 100,
            "test_delays": (5.0, 10.0, 20.0),
            "n_test": 150,
            "expr_dims": (1, 2, 3),
            "expr_widths": (8,),
            "n_modes": 3,
            "n_restarts": 1,
            "expr_stages": (1 / 3, 2 / 3, 1.0),
            "expr_iter": 30,
            "expr_dt": 0.2,
            "expr_t_max": 10.0,
        }
    return {
        "n_dims": (2, 4),
        "n_seeds": 4,
        "n_trials": 64,
        "n_hidden": 8,
        "max_iter": 300,
        "test_delays": (5.0, 10.0, 20.0, 40.0),
        "n_test": 400,
        "expr_dims": (1, 2, 3, 4),
        "expr_widths": (4, 16),
        "n_modes": 4,
        "n_restarts": 2,
        "expr_stages": (1 / 6, 1 / 3, 1 / 2, 2 / 3, 5 / 6, 1.0),
        "expr_iter": 80,
        "expr_dt": 0.2,
        "expr_t_max": 10.0,
    }


def _model(kind: str, n_dim: int, n_in: int, n_hidden: int, rng) -> NeuralODE:
    """The gated model, or the ungated one with at least its parameter count."""
    gated = kind == "gated"
    width = n_hidden if gated else matched_width(n_dim, n_in, n_hidden)
    return NeuralODE.sample(n_dim, n_in, 1, width, gated=gated, rng=rng)


def _memory_fit(spec: dict) -> dict:
    """Train one model on the memory task; its report error at each test delay."""
    s, seed = spec["s"], spec["seed"]
    ss = np.random.SeedSequence([seed, 1, spec["n_dim"], spec["seed_index"]]).spawn(2)
    with threadpool_limits(1, user_api="blas"):
        task = memory_task(s["n_trials"], dt=DT, t_delay=T_SETTLE, t_report=T_HOLD, rng=ss[0])
        model = _model(
            spec["kind"],
            spec["n_dim"],
            N_IN,
            s["n_hidden"],
            np.random.SeedSequence([seed, 2, spec["seed_index"]]),
        )
        res = train(model, task, max_iter=s["max_iter"])
        mse = []
        for k, t_delay in enumerate(s["test_delays"]):
            test = memory_task(
                s["n_test"], dt=DT, t_delay=t_delay, rng=np.random.SeedSequence([seed, 3, k])
            )
            mse.append(res.model.loss_and_grad(test.inputs, test.targets, test.mask, DT)[0])
        _, ends = _probe(res.model)
    return {
        "kind": spec["kind"],
        "n_dim": spec["n_dim"],
        "seed_index": spec["seed_index"],
        "n_params": model.n_params,
        "train_loss": res.loss,
        "n_iter": res.n_iter,
        "mse": mse,
        "curve_speed": float(np.median(np.linalg.norm(res.model.vector_field(ends), axis=1))),
        "params": res.model.params.tolist(),
    }


def _monotone_r2(y: np.ndarray) -> float:
    """``R^2`` of the best monotone (increasing or decreasing) fit of ``y``."""
    best = min(
        np.mean((isotonic_regression(y, increasing=inc).x - y) ** 2) for inc in (True, False)
    )
    return float(1.0 - best / np.var(y))


def _trajectory_fit(spec: dict) -> dict:
    """Fit one target curve, training on growing prefixes of it."""
    s = spec["s"]
    target = trajectory_task(
        s["n_modes"],
        dt=s["expr_dt"],
        t_max=s["expr_t_max"],
        rng=np.random.SeedSequence([spec["seed"], 4]),
    )
    with threadpool_limits(1, user_api="blas"):
        model = _model(
            spec["kind"],
            spec["n_dim"],
            0,
            spec["width"],
            np.random.SeedSequence([spec["seed"], 5, spec["restart"]]),
        )
        model = train(model, target, max_iter=s["expr_iter"], prefixes=s["expr_stages"]).model
        y = model.run(target.inputs, target.dt).outputs[:, 0, 0]
    mse = float(np.mean((y - target.targets[:, 0, 0]) ** 2))
    return {
        **{k: spec[k] for k in ("kind", "n_dim", "width", "restart")},
        "n_params": model.n_params,
        "r2": 1.0 - mse / float(np.var(target.targets)),
        "output": y.tolist(),
    }


def _probe(model: NeuralODE) -> tuple[np.ndarray, np.ndarray]:
    """States after the stimulus for ``v`` in ``PROBE_VALUES`` (no distractors), run to 4x
    the trained time, and the states at the end of the trained hold (the memory curve)."""
    n_stim, n_trained = round(1.0 / DT), round((T_SETTLE + T_HOLD) / DT)
    inputs = np.zeros((n_stim + 4 * n_trained, PROBE_VALUES.size, N_IN))
    inputs[:n_stim, :, 0], inputs[:n_stim, :, 1] = PROBE_VALUES, 1.0
    states = model.run(inputs, DT).states[n_stim:]
    return states, states[n_trained]


def _attractor(model: NeuralODE) -> dict:
    """A 2-unit model's delay trajectories, fixed and slow points, its flow on the attractor."""
    delay, ends = _probe(model)
    field, jacobian = model.flow()
    lo, hi = delay.reshape(-1, 2).min(0), delay.reshape(-1, 2).max(0)
    pad = 0.25 * (hi - lo) + 0.1
    box = (lo - pad, hi + pad)
    rng = np.random.default_rng(0)
    starts = np.vstack([delay[::8].reshape(-1, 2), rng.uniform(*box, size=(60, 2))])
    fixed = find_fixed_points(field, jacobian, starts)
    inside = np.all((fixed.points >= box[0]) & (fixed.points <= box[1]), axis=1)
    slow = slow_points(field, jacobian, ends)
    eig = np.array([np.sort(np.linalg.eigvals(jacobian(h)).real)[::-1] for h in ends])
    speed = np.linalg.norm(model.vector_field(ends), axis=1)
    return {
        "values": PROBE_VALUES,
        "delay": delay,
        "ends": ends,
        "box": box,
        "field": field,
        "fixed_points": fixed.points[inside],
        "fixed_stable": fixed.stable[inside],
        "slow_points": slow.points,
        "record": {
            "fixed_points": fixed.points[inside].tolist(),
            "fixed_stable": fixed.stable[inside].tolist(),
            "fixed_eigenvalues_real": fixed.eigenvalues[inside].real.tolist(),
            "n_fixed_outside_box": int((~inside).sum()),
            "slow_points": slow.points.tolist(),
            "slow_q": slow.q.tolist(),
            "speed_median": float(np.median(speed)),
            "speed_max": float(speed.max()),
            "eig_leading_median": float(np.median(eig[:, 0])),
            "eig_second_median": float(np.median(eig[:, 1])),
            "gate_min_median": float(np.median(model.gate(ends).min(axis=1))),
            "outputs_4x_trained_time": (delay[-1] @ model.unpack()["C"].T + model.unpack()["c"])[
                :, 0
            ].tolist(),
        },
    }


def _portrait(ax, att: dict, title: str):
    import matplotlib

    (x0, y0), (x1, y1) = att["box"]
    gx, gy = np.meshgrid(np.linspace(x0, x1, 40), np.linspace(y0, y1, 40))
    flow = att["field"](np.stack([gx, gy], axis=-1))
    speed = np.hypot(flow[..., 0], flow[..., 1])
    stream = ax.streamplot(
        gx,
        gy,
        flow[..., 0],
        flow[..., 1],
        color=np.log10(speed + 1e-12),
        cmap="Greys_r",
        density=1.0,
        linewidth=0.6,
        arrowsize=0.6,
    )
    ax.figure.colorbar(stream.lines, ax=ax, label=r"$\log_{10}|dh/dt|$", shrink=0.8)
    cmap = matplotlib.colormaps["coolwarm"]
    for k, v in enumerate(att["values"]):
        ax.plot(att["delay"][:, k, 0], att["delay"][:, k, 1], "-", lw=0.8, color=cmap((v + 1) / 2))
    ax.plot(att["ends"][:, 0], att["ends"][:, 1], "k.", ms=4, label="end of the trained hold")
    fp, st = att["fixed_points"], att["fixed_stable"]
    ax.plot(fp[st, 0], fp[st, 1], "o", color="C2", ms=7, label="stable fixed point")
    ax.plot(
        fp[~st, 0],
        fp[~st, 1],
        "o",
        mfc="none",
        color="C2",
        mew=1.5,
        ms=7,
        label="unstable fixed point",
    )
    sp = att["slow_points"]
    ax.plot(sp[:, 0], sp[:, 1], "x", color="C3", ms=8, mew=1.5, label="slow point")
    ax.set(xlim=(x0, x1), ylim=(y0, y1), xlabel="$h_1$", ylabel="$h_2$", title=title)
    ax.legend(fontsize=6, loc="best")


def _panel_examples(ax, models: dict, s: dict):
    values = (-0.8, -0.3, 0.2, 0.7)
    n_stim, n_settle, n_hold = round(1.0 / DT), round(T_SETTLE / DT), round(T_HOLD / DT)
    inputs = np.zeros((n_stim + 4 * (n_settle + n_hold), len(values), N_IN))
    inputs[:n_stim, :, 0], inputs[:n_stim, :, 1] = values, 1.0
    t = DT * np.arange(1, inputs.shape[0] + 1)
    for kind, style in zip(MODELS, ("-", "--"), strict=True):
        y = models[kind].run(inputs, DT).outputs[:, :, 0]
        for k in range(len(values)):
            ax.plot(t, y[:, k], style, color=f"C{k}", lw=1.2, label=kind if k == 0 else None)
    for k, v in enumerate(values):
        ax.axhline(v, color=f"C{k}", lw=0.5, ls=":")
    ax.axvspan(0, n_stim * DT, color="0.9", label="stimulus")
    start = (n_stim + n_settle) * DT
    hold = {"facecolor": "none", "edgecolor": "C5", "hatch": "///", "lw": 0}
    ax.axvspan(start, start + T_HOLD, **hold, label="trained hold (scored)")
    ax.set(
        xlabel="time",
        ylabel="output y",
        ylim=(-1.6, 1.6),
        title="(a) 2-unit models, run to 4x the trained time",
    )
    ax.legend(fontsize=7, loc="lower right")


def _panel_delays(ax, fits: list, s: dict):
    for n_dim in s["n_dims"]:
        for kind, style in zip(MODELS, ("o-", "s--"), strict=True):
            mse = np.array([f["mse"] for f in fits if f["kind"] == kind and f["n_dim"] == n_dim])
            color = f"C{2 * s['n_dims'].index(n_dim) + MODELS.index(kind)}"
            for row in mse:
                ax.plot(s["test_delays"], row, style[1:], color=color, lw=0.6, alpha=0.5)
            ax.plot(
                s["test_delays"],
                np.median(mse, axis=0),
                style,
                color=color,
                lw=2,
                ms=5,
                label=f"{kind}, n = {n_dim} (median; seeds thin)",
            )
    ax.axhline(CHANCE, color="k", ls=":", lw=1, label="chance (report 0)")
    ax.axvline(T_SETTLE + T_HOLD, color="gray", lw=0.7, label="end of the trained hold")
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="delay at test",
        ylabel="report error (MSE)",
        title=f"(b) {s['n_seeds']} seed(s), same parameter count",
    )
    ax.legend(fontsize=7)


def _panel_expressivity(ax, best: dict, s: dict, bound: float):
    for j, width in enumerate(s["expr_widths"]):
        for kind, style in zip(MODELS, ("o-", "s--"), strict=True):
            r2 = [best[(kind, n, width)]["r2"] for n in s["expr_dims"]]
            ax.plot(s["expr_dims"], r2, style, color=f"C{j}", label=f"{kind}, p = {width}")
    ax.plot([1], [bound], "_", color="0.4", ms=25, mew=3, label="best monotone fit (n = 1 bound)")
    ax.set(
        xlabel="phase-space dimension n",
        ylabel=r"$R^2$ of the fit",
        ylim=(-0.05, 1.05),
        xticks=s["expr_dims"],
        title=f"(e) expressivity: {s['n_modes']} harmonics, best of {s['n_restarts']} restart(s)",
    )
    ax.legend(fontsize=7)


def _panel_fits(ax, best: dict, target: np.ndarray, s: dict):
    t = s["expr_dt"] * np.arange(1, target.size + 1)
    ax.plot(*smooth(t, target), "-", color="0.6", lw=4, label="target")
    width = s["expr_widths"][-1]
    for n, color, marker in ((s["expr_dims"][0], "C0", "o"), (s["expr_dims"][-1], "C3", "^")):
        for kind, style in zip(MODELS, ("-", "--"), strict=True):
            fit = best[(kind, n, width)]
            ax.plot(
                t,
                fit["output"],
                style,
                marker=marker,  # the model's output at each integration step
                ms=2.5,
                color=color,
                label=f"{kind}, n = {n}, p = {width}: $R^2$ = {fit['r2']:.2f}",
            )
    ax.set(xlabel="time", ylabel="output y", title="(f) target curve and fits")
    ax.legend(fontsize=7)


def draw(args) -> tuple:
    """Panels (a)-(f) and the run record."""
    s = _settings(args.quick)

    memory_specs = [
        {"kind": kind, "n_dim": n, "seed_index": i, "seed": args.seed, "s": s}
        for n in s["n_dims"]
        for i in range(s["n_seeds"])
        for kind in MODELS
    ]
    expr_specs = [
        {"kind": kind, "n_dim": n, "width": p, "restart": r, "seed": args.seed, "s": s}
        for p in s["expr_widths"]
        for n in s["expr_dims"]
        for r in range(s["n_restarts"])
        for kind in MODELS
    ]
    pending = [args.executor.submit(_memory_fit, spec) for spec in memory_specs]
    pending += [args.executor.submit(_trajectory_fit, spec) for spec in expr_specs]
    results = [future.result() for future in pending]
    fits, expr = results[: len(memory_specs)], results[len(memory_specs) :]
    best = {}
    for fit in expr:
        key = (fit["kind"], fit["n_dim"], fit["width"])
        if key not in best or fit["r2"] > best[key]["r2"]:
            best[key] = fit
    target = trajectory_task(
        s["n_modes"],
        dt=s["expr_dt"],
        t_max=s["expr_t_max"],
        rng=np.random.SeedSequence([args.seed, 4]),
    ).targets[:, 0, 0]
    bound = _monotone_r2(target)

    n_small = s["n_dims"][0]
    models = {}
    for fit in fits:
        if fit["n_dim"] == n_small and fit["seed_index"] == 0:
            width = (
                s["n_hidden"]
                if fit["kind"] == "gated"
                else matched_width(n_small, N_IN, s["n_hidden"])
            )
            models[fit["kind"]] = NeuralODE(
                n_small, N_IN, 1, width, fit["kind"] == "gated", np.array(fit["params"])
            )
    fig, axes = subplots(2, 3, figsize=(19, 11))
    attractors = {kind: _attractor(models[kind]) for kind in MODELS}
    _panel_examples(axes[0, 0], models, s)
    _panel_delays(axes[0, 1], fits, s)
    for ax, kind, letter in ((axes[0, 2], "gated", "c"), (axes[1, 0], "ungated", "d")):
        rec = attractors[kind]["record"]
        _portrait(
            ax,
            attractors[kind],
            f"({letter}) {kind}, n = 2: median speed on the memory "
            f"curve {rec['speed_median']:.1e}",
        )
    _panel_expressivity(axes[1, 1], best, s, bound)
    _panel_fits(axes[1, 2], best, target, s)
    fig.tight_layout()

    def per_model(n_dim, key):
        return [
            [f[key] for f in fits if f["kind"] == kind and f["n_dim"] == n_dim] for kind in MODELS
        ]

    data = xr.Dataset(
        {
            "report_mse": labelled(
                ("n_dim", "model", "seed_index", "test_delay"),
                [per_model(n, "mse") for n in s["n_dims"]],
                "report error (mean squared) on fresh trials",
            ),
            "train_loss": labelled(
                ("n_dim", "model", "seed_index"),
                [per_model(n, "train_loss") for n in s["n_dims"]],
                "training loss (mean squared report error)",
            ),
            "curve_speed": labelled(
                ("n_dim", "model", "seed_index"),
                [per_model(n, "curve_speed") for n in s["n_dims"]],
                "median speed |dh/dt| at zero input on the memory curve (end of trained hold)",
            ),
            "expressivity_r2": labelled(
                ("expr_width", "expr_n_dim", "model"),
                [
                    [[best[(kind, n, p)]["r2"] for kind in MODELS] for n in s["expr_dims"]]
                    for p in s["expr_widths"]
                ],
                f"R^2 of the best fit of a {s['n_modes']}-harmonic target curve",
            ),
            "monotone_bound_r2": labelled((), bound, "R^2 of the best monotone fit (n = 1 bound)"),
        },
        coords={
            "n_dim": labelled("n_dim", list(s["n_dims"]), "phase-space dimension (memory task)"),
            "model": labelled("model", list(MODELS), "gated or ungated neural ODE"),
            "seed_index": labelled("seed_index", list(range(s["n_seeds"])), "training seed"),
            "test_delay": labelled(
                "test_delay",
                list(s["test_delays"]),
                "delay before the report at test",
                "time (open-gate time constants)",
            ),
            "expr_width": labelled(
                "expr_width", list(s["expr_widths"]), "hidden width p of the flow field"
            ),
            "expr_n_dim": labelled(
                "expr_n_dim", list(s["expr_dims"]), "phase-space dimension (expressivity)"
            ),
        },
    )
    meta = {
        "settings": s,
        "dt": DT,
        "chance": CHANCE,
        "monotone_bound_r2": bound,
        "memory": [{k: v for k, v in f.items() if k != "params"} for f in fits],
        "memory_medians": {
            f"{kind}_n{n}": {
                key: np.median(per_model(n, key)[MODELS.index(kind)], axis=0).tolist()
                for key in ("mse", "curve_speed")
            }
            for n in s["n_dims"]
            for kind in MODELS
        },
        "attractor": {kind: attractors[kind]["record"] for kind in MODELS},
        "expressivity": [{k: v for k, v in f.items() if k != "output"} for f in expr],
    }
    return fig, data, meta


def main(argv: list[str] | None = None):
    return run_figure("gated_ode", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
