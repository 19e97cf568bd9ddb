"""Shared command line, sweeps and output of the figure scripts."""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from hebbian.executors import add_executor_options

__all__ = ["parse_args", "sweep", "write_outputs"]


def parse_args(description: str, argv: list[str] | None) -> argparse.Namespace:
    """Parse ``--quick``, ``--out``, ``--seed``, ``--workers`` and ``--scheduler``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="small sizes (seconds)")
    parser.add_argument("--out", type=Path, default=Path("figures_out"), help="output folder")
    parser.add_argument("--seed", type=int, default=2026, help="master seed")
    add_executor_options(parser)
    return parser.parse_args(argv)


def sweep(args: argparse.Namespace, name: str, task: str, grid: dict, **fixed):
    """Run (or resume) a figure's sweep into ``OUT/<name>[.quick].h5``; return its Dataset.

    The task gets the figure's ``--seed``; the points run where ``--workers``
    or ``--scheduler`` say (:meth:`hebbian.sweep.Sweep.run`).  Quick and full
    sweeps live in different files, so either resumes after a kill.
    """
    from hebbian.sweep import Sweep

    path = args.out / f"{name}{'.quick' if args.quick else ''}.h5"
    return Sweep(task, grid, fixed, seed=args.seed).run(
        path,
        workers=args.workers,
        scheduler=args.scheduler,
        progress=args.progress or None,
    )


def write_outputs(
    fig, data: dict, meta: dict, args: argparse.Namespace, stem: str, started: float
) -> Path:
    """Write ``<stem>.h5`` (data, metadata in its attrs), ``<stem>.png`` and ``<stem>.json``.

    The record holds ``meta`` (a figure's parameters and results; its
    ``seed`` overrides the command line's, e.g. ``None`` for a figure that
    draws no random numbers) after what every figure records: name, quick
    mode, seed, where the sweeps ran, the Monte Carlo backend, versions and
    the elapsed time.  Each file is written under a temporary name and
    renamed, so a killed run never leaves a half-written file behind.
    """
    import h5py
    import matplotlib.pyplot as plt
    from hebbian.mc.backends import resolve_backend

    from hebbian import __version__

    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    record = {
        "figure": stem,
        "quick": args.quick,
        "seed": args.seed,
        "workers": args.workers,
        "scheduler": args.scheduler,
        "backend": resolve_backend("auto")[0],
        **meta,
        "hebbian": __version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "elapsed_s": round(time.perf_counter() - started, 3),
    }
    text = json.dumps(record, indent=2)

    def h5(path):
        with h5py.File(path, "w") as f:
            for key, value in data.items():
                f.create_dataset(key, data=np.asarray(value))
            f.attrs["meta"] = text

    targets = {
        "h5": h5,
        "png": lambda path: fig.savefig(path, dpi=150, bbox_inches="tight", format="png"),
        "json": lambda path: Path(path).write_text(text),
    }
    for ext, write in targets.items():
        final = out / f"{stem}.{ext}"
        tmp = final.with_name(f".{final.name}.part")
        write(tmp)
        os.replace(tmp, final)
    plt.close(fig)
    print(f"wrote {out / stem}.{{h5,png,json}} in {record['elapsed_s']} s")
    return out / f"{stem}.png"
