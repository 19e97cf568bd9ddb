"""The ``hebbian`` command line.

``theory``, ``mc`` and ``figures`` are imported lazily, inside the commands
that need them, so ``hebbian --help`` and ``hebbian info`` start fast.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from statistics import fmean

__all__ = ["main"]


def _info(args) -> int:
    from hebbian.info import system_info

    info = system_info()
    if args.json:
        print(json.dumps(info, indent=2))
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
    from hebbian import figures

    available = figures.available()
    if args.list:
        width = max(map(len, available))
        for name, description in available.items():
            print(f"{name:<{width}}  {description}")
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
    argv = ["--out", str(args.out), "--seed", str(args.seed)]
    argv += ["--quick"] * args.quick + ["--progress"] * args.progress
    if args.workers is not None:
        argv += ["--workers", str(args.workers)]
    if args.scheduler is not None:
        argv += ["--scheduler", args.scheduler]
    for name in names:
        print(f"== {name}: {available[name]}")
        figures.load(name).main(argv)
    print(f"gallery: {figures.write_gallery(args.out)}")
    return 0


def _sweep(args) -> int:
    from hebbian.sweep import EXAMPLE, Sweep, SweepError

    if args.example:
        print(EXAMPLE, end="")
        return 0
    if args.file is None:
        print("hebbian sweep: give a sweep FILE (or --example to print one)", file=sys.stderr)
        return 2
    try:
        sweep, output = Sweep.from_toml(args.file)
        result = sweep.run(
            args.output or output,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=args.progress or None,
        )
    except (ValueError, TypeError, ImportError, ConnectionError) as exc:
        print(f"hebbian sweep: {exc}", file=sys.stderr)
        return 2
    except SweepError as exc:
        print(f"hebbian sweep: {exc}", file=sys.stderr)
        return 1
    print(
        f"{args.output or output}: {int(result['done'].sum())} of {sweep.size} points of "
        f"{sweep.task} on {' x '.join(f'{k}[{len(v)}]' for k, v in sweep.grid.items())}; "
        f"outputs: {', '.join(v for v in result.data_vars if v not in ('done', 'seconds'))}"
    )
    return 0


def _network(args):
    from hebbian import DenseHopfield, ExponentialDAM, binary_patterns, diluted_patterns

    if args.dilution > 0:
        xi = diluted_patterns(args.K, args.N, args.dilution, rng=args.seed)
    else:
        xi = binary_patterns(args.K, args.N, rng=args.seed)
    if args.network == "exponential":
        return ExponentialDAM(xi, lam=args.lam)
    P = 2 if args.network == "hopfield" else args.P
    return DenseHopfield(xi, P=P, diagonal=args.diagonal)


def _mc(args) -> int:
    from hebbian import mc

    res = mc.run(
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
        progress=args.progress,
    )
    summary = res.summary()
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    p = summary["params"]
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


def _finite(obj):
    """``obj`` with NaN and infinities as ``None`` (strict JSON has neither)."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return _finite(obj.tolist())
    if isinstance(obj, list):
        return [_finite(v) for v in obj]
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    return obj


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


def _solver_parser(name: str, solver) -> argparse.ArgumentParser:
    """Options ``--param value`` read off the solver's signature."""
    import inspect

    parser = argparse.ArgumentParser(
        prog=f"hebbian solve {name}", description=(solver.__doc__ or "").splitlines()[0]
    )
    for p in inspect.signature(solver).parameters.values():
        if p.name in _NOT_OPTIONS:
            continue
        required = p.default is inspect.Parameter.empty
        parser.add_argument(
            f"--{p.name}",
            type=_SOLVER_TYPES.get(p.name, float),
            required=required,
            default=None if required else p.default,
            help="required" if required else f"default {p.default}",
        )
    return parser


def _solve(args) -> int:
    import dataclasses

    from hebbian.theory import SOLVERS

    if args.list or args.model is None:
        width = max(map(len, SOLVERS))
        for name, solver in SOLVERS.items():
            print(f"{name:<{width}}  {(solver.__doc__ or '').splitlines()[0]}")
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
    result = solver(**params)
    record = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else {"value": result}
    if as_json:
        print(json.dumps(_finite({"solver": args.model, "input": params, **record}), indent=2))
    else:
        print(result if dataclasses.is_dataclass(result) else f"{args.model}: {result:.10g}")
    return 0 if record.get("success", True) else 1


def build_parser() -> argparse.ArgumentParser:
    from hebbian import __version__
    from hebbian.executors import add_executor_options
    from hebbian.mc.backends import BACKENDS

    parser = argparse.ArgumentParser(
        prog="hebbian",
        description="Statistical mechanics and Monte Carlo of dense Hebbian networks.",
    )
    parser.add_argument("--version", action="version", version=f"hebbian {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    info = sub.add_parser("info", help="versions, backends, GPU and cores")
    info.add_argument("--json", action="store_true", help="print machine-readable JSON")
    info.set_defaults(func=_info)

    rep = sub.add_parser("reproduce", help="run figure scripts (data + PNG + metadata)")
    rep.add_argument("names", nargs="*", metavar="NAME", help="figures to make")
    rep.add_argument("--all", action="store_true", help="make every figure")
    rep.add_argument("--list", action="store_true", help="list the figures and exit")
    rep.add_argument("--quick", action="store_true", help="small sizes (seconds), as in CI")
    rep.add_argument(
        "--out",
        type=Path,
        default=Path("figures_out"),
        help="output folder (default: ./figures_out)",
    )
    rep.add_argument("--seed", type=int, default=2026, help="master seed (default 2026)")
    add_executor_options(rep)
    rep.set_defaults(func=_reproduce)

    swp = sub.add_parser(
        "sweep",
        help="run a parameter sweep from a TOML file (resumes where it stopped)",
        description="Run every point of a sweep file not yet in its output "
        "(HDF5, written point by point). `hebbian sweep --example` prints a sweep file.",
    )
    swp.add_argument("file", nargs="?", type=Path, metavar="FILE", help="sweep file (TOML)")
    swp.add_argument("--example", action="store_true", help="print an example sweep file")
    swp.add_argument("--output", type=Path, default=None, help="results file (overrides FILE's)")
    add_executor_options(swp)
    swp.set_defaults(func=_sweep)

    sol = sub.add_parser(
        "solve",
        help="replica solvers: one point, a critical load or a transition temperature",
        description="hebbian solve MODEL --param value ...; "
        "hebbian solve MODEL --help lists a model's parameters.",
    )
    sol.add_argument("model", nargs="?", metavar="MODEL", help="solver name (see --list)")
    sol.add_argument("--list", action="store_true", help="list the solvers and exit")
    sol.add_argument("--json", action="store_true", help="print the result as JSON")
    sol.add_argument("params", nargs=argparse.REMAINDER, help="--param value ...")
    sol.set_defaults(func=_solve)

    m = sub.add_parser("mc", help="Monte Carlo of a network with random patterns")
    m.add_argument("--network", choices=["hopfield", "dense", "exponential"], default="hopfield")
    m.add_argument("--N", type=int, default=1000, help="neurons")
    m.add_argument("--K", type=int, default=50, help="patterns")
    m.add_argument("--P", type=int, default=3, help="interaction order (dense)")
    m.add_argument("--diagonal", action="store_true", help="keep self-interactions (dense)")
    m.add_argument("--lam", type=float, default=1.0, help="exponent scale (exponential)")
    m.add_argument("--dilution", type=float, default=0.0, help="pattern dilution d")
    m.add_argument("--T", type=float, default=0.5, help="temperature (0: zero-T dynamics)")
    m.add_argument("--rule", choices=["metropolis", "heat-bath", "glauber", "zero-T"])
    m.add_argument("--order", choices=["random", "sequential"], default="random")
    m.add_argument("--n-sweeps", type=int, default=1000)
    m.add_argument("--n-burnin", type=int, default=100)
    m.add_argument("--replicas", type=int, default=2)
    m.add_argument("--start", choices=["random", "pattern"], default="pattern")
    m.add_argument("--m0", type=float, default=None, help="initial overlap (start=pattern)")
    m.add_argument("--seed", type=int, default=0, help="patterns use seed, chains seed+1")
    m.add_argument("--backend", choices=list(BACKENDS), default="auto")
    m.add_argument("--workers", type=int, default=1, help="threads over replicas")
    m.add_argument("--checkpoint", type=Path, default=None, help="resume from / write here")
    m.add_argument("--progress", action="store_true", help="show a progress bar")
    m.add_argument("--json", action="store_true", help="print the summary as JSON")
    m.set_defaults(func=_mc)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hebbian`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except ValueError as exc:  # bad input: the message names the argument and the fix
        print(f"hebbian {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
