"""Dense networks with self-interactions: ``DenseHopfield(diagonal=True)`` and networks
learned from examples (:class:`~hebbian.networks.learning.LearnedNetwork`).

Energy ``-weight N sum_mu (S_mu / N)^P / P!`` with integer pattern entries
``x`` (+-1 and 0, or sums of examples).  Flipping neuron ``i`` (spin ``s``)
changes it by ``s scale sum_mu ((c_mu + x_mu)^P - (c_mu - x_mu)^P)`` with
cavity sums ``c_mu = S_mu - x_mu s`` and ``scale = weight N^(1-P) / P!``.
Nothing is kept beyond ``S``.

Exactness.  Every float64 intermediate must be an integer below 2^53.  One
pattern's term ``2 g(c, x) = (c + x)^P - (c - x)^P = 2 sum_{k odd} C(P, k)
c^(P-k) x^k`` is at most ``A(|c|) = 2 sum_{k odd} C(P, k) |c|^(P-k)
x_max^k`` in size (a polynomial with non-negative coefficients, at most
``2 P x_max (|c| + x_max)^(P-1)`` by the mean value theorem), so every
partial sum of the field, in any order, is at most ``sum_mu A(|c_mu|)``,
which :meth:`hebbian.mc.model.Cavity.sum_bound` bounds from the largest
``|c_mu|`` and ``sum_mu c_mu^2 <= N lambda_max(x^T x)``: :func:`field_bound`.
With ``Q = N lambda_max`` and ``c_max`` the largest row sum of ``|x|``,
``sum |c|^k <= c_max^(k-2) Q`` (k >= 2) and ``sum |c| <= sqrt(K Q)``
(Cauchy-Schwarz); at P = 4 the bound is ``8 x_max (c_max Q + x_max^2 sqrt(K
Q))``.  The closed forms' intermediates (``3 c c``, ``4 c x``, ``c c + x
x``) are at most that sum or ``x_max^2``; the general form's ``(c +- x)^P``
at most ``(c_max + x_max)^P``.  For P = 4, M = 12 examples of quality 0.5,
N = 200, K = 0.005 N^3 it is 2^45.6, where the sizes alone give 2^56.6.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba.extending import register_jitable

from hebbian.mc import _interface
from hebbian.mc.model import (
    Family,
    check_exact,
    integer_sums,
    pattern_model,
    register,
    ternary_patterns,
)
from hebbian.networks._base import largest_entry
from hebbian.networks.learning import LearnedNetwork


class SelfInteracting(NamedTuple):
    """Kernel constants: order ``P`` and ``scale = weight N^(1-P) / P!``."""

    P: int
    scale: float


@register_jitable
def g_diag(c, x, P):
    """((c + x)^P - (c - x)^P) / 2, the per-pattern field; closed forms for P <= 4."""
    if P == 2:
        return 2.0 * c * x
    if P == 3:
        return x * (3.0 * c * c + x * x)
    if P == 4:
        return 4.0 * c * x * (c * c + x * x)
    return 0.5 * ((c + x) ** P - (c - x) ** P)


@register_jitable
def begin(p, S, aux, r):
    return 0


@register_jitable
def delta(p, xi_t, i, s, S, aux, r, extra):
    h2 = 0.0
    for mu in range(S.shape[1]):
        x = float(xi_t[i, mu])
        h2 += 2.0 * g_diag(S[r, mu] - x * s, x, p.P)
    return s * p.scale * h2


@register_jitable
def flip(p, xi_t, i, s, S, aux, r, extra):
    for mu in range(S.shape[1]):
        S[r, mu] -= 2 * s * xi_t[i, mu]
    return extra


_interface.implements(SelfInteracting, begin=begin, delta=delta, flip=flip)


def prepare(model, S):
    work = integer_sums(model, S)
    return work, np.zeros((0, model.K), work.dtype)


def delta_array(xp, p, i, s, S, x, n_mu):
    """``s scale sum_mu ((c + x)^P - (c - x)^P)`` on the cavity sums (float64, exact)."""
    c = S - x * s[..., None]
    return s * p.scale * (2.0 * xp.sum(g_diag(c, x, p.P), axis=-1))


FAMILY = Family("self-interacting", prepare, delta_array)


def field_bound(P: int, x_max: int):
    """``field(cavity)``: the largest float64 intermediate of a flip's field (module notes).

    Parameters
    ----------
    P : int
        Interaction order.
    x_max : int
        Largest pattern entry in size.

    Returns
    -------
    callable
        ``cavity -> bound`` for :func:`hebbian.mc.model.check_exact`.
    """
    coefficients = [0.0] * P  # of |c|^(P-k), k odd
    for k in range(1, P + 1, 2):
        coefficients[P - k] = 2.0 * math.comb(P, k) * float(x_max) ** k

    def bound(cavity) -> float:
        total = cavity.sum_bound(coefficients)
        return total if P <= 4 else max(total, (cavity.largest + x_max) ** P)

    return bound


def _model(network, P: int, weight: float, x_max: int):
    check_exact(network.K, network.N, P, x_max, field_bound(P, x_max), network)
    scale = weight * float(network.N) ** (1 - P) / math.factorial(P)
    return pattern_model(network, FAMILY, SelfInteracting(P, scale))


def build_dense(network):
    """The model of ``DenseHopfield(..., diagonal=True)``."""
    ternary_patterns(network)
    return _model(network, network.P, 1.0, 1)


@register(LearnedNetwork)
def build_learned(network: LearnedNetwork):
    """The model of a network learned from examples (integer example sums as entries)."""
    return _model(network, network.P, network.weight, round(largest_entry(network.patterns)))
