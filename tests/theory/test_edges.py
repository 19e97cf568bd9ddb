"""The solvers at the edges of their arguments: a right answer or a one-line error.

Every public solver either returns a :class:`~hebbian.theory.Solution` whose
equations hold at the returned point when ``success`` is true, or raises a
``ValueError``/``TypeError`` naming the argument at fault; never a traceback from
deep inside, never a wrong number labelled a success.  The temperature axis is
covered at both ends: ``T -> 0`` goes over continuously to the ``T = 0``
equations (``hebbian.temperature.T_ZERO`` for replica symmetry,
``T_ZERO_RSB`` for its breaking) and ``T = inf`` is the paramagnet (or refused
where a limit is not defined).
"""

from __future__ import annotations

import math
import re
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import erf

from hebbian.temperature import T_ZERO, T_ZERO_RSB
from hebbian.theory import Solution
from hebbian.theory import dense as D
from hebbian.theory import dense_rsb as DR
from hebbian.theory import exponential as E
from hebbian.theory import hopfield as H
from hebbian.theory import hopfield_rsb as HR
from hebbian.theory import learning as L
from hebbian.theory import multitask as MT
from hebbian.theory import sk as S
from hebbian.theory.quadrature import field_moments

# ------------------------------------------------------------------ the fuzz machinery

#: Values a hostile caller passes for any argument.
HOSTILE = (
    0,
    0.0,
    5e-324,
    -5e-324,
    1e-300,
    -1.0,
    1e300,
    math.inf,
    -math.inf,
    math.nan,
    True,
    False,
    "x",
    None,
    [0.1],
)


def _is_real(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and not math.isnan(v)


def real(lo=-math.inf, hi=math.inf, *, lo_open=False, hi_open=False, finite=False):
    """Predicate: a real number in the interval (``finite``: not +-inf)."""

    def ok(v) -> bool:
        if not _is_real(v) or (finite and math.isinf(v)):
            return False
        return (v > lo if lo_open else v >= lo) and (v < hi if hi_open else v <= hi)

    return ok


def integer(lo, hi=None):
    def ok(v) -> bool:
        return (
            isinstance(v, int) and not isinstance(v, bool) and v >= lo and (hi is None or v <= hi)
        )

    return ok


def boolean(v) -> bool:
    return isinstance(v, bool)


TEMPERATURE = real(0.0)
TOL = real(0.0, 1e-2, lo_open=True)


def arg(valid: st.SearchStrategy, hostile=HOSTILE) -> st.SearchStrategy:
    """A valid value five times in six, a hostile one otherwise (shrinking towards valid)."""
    return st.sampled_from((False,) * 5 + (True,)).flatmap(
        lambda bad: st.sampled_from(hostile) if bad else valid
    )


def _named(name: str, message: str) -> bool:
    return re.search(rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z_])", message) is not None


def outcome(fn, kwargs: dict, valid: dict):
    """Call ``fn(**kwargs)``; a refusal must name an argument, and invalid input must be refused.

    Returns the result, or ``None`` when the call was (rightly) refused.
    """
    bad = [name for name, ok in valid.items() if not ok(kwargs[name])]
    try:
        result = fn(**kwargs)
    except (ValueError, TypeError) as err:
        refusal = f"{type(err).__name__}: {err}"
    else:
        refusal = None
    if refusal is not None:
        assert "\n" not in refusal, f"{fn.__name__}({kwargs}): a multi-line message {refusal!r}"
        assert any(_named(name, refusal) for name in kwargs), (
            f"{fn.__name__}({kwargs}) raised {refusal!r}, which names none of its arguments"
        )
        return None
    assert not bad, f"{fn.__name__}({kwargs}) accepted invalid {bad}: {result}"
    return result


def _finite_T(s: Solution) -> float:
    """The inverse temperature a finite-T solution was computed at (``inf``: the T = 0 form)."""
    T = s.params["T"]
    return math.inf if T <= T_ZERO else 1 / T


def _common(s: Solution, tol: float) -> None:
    """What every successful solution satisfies."""
    assert s.status == 0
    assert s.residual <= tol
    for name, value in s.order_parameters.items():
        assert math.isfinite(value), f"{name}={value} in a successful {s}"
    assert not math.isnan(s.free_energy)
    if math.isinf(s.params.get("T", 0.0)):
        assert s.free_energy == -math.inf
    else:
        assert math.isfinite(s.free_energy)


# ------------------------------------------------------------------ equations, solver by solver


def _hopfield_holds(s: Solution, tol: float) -> None:
    _common(s, tol)
    alpha, beta = s.params["alpha"], _finite_T(s)
    if beta == 0:
        assert s["m"] == s["q"] == 0.0
        return
    if math.isinf(beta):
        assert H._zero_T_residual(alpha, s.order_parameters) <= 1e-9
        return
    m, q, r, C = s["m"], s["q"], s["r"], s["C"]
    fm = field_moments(m, math.sqrt(alpha * r), beta)
    slack = 10 * tol + 1e-12  # the residual is that of the iteration's unknowns
    assert fm.m == pytest.approx(m, abs=slack)
    assert fm.q == pytest.approx(q, abs=slack)
    susceptibility = fm.C
    assert susceptibility == pytest.approx(C, abs=slack)
    if alpha > 0:
        assert r == pytest.approx(q / (1 - C) ** 2, rel=1e-12)


def _dense_holds(s: Solution, tol: float) -> None:
    _common(s, tol)
    P, alpha, beta = s.params["P"], s.params["alpha"], _finite_T(s)
    m, q = s["m"], s["q"]
    if P == 2:
        h = H.solve(alpha, s.params["T"], branch=s.branch, tol=tol)
        assert (h["m"], h["q"]) == pytest.approx((m, q), abs=1e-12)
        return
    if beta == 0:
        assert m == q == 0.0
        return
    signal = m ** (P - 1) / math.factorial(P - 1)
    if math.isinf(beta):
        noise = math.sqrt(alpha / math.factorial(P - 1))
        expected = erf(signal / (math.sqrt(2) * noise)) if noise > 0 else 1.0
        assert m == pytest.approx(expected, abs=1e-9)
        return
    fm = field_moments(signal, math.sqrt(alpha * q ** (P - 1) / math.factorial(P - 1)), beta)
    assert fm.m == pytest.approx(m, abs=10 * tol + 1e-12)
    assert fm.q == pytest.approx(q, abs=10 * tol + 1e-12)


def _sk_holds(s: Solution, tol: float) -> None:
    _common(s, tol)
    h, beta, q = s.params["h"], _finite_T(s), s["q"]
    if beta == 0:
        assert q == s["m"] == 0.0
    elif math.isinf(beta):
        assert q == 1.0
        assert s.free_energy == pytest.approx(-field_moments(h, 1.0, math.inf).spin, abs=1e-12)
    else:
        assert field_moments(h, math.sqrt(q), beta).q == pytest.approx(q, abs=10 * tol + 1e-12)


def _bounded_holds(s: Solution, tol: float) -> None:
    """Solvers whose map is internal: their own residual, and the physical domain."""
    _common(s, tol)
    for name, value in s.order_parameters.items():
        if name.startswith("m") or name == "q":
            assert -1 - 1e-12 <= value <= 1 + 1e-12, f"{name}={value}"


# ------------------------------------------------------------------ fuzzing each solver

ALPHA = real(0.0, finite=True)
BRANCH = st.sampled_from(["retrieval", "spin glass", "paramagnet"])


@settings(max_examples=80)
@given(
    alpha=arg(st.floats(0.0, 0.3)),
    T=arg(st.floats(0.0, 1.5) | st.sampled_from([1e-300, 1e-15, 1e-11, 1e-8, math.inf])),
    tol=arg(st.sampled_from([1e-10, 1e-8, 1e-3]), (*HOSTILE, 10000000000.0, 0.5)),
    branch=BRANCH,
)
def test_hopfield_solve_fuzz(alpha, T, tol, branch):
    kwargs = {"alpha": alpha, "T": T, "tol": tol, "branch": branch}
    s = outcome(H.solve, kwargs, {"alpha": ALPHA, "T": TEMPERATURE, "tol": TOL})
    if s is not None and s.success:
        _hopfield_holds(s, tol)


@settings(max_examples=60)
@given(
    P=arg(st.integers(2, 6), (*HOSTILE, 100000, 1, 171)),
    alpha=arg(st.floats(0.0, 0.2)),
    T=arg(st.floats(0.0, 1.0) | st.sampled_from([1e-300, 1e-15, 1e-8, math.inf])),
    tol=arg(st.sampled_from([1e-10, 1e-6]), (*HOSTILE, 10000000000.0)),
    branch=BRANCH,
)
def test_dense_solve_fuzz(P, alpha, T, tol, branch):
    kwargs = {"P": P, "alpha": alpha, "T": T, "tol": tol, "branch": branch}
    valid = {"P": integer(2, D.MAX_P), "alpha": ALPHA, "T": TEMPERATURE, "tol": TOL}
    s = outcome(D.solve, kwargs, valid)
    if s is not None and s.success:
        _dense_holds(s, tol)


@settings(max_examples=60)
@given(
    T=arg(st.floats(0.0, 2.0) | st.sampled_from([1e-300, 1e-15, 1e-8, math.inf])),
    h=arg(st.floats(-2.0, 2.0)),
    tol=arg(st.sampled_from([1e-12, 1e-9]), (*HOSTILE, 10000000000.0)),
)
def test_sk_solve_fuzz(T, h, tol):
    kwargs = {"T": T, "h": h, "tol": tol}
    s = outcome(S.solve, kwargs, {"T": TEMPERATURE, "h": real(finite=True), "tol": TOL})
    if s is not None and s.success:
        _sk_holds(s, tol)


@settings(max_examples=60)
@given(
    P=arg(st.integers(2, 4), (*HOSTILE, 100000)),
    alpha=arg(st.floats(0.0, 0.15)),
    T=arg(st.floats(0.0, 1.0) | st.sampled_from([1e-300, 1e-15, 1e-8, math.inf])),
    r=arg(st.floats(0.05, 1.0) | st.sampled_from([1e-308, 1e-200, 1.0])),
    M=arg(st.integers(1, 30) | st.sampled_from([math.inf, 2.5]), (*HOSTILE, 10**7)),
    protocol=st.sampled_from(["supervised", "unsupervised"]),
    limit=st.sampled_from(["exact", "gaussian"]),
    self_interactions=arg(st.booleans(), ("no", 1, None, np.bool_(True))),
    tol=arg(st.just(1e-10), (*HOSTILE, 10000000000.0)),
)
def test_learning_solve_fuzz(P, alpha, T, r, M, protocol, limit, self_interactions, tol):
    kwargs = {"P": P, "alpha": alpha, "T": T, "r": r, "M": M, "protocol": protocol,
              "limit": limit, "self_interactions": self_interactions, "tol": tol}  # fmt: skip

    def examples(v) -> bool:
        if v == math.inf and _is_real(v):
            return True
        if limit == "exact":
            whole = isinstance(v, int) or (isinstance(v, float) and v.is_integer())
            return _is_real(v) and whole and 1 <= v <= L.MAX_EXACT_M
        return real(1.0)(v)

    valid = {
        "P": integer(2, D.MAX_P),
        "alpha": ALPHA,
        "T": TEMPERATURE,
        "r": real(0.0, 1.0, lo_open=True),
        "M": examples,
        "self_interactions": lambda v: isinstance(v, bool | np.bool_),
        "tol": TOL,
    }
    s = outcome(L.solve, kwargs, valid)
    if s is not None and s.success:
        _bounded_holds(s, tol)


@settings(max_examples=60)
@given(
    K=arg(st.integers(1, 3), (*HOSTILE, 11, 10**6)),
    d=arg(st.floats(0.0, 0.9)),
    T=arg(st.floats(0.0, 1.0) | st.sampled_from([1e-300, 1e-15, 1e-8, math.inf])),
    rho=arg(st.floats(0.0, 0.5)),
    alpha=arg(st.sampled_from([0.0, 0.01, 0.05])),
    tol=arg(st.just(1e-10), (*HOSTILE, 10000000000.0)),
)
def test_multitask_solve_fuzz(K, d, T, rho, alpha, tol):
    kwargs = {"K": K, "d": d, "T": T, "rho": rho, "alpha": alpha, "tol": tol}
    valid = {
        "K": integer(1, MT.MAX_K),
        "d": real(0.0, 1.0, hi_open=True),
        "T": TEMPERATURE,
        "rho": real(0.0, finite=True),
        "alpha": ALPHA,
        "tol": TOL,
    }
    s = outcome(MT.solve, kwargs, valid)
    if s is not None and s.success:
        _bounded_holds(s, tol)


@settings(max_examples=15)
@given(
    T=arg(st.sampled_from([0.0, 0.3, 0.7, 1.2, 1e-8, 1e-300]), HOSTILE),
    h=arg(st.sampled_from([0.0, 0.3])),
    k=arg(st.integers(0, 1), (*HOSTILE, 1000, 11)),
    tol=arg(st.just(1e-7), (*HOSTILE, 10000000000.0)),
)
def test_sk_rsb_fuzz(T, h, k, tol):
    kwargs = {"T": T, "h": h, "k": k, "tol": tol}
    valid = {
        "T": real(0.0, finite=True),
        "h": real(finite=True),
        "k": integer(0, 10),
        "tol": TOL,
    }
    s = outcome(S.solve_rsb, kwargs, valid)
    if s is not None and s.success:
        _common(s, tol)


@settings(max_examples=10)
@given(
    T=arg(st.sampled_from([0.0, 0.5, 1e-8]), HOSTILE),
    n_levels=arg(st.integers(1, 4), (*HOSTILE, 100000, 65)),
    tol=arg(st.just(1e-6), (*HOSTILE, 10000000000.0)),
)
def test_sk_full_rsb_fuzz(T, n_levels, tol):
    kwargs = {"T": T, "n_levels": n_levels, "tol": tol}
    valid = {"T": real(0.0, finite=True), "n_levels": integer(1, 64), "tol": TOL}
    s = outcome(S.solve_full_rsb, kwargs, valid)
    if s is not None and s.success:
        _common(s, tol)


@settings(max_examples=12)
@given(
    P=arg(st.integers(3, 4), (*HOSTILE, 2, 100000)),
    alpha=arg(st.sampled_from([0.05, 0.1, 1.0])),
    T=arg(st.sampled_from([0.0, 0.3, 1e-8]), HOSTILE),
    k=arg(st.integers(0, 1), (*HOSTILE, 1000)),
    tol=arg(st.just(1e-7), (*HOSTILE, 10000000000.0)),
)
def test_dense_rsb_fuzz(P, alpha, T, k, tol):
    kwargs = {"P": P, "alpha": alpha, "T": T, "k": k, "tol": tol}
    valid = {
        "P": integer(3, D.MAX_P),
        "alpha": ALPHA,
        "T": real(0.0, finite=True),
        "k": integer(0, 10),
        "tol": TOL,
    }
    s = outcome(DR.solve_rsb, kwargs, valid)
    if s is not None and s.success:
        _common(s, tol)


@settings(max_examples=60)
@given(
    m=arg(st.floats(0.0, 1.0)),
    lam=arg(st.floats(0.01, 5.0)),
    T=arg(st.floats(0.01, 2.0)),
    ensemble=st.sampled_from(["binary", "spherical"]),
)
def test_exponential_thresholds_fuzz(m, lam, T, ensemble):
    for fn, kwargs, valid in [
        (E.critical_load, {"m": m, "lam": lam, "ensemble": ensemble},
         {"m": real(0.0, 1.0), "lam": real(0.0, lo_open=True, finite=True)}),
        (E.alpha_spinodal, {"T": T, "lam": lam, "ensemble": ensemble},
         {"T": real(0.0, lo_open=True), "lam": real(0.0, lo_open=True, finite=True)}),
        (E.alpha_zero_T, {"lam": lam, "m0": m},
         {"lam": real(0.0, lo_open=True, finite=True), "m0": real(0.0, 1.0)}),
    ]:  # fmt: skip
        value = outcome(fn, kwargs, valid)
        if value is not None:
            assert not math.isnan(value)
            assert value >= 0


# ------------------------------------------------------------------ explicit regressions


def test_hopfield_near_zero_temperature_is_the_zero_T_solution():
    """At T = 1e-15, q used to round to 1 and the r equation was lost (m = 0.998407, r = 1)."""
    s = H.solve(0.1, 1e-15).check()
    assert s["m"] == pytest.approx(0.997999, abs=1e-6)
    assert s["r"] == pytest.approx(1.0431, abs=1e-4)
    zero = H.solve(0.1, 0.0).check()
    assert (s["m"], s["r"], s["C"]) == (zero["m"], zero["r"], zero["C"])


def _order(s: Solution) -> np.ndarray:
    return np.array([v for k, v in s.order_parameters.items() if not k.startswith(("x", "mu"))])


#: Every solver with a T = 0 form, as ``T -> solution`` (a few cheap cases each).
ZERO_T_FAMILIES = {
    "hopfield retrieval": lambda T: H.solve(0.1, T),
    "hopfield spin glass": lambda T: H.solve(0.1, T, branch="spin glass"),
    "hopfield zero load": lambda T: H.solve(0.0, T),
    "dense P=3": lambda T: D.solve(3, 0.05, T),
    "dense P=4 spin glass": lambda T: D.solve(4, 0.01, T, branch="spin glass"),
    "dense P=2": lambda T: D.solve(2, 0.05, T),
    "learning P=2 unsupervised": lambda T: L.solve(2, 0.05, T, 0.8, 10, protocol="unsupervised"),
    "learning P=3": lambda T: L.solve(3, 0.05, T, 0.8, 10),
    "learning P=3 gaussian": lambda T: L.solve(3, 0.0, T, 0.3, 20, limit="gaussian"),
    "multitask": lambda T: MT.solve(3, 0.4, T),
    "multitask with load": lambda T: MT.solve(2, 0.4, T, alpha=0.01),
    "sk": lambda T: S.solve(T),
    "sk in a field": lambda T: S.solve(T, 0.5),
}

#: The RSB solvers: their T = 0 form is used up to T_ZERO_RSB = 1e-4.
ZERO_T_RSB = {
    "sk 1RSB": lambda T: S.solve_rsb(T, k=1),
    "sk full RSB": lambda T: S.solve_full_rsb(T, n_levels=4),
    "dense 1RSB spin glass": lambda T: DR.solve_rsb(3, 0.1, T, 1),
}


@pytest.mark.parametrize("name", ZERO_T_FAMILIES)
def test_zero_temperature_limit_is_continuous(name):
    """T in {1e-300, 1e-15} is solved as T = 0 (identical); T = 1e-8 by the finite-T
    equations, within 1e-6 of it (the corrections are O(T): q = 1 - C T)."""
    solve = ZERO_T_FAMILIES[name]
    zero = solve(0.0).check()
    for T in (1e-300, 1e-15):
        s = solve(T).check()
        assert s.params["T"] == T
        np.testing.assert_array_equal(_order(s), _order(zero))
        assert s.free_energy == zero.free_energy
    for T in (1e-11, 1e-8):  # above T_ZERO: the finite-T equations
        s = solve(T).check()
        np.testing.assert_allclose(_order(s), _order(zero), rtol=0, atol=100 * T)
        assert s.free_energy == pytest.approx(zero.free_energy, abs=100 * T)


@pytest.mark.parametrize("name", ZERO_T_RSB)
def test_zero_temperature_limit_of_rsb(name):
    solve = ZERO_T_RSB[name]
    zero = solve(0.0).check()
    for T in (1e-300, 1e-15, 1e-8, T_ZERO_RSB):
        s = solve(T).check()
        assert s.params["T"] == T
        np.testing.assert_array_equal(_order(s), _order(zero))


def test_sk_1rsb_at_low_temperature_is_not_a_truncated_tilt():
    """The tilt mu sigma of the innermost level used to leave the quadrature's range at
    low T: f = +16 at T = 0.01 with success=True.  Now f = e_0 - s_0 T, with the small
    negative zero-temperature entropy of 1RSB, s_0 ~ -0.014."""
    zero = S.solve_rsb(0.0, k=1).check()
    for T in (0.01, 1e-3):
        s = S.solve_rsb(T, k=1)
        assert s.success
        assert s.free_energy == pytest.approx(zero.free_energy + 0.014 * T, abs=0.002 * T)
        assert s["x1"] * (1 / T) == pytest.approx(zero["mu1"], rel=0.05)


def test_full_rsb_never_claims_a_truncated_functional():
    """Where a level's tilt reaches past the field grid, no solution is claimed."""
    for T in (1e-3, 0.01, 0.3):
        s = S.solve_full_rsb(T, n_levels=5)
        assert not s.success or -0.8 < s.free_energy < -0.76


@pytest.mark.parametrize(
    "call",
    [
        lambda tol: H.solve(0.1, 0.2, tol=tol),
        lambda tol: H.mixture(3, 0.2, tol=tol),
        lambda tol: D.solve(3, 0.05, 0.1, tol=tol),
        lambda tol: L.solve(3, 0.05, 0.1, 0.8, 10, tol=tol),
        lambda tol: L.solve_example(3, 0.0, 0.1, 0.4, 7, tol=tol),
        lambda tol: MT.solve(3, 0.4, 0.1, tol=tol),
        lambda tol: S.solve(0.5, tol=tol),
        lambda tol: S.solve_rsb(0.5, tol=tol),
        lambda tol: S.solve_full_rsb(0.5, tol=tol),
        lambda tol: DR.solve_rsb(3, 0.1, 0.3, tol=tol),
        lambda tol: HR.solve_1rsb(0.13, tol=tol),
    ],
)
def test_tolerance_is_checked(call):
    """tol=1e10 used to give success=True with residuals up to 0.09; tol='x' a numpy error."""
    with pytest.raises(ValueError, match=r"tol=1e\+10 must be in \(0, 0.01\]"):
        call(1e10)
    with pytest.raises(TypeError, match="tol='x' must be a real number"):
        call("x")
    with pytest.raises(ValueError, match="tol=nan"):
        call(math.nan)
    with pytest.raises(ValueError, match="tol=0 must be"):
        call(0.0)


@pytest.mark.parametrize("branch", ["retrieval", "spin glass", "paramagnet"])
def test_infinite_temperature_is_the_paramagnet(branch):
    """T = inf used to be a ZeroDivisionError in every RS solver."""
    cases = [
        H.solve(0.1, math.inf, branch=branch),
        D.solve(3, 0.05, math.inf, branch=branch),
        D.solve(2, 0.05, math.inf, branch=branch),
        L.solve(3, 0.05, math.inf, 0.8, 10, branch=branch),
    ]
    for s in cases:
        assert s.params["T"] == math.inf
        assert s.branch == "paramagnet"
        assert s["m"] == 0.0
        assert s["q"] == 0.0
        assert s.free_energy == -math.inf  # f = -T ln 2
        assert s.success == (branch == "paramagnet")
        assert s.status == (0 if branch == "paramagnet" else 5)
    for s in (S.solve(math.inf), S.solve(math.inf, 0.7), MT.solve(2, 0.3, math.inf, alpha=0.1)):
        assert s.success
        assert s.branch == "paramagnet"
        assert all(v == 0.0 for v in s.order_parameters.values())
        assert s.free_energy == -math.inf
    assert H.equilibrium(0.1, math.inf).branch == "paramagnet"
    assert H.mixture(3, math.inf).status == 4  # no mixture: the paramagnet
    assert H.alpha_c(math.inf).value == 0.0


def test_infinite_temperature_is_refused_where_the_limit_is_undefined():
    for call in (
        lambda: S.solve_rsb(math.inf),
        lambda: S.solve_full_rsb(math.inf),
        lambda: DR.solve_rsb(3, 0.1, math.inf),
    ):
        with pytest.raises(ValueError, match="temperature T=inf must be finite"):
            call()


def test_tiny_temperatures_do_not_overflow():
    """T <= 1e-200 used to raise OverflowError (beta**2)."""
    for T in (1e-200, 1e-300, 5e-324):
        assert H.solve(0.1, T).success
        assert H.alpha_c(T).value == pytest.approx(H.alpha_c(0.0).value, abs=1e-12)
        assert D.solve(3, 0.05, T).success
        assert L.solve(2, 0.05, T, 0.8, 10, protocol="unsupervised").success
        assert S.solve(T).success
        assert E.alpha_spinodal(T, 1.0) == E.alpha_one_step(1.0)
        assert E.alpha_spinodal(T, 1.0, "spherical") == E.alpha_one_step(1.0, ensemble="spherical")


def test_tiny_quality_is_no_information():
    """r = 1e-308 used to be a ZeroDivisionError: the examples carry no signal (rho = inf)."""
    s = L.solve(3, 0.05, 0.1, 1e-308, 10)
    assert isinstance(s, Solution)
    assert s.params["rho"] == math.inf
    assert not s.success  # no retrieval state
    assert abs(s["m"]) < 1e-9
    assert L.signal(1e-308, 10, "gaussian").y[0] == pytest.approx(1e-308 * math.sqrt(10))
    assert L.signal_to_noise(3, 10, 100, 1e-308, 10) == pytest.approx(0.0, abs=1e-300)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: D.solve(100_000, 0.05, 0.1), r"P=100000 must be <= 170"),
        (lambda: L.solve(200, 0.05, 0.1, 0.8, 10), r"P=200 must be <= 170"),
        (lambda: L.solve(3, 0.05, 0.1, 0.8, 10, self_interactions="no"),
         r"self_interactions='no' must be True or False"),
        (lambda: L.crosstalk(3, 0.1, 0.8, 10, "supervised", self_interactions=1),
         r"self_interactions=1 must be True or False"),
        (lambda: L.solve(3, 0.05, 0.1, 0.8, 10**7), r"M \(examples per archetype\)=10000000"),
        (lambda: L.solve_example(3, 0.0, 0.1, 0.4, math.inf), r"M \(examples per archetype\)=inf"),
        (lambda: H.solve(True, 0.1), r"alpha=True must be a real number"),
        (lambda: H.solve(0.1, True), r"temperature T=True must be a real number"),
        (lambda: H.solve(math.nan, 0.1), r"alpha=nan is not a number"),
        (lambda: H.solve(math.inf, 0.1), r"alpha=inf must be finite"),
        (lambda: D.solve(3, -0.1, 0.1), r"alpha=-0.1 must be >= 0"),
        (lambda: MT.solve(2, 0.4, 0.1, rho=math.inf), r"rho=inf must be finite"),
        (lambda: S.solve(0.5, math.inf), r"h=inf must be finite"),
        (lambda: E.alpha_one_step(1.0, m0=1.5), r"m0=1.5 must be in \[0, 1\]"),
        (lambda: E.cue_overlap_c(0.2, math.inf), r"lam=inf must be finite"),
        (lambda: MT.max_levels(1000, 0.5, theta=0.0), r"theta=0 must be > 0"),
        (lambda: L.T_M(2, 0.0, 0.5, 7, tol=1e-300), r"tol=1e-300 must be in"),
        (lambda: HR.solve_1rsb(0.05), r"alpha=0.05 must be >= 0.12 without a guess"),
    ],
)  # fmt: skip
def test_bad_arguments_are_named(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: S.solve_full_rsb(0.0, n_levels=100_000), r"n_levels=100000 must be <= 64: .* s"),
        (lambda: S.solve_rsb(0.0, k=1000), r"k=1000 must be <= 10: .* s"),
        (lambda: DR.solve_rsb(3, 0.1, 0.0, k=1000), r"k=1000 must be <= 10"),
        (lambda: H.mixture(1000, 0.1), r"n=1000 must be <= 20: .* s and .* GB"),
        (lambda: H.mixture_stability_T(25), r"n=25 must be <= 20"),
        (lambda: L.solve_example(3, 0.0, 0.1, 0.4, 5000), r"M \(examples per archetype\)=5000"),
    ],
)
def test_resource_limits_are_refused_at_once(call, match):
    """These used to run for hours (2^n enumeration, k-RSB, full RSB levels)."""
    start = time.perf_counter()
    with pytest.raises(ValueError, match=match):
        call()
    assert time.perf_counter() - start < 5


def test_equilibrium_without_any_converged_branch_says_so(monkeypatch):
    """No converged branch used to be an IndexError; now the closest attempt, unconverged."""
    real = H.fixed_point

    def one_step(F, x0, **options):
        return real(F, x0, **{**options, "method": "iterate", "max_iter": 1})

    monkeypatch.setattr(H, "fixed_point", one_step)
    s = H.equilibrium(0.1, 0.2)
    assert isinstance(s, Solution)
    assert not s.success
    assert s.status != 0


def test_quadrature_keeps_the_susceptibility_at_any_beta():
    """beta E sech^2(beta h) -> 2 p(0): the node h = 0 is built as an offset from the kink."""
    p0 = math.exp(-(0.3**2) / 2) / math.sqrt(2 * math.pi)
    for beta in (1e8, 1e12, 1e16, 1e100, 1e300):
        susceptibility = field_moments(0.3, 1.0, beta).C
        assert susceptibility == pytest.approx(2 * p0, rel=1e-13)


def test_newton_polish_finishes_a_stiff_stationary_point_and_keeps_active_bounds():
    """Curvatures 1 and 1e6 (the breakpoint's beta^2 at T = 1e-3), a third variable held at
    its lower bound: the polish reaches the stationary point to 1e-12 and leaves the bound."""
    from hebbian.theory.parisi import _newton_polish, _residual

    target = np.array([0.3, 2e-3, -1.0])
    curvature = np.array([1.0, 1e6, 1.0])

    def gradient(u):
        return curvature * (u - target) + 1e-3 * (u - target) ** 2

    upper = np.array([1.0, 1.0, 1.0])
    start = np.array([0.31, 2.01e-3, 0.0])
    assert _residual(start, gradient(start), upper) > 1e-3
    u = _newton_polish(gradient, start, upper, 1e-12)
    assert _residual(u, gradient(u), upper) <= 1e-12
    assert u[:2] == pytest.approx(target[:2], rel=1e-9)
    assert u[2] == 0.0
