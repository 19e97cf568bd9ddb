"""The figures' quick runs, made once per test session and shared by the figure tests."""

from __future__ import annotations

import pytest

from hebbian import figures


@pytest.fixture(scope="session")
def made(tmp_path_factory):
    """``made(name)``: the output folder of the figure's quick run, made once per session."""
    folders = {}

    def make(name):
        if name not in folders:
            folders[name] = tmp_path_factory.mktemp(name)
            figures.load(name).main(["--quick", "--out", str(folders[name])])
        return folders[name]

    return make
