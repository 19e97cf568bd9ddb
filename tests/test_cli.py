"""The console command and the package layering."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from hebbian import cli
from hebbian.sweep import load


def run(*args):
    return subprocess.run(
        [sys.executable, "-m", "hebbian.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_commands():
    out = run("--help")
    assert out.returncode == 0
    assert "info" in out.stdout
    assert "reproduce" in out.stdout


def test_info_reports_versions_backends_and_cores():
    out = run("info", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["backends"]["numpy"] is True
    assert info["backends"]["batched"] is True
    # the GPU backend is usable, or the report says why not
    assert (
        info["backends"]["cupy"] is True
        or "backend='cupy' is unavailable" in info["backends"]["cupy"]
    )
    assert info["packages"]["numpy"]
    assert info["cores"]["usable"] >= 1
    assert isinstance(info["gpu"]["devices"], list)
    text = run("info")
    assert "backends:" in text.stdout
    assert "cores:" in text.stdout


def test_reproduce_lists_and_rejects_unknown(capsys):
    assert cli.main(["reproduce", "--list"]) == 0
    assert "modern_retrieval" in capsys.readouterr().out
    assert cli.main(["reproduce", "no_such_figure"]) == 2
    assert "unknown figure(s) no_such_figure" in capsys.readouterr().err
    assert cli.main(["reproduce"]) == 2


def test_core_imports_neither_theory_nor_mc_nor_numba():
    code = (
        "import sys, hebbian, hebbian.cli; "
        "heavy = ('hebbian.theory', 'hebbian.mc', 'hebbian.figures', 'numba'); "
        "bad = [m for m in heavy if m in sys.modules]; "
        "print(bad); sys.exit(bool(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stdout


def test_mc_command_prints_a_json_summary():
    out = run(
        "mc",
        "--network",
        "dense",
        "--P",
        "3",
        "--N",
        "60",
        "--K",
        "20",
        "--T",
        "0.2",
        "--n-sweeps",
        "50",
        "--n-burnin",
        "10",
        "--json",
    )
    assert out.returncode == 0, out.stderr
    summary = json.loads(out.stdout)
    assert summary["params"]["P"] == 3
    assert summary["n_measurements"] == 50
    assert summary["estimates"]["m_0"]["mean"] > 0.9


def test_solve_lists_every_solver_and_runs_each_kind(capsys):
    from hebbian.theory import SOLVERS

    assert cli.main(["solve", "--list"]) == 0
    listed = capsys.readouterr().out
    assert all(name in listed for name in SOLVERS)
    assert cli.main(["solve", "hopfield", "--alpha", "0.1", "--T", "0.2", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["success"] is True
    assert record["branch"] == "retrieval"
    assert abs(record["order_parameters"]["m"] - 0.989085) < 1e-6
    assert cli.main(["solve", "dense-alpha-c", "--P", "3"]) == 0
    assert "value=0.126" in capsys.readouterr().out
    assert cli.main(["solve", "sk-T-AT", "--h", "0"]) == 0
    assert "sk-T-AT: 1" in capsys.readouterr().out


def test_solve_failure_is_reported_in_the_exit_code_and_strict_json(capsys):
    assert cli.main(["solve", "hopfield", "--alpha", "0.3", "--T", "0", "--json"]) == 1
    record = json.loads(capsys.readouterr().out)  # NaN would not parse as strict JSON
    assert record["success"] is False
    assert record["free_energy"] is None
    assert "no T=0 retrieval solution at alpha=0.3" in record["message"]
    assert cli.main(["solve", "no-such-model"]) == 2
    assert "unknown model 'no-such-model'" in capsys.readouterr().err


def test_sweep_example_runs_and_resumes(tmp_path, capsys):
    assert cli.main(["sweep", "--example"]) == 0
    toml = tmp_path / "rs.toml"
    toml.write_text(capsys.readouterr().out)
    assert cli.main(["sweep", str(toml), "--workers", "1"]) == 0
    assert "28 of 28 points of theory.hopfield:solve on alpha[7] x T[4]" in capsys.readouterr().out
    first = load(tmp_path / "hopfield_rs.h5")
    assert cli.main(["sweep", str(toml), "--workers", "1"]) == 0  # complete: nothing to do
    assert load(tmp_path / "hopfield_rs.h5").identical(first)  # timings too: not recomputed


def test_bad_sweep_files_exit_2_before_any_work(tmp_path, capsys):
    toml = tmp_path / "bad.toml"
    toml.write_text(
        'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nT = [1.0]\nh = ["x"]\n'
    )
    assert cli.main(["sweep", str(toml)]) == 2
    assert "parameter h='x' of task theory.sk:solve must be float" in capsys.readouterr().err
    assert not (tmp_path / "o.h5").exists()
    assert cli.main(["sweep", str(tmp_path / "missing.toml")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert cli.main(["sweep"]) == 2


def test_a_failing_sweep_exits_1_naming_the_point(tmp_path, capsys, monkeypatch):
    toml = tmp_path / "fail.toml"
    toml.write_text('task = "sweep_tasks:failing"\noutput = "o.h5"\n[grid]\nx = [1.0, 2.0]\n')
    assert cli.main(["sweep", str(toml), "--workers", "1"]) == 1
    assert "failed at {'x': 2.0}" in capsys.readouterr().err


def test_reproduce_writes_the_gallery(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["reproduce", "modern_retrieval", "--quick", "--out", str(out)]) == 0
    gallery = (out / "gallery.md").read_text()
    assert "![modern_retrieval](modern_retrieval.png)" in gallery
    assert "quick mode, seed 2026" in gallery
    assert "hopfield_overlap" not in gallery  # not made: not shown


def test_mc_on_a_missing_gpu_says_what_is_missing(capsys):
    from hebbian.info import cupy_backend_problem

    if cupy_backend_problem() is None:
        pytest.skip("a GPU is present")
    args = ["mc", "--network", "dense", "--P", "3", "--N", "30", "--K", "20", "--T", "0.1"]
    assert cli.main([*args, "--backend", "cupy"]) == 2
    assert "backend='cupy' is unavailable" in capsys.readouterr().err


def test_samplers_import_no_solver():
    """mc stands on hebbian alone (DESIGN.md): importing every sampler module loads no theory."""
    import pkgutil

    from hebbian import mc

    names = [f"hebbian.mc.{m.name}" for m in pkgutil.iter_modules(mc.__path__)]
    code = f"import sys; import {', '.join(names)}; print('hebbian.theory' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
