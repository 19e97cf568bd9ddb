"""The figures' quick runs, made once per test session and shared by the figure tests."""

from __future__ import annotations

import pytest
from matplotlib.figure import Figure

from hebbian import figures


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
