"""Monte Carlo points at several N, their N -> infinity extrapolation, and the theory they meet."""

from __future__ import annotations

import math

import numpy as np
from scipy.special import expit

from hebbian import mc

__all__ = ["binomial_crossing", "deviation_note", "half_crossing", "plot_extrapolated"]


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


def binomial_crossing(x, kept, n) -> tuple[float, float]:
    """Where a falling fraction of kept chains crosses 1/2: a logistic fit to all the points.

    ``kept[i]`` is the fraction kept at ``x[i]`` of ``n`` (or ``n[i]``) independent
    trials: chains, or disorder samples where a sample's chains share their fate (``nan``:
    not measured).  The fit is the binomial maximum likelihood of ``logit p = a + b x``
    (Newton's method), the crossing ``c = -a / b`` and its error from the
    inverse Fisher information by the delta method, scaled by ``sqrt(X^2 /
    dof)`` where Pearson's ``X^2`` exceeds its degrees of freedom
    (overdispersion: trials that are not independent, or disorder samples that
    differ more than one binomial allows).  Unlike :func:`half_crossing`'s
    interpolation between the two points around 1/2, every point counts and a
    single chain moves the crossing continuously.  Where the points separate
    completely (every chain kept up to some ``x``, none beyond) the crossing is
    anywhere between, with the error of a uniform position there, ``width /
    sqrt(12)``; where they separate but for one point in between, the
    likelihood grows without bound as the logistic steepens onto that point,
    and :func:`half_crossing` interpolates instead (binomial errors, floored at
    one trial).  ``nan`` where the fitted fraction does not fall through 1/2
    inside the grid.
    """
    x, kept = np.asarray(x, float), np.asarray(kept, float)
    n = np.broadcast_to(np.asarray(n, float), kept.shape)
    ok = np.isfinite(kept) & (n > 0)
    x, kept, n = x[ok], kept[ok], n[ok]
    if x.size < 2 or kept.max() < 0.5 or kept.min() >= 0.5:
        return np.nan, np.nan
    first_lost, last_kept = np.flatnonzero(kept < 1)[0], np.flatnonzero(kept > 0)[-1]
    if last_kept < first_lost:  # complete separation
        lo, hi = x[last_kept], x[first_lost]
        return float((lo + hi) / 2), float((hi - lo) / math.sqrt(12))
    if last_kept == first_lost:  # separation but for one point: no finite fit
        err = np.maximum(np.sqrt(kept * (1 - kept) / n), 1 / n)
        return half_crossing(x, kept, err)
    scale = x.max() - x.min()
    u = (x - x.min()) / scale  # fit in [0, 1]: a well-conditioned design
    design = np.stack([np.ones_like(u), u], axis=1)

    def likelihood(beta):  # log-likelihood of the chains, up to a constant
        z = design @ beta
        return float(np.sum(n * (kept * z - np.logaddexp(0, z))))

    def information(p):
        return design.T @ (design * (n * p * (1 - p))[:, None])

    beta = np.array([2.0, -4.0])
    for _ in range(100):  # Newton's method, halving a step that lowers the likelihood
        p = expit(design @ beta)
        try:
            move = np.linalg.solve(information(p), design.T @ (n * (kept - p)))
        except np.linalg.LinAlgError:  # saturated: the points rise instead
            return np.nan, np.nan
        t, current = 1.0, likelihood(beta)
        while likelihood(beta + t * move) < current and t > 1e-6:
            t /= 2
        beta = beta + t * move
        if np.abs(t * move).max() < 1e-12:
            break
    a, b = beta
    p = expit(design @ beta)
    info = information(p)
    c = -a / b
    if not (b < 0 and 0 <= c <= 1):
        return np.nan, np.nan
    gradient = np.array([-1 / b, a / b**2])
    variance = gradient @ np.linalg.solve(info, gradient)
    dof = x.size - 2
    if dof > 0:
        spread = p * (1 - p)
        inside = spread > 0  # a point fitted to exactly 0 or 1 has its data there
        pearson = float(np.sum((n * (kept - p) ** 2)[inside] / spread[inside]))
        variance *= max(1.0, pearson / dof)
    return float(x.min() + c * scale), float(math.sqrt(variance) * scale)


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
