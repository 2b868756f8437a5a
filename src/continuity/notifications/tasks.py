"""Background work for messages, run by the django-tasks worker (`continuity worker`).

- `deliver_message(pk)`: enqueued after the transaction that queued the message commits.
- `deliver_due_messages()`: the sweeper. Delivers everything due: retries whose backoff has run
  out, and messages left `sending` by a worker that died, once their lease has lapsed.
- `queue_visit_reminders_task()`: the day-before visit reminders (usually run by cron instead).

After a run that leaves messages waiting (a retry later, or another worker's lease), a sweep is
scheduled for when the first of them is due, if the backend can defer tasks (the database backend
can; the immediate backend used by tests and the demo cannot) and no sweep is already waiting for
that time. `send_notifications` on a schedule does the same job without the worker.

Arguments are ids only, never personal data: task rows and their logs hold nothing about her.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min
from django.utils import timezone
from django_tasks import task

from continuity.notifications import actions, reminders
from continuity.notifications.models import OutboxMessage


@task()
def deliver_message(message_id: int) -> str | None:
    status = actions.deliver_message(message_id)
    schedule_sweep_for_waiting()
    return status


@task()
def deliver_due_messages(limit: int = 500) -> dict[str, int]:
    report = actions.deliver_due(limit)
    schedule_sweep_for_waiting()
    return {"sent": report.sent, "failed": report.failed, "retrying": report.retrying}


@task()
def queue_visit_reminders_task() -> dict[str, int]:
    run = reminders.queue_visit_reminders()
    return {"queued": run.queued, "already_queued": run.already_queued, "skipped": run.skipped}


def next_wake() -> datetime | None:
    """When the earliest waiting message becomes due: a retry, or a lease that lapses."""
    queued = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED).aggregate(
        at=Min("next_attempt_at")
    )["at"]
    sending = OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).aggregate(
        at=Min("lease_expires_at")
    )["at"]
    times = [t for t in (queued, sending) if t is not None]
    return min(times) if times else None


def schedule_sweep_for_waiting() -> None:
    at = next_wake()
    if at is not None:
        schedule_sweep(max(at, timezone.now()))


def schedule_sweep(at: datetime) -> bool:
    """Enqueue a sweep to run at `at`, unless one is already waiting to run by then.

    Returns whether one was enqueued. Does nothing on a backend that cannot defer tasks.
    """
    backend = deliver_due_messages.get_backend()
    if not backend.supports_defer:
        return False
    from django_tasks_db.backend import DatabaseBackend

    if isinstance(backend, DatabaseBackend):
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        waiting = DBTaskResult.objects.filter(
            backend_name=backend.alias,
            task_path=deliver_due_messages.module_path,
            status=TaskResultStatus.READY,
            run_after__lte=at,
        )
        if waiting.exists():
            return False
    deliver_due_messages.using(run_after=at).enqueue()
    return True
