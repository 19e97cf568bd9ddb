"""Monte Carlo points at several N, their N -> infinity extrapolation, and the theory they meet."""

from __future__ import annotations

import math

import numpy as np

from hebbian import mc

__all__ = ["deviation_note", "half_crossing", "plot_extrapolated"]


def half_crossing(x, y, err) -> tuple[float, float]:
    """Where a falling curve ``y(x)`` first drops below 1/2 (linear interpolation), and
    the error propagated from ``err``; ``nan`` without a crossing inside the grid.

    Where both bracketing points are exact (``err`` zero: every chain kept, or
    none) the data place the crossing anywhere in the bracket, and the error
    is that of a uniform position in it, ``width / sqrt(12)``.
    """
    x, y, err = (np.asarray(a, float) for a in (x, y, err))
    below = np.flatnonzero(y < 0.5)
    if below.size == 0 or below[0] == 0 or not np.isfinite(y[below[0] - 1]):
        return np.nan, np.nan
    j = below[0]
    t = (0.5 - y[j - 1]) / (y[j] - y[j - 1])
    slope = (y[j] - y[j - 1]) / (x[j] - x[j - 1])
    value = x[j - 1] + t * (x[j] - x[j - 1])
    error = np.hypot((1 - t) * err[j - 1], t * err[j]) / abs(slope)
    if not error > 0:
        error = abs(x[j] - x[j - 1]) / math.sqrt(12)
    return float(value), float(error)


#: How an extrapolated point is drawn, by what it says (see :func:`plot_extrapolated`).
_STYLES = {
    "on theory": {"fmt": "D", "color": "k", "mfc": "w", "label": r"MC $N\to\infty$"},
    "above 1": {
        "fmt": "D",
        "color": "0.5",
        "mfc": "0.5",
        "label": r"MC $N\to\infty$ above 1: the $1/N$ form does not hold there",
    },
    "no theory": {
        "fmt": "P",
        "color": "C3",
        "mfc": "C3",
        "label": r"MC $N\to\infty$ where RS has no retrieval state",
    },
}


def plot_extrapolated(ax, points, axis: str, theory) -> list[dict]:
    """Plot MC overlaps at each N and their ``N -> infinity`` extrapolation; compare to theory.

    The overlaps average the chains that stayed in the retrieval state
    (:func:`hebbian.mc.retrieval.retrieval_overlap`).  No point is dropped
    without a mark: an extrapolation above 1 (the ``1/N`` form fails; the
    overlap cannot exceed 1) and one where the theory has no retrieval state
    are drawn apart, and where some size kept no chain in retrieval (no
    extrapolation) a cross marks the bottom of the axes.

    Parameters
    ----------
    ax : matplotlib Axes
    points : xarray.Dataset
        A sweep of :func:`hebbian.mc.retrieval_overlap` on the axes ``N`` and ``axis``.
    axis : str
        The control parameter on the x axis.
    theory : callable
        ``x -> m`` of the RS retrieval solution (``nan`` where none).

    Returns
    -------
    list of dict
        Per point: extrapolated overlap and error, fit chi-square, the
        retained fraction at the largest N, theory, the distance in errors
        (``nan`` where some size kept no chain or the theory has no state)
        and ``status``: ``"on theory"``, ``"above 1"``, ``"no theory"`` or
        ``"escaped"`` (some size kept no chain).
    """
    points = points.transpose("N", axis)
    Ns, xs = points["N"].values, points[axis].values
    m, err, retained = (points[v].values for v in ("m", "error", "retained"))
    markers = "osv^<>"
    for k, N in enumerate(Ns):
        ax.errorbar(
            xs,
            m[k],
            err[k],
            fmt=markers[k % len(markers)],
            ms=3,
            capsize=2,
            color=f"C{k}",
            alpha=0.7,
            label=f"MC N={N} (chains that stayed)",
        )
    records, labelled_ = [], set()
    for j, x in enumerate(xs):
        m_theory = theory(x)
        record = {
            "x": float(x),
            "m_theory": m_theory,
            "retained": float(retained[-1, j]),
            "m_extrapolated": np.nan,
            "error": np.nan,
            "chi2": np.nan,
            "n_sigma": np.nan,
            "status": "escaped",
        }
        if np.all(np.isfinite(m[:, j])):
            fit = mc.extrapolate(Ns, m[:, j], err[:, j])
            status = (
                "no theory"
                if not np.isfinite(m_theory)
                else "above 1"
                if fit.value - fit.error > 1
                else "on theory"
            )
            record.update(m_extrapolated=fit.value, error=fit.error, chi2=fit.chi2, status=status)
            if status != "no theory":
                record["n_sigma"] = (fit.value - m_theory) / fit.error
            style = dict(_STYLES[status])
            label = style.pop("label")
            ax.errorbar(
                [x],
                [fit.value],
                [fit.error],
                ms=5,
                label=None if status in labelled_ else label,
                **style,
            )
        else:
            label = "no extrapolation: some N kept no chain in retrieval"
            ax.plot(
                [x],
                [0.03],
                "x",
                color="C3",
                transform=ax.get_xaxis_transform(),
                label=None if "escaped" in labelled_ else label,
            )
        labelled_.add(record["status"])
        records.append(record)
    return records


def deviation_note(records: list[dict], axis: str) -> str:
    """How far the extrapolated points lie from theory, in numbers, for the panel's legend.

    Parameters
    ----------
    records : list of dict
        :func:`plot_extrapolated`'s records (``x``, ``n_sigma``, ``chi2``, ``status``).
    axis : str
        The name of the control parameter, as the note writes it.

    Returns
    -------
    str
        The note: the largest distance in errors and where, how many points were
        compared, and whether the fits could test their ``1/N`` form (with two
        sizes a line always passes through both: no chi-square).
    """
    compared = [r for r in records if np.isfinite(r["n_sigma"])]
    if not compared:
        note = r"no MC $N\to\infty$ point to compare with theory"
    else:
        worst = max(compared, key=lambda r: abs(r["n_sigma"]))
        chi2 = [r["chi2"] for r in compared if np.isfinite(r["chi2"])]
        form = (
            "two sizes: the 1/N form untested"
            if not chi2
            else f"largest $\\chi^2$/dof {max(chi2):.1f}"
        )
        note = (
            f"MC $N\\to\\infty$ vs theory, {len(compared)} points:\n"
            f"largest {worst['n_sigma']:+.1f}$\\sigma$ at {axis} = {worst['x']:g}\n({form})"
        )
    return note
