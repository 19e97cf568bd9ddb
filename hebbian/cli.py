"""The ``hebbian`` command line.

``theory``, ``mc`` and ``figures`` are imported lazily, inside the commands
that need them, and the choices the options offer come from the numba-free
tables of :mod:`hebbian.info`, so ``hebbian --help`` and ``hebbian info``
start fast.

Every ``--json`` output goes through one writer (:func:`_print_json`): strict
JSON (NaN and infinities as ``null``), computed floats rounded to 12 decimals
(no ``-2.2e-17`` for a zero), echoed arguments to 15 significant digits.
"""

from __future__ import annotations

import argparse
import json
import logging
import math
import os
import re
import shutil
import sys
import textwrap
import time
from pathlib import Path
from statistics import fmean

from hebbian import DenseHopfield, ExponentialDAM, Hopfield
from hebbian.info import BACKENDS, ORDERS, RULES, STARTS

__all__ = ["main"]

# Not __name__: run as ``python -m hebbian.cli`` this module is __main__.
logger = logging.getLogger("hebbian.cli")

#: ``hebbian mc --network`` choices and the classes they build (:func:`_network`).
NETWORKS = {"hopfield": Hopfield, "dense": DenseHopfield, "exponential": ExponentialDAM}

#: Decimals kept of computed numbers in JSON output: the numbers the commands
#: compute (overlaps, energies and free energies per neuron, loads,
#: temperatures, acceptance rates) are of order one, and below 1e-12 only
#: rounding noise is left (a mean overlap of -2.2e-17 is 0).
JSON_DECIMALS = 12
#: Significant digits kept of given numbers (arguments, grids): enough to keep
#: any number typed with up to 15 digits, and to drop binary noise
#: (0.030000000000000002 from a linspace is 0.03), whatever its size (tol=1e-14).
JSON_DIGITS = 15


class _Given(dict):
    """Marks a part of a JSON record that echoes input: its floats keep their size."""


def _jsonable(obj, given: bool = False):
    """``obj`` as strict JSON values: NaN and infinities as None, floats tidied.

    Computed floats are rounded to :data:`JSON_DECIMALS` decimals, floats
    under a :class:`_Given` mapping to :data:`JSON_DIGITS` significant digits;
    ``-0.0`` becomes ``0.0``.
    """
    if isinstance(obj, dict):
        given = given or isinstance(obj, _Given)
        return {str(k): _jsonable(v, given) for k, v in obj.items()}
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return _jsonable(obj.tolist(), given)
    if isinstance(obj, list | tuple):
        return [_jsonable(v, given) for v in obj]
    if isinstance(obj, float):
        if not math.isfinite(obj):
            return None
        # + 0.0 turns the -0.0 that rounding leaves into 0.0
        return (float(f"{obj:.{JSON_DIGITS}g}") if given else round(obj, JSON_DECIMALS)) + 0.0
    if isinstance(obj, Path):
        return str(obj)
    return obj


def _print_json(obj) -> None:
    """Print ``obj`` as indented strict JSON: the one writer of every ``--json``."""
    print(json.dumps(_jsonable(obj), indent=2, default=str))


_ROLE = re.compile(r":(?:[\w-]+:)*[\w-]+:`(~?)([^`]+)`")


def plain_text(rest: str) -> str:
    """reStructuredText inline markup (literals, roles, emphasis) as plain words.

    A role shows its target as Sphinx does (``~a.b`` as ``b``); backslashes
    of TeX commands go (``\\alpha`` reads ``alpha``).

    Examples
    --------
    >>> plain_text("Load ``K/N``, see :func:`~hebbian.theory.dense.alpha_c` and :math:`\\\\beta`.")
    'Load K/N, see alpha_c and beta.'
    """

    def role(match: re.Match) -> str:
        short, target = match.groups()
        return target.rsplit(".", 1)[-1] if short else target

    text = _ROLE.sub(role, rest)
    text = re.sub(r"``(.+?)``", r"\1", text)
    text = re.sub(r"\*\*(.+?)\*\*|\*(.+?)\*", lambda m: m.group(1) or m.group(2), text)
    text = re.sub(r"`([^`]+)`", r"\1", text)
    return re.sub(r"\\(?=[A-Za-z])", "", text)


def first_sentence(text: str) -> str:
    """The first full sentence of ``text``'s first paragraph, in plain words.

    The paragraph's lines are joined; it ends at the first ``.``, ``!`` or
    ``?`` followed by a capital letter or the paragraph's end, or, with no
    such end, is the whole paragraph (never cut inside a sentence).
    """
    paragraph = plain_text(" ".join(text.strip().split("\n\n", 1)[0].split()))
    for end in re.finditer(r"[.!?](?=\s+[A-Z]|$)", paragraph):
        words = paragraph[: end.start()].rsplit(None, 1)
        if words and words[-1].lower() not in _ABBREVIATIONS:
            return paragraph[: end.end()]
    return paragraph


#: Words that end in a full stop inside a sentence ("Eqs. (1)-(2)", "Phys. Rev.").
_ABBREVIATIONS = {"eq", "eqs", "e.g", "i.e", "cf", "fig", "figs", "ref", "refs", "vs", "al",
                  "phys", "rev", "lett", "proc", "nucl", "no", "vol", "sec", "approx"}  # fmt: skip


def _listing(entries: dict[str, str]) -> str:
    """``name  description`` lines, descriptions wrapped to the terminal's width."""
    width = max(map(len, entries))
    columns = max(shutil.get_terminal_size((80, 24)).columns, width + 30)
    return "\n".join(
        textwrap.fill(
            f"{name:<{width}}  {description}",
            width=columns - 1,
            subsequent_indent=" " * (width + 2),
            break_on_hyphens=False,
        )
        for name, description in entries.items()
    )


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: ``prog: error: what; see --help``.

    Option values are checked as they are parsed (:func:`_integer`,
    :func:`_real`, :func:`_output_file`, :func:`_output_folder`), with the
    checks of :mod:`hebbian._checks` and :mod:`hebbian.paths` the API uses, so
    a bad value ends the command before any work, naming the option, its
    value, the allowed range and the fix.
    """

    def error(self, message: str):
        # "argument --N: --N=0 must be >= 1" says the option twice
        message = re.sub(r"^argument ([^:]+): (?=\1[= ])", "", message)
        if message.endswith("expected one argument"):  # "--T -inf" reads -inf as an option
            option = message.split()[1].rstrip(":")
            message += f"; pass {option} VALUE (a VALUE that starts with '-' as {option}=VALUE)"
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _integer(option: str, minimum: int | None = None, maximum: int | None = None, why: str = ""):
    """An argparse ``type``: an integer checked by :func:`hebbian._checks.check_int`."""
    from hebbian._checks import check_int

    bounds = [f">= {minimum}"] * (minimum is not None) + [f"<= {maximum}"] * (maximum is not None)

    def integer(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option}={text!r} is not an integer; pass a whole number "
                f"{' and '.join(bounds)}".rstrip()
            ) from None
        try:
            return check_int(value, option, minimum=minimum, maximum=maximum, why=why)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return integer


def _real(option: str, **bounds):
    """An argparse ``type``: a real number checked by :func:`hebbian._checks.check_real`
    with ``bounds`` (``low``, ``high``, ``low_open``, ``high_open``, ``finite``, ``fix``)."""
    from hebbian._checks import check_real

    def real(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{option}={text!r} is not a number; pass a decimal number such as {option} 0.5"
            ) from None
        try:
            return check_real(value, option, **bounds)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return real


def _output_file(option: str, example: str = "run.npz"):
    """An argparse ``type``: a file path that can be written
    (:func:`hebbian.paths.check_output_path`)."""
    from hebbian.paths import check_output_path

    def output_file(text: str) -> Path:
        try:
            return check_output_path(text, option, example=example)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return output_file


def _output_folder(option: str):
    """An argparse ``type``: a folder outputs can be written to
    (:func:`hebbian.paths.check_output_dir`)."""
    from hebbian.paths import check_output_dir

    def output_folder(text: str) -> Path:
        try:
            return check_output_dir(text, option)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return output_folder


#: Largest sweep count: the chains count attempted flips in a 64-bit integer.
_MAX_SWEEPS = 2**62
_COUNTER = "beyond what the 64-bit flip counters of the chains hold"


def _progress(args) -> bool | None:
    """Progress bars: off with -q or --no-progress, on with --progress, else None (terminal)."""
    if getattr(args, "quiet", False):
        return False
    return getattr(args, "progress", None)


# -- commands -----------------------------------------------------------------------


def _info(args) -> int:
    from hebbian.info import system_info

    info = system_info()
    if args.json:
        _print_json(info)
        return 0
    print(f"hebbian {info['hebbian']}  (Python {info['python']}, {info['platform']})")
    print("packages: " + ", ".join(f"{k} {v or '-'}" for k, v in info["packages"].items()))
    print(
        "backends: "
        + ", ".join(f"{k} {'yes' if v is True else 'no'}" for k, v in info["backends"].items())
    )
    gpu = info["gpu"]
    if gpu["devices"]:
        print("gpu: " + "; ".join(f"{d['name']} ({d['memory_GiB']} GiB)" for d in gpu["devices"]))
    else:
        print(f"gpu: none ({gpu['reason']})")
    print(f"cores: {info['cores']['usable']} usable of {info['cores']['logical']}")
    return 0


def _reproduce(args) -> int:
    if not args.list:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            print(
                "hebbian reproduce: needs matplotlib (pip install 'dense-hebbian[figures]')",
                file=sys.stderr,
            )
            return 2
    from hebbian import figures
    from hebbian.executors import check_executor
    from hebbian.paths import check_output_dir
    from hebbian.sweep import SweepError

    available = figures.available()
    if args.list:
        print(_listing({name: plain_text(text) for name, text in available.items()}))
        return 0
    names = list(available) if args.all else args.names
    if not names:
        print("hebbian reproduce: name a figure, or pass --all or --list", file=sys.stderr)
        return 2
    unknown = [n for n in names if n not in available]
    if unknown:
        print(
            f"hebbian reproduce: unknown figure(s) {', '.join(unknown)}; "
            f"known: {', '.join(available)}",
            file=sys.stderr,
        )
        return 2
    # before any figure runs: an hour of Monte Carlo must not end in "cannot write"
    check_output_dir(args.out, "--out")
    check_executor(args.workers, args.scheduler, prefix="--")
    argv = ["--out", str(args.out), "--seed", str(args.seed)] + ["--quick"] * args.quick
    if args.vector is not None:
        argv += ["--vector", args.vector]
    progress = _progress(args)
    if progress is not None:
        argv += ["--progress" if progress else "--no-progress"]
    if args.workers is not None:
        argv += ["--workers", str(args.workers)]
    if args.scheduler is not None:
        argv += ["--scheduler", args.scheduler]
    started = time.perf_counter()
    for i, name in enumerate(names, 1):
        stage = f"[{i}/{len(names)}] {name}"
        if not getattr(args, "quiet", False):
            print(f"== {stage}: {plain_text(available[name])}", flush=True)
        logger.info("reproduce %s: started", stage)
        t0 = time.perf_counter()
        try:
            figures.load(name).main(argv)
        except ImportError as exc:  # an optional dependency of this figure
            logger.debug("reproduce %s", stage, exc_info=True)
            print(f"hebbian reproduce: {name}: {exc}", file=sys.stderr)
            return 2
        except SweepError as exc:
            print(f"hebbian reproduce: {name}: {exc}", file=sys.stderr)
            return 1
        logger.info("reproduce %s: finished in %.1f s", stage, time.perf_counter() - t0)
    logger.info("reproduce: %d figure(s) in %.1f s", len(names), time.perf_counter() - started)
    print(f"gallery: {figures.write_gallery(args.out)}")
    return 0


def _sweep(args) -> int:
    from hebbian.executors import check_executor
    from hebbian.paths import check_output_path
    from hebbian.sweep import EXAMPLE, Sweep, SweepError

    if args.example:
        print(EXAMPLE, end="")
        return 0
    if args.file is None:
        print("hebbian sweep: give a sweep FILE (or --example to print one)", file=sys.stderr)
        return 2
    try:
        check_executor(args.workers, args.scheduler, prefix="--")  # before the output file
        sweep, output = Sweep.from_toml(args.file, allow_any_task=args.allow_any_task)
        output = args.output or check_output_path(
            output, f"output (in {args.file})", example="sweep.h5"
        )
        result = sweep.run(
            output,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=_progress(args),
            retry=args.retry,
        )
    except (ValueError, TypeError, ImportError, ConnectionError) as exc:
        print(f"hebbian sweep: {exc}", file=sys.stderr)
        return 2
    except SweepError as exc:
        print(f"hebbian sweep: {exc}", file=sys.stderr)
        return 1
    done = int(result["done"].sum())
    outputs = [v for v in result.data_vars if v not in ("done", "seconds")]
    if args.json:
        _print_json(
            {
                "output": str(output),
                "task": sweep.task,
                "grid": _Given(sweep.grid),
                "fixed": _Given(sweep.fixed),
                "seed": sweep.seed,
                "points": {"done": done, "total": sweep.size},
                "complete": done == sweep.size,
                "outputs": outputs,
            }
        )
        return 0
    print(
        f"{output}: {done} of {sweep.size} points of "
        f"{sweep.task} on {' x '.join(f'{k}[{len(v)}]' for k, v in sweep.grid.items())}; "
        f"outputs: {', '.join(outputs)}"
    )
    return 0


def _mc_options(args) -> str | None:
    """Resolve the defaults that depend on other options; the error, if they clash.

    ``--P`` belongs to the dense network, ``--lam`` to the exponential one,
    ``--diagonal`` to the two with pairwise or P-body couplings; ``--start``
    defaults to the pattern, but to random spins on diluted patterns (whose
    zero entries no spin can take); ``--m0`` belongs to ``--start pattern``.
    """
    network = args.network
    if args.P is not None and network != "dense" and not (network == "hopfield" and args.P == 2):
        return (
            f"--P {args.P} is the interaction order of --network dense (hopfield is P = 2, "
            f"exponential has none); pass --network dense or drop --P"
        )
    if args.lam is not None and network != "exponential":
        return f"--lam {args.lam:g} is used by --network exponential only; drop --lam"
    if args.diagonal and network == "exponential":
        return "--diagonal is used by --network hopfield and dense only; drop --diagonal"
    args.P = (3 if args.P is None else args.P) if network == "dense" else None
    args.lam = (1.0 if args.lam is None else args.lam) if network == "exponential" else None
    diluted = args.dilution > 0
    if args.start is None:
        args.start = "random" if diluted else "pattern"
        if diluted and args.m0 is not None:
            return (
                f"--m0 {args.m0:g} sets the start overlap of --start pattern, which --dilution "
                f"{args.dilution:g} rules out (a diluted pattern has zero entries no spin can "
                f"take); drop --m0 to start from random spins"
            )
    if args.start == "pattern" and diluted:
        return (
            f"--start pattern needs a pattern without zero entries, and --dilution "
            f"{args.dilution:g} makes zero entries; pass --start random (the default with "
            f"--dilution) or --dilution 0"
        )
    if args.m0 is not None and args.start != "pattern":
        return (
            f"--m0 {args.m0:g} is the start overlap of --start pattern; with --start "
            f"{args.start} drop --m0"
        )
    flips = args.N * (args.n_burnin + args.n_sweeps)
    if flips >= 2**63:
        return (
            f"--N {args.N} times --n-burnin {args.n_burnin} + --n-sweeps {args.n_sweeps} "
            f"is {flips} flips per chain, {_COUNTER}; pass fewer sweeps"
        )
    return None


def _mc_bytes(args) -> int:
    """What ``hebbian mc`` allocates at most, in bytes, known from the options alone.

    The patterns drawn and the network's copy (int8), then what
    :func:`hebbian.mc.run` allocates (:func:`hebbian.mc.simulation.run_bytes`:
    the kernel's copy of the patterns, the chains, the measurement series).
    """
    from hebbian.mc.sampler import KERNEL_MODEL_BYTES, chain_bytes

    N, K, R = args.N, args.K, args.replicas
    n_track, n_pairs = min(K, 8), R * (R - 1) // 2
    return (
        2 * K * N
        + KERNEL_MODEL_BYTES * N * K
        + chain_bytes(N, K, R)
        + 8 * args.n_sweeps * (R * (1 + n_track) + n_pairs)
        + 8 * R * N
        + 8 * R * R
        + 128 * n_pairs
    )


def _network(args):
    """The network ``--network`` names, on patterns drawn with ``--seed``."""
    from hebbian import binary_patterns, diluted_patterns

    if args.dilution > 0:
        xi = diluted_patterns(args.K, args.N, args.dilution, rng=args.seed)
    else:
        xi = binary_patterns(args.K, args.N, rng=args.seed)
    cls = NETWORKS[args.network]
    if cls is ExponentialDAM:
        return ExponentialDAM(xi, lam=args.lam)
    if cls is Hopfield:
        return Hopfield(xi, diagonal=args.diagonal)
    return DenseHopfield(xi, P=args.P, diagonal=args.diagonal)


#: ``hebbian mc`` arguments a record holds, under these names, to repeat the run.
_MC_ARGUMENTS = {
    "network": "network",
    "N": "N",
    "K": "K",
    "P": "P",
    "diagonal": "diagonal",
    "lam": "lam",
    "dilution": "dilution",
    "T": "T",
    "rule": "rule",
    "order": "order",
    "n_sweeps": "n_sweeps",
    "n_burnin": "n_burnin",
    "replicas": "replicas",
    "start": "start",
    "m0": "m0",
    "seed": "pattern_seed",
    "backend": "backend",
    "workers": "workers",
    "checkpoint": "checkpoint",
}


def _mc_command_line(arguments: dict) -> str:
    """The ``hebbian mc`` command that repeats a run recorded in ``arguments``."""
    words = ["hebbian", "mc"]
    for dest, key in _MC_ARGUMENTS.items():
        value, option = arguments[key], "--" + dest.replace("_", "-")
        if isinstance(value, bool):
            words += [option] * value
        elif value is not None:
            words += [option, str(value)]
    return " ".join(words)


def _mc(args) -> int:
    clash = _mc_options(args)
    if clash is not None:
        print(f"hebbian mc: {clash}", file=sys.stderr)
        return 2
    from hebbian.limits import check_memory
    from hebbian.mc import run

    check_memory(  # before the patterns are drawn: all that the run will hold
        _mc_bytes(args),
        f"a run with --N {args.N} --K {args.K} --replicas {args.replicas} "
        f"--n-sweeps {args.n_sweeps}",
    )
    progress = _progress(args)
    started = time.perf_counter()
    res = run(
        _network(args),
        T=args.T,
        n_sweeps=args.n_sweeps,
        n_burnin=args.n_burnin,
        rule=args.rule,
        order=args.order,
        n_replicas=args.replicas,
        start=args.start,
        m0=args.m0,
        rng=args.seed + 1,
        backend=args.backend,
        n_workers=args.workers,
        checkpoint=args.checkpoint,
        progress=sys.stderr.isatty() if progress is None else progress,
    )
    summary = res.summary()
    p = summary["params"]
    logger.info(
        "mc: %s N=%d K=%d on backend %r (asked %r) in %.1f s",
        p["network"],
        p["N"],
        p["K"],
        p["backend"],
        args.backend,
        time.perf_counter() - started,
    )
    if args.json:
        arguments = {key: getattr(args, dest) for dest, key in _MC_ARGUMENTS.items()}
        arguments["rule"] = p["rule"]  # the rule run() chose when none was given
        arguments["chain_seed"] = args.seed + 1
        arguments["command_line"] = _mc_command_line(arguments)
        _print_json({"arguments": _Given(arguments), **summary})
        return 0
    print(
        f"{p['network']} N={p['N']} K={p['K']} P={p['P']} T={p['T']} rule={p['rule']} "
        f"order={p['order']} replicas={p['n_replicas']} backend={p['backend']}"
    )
    for name, e in res.estimates.items():
        print(f"  {name:>8} = {e}")
    print(
        f"  acceptance {fmean(summary['acceptance']):.4f}, "
        f"equilibrated (halves agree): {summary['equilibrated']}"
    )
    return 0


def _boolean(text: str) -> bool:
    """``true``/``false`` (also 1/0, yes/no) for boolean solver options."""
    value = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
    if text.lower() not in value:
        raise argparse.ArgumentTypeError(f"{text!r} is not a boolean; pass true or false")
    return value[text.lower()]


_SOLVER_TYPES = {
    "P": int,
    "n": int,
    "k": int,
    "n_levels": int,
    "max_iter": int,
    "branch": str,
    "method": str,
    "protocol": str,
    "start": str,
    "K": int,
    "limit": str,
    "ensemble": str,
    "self_interactions": _boolean,
}
#: Solver arguments that are Python objects, not command-line values.
_NOT_OPTIONS = ("guess", "grid", "tau")


def _parameter_docs(doc: str) -> dict[str, tuple[str, str]]:
    """``name -> (type, description)`` from a numpydoc ``Parameters`` section."""
    lines = doc.splitlines()
    found: dict[str, tuple[str, str]] = {}
    heads = [
        k
        for k in range(len(lines) - 1)
        if lines[k].strip() == "Parameters" and set(lines[k + 1].strip()) == {"-"}
    ]
    if not heads:
        return found
    names: list[str] = []
    entries: dict[str, list] = {}
    k = heads[0] + 2
    while k < len(lines):
        line = lines[k]
        if k + 1 < len(lines) and line.strip() and set(lines[k + 1].strip()) == {"-"}:
            break  # the next section
        if line.strip() and not line[0].isspace():
            head, _, kind = line.partition(" : ")
            names = [n.strip() for n in head.split(",")]
            for n in names:
                entries[n] = [kind.strip(), []]
        elif line.strip():
            for n in names:
                entries[n][1].append(line.strip())
        k += 1
    for n, (kind, text) in entries.items():
        found[n] = (plain_text(kind), first_sentence(" ".join(text)) if text else "")
    return found


def _solver_parser(name: str, solver) -> argparse.ArgumentParser:
    """Options ``--param value`` read off the solver's signature and docstring."""
    import inspect

    doc = inspect.getdoc(solver) or ""
    summary = plain_text(" ".join(doc.split("\n\n", 1)[0].split()))
    parser = _Parser(
        prog=f"hebbian solve {name}",
        description=summary,
        epilog=f"Python: {solver.__module__}.{solver.__qualname__}",
    )
    documented = _parameter_docs(doc)
    for p in inspect.signature(solver).parameters.values():
        if p.name in _NOT_OPTIONS:
            continue
        required = p.default is inspect.Parameter.empty
        kind, text = documented.get(p.name, ("", ""))
        kind = kind or (p.annotation if isinstance(p.annotation, str) else "")
        if text and kind.startswith("{"):  # the choices
            text = f"{text.rstrip('.')}: {kind}"
        text = (text or kind or p.name).rstrip(".")
        text += " (required)" if required else f" (default: {p.default})"
        parser.add_argument(
            f"--{p.name}",
            type=_SOLVER_TYPES.get(p.name, float),
            required=required,
            default=None if required else p.default,
            metavar=p.name.upper(),
            help=text.replace("%", "%%"),
        )
    return parser


def _solve(args) -> int:
    import dataclasses

    from hebbian.theory import SOLVERS

    if args.list or args.model is None:
        print(_listing({name: first_sentence(s.__doc__ or "") for name, s in SOLVERS.items()}))
        return 0
    if args.model not in SOLVERS:
        print(
            f"hebbian solve: unknown model {args.model!r}; known: {', '.join(SOLVERS)}",
            file=sys.stderr,
        )
        return 2
    solver = SOLVERS[args.model]
    as_json = args.json or "--json" in args.params
    rest = [a for a in args.params if a != "--json"]
    params = vars(_solver_parser(args.model, solver).parse_args(rest))
    try:
        result = solver(**params)
    except (ValueError, TypeError) as exc:  # refused input: the message names it and the fix
        print(f"hebbian solve {args.model}: {exc}", file=sys.stderr)
        return 2
    record = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else {"value": result}
    if as_json:
        _print_json({"solver": args.model, "input": _Given(params), **record})
    else:
        print(result if dataclasses.is_dataclass(result) else f"{args.model}: {result:.10g}")
    return 0 if record.get("success", True) else 1


# -- the parser ---------------------------------------------------------------------


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Append ``(default: X)`` to an option's help unless it says its default itself.

    Flags (off by default) and options without a default (None) say nothing
    more; their help text explains what happens without them.
    """

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        default = action.default
        if "default" in text or default is None or default is argparse.SUPPRESS:
            return text
        if isinstance(default, bool):  # a flag, off (or on) unless given
            return text
        return super()._get_help_string(action)


def _common_options() -> argparse.ArgumentParser:
    """``-v/--verbose`` and ``-q/--quiet``, accepted before and after the command."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,
        help="log what runs where on stderr: -v steps and timings, -vv details "
        "(default: warnings only)",
    )
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="errors only: no progress bars, no log messages",
    )
    return common


def add_figure_options(parser: argparse.ArgumentParser) -> None:
    """``--quick``, ``--out``, ``--seed`` and the executor options of a figure run.

    Shared by ``hebbian reproduce`` and each figure script's own command line
    (:func:`hebbian.figures._output.parse_args`), which reproduce passes them on to.
    """
    from hebbian.executors import add_executor_options

    parser.add_argument("--quick", action="store_true", help="small sizes (seconds), as in CI")
    parser.add_argument(
        "--out",
        type=_output_folder("--out"),
        default=Path("figures_out"),
        help="output folder, created if missing (default: ./figures_out)",
    )
    parser.add_argument(
        "--seed",
        type=_integer("--seed", minimum=0),
        default=2026,
        help="master seed, >= 0 (default: 2026)",
    )
    parser.add_argument(
        "--vector",
        choices=("pdf", "svg"),
        default=None,
        help="also write the picture as vector graphics beside the PNG (default: PNG only)",
    )
    add_executor_options(parser)


def build_parser() -> argparse.ArgumentParser:
    """The ``hebbian`` argument parser (it imports nothing heavy: no Numba, no solver)."""
    from hebbian import __version__
    from hebbian.executors import add_executor_options

    common = _common_options()
    fmt = {"formatter_class": _HelpFormatter, "parents": [common]}
    parser = _Parser(
        prog="hebbian",
        description="Statistical mechanics and Monte Carlo of dense Hebbian networks.",
        epilog="`hebbian COMMAND --help` describes a command.",
        **fmt,
    )
    parser.add_argument("--version", action="version", version=f"hebbian {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    info = sub.add_parser(
        "info",
        help="versions, backends, GPU and cores",
        description="What this installation can do: package versions, the Monte Carlo "
        "backends usable here (and why the GPU one is not), GPUs and CPU cores.",
        **fmt,
    )
    info.add_argument("--json", action="store_true", help="print machine-readable JSON")
    info.set_defaults(func=_info)

    rep = sub.add_parser(
        "reproduce",
        help="run figure scripts (data + PNG + metadata)",
        description="Make the paper figures: each writes NAME.h5 (data), NAME.png and "
        "NAME.json (what it was run with) into --out, and gallery.md shows them all. "
        "Monte Carlo points are resumable sweeps: a killed run continues where it stopped. "
        "Needs the figures extra: pip install 'dense-hebbian[figures]'.",
        **fmt,
    )
    rep.add_argument("names", nargs="*", metavar="NAME", help="figures to make (see --list)")
    rep.add_argument("--all", action="store_true", help="make every figure")
    rep.add_argument("--list", action="store_true", help="list the figures and exit")
    add_figure_options(rep)
    rep.set_defaults(func=_reproduce)

    swp = sub.add_parser(
        "sweep",
        help="run a parameter sweep from a TOML file (resumes where it stopped)",
        description="Run every point of a sweep file not yet in its output "
        "(netCDF-4, written point by point, so a killed sweep resumes where it stopped). "
        "`hebbian sweep --example` prints a sweep file to start from.",
        **fmt,
    )
    swp.add_argument("file", nargs="?", type=Path, metavar="FILE", help="sweep file (TOML)")
    swp.add_argument("--example", action="store_true", help="print an example sweep file")
    swp.add_argument(
        "--allow-any-task",
        action="store_true",
        help="run a task that is not registered (any module:function, its module also "
        "imported from FILE's folder); only for a sweep file you trust: its task is code",
    )
    swp.add_argument(
        "--retry",
        metavar="OUTPUT",
        default=None,
        help="compute again the stored points where output OUTPUT is false or NaN "
        "(e.g. --retry success: the points whose solver did not converge; default: "
        "failed points are kept as stored)",
    )
    swp.add_argument(
        "--output",
        type=_output_file("--output", example="sweep.h5"),
        default=None,
        help="results file (default: the output named in FILE)",
    )
    swp.add_argument(
        "--json",
        action="store_true",
        help="print a machine-readable summary: output, task, grid, points done, outputs",
    )
    add_executor_options(swp)
    swp.set_defaults(func=_sweep)

    sol = sub.add_parser(
        "solve",
        help="replica solvers: one point, a critical load or a transition temperature",
        description="Run one solver at one point: `hebbian solve MODEL --param value ...`. "
        "`hebbian solve --list` lists the solvers, `hebbian solve MODEL --help` a "
        "solver's parameters.",
        **fmt,
    )
    sol.add_argument("model", nargs="?", metavar="MODEL", help="solver name (see --list)")
    sol.add_argument("--list", action="store_true", help="list the solvers and exit")
    sol.add_argument("--json", action="store_true", help="print the result as JSON")
    sol.add_argument(
        "params", nargs=argparse.REMAINDER, metavar="...", help="the solver's --param value pairs"
    )
    sol.set_defaults(func=_solve)

    m = sub.add_parser(
        "mc",
        help="Monte Carlo of a network with random patterns",
        description="Single-spin-flip Monte Carlo of a network storing K random "
        "patterns of N binary neurons: energy per neuron, Mattis overlaps and replica "
        "overlaps with error bars. --json prints a record that repeats the run. A run "
        "whose arrays would not fit in half the available memory is refused before it "
        "starts; the environment variable HEBBIAN_MAX_MEMORY (e.g. 64G, or none) sets "
        "another limit.",
        **fmt,
    )
    m.add_argument(
        "--network",
        choices=list(NETWORKS),
        default="hopfield",
        help="hopfield: pairwise; dense: P-body couplings; exponential: exp(lam N m) energy",
    )
    m.add_argument("--N", type=_integer("--N", minimum=1), default=1000, help="neurons, >= 1")
    m.add_argument("--K", type=_integer("--K", minimum=1), default=50, help="patterns, >= 1")
    m.add_argument(
        "--P",
        type=_integer("--P", minimum=2),
        default=None,
        help="interaction order, >= 2 (dense only; default: 3)",
    )
    m.add_argument(
        "--diagonal", action="store_true", help="keep self-interactions (hopfield, dense)"
    )
    m.add_argument(
        "--lam",
        type=_real("--lam", low=0.0, low_open=True, finite=True),
        default=None,
        help="exponent scale, > 0 (exponential only; default: 1.0)",
    )
    m.add_argument(
        "--dilution",
        type=_real("--dilution", low=0.0, high=1.0, high_open=True),
        default=0.0,
        help="pattern dilution d in [0, 1): fraction of zero entries",
    )
    m.add_argument(
        "--T",
        type=_real("--T", low=0.0),
        default=0.5,
        help="temperature, >= 0 (0: zero-T dynamics; inf: the paramagnet, every spin random)",
    )
    m.add_argument(
        "--rule",
        choices=RULES,
        default=None,
        help="update rule: metropolis, heat-bath (= glauber), or zero-T (flip iff the "
        "energy drops) (default: metropolis at T > 0, zero-T at T = 0, the only rule there)",
    )
    m.add_argument(
        "--order",
        choices=ORDERS,
        default="random",
        help="which neuron each attempted flip picks: uniformly random, or 0..N-1 in turn",
    )
    m.add_argument(
        "--n-sweeps",
        type=_integer("--n-sweeps", minimum=1, maximum=_MAX_SWEEPS, why=_COUNTER),
        default=1000,
        help="sweeps (N attempted flips each) measured after burn-in, one measurement each, >= 1",
    )
    m.add_argument(
        "--n-burnin",
        type=_integer("--n-burnin", minimum=0, maximum=_MAX_SWEEPS, why=_COUNTER),
        default=100,
        help="sweeps run and discarded before measuring, >= 0",
    )
    m.add_argument(
        "--replicas",
        type=_integer("--replicas", minimum=1),
        default=2,
        help="independent chains on the same patterns, >= 1 (2 or more give replica overlaps q)",
    )
    m.add_argument(
        "--start",
        choices=STARTS,
        default=None,
        help="initial configuration: random spins, or pattern 0 at overlap --m0 "
        "(default: pattern; random with --dilution, whose zero entries no spin can take)",
    )
    m.add_argument(
        "--m0",
        type=_real("--m0", low=-1.0, high=1.0),
        default=None,
        help="initial overlap with pattern 0 for --start pattern, in [-1, 1] "
        "(default: 1, the pattern itself)",
    )
    m.add_argument(
        "--seed",
        type=_integer("--seed", minimum=0),
        default=0,
        help="seed of the patterns, >= 0; the chains use seed + 1",
    )
    m.add_argument(
        "--backend",
        choices=BACKENDS,
        default="auto",
        help="auto (= numba), numba, lockstep (16 chains a kernel, T > 0; fastest for "
        "many replicas), numpy (slow reference), batched (all chains at once), cupy (GPU)",
    )
    m.add_argument(
        "--workers",
        type=_integer("--workers", minimum=1, maximum=1024, why="no machine runs more threads"),
        default=1,
        help="threads over replicas, >= 1",
    )
    m.add_argument(
        "--checkpoint",
        type=_output_file("--checkpoint"),
        default=None,
        help="resume from this file if it exists, and write it as the run goes "
        "(default: no checkpoint)",
    )
    m.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar (default: shown when stderr is a terminal)",
    )
    m.add_argument(
        "--json",
        action="store_true",
        help="print a JSON record: every argument, the results and provenance",
    )
    m.set_defaults(func=_mc)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hebbian`` console command."""
    from hebbian.log import configure

    parser = build_parser()
    args = parser.parse_args(argv)
    configure(-1 if getattr(args, "quiet", False) else getattr(args, "verbose", 0))
    if args.command is None:
        parser.print_help()
        return 0
    prog = f"hebbian {args.command}"
    try:
        return args.func(args)
    except ValueError as exc:  # bad input: the message names the argument and the fix
        print(f"{prog}: {_one_line(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # Ctrl-C: sweeps and checkpoints keep what is done
        resumable = args.command in ("sweep", "reproduce") or getattr(args, "checkpoint", None)
        hint = "; run the same command again to resume" if resumable else ""
        print(f"{prog}: interrupted{hint}", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `hebbian ... | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    # Last resorts: what the checks before the work should have refused, in one line
    # (-vv logs the traceback).
    except MemoryError:
        logger.debug("%s ran out of memory", prog, exc_info=True)
        print(
            f"{prog}: out of memory; reduce the sizes, or lower the memory limit the "
            f"checks apply with the environment variable HEBBIAN_MAX_MEMORY (e.g. 8G)",
            file=sys.stderr,
        )
        return 1
    except OSError as exc:  # a file that vanished, a full disk
        logger.debug("%s failed", prog, exc_info=True)
        print(f"{prog}: {_one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # a bug: one line, the traceback at -vv
        logger.debug("%s failed", prog, exc_info=True)
        print(
            f"{prog}: internal error: {type(exc).__name__}: {_one_line(exc)} "
            f"(`hebbian -vv {args.command} ...` shows the traceback; please report it)",
            file=sys.stderr,
        )
        return 1


def _one_line(exc: BaseException) -> str:
    """The message of ``exc`` on one line (an OSError with its file name)."""
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    else:
        text = str(exc) or type(exc).__name__
    return " ".join(text.split())


if __name__ == "__main__":
    sys.exit(main())
