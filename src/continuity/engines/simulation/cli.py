"""`continuity simulate --scenario s.json --replications N --seed S [--workers W]
[--solve solve.json] [--out r.json]`

Reads the scenario described in docs/engines/simulation.md, runs N replications of the service
year and writes the result as JSON. With `--solve`, it searches for the smallest workforce that
meets the request's targets and writes the solution instead. On bad input it prints one
specific message to stderr, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import sys

from continuity.engines.files import missing_folder, read_text, write_text
from continuity.engines.simulation.io import (
    result_to_json,
    scenario_from_json,
    solution_to_json,
    solve_request_from_json,
)
from continuity.engines.simulation.model import SimulationInputError
from continuity.engines.simulation.run import run
from continuity.engines.simulation.solve import solve

PROG = "continuity simulate"
OPTIONS = {"replications": "--replications", "seed": "--seed", "workers": "--workers"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Simulate a service year of births, visits, on-call load and working time, "
        "or solve for the smallest workforce that meets targets (see docs/engines/simulation.md).",
    )
    parser.add_argument("--scenario", required=True, help="the scenario as JSON ('-' for stdin)")
    parser.add_argument(
        "--replications", type=int, required=True, help="how many years to simulate"
    )
    parser.add_argument("--seed", type=int, required=True, help="replication k uses seed + k")
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="processes to run replications in (default 1); never changes the result",
    )
    parser.add_argument(
        "--solve",
        help="a solve request as JSON: search for the smallest workforce meeting its targets",
    )
    parser.add_argument(
        "--out", dest="output", default="-", help="where to write ('-' for stdout, the default)"
    )
    return parser


def _read(path: str, option: str) -> str:
    try:
        return read_text(path)
    except OSError as exc:
        raise SimulationInputError(option, f"cannot read {path}: {exc.strerror}") from None


def _output(args: argparse.Namespace) -> str:
    """Run the scenario (or the solve request) and return the JSON to write."""
    scenario = scenario_from_json(_read(args.scenario, "--scenario"))
    if args.solve is None:
        return result_to_json(run(scenario, args.replications, args.seed, args.workers))
    request = solve_request_from_json(_read(args.solve, "--solve"))
    solution = solve(
        scenario,
        request.targets,
        request.vary,
        low=request.low,
        high=request.high,
        replications=args.replications,
        seed=args.seed,
        workers=args.workers,
        step=request.step,
        conservative=request.conservative,
    )
    return solution_to_json(solution)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        folder = missing_folder(args.output)
        if folder is not None:
            raise SimulationInputError("--out", f"folder {folder} does not exist")
        try:
            text = _output(args)
        except SimulationInputError as exc:  # name the option the person typed
            if exc.path in OPTIONS:
                raise SimulationInputError(OPTIONS[exc.path], exc.message) from None
            raise
    except SimulationInputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    write_text(args.output, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
