"""Temperature and inverse temperature, checked once for every entry point."""

from __future__ import annotations

import math

from hebbian._checks import check_real

__all__ = ["T_from_beta", "beta_from_T"]


def beta_from_T(T) -> float:
    """Inverse temperature ``beta = 1/T``, with ``T = 0`` mapped to ``inf``.

    Raises
    ------
    ValueError
        If ``T`` is negative or NaN, e.g. ``temperature T=-0.5 must be >= 0``.

    Examples
    --------
    >>> beta_from_T(0.5), beta_from_T(0)
    (2.0, inf)
    """
    T = check_real(T, "temperature T", low=0.0, fix="T=0 is zero-temperature dynamics")
    return math.inf if T == 0.0 else 1.0 / T


def T_from_beta(beta) -> float:
    """Temperature ``T = 1/beta``, with ``beta = inf`` mapped to ``0``."""
    beta = check_real(
        beta,
        "inverse temperature beta",
        low=0.0,
        low_open=True,
        fix="use beta=inf for zero temperature",
    )
    return 0.0 if math.isinf(beta) else 1.0 / beta
