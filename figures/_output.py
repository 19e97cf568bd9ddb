"""Shared command line and output of the figure scripts."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

__all__ = ["parse_args", "write_outputs"]


def parse_args(description: str, argv: list[str] | None) -> argparse.Namespace:
    """Parse ``--quick``, ``--out`` and ``--seed`` for a figure script."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    parser.add_argument("--out", type=Path, default=Path("figures_out"), help="output folder")
    parser.add_argument("--seed", type=int, default=2026, help="master seed")
    return parser.parse_args(argv)


def write_outputs(fig, data: dict, meta: dict, out: Path, stem: str, started: float) -> Path:
    """Write ``<stem>.npz``, ``<stem>.png`` and ``<stem>.json`` into ``out``.

    Files are written under a temporary name and renamed, so a killed run
    never leaves a half-written file behind.
    """
    import matplotlib.pyplot as plt

    from hebbian import __version__

    out.mkdir(parents=True, exist_ok=True)
    record = {
        **meta,
        "hebbian": __version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "elapsed_s": round(time.perf_counter() - started, 3),
    }
    targets = {
        "npz": lambda f: np.savez(f, **data),
        "png": lambda f: fig.savefig(f, dpi=150, bbox_inches="tight", format="png"),
        "json": lambda f: f.write(json.dumps(record, indent=2).encode()),
    }
    for ext, write in targets.items():
        final = out / f"{stem}.{ext}"
        tmp = final.with_name(final.name + ".part")
        with open(tmp, "wb") as f:
            write(f)
        os.replace(tmp, final)
    plt.close(fig)
    print(f"wrote {out / stem}.{{npz,png,json}} in {record['elapsed_s']} s")
    return out / f"{stem}.png"
