r"""Replica-symmetric Sherrington-Kirkpatrick model: the reference glass.

``H = -sum_{i<j} J_ij sigma_i sigma_j - h sum_i sigma_i`` with independent
``J_ij ~ N(0, 1/N)``.  With ``g = h + sqrt(q) z`` (Sherrington & Kirkpatrick,
PRL 35, 1792 (1975); de Almeida & Thouless, J. Phys. A 11, 983 (1978)):

.. math::

    q = E_z \tanh^2\beta g, \qquad
    f = -\frac{\beta}{4}(1-q)^2 - \frac{1}{\beta} E_z \ln 2\cosh\beta g,
    \qquad u = -\frac{\beta}{2}(1 - q^2) - h\,m,

and the replicon eigenvalue ``1 - beta^2 E_z sech^4(beta g)`` vanishes on the
AT line.  At ``T = 0``: ``e = -E_z |h + z|``, ``-sqrt(2/pi) = -0.7979`` at
``h = 0`` (the full-RSB value is -0.7632, issue on RSB).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize

from hebbian._checks import check_real
from hebbian.temperature import beta_from_T
from theory.fixed_point import fixed_point
from theory.quadrature import abs_mean, field_quadrature, log2cosh
from theory.solution import STATUS, Solution, classify

__all__ = ["T_AT", "solve"]


def _field(h: float, q: float, beta: float):
    g, w = field_quadrature(h, math.sqrt(max(q, 0.0)), beta)
    return g, w, np.tanh(beta * g) if math.isfinite(beta) else np.sign(g)


def solve(T: float, h: float = 0.0, *, tol: float = 1e-12, method: str = "hybrid") -> Solution:
    """RS solution of the SK model at temperature ``T`` and uniform field ``h``.

    Returns
    -------
    Solution
        ``order_parameters`` ``q`` and the magnetization ``m``; ``branch``
        ``"spin glass"`` (``q > 0``) or ``"paramagnet"``; ``stability`` the
        replicon eigenvalue (negative below the AT line).

    Examples
    --------
    >>> round(solve(0.0).free_energy, 6)  # -sqrt(2/pi)
    -0.797885
    >>> round(solve(0.5)["q"], 6)
    0.530368
    """
    beta = beta_from_T(T)
    h = check_real(h, "h")
    params = {"T": 0.0 if math.isinf(beta) else 1 / beta, "h": h}
    if math.isinf(beta):
        e = -abs_mean(h, 1.0)
        order = {"q": 1.0, "m": math.erf(h / math.sqrt(2))}  # E sign(h + z)
        return Solution("sk", params, order, e, e, True, 0, STATUS[0], 0, 0.0, "spin glass",
                        -math.inf)  # fmt: skip

    def F(x):
        _g, w, t = _field(h, min(max(x[0], 0.0), 1.0), beta)
        return np.array([w @ t**2])

    fp = fixed_point(F, [0.9], tol=tol, method=method)
    q = float(fp.x[0])
    g, w, t = _field(h, q, beta)
    m = float(w @ t)
    f = -beta / 4 * (1 - q) ** 2 - float(w @ log2cosh(beta * g)) / beta
    u = -beta / 2 * (1 - q**2) - h * m
    return Solution(
        model="sk",
        params=params,
        order_parameters={"q": q, "m": m},
        free_energy=f,
        energy=u,
        success=fp.success,
        status=fp.status,
        message=fp.message,
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch=classify(0.0, q),
        stability=1 - beta**2 * float(w @ (1 - t**2) ** 2),
    )


def T_AT(h: float) -> float:
    """de Almeida-Thouless temperature at field ``h``: RS unstable below it.

    Near ``h = 0``, ``h^2 ~ (4/3) (1 - T)^3`` (de Almeida & Thouless 1978, eq. 27).

    Examples
    --------
    >>> T_AT(0.0)
    1.0
    """
    h = check_real(h, "h")
    if h == 0:
        return 1.0
    lam = lambda T: solve(T, h).check().stability  # noqa: E731
    low = 1e-3  # the AT temperature falls like e^{-h^2/2} at large field
    while lam(low) > 0:
        if low < 1e-12:
            return math.nan
        low /= 10
    return optimize.brentq(lam, low, 1.0, xtol=1e-14)
