"""The package's source speaks of the code and the physics, and the formatter formats all of it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted(
    p for folder in ("hebbian", "theory", "mc", "figures") for p in (ROOT / folder).rglob("*.py")
)

#: How the work went belongs in commit messages, not in docstrings and comments.
PROCESS = re.compile(
    r"could not be read(?! as)|\bissue #?\d+|\bclosing note|\bthis session\b", re.I
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_word_on_how_the_code_was_made(path):
    hits = [
        f"{path.name}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if PROCESS.search(line)
    ]
    assert not hits, hits


def test_figure_scripts_have_no_formatter_exemptions():
    exempt = [
        f"{p.name}:{n}"
        for p in SOURCES
        if p.parent.name == "figures"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if "fmt: skip" in line or "fmt: off" in line
    ]
    assert not exempt, f"let ruff format these: {exempt}"


def test_figures_draw_on_the_shared_canvas_and_palette():
    """Every figure gets its canvas from ``figures._output`` (Agg, the colour-blind-safe
    palette as "C0", "C1", ...), never its own matplotlib set-up or a colour outside it."""
    own = re.compile(r"matplotlib\.use\(|plt\.(subplots|figure)\(|\"tab:|'tab:|tab10")
    assert all(own.search(s) for s in ("plt.subplots(2, 2)", 'color="tab:red"'))
    hits = [
        f"{p.name}:{n}: {line.strip()}"
        for p in SOURCES
        if p.parent.name == "figures" and p.name != "_output.py"
        for n, line in enumerate(p.read_text().splitlines(), 1)
        if own.search(line)
    ]
    assert not hits, hits
