"""hebbian: statistical mechanics and Monte Carlo of dense Hebbian networks.

The core package: pattern and data generators (:mod:`hebbian.patterns`),
network definitions (:mod:`hebbian.networks`), explicit couplings used as a
test oracle (:mod:`hebbian.couplings`), random-number handling
(:mod:`hebbian.random`) and the command line (:mod:`hebbian.cli`).  Solvers
live in the subpackage :mod:`hebbian.theory`, samplers in :mod:`hebbian.mc`
and the figure scripts in :mod:`hebbian.figures`; importing ``hebbian``
loads none of them (``from hebbian import theory, mc`` does).
"""

import logging

from hebbian.networks import (
    BinaryNetwork,
    DenseHopfield,
    ExponentialDAM,
    FixedPoint,
    Hopfield,
    LearnedNetwork,
    ModernHopfield,
    PSpinGlass,
    SherringtonKirkpatrick,
    learned_network,
)
from hebbian.patterns import (
    Examples,
    biased_patterns,
    binary_patterns,
    dataset_entropy,
    diluted_patterns,
    noisy_examples,
)
from hebbian.random import as_generator, spawn
from hebbian.temperature import T_from_beta, beta_from_T

# The library logs to children of this logger and shows nothing by itself.
logging.getLogger(__name__).addHandler(logging.NullHandler())

__version__ = "0.2.0.dev0"

__all__ = [
    "BinaryNetwork",
    "DenseHopfield",
    "Examples",
    "ExponentialDAM",
    "FixedPoint",
    "Hopfield",
    "LearnedNetwork",
    "ModernHopfield",
    "PSpinGlass",
    "SherringtonKirkpatrick",
    "T_from_beta",
    "__version__",
    "as_generator",
    "beta_from_T",
    "biased_patterns",
    "binary_patterns",
    "dataset_entropy",
    "diluted_patterns",
    "learned_network",
    "noisy_examples",
    "spawn",
]
