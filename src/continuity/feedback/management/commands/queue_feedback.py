"""`continuity queue_feedback`: ask for feedback at today's touchpoints (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from continuity.feedback.actions import queue_feedback_requests


class Command(BaseCommand):
    help = "Ask for feedback at today's touchpoints and after some of yesterday's visits."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Asked for feedback {queue_feedback_requests()} time(s).")
