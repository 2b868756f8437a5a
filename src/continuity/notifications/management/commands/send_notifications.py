"""`continuity send_notifications [--limit N]`: send queued messages to women, oldest first.

Safe to run on a schedule and alongside other workers; prints how many were sent and failed.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuity.notifications.actions import deliver_pending


class Command(BaseCommand):
    help = "Send queued messages to women with the configured notifier (CONTINUITY_NOTIFIER)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--limit", type=int, default=100, help="most messages to send this run (100)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["limit"] < 1:
            raise CommandError(f"--limit must be at least 1 (got {options['limit']})")
        sent, failed = deliver_pending(limit=options["limit"])
        self.stdout.write(f"Sent {sent} message(s); {failed} failed.")
        if failed:
            self.stderr.write(
                "Failed messages keep their reference and error class in the outbox "
                "(Django admin → Outbox messages)."
            )
