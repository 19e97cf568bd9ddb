"""Every figure script runs in quick mode and writes data, PNG and metadata."""

from __future__ import annotations

import json

import pytest
from figure_data import open_data

from hebbian import figures


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
