"""Worker processes end with the process that started them: no orphans after a SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

psutil = pytest.importorskip("psutil")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX signals")

#: A sweep task that outlives any test: only the death of its parent ends it.
NAPPING = """
import time


def nap(x: float) -> float:
    time.sleep(120)
    return x
"""


def _gone(proc) -> bool:
    """Ended: no such process, or a zombie (an init that does not reap leaves those)."""
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_for_descendants(parent: subprocess.Popen, count: int, timeout: float) -> list:
    """The descendants of ``parent`` once there are ``count`` of them (fails after ``timeout``)."""
    proc = psutil.Process(parent.pid)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert parent.poll() is None, parent.stderr.read()
        found = proc.children(recursive=True)
        if len(found) >= count:
            return found
        time.sleep(0.1)
    raise AssertionError(f"only {len(proc.children(recursive=True))} of {count} processes started")


def test_killed_sweep_leaves_no_process_behind(tmp_path):
    (tmp_path / "napping.py").write_text(NAPPING)
    toml = tmp_path / "nap.toml"
    toml.write_text('task = "napping:nap"\noutput = "nap.h5"\n[grid]\nx = [1.0, 2.0, 3.0]\n')
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "hebbian.cli", "sweep", str(toml), "--allow-any-task"]
    parent = subprocess.Popen(
        [*command, "--workers", "2", "--no-progress"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": path},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    descendants = []
    try:
        # the forkserver, the resource tracker and two workers napping
        descendants = _wait_for_descendants(parent, 4, timeout=60)
        time.sleep(0.5)  # the workers are inside the task
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(map(_gone, descendants)):
            time.sleep(0.1)
        alive = [p for p in descendants if not _gone(p)]
        assert not alive, [(p.pid, p.cmdline()) for p in alive]
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for p in descendants:
            if not _gone(p):
                p.kill()


def test_worker_watch_polls_where_no_pidfd(tmp_path):
    """Without pidfd_open (macOS, old kernels) a worker polls its owner's pid."""
    owner = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1)"])
    watcher = subprocess.Popen(
        [sys.executable, "-c", f"from hebbian.executors import _watch; _watch({owner.pid}, None)"]
    )
    try:
        owner.wait(timeout=30)  # reaped: the pid is gone
        assert watcher.wait(timeout=10) == 1
    finally:
        for p in (owner, watcher):
            if p.poll() is None:
                p.kill()
                p.wait()
