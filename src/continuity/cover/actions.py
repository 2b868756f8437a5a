"""Every rota and cover write: shifts, leave and its decision, call-outs, moving visits.

Each is atomic and audited in its transaction. Bad input (overlapping shifts, leave that ends
before it starts, a shift for a midwife who has left, a time the clocks skip) is refused with a
specific message and nothing is saved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.cover.clock import NonexistentTime, day_bounds, local_date, local_instant
from continuity.cover.models import VisitFlag
from continuity.notifications.actions import queue_message
from continuity.notifications.reminders import refresh_visit_reminder
from continuity.pregnancies.actions import ActionError, StaleRecord
from continuity.pregnancies.models import Assignment, Contact, ContactProfessional, Pregnancy
from continuity.workforce.models import CoverArrangement, Midwife, RotaEntry

__all__ = [
    "ActionError",
    "StaleRecord",
    "add_shifts",
    "approve_leave",
    "cancel_leave",
    "decline_leave",
    "move_visits",
    "record_call_out",
    "remove_shift",
    "request_absence",
]

MAX_PATTERN_DAYS = 366
MAX_ABSENCE_DAYS = 366
MAX_CALL_OUT = timedelta(hours=24)
FLAG_REASON = {
    RotaEntry.Kind.LEAVE: VisitFlag.Reason.LEAVE,
    RotaEntry.Kind.SICKNESS: VisitFlag.Reason.SICKNESS,
    RotaEntry.Kind.STUDY: VisitFlag.Reason.STUDY,
}


def _day(d: date) -> str:
    return date_format(d, "j F Y")


def _moment(at: datetime) -> str:
    return date_format(timezone.localtime(at), "j F Y H:i")


def _check_employed(midwife: Midwife, first: date, last: date) -> None:
    if midwife.end_date is not None and last > midwife.end_date:
        raise ActionError(
            _("%(name)s left on %(date)s. She cannot be on the rota after that.")
            % {"name": midwife.name, "date": _day(midwife.end_date)},
            field="last_day",
        )
    if first < midwife.start_date:
        raise ActionError(
            _("%(name)s starts on %(date)s. She cannot be on the rota before that.")
            % {"name": midwife.name, "date": _day(midwife.start_date)},
            field="first_day",
        )


def _overlapping(
    midwife: Midwife, kinds: Sequence[str], start: datetime, end: datetime, statuses: Sequence[str]
) -> RotaEntry | None:
    return (  # type: ignore[no-any-return]
        RotaEntry.objects.live()
        .filter(
            midwife=midwife,
            kind__in=kinds,
            status__in=statuses,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .order_by("starts_at")
        .first()
    )


def _describe(entry: RotaEntry) -> str:
    return _("%(kind)s from %(start)s to %(end)s") % {
        "kind": entry.get_kind_display(),
        "start": _moment(entry.starts_at),
        "end": _moment(entry.ends_at),
    }


def _lock(midwife: Midwife) -> Midwife:
    """Serialise rota writes for one midwife, so two overlapping shifts cannot both be saved."""
    return Midwife.objects.select_for_update().get(pk=midwife.pk)  # type: ignore[no-any-return]


# -- shifts ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    kind: str
    first_day: date
    last_day: date
    weekdays: frozenset[int]  # 0 = Monday
    start: time
    end: time  # at or before `start`: the shift ends the next day


def pattern_instants(pattern: Pattern) -> list[tuple[datetime, datetime]]:
    if pattern.last_day < pattern.first_day:
        raise ActionError(
            _("The last day must be the same as or after the first day"), field="last_day"
        )
    if (pattern.last_day - pattern.first_day).days >= MAX_PATTERN_DAYS:
        raise ActionError(_("Add at most a year of shifts at a time"), field="last_day")
    if not pattern.weekdays:
        raise ActionError(_("Select at least one day of the week"), field="weekdays")
    out: list[tuple[datetime, datetime]] = []
    day = pattern.first_day
    while day <= pattern.last_day:
        if day.weekday() in pattern.weekdays:
            end_day = day if pattern.end > pattern.start else day + timedelta(days=1)
            try:
                out.append((local_instant(day, pattern.start), local_instant(end_day, pattern.end)))
            except NonexistentTime as exc:
                raise ActionError(str(exc), field="start_time") from exc
        day += timedelta(days=1)
    if not out:
        raise ActionError(
            _("None of the days between the first and last day is a day you selected"),
            field="weekdays",
        )
    return out


@transaction.atomic
def add_shifts(*, by: User, midwife: Midwife, pattern: Pattern, note: str = "") -> list[RotaEntry]:
    """Put a midwife on the rota for a working pattern: one entry per selected day."""
    if pattern.kind not in RotaEntry.ROSTERED_KINDS:
        raise ActionError(_("Choose a kind of shift"), field="kind")
    midwife = _lock(midwife)
    instants = pattern_instants(pattern)
    _check_employed(midwife, pattern.first_day, local_date(instants[-1][1] - timedelta(seconds=1)))
    for start, end in instants:
        clash = _overlapping(
            midwife, RotaEntry.ROSTERED_KINDS, start, end, (RotaEntry.Status.APPROVED,)
        )
        if clash is not None:
            raise ActionError(
                _("%(name)s is already on the rota then: %(entry)s.")
                % {"name": midwife.name, "entry": _describe(clash)},
                field="first_day",
            )
    rows = RotaEntry.objects.bulk_create(
        RotaEntry(
            midwife=midwife,
            kind=pattern.kind,
            starts_at=start,
            ends_at=end,
            status=RotaEntry.Status.APPROVED,
            note=note,
            requested_by=by,
        )
        for start, end in instants
    )
    audit(
        by=by,
        action="rota.add_shifts",
        obj=midwife,
        changes={
            "kind": pattern.kind,
            "count": len(rows),
            "first": instants[0][0].isoformat(),
            "last": instants[-1][1].isoformat(),
        },
    )
    return rows


@transaction.atomic
def remove_shift(*, by: User, entry: RotaEntry, version: int, reason: str) -> RotaEntry:
    locked = RotaEntry.objects.select_for_update().get(pk=entry.pk)
    if locked.version != version or locked.voided_at is not None:
        raise StaleRecord(
            _("This shift has changed since you opened it. Check it again."), record=locked
        )
    if not reason.strip():
        raise ActionError(_("Enter why you are removing this shift"), field="reason")
    locked.voided_at = timezone.now()
    locked.voided_by = by
    locked.void_reason = reason
    locked.version += 1
    locked.save(update_fields=["voided_at", "voided_by", "void_reason", "version"])
    audit(by=by, action="rota.remove_shift", obj=locked, reason=reason)
    return locked  # type: ignore[no-any-return]


# -- leave, sickness and study ---------------------------------------------------------------


@transaction.atomic
def request_absence(
    *, by: User, midwife: Midwife, kind: str, first_day: date, last_day: date, note: str = ""
) -> RotaEntry:
    """Ask for whole days away. A midwife asks for leave or study; a leader also records
    sickness. Either way it waits for a decision with its preview."""
    if kind not in RotaEntry.ABSENCE_KINDS:
        raise ActionError(_("Choose annual leave, a study day or sickness"), field="kind")
    if last_day < first_day:
        raise ActionError(
            _("The last day must be the same as or after the first day"), field="last_day"
        )
    if (last_day - first_day).days >= MAX_ABSENCE_DAYS:
        raise ActionError(_("Ask for at most a year at a time"), field="last_day")
    if kind != RotaEntry.Kind.SICKNESS and first_day < timezone.localdate():
        raise ActionError(_("The first day must be today or in the future"), field="first_day")
    midwife = _lock(midwife)
    _check_employed(midwife, first_day, last_day)
    start, end = day_bounds(first_day, last_day)
    clash = _overlapping(
        midwife,
        RotaEntry.ABSENCE_KINDS,
        start,
        end,
        (RotaEntry.Status.REQUESTED, RotaEntry.Status.APPROVED),
    )
    if clash is not None:
        raise ActionError(
            _("%(name)s already has %(entry)s.")
            % {"name": midwife.name, "entry": _describe(clash)},
            field="first_day",
        )
    entry = RotaEntry.objects.create(
        midwife=midwife,
        kind=kind,
        starts_at=start,
        ends_at=end,
        status=RotaEntry.Status.REQUESTED,
        note=note,
        requested_by=by,
    )
    audit(
        by=by,
        action="rota.request_absence",
        obj=entry,
        changes={
            "kind": kind,
            "first_day": first_day.isoformat(),
            "last_day": last_day.isoformat(),
        },
    )
    return entry  # type: ignore[no-any-return]


def _lock_entry(entry: RotaEntry, version: int, statuses: Sequence[str]) -> RotaEntry:
    locked = RotaEntry.objects.select_for_update().select_related("midwife__user").get(pk=entry.pk)
    if locked.version != version or locked.voided_at is not None:
        raise StaleRecord(
            _("This request has changed since you opened it. Check it again."), record=locked
        )
    if locked.status not in statuses:
        raise StaleRecord(
            _("This request is already %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked  # type: ignore[no-any-return]


def _decide(locked: RotaEntry, by: User, status: str, note: str) -> None:
    locked.status = status
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.version += 1
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "version"])


def visits_during(midwife: Midwife, start: datetime, end: datetime) -> list[Contact]:
    """Her planned visits in a window (not cancelled, not yet happened)."""
    return list(
        Contact.objects.live()
        .filter(
            activities__midwife=midwife,
            scheduled_start__gte=start,
            scheduled_start__lt=end,
            cancelled_at__isnull=True,
            attendance=Contact._meta.get_field("attendance").default,
        )
        .select_related("pregnancy__woman")
        .order_by("scheduled_start")
    )


def named_women(midwife: Midwife) -> list[Assignment]:
    return list(
        Assignment.objects.filter(
            named_midwife=midwife,
            ends_at__isnull=True,
            pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
        ).select_related("pregnancy__woman", "buddy__user", "team")
    )


@dataclass(frozen=True)
class Approval:
    entry: RotaEntry
    arrangement: CoverArrangement
    flagged: int
    messages: int


@transaction.atomic
def approve_leave(
    *, by: User, entry: RotaEntry, version: int, covering: Midwife, note: str = ""
) -> Approval:
    """Approve an absence: her cover is arranged, her visits in the window are flagged for
    reassignment and each of her women is told who looks after her, and when."""
    locked = _lock_entry(entry, version, (RotaEntry.Status.REQUESTED,))
    away = locked.midwife
    if covering.pk == away.pk:
        raise ActionError(_("Choose someone else to cover her women"), field="covering")
    if covering.team_id != away.team_id:
        raise ActionError(_("Choose a midwife from her team to cover"), field="covering")
    first, last = local_date(locked.starts_at), local_date(locked.ends_at - timedelta(seconds=1))
    if not (covering.is_active_on(first) and covering.is_active_on(last)):
        raise ActionError(
            _("%(name)s does not work in the team for all of this time") % {"name": covering.name},
            field="covering",
        )
    _decide(locked, by, RotaEntry.Status.APPROVED, note)
    arrangement = CoverArrangement.objects.create(
        covering=covering,
        covered=away,
        starts_at=locked.starts_at,
        ends_at=locked.ends_at,
        reason=locked.get_kind_display(),
        rota_entry=locked,
    )
    now = timezone.now()
    visits = visits_during(away, max(locked.starts_at, now), locked.ends_at)
    VisitFlag.objects.bulk_create(
        VisitFlag(
            contact=c,
            midwife=away,
            reason=FLAG_REASON[locked.kind],
            rota_entry=locked,
            raised_at=now,
            raised_by=by,
        )
        for c in visits
    )
    women = named_women(away)
    for assignment in women:
        queue_message(
            by=by,
            woman=assignment.pregnancy.woman,
            template="cover.away",
            personalisation={
                "named": away.name,
                "covering": covering.name,
                "from_date": first.isoformat(),
                "to_date": last.isoformat(),
            },
            reference=f"cover-away-{locked.pk}-{assignment.pregnancy_id}",
        )
    audit(
        by=by,
        action="rota.approve_absence",
        obj=locked,
        changes={
            "covering": covering.professional_id,
            "visits_flagged": len(visits),
            "women_told": len(women),
        },
        reason=note,
    )
    return Approval(locked, arrangement, len(visits), len(women))


@transaction.atomic
def decline_leave(*, by: User, entry: RotaEntry, version: int, reason: str) -> RotaEntry:
    if not reason.strip():
        raise ActionError(_("Enter why you are declining this request"), field="reason")
    locked = _lock_entry(entry, version, (RotaEntry.Status.REQUESTED,))
    _decide(locked, by, RotaEntry.Status.DECLINED, reason)
    audit(by=by, action="rota.decline_absence", obj=locked, reason=reason)
    return locked


@transaction.atomic
def cancel_leave(*, by: User, entry: RotaEntry, version: int) -> RotaEntry:
    """Withdraw a request, or cancel approved leave that has not started: its cover ends and
    its visit flags are cleared."""
    locked = _lock_entry(entry, version, (RotaEntry.Status.REQUESTED, RotaEntry.Status.APPROVED))
    now = timezone.now()
    if locked.status == RotaEntry.Status.APPROVED and locked.starts_at <= now:
        raise ActionError(
            _("Leave that has started cannot be cancelled here. Ask your team leader.")
        )
    locked.status = RotaEntry.Status.CANCELLED
    locked.version += 1
    locked.save(update_fields=["status", "version"])
    for arrangement in CoverArrangement.objects.live().filter(rota_entry=locked):
        arrangement.voided_at = now
        arrangement.voided_by = by
        arrangement.void_reason = "absence cancelled"
        arrangement.save(update_fields=["voided_at", "voided_by", "void_reason"])
    VisitFlag.objects.filter(rota_entry=locked, resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=by
    )
    audit(by=by, action="rota.cancel_absence", obj=locked)
    return locked


# -- call-outs and the visits after them -----------------------------------------------------


@transaction.atomic
def record_call_out(
    *, by: User, midwife: Midwife, day: date, start: time, end: time, note: str = ""
) -> RotaEntry:
    """Record a call-out that started on `day` at `start` (ending the next day if `end` is not
    after `start`)."""
    try:
        starts = local_instant(day, start)
        ends = local_instant(day if end > start else day + timedelta(days=1), end)
    except NonexistentTime as exc:
        raise ActionError(str(exc), field="start_time") from exc
    if ends.astimezone(UTC) - starts.astimezone(UTC) > MAX_CALL_OUT:  # real time, not wall clock
        raise ActionError(_("A call-out cannot be longer than 24 hours"), field="end_time")
    if starts > timezone.now():
        raise ActionError(_("Record a call-out once it has started"), field="start_time")
    midwife = _lock(midwife)
    _check_employed(midwife, day, local_date(ends))
    clash = _overlapping(
        midwife, (RotaEntry.Kind.CALL_OUT,), starts, ends, (RotaEntry.Status.APPROVED,)
    )
    if clash is not None:
        raise ActionError(
            _("You have already recorded a call-out then: %(entry)s.")
            % {"entry": _describe(clash)},
            field="start_time",
        )
    entry = RotaEntry.objects.create(
        midwife=midwife,
        kind=RotaEntry.Kind.CALL_OUT,
        starts_at=starts,
        ends_at=ends,
        status=RotaEntry.Status.APPROVED,
        note=note,
        requested_by=by,
    )
    audit(by=by, action="rota.record_call_out", obj=entry)
    return entry  # type: ignore[no-any-return]


@transaction.atomic
def move_visits(
    *, by: User, moves: Sequence[tuple[Contact, Midwife]], from_midwife: Midwife, reason: str
) -> int:
    """Give each visit to another midwife (her buddy after a night call-out, say)."""
    now = timezone.now()
    moved = 0
    for contact, to in moves:
        row = (
            ContactProfessional.objects.select_for_update()
            .filter(contact=contact, midwife=from_midwife)
            .first()
        )
        if row is None:
            raise StaleRecord(_("A visit has already been moved. Check the list again."))
        if to.pk == from_midwife.pk:
            raise ActionError(_("Choose someone else to do the visit"))
        if ContactProfessional.objects.filter(contact=contact, midwife=to).exists():
            row.delete()  # she was already going: the visit simply loses the resting midwife
        else:
            row.midwife = to
            row.team = to.team
            row.save(update_fields=["midwife", "team"])
        VisitFlag.objects.filter(contact=contact, resolved_at__isnull=True).update(
            resolved_at=now, resolved_by=by
        )
        audit(
            by=by,
            action="visit.reassign",
            obj=contact,
            changes={"from": from_midwife.professional_id, "to": to.professional_id},
            reason=reason,
        )
        refresh_visit_reminder(contact.pk, by=by, now=now)
        moved += 1
    return moved
