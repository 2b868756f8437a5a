"""Queueing and delivering messages to women. Atomic, keyword-only, audited in-transaction.

Other apps call `queue_message` inside their own action, so the message is queued if and only if
their change commits. Delivery happens after commit (when CONTINUITY_NOTIFY_ON_COMMIT is on) and
again from `send_notifications`, which picks up anything still queued.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.notifications import templates
from continuity.notifications.models import REFERENCE_MAX_LENGTH, OutboxMessage
from continuity.notifications.notifier import Notifier, get_notifier
from continuity.pregnancies.models import Woman


class ReferenceConflict(ValueError):
    """The reference is already used by a message to another woman or from another template."""


@transaction.atomic
def queue_message(
    *,
    by: User | None,
    woman: Woman,
    template: str,
    personalisation: dict[str, Any],
    reference: str,
) -> OutboxMessage:
    """Queue a message to a woman, once: the same reference returns the message already queued.

    The template and personalisation are checked now (TemplateError), so a bad message fails the
    action that asked for it rather than the send. The channel is her preference at this moment.
    """
    if not 0 < len(reference) <= REFERENCE_MAX_LENGTH:
        raise ValueError(f"A message reference must be 1 to {REFERENCE_MAX_LENGTH} characters.")
    cleaned = templates.clean_personalisation(template, personalisation)
    message, created = OutboxMessage.objects.get_or_create(
        reference=reference,
        defaults={
            "woman": woman,
            "template": template,
            "personalisation": cleaned,
            "channel": OutboxMessage.channel_for(woman.preferred_channel),
            "created_by": by,
        },
    )
    if not created:
        if message.woman_id != woman.pk or message.template != template:
            raise ReferenceConflict(
                f"Message reference {reference!r} is already used for a different message."
            )
        return message
    audit(by=by, action="message.queued", obj=message, changes={"template": template})
    if settings.CONTINUITY_NOTIFY_ON_COMMIT:
        # robust: a failure after commit is logged, never turned into an error for the caller.
        transaction.on_commit(functools.partial(_deliver_one, message.pk), robust=True)
    return message


def deliver_pending(limit: int = 100, *, notifier: Notifier | None = None) -> tuple[int, int]:
    """Send up to `limit` queued messages, oldest first. Returns (sent, failed).

    Each message is locked, sent and marked in its own transaction, so a crash part-way never
    un-marks messages already sent, and two workers never send the same one. Safe to re-run.
    A message that fails is marked failed with the exception's class name; nothing is raised.
    """
    notifier = notifier or get_notifier()
    sent = failed = 0
    for _ in range(limit):
        outcome = _deliver_next(notifier)
        if outcome is None:
            break
        if outcome == OutboxMessage.Status.SENT:
            sent += 1
        else:
            failed += 1
    return sent, failed


def _deliver_one(pk: int) -> None:
    _deliver_next(get_notifier(), pk=pk)


def _deliver_next(notifier: Notifier, pk: int | None = None) -> str | None:
    """Lock the oldest queued message (or the one given), send it and mark it. None if none."""
    with transaction.atomic():
        pending = OutboxMessage.objects.filter(status=OutboxMessage.Status.QUEUED)
        if pk is not None:
            pending = pending.filter(pk=pk)
        if connection.features.has_select_for_update_skip_locked:
            # PostgreSQL: another worker's message is skipped, not waited for or sent twice.
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        message = pending.select_related("woman").order_by("created_at", "id").first()
        if message is None:
            return None
        message.attempts += 1
        try:
            subject, body = templates.render(message)
            notifier.send(message, subject, body)
        except Exception as exc:
            message.status = OutboxMessage.Status.FAILED
            message.last_error = type(exc).__name__[:100]
            message.save(update_fields=["status", "attempts", "last_error"])
            return message.status
        message.status = OutboxMessage.Status.SENT
        message.sent_at = timezone.now()
        message.save(update_fields=["status", "attempts", "sent_at"])
        return message.status
