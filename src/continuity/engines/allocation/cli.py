"""`continuity allocate --in problem.json --out plan.json [--method flow|greedy|mip]`

Reads the JSON problem, writes the JSON plan. On bad input it prints one specific message to
stderr, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys

from continuity.engines.allocation import METHODS, solve
from continuity.engines.allocation.io import plan_to_dict, problem_from_json
from continuity.engines.allocation.model import AllocationInputError
from continuity.engines.files import missing_folder, read_text, write_text


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


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            text = read_text(args.input)
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
    folder = missing_folder(args.output)
    if folder is not None:
        print(f"continuity allocate: --out: folder {folder} does not exist", file=sys.stderr)
        return 2
    write_text(args.output, json.dumps(plan_to_dict(plan), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
