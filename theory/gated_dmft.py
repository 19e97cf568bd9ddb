"""Dynamical mean-field theory of the gated rate network with an output gate.

Network (:class:`hebbian.rnn.GatedRNN`, this package's convention: the gain
multiplies ``J^h``)::

    dh/dt       = sigma_z(z) * ( -h + g J^h (sigma_r(r) * phi(h)) )
    tau_z dz/dt = -z + J^z phi(h)
    tau_r dr/dt = -r + J^r phi(h)

with ``phi = tanh`` (``beta_h = 0``), ``sigma_x(u) = 1/(1 + exp(-alpha_x u -
beta_x))`` and ``J^h, J^z, J^r ~ N(0, 1/N)`` iid.  Solved in closed
form (up to quadrature): a constant update gate (``alpha_z = 0``, so
``sigma_z = c = sigma(beta_z)``) and any output gate ``alpha_r, beta_r,
tau_r``; a fluctuating update gate (``alpha_z > 0``) by sampling the
effective single-neuron process (:func:`solve_gated_sampled`).

Mean-field equations (derived here).  As ``N -> inf`` the three local fields
``g J^h (sigma_r phi)``, ``J^z phi``, ``J^r phi`` of a neuron are independent
centred Gaussian processes (independent coupling matrices, ``<phi> = 0``), so
``h`` and ``r`` are independent stationary Gaussian processes with
autocorrelations ``Delta(tau) = <h(t) h(t + tau)>`` and ``C_r(tau)``::

    (1 - d^2/dtau^2 / c^2) Delta = g^2 C_sigma(tau) C_phi(tau),           (1)
    (1 - tau_r^2 d^2/dtau^2) C_r = C_phi(tau),                            (2)

``C_phi = <phi(x) phi(y)>`` with ``x, y`` of variance ``Delta(0)`` and
covariance ``Delta(tau)``, ``C_sigma = <sigma_r(u) sigma_r(v)>`` with ``u, v``
of variance ``C_r(0)`` and covariance ``C_r(tau)``.  With ``sigma_r = 1``
and ``c = 1`` this is Sompolinsky-Crisanti-Sommers (:mod:`hebbian.theory.dmft`);
``c`` alone rescales time.  The fixed point ``x = 0`` (``Delta = 0``) has
Jacobian ``c (-1 + g s_0 J^h)`` on ``h`` (``s_0 = sigma(beta_r)``, gate
leaks ``-1/tau_z``, ``-1/tau_r``): it loses stability at ``g s_0 = 1``.

Largest Lyapunov exponent.  Two replicas with the same couplings: linearising
(1)-(2) in ``d_h = Delta - Delta^12``, ``d_r = C_r - C_r^12`` (Price's
theorem) and putting ``d = exp(lambda (t + s)) psi(t - s)`` gives::

    [(c + lambda)^2 - d^2] psi_h = c^2 g^2 (A psi_h + B psi_r),
    [(1 + tau_r lambda)^2 - tau_r^2 d^2] psi_r = D psi_h,                 (3)

``A = C_sigma C_phi'``, ``B = C_sigma' C_phi``, ``D = C_phi'`` (primes: the
pair averages of the derivatives).  ``lambda_max`` is the ``lambda`` at
which the Perron eigenvalue of the positive operator
``psi_h -> c^2 g^2 L_h^-1 (A psi_h + B L_r^-1 D psi_h)`` equals 1; for the
vanilla limit (3) is Eq. (4) of :mod:`hebbian.theory.dmft`.

Onset of chaos.  For small ``Delta0`` the chaotic solution is slow (its
decay rate is ``O(Delta0)``), ``C_r -> C_phi``, and expanding (1) to
second order gives the Newtonian form whose energy conservation reads::

    g^2 s_0^2 - 1 = Delta0 [2 - alpha_r^2 (1 - s_0)(5 - 8 s_0) / 3] + O(Delta0^2).  (4)

The bracket changes sign at the tricritical gate gain
``alpha_r* = sqrt(6 / ((1 - s_0)(5 - 8 s_0)))`` (``sqrt 12`` for
``beta_r = 0``; none for ``s_0 >= 5/8``), independent of ``c``, ``tau_r``
and ``tau_z``.  Below it chaos grows continuously from ``g = 1/s_0``.
Above it the branch leaves ``g = 1/s_0`` backwards and turns at a saddle
node ``g_chaos < 1/s_0``: chaos appears discontinuously, with a finite
``Delta0`` and ``lambda_max``, while ``x = 0`` is still stable - the
bistable region where an input kick turns a quiescent network chaotic
(the discontinuous transition of Krishnamurthy, Can and Schwab, found here
from (1)-(4); the equation numbers and this form of the threshold are this
module's own, not the paper's).

External input.  A current ``I_i(t)`` in the ``h`` equation
(``dh/dt = sigma_z (-h + g J^h (sigma_r phi) + I)``, :class:`hebbian.rnn.GatedRNN`),
independent across neurons, centred Gaussian with autocorrelation
``C_I(tau) = sigma_I^2 exp(-|tau| / tau_I)``: a quenched static input
``I_i ~ N(0, sigma_I^2)`` for ``tau_I = inf``, an Ornstein-Uhlenbeck
process otherwise.  ``h`` stays Gaussian and centred, and (1) gains the
input's autocorrelation as a source::

    (1 - d^2/dtau^2 / c^2) Delta = g^2 C_sigma(tau) C_phi(tau) + C_I(tau).   (1')

With a static input ``Delta`` tends to ``Delta_inf > 0`` (frozen fields;
``C_phi``, ``C_r`` and ``C_sigma`` keep static parts), and the quiescent
state is no longer ``x = 0`` but a fixed point with random fields, ``Delta``
constant::

    Delta0 = sigma_I^2 + g^2 <sigma_r^2> C_phi(0),   C_r(0) = C_phi(0).      (5)

Its Jacobian's spectral edge (Girko's law for ``J^h`` times the fixed
matrix of the linearisation, the single-ring theorem) is (3) on constant
``psi``: ``(c + lambda)^2 = c^2 g^2 (A + B D / (1 + tau_r lambda)^2)`` with
``A = <sigma_r^2><phi'^2>``, ``B = <sigma_r'^2><phi^2>``, ``D = <phi'^2>``.
``B`` vanishes at ``x = 0`` (``phi = 0``) but not with an input: the output
gate's slope couples ``r`` back into ``h``, which is how an input
destabilises the quiescent state (for a sharp gate, ``<sigma_r'^2>`` grows
like ``alpha_r``) while it saturates ``phi`` (``<phi'^2>`` falls).  The
maximal Lyapunov exponent is (3) unchanged (two replicas see the same
input, which drops out of their difference).  A time-varying input leaves
no fixed point: the driven state is chaotic where (3) gives
``lambda_max > 0``, slaved to the input where ``lambda_max < 0``.

Fluctuating update gate.  With ``alpha_z > 0`` the same reasoning leaves the
recurrent input ``xi`` of a neuron and its gate ``z`` Gaussian (``z`` with
``C_phi`` filtered by ``tau_z``, as ``C_r`` in (2)), but
``dh/dt = sigma_z(z) (-h + xi)`` makes ``h`` a non-Gaussian process: the
neuron integrates its input over a fluctuating window ``1/sigma_z``, and
neurons whose gate is shut hold their value (the slow modes).  ``C_phi`` is
then measured on sampled paths (Eissfeller-Opper style), without
``lambda_max``.

Numerics.  Even functions on ``[0, T]`` with the cosine transform (DCT-I):
the operators of (1)-(3) are diagonal there.  Pair averages by Mehler's expansion in the
correlation coefficient (:func:`pair_average`), its Hermite coefficients on
quadrature nodes graded around the gate's threshold, so that sharp gates
(``alpha_r`` of 20 and more) are resolved.  (1)-(2) at fixed ``g`` by damped iteration from a
large ``Delta`` (the attracting chaotic branch; it collapses to
``Delta = 0`` where no chaos exists), or at fixed ``Delta0`` (any branch,
``g`` an output) by the amplitude-normalised iteration.  The box ``T`` is 30
decay lengths ``1/kappa``, ``kappa = c sqrt(1 - g^2 <sigma_r>^2
<phi'>^2)``; ``residual`` is ``max |F(Delta) - Delta| / Delta0`` plus the
relative tail ``|Delta(T)| / Delta0``.  (3): ARPACK on the transformed
operator, ``lambda`` by Brent's method.

References
----------
K. Krishnamurthy, T. Can, D. J. Schwab, "Theory of gating in recurrent neural
networks", PRX 12, 011011 (2022), arXiv:2007.14823 (model, DMFT, the
discontinuous transition); H. Sompolinsky, A. Crisanti, H.-J. Sommers, PRL
61, 259 (1988).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import optimize
from scipy.fft import dct, idct
from scipy.sparse.linalg import LinearOperator, eigs
from scipy.special import expit

from hebbian._checks import check_int, check_real, check_tol
from hebbian._numba_cache import use_user_cache
from hebbian.random import RNGLike, as_generator
from hebbian.rnn import autocorrelation, decay_time
from hebbian.theory.dmft import RateDMFT
from hebbian.theory.fixed_point import fixed_point
from hebbian.theory.quadrature import field_quadrature
from hebbian.theory.solution import ZERO

use_user_cache(Path(__file__).parent)  # before the kernel below is decorated

from numba import njit  # noqa: E402  (after the cache folder is settled)

__all__ = [
    "GatedDMFT",
    "chaos_onset",
    "fixed_point_gain",
    "input_instability_gain",
    "pair_average",
    "solve_gated",
    "solve_gated_branch",
    "solve_gated_sampled",
    "static_fixed_point",
    "tricritical_alpha_r",
]

#: Most Hermite coefficients of a pair average, and the relative tail left out.
_MAX_ORDER, _TAIL = 6000, 1e-12
#: Box length in decay lengths, grid steps per shortest time constant, and the most
#: grid points (near the onset the solution varies on the decay length only).
_BOX, _STEPS, _MAX_POINTS = 30.0, 25.0, 4096
#: Amplitude below which a fixed-gain iteration has collapsed onto ``Delta = 0``.
_COLLAPSED = 1e-8
#: Damped steps of a fixed-gain solve before Anderson mixing takes over.
_WARMUP = 100


@dataclass(frozen=True)
class _Shape:
    """A function of a Gaussian field, varying on the scale ``1/sharpness`` near ``centre``."""

    f: Callable
    centre: float = 0.0
    sharpness: float = 1.0


def _gate(alpha, beta, slope: bool = False) -> _Shape:
    """``sigma(alpha u + beta)`` (or its ``u``-derivative): a step of width ``1/alpha``."""

    def f(u):
        s = expit(alpha * u + beta)
        return alpha * s * (1.0 - s) if slope else s

    if alpha == 0.0:
        return _Shape(f)
    return _Shape(f, centre=-beta / alpha, sharpness=max(alpha, 1.0))


def _dphi(h):
    return 1.0 - np.tanh(h) ** 2


_PHI, _DPHI = _Shape(np.tanh), _Shape(_dphi)


def _hermite(shape: _Shape, variance: float) -> np.ndarray:
    """Normalised Hermite coefficients ``c_k = E[f(x) He_k(x/sd)] / sqrt(k!)``.

    ``x ~ N(0, variance)``; the expectation on the nodes of
    :func:`hebbian.theory.quadrature.field_quadrature` graded around ``centre``, so
    sharp gates are resolved.  Stops once ``sum c_k^2`` is within ``_TAIL``
    of ``E f^2`` (:func:`_hermite_series`).
    """
    sd = math.sqrt(variance)
    h, w = field_quadrature(-shape.centre, sd, shape.sharpness)
    x = h + shape.centre
    values = w * shape.f(x)
    total = float(values @ shape.f(x))
    u = x / sd if sd > 0 else np.zeros_like(x)
    return _hermite_series(u, values, total, _MAX_ORDER, _TAIL)


@njit(cache=True)
def _hermite_series(u, values, total, max_order, tail):
    """``c_k = sum_i values_i P_k(u_i)`` for ``k < max_order``, ``P_k = He_k / sqrt(k!)``.

    By the recursion ``P_k = (u P_{k-1} - sqrt(k-1) P_{k-2}) / sqrt(k)``, one
    pass over the nodes per order; stops after the first ``k`` with
    ``total - sum c^2 <= tail * total``.
    """
    n = u.size
    previous, current = np.zeros(n), np.ones(n)
    coef = np.empty(max_order)
    coef[0] = np.sum(values)
    norm = coef[0] * coef[0]
    order = 1
    for k in range(1, max_order):
        root_prev, root = math.sqrt(k - 1), math.sqrt(k)
        c = 0.0
        for i in range(n):
            nxt = (u[i] * current[i] - root_prev * previous[i]) / root
            previous[i] = current[i]
            current[i] = nxt
            c += values[i] * nxt
        coef[k] = c
        norm += c * c
        order = k + 1
        if total - norm <= tail * total:
            break
    return coef[:order].copy()


def pair_average(f, variance: float, rho, *, centre: float = 0.0, sharpness: float = 1.0):
    """``<f(x) f(y)>`` for centred Gaussians of equal ``variance`` and correlation ``rho``.

    Mehler's expansion ``sum_k c_k^2 rho^k`` with the normalised Hermite
    coefficients ``c_k`` of ``f`` (computed once per variance, on
    quadrature nodes graded around ``centre`` for a function that varies on
    the scale ``1/sharpness`` there, e.g. a sharp gate).

    Parameters
    ----------
    f : callable
        Vectorised.
    variance : float
        ``<x^2> = <y^2>``, >= 0.
    rho : float or array_like
        Correlation coefficients, clipped into ``[-1, 1]``.
    centre, sharpness : float
        Where and on what scale ``f`` varies fastest (``sharpness > 0``).

    Returns
    -------
    float or ndarray
        Shape of ``rho``.

    Raises
    ------
    ValueError
        If ``variance`` is negative.

    Examples
    --------
    >>> round(float(pair_average(lambda x: x, 2.0, 0.5)), 12)  # <x y> = 2 * 0.5
    1.0
    """
    coef = _hermite(_Shape(f, centre, sharpness), variance)
    return _mehler(coef, rho)


def _mehler(coef, rho):
    rho = np.clip(np.asarray(rho, dtype=np.float64), -1.0, 1.0)
    out = np.polynomial.polynomial.polyval(rho, coef**2)
    return out[()] if np.ndim(out) == 0 else out


def _table(shape: _Shape, variance: float):
    """``C -> <f(x) f(y)>`` at ``variance`` and covariance ``C`` (``|C| <= variance``)."""
    coef = _hermite(shape, variance)
    return lambda covariance: _mehler(coef, covariance / variance)


def _mean(shape: _Shape, variance):
    """``E f(x)``, ``x ~ N(0, variance)``: the zeroth coefficient of :func:`_hermite`, alone.

    ``variance`` a float or an array (one average per entry).
    """
    h, w = field_quadrature(-shape.centre, np.sqrt(variance), shape.sharpness)
    return (w * shape.f(h + shape.centre)).sum(axis=-1)


def fixed_point_gain(beta_r: float = 0.0) -> float:
    """Gain above which ``x = 0`` is unstable: ``g = 1 / sigma(beta_r)`` (module docstring).

    The Jacobian at ``x = 0`` is ``c (-1 + g s_0 J^h)`` with ``s_0 =
    sigma(beta_r)``, so the fixed point loses stability at ``g s_0 = 1``.

    Parameters
    ----------
    beta_r : float
        Output-gate bias (any real; ``+-inf`` allowed).

    Returns
    -------
    float
        ``1 + exp(-beta_r)``, ``>= 1`` (2 for ``beta_r = 0``).

    Raises
    ------
    TypeError
        If ``beta_r`` is not a real number.
    ValueError
        If ``beta_r`` is NaN.

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823 (the
    model and its DMFT); the equations are Eqs. (1)-(4) of the module
    docstring, derived there.

    Examples
    --------
    >>> fixed_point_gain(0.0)
    2.0
    """
    beta_r = check_real(beta_r, "beta_r")
    return 1.0 + math.exp(-beta_r)


def tricritical_alpha_r(beta_r: float = 0.0) -> float:
    """Output-gate gain above which the onset of chaos is discontinuous, Eq. (4).

    ``sqrt(6 / ((1 - s_0)(5 - 8 s_0)))`` with ``s_0 = sigma(beta_r)``;
    ``inf`` when ``s_0 >= 5/8`` (the onset is then continuous at every
    ``alpha_r``).

    Parameters
    ----------
    beta_r : float
        Output-gate bias (any real).

    Returns
    -------
    float
        ``alpha_r* > 0`` (``sqrt 12`` for ``beta_r = 0``), or ``inf``.

    Raises
    ------
    TypeError
        If ``beta_r`` is not a real number.
    ValueError
        If ``beta_r`` is NaN.

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823 (the
    model and its DMFT); the equations are Eqs. (1)-(4) of the module
    docstring, derived there.

    Examples
    --------
    >>> round(tricritical_alpha_r(0.0) ** 2, 12)
    12.0
    """
    s0 = float(expit(check_real(beta_r, "beta_r")))
    if 8.0 * s0 >= 5.0:
        return math.inf
    return math.sqrt(6.0 / ((1.0 - s0) * (5.0 - 8.0 * s0)))


@dataclass(frozen=True)
class GatedDMFT(RateDMFT):
    """DMFT solution of the gated network: :class:`hebbian.theory.dmft.RateDMFT` and the gate.

    ``g`` is an output of :func:`solve_gated_branch`; ``Delta0 = 0`` on the
    fixed-point branch, where ``lambda_max`` is the largest real part of the
    Jacobian's spectrum at ``x = 0``; ``branch`` is ``"chaos"`` or
    ``"fixed point"``.

    Attributes
    ----------
    params : dict
        Gate parameters (``alpha_r, beta_r, beta_z, tau_r``; the sampled
        solution adds ``alpha_z, tau_z``).
    C_r : ndarray
        Autocorrelation of the output gate's field ``r`` at ``tau``.
    """

    params: dict = field(default_factory=dict)
    C_r: np.ndarray = field(default=None, repr=False)

    def __str__(self) -> str:
        head = (
            f"gated DMFT(g={self.g:.8g}, {self.params}) {self.branch}: "
            f"Delta0={self.Delta0:.8g}, lambda_max={self.lambda_max:.6g}"
        )
        if self.success:
            return head
        return f"{head} [NOT CONVERGED: {self.message}, residual={self.residual:.2e}]"


class _Equations:
    """Eqs. (1)-(3) (with an input, (1')) on one grid for given gate parameters."""

    def __init__(self, alpha_r, beta_r, beta_z, tau_r, t_max, sigma_I=0.0, tau_I=math.inf):
        self.tau_r = tau_r
        self.c = float(expit(beta_z))
        step = max(min(1.0 / self.c, tau_r, 1.0, tau_I) / _STEPS, t_max / _MAX_POINTS)
        n = math.ceil(t_max / step) + 1
        self.tau = np.linspace(0.0, t_max, n)
        self.omega = np.pi * np.arange(n) / t_max
        self.sigma = _gate(alpha_r, beta_r)
        self.dsigma = _gate(alpha_r, beta_r, slope=True)
        #: the input's part of Delta, ``(1 - d^2/c^2)^-1 C_I`` (``None``: no input)
        self.forcing = None
        self.static = sigma_I > 0 and math.isinf(tau_I)
        if sigma_I > 0:
            self.forcing = self._filter(sigma_I**2 * np.exp(-self.tau / tau_I), self.c**2)

    def collapsed(self, Delta) -> bool:
        """Whether the iteration has collapsed onto the quiescent state.

        ``Delta = 0`` without a static input; with one, a fluctuating part
        ``Delta(0) - Delta(inf)`` below ``ZERO`` of ``Delta(0)`` (the
        iteration leaves ``O(tol)`` of it where it converges to a constant).
        """
        if not self.static:
            return Delta[0] < _COLLAPSED
        return Delta[0] - Delta[-1] < ZERO * Delta[0]

    def tail(self, Delta) -> float:
        """What is left of the decay at the end of the box, relative to ``Delta(0)``."""
        if not self.static:
            return abs(Delta[-1]) / Delta[0]
        return abs(Delta[-1] - Delta[int(0.9 * Delta.size)]) / Delta[0]

    def _filter(self, f, rate_sq):
        """Solve ``(1 - d^2/rate_sq) y = f`` on the even periodic grid."""
        return idct(dct(f, 1) * rate_sq / (rate_sq + self.omega**2), 1)

    def gate_correlations(self, C_phi):
        """``C_r`` of Eq. (2) and ``C_sigma`` of the output gate, given ``C_phi``."""
        C_r = self._filter(C_phi, 1.0 / self.tau_r**2)
        return C_r, _table(self.sigma, max(C_r[0], _COLLAPSED))(C_r)

    def correlations(self, Delta):
        """``C_phi, C_r, C_sigma`` of a trial ``Delta``."""
        C_phi = _table(_PHI, max(Delta[0], _COLLAPSED))(Delta)  # Anderson steps may overshoot
        return C_phi, *self.gate_correlations(C_phi)

    def drive(self, Delta):
        """Right-hand side of (1) without ``g^2``, solved for ``Delta``."""
        C_phi, _, C_sigma = self.correlations(Delta)
        return self._filter(C_sigma * C_phi, self.c**2)

    def decay_rate(self, g, Delta0, v_r):
        mean_sigma, mean_dphi = _mean(self.sigma, v_r), _mean(_DPHI, Delta0)
        return self.c * math.sqrt(max(1.0 - (g * mean_sigma * mean_dphi) ** 2, 0.0))

    def lambda_max(self, g, Delta):
        """Eq. (3): the ``lambda`` at which the Perron eigenvalue is 1."""
        C_phi, C_r, C_sigma = self.correlations(Delta)
        C_dphi = _table(_DPHI, Delta[0])(Delta)
        C_dsigma = _table(self.dsigma, C_r[0])(C_r)
        A, B, D = C_sigma * C_dphi, C_dsigma * C_phi, C_dphi
        c, tau_r, n = self.c, self.tau_r, self.tau.size
        r_term = bool(B.any())  # B = 0 for a constant gate: no r term
        # each eigensolve starts from the last Perron vector (lambda moves little between them)
        start = [np.exp(-self.tau / (1.0 + self.tau[-1] / 10.0))]

        def perron(lam):
            a2 = (c + lam) ** 2
            b2 = ((1.0 + tau_r * lam) / tau_r) ** 2

            def apply(psi):
                drive = A * psi
                if r_term:
                    drive = drive + B * self._filter(D * psi, b2) / (b2 * tau_r**2)
                return (c * g) ** 2 * self._filter(drive, a2) / a2

            op = LinearOperator((n, n), matvec=apply, dtype=np.float64)
            value, vector = eigs(op, k=1, which="LM", v0=start[0], tol=1e-12)
            start[0] = vector[:, 0].real
            return float(value[0].real) - 1.0

        low = -min(c, 1.0 / tau_r) * (1.0 - 1e-9)
        if perron(low) <= 0.0:
            return low
        high = 1.0
        while perron(high) > 0.0:
            high *= 2.0
        return optimize.brentq(perron, low, high, xtol=1e-10)


def _gate_params(alpha_r, beta_r, beta_z, tau_r, alpha_z, sigma_I=0.0, tau_I=math.inf):
    alpha_r = check_real(alpha_r, "alpha_r", low=0.0, high=np.inf, high_open=True)
    beta_r = check_real(beta_r, "beta_r")
    beta_z = check_real(beta_z, "beta_z")
    tau_r = check_real(tau_r, "tau_r", low=0.0, low_open=True, high=np.inf, high_open=True)
    sigma_I = check_real(sigma_I, "sigma_I", low=0.0, high=np.inf, high_open=True)
    tau_I = check_real(tau_I, "tau_I", low=0.0, low_open=True)
    if alpha_z != 0:
        raise ValueError(
            f"alpha_z={alpha_z!r}: the update-gate fluctuations make h non-Gaussian; pass "
            "alpha_z=0 here, or use solve_gated_sampled for alpha_z > 0"
        )
    params = {"alpha_r": alpha_r, "beta_r": beta_r, "beta_z": beta_z, "tau_r": tau_r}
    if sigma_I > 0:  # without input the parameters (and the solver's path) are the autonomous ones
        params |= {"sigma_I": sigma_I, "tau_I": tau_I}
    return params


def _box(params, kappa):
    c = float(expit(params["beta_z"]))
    tau_I = params.get("tau_I", 0.0)
    floor = 20.0 * max(1.0 / c, params["tau_r"], tau_I if math.isfinite(tau_I) else 0.0)
    return max(floor, _BOX / max(kappa, 1e-4))


def _map(eq: _Equations, g, Delta0):
    """Eq. (1) as a map of ``Delta``: at gain ``g``, or normalised to variance ``Delta0``."""
    if Delta0 is None:
        if eq.forcing is not None:
            return lambda D: g**2 * eq.drive(D) + eq.forcing
        return lambda D: g**2 * eq.drive(D)

    def normalised(D):
        u = eq.drive(D)
        return Delta0 * u / u[0]

    return normalised


def _solve(g, params, Delta0, tol, max_iter):
    """Fixed ``g`` (``Delta0 is None``) or fixed ``Delta0``: a :class:`GatedDMFT` or ``None``.

    Damped iteration, which at fixed ``g`` selects the attracting solution
    (``None`` when it collapses onto ``Delta = 0``), then Anderson mixing
    from where it got to (the slow modes near the onset).  The box grows
    until it holds 30 decay lengths of the solution.
    """
    c = float(expit(params["beta_z"]))
    amplitude = 1.5 if Delta0 is None else Delta0
    kappa = c * min(0.3, 0.5 * amplitude)  # near the onset kappa ~ c Delta0 / sqrt 3
    eq = _Equations(**params, t_max=_box(params, kappa))
    x = amplitude / np.cosh(kappa * eq.tau)
    if eq.forcing is not None:
        x = x + eq.forcing
    n_total = 0
    for _ in range(6):
        F = _map(eq, g, Delta0)
        warm = fixed_point(F, x, method="iterate", tol=tol * x[0], max_iter=_WARMUP,
                           damping=0.7)  # fmt: skip
        x, n_total = warm.x, n_total + warm.n_iter
        if eq.collapsed(x):
            return None
        fp = fixed_point(F, x, method="anderson", tol=tol * x[0], max_iter=max_iter)
        x, n_total = fp.x, n_total + fp.n_iter
        if eq.collapsed(x):
            return None
        if Delta0 is not None:
            g = math.sqrt(Delta0 / eq.drive(x)[0])
        _, C_r, _ = eq.correlations(x)
        kappa = eq.decay_rate(g, x[0], C_r[0])
        if eq.tau[-1] >= 0.95 * _box(params, kappa):
            break
        old_tau, eq = eq.tau, _Equations(**params, t_max=_box(params, kappa))
        x = np.interp(eq.tau, old_tau, x, right=0.0)
    residual = fp.residual / x[0] + eq.tail(x)
    ok = bool(fp.success and residual <= 2 * tol)
    message = "converged" if ok else f"residual {residual:.2e} after {n_total} iterations"
    lam = eq.lambda_max(g, x) if ok else math.nan
    branch = "driven" if eq.forcing is not None and not eq.static and lam < 0 else "chaos"
    return GatedDMFT(g, x[0], eq.tau, x, kappa, lam, branch, ok, message, residual,
                     params=params, C_r=C_r)  # fmt: skip


def _static_moments(g, params):
    """Eq. (5) solved for ``Delta0`` (its smallest root), and ``A, B, D`` of the edge there."""
    sigma, dsigma = (
        _gate(params["alpha_r"], params["beta_r"]),
        _gate(params["alpha_r"], params["beta_r"], slope=True),
    )
    sigma2 = params["sigma_I"] ** 2

    def square(shape):
        return _Shape(lambda u: shape.f(u) ** 2, shape.centre, shape.sharpness)

    def excess(Delta0):
        C_phi0 = _mean(square(_PHI), Delta0)
        return sigma2 + g**2 * _mean(square(sigma), C_phi0) * C_phi0 - Delta0

    # the smallest root: the one reached from small activity (Eq. (5) can have three)
    grid = sigma2 + (g**2 + 1.0) * np.geomspace(1e-15, 1.0, 120)
    k = int(np.argmax(excess(grid) <= 0.0))  # the first; excess(grid[-1]) < 0
    low = sigma2 if k == 0 else grid[k - 1]
    Delta0 = optimize.brentq(excess, low, grid[k], xtol=1e-14, rtol=1e-13)
    C_phi0, D = _mean(square(_PHI), Delta0), _mean(square(_DPHI), Delta0)
    A = _mean(square(sigma), C_phi0) * D
    B = _mean(square(dsigma), C_phi0) * C_phi0
    return Delta0, A, B, D


def _static_edge(g, params, A, B, D) -> float:
    """Largest real root of ``(c + lambda)^2 = c^2 g^2 (A + B D / (1 + tau_r lambda)^2)``."""
    c, tau_r = float(expit(params["beta_z"])), params["tau_r"]

    def gap(lam):
        return (1.0 + lam / c) ** 2 - g**2 * (A + B * D / (1.0 + tau_r * lam) ** 2)

    low = -min(c, 1.0 / tau_r) * (1.0 - 1e-9)
    if gap(low) >= 0.0:
        return low
    high = 1.0
    while gap(high) < 0.0:
        high *= 2.0
    return optimize.brentq(gap, low, high, xtol=1e-13)


def _static_branch(g, params, tau_z):
    """Eq. (5): the fixed point with frozen random fields under a static input, and its edge."""
    Delta0, A, B, D = _static_moments(g, params)
    lam = max(_static_edge(g, params, A, B, D), -1.0 / params["tau_r"], -1.0 / tau_z)
    stable = lam < 0
    message = "converged" if stable else "the fixed point is unstable here but no chaos found"
    tau = np.linspace(0.0, 10.0, 101)
    Delta = np.full_like(tau, Delta0)
    C_r = np.full_like(tau, _mean(_Shape(lambda h: np.tanh(h) ** 2), Delta0))
    return GatedDMFT(g, Delta0, tau, Delta, math.nan, lam, "fixed point", stable, message,
                     0.0, params=params, C_r=C_r)  # fmt: skip


def static_fixed_point(
    g: float,
    *,
    sigma_I: float,
    alpha_r: float = 0.0,
    beta_r: float = 0.0,
    beta_z: float = 0.0,
    tau_r: float = 1.0,
    tau_z: float = 1.0,
) -> GatedDMFT:
    """The quiescent state under a static input: Eq. (5) and its spectral edge.

    The fixed point ``h_i = I_i + g sum_j J^h_ij sigma_r(r_j) phi(h_j)`` has
    Gaussian fields of variance ``Delta0`` (Eq. (5)); ``lambda_max`` is the
    largest real part of its Jacobian's spectrum at ``N -> inf``, the root
    of ``(c + lambda)^2 = c^2 g^2 (A + B D / (1 + tau_r lambda)^2)`` (module
    docstring), or the slowest gate leak.  It may coexist with chaos (then
    :func:`solve_gated` returns the chaos).

    Parameters
    ----------
    g : float
        Gain, >= 0 and finite.
    sigma_I : float
        Standard deviation of the static input ``I_i ~ N(0, sigma_I^2)``, > 0.
    alpha_r, beta_r, beta_z, tau_r, tau_z : float
        Gate parameters, as in :func:`solve_gated`.

    Returns
    -------
    GatedDMFT
        ``branch="fixed point"``, ``Delta`` constant; ``success`` is whether
        the fixed point is stable (``lambda_max < 0``).

    Raises
    ------
    ValueError
        If an argument is out of range (or NaN).

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823
    (inputs); the equations are Eqs. (1')-(5) of the module docstring,
    derived there.

    Examples
    --------
    >>> s = static_fixed_point(1.0, sigma_I=1.0, beta_r=40.0)  # vanilla: g^2 <phi'^2> < 1
    >>> s.branch, round(s.Delta0, 4), s.lambda_max < 0
    ('fixed point', 1.4639, True)
    """
    g = check_real(g, "g", low=0.0, high=np.inf, high_open=True)
    sigma_I = check_real(sigma_I, "sigma_I", low=0.0, low_open=True, high=np.inf, high_open=True)
    params = _gate_params(alpha_r, beta_r, beta_z, tau_r, 0.0, sigma_I)
    tau_z = check_real(tau_z, "tau_z", low=0.0, low_open=True, high=np.inf, high_open=True)
    return _static_branch(g, params, tau_z)


def input_instability_gain(
    sigma_I: float, *, alpha_r: float = 0.0, beta_r: float = 0.0, g_max: float = 10.0
) -> float:
    """Smallest gain at which the fixed point of a static input loses stability.

    Where the edge of :func:`static_fixed_point` crosses 0:
    ``g^2 (A + B D) = 1`` with ``A, B, D`` at the ``Delta0`` of Eq. (5)
    (independent of ``beta_z``, ``tau_r``, ``tau_z``), or where the branch of
    the smallest root of Eq. (5) ends in a fold (for a weak input and a
    sharp gate, just below :func:`fixed_point_gain`) and the fixed point
    jumps to a larger, unstable one.  At ``sigma_I -> 0``
    it tends to :func:`fixed_point_gain`; an input lowers it through the
    output gate's slope (``B``) and raises it by saturating ``phi`` (``A``,
    ``D``).  Scanned on 50 gains up to ``g_max``, refined by Brent's method.

    Parameters
    ----------
    sigma_I : float
        Standard deviation of the static input, >= 0 and finite.
    alpha_r, beta_r : float
        Output gate.
    g_max : float
        Largest gain searched, > 0.

    Returns
    -------
    float
        The gain, or ``inf`` if the fixed point is stable up to ``g_max``.

    Raises
    ------
    ValueError
        If an argument is out of range (or NaN).

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823;
    Eqs. (3), (5) of the module docstring.

    Examples
    --------
    >>> round(float(input_instability_gain(1e-6, beta_r=1.0) * expit(1.0)), 3)  # 1/sigma(beta_r)
    1.0
    """
    sigma_I = check_real(sigma_I, "sigma_I", low=0.0, high=np.inf, high_open=True)
    g_max = check_real(g_max, "g_max", low=0.0, low_open=True, high=np.inf, high_open=True)
    params = _gate_params(alpha_r, beta_r, 0.0, 1.0, 0.0)
    if sigma_I == 0.0:
        return fixed_point_gain(beta_r) if fixed_point_gain(beta_r) <= g_max else math.inf
    params |= {"sigma_I": sigma_I, "tau_I": math.inf}

    def margin(g):
        _, A, B, D = _static_moments(g, params)
        return g**2 * (A + B * D) - 1.0

    gains = np.linspace(g_max / 50, g_max, 50)
    values = [margin(g) for g in gains]
    crossing = next((k for k, v in enumerate(values) if v >= 0.0), None)
    if crossing is None:
        return math.inf
    if crossing == 0:
        return float(gains[0])
    return optimize.brentq(margin, gains[crossing - 1], gains[crossing], xtol=1e-10)


def _fixed_point_branch(g, params, tau_z):
    c = float(expit(params["beta_z"]))
    s0 = float(expit(params["beta_r"]))
    lam = max(c * (g * s0 - 1.0), -1.0 / params["tau_r"], -1.0 / tau_z)
    tau = np.linspace(0.0, 10.0, 101)
    zero = np.zeros_like(tau)
    stable = g * s0 < 1.0
    message = "converged" if stable else "x = 0 is unstable here but no chaotic solution found"
    return GatedDMFT(g, 0.0, tau, zero, math.nan, lam, "fixed point", stable, message, 0.0,
                     params=params, C_r=zero)  # fmt: skip


def solve_gated(
    g: float,
    *,
    alpha_r: float = 0.0,
    beta_r: float = 0.0,
    beta_z: float = 0.0,
    tau_r: float = 1.0,
    tau_z: float = 1.0,
    alpha_z: float = 0.0,
    sigma_I: float = 0.0,
    tau_I: float = math.inf,
    tol: float = 1e-6,
    max_iter: int = 2000,
) -> GatedDMFT:
    """The attracting solution of Eqs. (1)-(2) at gain ``g``: chaos, or the fixed point.

    Damped iteration from ``Delta0 = 1.5``: where a chaotic solution exists
    (also in the bistable region below ``1 / sigma(beta_r)``) it is found;
    otherwise the iteration collapses onto ``x = 0`` and the fixed-point
    branch is returned with the largest real part of its Jacobian spectrum.
    With an input, Eq. (1') replaces (1): a static input's quiescent state
    is the fixed point of Eq. (5); a time-varying input gives ``branch``
    ``"chaos"`` where ``lambda_max > 0`` and ``"driven"`` where it is < 0.

    Parameters
    ----------
    g : float
        Gain, >= 0 and finite.
    alpha_r, beta_r, tau_r : float
        Output gate (gain >= 0 and finite, bias, time constant > 0 and finite).
    beta_z : float
        Update-gate bias: ``c = sigma(beta_z)`` scales time.
    tau_z : float
        Update-gate time constant, > 0 and finite (only in the fixed point's
        spectrum).
    alpha_z : float
        Must be 0 (``ValueError`` otherwise: the update gate's fluctuations
        are in :func:`solve_gated_sampled`).
    sigma_I : float
        Standard deviation of the external input, >= 0 and finite (0: the
        autonomous network, exactly the solver without input).
    tau_I : float
        Correlation time of the input, > 0; ``inf`` (default) for a static
        input ``I_i ~ N(0, sigma_I^2)``.
    tol : float
        Largest accepted relative step of the iteration, in ``(0, 1e-2]``.
    max_iter : int
        Most Anderson iterations per box, ``>= 1``.

    Returns
    -------
    GatedDMFT
        ``success=False`` with a message when the iteration stalls.
        ``params`` holds ``sigma_I, tau_I`` when there is an input.

    Raises
    ------
    TypeError
        If a number is not real or ``max_iter`` is not an integer.
    ValueError
        If an argument is out of the range stated above (or NaN), or
        ``alpha_z != 0``.

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823 (the
    model and its DMFT); the equations are Eqs. (1)-(4) of the module
    docstring, derived there.

    Examples
    --------
    >>> s = solve_gated(1.5)  # g sigma(0) = 0.75 < 1: quiescent
    >>> s.branch, s.lambda_max
    ('fixed point', -0.125)
    """
    g = check_real(g, "g", low=0.0, high=np.inf, high_open=True)
    params = _gate_params(alpha_r, beta_r, beta_z, tau_r, alpha_z, sigma_I, tau_I)
    tau_z = check_real(tau_z, "tau_z", low=0.0, low_open=True, high=np.inf, high_open=True)
    tol = check_tol(tol)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    quiescent = _static_branch if "sigma_I" in params else _fixed_point_branch
    if g == 0.0 and "sigma_I" not in params:
        return _fixed_point_branch(g, params, tau_z)
    solution = _solve(g, params, None, tol, max_iter)
    return quiescent(g, params, tau_z) if solution is None else solution


def solve_gated_branch(
    Delta0: float,
    *,
    alpha_r: float = 0.0,
    beta_r: float = 0.0,
    beta_z: float = 0.0,
    tau_r: float = 1.0,
    alpha_z: float = 0.0,
    tol: float = 1e-6,
    max_iter: int = 2000,
) -> GatedDMFT:
    """The chaotic solution with variance ``Delta0``, and the gain ``g`` at which it exists.

    Amplitude-normalised iteration: it follows the whole branch, the part
    that is unstable under fixed-``g`` iteration included, so ``g(Delta0)``
    maps the branch (decreasing from ``1/sigma(beta_r)`` at small
    ``Delta0`` when the onset is discontinuous, Eq. (4)).

    Parameters
    ----------
    Delta0 : float
        ``<h^2>``, > 0 and finite.
    alpha_r, beta_r, beta_z, tau_r, alpha_z, tol, max_iter
        As in :func:`solve_gated`.

    Returns
    -------
    GatedDMFT
        ``g`` the gain of the branch at ``Delta0``; ``success=False`` with a
        message when the iteration stalls, and with ``g = nan`` when it
        collapses onto ``Delta = 0``.

    Raises
    ------
    TypeError
        If a number is not real or ``max_iter`` is not an integer.
    ValueError
        If an argument is out of range (or NaN), or ``alpha_z != 0``.

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823 (the
    model and its DMFT); the equations are Eqs. (1)-(4) of the module
    docstring, derived there.

    Examples
    --------
    >>> s = solve_gated_branch(0.3)
    >>> s.branch, round(s.g, 3)  # sigma_r = 1/2: the vanilla network at g/2
    ('chaos', 2.479)
    """
    Delta0 = check_real(Delta0, "Delta0", low=0.0, low_open=True, high=np.inf, high_open=True)
    params = _gate_params(alpha_r, beta_r, beta_z, tau_r, alpha_z)
    tol = check_tol(tol)
    max_iter = check_int(max_iter, "max_iter", minimum=1)
    solution = _solve(None, params, Delta0, tol, max_iter)
    if solution is None:
        tau = np.zeros(1)
        return GatedDMFT(math.nan, Delta0, tau, tau, math.nan, math.nan, "chaos", False,
                         "the iteration collapsed onto Delta = 0", math.inf, params=params,
                         C_r=tau)  # fmt: skip
    return solution


def chaos_onset(
    alpha_r: float, *, beta_r: float = 0.0, beta_z: float = 0.0, tau_r: float = 1.0,
    Delta0_max: float = 2.0,
) -> dict:  # fmt: skip
    """Where chaos first exists as ``g`` grows, and whether it appears discontinuously.

    Continuous onset (``alpha_r <= alpha_r*``, :func:`tricritical_alpha_r`):
    ``g_chaos = 1/sigma(beta_r)``, ``Delta0 = 0`` there.  Discontinuous onset:
    ``g_chaos`` is the saddle node, the minimum of ``g(Delta0)`` along
    :func:`solve_gated_branch` (bounded Brent on ``log Delta0`` in
    ``[log 1e-3, log Delta0_max]``).

    Parameters
    ----------
    alpha_r : float
        Output-gate gain, ``>= 0`` and finite.
    beta_r : float
        Output-gate bias.
    beta_z : float
        Update-gate bias (``c = sigma(beta_z)`` scales time; the threshold does
        not depend on it).
    tau_r : float
        Output-gate time constant, ``> 0`` and finite.
    Delta0_max : float
        Upper end of the search in ``Delta0``, ``> 1e-3`` (not checked).

    Returns
    -------
    dict
        ``g_chaos``, ``g_fixed_point``, ``Delta0`` and ``lambda_max`` at the
        onset, ``discontinuous`` (bool), ``success``.

    Raises
    ------
    TypeError
        If a number is not real.
    ValueError
        If an argument is out of range or NaN (``beta_z`` and ``tau_r`` are
        checked only for a discontinuous onset).

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823 (the
    model and its DMFT); the equations are Eqs. (1)-(4) of the module
    docstring, derived there.

    Examples
    --------
    >>> onset = chaos_onset(2.0)
    >>> onset["discontinuous"], onset["g_chaos"]
    (False, 2.0)
    """
    alpha_r = check_real(alpha_r, "alpha_r", low=0.0, high=np.inf, high_open=True)
    g_fp = fixed_point_gain(beta_r)
    base = {"g_fixed_point": g_fp, "success": True}
    if alpha_r <= tricritical_alpha_r(beta_r):
        return {**base, "g_chaos": g_fp, "Delta0": 0.0, "lambda_max": 0.0,
                "discontinuous": False}  # fmt: skip
    kw = {"alpha_r": alpha_r, "beta_r": beta_r, "beta_z": beta_z, "tau_r": tau_r}
    solutions = {}

    def gain(log_D):
        solutions[log_D] = s = solve_gated_branch(math.exp(log_D), **kw)
        return s.g if s.success else math.inf

    best = optimize.minimize_scalar(
        gain, bounds=(math.log(1e-3), math.log(Delta0_max)), method="bounded",
        options={"xatol": 1e-3},
    )  # fmt: skip
    s = solutions[best.x]
    return {**base, "g_chaos": s.g, "Delta0": s.Delta0, "lambda_max": s.lambda_max,
            "discontinuous": True, "success": bool(best.success and s.success)}  # fmt: skip


def _gaussian_paths(rng, covariance, n_paths: int, length: int) -> np.ndarray:
    """Stationary Gaussian paths with autocovariance ``covariance[k]`` at lag ``k``.

    Circulant embedding: the covariance (zero beyond its last lag) on a
    circle of ``length`` points; negative parts of its spectrum, from the
    truncation, are set to zero.
    """
    circle = np.zeros(length)
    K = covariance.size
    circle[:K] = covariance
    circle[length - K + 1 :] = covariance[1:][::-1]
    spectrum = np.sqrt(np.maximum(np.fft.rfft(circle).real, 0.0))
    white = rng.standard_normal((n_paths, length))
    return np.fft.irfft(spectrum * np.fft.rfft(white, axis=1), n=length, axis=1)


def solve_gated_sampled(
    g: float,
    *,
    alpha_z: float,
    beta_z: float = 0.0,
    tau_z: float = 1.0,
    alpha_r: float = 0.0,
    beta_r: float = 0.0,
    tau_r: float = 1.0,
    t_max: float = 40.0,
    n_paths: int = 2000,
    n_iter: int = 30,
    n_average: int = 10,
    tol: float = 0.02,
    rng: RNGLike = None,
) -> GatedDMFT:
    """DMFT with a fluctuating update gate, by sampling the single-neuron process.

    With ``alpha_z > 0`` the field ``h`` of the effective neuron,
    ``dh/dt = sigma_z(z) (-h + xi)``, is no longer Gaussian: ``xi`` (the
    recurrent input, covariance ``g^2 C_sigma C_phi`` as in Eq. (1)) and
    ``z`` (covariance ``C_phi`` filtered by ``tau_z`` as ``C_r`` in Eq. (2))
    still are.  Each iteration draws ``n_paths`` paths of ``xi`` and ``z``,
    integrates ``h`` along them (exponential midpoint rule), measures
    ``C_phi`` and ``Delta`` from the paths and mixes ``C_phi`` half-way in.
    It starts from the constant-gate solution at ``beta_z`` and returns the
    average of the last ``n_average`` iterates.  ``C_sigma`` of the output gate
    stays a Gaussian average (``r`` is Gaussian).

    Parameters
    ----------
    g : float
        Gain, > 0 and finite.
    alpha_z, beta_z, tau_z : float
        Update gate (gain >= 0 and finite, bias, time constant > 0 and finite).
    alpha_r, beta_r, tau_r : float
        Output gate, as in :func:`solve_gated`.
    t_max : float
        Longest lag kept, > 0 and finite; correlations must have decayed by
        then.  The paths run ``4 t_max`` after a burn-in of ``t_max``.
    n_paths, n_iter, n_average : int
        Paths per iteration (``>= 2``), iterations (``>= 1``), and final
        iterates averaged (``1 <= n_average <= n_iter``).
    tol : float
        Largest accepted ``residual``, in ``(0, 0.5]``: ``max |C_phi(measured)
        - C_phi(in)| / C_phi(0)`` averaged over the last iterates (sampling
        noise included).
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    GatedDMFT
        ``lambda_max`` is ``nan`` (not computed by sampling); ``decay_rate``
        is the inverse of :func:`hebbian.rnn.decay_time`, the lag at which
        ``Delta / Delta0`` first falls below ``1/e``.

    Raises
    ------
    TypeError
        If a number is not real or a count is not an integer.
    ValueError
        If an argument is out of the range stated above (or NaN),
        ``n_average > n_iter``, or no chaotic constant-gate solution exists at
        ``g`` to start from.

    References
    ----------
    Krishnamurthy, Can, Schwab, PRX 12, 011011 (2022), arXiv:2007.14823; the
    sampling of the effective process is described in the module docstring.

    Examples
    --------
    >>> s = solve_gated_sampled(3.0, alpha_z=0.0, n_paths=200, n_iter=4, n_average=2, rng=0)
    >>> s.branch, bool(abs(s.Delta0 / solve_gated(3.0).Delta0 - 1) < 0.05)
    ('chaos', True)
    """
    g = check_real(g, "g", low=0.0, low_open=True, high=np.inf, high_open=True)
    alpha_z = check_real(alpha_z, "alpha_z", low=0.0, high=np.inf, high_open=True)
    tau_z = check_real(tau_z, "tau_z", low=0.0, low_open=True, high=np.inf, high_open=True)
    t_max = check_real(t_max, "t_max", low=0.0, low_open=True, high=np.inf, high_open=True)
    n_paths = check_int(n_paths, "n_paths", minimum=2)
    n_iter = check_int(n_iter, "n_iter", minimum=1)
    n_average = check_int(n_average, "n_average", minimum=1)
    tol = check_tol(tol, high=0.5)  # a relative residual with sampling noise in it
    if n_average > n_iter:
        raise ValueError(f"n_average={n_average} exceeds n_iter={n_iter}; pass at most that")
    params = _gate_params(alpha_r, beta_r, beta_z, tau_r, 0.0)
    gen = as_generator(rng)
    start = _solve(g, params, None, 1e-6, 2000)
    if start is None:
        raise ValueError(
            f"g={g:g}: no chaotic solution with a constant update gate to start from; "
            "the sampled DMFT follows the chaotic branch only"
        )
    eq = _Equations(**params, t_max=t_max)
    dt, K = eq.tau[1], eq.tau.size
    C_phi = _table(_PHI, start.Delta0)(np.interp(eq.tau, start.tau, start.Delta))
    burn, window = K, 4 * K
    length = 1 << math.ceil(math.log2(burn + window + K))
    batch = max(1, min(n_paths, 2**22 // length))
    kept, residuals = [], []
    for it in range(n_iter):
        C_sigma = eq.gate_correlations(C_phi)[1]
        C_xi = g**2 * C_sigma * C_phi
        C_z = eq._filter(C_phi, 1.0 / tau_z**2)
        phi_sum, h_sum = np.zeros(K), np.zeros(K)
        for first in range(0, n_paths, batch):
            m = min(batch, n_paths - first)
            xi = _gaussian_paths(gen, C_xi, m, length)
            rate = expit(alpha_z * _gaussian_paths(gen, C_z, m, length) + beta_z)
            xi_mid = 0.5 * (xi[:, 1:] + xi[:, :-1])
            decay = np.exp(-0.5 * (rate[:, 1:] + rate[:, :-1]) * dt)
            h = np.empty((m, burn + window))
            h[:, 0] = xi[:, 0]
            for n in range(burn + window - 1):
                h[:, n + 1] = xi_mid[:, n] + (h[:, n] - xi_mid[:, n]) * decay[:, n]
            phi_sum += m * autocorrelation(np.tanh(h[:, burn:]), K, axis=1)
            h_sum += m * autocorrelation(h[:, burn:], K, axis=1)
        measured, Delta = phi_sum / n_paths, h_sum / n_paths
        residuals.append(float(np.abs(measured - C_phi).max() / C_phi[0]))
        C_phi = 0.5 * (C_phi + measured)
        if it >= n_iter - n_average:
            kept.append((Delta, measured))
    Delta = np.mean([k[0] for k in kept], axis=0)
    C_phi = np.mean([k[1] for k in kept], axis=0)
    C_r = eq.gate_correlations(C_phi)[0]
    residual = float(np.mean(residuals[-n_average:]))
    decay = decay_time(eq.tau, Delta)
    rate = math.nan if decay is None else 1.0 / decay
    ok = residual <= tol and decay is not None
    message = "converged" if ok else (
        f"residual {residual:.3f} > tol={tol:g}" if residual > tol
        else "Delta did not decay within t_max; raise t_max"
    )  # fmt: skip
    full = {**params, "alpha_z": alpha_z, "tau_z": tau_z}
    return GatedDMFT(g, float(Delta[0]), eq.tau, Delta, rate, math.nan, "chaos", ok, message,
                     residual, params=full, C_r=C_r)  # fmt: skip
