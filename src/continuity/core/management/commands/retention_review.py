"""`continuity retention_review [--today YYYY-MM-DD]`: flag records due for retention review.

Run it daily (cron or the scheduler). A woman's maternity record is due 25 years after her last
care ended; each due record gets one open review on the privacy officer's page
`/retention-review/`. Nothing is deleted. Prints counts only, never names or numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from continuity.core.retention import flag_due


class Command(BaseCommand):
    help = "Flag maternity records whose 25-year retention period has ended (deletes nothing)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", default=None, help="the day to judge by, YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            today = date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError("--today must be a date, YYYY-MM-DD") from None
        run = flag_due(today or timezone.localdate())
        self.stdout.write(
            f"retention review: {run.flagged} newly flagged, {run.already_open} already waiting"
        )
