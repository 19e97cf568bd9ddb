"""Figure scripts: one module per reproduced figure.

Each public module ``figures/<name>.py`` has a ``main(argv)`` taking
``--quick`` (small sizes, what CI runs), ``--out DIR``, ``--seed`` and
``--workers N | --scheduler ADDRESS`` (:mod:`hebbian.figures._output`), and writes
``<name>.h5`` (its data: an :class:`xarray.Dataset` with named dimensions and
coordinates, as netCDF-4: ``xarray.open_dataset(path, engine="h5netcdf")``),
``<name>.png`` and ``<name>.json`` (the run record: what it was run with, also
the data file's ``record`` attribute) into ``DIR``; Monte Carlo points come
from resumable sweeps (:mod:`hebbian.sweep`) kept beside them.  Its
docstring's first line is its description in ``hebbian reproduce --list``.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path
from types import ModuleType

__all__ = ["available", "load", "write_gallery"]


def available() -> dict[str, str]:
    """Map figure name -> one-line description, in alphabetical order."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return {name: (load(name).__doc__ or "").strip().splitlines()[0] for name in names}


def load(name: str) -> ModuleType:
    """Import the figure module ``figures.<name>``."""
    return importlib.import_module(f"{__name__}.{name}")


def write_gallery(out: Path) -> Path:
    """Write ``out/gallery.md``: every figure found in ``out``, its description and record."""
    available_ = available()
    lines = ["# hebbian figure gallery", ""]
    for name, description in available_.items():
        png, record = out / f"{name}.png", out / f"{name}.json"
        if not png.exists():
            continue
        meta = json.loads(record.read_text()) if record.exists() else {}
        mode = "quick" if meta.get("quick") else "full"
        version = meta.get("provenance", {}).get("versions", {}).get("hebbian")
        lines += [
            f"## {name}",
            "",
            description,
            "",
            f"![{name}]({png.name})",
            "",
            f"{mode} mode, seed {meta.get('seed')}, hebbian {version}, "
            f"{meta.get('elapsed_s')} s; data in `{name}.h5`, record in `{name}.json`; "
            f"remake with `hebbian reproduce {name}{' --quick' if mode == 'quick' else ''}`.",
            "",
        ]
    path = out / "gallery.md"
    path.write_text("\n".join(lines))
    return path
