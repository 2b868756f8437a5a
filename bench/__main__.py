"""Run every benchmark's quick tier (or --full) and print a goals table at the end.

Each benchmark is a module `bench.<name>` with `run(full: bool) -> dict` returning its report.
"""

from __future__ import annotations

import argparse
import importlib
import sys

BENCHMARKS = ["demo", "allocation", "cover", "routing", "simulation", "measures", "load"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--full", action="store_true", help="run the full tier")
    parser.add_argument("names", nargs="*", default=BENCHMARKS)
    args = parser.parse_args(argv)
    rows = []
    for name in args.names:
        module = importlib.import_module(f"bench.{name}")
        report = module.run(full=args.full)
        rows += [(name, g) for g in report["goals"]]
    print("\n| bench | goal | value | target | met |\n|---|---|---|---|---|")
    for name, g in rows:
        met = "yes" if g["met"] else "NO"
        print(f"| {name} | {g['goal']} | {g['value']} {g['unit']} | {g['target']} | {met} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
