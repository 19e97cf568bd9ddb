"""The exponential dense associative memory (``ExponentialDAM``, Demircigil et al. 2017).

Energy ``-(1/lam) log sum_mu exp(lam S_mu)``.  Flipping neuron ``i`` (spin
``s``) changes it by ``(1/lam) log(A / B)`` with ``A = sum_mu W_mu``,
``B = sum_mu W_mu exp(-2 lam s x_mu)`` and weights ``W_mu = exp(lam (S_mu - max
S))`` (row 0 of ``aux``; ``A`` is the kept ``extra``), recomputed after an
accepted flip: log-sum-exp with the largest term factored out, so nothing
overflows for ``lam <= MAX_LAM``.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba.extending import register_jitable

from hebbian.mc import _interface
from hebbian.mc.model import Family, integer_sums, pattern_model, register, ternary_patterns
from hebbian.networks import ExponentialDAM

#: Largest lam the kernel accepts: it scales weights by e^(2 lam).
MAX_LAM = 300.0


class Exponential(NamedTuple):
    """Kernel constants: ``lam``, ``up = e^(2 lam)`` and ``down = e^(-2 lam)``."""

    lam: float
    up: float
    down: float


@register_jitable
def weights(S, aux, r, lam):
    """Chain r's weights ``aux[r, 0, mu] = exp(lam (S_mu - max S))``; returns their sum (>= 1)."""
    s_max = S[r, 0]
    for mu in range(1, S.shape[1]):
        s_max = max(s_max, S[r, mu])
    total = 0.0
    for mu in range(S.shape[1]):
        aux[r, 0, mu] = math.exp(lam * (S[r, mu] - s_max))
        total += aux[r, 0, mu]
    return total


@register_jitable
def begin(p, S, aux, r):
    return weights(S, aux, r, p.lam)


@register_jitable
def delta(p, xi_t, i, s, S, aux, r, extra):
    B = 0.0
    for mu in range(S.shape[1]):
        sx = s * xi_t[i, mu]
        B += aux[r, 0, mu] * (p.down if sx > 0 else (p.up if sx < 0 else 1.0))
    return (math.log(extra) - math.log(B)) / p.lam


@register_jitable
def flip(p, xi_t, i, s, S, aux, r, extra):
    for mu in range(S.shape[1]):
        S[r, mu] -= 2 * s * xi_t[i, mu]
    return weights(S, aux, r, p.lam)


_interface.implements(Exponential, begin=begin, delta=delta, flip=flip)


def prepare(model, S):
    return integer_sums(model, S), np.empty((1, model.K))


def _logsumexp(xp, a):
    top = xp.max(a, axis=-1, keepdims=True)
    return (top + xp.log(xp.sum(xp.exp(a - top), axis=-1, keepdims=True)))[..., 0]


def delta_array(xp, p, i, s, S, x, n_mu):
    """Difference of two log-sum-exps of ``lam S`` before and after the flip."""
    a = p.lam * S
    return (_logsumexp(xp, a) - _logsumexp(xp, a - (2.0 * p.lam) * s[..., None] * x)) / p.lam


FAMILY = Family("exponential", prepare, delta_array)


@register(ExponentialDAM)
def build(network: ExponentialDAM):
    if network.lam > MAX_LAM:
        raise ValueError(f"lam={network.lam:g} must be <= {MAX_LAM:g} for the samplers")
    ternary_patterns(network)
    lam = float(network.lam)
    params = Exponential(lam, math.exp(2 * lam), math.exp(-2 * lam))
    return pattern_model(network, FAMILY, params)
