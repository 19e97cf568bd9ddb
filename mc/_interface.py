"""What a network family gives the samplers: three scalar kernel functions.

A family (one module in :mod:`hebbian.mc.networks`) keeps, per chain ``r``,
the sums ``S[r]`` (K,) and auxiliary rows ``aux[r]`` (its own rows of K
numbers) from which one flip's energy change follows in O(K), and a scalar
``extra`` (a running total it chooses).  ``S`` (R, K) and ``aux`` (R, rows, K)
hold every chain of a call and the functions index them with ``r``: no
per-call array views, whose reference counting would cost more than the
arithmetic at small K.  It defines, for its parameter class (a ``NamedTuple``
whose Numba type names the family):

``begin(p, S, aux, r) -> extra``
    at the start of a sweep;
``delta(p, xi_t, i, s, S, aux, r, extra) -> dE``
    the energy change of flipping neuron ``i`` with spin ``s`` (the kernel
    twin of the network's ``delta_energy``);
``flip(p, xi_t, i, s, S, aux, r, extra) -> extra``
    the bookkeeping after the flip (``S[r]``, ``aux[r]`` in place).

The functions are plain Python in the subset Numba compiles, decorated with
``register_jitable`` so that they run in CPU kernels and CUDA kernels alike.
:func:`implements` binds them to the generic stubs below, which the kernels of
:mod:`hebbian.mc._numba` call: Numba picks the family by the parameters' type
at compile time, so a sweep is compiled (and cached) once per family with no
branch on the family inside its loop.

Numba's cache is keyed to the source file of the generic loops
(``mc/_numba.py``), not to the family's file: after editing a family's kernel
functions, delete the cached kernels (the ``*.nbi``/``*.nbc`` files in
``hebbian/mc/__pycache__``, or in :func:`hebbian._numba_cache.user_cache_dir`
for a read-only install) or they keep running the old code.  Installing a
new version of the package rewrites ``mc/_numba.py`` and so refreshes them.
"""

from __future__ import annotations

from numba import types
from numba.extending import overload

__all__ = ["begin", "delta", "flip", "implements"]

_FAMILIES: dict[type, tuple] = {}


def begin(p, S, aux, r):
    """Generic stub: the family's ``begin`` (compiled code only)."""
    raise NotImplementedError("called inside Numba kernels only")


def delta(p, xi_t, i, s, S, aux, r, extra):
    """Generic stub: the family's ``delta`` (compiled code only)."""
    raise NotImplementedError("called inside Numba kernels only")


def flip(p, xi_t, i, s, S, aux, r, extra):
    """Generic stub: the family's ``flip`` (compiled code only)."""
    raise NotImplementedError("called inside Numba kernels only")


def implements(params: type, *, begin, delta, flip) -> None:
    """Bind ``begin``, ``delta`` and ``flip`` to the parameter class ``params``."""
    _FAMILIES[params] = (begin, delta, flip)


def family_functions(params: type) -> tuple:
    """``(begin, delta, flip)`` of the family with parameter class ``params``."""
    return _FAMILIES[params]


def _family(p):
    cls = p.instance_class if isinstance(p, types.BaseNamedTuple) else None
    if cls not in _FAMILIES:
        raise TypeError(f"parameters of type {p} belong to no registered network family")
    return _FAMILIES[cls]


@overload(begin)
def _begin(p, S, aux, r):
    return _family(p)[0]


@overload(delta)
def _delta(p, xi_t, i, s, S, aux, r, extra):
    return _family(p)[1]


@overload(flip)
def _flip(p, xi_t, i, s, S, aux, r, extra):
    return _family(p)[2]
