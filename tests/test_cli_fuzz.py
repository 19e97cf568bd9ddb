"""Hostile command lines: each ends in an answer or a one-line error, never a traceback.

The command lines are drawn from the parser itself (every subcommand, every
option of :func:`hebbian.cli.build_parser`, every parameter of every solver
``hebbian solve`` offers) with values from a hostile set (empty, negative,
zero, huge, infinite, NaN, fractional, words, a huge integer, paths that are
folders, in missing folders, under a regular file), valid small values, and
unknown options.  Each runs in this process through :func:`hebbian.cli.main`,
and must end in

- exit 0 or 1 with output (an answer; 1: a solver that did not converge, a
  failed task), or
- exit 2 with one line on stderr (refused input; argparse's SystemExit(2)
  included),

never another exception, a traceback, an "internal error", or a case that
runs past :data:`CASE_SECONDS`.  Sizes that could run long are small in the
valid values; huge ones are sent only where they must be refused before any
work.  ``pytest -s`` prints how many cases ended how.
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import signal
import types
import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hebbian import cli

#: Longest a case may take (seconds) before it counts as a hang; of the slow solvers.
CASE_SECONDS = 20
SLOW_CASE_SECONDS = 90

#: Values every option is tried with.  ``<...>`` are paths made in :func:`world`.
HOSTILE = [
    "", "-1", "0", "1", "1e308", "inf", "-inf", "nan", "1.5", "abc", "10**9", str(10**40),
    "<dir>", "<file>", "<missing>", "<under-file>",
]  # fmt: skip
if hasattr(os, "geteuid") and os.geteuid() != 0:  # root writes anywhere
    HOSTILE.append("<read-only>")

#: Valid values of options by destination, small enough to run in well under a second.
VALID = {
    "N": ["8", "12"],
    "K": ["1", "3"],
    "P": ["2", "3", "4"],
    "lam": ["0.5", "2"],
    "dilution": ["0", "0.25"],
    "T": ["0", "0.3", "inf"],
    "n_sweeps": ["1", "3"],
    "n_burnin": ["0", "2"],
    "replicas": ["1", "3"],
    "m0": ["-1", "0.5"],
    "seed": ["0", "7"],
    "workers": ["1"],
    "checkpoint": ["<fresh-file>"],
    "output": ["<fresh-file>"],
    "out": ["<fresh-dir>"],
    "scheduler": ["tcp://", "local:x", "tcp://host:99999"],  # never one that would start
}

#: ``hebbian mc`` runs on this unless an option says otherwise: a few milliseconds.
MC_BASE = ["--N", "8", "--K", "2", "--n-sweeps", "3", "--n-burnin", "1", "--replicas", "2"]

#: Typical values of required solver parameters.
TYPICAL = {"alpha": "0.05", "T": "0.5", "P": "3", "n": "3", "k": "1", "r": "0.5", "M": "10",
           "m": "0.9", "lam": "1.0", "K": "2", "d": "0.2", "g": "1.5", "Delta0": "1.0",
           "h": "0.0"}  # fmt: skip

#: Solvers that take seconds to minutes at typical values: fuzzed under ``slow``.
SLOW_SOLVERS = ("hopfield-1rsb", "hopfield-alpha-c-1rsb", "dense-alpha-c-rsb", "sk-full-rsb")


def _examples(n: int) -> int:
    """``n`` cases in CI; more under a profile that asks for more (HYPOTHESIS_PROFILE=explore)."""
    return max(n, settings.default.max_examples)


#: How the cases ended, by command; printed at the end of the module (pytest -s).
COUNTS: collections.Counter = collections.Counter()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """Paths for the hostile values, a sweep file, a memory limit, stub figures."""
    root = tmp_path_factory.mktemp("fuzz")
    (root / "dir").mkdir()
    (root / "file.txt").write_text("not a checkpoint, not a sweep\n")
    (root / "read-only").mkdir(mode=0o500)
    (root / "sweep.toml").write_text('task = "sk"\noutput = "sweep.h5"\n[grid]\nT = [0.5, 1.5]\n')
    (root / "any.toml").write_text(  # not registered: needs --allow-any-task; fails at x = 2
        'task = "sweep_tasks:failing"\noutput = "any.h5"\n[grid]\nx = [1.0, 2.0]\n'
    )
    (root / "bad.toml").write_text("task = [unclosed\n")
    paths = {
        "<dir>": root / "dir",
        "<file>": root / "file.txt",
        "<missing>": root / "no" / "such" / "folder" / "x.out",
        "<under-file>": root / "file.txt" / "x.out",
        "<read-only>": root / "read-only" / "x.out",
        "<toml>": root / "sweep.toml",
        "<any-toml>": root / "any.toml",
        "<bad-toml>": root / "bad.toml",
    }
    fresh = iter(range(10**9))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("HEBBIAN_MAX_MEMORY", "1G")  # what slips through must not swap
        patch.setattr("hebbian.figures.load", _stub_figure)
        yield types.SimpleNamespace(root=root, paths=paths, fresh=fresh)
    print("\nhebbian command lines tried, by how they ended:")
    for (command, outcome), n in sorted(COUNTS.items()):
        print(f"  {command:<10} {outcome:<28} {n:>5}")
    print(f"  {'all':<10} {'':<28} {sum(COUNTS.values()):>5}")


def _stub_figure(name: str) -> types.ModuleType:
    """A figure that parses what ``hebbian reproduce`` passes it and writes empty outputs."""

    def main(argv):
        from hebbian.figures._output import parse_args

        try:
            args = parse_args(f"stub {name}", argv)
        except SystemExit as exc:  # reproduce let through what its figure refuses
            raise RuntimeError(f"figure {name} refused {argv}: exit {exc.code}") from None
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"{name}.png").write_bytes(b"")
        (args.out / f"{name}.json").write_text(json.dumps({"quick": args.quick}))

    module = types.ModuleType(name, f"Stub figure {name}.")
    module.main = main
    return module


# -- command lines from the parser ------------------------------------------------------


@functools.cache
def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    skip = (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)
    return [a for a in parser._actions if a.option_strings and not isinstance(a, skip)]


def _option_words(action: argparse.Action):
    """Words for one option: its flag, or its flag and a hostile, chosen or valid value."""
    flags = st.sampled_from(action.option_strings)
    if action.nargs == 0:  # store_true, count, --[no-]progress
        return flags.map(lambda f: [f])
    valid = VALID.get(action.dest, []) + list(action.choices or [])
    values = st.sampled_from(HOSTILE)
    if valid:  # half the time a value the command takes, so that options meet at work
        values = st.one_of(st.sampled_from(valid), values)
    return st.tuples(flags, values).map(list)


UNKNOWN = [["--no-such-option"], ["--no-such-option", "1"], ["-Z"], ["stray"], ["--help"]]


@st.composite
def _command_line(draw, command: str, base=(), positional=None):
    """``[globals] command [base] [positionals] [options...] [unknown]`` as a list of words."""
    actions = _options(_subparsers()[command])
    words = [*draw(st.sampled_from([[], ["-q"], ["-v"], ["-vv"]])), command, *base]
    words += draw(positional) if positional is not None else []
    chosen = draw(st.lists(st.sampled_from(actions), max_size=4, unique_by=lambda a: a.dest))
    for action in chosen:
        words += draw(_option_words(action))
    if draw(st.integers(0, 9)) == 0:
        words += draw(st.sampled_from(UNKNOWN))
    return words


def _path_words(*extra: str):
    files = ["<toml>", "<toml>", "<any-toml>", "<any-toml>", "<bad-toml>", *HOSTILE, *extra]
    return st.sampled_from(files).map(lambda w: [w])


@st.composite
def _solve_line(draw, solvers):
    """``solve MODEL`` with its required parameters typical and a few others hostile."""
    from hebbian.theory import SOLVERS

    name = draw(st.sampled_from([*solvers, "no-such-model"]))
    words = ["solve", name]
    if name not in SOLVERS:
        return words + draw(st.sampled_from([[], ["--T", "0.5"]]))
    actions = _options(cli._solver_parser(name, SOLVERS[name]))
    hostile = (
        draw(st.lists(st.sampled_from(actions), max_size=2, unique_by=lambda a: a.dest))
        if actions
        else []
    )
    for action in actions:
        if action.required and action not in hostile and draw(st.integers(0, 19)) > 0:
            words += [action.option_strings[0], TYPICAL.get(action.dest, "1")]
    for action in hostile:
        words += [action.option_strings[0], draw(st.sampled_from(HOSTILE))]
    if draw(st.booleans()):
        words.append("--json")
    if draw(st.integers(0, 9)) == 0:
        words += draw(st.sampled_from(UNKNOWN))
    return words


# -- running one case -------------------------------------------------------------------


class _Hang(BaseException):  # not caught by the command line's last resort
    pass


def _alarm(signum, frame):
    raise _Hang


def _concrete(words: list[str], world) -> list[str]:
    """Replace the ``<...>`` placeholders with paths."""
    out = []
    for w in words:
        if w == "<fresh-file>":
            w = str(world.root / f"fresh-{next(world.fresh)}" / "out.h5")
        elif w == "<fresh-dir>":
            w = str(world.root / f"fresh-{next(world.fresh)}")
        out.append(str(world.paths.get(w, w)))
    return out


def check(words: list[str], world, capsys, seconds: float = CASE_SECONDS) -> None:
    """Run ``hebbian WORDS`` and assert it ended as the module docstring says."""
    argv = _concrete(words, world)
    command = next((w for w in argv if w in _subparsers()), "hebbian")
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = cli.main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except _Hang:
        COUNTS[command, "HANG"] += 1
        pytest.fail(f"hebbian {' '.join(argv)} ran past {seconds} s")
    except BaseException as exc:
        COUNTS[command, f"RAISED {type(exc).__name__}"] += 1
        raise AssertionError(f"hebbian {' '.join(argv)} raised {exc!r}") from exc
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    out, err = capsys.readouterr()
    where = "at parse" if ": error: " in err else "in the command"
    outcome = f"exit {code} {where}" if code == 2 else f"exit {code}"
    COUNTS[command, outcome] += 1
    if caught:
        COUNTS[command, "  (with warnings)"] += 1
    shown = f"hebbian {' '.join(argv)}\n-- exit {code}\n-- stdout:\n{out}\n-- stderr:\n{err}"
    assert code in (0, 1, 2), shown
    assert "Traceback" not in err, shown
    assert "internal error" not in err, shown
    # log lines (-v) and progress bars come before the message; otherwise it stands alone
    talkative = any(w.startswith("-v") or w in ("--verbose", "--progress") for w in argv)
    lines = err.strip().splitlines()
    if code == 2:
        assert lines, shown
        assert talkative or len(lines) == 1, shown
        assert lines[-1].startswith("hebbian") or ": error: " in lines[-1], shown
    else:
        assert out.strip() or err.strip(), shown
        assert talkative or len(lines) <= 1, shown
    if code == 0 and "--json" in argv and not {"--help", "--version", "--example"} & set(argv):
        json.loads(out)  # strict JSON, nothing else on stdout


# -- the fuzz tests ---------------------------------------------------------------------


def test_every_option_of_every_command_is_fuzzed():
    """Each option has a value strategy: new options are fuzzed without edits here."""
    for name, parser in _subparsers().items():
        for action in _options(parser):
            assert _option_words(action) is not None, (name, action.dest)
        assert name in ("info", "reproduce", "sweep", "solve", "mc"), f"fuzz {name} too"


def test_hostile_mc_command_lines(world, capsys):
    @settings(max_examples=_examples(150))
    @given(_command_line("mc", base=MC_BASE))
    def case(words):
        check(words, world, capsys)

    case()
    assert COUNTS["mc", "exit 0"]
    assert COUNTS["mc", "exit 2 at parse"]


def test_hostile_sweep_command_lines(world, capsys):
    @settings(max_examples=_examples(80))
    @given(_command_line("sweep", base=["--workers", "1"], positional=_path_words()))
    def case(words):
        check(words, world, capsys)

    case()
    assert COUNTS["sweep", "exit 0"]
    assert COUNTS["sweep", "exit 2 at parse"]


def test_hostile_reproduce_command_lines(world, capsys):
    from hebbian import figures

    names = st.lists(st.sampled_from([*figures.available(), "no_such_figure", ""]), max_size=2)

    @settings(max_examples=_examples(80))
    @given(_command_line("reproduce", base=["--quick"], positional=names))
    def case(words):
        check(words, world, capsys)

    case()
    assert COUNTS["reproduce", "exit 0"]
    assert COUNTS["reproduce", "exit 2 at parse"]


def test_hostile_info_and_global_command_lines(world, capsys):
    globals_ = st.sampled_from([[], ["--version"], ["--help"], ["-q"], ["-vvv"], ["--bogus"]])

    @settings(max_examples=_examples(20))
    @given(globals_, _command_line("info"))
    def case(first, words):
        check([*first, *words], world, capsys)

    case()
    for words in ([], ["nonsense"], ["-q", "-v"]):
        check(words, world, capsys)


def test_hostile_solve_command_lines(world, capsys):
    from hebbian.theory import SOLVERS

    fast = [name for name in SOLVERS if name not in SLOW_SOLVERS]

    @settings(max_examples=_examples(150))
    @given(_solve_line(fast))
    def case(words):
        check(words, world, capsys)

    case()
    for words in (["solve"], ["solve", "--list"], ["solve", "hopfield", "--help"]):
        check(words, world, capsys)
    assert COUNTS["solve", "exit 0"]
    assert COUNTS["solve", "exit 2 at parse"]


@pytest.mark.slow
def test_hostile_solve_command_lines_of_slow_solvers(world, capsys):
    """The solvers that take seconds at typical values, one parameter hostile at a time."""
    from hebbian.theory import SOLVERS

    refused = ["", "-1", "nan", "abc", "10**9", str(10**40), "<dir>"]

    def parser(name):
        return cli._solver_parser(name, SOLVERS[name])

    @st.composite
    def line(draw):
        name = draw(st.sampled_from([n for n in SLOW_SOLVERS if _options(parser(n))]))
        actions = _options(parser(name))
        bad = draw(st.sampled_from(actions))
        words = ["solve", name]
        for action in actions:
            if action.required and action is not bad:
                words += [action.option_strings[0], TYPICAL.get(action.dest, "1")]
        return [*words, bad.option_strings[0], draw(st.sampled_from(refused))]

    @settings(max_examples=_examples(30))
    @given(line())
    def case(words):
        check(words, world, capsys, SLOW_CASE_SECONDS)

    case()
    for name in SLOW_SOLVERS:
        if not _options(parser(name)):
            check(["solve", name, "--json"], world, capsys, SLOW_CASE_SECONDS)
