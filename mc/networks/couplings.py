"""Explicit couplings: the Sherrington-Kirkpatrick model (``SherringtonKirkpatrick``).

Energy ``-(1/2) sigma J sigma`` with ``J_ii = 0``.  The kept "sums" are the
local fields ``S = J sigma`` (float64; ``xi_t`` is ``J``): flipping neuron
``i`` changes the energy by ``2 s S_i`` and every field by ``-2 s J_i``.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba.extending import register_jitable

from hebbian.mc import _interface
from hebbian.mc.model import Family, KernelModel, register
from hebbian.networks import SherringtonKirkpatrick


class Couplings(NamedTuple):
    """No constants beyond ``J``."""


@register_jitable
def begin(p, S, aux, r):
    return 0


@register_jitable
def delta(p, xi_t, i, s, S, aux, r, extra):
    return 2.0 * s * S[r, i]


@register_jitable
def flip(p, xi_t, i, s, S, aux, r, extra):
    for j in range(S.shape[1]):
        S[r, j] -= 2.0 * s * xi_t[i, j]
    return extra


_interface.implements(Couplings, begin=begin, delta=delta, flip=flip)


def prepare(model, S):
    return S, np.zeros((0, model.K))


def delta_array(xp, p, i, s, S, x, n_mu):
    """``2 s S_i``: the local field at the flipped neuron."""
    return 2.0 * s * xp.take_along_axis(S, xp.asarray(i)[..., None], axis=-1)[..., 0]


FAMILY = Family("couplings", prepare, delta_array, exact=False)


@register(SherringtonKirkpatrick)
def build(network: SherringtonKirkpatrick):
    J = np.ascontiguousarray(network.J)
    return KernelModel(network, FAMILY, Couplings(), J, np.zeros(network.N, np.int64))
