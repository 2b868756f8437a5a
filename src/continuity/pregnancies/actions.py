"""Every write to women's and pregnancy records. Atomic, keyword-only, audited in-transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.geography.queries import lookup
from continuity.organisations.models import Site, Team
from continuity.pregnancies.models import Assignment, Pregnancy, PregnancyTransition, Woman


class ActionError(Exception):
    """A refused action, with a message for the person and the field it concerns."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class StaleRecord(ActionError):
    """A save refused because someone changed the record first. Given the record, the message
    says who changed it last and when ("changed by X at T"), from the audit trail."""

    def __init__(self, message: str, field: str | None = None, record: Any = None) -> None:
        changed = last_change(record) if record is not None else ""
        super().__init__(f"{message} {changed}" if changed else message, field)


def last_change(record: Any) -> str:
    """ "It was changed by X at T." from the record's latest audit row, or "" without one."""
    from continuity.core.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            object_type=type(record)._meta.label_lower, object_id=str(record.pk)
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return ""
    return _("It was changed by %(name)s at %(time)s.") % {
        "name": str(event.actor) if event.actor else _("the system"),
        "time": timezone.localtime(event.at).strftime("%-d %B %Y, %H:%M"),
    }


def required_text(value: str, *, field: str, limit: int, missing: str) -> str:
    """Free text an action needs: line endings normalised, trimmed, present and not too long
    (otherwise an ActionError on `field`). Stored as written; pages escape it when shown."""
    text = value.replace("\r\n", "\n").strip()
    if not text:
        raise ActionError(missing, field=field)
    if len(text) > limit:
        raise ActionError(
            _("Keep this to %(max)d characters or fewer (it has %(n)d)")
            % {"max": limit, "n": len(text)},
            field=field,
        )
    return text


@dataclass(frozen=True)
class Booking:
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    postcode: str
    ethnic_category: str
    preferred_language: str
    interpreter_needed: bool
    booking_date: date
    edd: date
    previous_live_births: int
    risk: str
    hospital_of_choice: Site


@transaction.atomic
def book_pregnancy(*, by: User, booking: Booking, team: Team) -> Pregnancy:
    """Register the woman (or find her) and book the pregnancy into the team's allocation queue.

    Idempotent: the same NHS number and booking date returns the pregnancy already booked.
    """
    woman = Woman.objects.select_for_update().filter(nhs_number=booking.nhs_number).first()
    if woman is not None:
        same = woman.pregnancies.filter(booking_date=booking.booking_date).first()
        if same is not None:
            return same
        if woman.pregnancies.filter(status__in=Pregnancy.ACTIVE_STATUSES).exists():
            raise ActionError(
                "This woman already has a pregnancy in care. Contact the team caring for her.",
                field="nhs_number",
            )
    area = lookup(booking.postcode)
    if woman is None:
        woman = Woman.objects.create(
            nhs_number=booking.nhs_number,
            given_name=booking.given_name,
            family_name=booking.family_name,
            date_of_birth=booking.date_of_birth,
            postcode=booking.postcode,
            lsoa=area.lsoa,
            imd_decile=area.imd_decile,
            lookup_edition=area.edition,
            lat=area.lat,
            lon=area.lon,
            ethnic_category=booking.ethnic_category,
            preferred_language=booking.preferred_language,
            interpreter_needed=booking.interpreter_needed,
        )
        audit(by=by, action="woman.registered", obj=woman)
    pregnancy = Pregnancy.objects.create(
        woman=woman,
        booking_date=booking.booking_date,
        edd=booking.edd,
        previous_live_births=booking.previous_live_births,
        risk=booking.risk,
        booking_site=booking.hospital_of_choice,
        hospital_of_choice=booking.hospital_of_choice,
        status=Pregnancy.Status.BOOKED,
    )
    PregnancyTransition.objects.create(
        pregnancy=pregnancy, from_status="", to_status=pregnancy.status, by=by, reason="Booked"
    )
    Assignment.objects.create(
        pregnancy=pregnancy, team=team, created_by=by, reason="Booked; awaiting allocation"
    )
    audit(
        by=by,
        action="pregnancy.booked",
        obj=pregnancy,
        changes={"edd": booking.edd.isoformat(), "team": team.local_id},
    )
    return pregnancy


@transaction.atomic
def transition(
    *, by: User | None, pregnancy: Pregnancy, to: str, reason: str = "", version: int | None = None
) -> Pregnancy:
    """Move a pregnancy along one of its named transitions, recording who, when and why."""
    locked = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
    if version is not None and locked.version != version:
        raise StaleRecord(
            "This pregnancy was changed by someone else. Reload and try again.", record=locked
        )
    if to not in Pregnancy.TRANSITIONS[locked.status]:
        raise ActionError(f"A pregnancy cannot move from {locked.status} to {to}.")
    changes: dict[str, Any] = {"status": [locked.status, to]}
    PregnancyTransition.objects.create(
        pregnancy=locked, from_status=locked.status, to_status=to, by=by, reason=reason
    )
    locked.status = to
    if to == Pregnancy.Status.DISCHARGED and locked.discharge_date is None:
        locked.discharge_date = timezone.localdate()
        locked.discharge_reason = reason
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    audit(by=by, action="pregnancy.transition", obj=locked, changes=changes, reason=reason)
    return locked


# -- voiding entries made in error ---------------------------------------------------------------

VOID_REASON_LIMIT = 500


@transaction.atomic
def void_entry(*, by: User, entry: Any, version: int | None, reason: str) -> Any:
    """Void a visit, care plan record or labour record entered in error: it stays in the record,
    marked with who voided it, when and why, and leaves every list, measure and export. Nothing
    clinical is ever deleted. Stale or repeated voids are refused."""
    from continuity.notifications.reminders import refresh_visit_reminder
    from continuity.pregnancies.models import Contact

    locked = type(entry).objects.select_for_update().get(pk=entry.pk)
    if locked.voided_at is not None:
        raise StaleRecord(
            _("This entry was already voided on %(time)s. Check the record again.")
            % {"time": timezone.localtime(locked.voided_at).strftime("%-d %B %Y at %H:%M")}
        )
    if hasattr(locked, "version") and locked.version != version:  # a missing version is stale
        raise StaleRecord(
            _("This entry was changed after you opened it. Check it again."), record=locked
        )
    text = required_text(
        reason,
        field="reason",
        limit=VOID_REASON_LIMIT,
        missing=_("Enter why this entry is being voided"),
    )
    now = timezone.now()
    locked.voided_at = now
    locked.voided_by = by
    locked.void_reason = text
    if hasattr(locked, "version"):
        locked.version += 1
        locked.updated_at = now
    locked.save()
    audit(by=by, action=f"{type(locked).__name__.lower()}.void", obj=locked, reason=text)
    if isinstance(locked, Contact):  # a voided visit must not be reminded of
        refresh_visit_reminder(locked.pk, by=by, now=now)
    return locked
