"""Gaussian averages of functions of a local field, accurate at any temperature.

Every replica-symmetric equation of this package averages a function of the
field ``h = mean + std * z`` over a standard normal ``z``, and the function
varies on the scale ``1/beta`` in ``h`` around ``h = 0`` (``tanh(beta h)``,
``log cosh(beta h)``, ``sech^4(beta h)``).  Gauss-Hermite quadrature needs an
order growing like ``(beta std)^2`` for such integrands (at ``beta std = 30``,
3200 nodes still leave an error of 1e-3), so it is used only for smooth
integrands (:func:`gauss_hermite`).  :func:`field_quadrature` instead splits
the real line at the kink ``z0 = -mean/std`` into panels graded geometrically
on the scale ``1/(beta std)`` and integrates each with Gauss-Legendre: the
error is below 1e-12 for every ``beta`` from 0 to infinity (``T = 0``, where
``tanh`` becomes ``sign``, included), checked against adaptive quadrature in
``tests/theory/test_quadrature.py``.

The rule broadcasts over arrays of means and standard deviations, so nested
averages (the replica-symmetry-breaking recursions) are one call per level.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import NamedTuple

import numpy as np
from scipy import optimize
from scipy.special import erf, erfinv, roots_hermitenorm, roots_legendre

from hebbian._numba_cache import use_user_cache

use_user_cache(Path(__file__).parent)  # before the kernel below is decorated

from numba import njit  # noqa: E402  (after the cache folder is settled)

__all__ = [
    "MOMENTS",
    "FieldMoments",
    "abs_mean",
    "component_moments",
    "density_at_zero",
    "field_moments",
    "field_quadrature",
    "gauss_hermite",
    "gaussian_average",
    "gaussian_nodes",
    "glass_order",
    "log2cosh",
    "log2cosh_over_beta",
    "sech2",
    "std_for_tanh_mean",
    "tanh_moments",
    "tanh_terms",
]


def glass_order(unknown: float, beta: float, in_C: bool, clip: bool = True) -> tuple[float, float]:
    """``(q, C)`` from the second unknown of an RS iteration, ``C = beta (1 - q)``.

    Below ``T = 1`` the solvers iterate in ``C`` (``in_C``), which stays
    finite as ``T -> 0`` where ``q -> 1`` loses its digits; above, in ``q``.
    ``clip`` keeps ``0 <= q <= 1`` inside the map; the final point is read
    unclipped, so that a solution outside the domain is seen.

    Parameters
    ----------
    unknown : float
        The iterated unknown: ``C`` when ``in_C``, else ``q``.
    beta : float
        Inverse temperature, ``> 0`` (finite where ``in_C``: ``q = 1 - C/beta``).
    in_C : bool
        Whether ``unknown`` is ``C = beta (1 - q)`` rather than ``q``.
    clip : bool
        Clip ``C`` into ``[0, beta]`` (``q`` into ``[0, 1]``) before converting
        (default); ``False`` returns the unclipped pair.

    Returns
    -------
    q, C : float
        The Edwards-Anderson order parameter and ``C = beta (1 - q)``.
    """
    if in_C:
        C = min(max(unknown, 0.0), beta) if clip else float(unknown)
        return 1 - C / beta, C
    q = min(max(unknown, 0.0), 1.0) if clip else float(unknown)
    return q, beta * (1 - q)


#: Integration range in z: the Gaussian mass beyond ``|z| = 9`` is 2e-19.
Z_MAX = 9.0
#: Fixed panel edges covering the Gaussian itself.
_GRID = np.linspace(-Z_MAX, Z_MAX, 13)
#: Offsets of the graded panel edges from the kink, in units of 1/(beta std).
_GRADING = 4.0 ** np.arange(10)
#: Offsets of every graded edge but the kink's own, in units of 1/(beta std).
_SIGNED_GRADING = np.concatenate([-_GRADING, _GRADING])
#: Gauss-Legendre points per panel.
_ORDER = 16


@functools.cache
def _panel_rule(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Gauss-Legendre rule of ``order`` points on ``[-1, 1]``: nodes plus one, and weights.

    Shared by every call of :func:`field_quadrature` (a panel ``[lo, lo + 2 half]``
    takes the nodes ``lo + half (1 + x)``), hence read-only.
    """
    x, w = roots_legendre(order)
    shifted = 1.0 + x
    shifted.setflags(write=False)
    w.setflags(write=False)
    return shifted, w


#: The panels' rule, frozen into :func:`_rule` as a constant.
_PANEL = _panel_rule(_ORDER)


@functools.cache
def gauss_hermite(order: int) -> tuple[np.ndarray, np.ndarray]:
    """Nodes and weights of ``E f(z) ~ sum_k w_k f(z_k)`` for a standard normal ``z``.

    Probabilists' Gauss-Hermite rule, weights normalized to sum to 1.  Exact
    for polynomials of degree ``< 2 order``; use it only for integrands smooth
    on the scale of the Gaussian (see :func:`field_quadrature` otherwise).

    Parameters
    ----------
    order : int
        Number of nodes, ``>= 1``.

    Returns
    -------
    z, w : ndarray
        Nodes and weights, shape ``(order,)``, read-only (the rule is cached
        and shared by every caller).

    Examples
    --------
    >>> z, w = gauss_hermite(5)
    >>> round(float(w @ z**4), 12)  # E z^4 = 3
    3.0
    """
    z, w = roots_hermitenorm(order)
    z.setflags(write=False)
    w = w / w.sum()
    w.setflags(write=False)
    return z, w


def field_quadrature(mean, std, beta: float = math.inf) -> tuple[np.ndarray, np.ndarray]:
    """Fields and weights for averaging functions of ``h = mean + std z``.

    The real line is split at the kink ``z0 = -mean/std`` into panels graded
    geometrically on the scale ``1/(beta std)``, each integrated by 16-point
    Gauss-Legendre, over ``|z| <= 9`` (module docstring).

    Parameters
    ----------
    mean, std : float or array_like
        Mean and standard deviation (``>= 0``) of the Gaussian field;
        broadcast together.  ``std = 0`` gives the point mass at ``mean``.
    beta : float
        Inverse temperature: the integrand is assumed to vary on the scale
        ``1/beta`` around ``h = 0`` (``inf``: a jump at ``h = 0``).

    Returns
    -------
    h, w : ndarray
        Shape ``broadcast(mean, std).shape + (n,)``;
        ``(w * g(h)).sum(-1) ~ E_z g(mean + std z)`` with an error below
        1e-12 for integrands such as ``tanh(beta h)``, ``log 2cosh(beta h)``.

    Raises
    ------
    ValueError
        If any ``std`` is negative.

    Examples
    --------
    >>> h, w = field_quadrature(0.3, 0.5, beta=math.inf)
    >>> from scipy.special import erf
    >>> bool(abs(w @ np.sign(h) - erf(0.3 / (0.5 * 2**0.5))) < 1e-13)
    True
    """
    mean, std = np.broadcast_arrays(np.asarray(mean, float), np.asarray(std, float))
    if (std < 0).any():
        raise ValueError(f"std={std.min():g} must be >= 0")
    h, w = _rule(mean.flatten(), std.flatten(), float(beta))  # copies: writeable, contiguous
    return h.reshape(*mean.shape, -1), w.reshape(*mean.shape, -1)


@njit(cache=True)
def _clip(x: float, lo: float, hi: float) -> float:
    """``min(max(x, lo), hi)`` as NumPy's ``minimum``/``maximum``: NaN in any gives NaN."""
    if x != x or lo != lo or hi != hi:
        return math.nan
    return min(max(x, lo), hi)


@njit(cache=True)
def _edges(mean, std, beta, offsets):
    """Panel edges of one Gaussian into ``offsets``, as offsets ``t = z - kink`` from the kink.

    Returns ``(kink, shift)``: the node at offset ``t`` has ``z = kink + t`` and field
    ``h = shift + std t``.  Where the kink is inside the range, nodes are offsets from it
    and ``h = std t``: near ``h = 0`` the field then keeps its relative precision, which
    ``beta h`` needs at large ``beta`` (``mean + std z`` would round to multiples of
    ``eps |mean|``).  Panels beyond the range have zero width.
    """
    grid, signed_grading = _GRID, _SIGNED_GRADING
    n_grid = grid.size
    positive = std > 0
    safe = std if positive else 1.0
    # subnormal std: kink and width at inf
    kink_raw = -mean / safe
    width = 1.0 / (beta * safe) if beta > 0 else math.inf
    kink = _clip(kink_raw, -Z_MAX, Z_MAX)
    for j in range(n_grid):
        offsets[j] = grid[j] - kink
    offsets[n_grid] = 0 * kink
    for j in range(signed_grading.size):
        offsets[n_grid + 1 + j] = _clip(width * signed_grading[j], -Z_MAX - kink, Z_MAX - kink)
    offsets.sort()
    # where h = 0 lies inside the range the shift mean + std kink is 0 exactly
    inside = positive and abs(kink_raw) <= Z_MAX
    return kink, (0.0 if inside else mean + std * kink)


@njit(cache=True)
def _rule(mean, std, beta):
    """:func:`field_quadrature` for flat ``mean``, ``std``: fields and weights ``(n, nodes)``.

    One loop per Gaussian instead of twenty NumPy calls on small arrays: about
    35 us for one Gaussian and 100 us for eight against 160 and 250 us (one
    2.0 GHz Zen 1 core, the exponentials included).
    """
    shifted, weights = _PANEL
    n_edges, order = _GRID.size + 1 + _SIGNED_GRADING.size, shifted.size
    h = np.empty((mean.size, (n_edges - 1) * order))
    w = np.empty((mean.size, (n_edges - 1) * order))
    offsets = np.empty(n_edges)
    norm = math.sqrt(2.0 * math.pi)
    for k in range(mean.size):
        s = std[k]
        kink, shift = _edges(mean[k], s, beta, offsets)
        for j in range(n_edges - 1):
            lo, half = offsets[j], 0.5 * (offsets[j + 1] - offsets[j])
            for i in range(order):
                t = lo + half * shifted[i]
                z = kink + t
                w[k, j * order + i] = (half * weights[i]) * math.exp(-0.5 * (z * z)) / norm
                # std = 0: every node sits at the mean; the weights still sum to 1
                h[k, j * order + i] = shift + s * t
    return h, w


@njit(cache=True)
def gaussian_nodes(mean, std, beta):
    """The :func:`field_quadrature` rule of one Gaussian without its zero-width panels.

    Callable from Numba kernels (and from Python).  The panels beyond the
    range ``|z| <= 9`` have zero width and zero weight; leaving them out
    changes no sum but the order of its rounding.

    Parameters
    ----------
    mean, std : float
        Mean and standard deviation (``>= 0``, not checked) of the field.
    beta : float
        Inverse temperature (the panels' grading scale ``1/(beta std)``).

    Returns
    -------
    z, w, h : ndarray
        Standard-normal nodes, their weights (summing to 1) and the fields
        ``h = mean + std z`` (formed from the kink, as in :func:`field_quadrature`).
    """
    shifted, weights = _PANEL
    n_edges, order = _GRID.size + 1 + _SIGNED_GRADING.size, shifted.size
    offsets = np.empty(n_edges)
    kink, shift = _edges(mean, std, beta, offsets)
    z = np.empty((n_edges - 1) * order)
    w = np.empty_like(z)
    h = np.empty_like(z)
    norm = math.sqrt(2.0 * math.pi)
    n = 0
    for j in range(n_edges - 1):
        lo, half = offsets[j], 0.5 * (offsets[j + 1] - offsets[j])
        if half == 0:
            continue
        for i in range(order):
            t = lo + half * shifted[i]
            z[n] = kink + t
            w[n] = (half * weights[i]) * math.exp(-0.5 * (z[n] * z[n])) / norm
            h[n] = shift + std * t
            n += 1
    return z[:n], w[:n], h[:n]


@njit(cache=True)
def tanh_terms(x, beta):
    """``(tanh(beta x), sech^2(beta x), (1/beta) log 2cosh(beta x))`` from one ``expm1``.

    With ``e = exp(-2|beta x|)``: ``|tanh| = (1 - e)/(1 + e)``, ``sech^2 = 4e/(1 + e)^2``
    and ``log 2cosh = |beta x| + log(1 + e)``, each to a few ulps at any ``x``
    (``beta x = inf`` included).  Callable from Numba kernels (and from Python).

    Parameters
    ----------
    x : float
        The field.
    beta : float
        Inverse temperature, ``0 <= beta <= inf``.

    Returns
    -------
    t, s2, free : float
        ``tanh(beta x)``, ``sech^2(beta x)`` and ``(1/beta) log 2cosh(beta x)``; at
        ``beta = inf`` ``sign x``, ``1 - sign^2 x`` and ``|x|``, at ``beta = 0``
        ``0``, ``1`` and ``inf``.
    """
    if beta == 0:
        return 0.0, 1.0, math.inf
    if math.isinf(beta):
        t = 0.0 if x == 0 else math.copysign(1.0, x)
        return t, 1.0 - t * t, abs(x)
    em1 = math.expm1(-2.0 * abs(beta * x))
    t = math.copysign(-em1 / (2.0 + em1), x)
    return t, 4.0 * (1.0 + em1) / (2.0 + em1) ** 2, abs(x) + math.log1p(1.0 + em1) / beta


#: Columns of :func:`component_moments`.
MOMENTS = ("t", "t2", "sech2", "t_dh", "sech4", "spin")


def component_moments(mean, std, beta: float, *, spin: bool = False) -> np.ndarray:
    """Every Gaussian average an RS equation takes of ``t = tanh(beta h)``, per component.

    For each component ``h = mean_k + std_k z`` (columns, named in :data:`MOMENTS`):
    ``E t``, ``E t^2``, ``E sech^2(beta h)``, ``E t (h - mean_k)``,
    ``E sech^4(beta h)`` and ``E (1/beta) log 2cosh(beta h)``, on the
    :func:`field_quadrature` rule in one compiled loop.  The fourth gives the
    correlation of ``t`` with anything jointly Gaussian with ``h`` (Stein's
    lemma: ``E z t = Cov(z, h) E t (h - mean) / Var h``), as the example means
    of learning and the diluted patterns of multitasking need.

    Parameters
    ----------
    mean, std : array_like
        Means and standard deviations (``>= 0``) of the components, same size
        (flattened).
    beta : float
        Inverse temperature, ``0 <= beta <= inf``; ``inf`` is ``T = 0``, where
        ``tanh`` becomes ``sign`` and ``sech^2 = 1 - t^2`` is 1 at ``h = 0`` only
        (take ``beta (1 - q) = 2 p(0)`` from :func:`density_at_zero` there).
    spin : bool
        Also the last column (one more logarithm per node); 0 otherwise.

    Returns
    -------
    ndarray
        Shape ``(components, 6)``: the averages above, in that order.

    Raises
    ------
    ValueError
        If ``mean`` and ``std`` differ in size or any ``std`` is negative.

    Examples
    --------
    >>> E = component_moments([0.3], [0.5], math.inf, spin=True)
    >>> bool(abs(E[0, 0] - erf(0.3 / (0.5 * 2**0.5))) < 1e-13), round(float(E[0, 1]), 12)
    (True, 1.0)
    >>> bool(abs(E[0, 5] - abs_mean(0.3, 0.5)) < 1e-13)
    True
    """
    mean = np.array(mean, float).ravel()  # copies: writeable and contiguous for the kernel
    std = np.array(std, float).ravel()
    if mean.shape != std.shape:
        raise ValueError(f"mean and std must have the same size, not {mean.size} and {std.size}")
    if (std < 0).any():
        raise ValueError(f"std={std.min():g} must be >= 0")
    return _moments(mean, std, float(beta), bool(spin))


@njit(cache=True)
def _moments(mean, std, beta, spin):
    """:func:`component_moments` on flat arrays (:func:`gaussian_nodes`, :func:`tanh_terms`)."""
    out = np.zeros((mean.size, 6))
    for k in range(mean.size):
        _, w, h = gaussian_nodes(mean[k], std[k], beta)
        for i in range(w.size):
            x, wi = h[i], w[i]
            t, s2, free = tanh_terms(x, beta)
            out[k, 0] += wi * t
            out[k, 1] += wi * t * t
            out[k, 2] += wi * s2
            out[k, 3] += wi * t * (x - mean[k])
            out[k, 4] += wi * s2 * s2
            if spin:
                out[k, 5] += wi * free
    return out


def gaussian_average(g, mean, std, beta: float = math.inf):
    """``E_z g(mean + std z)`` by :func:`field_quadrature`.

    Parameters
    ----------
    g : callable
        Vectorised function of the field ``h``, applied to an array of shape
        ``broadcast(mean, std).shape + (n,)``.
    mean, std : float or array_like
        Mean and standard deviation (``>= 0``) of the Gaussian field,
        broadcast together.
    beta : float
        Scale ``1/beta`` on which ``g`` varies around ``h = 0`` (default
        ``inf``: a kink or jump at 0).

    Returns
    -------
    float or ndarray
        The average, of shape ``broadcast(mean, std).shape`` (a NumPy scalar
        for scalar arguments).

    Raises
    ------
    ValueError
        If any ``std`` is negative (from :func:`field_quadrature`).

    Examples
    --------
    >>> round(float(gaussian_average(np.abs, 0.0, 1.0)), 12)  # sqrt(2/pi)
    0.797884560803
    """
    h, w = field_quadrature(mean, std, beta)
    return (w * g(h)).sum(-1)


def density_at_zero(mean, var, weights) -> float:
    """``2 sum_k w_k p_k(0)`` for Gaussians ``N(mean_k, var_k)``: ``beta (1 - q)`` at ``T = 0``.

    The zero-temperature susceptibility ``C`` of AGS-type equations: twice
    the density of the local field at zero.  Components of zero variance
    (a point mass off zero) contribute nothing.

    Parameters
    ----------
    mean, var : array_like
        Means and variances (``>= 0``) of the mixture's Gaussian components,
        same shape.
    weights : array_like
        Weight of each component (a 1-D array of the components' count),
        normally summing to 1.

    Returns
    -------
    float
        ``C = lim beta (1 - q) = 2 p_h(0)``, ``p_h`` the mixture's density.

    Examples
    --------
    >>> round(density_at_zero(np.zeros(1), np.ones(1), np.ones(1)), 6)  # sqrt(2/pi)
    0.797885
    """
    mean, var = np.asarray(mean, float), np.asarray(var, float)
    safe = np.where(var > 0, var, 1.0)
    with np.errstate(over="ignore"):  # a field far from zero: density 0
        y = mean / np.sqrt(safe)
        density = np.where(var > 0, np.exp(-(y * y) / 2) / np.sqrt(safe), 0.0)
    return math.sqrt(2 / math.pi) * float(np.asarray(weights, float) @ density)


def log2cosh(x):
    """``log 2cosh(x)`` without overflow.

    Computed as ``|x| + log1p(exp(-2 |x|))``.

    Parameters
    ----------
    x : float or array_like
        Argument, any real (``+-inf`` gives ``inf``).

    Returns
    -------
    float or ndarray
        ``log(2 cosh x) >= log 2``, of the shape of ``x``.
    """
    ax = np.abs(x)
    return ax + np.log1p(np.exp(-2 * ax))


def sech2(x):
    """``sech^2 x = 1 - tanh^2 x`` computed directly: no cancellation, no overflow.

    Parameters
    ----------
    x : float or array_like
        Argument, any real (``+-inf`` gives 0).

    Returns
    -------
    float or ndarray
        ``sech^2 x`` in ``[0, 1]``, of the shape of ``x``.
    """
    e = np.exp(-2 * np.abs(x))
    return 4 * e / (1 + e) ** 2


def log2cosh_over_beta(h, beta: float):
    """``(1/beta) log 2cosh(beta h) = |h| + log1p(e^{-2 beta |h|}) / beta``.

    ``|h|`` at ``beta = inf``.  Finite wherever ``h`` is, for every ``beta > 0``:
    ``beta h`` may overflow to ``inf`` without harm.

    Parameters
    ----------
    h : float or array_like
        Local fields.
    beta : float
        Inverse temperature, ``0 < beta <= inf``.

    Returns
    -------
    float or ndarray
        The single-spin free-entropy term, of the shape of ``h``.
    """
    a = np.abs(h)
    if math.isinf(beta):
        return a
    with np.errstate(over="ignore"):
        return a + np.log1p(np.exp(-2 * beta * a)) / beta


class FieldMoments(NamedTuple):
    """Averages over ``h = mean + std z`` of the functions every RS equation needs.

    ``C = beta E sech^2(beta h) = beta (1 - q)`` and ``S4 = beta E sech^4(beta h)``
    are computed from their own expressions, so they keep their digits at any
    ``beta``; at ``beta = inf`` they are ``2 p(0)`` and ``(4/3) p(0)``, ``p`` the
    density of ``h``.
    """

    m: float  # E tanh(beta h)
    q: float  # E tanh^2(beta h)
    C: float  # beta E sech^2(beta h)
    S4: float  # beta E sech^4(beta h)
    spin: float  # E (1/beta) log 2cosh(beta h)


def field_moments(mean: float, std: float, beta: float) -> FieldMoments:
    """:class:`FieldMoments` of ``h = mean + std z`` at inverse temperature ``0 < beta <= inf``.

    One :func:`component_moments` call for all five averages; at ``beta = inf``
    ``C`` and ``S4`` are ``2 p(0)`` and ``(4/3) p(0)`` in closed form.

    Parameters
    ----------
    mean : float
        Mean of the Gaussian field.
    std : float
        Its standard deviation, ``>= 0``.
    beta : float
        Inverse temperature, ``0 < beta <= inf``; ``inf`` is ``T = 0``, where
        ``tanh`` becomes ``sign``.

    Returns
    -------
    FieldMoments
        ``m = E tanh(beta h)``, ``q = E tanh^2(beta h)``, ``C = beta E
        sech^2(beta h)``, ``S4 = beta E sech^4(beta h)`` and ``spin = E (1/beta)
        log 2cosh(beta h)`` (see :class:`FieldMoments`).

    Raises
    ------
    ValueError
        If any ``std`` is negative (from :func:`field_quadrature`).

    Examples
    --------
    >>> fm = field_moments(0.3, 1.0, 1e12)  # C -> 2 p(0) = sqrt(2/pi) e^{-0.045}
    >>> round(fm.C, 12) == round(math.sqrt(2 / math.pi) * math.exp(-0.045), 12)
    True
    """
    t, t2, s2, _, s4, spin = component_moments(mean, std, beta, spin=True)[0].tolist()
    if math.isinf(beta):
        p0 = density_at_zero(np.atleast_1d(mean), np.atleast_1d(std) ** 2, np.ones(1)) / 2
        return FieldMoments(t, t2, 2 * p0, 4 / 3 * p0, spin)
    return FieldMoments(t, t2, beta * s2, beta * s4, spin)


def tanh_moments(mean: float, std: float, beta: float) -> tuple[float, float, float]:
    """``E tanh(beta h)``, ``E tanh^2(beta h)`` and ``E sech^4(beta h)`` for ``h = mean + std z``.

    The three averages of every RS equation (overlap, ``q``, replicon), by
    :func:`component_moments`; ``tanh`` becomes ``sign`` at ``beta = inf``.

    Parameters
    ----------
    mean : float
        Mean of the Gaussian field.
    std : float
        Its standard deviation, ``>= 0``.
    beta : float
        Inverse temperature, ``0 < beta <= inf``; ``inf`` is ``T = 0``, where
        ``tanh`` becomes ``sign``.

    Returns
    -------
    m, q, s4 : float
        ``E tanh(beta h)``, ``E tanh^2(beta h)`` and ``E sech^4(beta h) = E (1 -
        tanh^2(beta h))^2`` (0 at ``beta = inf`` except on a point mass at 0).

    Raises
    ------
    ValueError
        If any ``std`` is negative (from :func:`field_quadrature`).
    """
    t, t2, _, _, s4, _ = component_moments(mean, std, beta)[0].tolist()
    return t, t2, s4


def abs_mean(mean: float, std: float) -> float:
    """``E |mean + std z|`` in closed form (the ``T = 0`` limit of ``T E log 2cosh(beta h)``).

    ``mean erf(mean / (sqrt 2 std)) + std sqrt(2/pi) exp(-mean^2 / (2 std^2))``.

    Parameters
    ----------
    mean : float
        Mean of the Gaussian field.
    std : float
        Its standard deviation, ``>= 0`` (not checked; ``0`` gives ``|mean|``).

    Returns
    -------
    float
        ``E |h|``, ``>= |mean|``.
    """
    if std == 0:
        return abs(mean)
    y = mean / std
    tail = std * math.sqrt(2 / math.pi) * math.exp(-(y * y) / 2)
    return mean * float(erf(mean / (math.sqrt(2) * std))) + tail


def std_for_tanh_mean(m: float, beta: float, mean: float) -> float:
    """The noise ``std`` at which ``E tanh(beta (mean + std z)) = m``.

    Requires ``0 < m < tanh(beta mean)``: the average falls from there to 0 as
    ``std`` grows, so the root is unique.  At ``beta = inf``,
    ``m = erf(mean / (sqrt 2 std))`` is inverted in closed form.

    Parameters
    ----------
    m : float
        Target average, ``0 < m < tanh(beta mean)`` (not checked).
    beta : float
        Inverse temperature, ``0 < beta <= inf``; ``inf`` is ``T = 0``, where
        ``tanh`` becomes ``sign``.
    mean : float
        Mean of the field, ``> 0``.

    Returns
    -------
    float
        The standard deviation ``std > 0`` (Brent's method to ``1e-14`` at
        finite ``beta``).

    Raises
    ------
    ValueError
        From :func:`scipy.optimize.brentq` at finite ``beta`` when
        ``m > tanh(beta mean)`` (no root).
    """
    if math.isinf(beta):
        return mean / (math.sqrt(2) * float(erfinv(m)))
    hi = 1.0
    while tanh_moments(mean, hi, beta)[0] > m:
        hi *= 2
    return optimize.brentq(lambda s: tanh_moments(mean, s, beta)[0] - m, 0.0, hi, xtol=1e-14)
