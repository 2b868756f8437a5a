"""Writes to concerns. Atomic, keyword-only, audited (without her words), each step an event.

Deadlines come from `continuity.engines.workingdays`: acknowledgement within
CONCERNS["acknowledge_days"] working days and a response within CONCERNS["respond_days"],
counted from the working day the concern counts as received on (after the cut-off, or on a
weekend or bank holiday, the next working day).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.concerns.models import Concern, ConcernEvent
from continuity.core.audit import audit
from continuity.engines.workingdays import default_calendar
from continuity.pregnancies.actions import ActionError, StaleRecord, required_text
from continuity.pregnancies.models import Pregnancy, Woman

MAX_SUMMARY = 120
MAX_TEXT = 4000


def _conf() -> dict[str, object]:
    return dict(settings.CONTINUITY.get("CONCERNS", {}))


def deadlines(received_at: datetime) -> tuple[date, date]:
    """(acknowledge by, respond by) for a concern received at this instant."""
    conf = _conf()
    cutoff = time.fromisoformat(str(conf.get("cutoff", "17:00")))
    local = timezone.localtime(received_at)
    calendar = default_calendar()
    return (
        calendar.deadline(local, int(str(conf.get("acknowledge_days", 2))), cutoff=cutoff),
        calendar.deadline(local, int(str(conf.get("respond_days", 25))), cutoff=cutoff),
    )


def _text(value: str, field: str, limit: int, missing: str) -> str:
    return required_text(value, field=field, limit=limit, missing=missing)


def _locked(concern: Concern, version: int) -> Concern:
    locked = Concern.objects.select_for_update().get(pk=concern.pk)
    if locked.version != version:
        raise StaleRecord(
            _("This concern has changed since you opened it. Check it again."), record=locked
        )
    return locked  # type: ignore[no-any-return]


def _step(concern: Concern, by: User | None, kind: str, note: str = "", shown: bool = True) -> None:
    now = timezone.now()
    concern.version += 1
    concern.updated_at = now
    concern.save()
    ConcernEvent.objects.create(
        concern=concern, at=now, by=by, kind=kind, note=note, shown_to_her=shown
    )
    audit(by=by, action=f"concern.{kind}", obj=concern, changes={"status": concern.status})


@transaction.atomic
def raise_concern(
    *,
    by: User,
    woman: Woman,
    summary: str,
    details: str,
    raised_for: str,
    pregnancy: Pregnancy | None = None,
    received_at: datetime | None = None,
) -> Concern:
    if raised_for not in Concern.RaisedFor.values:
        raise ActionError(_("Say who is raising the concern"), field="raised_for")
    received_at = received_at or timezone.now()
    acknowledge_by, respond_by = deadlines(received_at)
    concern = Concern.objects.create(
        woman=woman,
        pregnancy=pregnancy,
        raised_by=by,
        raised_for=raised_for,
        summary=_text(summary, "summary", MAX_SUMMARY, _("Give your concern a short title")),
        details=_text(details, "details", MAX_TEXT, _("Tell us what happened")),
        received_at=received_at,
        acknowledge_by=acknowledge_by,
        respond_by=respond_by,
    )
    ConcernEvent.objects.create(concern=concern, at=received_at, by=by, kind="raised")
    audit(by=by, action="concern.raised", obj=concern, changes={"raised_for": raised_for})
    return concern


@transaction.atomic
def triage(*, by: User, concern: Concern, version: int, owner: User, theme: str) -> Concern:
    locked = _locked(concern, version)
    if theme not in Concern.Theme.values:
        raise ActionError(_("Choose a theme"), field="theme")
    if not owner.is_active or owner.role == "woman":
        raise ActionError(_("Choose a member of staff to look into it"), field="owner")
    locked.owner, locked.theme = owner, theme
    if locked.status == Concern.Status.RECEIVED:
        locked.status = Concern.Status.TRIAGED
    _step(locked, by, "triaged", str(owner.display_name or owner.username))
    return locked


@transaction.atomic
def acknowledge(*, by: User, concern: Concern, version: int, message: str) -> Concern:
    locked = _locked(concern, version)
    if locked.acknowledged_at is not None:
        raise ActionError(_("This concern has already been acknowledged"))
    text = _text(message, "message", MAX_TEXT, _("Write the acknowledgement she will read"))
    locked.acknowledged_at = timezone.now()
    if locked.status in (Concern.Status.RECEIVED, Concern.Status.TRIAGED):
        locked.status = Concern.Status.ACKNOWLEDGED
    _step(locked, by, "acknowledged", text)
    return locked


@transaction.atomic
def respond(
    *, by: User, concern: Concern, version: int, response: str, we_did: str = ""
) -> Concern:
    locked = _locked(concern, version)
    if not locked.is_open:
        raise ActionError(_("This concern has already been answered"))
    locked.response = _text(response, "response", MAX_TEXT, _("Write the response she will read"))
    locked.we_did = we_did.strip()[:MAX_TEXT]
    now = timezone.now()
    if locked.acknowledged_at is None:
        locked.acknowledged_at = now
    locked.responded_at = now
    locked.status = Concern.Status.RESPONDED
    _step(locked, by, "responded", locked.response)
    return locked


@transaction.atomic
def escalate_overdue(*, today: date | None = None) -> int:
    """Escalate every open concern past a deadline, once. Returns how many were escalated."""
    today = today or timezone.localdate()
    late = (
        Concern.objects.select_for_update()
        .filter(escalated_at__isnull=True)
        .exclude(status__in=(Concern.Status.RESPONDED, Concern.Status.CLOSED))
    )
    count = 0
    for concern in late:
        overdue_ack = concern.acknowledged_at is None and today > concern.acknowledge_by
        if overdue_ack or today > concern.respond_by:
            concern.escalated_at = timezone.now()
            why = _("Not acknowledged in time") if overdue_ack else _("Not answered in time")
            _step(concern, None, "escalated", str(why), shown=False)
            count += 1
    return count
