"""Finite-size extrapolation ``N -> infinity`` of Monte Carlo estimates.

A finite-N observable is fitted as ``y(N) = y_inf + b N^(-omega)`` by
weighted least squares over several sizes; ``y_inf`` (with its standard
error from the fit covariance) is what the mean-field theory predicts.  The
fit's chi-square per degree of freedom says whether the assumed correction
exponent ``omega`` describes the data.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

from hebbian._checks import check_real

__all__ = ["Extrapolation", "extrapolate"]


class Extrapolation(NamedTuple):
    """``y(N) = value + slope N^(-omega)`` fitted to the data.

    ``chi2`` over ``dof`` degrees of freedom (``nan`` with only two sizes).
    """

    value: float
    error: float
    slope: float
    slope_error: float
    chi2: float
    dof: int
    omega: float

    def __str__(self) -> str:
        fit = f"chi2/dof = {self.chi2:.2f}/{self.dof}" if self.dof else "exact fit (2 sizes)"
        return f"{self.value:.6g} +- {self.error:.2g} (N^-{self.omega:g} correction, {fit})"


def extrapolate(
    N: ArrayLike, values: ArrayLike, errors: ArrayLike, *, omega: float = 1.0
) -> Extrapolation:
    """Weighted least-squares extrapolation of ``values(N)`` to ``N = infinity``.

    Parameters
    ----------
    N : array_like of int
        System sizes, at least two distinct.
    values, errors : array_like
        Estimates at each size and their standard errors (``> 0``).
    omega : float
        Exponent of the leading finite-size correction ``N^(-omega)``.

    Returns
    -------
    Extrapolation

    Examples
    --------
    >>> fit = extrapolate([100, 200, 400], [0.9, 0.95, 0.975], [0.01, 0.01, 0.01])
    >>> round(fit.value, 6), round(fit.slope, 3)
    (1.0, -10.0)
    """
    N = np.asarray(N, float)
    y = np.asarray(values, float)
    s = np.asarray(errors, float)
    omega = check_real(omega, "omega", low=0.0, low_open=True)
    if not (N.ndim == 1 and N.shape == y.shape == s.shape):
        raise ValueError(
            f"N, values and errors must be 1-d of one length; got {N.shape}, {y.shape}, {s.shape}"
        )
    if len(np.unique(N)) < 2 or np.any(N <= 0):
        raise ValueError(f"N={N.tolist()} needs at least two distinct positive sizes")
    if not np.all(s > 0) or not np.all(np.isfinite(y)):
        raise ValueError("errors must be > 0 and values finite; an exact point has no error bar")
    A = np.stack([np.ones_like(N), N**-omega], axis=1) / s[:, None]
    coef, *_ = np.linalg.lstsq(A, y / s, rcond=None)
    cov = np.linalg.inv(A.T @ A)
    dof = len(N) - 2
    chi2 = float(np.sum((A @ coef - y / s) ** 2)) if dof else float("nan")
    return Extrapolation(
        value=float(coef[0]),
        error=float(np.sqrt(cov[0, 0])),
        slope=float(coef[1]),
        slope_error=float(np.sqrt(cov[1, 1])),
        chi2=chi2,
        dof=dof,
        omega=omega,
    )
