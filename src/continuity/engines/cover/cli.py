"""`continuity cover resolve|gaps|forecast|check --in rota.json [--out answer.json] ...`

    resolve   --at ISO [--woman ID]     who answers for each woman (or one) at an instant
    gaps      --from ISO --to ISO       intervals where a 24/7 team's women fall to triage
    forecast  --today DATE [--weeks N]  expected births per midwife per week
    check     --from ISO --to ISO       Working Time Regulations warnings

Reads the JSON document described in docs/engines/cover.md and writes JSON. On bad input it
prints one specific message to stderr, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from continuity.engines.cover.io import (
    Document,
    document_from_json,
    gap_to_dict,
    instant,
    parse_instant,
    resolution_to_dict,
    warning_to_dict,
    week_load_to_dict,
)
from continuity.engines.cover.model import CoverInputError
from continuity.engines.cover.resolve import Index
from continuity.engines.files import missing_folder, read_text, write_text

PROG = "continuity cover"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Who answers for each woman, where the gaps are, the on-call forecast and "
        "working-time checks (see docs/engines/cover.md).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text)
        sub.add_argument(
            "--in", dest="input", required=True, help="the rota document as JSON ('-' for stdin)"
        )
        sub.add_argument(
            "--out", dest="output", default="-", help="where to write ('-' for stdout, the default)"
        )
        return sub

    resolve = command("resolve", "who answers for each woman at an instant")
    resolve.add_argument("--at", required=True, help="the instant, ISO 8601 with a UTC offset")
    resolve.add_argument("--woman", help="only this woman (default: every woman in the file)")
    for name, text in (
        ("gaps", "intervals in which a 24/7 team's women fall through to triage"),
        ("check", "Working Time Regulations warnings for every midwife"),
    ):
        sub = command(name, text)
        sub.add_argument("--from", dest="start", required=True, help="ISO 8601 with a UTC offset")
        sub.add_argument("--to", dest="end", required=True, help="ISO 8601 with a UTC offset")
    forecast = command("forecast", "expected births per midwife per week")
    forecast.add_argument("--today", required=True, help="the first day, YYYY-MM-DD")
    forecast.add_argument("--weeks", type=int, default=8, help="weeks to forecast (default 8)")
    forecast.add_argument(
        "--night-fraction",
        type=float,
        default=None,
        help="share of births in the legal night (default: the engine's)",
    )
    return parser


def _range(args: argparse.Namespace) -> tuple[datetime, datetime]:
    start = parse_instant(args.start, "--from")
    end = parse_instant(args.end, "--to")
    if end <= start:
        raise CoverInputError("--to", "must be after --from")
    return start, end


def _resolve(doc: Document, args: argparse.Namespace) -> dict[str, Any]:
    at = parse_instant(args.at, "--at")
    if doc.women is None:
        raise CoverInputError("women", "is required for resolve")
    women = doc.women
    if args.woman is not None:
        women = tuple(w for w in women if w.id == args.woman)
        if not women:
            raise CoverInputError("--woman", f"no woman has the id {args.woman!r}")
    index = Index(doc.rota)
    return {
        "command": "resolve",
        "at": instant(at),
        "resolutions": [resolution_to_dict(index.resolve(w, at)) for w in women],
    }


def _gaps(doc: Document, args: argparse.Namespace) -> dict[str, Any]:
    start, end = _range(args)
    found = Index(doc.rota).gaps(doc.women or (), start, end)
    return {
        "command": "gaps",
        "from": instant(start),
        "to": instant(end),
        "intervals": len(found),
        "women_affected": len({w for g in found for w in g.women}),
        "gaps": [gap_to_dict(g) for g in found],
    }


def _check(doc: Document, args: argparse.Namespace) -> dict[str, Any]:
    from continuity.engines.cover.worktime import check_working_time

    start, end = _range(args)
    warnings = check_working_time(doc.rota, start, end)
    return {
        "command": "check",
        "from": instant(start),
        "to": instant(end),
        "warnings": [warning_to_dict(w) for w in warnings],
    }


def _forecast(doc: Document, args: argparse.Namespace) -> dict[str, Any]:
    from continuity.engines.cover.forecast import DEFAULT_NIGHT_FRACTION, forecast

    try:
        today = date.fromisoformat(args.today)
    except ValueError:
        raise CoverInputError("--today", "must be a date like 2026-10-25") from None
    if doc.pregnancies is None:
        raise CoverInputError("pregnancies", "is required for forecast")
    night = DEFAULT_NIGHT_FRACTION if args.night_fraction is None else args.night_fraction
    try:
        loads = forecast(doc.pregnancies, today, args.weeks, night_fraction=night)
    except CoverInputError as exc:  # name the option the person typed, not the argument
        if exc.path in ("weeks", "night_fraction"):
            raise CoverInputError("--" + exc.path.replace("_", "-"), exc.message) from None
        raise
    return {
        "command": "forecast",
        "today": today.isoformat(),
        "weeks": args.weeks,
        "night_fraction": night,
        "week_loads": [week_load_to_dict(w) for w in loads],
    }


COMMANDS: dict[str, Callable[[Document, argparse.Namespace], dict[str, Any]]] = {
    "resolve": _resolve,
    "gaps": _gaps,
    "forecast": _forecast,
    "check": _check,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            text = read_text(args.input)
        except OSError as exc:
            raise CoverInputError("--in", f"cannot read {args.input}: {exc.strerror}") from None
        folder = missing_folder(args.output)
        if folder is not None:
            raise CoverInputError("--out", f"folder {folder} does not exist")
        answer = COMMANDS[args.command](document_from_json(text), args)
    except CoverInputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    write_text(args.output, json.dumps(answer, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
