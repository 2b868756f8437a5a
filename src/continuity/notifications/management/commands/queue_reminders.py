"""`continuity queue_reminders`: queue tomorrow's visit reminders. Run daily from cron.

Idempotent: each visit gets one reminder however often it runs, and a visit moved to another time
gets a new one. Prints counts only.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from continuity.notifications.reminders import queue_visit_reminders


class Command(BaseCommand):
    help = "Queue a reminder to each woman with a planned visit tomorrow (Europe/London)."

    def handle(self, *args: Any, **options: Any) -> None:
        run = queue_visit_reminders()
        self.stdout.write(
            f"Queued {run.queued} reminder(s); {run.already_queued} already queued; "
            f"{run.skipped} skipped (no phone number or email address for her channel)."
        )
