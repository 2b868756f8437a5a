"""`continuity allocate --in problem.json --out plan.json [--method flow|greedy|mip]`

Reads the JSON problem, writes the JSON plan. On bad input it prints one specific message to
stderr, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from continuity.engines.allocation import METHODS, solve
from continuity.engines.allocation.io import plan_to_dict, problem_from_json
from continuity.engines.allocation.model import AllocationInputError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="continuity allocate",
        description="Give each woman a named midwife and a buddy (see docs/engines/allocation.md).",
    )
    parser.add_argument(
        "--in", dest="input", required=True, help="the problem as JSON ('-' for stdin)"
    )
    parser.add_argument(
        "--out",
        dest="output",
        default="-",
        help="where to write the plan ('-' for stdout, the default)",
    )
    parser.add_argument("--method", choices=METHODS, default="flow")
    return parser


def _write(path: str, text: str) -> None:
    if path == "-":
        sys.stdout.write(text)
        return
    target = Path(path)
    # Write beside the target and rename, so a failure never leaves half a plan behind.
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.input == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(args.input).read_text(encoding="utf-8")
            except OSError as exc:
                raise AllocationInputError(
                    "--in", f"cannot read {args.input}: {exc.strerror}"
                ) from None
        problem = problem_from_json(text)
        plan = solve(problem, method=args.method)
    except AllocationInputError as exc:
        print(f"continuity allocate: {exc}", file=sys.stderr)
        return 2
    except RuntimeError as exc:  # the MIP found no solution within its time limit
        print(f"continuity allocate: {exc}; nothing written", file=sys.stderr)
        return 3
    if args.output != "-" and not Path(args.output).parent.exists():
        print(
            f"continuity allocate: --out: folder {Path(args.output).parent} does not exist",
            file=sys.stderr,
        )
        return 2
    _write(args.output, json.dumps(plan_to_dict(plan), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
