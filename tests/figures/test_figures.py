"""Every figure script runs in quick mode, writes data, PNG and metadata, and reads well.

Reading well, as a referee looks at a figure (:func:`unreadable`): in every
legend, series that differ in colour differ in line style or marker too
(readable in grey and by the colour-blind), their colours come from the
figures' palette (:data:`hebbian.figures._output.PALETTE`) or are greys, no
legend lies over data, and no curve shows the kinks of a polyline sampled too
coarsely.
"""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
from figure_data import open_data
from matplotlib.colors import to_rgba

from hebbian import figures
from hebbian.figures._output import PALETTE


@pytest.mark.parametrize("name", list(figures.available()))
def test_figure_quick(name, made):
    tmp_path = made(name)
    for ext in ("h5", "png", "json"):
        assert (tmp_path / f"{name}.{ext}").stat().st_size > 0
    meta = json.loads((tmp_path / f"{name}.json").read_text())
    assert meta["quick"] is True
    assert meta["figure"] == name
    assert meta["backend"] == "numba"
    assert "seed" in meta
    assert {"workers", "scheduler"} <= meta.keys()
    assert meta["elapsed_s"] > 0
    provenance = meta["provenance"]
    for package in ("python", "hebbian", "numpy", "scipy", "numba"):
        assert provenance["versions"][package], package
    assert {"git_commit", "argv", "host", "created"} <= provenance.keys()
    assert not list(tmp_path.glob("*.part"))
    ds = open_data(tmp_path, name)
    assert len(ds.data_vars) > 0
    assert json.loads(ds.attrs["record"]) == meta
    assert not [dim for dim in ds.dims if str(dim).startswith("phony_dim")]
    for key, variable in ds.variables.items():
        assert variable.attrs.get("long_name"), key


def test_gallery_reads_the_run_record(made):
    from hebbian import __version__

    gallery = figures.write_gallery(made("modern_retrieval")).read_text()
    assert f"quick mode, seed 2026, hebbian {__version__}, " in gallery


def test_vector_output_on_request(tmp_path):
    """``--vector svg`` writes the picture as SVG beside the PNG; without it, no vector file."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import xarray as xr

    from hebbian.figures._output import labelled, parse_args, write_outputs

    for vector, expected in ((None, []), ("svg", ["tiny.svg"]), ("pdf", ["tiny.pdf"])):
        out = tmp_path / str(vector)
        argv = ["--out", str(out)] + ([] if vector is None else ["--vector", vector])
        fig, ax = plt.subplots()
        ax.plot([0, 1], [0, 1])
        data = xr.Dataset({"y": labelled("x", [0.0, 1.0], "a line")})
        write_outputs(fig, data, {}, parse_args("tiny", argv), "tiny", 0.0)
        assert sorted(p.name for p in out.glob("*.[ps][dv][fg]")) == expected
        assert (out / "tiny.png").stat().st_size > 0
    assert "<svg" in (tmp_path / "svg" / "tiny.svg").read_text()
    assert (tmp_path / "pdf" / "tiny.pdf").read_bytes().startswith(b"%PDF")


def _colour(c) -> tuple:
    return tuple(round(v, 3) for v in to_rgba(c))


def _look(artist) -> tuple[tuple, tuple]:
    """``(colour, everything else a reader tells series apart by)`` of a legend entry."""
    from matplotlib.collections import Collection
    from matplotlib.container import BarContainer, ErrorbarContainer
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if isinstance(artist, ErrorbarContainer):
        artist = artist.lines[0] if artist.lines[0] is not None else artist.lines[2][0]
    elif isinstance(artist, BarContainer):
        artist = artist.patches[0]
    if isinstance(artist, Line2D):
        marker = artist.get_marker()
        marker = None if marker in (None, "None", "none", "", " ") else str(marker)
        drawn = artist.get_linestyle() not in ("None", "none", "", " ")
        dashes = artist._unscaled_dash_pattern[1] if drawn else False
        face = artist.get_markerfacecolor()
        filled = marker is not None and not (str(face) == "none" or _colour(face)[:3] == (1, 1, 1))
        width = round(artist.get_linewidth() / 0.5) * 0.5 if drawn else None
        look = ("line", marker, filled, drawn, dashes and tuple(dashes), width)
        return _colour(artist.get_color()), look
    if isinstance(artist, Patch):
        fill = artist.get_fill()
        colour = artist.get_facecolor() if fill else artist.get_edgecolor()
        return _colour(colour), ("patch", artist.get_hatch(), fill, artist.get_linestyle())
    if isinstance(artist, Collection):
        faces = artist.get_facecolor()
        colour = faces[0] if len(faces) else artist.get_edgecolor()[0]
        paths = tuple(np.round(p.vertices, 2).tobytes() for p in artist.get_paths()[:1])
        return _colour(colour), ("collection", type(artist).__name__, artist.get_hatch(), paths)
    return (), (type(artist).__name__, id(artist))


def _legends(fig):
    """``(legend, axes it may cover, entries as (label, artist))`` for every legend."""
    for legend in [ax.get_legend() for ax in fig.axes] + list(fig.legends):
        if legend is None:
            continue
        parent = (
            legend.axes
            if legend.axes is not None and legend in (legend.axes.get_legend(),)
            else None
        )
        owners = [parent] if parent is not None else list(fig.axes)
        known = {}
        for ax in owners + [a for a in fig.axes if a not in owners]:
            for artist, label in zip(*ax.get_legend_handles_labels(), strict=True):
                known.setdefault(label, artist)
        entries = [
            (text.get_text(), known.get(text.get_text(), proxy))
            for text, proxy in zip(legend.get_texts(), legend.legend_handles, strict=True)
        ]
        covered = (
            fig.axes
            if parent is None
            else [ax for ax in fig.axes if ax.bbox.overlaps(parent.bbox)]
        )
        yield legend, covered, entries


def _grey(colour: tuple) -> bool:
    return max(colour[:3]) - min(colour[:3]) < 0.02


def _display_points(line, ax, step: float | None) -> np.ndarray:
    """A data line's drawn vertices in display units; with ``step``, also points every ``step``
    display units along its segments; only those inside the axes."""
    xy = line.get_transform().transform(np.asarray(line.get_xydata(), float))
    if step is not None and len(xy) > 1:
        parts = []
        for a, b in itertools.pairwise(xy):
            if np.all(np.isfinite(a)) and np.all(np.isfinite(b)):
                n = max(2, int(np.hypot(*(b - a)) / step) + 1)
                parts.append(a + np.linspace(0, 1, n)[:, None] * (b - a))
        xy = np.concatenate(parts) if parts else xy[:0]
    return _inside(xy[np.all(np.isfinite(xy), axis=1)], ax.bbox.extents)


def _inside(xy: np.ndarray, extents) -> np.ndarray:
    """The points of ``xy`` inside the box ``(x0, y0, x1, y1)``."""
    x0, y0, x1, y1 = extents
    keep = (xy[:, 0] > x0) & (xy[:, 0] < x1) & (xy[:, 1] > y0) & (xy[:, 1] < y1)
    return xy[keep]


def _data_lines(ax):
    from matplotlib.lines import Line2D

    return [
        line
        for line in ax.get_lines()
        if isinstance(line, Line2D)
        and line.get_visible()
        and line.get_transform().contains_branch(ax.transData)
    ]


def _kinks(line, ax, points: float) -> int:
    """How many vertices of an unmarked curve bend by more than 8 degrees between
    segments of more than ``points`` typographic points each: a polyline, not a curve."""
    if (
        line.get_marker() not in (None, "None", "none", "", " ")
        or line.get_drawstyle() != "default"
    ):
        return 0
    if line.get_linestyle() in ("None", "none", "", " "):
        return 0
    xy = line.get_transform().transform(np.asarray(line.get_xydata(), float))
    xy = xy[np.all(np.isfinite(xy), axis=1)] * 72 / line.figure.dpi
    if len(xy) < 3:
        return 0
    d = np.diff(xy, axis=0)
    length = np.hypot(d[:, 0], d[:, 1])
    angle = np.abs(np.angle(np.exp(1j * np.diff(np.arctan2(d[:, 1], d[:, 0])))))
    long = (length[:-1] > points) & (length[1:] > points)
    return int(np.sum(long & (angle > math.radians(8))))


def unreadable(fig) -> list[str]:
    """What a referee would object to in ``fig``'s drawing (nothing: an empty list).

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        A figure drawn at least once (saved).

    Returns
    -------
    list of str
        One line per problem: two legend entries that differ in colour only; an
        entry's colour neither in :data:`~hebbian.figures._output.PALETTE` nor a
        grey; a legend over a data point or a data curve; an unmarked curve with
        two or more visible kinks (a polyline of too few points).
    """
    palette = {_colour(c) for c in PALETTE}
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):  # closed by pyplot after saving
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    problems = []
    for legend, covered, entries in _legends(fig):
        looks = {}
        for label, artist in entries:
            colour, look = _look(artist)
            if colour and (*colour[:3], 1.0) not in palette and not _grey(colour):
                problems.append(f"{label!r}: colour {colour} is not in the palette")
            other = looks.setdefault(look, (label, colour))
            if other[1] != colour:
                problems.append(f"{other[0]!r} and {label!r} differ in colour only")
        box = legend.get_window_extent(renderer).padded(-2).extents
        for ax in covered:
            for line in _data_lines(ax):
                marked = line.get_marker() not in (None, "None", "none", "", " ")
                xy = _display_points(line, ax, None if marked else 1.0)
                hidden = len(_inside(xy, box))
                if hidden:
                    what = "points" if marked else "curve points"
                    title = ax.get_title()[:40]
                    problems.append(f"legend of {title!r} over {hidden} {what} of {line}")
    for ax in fig.axes:
        for line in _data_lines(ax):
            kinks = _kinks(line, ax, points=6.0)
            if kinks >= 2:
                problems.append(f"{ax.get_title()[:40]!r}: {line} is a polyline ({kinks} kinks)")
    return problems


@pytest.mark.parametrize("name", list(figures.available()))
def test_figure_reads_in_grey_and_for_the_colour_blind(name, drawn):
    found = unreadable(drawn(name))
    assert not found, found


def _tiny(draw):
    from hebbian.figures._output import subplots

    fig, ax = subplots(1, 1, figsize=(4, 3))
    draw(ax)
    fig.canvas.draw()
    return unreadable(fig)


def test_readable_figure_passes():
    x = np.linspace(0, 2 * np.pi, 200)

    def draw(ax):
        ax.plot(x, np.sin(x), "C0-", label="theory")
        ax.errorbar(x[::40], np.sin(x[::40]), 0.1, fmt="s", color="C1", label="Monte Carlo")
        ax.axhline(0, color="gray", lw=0.5)
        ax.set_ylim(-1.2, 3)
        ax.legend(loc="upper right")

    assert _tiny(draw) == []


@pytest.mark.parametrize(
    ("draw", "problem"),
    [
        (
            lambda ax: (
                [ax.plot([0, 1], [k, k + 1], f"C{k}-", label=f"{k}") for k in (0, 1)]
                and ax.legend(loc="lower right")
            ),
            "differ in colour only",
        ),
        (
            lambda ax: (
                ax.plot([0, 1], [0, 1], color="tab:red", label="red")
                and ax.legend(loc="lower right")
            ),
            "not in the palette",
        ),
        (
            lambda ax: (
                ax.plot(np.linspace(0, 1, 50), np.full(50, 0.5), "o", label="data")
                and ax.legend(loc="center")
            ),
            "points of Line2D(data)",
        ),
        (lambda ax: ax.plot(np.linspace(0, 6, 9), np.sin(np.linspace(0, 6, 9))), "polyline"),
    ],
    ids=["colour only", "off palette", "legend over data", "polyline"],
)
def test_unreadable_figures_are_found(draw, problem):
    found = _tiny(draw)
    assert any(problem in p for p in found), found


def test_smooth_lines_pass_through_the_computed_points():
    from hebbian.figures._output import smooth, smooth_path

    x = np.linspace(0.0, 3.0, 7)
    fine_x, fine_y = smooth(x[::-1], np.sin(x[::-1]))
    assert np.allclose(np.interp(x, fine_x, fine_y), np.sin(x), atol=1e-4)
    assert fine_y.max() <= 1.0 + 1e-12  # no overshoot past the largest computed value
    assert np.abs(fine_y - np.sin(fine_x)).max() < 0.02
    # a reentrant line, no function of either coordinate: a half circle traced in angle
    t = np.linspace(0.0, np.pi, 9)
    px, py = smooth_path(np.sin(t), np.cos(t))
    assert px.size == 400
    assert np.allclose(np.hypot(px, py), 1.0, atol=0.01)
    assert smooth([0.0, 1.0], [1.0, 2.0])[0].tolist() == [0.0, 1.0]


def test_deviation_note_states_the_worst_point_and_an_untested_form():
    from hebbian.figures._extrapolated import deviation_note

    records = [
        {"x": 3.0, "n_sigma": 0.4, "chi2": np.nan},
        {"x": 15.0, "n_sigma": -2.8, "chi2": np.nan},
        {"x": 31.0, "n_sigma": np.nan, "chi2": np.nan},
    ]
    note = deviation_note(records, "M")
    for part in ("2 points", "-2.8", "M = 15", "untested"):
        assert part in note, note
    records[0]["chi2"] = 3.25
    assert "3.2" in deviation_note(records, "M")
    assert "no MC" in deviation_note(records[2:], "M")


def test_half_crossing_propagates_errors_and_falls_back_on_the_bracket():
    from hebbian.figures._extrapolated import half_crossing

    x = [0.0, 1.0, 2.0, 3.0]
    value, error = half_crossing(x, [1.0, 0.8, 0.2, 0.0], [0.0, 0.1, 0.1, 0.0])
    assert value == pytest.approx(1.5)
    assert error == pytest.approx(np.hypot(0.05, 0.05) / 0.6)  # (1 - t) e0, t e1 over the slope
    # exact neighbours (every chain kept, then none): a uniform position in the bracket
    value, error = half_crossing([0.007, 0.008, 0.009], [1.0, 1.0, 0.0], [0.0, 0.0, 0.0])
    assert value == pytest.approx(0.0085)
    assert error == pytest.approx(0.001 / np.sqrt(12))
    assert np.isnan(half_crossing(x, [0.4, 0.3, 0.2, 0.1], [0.1] * 4)[0])  # starts below


def test_binomial_crossing_is_the_fitted_logistics_and_its_error_covers_it():
    """The logistic fit returns the crossing of exact logistic fractions, the bracket's middle
    where the chains separate completely, nan without a crossing; on binomial draws from a
    known logistic (24 chains at 5 loads, 400 repeats) its error covers the true crossing as a
    standard error does, and one chain more or less moves it a little, not to another bracket."""
    from hebbian.figures._extrapolated import binomial_crossing, half_crossing

    x = np.array([0.5, 0.7, 0.85, 1.0, 1.2])
    truth = 1 / (1 + np.exp((x - 0.9) / 0.08))
    value, error = binomial_crossing(x, truth, 24)
    assert value == pytest.approx(0.9, abs=1e-9)
    assert 0 < error < 0.1
    value, error = binomial_crossing(x, [1.0, 1.0, 0.0, 0.0, 0.0], 24)
    assert (value, error) == pytest.approx((0.775, 0.15 / np.sqrt(12)))
    assert np.isnan(binomial_crossing(x, [1.0, 1.0, 1.0, 0.9, 0.8], 24)[0])  # never below 1/2
    assert np.isnan(binomial_crossing(x, [0.4, 0.3, 0.2, 0.1, 0.0], 24)[0])  # starts below
    assert np.isnan(binomial_crossing(x, [0.0, 0.2, 0.5, 0.8, 1.0], 24)[0])  # rising
    assert np.isnan(binomial_crossing(x, [0.0, 0.0, 1.0, 1.0, 1.0], 24)[0])  # rising, separated
    # one point between all kept and none: no finite fit, the interpolation instead
    quasi = [1.0, 0.375, 0.0, 0.0, 0.0]
    err = [1 / 24, np.sqrt(0.375 * 0.625 / 24), 1 / 24, 1 / 24, 1 / 24]
    assert binomial_crossing(x, quasi, 24) == pytest.approx(half_crossing(x, quasi, err))
    # the interpolation jumps a bracket when one chain of 24 moves; the fit does not
    base = binomial_crossing(x, [1.0, 1.0, 12 / 24, 12 / 24, 2 / 24], 24)[0]
    moved = binomial_crossing(x, [1.0, 1.0, 11 / 24, 12 / 24, 2 / 24], 24)[0]
    assert abs(moved - base) < 0.02
    # chains per point: equal counts are the scalar's fit; a point of no chains is no point
    kept = [1.0, 0.9, 0.5, 0.25, 0.0]
    assert binomial_crossing(x, kept, [24] * 5) == pytest.approx(binomial_crossing(x, kept, 24))
    fewer = binomial_crossing(x, kept, [24, 24, 12, 24, 24])
    assert fewer[0] == pytest.approx(binomial_crossing(x, kept, 24)[0], abs=0.03)
    assert fewer[1] > binomial_crossing(x, kept, 24)[1]
    ignored = binomial_crossing(x, [1.0, 0.9, 0.5, 0.25, np.nan], [24, 24, 24, 24, 0])
    assert ignored == pytest.approx(binomial_crossing(x[:4], kept[:4], 24))
    rng = np.random.default_rng(0)
    pulls = []
    for _ in range(400):
        value, error = binomial_crossing(x, rng.binomial(24, truth) / 24, 24)
        if np.isfinite(value):
            pulls.append((value - 0.9) / error)
    pulls = np.array(pulls)
    assert len(pulls) > 390
    assert 0.6 < np.mean(np.abs(pulls) < 1) < 0.8  # 0.68 for a standard error
    assert np.mean(np.abs(pulls) < 2) > 0.9
