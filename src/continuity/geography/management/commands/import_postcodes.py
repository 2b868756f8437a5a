"""`continuity import-postcodes --postcodes FILE.csv --imd FILE.csv --edition NAME`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuity.geography.actions import ImportRefused, import_lookup

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class Command(BaseCommand):
    help = (
        "Import a postcode directory (ONS NSPL/ONSPD style: pcds, lsoa11 or lsoa21, lat, long) "
        "and a deprivation index (LSOA code, IMD decile) as a named edition. All or nothing; "
        "re-importing an edition replaces its rows. A fictional sample is in "
        f"{FIXTURES} (postcodes.csv, imd.csv)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--postcodes", required=True, help="postcode directory CSV")
        parser.add_argument("--imd", required=True, help="deprivation index CSV")
        parser.add_argument(
            "--edition", required=True, help='name for this edition, e.g. "NSPL 2024-05 + IoD 2019"'
        )
        parser.add_argument(
            "--imd-edition", default="", help='deprivation index edition, e.g. "IoD2019"'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        for option in ("postcodes", "imd"):
            path = Path(options[option])
            if not path.is_file():
                raise CommandError(f"--{option}: no such file {path}")
        try:
            report = import_lookup(
                by=None,
                postcodes_csv=Path(options["postcodes"]),
                imd_csv=Path(options["imd"]),
                edition=options["edition"],
                imd_edition=options["imd_edition"],
            )
        except ImportRefused as refused:
            lines = [f"  {problem}" for problem in refused.problems]
            if refused.total > len(refused.problems):
                lines.append(f"  … and {refused.total - len(refused.problems)} more")
            raise CommandError(
                f"Nothing was imported: {refused.total} problem(s) found.\n" + "\n".join(lines)
            ) from refused
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"Nothing was imported: the files must be UTF-8 text ({exc})"
            ) from exc
        self.stdout.write(report.summary())
