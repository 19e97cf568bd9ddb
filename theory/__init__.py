"""Replica theory of Hebbian networks: self-consistency solvers and phase diagrams.

* :mod:`hebbian.theory.hopfield` - pairwise Hopfield network (Amit-Gutfreund-Sompolinsky):
  RS at finite and zero temperature, ``alpha_c(T)``, the (alpha, T) phase
  diagram (``T_g``, ``T_M``, ``T_c``, AT line), symmetric mixtures;
  :mod:`hebbian.theory.hopfield_rsb` - its RSB retrieval state (one step at
  ``T >= 0``, two at ``T = 0``) and critical storage 0.138186;
* :mod:`hebbian.theory.dense` - dense P-spin networks in the high-storage regime
  ``K = alpha N^(P-1)``: RS; :mod:`hebbian.theory.dense_rsb` - k-RSB spin-glass and
  retrieval states for ``P >= 3`` and the 1RSB critical storage;
  :mod:`hebbian.theory.dense_phases` - their (alpha, T) phase diagram under RS
  and 1RSB (spinodals, transitions, AT line, static glass transition);
  :mod:`hebbian.theory.dense_finite_n` - the 1/N correction of the Hebbian
  glass energy and its exact finite-N annealed value;
* :mod:`hebbian.theory.learning` - networks trained on examples (supervised and
  unsupervised): archetype and example-mean overlaps at any load and
  temperature, the unsupervised example states, critical load and data-set
  size, signal-to-noise ratios; :mod:`hebbian.theory.learning_phase` - every RS
  line of its phase diagram (spinodal, thermodynamic transition, replicon,
  spin glass, paramagnet); :mod:`hebbian.theory.ultra_detection` - the
  detection threshold of the archetype and its exponent in N;
* :mod:`hebbian.theory.multitask` - multitasking networks (diluted patterns, low
  load): hierarchical, pure and parallel states, learned from examples too,
  and the learning thresholds;
* :mod:`hebbian.theory.exponential` - exponential dense associative memories and the
  modern Hopfield network with ``K = e^(alpha N)`` patterns: the
  random-energy-model thresholds for one attention step, zero-temperature
  flips, the basins, and the finite-temperature retrieval lines;
* :mod:`hebbian.theory.memory` - signal-to-noise capacity and retention of the
  key/value memories (linear, polynomial, softmax, gated, delta rule),
  Ramsauer et al.'s storage bound, memory functions of linear networks;
* :mod:`hebbian.theory.dmft` - dynamical mean-field theory of the random rate
  network (Sompolinsky-Crisanti-Sommers): autocorrelation, onset of chaos at
  ``g = 1`` and the largest Lyapunov exponent; :mod:`hebbian.theory.gated_dmft` -
  the gated network (Krishnamurthy-Can-Schwab): autocorrelations of the
  field and the output gate, largest Lyapunov exponent, the discontinuous
  onset of chaos above a tricritical output-gate gain, and a sampled DMFT for
  a fluctuating update gate; :mod:`hebbian.theory.fixed_point_complexity` -
  the annealed Kac-Rice count of fixed points of random vanilla and gated
  rate networks; :mod:`hebbian.theory.gru` - mean-field fixed points, their
  stability and slow time scales, and the phase boundaries of the random GRU;
* :mod:`hebbian.theory.sk` - the Sherrington-Kirkpatrick model: RS, AT line, k-step
  and full replica symmetry breaking on :mod:`hebbian.theory.parisi` (the Parisi
  functional with its gradient);
* machinery shared by all of them: :mod:`hebbian.theory.quadrature` (Gaussian
  averages at any temperature), :mod:`hebbian.theory.fixed_point` (damped iteration,
  Newton, Anderson) and :class:`Solution`, the one result type.

Every solver returns a :class:`Solution` whatever happens; ``success`` is
true only when the equations hold to the stated tolerance on the requested
branch.  ``solution.check()`` raises :class:`SolverError` otherwise.
"""

from hebbian.theory import (
    dense,
    dense_finite_n,
    dense_phases,
    dense_rsb,
    dmft,
    exponential,
    fixed_point_complexity,
    gated_dmft,
    gru,
    hopfield,
    hopfield_rsb,
    learning,
    learning_phase,
    memory,
    multitask,
    sk,
    ultra_detection,
)
from hebbian.theory.solution import Solution, SolverError

__all__ = [
    "SOLVERS",
    "Solution",
    "SolverError",
    "dense",
    "dense_finite_n",
    "dense_phases",
    "dense_rsb",
    "dmft",
    "exponential",
    "fixed_point_complexity",
    "gated_dmft",
    "gru",
    "hopfield",
    "hopfield_rsb",
    "learning",
    "learning_phase",
    "memory",
    "multitask",
    "sk",
    "ultra_detection",
]

#: Every solver by its command-line name (``hebbian solve NAME --param value``).
SOLVERS = {
    "hopfield": hopfield.solve,
    "hopfield-equilibrium": hopfield.equilibrium,
    "hopfield-alpha-c": hopfield.alpha_c,
    "hopfield-T-M": hopfield.T_M,
    "hopfield-T-c": hopfield.T_c,
    "hopfield-T-AT": hopfield.T_AT,
    "hopfield-mixture": hopfield.mixture,
    "hopfield-1rsb": hopfield_rsb.solve_1rsb,
    "hopfield-alpha-c-1rsb": hopfield_rsb.alpha_c_1rsb,
    "dense": dense.solve,
    "dense-alpha-c": dense.alpha_c,
    "dense-T-M": dense.T_M,
    "dense-T-c": dense.T_c,
    "dense-rsb": dense_rsb.solve_rsb,
    "dense-alpha-c-rsb": dense_rsb.alpha_c_rsb,
    "dense-constrained-rsb": dense_rsb.constrained_rsb,
    "exponential-critical-load": exponential.critical_load,
    "exponential-one-step": exponential.alpha_one_step,
    "exponential-zero-T": exponential.alpha_zero_T,
    "exponential-basin": exponential.cue_overlap_c,
    "exponential-spinodal": exponential.alpha_spinodal,
    "exponential-equilibrium": exponential.alpha_thermodynamic,
    "learning": learning.solve,
    "learning-example": learning.solve_example,
    "learning-alpha-c": learning.alpha_c,
    "learning-examples-c": learning.examples_c,
    "learning-constrained": learning.constrained,
    "multitask": multitask.solve,
    "multitask-rho-c": multitask.rho_c,
    "multitask-rho-parallel": multitask.rho_parallel,
    "dmft": dmft.solve_vanilla,
    "dmft-gated": gated_dmft.solve_gated,
    "dmft-gated-branch": gated_dmft.solve_gated_branch,
    "sk": sk.solve,
    "sk-T-AT": sk.T_AT,
    "sk-rsb": sk.solve_rsb,
    "sk-full-rsb": sk.solve_full_rsb,
}
