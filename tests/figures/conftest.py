"""The figures' quick runs, made once per test session and shared by the figure tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from matplotlib.figure import Figure

from hebbian import figures


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """The tests of one figure's quick run on one worker (``--dist loadgroup``, pyproject):
    each worker makes the quick runs its tests need, and a figure whose tests were spread
    over both made it twice (dense_rsb: 51 s more)."""
    here = Path(__file__).parent
    for item in items:
        if item.path.parent != here or not {"made", "drawn"} & set(item.fixturenames):
            continue
        params = getattr(item, "callspec", None)
        name = params.params["name"] if params and "name" in params.params else None
        name = name or item.path.stem.removeprefix("test_")
        item.add_marker(pytest.mark.xdist_group(f"figure-{name}"))


@pytest.fixture(scope="session")
def made(tmp_path_factory):
    """``made(name)``: the output folder of the figure's quick run, made once per session.

    The run's sweeps run in the test's process (``--workers 1``); the process pools
    of the sweeps are tested in ``tests/core``.

    ``made.figures[name]`` holds the matplotlib Figure the run saved as its PNG.
    """
    folders = {}
    save = Figure.savefig

    def make(name):
        if name not in folders:
            folders[name] = tmp_path_factory.mktemp(name)

            def recording(fig, fname, *args, **kwargs):
                if kwargs.get("format") == "png":
                    make.figures[name] = fig
                return save(fig, fname, *args, **kwargs)

            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(Figure, "savefig", recording)
                # in this process: pytest-xdist already keeps every core busy
                figures.load(name).main(["--quick", "--workers", "1", "--out", str(folders[name])])
        return folders[name]

    make.figures = {}
    return make


@pytest.fixture(scope="session")
def drawn(made):
    """``drawn(name)``: the matplotlib Figure of the figure's quick run (:func:`made`)."""

    def figure(name):
        made(name)
        return made.figures[name]

    return figure
