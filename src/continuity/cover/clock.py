"""Local (Europe/London) days and times to UTC instants, honest about the clock changes.

On the last Sunday of March the hour from 01:00 to 02:00 does not exist; on the last Sunday of
October the hour from 01:00 to 02:00 happens twice (we take the first, British Summer Time).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _


class NonexistentTime(ValueError):
    pass


def zone() -> ZoneInfo:
    # Django caches this (and clears it when a test overrides TIME_ZONE): the same ZoneInfo as
    # ZoneInfo(TIME_ZONE), without looking the name up on every call.
    return timezone.get_default_timezone()


def local_instant(day: date, at: time) -> datetime:
    """The instant a local wall-clock time happens; NonexistentTime in the spring-forward gap."""
    tz = zone()
    candidate = datetime.combine(day, at, tzinfo=tz)
    back = candidate.astimezone(UTC).astimezone(tz)
    if back.replace(tzinfo=None) != candidate.replace(tzinfo=None):
        raise NonexistentTime(
            _("There is no %(time)s on %(date)s: the clocks go forward an hour that night.")
            % {"time": at.strftime("%H:%M"), "date": date_format(day, "j F Y")}
        )
    return candidate


def day_start(day: date) -> datetime:
    """Local midnight, which always exists in the UK."""
    return datetime.combine(day, time(0), tzinfo=zone())


def day_bounds(first: date, last: date) -> tuple[datetime, datetime]:
    """[first day's midnight, the midnight after the last day) — whole days, however long."""
    return day_start(first), day_start(last + timedelta(days=1))


def local_date(at: datetime) -> date:
    return at.astimezone(zone()).date()


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
