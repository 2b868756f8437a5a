"""Queueing and delivering messages to women. Atomic, keyword-only, audited in-transaction.

Other apps call `queue_message` inside their own action, so the message is queued if and only if
their change commits. After commit (when CONTINUITY_NOTIFY_ON_COMMIT is on) a `deliver_message`
task is enqueued for it; the worker, the `send_notifications` command and the sweeper task
deliver whatever else is due.

Delivery is exactly-once per outbox row:

1. **Claim** (`claim_next`), in its own short transaction: pick a due row (queued and
   `next_attempt_at` reached, or `sending` with a lapsed lease), locked with SKIP LOCKED on
   PostgreSQL, and move it to `sending` with a fresh claim token, a lease, `attempts + 1` and
   `in_doubt` set, by a compare-and-set UPDATE (so on SQLite too, two deliverers cannot both win).
   The claim commits before anything is sent.
2. **Send** (`deliver_claimed`), outside any transaction: if the row was already in doubt (an
   earlier attempt timed out, got a 5xx or its worker died mid-send), ask the provider by
   reference first and, if it already accepted the message, record that instead of sending again.
3. **Record**, only while the claim token is still ours: sent (with the provider's id), queued
   again with exponential backoff and jitter (retryable error, attempts left), or failed.

Logs name the message by id, template key, status, attempt and error code: never her name,
contact details or the personalisation.
"""

from __future__ import annotations

import functools
import logging
import random
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.notifications import templates
from continuity.notifications.models import REFERENCE_MAX_LENGTH, OutboxMessage
from continuity.notifications.notifier import (
    FindsByReference,
    Notifier,
    PermanentError,
    RetryableError,
    get_notifier,
)
from continuity.pregnancies.models import Woman

logger = logging.getLogger("continuity.notifications")

Status = OutboxMessage.Status


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
        transaction.on_commit(functools.partial(_enqueue_delivery, message.pk), robust=True)
    return message


@transaction.atomic
def withdraw_messages(*, by: User | None, messages: Iterable[OutboxMessage], reason: str) -> int:
    """Take back messages not yet sent. Only a queued row can be withdrawn (compare-and-set); one
    a worker has already claimed may reach her, as may any message already sent."""
    withdrawn = 0
    for message in messages:
        if OutboxMessage.objects.filter(pk=message.pk, status=Status.QUEUED).update(
            status=Status.WITHDRAWN, next_attempt_at=timezone.now()
        ):
            audit(by=by, action="message.withdrawn", obj=message, reason=reason)
            withdrawn += 1
    return withdrawn


def _enqueue_delivery(pk: int) -> None:
    from continuity.notifications.tasks import deliver_message  # the task module needs settings

    deliver_message.enqueue(pk)


# Delivery ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    retrying: int = 0  # back in the queue with a later next_attempt_at


@dataclass(frozen=True)
class Claim:
    message: OutboxMessage
    token: str
    was_in_doubt: bool  # an earlier attempt may have reached the provider


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    lease: timedelta = timedelta(minutes=5)
    backoff_base: float = 30.0  # seconds before the first retry (at most; jitter halves it)
    backoff_max: float = 3600.0

    @classmethod
    def from_settings(cls) -> RetryPolicy:
        return cls(
            max_attempts=int(getattr(settings, "CONTINUITY_MESSAGE_MAX_ATTEMPTS", 8)),
            lease=timedelta(
                seconds=float(getattr(settings, "CONTINUITY_MESSAGE_LEASE_SECONDS", 300))
            ),
            backoff_base=float(getattr(settings, "CONTINUITY_MESSAGE_BACKOFF_SECONDS", 30)),
            backoff_max=float(getattr(settings, "CONTINUITY_MESSAGE_BACKOFF_MAX_SECONDS", 3600)),
        )

    def backoff(self, attempt: int) -> timedelta:
        """Exponential backoff with jitter: between half and all of base × 2^(attempt-1), capped."""
        ceiling = min(self.backoff_max, self.backoff_base * 2 ** min(max(attempt - 1, 0), 30))
        return timedelta(seconds=ceiling / 2 + random.uniform(0, ceiling / 2))


def deliver_due(
    limit: int = 100, *, notifier: Notifier | None = None, now: datetime | None = None
) -> DeliveryReport:
    """Claim and deliver up to `limit` due messages, one at a time, oldest due first.

    `now` fixes the clock for the run (tests); by default each claim reads the clock. A message
    that fails in a way worth retrying goes back in the queue for later, so it is not tried again
    in the same run. Nothing is raised for a failed message.
    """
    notifier = notifier or get_notifier()
    policy = RetryPolicy.from_settings()
    outcomes: Counter[str] = Counter()
    for _ in range(limit):
        at = now or timezone.now()
        claim = claim_next(now=at, policy=policy)
        if claim is None:
            break
        outcomes[deliver_claimed(claim, notifier, now=at, policy=policy) or "lost"] += 1
    return DeliveryReport(
        sent=outcomes[Status.SENT], failed=outcomes[Status.FAILED], retrying=outcomes[Status.QUEUED]
    )


def deliver_pending(
    limit: int = 100, *, notifier: Notifier | None = None, now: datetime | None = None
) -> tuple[int, int]:
    """Deliver up to `limit` due messages. Returns (sent, failed); see `deliver_due`."""
    report = deliver_due(limit, notifier=notifier, now=now)
    return report.sent, report.failed


def deliver_message(
    pk: int, *, notifier: Notifier | None = None, now: datetime | None = None
) -> str | None:
    """Deliver one message if it is due. Returns its new status, or None if it was not due."""
    policy = RetryPolicy.from_settings()
    at = now or timezone.now()
    claim = claim_next(now=at, pk=pk, policy=policy)
    if claim is None:
        return None
    return deliver_claimed(claim, notifier or get_notifier(), now=at, policy=policy)


_CLAIM_TRIES = 5


def claim_next(
    *, now: datetime, pk: int | None = None, policy: RetryPolicy | None = None
) -> Claim | None:
    """Claim the next due message (or the one given) for this worker; None if none is due.

    The claim is committed before returning, so the row says `sending` even if this process dies.
    """
    policy = policy or RetryPolicy.from_settings()
    due = Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, lease_expires_at__lte=now
    )
    for _ in range(_CLAIM_TRIES):
        with transaction.atomic():
            candidates = OutboxMessage.objects.filter(due)
            if pk is not None:
                candidates = candidates.filter(pk=pk)
            if connection.features.has_select_for_update_skip_locked:
                # PostgreSQL: a row another worker is claiming is skipped, not waited for.
                candidates = candidates.select_for_update(skip_locked=True)
            found = (
                candidates.order_by("next_attempt_at", "id")
                .values("pk", "status", "attempts", "in_doubt")
                .first()
            )
            if found is None:
                return None
            token = secrets.token_hex(16)
            # Compare-and-set: only one deliverer can move this row on from what it read.
            won = (
                OutboxMessage.objects.filter(
                    due, pk=found["pk"], status=found["status"], attempts=found["attempts"]
                ).update(
                    status=Status.SENDING,
                    claim=token,
                    lease_expires_at=now + policy.lease,
                    attempts=F("attempts") + 1,
                    in_doubt=True,
                )
                == 1
            )
        if won:
            message = OutboxMessage.objects.select_related("woman").get(pk=found["pk"])
            return Claim(message=message, token=token, was_in_doubt=bool(found["in_doubt"]))
    return None


def deliver_claimed(
    claim: Claim, notifier: Notifier, *, now: datetime, policy: RetryPolicy | None = None
) -> str | None:
    """Send a claimed message and record the outcome. Returns the new status, or None if the
    claim had lapsed and another worker had taken the message over."""
    policy = policy or RetryPolicy.from_settings()
    message = claim.message
    in_doubt = claim.was_in_doubt
    try:
        subject, body = templates.render(message)
        provider_id = None
        if in_doubt and isinstance(notifier, FindsByReference):
            provider_id = notifier.find(message.reference)
            in_doubt = False  # the provider has answered: it has the message, or it has not
        if provider_id is None:
            if message.attempts > policy.max_attempts:
                # Only a lapsed lease gets here: the last attempt's worker died. Do not send more.
                raise PermanentError("MaxAttempts")
            provider_id = notifier.send(message, subject, body)
        elif claim.was_in_doubt:
            logger.info(
                "message %s template=%s attempt=%d: the provider already has it",
                message.pk,
                message.template,
                message.attempts,
            )
    except RetryableError as exc:
        return _record_retry(claim, exc.code, exc.in_doubt or in_doubt, now, policy)
    except PermanentError as exc:
        return _record_failed(claim, exc.code, exc.in_doubt or in_doubt)
    except Exception as exc:
        # An adapter's own error (or a bug): not retried, and only its class is kept.
        return _record_failed(claim, type(exc).__name__, in_doubt)
    return _record_sent(claim, provider_id, now)


def _ours(claim: Claim) -> Any:
    return OutboxMessage.objects.filter(
        pk=claim.message.pk, status=Status.SENDING, claim=claim.token
    )


def _lost(claim: Claim) -> None:
    logger.warning(
        "message %s template=%s attempt=%d: claim lapsed before the outcome was recorded",
        claim.message.pk,
        claim.message.template,
        claim.message.attempts,
    )


def _record_sent(claim: Claim, provider_id: str | None, now: datetime) -> str | None:
    updated = _ours(claim).update(
        status=Status.SENT,
        sent_at=now,
        provider_id=(provider_id or "")[:64],
        in_doubt=False,
        claim="",
        lease_expires_at=None,
    )
    if not updated:
        _lost(claim)
        return None
    message = claim.message
    logger.info(
        "message %s template=%s channel=%s status=sent attempt=%d",
        message.pk,
        message.template,
        message.channel,
        message.attempts,
    )
    return Status.SENT


def _record_retry(
    claim: Claim, code: str, in_doubt: bool, now: datetime, policy: RetryPolicy
) -> str | None:
    message = claim.message
    if message.attempts >= policy.max_attempts:
        return _record_failed(claim, code, in_doubt)
    delay = policy.backoff(message.attempts)
    updated = _ours(claim).update(
        status=Status.QUEUED,
        next_attempt_at=now + delay,
        last_error=code[:100],
        in_doubt=in_doubt,
        claim="",
        lease_expires_at=None,
    )
    if not updated:
        _lost(claim)
        return None
    logger.warning(
        "message %s template=%s status=queued attempt=%d error=%s retry_in=%ds",
        message.pk,
        message.template,
        message.attempts,
        code,
        delay.total_seconds(),
    )
    return Status.QUEUED


def _record_failed(claim: Claim, code: str, in_doubt: bool) -> str | None:
    updated = _ours(claim).update(
        status=Status.FAILED,
        last_error=code[:100],
        in_doubt=in_doubt,
        claim="",
        lease_expires_at=None,
    )
    if not updated:
        _lost(claim)
        return None
    message = claim.message
    logger.error(
        "message %s template=%s status=failed attempt=%d error=%s",
        message.pk,
        message.template,
        message.attempts,
        code,
    )
    return Status.FAILED
