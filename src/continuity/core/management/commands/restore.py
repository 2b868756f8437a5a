"""`continuity restore FILE [--database-url URL] [--force]` and `--verify-only`

Restores a backup made by `continuity backup` into the target database (the configured one
unless --database-url names another), then recomputes every table's row count and checksum
there and compares them with the backup's manifest. A target that already holds tables is
refused unless --force. Any difference is listed table by table and the command exits non-zero.

`--verify-only` skips the restore and only compares the target with the manifest (FILE may be
the data file or its `.manifest.json`). See docs/operations.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from continuity.core import backups


class Command(BaseCommand):
    # A backup or a restore must not wait on an unrelated system check.
    requires_system_checks: list[str] = []
    help = "Restore a backup and verify every table against its manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the backup's data file (or, to verify, its manifest)")
        parser.add_argument("--database-url", help="the target (default: the configured database)")
        parser.add_argument(
            "--force", action="store_true", help="replace a target that already holds data"
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="do not restore: compare the target with the manifest",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            if options["database_url"]:
                target = backups.Database.from_url(options["database_url"])
            else:
                target = backups.Database.from_settings(connection.settings_dict)
            if path.name.endswith(backups.MANIFEST_SUFFIX):
                if not options["verify_only"]:
                    raise backups.BackupError("Give the data file to restore, not its manifest.")
                manifest = backups.read_manifest(path)
            else:
                if not options["verify_only"] and not path.is_file():
                    raise backups.BackupError(f"No backup file at {path}.")
                manifest = backups.read_manifest(backups.manifest_path(path))
            if not options["verify_only"]:
                backups.restore(path, manifest, target, options["force"])
                self.stdout.write(f"Restored {path.name} into the {target.describe()}.")
            backups.check_vendor(manifest, target)
            actual = backups.manifest_of(target)
        except backups.BackupError as error:
            raise CommandError(str(error)) from None
        except OSError as error:  # a directory that cannot be written, a file that cannot be read
            raise CommandError(backups.file_problem(error)) from None
        self.report(backups.verify(manifest, actual), target, options["verbosity"])

    def report(
        self, result: backups.Verification, target: backups.Database, verbosity: int
    ) -> None:
        """Names, counts and checksums only. A mismatch ends in a non-zero exit."""
        tables = result.expected["tables"]
        if verbosity >= 2:
            for name, table in tables.items():
                self.stdout.write(f"  {name}: {table['rows']} rows, checksum {table['checksum']}")
        audit = result.audit_lines()
        if result.ok:
            self.stdout.write(
                f"Verified the {target.describe()} against the backup of "
                f"{result.expected['created_at']}: all {len(tables)} tables match "
                "(row counts and checksums)."
            )
            for line in audit:
                self.stdout.write(line)
            return
        self.stderr.write(f"The {target.describe()} does NOT match the backup:")
        for problem in result.problems:
            self.stderr.write(f"  {problem}")
        for line in audit:
            self.stderr.write(line)
        count = len(result.problems)
        raise CommandError(
            f"Verification failed: {count} difference{'s' if count != 1 else ''} from the "
            "backup (listed above)."
        )
