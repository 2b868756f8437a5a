"""`continuity worker`: run background tasks (django-tasks, database backend). ADR 0007.

This is django-tasks-db's `db_worker` with every option it has (`--help`), plus one thing: on
start it enqueues a sweep of the message outbox, so messages left mid-send by a worker that died
are picked up once their lease lapses, and retries waiting for their backoff are not forgotten.

Run one or more workers beside the web server, e.g. under systemd with `Restart=always`:
`continuity worker --no-reload`. `continuity worker --batch` runs what is ready and exits.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand


class Command(DbWorkerCommand):
    help = "Run Continuity's background tasks (messages, reminders) from the database queue."

    def handle(self, *args: Any, **options: Any) -> None:
        from continuity.notifications.tasks import schedule_sweep

        schedule_sweep(timezone.now())
        super().handle(*args, **options)
