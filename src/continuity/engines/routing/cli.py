"""`continuity plan-visits --in week.json --out plan.json [--method pyvrp|greedy]
[--time-limit S] [--seed N]`

Reads the JSON problem, writes the JSON plan. `--time-limit` and `--seed` replace the policy's.
On bad input it prints one specific message to stderr, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import replace

from continuity.engines.files import missing_folder, read_text, write_text
from continuity.engines.routing.greedy import solve_greedy
from continuity.engines.routing.io import plan_to_dict, problem_from_json
from continuity.engines.routing.model import RoutingInputError
from continuity.engines.routing.solve import solve

PROG = "continuity plan-visits"
METHODS = ("pyvrp", "greedy")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Plan a team's week of home visits, continuity first "
        "(see docs/engines/routing.md).",
    )
    parser.add_argument(
        "--in", dest="input", required=True, help="the week as JSON ('-' for stdin)"
    )
    parser.add_argument(
        "--out", dest="output", default="-", help="where to write the plan ('-' for stdout)"
    )
    parser.add_argument("--method", choices=METHODS, default="pyvrp")
    parser.add_argument(
        "--time-limit",
        type=float,
        default=None,
        help="seconds for the whole solve (default: the policy's)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, help="PyVRP's seed (default: the policy's)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.time_limit is not None and not (
            math.isfinite(args.time_limit) and args.time_limit > 0
        ):
            raise RoutingInputError("--time-limit", "must be more than 0 seconds")
        if args.seed is not None and args.seed < 0:
            raise RoutingInputError("--seed", "must be at least 0")
        try:
            text = read_text(args.input)
        except OSError as exc:
            raise RoutingInputError("--in", f"cannot read {args.input}: {exc.strerror}") from None
        folder = missing_folder(args.output)
        if folder is not None:
            raise RoutingInputError("--out", f"folder {folder} does not exist")
        problem = problem_from_json(text)
        policy = problem.policy
        if args.time_limit is not None:
            policy = replace(policy, time_limit_seconds=args.time_limit)
        if args.seed is not None:
            policy = replace(policy, seed=args.seed)
        problem = replace(problem, policy=policy)
        plan = solve_greedy(problem) if args.method == "greedy" else solve(problem)
    except RoutingInputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    write_text(args.output, json.dumps(plan_to_dict(plan), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
