"""Sigmoid gates, defined once for every gated model of the package.

A gate multiplies a signal by ``sigma(a u + b)`` in ``(0, 1)``, with
``sigma = expit`` the logistic function, ``u`` the gate's pre-activation (a
recurrent field ``U h``, a gate variable ``z``, or a projection of the input
or of the key), ``a >= 0`` its gain (sensitivity) and ``b`` its bias
(``b > 0`` opens it).  ``a = 0`` makes the gate the constant ``sigma(b)``,
the scalar forget factor of a gated linear memory.  The update (timescale)
and output gates of the gated rate network (Krishnamurthy, Can, Schwab
2022), the gates of the GRU and LSTM cells (Can, Krishnamurthy, Schwab 2020)
and the retention gates of the memories are all this function.

:class:`ProjectionGate` is the data-dependent gate of the matrix-valued
memories (:mod:`hebbian.memory`): its pre-activation is a fixed projection
``u = w . x`` of the key or input ``x``, as in gated linear attention and the
gated delta rule; it runs on NumPy or CuPy arrays alike.

References
----------
S. Yang et al., "Gated linear attention transformers with hardware-efficient
training", ICML 2024, arXiv:2312.06635; S. Yang, J. Kautz, A. Hatamizadeh,
"Gated delta networks", ICLR 2025, arXiv:2412.06464 (data-dependent gates).
K. Krishnamurthy, T. Can, D. J. Schwab, "Theory of gating in recurrent neural
networks", PRX 12, 011011 (2022), arXiv:2007.14823.
T. Can, K. Krishnamurthy, D. J. Schwab, "Gating creates slow modes and
controls phase-space complexity in GRUs and LSTMs", arXiv:2002.00025 (2020).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy.special import expit, logit

from hebbian._array import array_namespace
from hebbian._checks import check_int, check_real
from hebbian.random import RNGLike, as_generator

__all__ = ["ProjectionGate", "constant_gate_bias", "gate", "gate_slope", "log_gate"]


def gate(pre, gain: float, bias: float) -> np.ndarray:
    """The gate's value ``sigma(gain * pre + bias)``, elementwise.

    Parameters
    ----------
    pre : array_like
        Pre-activations ``u``.
    gain : float
        Gain ``a >= 0``; 0 makes the gate the constant ``sigma(bias)``.
    bias : float
        Bias ``b``.

    Returns
    -------
    ndarray
        Values in ``[0, 1]`` (exactly 0 or 1 only where ``|a u + b| > ~37``).

    Examples
    --------
    >>> float(gate(0.0, 0.0, 0.0)), float(gate(1.0, 2.0, -2.0))
    (0.5, 0.5)
    """
    return expit(gain * np.asarray(pre) + bias)


def gate_slope(value, gain: float) -> np.ndarray:
    """The derivative ``d sigma(a u + b) / du = a sigma (1 - sigma)``, from the gate's value.

    Parameters
    ----------
    value : array_like
        The gate's values ``sigma(a u + b)`` (from :func:`gate`).
    gain : float
        Gain ``a``.

    Returns
    -------
    ndarray
        ``gain * value * (1 - value)``.
    """
    value = np.asarray(value)
    return gain * value * (1.0 - value)


def constant_gate_bias(value: float) -> float:
    """The bias ``b = logit(value)`` of a constant gate (gain 0) of the given value.

    Parameters
    ----------
    value : float
        The gate's constant value, in ``(0, 1)``.

    Returns
    -------
    float
        ``log(value / (1 - value))``.

    Examples
    --------
    >>> round(float(gate(0.0, 0.0, constant_gate_bias(0.9))), 12)
    0.9
    """
    value = check_real(value, "value", low=0.0, high=1.0, low_open=True, high_open=True)
    return float(logit(value))


def log_gate(pre, gain: float, bias: float):
    """``log sigma(gain * pre + bias)`` without overflow, on NumPy or CuPy arrays.

    Products of many gates (a memory's retention over a lag) are sums of
    these logarithms.

    Parameters
    ----------
    pre : array
        Pre-activations ``u`` (NumPy or CuPy).
    gain, bias : float
        As in :func:`gate`.

    Returns
    -------
    array
        ``-log(1 + exp(-(gain u + bias)))``, in ``(-inf, 0]``, in the input's library.

    Examples
    --------
    >>> float(log_gate(np.array(0.0), 1.0, -800.0))  # sigma(-800) underflows, its log does not
    -800.0
    """
    xp = array_namespace(pre)
    return -xp.logaddexp(0.0, -(gain * xp.asarray(pre) + bias))


@dataclass(frozen=True, eq=False)
class ProjectionGate:
    """Data-dependent gate ``sigma(gain * w^T x + bias)`` of a key or input ``x``.

    ``gain = 0`` (or no ``w``) is the constant gate ``sigma(bias)``.  With
    ``w ~ N(0, 1)`` iid (:meth:`sample`) and unit-norm ``x`` the
    pre-activation ``u = w . x`` has variance ``|x|^2 = 1`` over ``w``, and
    over random sign keys ``+-1/sqrt(d)`` it is close to ``N(0, 1)``: the gate
    values are then those of a Gaussian field, as in the mean-field theory of
    the gated networks.

    Parameters
    ----------
    w : array_like, shape (d,), or None
        Projection; ``None`` for a constant gate.
    gain : float
        Gain ``a >= 0``.
    bias : float
        Bias ``b``.

    Examples
    --------
    >>> gate_ = ProjectionGate(np.array([1.0, 0.0]), gain=2.0, bias=0.0)
    >>> gate_.value(np.array([[0.0, 5.0], [1.0, 0.0]])).round(4).tolist()
    [0.5, 0.8808]
    """

    w: np.ndarray | None
    gain: float = 1.0
    bias: float = 0.0
    _w: np.ndarray | None = field(init=False, repr=False)

    def __post_init__(self):
        w = None if self.w is None else np.array(self.w, dtype=np.float64)
        if w is not None and (w.ndim != 1 or w.size == 0 or not np.all(np.isfinite(w))):
            raise ValueError(f"w has shape {w.shape}; pass a finite vector of shape (d,)")
        if w is not None:
            w.setflags(write=False)
        object.__setattr__(self, "_w", w)
        object.__setattr__(self, "w", w)
        for name, low in (("gain", 0.0), ("bias", None)):
            value = check_real(getattr(self, name), name, low=low, high=math.inf, high_open=True)
            if value == -math.inf:
                raise ValueError(f"{name}=-inf is not finite; pass a finite {name}")
            object.__setattr__(self, name, value)

    @classmethod
    def sample(cls, d: int, gain: float = 1.0, bias: float = 0.0, *, rng: RNGLike = None):
        """Gate with ``w ~ N(0, 1)`` iid of length ``d``.

        Parameters
        ----------
        d : int
            Dimension of the keys or inputs, >= 1.
        gain, bias : float
            As in the class.
        rng : None, int, SeedSequence or Generator
            See :func:`hebbian.random.as_generator`.

        Returns
        -------
        ProjectionGate
        """
        d = check_int(d, "d", minimum=1)
        return cls(as_generator(rng).standard_normal(d), gain, bias)

    @property
    def constant(self) -> bool:
        """Whether the gate ignores its input (no ``w`` or ``gain = 0``)."""
        return self.w is None or self.gain == 0.0

    def pre(self, x):
        """Pre-activations ``w . x`` of the rows of ``x`` (zeros for a constant gate)."""
        xp = array_namespace(x)
        if self.constant:
            return xp.zeros(x.shape[:-1])
        if x.shape[-1] != self._w.size:
            raise ValueError(
                f"the gate projects vectors of length {self._w.size}; got shape {x.shape}"
            )
        return x @ xp.asarray(self._w)

    def log_value(self, x):
        """``log sigma(gain w . x + bias)`` of the rows of ``x``, shape ``x.shape[:-1]``."""
        return log_gate(self.pre(x), self.gain, self.bias)

    def value(self, x):
        """The gate ``sigma(gain w . x + bias)`` of the rows of ``x``, shape ``x.shape[:-1]``."""
        return array_namespace(x).exp(self.log_value(x))
