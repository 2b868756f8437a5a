"""`continuity simulate --scenario s.json --replications N --seed S [--workers W] [--out r.json]`

Reads the scenario described in docs/engines/simulation.md, runs N replications of the service
year and writes the result as JSON. On bad input it prints one specific message to stderr,
exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import sys

from continuity.engines.files import missing_folder, read_text, write_text
from continuity.engines.simulation.io import result_to_json, scenario_from_json
from continuity.engines.simulation.model import SimulationInputError
from continuity.engines.simulation.run import run

PROG = "continuity simulate"
OPTIONS = {"replications": "--replications", "seed": "--seed", "workers": "--workers"}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Simulate a service year of intrapartum attendance and on-call load "
        "(see docs/engines/simulation.md).",
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
        "--out", dest="output", default="-", help="where to write ('-' for stdout, the default)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            text = read_text(args.scenario)
        except OSError as exc:
            raise SimulationInputError(
                "--scenario", f"cannot read {args.scenario}: {exc.strerror}"
            ) from None
        folder = missing_folder(args.output)
        if folder is not None:
            raise SimulationInputError("--out", f"folder {folder} does not exist")
        scenario = scenario_from_json(text)
        try:
            result = run(scenario, args.replications, args.seed, args.workers)
        except SimulationInputError as exc:  # name the option the person typed
            if exc.path in OPTIONS:
                raise SimulationInputError(OPTIONS[exc.path], exc.message) from None
            raise
    except SimulationInputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    write_text(args.output, result_to_json(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
