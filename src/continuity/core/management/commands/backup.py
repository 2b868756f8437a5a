"""`continuity backup [--dir DIR | --output FILE]`

Backs up the configured database: a `pg_dump --format=custom` file on PostgreSQL, a copy made
with SQLite's online backup API on SQLite (safe while `make run` serves), and beside it
`<file>.manifest.json` with every table's row count and checksum, the migration state and the
audit trail's highest ids. See `continuity.core.backups` and docs/operations.md.

It prints where the files went, table names, counts and checksums: never a row's contents.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from continuity.core import backups


def default_directory() -> Path:
    return Path(os.environ.get("CONTINUITY_BACKUP_DIR") or settings.BASE_DIR / "var" / "backups")


class Command(BaseCommand):
    # A backup or a restore must not wait on an unrelated system check.
    requires_system_checks: list[str] = []
    help = "Back up the database with a manifest of row counts and checksums."

    def add_arguments(self, parser: CommandParser) -> None:
        where = parser.add_mutually_exclusive_group()
        where.add_argument(
            "--dir",
            help="directory for a timestamped backup (default: $CONTINUITY_BACKUP_DIR "
            "or var/backups)",
        )
        where.add_argument("--output", help="exact path of the data file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            db = backups.Database.from_settings(connection.settings_dict)
            if options["output"]:
                output = Path(options["output"])
            else:
                directory = Path(options["dir"]) if options["dir"] else default_directory()
                output = directory / backups.default_name(db.vendor)
            manifest = backups.backup(db, connection, output)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:  # a directory that cannot be written, a file that cannot be read
            raise CommandError(backups.file_problem(error)) from None
        tables = manifest["tables"]
        if options["verbosity"] >= 2:
            for name, table in tables.items():
                self.stdout.write(f"  {name}: {table['rows']} rows, checksum {table['checksum']}")
        total = sum(table["rows"] for table in tables.values())
        self.stdout.write(
            f"Backed up {len(tables)} tables ({total} rows) from the {db.describe()} "
            f"at {manifest['created_at']}."
        )
        for name, audit in manifest["audit"].items():
            self.stdout.write(f"  {name}: {audit['rows']} rows, highest id {audit['max_id']}")
        self.stdout.write(f"Data file: {output}")
        self.stdout.write(f"Manifest:  {backups.manifest_path(output)}")
