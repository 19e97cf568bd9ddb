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

References
----------
K. Krishnamurthy, T. Can, D. J. Schwab, "Theory of gating in recurrent neural
networks", PRX 12, 011011 (2022), arXiv:2007.14823.
T. Can, K. Krishnamurthy, D. J. Schwab, "Gating creates slow modes and
controls phase-space complexity in GRUs and LSTMs", arXiv:2002.00025 (2020).
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, logit

from hebbian._checks import check_real

__all__ = ["constant_gate_bias", "gate", "gate_slope"]


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
