"""The console command and the package layering."""

from __future__ import annotations

import json
import subprocess
import sys

from hebbian import cli


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
        "bad = [m for m in ('theory', 'mc', 'numba', 'figures') if m in sys.modules]; "
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
    from theory import SOLVERS

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
