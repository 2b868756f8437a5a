"""The JSON form of schedules, settings, pregnancy facts and due contacts
(see docs/engines/schedule.md).

Reading checks every field and raises ScheduleInputError naming it, e.g.
`antenatal[3].duration_minutes: must be a whole number of minutes from 1 to 480`. Unknown
fields are refused, so a misspelt field in a schedule file is caught rather than ignored.

Gestational ages in a schedule file are written "16+0" (weeks+days) or as whole days (112).
The built-in schedules live in `data/` beside this module and are loaded by name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from continuity.engines.fields import Fields
from continuity.engines.gestation import format_weeks_days
from continuity.engines.schedule.check import validate_schedule, validate_settings
from continuity.engines.schedule.model import (
    ANCHORS,
    ANTENATAL_KINDS,
    SERIES,
    UNITS,
    Anchor,
    AntenatalContact,
    AntenatalKind,
    DueContact,
    ExtraVisit,
    PostnatalContact,
    PostnatalSeries,
    PregnancyFacts,
    Schedule,
    ScheduleInputError,
    ScheduleSettings,
    Series,
    Unit,
)

SCHEDULE_NAMES: tuple[str, ...] = ("nice_ng201", "who_2016")
POSTNATAL_SERIES_NAMES: tuple[str, ...] = ("nice_postnatal",)
DEFAULT_SCHEDULE = "nice_ng201"

# -- small readers ------------------------------------------------------------------------------


_fields = Fields(ScheduleInputError)
_list = _fields.list
_bool = _fields.boolean


def _obj(value: Any, path: str, allowed: Iterable[str], required: Iterable[str]) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ScheduleInputError(path, "must be an object")
    allowed_set = set(allowed)
    for key in value:
        if key not in allowed_set:
            where = f"{path}.{key}" if path else str(key)
            raise ScheduleInputError(where, "is not a field this form has")
    for key in required:
        if key not in value:
            raise ScheduleInputError(f"{path}.{key}" if path else key, "is required")
    return value


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ScheduleInputError(path, "must be a non-empty string")
    return value


def _optional_text(value: Any, path: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ScheduleInputError(path, "must be a string")
    return value


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ScheduleInputError(path, "must be a whole number")
    return value


def _optional_int(value: Any, path: str) -> int | None:
    return None if value is None else _int(value, path)


def _tags(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    return tuple(_text(item, f"{path}[{i}]") for i, item in enumerate(_list(value, path)))


def _ga(value: Any, path: str) -> int:
    """A gestational age: whole days, or "weeks+days" such as "16+0"."""
    if isinstance(value, str):
        weeks, plus, days = value.strip().partition("+")
        if plus and weeks.isdigit() and days.isdigit() and int(days) <= 6:
            return int(weeks) * 7 + int(days)
    elif not isinstance(value, bool) and isinstance(value, int):
        return value
    raise ScheduleInputError(path, 'must be weeks+days like "16+0" or a whole number of days')


def _choice(value: Any, path: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ScheduleInputError(path, "must be one of " + ", ".join(repr(c) for c in choices))
    return str(value)


def _date(value: Any, path: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ScheduleInputError(path, "must be a date like 2026-10-25")


def _instant(value: Any, path: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None or parsed.utcoffset() is None:
                raise ScheduleInputError(
                    path, "has no UTC offset: write it like 2026-10-25T01:30:00+01:00"
                )
            return parsed
    raise ScheduleInputError(
        path, "must be a date and time with a UTC offset, like 2026-10-25T01:30:00+01:00"
    )


def _parse_json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScheduleInputError(
            "", f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


# -- schedules ----------------------------------------------------------------------------------

_ANTENATAL_FIELDS = (
    "code",
    "kind",
    "label_key",
    "earliest_ga",
    "target_ga",
    "latest_ga",
    "duration_minutes",
    "nulliparous_only",
    "activities",
)
_POSTNATAL_FIELDS = (
    "code",
    "label_key",
    "anchor",
    "unit",
    "earliest",
    "target",
    "latest",
    "duration_minutes",
    "series",
    "activities",
)


def _antenatal_contact(value: Any, path: str) -> AntenatalContact:
    data = _obj(
        value,
        path,
        _ANTENATAL_FIELDS,
        ("code", "label_key", "earliest_ga", "target_ga", "latest_ga"),
    )
    kind_value = _choice(data.get("kind", "antenatal"), f"{path}.kind", ANTENATAL_KINDS)
    kind: AntenatalKind = "booking" if kind_value == "booking" else "antenatal"
    return AntenatalContact(
        code=_text(data["code"], f"{path}.code"),
        label_key=_text(data["label_key"], f"{path}.label_key"),
        target_ga_days=_ga(data["target_ga"], f"{path}.target_ga"),
        earliest_ga_days=_ga(data["earliest_ga"], f"{path}.earliest_ga"),
        latest_ga_days=_ga(data["latest_ga"], f"{path}.latest_ga"),
        kind=kind,
        duration_minutes=_optional_int(data.get("duration_minutes"), f"{path}.duration_minutes"),
        nulliparous_only=_bool(data.get("nulliparous_only", False), f"{path}.nulliparous_only"),
        activities=_tags(data.get("activities"), f"{path}.activities"),
    )


def _postnatal_contact(value: Any, path: str) -> PostnatalContact:
    data = _obj(
        value,
        path,
        _POSTNATAL_FIELDS,
        ("code", "label_key", "anchor", "unit", "earliest", "target", "latest"),
    )
    anchor: Anchor = (
        "birth"
        if _choice(data["anchor"], f"{path}.anchor", ANCHORS) == "birth"
        else "postnatal_start"
    )
    unit: Unit = "hours" if _choice(data["unit"], f"{path}.unit", UNITS) == "hours" else "days"
    series_value = _choice(data.get("series", "both"), f"{path}.series", SERIES)
    series: Series = (
        "standard"
        if series_value == "standard"
        else "six_weeks"
        if series_value == "six_weeks"
        else "both"
    )
    return PostnatalContact(
        code=_text(data["code"], f"{path}.code"),
        label_key=_text(data["label_key"], f"{path}.label_key"),
        anchor=anchor,
        unit=unit,
        target=_int(data["target"], f"{path}.target"),
        earliest=_int(data["earliest"], f"{path}.earliest"),
        latest=_int(data["latest"], f"{path}.latest"),
        duration_minutes=_optional_int(data.get("duration_minutes"), f"{path}.duration_minutes"),
        series=series,
        activities=_tags(data.get("activities"), f"{path}.activities"),
    )


def postnatal_series_from_dict(value: Any, path: str = "") -> PostnatalSeries:
    data = _obj(value, path, ("name", "title", "reference", "contacts"), ("name", "contacts"))
    contacts_path = _at(path, "contacts")
    return PostnatalSeries(
        name=_text(data["name"], _at(path, "name")),
        title=_optional_text(data.get("title"), _at(path, "title")),
        contacts=tuple(
            _postnatal_contact(item, f"{contacts_path}[{i}]")
            for i, item in enumerate(_list(data["contacts"], contacts_path))
        ),
        reference=_optional_text(data.get("reference"), _at(path, "reference")),
    )


def schedule_from_dict(value: Any) -> Schedule:
    """A schedule from its JSON form, checked. `postnatal` is the name of a built-in series,
    a series written out in full, or null for none."""
    data = _obj(
        value, "", ("name", "title", "reference", "postnatal", "antenatal"), ("name", "antenatal")
    )
    raw_postnatal = data.get("postnatal")
    postnatal: PostnatalSeries | None
    if raw_postnatal is None:
        postnatal = None
    elif isinstance(raw_postnatal, str):
        postnatal = load_postnatal_series(raw_postnatal, path="postnatal")
    else:
        postnatal = postnatal_series_from_dict(raw_postnatal, "postnatal")
    schedule = Schedule(
        name=_text(data["name"], "name"),
        title=_optional_text(data.get("title"), "title"),
        antenatal=tuple(
            _antenatal_contact(item, f"antenatal[{i}]")
            for i, item in enumerate(_list(data["antenatal"], "antenatal"))
        ),
        postnatal=postnatal,
        reference=_optional_text(data.get("reference"), "reference"),
    )
    validate_schedule(schedule)
    return schedule


def schedule_from_json(text: str) -> Schedule:
    return schedule_from_dict(_parse_json(text))


def load_schedule_file(path: str | Path) -> Schedule:
    """A schedule from a JSON file. OSError when the file cannot be read."""
    return schedule_from_json(Path(path).read_text(encoding="utf-8"))


def _data_text(name: str) -> str:
    return resources.files(__package__).joinpath("data", f"{name}.json").read_text("utf-8")


@cache
def load_postnatal_series(name: str, path: str = "postnatal") -> PostnatalSeries:
    """A built-in postnatal series by name (see POSTNATAL_SERIES_NAMES)."""
    if name not in POSTNATAL_SERIES_NAMES:
        raise ScheduleInputError(
            path,
            f"there is no postnatal series called {name!r}: choose "
            + " or ".join(POSTNATAL_SERIES_NAMES),
        )
    series = postnatal_series_from_dict(_parse_json(_data_text(name)))
    validate_schedule(Schedule(name=name, title="", antenatal=(), postnatal=series))
    return series


@cache
def load_schedule(name: str) -> Schedule:
    """A built-in schedule by name (see SCHEDULE_NAMES). The result is frozen and cached."""
    if name not in SCHEDULE_NAMES:
        raise ScheduleInputError(
            "schedule",
            f"there is no schedule called {name!r}: choose " + " or ".join(SCHEDULE_NAMES),
        )
    return schedule_from_json(_data_text(name))


def _antenatal_to_dict(contact: AntenatalContact) -> dict[str, Any]:
    return {
        "code": contact.code,
        "kind": contact.kind,
        "label_key": contact.label_key,
        "earliest_ga": format_weeks_days(contact.earliest_ga_days),
        "target_ga": format_weeks_days(contact.target_ga_days),
        "latest_ga": format_weeks_days(contact.latest_ga_days),
        "duration_minutes": contact.duration_minutes,
        "nulliparous_only": contact.nulliparous_only,
        "activities": list(contact.activities),
    }


def postnatal_series_to_dict(series: PostnatalSeries) -> dict[str, Any]:
    return {
        "name": series.name,
        "title": series.title,
        "reference": series.reference,
        "contacts": [
            {
                "code": c.code,
                "label_key": c.label_key,
                "anchor": c.anchor,
                "unit": c.unit,
                "earliest": c.earliest,
                "target": c.target,
                "latest": c.latest,
                "duration_minutes": c.duration_minutes,
                "series": c.series,
                "activities": list(c.activities),
            }
            for c in series.contacts
        ],
    }


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    """The JSON form, with the postnatal series written out in full."""
    return {
        "name": schedule.name,
        "title": schedule.title,
        "reference": schedule.reference,
        "postnatal": (
            None if schedule.postnatal is None else postnatal_series_to_dict(schedule.postnatal)
        ),
        "antenatal": [_antenatal_to_dict(c) for c in schedule.antenatal],
    }


# -- settings and facts -------------------------------------------------------------------------

_SETTINGS_INTS = (
    "booking_minutes",
    "coc_booking_minutes",
    "antenatal_minutes",
    "postnatal_minutes",
)
_SETTINGS_BOOLS = ("continuity_of_carer", "continue_to_six_weeks")


def settings_from_dict(value: Any) -> ScheduleSettings:
    """Settings from JSON; a missing field takes its default."""
    data = _obj(value, "settings", (*_SETTINGS_INTS, *_SETTINGS_BOOLS, "timezone"), ())
    defaults = ScheduleSettings()

    def minutes(name: str) -> int:
        return _int(data.get(name, getattr(defaults, name)), f"settings.{name}")

    def flag(name: str) -> bool:
        return _bool(data.get(name, getattr(defaults, name)), f"settings.{name}")

    settings = ScheduleSettings(
        booking_minutes=minutes("booking_minutes"),
        coc_booking_minutes=minutes("coc_booking_minutes"),
        antenatal_minutes=minutes("antenatal_minutes"),
        postnatal_minutes=minutes("postnatal_minutes"),
        continuity_of_carer=flag("continuity_of_carer"),
        continue_to_six_weeks=flag("continue_to_six_weeks"),
        timezone=_text(data.get("timezone", defaults.timezone), "settings.timezone"),
    )
    validate_settings(settings)
    return settings


_EXTRA_FIELDS = (
    "code",
    "earliest",
    "target",
    "latest",
    "duration_minutes",
    "label_key",
    "activities",
)
_FACT_FIELDS = (
    "booking_date",
    "edd",
    "ga_at_booking_days",
    "previous_live_births",
    "birth_at",
    "postnatal_start_at",
    "home_birth",
    "extra",
)


def _extra_from_dict(value: Any, path: str) -> ExtraVisit:
    data = _obj(value, path, _EXTRA_FIELDS, ("code", "earliest", "latest", "duration_minutes"))
    target = data.get("target")
    return ExtraVisit(
        code=_text(data["code"], f"{path}.code"),
        earliest=_date(data["earliest"], f"{path}.earliest"),
        latest=_date(data["latest"], f"{path}.latest"),
        duration_minutes=_int(data["duration_minutes"], f"{path}.duration_minutes"),
        target=None if target is None else _date(target, f"{path}.target"),
        label_key=_text(data.get("label_key", "contact.extra"), f"{path}.label_key"),
        activities=_tags(data.get("activities"), f"{path}.activities"),
    )


def facts_from_dict(value: Any) -> PregnancyFacts:
    """One pregnancy's facts from JSON (the `pregnancy` object of the documented form)."""
    data = _obj(value, "pregnancy", _FACT_FIELDS, ("booking_date", "edd", "previous_live_births"))
    extra = data.get("extra") or []
    return PregnancyFacts(
        booking_date=_date(data["booking_date"], "pregnancy.booking_date"),
        edd=_date(data["edd"], "pregnancy.edd"),
        ga_at_booking_days=_optional_int(
            data.get("ga_at_booking_days"), "pregnancy.ga_at_booking_days"
        ),
        previous_live_births=_int(data["previous_live_births"], "pregnancy.previous_live_births"),
        birth_at=_instant(data.get("birth_at"), "pregnancy.birth_at"),
        postnatal_start_at=_instant(data.get("postnatal_start_at"), "pregnancy.postnatal_start_at"),
        home_birth=_bool(data.get("home_birth", False), "pregnancy.home_birth"),
        extra=tuple(
            _extra_from_dict(item, f"pregnancy.extra[{i}]")
            for i, item in enumerate(_list(extra, "pregnancy.extra"))
        ),
    )


# -- answers ------------------------------------------------------------------------------------


def _iso_instant(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat().replace("+00:00", "Z")


def due_contact_to_dict(contact: DueContact) -> dict[str, Any]:
    return {
        "code": contact.code,
        "kind": contact.kind,
        "label_key": contact.label_key,
        "earliest": contact.earliest.isoformat(),
        "target": contact.target.isoformat(),
        "latest": contact.latest.isoformat(),
        "earliest_at": _iso_instant(contact.earliest_at),
        "target_at": _iso_instant(contact.target_at),
        "latest_at": _iso_instant(contact.latest_at),
        "duration_minutes": contact.duration_minutes,
        "activities": list(contact.activities),
        "source": contact.source,
        "target_ga_days": contact.target_ga_days,
    }


def due_contacts_to_json(contacts: Iterable[DueContact]) -> str:
    return json.dumps(
        {"contacts": [due_contact_to_dict(c) for c in contacts]}, indent=2, ensure_ascii=False
    )
