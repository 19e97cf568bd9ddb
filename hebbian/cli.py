"""The ``hebbian`` command line.

``theory``, ``mc`` and ``figures`` are imported lazily, inside the commands
that need them, so ``hebbian --help`` and ``hebbian info`` start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

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
        + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in info["backends"].items())
    )
    gpu = info["gpu"]
    if gpu["devices"]:
        print("gpu: " + "; ".join(f"{d['name']} ({d['memory_GiB']} GiB)" for d in gpu["devices"]))
    else:
        print(f"gpu: none ({gpu['reason']})")
    print(f"cores: {info['cores']['usable']} usable of {info['cores']['logical']}")
    return 0


def _reproduce(args) -> int:
    import figures

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
    for name in names:
        argv = ["--out", str(args.out)] + (["--quick"] if args.quick else [])
        figures.load(name).main(argv)
    return 0


def build_parser() -> argparse.ArgumentParser:
    from hebbian import __version__

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
    rep.set_defaults(func=_reproduce)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``hebbian`` console command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
