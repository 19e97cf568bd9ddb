r"""Leading finite-``N`` correction of the dense network's glass energy: the patterns' skewness.

Above the static transition the dense network's glass is the paramagnet,
annealed and quenched agree (to ``O(N^{2-P})`` in ``ln Z``), and

.. math::

    \frac{1}{N}\ln \mathbb{E} Z = \ln 2 + \frac{K}{N}
        \ln \mathbb{E}_x\, e^{\beta N^{1-P} e_P(x)},

``x`` uniform in ``{-1, 1}^N`` (by the gauge symmetry every configuration
sees the same pattern statistics).  The elementary symmetric polynomial
``e_P(x)`` has variance ``C(N, P)`` and, at leading order, the cumulants
``N^{nP/2} kappa_n / P!^n`` of the Hermite polynomial ``He_P(z)`` of a
standard Gaussian ``z`` (a pattern's energy is ``He_P`` of its nearly
Gaussian overlap).  With ``t = beta N^{1-P/2} / P!`` the per-spin sum is
``alpha N^{P-2} sum_n t^n kappa_n / n!``, whose ``n``-th term is of order
``N^{P-2+n(1-P/2)}``: ``n = 2`` is the Gaussian glass (``xi(1) = alpha/P!``
times ``c_N = N!/((N-P)! N^P)``), and the leading correction is

* ``P = 3``: ``n = 4`` (``kappa_3 = 0``), ``kappa_4(He_3) = 3240``:
  ``u = -beta xi(1) (1 + 5 beta^2 / (2 N))``;
* ``P = 4``: ``n = 3``, ``kappa_3(He_4) = E He_4^3 = 1728``:
  ``u = -beta xi(1) (1 + 3 beta / (2 N))``;
* ``P >= 5``: no ``1/N`` term (``O(N^{-3/2})`` or smaller).

The average over ``x`` depends on ``x`` through ``S = sum_i x_i`` alone, so
:func:`annealed_energy` computes it exactly at any ``N`` (a sum over the
``N + 1`` values of ``S``): all orders in ``beta / N`` at once, against which
the leading term is the check of the derivation.

The Gaussian P-spin glass of the same coupling variance
(:class:`hebbian.networks.PSpinGlass`) has all ``kappa_{n>2} = 0``: its annealed energy
is ``-beta xi(1) c_N`` at every ``N``, which is what makes it the control.
The expansion is in ``beta^2 / N`` (P = 3) or ``beta / N`` (P = 4): it
needs ``N >> 2.5 beta^2`` (P = 3), ``N >> 1.5 beta`` (P = 4).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numpy.polynomial import hermite_e
from scipy.special import gammaln, logsumexp

from hebbian._checks import check_int, check_real
from hebbian.networks import elementary_symmetric
from hebbian.temperature import beta_from_T
from hebbian.theory.dense import _load, _order

__all__ = ["annealed_energy", "hermite_cumulant", "paramagnet_energy"]


def hermite_cumulant(P: int, n: int) -> float:
    """``kappa_n`` of ``He_P(z)``, ``z`` a standard Gaussian (exact Gauss-Hermite quadrature).

    Parameters
    ----------
    P : int
        Degree of the (probabilists') Hermite polynomial, ``2 <= P <= 170``.
    n : int
        Cumulant order, 2, 3 or 4.

    Returns
    -------
    float
        ``kappa_2 = P!``, ``kappa_3 = E He_P^3`` (``P!^3 / ((P/2)!)^3`` for even
        ``P``, 0 for odd), ``kappa_4 = E He_P^4 - 3 P!^2``.

    Raises
    ------
    ValueError, TypeError
        For ``P`` out of range or ``n`` not 2, 3 or 4.

    References
    ----------
    Abramowitz & Stegun, 22.2.15 (Hermite orthogonality).
    """
    P = _order(P)
    if n not in (2, 3, 4):
        raise ValueError(f"n={n!r} must be 2, 3 or 4 (the cumulants the 1/N term needs)")
    return _hermite_cumulant(P, n)


@functools.cache
def _hermite_cumulant(P: int, n: int) -> float:
    z, w = hermite_e.hermegauss(2 * P + 2)  # exact up to degree 4P + 3
    w = w / w.sum()
    he = hermite_e.hermeval(z, [0] * P + [1])
    moment = float(w @ he**n)
    return moment - 3 * math.factorial(P) ** 2 if n == 4 else moment


def paramagnet_energy(P: int, alpha: float, T: float, N: float = math.inf) -> float:
    """Energy per spin of the dense network's paramagnet, with the leading ``1/N`` term.

    In the units of :func:`hebbian.mc.glass.dense_tempering` (the variance
    factor ``c_N`` divided out): ``-beta xi(1) (1 + a_P beta^k / N)`` with
    ``a_3 = 5/2, k = 2`` and ``a_4 = 3/2, k = 1`` (module docstring), 0 for
    ``P >= 5``.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    alpha : float
        Load ``K / N^(P-1) >= 0``.
    T : float
        Temperature ``> 0``; valid above the static transition
        (:func:`hebbian.theory.dense_phases.T_s`).
    N : float, default inf
        Network size, ``>= P``; ``inf``: the Gaussian glass (also the
        :class:`hebbian.networks.PSpinGlass` control at any ``N``).

    Returns
    -------
    float
        The energy per spin.

    Raises
    ------
    ValueError, TypeError
        For ``P``, ``alpha``, ``T`` or ``N`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987); Albanese et al., J. Stat. Phys. 189, 24 (2022).
    """
    P, alpha = _order(P, minimum=3), _load(alpha)
    beta = beta_from_T(T)
    if not 0 < beta < math.inf:
        raise ValueError(f"T={T!r} must be positive and finite (the paramagnet's energy)")
    N = check_real(N, "N", low=P, fix="N is the number of neurons")
    xi1 = alpha / math.factorial(P)
    # d/dbeta of alpha N^(P-2) t^n kappa_n / n!, t = beta N^(1 - P/2) / P!, at the 1/N order
    n = {3: 4, 4: 3}.get(P)
    if n is None or math.isinf(N):
        return -beta * xi1
    scale = N ** (P - 2 + n * (1 - P / 2))
    term = alpha * scale * n * beta ** (n - 1) * hermite_cumulant(P, n)
    return -beta * xi1 - term / (math.factorial(n) * math.factorial(P) ** n)


def annealed_energy(P: int, alpha: float, T: float, N: int) -> float:
    """Exact annealed energy per spin of the dense network at size ``N`` (module docstring).

    ``u = -(K/N) d/dbeta ln E_x exp(beta N^{1-P} e_P(x))`` with ``K = alpha
    N^{P-1}``, the average over the ``N + 1`` values of ``S = sum x`` (binomial
    weights, log domain); in the units of :func:`hebbian.mc.glass.dense_tempering`
    (energy and temperature divided by ``sqrt(c_N)``), where its ``N -> inf``
    limit and the Gaussian control's value at every ``N`` is ``-beta xi(1)``.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    alpha : float
        Load ``K / N^(P-1) >= 0``.
    T : float
        Temperature ``> 0``, above the static transition (the paramagnet).
    N : int
        Network size, ``P <= N <= 10^6``.

    Returns
    -------
    float
        The energy per spin.

    Raises
    ------
    ValueError, TypeError
        For ``P``, ``alpha``, ``T`` or ``N`` out of range, naming it.

    References
    ----------
    Gardner, J. Phys. A 20, 3453 (1987).
    """
    P, alpha = _order(P, minimum=3), _load(alpha)
    beta = beta_from_T(T)
    if not 0 < beta < math.inf:
        raise ValueError(f"T={T!r} must be positive and finite (the paramagnet's energy)")
    N = check_int(N, "N", minimum=P, maximum=10**6, why="the sum runs over N + 1 terms")
    c_N = math.perm(N, P) / N**P
    S = np.arange(-N, N + 1, 2, dtype=np.float64)
    sums = np.stack([S if k % 2 else np.full_like(S, N) for k in range(1, P + 1)], axis=-1)
    e = elementary_symmetric(sums, P) * float(N) ** (1 - P)  # a pattern's -energy at overlap S/N
    k = np.arange(N + 1)
    log_w = gammaln(N + 1) - gammaln(k + 1) - gammaln(N - k + 1) - N * math.log(2)
    x = log_w + beta / math.sqrt(c_N) * e
    weights = np.exp(x - logsumexp(x))
    return -alpha * float(N) ** (P - 2) * float(weights @ e) / math.sqrt(c_N)
