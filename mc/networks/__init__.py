"""Network families of the samplers, one module each (see :mod:`hebbian.mc._interface`).

Adding a network to the samplers means one module here (its parameters, kernel
functions, array twin and builder) and its name in the import below.
"""

from hebbian.mc.networks import couplings, exponential, polynomial, pspin, self_interacting

__all__ = ["couplings", "exponential", "polynomial", "pspin", "self_interacting"]
