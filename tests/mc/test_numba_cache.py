"""A read-only install still runs: Numba's cache goes to a per-user folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import hebbian
import hebbian.mc._numba as kernels
from hebbian import _numba_cache as cache

# the folders of the package and of its kernels (siblings in an editable install)
PACKAGE = os.path.commonpath(
    [Path(hebbian.__file__).resolve().parent, Path(kernels.__file__).resolve().parent]
)

# the package folder looks read-only to os.access (root could write anywhere, so
# a chmod would prove nothing); then a tiny run compiles and caches its kernels
CODE = textwrap.dedent(f"""
    import os
    real_access = os.access
    def access(path, mode, *args, **kwargs):
        if mode & os.W_OK and os.path.realpath(path).startswith({PACKAGE!r}):
            return False
        return real_access(path, mode, *args, **kwargs)
    os.access = access
    from hebbian import Hopfield, binary_patterns
    from hebbian.mc import run
    from hebbian.theory.quadrature import field_quadrature
    run(Hopfield(binary_patterns(2, 20, rng=0)), T=0.5, n_sweeps=2, rng=1)
    field_quadrature(0.1, 1.0, 2.0)
    print(os.environ.get("NUMBA_CACHE_DIR", ""))
""")


def _run(env_changes: dict) -> str:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(env_changes)
    proc = subprocess.run(
        [sys.executable, "-c", CODE], capture_output=True, text=True, env=env, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""


def test_read_only_package_caches_in_the_user_cache_folder(tmp_path):
    used = _run({"XDG_CACHE_HOME": str(tmp_path)})
    assert Path(used) == tmp_path / "hebbian" / "numba"
    assert list(Path(used).rglob("*_numba*.nbi")), "no sampler kernel was cached there"
    assert list(Path(used).rglob("*quadrature*.nbi")), "no quadrature kernel was cached there"


def test_a_cache_folder_the_user_set_is_kept(tmp_path):
    mine = tmp_path / "mine"
    used = _run({"NUMBA_CACHE_DIR": str(mine), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert Path(used) == mine
    assert not (tmp_path / "xdg").exists()


def test_user_cache_dir_follows_xdg_then_home(monkeypatch, tmp_path):
    assert cache.user_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == (
        tmp_path / "hebbian" / "numba"
    )
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.user_cache_dir({}) == tmp_path / ".cache" / "hebbian" / "numba"


def test_a_writable_package_keeps_numba_s_own_cache(monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(cache, "_package_writable", lambda folder: True)
    cache.use_user_cache(Path(kernels.__file__).parent)
    assert "NUMBA_CACHE_DIR" not in os.environ
