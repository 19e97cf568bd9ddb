"""Network definitions: energies, overlaps, local fields, flip energy changes.

* :class:`Hopfield` - pairwise Hebbian network (Amit-Gutfreund-Sompolinsky);
* :class:`DenseHopfield` - dense P-spin Hebbian network, any P >= 2;
* :class:`ExponentialDAM` - dense associative memory with exponential F;
* :class:`LearnedNetwork` - dense network trained on examples (supervised or
  unsupervised), built by :func:`learned_network`;
* :class:`ModernHopfield` - continuous modern Hopfield network (attention);
* :class:`SherringtonKirkpatrick` - the SK spin glass, explicit couplings;
* :class:`PSpinGlass` - the Ising P-spin glass, Gaussian couplings of any order P >= 3.

The binary networks share :class:`BinaryNetwork`: the energy is a function of
the K Mattis overlaps and every single-flip quantity costs O(K).
"""

from hebbian.networks._base import BinaryNetwork
from hebbian.networks.dense import DenseHopfield, Hopfield, elementary_symmetric
from hebbian.networks.exponential import ExponentialDAM
from hebbian.networks.learning import LearnedNetwork, learned_network
from hebbian.networks.modern import FixedPoint, ModernHopfield
from hebbian.networks.pspin import PSpinGlass
from hebbian.networks.sk import SherringtonKirkpatrick

__all__ = [
    "BinaryNetwork",
    "DenseHopfield",
    "ExponentialDAM",
    "FixedPoint",
    "Hopfield",
    "LearnedNetwork",
    "ModernHopfield",
    "PSpinGlass",
    "SherringtonKirkpatrick",
    "elementary_symmetric",
    "learned_network",
]
