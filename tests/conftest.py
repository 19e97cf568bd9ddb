"""Shared test configuration: a deterministic hypothesis profile, GPU skipping, one BLAS thread."""

from __future__ import annotations

import os
import re

import pytest
from hypothesis import HealthCheck, settings
from threadpoolctl import threadpool_limits

# Deterministic by default so CI is reproducible; HYPOTHESIS_PROFILE=explore
# searches harder with fresh randomness on a developer's machine.
settings.register_profile(
    "ci",
    derandomize=True,
    deadline=None,
    max_examples=60,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("explore", deadline=None, max_examples=1000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _has_gpu() -> bool:
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:
        return False


def pytest_collection_modifyitems(config, items):
    if _has_gpu():
        return
    skip = pytest.mark.skip(reason="needs a CUDA GPU and CuPy")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


#: A figure test's figure: the parameter of test_figures.py's per-figure tests, the module
#: of the others (tests/figures/test_NAME.py tests the figure NAME).
_FIGURE_TEST = re.compile(r"tests/figures/(?:test_figures\.py::\w+\[(\w+)\]$|test_(\w+)\.py::)")


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config, log):
    """``-n``'s default distribution, but a figure's tests on one worker.

    The figure tests share each figure's quick run, made once per worker
    (tests/figures/conftest.py); spread over both workers, as pytest-xdist's
    chunks may spread them, a figure is made twice (dense_rsb: 51 s more).
    pytest-xdist's own ``--dist loadgroup`` cannot do it under pytest 9 (it
    renames ``item._nodeid``, which pytest 9 no longer reads).
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    from hebbian import figures

    names = set(figures.available())

    class FigureScheduling(LoadScopeScheduling):
        """Each figure's tests one unit of work, every other test one of its own."""

        def _split_scope(self, nodeid: str) -> str:
            match = _FIGURE_TEST.match(nodeid)
            name = match and (match[1] or match[2])
            return f"figure {name}" if name in names else nodeid

    return FigureScheduling(config, log)


@pytest.fixture(autouse=True, scope="session")
def _outside_the_checkout(tmp_path_factory):
    """Run every test, and every process it starts, from an empty folder.

    Python puts the current folder first on the path of ``python -c`` and
    ``python -m`` children; from the checkout's root its ``hebbian/`` folder
    (without the ``theory/``, ``mc/`` and ``figures/`` subpackages, which an
    install maps into it) would shadow the installed package.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(tmp_path_factory.mktemp("cwd"))
        yield


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """BLAS on one thread: ``pytest -n auto`` keeps every core busy with a test already.

    Threads on top only contend: a network of N = 500 simulated with two BLAS threads
    on two busy cores ran 6x slower than with one.  The libraries loaded by now are
    limited here, those loaded later (and those of child processes) by the environment.
    """
    for name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(name, "1")
    with threadpool_limits(1, user_api="blas"):
        yield
