"""`continuity spc --in series.json [--out chart.json]`

Reads the series described in docs/engines/spc.md and writes the XmR chart as JSON: limits,
every point's rules and type, the variation and assurance icons and any warnings. On bad input
it prints one specific message to stderr, exits with status 2 and writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys

from continuity.engines.files import missing_folder, read_text, write_text
from continuity.engines.spc.io import chart_to_dict, series_from_json
from continuity.engines.spc.model import SpcInputError
from continuity.engines.spc.xmr import xmr

PROG = "continuity spc"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="An XmR chart in the Making Data Count style, as NHSRplotthedots draws it "
        "(see docs/engines/spc.md).",
    )
    parser.add_argument(
        "--in", dest="input", required=True, help="the series as JSON ('-' for stdin)"
    )
    parser.add_argument(
        "--out", dest="output", default="-", help="where to write ('-' for stdout, the default)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            text = read_text(args.input)
        except OSError as exc:
            raise SpcInputError("--in", f"cannot read {args.input}: {exc.strerror}") from None
        folder = missing_folder(args.output)
        if folder is not None:
            raise SpcInputError("--out", f"folder {folder} does not exist")
        chart = xmr(series_from_json(text))
    except SpcInputError as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    write_text(args.output, json.dumps(chart_to_dict(chart), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
