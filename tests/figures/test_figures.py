"""Every figure script runs in quick mode and writes data, PNG and metadata."""

from __future__ import annotations

import json

import numpy as np
import pytest

import figures


@pytest.mark.parametrize("name", list(figures.available()))
def test_figure_quick(name, tmp_path):
    figures.load(name).main(["--quick", "--out", str(tmp_path)])
    for ext in ("npz", "png", "json"):
        assert (tmp_path / f"{name}.{ext}").stat().st_size > 0
    meta = json.loads((tmp_path / f"{name}.json").read_text())
    assert meta["quick"] is True
    assert "hebbian" in meta
    assert "seed" in meta
    assert not list(tmp_path.glob("*.part"))


def test_modern_retrieval_respects_the_theorem(tmp_path):
    figures.load("modern_retrieval").main(["--quick", "--out", str(tmp_path)])
    data = np.load(tmp_path / "modern_retrieval.npz")
    assert np.all(data["errors"] <= data["bounds"])
    # the error falls exponentially in beta: the log-error slope is negative
    slope = np.polyfit(data["beta"], np.log(data["errors"]).mean(0), 1)[0]
    assert slope < -20
