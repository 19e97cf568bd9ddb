"""One array code path for NumPy and CuPy: pick the namespace of the input."""

from __future__ import annotations

import numpy as np

__all__ = ["array_namespace"]


def array_namespace(*arrays):
    """Return ``cupy`` if any argument is a CuPy array, else ``numpy``.

    CuPy is imported only when an argument's type comes from it, so machines
    without CuPy never try to import it.
    """
    for a in arrays:
        if type(a).__module__.startswith("cupy"):
            import cupy

            return cupy
    return np
