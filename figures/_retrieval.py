"""Monte Carlo retrieval overlaps at finite N, shared by the theory-vs-simulation figures."""

from __future__ import annotations

import numpy as np

import mc
from hebbian import DenseHopfield, binary_patterns

__all__ = ["retrieval_overlap"]


def retrieval_overlap(
    P: int,
    alpha: float,
    T: float,
    N: int,
    *,
    n_samples: int,
    seed: int,
    n_sweeps: int = 200,
    n_burnin: int = 100,
    n_replicas: int = 2,
    threshold: float = 0.5,
) -> tuple[float, float, float]:
    """Overlap of the retrieval state with the cued pattern, its error, and the fraction retained.

    ``K = round(alpha N^(P-1))`` random patterns, :class:`hebbian.DenseHopfield`
    without self-interactions (the normalization of :mod:`theory.dense` and,
    for ``P = 2``, :mod:`theory.hopfield`).  Every chain starts on pattern 0.
    At ``T = 0`` the overlap is read at the fixed point of zero-temperature
    dynamics; at ``T > 0`` it is the time average after ``n_burnin`` sweeps of
    Metropolis dynamics.

    A chain whose overlap falls below ``threshold`` has left the retrieval
    state: at finite N the barrier around a metastable (or even stable)
    retrieval state is finite and crossed in a time growing like ``e^{cN}``.
    The RS retrieval solution describes the state, so the overlap averages the
    chains that stayed (the retained fraction is returned; it goes to 1 as N
    grows wherever the state exists).  The error is the standard error over
    the disorder samples with a retained chain, floored at the resolution
    ``2/N`` of one spin.  The random streams derive from
    ``(seed, P, alpha, T, N)``, so every point is reproducible on its own.
    """
    K = max(1, round(alpha * N ** (P - 1)))
    key = [seed, P, round(alpha * 1e9), round(T * 1e9), N]
    means, n_kept = [], 0
    for child in np.random.SeedSequence(key).spawn(n_samples):
        rng = np.random.default_rng(child)
        net = DenseHopfield(binary_patterns(K, N, rng=rng), P=P)
        if T == 0:
            res = mc.run(
                net,
                T=0,
                n_sweeps=n_sweeps,
                start="pattern",
                rng=rng,
                n_replicas=n_replicas,
                measure_every=n_sweeps,
            )
        else:
            res = mc.run(
                net,
                T=T,
                n_sweeps=n_sweeps,
                n_burnin=n_burnin,
                start="pattern",
                rng=rng,
                n_replicas=n_replicas,
                measure_every=5,
            )
        m = res.overlaps[:, :, 0]  # (n_measurements, n_replicas)
        kept = m.min(axis=0) > threshold
        n_kept += int(kept.sum())
        if kept.any():
            means.append(m[:, kept].mean())
    if not means:
        return np.nan, np.nan, 0.0
    means = np.array(means)
    spread = means.std(ddof=1) if len(means) > 1 else 1.0
    error = max(spread, 2.0 / N) / np.sqrt(len(means))
    return float(means.mean()), float(error), n_kept / (n_samples * n_replicas)


def plot_extrapolated(ax, Ns, xs, m_mc, theory) -> list[dict]:
    """Plot MC overlaps at each N and their ``N -> infinity`` extrapolation; compare to theory.

    Parameters
    ----------
    ax : matplotlib Axes
    Ns : list of int
    xs : list of float
        Control parameter of each point (the x axis).
    m_mc : ndarray, shape (len(Ns), len(xs), 3)
        :func:`retrieval_overlap` results.
    theory : callable
        ``x -> m`` of the RS retrieval solution (``nan`` where none).

    Returns
    -------
    list of dict
        Per point: extrapolated overlap and error, fit chi-square, the
        retained fraction at the largest N, theory, and the distance in errors
        (``nan`` where some size kept no chain).
    """
    for k, N in enumerate(Ns):
        ax.errorbar(
            xs,
            m_mc[k, :, 0],
            m_mc[k, :, 1],
            fmt="o",
            ms=3,
            capsize=2,
            color=f"C{k}",
            alpha=0.7,
            label=f"MC N={N}",
        )
    records = []
    for j, x in enumerate(xs):
        m_theory = theory(x)
        record = {
            "x": float(x),
            "m_theory": m_theory,
            "retained": float(m_mc[-1, j, 2]),
            "m_extrapolated": np.nan,
            "error": np.nan,
            "chi2": np.nan,
            "n_sigma": np.nan,
        }
        if np.all(np.isfinite(m_mc[:, j, 0])):
            fit = mc.extrapolate(Ns, m_mc[:, j, 0], m_mc[:, j, 1])
            record.update(
                m_extrapolated=fit.value,
                error=fit.error,
                chi2=fit.chi2,
                n_sigma=(fit.value - m_theory) / fit.error,
            )
            ax.errorbar(
                [x],
                [fit.value],
                [fit.error],
                fmt="D",
                ms=5,
                color="k",
                mfc="w",
                label=r"MC $N\to\infty$" if not records else None,
            )
        records.append(record)
    return records
