"""Panels shared by the glass figures: energies extrapolated in N, and the overlap distribution."""

from __future__ import annotations

import numpy as np

from hebbian import mc
from hebbian.figures._output import MARKERS, labelled
from hebbian.mc.glass import Q_BINS, abs_overlap_cdf, weight_below_half

__all__ = [
    "energy_panel",
    "overlap_cdf_panel",
    "q_coordinate",
    "replica_below_half",
    "replica_cdf",
]


def q_coordinate() -> dict:
    """Coordinates of the overlap histograms: bin centres ``q`` and bin edges ``q_edge``."""
    return {
        "q": labelled("q", (Q_BINS[1:] + Q_BINS[:-1]) / 2, "two-replica overlap q, bin centre"),
        "q_edge": labelled("q_edge", Q_BINS, "edges of the bins of the overlap histograms"),
    }


def energy_panel(ax, Ns, temps, u, err, *, omega: float, theory: dict) -> list[dict]:
    """Monte Carlo energies per N and their ``N -> infinity`` extrapolation, against theory.

    Parameters
    ----------
    ax : matplotlib Axes
    Ns, temps : array_like
        Sizes and temperatures of the Monte Carlo points.
    u, err : ndarray, shape (len(Ns), len(temps))
        Energy per spin and its error.
    omega : float
        Finite-size exponent of :func:`hebbian.mc.extrapolate` (corrections ``N^-omega``).
    theory : dict
        ``name -> callable(T) -> u`` (``nan`` where none) to measure the
        extrapolated points against.

    Returns
    -------
    list of dict
        Per temperature: extrapolated energy, error, chi-square, each theory
        value and the distance to it in errors (``n_sigma_<name>``).
    """
    for k, N in enumerate(Ns):
        style = {"fmt": MARKERS[k], "color": f"C{k + 4}"}
        ax.errorbar(temps, u[k], err[k], ms=3, **style, label=f"MC N={N}")
    records = []
    for t, T in enumerate(temps):
        fit = mc.extrapolate(Ns, u[:, t], err[:, t], omega=omega)
        record = {"T": float(T), "u_extrapolated": fit.value, "error": fit.error, "chi2": fit.chi2}
        for name, line in theory.items():
            value = float(line(T))
            record[f"u_{name}"] = value
            record[f"n_sigma_{name}"] = (fit.value - value) / fit.error
        records.append(record)
        ax.errorbar(
            [T],
            [fit.value],
            [fit.error],
            fmt="D",
            mfc="w",
            color="k",
            ms=5,
            label=r"MC $N\to\infty$" if t == 0 else None,
        )
    return records


def overlap_cdf_panel(ax, Ns, q_hist, q_levels, x_levels, label: str) -> str:
    """Distribution function of ``|q|`` from Monte Carlo histograms against a Parisi ``x(q)``.

    ``q_hist`` (len(Ns), len(Q_BINS) - 1) are normalized histograms of the
    two-replica overlap at one temperature; level ``q_j`` of the replica
    solution carries the mass ``x_{j+1} - x_j``, so its distribution function
    is ``x_{j+1}`` on ``[q_j, q_{j+1})``.  Returns a note for the panel's
    legend: the weight below ``|q| = 1/2`` at each N
    (:func:`hebbian.mc.glass.weight_below_half`) against the solution's.
    """
    edges, cdf = abs_overlap_cdf(q_hist)
    for k, N in enumerate(Ns):
        style = {"color": f"C{k + 4}", "marker": MARKERS[k], "ls": ("--", "-.", ":")[k % 3]}
        ax.plot(edges, cdf[k], ms=2.5, **style, label=f"MC N={N}")  # at the bin edges
    below = weight_below_half(q_hist)
    ax.step(*replica_cdf(q_levels, x_levels), "k-", where="post", label=label)
    ax.set(xlabel="$|q|$", ylabel=r"$P(|q'| < q)$", xlim=(0, 1))
    sizes = ", ".join(f"{v:.2f} (N={N})" for v, N in zip(below, Ns, strict=True))
    theory = replica_below_half(q_levels, x_levels)
    return f"$P(|q| < 1/2)$: MC {sizes}\nreplica theory {theory:.2f}"


def replica_cdf(q_levels, x_levels) -> tuple[list, list]:
    """Steps ``(q, x)`` of the distribution function of ``|q|`` of a Parisi solution."""
    return [0.0, *q_levels, 1.0], [0.0, *x_levels, 1.0, 1.0]


def replica_below_half(q_levels, x_levels) -> float:
    """``P(|q| < 1/2)`` of a Parisi solution with levels ``q_j`` and breakpoints ``x_j``."""
    q_steps, x_steps = replica_cdf(q_levels, x_levels)
    return float(x_steps[np.searchsorted(q_steps, 0.5, side="right") - 1])
