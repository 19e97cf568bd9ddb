"""Monte Carlo samplers for the binary networks of :mod:`hebbian`.

* :func:`run` - R single-spin-flip chains (Metropolis, heat bath/Glauber,
  zero-temperature), measurements with error bars, checkpoint/resume;
* :func:`parallel_tempering` - replica exchange over a temperature ladder,
  checkpoint/resume;
* :mod:`hebbian.mc.runstate` - the loop and resumable run state both share;
* :func:`init`, :func:`step`, :class:`Dynamics` - the chains themselves;
* :mod:`hebbian.mc.statistics` - autocorrelation times, ESS and split-R-hat over
  chains, blocking, jackknife;
* :func:`extrapolate` - finite-size extrapolation ``N -> infinity``;
* :func:`retrieval_overlap` - the retrieval overlap at one point, over
  disorder samples (a sweep task);
* :mod:`hebbian.mc.glass` - parallel tempering over disorder samples of the SK
  model, the dense Hebbian glass and the Gaussian P-spin control: energies,
  P(q), swap acceptance and round trips (sweep tasks);
* :mod:`hebbian.mc.constrained` - chains at a fixed overlap with a probe (pair
  moves) and the slope of the Landau free energy in it (flip insertion);
* :mod:`hebbian.mc.capacity` - storage capacity and basins of attraction over
  disorder samples (dense, exponential and modern networks);
* :mod:`hebbian.mc.condensation` - exponential memories at finite temperature, binary
  and on the sphere (Metropolis for the modern Hopfield network).

Energy changes come from the K overlap sums, kept exactly and incrementally:
O(K) per attempted flip.  Each network family is one module of
:mod:`hebbian.mc.networks` (its energy change and bookkeeping, compiled into
the generic loops of :mod:`hebbian.mc._numba` and of the CUDA kernel, and an
array twin that :mod:`hebbian.mc._numpy` and the batched backends use), found
by the network's class through :func:`hebbian.mc.model.register`.
"""

from hebbian.mc.finite_size import Extrapolation, extrapolate
from hebbian.mc.model import KernelModel, kernel_model
from hebbian.mc.retrieval import retrieval_overlap
from hebbian.mc.sampler import ChainState, Dynamics, init, step
from hebbian.mc.simulation import RunResult, run
from hebbian.mc.statistics import Estimate, estimate
from hebbian.mc.tempering import TemperingResult, geometric_ladder, parallel_tempering

__all__ = [
    "ChainState",
    "Dynamics",
    "Estimate",
    "Extrapolation",
    "KernelModel",
    "RunResult",
    "TemperingResult",
    "estimate",
    "extrapolate",
    "geometric_ladder",
    "init",
    "kernel_model",
    "parallel_tempering",
    "retrieval_overlap",
    "run",
    "step",
]
