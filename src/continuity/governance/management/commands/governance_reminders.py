"""Daily: remind the board safety champion of overdue monthly reviews, and escalate comments
from the maternity voices partnership that are past the date the trust must answer by."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from continuity.governance import actions


class Command(BaseCommand):
    help = "Raise reminders for overdue action plan reviews and escalate late MVP comments."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")

    def handle(self, *args: Any, **options: Any) -> None:
        today = None
        if options["today"]:
            try:
                today = date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date like 2026-11-21") from None
        reminded = actions.raise_reminders(today=today)
        escalated = actions.escalate_comments(today=today)
        self.stdout.write(
            f"{reminded} overdue review reminder(s) raised; {escalated} late comment(s) escalated"
        )
