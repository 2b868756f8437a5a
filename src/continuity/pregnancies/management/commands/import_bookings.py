"""`continuity import-bookings FILE.csv --by USERNAME [--json]`

Books every row of the file into its team's allocation queue, or none of them: the report names
each problem by line and column. Running the same file again changes nothing (bookings are
matched on NHS number and booking date). Exit status 0 when imported, 2 when refused.
The columns are in docs/bookings-import.md.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuity.accounts.models import User
from continuity.pregnancies.imports import import_bookings


class Command(BaseCommand):
    help = "Import bookings from a CSV file, all or nothing."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the CSV file ('-' is not accepted: give a path)")
        parser.add_argument(
            "--by", required=True, help="the user account the bookings are recorded as made by"
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        by = User.objects.filter(username=options["by"], is_active=True).first()
        if by is None:
            raise CommandError(f"No active user called {options['by']!r}")
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from None
        report = import_bookings(by=by, text=text)
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        elif report.ok:
            self.stdout.write(
                f"Imported {report.rows:,} rows: {report.created:,} booked, "
                f"{report.existing:,} already booked."
            )
        else:
            for e in report.errors:
                where = f"line {e.line}" + (f", {e.column}" if e.column else "")
                self.stderr.write(f"{where}: {e.message}")
        if not report.ok:
            raise CommandError(
                f"Nothing was imported: {len(report.errors)} problem(s) in {path.name}",
                returncode=2,
            )
