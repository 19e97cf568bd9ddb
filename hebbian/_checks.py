"""Input validation at the public boundary.

Every check raises with a message that names the argument, shows its value and
says how to fix it, e.g. ``ValueError: dilution d=1.2 must be in [0, 1)``.
Checks run once, where a network or a data set is built, never in hot loops.
"""

from __future__ import annotations

import numbers
import operator
from collections.abc import Callable

import numpy as np

__all__ = [
    "TOL_MAX",
    "as_patterns",
    "as_real_array",
    "as_spins",
    "check_bool",
    "check_index",
    "check_int",
    "check_real",
    "check_tol",
]

#: Largest tolerance a solver accepts: a residual above 1e-2 is no solution at all.
TOL_MAX = 1e-2

#: Entry sets a pattern array may be required to lie in.
PATTERN_VALUES = {
    "binary": ((-1, 1), "{-1, +1}"),
    "ternary": ((-1, 0, 1), "{-1, 0, +1}"),
}


def check_int(
    value,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    why: str | Callable[[int], str] = "",
) -> int:
    """Return ``value`` as a Python int, or raise naming ``name``.

    Booleans and non-integral numbers are rejected rather than truncated.
    ``maximum`` is a resource or representability limit; ``why`` says what it
    protects (appended to the message), or is a function of the value
    returning that (e.g. an estimate of the time it would take).
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name}={value!r} must be an integer; pass e.g. {name}=10")
    value = operator.index(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name}={value} must be >= {minimum}")
    if maximum is not None and value > maximum:
        why = why(value) if callable(why) else why
        hint = f": {why}" if why else ""
        raise ValueError(f"{name}={value} must be <= {maximum}{hint}")
    return value


def check_bool(value, name: str) -> bool:
    """Return ``value`` if it is a bool (NumPy's included), or raise naming ``name``.

    Strings such as ``"no"`` and numbers are refused: ``bool("no")`` is true.
    """
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name}={value!r} must be True or False")
    return bool(value)


def check_tol(value, name: str = "tol", *, high: float = TOL_MAX) -> float:
    """Return a solver tolerance: a real number in ``(0, high]``, or raise naming ``name``.

    A tolerance is the largest residual of the equations accepted as a
    solution, so one above ``high`` would label a non-solution a success.
    Tolerances below what double precision resolves are accepted: the
    solver then reports that it did not converge.

    Examples
    --------
    >>> check_tol(1e-10)
    1e-10
    """
    return check_real(
        value,
        name,
        low=0.0,
        high=high,
        low_open=True,
        fix=f"pass a small positive tolerance such as {name}=1e-10",
    )


def check_real(
    value,
    name: str,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = False,
    fix: str = "",
) -> float:
    """Return ``value`` as a finite float inside the stated interval, or raise.

    Parameters
    ----------
    value : real number
    name : str
        How the argument is spelled in the public API (``"d"``, ``"T"``).
    low, high : float, optional
        Interval ends; ``None`` means unbounded on that side.
    low_open, high_open : bool
        Whether the corresponding end is excluded.
    finite : bool
        Refuse ``+-inf`` even where the interval would hold it.
    fix : str
        Extra hint appended to the message.
    """
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name}={value!r} must be a real number")
    value = float(value)
    if np.isnan(value):
        raise ValueError(f"{name}=nan is not a number; pass a finite value")
    if finite and np.isinf(value):
        hint = f"; {fix}" if fix else ""
        raise ValueError(f"{name}={value:g} must be finite{hint}")
    lo_ok = low is None or (value > low if low_open else value >= low)
    hi_ok = high is None or (value < high if high_open else value <= high)
    if not (lo_ok and hi_ok):
        hint = f"; {fix}" if fix else ""
        if high is None:
            where = f"{'>' if low_open else '>='} {low:g}"
        elif low is None:
            where = f"{'<' if high_open else '<='} {high:g}"
        else:
            left, right = "(" if low_open else "[", ")" if high_open else "]"
            where = f"in {left}{low:g}, {high:g}{right}"
        raise ValueError(f"{name}={value:g} must be {where}{hint}")
    return value


def as_patterns(
    patterns,
    *,
    name: str = "patterns",
    values: str | None = None,
    min_N: int = 1,
) -> np.ndarray:
    """Validate a (K, N) pattern matrix and return a read-only copy.

    Integer patterns are kept neuron-major (Fortran order: ``patterns.T`` is
    C-contiguous), the layout the Monte Carlo kernels read, so that a network
    and its samplers share one copy.  A read-only ``int8`` array already in
    that layout is used as it is, without a copy (for example a read-only
    memory map of a Fortran-ordered ``.npy`` file): the network then holds no
    second pattern matrix, and reads whatever the array's owner holds.

    Parameters
    ----------
    patterns : array_like, shape (K, N)
        Row ``mu`` is pattern ``xi^mu``.
    name : str
        Argument name used in error messages.
    values : {"binary", "ternary"} or None
        Required entry set ({-1, +1} or {-1, 0, +1}); ``None`` accepts any
        finite real entries.
    min_N : int
        Smallest admissible number of neurons.

    Returns
    -------
    numpy.ndarray
        ``int8`` in Fortran order when every entry is in {-1, 0, +1} (the
        narrowest dtype and the layout the Monte Carlo kernels read),
        ``float64`` otherwise; not writeable.
    """
    arr = as_real_array(
        patterns, name, "a real numeric array (int8 for +-1 / 0 entries, float64 otherwise)"
    )
    if arr.ndim != 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; pass a 2-D array of shape (K, N), one pattern per row"
        )
    K, N = arr.shape
    if K < 1:
        raise ValueError(f"{name} has shape {arr.shape}: K=0 patterns; pass at least one")
    if min_N > N:
        raise ValueError(
            f"{name} has shape {arr.shape}: N={N} neurons is too small; pass N >= {min_N}"
        )
    if np.issubdtype(arr.dtype, np.floating) and not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or inf; pass finite entries")
    is_ternary = first_outside(arr, (-1, 0, 1)) is None
    if values is not None:
        allowed, shown = PATTERN_VALUES[values]
        bad = first_outside(arr, allowed)
        if bad is not None:
            raise ValueError(
                f"{name} has an entry {bad!r} outside {shown}; "
                f"pass {values} patterns (see hebbian.patterns)"
            )
    if is_ternary and arr.dtype == np.int8 and arr.flags.f_contiguous and not arr.flags.writeable:
        return arr
    out = np.array(
        arr,
        dtype=np.int8 if is_ternary else np.float64,
        order="F" if is_ternary else "C",
        copy=True,
    )
    out.setflags(write=False)
    return out


#: Entries of a pattern matrix checked at a time (bool temporaries of 1 MiB).
_CHECK_BLOCK = 2**20


def first_outside(arr: np.ndarray, allowed: tuple) -> int | float | None:
    """The first entry of ``arr`` (2-D) not in ``allowed``, or None; row block by row block."""
    rows = max(1, _CHECK_BLOCK // max(arr.shape[1], 1))
    for start in range(0, arr.shape[0], rows):
        block = arr[start : start + rows]
        ok = block == allowed[0]
        for value in allowed[1:]:
            ok |= block == value
        if not ok.all():
            return block[~ok].flat[0].item()
    return None


def as_real_array(value, name: str, what: str = "a rectangular numeric array") -> np.ndarray:
    """``value`` as a NumPy array of integers or floats, or an error naming ``name``.

    Ragged nesting is a ValueError, any other dtype (object, text, complex,
    bool) a TypeError; both messages end in "pass ``what``".
    """
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} could not be read as an array ({exc}); pass {what}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.integer) or np.issubdtype(arr.dtype, np.floating)
    ):
        raise TypeError(f"{name} has dtype {arr.dtype}; pass {what}")
    return arr


def as_spins(sigma, N: int, *, name: str = "sigma") -> np.ndarray:
    """Validate Ising configurations of shape (..., N) with entries +-1."""
    arr = np.asarray(sigma)
    if arr.ndim < 1 or arr.shape[-1] != N:
        raise ValueError(
            f"{name} has shape {arr.shape}; pass shape (..., N) with N={N} to match the patterns"
        )
    if not bool(np.all((arr == 1) | (arr == -1))):
        raise ValueError(f"{name} must contain only -1 and +1 entries")
    return arr


def check_index(i, N: int, name: str = "i") -> int:
    """Return a neuron index in [0, N) or raise."""
    i = check_int(i, name)
    if not 0 <= i < N:
        raise IndexError(f"{name}={i} is out of range; pass 0 <= {name} < N={N}")
    return i
