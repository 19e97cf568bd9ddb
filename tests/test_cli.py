"""The console command and the package layering."""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import math
import shutil
import socket
import subprocess
import sys

import numpy as np
import pytest

from hebbian import cli, info
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
    assert (
        "28 of 28 points of hebbian.theory.hopfield:solve on alpha[7] x T[4]"
        in capsys.readouterr().out
    )
    first = load(tmp_path / "hopfield_rs.h5")
    assert cli.main(["sweep", str(toml), "--workers", "1"]) == 0  # complete: nothing to do
    assert load(tmp_path / "hopfield_rs.h5").identical(first)  # timings too: not recomputed


def test_bad_sweep_files_exit_2_before_any_work(tmp_path, capsys):
    toml = tmp_path / "bad.toml"
    toml.write_text(
        'task = "hebbian.theory.sk:solve"\noutput = "o.h5"\n[grid]\nT = [1.0]\nh = ["x"]\n'
    )
    assert cli.main(["sweep", str(toml)]) == 2
    assert (
        "parameter h='x' of task hebbian.theory.sk:solve must be float" in capsys.readouterr().err
    )
    assert not (tmp_path / "o.h5").exists()
    assert cli.main(["sweep", str(tmp_path / "missing.toml")]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert cli.main(["sweep"]) == 2


def test_a_failing_sweep_exits_1_naming_the_point(tmp_path, capsys, monkeypatch):
    toml = tmp_path / "fail.toml"
    toml.write_text('task = "sweep_tasks:failing"\noutput = "o.h5"\n[grid]\nx = [1.0, 2.0]\n')
    assert cli.main(["sweep", str(toml), "--workers", "1"]) == 2  # not registered: code
    assert "hebbian sweep --allow-any-task" in capsys.readouterr().err
    assert not (tmp_path / "o.h5").exists()
    assert cli.main(["sweep", str(toml), "--workers", "1", "--allow-any-task"]) == 1
    assert "failed at {'x': 2.0}" in capsys.readouterr().err


def test_reproduce_writes_the_gallery(tmp_path, capsys):
    out = tmp_path / "out"
    assert cli.main(["reproduce", "modern_retrieval", "--quick", "--out", str(out)]) == 0
    assert "== [1/1] modern_retrieval:" in capsys.readouterr().out  # which stage of how many
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
    """mc stands on hebbian alone: importing every sampler module loads no theory."""
    import pkgutil

    from hebbian import mc

    names = [f"hebbian.mc.{m.name}" for m in pkgutil.iter_modules(mc.__path__)]
    code = f"import sys; import {', '.join(names)}; print('hebbian.theory' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


HEAVY = ("numba", "hebbian.mc", "hebbian.theory", "hebbian.figures", "matplotlib")


def test_help_imports_nothing_heavy():
    """`hebbian --help` and every command's help build without Numba, samplers or solvers."""
    code = (
        "import sys\n"
        "from hebbian.cli import main\n"
        "for argv in (['--help'], ['mc', '--help'], ['sweep', '--help'], "
        "['reproduce', '--help'], ['solve', '--help'], ['info', '--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, argv\n"
        f"print([m for m in {HEAVY!r} if m in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {"hebbian": parser, **sub.choices}


def test_choices_come_from_the_tables_the_samplers_use():
    from hebbian.mc import backends, sampler

    assert backends.BACKENDS is info.BACKENDS
    assert set(sampler.RULES) == set(info.RULES)
    assert set(sampler.ORDERS) == set(info.ORDERS)
    options = {a.dest: a for a in _subcommands()["mc"]._actions}
    assert tuple(options["backend"].choices) == info.BACKENDS
    assert tuple(options["rule"].choices) == info.RULES
    assert tuple(options["order"].choices) == info.ORDERS
    assert tuple(options["start"].choices) == info.STARTS
    assert list(options["network"].choices) == list(cli.NETWORKS)


def test_every_command_and_option_is_described_with_its_default():
    for name, parser in _subcommands().items():
        assert parser.description, name
        formatter = parser._get_formatter()
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._VersionAction):
                continue
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, (name, action.dest)
            text = formatter._get_help_string(action)
            flag = action.nargs == 0 or isinstance(action, argparse.BooleanOptionalAction)
            positional = not action.option_strings
            assert flag or positional or "default" in text, (name, action.dest, text)


def test_mc_help_documents_the_dynamics(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["mc", "--help"])
    assert exit_.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "default: metropolis at T > 0, zero-T at T = 0" in text
    for option in ("--order", "--n-sweeps", "--n-burnin", "--replicas", "--start", "--m0"):
        assert option in text
    assert "(default: 1000)" in text  # n-sweeps
    assert "default: 1, the pattern itself" in text  # m0


def test_solve_list_is_plain_full_sentences_wrapped_to_the_terminal(capsys, monkeypatch):
    from hebbian.theory import SOLVERS

    monkeypatch.setenv("COLUMNS", "72")
    assert cli.main(["solve", "--list"]) == 0
    out = capsys.readouterr().out
    assert not any(markup in out for markup in ("``", ":func:", ":math:", ":class:", "\\"))
    assert max(map(len, out.splitlines())) < 72
    entries, name = {}, None
    for line in out.splitlines():
        if not line.startswith(" "):
            name, line = line.split(None, 1)
        entries[name] = f"{entries.get(name, '')} {line.strip()}".strip()
    assert list(entries) == list(SOLVERS)
    assert all(text.endswith(".") for text in entries.values()), entries
    assert entries["dmft-gated"].startswith("The attracting solution of Eqs. (1)-(2) at gain g")
    assert entries["hopfield"] == (
        "One RS solution of the Hopfield network at load alpha and temperature T."
    )


def test_solve_model_help_is_plain_text(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["solve", "hopfield", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    assert "``" not in text
    assert ":func:" not in text
    assert "One RS solution of the Hopfield network at load alpha and temperature T." in text
    assert "Load K/N >= 0 (required)" in " ".join(text.split())


def test_json_writer_drops_float_noise():
    record = {
        "m": -2.17e-17,
        "values": [float("nan"), -0.0, 0.1 + 0.2, float("inf"), 3],
        "array": np.array([-1e-20, 0.5]),
        "flag": np.bool_(True),
    }
    tidy = cli._jsonable(record)
    assert tidy == {
        "m": 0.0,
        "values": [None, 0.0, 0.3, None, 3],
        "array": [0.0, 0.5],
        "flag": True,
    }
    assert "-0.0" not in json.dumps(tidy)
    assert math.copysign(1.0, tidy["m"]) == 1.0
    # what was given keeps its size: a tolerance, a linspace grid
    given = cli._jsonable({"input": cli._Given({"tol": 1e-14, "alpha": [0.01 + 0.02, -0.0]})})
    assert given == {"input": {"tol": 1e-14, "alpha": [0.03, 0.0]}}


def test_mc_json_record_repeats_the_run_and_names_the_network(capsys):
    argv = ["mc", "--network", "hopfield", "--N", "40", "--K", "3", "--T", "0.3"]
    argv += ["--n-sweeps", "20", "--n-burnin", "5", "--seed", "7", "--m0", "0.8"]
    argv += ["--start", "pattern", "--diagonal", "--json"]
    assert cli.main(argv) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["params"]["network"] == "Hopfield"
    assert record["params"]["P"] == 2
    arguments = record["arguments"]
    for key in (
        "network", "N", "K", "P", "diagonal", "lam", "dilution", "T", "rule", "order",
        "n_sweeps", "n_burnin", "replicas", "start", "m0", "pattern_seed", "chain_seed",
        "backend", "workers",
    ):  # fmt: skip
        assert key in arguments, key
    assert (arguments["pattern_seed"], arguments["chain_seed"]) == (7, 8)
    assert (arguments["dilution"], arguments["diagonal"], arguments["m0"]) == (0.0, True, 0.8)
    assert arguments["rule"] == "metropolis"
    assert arguments["start"] == "pattern"
    assert {"versions", "git_commit", "argv", "host", "created"} <= set(record["provenance"])
    # the command line in the record gives the same numbers
    again = arguments["command_line"].split()
    assert again[:2] == ["hebbian", "mc"]
    assert cli.main([*again[1:], "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["estimates"] == record["estimates"]


def _small_sweep(tmp_path):
    toml = tmp_path / "sk.toml"
    toml.write_text(
        'task = "hebbian.theory.sk:solve"\noutput = "sk.h5"\n'
        "[grid]\nT = [0.5, 1.5]\nh = [0.0, 0.1]\n"
    )
    return toml


def test_sweep_json_summary(tmp_path, capsys):
    toml = _small_sweep(tmp_path)
    assert cli.main(["sweep", str(toml), "--workers", "1", "--json"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""  # no progress bar when stderr is not a terminal
    summary = json.loads(captured.out)
    assert summary["output"] == str(tmp_path / "sk.h5")
    assert summary["task"] == "hebbian.theory.sk:solve"
    assert summary["grid"] == {"T": [0.5, 1.5], "h": [0.0, 0.1]}
    assert summary["points"] == {"done": 4, "total": 4}
    assert summary["complete"] is True
    assert "order_parameters.q" in summary["outputs"]
    assert "done" not in summary["outputs"]


def test_verbose_logs_the_plan_and_quiet_prints_nothing(tmp_path, capsys):
    toml = _small_sweep(tmp_path)
    assert cli.main(["-v", "sweep", str(toml), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "sweep hebbian.theory.sk:solve on T[2] x h[2]" in err
    assert "0 of 4 points stored, 4 to run" in err
    assert "tasks run in this process" in err
    assert cli.main(["sweep", str(toml), "-v", "--workers", "1"]) == 0  # after the command too
    assert "4 of 4 points stored, 0 to run" in capsys.readouterr().err
    assert cli.main(["sweep", str(toml), "-q", "--progress", "--workers", "1"]) == 0
    assert capsys.readouterr().err == ""


def test_local_cluster_takes_workers_and_dask_stays_quiet(tmp_path, capfd):
    pytest.importorskip("distributed")
    toml = _small_sweep(tmp_path)
    argv = ["sweep", str(toml), "--scheduler", "local", "--workers", "2", "--no-progress"]
    with contextlib.ExitStack() as stack:
        # another cluster's dashboard port: Dask warns when it finds 8787 taken
        busy = stack.enter_context(socket.socket())
        with contextlib.suppress(OSError):
            busy.bind(("", 8787))
            busy.listen()
        assert cli.main(argv) == 0
    captured = capfd.readouterr()
    assert "4 of 4 points" in captured.out
    assert captured.err == ""


def test_mpi_without_mpi4py_says_what_to_install(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "mpi4py", None)
    monkeypatch.setitem(sys.modules, "mpi4py.futures", None)
    assert cli.main(["sweep", str(_small_sweep(tmp_path)), "--scheduler", "mpi"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "pip install 'dense-hebbian[mpi]'" in err


def test_reproduce_without_matplotlib_says_what_to_install(capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib fails
    assert cli.main(["reproduce", "modern_retrieval", "--quick"]) == 2
    assert capsys.readouterr().err == (
        "hebbian reproduce: needs matplotlib (pip install 'dense-hebbian[figures]')\n"
    )


@pytest.mark.skipif(
    shutil.which("mpiexec") is None or importlib.util.find_spec("mpi4py") is None,
    reason="needs mpi4py and an MPI launcher (pip install 'dense-hebbian[mpi]' mpich)",
)
def test_sweep_runs_over_mpi(tmp_path):
    toml = _small_sweep(tmp_path)
    command = ["mpiexec", "-n", "3", sys.executable, "-m", "mpi4py.futures", "-m", "hebbian.cli"]
    out = subprocess.run(
        [*command, "sweep", str(toml), "--scheduler", "mpi", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["complete"] is True
    assert bool(load(tmp_path / "sk.h5")["done"].all())


def _one_line_error(capsys) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["mc", "--dilution", "-0.1"], "--dilution=-0.1 must be in [0, 1)"),
        (["mc", "--dilution", "nan"], "--dilution=nan is not a number"),
        (["mc", "--dilution", "1"], "--dilution=1 must be in [0, 1)"),
        (["mc", "--T", "-0.5"], "--T=-0.5 must be >= 0"),
        (["mc", "--T", "nan"], "--T=nan is not a number"),
        (["mc", "--T", "-inf"], "pass --T VALUE (a VALUE that starts with '-' as --T=VALUE)"),
        (["mc", "--N", "0"], "--N=0 must be >= 1"),
        (["mc", "--N", "1e3"], "--N='1e3' is not an integer; pass a whole number >= 1"),
        (["mc", "--K", "-2"], "--K=-2 must be >= 1"),
        (["mc", "--network", "dense", "--P", "1"], "--P=1 must be >= 2"),
        (["mc", "--n-sweeps", "0"], "--n-sweeps=0 must be >= 1"),
        (["mc", "--n-burnin", "-1"], "--n-burnin=-1 must be >= 0"),
        (["mc", "--n-burnin", str(10**30)], "beyond what the 64-bit flip counters"),
        (["mc", "--replicas", "0"], "--replicas=0 must be >= 1"),
        (["mc", "--seed", "-1"], "--seed=-1 must be >= 0"),
        (["mc", "--network", "exponential", "--lam", "0"], "--lam=0 must be > 0"),
        (["mc", "--network", "exponential", "--lam", "inf"], "--lam=inf must be finite"),
        (["mc", "--m0", "1.5"], "--m0=1.5 must be in [-1, 1]"),
        (["mc", "--workers", "0"], "--workers=0 must be >= 1"),
        (["reproduce", "modern_retrieval", "--seed", "-1"], "--seed=-1 must be >= 0"),
        (["reproduce", "modern_retrieval", "--workers", "0"], "--workers=0 must be >= 1"),
        (["sweep", "x.toml", "--workers", "-3"], "--workers=-3 must be >= 1"),
        (["sweep", "x.toml", "--workers", "abc"], "--workers='abc' is not an integer"),
        (["sweep", "x.toml", "--scheduler", "nowhere"], "--scheduler='nowhere' is not a"),
        (["sweep", "x.toml", "--scheduler", "tcp://h:99999"], "port in [1, 65535]"),
    ],
)
def test_bad_values_are_refused_as_they_are_parsed(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    err = _one_line_error(capsys)
    assert message in err
    assert err.startswith(f"hebbian {argv[0]}: error: ")
    assert f"see `hebbian {argv[0]} --help`" in err


def test_outputs_are_checked_before_any_work(tmp_path, capsys, monkeypatch):
    a_file = tmp_path / "file.txt"
    a_file.write_text("")
    for argv, message in [
        (["mc", "--checkpoint", str(tmp_path)], "is a directory; pass a file path"),
        (["mc", "--checkpoint", f"{a_file}/run.npz"], "is a file, not a folder"),
        (["reproduce", "modern_retrieval", "--out", str(a_file)], "is a file, not a folder"),
        (["reproduce", "modern_retrieval", "--out", f"{a_file}/out"], "cannot be created"),
        (["sweep", "x.toml", "--output", str(tmp_path)], "is a directory"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            cli.main(argv)
        assert exit_.value.code == 2
        assert message in _one_line_error(capsys)
    # the default --out too, before the first figure
    monkeypatch.chdir(tmp_path)
    (tmp_path / "figures_out").write_text("")
    started = []
    monkeypatch.setattr("hebbian.figures.load", lambda name: started.append(name))
    monkeypatch.setattr("hebbian.figures.available", lambda: {"modern_retrieval": "x"})
    assert cli.main(["reproduce", "modern_retrieval", "--quick"]) == 2
    assert "--out='figures_out' is a file, not a folder" in _one_line_error(capsys)
    assert started == []


def test_a_refused_sweep_leaves_no_file(tmp_path, capsys):
    toml = _small_sweep(tmp_path)
    for extra in (["--workers", "0"], ["--scheduler", "bogus"], ["--workers", "10000000"]):
        with pytest.raises(SystemExit):
            cli.main(["sweep", str(toml), *extra])
        _one_line_error(capsys)
    # what depends on two options, after parsing but before the file
    assert cli.main(["sweep", str(toml), "--workers", "2", "--scheduler", "tcp://h:8786"]) == 2
    assert "drop --workers" in _one_line_error(capsys)
    assert not (tmp_path / "sk.h5").exists()


def test_mc_options_that_clash_are_named(capsys):
    small = ["mc", "--N", "20", "--K", "2", "--n-sweeps", "2", "--n-burnin", "0"]
    for extra, message in [
        (["--dilution", "0.2", "--start", "pattern"], "pass --start random"),
        (["--m0", "0.5", "--start", "random"], "--m0 0.5 is the start overlap of --start pattern"),
        (["--dilution", "0.2", "--m0", "0.5"], "drop --m0 to start from random spins"),
        (["--P", "3"], "--P 3 is the interaction order of --network dense"),
        (["--network", "exponential", "--P", "2"], "--P 2 is the interaction order"),
        (["--lam", "2"], "--lam 2 is used by --network exponential only"),
        (["--network", "exponential", "--diagonal"], "--diagonal is used by"),
    ]:
        assert cli.main([*small, *extra]) == 2, extra
        assert message in _one_line_error(capsys)
    # diluted patterns start from random spins unless told otherwise; T = inf is the paramagnet
    assert cli.main([*small, "--dilution", "0.2", "--T", "inf", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["arguments"]["start"] == "random"
    assert record["arguments"]["T"] is None  # inf: strict JSON has none
    assert record["params"]["T"] is None
    assert "--start random" in record["arguments"]["command_line"]


def test_mc_too_large_is_refused_before_the_patterns_are_drawn(capsys, monkeypatch):
    import hebbian

    monkeypatch.setenv("HEBBIAN_MAX_MEMORY", "64M")
    drawn = []
    monkeypatch.setattr(hebbian, "binary_patterns", lambda *a, **k: drawn.append(a))
    assert cli.main(["mc", "--N", "200000", "--K", "200000"]) == 2
    err = _one_line_error(capsys)
    assert "a run with --N 200000 --K 200000" in err
    assert "HEBBIAN_MAX_MEMORY" in err
    assert drawn == []


def test_solver_refusals_and_internal_errors_are_one_line(capsys, monkeypatch):
    from hebbian import theory

    def picky(x: float) -> float:
        """A solver that refuses its argument's type."""
        raise TypeError(f"x={x!r} must be a number of the right kind")

    def broken(x: float) -> float:
        """A solver with a bug."""
        return {}["missing"]

    monkeypatch.setitem(theory.SOLVERS, "picky", picky)
    monkeypatch.setitem(theory.SOLVERS, "broken", broken)
    assert cli.main(["solve", "picky", "--x", "1"]) == 2
    assert "hebbian solve picky: x=1.0 must be" in _one_line_error(capsys)
    assert cli.main(["solve", "broken", "--x", "1"]) == 1
    err = _one_line_error(capsys)
    assert "internal error: KeyError" in err
    assert "-vv" in err
    assert cli.main(["-vv", "solve", "broken", "--x", "1"]) == 1
    assert "Traceback" in capsys.readouterr().err  # asked for: the details


def test_solve_at_infinite_temperature_answers(capsys):
    code = cli.main(["solve", "hopfield", "--alpha", "0.1", "--T", "inf", "--json"])
    record = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert record["order_parameters"]["m"] == 0


def test_output_path_checks_create_nothing(tmp_path):
    import os

    from hebbian.paths import check_output_dir, check_output_path

    a_file = tmp_path / "file.txt"
    a_file.write_text("")
    assert check_output_path(tmp_path / "new" / "deeper" / "run.npz") == (
        tmp_path / "new" / "deeper" / "run.npz"
    )
    assert check_output_path(a_file) == a_file  # an existing file is replaced (or resumed)
    assert check_output_dir(tmp_path / "new" / "figures") == tmp_path / "new" / "figures"
    assert not (tmp_path / "new").exists()
    for check, path, message in [
        (check_output_path, tmp_path, "is a directory"),
        (check_output_path, a_file / "run.npz", "is a file, not a folder"),
        (check_output_path, "", "is empty"),
        (check_output_path, tmp_path / ("x" * 300), "cannot be used"),
        (check_output_dir, a_file, "is a file, not a folder"),
        (check_output_dir, a_file / "sub" / "deeper", "is a file, not a folder"),
    ]:
        with pytest.raises(ValueError, match=message):
            check(path, "out")
    with pytest.raises(TypeError, match="must be a path"):
        check_output_dir(3, "out")
    if os.geteuid() != 0:  # root writes anywhere
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        with pytest.raises(ValueError, match="no permission to write"):
            check_output_path(locked / "run.npz", "checkpoint")
        with pytest.raises(ValueError, match="cannot be written"):
            check_output_dir(locked, "out")


def test_retry_computes_the_failed_points_again(tmp_path, capsys):
    log = tmp_path / "attempts.log"
    toml = tmp_path / "flaky.toml"
    toml.write_text(
        f'task = "sweep_tasks:first_try_fails"\noutput = "flaky.h5"\n'
        f'[fixed]\nlog = "{log}"\n[grid]\nx = [1, 2, 3]\n'
    )
    argv = ["sweep", str(toml), "--allow-any-task", "--workers", "1", "--no-progress"]
    assert cli.main(argv) == 0
    assert not load(tmp_path / "flaky.h5")["success"].values.all()
    assert cli.main(argv) == 0  # resuming: every point is stored, nothing runs
    assert log.read_text().split() == ["1", "2", "3"]
    assert cli.main([*argv, "--retry", "success"]) == 0
    assert log.read_text().split() == ["1", "2", "3", "1", "3"]
    assert load(tmp_path / "flaky.h5")["success"].values.all()
    capsys.readouterr()
