r"""Replica symmetry breaking in dense P-spin Hebbian networks (``P >= 3``).

Normalization of :mod:`hebbian.theory.dense` (``K = alpha N^{P-1}``).  For ``P >= 3``
the non-condensed patterns act on the spins as a Gaussian glass of covariance
``xi(q) = alpha q^P / P!`` (:func:`hebbian.theory.dense.noise`) and nothing else:
only the "hard", SK-like part of the free energy survives, unlike ``P = 2``
where a soft (Gaussian) part comes with it (Albanese, Alemanno,
Alessandrelli, Barra, J. Stat. Phys. 189, 24 (2022), arXiv:2111.12997; for
``P = 2`` see :mod:`hebbian.theory.hopfield_rsb`).  With one condensed pattern of
overlap ``m`` the k-RSB free energy is therefore

.. math::

    f(m; q, x) = \frac{(P-1)\, m^P}{P!} + f_{\rm Parisi}\big(q, x;\
        h = m^{P-1}/(P-1)!,\ \xi\big),

the Parisi functional of :mod:`hebbian.theory.parisi` in the field ``h`` of the
condensed pattern, maximized over ``(q, x)`` (Guerra's bound) and stationary
in ``m``: ``m = -d f_Parisi / d h``, the magnetization along the pattern.
``m = 0`` is the spin-glass state.

At ``T = 0`` the replica-symmetric retrieval state of ``P >= 3`` is frozen
(``q = 1``) and unstable (replicon ``-inf``); one step of RSB changes it
strongly, unlike ``P = 2``: at ``P = 3`` the critical storage rises from the
RS 0.1261 to 0.1537 (:func:`alpha_c_rsb`), and the 1RSB retrieval overlap
at ``T = 0`` is the RS one at ``T ~ 0.05``, where RS is stable: the step
removes the reentrance of the RS ``alpha_c(T)``.  The 1RSB critical storage
lies just below the peak of the RS ``alpha_c(T)``: 0.1537 vs 0.1549 (at
``T = 0.155``) for P = 3, 0.0382 vs 0.0383 (``T = 0.04``) for P = 4, as for
the Hopfield network (0.138186 vs 0.138189; Steffan & Kuehn, Z. Phys. B 95,
249 (1994)).

Held at a fixed overlap (:func:`constrained_rsb`), the states give the slope
``lambda = df/dm`` of the Landau free energy that Monte Carlo at fixed
overlap measures.  Between the two spinodals the difference is plain: at
P = 3, ``alpha = 0.147``, ``m = 0.7`` the one-step slope is -0.0057 at every
``T <= 0.11`` (a retrieval minimum exists), while the RS slope rises from
-0.0033 at ``T = 0.11`` to +0.0140 at ``T = 0.05`` (none: its reentrance);
the two meet where the step collapses, near ``T = 0.15``.
"""

from __future__ import annotations

import dataclasses
import functools
import math

import numpy as np
from scipy import optimize

from hebbian._checks import check_real, check_tol
from hebbian.theory import dense
from hebbian.theory.dense import _load, _order, _signal, noise
from hebbian.theory.parisi import (
    Grid,
    ParisiSolution,
    check_steps,
    maximize,
    parisi_functional,
    ramp,
    rsb_temperature,
)
from hebbian.theory.solution import STATUS, Transition

__all__ = ["alpha_c_rsb", "constrained_rsb", "solve_rsb"]

BRANCHES = ("spin glass", "retrieval")
GRID = Grid()


def _mattis(P: int, m: float) -> float:
    """The condensed pattern's term ``(P-1) m^P / P!`` of the free energy."""
    return (P - 1) * m**P / math.factorial(P)


def _unpack(u: np.ndarray, k: int, zero_T: bool):
    """``u = (q free..., x..., extra)`` -> ``q`` (with ``q_k = 1`` at ``T = 0``), ``x``, extra."""
    n_q = k if zero_T else k + 1
    q = np.append(u[:n_q], 1.0) if zero_T else u[:n_q]
    return q, u[n_q : n_q + k], u[-1]


def _inside(q: np.ndarray, x: np.ndarray, zero_T: bool) -> bool:
    top = math.inf if zero_T else 1.0
    return bool(
        np.all(np.diff(q) >= 0) and q[0] >= 0 and q[-1] <= 1
        and np.all(np.diff(x) >= 0) and np.all(x > 0) and np.all(x <= top)
    )  # fmt: skip


def _equations(P: int, alpha: float, beta: float, m: float, q, x, h: float | None = None):
    """Stationarity in the free ``q``, in ``x`` (``mu`` at ``T = 0``), and ``M - m``, in the
    field ``h`` (default the condensed pattern's own, ``m^(P-1)/(P-1)!``)."""
    zero_T = math.isinf(beta)
    h = _signal(P, m) if h is None else h
    v = parisi_functional(q, x if zero_T else beta * x, beta, h, GRID, noise(P, alpha))
    g_x = v.grad_mu if zero_T else v.grad_mu * beta
    return np.concatenate([v.grad_q[: q.size - zero_T], g_x, [v.m - m]])


def _root(P: int, beta: float, k: int, u0: np.ndarray, *, free: str, alpha=None, m=None):
    """Solve :func:`_equations` for ``q, x`` and the ``free`` one of ``m``, ``alpha`` or
    ``h`` (the field at fixed ``alpha`` and ``m``: the constrained state), the others given."""
    zero_T = math.isinf(beta)

    def F(u):
        q, x, extra = _unpack(u, k, zero_T)
        given = {"alpha": alpha, "m": m, "h": None, free: extra}
        if not (_inside(q, x, zero_T) and 0 < given["m"] <= 1 and given["alpha"] > 0):
            return np.full(u.size, 1e3)  # outside the domain: push the root finder back
        return _equations(P, given["alpha"], beta, given["m"], q, x, given["h"])

    res = optimize.root(F, u0, method="hybr", options={"xtol": 1e-13})
    residual = float(np.abs(res.fun).max())
    if residual > 1e-10:  # Powell's method can stall far from the root: Levenberg-Marquardt
        lm = optimize.root(F, u0, method="lm", options={"xtol": 1e-13})
        if float(np.abs(lm.fun).max()) < residual:
            return lm.x, float(np.abs(lm.fun).max())
    return res.x, residual


def _maximize(P: int, alpha: float, beta: float, m: float, q, x, *, tol: float, params: dict,
              h: float | None = None):  # fmt: skip
    """The Parisi parameters maximizing the functional in the field ``h`` (default the
    condensed pattern's at overlap ``m``), from ``(q, x)``."""
    h = _signal(P, m) if h is None else h
    return maximize(beta, h, q, x, free_q=True, tol=tol, max_iter=5000,
                    model="dense-rsb", params=params, grid=GRID, xi=noise(P, alpha))  # fmt: skip


def _start(P: int, alpha: float, beta: float, m: float, k: int, q_top: float, h=None):
    """``(q free, x)`` maximizing the functional at fixed ``m`` (in the field ``h``, default
    the pattern's own) from :func:`ramp`, and the maximized state."""
    s = _maximize(P, alpha, beta, m, *ramp(k, math.isinf(beta), q_top), tol=1e-9, params={}, h=h)
    q = np.array(s.q_levels)
    return np.concatenate([q[:-1] if math.isinf(beta) else q, s.x_levels]), s


def _confirmed(P: int, alpha: float, beta: float, k: int, u0, tol: float, params: dict):
    """Newton from ``u0`` on every stationarity condition of the retrieval state, then the
    maximum of the functional at the root's overlap: ``(state, m)``."""
    u, _ = _root(P, beta, k, u0, free="m", alpha=alpha)
    m = float(u[-1])
    q, x, _ = _unpack(u, k, math.isinf(beta))
    return _maximize(P, alpha, beta, m, q, x, tol=tol, params=params), m


def _split(state, zero_T: bool) -> np.ndarray:
    """A start for one step more than ``state``: a level three quarters of the way up its top
    gap, with ``x`` (``mu`` at ``T = 0``) doubled, or halfway to 1, above; ``m`` appended."""
    q, x = np.array(state.q_levels), np.array(state.x_levels)
    q = np.insert(q, q.size - 1, q[-2] + 0.75 * (q[-1] - q[-2]))
    x = np.append(x, 2 * x[-1] if zero_T else (1 + x[-1]) / 2)
    return np.concatenate([q[:-1] if zero_T else q, x, [state["m"]]])


def _checked(P, alpha, T, k, tol) -> tuple[int, float, float, float, int, float]:
    """``(P, alpha, T, beta, k, tol)`` as :func:`solve_rsb` takes them, or the error naming one."""
    P, alpha, (T, beta) = _order(P), _load(alpha), rsb_temperature(T)
    if P == 2:
        raise ValueError("P=2 has the soft (AGS) part too; use theory.hopfield_rsb for P = 2")
    std = math.sqrt(noise(P, alpha)(1.0, 1))  # the glass field's largest std, sqrt(xi'(1))
    if std > GRID.L / 6:
        top = (GRID.L / 6) ** 2 * math.factorial(P - 1)
        raise ValueError(
            f"alpha={alpha:g} must be <= {top:.4g} at P={P}: the glass field's std "
            f"sqrt(xi'(1)) = {std:.3g} exceeds L/6 = {GRID.L / 6:.3g} of the Parisi field grid, "
            f"whose truncation would then show in f"
        )
    return P, alpha, T, beta, check_steps(k), check_tol(tol)


def solve_rsb(
    P: int,
    alpha: float,
    T: float,
    k: int = 1,
    *,
    branch: str = "spin glass",
    guess: float | None = None,
    tol: float = 1e-7,
) -> ParisiSolution:
    """k-step RSB state of the dense network, ``P >= 3``: the spin glass or the retrieval state.

    The spin glass (``m = 0``) is the k-RSB maximum of the Parisi functional
    with covariance :func:`hebbian.theory.dense.noise` (:func:`hebbian.theory.parisi.maximize`),
    a P-spin glass with ``J^2 = 2 alpha / P!`` in the usual units: its static
    transition, where the 1RSB step appears with ``x = 1``, is Gardner's
    ``T_s = 0.651`` for P = 3 at ``alpha = 3`` (Gardner, Nucl. Phys. B 257,
    747 (1985)).  The retrieval state also solves ``m = M(m)`` (module
    docstring): the Parisi parameters maximized at the RS overlap start a
    Newton (hybr) solve of all stationarity conditions, and the result is
    maximized once more at its ``m`` to confirm it is the maximum there.

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170`` (``P = 2``: :mod:`hebbian.theory.hopfield_rsb`).
    alpha, T : float
        Load ``K / N^(P-1)``, at most ``(8/6)^2 (P-1)!`` (the glass field's std
        ``sqrt(xi'(1))`` within a sixth of the field grid ``L = 8``), and
        temperature: ``T <= 1e-4`` is solved as ``T = 0``
        (:func:`hebbian.theory.parisi.rsb_temperature`), ``T = inf`` refused
        (the paramagnet of :func:`hebbian.theory.dense.solve`).
    k : int
        Steps of replica symmetry breaking (``0``: RS, equal to
        :func:`hebbian.theory.dense.solve`), at most 10.
    branch : {"spin glass", "retrieval"}
        Which state to solve for.
    guess : float, optional
        Starting overlap of the retrieval state (default: the RS solution's,
        or the 1RSB fold's above the RS critical storage).
    tol : float
        Largest residual accepted (projected gradient and ``|M - m|``).

    Returns
    -------
    ParisiSolution
        ``order_parameters`` ``q0..qk``, ``x1..xk`` (``mu1..`` at ``T = 0``)
        and ``m``; ``free_energy`` and ``energy`` include the condensed
        pattern's term.  ``branch``: ``"paramagnet"``, ``"RS"``, ``"j-RSB"``
        for the spin glass, ``"retrieval"`` (the steps are in ``q_levels``)
        for the retrieval state; status 5 where no retrieval state exists.

    Raises
    ------
    ValueError, TypeError
        For ``P = 2`` or ``P`` outside ``[3, 170]``, ``alpha`` negative or above
        the grid's limit, ``T`` negative, NaN or infinite, ``k`` outside
        ``[0, 10]``, ``tol`` outside ``(0, 1e-2]``, an unknown ``branch`` or a
        ``guess`` outside ``(0, 1]``, naming it.

    References
    ----------
    Albanese, Alemanno, Alessandrelli, Barra, J. Stat. Phys. 189, 24 (2022);
    Gardner, Nucl. Phys. B 257, 747 (1985).

    Examples
    --------
    >>> s = solve_rsb(3, 0.12, 0.0, branch="retrieval")  # RS: m = 0.9066
    >>> round(s["m"], 4), round(s["q0"], 4)
    (0.9233, 0.9708)
    """
    P, alpha, T, beta, k, tol = _checked(P, alpha, T, k, tol)
    if branch not in BRANCHES:
        raise ValueError(f"branch={branch!r} is not one of {BRANCHES}")
    if guess is not None:
        guess = check_real(guess, "guess", low=0.0, high=1.0, low_open=True,
                           fix="guess is the retrieval overlap m")  # fmt: skip
    zero_T = math.isinf(beta)
    params = {"P": P, "alpha": alpha, "T": T, "k": k}
    if branch == "spin glass":
        return _maximize(P, alpha, beta, 0.0, *ramp(k, zero_T), tol=tol, params=params)
    if guess is None:
        rs = dense.solve(P, alpha, 0.0 if zero_T else T)
        exists = rs.success or k > 0  # RS (k = 0) has no retrieval state past its alpha_c
        if rs.success:
            guess, q_top = rs["m"], rs["q"]
        else:
            guess, q_top = (alpha_c_rsb(P).m if zero_T else 0.9), 1.0
    else:
        exists, q_top = True, 1.0
    u0 = np.append(_start(P, alpha, beta, float(guess), k, q_top)[0], guess)
    s, m = _confirmed(P, alpha, beta, k, u0, tol, params)
    if max(s.residual, abs(s["m"] - m)) > tol and k >= 2:
        # the start's maximum is flat in the extra step, and the root can stall where two
        # steps merge: start again from the state with a step fewer, its top step split
        fewer = solve_rsb(P, alpha, T, k - 1, branch="retrieval", guess=guess, tol=tol)
        if fewer.success:
            again = _confirmed(P, alpha, beta, k, _split(fewer, zero_T), tol, params)
            if max(again[0].residual, abs(again[0]["m"] - again[1])) < s.residual:
                s, m = again
    mismatch = abs(s["m"] - m)
    residual = max(s.residual, mismatch)
    lost = not (m > 0.05 and exists)
    status = 5 if lost else (0 if residual <= tol else 1)
    message = {
        0: STATUS[0],
        1: f"no stationary point: residual {residual:.1e} > tol (|M - m| = {mismatch:.1e}); "
        f"past the critical storage (alpha_c_rsb)?",
        5: f"{STATUS[5]}: the retrieval state is lost (m = {m:.3g}) at alpha={alpha:g}",
    }[status]
    order = dict(s.order_parameters, m=m)
    return dataclasses.replace(
        s,
        order_parameters=order,
        free_energy=s.free_energy + _mattis(P, m),
        energy=s.energy + _mattis(P, m),
        success=status == 0,
        status=status,
        message=message,
        residual=residual,
        branch="retrieval",
    )


def constrained_rsb(P: int, alpha: float, T: float, m: float, k: int = 1, *,
                    tol: float = 1e-7) -> ParisiSolution:  # fmt: skip
    r"""k-step RSB state held at overlap ``m`` with a stored pattern: the slope of its
    Landau free energy, the quantity Monte Carlo at fixed overlap measures.

    Holding the overlap at ``m`` replaces the condensed pattern's own field
    ``m^(P-1)/(P-1)!`` by the field ``h`` for which the glass's magnetization
    along the pattern is ``m`` (the Parisi parameters maximized in that
    field).  The constrained free energy is the Legendre transform

    .. math::

        f(m) = -\frac{m^P}{P!} + f_{\rm Parisi}(h) + h m, \qquad
        \lambda \equiv \frac{df}{dm} = h - \frac{m^{P-1}}{(P-1)!},

    equal to the module's ``f(m; q, x)`` where ``lambda = 0``, the stationary
    states of :func:`solve_rsb`.  A retrieval state exists at this load where
    ``lambda`` changes sign from negative to positive with growing ``m``;
    ``min_m lambda`` (between the glass and the retrieval state) crosses zero
    at the critical storage.  ``k = 0`` is the replica-symmetric curve.

    Parameters
    ----------
    P, alpha, T, k, tol
        As in :func:`solve_rsb`.
    m : float
        The overlap, in ``(0, 1)``.

    Returns
    -------
    ParisiSolution
        ``order_parameters``: the Parisi parameters, ``m``, ``h`` and
        ``lambda``; ``free_energy`` the constrained ``f(m)``; ``success``
        False (with the residual) where no stationary point was found.

    Raises
    ------
    ValueError, TypeError
        For ``m`` outside ``(0, 1)`` or the arguments :func:`solve_rsb` refuses.

    Examples
    --------
    >>> s = solve_rsb(3, 0.12, 0.05, branch="retrieval")
    >>> held = constrained_rsb(3, 0.12, 0.05, s["m"])
    >>> abs(held["lambda"]) < 1e-6, abs(held.free_energy - s.free_energy) < 1e-8
    (True, True)
    """
    P, alpha, T, beta, k, tol = _checked(P, alpha, T, k, tol)
    m = check_real(m, "m", low=0.0, high=1.0, low_open=True, high_open=True,
                   fix="the overlap held lies in (0, 1)")  # fmt: skip
    zero_T = math.isinf(beta)
    params = {"P": P, "alpha": alpha, "T": T, "k": k, "m": m}
    h0 = _signal(P, m)
    h, q_top = h0, 1.0
    if k > 0:  # start in the RS state's field: where the step collapses there, that is the state
        rs = constrained_rsb(P, alpha, T, m, 0, tol=tol)
        if rs.success:
            h, q_top = rs["h"], rs.q_levels[-1]
    free, s = _start(P, alpha, beta, m, k, q_top, h)
    u = np.append(free, h)
    if k == 0 or s.q_levels[-1] - s.q_levels[0] > 1e-6 or abs(s["m"] - m) > tol:
        u, _ = _root(P, beta, k, u, free="h", alpha=alpha, m=m)
        h = float(u[-1])
    s = _maximize(P, alpha, beta, m, *_unpack(u, k, zero_T)[:2], tol=tol, params=params, h=h)
    mismatch = abs(s["m"] - m)
    residual = max(s.residual, mismatch)
    status = 0 if residual <= tol else 1
    message = STATUS[0] if status == 0 else (
        f"no stationary point: residual {residual:.1e} > tol (|M - m| = {mismatch:.1e})"
    )  # fmt: skip
    f = s.free_energy + h * m - m**P / math.factorial(P)
    return dataclasses.replace(
        s,
        order_parameters=dict(s.order_parameters, m=m, h=h, **{"lambda": h - h0}),
        free_energy=f,
        success=status == 0,
        status=status,
        message=message,
        residual=residual,
        branch="constrained",
    )


def alpha_c_rsb(P: int, T: float = 0.0) -> Transition:
    """Critical storage with one step of RSB: the fold ``max_m alpha(m)`` at temperature ``T``.

    The retrieval branch is parametrized by ``m``; for each ``m`` the
    stationarity conditions are solved for ``alpha`` and the Parisi
    parameters (continuation from the RS fold of :func:`hebbian.theory.dense.alpha_c`,
    down in ``m``).  Where the RS state is replicon-stable at its own fold
    (above the temperature where the de Almeida-Thouless line of
    :func:`hebbian.theory.dense_phases.T_AT` meets the RS spinodal) the step
    collapses there and the RS fold is returned: the two lines meet where the
    step collapses.  For P = 3 the 1RSB line is nearly vertical, 0.1537 at
    ``T = 0`` to 0.1549 where it joins the RS line near the peak of the
    reentrant RS ``alpha_c(T)`` (:func:`hebbian.theory.dense.alpha_c_peak`).

    Parameters
    ----------
    P : int
        Interaction order, ``3 <= P <= 170``.
    T : float, default 0
        Temperature ``>= 0`` (``T <= 1e-4`` is ``T = 0``); below
        ``T_M(P, 0)`` (:func:`hebbian.theory.dense.T_M`), where retrieval exists.

    Returns
    -------
    Transition
        ``value`` = alpha_c at 1RSB, ``m`` = the overlap there; both ``nan``
        where the continuation does not converge (residual above ``1e-9``;
        e.g. P = 4 at ``0 < T < T*``, where the one-step maximization at the
        RS fold runs to ``q = 1`` and gives no start) or no retrieval state
        exists at ``T``.

    Raises
    ------
    ValueError, TypeError
        For ``P`` or ``T`` out of range.

    References
    ----------
    Albanese, Alemanno, Alessandrelli, Barra, J. Stat. Phys. 189, 24 (2022);
    Gardner, J. Phys. A 20, 3453 (1987).

    Examples
    --------
    >>> c = alpha_c_rsb(3)  # RS: 0.1261 at m = 0.838
    >>> round(c.value, 4), round(c.m, 2)
    (0.1537, 0.65)
    """
    P = _order(P, minimum=3)
    T, _ = rsb_temperature(T)
    return _alpha_c_rsb(P, T)


def _vertex(x, y) -> float:
    """Abscissa of the vertex of the parabola through three points."""
    a, b, _ = np.polyfit(np.asarray(x, float), np.asarray(y, float), 2)
    return float(-b / (2 * a))


@functools.cache
def _alpha_c_rsb(P: int, T: float) -> Transition:
    beta, k = (math.inf if T == 0 else 1 / T), 1
    rs = dense.alpha_c(P, T)
    if math.isnan(rs.m):
        return Transition(math.nan, math.nan)
    q_rs = 1.0 if math.isinf(beta) else dense._branch_point(P, rs.m, beta)[1]
    if not math.isinf(beta) and dense._terms(P, rs.value, beta, rs.m, q_rs)["replicon"] >= 0:
        return rs  # RS is stable at its fold: the step has collapsed
    start = np.append(_start(P, rs.value, beta, rs.m, k, q_rs)[0], rs.value)

    @functools.cache
    def load(m: float) -> tuple[float, float]:
        nonlocal start
        u, residual = _root(P, beta, k, start, free="alpha", m=m)
        q, x, _ = _unpack(u, k, zero_T=math.isinf(beta))
        if q[-1] - q[0] < 1e-4 or (T > 0 and x[-1] > 1 - 1e-4):  # the RS root (merged levels,
            return math.nan, math.inf  # or x = 1) solves the equations too: not the one step
        if residual < 1e-10:
            start = u
        return float(u[-1]), residual

    # walk down in m from the RS fold until the load turns over (shorter steps where a
    # root is not found, past the fold), then refine the maximum by a parabola: ~9 solves
    ms, h = [rs.m + 0.05], 0.05
    loads = [-math.inf]
    while h > 1e-3 and ms[-1] > 0.05 and not (len(loads) > 2 and loads[-1] < loads[-2]):
        value, residual = load(ms[-1] - h)
        if residual > 1e-9:
            h /= 3
            continue
        ms.append(ms[-1] - h)
        loads.append(value)
    if len(loads) < 4 or not loads[-1] < loads[-2]:
        return Transition(math.nan, math.nan)
    m_top = _vertex(ms[-3:], loads[-3:])
    for h in (0.004,):  # the vertex of a parabola this narrow errs by ~1e-9 in the load
        grid = m_top + h * np.array([-1.0, 0.0, 1.0])
        refined = [load(float(m)) for m in grid]
        if max(r for _, r in refined) > 1e-9:
            break
        m_top = _vertex(grid, [v for v, _ in refined])
    value, residual = load(float(m_top))
    if residual > 1e-9:
        return Transition(math.nan, math.nan)
    return Transition(value, float(m_top))
