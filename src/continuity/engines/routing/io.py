"""The JSON form of the routing problem and plan (see docs/engines/routing.md).

Reading checks every type and raises RoutingInputError naming the field; `check` then runs the
value and cross-reference checks (it also runs on a `Problem` built in code, from `solve`), so a
bad file is rejected with a message a person can act on and nothing is written. A visit whose
windows cannot be met is not an input error: it comes back unplanned with its reason.
"""

from __future__ import annotations

import json
import math
from dataclasses import fields
from typing import Any

from continuity.engines.fields import Fields
from continuity.engines.routing.model import (
    Location,
    Midwife,
    Pin,
    Plan,
    Policy,
    Problem,
    RoutingInputError,
    Shift,
    Visit,
    Window,
)

TOP_LEVEL = ("locations", "visits", "midwives", "shifts", "policy", "travel")


_fields = Fields(RoutingInputError)
_obj = _fields.object
_list = _fields.list


def _fail(path: str, message: str) -> RoutingInputError:
    return RoutingInputError(path, message)


# -- small readers ------------------------------------------------------------------------------


def _str(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(path, "must be a non-empty string")
    return value


def _num(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(path, "must be a number")
    return float(value)


def _int(value: Any, path: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(path, "must be a whole number")
    return value


def _opt_num(raw: dict[str, Any], key: str, path: str) -> float | None:
    value = raw.get(key)
    return None if value is None else _num(value, f"{path}.{key}")


def _opt_int(raw: dict[str, Any], key: str, path: str) -> int | None:
    value = raw.get(key)
    return None if value is None else _int(value, f"{path}.{key}")


def _strings(value: Any, path: str) -> tuple[str, ...]:
    return tuple(_str(v, f"{path}[{i}]") for i, v in enumerate(_list(value, path)))


def _required(raw: dict[str, Any], key: str, path: str) -> Any:
    if key not in raw:
        raise _fail(f"{path}.{key}" if path else key, "is required")
    return raw[key]


def _unknown_keys(raw: dict[str, Any], allowed: set[str] | tuple[str, ...], path: str) -> None:
    extra = sorted(set(raw) - set(allowed))
    if extra:
        raise _fail(f"{path}.{extra[0]}" if path else extra[0], "is not a field this engine reads")


# -- reading ------------------------------------------------------------------------------------


_POLICY_INTS = {"evening_start", "seed", "start_step"}


def policy_from_dict(raw: Any, path: str = "policy") -> Policy:
    raw = _obj(raw, path)
    _unknown_keys(raw, {f.name for f in fields(Policy)}, path)
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        where = f"{path}.{key}"
        if key in _POLICY_INTS:
            kwargs[key] = _int(value, where)
        elif key == "max_iterations":
            kwargs[key] = None if value is None else _int(value, where)
        else:
            kwargs[key] = _num(value, where)
    return Policy(**kwargs)


def _location(raw: Any, path: str) -> Location:
    raw = _obj(raw, path)
    _unknown_keys(raw, ("lat", "lon", "x", "y"), path)
    return Location(
        lat=_opt_num(raw, "lat", path),
        lon=_opt_num(raw, "lon", path),
        x=_opt_num(raw, "x", path),
        y=_opt_num(raw, "y", path),
    )


def _window(raw: Any, path: str) -> Window:
    raw = _obj(raw, path)
    _unknown_keys(raw, ("start", "end"), path)
    return Window(
        start=_int(_required(raw, "start", path), f"{path}.start"),
        end=_int(_required(raw, "end", path), f"{path}.end"),
    )


def _windows(value: Any, path: str) -> tuple[Window, ...]:
    return tuple(_window(w, f"{path}[{i}]") for i, w in enumerate(_list(value, path)))


def _visit(raw: Any, path: str) -> Visit:
    raw = _obj(raw, path)
    _unknown_keys(raw, {f.name for f in fields(Visit)}, path)
    pin = None
    if raw.get("pin") is not None:
        p = _obj(raw["pin"], f"{path}.pin")
        _unknown_keys(p, ("midwife", "start"), f"{path}.pin")
        pin = Pin(
            midwife=_str(_required(p, "midwife", f"{path}.pin"), f"{path}.pin.midwife"),
            start=_opt_int(p, "start", f"{path}.pin"),
        )
    woman = raw.get("woman", "")
    if not isinstance(woman, str):
        raise _fail(f"{path}.woman", "must be a string")
    return Visit(
        id=_str(_required(raw, "id", path), f"{path}.id"),
        location=_int(_required(raw, "location", path), f"{path}.location"),
        duration=_int(_required(raw, "duration", path), f"{path}.duration"),
        windows=_windows(_required(raw, "windows", path), f"{path}.windows"),
        preferred=_windows(raw.get("preferred", []), f"{path}.preferred"),
        carers=_strings(raw.get("carers", []), f"{path}.carers"),
        skills=_strings(raw.get("skills", []), f"{path}.skills"),
        pin=pin,
        woman=woman,
        demand=_int(raw.get("demand", 0), f"{path}.demand"),
    )


def _midwife(raw: Any, path: str) -> Midwife:
    raw = _obj(raw, path)
    _unknown_keys(raw, {f.name for f in fields(Midwife)}, path)
    return Midwife(
        id=_str(_required(raw, "id", path), f"{path}.id"),
        skills=_strings(raw.get("skills", []), f"{path}.skills"),
        max_minutes=_opt_int(raw, "max_minutes", path),
    )


def _shift(raw: Any, path: str) -> Shift:
    raw = _obj(raw, path)
    _unknown_keys(raw, {f.name for f in fields(Shift)}, path)
    start_location = _int(_required(raw, "start_location", path), f"{path}.start_location")
    end = raw.get("end_location", start_location)
    return Shift(
        midwife=_str(_required(raw, "midwife", path), f"{path}.midwife"),
        start=_int(_required(raw, "start", path), f"{path}.start"),
        end=_int(_required(raw, "end", path), f"{path}.end"),
        start_location=start_location,
        end_location=_int(end, f"{path}.end_location"),
        capacity=_opt_int(raw, "capacity", path),
    )


def _travel(value: Any) -> tuple[tuple[float, ...], ...] | None:
    if value is None:
        return None
    rows = _list(value, "travel")
    return tuple(
        tuple(_num(x, f"travel[{i}][{j}]") for j, x in enumerate(_list(row, f"travel[{i}]")))
        for i, row in enumerate(rows)
    )


def problem_from_dict(raw: Any) -> Problem:
    raw = _obj(raw, "")
    _unknown_keys(raw, TOP_LEVEL, "")

    def items(key: str) -> list[Any]:
        return _list(_required(raw, key, ""), key)

    problem = Problem(
        locations=tuple(_location(x, f"locations[{i}]") for i, x in enumerate(items("locations"))),
        visits=tuple(_visit(x, f"visits[{i}]") for i, x in enumerate(items("visits"))),
        midwives=tuple(_midwife(x, f"midwives[{i}]") for i, x in enumerate(items("midwives"))),
        shifts=tuple(_shift(x, f"shifts[{i}]") for i, x in enumerate(items("shifts"))),
        policy=policy_from_dict(raw.get("policy", {})),
        travel=_travel(raw.get("travel")),
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


# -- checks -------------------------------------------------------------------------------------


def _check_policy(p: Policy) -> None:
    for f in fields(Policy):
        value = getattr(p, f.name)
        where = f"policy.{f.name}"
        if f.name == "max_iterations":
            if value is not None and value < 1:
                raise _fail(where, "must be at least 1 (or null for no limit)")
            continue
        if not math.isfinite(value):
            raise _fail(where, "must be a number")
        if f.name in ("speed_kmh", "circuity", "time_limit_seconds"):
            if value <= 0:
                raise _fail(where, "must be more than 0")
        elif f.name == "start_step":
            if not 1 <= value <= 60:
                raise _fail(where, "must be 1 to 60 minutes")
        elif f.name == "evening_start":
            if not 0 <= value <= 24 * 60:
                raise _fail(where, "must be a minute of the day, 0 to 1440")
        elif value < 0:
            raise _fail(where, "must be at least 0")


def _check_locations(problem: Problem) -> None:
    kinds: list[str | None] = []
    for i, loc in enumerate(problem.locations):
        path = f"locations[{i}]"
        if (loc.lat is None) != (loc.lon is None):
            raise _fail(path, "needs both lat and lon")
        if (loc.x is None) != (loc.y is None):
            raise _fail(path, "needs both x and y")
        if loc.lat is not None and loc.x is not None:
            raise _fail(path, "has both lat/lon and x/y; give one")
        if loc.lat is not None and loc.lon is not None:
            if not -90 <= loc.lat <= 90:
                raise _fail(f"{path}.lat", "must be between -90 and 90")
            if not -180 <= loc.lon <= 180:
                raise _fail(f"{path}.lon", "must be between -180 and 180")
        kinds.append("lat/lon" if loc.lat is not None else "x/y" if loc.x is not None else None)
    n = len(problem.locations)
    if problem.travel is None:
        for i, kind in enumerate(kinds):
            if kind is None:
                raise _fail(
                    f"locations[{i}]",
                    "needs lat and lon (or x and y) when no travel matrix is given",
                )
            if kind != kinds[0]:
                raise _fail(
                    f"locations[{i}]",
                    f"has {kind} but locations[0] has {kinds[0]}; use one kind, or give travel",
                )
        return
    rows = problem.travel
    widths = {len(r) for r in rows}
    if len(rows) != n or widths - {n}:
        if len(widths) <= 1:
            got = f"{len(rows)}×{widths.pop() if widths else 0}"
            raise _fail("travel", f"must be {n}×{n} to match locations, got {got}")
        i = next(i for i, r in enumerate(rows) if len(r) != n)
        raise _fail(f"travel[{i}]", f"must have {n} entries to match locations, got {len(rows[i])}")
    for i, row in enumerate(rows):
        for j, x in enumerate(row):
            if not math.isfinite(x) or x < 0:
                raise _fail(f"travel[{i}][{j}]", "must be a number of minutes, at least 0")
            if i == j and x != 0:
                raise _fail(f"travel[{i}][{j}]", "must be 0 (from a place to itself)")


def _check_location_ref(value: int, n: int, path: str) -> None:
    if not 0 <= value < n:
        raise _fail(path, f"no location {value} (there are {n}, numbered from 0)")


def _check_windows(windows: tuple[Window, ...], path: str) -> None:
    for j, w in enumerate(windows):
        if w.start < 0:
            raise _fail(f"{path}[{j}].start", "must be at least 0")
        if w.end < w.start:
            raise _fail(f"{path}[{j}]", "ends before it starts")


def check(problem: Problem) -> None:
    """Values and cross-references: sizes, ranges, unique ids, every midwife named exists."""
    _check_policy(problem.policy)
    _check_locations(problem)
    n = len(problem.locations)
    midwives: set[str] = set()
    for i, m in enumerate(problem.midwives):
        if not m.id.strip():
            raise _fail(f"midwives[{i}].id", "must be a non-empty string")
        if m.id in midwives:
            raise _fail(f"midwives[{i}].id", f"'{m.id}' appears more than once")
        midwives.add(m.id)
        if m.max_minutes is not None and m.max_minutes < 0:
            raise _fail(f"midwives[{i}].max_minutes", "must be at least 0")
    last: dict[str, tuple[int, Shift]] = {}
    order = sorted(range(len(problem.shifts)), key=lambda i: problem.shifts[i].start)
    for i, s in enumerate(problem.shifts):
        path = f"shifts[{i}]"
        if s.midwife not in midwives:
            raise _fail(f"{path}.midwife", f"no midwife has the id '{s.midwife}'")
        if s.start < 0:
            raise _fail(f"{path}.start", "must be at least 0")
        if s.end <= s.start:
            raise _fail(f"{path}.end", f"must be after its start ({s.start})")
        _check_location_ref(s.start_location, n, f"{path}.start_location")
        _check_location_ref(s.end_location, n, f"{path}.end_location")
        if s.capacity is not None and s.capacity < 0:
            raise _fail(f"{path}.capacity", "must be at least 0")
    for i in order:
        s = problem.shifts[i]
        if s.midwife in last and last[s.midwife][1].end > s.start:
            j = last[s.midwife][0]
            raise _fail(
                f"shifts[{max(i, j)}]",
                f"overlaps shifts[{min(i, j)}], another shift of {s.midwife}",
            )
        last[s.midwife] = (i, s)
    ids: set[str] = set()
    for i, v in enumerate(problem.visits):
        path = f"visits[{i}]"
        if not v.id.strip():
            raise _fail(f"{path}.id", "must be a non-empty string")
        if v.id in ids:
            raise _fail(f"{path}.id", f"'{v.id}' appears more than once")
        ids.add(v.id)
        _check_location_ref(v.location, n, f"{path}.location")
        if v.duration < 0:
            raise _fail(f"{path}.duration", "must be at least 0")
        if v.demand < 0:
            raise _fail(f"{path}.demand", "must be at least 0")
        _check_windows(v.windows, f"{path}.windows")
        _check_windows(v.preferred, f"{path}.preferred")
        for j, c in enumerate(v.carers):
            if c not in midwives:
                raise _fail(f"{path}.carers[{j}]", f"no midwife has the id '{c}'")
            if c in v.carers[:j]:
                raise _fail(f"{path}.carers[{j}]", f"'{c}' is listed twice")
        if v.pin is not None:
            if v.pin.midwife not in midwives:
                raise _fail(f"{path}.pin.midwife", f"no midwife has the id '{v.pin.midwife}'")
            if v.pin.start is not None and v.pin.start < 0:
                raise _fail(f"{path}.pin.start", "must be at least 0")


# -- writing ------------------------------------------------------------------------------------


def _windows_out(windows: tuple[Window, ...]) -> list[dict[str, int]]:
    return [{"start": w.start, "end": w.end} for w in windows]


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    def location(loc: Location) -> dict[str, float]:
        out = {"lat": loc.lat, "lon": loc.lon, "x": loc.x, "y": loc.y}
        return {k: v for k, v in out.items() if v is not None}

    out: dict[str, Any] = {
        "policy": {f.name: getattr(problem.policy, f.name) for f in fields(Policy)},
        "locations": [location(loc) for loc in problem.locations],
        "midwives": [
            {"id": m.id, "skills": list(m.skills), "max_minutes": m.max_minutes}
            for m in problem.midwives
        ],
        "shifts": [
            {
                "midwife": s.midwife,
                "start": s.start,
                "end": s.end,
                "start_location": s.start_location,
                "end_location": s.end_location,
                "capacity": s.capacity,
            }
            for s in problem.shifts
        ],
        "visits": [
            {
                "id": v.id,
                "location": v.location,
                "duration": v.duration,
                "windows": _windows_out(v.windows),
                "preferred": _windows_out(v.preferred),
                "carers": list(v.carers),
                "skills": list(v.skills),
                "pin": None if v.pin is None else {"midwife": v.pin.midwife, "start": v.pin.start},
                "woman": v.woman,
                "demand": v.demand,
            }
            for v in problem.visits
        ],
    }
    if problem.travel is not None:
        out["travel"] = [list(row) for row in problem.travel]
    return out


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    ranks: dict[str, int] = {"named": 0, "buddy": 0, "other_carer": 0, "not_a_carer": 0}
    for p in plan.planned:
        key = (
            "not_a_carer"
            if p.carer_rank is None
            else ("named", "buddy")[p.carer_rank]
            if p.carer_rank < 2
            else "other_carer"
        )
        ranks[key] += 1
    return {
        "solver": plan.solver,
        "seconds": round(plan.seconds, 3),
        "objective": {k: round(v, 4) for k, v in plan.objective.items()},
        "summary": {
            "planned": len(plan.planned),
            "unplanned": len(plan.unplanned),
            **ranks,
            "outside_preferred": sum(1 for p in plan.planned if not p.in_preferred),
        },
        "travel_minutes": {k: round(v, 3) for k, v in plan.travel_minutes.items()},
        "planned": [
            {
                "visit": p.visit,
                "midwife": p.midwife,
                "shift": p.shift,
                "start": p.start,
                "carer_rank": p.carer_rank,
                "in_preferred": p.in_preferred,
                "travel_before": round(p.travel_before, 3),
            }
            for p in plan.planned
        ],
        "unplanned": [{"visit": u.visit, "reason": u.reason} for u in plan.unplanned],
    }
