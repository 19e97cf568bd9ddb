"""Gated recurrent networks in continuous time and gated cells.

* :mod:`hebbian.rnn.networks` - the vanilla random rate network
  (:class:`VanillaRNN`, Sompolinsky-Crisanti-Sommers 1988), the gated network
  of Krishnamurthy, Can and Schwab 2022 (:class:`GatedRNN`), whose limit with
  open gates it is, and the linear network :class:`LinearRNN`; vector fields,
  analytic Jacobians, Jacobian-matrix products;
* :mod:`hebbian.rnn.cells` - random discrete-time gated cells, maps
  ``x -> F(x)`` (:class:`GRUCell`, :class:`LSTMCell`, base
  :class:`RecurrentCell`; Can, Krishnamurthy, Schwab 2020) with analytic
  Jacobians and Jacobian-matrix products;
* :mod:`hebbian.rnn.correlations` - :func:`autocorrelation` of many
  trajectories and its :func:`decay_time`;
* :mod:`hebbian.rnn.integrators` - :func:`simulate`: fixed-step RK4 and
  Euler with stability checks, adaptive ``scipy.integrate.solve_ivp``;
* :mod:`hebbian.rnn.lyapunov` - :func:`lyapunov_spectrum` (Benettin's QR
  method), its version for maps :func:`map_lyapunov_spectrum`
  (:class:`MapLyapunovSpectrum`) and :func:`kaplan_yorke_dimension`;
* :mod:`hebbian.rnn.spectra` - :func:`jacobian_spectrum`, the
  random-matrix predictions :func:`spectral_support` (flows and cells), the
  exact eigenvalues at the fixed point :func:`fixed_point_eigenvalues`, and
  :func:`slow_mode_fraction`.

The mean-field theory of these networks is in :mod:`hebbian.theory.dmft` (vanilla) and
:mod:`hebbian.theory.gated_dmft` (gated).
"""

from hebbian.rnn.cells import GRUCell, LSTMCell, RecurrentCell
from hebbian.rnn.correlations import autocorrelation, decay_time
from hebbian.rnn.integrators import METHODS, Trajectory, simulate
from hebbian.rnn.lyapunov import (
    LyapunovSpectrum,
    MapLyapunovSpectrum,
    kaplan_yorke_dimension,
    lyapunov_spectrum,
    map_lyapunov_spectrum,
)
from hebbian.rnn.networks import GatedRNN, LinearRNN, RateNetwork, VanillaRNN
from hebbian.rnn.spectra import (
    SpectralSupport,
    fixed_point_eigenvalues,
    jacobian_spectrum,
    slow_mode_fraction,
    spectral_support,
)

__all__ = [
    "METHODS",
    "GRUCell",
    "GatedRNN",
    "LSTMCell",
    "LinearRNN",
    "LyapunovSpectrum",
    "MapLyapunovSpectrum",
    "RateNetwork",
    "RecurrentCell",
    "SpectralSupport",
    "Trajectory",
    "VanillaRNN",
    "autocorrelation",
    "decay_time",
    "fixed_point_eigenvalues",
    "jacobian_spectrum",
    "kaplan_yorke_dimension",
    "lyapunov_spectrum",
    "map_lyapunov_spectrum",
    "simulate",
    "slow_mode_fraction",
    "spectral_support",
]
