"""Memory models compared on one task suite: capacity vs size and cost, retention, HAM, gates.

Every memory behind one ``write``/``read`` interface (:mod:`hebbian.memory`),
keys ``+-1/sqrt(d)``, values ``+-1``, each key its own query, accuracy = sign
agreement of read and value, capacity = the largest number stored read with
accuracy >= 0.9 (:func:`hebbian.memory.capacity`); every point a mean over
disorder samples with its standard error, theory as lines
(:mod:`hebbian.theory.memory`).

(a) Capacity against ``d`` for the classical memories - Hebbian outer
    product (linear attention), dense polynomial ``P = 3``, softmax at
    ``beta = d/4``, forget gate ``tau = 32`` writes, delta rule - with the
    signal-to-noise laws (``1 + d/z^2``, ``~ d^2/(3 z^2)``,
    ``1 + exp(alpha d)/z^2`` with ``alpha = 0.380``, the forget gate's
    numerical solution, the delta rule's mean field ``~ 0.63 d``) and fitted
    exponents.
    Ramsauer et al.'s Theorem 3 lower bound at the same ``beta`` (record
    ``ramsauer``) holds only from ``d ~ 200`` and grows as ``exp(0.023 d)``
    there: a guarantee with probability ``1 - p``, far below the typical
    capacity.
(b) The same capacities and those of the newer memories against the floats
    they hold at capacity (their cost; FLOPs per write in the record): a
    key-dependent retention gate (gated linear attention), the Titans-style
    Miras memory (Huber bias, momentum), the Hybrid Associative Memory
    (delta-rule RNN + cache), the Gated Associative Memory (causal
    convolution of width 8 + linear memory) and a random GRU of ``N = 2d``
    units read out by ridge regression (capacity at most 1, drawn at 1 where
    it is 0: a linear read-out is additive in state and query and cannot form
    ``(k . q) v``).  Lines: the
    theory of (a) against the state size.
(c) Accuracy against the number stored at ``d = 64`` with
    :func:`hebbian.theory.memory.predicted_accuracy` (delta rule: mean field).
(d) Retention at ``d = 64``: accuracy of the item written ``lag`` writes ago,
    forget gates ``tau = 8, 16, 32`` (theory
    :func:`hebbian.theory.memory.predicted_retention`), the key-dependent
    gate (theory :func:`hebbian.theory.memory.predicted_gated_retention`,
    averaged over gate sequences), the delta rule (mean field,
    :func:`hebbian.theory.memory.predicted_delta_retention`) and the
    Titans-style memory (no theory; momentum delays the newest write); the
    forget gates' signal decay times fitted (legend).
(e) Hybrid Associative Memory: recall of the distinct pairs of a stream with
    repeats (Zipf frequencies) against the fraction of the stream cached, as
    the threshold moves from 0 (cache everything) to inf (the RNN alone).
(f) Short-term memory capacity (Jaeger) of the gated rate network
    (Krishnamurthy-Can-Schwab, quiescent, weak input) against the update-gate
    bias ``beta_z``, with the memory function of its linearization (line; dotted:
    lowered by the finite training set of the read-out) and the DMFT time
    scale ``-1/lambda_max`` of :func:`hebbian.theory.gated_dmft.solve_gated`
    (right axis): a closing gate slows every mode by ``sigma(beta_z)`` and,
    summed over a fixed window of lags, the capacity falls while the time
    scale grows.  Where the gate is nearly shut the measurement falls below
    the exact-read-out line: the memory of each lag is spread thin over slow
    modes (``m_k`` small), which a read-out fitted on a finite stream cannot
    recover (the dotted line), and the run is shorter than the slowest time
    scale.  Inset: the update-gate gain ``alpha_z`` at ``beta_z = 0``; it
    does not enter the linearization (the gate's fluctuation multiplies
    ``dh/dt``, zero at the fixed point), yet the measured capacity falls with
    it: the gate turns the input into a multiplicative perturbation of
    relative size ``~ alpha_z`` times the input, and the memory of old inputs
    sits in directions of the state so weak that percent-level distortions
    mask it (it fades only slowly as the input shrinks, tenfold smaller input
    recovering about half the loss).
(g) Random GRU (N = 20, constant gates) as the integrator its update gate
    makes: a value presented once, read out by ridge regression after a delay
    among distractor inputs (noise 0.5), against the time scale
    ``1/sigma(b_z)`` of the gate (``h' = (1 - z) h + z c``).
(h) Short-term memory capacity of the same GRU and of an LSTM (forget gate
    ``sigma(b_f)``, time scale ``1/(1 - sigma(b_f))``) against that time
    scale: the gate that keeps one value longer blurs the stream, and the
    capacity falls far below Jaeger's bound ``N`` (line).  No closed form is
    drawn for (g) and (h).
"""

from __future__ import annotations

import math

import numpy as np
import xarray as xr
from scipy.special import expit
from threadpoolctl import threadpool_limits

from hebbian.figures._output import (
    LINESTYLES,
    MARKERS,
    joined,
    labelled,
    run_figure,
    smooth,
    subplots,
)
from hebbian.memory import (
    DeltaRuleMemory,
    ForgetGatedMemory,
    GatedAssociativeMemory,
    GatedMemory,
    HybridMemory,
    LinearMemory,
    MirasMemory,
    PolynomialMemory,
    ReservoirMemory,
    SampledNetwork,
    SoftmaxMemory,
    capacity,
    capacity_curve,
    delayed_recall,
    hybrid_tradeoff,
    retention_curve,
    retention_timescale,
    scaling_exponent,
    short_term_memory,
)
from hebbian.random import spawn
from hebbian.rnn import GatedRNN, GRUCell, LSTMCell
from hebbian.rnn.gates import ProjectionGate
from hebbian.theory.gated_dmft import solve_gated
from hebbian.theory.memory import (
    linearized_memory_function,
    predicted_accuracy,
    predicted_capacity,
    predicted_delta_capacity,
    predicted_delta_retention,
    predicted_gated_retention,
    predicted_retention,
    ramsauer_capacity,
)

TAU_A = 32
D_B = D_C = 64
TAUS_C = (8, 16, 32)
#: Key-dependent gate: gain, bias (mean gate ~0.97, a decay time of ~30 writes).
GATE = (2.0, 4.0)
#: Gated rate network of panel (f): gain, input amplitude, lags summed, the bias of the inset.
G_F, INPUT_F, LAGS_F, ALPHA_BIAS_F = 0.8, 0.005, 30, 0.0


def _titans(d):
    return MirasMemory("huber", eta=0.5, delta=1.0, momentum=0.5)


def _key_gated(d):
    return GatedMemory(ProjectionGate.sample(d, *GATE, rng=d))


#: name: (legend label, factory, capacity law, dimensions (full, quick))
MODELS = {
    "linear": (
        "linear",
        lambda d: LinearMemory(),
        "power",
        ([32, 64, 128, 256, 512], [32, 64, 128]),
    ),
    "polynomial": (
        "polynomial P = 3",
        lambda d: PolynomialMemory(3),
        "power",
        ([16, 24, 32, 48, 64, 96], [16, 32, 64]),
    ),
    "softmax": (
        r"softmax $\beta = d/4$",
        lambda d: SoftmaxMemory(d / 4),
        "exponential",
        ([8, 12, 16, 20, 24], [8, 12, 16]),
    ),
    "forget": (
        rf"forget gate $\tau = {TAU_A}$",
        lambda d: ForgetGatedMemory.from_timescale(TAU_A),
        "power",
        ([16, 32, 64, 128, 256, 512], [32, 64, 128]),
    ),
    "delta": (
        "delta rule",
        lambda d: DeltaRuleMemory(),
        "power",
        ([16, 32, 64, 128, 256], [32, 64, 128]),
    ),
}

#: name: (legend label, factory, dimensions (full, quick)); no signal-to-noise law
NEWER = {
    "key_gated": (
        rf"key gate $\sigma({GATE[0]:g}\,w\cdot k + {GATE[1]:g})$",
        _key_gated,
        ([16, 32, 64, 128], [32, 64]),
    ),
    "titans": ("Miras: Huber + momentum (Titans)", _titans, ([16, 32, 64, 128], [32, 64])),
    "hybrid": (
        "HAM: delta RNN + cache, threshold 1.5",
        lambda d: HybridMemory(DeltaRuleMemory(), 1.5, beta=float(d)),
        ([16, 32, 64, 128], [32, 64]),
    ),
    "gam": (
        "GAM: causal conv w = 8 + linear",
        lambda d: GatedAssociativeMemory(8),
        ([16, 32, 64, 128], [32, 64]),
    ),
    "gru": (
        "GRU N = 2d, ridge read-out",
        lambda d: ReservoirMemory(
            GRUCell.sample(2 * d, 0.5, n_in=2 * d, input_gain=0.3, rng=d), rng=d
        ),
        ([16, 32, 64], [16, 32]),
    ),
}


def _predicted(factory, d: int) -> int:
    """The signal-to-noise capacity of a memory (mean field for the delta rule)."""
    memory = factory(d)
    if isinstance(memory, DeltaRuleMemory):
        return predicted_delta_capacity(d, eta=memory.eta, gamma=memory.gamma)
    gamma = memory.gamma if isinstance(memory, ForgetGatedMemory) else 1.0
    return predicted_capacity(memory.kernel, d, gamma=gamma)


def _predicted_accuracy(factory, d: int, n: int) -> float:
    """The signal-to-noise accuracy of ``n`` stored items (mean field for the delta rule)."""
    memory = factory(d)
    if isinstance(memory, DeltaRuleMemory):
        lags = np.arange(n)
        out = predicted_delta_retention(d, n, lags, eta=memory.eta, gamma=memory.gamma)
        return float(np.mean(out["accuracy"]))
    gamma = memory.gamma if isinstance(memory, ForgetGatedMemory) else 1.0
    return predicted_accuracy(memory.kernel, d, n, gamma=gamma)


def _measure(factory, ds, n_samples: int, seed: int, k: int) -> dict:
    runs = [
        capacity(factory, d, n_samples=n_samples, rng=np.random.SeedSequence([seed, k, d]))
        for d in ds
    ]
    return {
        "d": list(ds),
        "capacity": [r["capacity"] for r in runs],
        "capacity_error": [r["capacity_error"] for r in runs],
        "censored": sum(r["censored"] for r in runs),
        "state_size": [r["cost"]["state_size"] for r in runs],
        "flops_per_write": [r["cost"]["flops_per_write"] for r in runs],
        "flops_per_read": [r["cost"]["flops_per_read"] for r in runs],
    }


def _capacity_law(name: str, quick: bool, n_samples: int, seed: int) -> dict:
    """Measured capacities at each ``d``, their fitted exponent and the theory's."""
    _, factory, law, sizes = MODELS[name]
    ds = sizes[1] if quick else sizes[0]
    record = _measure(factory, ds, n_samples, seed, list(MODELS).index(name))
    n_c, err = np.array(record["capacity"]), np.array(record["capacity_error"])
    record.update(law=law, **scaling_exponent(ds, n_c, err, law=law))
    theory = np.array([_predicted(factory, d) for d in ds], dtype=np.float64)
    record["predicted"] = theory.tolist()
    fit = scaling_exponent(ds, theory, err * theory / n_c, law=law)
    record["theory_exponent"] = fit["exponent"]
    return record


def _ramsauer(ds) -> dict:
    """Ramsauer et al.'s Theorem 3 at the softmax memory's ``beta = d/4`` on unit keys.

    ``beta x . xi = (d/4) cos`` is the theorem's ``beta = 1`` on a sphere of radius
    ``M = sqrt(d)/2``, i.e. ``K = sqrt(d / (4 (d - 1)))``.
    """
    bounds = [
        ramsauer_capacity(d, beta=1.0, K=math.sqrt(d / (4 * (d - 1))), p=0.001)
        for d in [*ds, 10**6]
    ]
    return {
        "d": list(ds),
        "log_n_patterns": [b["log_n_patterns"] for b in bounds[:-1]],
        "valid": [b["valid"] for b in bounds[:-1]],
        "rate_large_d": math.log(bounds[-1]["c"]) / 4,
    }


def _panel_capacity(ax, records: dict) -> None:
    for k, (name, rec) in enumerate(records.items()):
        label, factory, law, _ = MODELS[name]
        ds = np.array(rec["d"])
        s, s_err, theory = rec["exponent"], rec["exponent_error"], rec["theory_exponent"]
        fitted = (
            f"$\\log n_c = ({s:.3f}\\pm{s_err:.3f})\\,d$"
            if law == "exponential"
            else f"$n_c \\sim d^{{{s:.3f}\\pm{s_err:.3f}}}$"
        )
        fitted += f" (theory {theory:.3f})"
        ax.errorbar(
            ds,
            rec["capacity"],
            rec["capacity_error"],
            fmt=MARKERS[k],
            color=f"C{k}",
            capsize=2,
            ms=4,
            label=f"{label}: {fitted}",
        )
        grid = np.unique(np.geomspace(ds[0], ds[-1], 24).round().astype(int))
        predicted = [_predicted(factory, d) for d in grid]
        ax.plot(*smooth(grid, predicted), "-", color=f"C{k}", lw=0.9)
    ax.plot([], [], "k-", lw=0.9, label="signal-to-noise theory")
    ax.set(
        xscale="log",
        yscale="log",
        ylim=(5, 1e6),
        xlabel="key dimension d",
        ylabel="capacity $n_c$ (accuracy $\\geq$ 0.9)",
        title="(a) capacity against dimension",
    )
    ax.legend(fontsize=6)


def _panel_cost(ax, records: dict, newer: dict) -> None:
    """Capacity against the floats held at capacity, every memory; theory of (a) as lines."""
    labels = {name: spec[0] for name, spec in {**MODELS, **NEWER}.items()}
    for k, (name, rec) in enumerate({**records, **newer}.items()):
        # filled: the memories of (a); open: the others.  A capacity of 0 (the GRU) is drawn
        # at 1 on the log axis
        ax.errorbar(
            rec["state_size"],
            np.maximum(rec["capacity"], 1.0),
            rec["capacity_error"],
            fmt=MARKERS[k % len(MARKERS)],
            mfc=None if name in records else "w",
            color=f"C{k}",
            ms=4,
            capsize=2,
            label=labels[name],
        )
        if "predicted" in rec:
            ds = np.array(rec["d"])
            grid = np.unique(np.geomspace(ds[0], ds[-1], 16).round().astype(int))
            factory = MODELS[name][1]
            n_c = np.array([_predicted(factory, d) for d in grid], dtype=np.float64)
            fixed = name in ("linear", "forget", "delta")
            size, n_c = smooth(np.log(grid**2 if fixed else n_c * 2 * grid), np.log(n_c))
            ax.plot(np.exp(size), np.exp(n_c), "-", color=f"C{k}", lw=0.8)
    ax.set(
        xscale="log",
        yscale="log",
        xlabel="state size at capacity (floats held)",
        ylabel="capacity $n_c$",
        title="(b) capacity against cost, every memory",
    )
    ax.legend(fontsize=6, ncol=2)


def _panel_accuracy(ax, grid, n_samples: int, seed: int) -> xr.Dataset:
    accuracy, error = [], []
    for k, (label, factory, _, _) in enumerate(MODELS.values()):
        curve = capacity_curve(
            factory, D_B, grid, n_samples=n_samples, rng=np.random.SeedSequence([seed, D_B, k])
        )
        ax.errorbar(
            grid,
            curve["accuracy"],
            curve["accuracy_error"],
            fmt=MARKERS[k],
            ms=3,
            color=f"C{k}",
            label=label,
        )
        line = [_predicted_accuracy(factory, D_B, n) for n in grid]
        log_n, drawn = smooth(np.log(grid), line)
        ax.plot(np.exp(log_n), drawn, "-", color=f"C{k}", lw=0.9)
        accuracy.append(curve["accuracy"])
        error.append(curve["accuracy_error"])
    ax.axhline(0.9, color="gray", ls=":", lw=0.8)
    ax.set(
        xscale="log",
        xlabel="number stored n",
        ylabel="accuracy (sign agreement)",
        title=f"(c) accuracy against load, d = {D_B}; lines: theory",
    )
    ax.legend(fontsize=7)
    return xr.Dataset(
        {
            "accuracy": labelled(
                ("classical", "n"), accuracy, f"(c) accuracy of the reads, d = {D_B}"
            ),
            "accuracy_err": labelled(("classical", "n"), error, "standard error of accuracy"),
        },
        coords={
            "n": labelled("n", grid, "number of items stored"),
            "classical": labelled("classical", list(MODELS), "memory with a capacity law"),
        },
    )


def _horizon(accuracy) -> int:
    """Last lag before the accuracy first falls below 0.9."""
    below = np.flatnonzero(np.asarray(accuracy) < 0.9)
    return int(below[0]) - 1 if below.size else len(accuracy) - 1


def _retention(ax, n_samples: int, seed: int) -> tuple[list, xr.Dataset]:
    lags = np.arange(4 * max(TAUS_C))
    n_items = 10 * max(TAUS_C)
    runs = [
        (
            f"forget_tau{tau}",
            rf"forget gate $\tau = {tau}$",
            lambda d, tau=tau: ForgetGatedMemory.from_timescale(tau),
        )
        for tau in TAUS_C
    ]
    runs += [
        ("key_gated", NEWER["key_gated"][0], _key_gated),
        ("delta", "delta rule", lambda d: DeltaRuleMemory()),
        ("titans", NEWER["titans"][0], _titans),
    ]
    records, curves = [], {"accuracy": [], "accuracy_error": [], "signal": [], "signal_error": []}
    for k, (name, label, factory) in enumerate(runs):
        curve = retention_curve(
            factory,
            D_C,
            n_items,
            lags=lags,
            n_samples=n_samples,
            rng=np.random.SeedSequence([seed, D_C, n_items, k]),
        )
        color = f"C{k + 4}"
        record = {"model": name}
        if name.startswith("forget"):
            tau = float(name.removeprefix("forget_tau"))
            fit = retention_timescale(lags, curve["signal"], curve["signal_error"])
            theory = predicted_retention(
                LinearMemory().kernel, D_C, n_items, lags, gamma=math.exp(-1 / tau)
            )
            label += f": fitted $\\tau$ = {fit['tau']:.1f} $\\pm$ {fit['tau_error']:.1f}"
            record.update(
                model="forget", tau=tau, tau_fit=fit["tau"], tau_fit_error=fit["tau_error"]
            )
        elif name == "key_gated":
            theory = predicted_gated_retention(D_C, n_items, lags, gain=GATE[0], bias=GATE[1])
        elif name == "delta":
            theory = predicted_delta_retention(D_C, n_items, lags)
        else:
            theory = None
        if theory is not None:
            ax.plot(lags, theory["accuracy"], "-", color=color, lw=0.9)
            z = (curve["accuracy"] - theory["accuracy"]) / np.maximum(
                curve["accuracy_error"], 1e-3
            )
            record.update(
                horizon_theory=_horizon(theory["accuracy"]),
                horizon_measured=_horizon(curve["accuracy"]),
                max_abs_z_accuracy=float(np.abs(z).max()),
            )
        ax.errorbar(
            lags,
            curve["accuracy"],
            curve["accuracy_error"],
            fmt=MARKERS[k],
            ms=2,
            color=color,
            label=label,
        )
        records.append(record)
        for key, values in curves.items():
            values.append(curve[key])
    ax.axhline(0.9, color="gray", ls=":", lw=0.8)
    ax.set(
        xlabel="lag (writes since the item)",
        ylabel="accuracy",
        title=f"(d) retention, d = {D_C}; lines: theory",
    )
    ax.legend(fontsize=6)
    dims = ("memory", "lag")
    data = xr.Dataset(
        {
            "retention_accuracy": labelled(
                dims,
                curves["accuracy"],
                f"(d) accuracy of the item written lag writes ago, d = {D_C}",
            ),
            "retention_accuracy_err": labelled(
                dims, curves["accuracy_error"], "standard error of retention_accuracy"
            ),
            "retention_signal": labelled(dims, curves["signal"], "signal r.v/d_v of the reads"),
            "retention_signal_err": labelled(
                dims, curves["signal_error"], "standard error of retention_signal"
            ),
        },
        coords={
            "memory": labelled("memory", [r[0] for r in runs], "memory with a fixed state"),
            "lag": labelled("lag", lags, "writes since the item was written", "writes"),
        },
    )
    return records, data


def _panel_hybrid(ax, quick: bool, n_samples: int, seed: int) -> tuple[dict, xr.Dataset]:
    d = 32
    thresholds = [0.0, 0.1, 0.3, 0.6, 1.0, 1.5, math.inf]
    rnns = {
        "delta": ("delta-rule RNN", lambda d: DeltaRuleMemory()),
        "forget": (r"forget-gate RNN $\tau = 16$", lambda d: ForgetGatedMemory.from_timescale(16)),
    }
    if quick:
        rnns.pop("forget")
    records, parts = {}, {}
    for k, (name, (label, factory)) in enumerate(rnns.items()):
        out = hybrid_tradeoff(
            factory,
            d,
            thresholds,
            n_distinct=3 * d,
            n_stream=12 * d,
            n_samples=n_samples,
            rng=np.random.SeedSequence([seed, 5, k]),
        )
        ax.errorbar(
            out["cached"],
            out["accuracy"],
            out["accuracy_error"],
            out["cached_error"],
            fmt=MARKERS[k] + LINESTYLES[k],
            ms=3,
            color=f"C{k}",
            label=label,
        )
        for t, x, y in zip(thresholds, out["cached"], out["accuracy"], strict=True):
            ax.annotate(f"{t:g}", (x, y), fontsize=6, xytext=(3, -8), textcoords="offset points")
        records[name] = {key: np.asarray(value).tolist() for key, value in out.items()}
        parts[name] = xr.Dataset(
            {
                "ham_cached": labelled(
                    "threshold", out["cached"], "(e) fraction of the stream in the cache"
                ),
                "ham_cached_err": labelled(
                    "threshold", out["cached_error"], "standard error of ham_cached"
                ),
                "ham_accuracy": labelled(
                    "threshold", out["accuracy"], "(e) recall of the distinct pairs"
                ),
                "ham_accuracy_err": labelled(
                    "threshold", out["accuracy_error"], "standard error of ham_accuracy"
                ),
            },
            coords={
                "threshold": labelled(
                    "threshold", thresholds, "prediction error at which a pair is cached"
                )
            },
        )
    ax.set(
        xlabel="fraction of the stream cached",
        ylabel="recall accuracy",
        title=f"(e) HAM: cache against recall (d = {d}, Zipf stream; labels: threshold)",
    )
    ax.legend(fontsize=7)
    return records, joined(parts, "rnn", "recurrent memory of the hybrid")


def _panel_gates(ax, quick: bool, n_samples: int, seed: int) -> tuple[dict, xr.Dataset]:
    N = 16 if quick else 40
    biases = np.array(
        [2.0, 0.0, -3.0] if quick else [3.0, 2.0, 1.0, 0.0, -1.0, -2.0, -3.0, -4.0, -5.0]
    )
    n_steps = 600 if quick else 4000

    def factory(beta_z, alpha_z=0.0):
        def make(rng):
            gen = np.random.default_rng(rng.integers(2**32))
            net = GatedRNN.sample(N, G_F, alpha_z=alpha_z, beta_z=beta_z, rng=gen)
            return SampledNetwork(net, INPUT_F * gen.standard_normal((N, 1)), substeps=4)

        return make

    # a read-out of p features fitted on n points adds an error of variance (1 - m) q,
    # q = p / (n - p - 1), uncorrelated with the target (least squares, Gaussian features):
    # its squared correlation with the target is m^2 / (m + (1 - m) q) out of sample
    p, n = 3 * N, (n_steps - LAGS_F) // 2
    q = p / (n - p - 1)
    measured, error, theory, finite, tau_dmft, tau_n = [], [], [], [], [], []
    for k, beta_z in enumerate(biases):
        rng = np.random.SeedSequence([seed, 6, k])
        out = short_term_memory(
            factory(beta_z),
            max_lag=LAGS_F,
            n_steps=n_steps,
            washout=50,
            n_samples=n_samples,
            ridge=0.0,
            rng=rng,
        )
        lin = [
            linearized_memory_function(r.network, r.B, LAGS_F)
            for r in (factory(beta_z)(child) for child in spawn(rng, n_samples))
        ]
        measured.append(out["capacity"])
        error.append(out["capacity_error"])
        theory.append(float(np.mean([x["capacity"] for x in lin])))
        m = np.mean([x["m"] for x in lin], axis=0)
        finite.append(float(np.sum(m**2 / (m + (1 - m) * q))))
        tau_n.append(float(np.mean([1 / x["rate"] for x in lin])))
        tau_dmft.append(-1.0 / solve_gated(G_F, beta_z=float(beta_z)).lambda_max)
    ax.errorbar(
        biases,
        measured,
        error,
        fmt="o",
        color="C0",
        ms=4,
        label=f"measured, N = {N} (3N-dim state), ridge read-out",
    )
    ax.plot(
        biases, theory, "-", color="C0", lw=0.9, label="linearization at x = 0 (exact read-out)"
    )
    ax.plot(
        biases,
        finite,
        ":",
        color="C0",
        lw=0.9,
        label=f"linearization, read-out fitted on {n} steps",
    )
    gains, by_gain, by_gain_error = [0.0, 16.0] if quick else [0.0, 2.0, 4.0, 8.0, 16.0], [], []
    for k, alpha_z in enumerate(gains):  # the gain does not enter the linearization
        out = short_term_memory(
            factory(ALPHA_BIAS_F, alpha_z),
            max_lag=LAGS_F,
            n_steps=n_steps,
            washout=50,
            n_samples=n_samples,
            ridge=0.0,
            rng=np.random.SeedSequence([seed, 8, k]),
        )
        by_gain.append(out["capacity"])
        by_gain_error.append(out["capacity_error"])
    inset = ax.inset_axes([0.08, 0.52, 0.3, 0.3])
    inset.errorbar(gains, by_gain, by_gain_error, fmt="s", color="C2", ms=3)
    inset.axhline(theory[list(biases).index(ALPHA_BIAS_F)], color="C2", lw=0.8)
    inset.set_title(rf"gain $\alpha_z$ at $\beta_z$ = {ALPHA_BIAS_F:g}", fontsize=7)
    inset.tick_params(labelsize=6)
    ax.set(
        xlabel=r"update-gate bias $\beta_z$ (gate $\sigma(\beta_z)$)",
        ylabel=f"short-term memory capacity (lags 0..{LAGS_F})",
        title=f"(f) gated rate network, g = {G_F}: memory vs update gate",
    )
    twin = ax.twinx()
    twin.plot(biases, tau_dmft, "--", color="C3", lw=0.9, label=r"DMFT $-1/\lambda_{max}$")
    twin.plot(biases, tau_n, "x", color="C3", label=f"slowest mode, N = {N}")
    # headroom above the lines for one legend of both axes
    top = np.nanmax(np.concatenate([np.add(measured, error), theory, finite]))
    ax.set_ylim(0, 1.55 * top)
    scales = np.concatenate([tau_dmft, tau_n])
    scales = scales[np.isfinite(scales) & (scales > 0)]
    twin.set(
        yscale="log",
        ylim=(scales.min() / 1.3, scales.max() * 4),
        ylabel="time scale (units of time)",
    )
    handles = [h for a in (ax, twin) for h in a.get_legend_handles_labels()[0]]
    ax.legend(handles=handles, fontsize=6, loc="upper right")
    record = {
        "beta_z": biases.tolist(),
        "capacity": measured,
        "capacity_error": error,
        "linearized": theory,
        "linearized_finite": finite,
        "tau_dmft": tau_dmft,
        "tau_slowest_mode": tau_n,
        "N": N,
        "alpha_z": gains,
        "capacity_by_gain": by_gain,
        "capacity_by_gain_error": by_gain_error,
        "g": G_F,
        "input": INPUT_F,
        "n_steps": n_steps,
    }
    data = xr.Dataset(
        {
            "stm_capacity": labelled("beta_z", measured, "(f) short-term memory capacity"),
            "stm_capacity_err": labelled("beta_z", error, "standard error of stm_capacity"),
            "stm_linearized": labelled("beta_z", theory, "(f) capacity of the linearized network"),
            "stm_linearized_finite": labelled(
                "beta_z",
                finite,
                "(f) the same, read-out fitted on the measurement's number of steps",
            ),
            "tau_dmft": labelled("beta_z", tau_dmft, "(f) DMFT time scale -1/lambda_max"),
        },
        coords={"beta_z": labelled("beta_z", biases, "update-gate bias")},
    )
    return record, data


def _panel_cells(ax_delay, ax_stm, quick: bool, n_samples: int, seed: int):
    """Delayed recall and short-term memory of random GRU and LSTM cells against the gate."""
    N, noise, delays = 20, 0.5, [5, 20, 50]
    biases = np.array([3.0, 0.0, -3.0, -5.0] if quick else np.arange(4.0, -6.5, -1.0))
    gru_tau = 1 / expit(biases)  # update gate z = sigma(b_z): h' = (1 - z) h + z c
    lstm_tau = 1 / (1 - expit(-biases))  # forget gate f = sigma(b_f), b_f = -b_z

    def gru(b):
        return lambda rng: GRUCell.sample(N, 0.5, n_in=1, rng=rng, a_z=0.0, b_z=b)

    def lstm(b):
        return lambda rng: LSTMCell.sample(N, 0.5, n_in=1, rng=rng, a_f=0.0, b_f=-b)

    recall, recall_err, stm = [], [], {"gru": ([], []), "lstm": ([], [])}
    for k, b in enumerate(biases):
        rng = np.random.SeedSequence([seed, 7, k])
        out = delayed_recall(
            gru(b), delays, noise=noise, n_trials=200, n_samples=n_samples, rng=rng
        )
        recall.append(out["r2"])
        recall_err.append(out["r2_error"])
        for name, make in (("gru", gru), ("lstm", lstm)):
            run = short_term_memory(make(b), max_lag=40, n_steps=600, n_samples=n_samples, rng=rng)
            stm[name][0].append(run["capacity"])
            stm[name][1].append(run["capacity_error"])
    recall, recall_err = np.array(recall), np.array(recall_err)
    for j, delay in enumerate(delays):
        ax_delay.errorbar(
            gru_tau,
            recall[:, j],
            recall_err[:, j],
            fmt=MARKERS[j] + LINESTYLES[j],
            ms=3,
            color=f"C{j}",
            label=f"delay {delay}",
        )
    ax_delay.set(
        xscale="log",
        xlabel=r"update-gate time scale $1/\sigma(b_z)$ (steps)",
        ylabel="$r^2$ of the recalled value",
        title=f"(g) GRU N = {N}: a value kept among distractors (noise {noise})",
    )
    ax_delay.legend(fontsize=7)
    for k, (name, tau, label) in enumerate(
        (("gru", gru_tau, "GRU, update gate"), ("lstm", lstm_tau, "LSTM, forget gate"))
    ):
        style = MARKERS[k] + LINESTYLES[k]
        ax_stm.errorbar(tau, *stm[name], fmt=style, ms=3, label=f"{label}, N = {N}")
    ax_stm.axhline(N, color="gray", ls=":", lw=0.8, label="Jaeger's bound N (GRU)")
    ax_stm.set(
        xscale="log",
        xlabel="gate time scale (steps)",
        ylabel="short-term memory capacity (lags 0..40)",
        title="(h) random cells: short-term memory against the gate",
    )
    ax_stm.legend(fontsize=7)
    record = {
        "b_z": biases.tolist(),
        "gru_timescale": gru_tau.tolist(),
        "lstm_timescale": lstm_tau.tolist(),
        "delays": delays,
        "recall_r2": recall.tolist(),
        "recall_r2_error": recall_err.tolist(),
        "gru_stm": stm["gru"][0],
        "gru_stm_error": stm["gru"][1],
        "lstm_stm": stm["lstm"][0],
        "lstm_stm_error": stm["lstm"][1],
        "N": N,
    }
    data = xr.Dataset(
        {
            "cell_recall": labelled(
                ("b_z", "delay"), recall, "(g) r^2 of a value recalled by the GRU after a delay"
            ),
            "cell_recall_err": labelled(
                ("b_z", "delay"), recall_err, "standard error of cell_recall"
            ),
            "gru_stm": labelled("b_z", stm["gru"][0], "(h) short-term memory capacity, GRU"),
            "gru_stm_err": labelled("b_z", stm["gru"][1], "standard error of gru_stm"),
            "lstm_stm": labelled(
                "b_z", stm["lstm"][0], "(h) short-term memory capacity, LSTM with b_f = -b_z"
            ),
            "lstm_stm_err": labelled("b_z", stm["lstm"][1], "standard error of lstm_stm"),
        },
        coords={
            "b_z": labelled("b_z", biases, "GRU update-gate bias (LSTM: b_f = -b_z)"),
            "delay": labelled("delay", delays, "steps between value and read-out"),
        },
    )
    return record, data


def draw(args) -> tuple:
    """Panels (a)-(h), in reading order, and the run record."""
    quick = args.quick
    n_samples = 16 if quick else 64

    fig, axes = subplots(4, 2, figsize=(13, 20))
    # matrices at most 512 wide: BLAS threads only synchronize (ten times slower on 2 busy cores)
    with threadpool_limits(1, user_api="blas"):
        records = {name: _capacity_law(name, quick, n_samples, args.seed) for name in MODELS}
        newer = {
            name: _measure(
                spec[1],
                spec[2][1] if quick else spec[2][0],
                max(n_samples // 2, 4),
                args.seed,
                10 + k,
            )
            for k, (name, spec) in enumerate(NEWER.items())
        }
        _panel_capacity(axes[0, 0], records)
        _panel_cost(axes[0, 1], records, newer)
        grid = np.unique(
            np.geomspace(2, 1024 if quick else 4096, 7 if quick else 25).round().astype(int)
        )
        accuracy = _panel_accuracy(axes[1, 0], grid, n_samples, args.seed)
        retention, data = _retention(axes[1, 1], 4 * n_samples, args.seed)
        hybrid, hybrid_data = _panel_hybrid(axes[2, 0], quick, 4 if quick else 16, args.seed)
        gates, gate_data = _panel_gates(axes[2, 1], quick, 2 if quick else 8, args.seed)
        cells, cell_data = _panel_cells(
            axes[3, 0], axes[3, 1], quick, 3 if quick else 8, args.seed
        )
    fig.tight_layout(h_pad=1.5)
    capacities = {
        name: xr.Dataset(
            {
                "capacity": labelled(
                    "d", rec["capacity"], "(a, b) capacity: most items read with accuracy >= 0.9"
                ),
                "capacity_err": labelled("d", rec["capacity_error"], "standard error of capacity"),
                "state_size": labelled("d", rec["state_size"], "(b) floats held at capacity"),
                "flops_per_write": labelled(
                    "d",
                    rec["flops_per_write"],
                    "floating-point operations of one write at capacity",
                ),
            },
            coords={"d": labelled("d", rec["d"], "key dimension d")},
        )
        for name, rec in {**records, **newer}.items()
    }
    parts = [
        joined(capacities, "model", "memory model"),
        accuracy,
        data,
        hybrid_data,
        gate_data,
        cell_data,
    ]
    meta = {
        "threshold": 0.9,
        "n_samples": n_samples,
        "capacity": records,
        "newer": newer,
        "ramsauer": _ramsauer(records["softmax"]["d"]),
        "retention": retention,
        "hybrid": hybrid,
        "gates": gates,
        "cells": cells,
        "d_accuracy": D_B,
        "d_retention": D_C,
    }
    return fig, parts, meta


def main(argv: list[str] | None = None):
    return run_figure("memory_models", __doc__.splitlines()[0], argv, draw)


if __name__ == "__main__":
    main()
