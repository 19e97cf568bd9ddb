"""Gated recurrent networks in continuous time (``PHYSICS.md`` section 4).

* :mod:`hebbian.rnn.networks` - the vanilla random rate network
  (:class:`VanillaRNN`, Sompolinsky-Crisanti-Sommers 1988), the gated network
  of Krishnamurthy, Can and Schwab 2022 (:class:`GatedRNN`), whose limit with
  open gates it is, and the linear network :class:`LinearRNN`; vector fields,
  analytic Jacobians, Jacobian-matrix products;
* :mod:`hebbian.rnn.integrators` - :func:`simulate`: fixed-step RK4 and
  Euler with stability checks, adaptive ``scipy.integrate.solve_ivp``;
* :mod:`hebbian.rnn.lyapunov` - :func:`lyapunov_spectrum` (Benettin's QR
  method) and :func:`kaplan_yorke_dimension`;
* :mod:`hebbian.rnn.spectra` - :func:`jacobian_spectrum` and the
  random-matrix predictions :func:`spectral_support`.

The mean-field theory of these networks is in :mod:`theory.dmft`.
"""

from hebbian.rnn.integrators import METHODS, Trajectory, simulate
from hebbian.rnn.lyapunov import LyapunovSpectrum, kaplan_yorke_dimension, lyapunov_spectrum
from hebbian.rnn.networks import GatedRNN, LinearRNN, RateNetwork, VanillaRNN
from hebbian.rnn.spectra import SpectralSupport, jacobian_spectrum, spectral_support

__all__ = [
    "METHODS",
    "GatedRNN",
    "LinearRNN",
    "LyapunovSpectrum",
    "RateNetwork",
    "SpectralSupport",
    "Trajectory",
    "VanillaRNN",
    "jacobian_spectrum",
    "kaplan_yorke_dimension",
    "lyapunov_spectrum",
    "simulate",
    "spectral_support",
]
