"""Working days and deadlines: Monday to Friday, less the bank holidays a calendar lists.

The counting rule, used everywhere in this module: **the first working day after `start` is
day 1**. The start day itself is never counted, whether or not it is a working day, so a
concern received on a Friday with 2 working days to answer is due on the Tuesday (Monday is
day 1). See docs/engines/workingdays.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

_ONE_DAY = timedelta(days=1)


class WorkingDaysInputError(ValueError):
    """Input the engine cannot work with. `path` names the offending field or argument, for
    example `events[3].date`, `division`, `received_at` or `n`."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class BankHoliday:
    """One listed bank holiday. `notes` is GOV.UK's note, for example "Substitute day"."""

    date: date
    title: str
    notes: str = ""


@dataclass(frozen=True, slots=True)
class HolidayList:
    """A division's bank holidays, in date order, as read from the GOV.UK JSON shape."""

    division: str
    events: tuple[BankHoliday, ...]


def _count(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise WorkingDaysInputError(path, "must be a whole number of working days")
    if value < 0:
        raise WorkingDaysInputError(path, "must be 0 or more working days")
    return value


def _weekdays_through(day: date) -> int:
    """Monday-to-Friday days from 0001-01-01 (a Monday) up to and including `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


@dataclass(frozen=True, slots=True)
class Calendar:
    """Working days: Monday to Friday, except the dates in `holidays`.

    `covers` is the first and last year, inclusive, whose bank holidays are all in `holidays`.
    When it is set, every date given to the calendar (and every day it steps through) must fall
    in those years, so a deadline past the end of the data is refused instead of silently
    ignoring holidays nobody listed. `None` means no such check.
    """

    holidays: frozenset[date]
    covers: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.covers is not None and self.covers[0] > self.covers[1]:
            raise WorkingDaysInputError("covers", "the first year must not be after the last")

    def _check(self, day: date, path: str) -> None:
        if self.covers is None:
            return
        first, last = self.covers
        if not first <= day.year <= last:
            raise WorkingDaysInputError(
                path,
                f"{day.isoformat()} is outside the years this calendar's bank holidays cover "
                f"({first} to {last}): add that year's bank holidays to the list",
            )

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday and not a listed holiday."""
        self._check(day, "day")
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after `day`."""
        self._check(day, "day")
        step = day + _ONE_DAY
        while not self.is_working_day(step):
            step += _ONE_DAY
        return step

    def add_working_days(self, start: date, n: int) -> date:
        """The date that is day `n`, counting the first working day after `start` as day 1.

        `start` itself is never counted, so Friday + 2 is Tuesday, and Saturday + 1 is Monday.
        `n = 0` returns `start` unchanged, working day or not.
        """
        n = _count(n, "n")
        self._check(start, "start")
        day = start
        for _ in range(n):
            day = self.next_working_day(day)
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative (the count after `b` up to
        and including `a`) when `b` is before `a`. So `working_days_between(start,
        add_working_days(start, n)) == n`."""
        self._check(a, "a")
        self._check(b, "b")
        if b < a:
            return -self.working_days_between(b, a)
        weekdays = _weekdays_through(b) - _weekdays_through(a)
        closed = sum(1 for h in self.holidays if a < h <= b and h.weekday() < 5)
        return weekdays - closed

    def received_on(self, received_at: datetime, *, cutoff: time | None = None) -> date:
        """The working day a concern counts as received on.

        It is the local date of `received_at`, unless that date is not a working day, or the
        clock time is after `cutoff` (strictly: at 17:00:00 exactly with a 17:00 cut-off is
        still that day); then it is the next working day. `received_at` must carry its time
        zone and be in the trust's local time.
        """
        if not isinstance(received_at, datetime):
            raise WorkingDaysInputError("received_at", "must be a date and time")
        if received_at.tzinfo is None or received_at.utcoffset() is None:
            raise WorkingDaysInputError(
                "received_at",
                "has no time zone: give the local time with its zone, "
                "like 2026-06-05T17:30:00+01:00",
            )
        if cutoff is not None and (not isinstance(cutoff, time) or cutoff.tzinfo is not None):
            raise WorkingDaysInputError(
                "cutoff", "must be a local clock time without a time zone, like 17:00"
            )
        day = received_at.date()
        self._check(day, "received_at")
        late = cutoff is not None and received_at.time() > cutoff
        if late or not self.is_working_day(day):
            return self.next_working_day(day)
        return day

    def deadline(
        self, received_at: datetime, working_days: int, *, cutoff: time | None = None
    ) -> date:
        """The due date: `working_days` working days after the day the concern counts as
        received on (see `received_on`), counting the first working day after it as day 1.
        A concern at 17:30 on a Friday with a 17:00 cut-off counts as received on Monday, so
        with 2 working days it is due on Wednesday. With 0 it is due on the day received."""
        working_days = _count(working_days, "working_days")
        return self.add_working_days(self.received_on(received_at, cutoff=cutoff), working_days)
