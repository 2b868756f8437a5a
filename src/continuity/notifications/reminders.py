"""Day-before visit reminders: one message per planned visit tomorrow, queued once.

`queue_visit_reminders(now)` looks at every live, planned visit (`Contact`: not voided, not
cancelled, attendance "0" = not yet happened) of an active pregnancy whose scheduled start falls
on tomorrow's date in Europe/London, and queues a "visit.reminder" to the woman.

- The reference is `visit-reminder-<contact pk>-<scheduled start, UTC ISO>-m<lead midwife pk>`:
  running again never queues a second reminder, and a visit moved to another time or given to
  another midwife gets a new one.
- When a visit changes (moved by the planner, given to her buddy, cancelled), the action calls
  `refresh_visit_reminder`: a reminder still queued that no longer matches is withdrawn, and, if
  the visit is still on for tomorrow, the right one is queued at once.
- Only women whose preferred channel can reach her by tomorrow and who have the detail it needs
  get one: a text message needs a phone number, an email an email address. A woman who prefers
  letters or phone calls, or who has no number or address for her channel, is skipped.
- The midwife named is the visit's lead professional, else anyone recorded on it, else her named
  midwife now.

Run it daily (`continuity queue_reminders` from cron, or the `queue_visit_reminders_task`); it is
safe to run more often, which also picks up visits booked for tomorrow later in the day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, override

from continuity.accounts.models import User
from continuity.notifications import templates
from continuity.notifications.actions import queue_message, withdraw_messages
from continuity.notifications.models import OutboxMessage
from continuity.pregnancies.models import Assignment, Contact, Pregnancy, Woman

TEMPLATE = "visit.reminder"
NOT_YET_HAPPENED = "0"


@dataclass(frozen=True)
class ReminderRun:
    queued: int = 0
    already_queued: int = 0
    skipped: int = 0  # no way to reach her for tomorrow on her preferred channel


def _prefix(contact_pk: int) -> str:
    return f"visit-reminder-{contact_pk}-"


def _lead(contact: Contact) -> Any:
    """The activity whose midwife the reminder names: the lead, else the first recorded."""
    activities = sorted(contact.activities.all(), key=lambda a: (not a.is_lead, a.pk))
    return activities[0] if activities else None


def reminder_reference(contact: Contact) -> str:
    start = contact.scheduled_start.astimezone(UTC).isoformat()
    lead = _lead(contact)
    return f"{_prefix(contact.pk)}{start}-m{lead.midwife_id if lead else 0}"


def tomorrow_window(now: datetime) -> tuple[datetime, datetime]:
    """Tomorrow in Europe/London, as [start, end) instants: 23, 24 or 25 hours long."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, time.min))
    end = timezone.make_aware(datetime.combine(tomorrow + timedelta(days=1), time.min))
    return start, end


def can_reach(woman: Woman) -> bool:
    channel = OutboxMessage.channel_for(woman.preferred_channel)
    if channel == OutboxMessage.Channel.SMS:
        return bool(woman.phone.strip())
    if channel == OutboxMessage.Channel.EMAIL:
        return bool(woman.email.strip())
    return False  # a letter would not arrive in time


def queue_visit_reminders(now: datetime | None = None) -> ReminderRun:
    """Queue a reminder for each planned visit tomorrow. Idempotent."""
    now = now or timezone.now()
    start, end = tomorrow_window(now)
    visits = (
        _planned_visits()
        .filter(scheduled_start__gte=start, scheduled_start__lt=end)
        .order_by("scheduled_start", "pk")
    )
    visits = list(visits)
    existing = set(
        OutboxMessage.objects.filter(
            reference__in=[reminder_reference(c) for c in visits]
        ).values_list("reference", flat=True)
    )
    queued = already = skipped = 0
    for contact in visits:
        woman = contact.pregnancy.woman
        reference = reminder_reference(contact)
        if reference in existing:
            already += 1
            continue
        if not can_reach(woman):
            skipped += 1
            continue
        _queue(contact, reference)
        queued += 1
    return ReminderRun(queued=queued, already_queued=already, skipped=skipped)


def _queue(contact: Contact, reference: str) -> None:
    woman = contact.pregnancy.woman
    local_start = timezone.localtime(contact.scheduled_start)
    queue_message(
        by=None,
        woman=woman,
        template=TEMPLATE,
        personalisation={
            "visit_date": local_start.date(),
            "visit_time": local_start.strftime("%H:%M"),
            "midwife": _midwife_name(contact, woman),
        },
        reference=reference,
    )


def _planned_visits() -> QuerySet[Contact]:
    return (
        Contact.objects.live()
        .filter(
            cancelled_at__isnull=True,
            attendance=NOT_YET_HAPPENED,
            pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
        )
        .select_related("pregnancy__woman")
        .prefetch_related(
            "activities__midwife__user",
            Prefetch(
                "pregnancy__assignments",
                queryset=Assignment.objects.filter(ends_at__isnull=True).select_related(
                    "named_midwife__user"
                ),
                to_attr="open_assignments",
            ),
        )
    )


@transaction.atomic
def refresh_visit_reminder(
    contact_pk: int, *, by: User | None, now: datetime | None = None
) -> tuple[int, bool]:
    """After a visit changed: withdraw its queued reminders that no longer match it and, if it is
    still planned for tomorrow, queue the right one now. Returns (withdrawn, queued)."""
    now = now or timezone.now()
    contact = _planned_visits().filter(pk=contact_pk).first()
    current = reminder_reference(contact) if contact is not None else None
    stale = OutboxMessage.objects.filter(
        reference__startswith=_prefix(contact_pk), status=OutboxMessage.Status.QUEUED
    ).exclude(reference=current or "")
    withdrawn = withdraw_messages(by=by, messages=list(stale), reason="visit changed")
    start, end = tomorrow_window(now)
    if (
        contact is None
        or current is None
        or not start <= contact.scheduled_start < end
        or not can_reach(contact.pregnancy.woman)
        or OutboxMessage.objects.filter(reference=current).exists()
    ):
        return withdrawn, False
    _queue(contact, current)
    return withdrawn, True


def _midwife_name(contact: Contact, woman: Woman) -> str:
    lead = _lead(contact)
    if lead is not None:
        return str(lead.midwife.name)
    for assignment in contact.pregnancy.open_assignments:
        if assignment.named_midwife is not None:
            return assignment.named_midwife.name
    with override(templates.language_for(woman.preferred_language)):
        return gettext("your midwife")
