"""`continuity measures --msds DIR --month YYYY-MM --rounding msds|star|none [--json]
[--out FILE] [--measure NAME ...]`

Reads the MSDS-shaped tables in DIR (one `<Table>.parquet` or `<Table>.csv` each), computes the
measures for the month and writes them as JSON (`--json`) or as a plain text table. On bad input
it prints one specific message to stderr, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from continuity.engines.files import missing_folder, write_text
from continuity.engines.measures.compute import compute, measure_names, to_json
from continuity.engines.measures.model import (
    MEASURES,
    ROUNDINGS,
    MeasuresInputError,
    Result,
    parse_month,
)

PROG = "continuity measures"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Continuity of carer, personalised care and local measures from MSDS-shaped "
        "tables (see docs/engines/measures.md).",
    )
    parser.add_argument("--msds", required=True, help="folder of <Table>.parquet or .csv files")
    parser.add_argument("--month", required=True, help="the reporting month, YYYY-MM")
    parser.add_argument(
        "--rounding", required=True, choices=ROUNDINGS, help="small-number rounding"
    )
    parser.add_argument("--json", action="store_true", help="write JSON (default: a text table)")
    parser.add_argument("--out", default="-", help="where to write ('-' for stdout, the default)")
    parser.add_argument(
        "--measure",
        dest="measures",
        action="extend",
        nargs="+",
        metavar="NAME",
        help=f"only these measures (default: all): {', '.join(MEASURES)}",
    )
    return parser


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return str(value)


def to_text(result: Result) -> str:
    header = ("measure", "breakdown", "group", "numerator", "denominator", "rate", "dq")
    lines = [
        (
            row.measure,
            row.breakdown,
            row.group,
            _cell(row.numerator),
            _cell(row.denominator),
            _cell(row.rate),
            row.dq,
        )
        for row in result.rows
    ]
    widths = [max(len(line[i]) for line in [header, *lines]) for i in range(len(header))]
    numeric = {3, 4, 5}

    def fmt(line: tuple[str, ...]) -> str:
        cells = [
            cell.rjust(width) if i in numeric else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(line, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    title = f"Measures for {result.month}, rounding {result.rounding}"
    return "\n".join([title, "", fmt(header), *(fmt(line) for line in lines)]) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        parse_month(args.month, "--month")
        folder = Path(args.msds)
        if not folder.is_dir():
            raise MeasuresInputError("--msds", f"folder {folder} does not exist")
        try:
            names = measure_names(args.measures)
        except MeasuresInputError as exc:
            raise MeasuresInputError("--measure", exc.message) from None
        missing = missing_folder(args.out)
        if missing is not None:
            raise MeasuresInputError("--out", f"folder {missing} does not exist")
        result = compute(folder, args.month, args.rounding, names)
    except MeasuresInputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    text = json.dumps(to_json(result), indent=2) + "\n" if args.json else to_text(result)
    write_text(args.out, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
