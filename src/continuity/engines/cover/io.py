"""The JSON form of the cover engine's input and answers (see docs/engines/cover.md).

Reading checks everything the engine relies on and raises CoverInputError naming the field, e.g.
`entries[4].end: must be after its start`, so a bad file is rejected with a message a person can
act on. `validate_rota` and `validate_entries` run the same checks on a `Rota` built in code (the
web app calls them before it saves a rota entry).

Instants are ISO 8601 strings that must carry a UTC offset (`2026-10-25T01:30:00+01:00` or
`...Z`); they are read as UTC. Dates are `YYYY-MM-DD`. Answers are written with instants in UTC
with a `Z`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from continuity.engines.cover.model import (
    ABSENCE_KINDS,
    DUTY_KINDS,
    ROSTERED_KINDS,
    Arrangement,
    CoverInputError,
    Entry,
    Gap,
    Kind,
    Midwife,
    Policy,
    Pregnancy,
    Resolution,
    Rota,
    Segment,
    Team,
    WeekLoad,
    Woman,
    WorkingTimeWarning,
)
from continuity.engines.fields import Fields

TOP_LEVEL = ("policy", "teams", "midwives", "entries", "arrangements", "women", "pregnancies")
_INSTANT_EXAMPLE = "2026-10-25T01:30:00+01:00"


@dataclass(frozen=True, slots=True)
class Document:
    """Everything one JSON file can hold: the rota, and the women or pregnancies a command
    asks about (None when the file does not list them)."""

    rota: Rota
    women: tuple[Woman, ...] | None = None
    pregnancies: tuple[Pregnancy, ...] | None = None


# -- small readers ------------------------------------------------------------------------------


_fields = Fields(CoverInputError)
_obj = _fields.object
_list = _fields.list
_bool = _fields.boolean


def _fail(path: str, message: str) -> CoverInputError:
    return CoverInputError(path, message)


def _id(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string")
    return value


def _optional_id(value: Any, path: str) -> str | None:
    return None if value is None else _id(value, path)


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(path, "must be a string")
    return value


def _num(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(path, "must be a number")
    return float(value)


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "must be a whole number")
    return value


def _date(value: Any, path: str) -> date:
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(path, "must be a date like 2026-10-25")


def _optional_date(value: Any, path: str) -> date | None:
    return None if value is None else _date(value, path)


def parse_instant(value: Any, path: str) -> datetime:
    """An ISO 8601 date and time with a UTC offset, as an aware datetime in UTC."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is None or parsed.utcoffset() is None:
                raise _fail(
                    path,
                    f"has no UTC offset: write the offset, like {_INSTANT_EXAMPLE} "
                    "or 2026-10-25T00:30:00Z",
                )
            return parsed.astimezone(UTC)
    raise _fail(path, f"must be a date and time with a UTC offset, like {_INSTANT_EXAMPLE}")


def _unknown_keys(raw: dict[str, Any], allowed: Iterable[str], path: str) -> None:
    extra = sorted(set(raw) - set(allowed))
    if extra:
        raise _fail(f"{path}.{extra[0]}" if path else extra[0], "is not a field this engine reads")


def _required(raw: dict[str, Any], key: str, path: str) -> Any:
    if key not in raw:
        raise _fail(f"{path}.{key}" if path else key, "is required")
    return raw[key]


def zone(name: str, path: str = "policy.timezone") -> ZoneInfo:
    """The named IANA time zone, or a CoverInputError naming `path`."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise _fail(
            path, f"unknown time zone {name!r} (use an IANA name like Europe/London)"
        ) from None


# -- policy -------------------------------------------------------------------------------------

_POLICY_FIELDS = tuple(f.name for f in fields(Policy))


def policy_from_dict(raw: Any, path: str = "policy") -> Policy:
    raw = _obj(raw, path)
    _unknown_keys(raw, _POLICY_FIELDS, path)
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}.{key}"
        if key in ("timezone", "weekly_rest"):
            kwargs[key] = _id(value, where)
        elif key in ("night_start_hour", "night_end_hour", "average_reference_weeks"):
            kwargs[key] = _int(value, where)
        else:
            kwargs[key] = _num(value, where)
    policy = Policy(**kwargs)
    check_policy(policy, path)
    return policy


def check_policy(policy: Policy, path: str = "policy") -> ZoneInfo:
    """Every policy setting in range; returns the policy's time zone."""
    tz = zone(policy.timezone, f"{path}.timezone")
    for key in ("night_start_hour", "night_end_hour"):
        if not 0 <= getattr(policy, key) <= 23:
            raise _fail(f"{path}.{key}", "must be an hour from 0 to 23")
    if policy.night_start_hour == policy.night_end_hour:
        raise _fail(f"{path}.night_end_hour", "must differ from night_start_hour")
    if not 0 <= policy.rest_after_night_call_out_hours <= 48:
        raise _fail(f"{path}.rest_after_night_call_out_hours", "must be from 0 to 48")
    if not 0 < policy.daily_rest_hours < 24:
        raise _fail(f"{path}.daily_rest_hours", "must be more than 0 and less than 24")
    if policy.weekly_rest not in ("weekly", "fortnightly"):
        raise _fail(f"{path}.weekly_rest", "must be 'weekly' or 'fortnightly'")
    if not 0 < policy.weekly_rest_hours <= 168:
        raise _fail(f"{path}.weekly_rest_hours", "must be more than 0 and at most 168")
    if not policy.average_week_limit_hours > 0:
        raise _fail(f"{path}.average_week_limit_hours", "must be more than 0")
    if not 1 <= policy.average_reference_weeks <= 52:
        raise _fail(f"{path}.average_reference_weeks", "must be from 1 to 52")
    return tz


# -- rota ---------------------------------------------------------------------------------------


def _team(raw: Any, path: str) -> Team:
    raw = _obj(raw, path)
    _unknown_keys(raw, ("id", "name", "promise_24_7", "triage_phone"), path)
    return Team(
        id=_id(_required(raw, "id", path), f"{path}.id"),
        name=_text(raw.get("name", ""), f"{path}.name"),
        promise_24_7=_bool(raw.get("promise_24_7", True), f"{path}.promise_24_7"),
        triage_phone=_text(raw.get("triage_phone", ""), f"{path}.triage_phone"),
    )


def _midwife(raw: Any, path: str) -> Midwife:
    raw = _obj(raw, path)
    _unknown_keys(raw, (f.name for f in fields(Midwife)), path)
    return Midwife(
        id=_id(_required(raw, "id", path), f"{path}.id"),
        team=_id(_required(raw, "team", path), f"{path}.team"),
        name=_text(raw.get("name", ""), f"{path}.name"),
        phone=_text(raw.get("phone", ""), f"{path}.phone"),
        start_date=_optional_date(raw.get("start_date"), f"{path}.start_date"),
        end_date=_optional_date(raw.get("end_date"), f"{path}.end_date"),
        opted_out_48h=_bool(raw.get("opted_out_48h", False), f"{path}.opted_out_48h"),
    )


_KIND_VALUES = tuple(k.value for k in Kind)
_KINDS = ", ".join(_KIND_VALUES)


def _entry(raw: Any, path: str) -> Entry:
    raw = _obj(raw, path)
    _unknown_keys(raw, ("midwife", "kind", "start", "end"), path)
    kind = _required(raw, "kind", path)
    if not isinstance(kind, str) or kind not in _KIND_VALUES:
        raise _fail(f"{path}.kind", f"must be one of {_KINDS}")
    return Entry(
        midwife=_id(_required(raw, "midwife", path), f"{path}.midwife"),
        kind=Kind(kind),
        start=parse_instant(_required(raw, "start", path), f"{path}.start"),
        end=parse_instant(_required(raw, "end", path), f"{path}.end"),
    )


def _arrangement(raw: Any, path: str) -> Arrangement:
    raw = _obj(raw, path)
    _unknown_keys(raw, ("covering", "covered", "start", "end"), path)
    return Arrangement(
        covering=_id(_required(raw, "covering", path), f"{path}.covering"),
        covered=_id(_required(raw, "covered", path), f"{path}.covered"),
        start=parse_instant(_required(raw, "start", path), f"{path}.start"),
        end=parse_instant(_required(raw, "end", path), f"{path}.end"),
    )


def _items(raw: dict[str, Any], key: str, *, required: bool) -> list[Any]:
    if key not in raw:
        if required:
            raise _fail(key, "is required")
        return []
    return _list(raw[key], key)


def rota_from_dict(raw: Any) -> Rota:
    """The rota part of a document (`policy`, `teams`, `midwives`, `entries`, `arrangements`),
    checked by `validate_rota`. `women` and `pregnancies` may be present; they are not read."""
    raw = _obj(raw, "")
    _unknown_keys(raw, TOP_LEVEL, "")
    rota = Rota(
        policy=policy_from_dict(raw.get("policy", {})),
        teams=tuple(
            _team(t, f"teams[{i}]") for i, t in enumerate(_items(raw, "teams", required=True))
        ),
        midwives=tuple(
            _midwife(m, f"midwives[{i}]")
            for i, m in enumerate(_items(raw, "midwives", required=True))
        ),
        entries=tuple(
            _entry(e, f"entries[{i}]") for i, e in enumerate(_items(raw, "entries", required=False))
        ),
        arrangements=tuple(
            _arrangement(a, f"arrangements[{i}]")
            for i, a in enumerate(_items(raw, "arrangements", required=False))
        ),
    )
    validate_rota(rota)
    return rota


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            "", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def rota_from_json(text: str) -> Rota:
    return rota_from_dict(_loads(text))


def women_from_dict(raw: Any, rota: Rota) -> tuple[Woman, ...] | None:
    """`women` of a document, checked against the rota; None when the document has none."""
    raw = _obj(raw, "")
    if "women" not in raw:
        return None
    teams = {t.id for t in rota.teams}
    midwives = {m.id for m in rota.midwives}
    out: list[Woman] = []
    seen: set[str] = set()
    for i, item in enumerate(_list(raw["women"], "women")):
        path = f"women[{i}]"
        item = _obj(item, path)
        _unknown_keys(item, ("id", "team", "named", "buddy"), path)
        woman = Woman(
            id=_id(_required(item, "id", path), f"{path}.id"),
            team=_id(_required(item, "team", path), f"{path}.team"),
            named=_optional_id(item.get("named"), f"{path}.named"),
            buddy=_optional_id(item.get("buddy"), f"{path}.buddy"),
        )
        if woman.id in seen:
            raise _fail(f"{path}.id", f"{woman.id!r} appears more than once")
        seen.add(woman.id)
        if woman.team not in teams:
            raise _fail(f"{path}.team", f"no team has the id {woman.team!r}")
        _check_people(woman.named, woman.buddy, midwives, path)
        out.append(woman)
    return tuple(out)


def pregnancies_from_dict(raw: Any, rota: Rota) -> tuple[Pregnancy, ...] | None:
    """`pregnancies` of a document, checked against the rota; None when it has none."""
    raw = _obj(raw, "")
    if "pregnancies" not in raw:
        return None
    midwives = {m.id for m in rota.midwives}
    out: list[Pregnancy] = []
    seen: set[str] = set()
    for i, item in enumerate(_list(raw["pregnancies"], "pregnancies")):
        path = f"pregnancies[{i}]"
        item = _obj(item, path)
        _unknown_keys(item, (f.name for f in fields(Pregnancy)), path)
        pregnancy = Pregnancy(
            id=_id(_required(item, "id", path), f"{path}.id"),
            edd=_date(_required(item, "edd", path), f"{path}.edd"),
            named=_optional_id(item.get("named"), f"{path}.named"),
            buddy=_optional_id(item.get("buddy"), f"{path}.buddy"),
            born=_bool(item.get("born", False), f"{path}.born"),
        )
        if pregnancy.id in seen:
            raise _fail(f"{path}.id", f"{pregnancy.id!r} appears more than once")
        seen.add(pregnancy.id)
        _check_people(pregnancy.named, pregnancy.buddy, midwives, path)
        out.append(pregnancy)
    return tuple(out)


def _check_people(named: str | None, buddy: str | None, midwives: set[str], path: str) -> None:
    for key, ref in (("named", named), ("buddy", buddy)):
        if ref is not None and ref not in midwives:
            raise _fail(f"{path}.{key}", f"no midwife has the id {ref!r}")
    if named is not None and named == buddy:
        raise _fail(f"{path}.buddy", "cannot be her named midwife")


def document_from_dict(raw: Any) -> Document:
    rota = rota_from_dict(raw)
    return Document(rota, women_from_dict(raw, rota), pregnancies_from_dict(raw, rota))


def document_from_json(text: str) -> Document:
    return document_from_dict(_loads(text))


# -- checks on a Rota built in code -----------------------------------------------------------


def validate_rota(rota: Rota) -> None:
    """The policy, unique team and midwife ids, every midwife's team known and her dates in
    order, then `validate_entries`."""
    check_policy(rota.policy)
    teams: set[str] = set()
    for i, team in enumerate(rota.teams):
        if team.id in teams:
            raise _fail(f"teams[{i}].id", f"{team.id!r} appears more than once")
        teams.add(team.id)
    midwives: set[str] = set()
    for i, m in enumerate(rota.midwives):
        if m.id in midwives:
            raise _fail(f"midwives[{i}].id", f"{m.id!r} appears more than once")
        midwives.add(m.id)
        if m.team not in teams:
            raise _fail(f"midwives[{i}].team", f"no team has the id {m.team!r}")
        if m.start_date is not None and m.end_date is not None and m.end_date < m.start_date:
            raise _fail(f"midwives[{i}].end_date", "must be on or after her start_date")
    validate_entries(rota)


def _secs(at: datetime, path: str) -> int:
    if at.tzinfo is None or at.utcoffset() is None:
        raise _fail(path, f"has no UTC offset: write the offset, like {_INSTANT_EXAMPLE}")
    return int(at.timestamp())


def validate_entries(rota: Rota) -> None:
    """Raise CoverInputError for the first thing wrong with the rota's entries or arrangements.

    Each entry and arrangement on its own: a known midwife, instants with a UTC offset, the end
    after the start, a known kind. Then, reporting the entry that comes first in the list:
    a rostered entry (work, on call) overlapping another for the same midwife; an absence
    (leave, sickness, study) overlapping another; a duty entry outside her employment, judged by
    whole local days in the rota's time zone.
    """
    tz = zone(rota.policy.timezone)
    midwives = {m.id: m for m in rota.midwives}
    spans: list[tuple[int, int]] = []
    for i, entry in enumerate(rota.entries):
        path = f"entries[{i}]"
        if entry.midwife not in midwives:
            raise _fail(f"{path}.midwife", f"no midwife has the id {entry.midwife!r}")
        if entry.kind not in _KIND_VALUES:  # a Kind, or its value as a plain string
            raise _fail(f"{path}.kind", f"must be one of {_KINDS}")
        start, end = _secs(entry.start, f"{path}.start"), _secs(entry.end, f"{path}.end")
        if end <= start:
            raise _fail(f"{path}.end", "must be after its start")
        spans.append((start, end))
    for i, arr in enumerate(rota.arrangements):
        path = f"arrangements[{i}]"
        for key in ("covering", "covered"):
            ref = getattr(arr, key)
            if ref not in midwives:
                raise _fail(f"{path}.{key}", f"no midwife has the id {ref!r}")
        if arr.covering == arr.covered:
            raise _fail(f"{path}.covering", "cannot be the midwife she covers")
        start, end = _secs(arr.start, f"{path}.start"), _secs(arr.end, f"{path}.end")
        if end <= start:
            raise _fail(f"{path}.end", "must be after its start")

    problems: list[tuple[int, int, str]] = []  # (entry index, rule order, message)
    for order, kinds in enumerate((ROSTERED_KINDS, ABSENCE_KINDS)):
        groups: dict[str, list[int]] = defaultdict(list)
        for i, entry in enumerate(rota.entries):
            if entry.kind in kinds:
                groups[entry.midwife].append(i)
        for mid, indices in groups.items():
            clash = _first_overlap(indices, spans)
            if clash is not None:
                later, earlier = clash
                problems.append(
                    (
                        later,
                        order,
                        f"overlaps entries[{earlier}] ({_describe(rota.entries[earlier])}) "
                        f"for midwife {mid}",
                    )
                )
    for i, entry in enumerate(rota.entries):
        if entry.kind not in DUTY_KINDS:
            continue
        m = midwives[entry.midwife]
        start, end = spans[i]
        if m.start_date is not None and start < _local_midnight(m.start_date, tz):
            problems.append((i, 2, f"{m.id} starts on {m.start_date.isoformat()}"))
        elif m.end_date is not None and end > _local_midnight(m.end_date + timedelta(days=1), tz):
            problems.append((i, 2, f"{m.id} left on {m.end_date.isoformat()}"))
    if problems:
        i, _, message = min(problems)
        raise _fail(f"entries[{i}]", message)


def _local_midnight(day: date, tz: ZoneInfo) -> int:
    return int(datetime.combine(day, time(0), tzinfo=tz).timestamp())


def _first_overlap(indices: list[int], spans: Sequence[tuple[int, int]]) -> tuple[int, int] | None:
    """(later, earlier): the first entry in list order that overlaps an earlier one, and the
    first earlier one it overlaps; None when none overlap. A sweep by start time finds whether
    any do; only then are the pairs searched."""
    by_start = sorted(indices, key=lambda i: spans[i])
    reach = -(2**63)
    for i in by_start:
        if spans[i][0] < reach:
            break
        reach = max(reach, spans[i][1])
    else:
        return None
    for n, later in enumerate(indices):
        s, e = spans[later]
        for earlier in indices[:n]:
            if spans[earlier][0] < e and s < spans[earlier][1]:
                return later, earlier
    return None  # pragma: no cover - the sweep found an overlap


def _hm(at: datetime) -> str:
    return at.strftime("%H:%M:%S" if at.second else "%H:%M")


def _describe(entry: Entry) -> str:
    """`work 2026-03-02T09:00Z–17:00Z`: the entry's kind and span in UTC."""
    start, end = entry.start.astimezone(UTC), entry.end.astimezone(UTC)
    until = _hm(end) if end.date() == start.date() else f"{end.date().isoformat()}T{_hm(end)}"
    return f"{Kind(entry.kind).value} {start.date().isoformat()}T{_hm(start)}Z–{until}Z"


# -- writing ------------------------------------------------------------------------------------


def instant(at: datetime) -> str:
    """An aware datetime as UTC ISO 8601 with `Z`: 2026-10-25T00:30:00Z."""
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def rota_to_dict(
    rota: Rota,
    women: Sequence[Woman] | None = None,
    pregnancies: Sequence[Pregnancy] | None = None,
) -> dict[str, Any]:
    """The JSON document for a rota (and women, pregnancies) that `document_from_dict` reads."""
    out: dict[str, Any] = {
        "policy": {name: getattr(rota.policy, name) for name in _POLICY_FIELDS},
        "teams": [
            {
                "id": t.id,
                "name": t.name,
                "promise_24_7": t.promise_24_7,
                "triage_phone": t.triage_phone,
            }
            for t in rota.teams
        ],
        "midwives": [
            {
                "id": m.id,
                "team": m.team,
                "name": m.name,
                "phone": m.phone,
                "start_date": _day(m.start_date),
                "end_date": _day(m.end_date),
                "opted_out_48h": m.opted_out_48h,
            }
            for m in rota.midwives
        ],
        "entries": [
            {
                "midwife": e.midwife,
                "kind": e.kind.value,
                "start": instant(e.start),
                "end": instant(e.end),
            }
            for e in rota.entries
        ],
        "arrangements": [
            {
                "covering": a.covering,
                "covered": a.covered,
                "start": instant(a.start),
                "end": instant(a.end),
            }
            for a in rota.arrangements
        ],
    }
    if women is not None:
        out["women"] = [
            {"id": w.id, "team": w.team, "named": w.named, "buddy": w.buddy} for w in women
        ]
    if pregnancies is not None:
        out["pregnancies"] = [
            {
                "id": p.id,
                "edd": p.edd.isoformat(),
                "named": p.named,
                "buddy": p.buddy,
                "born": p.born,
            }
            for p in pregnancies
        ]
    return out


def document_to_dict(document: Document) -> dict[str, Any]:
    return rota_to_dict(document.rota, document.women, document.pregnancies)


def resolution_to_dict(resolution: Resolution) -> dict[str, Any]:
    return {
        "woman": resolution.woman,
        "at": instant(resolution.at),
        "step": resolution.step.value,
        "midwife": resolution.midwife,
        "gap": resolution.gap,
        "until": None if resolution.until is None else instant(resolution.until),
        "chain": [
            {
                "step": a.step.value,
                "midwife": a.midwife,
                "unavailable": None if a.unavailable is None else a.unavailable.value,
            }
            for a in resolution.chain
        ],
    }


def segment_to_dict(segment: Segment) -> dict[str, Any]:
    return {
        "start": instant(segment.start),
        "end": instant(segment.end),
        "step": segment.step.value,
        "midwife": segment.midwife,
        "gap": segment.gap,
    }


def gap_to_dict(gap: Gap) -> dict[str, Any]:
    return {
        "team": gap.team,
        "start": instant(gap.start),
        "end": instant(gap.end),
        "women": list(gap.women),
        "team_uncovered": gap.team_uncovered,
    }


def warning_to_dict(warning: WorkingTimeWarning) -> dict[str, Any]:
    return {
        "midwife": warning.midwife,
        "rule": warning.rule,
        "start": instant(warning.start),
        "end": instant(warning.end),
        "value_hours": round(warning.value_hours, 4),
        "limit_hours": warning.limit_hours,
        "after_call_out": warning.after_call_out,
        "opted_out": warning.opted_out,
    }


def week_load_to_dict(load: WeekLoad) -> dict[str, Any]:
    return {
        "midwife": load.midwife,
        "week_start": load.week_start.isoformat(),
        "expected_births_named": round(load.expected_births_named, 6),
        "expected_births_buddy": round(load.expected_births_buddy, 6),
        "expected_night_births_named": round(load.expected_night_births_named, 6),
        "p_at_least_one_named": round(load.p_at_least_one_named, 6),
    }
