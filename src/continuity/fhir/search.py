"""Reading a FHIR search: which parameters each resource type takes, and turning them into
filters on a scoped queryset.

Every parameter is checked before anything is read or written: an unknown parameter, a modifier
or an unsupported prefix is 400 `not-supported`; a value that cannot be read (a malformed date,
`_count=abc`) is 400 `value`. Repeating a parameter ANDs it; commas inside one value OR them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import timezone as dt_timezone
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from continuity.fhir.responses import FhirError

LONDON = ZoneInfo("Europe/London")
DEFAULT_COUNT = 20
MAX_COUNT = 100

# Parameters about the result rather than the match; accepted on every search.
RESULT_PARAMETERS = frozenset({"_count", "_offset", "_format", "_pretty"})
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
SUPPORTED_PREFIXES = ("eq", "ge", "le", "gt", "lt")
UNSUPPORTED_PREFIXES = ("ne", "sa", "eb", "ap")

_DATE = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?:\.\d{1,9})?)?"
    r"(?P<tz>Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


@dataclass(frozen=True)
class DateParam:
    """A date search on one field (`kind` "datetime" or "date")."""

    field: str
    kind: str = "datetime"


@dataclass(frozen=True)
class Parameters:
    """The search parameters one resource type supports, each turned into a `Q`."""

    id: Callable[[str], Q]  # the logical id → a filter (matching nothing if malformed)
    patient: str | None = None  # the path to the woman's ref
    date: DateParam | None = None
    last_updated: DateParam | None = None
    status: Mapping[str, Q] | None = None  # FHIR code → filter
    status_codes: frozenset[str] = frozenset()  # the whole FHIR value set, for checking
    identifier: Callable[[str | None, str], Q] | None = None  # (system or None, value)
    docs: Mapping[str, str] = field(default_factory=dict)  # name → what it searches

    @property
    def names(self) -> list[str]:
        found = ["_id"]
        if self.last_updated:
            found.append("_lastUpdated")
        if self.identifier:
            found.append("identifier")
        if self.patient:
            found.append("patient")
        if self.date:
            found.append("date")
        if self.status is not None:
            found.append("status")
        return found


@dataclass
class Query:
    filters: list[Q] = field(default_factory=list)
    count: int = DEFAULT_COUNT
    offset: int = 0
    pretty: bool = False
    link_params: list[tuple[str, str]] = field(default_factory=list)


def _bad(name: str, why: str) -> FhirError:
    return FhirError(400, "value", f"Search parameter '{name}': {why}")


def _int(name: str, value: str, *, maximum: int | None = None) -> int:
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise _bad(name, "must be a whole number from 0 to 999999999.")
    number = int(value)
    return min(number, maximum) if maximum is not None else number


def check_format(value: str) -> None:
    if value.split(";")[0].strip().lower() not in JSON_FORMATS:
        raise FhirError(406, "not-supported", "Only JSON is supported (_format=json).")


def date_range(name: str, value: str) -> tuple[datetime, datetime]:
    """The instants [start, end) a FHIR date value covers, at its precision. A value without a
    time zone is read in Europe/London."""
    found = _DATE.match(value)
    if found is None:
        raise _bad(name, "use a FHIR date such as 2026-03-01 or 2026-03-01T09:30:00Z.")
    part = found.groupdict()
    try:
        year = int(part["year"])
        if part["month"] is None:
            start = datetime(year, 1, 1, tzinfo=LONDON)
            return start, datetime(year + 1, 1, 1, tzinfo=LONDON)
        month = int(part["month"])
        if part["day"] is None:
            start = datetime(year, month, 1, tzinfo=LONDON)
            end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=LONDON)
            return start, end
        day = int(part["day"])
        if part["hour"] is None:
            start = datetime(year, month, day, tzinfo=LONDON)
            following = date(year, month, day) + timedelta(days=1)
            return start, datetime(following.year, following.month, following.day, tzinfo=LONDON)
        zone: Any = LONDON
        if part["tz"] == "Z":
            zone = UTC
        elif part["tz"]:
            sign = 1 if part["tz"][0] == "+" else -1
            hours, minutes = part["tz"][1:].split(":")
            zone = dt_timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
        second = part["second"]
        start = datetime(
            year,
            month,
            day,
            int(part["hour"]),
            int(part["minute"]),
            int(second or 0),
            tzinfo=zone,
        )
        return start, start + (timedelta(seconds=1) if second else timedelta(minutes=1))
    except ValueError as exc:
        raise _bad(name, "that date does not exist.") from exc


def _ceil_date(instant: datetime) -> date:
    """The first whole day (Europe/London) starting at or after `instant`."""
    local = instant.astimezone(LONDON)
    day = local.date()
    return day if local.time() == datetime.min.time() else day + timedelta(days=1)


def date_filter(name: str, raw: str, param: DateParam) -> Q:
    prefix, value = "eq", raw
    if raw[:2] in UNSUPPORTED_PREFIXES:
        raise FhirError(
            400,
            "not-supported",
            f"Search parameter '{name}': prefixes supported are {', '.join(SUPPORTED_PREFIXES)}.",
        )
    if raw[:2] in SUPPORTED_PREFIXES:
        prefix, value = raw[:2], raw[2:]
    start: Any
    end: Any
    start, end = date_range(name, value)
    if param.kind == "date":
        start, end = _ceil_date(start), _ceil_date(end)
    f = param.field
    return {
        "eq": Q(**{f"{f}__gte": start, f"{f}__lt": end}),
        "ge": Q(**{f"{f}__gte": start}),
        "gt": Q(**{f"{f}__gte": end}),
        "le": Q(**{f"{f}__lt": end}),
        "lt": Q(**{f"{f}__lt": start}),
    }[prefix]


def patient_ref(value: str) -> uuid.UUID:
    """`Patient/<id>`, a bare id, or an absolute URL ending in `/Patient/<id>`."""
    text = value.strip()
    if "/" in text:
        kind, _, text = text.rstrip("/").rpartition("/")
        if not kind.endswith("Patient"):
            raise _bad("patient", "give a Patient reference, Patient/<id>.")
    try:
        return uuid.UUID(text)
    except ValueError as exc:
        raise _bad("patient", "give a Patient reference, Patient/<id>.") from exc


def _any(values: list[Q]) -> Q:
    """OR the filters; an empty Q matches everything, and no filters match nothing."""
    if any(not q for q in values):
        return Q()
    combined = Q(pk__in=[])
    for q in values:
        combined |= q
    return combined


def parse(
    resource_type: str,
    params: Sequence[tuple[str, str]],
    supported: Parameters,
) -> Query:
    """Check every parameter, then build the filters. Raises FhirError; touches no data."""
    names = set(supported.names)
    for name, _value in params:
        base_name = name.split(":", 1)[0]
        shown = name[:40]
        if ":" in name and base_name in names | RESULT_PARAMETERS:
            raise FhirError(
                400, "not-supported", f"Search parameter modifiers are not supported ('{shown}')."
            )
        if base_name not in names | RESULT_PARAMETERS:
            raise FhirError(
                400,
                "not-supported",
                f"Unknown search parameter '{shown}' for {resource_type}. "
                f"Supported: {', '.join([*supported.names, *sorted(RESULT_PARAMETERS)])}.",
            )
    query = Query()
    for name, value in params:
        if name == "_format":
            check_format(value)
            query.link_params.append((name, value))
            continue
        if name == "_pretty":
            if value not in ("true", "false"):
                raise _bad(name, "use true or false.")
            query.pretty = value == "true"
            query.link_params.append((name, value))
            continue
        if name == "_count":
            query.count = _int(name, value, maximum=MAX_COUNT)
            continue
        if name == "_offset":
            query.offset = _int(name, value)
            continue
        if value == "":
            continue  # an empty parameter is ignored, as FHIR allows
        query.link_params.append((name, value))
        query.filters.append(_filter(name, value, supported))
    return query


def _filter(name: str, value: str, supported: Parameters) -> Q:
    values = [v for v in value.split(",") if v]
    if name == "_id":
        return _any([supported.id(v) for v in values])
    if name == "patient" and supported.patient:
        return _any([Q(**{supported.patient: patient_ref(v)}) for v in values])
    if name == "date" and supported.date:
        return date_filter(name, value, supported.date)
    if name == "_lastUpdated" and supported.last_updated:
        return date_filter(name, value, supported.last_updated)
    if name == "status" and supported.status is not None:
        unknown = [v for v in values if v not in supported.status_codes]
        if unknown:
            raise _bad(name, f"codes are {', '.join(sorted(supported.status_codes))}.")
        return _any([supported.status.get(v, Q(pk__in=[])) for v in values])
    if name == "identifier" and supported.identifier:
        found = []
        for v in values:
            system, bar, code = v.partition("|")
            found.append(supported.identifier(system if bar else None, code if bar else v))
        return _any(found)
    raise FhirError(400, "not-supported", f"Search parameter '{name[:40]}' is not supported.")
