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
* GRU map (:class:`hebbian.rnn.GRUCell`) at its fixed point ``h = 0``
  (``b_h = 0``): the ``U_z`` term of the Jacobian multiplies ``c - h = 0``
  and the ``U_r`` term multiplies ``h = 0``, leaving
  ``J = (1 - z0) I + g z0 r0 U_h`` with ``z0 = sigma(b_z)``,
  ``r0 = sigma(b_r)``: the disc centred at ``1 - z0`` of radius
  ``g z0 r0`` (circular law).  As ``b_z -> -inf`` (update gate shut) the
  disc shrinks onto ``lambda = 1``: every mode becomes slow.
* LSTM map (:class:`hebbian.rnn.LSTMCell`) at ``(h, c) = 0`` (``b_g = 0``):
  with ``f0, i0, o0`` the gates at 0, ``dc'/dh = g i0 U_g``,
  ``dc'/dc = f0 I``, ``dh'/dh = o0 g i0 U_g``, ``dh'/dc = o0 f0 I`` (the
  gate slopes multiply ``c``, ``u`` or ``tanh c'``, all 0).  For an
  eigenvector of ``U_g`` with eigenvalue ``mu`` the Jacobian acts on
  ``(h, c)`` as the 2x2 block ``[[o0 g i0 mu, o0 f0], [g i0 mu, f0]]``,
  whose characteristic polynomial is ``lambda^2 - (f0 + g i0 o0 mu) lambda``
  (the block has rank 1): eigenvalues ``f0 + g i0 o0 mu`` and ``0``.  This
  holds for any ``U_g`` (the ``h`` rows are ``o0`` times the ``c`` rows, so
  ``J = [o0 I; I] B`` shares its non-zero eigenvalues with
  ``B [o0 I; I] = f0 I + g i0 o0 U_g``).  Prediction: the disc centred at
  ``f0`` of radius ``g i0 o0`` plus ``0``, ``N``-fold.  Opening the forget
  gate (``b_f -> +inf``) moves the centre to 1; the disc shrinks onto 1
  only if also ``i0 o0 -> 0`` (input or output gate shut).

In each case the finite-``N`` eigenvalues at ``x = 0`` are exactly
``centre + radius * eig(U)`` for the ``N x N`` coupling ``U`` of the field
(``J``, ``J^h``, ``U_h``, ``U_g``), plus each isolated point ``N`` times:
:func:`fixed_point_eigenvalues`.  :func:`slow_mode_fraction` counts the
eigenvalues of a map near the unit circle.

References
----------
V. L. Girko, Theory Probab. Appl. 29, 694 (1985); Y. Ahmadian, F. Fumarola,
K. D. Miller, PRE 91, 012820 (2015); Krishnamurthy, Can, Schwab, PRX 12,
011011 (2022) (Jacobian spectra of the gated network); T. Can,
K. Krishnamurthy, D. J. Schwab, arXiv:2002.00025 (2020) (GRU and LSTM; the
derivations above are made here, not transcribed).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from scipy.special import expit

from hebbian._checks import check_real
from hebbian.rnn.cells import GRUCell, LSTMCell
from hebbian.rnn.networks import GatedRNN, VanillaRNN

__all__ = [
    "SpectralSupport",
    "fixed_point_eigenvalues",
    "jacobian_spectrum",
    "slow_mode_fraction",
    "spectral_support",
]

#: The ``N x N`` coupling whose eigenvalues fill the disc, per model.
_FIELD_COUPLING = {VanillaRNN: "J", GatedRNN: "Jh", GRUCell: "Uh", LSTMCell: "Ug"}


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
    network : VanillaRNN, GatedRNN, GRUCell or LSTMCell
    x : array, shape (n_dim,), optional
        :class:`VanillaRNN`: the state (default ``h = 0``).
        The others: only the fixed point ``x = 0`` is covered; pass
        ``None`` (or zeros).

    Returns
    -------
    SpectralSupport

    Raises
    ------
    ValueError
        For a gated network or a cell away from ``x = 0``, or with
        ``beta_h``, ``b_h`` or ``b_g`` not 0 (then ``x = 0`` is not a fixed
        point).
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
        _check_origin(network, x, "beta_h")
        s_z, s_r = float(expit(network.beta_z)), float(expit(network.beta_r))
        points = (-1 / network.tau_z, -1 / network.tau_r)
        return SpectralSupport(-s_z, s_z * s_r * network.g, points)
    if isinstance(network, GRUCell):
        _check_origin(network, x, "b_h")
        z0, r0 = float(expit(network.b_z)), float(expit(network.b_r))
        return SpectralSupport(1.0 - z0, network.g * z0 * r0, ())
    if isinstance(network, LSTMCell):
        _check_origin(network, x, "b_g")
        f0, i0, o0 = (float(expit(b)) for b in (network.b_f, network.b_i, network.b_o))
        return SpectralSupport(f0, network.g * i0 * o0, (0.0,))
    raise TypeError(
        f"network={type(network).__name__} has no random-matrix prediction here; "
        f"pass a VanillaRNN or a GatedRNN (flows), a GRUCell or an LSTMCell (maps)"
    )


def _check_origin(network, x, bias: str) -> None:
    """Raise unless ``x`` is ``None`` or 0 and ``x = 0`` is a fixed point (``bias`` is 0)."""
    if x is not None and np.any(network.check_state(x) != 0):
        raise ValueError(
            "x is not the fixed point x = 0: the prediction is implemented there only; pass x=None"
        )
    value = getattr(network, bias)
    if value != 0:
        raise ValueError(
            f"{bias}={value:g}: x = 0 is a fixed point only for {bias} = 0; "
            f"pass a network with {bias}=0"
        )


def fixed_point_eigenvalues(network) -> np.ndarray:
    """Exact eigenvalues of the Jacobian at ``x = 0`` from those of one ``N x N`` coupling.

    ``centre + radius * eig(U)`` (``support = spectral_support(network)``,
    ``U`` the coupling of the field: ``J``, ``J^h``, ``U_h`` or ``U_g``)
    followed by each of ``support.points`` ``N`` times; the derivations are
    in the module docstring.  Finite-``N`` exact, up to the accuracy of
    ``numpy.linalg.eigvals``, and cheaper than the eigenvalues of the
    ``n_dim x n_dim`` Jacobian.

    Parameters
    ----------
    network : VanillaRNN, GatedRNN, GRUCell or LSTMCell
        With ``x = 0`` a fixed point (as for :func:`spectral_support`).

    Returns
    -------
    array of complex, shape (n_dim,)

    Examples
    --------
    >>> from hebbian.rnn import LSTMCell
    >>> cell = LSTMCell.sample(20, g=2.0, b_f=1.0, rng=0)
    >>> lam = fixed_point_eigenvalues(cell)
    >>> lam.shape, bool(np.allclose(np.sort_complex(lam),
    ...                             np.sort_complex(jacobian_spectrum(cell, np.zeros(40)))))
    ((40,), True)
    """
    support = spectral_support(network)
    U = getattr(network, _FIELD_COUPLING[type(network)])
    random_part = support.centre + support.radius * np.linalg.eigvals(U)
    return np.concatenate([random_part, np.repeat(np.array(support.points), network.N)])


def slow_mode_fraction(eigenvalues, eps: float) -> float:
    """Fraction of the eigenvalues of a map's Jacobian with ``| |lambda| - 1 | < eps``.

    A mode of a map with multiplier ``lambda`` grows or decays by ``|lambda|``
    per step, on the timescale ``1 / |log|lambda|| ~ 1 / | |lambda| - 1 |``
    steps: the fraction counts the modes slower than about ``1/eps`` steps,
    oscillating ones (``lambda`` near ``-1`` or complex) included.  For a flow
    use ``exp(dt * eigenvalues)``.

    Parameters
    ----------
    eigenvalues : array_like
        Non-empty, finite, complex or real.
    eps : float
        Half-width of the annulus around the unit circle, > 0.

    Returns
    -------
    float

    Examples
    --------
    >>> slow_mode_fraction([0.99, -1.0 + 0.005j, 0.5, 1.2], eps=0.02)
    0.5
    """
    lam = np.asarray(eigenvalues, dtype=np.complex128).ravel()
    if lam.size == 0 or not np.all(np.isfinite(lam)):
        raise ValueError(
            f"eigenvalues has shape {np.shape(eigenvalues)} or non-finite entries; "
            f"pass a non-empty array of finite numbers"
        )
    eps = check_real(eps, "eps", low=0.0, low_open=True, high=np.inf, high_open=True)
    return float(np.mean(np.abs(np.abs(lam) - 1.0) < eps))
