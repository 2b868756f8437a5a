"""Visit writes: recording what happened at a visit, a woman asking to move one, her preferred
times. Atomic and audited; stale edits are refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import time

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.notifications.reminders import refresh_visit_reminder
from continuity.pregnancies.actions import ActionError, StaleRecord
from continuity.pregnancies.models import (
    AvailabilityWindow,
    Contact,
    ContactProfessional,
    Pregnancy,
)
from continuity.pregnancies.models.care import AttendanceCode
from continuity.visits.models import MoveRequest
from continuity.workforce.models import Midwife

__all__ = ["ActionError", "StaleRecord", "ask_to_move", "record_outcome", "set_preferred_times"]

OUTCOMES = (
    AttendanceCode.ATTENDED,
    AttendanceCode.LATE_SEEN,
    AttendanceCode.LATE_NOT_SEEN,
    AttendanceCode.DID_NOT_ATTEND,
    AttendanceCode.CANCELLED_BY_PATIENT,
    AttendanceCode.CANCELLED_BY_PROVIDER,
)
CANCELLED = (AttendanceCode.CANCELLED_BY_PATIENT, AttendanceCode.CANCELLED_BY_PROVIDER)


@transaction.atomic
def record_outcome(
    *,
    by: User,
    contact: Contact,
    version: int,
    attendance: str,
    attended_by: Sequence[Midwife],
    note: str = "",
) -> Contact:
    """What happened: the MSDS attendance code, who was there (each an MSD202 activity with
    her team), and a short note. The visit must have started."""
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.version != version or locked.voided_at is not None:
        raise StaleRecord(
            _("This visit has changed since you opened it. Check it again."), record=locked
        )
    if attendance not in OUTCOMES:
        raise ActionError(_("Select what happened"), field="attendance")
    now = timezone.now()
    if attendance not in CANCELLED and locked.scheduled_start > now:
        raise ActionError(
            _("You can record who attended once the visit has started"), field="attendance"
        )
    seen = attendance in (AttendanceCode.ATTENDED, AttendanceCode.LATE_SEEN)
    if seen and not attended_by:
        raise ActionError(_("Select who did the visit"), field="attended_by")
    before = {"attendance": locked.attendance}
    locked.attendance = attendance
    locked.note = note
    if attendance in CANCELLED:
        locked.cancelled_at = now
        locked.cancellation_reason = note
    elif locked.actual_start is None and seen:
        locked.actual_start = locked.scheduled_start
    locked.version += 1
    locked.updated_at = now
    locked.save()
    if seen:
        ContactProfessional.objects.filter(contact=locked).delete()
        ContactProfessional.objects.bulk_create(
            ContactProfessional(contact=locked, midwife=m, team=m.team, is_lead=n == 0)
            for n, m in enumerate(attended_by)
        )
    audit(
        by=by,
        action="visit.record_outcome",
        obj=locked,
        changes={
            **before,
            "attendance_after": attendance,
            "attended_by": [m.professional_id for m in attended_by],
        },
    )
    if attendance in CANCELLED:
        refresh_visit_reminder(locked.pk, by=by, now=now)
    return locked  # type: ignore[no-any-return]


@transaction.atomic
def ask_to_move(*, by: User, contact: Contact, better_times: str) -> MoveRequest:
    """She asks for another time. One open request per visit: asking again updates it."""
    text = better_times.strip()
    if not text:
        raise ActionError(_("Tell us which days and times would suit you"), field="better_times")
    if len(text) > 300:
        raise ActionError(_("Keep it to 300 characters or fewer"), field="better_times")
    if (
        contact.scheduled_start <= timezone.now()
        or contact.attendance != AttendanceCode.NOT_APPLICABLE
    ):
        raise ActionError(_("This visit can no longer be moved here. Call your midwife."))
    request = MoveRequest.objects.filter(contact=contact, status=MoveRequest.Status.OPEN).first()
    if request is None:
        request = MoveRequest.objects.create(
            contact=contact, asked_at=timezone.now(), asked_by=by, better_times=text
        )
    else:
        request.better_times = text
        request.asked_at = timezone.now()
        request.save(update_fields=["better_times", "asked_at"])
    audit(by=by, action="visit.ask_to_move", obj=request)
    return request


@dataclass(frozen=True)
class Slot:
    weekday: int  # 0 Monday
    start: time
    end: time


@transaction.atomic
def set_preferred_times(*, by: User, pregnancy: Pregnancy, slots: Sequence[Slot]) -> int:
    """Replace her preferred weekly times (times she cannot do are kept)."""
    for slot in slots:
        if not 0 <= slot.weekday <= 6 or slot.end <= slot.start:
            raise ActionError(_("Choose times that end after they start"), field="slots")
    locked = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
    before = list(
        AvailabilityWindow.objects.filter(
            pregnancy=locked, kind=AvailabilityWindow.Kind.PREFERRED
        ).values_list("weekday", "start_time", "end_time")
    )
    AvailabilityWindow.objects.filter(
        pregnancy=locked, kind=AvailabilityWindow.Kind.PREFERRED
    ).delete()
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(
            pregnancy=locked,
            kind=AvailabilityWindow.Kind.PREFERRED,
            weekday=s.weekday,
            start_time=s.start,
            end_time=s.end,
        )
        for s in slots
    )
    audit(
        by=by,
        action="visit.preferred_times",
        obj=locked,
        changes={
            "before": [[w, a.isoformat(), b.isoformat()] for w, a, b in before],
            "after": [[s.weekday, s.start.isoformat(), s.end.isoformat()] for s in slots],
        },
    )
    return len(slots)
