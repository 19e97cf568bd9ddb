r"""Multitasking networks: diluted patterns retrieved in parallel (replica symmetry, low load).

Pairwise Hebbian network (:class:`hebbian.Hopfield`) storing ``K`` patterns
with entries in {-1, 0, +1}, ``P(xi = 0) = d`` (:func:`hebbian.diluted_patterns`),
``H = -(N/2) sum_mu m_mu^2`` up to a constant, ``K`` finite as ``N -> infinity``
(low storage).  A neuron blank in one pattern is free to serve the others,
so several Mattis overlaps are non-zero at once.  RS (exact at low load):

.. math::

    m_\mu = \mathbb E_{\xi}\, \xi_\mu \tanh\Big(\beta \sum_\nu \xi_\nu m_\nu\Big),
    \qquad f = \tfrac12 \sum_\mu m_\mu^2 - \tfrac1\beta\,
    \mathbb E_\xi \ln 2\cosh\Big(\beta \sum_\nu \xi_\nu m_\nu\Big),

the average running exactly over the ``3^K`` pattern columns.

* **Hierarchical state** (``T = 0``): each neuron follows its first non-blank
  pattern, ``m_k = (1-d) d^(k-1)``.  It solves the equations while every
  level's signal beats the ones below, ``sum_{j=1..K-1} d^j < 1``
  (``d < 0.618`` for ``K = 3``, ``d < 1/2`` as ``K -> infinity``); beyond
  that the amplitudes draw together.
* **Parallel state**: all amplitudes equal (a symmetric mixture), the state
  of strong dilution and of higher temperatures; the paramagnet above
  ``T = 1 - d``.
* With examples (``rho > 0``, Gaussian limit of the example means, as in
  :mod:`hebbian.theory.learning`): the archetype overlaps of the same states, learned
  from ``M`` examples of quality ``r``; at low load the supervised and
  unsupervised protocols share them.

References
----------
Agliari, Barra, Galluzzi, Guerra, Moauro, "Multitasking associative
networks", PRL 108, 268101 (2012); Agliari, Alessandrelli, Barra,
Ricci-Tersenghi, "Parallel learning by multitasking neural networks",
arXiv:2308.04106.  The papers' bodies were not available to this package:
the equations here are derived and checked against Monte Carlo
(``figures/multitasking.py``).
"""

from __future__ import annotations

import functools
import itertools
import math
import warnings

import numpy as np
from numpy.polynomial import Polynomial
from numpy.typing import ArrayLike

from hebbian._checks import check_int, check_real, check_tol
from hebbian.temperature import T_ZERO, temperature
from hebbian.theory.fixed_point import bisect, fixed_point
from hebbian.theory.learning import Crosstalk
from hebbian.theory.quadrature import (
    component_moments,
    density_at_zero,
    field_quadrature,
    glass_order,
    log2cosh_over_beta,
)
from hebbian.theory.solution import STATUS, Solution

__all__ = [
    "MAX_K",
    "branch_of",
    "hierarchical_amplitudes",
    "hierarchical_exists",
    "max_levels",
    "rho_c",
    "rho_parallel",
    "solve",
    "states",
]

#: Largest number of patterns the exact average over 3^K columns takes.
MAX_K = 10

#: Amplitudes closer than this are equal when a state is classified.
_EQUAL = 1e-4


def _check(K: int, d: float) -> tuple[int, float]:
    K = check_int(K, "K", minimum=1)
    if K > MAX_K:
        raise ValueError(
            f"K={K} patterns: the exact average over 3^K pattern columns is limited to "
            f"K <= {MAX_K}; low storage means K of order log N"
        )
    d = check_real(d, "dilution d", low=0.0, high=1.0, high_open=True, fix="d=1 blanks everything")
    return K, d


@functools.cache
def _columns(K: int, d: float) -> tuple[np.ndarray, np.ndarray]:
    """All pattern columns ``xi in {-1,0,1}^K`` (first non-zero entry +1) and their weights."""
    X = np.array(list(itertools.product([-1.0, 0.0, 1.0], repeat=K)))
    p = np.prod(np.where(X == 0, d, (1 - d) / 2), axis=1)
    # sigma -> -sigma symmetry: keep columns whose first non-zero entry is +1, double them
    first = np.array([row[np.flatnonzero(row)[0]] if row.any() else 1.0 for row in X])
    keep = first > 0
    p = np.where(X[keep].any(axis=1), 2.0, 1.0) * p[keep]
    return X[keep], p


def hierarchical_amplitudes(K: int, d: float) -> np.ndarray:
    """``m_k = (1 - d) d^(k-1)``, the ``T = 0`` hierarchical state (Agliari et al. 2012).

    Each neuron follows its first non-blank pattern (module docstring).

    Parameters
    ----------
    K : int
        Number of condensed patterns, ``1 <= K <= MAX_K`` (10).
    d : float
        Dilution ``P(xi = 0)``, in ``[0, 1)``.

    Returns
    -------
    ndarray
        The ``K`` Mattis overlaps ``m_1 > m_2 > ... > m_K``, shape ``(K,)``.

    Raises
    ------
    TypeError
        If ``K`` is not an integer or ``d`` is not a real number.
    ValueError
        If ``K`` is outside ``[1, MAX_K]`` or ``d`` outside ``[0, 1)`` (or NaN).

    References
    ----------
    Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 108, 268101 (2012).

    Examples
    --------
    >>> hierarchical_amplitudes(3, 0.5).tolist()
    [0.5, 0.25, 0.125]
    """
    K, d = _check(K, d)
    return (1 - d) * d ** np.arange(K)


def hierarchical_exists(K: int, d: float) -> bool:
    """Whether the hierarchical configuration is a ``T = 0`` solution: ``sum_{j<K} d^j < 1``.

    Every level's signal must beat the ones below it (``d < 0.618`` for
    ``K = 3``, ``d < 1/2`` as ``K -> infinity``).

    Parameters
    ----------
    K : int
        Number of condensed patterns, ``1 <= K <= MAX_K`` (10).
    d : float
        Dilution ``P(xi = 0)``, in ``[0, 1)``.

    Returns
    -------
    bool
        True when ``sum_{j=1..K-1} d^j < 1``.

    Raises
    ------
    TypeError
        If ``K`` is not an integer or ``d`` is not a real number.
    ValueError
        If ``K`` is outside ``[1, MAX_K]`` or ``d`` outside ``[0, 1)`` (or NaN).

    References
    ----------
    Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 108, 268101 (2012).

    Examples
    --------
    >>> hierarchical_exists(3, 0.6), hierarchical_exists(3, 0.65)
    (True, False)
    """
    K, d = _check(K, d)
    return float(np.sum(d ** np.arange(1, K))) < 1


def max_levels(N: int, d: float, *, theta: float = 3.0) -> int:
    """Hierarchy levels resolved at finite ``N``: ``(1-d) d^(k-1) > theta sqrt((1-d)/N)``.

    The last level's amplitude must stand ``theta`` standard deviations above
    the overlap of a random configuration with a diluted pattern, so at most
    ``1 + ln(theta^-1 sqrt((1-d) N)) / ln(1/d)`` levels: the logarithmic
    low-storage regime.

    Parameters
    ----------
    N : int
        Number of neurons, ``>= 1``.
    d : float
        Dilution ``P(xi = 0)``, in ``[0, 1)``.
    theta : float
        Margin in standard deviations of the random overlap, ``> 0`` and
        finite (default 3).

    Returns
    -------
    int
        Number of resolved levels, ``>= 0`` (1 for ``d = 0``: a single pure
        state).

    Raises
    ------
    TypeError
        If ``N`` is not an integer or ``d``, ``theta`` is not a real number.
    ValueError
        If ``N < 1``, ``d`` is outside ``[0, 1)`` or ``theta`` is not positive
        and finite (or either is NaN).

    References
    ----------
    Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 108, 268101 (2012).

    Examples
    --------
    >>> max_levels(10_000, 0.5)
    5
    """
    N = check_int(N, "N", minimum=1)
    d = check_real(d, "dilution d", low=0.0, high=1.0, high_open=True)
    theta = check_real(theta, "theta", low=0.0, low_open=True, finite=True,
                       fix="theta is a number of standard deviations")  # fmt: skip
    if d == 0:
        return 1
    # log((1 - d)/floor), floor = theta sqrt((1 - d)/N), without under- or overflow
    margin = 0.5 * math.log((1 - d) * N) - math.log(theta)
    if margin <= 0:
        return 0
    return 1 + math.floor(margin / math.log(1 / d))


def branch_of(m: np.ndarray) -> str:
    """``paramagnet``, ``pure`` (one overlap), ``parallel`` (all equal) or ``hierarchical``.

    Overlaps below ``1e-4`` in absolute value count as zero, and amplitudes
    within ``1e-4`` of each other as equal.

    Parameters
    ----------
    m : array_like
        The Mattis overlaps ``m_1..m_K`` of a state (signs ignored), ``K >= 1``.

    Returns
    -------
    str
        ``"paramagnet"`` (every overlap zero), ``"pure"`` (one non-zero),
        ``"parallel"`` (all equal) or ``"hierarchical"`` (otherwise).
    """
    a = np.sort(np.abs(np.asarray(m, float)))[::-1]
    if a[0] < 1e-4:
        return "paramagnet"
    if len(a) == 1 or a[1] < 1e-4:
        return "pure"
    if a[0] - a[-1] < _EQUAL:
        return "parallel"
    return "hierarchical"


def _start(K: int, d: float, start) -> np.ndarray:
    if isinstance(start, str):
        if start == "hierarchical":
            return hierarchical_amplitudes(K, d)
        if start == "parallel":
            return np.full(K, (1 - d) * (1 + d) / 2)
        if start == "pure":
            return np.eye(K)[0] * (1 - d)
        raise ValueError(f"start={start!r} is not 'hierarchical', 'parallel', 'pure' or an array")
    m0 = np.asarray(start, float)
    if m0.shape != (K,):
        raise ValueError(f"start has shape {m0.shape}; pass K={K} overlaps")
    return m0


def solve(
    K: int,
    d: float,
    T: float,
    *,
    rho: float = 0.0,
    alpha: float = 0.0,
    start: str | ArrayLike = "hierarchical",
    tol: float = 1e-10,
    method: str = "iterate",
) -> Solution:
    """One RS state of the multitasking network (K condensed diluted patterns).

    Parameters
    ----------
    K : int
        Number of condensed patterns, ``1 <= K <= MAX_K``.
    d : float
        Dilution in [0, 1).
    T : float
        Temperature >= 0; ``T <= 1e-12`` is solved as ``T = 0``, ``T = inf``
        is the paramagnet (every overlap 0, ``f = -inf``).
    rho : float
        Data-set entropy ``(1 - r^2)/(M r^2)`` of examples the network learned
        the patterns from (0: the patterns themselves), ``>= 0`` and finite.
        The network sees each pattern through its example mean; the reported
        ``m_k`` are the overlaps with the archetypes, ``n_k`` with the example
        means (scaled to 1 on the archetype's support).
    alpha : float
        Beyond low storage: ``alpha N`` further diluted patterns, not
        condensed, whose cross-talk is the Amit-Gutfreund-Sompolinsky noise
        of patterns of mean square ``1 - d`` (field variance
        ``alpha (1-d)^2 q / (1 - beta (1-d)(1-q))^2``; reported ``q`` and
        ``C = beta (1 - q)``); ``>= 0`` and finite.
    start : {"hierarchical", "parallel", "pure"} or array of K overlaps
        Which state to follow (the equations have many).
    tol : float
        Required max-norm residual, in ``(0, 1e-2]``.
    method : str
        :func:`hebbian.theory.fixed_point.fixed_point` method: the damped iteration
        (default) stays on the state it starts from, and falls back on
        ``"hybrid"`` (Newton after a few damped steps) when it does not
        converge; ``"hybrid"`` is also faster near continuous transitions.

    Returns
    -------
    Solution
        ``order_parameters``: ``m1..mK`` (and ``n1..nK`` when ``rho > 0``,
        ``q`` when ``alpha > 0``); ``branch`` from :func:`branch_of`;
        ``free_energy`` per neuron.

    Raises
    ------
    TypeError
        If ``K`` is not an integer or a number is not real.
    ValueError
        If an argument is out of the range stated above (or NaN), or ``start``
        is an unknown name or not ``K`` overlaps.

    References
    ----------
    Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 108, 268101 (2012) (the
    network); Agliari, Alessandrelli, Barra, Ricci-Tersenghi, arXiv:2308.04106
    (learning from examples); the equations are those of the module
    docstring.

    Examples
    --------
    >>> s = solve(3, 0.4, 0.0)
    >>> s.branch, [round(s[f"m{k}"], 6) for k in (1, 2, 3)]
    ('hierarchical', [0.6, 0.24, 0.096])
    """
    K, d = _check(K, d)
    T, beta = temperature(T, zero_below=T_ZERO)
    rho = check_real(
        rho, "rho", low=0.0, finite=True, fix="rho = (1 - r^2)/(M r^2); inf carries no signal"
    )
    alpha = check_real(alpha, "alpha", low=0.0, finite=True, fix="alpha N non-condensed patterns")
    tol = check_tol(tol)
    params = {"K": K, "d": d, "T": T, "rho": rho, "alpha": alpha}
    x0 = _start(K, d, start)
    if beta == 0:
        return _infinite_T(K, params)
    X, p = _columns(K, d)
    c = 1 / math.sqrt(1 + rho)  # E y / xi on the support: the example mean's signal
    ct = Crosstalk(np.array([alpha]), np.array([1 - d]), Polynomial([0.0]))
    zero_T = math.isinf(beta)
    C_max = 0.999 / (1 - d)
    # with load, the extra unknown is C = beta (1 - q) below T = 1 (it keeps its digits as
    # T -> 0, where 1 - q does not), q above
    in_C = alpha > 0 and beta > 1

    def law(n, V):
        """The field's mean and variance in each column of patterns."""
        return c * (X @ n), c * c * rho * ((X * X) @ (n * n)) + V

    def averages(n, V):
        """Archetype overlaps, the n~ map, E t^2 and C (with load)."""
        mean, var = law(n, V)
        E = component_moments(mean, np.sqrt(var), beta) * p[:, None]
        m = E[:, 0] @ X  # E xi_mu t
        C = None
        if alpha > 0:  # C = beta E sech^2(beta h), 2 p_h(0) at T = 0
            C = density_at_zero(mean, var, p) if zero_T else beta * float(E[:, 2].sum())
        # E y_mu t = c E xi_mu t + c sqrt(rho) E xi_mu Z_mu t; within a column Z_mu is
        # Gaussian with Cov(Z_mu, h) = c sqrt(rho) n_mu xi_mu: E Z_mu t = Cov E[(h-mean) t]/var
        weight = np.divide(E[:, 3], var, where=var > 0, out=np.zeros_like(var))
        z_t = c * math.sqrt(rho) * n * (weight @ (X * X))
        return m, c * m + c * math.sqrt(rho) * z_t, float(E[:, 1].sum()), C

    def noise(x) -> tuple[float, float, float | None]:
        """``(V, q, C)`` from the extra unknown (``q``, or ``C`` below ``T = 1``)."""
        if alpha == 0:
            return 0.0, 1.0, None
        if zero_T:
            C = min(max(x[K], 0.0), C_max)
            return ct.soft_variance(beta, 1.0, C), 1.0, C
        q, C = glass_order(x[K], beta, in_C)
        return ct.soft_variance(beta, q, C), q, C

    def F(x):
        V, _, _ = noise(x)
        _, nt, t2, C = averages(x[:K], V)
        if alpha == 0:
            return nt
        return np.append(nt, C if zero_T or in_C else t2)

    if alpha > 0:
        x0 = np.append(x0, 0.0 if zero_T or in_C else 1.0)
    iterate = method == "iterate"
    fp = fixed_point(F, x0, tol=tol, method=method, max_iter=300 if iterate else 5000)
    if fp.status != 0 and iterate:  # slow near a continuous transition, or stiff (free blank
        # neurons at T = 0): Newton from where the iteration got to, on its branch
        fp = fixed_point(F, fp.x, tol=tol, method="hybrid", max_iter=5000)
    n = fp.x[:K]
    V, q, C = noise(fp.x)
    m = averages(n, V)[0]
    mean, var = law(n, V)
    h, w = field_quadrature(mean, np.sqrt(var), beta)
    spin = float(p @ np.sum(w * log2cosh_over_beta(h, beta), axis=1))
    cross = ct.soft_free_energy(beta, q, C)[0] if alpha > 0 else 0.0
    f = 0.5 * float(n @ n) + cross - spin
    order = {f"m{k + 1}": float(v) for k, v in enumerate(m)}
    if rho > 0:
        order.update({f"n{k + 1}": float(v) / c for k, v in enumerate(n)})
    if alpha > 0:
        order.update({"q": q, "C": C})
    status, message = fp.status, STATUS[0] if fp.status == 0 else fp.message
    if status == 0 and alpha > 0 and not (1 - (1 - d) * C > 0):
        # the AGS resummation needs d = 1 - (1-d) C > 0 (the blank neurons' susceptibility
        # is too large below it, as for the paramagnet of theory.hopfield below T = 1)
        status = 3
        message = f"{STATUS[3]}: 1 - (1-d) beta (1-q) = {1 - (1 - d) * C:g} <= 0"
    return Solution(
        model="multitask",
        params=params,
        order_parameters=order,
        free_energy=f,
        energy=math.nan,
        success=status == 0,
        status=status,
        message=message,
        n_iter=fp.n_iter,
        residual=fp.residual,
        branch=branch_of(m),
    )


def _infinite_T(K: int, params: dict) -> Solution:
    """``T = inf``: the paramagnet, every overlap 0, ``f = -T ln 2 = -inf``."""
    order = {f"m{k + 1}": 0.0 for k in range(K)}
    if params["rho"] > 0:
        order.update({f"n{k + 1}": 0.0 for k in range(K)})
    if params["alpha"] > 0:
        order.update({"q": 0.0, "C": 0.0})
    return Solution("multitask", params, order, -math.inf, math.nan, True, 0, STATUS[0], 0, 0.0,
                    "paramagnet")  # fmt: skip


def states(K: int, d: float, T: float, *, rho: float = 0.0) -> dict[str, Solution]:
    """The states followed from the hierarchical, parallel and pure starts, and the lowest.

    Each start is solved by :func:`solve` (low load), retried with
    ``method="hybrid"`` where the damped iteration does not converge.

    Parameters
    ----------
    K : int
        Number of condensed patterns, ``1 <= K <= MAX_K`` (10).
    d : float
        Dilution ``P(xi = 0)``, in ``[0, 1)``.
    T : float
        Temperature ``>= 0`` (as in :func:`solve`).
    rho : float
        Data-set entropy of the examples, ``>= 0`` and finite (0: the patterns
        themselves).

    Returns
    -------
    dict
        ``"hierarchical"``, ``"parallel"``, ``"pure"`` (the solution from each
        start, whatever branch it reached) and ``"equilibrium"`` (the lowest
        free energy among the converged ones).

    Raises
    ------
    TypeError, ValueError
        As :func:`solve`, for invalid arguments.

    Warns
    -----
    UserWarning
        When no start converged; ``"equilibrium"`` is then the hierarchical
        start's (unconverged) solution.

    References
    ----------
    Agliari, Barra, Galluzzi, Guerra, Moauro, PRL 108, 268101 (2012).
    """
    found = {s: solve(K, d, T, rho=rho, start=s) for s in ("hierarchical", "parallel", "pure")}
    for start, s in found.items():  # near a continuous transition: finish with Newton
        if not s.success:
            found[start] = solve(K, d, T, rho=rho, start=start, method="hybrid")
    ok = [s for s in found.values() if s.success]
    if not ok:
        warnings.warn(f"no multitasking state converged at K={K}, d={d}, T={T}", stacklevel=2)
        found["equilibrium"] = found["hierarchical"]
    else:
        found["equilibrium"] = min(ok, key=lambda s: s.free_energy)
    return found


def _bisect_rho(good, hi: float = 1.0) -> float:
    """Largest ``rho`` with ``good(rho)`` true, for a property lost once as rho grows."""
    lo = 0.0
    while good(hi):
        lo, hi = hi, 2 * hi
        if hi > 1e4:
            return math.inf
    return bisect(good, lo, hi, tol=1e-4 * hi)[0]


def rho_c(K: int, d: float, T: float, *, fraction: float = 0.9) -> float:
    """Learning threshold: the largest data-set entropy at which the leading pattern keeps
    ``fraction`` of the overlap it has when the archetypes themselves are stored.

    Followed from the hierarchical start; the examples needed are
    ``M_c = (1 - r^2) / (r^2 rho_c)`` for quality ``r``, for the supervised and
    the unsupervised protocol alike (low load).

    Parameters
    ----------
    K : int
        Number of condensed patterns, ``1 <= K <= MAX_K`` (10).
    d : float
        Dilution ``P(xi = 0)``, in ``[0, 1)``.
    T : float
        Temperature ``>= 0``; ``T <= 1e-12`` is solved as ``T = 0``.
    fraction : float
        Share of the ``rho = 0`` overlap ``m_1`` to keep, in ``(0, 1]``.

    Returns
    -------
    float
        ``rho_c >= 0``, bisected to a relative ``1e-4``; 0 when ``m_1 <= 1e-4``
        already at ``rho = 0``, ``inf`` when the overlap is kept beyond
        ``rho = 10^4``.

    Raises
    ------
    TypeError
        If ``K`` is not an integer or a number is not real.
    ValueError
        If an argument is out of range (or NaN).

    References
    ----------
    Agliari, Alessandrelli, Barra, Ricci-Tersenghi, arXiv:2308.04106; the
    equations are derived in the module docstring.

    Examples
    --------
    >>> round(rho_c(3, 0.4, 0.0), 4)
    0.1263
    """
    K, d = _check(K, d)
    fraction = check_real(fraction, "fraction", low=0.0, high=1.0, low_open=True)
    target = fraction * solve(K, d, T)["m1"]
    if target <= 1e-4:
        return 0.0
    return _bisect_rho(lambda rho: (s := solve(K, d, T, rho=rho)).success and s["m1"] >= target)


def rho_parallel(K: int, d: float, T: float) -> float:
    """The data-set entropy at which noisy examples flatten the hierarchy (``m_1 = m_2``).

    Example noise weakens each neuron's first non-blank pattern against the
    others, so the amplitudes draw together: beyond ``rho_parallel`` the two
    leading levels are equal (``inf`` for ``K = 1``).

    Parameters
    ----------
    K : int
        Number of condensed patterns, ``1 <= K <= MAX_K`` (10).
    d : float
        Dilution ``P(xi = 0)``, in ``[0, 1)``.
    T : float
        Temperature ``>= 0``; ``T <= 1e-12`` is solved as ``T = 0``.

    Returns
    -------
    float
        Where ``m_1 - m_2`` falls to ``1e-3`` (bisected to a relative
        ``1e-4``); ``inf`` for ``K = 1`` or when the hierarchy survives beyond
        ``rho = 10^4``.

    Raises
    ------
    TypeError
        If ``K`` is not an integer or a number is not real.
    ValueError
        If an argument is out of range (or NaN).

    References
    ----------
    Agliari, Alessandrelli, Barra, Ricci-Tersenghi, arXiv:2308.04106; the
    equations are derived in the module docstring.

    Examples
    --------
    >>> round(rho_parallel(3, 0.4, 0.0), 3)
    0.191
    """
    K, d = _check(K, d)
    if K == 1:
        return math.inf

    def ordered(rho: float) -> bool:
        s = solve(K, d, T, rho=rho, tol=1e-9, method="hybrid")
        return s["m1"] - s["m2"] > 1e-3

    return _bisect_rho(ordered, hi=0.05)
