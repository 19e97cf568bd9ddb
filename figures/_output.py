"""Shared command line, sweeps and output of the figure scripts.

A figure's data is one :class:`xarray.Dataset`: each variable has named
dimensions, coordinate values and a ``long_name`` (and ``units`` where one
applies); panels whose grids differ are joined on the union of their grids
(:func:`joined`), NaN where a panel has no point.  :func:`write_outputs`
stores it as netCDF-4 (``<stem>.h5``, read back by
``xarray.open_dataset(path, engine="h5netcdf")``) with the run record in
its attributes.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

__all__ = ["joined", "labelled", "parse_args", "subplots", "sweep", "write_outputs"]


def parse_args(description: str, argv: list[str] | None) -> argparse.Namespace:
    """Parse the figure options: ``--quick``, ``--out``, ``--seed``, ``--vector``, the executor's.

    ``hebbian reproduce`` passes these on.  Progress bars are shown on a
    terminal, unless ``--no-progress`` (or ``hebbian -q reproduce``) hides them;
    ``--progress`` shows them anywhere.  Every value is checked as
    ``hebbian reproduce`` checks it, before the figure computes anything:
    ``--out`` a folder that can be written (or created), ``--seed >= 0``,
    ``--workers`` and ``--scheduler`` as :func:`hebbian.executors.check_executor`
    takes them; a bad one ends the script with a one-line error (exit 2).
    """
    from hebbian.cli import _Parser, add_figure_options
    from hebbian.executors import check_executor
    from hebbian.paths import check_output_dir

    parser = _Parser(description=description)
    add_figure_options(parser)
    args = parser.parse_args(argv)
    try:
        check_executor(args.workers, args.scheduler, prefix="--")
        check_output_dir(args.out, "--out")  # the default too
    except ValueError as exc:
        parser.error(str(exc))
    return args


def sweep(args: argparse.Namespace, name: str, task: str, grid: dict, **fixed):
    """Run (or resume) a figure's sweep into ``OUT/<name>[.quick].h5``; return its Dataset.

    The task gets the figure's ``--seed``; the points run where ``--workers``
    or ``--scheduler`` say (:meth:`hebbian.sweep.Sweep.run`).  Quick and full
    sweeps live in different files, so either resumes after a kill.
    """
    from hebbian.sweep import Sweep

    path = args.out / f"{name}{'.quick' if args.quick else ''}.h5"
    return Sweep(task, grid, fixed, seed=args.seed).run(
        path, workers=args.workers, scheduler=args.scheduler, progress=args.progress
    )


def labelled(dims, values, long_name: str, units: str | None = None, **attrs) -> tuple:
    """One variable of a figure's Dataset: ``(dims, values, attrs)``.

    Parameters
    ----------
    dims : str or tuple of str
        Its dimensions, in the order of the axes of ``values``.
    values : array_like
    long_name : str
        What it is, in words.
    units : str, optional
        Where one applies (most quantities here are dimensionless).
    **attrs
        Further attributes (e.g. CF's ``flag_values`` and ``flag_meanings``).
    """
    attrs = {"long_name": long_name, **({} if units is None else {"units": units}), **attrs}
    return (dims, np.asarray(values), attrs)


def joined(parts: dict, dim: str, long_name: str, units: str | None = None):
    """Datasets of one panel each, stacked along a new coordinate ``dim`` (the dict's keys).

    Grids that differ between the panels are united (an outer join): a
    variable is NaN where its panel has no point.
    """
    import xarray as xr

    ds = xr.concat(
        list(parts.values()),
        dim=dim,
        join="outer",
        data_vars="all",
        coords="minimal",
        compat="equals",
        combine_attrs="override",
    )
    return ds.assign_coords({dim: labelled(dim, list(parts), long_name, units)})


def subplots(nrows: int, ncols: int, figsize: tuple[float, float]):
    """``(fig, axes)``: a grid of panels on matplotlib's non-interactive Agg canvas."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(nrows, ncols, figsize=figsize)


def write_outputs(
    fig, data, meta: dict, args: argparse.Namespace, stem: str, started: float
) -> Path:
    """Write ``<stem>.h5`` (data, the run record in its attrs), ``<stem>.png`` and ``<stem>.json``.

    With ``--vector pdf`` (or ``svg``) the picture is also written as vector
    graphics, ``<stem>.pdf`` (``<stem>.svg``).

    Parameters
    ----------
    fig : matplotlib Figure
    data : xarray.Dataset
        The figure's data; every variable has a ``long_name`` attribute.
        Written as netCDF-4 through h5netcdf, the record as the JSON text of
        its ``record`` attribute.
    meta : dict
        The figure's parameters and results (JSON-serializable); its
        ``seed`` overrides the command line's, e.g. ``None`` for a figure
        that draws no random numbers.
    args : argparse.Namespace
        The command line (:func:`parse_args`).
    stem : str
        The figure's name.
    started : float
        ``time.perf_counter()`` at the start of the run.

    Returns
    -------
    Path
        The PNG.

    Raises
    ------
    ValueError
        If a variable has no ``long_name``.

    Notes
    -----
    The record holds what repeats the run: the figure, quick mode, seed,
    where the sweeps ran, the Monte Carlo backend, ``meta``, the
    provenance (:func:`hebbian.provenance.provenance`: versions, commit,
    command line, host, time) and the elapsed time.  Each file is written
    under a temporary name and renamed, so a killed run never leaves a
    half-written file behind.
    """
    import matplotlib.pyplot as plt

    from hebbian.mc.backends import resolve_backend
    from hebbian.provenance import provenance

    unnamed = [str(k) for k, v in data.variables.items() if "long_name" not in v.attrs]
    if unnamed:
        raise ValueError(f"{stem}: variables {unnamed} have no long_name; give each one")
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
        "provenance": provenance(),
        "elapsed_s": round(time.perf_counter() - started, 3),
    }
    text = json.dumps(record, indent=2)
    data = data.assign_attrs(figure=stem, record=text)

    targets = {
        "h5": lambda path: data.to_netcdf(path, engine="h5netcdf"),
        "png": lambda path: fig.savefig(path, dpi=150, bbox_inches="tight", format="png"),
        "json": lambda path: Path(path).write_text(text),
    }
    vector = getattr(args, "vector", None)
    if vector is not None:
        targets[vector] = lambda path: fig.savefig(path, bbox_inches="tight", format=vector)
    for ext, write in targets.items():
        final = out / f"{stem}.{ext}"
        tmp = final.with_name(f".{final.name}.part")
        write(tmp)
        os.replace(tmp, final)
    plt.close(fig)
    print(f"wrote {out / stem}.{{{','.join(targets)}}} in {record['elapsed_s']} s")
    return out / f"{stem}.png"
