"""`continuity send_notifications [--limit N]`: send due messages to women, oldest due first.

The cron-style alternative to the worker (`continuity worker`), and a safety net beside it: it
sends queued messages, retries whose backoff has run out, and messages whose worker died mid-send
once their lease has lapsed. Safe to run on a schedule and alongside workers; prints counts.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuity.notifications.actions import deliver_due


class Command(BaseCommand):
    help = "Send due messages to women with the configured notifier (CONTINUITY_NOTIFIER)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=100, help="most messages to send this run (100)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError(f"--limit must be at least 1 (got {options['limit']})")
        report = deliver_due(limit=options["limit"])
        self.stdout.write(
            f"Sent {report.sent} message(s); {report.failed} failed. "
            f"{report.retrying} will be retried later."
        )
        if report.failed:
            self.stderr.write(
                "Failed messages keep their reference and error code in the outbox "
                "(Django admin → Outbox messages)."
            )
