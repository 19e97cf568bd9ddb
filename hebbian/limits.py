"""Resource limits checked before large allocations: one memory check for every module.

A computation that would allocate more than the machine can hold fails with a
``MemoryError`` traceback after minutes of swapping, or gets the process
killed.  Every public entry point that allocates arrays whose size the user
chooses (patterns, overlap sums per replica, measurement series, coupling
matrices) first adds up what it will allocate and calls :func:`check_memory`,
which refuses with a one-line ``ValueError`` naming the estimate, the limit
and how to raise it.

The limit, in order of precedence:

1. the ``limit=`` argument of :func:`check_memory` (bytes; ``math.inf`` for none);
2. the environment variable ``HEBBIAN_MAX_MEMORY``: bytes, optionally with a
   binary unit (``"512M"``, ``"64G"``, ``"1.5TiB"``; K, M, G, T are powers of
   1024), or ``"none"`` / ``"inf"`` for no limit;
3. half of the memory available now (:func:`available_memory`: the smaller of
   the kernel's ``MemAvailable`` and what is left under a cgroup memory limit,
   so a container or batch-job limit counts).  Half, because the estimates
   count the arrays a computation keeps and the largest temporaries it makes,
   not the interpreter, libraries or other processes that share the machine.
   Where the available memory cannot be read, there is no default limit.
   Allocations of at most :data:`SMALL` bytes are not checked against it.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
from pathlib import Path

__all__ = ["ENV_VAR", "SMALL", "available_memory", "check_memory", "format_bytes", "memory_limit"]

#: Environment variable overriding the default memory limit.
ENV_VAR = "HEBBIAN_MAX_MEMORY"

#: Allocations up to this many bytes pass the default limit unread (1 MiB).
SMALL = 2**20

_UNITS = {"": 1, "k": 2**10, "m": 2**20, "g": 2**30, "t": 2**40, "p": 2**50}
_SIZE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*([kmgtp]?)(?:i?b)?\s*$", re.I)


def format_bytes(n_bytes: float) -> str:
    """``n_bytes`` in the largest binary unit below it, e.g. ``"298.0 GiB"``."""
    if not math.isfinite(n_bytes):
        return "unlimited"
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(n_bytes) < 1024 or unit == "TiB":
            return f"{n_bytes:.0f} {unit}" if unit == "B" else f"{n_bytes:.1f} {unit}"
        n_bytes /= 1024
    raise AssertionError("unreachable")


def _parse_size(text: str) -> float:
    if text.strip().lower() in ("none", "inf", "unlimited"):
        return math.inf
    match = _SIZE.match(text)
    if match is None:
        raise ValueError(
            f"{ENV_VAR}={text!r} is not a size; set it to bytes with an optional unit "
            f"(e.g. 64G or 512MiB) or to 'none' for no limit"
        )
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


def _cgroup_room() -> float:
    """Bytes left under this process's cgroup (v2 or v1) memory limit; inf if none."""
    for limit_file, usage_file in (
        ("/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory.current"),
        (
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "/sys/fs/cgroup/memory/memory.usage_in_bytes",
        ),
    ):
        try:
            limit = Path(limit_file).read_text().strip()
            usage = Path(usage_file).read_text().strip()
        except OSError:
            continue
        if limit == "max" or not limit.isdigit() or not usage.isdigit():
            return math.inf
        if int(limit) >= 2**60:  # cgroup v1's "no limit" is a huge number
            return math.inf
        return max(int(limit) - int(usage), 0)
    return math.inf


def available_memory() -> float:
    """Memory available to this process now, in bytes (``inf`` if it cannot be read)."""
    avail = math.inf
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                avail = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    if math.isinf(avail):  # not Linux: physical memory, the best portable figure
        with contextlib.suppress(AttributeError, OSError, ValueError):
            avail = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return min(avail, _cgroup_room())


def memory_limit(limit: float | None = None) -> float:
    """The limit :func:`check_memory` applies, in bytes (see the module docstring)."""
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int | float) or not limit > 0:
            raise ValueError(f"limit={limit!r} must be a positive number of bytes (or math.inf)")
        return float(limit)
    text = os.environ.get(ENV_VAR)
    if text is not None and text.strip():
        value = _parse_size(text)
        if not value > 0:
            raise ValueError(f"{ENV_VAR}={text!r} must be positive; set 'none' for no limit")
        return value
    return available_memory() / 2


def check_memory(n_bytes: float, what: str, limit: float | None = None) -> None:
    """Refuse to allocate ``n_bytes`` for ``what`` above the memory limit.

    Parameters
    ----------
    n_bytes : float
        Estimate of what the computation will allocate (kept arrays plus the
        largest temporaries), in bytes.
    what : str
        What is allocated, with the arguments that set its size, e.g.
        ``"patterns (K=200000, N=200000, int8)"``.
    limit : float, optional
        Bytes; by default the environment variable ``HEBBIAN_MAX_MEMORY``,
        else half of :func:`available_memory`.

    Raises
    ------
    ValueError
        When ``n_bytes`` exceeds the limit; the message names the estimate,
        the limit and how to override it.

    Examples
    --------
    >>> check_memory(2**20, "a small array", limit=2**30)
    >>> check_memory(2**40, "a large array", limit=2**30)
    Traceback (most recent call last):
    ...
    ValueError: a large array needs about 1.0 TiB, above the memory limit of 1.0 GiB (...
    """
    if n_bytes <= SMALL and limit is None and not os.environ.get(ENV_VAR, "").strip():
        return  # reading /proc costs more than such an array
    cap = memory_limit(limit)
    if n_bytes > cap:
        source = (
            "the limit argument"
            if limit is not None
            else f"{ENV_VAR}"
            if os.environ.get(ENV_VAR, "").strip()
            else "half of the available memory"
        )
        raise ValueError(
            f"{what} needs about {format_bytes(n_bytes)}, above the memory limit of "
            f"{format_bytes(cap)} ({source}); reduce the sizes, or raise the limit with "
            f"the environment variable {ENV_VAR} (e.g. {ENV_VAR}=64G, or 'none')"
        )
