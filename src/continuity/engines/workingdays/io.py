"""The JSON form of a bank holiday list (see docs/engines/workingdays.md).

It is one division of GOV.UK's https://www.gov.uk/bank-holidays.json:

    {"division": "england-and-wales",
     "events": [{"title": "Christmas Day", "date": "2026-12-25", "notes": "", "bunting": true}]}

`title` and `date` are required; GOV.UK's `notes` and `bunting` are allowed (`bunting` is
ignored). Reading checks every field and raises WorkingDaysInputError naming it, e.g.
`events[3].date: must be a date like 2026-12-25`. Unknown fields are refused, so a misspelt
field is caught rather than ignored. The England and Wales list lives in `data/`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from continuity.engines.fields import Fields
from continuity.engines.workingdays.calendar import (
    BankHoliday,
    Calendar,
    HolidayList,
    WorkingDaysInputError,
)

DIVISIONS: tuple[str, ...] = ("england-and-wales", "scotland", "northern-ireland")

_fields = Fields(WorkingDaysInputError)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _obj(
    value: Any, path: str, allowed: tuple[str, ...], required: tuple[str, ...]
) -> dict[str, Any]:
    if not path and not isinstance(value, dict):
        raise WorkingDaysInputError(
            "", 'The holiday list must be a JSON object with "division" and "events"'
        )
    data = _fields.object(value, path)
    for key in data:
        if key not in allowed:
            raise WorkingDaysInputError(
                f"{path}.{key}" if path else str(key), "is not a field this form has"
            )
    for key in required:
        if key not in data:
            raise WorkingDaysInputError(f"{path}.{key}" if path else key, "is required")
    return data


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise WorkingDaysInputError(path, "must be a non-empty string")
    return value


def _date(value: Any, path: str) -> date:
    # date.fromisoformat also takes "20261225" and "2026-W52-5"; the form is YYYY-MM-DD only.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise WorkingDaysInputError(path, "must be a date like 2026-12-25")


def _event(value: Any, path: str) -> BankHoliday:
    data = _obj(value, path, ("title", "date", "notes", "bunting"), ("title", "date"))
    notes = data.get("notes", "")
    if not isinstance(notes, str):
        raise WorkingDaysInputError(f"{path}.notes", "must be a string")
    if "bunting" in data:
        _fields.boolean(data["bunting"], f"{path}.bunting")
    return BankHoliday(
        date=_date(data["date"], f"{path}.date"),
        title=_text(data["title"], f"{path}.title"),
        notes=notes,
    )


def holiday_list_from_dict(value: Any) -> HolidayList:
    """A holiday list from its JSON form, checked: the division is one of DIVISIONS, each date
    is YYYY-MM-DD, no date is listed twice, and every year from the first listed to the last
    has at least one holiday (the calendar is trusted for exactly those years). Events come
    back in date order."""
    data = _obj(value, "", ("division", "events"), ("division", "events"))
    division = data["division"]
    if division not in DIVISIONS:
        raise WorkingDaysInputError(
            "division", "must be one of " + ", ".join(repr(d) for d in DIVISIONS)
        )
    events = tuple(
        _event(item, f"events[{i}]")
        for i, item in enumerate(_fields.list(data["events"], "events"))
    )
    first_seen: dict[date, int] = {}
    for i, event in enumerate(events):
        if event.date in first_seen:
            raise WorkingDaysInputError(
                f"events[{i}].date",
                f"{event.date.isoformat()} is listed twice (also events[{first_seen[event.date]}])",
            )
        first_seen[event.date] = i
    if not events:
        raise WorkingDaysInputError("events", "must list at least one bank holiday")
    years = {event.date.year for event in events}
    for year in range(min(years), max(years) + 1):
        if year not in years:
            raise WorkingDaysInputError(
                "events",
                f"lists no bank holidays in {year}: list every year from the first to the last",
            )
    return HolidayList(division=str(division), events=tuple(sorted(events, key=lambda e: e.date)))


def holiday_list_from_json(text: str) -> HolidayList:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorkingDaysInputError(
            "",
            f"The holiday list is not valid JSON: {exc.msg} "
            f"at line {exc.lineno} column {exc.colno}",
        ) from None
    return holiday_list_from_dict(value)


def calendar_from_holidays(holidays: HolidayList) -> Calendar:
    """A calendar of the listed dates, covering the years from the first listed date's to the
    last's (an empty list covers nothing, so it checks nothing)."""
    dates = frozenset(e.date for e in holidays.events)
    if not dates:
        return Calendar(dates)
    return Calendar(dates, covers=(min(dates).year, max(dates).year))


def calendar_from_json(text: str) -> Calendar:
    """A calendar from a trust's own holiday list in the JSON form above."""
    return calendar_from_holidays(holiday_list_from_json(text))


@cache
def england_and_wales() -> HolidayList:
    """The packaged England and Wales list (data/england_and_wales.json)."""
    text = resources.files(__package__).joinpath("data", "england_and_wales.json")
    return holiday_list_from_json(text.read_text("utf-8"))


@cache
def default_calendar() -> Calendar:
    """The packaged England and Wales bank holidays, 2018 to 2030."""
    return calendar_from_holidays(england_and_wales())
