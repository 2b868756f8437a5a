"""One scorer for every solver: `evaluate` turns routes into a `Plan` and prices it; `violations`
lists every hard rule a plan breaks.

An **assignment** maps a shift (its index in `Problem.shifts`) to the visits done in it, in order.
Each item is a visit id, or `(visit id, start minute)`. Without a start, the visit starts as soon
as she can get there and a window is open. `evaluate` raises `RoutingInputError` naming the item
(`assignment[3][2]: ...`) when the routes break a hard rule, so a baseline cannot score well by
cheating.

The objective, in minutes of travel and their equivalents (`policy` weights):

- `travel`: travel_cost × minutes driven (first visit to last, plus there and back);
- `buddy`: the cost of each visit by `carers[k]`, k ≥ 1 (`buddy_cost × k`, at most `team_cost`);
- `team`: team_cost for each visit by someone not among her carers (none if she lists none);
- `outside_preferred`: outside_preferred_cost for each visit outside her preferred times;
- `unplanned`: unplanned_cost for each visit left unplanned;
- `fairness`: unsocial_fairness_cost × the minutes of evening or weekend visiting above the mean,
  summed over the midwives with at least one shift;
- `total`: the sum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from numbers import Integral

from continuity.engines.routing.instance import (
    EPS,
    Instance,
    build,
    in_preferred,
    in_windows,
    reason,
    unsocial,
)
from continuity.engines.routing.io import check
from continuity.engines.routing.model import (
    Plan,
    Planned,
    Problem,
    RoutingInputError,
    Unplanned,
)

Item = str | tuple[str, int]
Assignment = Mapping[int, Sequence[Item]]

OBJECTIVE_KEYS = ("travel", "buddy", "team", "outside_preferred", "unplanned", "fairness", "total")


def evaluate(
    problem: Problem, assignment: Assignment, *, solver: str = "evaluate", seconds: float = 0.0
) -> Plan:
    """Score routes for `problem`. Raises RoutingInputError if they break a hard rule."""
    check(problem)
    return score(build(problem), assignment, solver=solver, seconds=seconds)


def _fail(path: str, message: str) -> RoutingInputError:
    return RoutingInputError(path, message)


def score(inst: Instance, assignment: Assignment, *, solver: str, seconds: float) -> Plan:
    problem = inst.problem
    visits, shifts, midwives = problem.visits, problem.shifts, problem.midwives
    seen: dict[int, str] = {}
    planned: list[Planned] = []
    travel_by = {m.id: 0.0 for m in midwives}
    used = [0.0] * len(midwives)
    for shift in sorted(assignment):
        path = f"assignment[{shift}]"
        if isinstance(shift, bool) or not isinstance(shift, Integral):
            raise _fail(path, f"no shift {shift!r} (there are {len(shifts)})")
        if not 0 <= shift < len(shifts):
            raise _fail(path, f"no shift {shift!r} (there are {len(shifts)})")
        s = shifts[shift]
        m = inst.shift_midwife[shift]
        t, loc, load, driven = s.start, s.start_location, 0, 0.0
        items = assignment[shift]
        for k, item in enumerate(items):
            where = f"{path}[{k}]"
            vid, given = (item, None) if isinstance(item, str) else item
            start = None if given is None else int(given)
            vi = inst.visit_index.get(vid)
            if vi is None:
                raise _fail(where, f"no visit has the id {vid!r}")
            if vi in seen:
                raise _fail(where, f"visit {vid!r} is already planned at {seen[vi]}")
            seen[vi] = where
            v = visits[vi]
            if not inst.allowed[vi][m]:
                why = (
                    f"is pinned to {v.pin.midwife}"
                    if v.pin is not None and v.pin.midwife != s.midwife
                    else f"needs skills {s.midwife} does not have"
                )
                raise _fail(where, f"visit {vid!r} {why}")
            arrive = t + int(inst.minutes[loc, v.location])
            windows = inst.windows[vi]
            if start is None:
                options = [max(arrive, w.start) for w in windows if max(arrive, w.start) <= w.end]
                if not options:
                    raise _fail(where, f"visit {vid!r} cannot start in a window after {arrive}")
                start = min(options)
            elif start < arrive:
                raise _fail(
                    where, f"visit {vid!r} starts at {start}; she cannot be there before {arrive}"
                )
            elif not in_windows(start, windows):
                raise _fail(where, f"visit {vid!r} starts at {start}, outside its windows")
            leg = float(inst.travel[loc, v.location])
            planned.append(
                Planned(
                    visit=vid,
                    midwife=s.midwife,
                    shift=int(shift),
                    start=start,
                    carer_rank=inst.rank[vi][m],
                    in_preferred=in_preferred(v, start),
                    travel_before=leg,
                )
            )
            t, loc = start + v.duration, v.location
            load += v.demand
            driven += leg
            used[m] += v.duration + leg
        if items:
            back = t + int(inst.minutes[loc, s.end_location])
            if back > s.end:
                raise _fail(path, f"she is back at {back}, after the shift ends at {s.end}")
            if s.capacity is not None and load > s.capacity:
                raise _fail(path, f"load {load} is more than the capacity {s.capacity}")
            home = float(inst.travel[loc, s.end_location])
            driven += home
            used[m] += home
        travel_by[s.midwife] += driven
    for m, mw in enumerate(midwives):
        if mw.max_minutes is not None and used[m] > mw.max_minutes + EPS:
            raise _fail(
                "assignment",
                f"{mw.id} visits and drives {used[m]:.1f} minutes, more than her max_minutes "
                f"({mw.max_minutes})",
            )
    unplanned = tuple(
        Unplanned(v.id, reason(inst, i)) for i, v in enumerate(visits) if i not in seen
    )
    return Plan(
        planned=tuple(planned),
        unplanned=unplanned,
        travel_minutes=travel_by,
        objective=objective(problem, tuple(planned), unplanned, travel_by),
        solver=solver,
        seconds=seconds,
    )


def unsocial_minutes(problem: Problem, planned: Sequence[Planned]) -> dict[str, int]:
    """Minutes of evening or weekend visiting per midwife (every midwife listed)."""
    duration = {v.id: v.duration for v in problem.visits}
    out = {m.id: 0 for m in problem.midwives}
    for p in planned:
        if unsocial(p.start, problem.policy):
            out[p.midwife] += duration[p.visit]
    return out


def fairness_excess(problem: Problem, minutes: Mapping[str, float]) -> float:
    """Sum over the midwives who work of unsocial minutes above their mean."""
    working = sorted({s.midwife for s in problem.shifts})
    if not working:
        return 0.0
    mean = sum(minutes.get(m, 0) for m in working) / len(working)
    return float(sum(max(0.0, minutes.get(m, 0) - mean) for m in working))


def objective(
    problem: Problem,
    planned: Sequence[Planned],
    unplanned: Sequence[Unplanned],
    travel_by: Mapping[str, float],
) -> dict[str, float]:
    policy = problem.policy
    visits = {v.id: v for v in problem.visits}
    buddy = team = 0.0
    outside = 0
    for p in planned:
        v = visits[p.visit]
        if p.carer_rank is not None and p.carer_rank > 0:
            buddy += min(policy.team_cost, policy.buddy_cost * p.carer_rank)
        elif p.carer_rank is None and v.carers:
            team += policy.team_cost
        if not p.in_preferred:
            outside += 1
    parts = {
        "travel": policy.travel_cost * sum(travel_by[m.id] for m in problem.midwives),
        "buddy": buddy,
        "team": team,
        "outside_preferred": policy.outside_preferred_cost * outside,
        "unplanned": policy.unplanned_cost * len(unplanned),
        "fairness": policy.unsocial_fairness_cost
        * fairness_excess(problem, unsocial_minutes(problem, planned)),
    }
    parts["total"] = sum(parts.values())
    return parts


def violations(problem: Problem, plan: Plan) -> list[str]:
    """Every hard rule the plan breaks (empty for a good plan). Independent of any solver."""
    inst = build(problem)
    out: list[str] = []
    visits = {v.id: (i, v) for i, v in enumerate(problem.visits)}
    counted: dict[str, int] = {}
    for x in (*(p.visit for p in plan.planned), *(u.visit for u in plan.unplanned)):
        counted[x] = counted.get(x, 0) + 1
    for vid in visits:
        if counted.get(vid, 0) != 1:
            out.append(f"{vid}: appears {counted.get(vid, 0)} times (must be once)")
    for vid in counted:
        if vid not in visits:
            out.append(f"{vid}: not a visit in the problem")
    by_shift: dict[int, list[Planned]] = {}
    for p in plan.planned:
        if p.visit not in visits:
            continue
        if not 0 <= p.shift < len(problem.shifts):
            out.append(f"{p.visit}: no shift {p.shift}")
            continue
        s = problem.shifts[p.shift]
        vi, v = visits[p.visit]
        if p.midwife != s.midwife:
            out.append(f"{p.visit}: shift {p.shift} is {s.midwife}'s, not {p.midwife}'s")
        if not inst.allowed[vi][inst.shift_midwife[p.shift]]:
            out.append(f"{p.visit}: {s.midwife} is not allowed (skills or pin)")
        if not in_windows(p.start, inst.windows[vi]):
            out.append(f"{p.visit}: starts at {p.start}, outside its windows")
        by_shift.setdefault(p.shift, []).append(p)
    used = {m.id: 0.0 for m in problem.midwives}
    for shift, items in by_shift.items():
        s = problem.shifts[shift]
        t, loc, load = s.start, s.start_location, 0
        for p in sorted(items, key=lambda p: p.start):
            _, v = visits[p.visit]
            arrive = t + int(inst.minutes[loc, v.location])
            if p.start < arrive:
                out.append(
                    f"{p.visit}: starts at {p.start}, before {s.midwife} can be there ({arrive})"
                )
            used[s.midwife] += v.duration + float(inst.travel[loc, v.location])
            t, loc = max(p.start, arrive) + v.duration, v.location
            load += v.demand
        back = t + int(inst.minutes[loc, s.end_location])
        used[s.midwife] += float(inst.travel[loc, s.end_location])
        if back > s.end:
            out.append(f"shift {shift}: {s.midwife} is back at {back}, after it ends at {s.end}")
        if s.capacity is not None and load > s.capacity:
            out.append(f"shift {shift}: load {load} over capacity {s.capacity}")
    for m in problem.midwives:
        if m.max_minutes is not None and used[m.id] > m.max_minutes + EPS:
            out.append(f"{m.id}: {used[m.id]:.1f} minutes, over max_minutes {m.max_minutes}")
    return out
