"""Shared command line, sweeps and output of the figure scripts.

A figure's data is one :class:`xarray.Dataset`: each variable has named
dimensions, coordinate values and a ``long_name`` (and ``units`` where one
applies); panels whose grids differ are joined on the union of their grids
(:func:`joined`), NaN where a panel has no point.  :func:`write_outputs`
stores it as netCDF-4 (``<stem>.h5``, read back by
``xarray.open_dataset(path, engine="h5netcdf")``) with the run record in
its attributes.

Every figure draws with one colour-blind-safe palette, :data:`PALETTE`
(matplotlib's ``"C0"``, ``"C1"``, ... once :func:`subplots` or
:func:`figure` has made the canvas), and tells its series apart by line
style or marker as well (:func:`series`), so that it reads in grey too.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

import numpy as np

__all__ = [
    "LINESTYLES",
    "MARKERS",
    "PALETTE",
    "figure",
    "joined",
    "labelled",
    "parse_args",
    "run_figure",
    "series",
    "smooth",
    "smooth_path",
    "subplots",
    "sweep",
    "write_outputs",
]

#: Okabe and Ito's colours ("Color Universal Design", 2008), distinct under the three
#: common colour-vision deficiencies: blue, vermillion, bluish green, reddish purple,
#: orange, sky blue, yellow, black.  matplotlib's default ("tab10") puts red next to
#: green and is not.  Greys (``"k"``, ``"gray"``, ``"0.5"``) stay free for references.
PALETTE = (
    "#0072B2",
    "#D55E00",
    "#009E73",
    "#CC79A7",
    "#E69F00",
    "#56B4E9",
    "#F0E442",
    "#000000",
)
#: Line styles of the series, in order: a series differs from the others in grey too.
LINESTYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (8, 2)))
#: Markers of the series, in order.
MARKERS = ("o", "s", "^", "D", "v", "P", "X", "*")


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
    or ``--scheduler`` say (:meth:`hebbian.sweep.Sweep.run`), on the figure's
    one executor where :func:`run_figure` opened it (``args.executor``).  Quick
    and full sweeps live in different files, so either resumes after a kill.
    """
    from hebbian.sweep import Sweep

    path = args.out / f"{name}{'.quick' if args.quick else ''}.h5"
    pool = getattr(args, "executor", None)
    where = (
        {"executor": pool}
        if pool is not None
        else {"workers": args.workers, "scheduler": args.scheduler}
    )
    return Sweep(task, grid, fixed, seed=args.seed).run(path, progress=args.progress, **where)


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


def series(k: int, line: bool = True, points: bool = False) -> dict:
    """Colour, line style and marker of the ``k``-th series, as keyword arguments of ``plot``.

    Parameters
    ----------
    k : int
        The series' index, from 0: colour ``"C<k>"`` of :data:`PALETTE`, with the
        ``k``-th of :data:`LINESTYLES` and of :data:`MARKERS` (cycled).
    line, points : bool
        Whether the series is drawn as a line, as markers, or both.

    Returns
    -------
    dict
        ``color``, ``ls`` and ``marker`` (``"none"`` where not drawn).
    """
    return {
        "color": f"C{k % len(PALETTE)}",
        "ls": LINESTYLES[k % len(LINESTYLES)] if line else "none",
        "marker": MARKERS[k % len(MARKERS)] if points else "none",
    }


def smooth(x, y, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """A theory line ``y(x)`` computed on a coarse grid, interpolated to ``n`` points for drawing.

    Monotone cubic (PCHIP) interpolation between the computed points, which it
    passes through without overshooting them, so that a curve is drawn as a
    curve and not as a polyline; ``x`` increasing or decreasing, NaN points
    dropped.  Fewer than three points are returned as they are.
    """
    from scipy.interpolate import PchipInterpolator

    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < 3:
        return x, y
    order = np.argsort(x)
    x, y = x[order], y[order]
    fine = np.linspace(x[0], x[-1], n)
    return fine, PchipInterpolator(x, y)(fine)


def smooth_path(x, y, n: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """A computed line ``(x_i, y_i)``, in the order traced, interpolated to ``n`` points.

    For lines that are no function of either coordinate (a reentrant
    boundary): both coordinates are interpolated (PCHIP) against the
    distance along the line, each coordinate scaled by its range; NaN points
    dropped; fewer than three points are returned as they are.
    """
    from scipy.interpolate import PchipInterpolator

    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if x.size < 3:
        return x, y
    scale = [np.ptp(v) or 1.0 for v in (x, y)]
    step = np.hypot(np.diff(x) / scale[0], np.diff(y) / scale[1])
    keep = np.append(True, step > 0)  # repeated points
    x, y = x[keep], y[keep]
    t = np.append(0.0, np.cumsum(step[step > 0]))
    if t.size < 3:
        return x, y
    fine = np.linspace(0.0, t[-1], n)
    return PchipInterpolator(t, x)(fine), PchipInterpolator(t, y)(fine)


def _canvas():
    """pyplot on the non-interactive Agg canvas, with the figures' palette as ``"C0"``..."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler

    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=PALETTE)
    return plt


def subplots(nrows: int, ncols: int, figsize: tuple[float, float]):
    """``(fig, axes)``: a grid of panels on matplotlib's non-interactive Agg canvas."""
    return _canvas().subplots(nrows, ncols, figsize=figsize)


def figure(figsize: tuple[float, float]):
    """An empty figure on the Agg canvas, for layouts a grid of :func:`subplots` cannot make."""
    return _canvas().figure(figsize=figsize)


def run_figure(stem: str, description: str, argv: list[str] | None, draw) -> Path:
    """What every figure's ``main`` does: read the command line, draw, write; the PNG's path.

    Parameters
    ----------
    stem : str
        The figure's name (its output files' stem).
    description : str
        The command line's description (the module docstring's first line).
    argv : list of str or None
        The command line (``None``: ``sys.argv``), read by :func:`parse_args`.
    draw : callable
        ``draw(args) -> (fig, data, meta)``: the figure's panels, drawn from the
        command line's options; ``data`` a Dataset or a list of Datasets
        (merged), ``meta`` the run record's figure-specific part.  ``args.executor``
        is the executor of ``--workers``/``--scheduler``, open while it draws
        (:func:`sweep` runs on it).

    Returns
    -------
    Path
        The PNG (:func:`write_outputs`).
    """
    import xarray as xr

    from hebbian.executors import executor

    args = parse_args(description, argv)
    started = time.perf_counter()
    # one executor for all the figure's sweeps: worker processes start (and load the
    # compiled kernels) once, not once per sweep
    with executor(args.workers, args.scheduler) as args.executor:
        fig, data, meta = draw(args)
    if isinstance(data, list):
        data = xr.merge(data)
    return write_outputs(fig, data, meta, args, stem, started)


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
