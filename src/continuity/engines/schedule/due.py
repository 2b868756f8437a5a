"""Turn a schedule and one pregnancy's facts into the contacts that fall due.

The answer depends only on the arguments: a changed due date, parity, birth or transfer home
simply gives a new list, and each contact keeps its schedule code so the caller can match it
to a contact it has already planned. The rules are in docs/engines/schedule.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from continuity.engines.gestation import Dating, date_reaching, ga_days
from continuity.engines.schedule.check import (
    validate_facts,
    validate_schedule,
    validate_settings,
)
from continuity.engines.schedule.model import (
    KINDS,
    AntenatalKind,
    DueContact,
    PregnancyFacts,
    Schedule,
    ScheduleSettings,
)

EXTRA_SOURCE = "extra"
_ONE_DAY = timedelta(days=1)


def _antenatal_minutes(kind: AntenatalKind, settings: ScheduleSettings) -> int:
    if kind == "booking":
        if settings.continuity_of_carer:
            return settings.coc_booking_minutes
        return settings.booking_minutes
    return settings.antenatal_minutes


def _local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def _antenatal(
    pregnancy: PregnancyFacts, schedule: Schedule, settings: ScheduleSettings, tz: ZoneInfo
) -> Iterator[DueContact]:
    dating = Dating(pregnancy.booking_date, pregnancy.edd, pregnancy.ga_at_booking_days)
    booking = pregnancy.booking_date
    birth = None if pregnancy.birth_at is None else _local_date(pregnancy.birth_at, tz)
    for contact in schedule.antenatal:
        if contact.nulliparous_only and not pregnancy.nulliparous:
            continue
        minutes = contact.duration_minutes
        if minutes is None:
            minutes = _antenatal_minutes(contact.kind, settings)
        if contact.kind == "booking":
            # The booking is the booking date itself, however late it is.
            earliest = target = latest = booking
        else:
            earliest = date_reaching(dating, contact.earliest_ga_days)
            target = date_reaching(dating, contact.target_ga_days)
            latest = date_reaching(dating, contact.latest_ga_days)
            if latest <= booking:
                continue  # booked late: the window closed by the booking day
            earliest = max(earliest, booking + _ONE_DAY)
            target = max(target, earliest)
            if birth is not None:
                if target >= birth:
                    continue  # she gave birth before it was due
                latest = min(latest, birth - _ONE_DAY)
        yield DueContact(
            code=contact.code,
            kind=contact.kind,
            label_key=contact.label_key,
            earliest=earliest,
            target=target,
            latest=latest,
            duration_minutes=minutes,
            activities=contact.activities,
            source=schedule.name,
            target_ga_days=ga_days(dating, target),
        )


def postnatal_start(pregnancy: PregnancyFacts) -> datetime | None:
    """When postnatal care at home starts: the transfer home, or the midwife leaving after a
    home birth (the birth itself when that time is not recorded). None while not known."""
    if pregnancy.postnatal_start_at is not None:
        return pregnancy.postnatal_start_at
    if pregnancy.home_birth:
        return pregnancy.birth_at
    return None


def _postnatal(
    pregnancy: PregnancyFacts, schedule: Schedule, settings: ScheduleSettings, tz: ZoneInfo
) -> Iterator[DueContact]:
    series = schedule.postnatal
    start = postnatal_start(pregnancy)
    birth_at = pregnancy.birth_at
    if series is None or start is None or birth_at is None:
        return
    start = start.astimezone(UTC)
    start_date = _local_date(start, tz)
    wanted = "six_weeks" if settings.continue_to_six_weeks else "standard"
    for contact in series.contacts:
        if contact.series not in ("both", wanted):
            continue
        anchor = birth_at if contact.anchor == "birth" else start
        earliest_at: datetime | None = None
        target_at: datetime | None = None
        latest_at: datetime | None = None
        if contact.unit == "hours":
            base = anchor.astimezone(UTC)  # elapsed hours, whatever the clocks do
            latest_at = base + timedelta(hours=contact.latest)
            if latest_at < start:
                continue  # the window closed before she came home
            earliest_at = max(base + timedelta(hours=contact.earliest), start)
            target_at = max(base + timedelta(hours=contact.target), earliest_at)
            earliest = _local_date(earliest_at, tz)
            target = _local_date(target_at, tz)
            latest = _local_date(latest_at, tz)
        else:
            day0 = _local_date(anchor, tz)
            latest = day0 + timedelta(days=contact.latest)
            if latest < start_date:
                continue
            earliest = max(day0 + timedelta(days=contact.earliest), start_date)
            target = max(day0 + timedelta(days=contact.target), earliest)
        minutes = contact.duration_minutes
        yield DueContact(
            code=contact.code,
            kind="postnatal",
            label_key=contact.label_key,
            earliest=earliest,
            target=target,
            latest=latest,
            duration_minutes=settings.postnatal_minutes if minutes is None else minutes,
            activities=contact.activities,
            source=series.name,
            earliest_at=earliest_at,
            target_at=target_at,
            latest_at=latest_at,
        )


def _extras(pregnancy: PregnancyFacts) -> Iterator[DueContact]:
    for visit in pregnancy.extra:
        yield DueContact(
            code=visit.code,
            kind="extra",
            label_key=visit.label_key,
            earliest=visit.earliest,
            target=visit.earliest if visit.target is None else visit.target,
            latest=visit.latest,
            duration_minutes=visit.duration_minutes,
            activities=visit.activities,
            source=EXTRA_SOURCE,
        )


def _order(contact: DueContact) -> tuple[date, date, date, int, str]:
    return (
        contact.target,
        contact.earliest,
        contact.latest,
        KINDS.index(contact.kind),
        contact.code,
    )


def schedule_codes(schedule: Schedule) -> frozenset[str]:
    codes = {c.code for c in schedule.antenatal}
    if schedule.postnatal is not None:
        codes.update(c.code for c in schedule.postnatal.contacts)
    return frozenset(codes)


def due_contacts(
    pregnancy: PregnancyFacts,
    schedule: Schedule,
    settings: ScheduleSettings,
    today: date | None = None,
) -> tuple[DueContact, ...]:
    """The contacts due for one pregnancy, sorted by target date.

    With `today`, contacts whose window closed before today are left out; without it, the
    whole series is returned (what the app needs to match against contacts already planned).
    Raises ScheduleInputError, naming the field, for an impossible schedule, settings or facts.
    """
    validate_schedule(schedule)
    tz = validate_settings(settings)
    validate_facts(pregnancy, schedule_codes(schedule), tz)
    contacts = [
        *_antenatal(pregnancy, schedule, settings, tz),
        *_postnatal(pregnancy, schedule, settings, tz),
        *_extras(pregnancy),
    ]
    if today is not None:
        contacts = [c for c in contacts if c.latest >= today]
    return tuple(sorted(contacts, key=_order))
