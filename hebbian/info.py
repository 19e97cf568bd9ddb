"""What this installation can do: versions, backends, devices, cores.

It also holds the names of the Monte Carlo options (backends, update rules,
site orders, initial conditions), shared by :mod:`hebbian.mc` and the command
line: this module imports nothing heavy (no Numba, no CuPy), so ``hebbian
--help`` can offer the same choices the samplers accept.
"""

from __future__ import annotations

import importlib
import os
import platform
import sys

__all__ = [
    "BACKENDS",
    "BATCHED",
    "ORDERS",
    "RULES",
    "STARTS",
    "cupy_backend_problem",
    "system_info",
]

#: Monte Carlo backends (:func:`hebbian.mc.backends.resolve_backend`); ``"auto"`` is Numba.
BACKENDS = ("auto", "numba", "lockstep", "numpy", "batched", "cupy")
#: Backends that advance every chain at once (:mod:`hebbian.mc._batched`, :mod:`hebbian.mc._cuda`).
BATCHED = ("batched", "cupy")
#: Update rules of :class:`hebbian.mc.Dynamics` (``"glauber"`` is another name for
#: ``"heat-bath"``; ``"zero-T"`` is the rule at, and only at, ``T = 0``).
RULES = ("metropolis", "heat-bath", "glauber", "zero-T")
#: Site orders of :class:`hebbian.mc.Dynamics`: uniform random sites, or 0..N-1.
ORDERS = ("random", "sequential")
#: Named initial conditions of :func:`hebbian.mc.init` (an array is the third kind).
STARTS = ("random", "pattern")


def _version(module: str) -> str | None:
    try:
        return importlib.import_module(module).__version__
    except Exception:
        return None


def _gpu() -> dict:
    """CuPy and CUDA device facts, or why there are none."""
    version = _version("cupy")
    if version is None:
        return {
            "cupy": None,
            "devices": [],
            "reason": "CuPy is not installed (pip install 'dense-hebbian[gpu]')",
        }
    try:
        import cupy

        n = cupy.cuda.runtime.getDeviceCount()
        devices = []
        for k in range(n):
            props = cupy.cuda.runtime.getDeviceProperties(k)
            name = props["name"]
            devices.append(
                {
                    "name": name.decode() if isinstance(name, bytes) else str(name),
                    "memory_GiB": round(props["totalGlobalMem"] / 2**30, 1),
                }
            )
        return {"cupy": version, "devices": devices, "reason": None if n else "no CUDA device"}
    except Exception as exc:
        return {"cupy": version, "devices": [], "reason": f"{type(exc).__name__}: {exc}"}


def cupy_backend_problem() -> str | None:
    """Why ``backend="cupy"`` cannot run here, as the error to show; None when it can.

    It needs CuPy, a CUDA device and Numba's CUDA target (the kernel of
    :mod:`hebbian.mc._cuda`).
    """
    gpu = _gpu()
    why = gpu["reason"]
    if gpu["devices"]:
        try:
            from numba import cuda

            if not cuda.is_available():
                why = "Numba's CUDA target finds no device (pip install 'dense-hebbian[gpu]')"
        except Exception as exc:
            why = f"Numba's CUDA target is unusable ({type(exc).__name__}: {exc})"
    return None if why is None else f"backend='cupy' is unavailable: {why}; pass backend='numba'"


def system_info() -> dict:
    """Collect versions, available Monte Carlo backends and hardware.

    Returns
    -------
    dict
        JSON-serializable: ``hebbian``, ``python``, ``platform``, ``packages``
        (versions or None), ``backends`` (``numpy``, ``numba``, ``lockstep``,
        ``batched``, ``cupy``: true if usable, for ``cupy`` otherwise the reason), ``gpu``
        and ``cores`` (logical CPUs and those this process may use).
    """
    from hebbian import __version__

    packages = {
        name: _version(name)
        for name in ("numpy", "scipy", "numba", "matplotlib", "h5py", "dask", "tqdm")
    }
    gpu = _gpu()
    numba = packages["numba"] is not None
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "hebbian": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": packages,
        "backends": {
            "numpy": True,
            "numba": numba,
            "lockstep": numba,
            "batched": True,
            "cupy": cupy_backend_problem() or True,
        },
        "gpu": gpu,
        "cores": {"logical": os.cpu_count(), "usable": usable},
    }
