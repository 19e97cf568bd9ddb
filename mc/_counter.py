"""Counter-based uniforms: the same numbers from NumPy, CuPy and a CUDA kernel.

A uniform is a pure function of a chain's two 32-bit key words and a 32-bit
counter, ``uniform(k0, k1, c)``: two rounds of Wellons' ``lowbias32``
integer hash per 32-bit half, 53 bits in all.  There is no generator state to
carry between kernel launches or to copy back for a checkpoint: a batched
sampler draws fresh keys for each chain from the chain's own NumPy
``Generator`` every call (whose state the checkpoint already keeps) and
numbers its draws within the call.  The functions are written once and work
elementwise on uint64 arrays of any array library and, being
``register_jitable``, inside Numba kernels (CPU or CUDA): every constant is
a NumPy ``uint64``, so no operation mixes signed and unsigned integers (which
Numba would promote to float).
"""

from __future__ import annotations

import numpy as np
from numba.extending import register_jitable

__all__ = ["mix32", "uniform"]

_MASK = np.uint64(0xFFFFFFFF)
_S15, _S16, _S5, _S6 = np.uint64(15), np.uint64(16), np.uint64(5), np.uint64(6)
_A, _B = np.uint64(0x7FEB352D), np.uint64(0x846CA68B)
_GOLDEN = np.uint64(0x9E3779B9)


@register_jitable
def mix32(x):
    """Wellons' ``lowbias32`` hash of 32-bit values held in uint64."""
    x = x ^ (x >> _S16)
    x = (x * _A) & _MASK
    x = x ^ (x >> _S15)
    x = (x * _B) & _MASK
    return x ^ (x >> _S16)


@register_jitable
def uniform(k0, k1, c):
    """A uniform in [0, 1) with 53 random bits from keys ``k0, k1`` and counter ``c`` (< 2^32)."""
    hi = mix32(mix32(c ^ k0) ^ k1)
    lo = mix32(mix32(c ^ k1 ^ _GOLDEN) ^ k0)
    return ((hi >> _S5) * 67108864.0 + (lo >> _S6)) * 1.1102230246251565e-16
