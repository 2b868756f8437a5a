"""`continuity escalate_concerns`: escalate open concerns past a deadline (run daily)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from continuity.concerns.actions import escalate_overdue


class Command(BaseCommand):
    help = "Escalate every open concern not acknowledged or answered by its deadline."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Escalated {escalate_overdue()} concern(s).")
