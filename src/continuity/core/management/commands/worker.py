"""`continuity worker`: run background tasks (django-tasks, database backend). ADR 0007.

This is django-tasks-db's `db_worker` with every option it has (`--help`), plus two things:

- on start it enqueues a sweep of the message outbox, so messages left mid-send by a worker that
  died are picked up once their lease lapses, and retries waiting for their backoff are not
  forgotten;
- it puts back in the queue tasks left "running" by a worker that died. django-tasks-db marks a
  task RUNNING when a worker claims it and never looks at it again, so a worker killed mid-task
  (out of memory, a host lost, `kill -9`) would leave it stuck for ever. A claim older than
  `--claim-lease` seconds (default an hour, far longer than any task runs) has lapsed: the task
  is made READY again and runs once more. This happens on start, and then every
  `--claim-lease / 4` seconds in a background thread (not with `--batch`, which checks once).
  Every task is idempotent (ADR 0007), so if a claim lapses while its worker is in fact still
  running, the two runs store one answer.

Run one or more workers beside the web server, e.g. under systemd with `Restart=always`:
`continuity worker --no-reload`. `continuity worker --batch` runs what is ready and exits.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.models import DBTaskResult

log = logging.getLogger(__name__)

CLAIM_LEASE_SECONDS = 3600.0


def requeue_lapsed_claims(now: datetime, lease_seconds: float) -> int:
    """Make READY again every task claimed more than `lease_seconds` ago and still RUNNING.

    One UPDATE, so a task finishing at the same moment is either finished or requeued, never
    half of each. The dead worker's id stays in `worker_ids`, beside the next one's."""
    lapsed = DBTaskResult.objects.filter(
        status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(seconds=lease_seconds)
    )
    ids = [str(pk) for pk in lapsed.values_list("id", flat=True)]
    if not ids:
        return 0
    count = lapsed.filter(id__in=ids).update(status=TaskResultStatus.READY)
    if count:
        log.warning("worker: requeued %d task(s) whose claim lapsed: %s", count, ", ".join(ids))
    return count


class ClaimWatch(threading.Thread):
    """Requeue lapsed claims every `interval` seconds until stopped (a daemon: it ends with the
    worker). Database errors are logged and tried again next time."""

    def __init__(self, lease_seconds: float) -> None:
        super().__init__(name="claim-watch", daemon=True)
        self.lease_seconds = lease_seconds
        self.interval = max(lease_seconds / 4, 0.1)
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(self.interval):
            try:
                requeue_lapsed_claims(timezone.now(), self.lease_seconds)
            except DatabaseError:
                log.warning("worker: could not check for lapsed claims; will try again")
            finally:
                close_old_connections()


class Command(DbWorkerCommand):
    help = "Run Continuity's background tasks (messages, reminders) from the database queue."

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--claim-lease",
            type=float,
            default=CLAIM_LEASE_SECONDS,
            help="Seconds after which a task still running is taken to have lost its worker and "
            "is queued again (default: %(default)s). Keep it well over the longest task.",
        )

    def handle(self, *args: Any, claim_lease: float, **options: Any) -> None:
        from continuity.notifications.tasks import schedule_sweep

        requeue_lapsed_claims(timezone.now(), claim_lease)
        schedule_sweep(timezone.now())
        watch = None if options.get("batch") else ClaimWatch(claim_lease)
        if watch is not None:
            watch.start()
        try:
            super().handle(*args, **options)
        finally:
            if watch is not None:
                watch.stopped.set()
