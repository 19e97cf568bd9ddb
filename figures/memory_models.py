"""Memory models compared: capacity against dimension and load, retention against time.

Five key/value memories behind one interface (:mod:`hebbian.memory`): Hebbian
outer product (linear attention), dense polynomial ``P = 3``, softmax
attention at ``beta = d/4``, and two with a fixed ``d x d`` state, the
forget-gated Hebbian memory (``tau = 32`` writes) and the delta rule
(``eta = gamma = 1``).  Keys ``+-1/sqrt(d)``, values ``+-1``, each key its own
query; accuracy = sign agreement of the read with the value; capacity = the
largest number stored read with accuracy >= 0.9 (:func:`hebbian.memory.capacity`).

(a) Capacity ``n_c`` against ``d`` (log-log) with the signal-to-noise theory
    (:func:`hebbian.memory.predicted_capacity`: ``1 + d/z^2``,
    ``~ d^2/(3 z^2)``, ``1 + exp(alpha d)/z^2`` with
    ``alpha = 1/2 - log cosh(1/2) = 0.380``, and the forget gate's numerical
    solution, which saturates at ``~ tau log d``) and the fitted exponents
    (``log n_c ~ alpha d`` for softmax); the delta rule has no such theory
    (a line ``~ d`` is drawn through its largest ``d``).
(b) Accuracy against the number stored at ``d = 64`` with
    :func:`hebbian.memory.predicted_accuracy`.
(c) Retention at ``d = 64``: accuracy of the item written ``lag`` writes ago
    for forget gates ``tau = 8, 16, 32`` (theory
    ``Phi(gamma^lag sqrt(d) / sqrt(1/(1-gamma^2) - gamma^(2 lag)))``) and the
    delta rule.
(d) The signal ``r . v / d_v`` of the same reads on a log scale: ``gamma^lag``
    for the gates (lines), the fitted decay times in the legend; the delta
    rule's mean-field ``(1 - 1/d)^lag`` dotted.
"""

from __future__ import annotations

import math
import time

import numpy as np
import xarray as xr
from threadpoolctl import threadpool_limits

from hebbian.figures._output import joined, labelled, parse_args, write_outputs
from hebbian.memory import (
    DeltaRuleMemory,
    ForgetGatedMemory,
    LinearMemory,
    PolynomialMemory,
    SoftmaxMemory,
    capacity,
    capacity_curve,
    predicted_accuracy,
    predicted_capacity,
    predicted_retention,
    retention_curve,
    retention_timescale,
    scaling_exponent,
)

TAU_A = 32
D_B = D_C = 64
TAUS_C = (8, 16, 32)

#: name: (legend label, factory, capacity law, dimensions (full, quick))
MODELS = {
    "linear": ("linear", lambda d: LinearMemory(), "power",
               ([32, 64, 128, 256, 512], [32, 64, 128])),
    "polynomial": ("polynomial P = 3", lambda d: PolynomialMemory(3), "power",
                   ([16, 24, 32, 48, 64, 96], [16, 32, 64])),
    "softmax": (r"softmax $\beta = d/4$", lambda d: SoftmaxMemory(d / 4), "exponential",
                ([8, 12, 16, 20, 24], [8, 12, 16])),
    "forget": (rf"forget gate $\tau = {TAU_A}$",
               lambda d: ForgetGatedMemory.from_timescale(TAU_A), "power",
               ([16, 32, 64, 128, 256, 512], [32, 64, 128])),
    "delta": ("delta rule", lambda d: DeltaRuleMemory(), "power",
              ([16, 32, 64, 128, 256], [32, 64, 128])),
}  # fmt: skip


def _theory(memory):
    """``(kernel, gamma)`` of a memory that reads a weighted sum over items, else ``None``."""
    if isinstance(memory, DeltaRuleMemory):
        return None
    return memory.kernel, memory.gamma if isinstance(memory, ForgetGatedMemory) else 1.0


def _predicted(factory, d: int) -> int | None:
    theory = _theory(factory(d))
    return None if theory is None else predicted_capacity(theory[0], d, gamma=theory[1])


def _capacity_law(name: str, quick: bool, n_samples: int, seed: int) -> dict:
    """Measured capacities at each ``d``, their fitted exponent and the theory's."""
    _, factory, law, sizes = MODELS[name]
    ds = sizes[1] if quick else sizes[0]
    k = list(MODELS).index(name)
    runs = [capacity(factory, d, n_samples=n_samples, rng=np.random.SeedSequence([seed, k, d]))
            for d in ds]  # fmt: skip
    n_c = np.array([r["capacity"] for r in runs])
    err = np.array([r["capacity_error"] for r in runs])
    record = {"d": list(ds), "capacity": n_c.tolist(), "capacity_error": err.tolist(),
              "censored": sum(r["censored"] for r in runs), "law": law,
              **scaling_exponent(ds, n_c, err, law=law)}  # fmt: skip
    predicted = [_predicted(factory, d) for d in ds]
    if predicted[0] is None:
        record["theory_exponent"] = 1.0  # the delta rule: n_c ~ d, no constant derived
    else:
        theory = np.array(predicted, dtype=np.float64)
        record["predicted"] = theory.tolist()
        fit = scaling_exponent(ds, theory, err * theory / n_c, law=law)
        record["theory_exponent"] = fit["exponent"]
    return record


def _panel_capacity(ax, records: dict) -> None:
    for k, (name, rec) in enumerate(records.items()):
        label, factory, law, _ = MODELS[name]
        ds = np.array(rec["d"])
        s, s_err, theory = rec["exponent"], rec["exponent_error"], rec["theory_exponent"]
        fitted = (f"$\\log n_c = ({s:.3f}\\pm{s_err:.3f})\\,d$" if law == "exponential"
                  else f"$n_c \\sim d^{{{s:.3f}\\pm{s_err:.3f}}}$")  # fmt: skip
        fitted += f" (theory {theory:.3f})" if "predicted" in rec else r" (theory $\propto d$)"
        ax.errorbar(ds, rec["capacity"], rec["capacity_error"], fmt="o", color=f"C{k}",
                    capsize=2, ms=4, label=f"{label}: {fitted}")  # fmt: skip
        grid = np.unique(np.geomspace(ds[0], ds[-1], 24).round().astype(int))
        if "predicted" in rec:
            theory = [_predicted(factory, d) for d in grid]
            ax.plot(grid, theory, "-", color=f"C{k}", lw=0.9)
        else:
            ax.plot(grid, rec["capacity"][-1] * grid / ds[-1], ":", color=f"C{k}", lw=0.9)
    ax.plot([], [], "k-", lw=0.9, label="signal-to-noise theory")
    ax.set(xscale="log", yscale="log", ylim=(5, 1e6), xlabel="key dimension d",
           ylabel="capacity $n_c$ (accuracy $\\geq$ 0.9)",
           title="(a) capacity against dimension")  # fmt: skip
    ax.legend(fontsize=7)


def _panel_accuracy(ax, grid, n_samples: int, seed: int) -> xr.Dataset:
    accuracy, error = [], []
    for k, (label, factory, _, _) in enumerate(MODELS.values()):
        curve = capacity_curve(factory, D_B, grid, n_samples=n_samples,
                               rng=np.random.SeedSequence([seed, D_B, k]))  # fmt: skip
        ax.errorbar(grid, curve["accuracy"], curve["accuracy_error"], fmt="o", ms=3,
                    color=f"C{k}", label=label)  # fmt: skip
        theory = _theory(factory(D_B))
        if theory is not None:
            line = [predicted_accuracy(theory[0], D_B, n, gamma=theory[1]) for n in grid]
            ax.plot(grid, line, "-", color=f"C{k}", lw=0.9)
        accuracy.append(curve["accuracy"])
        error.append(curve["accuracy_error"])
    ax.axhline(0.9, color="gray", ls=":", lw=0.8)
    ax.set(xscale="log", xlabel="number stored n", ylabel="accuracy (sign agreement)",
           title=f"(b) accuracy against load, d = {D_B}; lines: theory")  # fmt: skip
    ax.legend(fontsize=7)
    return xr.Dataset(
        {"accuracy": labelled(("model", "n"), accuracy, f"(b) accuracy of the reads, d = {D_B}"),
         "accuracy_err": labelled(("model", "n"), error, "standard error of accuracy")},
        coords={"n": labelled("n", grid, "number of items stored")},
    )  # fmt: skip


def _retention(ax_acc, ax_sig, n_samples: int, seed: int) -> tuple[list, xr.Dataset]:
    lags = np.arange(4 * max(TAUS_C))
    n_items = 10 * max(TAUS_C)
    records, curves = [], {"accuracy": [], "accuracy_error": [], "signal": [], "signal_error": []}
    runs = [(rf"forget gate $\tau = {tau}$", tau) for tau in TAUS_C] + [("delta rule", None)]
    for k, (label, tau) in enumerate(runs):
        memory = (lambda d: DeltaRuleMemory()) if tau is None else (
            lambda d, tau=tau: ForgetGatedMemory.from_timescale(tau))  # fmt: skip
        curve = retention_curve(memory, D_C, n_items, lags=lags, n_samples=n_samples,
                                rng=np.random.SeedSequence([seed, D_C, n_items, k]))  # fmt: skip
        fit = retention_timescale(lags, curve["signal"], curve["signal_error"])
        # the delta rule's mean-field decay (1 - 1/d)^lag
        reference = -1 / math.log(1 - 1 / D_C) if tau is None else float(tau)
        color = f"C{k + 5}"
        ax_acc.errorbar(lags, curve["accuracy"], curve["accuracy_error"], fmt="o", ms=2,
                        color=color, label=label)  # fmt: skip
        ax_sig.errorbar(lags, curve["signal"], curve["signal_error"], fmt="o", ms=2, color=color,
                        label=f"{label}: fitted $\\tau$ = {fit['tau']:.2f} $\\pm$ "
                              f"{fit['tau_error']:.2f}")  # fmt: skip
        ax_sig.plot(lags, np.exp(-lags / reference), "-" if tau else ":", color=color, lw=0.9)
        record = {"model": "delta" if tau is None else "forget", "tau": reference,
                  "tau_fit": fit["tau"], "tau_fit_error": fit["tau_error"]}  # fmt: skip
        if tau is not None:
            gamma = math.exp(-1 / tau)
            theory = predicted_retention(LinearMemory().kernel, D_C, n_items, lags, gamma=gamma)
            ax_acc.plot(lags, theory["accuracy"], "-", color=color, lw=0.9)
            horizon = _horizon(theory["accuracy"])
            record.update(horizon_theory=horizon, horizon_measured=_horizon(curve["accuracy"]))
        records.append(record)
        for key, values in curves.items():
            values.append(curve[key])
    ax_acc.axhline(0.9, color="gray", ls=":", lw=0.8)
    ax_acc.set(xlabel="lag (writes since the item)", ylabel="accuracy",
               title=f"(c) retention, d = {D_C}; lines: theory")  # fmt: skip
    ax_acc.legend(fontsize=7)
    ax_sig.set(yscale="log", ylim=(1e-3, 1.5), xlabel="lag", ylabel=r"signal $r\cdot v/d_v$",
               title=r"(d) signal: $\gamma^{lag}$ (lines), delta mean field (dotted)")  # fmt: skip
    ax_sig.legend(fontsize=7)
    dims = ("memory", "lag")
    data = xr.Dataset(
        {"retention_accuracy": labelled(dims, curves["accuracy"],
                                        f"(c) accuracy of the item written lag writes ago, "
                                        f"d = {D_C}"),
         "retention_accuracy_err": labelled(dims, curves["accuracy_error"],
                                            "standard error of retention_accuracy"),
         "retention_signal": labelled(dims, curves["signal"], "(d) signal r.v/d_v of the reads"),
         "retention_signal_err": labelled(dims, curves["signal_error"],
                                          "standard error of retention_signal")},
        coords={"memory": labelled("memory", [f"forget_tau{tau}" for tau in TAUS_C] + ["delta"],
                                   "memory with a fixed state"),
                "tau": labelled("memory", [r["tau"] for r in records],
                                "decay time: the gate's, or the delta rule's mean-field one",
                                "writes"),
                "lag": labelled("lag", lags, "writes since the item was written", "writes")},
    )  # fmt: skip
    return records, data


def _horizon(accuracy) -> int:
    """Last lag before the accuracy first falls below 0.9."""
    below = np.flatnonzero(np.asarray(accuracy) < 0.9)
    return int(below[0]) - 1 if below.size else len(accuracy) - 1


def main(argv: list[str] | None = None):
    args = parse_args(__doc__.splitlines()[0], argv)
    started = time.perf_counter()
    quick = args.quick
    n_samples = 32 if quick else 64

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 2, figsize=(13, 10))
    # matrices at most 512 wide: BLAS threads only synchronize (ten times slower on 2 busy cores)
    with threadpool_limits(1, user_api="blas"):
        records = {name: _capacity_law(name, quick, n_samples, args.seed) for name in MODELS}
        _panel_capacity(axes[0, 0], records)
        grid = np.unique(np.geomspace(2, 4096, 10 if quick else 25).round().astype(int))
        accuracy = _panel_accuracy(axes[0, 1], grid, n_samples, args.seed)
        retention, data = _retention(axes[1, 0], axes[1, 1], 4 * n_samples, args.seed)
    capacities = {
        name: xr.Dataset(
            {"capacity": labelled("d", rec["capacity"], "(a) capacity: most items read with "
                                  "accuracy >= 0.9"),
             "capacity_err": labelled("d", rec["capacity_error"], "standard error of capacity")},
            coords={"d": labelled("d", rec["d"], "key dimension d")},
        )
        for name, rec in records.items()
    }  # fmt: skip
    data = xr.merge([joined(capacities, "model", "memory model"), accuracy, data])
    meta = {"threshold": 0.9, "n_samples": n_samples, "capacity": records,
            "retention": retention, "d_accuracy": D_B, "d_retention": D_C}  # fmt: skip
    return write_outputs(fig, data, meta, args, "memory_models", started)


if __name__ == "__main__":
    main()
