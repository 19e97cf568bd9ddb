"""Jacobian eigenvalue spectra and their random-matrix predictions.

* Vanilla network at a state ``h``: ``J = -I + g W D`` with
  ``D = diag(phi'(h))`` and ``W`` iid of variance ``1/N``.  For ``D``
  independent of ``W`` the eigenvalues of ``W D`` fill, as ``N -> inf``, the
  disc of radius ``sqrt(mean(phi'(h)^2))`` (circular law for an iid matrix
  times a diagonal, Girko; Ahmadian, Fumarola, Miller 2015; the density is
  uniform only when ``D`` is a multiple of the identity).  The Jacobian's
  support is therefore the disc centred at -1 of radius
  ``g sqrt(mean(phi'(h)^2))``; at ``h = 0``, radius ``g`` (stable for
  ``g < 1``).  Along a trajectory ``D`` depends weakly on ``W``, and the
  prediction is an approximation.
* Gated network at its fixed point ``x = 0`` (a fixed point when
  ``beta_h = 0``, as then ``phi(0) = 0``): the ``dh/dz`` and ``dh/dr``
  blocks vanish, the Jacobian is block lower triangular, and its eigenvalues
  are those of the ``h`` block
  ``sigma_z(0) (-I + sigma_r(0) g phi'(0) J^h)`` - a disc centred at
  ``-sigma_z(0)`` of radius ``sigma_z(0) sigma_r(0) g`` (``phi'(0) = 1``) -
  plus ``-1/tau_z`` and ``-1/tau_r``, each ``N`` times.

References
----------
V. L. Girko, Theory Probab. Appl. 29, 694 (1985); Y. Ahmadian, F. Fumarola,
K. D. Miller, PRE 91, 012820 (2015); Krishnamurthy, Can, Schwab, PRX 12,
011011 (2022) (Jacobian spectra of the gated network).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import expit

from hebbian.rnn.networks import GatedRNN, VanillaRNN

__all__ = ["SpectralSupport", "jacobian_spectrum", "spectral_support"]


class SpectralSupport(NamedTuple):
    """Predicted support of a Jacobian spectrum as ``N -> inf``.

    Attributes
    ----------
    centre : float
        Centre of the disc (on the real axis).
    radius : float
        Its radius.
    points : tuple of float
        Isolated eigenvalues outside the disc's random part, each ``N``-fold.
    """

    centre: float
    radius: float
    points: tuple[float, ...]


def jacobian_spectrum(network, x) -> np.ndarray:
    """Eigenvalues of ``network.jacobian(x)`` (``numpy.linalg.eigvals``), shape ``(n_dim,)``."""
    return np.linalg.eigvals(network.jacobian(x))


def spectral_support(network, x=None) -> SpectralSupport:
    """Random-matrix prediction for the support of the Jacobian spectrum.

    Parameters
    ----------
    network : VanillaRNN or GatedRNN
    x : array, shape (n_dim,), optional
        :class:`VanillaRNN`: the state (default ``h = 0``).
        :class:`GatedRNN`: only the fixed point ``x = 0`` is covered; pass
        ``None`` (or zeros).

    Returns
    -------
    SpectralSupport

    Raises
    ------
    ValueError
        For a gated network away from ``x = 0`` or with ``beta_h != 0``
        (then ``x = 0`` is not a fixed point).
    TypeError
        For other networks.

    Examples
    --------
    >>> from hebbian.rnn import VanillaRNN
    >>> spectral_support(VanillaRNN.sample(10, g=1.5, rng=0))
    SpectralSupport(centre=-1.0, radius=1.5, points=())
    """
    if isinstance(network, VanillaRNN):
        h = np.zeros(network.N) if x is None else network.check_state(x)
        dphi = 1.0 - np.tanh(h) ** 2
        return SpectralSupport(-1.0, network.g * float(np.sqrt(np.mean(dphi**2))), ())
    if isinstance(network, GatedRNN):
        return _gated_fixed_point(network, x)
    raise TypeError(
        f"network={type(network).__name__} has no random-matrix prediction here; "
        f"pass a VanillaRNN or a GatedRNN"
    )


def _gated_fixed_point(network: GatedRNN, x) -> SpectralSupport:
    if x is not None and np.any(network.check_state(x) != 0):
        raise ValueError(
            "x is not the fixed point x = 0: the gated prediction is implemented there "
            "only; pass x=None"
        )
    if network.beta_h != 0:
        raise ValueError(
            f"beta_h={network.beta_h:g}: x = 0 is a fixed point only for beta_h = 0; "
            f"pass a network with beta_h=0"
        )
    s_z, s_r = float(expit(network.beta_z)), float(expit(network.beta_r))
    return SpectralSupport(-s_z, s_z * s_r * network.g, (-1 / network.tau_z, -1 / network.tau_r))
