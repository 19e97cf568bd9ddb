"""Regenerate the documentation's gallery: each figure's picture and run record.

    python docs/make_gallery.py [--quick] [--workers N | --scheduler ADDRESS] [NAME ...]

runs every figure (or the ones named) through ``hebbian.figures`` at
publication size (``--quick``: smoke sizes) with its data in
``figures_out/gallery/`` (so that a killed run resumes its sweeps), and copies
into ``docs/gallery/`` the PNG, reduced to a 256-colour palette (about a
quarter of the size, visually the same for line plots), and the JSON run
record.  The README's gallery and the documentation show these files;
``tests/test_gallery.py`` checks that every figure has both and that each
record was made by the current package version or is listed in
``docs/gallery/STALE``.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from PIL import Image

from hebbian import figures

ROOT = Path(__file__).resolve().parents[1]
GALLERY = ROOT / "docs" / "gallery"


def compress(png: Path, target: Path) -> None:
    """Write ``png`` to ``target`` as an optimized 256-colour palette PNG."""
    with Image.open(png) as image:
        image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(
            target, optimize=True
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="figures to make (default: every one)")
    parser.add_argument("--quick", action="store_true", help="smoke sizes")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--scheduler", default=None)
    parser.add_argument("--runs", type=Path, default=ROOT / "figures_out" / "gallery")
    args = parser.parse_args(argv)
    names = args.names or list(figures.available())
    unknown = sorted(set(names) - set(figures.available()))
    if unknown:
        parser.error(f"unknown figure(s) {unknown}; see hebbian reproduce --list")
    options = ["--out", str(args.runs), "--no-progress"] + (["--quick"] if args.quick else [])
    if args.workers is not None:
        options += ["--workers", str(args.workers)]
    if args.scheduler is not None:
        options += ["--scheduler", args.scheduler]
    GALLERY.mkdir(parents=True, exist_ok=True)
    for name in names:
        figures.load(name).main(options)
        compress(args.runs / f"{name}.png", GALLERY / f"{name}.png")
        shutil.copyfile(args.runs / f"{name}.json", GALLERY / f"{name}.json")
        print(f"gallery: {name} ({(GALLERY / f'{name}.png').stat().st_size // 1024} kB)")


if __name__ == "__main__":
    main()
