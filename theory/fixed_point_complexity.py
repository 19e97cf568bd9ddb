"""Annealed Kac-Rice complexity of the fixed points of random (gated) rate networks.

Network (:class:`hebbian.rnn.GatedRNN`, ``phi = tanh``, ``beta_h = 0``, no
input).  ``sigma_z > 0`` leaves the update gate out of the fixed points, and
the output gate sits at ``r = J^r phi(h)``: the fixed points are the zeros of
the reduced field (:meth:`hebbian.rnn.GatedRNN.reduced_field`)::

    F(h) = -h + g J^h (sigma_r(J^r phi(h)) * phi(h)),                     (1)

``J^h, J^r ~ N(0, 1/N)`` iid, ``sigma_r(u) = 1/(1 + exp(-alpha_r u -
beta_r))``.  ``alpha_r = 0`` makes the gate the constant ``s_0 =
sigma(beta_r)``, and (1) is the random network ``-h + g s_0 J tanh(h)`` of
Sompolinsky, Crisanti and Sommers (``s_0 = 1``: ``beta_r = inf``).  The
annealed complexity is ``Sigma = lim (1/N) log E[# zeros of F]``.

Derivation (this module's; the route is that of Wainrib and Touboul for the
vanilla network, with the Jacobian conditioned on ``F = 0``).  Kac-Rice::

    E[#] = int dh  E[ |det DF(h)|  delta(F(h)) ].                         (2)

At fixed ``h``, ``r = J^r phi(h)`` is Gaussian, ``r_j ~ N(0, q)`` iid with
``q = (1/N) sum phi(h_j)^2``; given ``r``, ``F`` is Gaussian in ``J^h`` with
mean ``-h`` and covariance ``g^2 Q`` times the identity,
``Q = (1/N) sum sigma_r(r_j)^2 phi(h_j)^2``.  The Jacobian is

    DF = -1 + g J^h M,   M = diag(a) + diag(b) J^r diag(c),               (3)

``a = sigma_r(r) phi'(h)``, ``b = sigma_r'(r) phi(h)``, ``c = phi'(h)``.
Conditioning on ``F = 0`` and on ``r`` changes ``J^h`` and ``J^r`` by
rank-one terms, which change ``log |det DF|`` by ``O(1)``: dropped
(approximation A1, exact as ``N -> inf`` away from ``h = 0``).  ``E |det|``
is replaced by ``exp E log |det|`` (A2: the spectral measure deviates at
speed ``N^2``, faster than the ``O(N)`` exponent; standard in the papers
below).  ``J^h`` is Ginibre, so ``J^h M`` is R-diagonal and its Brown
measure (Haagerup and Larsen) depends on the singular values of ``M``
only; with ``F(u) = <log(1 + u v)> - u`` over the eigenvalues ``v`` of
``g^2 M^T M`` the log-potential at 1 is::

    lim (1/N) log |det(1 - g J^h M)| = max_{u >= 0} F(u) / 2,              (4)

(0 when the spectrum lies inside the unit disc, ``u = 0``).  For ``M`` of
(3), averaging ``det(1 + t M^T M)^{-1/2}`` over ``J^r`` with two
Hubbard-Stratonovich fields gives::

    lim (1/N) log det(1 + t M^T M) = extr_{P, R} [ -P R + <log K> ],
    K = (1 + P c^2)(1 + t R b^2) + t a^2,   t = u g^2.                    (5)

The integral over ``h`` and the average over ``r`` are then over the joint
empirical measure of ``(h_j, r_j)`` (large deviations at speed ``N``:
entropy of ``h``, relative entropy of ``r`` against ``N(0, q)``, and the
Gaussian density of ``F`` at 0).  With Lagrange multipliers ``q_hat`` for
``q`` and ``Q_hat`` for ``Q``, and ``h = g sqrt(Q) y``, ``r = sqrt(q) z``::

    Sigma(Q) = extr G,   Sigma = max(0, max_Q Sigma(Q)),
    G = q_hat q + Q_hat Q - (u + P R)/2
        + log E_{y,z ~ N(0,1)} [ exp(-q_hat phi^2 - Q_hat sigma_r^2 phi^2) K^{1/2} ],   (6)

``phi = tanh(g sqrt(Q) y)``, ``sigma_r = sigma_r(sqrt(q) z)``.
``Sigma(Q)`` is the complexity of the fixed points with ``<sigma_r^2 phi^2>
= Q``; the zero ``h = 0`` (``Q -> 0``) counts as ``Sigma = 0``.  With
``<.>`` the average under the tilted weight of (6), the stationarity
conditions are::

    q = <phi^2>,   Q = <sigma_r^2 phi^2>,   q_hat = (1 - <z^2>) / (2 q),
    <g^2 [(1 + P c^2) R b^2 + a^2] / K> = 1   (or u = 0),
    R = <c^2 (1 + t R b^2) / K>,   P = <t b^2 (1 + P c^2) / K>,           (7)

and ``Q_hat = (1 - <y^2>) / (2 Q)`` at the maximum over ``Q``.

Checks.  (5) against ``log det`` of sampled matrices and (4) against
Ginibre's law (``Sigma`` of (6) as ``Q -> 0`` is exactly 0 above
``g s_0 = 1``, the scale invariance of the linearised field, and
``(g^2 s_0^2 - 1)/(2 g^2 s_0^2) - log(g s_0) < 0`` below).  Vanilla
network: ``Sigma = 0`` for ``g <= 1``.

Onset of the vanilla network (derived here).  ``alpha_r = 0``, ``beta_r =
inf``: ``b = 0``, so ``P = 0``, ``K = 1 + t c^2`` and ``Q = q`` (one
multiplier ``theta = Q_hat``; ``q_hat = 0``).  With ``s = g^2 Q`` the
variance of ``h = sqrt(s) y``, (6) reads ``G = theta s / g^2 - t / (2 g^2)
+ log E exp X``, ``X = -theta phi^2 + (1/2) log K``.  Near ``g = 1`` put
``eps = g - 1`` and take ``s, t = O(eps)``, ``theta = O(1)``.  From
``tanh^2 h = h^2 - 2 h^4/3 + 17 h^6/45`` and ``c^2 = 1 - 2 h^2 + 7 h^4/3``::

    X = D + A h^2 + B h^4 + C h^6 + O(eps^4),
    A = -theta - t + t^2,  B = 2 theta/3 + 7 t/6,  C = -17 theta/45,
    D = t/2 - t^2/4 + t^3/6,

and the cumulants of ``h^2 = s y^2`` (``E h^2 = s``, ``Var h^2 = 2 s^2``,
third cumulant ``8 s^3``, ``Cov(h^2, h^4) = 12 s^3``) give::

    log E exp X = D + A s + A^2 s^2 + 4 A^3 s^3/3 + 3 B s^2
                  + 12 A B s^3 + 15 C s^3 + O(eps^4).

Order ``eps``: ``theta s - theta s = 0``.  Order ``eps^2``::

    G_2 = eps t - t^2/4 - t s - 2 eps theta s + 2 theta s^2 + theta^2 s^2,

stationary at ``t = 2 (eps - s)`` and ``theta s = eps - s``, where ``G_2 =
0`` for every ``s``: the gain ``(eps - s)^2`` in ``log |det DF|`` (the
spectrum of ``g J^h M`` reaches beyond 1 by ``~ eps - s``) is cancelled to
this order by the Gaussian density of ``F`` at 0 with the configuration's
own scale ``g^2 Q`` and the cost of the tilt.  At a stationary point the
shifts of ``theta, t`` enter at ``O(eps^4)``, so the order ``eps^3`` is::

    G_3 = 3 eps^2 theta s - 3 eps^2 t/2 + t^3/6 + t^2 s + 7 t s^2/2
          - 17 theta s^3/3 + 2 theta t s^2 - 8 theta^2 s^3 - 4 theta^3 s^3/3

at that point; with ``s = kappa eps`` (``m = 1 - kappa``: ``theta s = m
eps``, ``t = 2 m eps``) the terms cancel in pairs (``3m - 3m``, ``4 m^3/3 -
4 m^3/3``, ``4 m^2 kappa + 4 m^2 kappa - 8 m^2 kappa``) except ``7 m
kappa^2 - 17 m kappa^2/3``::

    Sigma(Q) = (4/3) kappa^2 (1 - kappa) eps^3 + O(eps^4),
    g^2 Q = kappa eps,  Q_hat = (1 - kappa)/kappa,  u = 2 eps (1 - kappa),
    Sigma = (16/81) eps^3 + O(eps^4)   at   kappa = 2/3.                  (8)

Scaling near ``g = 1``.  Wainrib and Touboul state that near criticality
the complexity behaves exactly as the maximal Lyapunov exponent, which for
this network is ``lambda_max = eps^2/2 + O(eps^3)``
(:mod:`hebbian.theory.dmft`).  (8) vanishes one order faster:
``Sigma / lambda_max = 32 eps / 81 -> 0``; fixed points and chaos appear
together at ``g = 1`` but do not grow alike.  The ``eps^3`` is robust:
(i) the rank-one conditioning (A1) changes ``log |det DF|`` by ``O(1)``,
not ``O(N)``; (ii) for the Ginibre part ``(1/N) log E |det|`` and ``(1/N)
E log |det|`` have the same limit (A2 costs nothing at exponential order);
(iii) the quenched complexity ``lim (1/N) E log #`` is at most the annealed
one (Jensen), so it cannot be of order ``eps^2`` either.  An order
``eps^2`` is what ``log |det|`` alone gives: at ``h -> 0`` it is Ginibre's
log-potential ``log g - (g^2 - 1)/(2 g^2) = eps^2 + O(eps^3)``, the
``(eps - s)^2`` above at ``s = 0``, i.e. the count without the Gaussian
density of ``F = 0`` tied to the configuration's scale ``q`` (the linear
field is scale invariant: the tied count is exactly 0 there).  The fixed
points that dominate the count have ``<h^2> = g^2 Q = 2 eps/3``, on a
smaller shell than the chaotic state (``Delta_0 = eps + 7 eps^2/6``,
:mod:`hebbian.theory.dmft`) and than the static mean-field fixed point
(``Delta = g^2 <tanh^2> = eps + O(eps^2)``, ``kappa = 1``, where the
profile vanishes to this order), as Stubenrauch et al. find for the
fixed points of this network (fixed points and dynamics on separate shells).

Gated network (this module's numbers).  A sharp output gate
(``alpha_r = 10``, ``beta_r = 0``; ``x = 0`` stable up to ``g = 2``, DMFT
onset of chaos ``g_chaos = 1.86``): ``max_Q Sigma(Q)`` crosses 0 at ``g =
1.59`` (-0.012 at 1.5, 0.0013 at 1.6, 0.024 at 1.8, 0.044 at 2, 0.111 at
3), at ``Q ~ 0.04`` and with ``u > 0``: at the typical fixed point counted
the spectrum of ``g J^h M`` reaches beyond the unit circle, so the reduced
Jacobian ``DF`` has eigenvalues with positive real part (unstable, at least
for a fast gate ``tau_r -> 0``, where ``DF`` is the flow's Jacobian in
``h``).  Fixed points proliferate below ``g_chaos``: the topological
complexity without the dynamical one over ``1.59 < g < 1.86``.  Eq. (7)
can have several solutions at one ``Q`` (with ``u = 0`` or ``u > 0``,
different ``q``); the largest ``Sigma`` is kept, and
:func:`complexity_curve` follows the branches down from large ``g``.

Numerics.  ``y`` on the graded nodes of
:func:`hebbian.theory.quadrature.field_quadrature` (scale ``1/(g sqrt Q)``)
for a constant gate, by 48-point Gauss-Hermite with a gate (``Sigma`` to
~1e-5 for ``g <= 3``), ``z`` on the graded nodes of
:func:`hebbian.theory.quadrature.field_quadrature` around the gate's
threshold (sharp gates); a constant gate takes two nodes in ``z`` (exact:
nothing depends on ``z``).  (7) at fixed ``Q`` by Powell's hybrid method,
continued along a geometric grid of ``Q`` from the analytic ``Q -> 0``
limit (the constant gate ``s_0``, gain ``g s_0``); the maximum over ``Q`` by
Brent's method around the best grid point.

References
----------
G. Wainrib, J. Touboul, "Topological and dynamical complexity of random
neural networks", PRL 110, 118101 (2013), arXiv:1210.5082.
K. Krishnamurthy, T. Can, D. J. Schwab, "Theory of gating in recurrent neural
networks", PRX 12, 011011 (2022), arXiv:2007.14823 (model; fixed points
proliferating apart from chaos).
U. Haagerup, F. Larsen, "Brown's spectral distribution measure for
R-diagonal elements", J. Funct. Anal. 176, 331 (2000) (Eq. (4)).
Y. V. Fyodorov, B. A. Khoruzhenko, "Nonlinear analogue of the May-Wigner
instability transition", PNAS 113, 6827 (2016) (annealed counting of
equilibria, A2).
A. Edelman, E. Kostlan, M. Shub, "How many eigenvalues of a random matrix
are real?", J. AMS 7, 247 (1994) (``E |det(x - G)|`` of real Ginibre
matrices, (ii)).
J. Stubenrauch, C. Keup, A. C. Kurth, M. Helias, A. van Meegen, "The
distribution of unstable fixed points in chaotic neural networks",
arXiv:2210.07877 (2022) (fixed points of this network on a shell apart from
the dynamics).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import optimize
from scipy.special import expit

from hebbian._checks import check_int, check_real, check_tol
from hebbian._numba_cache import use_user_cache
from hebbian.theory.quadrature import field_quadrature, gauss_hermite
from hebbian.theory.solution import STATUS, Solution

use_user_cache(Path(__file__).parent)  # before the kernel below is decorated

from numba import njit  # noqa: E402  (after the cache folder is settled)

__all__ = [
    "complexity",
    "complexity_curve",
    "complexity_profile",
    "vanilla_complexity_onset",
]

#: Unknowns of (7) at fixed ``Q``, in this order.
_NAMES = ("q", "q_hat", "Q_hat", "u", "P", "R")
#: Gauss-Hermite order in ``y`` with a gate (its ``z`` nodes multiply the cost): ``Sigma``
#: to ~1e-5 for ``g <= 3`` (checked against 96 nodes).
_ORDER_Y_GATED = 48
#: Complexity above which fixed points proliferate (below: ``x = 0`` alone).
_POSITIVE = 1e-12


def _graded(centre: float, sd: float, sharpness: float):
    """Nodes and weights of ``x ~ N(0, sd^2)`` graded around ``centre`` (far tails dropped)."""
    x, w = field_quadrature(-centre, sd, sharpness)
    keep = w > 1e-16 * w.max()  # they weigh nothing in (6)
    return x[keep] + centre, w[keep]


@dataclass(frozen=True)
class _Gate:
    """``sigma_r(u) = expit(alpha u + beta)`` and where it varies fastest."""

    alpha: float
    beta: float

    def nodes(self, q: float):
        """Nodes ``r``, ``z = r / sqrt(q)`` and weights of ``r ~ N(0, q)``."""
        if self.alpha == 0.0:
            z, w = gauss_hermite(2)
            return math.sqrt(q) * z, np.asarray(z), w
        r, w = _graded(-self.beta / self.alpha, math.sqrt(q), self.alpha)
        return r, r / math.sqrt(q), w

    def __call__(self, r):
        return expit(self.alpha * r + self.beta)


def _terms(x, g: float, Q: float, gate: _Gate):
    """Residuals of (7) (the ``u`` one free: ``2 dG/du``), ``G`` of (6) and ``<y^2>``."""
    q, q_hat, Q_hat, u, P, R = x
    if not q > 0:
        return None
    if gate.alpha == 0.0:  # phi varies on the scale 1/(g sqrt(Q)) in y: graded nodes
        y, wy = _graded(0.0, 1.0, g * math.sqrt(Q))
    else:
        y, wy = gauss_hermite(_ORDER_Y_GATED)
    r, z, wz = gate.nodes(q)
    phi = np.tanh(g * math.sqrt(Q) * y)
    ok, log_Z, m = _averages(phi, np.log(wy), y, gate(r), np.log(wz), z, gate.alpha, g,
                             q_hat, Q_hat, u, P, R)  # fmt: skip
    if not ok:
        return None
    residual = np.array(
        [q - m[0], Q - m[1], m[2] - 1.0, R - m[3], P - m[4], q_hat - (1.0 - m[5]) / (2.0 * q)]
    )
    G = q_hat * q + Q_hat * Q - 0.5 * (u + P * R) + log_Z
    return residual, G, m[6]


@njit(cache=True)
def _averages(phi, log_wy, y, s, log_wz, z, alpha, g, q_hat, Q_hat, u, P, R):
    """The averages of (7) under the weights of (6) on the product grid of ``y`` and ``r``.

    ``phi = tanh(g sqrt(Q) y)``, ``c = 1 - phi^2``, ``s = sigma_r(r)``,
    ``a = s c``, ``b = alpha s (1 - s) phi``, ``t = u g^2`` and ``K = (1 + P
    c^2)(1 + t R b^2) + t a^2``; the weight of node ``(i, j)`` is ``wy_i wz_j
    sqrt(K) exp(-q_hat phi^2 - Q_hat s^2 phi^2) / Z``.

    Returns
    -------
    ok : bool
        Whether ``K > 0`` on every node (else nothing is computed).
    log_Z : float
        ``log Z``.
    averages : ndarray of shape (7,)
        Of ``phi^2``, ``s^2 phi^2``, ``g^2 ((1 + P c^2) R b^2 + a^2) / K``,
        ``c^2 (1 + t R b^2) / K``, ``t b^2 (1 + P c^2) / K``, ``z^2`` and ``y^2``.
    """
    t = u * g * g
    log_w, K = np.empty((phi.size, s.size)), np.empty((phi.size, s.size))
    top = -np.inf
    for i in range(phi.size):
        c = 1.0 - phi[i] ** 2
        for j in range(s.size):
            a, b = s[j] * c, alpha * s[j] * (1.0 - s[j]) * phi[i]
            K[i, j] = (1.0 + P * c**2) * (1.0 + t * R * b**2) + t * a**2
            if not K[i, j] > 0.0:
                return False, math.nan, np.full(7, math.nan)
            log_w[i, j] = (
                -q_hat * phi[i] ** 2 - Q_hat * s[j] ** 2 * phi[i] ** 2 + 0.5 * math.log(K[i, j])
            ) + (log_wy[i] + log_wz[j])
            top = max(top, log_w[i, j])
    sums, total = np.zeros(7), 0.0
    for i in range(phi.size):
        c = 1.0 - phi[i] ** 2
        for j in range(s.size):
            a, b = s[j] * c, alpha * s[j] * (1.0 - s[j]) * phi[i]
            w = math.exp(log_w[i, j] - top)
            w_K = w / K[i, j]
            total += w
            sums[0] += w * phi[i] ** 2
            sums[1] += w * s[j] ** 2 * phi[i] ** 2
            sums[2] += w_K * g * g * ((1.0 + P * c**2) * R * b**2 + a**2)
            sums[3] += w_K * c**2 * (1.0 + t * R * b**2)
            sums[4] += w_K * t * b**2 * (1.0 + P * c**2)
            sums[5] += w * z[j] ** 2
            sums[6] += w * y[i] ** 2
    return True, top + math.log(total), sums / total


def _residual(x, g, Q, gate, free_u: bool):
    out = _terms(x, g, Q, gate)
    if out is None:
        return np.full(6, 1e6)
    res = out[0]
    if not free_u:
        res[2] = x[3]
    return res


def _start(g: float, Q: float, gate: _Gate) -> np.ndarray:
    """The ``Q -> 0`` limit of (7): the constant gate ``s_0``, linear ``phi``, gain ``g s_0``."""
    s0 = float(gate(0.0))
    ge2 = (g * s0) ** 2
    return np.array(
        [
            Q / s0**2,
            0.0,
            (ge2 - 1.0) / (2.0 * ge2 * Q),
            max(0.0, 1.0 - 1.0 / ge2),
            0.0,
            1.0 / max(1.0, ge2),
        ]
    )


def _solve_fixed_Q(g, Q, gate, x0, tol):
    """(7) at fixed ``Q``: ``u`` free where ``u > 0``, else ``u = 0``; ``(x, out, status, n)``."""
    tries = (True, False) if x0[3] > _POSITIVE else (False, True)
    n_eval, best = 0, None
    for free_u in tries:
        guess = x0.copy()
        if not free_u:
            guess[3] = 0.0
        elif guess[3] <= 0:
            guess[3] = 1e-3
        sol = optimize.root(
            _residual, guess, args=(g, Q, gate, free_u), method="hybr", options={"xtol": 1e-13}
        )
        n_eval += int(sol.nfev)
        if not free_u:
            sol.x[3] = 0.0
        out = _terms(sol.x, g, Q, gate)
        if out is None:
            continue
        res = np.abs(_residual(sol.x, g, Q, gate, free_u)).max()
        # u = 0 is the maximum over u >= 0 only where dG/du (the free u-residual / 2) <= 0
        admissible = sol.x[3] >= 0 if free_u else out[0][2] <= tol
        if res <= tol and admissible:
            return sol.x, out, 0, n_eval
        if best is None or res < best[2]:
            best = (sol.x, out, res)
    if best is None:
        return x0, None, 3, n_eval
    return best[0], best[1], 2, n_eval


def _check_gate(alpha_r, beta_r) -> _Gate:
    alpha_r = check_real(alpha_r, "alpha_r", low=0.0, high=np.inf, high_open=True)
    beta_r = check_real(beta_r, "beta_r")
    if alpha_r > 0 and math.isinf(beta_r):
        raise ValueError(f"beta_r={beta_r}; an infinite bias needs alpha_r = 0 (a constant gate)")
    return _Gate(alpha_r, beta_r)


def _solution(g, Q, gate, x, out, status, n_eval, tol) -> Solution:
    params = {"g": g, "alpha_r": gate.alpha, "beta_r": gate.beta, "Q": Q}
    if out is None:
        order = dict.fromkeys(("Sigma", "Q", *_NAMES), math.nan)
        return Solution(
            "kac-rice",
            params,
            order,
            math.nan,
            math.nan,
            False,
            3,
            STATUS[3],
            n_eval,
            math.inf,
            "unknown",
        )
    residual = float(np.abs(out[0][[0, 1, 3, 4, 5]]).max())
    if x[3] > 0:
        residual = max(residual, abs(float(out[0][2])))
    order = {"Sigma": float(out[1]), "Q": Q, **dict(zip(_NAMES, map(float, x), strict=True))}
    order["y2"] = float(out[2])
    success = status == 0 and residual <= tol
    branch = "proliferation" if out[1] > _POSITIVE else "isolated"
    return Solution(
        "kac-rice",
        params,
        order,
        math.nan,
        math.nan,
        success,
        status,
        STATUS[status],
        n_eval,
        residual,
        branch,
    )


def complexity_profile(
    g: float,
    Q: float,
    *,
    alpha_r: float = 0.0,
    beta_r: float = math.inf,
    start: Solution | None = None,
    tol: float = 1e-9,
) -> Solution:
    """Complexity ``Sigma(Q)`` of the fixed points with ``<sigma_r^2 phi^2> = Q``, Eqs. (6)-(7).

    Parameters
    ----------
    g : float
        Gain of ``J^h``, ``> 0``.
    Q : float
        Order parameter ``(1/N) sum sigma_r(r_j)^2 phi(h_j)^2``, in
        ``(0, 1)``.
    alpha_r, beta_r : float
        Output gate ``sigma_r(u) = 1/(1 + exp(-alpha_r u - beta_r))``;
        ``alpha_r = 0``, ``beta_r = inf`` (default) is the vanilla network.
    start : Solution, optional
        A converged profile point nearby (continuation); default the
        analytic ``Q -> 0`` limit.
    tol : float
        Largest residual of (7).

    Returns
    -------
    Solution
        ``order_parameters``: ``Sigma`` (``G`` of Eq. (6) at its stationary
        point, may be negative), ``Q`` and the unknowns ``q, q_hat, Q_hat,
        u, P, R`` of Eq. (7), and ``y2 = <y^2>`` (``Q_hat = (1 - y2)/(2 Q)``
        at the maximum over ``Q``); ``free_energy`` and ``energy`` are NaN;
        ``branch`` ``"proliferation"`` where ``Sigma > 0``.

    Raises
    ------
    ValueError
        For ``g <= 0``, ``Q`` outside ``(0, 1)``, a negative or infinite
        ``alpha_r``, or an infinite ``beta_r`` with ``alpha_r > 0``.

    References
    ----------
    Wainrib, Touboul, PRL 110, 118101 (2013) (the route, vanilla network);
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022) (the gated model);
    Eqs. (1)-(7) of the module docstring, derived there.

    Examples
    --------
    >>> s = complexity_profile(1.01, 0.02 / 3)  # the maximum of Eq. (8), q = 2 eps / 3
    >>> s.success, round(s["Sigma"] / 0.01**3, 2)  # 16/81 = 0.198 as eps -> 0
    (True, 0.19)
    """
    g = check_real(g, "g", low=0.0, low_open=True, high=np.inf, high_open=True)
    Q = check_real(Q, "Q", low=0.0, high=1.0, low_open=True, high_open=True)
    gate = _check_gate(alpha_r, beta_r)
    tol = check_tol(tol)
    x0 = _start(g, Q, gate) if start is None else _unknowns(start)
    x, out, status, n_eval = _solve_fixed_Q(g, Q, gate, x0, tol)
    return _solution(g, Q, gate, x, out, status, n_eval, tol)


def _unknowns(solution: Solution) -> np.ndarray:
    return np.array([solution[k] for k in _NAMES], dtype=float)


def _scan(g, gate, Qs, tol, previous=None):
    """Profile points along ``Qs``: from the last point and from ``previous`` (same ``Q``).

    Eq. (7) at fixed ``Q`` can have several solutions (branches with and
    without ``u = 0``, different ``q``); the larger ``Sigma`` is kept.  Where
    neither start converges, the ``Q -> 0`` limit is tried; ``None`` where
    nothing converged.
    """
    points, start = [], None
    for i, Q in enumerate(Qs):
        starts = [start] if previous is None or previous[i] is None else [start, previous[i]]
        found = [
            complexity_profile(g, Q, alpha_r=gate.alpha, beta_r=gate.beta, start=s, tol=tol)
            for s in starts
        ]
        found = [s for s in found if s.success]
        if not found and start is not None:  # lost the branch: from the Q -> 0 limit again
            again = complexity_profile(g, Q, alpha_r=gate.alpha, beta_r=gate.beta, tol=tol)
            found = [again] if again.success else []
        best = max(found, key=lambda s: s["Sigma"]) if found else None
        points.append(best)
        start = best or start
    return points


def _best(g, gate, points, tol) -> Solution:
    """The maximum of the profile, refined by Brent's method between its neighbours."""
    params = {"g": g, "alpha_r": gate.alpha, "beta_r": gate.beta}
    ok = [p for p in points if p is not None]
    if not ok:
        order = {"Sigma": math.nan, "Sigma_max": math.nan}
        return Solution(
            "kac-rice",
            params,
            order,
            math.nan,
            math.nan,
            False,
            2,
            "no point of the profile converged",
            0,
            math.inf,
            "unknown",
        )
    k = int(np.argmax([p["Sigma"] for p in ok]))
    best = ok[k]
    if 0 < k < len(ok) - 1:
        found = {}

        def minus(log_Q):
            s = complexity_profile(
                g, math.exp(log_Q), alpha_r=gate.alpha, beta_r=gate.beta, start=best, tol=tol
            )
            found[log_Q] = s
            return -s["Sigma"] if s.success else math.inf

        ref = optimize.minimize_scalar(
            minus,
            bounds=(math.log(ok[k - 1]["Q"]), math.log(ok[k + 1]["Q"])),
            method="bounded",
            options={"xatol": 1e-4},
        )
        cand = found.get(ref.x)
        if cand is not None and cand.success and cand["Sigma"] >= best["Sigma"]:
            best = cand
    sigma_max = best["Sigma"]
    order = {**best.order_parameters, "Sigma": max(0.0, sigma_max), "Sigma_max": sigma_max}
    branch = "proliferation" if sigma_max > _POSITIVE else "isolated"
    return Solution(
        "kac-rice",
        params,
        order,
        math.nan,
        math.nan,
        best.success,
        best.status,
        best.message,
        best.n_iter,
        best.residual,
        branch,
    )


def _grid(gate, Q_min, Q_max, n_Q):
    Q_min = check_real(Q_min, "Q_min", low=0.0, high=0.1, low_open=True, high_open=True)
    s_max = float(gate(np.inf)) if gate.alpha > 0 else float(gate(0.0))
    high = 0.95 * s_max**2 if Q_max is None else Q_max
    high = check_real(high, "Q_max", low=Q_min, high=s_max**2, low_open=True, high_open=True)
    n_Q = check_int(n_Q, "n_Q", minimum=4)
    return np.geomspace(Q_min, high, n_Q)


def complexity(
    g: float,
    *,
    alpha_r: float = 0.0,
    beta_r: float = math.inf,
    Q_min: float = 1e-4,
    Q_max: float | None = None,
    n_Q: int = 32,
    tol: float = 1e-9,
) -> Solution:
    """Annealed complexity ``Sigma = lim (1/N) log E[# fixed points]``, Eq. (6).

    ``Sigma(Q)`` (:func:`complexity_profile`) on a geometric grid of ``n_Q``
    values from ``Q_min`` up to ``0.95 max sigma_r^2`` (continued from the
    ``Q -> 0`` limit, stopping where (7) has no solution), then Brent's
    method around the best point.  ``Sigma = max(0, max_Q Sigma(Q))``: where
    the maximum is negative only ``h = 0`` is left at exponential order.

    Parameters
    ----------
    g : float
        Gain of ``J^h``, ``> 0``.
    alpha_r, beta_r : float
        Output gate (vanilla network: ``alpha_r = 0``, ``beta_r = inf``).
    Q_min, Q_max : float
        Ends of the grid: ``Q_min`` in ``(0, 0.1)``, ``Q_max`` in
        ``(Q_min, max sigma_r^2)`` (default ``0.95 max sigma_r^2``).
    n_Q : int
        Grid points, ``>= 4``.
    tol : float
        Largest residual of (7).

    Returns
    -------
    Solution
        At the maximising ``Q``: ``order_parameters`` ``Sigma`` (clipped at
        0), ``Sigma_max`` (the maximum of the profile, may be negative),
        ``Q`` and the unknowns of (7); ``branch`` ``"proliferation"`` where
        ``Sigma > 0``, else ``"isolated"``; ``success`` false (status 2)
        where no grid point converged or the refined maximum did not.

    Raises
    ------
    ValueError
        As :func:`complexity_profile`, or for ``Q_min``, ``n_Q`` out of range.

    References
    ----------
    Wainrib, Touboul, PRL 110, 118101 (2013); Krishnamurthy, Can, Schwab,
    PRX 12, 011011 (2022); Eqs. (6)-(8) of the module docstring.

    Examples
    --------
    >>> complexity(0.8)["Sigma"], complexity(2.0).branch
    (0.0, 'proliferation')
    """
    g = check_real(g, "g", low=0.0, low_open=True, high=np.inf, high_open=True)
    gate = _check_gate(alpha_r, beta_r)
    tol = check_tol(tol)
    return _best(g, gate, _scan(g, gate, _grid(gate, Q_min, Q_max, n_Q), tol), tol)


def complexity_curve(
    gains,
    *,
    alpha_r: float = 0.0,
    beta_r: float = math.inf,
    Q_min: float = 1e-4,
    Q_max: float | None = None,
    n_Q: int = 32,
    tol: float = 1e-9,
) -> list[Solution]:
    """:func:`complexity` at each gain, continued from the largest gain down.

    At every ``Q`` of the grid the profile is solved from its neighbour in
    ``Q`` and from the same ``Q`` at the previous (larger) gain, keeping the
    larger ``Sigma``: the branch with ``u > 0`` that carries the
    proliferation of a sharp gate is followed below the gain where a
    continuation in ``Q`` alone finds it.

    Parameters
    ----------
    gains : array_like
        Gains, ``> 0`` (any order; solved in descending order).
    alpha_r, beta_r, Q_min, Q_max, n_Q, tol
        As :func:`complexity`.

    Returns
    -------
    list of Solution
        One per gain, in the order given.

    Raises
    ------
    ValueError
        As :func:`complexity`, or for an empty or non-positive ``gains``.

    References
    ----------
    Eqs. (6)-(7) of the module docstring.

    Examples
    --------
    >>> [round(s["Sigma"], 4) for s in complexity_curve([0.9, 2.0])]
    [0.0, 0.0248]
    """
    gains = np.asarray(gains, dtype=float).ravel()
    if gains.size == 0 or not np.all(np.isfinite(gains)) or np.any(gains <= 0):
        raise ValueError(f"gains={gains!r}; pass finite gains > 0")
    gate = _check_gate(alpha_r, beta_r)
    tol = check_tol(tol)
    Qs = _grid(gate, Q_min, Q_max, n_Q)
    out, previous = {}, None
    for i in np.argsort(-gains, kind="stable"):
        points = _scan(float(gains[i]), gate, Qs, tol, previous)
        out[i] = _best(float(gains[i]), gate, points, tol)
        previous = points
    return [out[i] for i in range(gains.size)]


def vanilla_complexity_onset(g):
    """Leading order of the vanilla network's complexity near ``g = 1``, Eq. (8).

    Parameters
    ----------
    g : float or array_like
        Gain, ``>= 0``.

    Returns
    -------
    float or ndarray
        ``(16/81) (g - 1)^3`` for ``g > 1``, 0 for ``g <= 1``.

    Raises
    ------
    ValueError
        For a negative or non-finite ``g``.

    References
    ----------
    Eq. (8) of the module docstring (derived there); Wainrib, Touboul, PRL
    110, 118101 (2013) (the onset at ``g = 1``).

    Examples
    --------
    >>> round(float(vanilla_complexity_onset(1.3)), 6)
    0.005333
    """
    arr = np.asarray(g, dtype=float)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"g={g!r}; pass finite gains >= 0")
    out = 16.0 / 81.0 * np.clip(arr - 1.0, 0.0, None) ** 3
    return float(out) if out.ndim == 0 else out
