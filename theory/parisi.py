"""The Parisi functional of Ising spins with k steps of replica symmetry breaking and its gradient.

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
kink-aware :func:`theory.quadrature.field_quadrature`; every further level is a
discrete Gaussian convolution on the grid in the log domain (the functions
are smooth there), with ``G_j`` continued linearly (slope 1, exact far out)
beyond the grid.  The gradient comes from the adjoint recursion, whose
variables are the forward (tilted) measures of the fields at each level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from theory.quadrature import field_quadrature, log2cosh

__all__ = ["Grid", "ParisiValue", "parisi_functional"]

#: Smallest ``mu`` used: ``(1/mu) log E exp(mu G) = E G + O(mu)``.
MU_MIN = 1e-10


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


def _outer(g, beta: float) -> tuple[np.ndarray, np.ndarray]:
    """``G_k`` and its derivative at the fields ``g``."""
    if math.isinf(beta):
        return np.abs(g), np.sign(g)
    return log2cosh(beta * g) / beta, np.tanh(beta * g)


def _innermost(y, sigma: float, mu: float, beta: float):
    """``G_{k-1}`` on the grid, with ``dG/dmu`` and ``dG/d(sigma^2)``."""
    h, w = field_quadrature(y, max(sigma, 1e-9), beta)
    g, dg = _outer(h, beta)
    e = mu * g
    shift = e.max(axis=-1, keepdims=True)
    tilt = w * np.exp(e - shift)
    norm = tilt.sum(-1, keepdims=True)
    tilt /= norm
    G = (shift[..., 0] + np.log(norm[..., 0])) / mu
    z = (h - y[:, None]) / max(sigma, 1e-9)
    d_mu = ((tilt * g).sum(-1) - G) / mu
    d_var = (tilt * dg * z).sum(-1) / (2 * max(sigma, 1e-9))
    return G, d_mu, d_var


def _convolve(G, grid: Grid, var: float, mu: float):
    """One level on the grid: ``(1/mu) log E exp(mu G(y + sqrt(var) z))``.

    Returns the new values, ``d/dmu``, ``d/dvar`` and the tilted transition
    weights (rows over offsets ``-B..B``) for the adjoint pass.
    """
    dy, n = grid.dy, G.size
    sigma = math.sqrt(var)
    if sigma < 2 * dy:  # narrower than the grid resolves: second order in var
        Gp = np.gradient(G, dy)
        rate = 0.5 * (np.gradient(Gp, dy) + mu * Gp**2)
        return G + var * rate, 0.5 * var * Gp**2, rate, None, 0
    # the tilt shifts the kernel by mu var; past the grid G is linear anyway
    B = max(1, min(math.ceil((8 * sigma + mu * var) / dy), n))
    d = np.arange(-B, B + 1)
    # continue G linearly (slope 1) beyond the grid: exact for |y| >> sigma
    left = G[0] + np.arange(B, 0, -1) * dy
    right = G[-1] + np.arange(1, B + 1) * dy
    padded = np.concatenate([left, G, right])
    window = np.lib.stride_tricks.sliding_window_view(padded, 2 * B + 1)  # (n, 2B+1)
    log_w = -0.5 * (d * dy) ** 2 / var
    log_w -= np.log(np.exp(log_w).sum())
    e = mu * (window - G[:, None])
    expo = e + log_w
    shift = expo.max(axis=1, keepdims=True)
    tilt = np.exp(expo - shift)
    norm = tilt.sum(1, keepdims=True)
    tilt /= norm
    new = G + (shift[:, 0] + np.log(norm[:, 0])) / mu
    d_mu = ((tilt * window).sum(1) - new) / mu
    d2 = (d * dy) ** 2
    weights = np.exp(log_w)
    d_var = ((tilt * d2).sum(1) - weights @ d2) / (2 * var * var) / mu
    return new, d_mu, d_var, tilt, B


def parisi_functional(q, mu, beta: float, h: float = 0.0, grid: Grid = Grid()) -> ParisiValue:
    """The k-RSB free energy and its gradient (see the module docstring).

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
    """
    q = np.asarray(q, float)
    mu = np.maximum(np.asarray(mu, float), MU_MIN)  # mu -> 0: the plain Gaussian average
    k = mu.size
    y = h + grid.y
    center = y.size // 2
    var = np.diff(q)
    grad_var = np.zeros(k)
    grad_mu = np.zeros(k)
    if k == 0:
        hq, w = field_quadrature(h, math.sqrt(q[0]), beta)
        g, dg = _outer(hq, beta)
        phi = float(w @ g)
        m = float(w @ dg)
        # dPhi/dq0 = (1/2) E G''(h) = (beta/2)(1 - E tanh^2) at finite T
        if math.isinf(beta):
            dphi_q0 = float(np.exp(-(h**2) / (2 * q[0])) / math.sqrt(2 * math.pi * q[0]))
        else:
            dphi_q0 = 0.5 * beta * float(w @ (1 - dg**2))
        energy_term = 0.0
    else:
        levels = [None] * k
        G, d_mu, d_var = _innermost(y, math.sqrt(var[-1]), mu[-1], beta)
        derivs = [None] * k
        derivs[k - 1] = (d_mu, d_var)
        for j in range(k - 1, 0, -1):  # level j uses var[j-1] = q_j - q_{j-1}, mu[j-1]
            G, d_mu, d_var, tilt, B = _convolve(G, grid, var[j - 1], mu[j - 1])
            levels[j - 1] = (tilt, B)
            derivs[j - 1] = (d_mu, d_var)
        # final Gaussian average of G_0 over h + sqrt(q0) z, on the grid
        s0 = math.sqrt(q[0])
        u = y - h
        if s0 > 3 * grid.dy:
            logp = -0.5 * (u / s0) ** 2
            p = np.exp(logp - logp.max())
            p /= p.sum()
            phi = float(p @ G)
            dphi_q0 = float(p @ (G * (u**2 - p @ u**2))) / (2 * q[0] ** 2)
            m = float(p @ (G * (u - p @ u))) / q[0]
        else:  # (near) point mass at the centre node: Taylor to second order
            c, dy = center, grid.dy
            Gpp = (G[c + 1] - 2 * G[c] + G[c - 1]) / dy**2
            phi = G[c] + 0.5 * q[0] * Gpp
            dphi_q0 = 0.5 * Gpp
            m = (G[c + 1] - G[c - 1]) / (2 * dy)
            p = np.zeros_like(y)
            p[c] = 1.0
        # adjoint: the forward measure at each level
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
        energy_term = 0.25 * float(mu @ (q[1:] ** 2 - q[:-1] ** 2))
    # assemble f and its gradient in q
    top = 0.0 if math.isinf(beta) else -0.25 * beta * (1 - q[-1]) ** 2
    f = top + energy_term - phi
    grad_q = np.zeros(k + 1)
    if not math.isinf(beta):
        grad_q[-1] += 0.5 * beta * (1 - q[-1])
    grad_q[1:] += 0.5 * mu * q[1:]
    grad_q[:-1] -= 0.5 * mu * q[:-1]
    grad_q[1:] -= grad_var
    grad_q[:-1] += grad_var
    grad_q[0] -= dphi_q0
    grad_mu_f = 0.25 * (q[1:] ** 2 - q[:-1] ** 2) - grad_mu
    # internal energy: -(beta/2)(1 - int_0^1 q(x)^2 dx) - h m (finite T)
    if math.isinf(beta):
        energy = f
    else:
        x = np.concatenate([[0.0], mu / beta, [1.0]])
        energy = -0.5 * beta * (1 - float(np.diff(x) @ q**2)) - h * m
    return ParisiValue(float(f), grad_q, grad_mu_f, float(m), float(energy))
