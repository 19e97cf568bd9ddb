"""Associative memories of key/value pairs behind one interface, and the task suite.

Every memory offers ``write(keys, values)`` and ``read(queries)`` and states
its cost (:mod:`hebbian.memory.interface`); the array code runs on NumPy or
CuPy alike.

* :mod:`hebbian.memory.rules` - Hebbian outer product (linear attention, the
  Pavlovian-conditioning reading), gated (constant or data-dependent
  retention gate; gated delta rule), delta rule, polynomial and softmax
  memories;
* :mod:`hebbian.memory.miras` - the Miras family: attentional bias (L2, Lp,
  Huber), retention (gate, L2, elastic net) and online gradient with
  momentum (Titans-style);
* :mod:`hebbian.memory.hybrid` - Hybrid Associative Memory: a recurrent state
  plus a key/value cache of what it fails to predict;
* :mod:`hebbian.memory.gated` - Gated Associative Memory: causal convolution,
  a memory, and a gate that fuses them;
* :mod:`hebbian.memory.reservoirs` - random gated recurrent networks (GRU,
  LSTM, linear) as memories with a ridge-regression read-out;
* :mod:`hebbian.memory.tasks` and :mod:`hebbian.memory.experiments` - the
  task suite (recall, retention, short-term memory capacity, delayed recall
  of a continuous value) measured over disorder samples with error bars and
  costs.

The signal-to-noise theory is :mod:`hebbian.theory.memory`.
"""

from hebbian.memory.experiments import (
    capacity,
    capacity_curve,
    hybrid_tradeoff,
    retention_curve,
    retention_timescale,
    scaling_exponent,
)
from hebbian.memory.gated import GatedAssociativeMemory
from hebbian.memory.hybrid import HybridMemory
from hebbian.memory.interface import AssociativeMemory
from hebbian.memory.miras import MirasMemory
from hebbian.memory.reservoirs import (
    LinearReservoir,
    ReservoirMemory,
    SampledNetwork,
    delayed_recall,
    flops_per_step,
    ridge_readout,
    short_term_memory,
)
from hebbian.memory.rules import (
    DeltaRuleMemory,
    ForgetGatedMemory,
    GatedMemory,
    LinearMemory,
    PolynomialMemory,
    SoftmaxMemory,
)
from hebbian.memory.tasks import (
    bit_accuracy,
    delay_trials,
    input_stream,
    memory_capacity,
    random_items,
    squared_correlation,
)

__all__ = [
    "AssociativeMemory",
    "DeltaRuleMemory",
    "ForgetGatedMemory",
    "GatedAssociativeMemory",
    "GatedMemory",
    "HybridMemory",
    "LinearMemory",
    "LinearReservoir",
    "MirasMemory",
    "PolynomialMemory",
    "ReservoirMemory",
    "SampledNetwork",
    "SoftmaxMemory",
    "bit_accuracy",
    "capacity",
    "capacity_curve",
    "delay_trials",
    "delayed_recall",
    "flops_per_step",
    "hybrid_tradeoff",
    "input_stream",
    "memory_capacity",
    "random_items",
    "retention_curve",
    "retention_timescale",
    "ridge_readout",
    "scaling_exponent",
    "short_term_memory",
    "squared_correlation",
]
