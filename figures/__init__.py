"""Figure scripts: one module per reproduced figure.

Each public module ``figures/<name>.py`` has a ``main(argv)`` taking
``--quick`` (small sizes, what CI runs) and ``--out DIR``, and writes
``<name>.npz`` (data), ``<name>.png`` and ``<name>.json`` (what it was run
with) into ``DIR``.  Its docstring's first line is its description in
``hebbian reproduce --list``.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

__all__ = ["available", "load"]


def available() -> dict[str, str]:
    """Map figure name -> one-line description, in alphabetical order."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return {name: (load(name).__doc__ or "").strip().splitlines()[0] for name in names}


def load(name: str) -> ModuleType:
    """Import the figure module ``figures.<name>``."""
    return importlib.import_module(f"{__name__}.{name}")
