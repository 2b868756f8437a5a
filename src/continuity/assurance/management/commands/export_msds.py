"""`continuity export-msds --month YYYY-MM --out DIR`: the month's MSDS-shaped tables."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuity.assurance import msds


class Command(BaseCommand):
    help = (
        "Write the MSDS-shaped tables for a month (a snapshot at its end) as CSV and Parquet, "
        "for the measures engine or for checking a submission."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="the month, YYYY-MM")
        parser.add_argument("--out", required=True, help="the folder to write the tables into")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            month = msds.parse_month(str(options["month"]))
        except msds.MonthError as exc:
            raise CommandError(str(exc)) from None
        out = Path(options["out"])
        if out.exists() and not out.is_dir():
            raise CommandError(f"--out must be a folder; {out} is a file")
        started = time.perf_counter()
        tables = msds.extract(month)
        try:
            written = msds.write(tables, out)
        except OSError as exc:
            raise CommandError(f"Could not write to {out}: {exc.strerror or exc}") from None
        for name, n in msds.counts(tables).items():
            self.stdout.write(f"  {name:<24} {n:>9,} rows")
        self.stdout.write(
            f"Wrote {len(written)} files for {month:%Y-%m} to {out} in "
            f"{time.perf_counter() - started:.1f} s"
        )
