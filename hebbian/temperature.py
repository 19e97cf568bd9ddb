"""Temperature and inverse temperature, checked once for every entry point.

Both ends of the temperature axis are limits, never overflows: ``T = 0`` is
``beta = inf`` and ``T = inf`` is ``beta = 0`` (the paramagnet).  The replica
solvers of :mod:`hebbian.theory` go over to their ``T = 0`` equations below
:data:`T_ZERO` (``zero_below=T_ZERO``): their finite-temperature corrections
are of order ``T`` there (``q = 1 - C T``), below the solvers' tolerances,
while ``beta^2`` and ``beta`` times a field would approach overflow.
"""

from __future__ import annotations

import math

from hebbian._checks import check_real

__all__ = ["T_ZERO", "T_ZERO_RSB", "T_from_beta", "beta_from_T", "temperature"]

#: Temperatures at or below this are ``T = 0`` for the replica-symmetric solvers
#: (``hebbian.theory``): their corrections there are ``O(T)`` in ``q`` and below in ``f``.
T_ZERO = 1e-12

#: The same for the replica-symmetry-breaking solvers, whose finite-``T`` form
#: (breakpoints ``x_j = mu_j / beta -> 0``, ``q_k -> 1``) stops converging as ``T``
#: falls below ~1e-4: there ``T = 0`` differs by ``O(T)`` (SK 1RSB: 2.4e-5 in ``q_1``,
#: 1.4e-6 in ``f``, from its zero-temperature entropy -0.014), the size of the field
#: grid's own error.
T_ZERO_RSB = 1e-4


def temperature(T, *, zero_below: float = 0.0) -> tuple[float, float]:
    """The checked temperature and its inverse ``(T, beta)``.

    ``T = 0`` (and any ``T <= zero_below``) gives ``beta = inf``, ``T = inf``
    gives ``beta = 0``.  ``T`` itself is returned unchanged (as a float), so a
    result can record the temperature it was asked for.

    Raises
    ------
    TypeError
        If ``T`` is not a real number (booleans included).
    ValueError
        If ``T`` is negative or NaN, e.g. ``temperature T=-0.5 must be >= 0``.

    Examples
    --------
    >>> temperature(0.5), temperature(1e-15, zero_below=T_ZERO), temperature(math.inf)
    ((0.5, 2.0), (1e-15, inf), (inf, 0.0))
    """
    T = check_real(T, "temperature T", low=0.0, fix="T=0 is zero-temperature dynamics")
    if T == 0.0 or zero_below >= T:
        return T, math.inf
    return T, 1.0 / T  # inf -> 0; a subnormal T -> inf


def beta_from_T(T, *, zero_below: float = 0.0) -> float:
    """Inverse temperature ``beta = 1/T``, with ``T = 0`` mapped to ``inf`` and ``T = inf`` to 0.

    ``zero_below``: temperatures at or below it map to ``inf`` too (the
    replica solvers pass :data:`T_ZERO`).

    Raises
    ------
    ValueError
        If ``T`` is negative or NaN, e.g. ``temperature T=-0.5 must be >= 0``.

    Examples
    --------
    >>> beta_from_T(0.5), beta_from_T(0), beta_from_T(math.inf)
    (2.0, inf, 0.0)
    """
    return temperature(T, zero_below=zero_below)[1]


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
