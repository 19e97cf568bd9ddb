"""The Parisi functional of Ising spins with k steps of replica symmetry breaking and its gradient.

For any Gaussian glass (covariance :class:`Covariance`; SK by default);
:func:`maximize` finds the k-RSB or full-RSB state, a :class:`ParisiSolution`.

For the Sherrington-Kirkpatrick model (``H = -sum_{i<j} J_ij s_i s_j - h sum_i s_i``,
``J_ij ~ N(0, 1/N)``) the k-RSB free energy per spin is (Parisi 1980; in
the form of Guerra 2003, with ``mu_j = beta x_j``)::

    f = -(beta/4) (1 - q_k)^2 + (1/4) sum_{j=1..k} mu_j (q_j^2 - q_{j-1}^2)
        - E_z G_0(h + sqrt(q_0) z)

    G_k(y)     = log(2 cosh(beta y)) / beta
    G_{j-1}(y) = (1/mu_j) log E_z exp(mu_j G_j(y + sqrt(q_j - q_{j-1}) z))

for ``0 <= q_0 <= ... <= q_k <= 1`` and ``0 <= x_1 <= ... <= x_k <= 1``
(``q(x) = q_j`` for ``x_j < x < x_{j+1}``, ``x_0 = 0``, ``x_{k+1} = 1``).
``k = 0`` is replica symmetry.  Every choice of the parameters bounds the
free energy from below (Guerra's bound; Talagrand proved the supremum is
the free energy), so the k-RSB solution *maximizes* ``f``, and adding a step
can only raise it.  In these variables ``T = 0`` is regular: ``q_k = 1``,
``G_k(y) = |y|``, the first term vanishes and the ``mu_j`` stay finite.

Numerics.  ``G_{k-1}`` is computed on a uniform grid in ``y`` with the
kink-aware :func:`hebbian.theory.quadrature.field_quadrature`; every further level is a
discrete Gaussian convolution on the grid in the log domain (the functions
are smooth there), with ``G_j`` continued linearly (slope 1, exact far out)
beyond the grid.  The gradient comes from the adjoint recursion, whose
variables are the forward (tilted) measures of the fields at each level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize

from hebbian._checks import check_int
from hebbian._numba_cache import use_user_cache
from hebbian.temperature import T_ZERO_RSB, temperature
from hebbian.theory.quadrature import field_quadrature, gaussian_nodes, log2cosh, tanh_terms
from hebbian.theory.solution import STATUS, ZERO, Solution

use_user_cache(Path(__file__).parent)  # before the kernel below is decorated

from numba import njit  # noqa: E402  (after the cache folder is settled)

__all__ = [
    "MAX_STEPS",
    "SK",
    "Covariance",
    "Grid",
    "ParisiSolution",
    "ParisiValue",
    "maximize",
    "parisi_functional",
    "ramp",
]

#: Smallest ``mu`` used: ``(1/mu) log E exp(mu G) = E G + O(mu)``.
MU_MIN = 1e-10

#: Most steps of a k-RSB solve (:func:`hebbian.theory.sk.solve_rsb`,
#: :func:`hebbian.theory.dense_rsb.solve_rsb`): the time grows like ``k^2``
#: (measured on two cores: SK 16 s at ``k = 4``, 40 s at ``k = 6``, ``T = 0.5``), and
#: beyond ``k ~ 8`` the innermost steps are narrower than the field grid resolves.
MAX_STEPS = 10


def check_steps(k) -> int:
    """The number of RSB steps ``0 <= k <= MAX_STEPS``, or a one-line error with the cost."""

    def cost(k: int) -> str:
        seconds = 1.1 * min(k, 1e6) ** 2
        return f"it would take about {seconds:.3g} s (1.1 k^2 s); pass k <= {MAX_STEPS}"

    return check_int(k, "k", minimum=0, maximum=MAX_STEPS, why=cost)


def rsb_temperature(T) -> tuple[float, float]:
    """``(T, beta)`` of the RSB solvers: ``T <= 1e-4`` is ``T = 0``, ``T = inf`` is refused.

    Below :data:`hebbian.temperature.T_ZERO_RSB` the breakpoints ``x_j = mu_j/beta``
    and ``1 - q_k`` vanish like ``T`` and the finite-``T`` maximization stops
    converging; at ``T = inf`` the state is the paramagnet and ``x`` is undefined.
    """
    T, beta = temperature(T, zero_below=T_ZERO_RSB)
    if beta == 0:
        raise ValueError(
            "temperature T=inf must be finite for replica symmetry breaking: the state is the "
            "paramagnet and the Parisi parameters x are undefined there; use the RS solver"
        )
    return T, beta


@dataclass(frozen=True)
class Covariance:
    """``xi(q) = c q^P``: the covariance ``E H(s) H(s') = N xi(s.s'/N)`` of a Gaussian glass.

    ``c = 1/2, P = 2`` is SK; ``c = alpha / P!`` is the non-condensed patterns'
    field of a dense P-spin Hebbian network at load ``alpha`` (:mod:`hebbian.theory.dense`).
    """

    c: float
    P: int

    def __call__(self, q, k: int = 0):
        """``k``-th derivative of ``xi`` at ``q``."""
        return self.c * math.perm(self.P, k) * q ** (self.P - k) if k <= self.P else 0.0 * q

    def theta(self, q, k: int = 0):
        """``theta(q) = q xi'(q) - xi(q)`` (``k = 0``) or ``theta'(q) = q xi''(q)`` (``k = 1``)."""
        return q * self(q, 1) - self(q) if k == 0 else q * self(q, 2)


#: Largest ``q^(P-1)`` (the overlap's field variance relative to ``xi'(1)``) of a paramagnet
#: when a state is classified: the functional is flat (like q^P) near q = 0, and the optimizer
#: stops at a small q (SK: 5e-5, P = 3: 1e-4, P = 4: 7e-3); the overlap is not the measure.
PARAMAGNET_FIELD = 1e-3

#: The Sherrington-Kirkpatrick covariance ``xi(q) = q^2 / 2``.
SK = Covariance(0.5, 2)


@dataclass(frozen=True)
class Grid:
    """Uniform grid of fields ``h + y``, ``y = -L, ..., L`` in steps of ``dy``.

    Centred on the field ``h``, so the outermost Gaussian average is
    symmetric on the grid (and a point mass at ``q_0 = 0`` sits on a node).
    """

    L: float = 8.0
    dy: float = 0.02

    @property
    def y(self) -> np.ndarray:
        n = round(self.L / self.dy)
        return np.arange(-n, n + 1) * self.dy


@dataclass(frozen=True)
class ParisiValue:
    """The functional and its derivatives at one parameter point."""

    f: float
    grad_q: np.ndarray  # df/dq_j, j = 0..k
    grad_mu: np.ndarray  # df/dmu_j, j = 1..k
    m: float  # magnetization -df/dh
    energy: float  # internal energy per spin at a stationary point
    #: False where a level's tilt ``mu_j (q_j - q_{j-1})`` reaches past the field grid: the
    #: value is then truncated (too high) and no solution may be claimed there
    resolved: bool = True


def _outer(g, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """``G_k`` and its derivative at the fields ``g``."""
    if math.isinf(beta):
        return np.abs(g), np.sign(g)
    return log2cosh(beta * g) / beta, np.tanh(beta * g)


#: Tilt ``mu sigma`` (in units of the Gaussian's width) above which :func:`_innermost`
#: integrates the two exponential tails separately: the plain rule's range ``|z| <= 9``
#: cuts ``e^{-(9 - mu sigma)^2/2}`` of the tilted measure (2e-11 at 2, below the field
#: grid's own error; the split costs twice the nodes).
_TILT = 2.0


def _innermost(y, sigma: float, mu: float, beta: float):
    """``G_{k-1}`` on the grid, with ``dG/dmu`` and ``dG/d(sigma^2)``.

    ``(1/mu) log E exp(mu G_k(y + sigma z))`` with ``G_k(x) = |x| + c(x)``,
    ``c = log(1 + e^{-2 beta |x|}) / beta`` bounded.  For a large tilt the
    measure ``e^{mu G_k}`` moves the mass to ``|z| ~ mu sigma``, far beyond any
    fixed range of ``z``: there each sign of ``x`` is integrated on its own,
    ``E[e^{s mu x} g(x) 1{s x > 0}] = e^{s mu y + mu^2 sigma^2/2} E[g(x_s) 1{s x_s > 0}]``
    with ``x_s = y + s mu sigma^2 + sigma z`` (exact at any ``mu``, ``beta``).
    """
    return _innermost_grid(np.ascontiguousarray(y, float), max(sigma, 1e-9), mu, beta)


@njit(cache=True)
def _innermost_grid(y, sigma, mu, beta):
    """:func:`_innermost` at every grid point: one log-sum-exp over the quadrature nodes each."""
    n = y.size
    G, d_mu, d_var = np.empty(n), np.empty(n), np.empty(n)
    split = mu * sigma > _TILT
    shift = mu * sigma * sigma
    for a in range(n):
        # nodes and their log weights: the plain rule, or the two one-signed tilted ones
        # (z: the standard normal of h = y + sigma z, exact where h - y would cancel)
        if split:
            z_up, w_up, h_up = gaussian_nodes(y[a] + shift, sigma, beta)
            z_dn, w_dn, h_dn = gaussian_nodes(y[a] - shift, sigma, beta)
            h, n_up = np.concatenate((h_up, h_dn)), h_up.size
            z = np.concatenate((z_up + mu * sigma, z_dn - mu * sigma))
            e = np.log(np.concatenate((w_up, w_dn)))
        else:
            z, w, h = gaussian_nodes(y[a], sigma, beta)
            e, n_up = np.log(w), w.size
        g, t = np.empty(h.size), np.empty(h.size)
        for i in range(h.size):
            t[i], _, g[i] = tanh_terms(h[i], beta)
            if not split:
                e[i] += mu * g[i]
                continue
            sign = 1.0 if i < n_up else -1.0
            if sign * h[i] > 0:
                e[i] += sign * mu * y[a] + 0.5 * (mu * sigma) ** 2 + mu * (g[i] - abs(h[i]))
            else:
                e[i] = -math.inf
        top = e.max()
        norm = tg = tdz = 0.0
        for i in range(h.size):
            tilt = math.exp(e[i] - top)
            norm += tilt
            tg += tilt * g[i]
            tdz += tilt * t[i] * z[i]
        G[a] = (top + math.log(norm)) / mu
        d_mu[a] = (tg / norm - G[a]) / mu
        d_var[a] = tdz / norm / (2 * sigma)
    return G, d_mu, d_var


def _derivative(G: np.ndarray, dy: float, order: int) -> np.ndarray:
    """First or second derivative on the grid, fourth-order accurate inside it."""
    out = np.gradient(G, dy) if order == 1 else np.gradient(np.gradient(G, dy), dy)
    if G.size >= 5:
        a, b, c, d, e = G[:-4], G[1:-3], G[2:-2], G[3:-1], G[4:]
        if order == 1:
            out[2:-2] = (a - 8 * b + 8 * d - e) / (12 * dy)
        else:
            out[2:-2] = (-a + 16 * b - 30 * c + 16 * d - e) / (12 * dy * dy)
    return out


def _convolve(G, grid: Grid, var: float, mu: float):
    """One level on the grid: ``(1/mu) log E exp(mu G(y + sqrt(var) z))``.

    Returns the new values, ``d/dmu``, ``d/dvar``, the tilted transition
    weights (rows over offsets ``-B..B``) for the adjoint pass, ``B``, and
    whether the tilted kernel reaches past the window (then truncated).
    """
    dy, n = grid.dy, G.size
    sigma = math.sqrt(var)
    if sigma < 2 * dy:  # narrower than the grid resolves: the cumulant series to var^2
        # fourth-order differences: nested second-order ones err by dy^2 G''''/3 in G'',
        # which the level's var multiplies (1e-7 in f at var = 1e-3)
        d1, d2 = _derivative(G, dy, 1), _derivative(G, dy, 2)
        d3, d4 = _derivative(d2, dy, 1), _derivative(d2, dy, 2)
        rate = 0.5 * (d2 + mu * d1**2)
        # (1/mu) log E exp(mu G(y + s z)) = G + s^2 rate + s^4 quartic + O(s^6), with
        # quartic = G''''/8 + mu (G''^2/4 + G' G'''/2) + mu^2 G'^2 G''/2
        quartic = d4 / 8 + mu * (d2**2 / 4 + d1 * d3 / 2) + mu * mu * d1**2 * d2 / 2
        d_quartic = d2**2 / 4 + d1 * d3 / 2 + mu * d1**2 * d2  # d quartic / d mu
        new = G + var * rate + var * var * quartic
        d_mu = 0.5 * var * d1**2 + var * var * d_quartic
        return new, d_mu, rate + 2 * var * quartic, None, 0, False
    # the tilt shifts the kernel by mu var; past the grid G is linear anyway
    reach = math.ceil((8 * sigma + mu * var) / dy)
    B = max(1, min(reach, n))
    d = np.arange(-B, B + 1)
    # continue G linearly (slope 1) beyond the grid: exact for |y| >> sigma
    left = G[0] + np.arange(B, 0, -1) * dy
    right = G[-1] + np.arange(1, B + 1) * dy
    padded = np.concatenate([left, G, right])
    log_w = -0.5 * (d * dy) ** 2 / var
    log_w -= np.log(np.exp(log_w).sum())
    d2 = (d * dy) ** 2
    new, d_mu, tilted_d2, tilt = _tilted_convolution(G, padded, log_w, d2, mu)
    d_var = (tilted_d2 - np.exp(log_w) @ d2) / (2 * var * var) / mu
    return new, d_mu, d_var, tilt, B, reach > n


@njit(cache=True)
def _tilted_convolution(G, padded, log_w, d2, mu):
    """The log-domain convolution of :func:`_convolve`, row by row.

    Row ``a`` tilts the kernel ``log_w`` (offsets ``-B..B``) by ``mu (G(y_a + d) - G(y_a))``.
    Returns the new level, ``d/dmu``, the tilted mean of ``d2`` and the tilted weights.
    """
    n, width = G.size, log_w.size
    new, d_mu, tilted_d2 = np.empty(n), np.empty(n), np.empty(n)
    tilt = np.empty((n, width))
    for a in range(n):
        top = -math.inf
        for j in range(width):
            tilt[a, j] = mu * (padded[a + j] - G[a]) + log_w[j]
            top = max(top, tilt[a, j])
        norm = 0.0
        for j in range(width):
            tilt[a, j] = math.exp(tilt[a, j] - top)
            norm += tilt[a, j]
        mean_G = mean_d2 = 0.0
        for j in range(width):
            tilt[a, j] /= norm
            mean_G += tilt[a, j] * padded[a + j]
            mean_d2 += tilt[a, j] * d2[j]
        new[a] = G[a] + (top + math.log(norm)) / mu
        d_mu[a] = (mean_G - new[a]) / mu
        tilted_d2[a] = mean_d2
    return new, d_mu, tilted_d2, tilt


def _narrow_average(t: float, center: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Weights ``p`` on the five nodes about ``center`` (of ``n``) with the first four
    moments of a centred Gaussian of variance ``t dy^2``, and ``dp/dt``.

    ``p_{+-1} = 2t/3 - t^2/2``, ``p_{+-2} = (3t^2 - t)/24``: odd moments 0,
    ``sum p_j j^2 = t``, ``sum p_j j^4 = 3 t^2``; at small ``t`` the average is
    ``G + (t dy^2 / 2) G''`` with the five-point second difference.  At
    ``t = 1`` it meets the grid Gaussian of :func:`parisi_functional` to its
    sixth moment (11 against 15 ``dy^6``): the seam between them moves ``f``
    by about ``dy^6 G^(6) / 180``.
    """
    a, b = 2 * t / 3 - t * t / 2, (3 * t * t - t) / 24
    da, db = 2 / 3 - t, (6 * t - 1) / 24
    p, dp = np.zeros(n), np.zeros(n)
    p[center - 2 : center + 3] = (b, a, 1 - 2 * a - 2 * b, a, b)
    dp[center - 2 : center + 3] = (db, da, -2 * da - 2 * db, da, db)
    return p, dp


def parisi_functional(
    q, mu, beta: float, h: float = 0.0, grid: Grid = Grid(), xi: Covariance = SK
) -> ParisiValue:
    """The k-RSB free energy and its gradient (see the module docstring).

    For a general covariance ``xi`` (Talagrand 2006; Panchenko 2013) the
    field variances are ``xi'(q_j)``, the first term becomes
    ``-(beta/2)[xi(1) - xi(q_k) - (1 - q_k) xi'(q_k)]`` and the second
    ``(1/2) sum_j mu_j (theta(q_j) - theta(q_{j-1}))``, ``theta = q xi' - xi``;
    ``xi = q^2/2`` gives the SK form above.

    Parameters
    ----------
    q : array_like, shape (k+1,)
        Nondecreasing overlaps ``q_0..q_k`` in ``[0, 1]`` (``q_k = 1`` at ``T = 0``).
    mu : array_like, shape (k,)
        ``mu_j = beta x_j``, nondecreasing, positive.
    beta : float
        Inverse temperature, ``inf`` allowed.
    h : float
        Uniform field.
    grid : Grid
        Grid of fields ``h + y`` on which the levels ``G_j`` are computed
        (default ``Grid()``: ``L = 8``, ``dy = 0.02``).
    xi : Covariance
        The glass's covariance (default SK).

    Returns
    -------
    ParisiValue
        ``f``, its gradients ``grad_q`` (``df/dq_j``, ``j = 0..k``) and
        ``grad_mu`` (``df/dmu_j``, ``j = 1..k``), the magnetization
        ``m = -df/dh``, the internal ``energy`` per spin (meaningful at a
        stationary point) and ``resolved`` (False where a level's tilt reaches
        past the field grid, so ``f`` is truncated).

    References
    ----------
    Parisi, 1980; Guerra, 2003; Talagrand, 2006; Panchenko, 2013.
    """
    q = np.asarray(q, float)
    v = xi(q, 1)  # field variances
    mu = np.maximum(np.asarray(mu, float), MU_MIN)  # mu -> 0: the plain Gaussian average
    k = mu.size
    y = h + grid.y
    center = y.size // 2
    var = np.diff(v)
    grad_var = np.zeros(k)
    grad_mu = np.zeros(k)
    resolved = True
    if k == 0:
        hq, w = field_quadrature(h, math.sqrt(v[0]), beta)
        g, dg = _outer(hq, beta)
        phi = float(w @ g)
        m = float(w @ dg)
        # dPhi/dv0 = (1/2) E G''(h) = (beta/2)(1 - E tanh^2) at finite T
        if math.isinf(beta):
            dphi_v0 = float(np.exp(-(h**2) / (2 * v[0])) / math.sqrt(2 * math.pi * v[0]))
        else:
            dphi_v0 = 0.5 * beta * float(w @ (1 - dg**2))
        energy_term = 0.0
    else:
        levels = [None] * k
        G, d_mu, d_var = _innermost(y, math.sqrt(var[-1]), mu[-1], beta)
        derivs = [None] * k
        derivs[k - 1] = (d_mu, d_var)
        for j in range(k - 1, 0, -1):  # level j uses var[j-1] = q_j - q_{j-1}, mu[j-1]
            G, d_mu, d_var, tilt, B, capped = _convolve(G, grid, var[j - 1], mu[j - 1])
            resolved = resolved and not capped
            levels[j - 1] = (tilt, B)
            derivs[j - 1] = (d_mu, d_var)
        # final Gaussian average of G_0 over h + sqrt(v0) z, on the grid
        s0 = math.sqrt(v[0])
        u = y - h
        if s0 > grid.dy:  # the grid's Gaussian has variance v0 to ~exp(-2 pi^2 v0 / dy^2)
            logp = -0.5 * (u / s0) ** 2
            p = np.exp(logp - logp.max())
            p /= p.sum()
            phi = float(p @ G)
            dphi_v0 = float(p @ (G * (u**2 - p @ u**2))) / (2 * v[0] ** 2)
            m = float(p @ (G * (u - p @ u))) / v[0]
        else:  # (near) point mass: the five nodes about the centre with its moments
            p, dp = _narrow_average(v[0] / grid.dy**2, center, y.size)
            phi = float(p @ G)
            dphi_v0 = float(dp @ G) / grid.dy**2
            c, dy = center, grid.dy
            d1 = (G[c - 2] - 8 * G[c - 1] + 8 * G[c + 1] - G[c + 2]) / (12 * dy)
            d3 = (-G[c - 2] + 2 * G[c - 1] - 2 * G[c + 1] + G[c + 2]) / (2 * dy**3)
            m = d1 + 0.5 * v[0] * d3  # E G'(h + u) to the same order
        # adjoint: the forward measure at each level (both branches give phi = p @ G,
        # so the gradient through the levels is exact)
        lam = p
        for j in range(1, k + 1):
            d_mu, d_var = derivs[j - 1]
            grad_mu[j - 1] = lam @ d_mu
            grad_var[j - 1] = lam @ d_var
            if j < k and levels[j - 1][0] is not None:
                tilt, B = levels[j - 1]
                flow = lam[:, None] * tilt  # (n, 2B+1): mass from y_a to y_a + d dy
                nxt = np.zeros(y.size + 2 * B)
                for i in range(2 * B + 1):
                    nxt[i : i + y.size] += flow[:, i]
                nxt[B] += nxt[:B].sum()  # mass beyond the grid follows the edge value
                nxt[-B - 1] += nxt[-B:].sum()
                lam = nxt[B:-B]
        energy_term = 0.5 * float(mu @ np.diff(xi.theta(q)))
    # assemble f and its gradient in q (through v = xi'(q) for the spin term)
    qk = q[-1]
    top = 0.0 if math.isinf(beta) else -0.5 * beta * (xi(1.0) - xi(qk) - (1 - qk) * xi(qk, 1))
    f = top + energy_term - phi
    grad_v = np.zeros(k + 1)
    grad_v[1:] -= grad_var
    grad_v[:-1] += grad_var
    grad_v[0] -= dphi_v0
    grad_q = grad_v * xi(q, 2)
    if not math.isinf(beta):
        grad_q[-1] += 0.5 * beta * (1 - qk) * xi(qk, 2)
    dtheta = xi.theta(q, 1)
    grad_q[1:] += 0.5 * mu * dtheta[1:]
    grad_q[:-1] -= 0.5 * mu * dtheta[:-1]
    grad_mu_f = 0.5 * np.diff(xi.theta(q)) - grad_mu
    # internal energy: -beta (xi(1) - int_0^1 xi(q(x)) dx) - h m (finite T)
    if math.isinf(beta):
        energy = f
    else:
        x = np.concatenate([[0.0], mu / beta, [1.0]])
        energy = -beta * (xi(1.0) - float(np.diff(x) @ xi(q))) - h * m
    return ParisiValue(float(f), grad_q, grad_mu_f, float(m), float(energy), resolved)


def _ordered(u: np.ndarray, top: float) -> tuple[np.ndarray, np.ndarray]:
    """Nondecreasing ``a_j = a_{j-1} + u_j (top - a_{j-1})`` from ``u`` in [0, 1], and da/du.

    ``top = inf`` means ``a_j = a_{j-1} + u_j`` (``u >= 0``).
    """
    n = u.size
    a = np.empty(n)
    jac = np.zeros((n, n))  # jac[j, i] = da_j / du_i
    prev = 0.0
    for j in range(n):
        if math.isinf(top):
            a[j] = prev + u[j]
            jac[j, : j + 1] = 1.0
        else:
            a[j] = prev + u[j] * (top - prev)
            jac[j, j] = top - prev
            if j:
                jac[j, :j] = jac[j - 1, :j] * (1 - u[j])
        prev = a[j]
    return a, jac


def _unordered(a: np.ndarray, top: float) -> np.ndarray:
    """Inverse of :func:`_ordered`."""
    u, prev = np.empty(a.size), 0.0
    for j, v in enumerate(a):
        gap = top - prev
        u[j] = v - prev if math.isinf(top) else (0.0 if gap <= 0 else (v - prev) / gap)
        prev = v
    return np.clip(u, 0.0, None if math.isinf(top) else 1.0)


def _at_bound(u: np.ndarray, grad: np.ndarray, upper: np.ndarray) -> np.ndarray:
    """Variables of a bounded minimization in ``[0, upper]`` held by an active bound.

    Their gradient component is a Karush-Kuhn-Tucker multiplier, not a
    residual of the stationarity equations.
    """
    return ((u <= 0) & (grad > 0)) | ((u >= upper) & (grad < 0))


def _residual(u: np.ndarray, grad: np.ndarray, upper: np.ndarray) -> float:
    """The largest projected gradient component (zero for the variables at a bound)."""
    return float(np.abs(np.where(_at_bound(u, grad, upper), 0.0, grad)).max(initial=0.0))


def _newton_polish(gradient, u: np.ndarray, upper: np.ndarray, tol: float, steps: int = 8):
    """Newton steps on the stationarity equations of the variables off their bounds.

    L-BFGS-B stops once ``f`` no longer decreases beyond its rounding; where the
    curvature is large (the breakpoints ``x = mu / beta`` at low ``T`` have
    curvature ``~ beta^2``) the gradient can be far from zero there.  The
    Hessian of the free variables comes from forward differences of the
    analytic ``gradient``; a step is kept only if it lowers the residual.
    """
    grad = gradient(u)
    residual = _residual(u, grad, upper)
    for _ in range(steps):
        if residual <= tol:
            break
        free = np.flatnonzero(~_at_bound(u, grad, upper))
        hessian = np.empty((free.size, free.size))
        for col, j in enumerate(free):
            du = 1e-6 * max(abs(u[j]), 1e-6)
            shifted = u.copy()
            shifted[j] += du
            hessian[:, col] = (gradient(shifted)[free] - grad[free]) / du
        try:
            move = np.linalg.solve(hessian, -grad[free])
        except np.linalg.LinAlgError:
            break
        trial = u.copy()
        trial[free] = np.clip(u[free] + move, 0.0, upper[free])
        trial_grad = gradient(trial)
        trial_residual = _residual(trial, trial_grad, upper)
        if not trial_residual < residual:
            break
        u, grad, residual = trial, trial_grad, trial_residual
    return u


@dataclass(frozen=True)
class ParisiSolution(Solution):
    """A :class:`Solution` carrying the Parisi order parameter ``q(x)`` as steps.

    ``q(x) = q_levels[j]`` for ``x_levels[j-1] < x < x_levels[j]`` (with
    ``x_0 = 0`` and ``x_{k+1} = 1``).  At ``T = 0`` the breakpoints are the
    rescaled ``mu_j = beta x_j`` (then ``x`` runs over ``[0, inf)``).
    """

    q_levels: tuple[float, ...] = ()
    x_levels: tuple[float, ...] = ()

    def q_of_x(self, x):
        """``q(x)``, the overlap at the Parisi variable ``x`` (``mu`` at ``T = 0``)."""
        return np.asarray(self.q_levels)[np.searchsorted(self.x_levels, x, side="right")]


def ramp(k: int, zero_T: bool, q_top: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """Start for k free steps: overlaps evenly up to ``q_top``, breakpoints evenly in (0, 1).

    At ``T = 0`` the breakpoints are ``mu`` and the ramp is stretched by 1.5
    (SK's one-step ``mu = 1.36``).

    Parameters
    ----------
    k : int
        Number of RSB steps, ``>= 0`` (not checked).
    zero_T : bool
        Whether the breakpoints are ``mu = beta x`` (``T = 0``).
    q_top : float, default 1
        Top overlap ``q_k``.

    Returns
    -------
    q0 : ndarray, shape (k+1,)
        ``q_top (j + 1) / (k + 1)``, ``j = 0..k``.
    x0 : ndarray, shape (k,)
        ``j / (k + 1)``, ``j = 1..k``, times 1.5 at ``T = 0``.
    """
    q0 = q_top * np.arange(1, k + 2) / (k + 1)
    x0 = np.arange(1, k + 1) / (k + 1) * (1.5 if zero_T else 1.0)
    return q0, x0


def maximize(
    beta: float,
    h: float,
    q_init: np.ndarray,
    x_init: np.ndarray,
    *,
    free_q: bool,
    tol: float,
    max_iter: int,
    model: str,
    params: dict,
    grid: Grid | None = None,
    xi: Covariance = SK,
) -> ParisiSolution:
    """Maximize the Parisi functional over the breakpoints (and the overlaps if ``free_q``).

    ``q_init``, ``x_init`` start it (``x`` is ``mu`` at ``T = 0``; see
    :func:`ramp` for k free steps); ``params`` and ``model`` label the result.

    Orderings are built into the variables (:func:`_ordered`), so the only
    constraints are bounds (L-BFGS-B).  With the overlaps fixed the problem is
    concave (Auffinger & Chen 2015); the breakpoint variables are scaled by
    the widths of their levels, which evens out the curvature.

    Parameters
    ----------
    beta : float
        Inverse temperature, ``inf`` allowed (``T = 0``: breakpoints ``mu``,
        ``q_k = 1``).
    h : float
        Uniform field.
    q_init : ndarray, shape (k+1,)
        Starting overlaps, nondecreasing in ``[0, 1]``; kept fixed unless
        ``free_q``.
    x_init : ndarray, shape (k,)
        Starting breakpoints, nondecreasing in ``[0, 1]`` (``mu >= 0`` at
        ``T = 0``).
    free_q : bool
        Whether the overlaps are maximized over too (``q_k = 1`` stays fixed at
        ``T = 0``); False for a fixed grid of overlaps (full RSB).
    tol : float
        Largest projected gradient accepted as stationary.
    max_iter : int
        L-BFGS-B iterations allowed, ``>= 1``.
    model : str
        The result's ``model``.
    params : dict
        The result's ``params``.
    grid : Grid, optional
        Field grid of :func:`parisi_functional` (default ``Grid()``).
    xi : Covariance
        The glass's covariance (default :data:`SK`).

    Returns
    -------
    ParisiSolution
        ``order_parameters`` ``q0..qk``, ``x1..xk`` (``mu1..muk`` at ``T = 0``)
        and ``m``; ``residual`` the largest projected gradient component;
        ``status`` 0, 1 (not stationary) or 3 (truncated by the field grid);
        ``branch`` ``"paramagnet"``, ``"RS"`` or ``"j-RSB"``; ``q_levels`` and
        ``x_levels`` the steps of ``q(x)``.

    Raises
    ------
    ValueError, TypeError
        For ``max_iter`` not an integer ``>= 1``.

    References
    ----------
    Parisi, 1980; Auffinger & Chen, 2015.
    """
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    grid = grid or Grid()
    zero_T = math.isinf(beta)
    k = x_init.size
    n_q = (k if zero_T else k + 1) if free_q else 0
    x_top = math.inf if zero_T else 1.0
    scale = np.ones(k) if free_q else np.maximum(np.diff(q_init), 1e-12) / np.diff(q_init).mean()

    def unpack(u):
        if free_q:
            q, dq = _ordered(u[:n_q], 1.0)
            q = np.append(q, 1.0) if zero_T else q
        else:
            q, dq = q_init, np.zeros((0, 0))
        x, dx = _ordered(u[n_q:] / scale, x_top)
        return q, x, dq, dx / scale

    def objective(u):
        q, x, dq, dx = unpack(u)
        v = parisi_functional(q, x if zero_T else beta * x, beta, h, grid, xi)
        g_x = v.grad_mu if zero_T else v.grad_mu * beta
        grad = np.concatenate([v.grad_q[:n_q] @ dq, g_x @ dx])
        return -v.f, -grad

    u0 = np.concatenate([_unordered(q_init[:n_q], 1.0), _unordered(x_init, x_top) * scale])
    upper = np.concatenate([np.ones(n_q), np.full(k, np.inf) if zero_T else scale])
    bounds = [(0.0, None if math.isinf(b) else b) for b in upper]
    u, n_iter, why = u0, 0, ""  # RS at T = 0 has no free parameter
    if u0.size:
        res = optimize.minimize(
            objective,
            u0,
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options={"maxiter": max_iter, "ftol": 1e-16, "gtol": tol / 10, "maxcor": 30},
        )
        u, n_iter, why = res.x, int(res.nit), res.message
        if res.status != 1:  # stopped short of max_iter: finish what f's rounding stopped
            u = _newton_polish(lambda w: objective(w)[1], u, upper, tol)
    q, x, _, _ = unpack(u)
    v = parisi_functional(q, x if zero_T else beta * x, beta, h, grid, xi)
    residual = _residual(u, objective(u)[1], upper)
    success = residual <= tol and v.resolved
    if not v.resolved:
        message = (
            "a level's tilt mu_j (q_j - q_{j-1}) reaches past the field grid, where the "
            "functional is truncated: no solution can be claimed (widen grid.L)"
        )
    elif not success:
        message = f"L-BFGS-B stopped ({why}) at projected gradient {residual:.1e} > tol"
    else:
        message = STATUS[0]
    name = "mu" if zero_T else "x"
    order = {f"q{j}": float(val) for j, val in enumerate(q)}
    order.update({f"{name}{j + 1}": float(val) for j, val in enumerate(x)})
    order["m"] = v.m
    return ParisiSolution(
        model=model,
        params=params,
        order_parameters=order,
        free_energy=v.f,
        energy=v.energy,
        success=success,
        status=0 if success else (1 if v.resolved else 3),
        message=message,
        n_iter=n_iter,
        residual=residual,
        branch=_rsb_branch(q, x, zero_T, xi.P),
        q_levels=tuple(map(float, q)),
        x_levels=tuple(map(float, x)),
    )


def _rsb_branch(q: np.ndarray, x: np.ndarray, zero_T: bool, P: int) -> str:
    """``"paramagnet"``, ``"RS"`` or ``"j-RSB"``: the overlap distribution's support.

    Level ``q_j`` carries the mass ``x_{j+1} - x_j`` (``x_0 = 0``, ``x_{k+1} = 1``;
    at ``T = 0``, in ``mu``, the top level ``q_k = 1`` always); levels without
    mass, or equal to a neighbour, are not steps.
    """
    top = np.inf if zero_T else 1.0
    mass = np.diff(np.concatenate([[0.0], x, [top]]))
    support = q[mass > ZERO]
    if support.size == 0 or support.max() ** (P - 1) < PARAMAGNET_FIELD:
        return "paramagnet"
    steps = int(np.sum(np.diff(support) > ZERO))
    return f"{steps}-RSB" if steps else "RS"
