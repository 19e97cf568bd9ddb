"""The documentation's gallery: a committed picture and run record for every figure."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hebbian import __version__, figures

GALLERY = Path(__file__).resolve().parents[1] / "docs" / "gallery"
STALE = GALLERY / "STALE"


def _stale() -> set[str]:
    if not STALE.exists():
        return set()
    lines = (line.split("#")[0].strip() for line in STALE.read_text().splitlines())
    return {line for line in lines if line}


@pytest.mark.parametrize("name", list(figures.available()))
def test_every_figure_has_a_committed_picture_and_record(name):
    png, record = GALLERY / f"{name}.png", GALLERY / f"{name}.json"
    for path in (png, record):
        assert path.exists(), f"{path} is missing: run python docs/make_gallery.py {name}"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size < 600_000, "compress it: docs/make_gallery.py does"
    meta = json.loads(record.read_text())
    assert meta["figure"] == name
    made_with = meta["provenance"]["versions"]["hebbian"]
    assert made_with == __version__ or name in _stale(), (
        f"{name} was made with hebbian {made_with}, not {__version__}: remake it "
        f"(python docs/make_gallery.py {name}) or list it in docs/gallery/STALE"
    )


def test_the_stale_list_names_only_figures():
    assert _stale() <= set(figures.available())
