"""Writes to referrals and the planned place of birth. Atomic, keyword-only, audited, each step
a `ReferralEvent`. The reason and outcome are clinical text: the audit names the step only."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.organisations.models import Site
from continuity.pregnancies.actions import ActionError, StaleRecord, required_text
from continuity.pregnancies.models import Pregnancy
from continuity.pregnancies.queries import current_assignment
from continuity.referrals.models import PlaceOfBirthChange, Referral, ReferralEvent

MAX_TEXT = 2000
Status = Referral.Status

# Where a referral may go from each status.
NEXT: dict[str, frozenset[str]] = {
    Status.REQUESTED: frozenset({Status.ACCEPTED, Status.DECLINED, Status.CANCELLED}),
    Status.ACCEPTED: frozenset({Status.BOOKED, Status.CANCELLED}),
    Status.BOOKED: frozenset({Status.BOOKED, Status.ATTENDED, Status.CANCELLED}),
    Status.ATTENDED: frozenset({Status.DONE}),
}


def _text(value: str, field: str, missing: str) -> str:
    return required_text(value, field=field, limit=MAX_TEXT, missing=missing)


@transaction.atomic
def make_referral(
    *,
    by: User,
    pregnancy: Pregnancy,
    service: str,
    site_id: int | None,
    urgency: str,
    reason: str,
) -> Referral:
    if service not in Referral.Service.values:
        raise ActionError(_("Choose the service"), field="service")
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    if site is None:
        raise ActionError(_("Choose a hospital site from the list"), field="site")
    if urgency not in Referral.Urgency.values:
        raise ActionError(_("Say how urgent it is"), field="urgency")
    assignment = current_assignment(pregnancy)
    referral = Referral.objects.create(
        pregnancy=pregnancy,
        service=service,
        site=site,
        urgency=urgency,
        reason=_text(reason, "reason", _("Say why you are referring her")),
        coordinator=assignment.named_midwife if assignment else None,
        requested_by=by,
    )
    ReferralEvent.objects.create(referral=referral, by=by, status=Status.REQUESTED)
    audit(by=by, action="referral.requested", obj=referral, changes={"service": service})
    return referral


@transaction.atomic
def advance(
    *,
    by: User,
    referral: Referral,
    version: int,
    to: str,
    appointment_at: datetime | None = None,
    note: str = "",
) -> Referral:
    """Move a referral on: accepted, booked (with the appointment), attended, done (with the
    outcome), declined or cancelled (with the reason)."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.version != version:
        raise StaleRecord(
            _("This referral has changed since you opened it. Check it again."), record=locked
        )
    if to not in NEXT.get(locked.status, frozenset()):
        raise ActionError(
            _("A referral that is %(now)s cannot be marked %(to)s")
            % {"now": locked.get_status_display().lower(), "to": Status(to).label.lower()}
            if to in Status.values
            else _("Choose what has happened")
        )
    now = timezone.now()
    text = note.replace("\r\n", "\n").strip()
    if len(text) > MAX_TEXT:
        raise ActionError(
            _("Keep this to %(max)d characters or fewer") % {"max": MAX_TEXT}, field="note"
        )
    if to == Status.ACCEPTED:
        locked.accepted_at = now
    elif to == Status.BOOKED:
        if appointment_at is None:
            raise ActionError(_("Enter the date and time of the appointment"), field="appointment")
        if (
            timezone.localtime(appointment_at).date()
            < timezone.localtime(locked.requested_at).date()
        ):
            raise ActionError(
                _("The appointment cannot be before the referral was made"), field="appointment"
            )
        locked.appointment_at = appointment_at
    elif to == Status.ATTENDED:
        if locked.appointment_at is not None and locked.appointment_at > now:
            raise ActionError(_("The appointment has not happened yet"))
        locked.attended_at = now
    elif to == Status.DONE:
        locked.outcome = _text(note, "note", _("Write the outcome the service sent back"))
        locked.outcome_at = now
    elif to in (Status.DECLINED, Status.CANCELLED):
        locked.closed_reason = _text(note, "note", _("Give the reason"))[:500]
    locked.status = to
    locked.version += 1
    locked.updated_at = now
    locked.save()
    ReferralEvent.objects.create(referral=locked, at=now, by=by, status=to, note=text)
    audit(by=by, action=f"referral.{to}", obj=locked, changes={"status": to})
    return locked  # type: ignore[no-any-return]


@transaction.atomic
def change_place_of_birth(
    *, by: User, pregnancy: Pregnancy, version: int, place: str, reason: str
) -> PlaceOfBirthChange:
    locked = Pregnancy.objects.select_for_update().get(pk=pregnancy.pk)
    if locked.version != version:
        raise StaleRecord(
            _("Her record has changed since you opened it. Check it again."), record=locked
        )
    if place not in Pregnancy.PlaceOfBirth.values:
        raise ActionError(_("Choose where she plans to give birth"), field="place")
    if place == locked.planned_place_of_birth:
        raise ActionError(_("That is already her planned place of birth"), field="place")
    change = PlaceOfBirthChange.objects.create(
        pregnancy=locked,
        from_place=locked.planned_place_of_birth,
        to_place=place,
        reason=_text(reason, "reason", _("Give the reason for the change"))[:500],
        by=by,
    )
    locked.planned_place_of_birth = place
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=["planned_place_of_birth", "version", "updated_at"])
    audit(
        by=by,
        action="pregnancy.place_of_birth",
        obj=locked,
        changes={"from": change.from_place, "to": place},
        reason=change.reason,
    )
    return change
