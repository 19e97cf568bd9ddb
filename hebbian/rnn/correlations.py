"""Autocorrelations of many trajectories and their decay time.

What DMFT predicts and simulations measure: ``Delta(tau) = <h(t) h(t + tau)>``
averaged over neurons (or sampled paths) and over the time ``t`` of a
stationary run.  Unlike :func:`hebbian.mc.statistics.autocorrelation` (one Monte
Carlo series, centred and normalised, biased estimator) the mean is not
subtracted - ``<h> = 0`` is part of the prediction - and each lag is averaged
over the ``T - k`` products it has.
"""

from __future__ import annotations

import math

import numpy as np

from hebbian._checks import check_int

__all__ = ["autocorrelation", "decay_time"]


def autocorrelation(x, n_lags: int, *, axis: int = 0) -> np.ndarray:
    """``mean <x(t) x(t + k)>`` for lags ``k`` from 0 to ``n_lags - 1``, over time and series.

    Parameters
    ----------
    x : array_like
        Trajectories, time along ``axis``; every other axis indexes series
        (neurons, paths) that are averaged.
    n_lags : int
        Number of lags, 1 to the number of time points.
    axis : int
        The time axis.

    Returns
    -------
    ndarray, shape (n_lags,)
        ``sum_t x(t) x(t + k) / (T - k)`` averaged over the series, by FFT
        zero-padded to ``2 T`` (no wrap-around), ``O(T log T)`` per series.

    Examples
    --------
    >>> autocorrelation([[1.0], [2.0], [3.0]], 3).round(12).tolist()  # 14/3, (2+6)/2, 3/1
    [4.666666666667, 4.0, 3.0]
    """
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    T = x.shape[0]
    n_lags = check_int(n_lags, "n_lags", minimum=1)
    if n_lags > T:
        raise ValueError(f"n_lags={n_lags} exceeds the {T} time points; pass at most {T}")
    spectrum = np.fft.rfft(x, n=2 * T, axis=0)
    sums = np.fft.irfft(spectrum.real**2 + spectrum.imag**2, n=2 * T, axis=0)[:n_lags]
    return sums.reshape(n_lags, -1).mean(axis=1) / (T - np.arange(n_lags))


def decay_time(tau, correlation) -> float | None:
    """First lag at which ``correlation / correlation[0]`` falls below ``1/e``.

    Linear interpolation between the two grid points around the crossing;
    ``None`` when it never falls that far on the grid.

    Examples
    --------
    >>> tau = np.linspace(0.0, 5.0, 501)
    >>> round(decay_time(tau, np.exp(-tau / 2)), 4)
    2.0
    """
    tau = np.asarray(tau, dtype=np.float64)
    ratio = np.asarray(correlation, dtype=np.float64) / correlation[0]
    below = np.flatnonzero(ratio < math.exp(-1.0))
    if below.size == 0 or below[0] == 0:
        return None
    i = below[0]
    return float(np.interp(math.exp(-1.0), [ratio[i], ratio[i - 1]], [tau[i], tau[i - 1]]))
