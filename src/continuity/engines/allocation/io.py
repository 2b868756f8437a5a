"""The JSON form of the allocation problem and plan (see docs/engines/allocation.md).

Reading checks everything a solver relies on and raises AllocationInputError naming the field,
so a bad file is rejected with a message a person can act on and nothing is written.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields
from datetime import date, timedelta
from typing import Any

from continuity.engines.allocation.model import (
    AllocationInputError,
    Location,
    Midwife,
    Period,
    Plan,
    Policy,
    Problem,
    Woman,
)
from continuity.engines.fields import Fields

MAX_WEEKS_AHEAD = 44  # an EDD further away than this cannot belong to a booked pregnancy


_fields = Fields(AllocationInputError)
_obj = _fields.object
_list = _fields.list
_bool = _fields.boolean


def _fail(path: str, message: str) -> AllocationInputError:
    return AllocationInputError(path, message)


def _str(value: Any, path: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string")
    return value


def _req_str(value: Any, path: str) -> str:
    out = _str(value, path)
    assert out is not None
    return out


def _num(
    value: Any,
    path: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_min: bool = False,
) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(path, "must be a number")
    if minimum is not None and (value <= minimum if exclusive_min else value < minimum):
        word = "more than" if exclusive_min else "at least"
        raise _fail(path, f"must be {word} {minimum:g}")
    if maximum is not None and value > maximum:
        raise _fail(path, f"must be at most {maximum:g}")
    return float(value)


def _int(value: Any, path: str, *, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "must be a whole number")
    if value < minimum:
        raise _fail(path, f"must be at least {minimum}")
    return value


def _date(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise _fail(path, "must be a date like 2027-03-14")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(path, "must be a date like 2027-03-14") from None


def _strings(value: Any, path: str) -> tuple[str, ...]:
    return tuple(_req_str(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))


def _location(value: Any, path: str) -> Location | None:
    if value is None:
        return None
    raw = _obj(value, path)
    return Location(
        lat=_num(raw.get("lat"), f"{path}.lat", minimum=-90, maximum=90),
        lon=_num(raw.get("lon"), f"{path}.lon", minimum=-180, maximum=180),
    )


def _unknown_keys(raw: dict[str, Any], allowed: set[str], path: str) -> None:
    extra = sorted(set(raw) - allowed)
    if extra:
        raise _fail(f"{path}.{extra[0]}" if path else extra[0], "is not a field this engine reads")


_POLICY_INTS = {
    "max_births_per_month",
    "max_births_per_fortnight",
    "max_active_caseload",
    "buddy_max_per_month",
    "max_candidates",
    "leave_buffer_days",
    "care_days_after_edd",
}
_POLICY_BOOLS = {"team_boundaries", "require_language_match"}


def policy_from_dict(raw: Any, path: str = "policy") -> Policy:
    raw = _obj(raw, path)
    names = {f.name for f in fields(Policy)}
    _unknown_keys(raw, names, path)
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}.{key}"
        if key in _POLICY_INTS:
            kwargs[key] = _int(value, where, minimum=1 if key.startswith("max_") else 0)
        elif key in _POLICY_BOOLS:
            kwargs[key] = _bool(value, where)
        elif key == "priority_weights":
            weights = _obj(value, where)
            kwargs[key] = tuple(
                (k, _num(v, f"{where}.{k}", minimum=0)) for k, v in sorted(weights.items())
            )
        elif key == "skills_for_risk":
            table = _obj(value, where)
            kwargs[key] = tuple((k, _strings(v, f"{where}.{k}")) for k, v in sorted(table.items()))
        elif key in ("births_per_wte_per_year", "speed_kmh", "circuity"):
            kwargs[key] = _num(value, where, minimum=0, exclusive_min=True)
        else:
            kwargs[key] = _num(value, where, minimum=0)
    return Policy(**kwargs)


def _midwife(raw: Any, path: str) -> Midwife:
    raw = _obj(raw, path)
    _unknown_keys(raw, {f.name for f in fields(Midwife)} | {"base"}, path)
    leave = []
    for i, item in enumerate(_list(raw.get("leave", []), f"{path}.leave")):
        item = _obj(item, f"{path}.leave[{i}]")
        start = _date(item.get("start"), f"{path}.leave[{i}].start")
        end = _date(item.get("end"), f"{path}.leave[{i}].end")
        if end < start:
            raise _fail(f"{path}.leave[{i}].end", "must be on or after the start")
        leave.append(Period(start, end))
    max_active = raw.get("max_active_caseload")
    return Midwife(
        id=_req_str(raw.get("id"), f"{path}.id"),
        team=_req_str(raw.get("team"), f"{path}.team"),
        wte=_num(raw.get("wte"), f"{path}.wte", minimum=0, maximum=1.5, exclusive_min=True),
        base=_location(raw.get("base"), f"{path}.base"),
        languages=_strings(raw.get("languages", ["en"]), f"{path}.languages"),
        skills=_strings(raw.get("skills", []), f"{path}.skills"),
        partner=_str(raw.get("partner"), f"{path}.partner", optional=True),
        named_edds=tuple(
            _date(d, f"{path}.named_edds[{i}]")
            for i, d in enumerate(_list(raw.get("named_edds", []), f"{path}.named_edds"))
        ),
        buddy_edds=tuple(
            _date(d, f"{path}.buddy_edds[{i}]")
            for i, d in enumerate(_list(raw.get("buddy_edds", []), f"{path}.buddy_edds"))
        ),
        active_caseload=_int(raw.get("active_caseload", 0), f"{path}.active_caseload"),
        max_active_caseload=None
        if max_active is None
        else _int(max_active, f"{path}.max_active_caseload"),
        leave=tuple(leave),
        available_until=None
        if raw.get("available_until") is None
        else _date(raw["available_until"], f"{path}.available_until"),
    )


def _woman(raw: Any, path: str, today: date) -> Woman:
    raw = _obj(raw, path)
    _unknown_keys(raw, {f.name for f in fields(Woman)}, path)
    edd = _date(raw.get("edd"), f"{path}.edd")
    if edd < today:
        raise _fail(
            f"{path}.edd",
            f"is before today ({today.isoformat()}): she has given birth or the date is wrong",
        )
    if edd > today + timedelta(weeks=MAX_WEEKS_AHEAD):
        raise _fail(f"{path}.edd", f"is more than {MAX_WEEKS_AHEAD} weeks after today")
    return Woman(
        id=_req_str(raw.get("id"), f"{path}.id"),
        edd=edd,
        location=_location(raw.get("location"), f"{path}.location"),
        language=_req_str(raw.get("language", "en"), f"{path}.language"),
        interpreter=_bool(raw.get("interpreter", False), f"{path}.interpreter"),
        priority_groups=_strings(raw.get("priority_groups", []), f"{path}.priority_groups"),
        previous_midwife=_str(
            raw.get("previous_midwife"), f"{path}.previous_midwife", optional=True
        ),
        risk=_req_str(raw.get("risk", "low"), f"{path}.risk"),
        required_skills=_strings(raw.get("required_skills", []), f"{path}.required_skills"),
        teams=_strings(raw.get("teams", []), f"{path}.teams"),
        declined=_bool(raw.get("declined", False), f"{path}.declined"),
        pinned_named=_str(raw.get("pinned_named"), f"{path}.pinned_named", optional=True),
    )


def check(problem: Problem) -> None:
    """Cross-references: unique ids, and every midwife named anywhere exists."""
    seen: set[str] = set()
    for i, m in enumerate(problem.midwives):
        if m.id in seen:
            raise _fail(f"midwives[{i}].id", f"'{m.id}' appears more than once")
        seen.add(m.id)
    for i, m in enumerate(problem.midwives):
        if m.partner is not None:
            if m.partner not in seen:
                raise _fail(f"midwives[{i}].partner", f"no midwife has the id '{m.partner}'")
            if m.partner == m.id:
                raise _fail(f"midwives[{i}].partner", "cannot be the midwife herself")
    women: set[str] = set()
    for i, w in enumerate(problem.women):
        if w.id in women:
            raise _fail(f"women[{i}].id", f"'{w.id}' appears more than once")
        women.add(w.id)
        for key in ("previous_midwife", "pinned_named"):
            ref = getattr(w, key)
            if ref is not None and ref not in seen:
                raise _fail(f"women[{i}].{key}", f"no midwife has the id '{ref}'")
        if w.edd < problem.today:
            raise _fail(f"women[{i}].edd", f"is before today ({problem.today.isoformat()})")
    policy = problem.policy
    if policy.max_births_per_fortnight > policy.max_births_per_month:
        raise _fail(
            "policy.max_births_per_fortnight", "cannot be more than policy.max_births_per_month"
        )
    if problem.time_limit_seconds <= 0:
        raise _fail("time_limit_seconds", "must be more than 0")


def problem_from_dict(raw: Any) -> Problem:
    raw = _obj(raw, "")
    _unknown_keys(raw, {"today", "women", "midwives", "policy", "seed", "time_limit_seconds"}, "")
    if "today" not in raw:
        raise _fail("today", "is required (the date the plan is made, like 2026-11-21)")
    today = _date(raw["today"], "today")
    problem = Problem(
        today=today,
        women=tuple(
            _woman(w, f"women[{i}]", today) for i, w in enumerate(_list(raw.get("women"), "women"))
        ),
        midwives=tuple(
            _midwife(m, f"midwives[{i}]")
            for i, m in enumerate(_list(raw.get("midwives"), "midwives"))
        ),
        policy=policy_from_dict(raw.get("policy", {})),
        seed=_int(raw.get("seed", 0), "seed"),
        time_limit_seconds=_num(
            raw.get("time_limit_seconds", 10.0), "time_limit_seconds", minimum=0, exclusive_min=True
        ),
    )
    check(problem)
    return problem


def problem_from_json(text: str) -> Problem:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _fail(
            "", f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    return problem_from_dict(raw)


def _loc(loc: Location | None) -> dict[str, float] | None:
    return None if loc is None else {"lat": loc.lat, "lon": loc.lon}


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    p = problem.policy
    policy = {f.name: getattr(p, f.name) for f in fields(Policy)}
    policy["priority_weights"] = dict(p.priority_weights)
    policy["skills_for_risk"] = {k: list(v) for k, v in p.skills_for_risk}
    return {
        "today": problem.today.isoformat(),
        "seed": problem.seed,
        "time_limit_seconds": problem.time_limit_seconds,
        "policy": policy,
        "midwives": [
            {
                "id": m.id,
                "team": m.team,
                "wte": m.wte,
                "base": _loc(m.base),
                "languages": list(m.languages),
                "skills": list(m.skills),
                "partner": m.partner,
                "named_edds": [d.isoformat() for d in m.named_edds],
                "buddy_edds": [d.isoformat() for d in m.buddy_edds],
                "active_caseload": m.active_caseload,
                "max_active_caseload": m.max_active_caseload,
                "leave": [
                    {"start": x.start.isoformat(), "end": x.end.isoformat()} for x in m.leave
                ],
                "available_until": m.available_until.isoformat() if m.available_until else None,
            }
            for m in problem.midwives
        ],
        "women": [
            {
                "id": w.id,
                "edd": w.edd.isoformat(),
                "location": _loc(w.location),
                "language": w.language,
                "interpreter": w.interpreter,
                "priority_groups": list(w.priority_groups),
                "previous_midwife": w.previous_midwife,
                "risk": w.risk,
                "required_skills": list(w.required_skills),
                "teams": list(w.teams),
                "declined": w.declined,
                "pinned_named": w.pinned_named,
            }
            for w in problem.women
        ],
    }


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    def reasons(items: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [{"code": r.code, "value": r.value} for r in items]

    o = plan.objective
    return {
        "method": plan.method,
        "objective": {
            "total": o.total,
            "travel": o.travel,
            "language": o.language,
            "previous_midwife": o.previous_midwife,
            "buddy": o.buddy,
            "unplaced_priority": o.unplaced_priority,
            "unplaced_other": o.unplaced_other,
        },
        "lower_bound": plan.lower_bound,
        "gap": None if plan.gap is None else round(plan.gap, 6),
        "placements": [
            {
                "woman": p.woman,
                "named": p.named,
                "buddy": p.buddy,
                "team": p.team,
                "cost": p.cost,
                "reasons": reasons(p.reasons),
                "runner_up": None
                if p.runner_up is None
                else {
                    "midwife": p.runner_up.midwife,
                    "extra_cost": p.runner_up.extra_cost,
                    "why_not": p.runner_up.why_not,
                },
            }
            for p in plan.placements
        ],
        "unplaced": [
            {
                "woman": u.woman,
                "reason": u.reason,
                "priority": u.priority,
                "details": reasons(u.details),
            }
            for u in plan.unplaced
        ],
        "declined": list(plan.declined),
        "stats": dict(plan.stats),
    }
