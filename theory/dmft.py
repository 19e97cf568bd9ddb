"""Dynamical mean-field theory (DMFT) of random rate networks.

Vanilla network (:class:`hebbian.rnn.VanillaRNN`),
``dh_i/dt = -h_i + g sum_j J_ij phi(h_j)`` with ``phi = tanh`` and
``J_ij ~ N(0, 1/N)``.  As ``N -> inf`` every ``h_i`` is a stationary Gaussian
process of mean 0 whose autocorrelation ``Delta(tau) = <h(t) h(t + tau)>``
solves (Sompolinsky, Crisanti, Sommers 1988)

    Delta'' = Delta - g^2 C(Delta; Delta0),   C = <phi(x) phi(y)>,        (1)

with ``x, y`` centred Gaussians of variance ``Delta0 = Delta(0)`` and
covariance ``Delta``: Newton's equation of a particle in the potential
``V(Delta) = -Delta^2/2 + g^2 <Phi(x) Phi(y)>``, ``Phi = log cosh``.  The
chaotic solution leaves ``Delta0`` at rest and reaches ``Delta = 0`` (no
memory; ``<h> = 0`` as ``phi`` is odd) in infinite time, so energy
conservation ``V(Delta0) = V(0)`` fixes ``Delta0``:

    Delta0^2 / 2 = g^2 Var[log cosh x],   x ~ N(0, Delta0).              (2)

A root ``Delta0 > 0`` exists for ``g > 1`` only; for ``g <= 1``, ``Delta = 0``
(the fixed point ``h = 0``).  The form solved here uses
``C_1 = <phi'(x) phi'(y)> = dC/dDelta`` (Price's theorem) and ``C(0) = 0``:
(1) integrated once, with (2), is

    (Delta')^2 = 2 Delta^2 w(Delta),   w(D) = 1/2 - g^2 int_0^1 (1 - v) C_1(v D) dv,   (3)

(2) is ``w(Delta0) = 0``, and ``Delta ~ exp(-kappa tau)`` at large ``tau``
with ``kappa^2 = 2 w(0) = 1 - g^2 <phi'(x)>^2``.

Maximal Lyapunov exponent.  A perturbation obeys
``d(dh_i)/dt = -dh_i + g sum_j J_ij phi'(h_j) dh_j``; in the same mean-field
limit its correlation ``G(t, s) = <dh(t) dh(s)>`` obeys
``(d_t + 1)(d_s + 1) G = g^2 C_1(Delta(t - s)) G``.  With ``T = t + s``,
``tau = t - s`` and ``G = exp(lambda T) psi(tau)`` this is the Schroedinger
equation

    -psi'' - g^2 C_1(Delta(tau)) psi = E psi,   E = -(1 + lambda)^2,      (4)

and ``|dh(t)|^2 = G(t, t) ~ exp(2 lambda t)``: the ground state ``E_0`` gives

    lambda_max = sqrt(-E_0) - 1.                                          (5)

Differentiating (1) shows that ``psi = Delta'`` solves (4) with ``E = -1``
(``lambda = 0``, the perturbation along the flow): it is odd with one node,
so the even ground state lies lower and ``lambda_max > 0`` for ``g > 1``.
For ``g <= 1``, ``U = -g^2`` is flat, ``E_0 = -g^2`` is the bottom of the
continuum and ``lambda_max = g - 1``, the decay of the slowest mode of
``-1 + g J`` at ``h = 0``.  Near ``g = 1+``, with ``eps = g - 1``, expanding
``tanh`` to fifth order gives ``Delta0 = eps + 7 eps^2/6 + O(eps^3)`` and
``Delta(tau) ~ eps sech(b tau)``, ``b = eps / sqrt 3 = kappa``; (4) becomes
the Poeschl-Teller well ``-6 b^2 sech^2(b tau)`` above the continuum edge
``-1 + b^2``, with levels ``-4 b^2`` (even) and ``-b^2`` (odd, ``E = -1``)
below the edge: ``E_0 = -1 - eps^2`` and ``lambda_max = eps^2/2 + O(eps^3)``
(derived here; the tests check it).

Numerics: (2) by Brent's method on one-dimensional Gaussian averages
(:func:`hebbian.theory.quadrature.field_quadrature`); ``C_1(s)`` on ``[0, Delta0]``
by a Chebyshev interpolant of nested field quadratures (degree doubled from
48 until converged); (3) in ``y = log Delta`` with ``solve_ivp`` (DOP853)
from a Taylor start at ``tau0``; (4) by second-order finite differences on
``[0, 20/kappa]`` (even states: Neumann at 0) and Richardson extrapolation.  ``residual`` is
the larger of ``|2 w(Delta0)|`` (consistency of (2) with the two-dimensional
averages) and ``|E_1 + 1|`` for the lowest odd state, which (1) predicts
to be exactly ``-1``.

References
----------
H. Sompolinsky, A. Crisanti, H.-J. Sommers, "Chaos in random neural
networks", PRL 61, 259 (1988): Eqs. (1), (2), (4), (5) here are their
results in this normalization (their ``tanh(g x)`` with unit coupling
variance is this network after ``h -> g h``); A. Crisanti,
H. Sompolinsky, "Path integral approach to random neural networks", PRE 98,
062120 (2018).  Their equation numbers are not cited: every equation above
is derived in this docstring, and the onset asymptotics are checked
numerically in the tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from numpy.polynomial import Chebyshev
from scipy import optimize
from scipy.integrate import solve_ivp
from scipy.linalg import eigh_tridiagonal
from scipy.special import roots_legendre

from hebbian._checks import check_int, check_real, check_tol
from hebbian.theory.quadrature import field_quadrature, log2cosh
from hebbian.theory.solution import SolverError

__all__ = ["RateDMFT", "correlation_derivative", "solve_vanilla"]

#: ``Delta0`` is bracketed from ``_LOW * (g^2 - 1) / (2 g^2)`` (the small-``eps`` root) upwards.
_LOW = 1e-3
#: ``Delta(tau0) = Delta0 (1 - _START)``: where the Taylor start hands over to the ODE.
_START = 1e-6
#: First and largest degree of the Chebyshev interpolant of ``C_1`` (``C_1`` steepens
#: near ``s = Delta0`` as ``Delta0`` grows: degree 96 at ``g = 5``, 384 at ``g = 20``).
_DEGREE, _MAX_DEGREE = 48, 1536
#: Length of the Schroedinger box in units of ``1/kappa``.
_BOX = 20.0


@dataclass(frozen=True)
class RateDMFT:
    """DMFT solution of the vanilla rate network at gain ``g``.

    Attributes
    ----------
    g : float
        Gain.
    Delta0 : float
        Variance ``<h^2>`` of the fields (0 on the fixed-point branch).
    tau : ndarray
        Time lags.
    Delta : ndarray
        Autocorrelation ``<h(t) h(t + tau)>`` at ``tau``.
    decay_rate : float
        ``kappa``: ``Delta ~ exp(-kappa tau)`` at large ``tau``
        (``nan`` on the fixed-point branch).
    lambda_max : float
        Maximal Lyapunov exponent, Eq. (5).
    branch : str
        ``"chaos"`` (``g > 1``) or ``"fixed point"``.
    success : bool
        True only when every step converged and ``residual <= tol``.
    message : str
    residual : float
        See the module docstring.
    """

    g: float
    Delta0: float
    tau: np.ndarray = field(repr=False)
    Delta: np.ndarray = field(repr=False)
    decay_rate: float
    lambda_max: float
    branch: str
    success: bool
    message: str
    residual: float

    def check(self) -> RateDMFT:
        """Return ``self`` if converged, else raise :class:`~.solution.SolverError`."""
        if not self.success:
            raise SolverError(self)
        return self

    def __str__(self) -> str:
        head = (
            f"vanilla DMFT(g={self.g:g}) {self.branch}: Delta0={self.Delta0:.8g}, "
            f"lambda_max={self.lambda_max:.8g}"
        )
        if self.success:
            return head
        return f"{head} [NOT CONVERGED: {self.message}, residual={self.residual:.2e}]"


def _dphi(h):
    """``phi'(h) = sech^2 h = 4 e^(-2|h|) / (1 + e^(-2|h|))^2``, without overflow."""
    e = np.exp(-2.0 * np.abs(h))
    return 4.0 * e / (1.0 + e) ** 2


def correlation_derivative(s, Delta0: float):
    """``C_1(s) = <phi'(x) phi'(y)>`` for ``phi = tanh``, variances ``Delta0``, covariance ``s``.

    Written as ``E_z [E_u phi'(sqrt(Delta0 - s) u + sqrt(s) z)]^2`` and
    averaged by nested :func:`hebbian.theory.quadrature.field_quadrature` (error
    below 1e-12).  ``C_1 = dC/ds`` with ``C = <phi(x) phi(y)>`` (Price's
    theorem), the kernel of Eqs. (3) and (4) of the module docstring.

    Parameters
    ----------
    s : float or array_like
        Covariances in ``[0, Delta0]``.
    Delta0 : float
        Variance, >= 0 and finite.

    Returns
    -------
    float or ndarray
        ``C_1(s)``, of the shape of ``s`` (a float for scalar ``s``).

    Raises
    ------
    TypeError
        If ``Delta0`` is not a real number.
    ValueError
        If ``Delta0`` is negative, infinite or NaN, or an entry of ``s`` lies
        outside ``[0, Delta0]``.

    References
    ----------
    Sompolinsky, Crisanti, Sommers, PRL 61, 259 (1988) (module docstring).

    Examples
    --------
    >>> round(float(correlation_derivative(0.0, 0.0)), 12)  # phi'(0)^2
    1.0
    """
    Delta0 = check_real(Delta0, "Delta0", low=0.0, high=np.inf, high_open=True)
    s = np.asarray(s, dtype=np.float64)
    if not np.all((s >= 0) & (s <= Delta0)):
        raise ValueError(
            f"s has entries outside [0, Delta0={Delta0:g}]; pass covariances in that range"
        )
    out = np.empty(s.shape)
    for i, si in np.ndenumerate(s):
        common, w_out = field_quadrature(0.0, math.sqrt(si), 1.0)
        h, w_in = field_quadrature(common, math.sqrt(Delta0 - si), 1.0)
        out[i] = w_out @ ((w_in * _dphi(h)).sum(-1) ** 2)
    return out[()] if out.ndim == 0 else out


def _variance_ratio(Delta0: float) -> float:
    """``Var[log cosh x] / Delta0^2``, ``x ~ N(0, Delta0)``: Eq. (2) is ``g^2 * this = 1/2``."""
    h, w = field_quadrature(0.0, math.sqrt(Delta0), 1.0)
    log_cosh = log2cosh(h) - math.log(2.0)
    mean = w @ log_cosh
    return float(w @ (log_cosh - mean) ** 2) / Delta0**2


def _solve_Delta0(g: float) -> float:
    """The root ``Delta0 > 0`` of Eq. (2) for ``g > 1``."""

    def excess(D):
        return 0.5 - g * g * _variance_ratio(D)

    lo = _LOW * (g * g - 1.0) / (2.0 * g * g)
    hi = 1.0
    while excess(hi) < 0:
        hi *= 2.0
    return optimize.brentq(excess, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps)


def _chebyshev(f, domain) -> Chebyshev:
    """Chebyshev interpolant of ``f``, its degree doubled until the tail is below 1e-11."""
    degree = _DEGREE
    while True:
        series = Chebyshev.interpolate(f, degree, domain=domain)
        coef = np.abs(series.coef)
        if coef[-4:].max() <= 1e-11 * coef.max() or degree >= _MAX_DEGREE:
            return series
        degree *= 2


class _Kernel:
    """``C_1`` on ``[0, Delta0]`` as a Chebyshev series, and ``w`` of Eq. (3) from it."""

    def __init__(self, g: float, Delta0: float):
        self.g = g
        self.c1 = _chebyshev(lambda s: correlation_derivative(s, Delta0), [0.0, Delta0])
        # Gauss-Legendre on v in [0, 1], exact for (1 - v) C_1(v D), a polynomial
        v, wv = roots_legendre(self.c1.degree() // 2 + 2)
        self.v, self.wv = 0.5 * (v + 1.0), 0.5 * wv

    def w(self, D):
        D = np.asarray(D, dtype=np.float64)
        c1 = self.c1(D[..., None] * self.v)
        return 0.5 - self.g**2 * (c1 * (1.0 - self.v)) @ self.wv

    def C(self, D):
        """``C(D) = D int_0^1 C_1(v D) dv`` (``C(0) = 0``)."""
        return D * (self.c1(D * self.v) @ self.wv)


def _autocorrelation(kernel: _Kernel, Delta0: float, tau_end: float):
    """Integrate Eq. (3) in ``y = log Delta``; return ``Delta(tau)`` as a callable and status."""
    curvature = kernel.g**2 * kernel.C(Delta0) - Delta0  # -Delta''(0) > 0
    tau0 = math.sqrt(2.0 * _START * Delta0 / curvature)

    def rhs(_, y):
        return -np.sqrt(2.0 * np.maximum(kernel.w(np.exp(y)), 0.0))

    y0 = math.log(Delta0 - 0.5 * curvature * tau0**2)
    sol = solve_ivp(
        rhs, (tau0, max(tau_end, 2 * tau0)), [y0], method="DOP853", rtol=1e-11, atol=1e-12,
        dense_output=True,
    )  # fmt: skip

    def Delta(tau):
        tau = np.abs(np.asarray(tau, dtype=np.float64))
        taylor = Delta0 - 0.5 * curvature * tau**2
        late = np.exp(sol.sol(np.clip(tau, tau0, sol.t[-1]))[0])
        return np.where(tau < tau0, taylor, late)

    return Delta, sol.success, sol.message


def _lowest(potential, h: float, even: bool) -> float:
    """Lowest eigenvalue of ``-d^2/dtau^2 + U`` on a cell-centred grid (Dirichlet at the end)."""
    n = potential.size
    diag = 2.0 / h**2 + potential
    diag[0] += (-1.0 if even else 1.0) / h**2  # ghost cell: psi(-h/2) = +-psi(h/2)
    off = np.full(n - 1, -1.0 / h**2)
    return float(eigh_tridiagonal(diag, off, select="i", select_range=(0, 0))[0][0])


def _bound_states(kernel: _Kernel, Delta, kappa: float, n_grid: int) -> tuple[float, float]:
    """Lowest even (``e_0``) and odd (``e_1``) levels of Eq. (4), measured from ``U(inf)``."""
    length = _BOX / kappa
    c1_inf = float(kernel.c1(0.0))
    levels = []
    for n in (n_grid, 2 * n_grid):
        h = length / n
        tau = (np.arange(n) + 0.5) * h
        U = -(kernel.g**2) * (kernel.c1(Delta(tau)) - c1_inf)
        levels.append([_lowest(U, h, even) for even in (True, False)])
    coarse, fine = np.array(levels)
    e0, e1 = (4.0 * fine - coarse) / 3.0  # Richardson: the O(h^2) error cancels
    return e0, e1


def solve_vanilla(g: float, *, tau=None, n_grid: int = 4000, tol: float = 1e-7) -> RateDMFT:
    """Autocorrelation and maximal Lyapunov exponent of the vanilla network at gain ``g``.

    Parameters
    ----------
    g : float
        Gain, >= 0 (the coupling variance is ``g^2 / N``).
    tau : array_like, optional
        Lags at which to return ``Delta`` (``Delta`` is even in ``tau``);
        default 501 points on ``[0, 10 / kappa]`` (``[0, 10]`` for ``g <= 1``).
    n_grid : int
        Grid points of the coarser Schroedinger grid (the finer has twice).
    tol : float
        Largest accepted ``residual``.

    Returns
    -------
    RateDMFT
        ``success=False`` (with a message) when a step fails; never raises
        for valid arguments.

    Raises
    ------
    ValueError
        For ``g < 0`` or not finite, a bad ``tau``, ``n_grid < 100`` or
        ``tol`` outside ``(0, 1e-2]``.

    References
    ----------
    Sompolinsky, Crisanti, Sommers, PRL 61, 259 (1988); Eqs. (1)-(5) of the
    module docstring.

    Examples
    --------
    >>> s = solve_vanilla(0.5)
    >>> s.branch, s.Delta0, s.lambda_max
    ('fixed point', 0.0, -0.5)
    """
    g = check_real(g, "g", low=0.0, high=np.inf, high_open=True)
    n_grid = check_int(n_grid, "n_grid", minimum=100)
    tol = check_tol(tol)
    if tau is not None:
        tau = np.asarray(tau, dtype=np.float64)
        if tau.ndim != 1 or tau.size == 0 or not np.all(np.isfinite(tau)):
            raise ValueError(
                f"tau has shape {tau.shape}; pass a non-empty 1-D array of finite lags"
            )
    if g <= 1.0:
        tau = np.linspace(0.0, 10.0, 501) if tau is None else tau
        return RateDMFT(
            g, 0.0, tau, np.zeros_like(tau), math.nan, g - 1.0, "fixed point", True,
            "converged", 0.0,
        )  # fmt: skip
    Delta0 = _solve_Delta0(g)
    kernel = _Kernel(g, Delta0)
    kappa = math.sqrt(2.0 * float(kernel.w(0.0)))
    tau = np.linspace(0.0, 10.0 / kappa, 501) if tau is None else tau
    Delta, ok, message = _autocorrelation(kernel, Delta0, max(_BOX / kappa, np.abs(tau).max()))
    e0, e1 = _bound_states(kernel, Delta, kappa, n_grid)
    # E = e - g^2 C_1(0) = e - (1 - kappa^2); lambda = sqrt(-E) - 1, without cancellation
    gap = -e0 - kappa**2
    lambda_max = gap / (math.sqrt(1.0 + gap) + 1.0)
    residual = max(abs(2.0 * float(kernel.w(Delta0))), abs(e1 + kappa**2))
    success = ok and residual <= tol
    if not ok:
        message = f"solve_ivp failed on Eq. (3): {message}"
    elif not success:
        message = f"residual {residual:.2e} > tol={tol:g}; raise n_grid"
    else:
        message = "converged"
    return RateDMFT(
        g, Delta0, tau, Delta(tau), kappa, lambda_max, "chaos", success, message, residual
    )
