"""Checks on schedules, settings and pregnancy facts, with a path to the offending field.

The JSON reader (`io.py`) checks types; these functions check what a well-typed value must
also satisfy, so a schedule or settings object built in code gets the same protection.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from continuity.engines.gestation import TERM_DAYS
from continuity.engines.schedule.model import (
    ANCHORS,
    ANTENATAL_KINDS,
    MAX_DURATION_MINUTES,
    MAX_GA_DAYS,
    MAX_POSTNATAL_DAYS,
    MAX_POSTNATAL_HOURS,
    SERIES,
    UNITS,
    PregnancyFacts,
    Schedule,
    ScheduleInputError,
    ScheduleSettings,
)

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,39}")


def check_code(code: str, path: str) -> None:
    if not CODE_PATTERN.fullmatch(code):
        raise ScheduleInputError(
            path,
            "must be 1 to 40 lower-case letters, digits or underscores, starting with a letter",
        )


def check_duration(minutes: int | None, path: str) -> None:
    if minutes is not None and not 1 <= minutes <= MAX_DURATION_MINUTES:
        raise ScheduleInputError(
            path, f"must be a whole number of minutes from 1 to {MAX_DURATION_MINUTES}"
        )


def _check_activities(activities: tuple[str, ...], path: str) -> None:
    seen: set[str] = set()
    for i, activity in enumerate(activities):
        check_code(activity, f"{path}[{i}]")
        if activity in seen:
            raise ScheduleInputError(f"{path}[{i}]", f"repeats the activity {activity!r}")
        seen.add(activity)


def _check_window(earliest: int, target: int, latest: int, path: str, low: int, high: int) -> None:
    for name, value in (("earliest", earliest), ("target", target), ("latest", latest)):
        if not low <= value <= high:
            raise ScheduleInputError(f"{path}.{name}", f"must be from {low} to {high}")
    if earliest > target:
        raise ScheduleInputError(f"{path}.target", "must not be before the earliest")
    if target > latest:
        raise ScheduleInputError(f"{path}.latest", "must not be before the target")


def validate_schedule(schedule: Schedule) -> None:
    """Raise ScheduleInputError for the first problem found in a schedule."""
    check_code(schedule.name, "name")
    codes: dict[str, str] = {}

    def claim(code: str, path: str) -> None:
        check_code(code, f"{path}.code")
        if code in codes:
            raise ScheduleInputError(f"{path}.code", f"repeats the code {code!r} of {codes[code]}")
        codes[code] = path

    bookings = 0
    for i, contact in enumerate(schedule.antenatal):
        path = f"antenatal[{i}]"
        claim(contact.code, path)
        if not contact.label_key.strip():
            raise ScheduleInputError(f"{path}.label_key", "must not be empty")
        if contact.kind not in ANTENATAL_KINDS:
            raise ScheduleInputError(f"{path}.kind", "must be 'booking' or 'antenatal'")
        if contact.kind == "booking":
            bookings += 1
            if bookings > 1:
                raise ScheduleInputError(f"{path}.kind", "a schedule has at most one booking")
            if contact.nulliparous_only:
                raise ScheduleInputError(
                    f"{path}.nulliparous_only", "the booking is for every woman"
                )
        _check_window(
            contact.earliest_ga_days,
            contact.target_ga_days,
            contact.latest_ga_days,
            path,
            0,
            MAX_GA_DAYS,
        )
        check_duration(contact.duration_minutes, f"{path}.duration_minutes")
        _check_activities(contact.activities, f"{path}.activities")

    if schedule.postnatal is None:
        return
    check_code(schedule.postnatal.name, "postnatal.name")
    for i, pn in enumerate(schedule.postnatal.contacts):
        path = f"postnatal.contacts[{i}]"
        claim(pn.code, path)
        if not pn.label_key.strip():
            raise ScheduleInputError(f"{path}.label_key", "must not be empty")
        if pn.anchor not in ANCHORS:
            raise ScheduleInputError(f"{path}.anchor", "must be 'postnatal_start' or 'birth'")
        if pn.unit not in UNITS:
            raise ScheduleInputError(f"{path}.unit", "must be 'hours' or 'days'")
        if pn.series not in SERIES:
            raise ScheduleInputError(f"{path}.series", "must be 'both', 'standard' or 'six_weeks'")
        high = MAX_POSTNATAL_HOURS if pn.unit == "hours" else MAX_POSTNATAL_DAYS
        _check_window(pn.earliest, pn.target, pn.latest, path, 0, high)
        check_duration(pn.duration_minutes, f"{path}.duration_minutes")
        _check_activities(pn.activities, f"{path}.activities")


def zone(settings: ScheduleSettings) -> ZoneInfo:
    try:
        return ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ScheduleInputError(
            "settings.timezone", "must be a time zone name, like Europe/London"
        ) from None


def validate_settings(settings: ScheduleSettings) -> ZoneInfo:
    """Raise ScheduleInputError for impossible settings; return the settings' time zone."""
    for name in (
        "booking_minutes",
        "coc_booking_minutes",
        "antenatal_minutes",
        "postnatal_minutes",
    ):
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int):
            raise ScheduleInputError(f"settings.{name}", "must be a whole number of minutes")
        check_duration(value, f"settings.{name}")
    return zone(settings)


def validate_facts(facts: PregnancyFacts, schedule_codes: frozenset[str], tz: ZoneInfo) -> None:
    """Raise ScheduleInputError for impossible pregnancy facts. `schedule_codes` are the codes
    an extra visit may not reuse; `tz` gives the local date of the birth."""
    if facts.previous_live_births < 0:
        raise ScheduleInputError("pregnancy.previous_live_births", "must be 0 or more")
    if facts.ga_at_booking_days is not None and not 0 <= facts.ga_at_booking_days <= MAX_GA_DAYS:
        raise ScheduleInputError(
            "pregnancy.ga_at_booking_days", f"must be between 0 and {MAX_GA_DAYS} days"
        )
    implied = TERM_DAYS - (facts.edd - facts.booking_date).days
    if not 0 <= implied <= MAX_GA_DAYS:
        earliest = facts.booking_date - timedelta(days=MAX_GA_DAYS - TERM_DAYS)
        latest = facts.booking_date + timedelta(days=TERM_DAYS)
        raise ScheduleInputError(
            "pregnancy.edd",
            f"gives a gestational age at booking of {implied} days, outside 0 to {MAX_GA_DAYS}:"
            f" with this booking date the due date must be from {earliest.isoformat()}"
            f" to {latest.isoformat()}",
        )
    for name in ("birth_at", "postnatal_start_at"):
        instant = getattr(facts, name)
        if instant is not None and (instant.tzinfo is None or instant.utcoffset() is None):
            raise ScheduleInputError(
                f"pregnancy.{name}", "must be a date and time with a UTC offset"
            )
    if facts.birth_at is not None and facts.birth_at.astimezone(tz).date() < facts.booking_date:
        raise ScheduleInputError("pregnancy.birth_at", "must not be before the booking date")
    if facts.postnatal_start_at is not None:
        if facts.birth_at is None:
            raise ScheduleInputError(
                "pregnancy.birth_at", "is needed when the start of postnatal care is known"
            )
        if facts.postnatal_start_at < facts.birth_at:
            raise ScheduleInputError("pregnancy.postnatal_start_at", "must not be before the birth")
    seen: set[str] = set()
    for i, visit in enumerate(facts.extra):
        path = f"pregnancy.extra[{i}]"
        if not visit.code.strip():
            raise ScheduleInputError(f"{path}.code", "must not be empty")
        if visit.code in seen or visit.code in schedule_codes:
            raise ScheduleInputError(
                f"{path}.code", f"{visit.code!r} is already used by another contact"
            )
        seen.add(visit.code)
        if not visit.label_key.strip():
            raise ScheduleInputError(f"{path}.label_key", "must not be empty")
        if visit.latest < visit.earliest:
            raise ScheduleInputError(f"{path}.latest", "must not be before the earliest date")
        if visit.target is not None and not visit.earliest <= visit.target <= visit.latest:
            raise ScheduleInputError(f"{path}.target", "must be inside the visit's window")
        if isinstance(visit.duration_minutes, bool) or visit.duration_minutes is None:
            raise ScheduleInputError(f"{path}.duration_minutes", "must be a whole number")
        check_duration(visit.duration_minutes, f"{path}.duration_minutes")
        _check_activities(visit.activities, f"{path}.activities")
