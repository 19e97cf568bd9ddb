"""What a run was made with: versions, the source commit, the host and the time.

Every record the package writes (a sweep file, a figure's run record, the
``hebbian mc --json`` summary) carries :func:`provenance` beside the full
arguments and seeds, so that a run can be repeated from its record alone.
Versions are read from the installed distributions' metadata, so recording
them imports nothing heavy (no numba, no CuPy).
"""

from __future__ import annotations

import functools
import platform
import socket
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

__all__ = ["DISTRIBUTION", "git_commit", "provenance", "versions"]

#: The distribution (``pip install`` name) that installs the ``hebbian`` package.
DISTRIBUTION = "dense-hebbian"
#: Distributions whose versions a record holds (None where not installed).
RECORDED = ("numpy", "scipy", "numba", "h5py", "xarray", "matplotlib", "dask", "cupy")


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def versions() -> dict[str, str | None]:
    """Versions of Python, of this package and of the libraries results depend on.

    CuPy is looked up under each of its wheel names (``cupy-cuda12x``, ...).
    """
    from hebbian import __version__

    found: dict[str, str | None] = {
        "python": platform.python_version(),
        "hebbian": __version__,
    }
    for name in RECORDED:
        found[name] = _version(name)
    if found["cupy"] is None:
        found["cupy"] = next(
            (v for d in ("cupy-cuda13x", "cupy-cuda12x") if (v := _version(d)) is not None),
            None,
        )
    return found


@functools.lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The commit of the checkout this package runs from, ``+dirty`` if it has changes.

    None for an installed package (its folder is not in a git work tree) or
    where git is not available.
    """
    source = Path(__file__).resolve().parents[1]
    if not (source / ".git").exists():
        return None
    try:
        head = subprocess.run(
            ["git", "-C", str(source), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "-C", str(source), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{head}+dirty" if changes else head


def provenance() -> dict:
    """The facts every record holds: versions, commit, command line, host and time (UTC).

    Returns
    -------
    dict
        JSON-serializable: ``versions`` (:func:`versions`), ``git_commit``
        (:func:`git_commit`), ``argv`` (the command line of this process),
        ``host`` and ``created``.
    """
    return {
        "versions": versions(),
        "git_commit": git_commit(),
        "argv": list(sys.argv),
        "host": socket.gethostname(),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
