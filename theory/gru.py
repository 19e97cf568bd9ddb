"""Mean-field theory of the fixed points of the random GRU map and of their stability.

Model: :class:`hebbian.rnn.GRUCell` (conventions stated there), couplings
``U_z, U_r, U_h ~ N(0, 1/N)`` iid::

    z  = sigma(a_z U_z h + b_z),  r = sigma(a_r U_r h + b_r),
    c  = tanh(g U_h (r * h) + b_h),   h' = (1 - z) * h + z * c.

Fixed points (derived here).  ``h' = h`` means ``z * (c - h) = 0``, i.e.
``h = c`` whatever ``z``: the update gate does not enter the fixed points,
only their stability.  As ``N -> inf`` the fields ``x_i = g (U_h (r * h))_i
+ b_h`` and ``y_i = (U_r h)_i`` are independent Gaussians (independent
matrices; no reaction term for iid non-symmetric couplings), ``x ~ N(b_h,
Delta)``, ``y ~ N(0, C)``, with::

    C     = <h^2> = <tanh^2 x>,                                       (1)
    Delta = g^2 <(r h)^2> = g^2 <sigma^2(a_r y + b_r)> C.             (2)

(``r_j`` and ``h_j`` are functions of the independent ``y_j`` and ``x_j``.)
Every solution lies on the curve parametrised by ``Delta > 0``:
``C = C(Delta)`` by (1), then ``g(Delta) = sqrt(Delta / (<r^2>(C) C))`` by
(2) (:func:`branch`).  For ``b_h = 0``, ``h = 0`` is a fixed point
(``Delta = 0``); the curve leaves it at ``g s_0 = 1`` (``s_0 = sigma(b_r)``).
Expanding (1)-(2) to second order in ``Delta`` (``<tanh^2 x> = Delta -
2 Delta^2 + ...``, ``<sigma^2> = s_0^2 + a_r^2 s_0^2 (1 - s_0)(2 - 3 s_0) C
+ ...``)::

    1 = g^2 s_0^2 [1 + (a_r^2 (1 - s_0)(2 - 3 s_0) - 2) Delta] + O(Delta^2):   (3)

the active fixed points appear continuously at ``g = 1/s_0`` below the
reset-gate gain ``a_r* = sqrt(2 / ((1 - s_0)(2 - 3 s_0)))`` (``sqrt 8`` at
``b_r = 0``; none for ``s_0 >= 2/3``), and above it at a fold
``g_fold < 1/s_0`` (:func:`fold_gain`): fixed points other than ``h = 0``
exist while ``h = 0`` is still stable.

Stability (derived here).  At a fixed point ``c = h``, so the ``U_z`` term
of the Jacobian (it multiplies ``c - h``) vanishes and::

    J = diag(1 - z) + diag(z) M,
    M = g diag(1 - h^2) U_h [diag(r) + diag(a_r r (1 - r) h) U_r].

For a constant update gate (``a_z = 0``, ``z = z_0 = sigma(b_z)``) the
spectrum is ``1 - z_0 + z_0 mu`` with ``mu`` the eigenvalues of ``M``.
``M = L U_h B`` with ``L`` diagonal and ``U_h`` Gaussian iid independent of
``B``: its eigenvalues fill, as ``N -> inf``, the disc of radius ``rho``
with ``rho^2 = tau(L^2) tau(B^T B)`` (the second-moment criterion of the
deformed Ginibre ensemble), i.e.::

    rho^2 = g^2 <(1 - tanh^2 x)^2> (<r^2> + a_r^2 <r^2 (1 - r)^2> C).       (4)

The map's spectral radius is ``1 - z_0 (1 - rho)`` (the disc is centred at
``1 - z_0 >= 0``): the fixed point is stable for ``rho < 1`` whatever
``z_0``, and its slowest mode relaxes on ``1 / (1 - |lambda|_max) = 1 /
(z_0 (1 - rho))`` steps, which diverges as the update gate shuts
(``b_z -> -inf``): slow modes.  At ``h = 0``, ``rho = g s_0``
(:func:`hebbian.rnn.spectral_support`).  On the branch of active fixed
points of ``b_h = 0``, ``rho >= 1`` (``rho -> 1`` as ``Delta -> 0``): those
fixed points are unstable; a bias ``b_h != 0`` makes the fixed point unique
and stable at small ``g``, up to ``rho = 1`` or, for a small ``b_h`` and a
large ``a_r``, up to a fold of ``g(Delta)`` where it meets another fixed
point (a saddle-node: an eigenvalue of ``J`` outside the disc of ``M``,
along the fixed point itself, on which the fields depend, reaches 1)
(:func:`instability_gain`).

Fluctuating update gate (derived here).  For ``a_z > 0`` the gates ``z_j =
sigma(a_z (U_z h)_j + b_z)`` differ between units; ``(U_z h)_j ~ N(0, C)``
is independent of ``x_j`` and ``y_j``.  The fixed points and ``rho`` do not
change, but ``J = D + K U_h B`` with ``D = diag(1 - z)``, ``K = g diag(z (1
- h^2))`` and ``B = diag(r) + diag(a_r r (1 - r) h) U_r`` is no longer a
shifted multiple of ``M``.  ``det(J - lambda) = det(D - lambda) det(1 +
X)``, ``X = (D - lambda)^{-1} K U_h B``; the eigenvalues of ``X`` are those
of ``U_h T``, ``T = B (D - lambda)^{-1} K``, an R-diagonal element
(Gaussian ``U_h`` free of ``T``) whose Brown measure lies in the disc of
radius ``tau(T^T T)^{1/2}`` (Haagerup and Larsen).  Outside that disc
``log |det(1 + X)| = 0`` and ``(1/N) log |det(J - lambda)|`` is harmonic
in ``lambda``: ``lambda`` lies outside the spectrum of ``J``.  With
``(B^T B)_jj = r_j^2 + a_r^2 <r^2 (1 - r)^2> C`` and ``z_j, h_j, r_j``
functions of independent fields, ``tau(T^T T) = rho^2 <z^2 / |1 - z -
lambda|^2>``: the spectrum of ``J`` fills::

    S = { lambda :  rho^2 <z^2 / |1 - z - lambda|^2>_z >= 1 },            (5)

the average over the gates' law (``z = sigma(a_z sqrt(C) xi + b_z)``,
``xi ~ N(0, 1)``), or over the ``N`` gates of one network (the
deterministic equivalent at finite ``N``).  A constant gate gives the disc
``|lambda - 1 + z_0| <= z_0 rho`` above.  With ``a_z > 0`` each centre ``1
- z`` in the support of the gates' law lies in ``S`` (the average diverges
there), and the sigmoid's law reaches ``z -> 0``: as ``N -> inf`` the
spectrum reaches 1 and the slowest time grows without bound, through the
units whose gates are most shut.  At finite ``N`` the rightmost point of
``S`` (on the real axis: the average falls with ``|Im lambda|``) is the
root ``x > 1 - z_(1)`` of ``rho^2 <z^2 / (1 - z - x)^2> = 1``, ``z_(1)``
the smallest gate (:func:`update_gate_gap`).  Where ``z_(1)`` lies apart
from the others its term alone gives a disc of radius ``~ z_(1) rho /
sqrt(N (1 - rho^2))`` about ``1 - z_(1)``, holding one real eigenvalue, at
``1 - z_(1)`` on average: the slowest time is ``~ 1/z_(1)``, the extreme
value of ``N`` gates, ``z_(1) ~ sigma(b_z - a_z sqrt(2 C log N))``; where
the smallest gates are dense the bulk of (5) sets it.

The limit ``a_r = 0``, ``b_r -> +inf``, ``b_h = 0`` is the tanh network
``h = tanh(g U_h h)``: ``Delta = g^2 <tanh^2>`` with its transition at ``g = 1``.

References
----------
T. Can, K. Krishnamurthy, D. J. Schwab, "Gating creates slow modes and
controls phase-space complexity in GRUs and LSTMs", Proc. MSML 2020, PMLR
107, 476, arXiv:2002.00025 (the model and the questions; Eqs. (1)-(4) are
this module's, derived as above, not transcribed).  V. L. Girko, Theory
Probab. Appl. 29, 694 (1985); Y. Ahmadian, F. Fumarola, K. D. Miller, PRE
91, 012820 (2015) (spectra of deformed iid matrices); U. Haagerup, F.
Larsen, J. Funct. Anal. 176, 331 (2000) (Brown measure of R-diagonal
elements, Eq. (5)).  G. Wainrib,
J. Touboul, PRL 110, 118101 (2013) (fixed points of the tanh network).
"""

from __future__ import annotations

import math

import numpy as np
from scipy import optimize
from scipy.special import expit, ndtri

from hebbian._checks import check_int, check_real
from hebbian.theory.gated_dmft import fixed_point_gain
from hebbian.theory.quadrature import gaussian_average
from hebbian.theory.solution import STATUS, Solution

__all__ = [
    "BRANCHES",
    "branch",
    "fixed_point",
    "fold_gain",
    "instability_gain",
    "reset_tricritical_gain",
    "slow_timescale",
    "update_gate_gap",
    "update_gate_quantiles",
    "zero_instability_gain",
]

#: Fixed points of :func:`fixed_point`: the smallest and the largest active
#: solution of (1)-(2), and ``h = 0`` (``b_h = 0`` only).
BRANCHES = ("smallest", "largest", "zero")

#: The parametrising field variance runs over this range on a geometric grid.
_DELTA_RANGE, _N_GRID = (1e-9, 1e3), 600


def _check_params(a_r, b_r, b_h):
    return (
        check_real(a_r, "a_r", low=0.0, finite=True),
        check_real(b_r, "b_r", finite=True),
        check_real(b_h, "b_h", finite=True),
    )


def _moments(Delta, a_r, b_r, b_h) -> dict:
    """The averages of (1)-(4) at field variance(s) ``Delta``, and the gain ``g(Delta)`` of (2)."""
    Delta = np.asarray(Delta, dtype=np.float64)
    sd = np.sqrt(Delta)
    C = gaussian_average(lambda x: np.tanh(x) ** 2, b_h, sd, 1.0)
    m = gaussian_average(np.tanh, b_h, sd, 1.0)
    dphi2 = gaussian_average(lambda x: (1.0 - np.tanh(x) ** 2) ** 2, b_h, sd, 1.0)
    gate_sd = a_r * np.sqrt(C)
    r2 = gaussian_average(lambda u: expit(u) ** 2, b_r, gate_sd, 1.0)
    slope2 = gaussian_average(lambda u: (expit(u) * expit(-u)) ** 2, b_r, gate_sd, 1.0)
    s2 = a_r**2 * slope2 * C
    with np.errstate(divide="ignore", invalid="ignore"):
        g = np.sqrt(Delta / (r2 * C))
    rho2 = g**2 * dphi2 * (r2 + s2)
    return {
        "Delta": Delta,
        "C": C,
        "m": m,
        "g": g,
        "r2": r2,
        "s2": s2,
        "dphi2": dphi2,
        "rho": np.sqrt(rho2),
    }


def branch(Delta, *, a_r: float = 1.0, b_r: float = 0.0, b_h: float = 0.0) -> dict:
    """The curve of mean-field fixed points, parametrised by the field variance, Eqs. (1)-(4).

    Parameters
    ----------
    Delta : float or array_like
        Variances ``> 0`` of the candidate's field ``x``.
    a_r, b_r : float
        Reset-gate gain (>= 0) and bias.
    b_h : float
        Candidate bias.

    Returns
    -------
    dict of ndarray
        ``Delta``; ``C = <h^2>`` (Eq. (1)), ``m = <h>``; ``g``, the gain at
        which ``Delta`` solves Eq. (2); ``r2 = <r^2>``, ``s2 = a_r^2 <r^2 (1 -
        r)^2> C``, ``dphi2 = <(1 - h^2)^2>`` and ``rho``, the radius of the
        spectrum of ``M`` (Eq. (4)).

    Raises
    ------
    ValueError
        If a ``Delta`` is not positive and finite, or a parameter is out of range.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020); Eqs. (1)-(4) of the
    module docstring.

    Examples
    --------
    >>> b = branch(1e-8, a_r=0.0, b_r=40.0)  # the tanh network leaves h = 0 at g = 1
    >>> round(float(b["g"]), 6), round(float(b["rho"]), 6)
    (1.0, 1.0)
    """
    a_r, b_r, b_h = _check_params(a_r, b_r, b_h)
    Delta = np.asarray(Delta, dtype=np.float64)
    if Delta.size == 0 or not np.all(np.isfinite(Delta) & (Delta > 0)):
        raise ValueError(f"Delta={Delta!r}: pass field variances > 0 and finite")
    return _moments(Delta, a_r, b_r, b_h)


def _grid(a_r, b_r, b_h) -> dict:
    return _moments(np.geomspace(*_DELTA_RANGE, _N_GRID), a_r, b_r, b_h)


def _solution(params, moments: dict, z0: float, *, status: int, message: str, branch_: str):
    """A :class:`Solution` holding the order parameters and the map's spectral edge."""
    order = {k: float(v) for k, v in moments.items() if k != "g"}
    rho = order["rho"]
    order["lambda_max"] = 1.0 - z0 * (1.0 - rho)
    order["timescale"] = 1.0 / (z0 * (1.0 - rho)) if rho < 1.0 else math.inf
    return Solution(
        model="gru",
        params=params,
        order_parameters=order,
        free_energy=math.nan,
        energy=math.nan,
        success=status == 0,
        status=status,
        message=message if status else STATUS[0],
        n_iter=0,
        residual=0.0 if status == 0 else math.nan,
        branch=branch_,
        stability=1.0 - order["lambda_max"],
    )


def fixed_point(
    g: float,
    *,
    a_r: float = 1.0,
    b_r: float = 0.0,
    b_h: float = 0.0,
    b_z: float = 0.0,
    branch: str = "largest",
) -> Solution:
    """Mean-field fixed point of the random GRU, Eqs. (1)-(2), and its stability, Eq. (4).

    The active solutions are the crossings of ``g(Delta)`` (:func:`branch`)
    with ``g`` on a fine geometric grid of ``Delta``, refined by Brent's
    method; ``branch`` picks the smallest or the largest (they coincide
    where there is one), or ``h = 0``.

    Parameters
    ----------
    g : float
        Candidate gain, > 0.
    a_r, b_r : float
        Reset-gate gain (>= 0) and bias.
    b_h : float
        Candidate bias.
    b_z : float
        Bias of a constant update gate (``a_z = 0``, ``z_0 = sigma(b_z)``):
        it sets only the spectral edge and the time scale.
    branch : {"smallest", "largest", "zero"}
        Which solution; ``"zero"`` needs ``b_h = 0``.

    Returns
    -------
    Solution
        ``model="gru"``; order parameters ``C = <h^2>``, ``Delta``, ``m``,
        ``r2``, ``s2``, ``dphi2``, ``rho`` (Eq. (4)), ``lambda_max = 1 - z_0
        (1 - rho)`` (the map's spectral radius) and ``timescale = 1/(1 -
        lambda_max)`` (``inf`` if unstable); ``stability = 1 - lambda_max``
        (positive: linearly stable).  ``success=False`` with status 5 where
        no solution of the branch exists.

    Raises
    ------
    ValueError
        For a parameter out of range or an unknown branch.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020); Eqs. (1)-(4) of the
    module docstring.

    Examples
    --------
    >>> s = fixed_point(2.0, a_r=0.0, b_r=40.0)  # tanh network: Delta = g^2 <tanh^2>
    >>> s.success, round(s["Delta"], 4), round(s["C"], 4), s["rho"] > 1
    (True, 2.1215, 0.5304, True)
    """
    g = check_real(g, "g", low=0.0, low_open=True, finite=True)
    a_r, b_r, b_h = _check_params(a_r, b_r, b_h)
    z0 = float(expit(check_real(b_z, "b_z", finite=True)))
    if branch not in BRANCHES:
        raise ValueError(f"branch={branch!r}; pass one of {BRANCHES}")
    params = {"g": g, "a_r": a_r, "b_r": b_r, "b_h": b_h, "b_z": b_z}
    if branch == "zero":
        if b_h != 0.0:
            raise ValueError(
                f"branch='zero' with b_h={b_h:g}: h = 0 is a fixed point only "
                f"for b_h = 0; pass b_h=0 or another branch"
            )
        r0 = float(expit(b_r))
        zero = {
            "Delta": 0.0,
            "C": 0.0,
            "m": 0.0,
            "r2": r0**2,
            "s2": 0.0,
            "dphi2": 1.0,
            "rho": g * r0,
        }
        return _solution(params, zero, z0, status=0, message="", branch_="zero")
    grid = _grid(a_r, b_r, b_h)
    gap = grid["g"] - g
    crossings = np.flatnonzero(np.sign(gap[:-1]) * np.sign(gap[1:]) < 0)
    if crossings.size == 0:
        nan = dict.fromkeys(("Delta", "C", "m", "r2", "s2", "dphi2", "rho"), math.nan)
        return _solution(
            params,
            nan,
            z0,
            status=5,
            message=f"{STATUS[5]}: no active fixed point at g={g:g}",
            branch_=branch,
        )
    k = crossings[0] if branch == "smallest" else crossings[-1]
    lo, hi = grid["Delta"][k], grid["Delta"][k + 1]
    Delta = optimize.brentq(
        lambda d: float(_moments(d, a_r, b_r, b_h)["g"]) - g, lo, hi, xtol=1e-14, rtol=1e-12
    )
    moments = _moments(Delta, a_r, b_r, b_h)
    return _solution(params, moments, z0, status=0, message="", branch_=branch)


def zero_instability_gain(b_r: float = 0.0) -> float:
    """Gain above which ``h = 0`` is unstable (``b_h = 0``): ``g = 1 / sigma(b_r)``.

    At ``h = 0``, ``rho = g sigma(b_r)`` (Eq. (4)), whatever the update gate;
    the same threshold as the gated rate network's
    (:func:`hebbian.theory.gated_dmft.fixed_point_gain`).

    Parameters
    ----------
    b_r : float
        Reset-gate bias.

    Returns
    -------
    float
        ``1 + exp(-b_r)``.

    Raises
    ------
    ValueError
        If ``b_r`` is NaN.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020); Eq. (4) of the
    module docstring.

    Examples
    --------
    >>> zero_instability_gain(0.0)
    2.0
    """
    return fixed_point_gain(b_r)


def reset_tricritical_gain(b_r: float = 0.0) -> float:
    """Reset-gate gain above which active fixed points appear at a fold, Eq. (3).

    Parameters
    ----------
    b_r : float
        Reset-gate bias.

    Returns
    -------
    float
        ``a_r* = sqrt(2 / ((1 - s_0)(2 - 3 s_0)))``, ``s_0 = sigma(b_r)``
        (``sqrt 8`` at ``b_r = 0``); ``inf`` for ``s_0 >= 2/3``.

    Raises
    ------
    ValueError
        If ``b_r`` is NaN or infinite.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020); Eq. (3) of the
    module docstring.

    Examples
    --------
    >>> round(reset_tricritical_gain(0.0) ** 2, 12)
    8.0
    """
    s0 = float(expit(check_real(b_r, "b_r", finite=True)))
    if 3.0 * s0 >= 2.0:
        return math.inf
    return math.sqrt(2.0 / ((1.0 - s0) * (2.0 - 3.0 * s0)))


def _turning_point(grid: dict, k: int, sign: float, a_r, b_r, b_h):
    """The minimum (``sign = 1``) or maximum (-1) of ``g(Delta)`` next to grid point ``k``."""
    lo = math.log(grid["Delta"][max(k - 1, 0)])
    hi = math.log(grid["Delta"][min(k + 1, grid["Delta"].size - 1)])
    res = optimize.minimize_scalar(
        lambda t: sign * float(_moments(math.exp(t), a_r, b_r, b_h)["g"]),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-10},
    )
    moments = _moments(math.exp(res.x), a_r, b_r, b_h)
    return res, {key: float(moments[key]) for key in ("g", "Delta", "C", "rho")}


def fold_gain(*, a_r: float, b_r: float = 0.0, b_h: float = 0.0) -> Solution:
    """Smallest gain at which active fixed points exist: the minimum of ``g(Delta)``.

    For ``b_h = 0`` and ``a_r > a_r*`` (:func:`reset_tricritical_gain`) it
    lies below ``1 / sigma(b_r)``: fixed points other than ``h = 0``
    coexist with the stable ``h = 0`` between the two gains.

    Parameters
    ----------
    a_r, b_r : float
        Reset-gate gain (>= 0) and bias.
    b_h : float
        Candidate bias; ``b_h = 0`` for the fold of the active branch.

    Returns
    -------
    Solution
        ``model="gru-fold"``, order parameters ``g`` (the fold gain), ``Delta``
        and ``C`` there, and ``rho``; ``success=False`` (status 5) where
        ``g(Delta)`` has no interior minimum (continuous onset at ``1 /
        sigma(b_r)``: ``g`` then holds that gain).

    Raises
    ------
    ValueError
        For a parameter out of range.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020); Eqs. (1)-(3) of the
    module docstring.

    Examples
    --------
    >>> s = fold_gain(a_r=4.0, b_r=-1.0)  # discontinuous: below 1/sigma(-1) = 3.718
    >>> s.success, round(s["g"], 3)
    (True, 2.794)
    """
    a_r, b_r, b_h = _check_params(a_r, b_r, b_h)
    params = {"a_r": a_r, "b_r": b_r, "b_h": b_h}
    grid = _grid(a_r, b_r, b_h)
    k = int(np.nanargmin(grid["g"]))
    order = {
        "g": float(grid["g"][k]),
        "Delta": float(grid["Delta"][k]),
        "C": float(grid["C"][k]),
        "rho": float(grid["rho"][k]),
    }
    if k == 0 or k == grid["g"].size - 1:
        if b_h == 0.0:
            order["g"] = zero_instability_gain(b_r)
        return Solution(
            "gru-fold",
            params,
            order,
            math.nan,
            math.nan,
            False,
            5,
            f"{STATUS[5]}: g(Delta) has no interior minimum (continuous onset)",
            0,
            math.nan,
            "fold",
        )
    res, order = _turning_point(grid, k, 1.0, a_r, b_r, b_h)
    return Solution(
        "gru-fold",
        params,
        order,
        math.nan,
        math.nan,
        bool(res.success),
        0 if res.success else 2,
        STATUS[0] if res.success else res.message,
        int(res.nfev),
        0.0,
        "fold",
    )


def instability_gain(*, a_r: float = 1.0, b_r: float = 0.0, b_h: float) -> Solution:
    """Gain at which the fixed point continued from ``g = 0`` becomes unstable, ``rho = 1``.

    Along ``g(Delta)`` from ``Delta -> 0`` (where ``h = tanh(b_h)``), the
    first point with ``rho = 1`` (Eq. (4)) or, if it comes first, the fold
    where the branch turns back.  For ``b_h = 0`` this is ``1/sigma(b_r)``
    (:func:`zero_instability_gain`).

    Parameters
    ----------
    a_r, b_r : float
        Reset-gate gain (>= 0) and bias.
    b_h : float
        Candidate bias.

    Returns
    -------
    Solution
        ``model="gru-instability"``, order parameters ``g``, ``Delta``,
        ``C``, ``rho``; ``branch`` is ``"edge"`` (``rho = 1``) or ``"fold"``.
        ``success=False`` (status 5) where the branch stays stable over the
        whole range of ``Delta``.

    Raises
    ------
    ValueError
        For a parameter out of range.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020); Eqs. (1)-(4) of the
    module docstring.

    Examples
    --------
    >>> s = instability_gain(a_r=0.0, b_r=40.0, b_h=0.5)
    >>> s.branch, round(s["g"], 3), round(s["rho"], 9)
    ('edge', 1.565, 1.0)
    """
    a_r, b_r, b_h = _check_params(a_r, b_r, b_h)
    params = {"a_r": a_r, "b_r": b_r, "b_h": b_h}
    if b_h == 0.0:
        g0 = zero_instability_gain(b_r)
        order = {"g": g0, "Delta": 0.0, "C": 0.0, "rho": 1.0}
        return Solution(
            "gru-instability",
            params,
            order,
            math.nan,
            math.nan,
            True,
            0,
            STATUS[0],
            0,
            0.0,
            "edge",
        )
    grid = _grid(a_r, b_r, b_h)
    turns = np.flatnonzero(np.diff(grid["g"]) <= 0)
    end = turns[0] if turns.size else grid["g"].size - 1
    unstable = np.flatnonzero(grid["rho"][: end + 1] >= 1.0)
    if unstable.size == 0:
        if turns.size == 0:
            order = dict.fromkeys(("g", "Delta", "C", "rho"), math.nan)
            return Solution(
                "gru-instability",
                params,
                order,
                math.nan,
                math.nan,
                False,
                5,
                f"{STATUS[5]}: stable over the whole branch",
                0,
                math.nan,
                "edge",
            )
        res, order = _turning_point(grid, turns[0], -1.0, a_r, b_r, b_h)
        return Solution(
            "gru-instability",
            params,
            order,
            math.nan,
            math.nan,
            bool(res.success),
            0 if res.success else 2,
            STATUS[0] if res.success else res.message,
            int(res.nfev),
            0.0,
            "fold",
        )
    k = unstable[0]
    lo, hi = grid["Delta"][max(k - 1, 0)], grid["Delta"][k]
    Delta = optimize.brentq(
        lambda d: float(_moments(d, a_r, b_r, b_h)["rho"]) - 1.0, lo, hi, xtol=1e-14, rtol=1e-12
    )
    moments = _moments(Delta, a_r, b_r, b_h)
    order = {key: float(moments[key]) for key in ("g", "Delta", "C", "rho")}
    return Solution(
        "gru-instability", params, order, math.nan, math.nan, True, 0, STATUS[0], 0, 0.0, "edge"
    )


def slow_timescale(rho, b_z) -> np.ndarray:
    """Slowest relaxation time ``1 / (1 - |lambda|_max) = 1 / (sigma(b_z) (1 - rho))`` steps.

    The map's Jacobian there is ``1 - z_0 + z_0 M`` for a constant update
    gate ``z_0 = sigma(b_z)`` (module docstring): shutting the gate
    (``b_z -> -inf``) stretches every time scale by ``1/z_0 ~ exp(-b_z)``.
    A fluctuating gate (``a_z > 0``) is slower, and more so the larger the
    network: :func:`update_gate_gap`, Eq. (5).

    Parameters
    ----------
    rho : float or array_like
        Spectral radius of ``M`` (Eq. (4)), in ``[0, 1)``.
    b_z : float or array_like
        Update-gate bias(es), finite; broadcast with ``rho``.

    Returns
    -------
    ndarray
        Time scales in steps.

    Raises
    ------
    ValueError
        If a ``rho`` is outside ``[0, 1)`` or a ``b_z`` is not finite.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020) (slow modes of the
    update gate); Eq. (4) of the module docstring.

    Examples
    --------
    >>> float(slow_timescale(0.5, 0.0))  # z_0 = 1/2
    4.0
    """
    rho = np.asarray(rho, dtype=np.float64)
    b_z = np.asarray(b_z, dtype=np.float64)
    if not np.all((rho >= 0) & (rho < 1)):
        raise ValueError(f"rho={rho!r}: pass spectral radii in [0, 1) (a stable fixed point)")
    if not np.all(np.isfinite(b_z)):
        raise ValueError(f"b_z={b_z!r}: pass finite update-gate biases")
    return 1.0 / (expit(b_z) * (1.0 - rho))


def update_gate_gap(rho: float, gates) -> float:
    """Distance ``1 - x`` from 1 of the rightmost point ``x`` of the spectrum (5), given the gates.

    The root ``x > 1 - min z`` of ``rho^2 <z^2 / (1 - z - x)^2> = 1``, the
    average over ``gates``: the ``N`` update gates of one network at its
    fixed point (the finite-``N`` deterministic equivalent), or typical
    ones (:func:`update_gate_quantiles`).  ``1 / gap`` is the slowest time
    scale in steps where the right edge is the farthest from 0 (gates
    ``<= 1/2``).  A smallest gate apart from the rest contributes a disc
    about ``1 - z_(1)`` whose eigenvalue lies inside, ``1 - z_(1)`` on
    average: ``gap`` is then a lower bound of order ``z_(1) (1 - rho /
    sqrt(N (1 - rho^2)))``.

    Parameters
    ----------
    rho : float
        Spectral radius of ``M`` (Eq. (4)), ``> 0``.
    gates : array_like
        Update gates ``z_j``, in ``(0, 1]``.

    Returns
    -------
    float
        ``1 - x``; negative where the spectrum reaches beyond 1.  For
        equal gates ``z_0``: ``z_0 (1 - rho)``.

    Raises
    ------
    ValueError
        If ``rho <= 0`` or not finite, or ``gates`` is empty or has a value
        outside ``(0, 1]``.

    References
    ----------
    Can, Krishnamurthy, Schwab, arXiv:2002.00025 (2020) (slow modes of the
    update gate); Eq. (5) of the module docstring, derived there.

    Examples
    --------
    >>> round(update_gate_gap(0.5, [0.1, 0.1]), 12)  # equal gates: z_0 (1 - rho)
    0.05
    >>> update_gate_gap(0.5, [0.05, 0.1]) < 0.05  # a more shut gate: slower
    True
    """
    rho = check_real(rho, "rho", low=0.0, low_open=True, finite=True)
    z = np.asarray(gates, dtype=np.float64).ravel()
    if z.size == 0 or not np.all((z > 0) & (z <= 1)):
        raise ValueError(f"gates={gates!r}: pass update gates in (0, 1]")
    z_min, z_max = float(z.min()), float(z.max())

    def excess(gap):  # rho^2 <z^2 / (z - gap)^2> - 1, with gap = 1 - x < z_min
        return rho * rho * float(np.mean((z / (z - gap)) ** 2)) - 1.0

    # each term is <= 1/rho^2 at gap = z_min - (1 + rho) z_max; the smallest gate's term alone
    # exceeds 1/rho^2 by far at gap = z_min (1 - 1e-13)
    low = z_min - (1.0 + rho) * z_max
    return optimize.brentq(excess, low, z_min * (1.0 - 1e-13), xtol=1e-15 * z_min, rtol=1e-13)


def update_gate_quantiles(C: float, N: int, *, a_z: float, b_z: float) -> np.ndarray:
    """Typical update gates of ``N`` units: median order statistics of the gates' law.

    ``xi_(k) = Phi^{-1}((k - 1/3) / (N + 1/3))``, the median of the ``k``-th
    smallest of ``N`` standard normals to a good approximation (Kerman);
    with :func:`update_gate_gap` the typical slowest time of a network of
    ``N`` units, whose gates are ``sigma(a_z (U_z h)_j + b_z)``,
    ``(U_z h)_j ~ N(0, C)``.

    Parameters
    ----------
    C : float
        ``<h^2>`` at the fixed point (Eq. (1)), ``>= 0``.
    N : int
        Number of units, ``>= 1``.
    a_z, b_z : float
        Update-gate gain (``>= 0``) and bias.

    Returns
    -------
    ndarray, shape (N,)
        Gates in increasing order.

    Raises
    ------
    ValueError
        For ``C < 0``, ``N < 1``, ``a_z < 0`` or a non-finite parameter.

    References
    ----------
    J. Kerman, "A closed-form approximation for the median of the beta
    distribution", arXiv:1111.0433 (2011); Eq. (5) of the module docstring.

    Examples
    --------
    >>> z = update_gate_quantiles(0.25, 3, a_z=0.0, b_z=0.0)
    >>> z.tolist()
    [0.5, 0.5, 0.5]
    """
    C = check_real(C, "C", low=0.0, finite=True)
    N = check_int(N, "N", minimum=1)
    a_z = check_real(a_z, "a_z", low=0.0, finite=True)
    b_z = check_real(b_z, "b_z", finite=True)
    xi = ndtri((np.arange(1, N + 1) - 1.0 / 3.0) / (N + 1.0 / 3.0))
    return expit(b_z + a_z * math.sqrt(C) * xi)
