"""The distribution: one import namespace, tested dependency floors, consistent metadata."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import hebbian
from hebbian.provenance import DISTRIBUTION

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PIP = (sys.executable, "-m", "pip", "-q")
SUBPACKAGES = ("hebbian.theory", "hebbian.mc", "hebbian.figures")


def _floors(requirements: list[str]) -> dict[str, str]:
    """``name -> floor`` of the requirements that have one (``>=``)."""
    found = {}
    for requirement in requirements:
        match = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^]]*\])?\s*>=\s*([^,;\s]+)", requirement)
        if match:
            found[match[1].lower()] = match[2]
    return found


def test_every_floor_is_pinned_in_the_tested_constraints():
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    declared = _floors(project["dependencies"] + extras["figures"] + extras["dist"])
    declared["distributed"] = declared["dask"]  # dask[distributed] pins both
    pinned = {}
    for line in (ROOT / "constraints" / "minimum.txt").read_text().splitlines():
        line = line.split("#")[0].strip()
        if line:
            name, version = line.split("==")
            pinned[name.lower()] = version
    assert pinned == {k: v if v.count(".") == 2 else f"{v}.0" for k, v in declared.items()}


def test_every_package_folder_is_listed_for_the_wheel():
    """Each folder with an ``__init__.py`` is a package in pyproject (or the wheel lacks it)."""
    config = PYPROJECT["tool"]["setuptools"]
    folders = {"hebbian": ROOT / "hebbian"} | {
        name: ROOT / path for name, path in config["package-dir"].items()
    }
    found = {
        ".".join((top, *init.parent.relative_to(folder).parts))
        for top, folder in folders.items()
        for init in folder.rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    assert found == set(config["packages"])


def test_versions_agree_across_the_metadata():
    assert PYPROJECT["project"]["name"] == DISTRIBUTION
    citation = (ROOT / "CITATION.cff").read_text()
    assert re.search(rf"^version: {re.escape(hebbian.__version__)}$", citation, re.M)
    assert (ROOT / "hebbian" / "py.typed").exists()


def test_version_is_reported_by_the_command_line(capsys):
    from hebbian import cli

    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0
    assert hebbian.__version__ in capsys.readouterr().out


@pytest.mark.slow
def test_the_wheel_installs_one_top_level_package(tmp_path):
    """Built and installed into an empty folder, the wheel adds ``hebbian`` and nothing else."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [*PIP, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        top = {name.split("/")[0] for name in archive.namelist()}
        names = set(archive.namelist())
    dist_info = f"{DISTRIBUTION.replace('-', '_')}-{hebbian.__version__}.dist-info"
    assert top == {"hebbian", dist_info}
    assert "hebbian/py.typed" in names
    for package in SUBPACKAGES:
        assert f"{package.replace('.', '/')}/__init__.py" in names

    site = tmp_path / "site"
    subprocess.run(
        [*PIP, "install", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        timeout=300,
    )
    assert {p.name for p in site.iterdir()} - {"bin"} == {"hebbian", dist_info}
    code = (
        "import importlib.util, sys, hebbian, hebbian.theory, hebbian.mc, hebbian.figures; "
        "assert all(m.__file__.startswith(sys.argv[1]) "
        "for m in (hebbian, hebbian.theory, hebbian.mc, hebbian.figures)); "
        "assert all(importlib.util.find_spec(n) is None for n in ('theory', 'mc', 'figures'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(site)],
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
