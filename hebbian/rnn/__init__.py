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
* :mod:`hebbian.rnn.gates` - the sigmoid gate every gated model uses
  (:func:`gate`, :func:`gate_slope`; data-dependent :class:`ProjectionGate`);
* :mod:`hebbian.rnn.fixed_points` - fixed points of any flow from many Newton
  starts, deduplicated (:func:`find_fixed_points`), and slow points, minima
  of ``|f|^2/2`` (:func:`slow_points`), as :class:`FixedPoints`;
* :mod:`hebbian.rnn.neural_ode` - gated and ungated neural ODEs
  (:class:`NeuralODE`) with exact gradients through the integrator's steps;
  :mod:`hebbian.rnn.training` - their tasks and L-BFGS training (:func:`train`);
* :mod:`hebbian.rnn.correlations` - :func:`autocorrelation` of many
  trajectories and its :func:`decay_time`;
* :mod:`hebbian.rnn.integrators` - :func:`simulate`: fixed-step RK4 and
  Euler with stability checks, adaptive ``scipy.integrate.solve_ivp``, with
  external inputs (constant, scheduled per step, or functions of time);
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
from hebbian.rnn.fixed_points import FixedPoints, find_fixed_points, slow_points
from hebbian.rnn.gates import ProjectionGate, gate, gate_slope
from hebbian.rnn.integrators import METHODS, Trajectory, simulate
from hebbian.rnn.lyapunov import (
    LyapunovSpectrum,
    MapLyapunovSpectrum,
    kaplan_yorke_dimension,
    lyapunov_spectrum,
    map_lyapunov_spectrum,
)
from hebbian.rnn.networks import GatedRNN, LinearRNN, RateNetwork, VanillaRNN
from hebbian.rnn.neural_ode import ODE_METHODS, NeuralODE, ODERun, matched_width
from hebbian.rnn.spectra import (
    SpectralSupport,
    fixed_point_eigenvalues,
    jacobian_spectrum,
    slow_mode_fraction,
    spectral_support,
)
from hebbian.rnn.training import Task, TrainResult, memory_task, train, trajectory_task

__all__ = [
    "METHODS",
    "ODE_METHODS",
    "FixedPoints",
    "GRUCell",
    "GatedRNN",
    "LSTMCell",
    "LinearRNN",
    "LyapunovSpectrum",
    "MapLyapunovSpectrum",
    "NeuralODE",
    "ODERun",
    "ProjectionGate",
    "RateNetwork",
    "RecurrentCell",
    "SpectralSupport",
    "Task",
    "TrainResult",
    "Trajectory",
    "VanillaRNN",
    "autocorrelation",
    "decay_time",
    "find_fixed_points",
    "fixed_point_eigenvalues",
    "gate",
    "gate_slope",
    "jacobian_spectrum",
    "kaplan_yorke_dimension",
    "lyapunov_spectrum",
    "map_lyapunov_spectrum",
    "matched_width",
    "memory_task",
    "simulate",
    "slow_mode_fraction",
    "slow_points",
    "spectral_support",
    "train",
    "trajectory_task",
]
