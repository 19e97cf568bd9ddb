"""Where Numba keeps compiled kernels: beside the source, or per user for a read-only install.

``cache=True`` writes next to the source file; an install into a read-only
site-packages must still run (and cache).  :func:`use_user_cache` runs before
the kernels of a module are decorated (:mod:`hebbian.mc._numba`,
:mod:`hebbian.theory.quadrature`).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def _package_writable(folder: Path) -> bool:
    """Whether Numba can keep its cache beside ``folder``'s files (in ``__pycache__``)."""
    pycache = folder / "__pycache__"
    target = pycache if pycache.is_dir() else folder
    return os.access(target, os.W_OK)


def user_cache_dir(environ=os.environ) -> Path:
    """Per-user folder for compiled kernels: ``$XDG_CACHE_HOME/hebbian/numba``
    (``~/.cache/hebbian/numba`` without it)."""
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "hebbian" / "numba"


def use_user_cache(folder: Path) -> None:
    """Point Numba's cache at :func:`user_cache_dir` when ``folder`` is read-only.

    A ``NUMBA_CACHE_DIR`` the user set is left alone; if Numba was imported
    earlier its configuration is re-read from the environment.
    """
    if os.environ.get("NUMBA_CACHE_DIR") or _package_writable(folder):
        return
    os.environ["NUMBA_CACHE_DIR"] = str(user_cache_dir())
    if "numba" in sys.modules:
        from numba.core import config

        config.reload_config()
