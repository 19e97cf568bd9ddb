"""What this installation can do: versions, backends, devices, cores."""

from __future__ import annotations

import importlib
import os
import platform
import sys

__all__ = ["system_info"]


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
            "reason": "CuPy is not installed (pip install 'hebbian[gpu]')",
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


def _cupy_backend() -> bool | str:
    """True when ``backend="cupy"`` works here, else why not."""
    from mc.backends import resolve_backend

    try:
        resolve_backend("cupy")
    except ValueError as exc:
        return str(exc)
    return True


def system_info() -> dict:
    """Collect versions, available Monte Carlo backends and hardware.

    Returns
    -------
    dict
        JSON-serializable: ``hebbian``, ``python``, ``platform``, ``packages``
        (versions or None), ``backends`` (``numpy``, ``numba``, ``batched``,
        ``cupy``: true if usable, for ``cupy`` otherwise the reason), ``gpu``
        and ``cores`` (logical CPUs and those this process may use).
    """
    from hebbian import __version__

    packages = {
        name: _version(name)
        for name in ("numpy", "scipy", "numba", "matplotlib", "h5py", "dask", "tqdm")
    }
    gpu = _gpu()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "hebbian": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "packages": packages,
        "backends": {
            "numpy": True,
            "numba": packages["numba"] is not None,
            "batched": True,
            "cupy": _cupy_backend(),
        },
        "gpu": gpu,
        "cores": {"logical": os.cpu_count(), "usable": usable},
    }
