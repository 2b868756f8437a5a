"""Routing engine: a team's week of home visits, and Solomon VRPTW calibration.

Two parts, in one run, every solver on the same instances with the same time budget:

1. **Solomon C101, R101, RC101** (`../shared/bench-data/solomon/`): the raw router with time
   windows, capacity and service times, distance-only objective (vehicles free), real-valued
   Euclidean distances. Ours is `continuity.engines.routing.solve` on a `Problem` with x/y
   locations (travel = distance), one shift per vehicle and no carers (so no continuity cost);
   the reference row is PyVRP on the plain VRPTW (distances and times scaled by 1,000 to
   integers), and a diagnostic row is the same PyVRP with every leg taking whole minutes rounded
   up, the engine's schedule rule. All are re-checked here from their routes (real-valued
   distance and times, windows, capacity, every customer once).
2. **Synthetic team weeks** (generated here, seeded `random.Random`): 8 midwives in buddy pairs
   with homes around the demo's fictional city, shifts Monday to Sunday (days, lates to 20:00,
   weekend days and evenings), one midwife on leave Monday to Wednesday, 250 visits of ~240
   women, each woman with a named midwife (odds falling with distance from the midwife's home, as
   allocation weighs travel) and her buddy, clinical windows of 1–5 days (split round the school
   run for some), preferred windows for ~60%, durations 30–90 minutes, two skills. Solvers:
   - ours: `solve` (PyVRP-based, continuity first);
   - greedy: `solve_greedy` ("each midwife routes her own women, repair to buddy, then team");
   - pyvrp-cf: `solve` on the same problem with the carers and the preferred windows removed —
     the continuity-free travel reference;
   - pyvrp-cf-times: the same with her preferred windows kept, so only continuity is removed (a
     like-for-like diagnostic; the goal is judged against the lower references);
   - vroom-cf: VROOM (pyvroom, exploration level 5, one thread, timeout = the budget),
     continuity-free: the same matrix, time in whole minutes rounded up, cost in exact seconds;
   - ortools: OR-Tools routing with continuity as per-vehicle arc costs (named 0 / buddy / team,
       the same Policy costs), hard windows (gaps removed from the cumul domain), optional visits
     at the unplanned cost, cheapest insertion then guided local search, the same time limit
     including building the model. Preferred windows are not modelled in it.
   Every answer is turned into routes (shift, [(visit, start)]) and scored here by one set of
   rules (travel from the same matrix, windows, shift ends, skills, continuity), and by the
   engine's `evaluate` (its objective; it raises if the routes break a hard rule).

Quick tier: Solomon 2 s and one seed, team week instance seed 1 with a 3 s budget.
Full tier: Solomon 10 s and seeds 1–5, team weeks seeds 1–5 with a 10 s budget; medians.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import math
import random
import statistics
import time
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench.common import emit, goal

SOLOMON_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench-data" / "solomon"
SOLOMON_BEST = {"C101": 828.94, "R101": 1642.88, "RC101": 1623.58}
SOLOMON_VEHICLES = 25
SOLOMON_SCALE = 100
PYVRP_SCALE = 1000  # Solomon distances and times to integers for raw PyVRP
DAY = 1440
TOL = 1e-6

# (seconds budget, seeds) per tier
SOLOMON_QUICK, SOLOMON_FULL = (2.0, [1]), (10.0, [1, 2, 3, 4, 5])
WEEK_QUICK, WEEK_FULL = (3.0, [1]), (10.0, [1, 2, 3, 4, 5])
WEEK_VISITS = 250
WEEK_MIDWIVES = 8
ALLOCATION_KM = 3.0  # a woman's odds of a named midwife fall by e for every 3 km from her home


# -- shared: routes and their checks ---------------------------------------------------------------

# A route is (shift index, [(visit index, start minute), ...]) in driving order.
Route = tuple[int, list[tuple[int, float]]]


@dataclass
class Answer:
    solver: str
    routes: list[Route]
    unplanned: list[int]
    seconds: float
    extra: dict[str, Any]


def _routes_from_plan(problem: Any, plan: Any) -> tuple[list[Route], list[int]]:
    index = {v.id: i for i, v in enumerate(problem.visits)}
    by_shift: dict[int, list[tuple[int, float]]] = {}
    for p in plan.planned:
        by_shift.setdefault(p.shift, []).append((index[p.visit], float(p.start)))
    routes = [(s, sorted(stops, key=lambda t: t[1])) for s, stops in sorted(by_shift.items())]
    unplanned = sorted(index[u.visit] for u in plan.unplanned)
    return routes, unplanned


# -- Solomon ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    demand: int
    ready: int
    due: int
    service: int


def _read_solomon(name: str) -> tuple[int, list[Node]]:
    rows = [ln.split() for ln in (SOLOMON_DIR / f"{name}.txt").read_text().splitlines()]
    rows = [r for r in rows if r]
    capacity = int(rows[0][0])
    nodes = [
        Node(float(r[1]), float(r[2]), int(r[3]), int(r[4]), int(r[5]), int(r[6])) for r in rows[1:]
    ]
    return capacity, nodes


def _solomon_check(nodes: list[Node], capacity: int, routes: list[list[int]]) -> dict[str, Any]:
    """Real-valued distance and feasibility of routes (lists of customer node numbers)."""

    def dist(a: int, b: int) -> float:
        return math.hypot(nodes[a].x - nodes[b].x, nodes[a].y - nodes[b].y)

    distance, late, overload = 0.0, 0, 0
    seen: list[int] = []
    for route in routes:
        if not route:
            continue
        t, prev, load = float(nodes[0].ready), 0, 0
        for c in route:
            distance += dist(prev, c)
            t = max(t + nodes[prev].service + dist(prev, c), nodes[c].ready)
            late += t > nodes[c].due + TOL
            load += nodes[c].demand
            prev = c
            seen.append(c)
        distance += dist(prev, 0)
        late += t + nodes[prev].service + dist(prev, 0) > nodes[0].due + TOL
        overload += load > capacity
    customers = set(range(1, len(nodes)))
    return {
        "distance": round(distance, 2),
        "vehicles": sum(1 for r in routes if r),
        "unplanned": len(customers - set(seen)),
        "duplicates": len(seen) - len(set(seen)),
        "late": late,
        "overloads": overload,
    }


def _solomon_problem(nodes: list[Node], capacity: int, budget: float, seed: int) -> Any:
    from continuity.engines.routing.model import (
        Location,
        Midwife,
        Policy,
        Problem,
        Shift,
        Visit,
        Window,
    )

    # The engine schedules in whole minutes and rounds each leg up; Solomon's times are real
    # numbers, so the instance is scaled by 100 (as docs/engines/routing.md says) and the
    # distance is read back from the routes in the original units.
    k = SOLOMON_SCALE
    depot = nodes[0]
    midwives = tuple(Midwife(id=f"v{k + 1}") for k in range(SOLOMON_VEHICLES))
    return Problem(
        locations=tuple(Location(x=n.x * k, y=n.y * k) for n in nodes),
        visits=tuple(
            Visit(
                id=f"c{i}",
                location=i,
                duration=n.service * k,
                windows=(Window(n.ready * k, n.due * k),),
                woman=f"c{i}",
                demand=n.demand,
            )
            for i, n in enumerate(nodes)
            if i > 0
        ),
        midwives=midwives,
        shifts=tuple(
            Shift(
                midwife=m.id,
                start=depot.ready * k,
                end=depot.due * k,
                start_location=0,
                end_location=0,
                capacity=capacity,
            )
            for m in midwives
        ),
        policy=Policy(time_limit_seconds=budget, seed=seed),
    )


def _solomon_ours(nodes: list[Node], capacity: int, budget: float, seed: int) -> dict[str, Any]:
    from continuity.engines.routing import solve

    problem = _solomon_problem(nodes, capacity, budget, seed)
    t0 = time.perf_counter()
    plan = solve(problem)
    seconds = time.perf_counter() - t0
    routes, unplanned = _routes_from_plan(problem, plan)
    row = _solomon_check(nodes, capacity, [[v + 1 for v, _ in stops] for _, stops in routes])
    row["plan_travel"] = round(sum(plan.travel_minutes.values()) / SOLOMON_SCALE, 2)
    row["plan_unplanned"] = len(unplanned)
    row["plan_seconds"] = round(plan.seconds, 3)
    row["seconds"] = round(seconds, 3)
    return row


def _solomon_pyvrp(
    nodes: list[Node], capacity: int, budget: float, seed: int, whole: bool = False
) -> dict[str, Any]:
    """Raw PyVRP on the plain VRPTW. `whole`: legs take whole minutes rounded up, the engine's
    schedule rule (a diagnostic: how much of our gap is that rule rather than the search)."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    s = PYVRP_SCALE
    t0 = time.perf_counter()
    m = pyvrp.Model()
    locs = [m.add_location(x=n.x, y=n.y) for n in nodes]
    depot = m.add_depot(locs[0], tw_early=nodes[0].ready * s, tw_late=nodes[0].due * s)
    m.add_vehicle_type(
        num_available=SOLOMON_VEHICLES,
        capacity=capacity,
        start_depot=depot,
        end_depot=depot,
        tw_early=nodes[0].ready * s,
        tw_late=nodes[0].due * s,
    )
    for i, n in enumerate(nodes):
        if i:
            m.add_client(
                locs[i],
                delivery=n.demand,
                service_duration=n.service * s,
                tw_early=n.ready * s,
                tw_late=n.due * s,
            )
    for a, na in enumerate(nodes):
        for b, nb in enumerate(nodes):
            d = math.hypot(na.x - nb.x, na.y - nb.y) * s
            # Distance rounded (the objective); duration rounded up (never optimistic on time).
            duration = _whole(d / s) * s if whole else math.ceil(d - 1e-6)
            m.add_edge(locs[a], locs[b], distance=round(d), duration=duration)
    result = m.solve(stop=MaxRuntime(budget), seed=seed, display=False)
    seconds = time.perf_counter() - t0
    routes = [[a.idx + 1 for a in r if a.is_client()] for r in result.best.routes()]
    row = _solomon_check(nodes, capacity, routes)
    row["feasible"] = bool(result.best.is_feasible())
    row["seconds"] = round(seconds, 3)
    return row


def _solomon(budget: float, seeds: list[int]) -> list[dict[str, Any]]:
    rows = []
    for name, best in SOLOMON_BEST.items():
        capacity, nodes = _read_solomon(name)
        solvers: tuple[tuple[str, Any], ...] = (
            ("ours", _solomon_ours),
            ("pyvrp", _solomon_pyvrp),
            ("pyvrp-whole-minutes", functools.partial(_solomon_pyvrp, whole=True)),
        )
        for solver, fn in solvers:
            for seed in seeds:
                row: dict[str, Any] = {"part": "solomon", "instance": name, "solver": solver}
                row["seed"] = seed
                row["budget_seconds"] = budget
                row.update(fn(nodes, capacity, budget, seed))
                row["best_known"] = best
                row["gap_pct"] = round(100.0 * (row["distance"] - best) / best, 3)
                rows.append(row)
    return rows


# -- synthetic team week ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    seed: int
    problem: Any
    on_leave: str
    women: int

    def hours(self) -> dict[str, float]:
        p = self.problem
        return {
            "visiting_hours": round(sum(v.duration for v in p.visits) / 60, 1),
            "shift_hours": round(sum(s.end - s.start for s in p.shifts) / 60, 1),
        }


KINDS = (  # (kind, weight, durations, window days (min, max), skill)
    ("antenatal", 0.50, (30, 30, 45, 60), (3, 5), None),
    ("postnatal", 0.30, (45,), (1, 2), None),
    ("booking", 0.10, (90,), (3, 5), None),
    ("newborn exam", 0.10, (60,), (1, 2), "nipe"),
)


def _clip(windows: list[tuple[int, int]], lo: int, hi: int) -> list[tuple[int, int]]:
    return [(max(a, lo), min(b, hi)) for a, b in windows if min(b, hi) >= max(a, lo)]


def _week(seed: int, budget: float) -> Week:
    from continuity.demo.generator import CITY_LAT, CITY_LON
    from continuity.engines.geo import Point, distance_km
    from continuity.engines.routing.model import (
        Location,
        Midwife,
        Policy,
        Problem,
        Shift,
        Visit,
        Window,
    )

    rng = random.Random(seed)
    policy = Policy(time_limit_seconds=budget, seed=seed)
    km_lon = 111.2 * math.cos(math.radians(CITY_LAT))

    def point(sd_km: float, max_km: float) -> Point:
        while True:
            east, north = rng.gauss(0, sd_km), rng.gauss(0, sd_km)
            if math.hypot(east, north) <= max_km:
                return Point(CITY_LAT + north / 111.2, CITY_LON + east / km_lon)

    # Midwives: pairs (M1, M2), (M3, M4), ...; one of each pair does newborn exams; one pair
    # speaks Urdu; six work full time (5 weekdays), two 4 weekdays.
    n = WEEK_MIDWIVES
    ids = [f"M{k + 1}" for k in range(n)]
    urdu_pair = rng.randrange(n // 2)
    skills: list[list[str]] = [[] for _ in range(n)]
    for pair in range(n // 2):
        skills[2 * pair + rng.randrange(2)].append("nipe")
        if pair == urdu_pair:
            skills[2 * pair].append("urdu")
            skills[2 * pair + 1].append("urdu")
    midwives = tuple(Midwife(id=ids[k], skills=tuple(skills[k])) for k in range(n))
    points = [point(2.5, 6.0) for _ in range(n)]  # homes first, then women
    homes = points[:n]

    full_time = set(rng.sample(range(n), n - 2))
    days_off: dict[int, set[int]] = {k: set() for k in range(n)}
    for pair in range(n // 2):
        offs = rng.sample(range(5), 2)  # buddies never share a weekday off
        for k, d in zip((2 * pair, 2 * pair + 1), offs, strict=True):
            if k not in full_time:
                days_off[k].add(d)
    leave = rng.randrange(n)
    days_off[leave] |= {0, 1, 2}  # annual leave Monday to Wednesday
    spans: list[tuple[int, int, int]] = []  # (midwife, start, end)
    for d in range(5):
        working = [k for k in range(n) if d not in days_off[k]]
        lates = set(rng.sample(working, min(2, len(working))))
        for k in working:
            a, b = (12 * 60, 20 * 60) if k in lates else (9 * 60, 17 * 60)
            spans.append((k, d * DAY + a, d * DAY + b))
    # Weekend: Saturday two days and an evening, Sunday a day and an evening; one midwife each.
    for day, a, b in ((5, 9, 15), (5, 9, 15), (5, 14, 20), (6, 9, 15), (6, 14, 20)):
        taken = {k for k, start, _ in spans if start // DAY == day}
        k = rng.choice([k for k in range(n) if k not in taken])
        spans.append((k, day * DAY + a * 60, day * DAY + b * 60))
    shifts = tuple(
        Shift(midwife=ids[k], start=a, end=b, start_location=k, end_location=k)
        for k, a, b in sorted(spans, key=lambda s: (s[0], s[1]))
    )

    # Caseloads in proportion to weekdays normally worked (leave does not move a caseload).
    weights = [5 if k in full_time else 4 for k in range(n)]
    visits: list[Visit] = []
    women = 0
    while len(visits) < WEEK_VISITS:
        w = women
        women += 1
        urdu = rng.random() < 0.05
        pool = [2 * urdu_pair, 2 * urdu_pair + 1] if urdu else list(range(n))
        loc = len(points)
        here = point(2.5, 6.0)
        points.append(here)
        # Allocation weighs travel: the odds of a midwife fall with distance from her home.
        odds = [weights[k] * math.exp(-distance_km(homes[k], here) / ALLOCATION_KM) for k in pool]
        named = rng.choices(pool, weights=odds)[0]
        carers = (ids[named], ids[named ^ 1])
        kind, _, durations, (lo, hi), skill = rng.choices(KINDS, weights=[k[1] for k in KINDS])[0]
        length = rng.randint(lo, hi)
        # Short (postnatal) windows start on a weekend day less often than on a weekday.
        firsts = range(0, 7 - length + 1)
        first = rng.choices(firsts, weights=[1.0 if d < 5 else 0.5 for d in firsts])[0]
        school_run = rng.random() < 0.10
        pref_kind = rng.choices(
            ("none", "evenings and Saturday mornings", "mornings", "afternoons"),
            weights=(0.40, 0.25, 0.20, 0.15),
        )[0]
        starts = [(first, length)]
        if kind == "postnatal" and rng.random() < 0.6 and first + 4 + 2 <= 7:
            starts.append((first + 4, 2))  # day-5 visit after the first
        for number, (d0, days) in enumerate(starts):
            hard: list[tuple[int, int]] = []
            preferred: list[tuple[int, int]] = []
            for d in range(d0, d0 + days):
                base = d * DAY
                if school_run:
                    hard += [
                        (base + 8 * 60, base + 14 * 60 + 30),
                        (base + 16 * 60, base + 20 * 60 + 30),
                    ]
                else:
                    hard.append((base + 8 * 60, base + 20 * 60 + 30))
                if pref_kind == "evenings and Saturday mornings":
                    if d < 5:
                        preferred += _clip(hard, base + 17 * 60, base + 20 * 60 + 30)
                    elif d == 5:
                        preferred += _clip(hard, base + 9 * 60, base + 12 * 60)
                elif pref_kind == "mornings":
                    preferred += _clip(hard, base + 9 * 60, base + 12 * 60)
                elif pref_kind == "afternoons" and d < 5:
                    preferred += _clip(hard, base + 13 * 60, base + 17 * 60)
            skills_needed = tuple(s for s in (skill, "urdu" if urdu else None) if s)
            visits.append(
                Visit(
                    id=f"W{w}-{number + 1}",
                    location=loc,
                    duration=rng.choice(durations),
                    windows=tuple(Window(a, b) for a, b in hard),
                    preferred=tuple(Window(a, b) for a, b in preferred),
                    carers=carers,
                    skills=skills_needed,
                    woman=f"W{w}",
                )
            )
            if len(visits) >= WEEK_VISITS:
                break

    factor = policy.circuity / policy.speed_kmh * 60.0
    travel = tuple(tuple(round(distance_km(p, q) * factor, 3) for q in points) for p in points)
    problem = Problem(
        locations=tuple(Location(lat=p.lat, lon=p.lon) for p in points),
        visits=tuple(visits),
        midwives=midwives,
        shifts=shifts,
        policy=policy,
        travel=travel,
    )
    return Week(seed=seed, problem=problem, on_leave=ids[leave], women=women)


def _continuity_free(problem: Any, *, keep_times: bool = False) -> Any:
    return replace(
        problem,
        visits=tuple(
            replace(v, carers=(), preferred=v.preferred if keep_times else ())
            for v in problem.visits
        ),
    )


def _inside(t: float, windows: Any) -> bool:
    return any(w.start - TOL <= t <= w.end + TOL for w in windows)


def _able(problem: Any, visit: Any, midwife: str) -> bool:
    """She has a shift in which the visit could start inside a window and end before the shift
    does (ignoring travel), and she has its skills."""
    skills = next(m.skills for m in problem.midwives if m.id == midwife)
    if not set(visit.skills) <= set(skills):
        return False
    for s in problem.shifts:
        if s.midwife != midwife:
            continue
        for w in visit.windows:
            if max(w.start, s.start) <= min(w.end, s.end - visit.duration):
                return True
    return False


def _score(problem: Any, answer: Answer) -> dict[str, Any]:
    """One set of rules for every solver's routes."""
    T = problem.travel
    visits, shifts = problem.visits, problem.shifts
    skills = {m.id: set(m.skills) for m in problem.midwives}
    policy = problem.policy
    travel = 0.0
    hard_window, timing, skill_bad, outside_pref, with_pref = 0, 0, 0, 0, 0
    done: dict[int, tuple[str, float]] = {}
    busy: dict[str, float] = {}
    unsocial: dict[str, float] = {}
    for s_index, stops in answer.routes:
        if not stops:
            continue
        shift = shifts[s_index]
        m = shift.midwife
        loc, t = shift.start_location, float(shift.start)
        for v_index, start in stops:
            v = visits[v_index]
            travel += T[loc][v.location]
            if t + T[loc][v.location] > start + TOL:
                timing += 1
            if not _inside(start, v.windows):
                hard_window += 1
            if not set(v.skills) <= skills[m]:
                skill_bad += 1
            if v.preferred:
                with_pref += 1
                outside_pref += not _inside(start, v.preferred)
            done[v_index] = (m, start)
            busy[m] = busy.get(m, 0.0) + v.duration
            day, minute = divmod(int(start), DAY)
            if day >= 5 or minute >= policy.evening_start:
                unsocial[m] = unsocial.get(m, 0.0) + v.duration
            t = start + v.duration
            loc = v.location
        travel += T[loc][shift.end_location]
        if t + T[loc][shift.end_location] > shift.end + TOL:
            timing += 1
    n = len(visits)
    named = sum(1 for i, (m, _) in done.items() if visits[i].carers[:1] == (m,))
    nob = sum(1 for i, (m, _) in done.items() if m in visits[i].carers[:2])
    working = [i for i, v in enumerate(visits) if any(_able(problem, v, c) for c in v.carers[:2])]
    nob_working = sum(1 for i in working if i in done and done[i][0] in visits[i].carers[:2])
    shift_minutes: dict[str, int] = {}
    for s in shifts:
        shift_minutes[s.midwife] = shift_minutes.get(s.midwife, 0) + s.end - s.start
    load = [busy.get(m, 0.0) / shift_minutes[m] for m in shift_minutes]
    social = [unsocial.get(m, 0.0) for m in shift_minutes]

    def pct(a: int, b: int) -> float | None:
        return round(100.0 * a / b, 2) if b else None

    return {
        "visits": n,
        "planned": len(done),
        "unplanned": n - len(done),
        "named_pct": pct(named, n),
        "named_or_buddy_pct": pct(nob, n),
        "working_visits": len(working),
        "named_or_buddy_working_pct": pct(nob_working, len(working)),
        "team_pct": pct(len(done) - nob, n),
        "travel_minutes": round(travel, 1),
        "window_violations": hard_window,
        "timing_violations": timing,
        "skill_violations": skill_bad,
        "outside_preferred": outside_pref,
        "with_preferred_planned": with_pref,
        "utilisation_range_pp": round(100.0 * (max(load) - min(load)), 1),
        "unsocial_minutes_range": round(max(social) - min(social), 1),
    }


def _engine_score(problem: Any, answer: Answer) -> dict[str, Any]:
    """The engine's own `evaluate` on the same routes: its objective, or the rule they break."""
    from continuity.engines.routing import evaluate

    assignment = {
        shift: [(problem.visits[v].id, round(start)) for v, start in stops]
        for shift, stops in answer.routes
    }
    try:
        plan = evaluate(problem, assignment, solver=answer.solver, seconds=answer.seconds)
    except ValueError as exc:  # RoutingInputError: the routes break one of the engine's rules
        return {"evaluate_error": str(exc)[:300]}
    return {"objective": {k: round(float(x), 1) for k, x in plan.objective.items()}}


def _run_ours(problem: Any, solver: str, fn: Any) -> Answer:
    t0 = time.perf_counter()
    plan = fn(problem)
    seconds = time.perf_counter() - t0
    routes, unplanned = _routes_from_plan(problem, plan)
    extra = {"plan_travel": round(sum(plan.travel_minutes.values()), 1)}
    extra["plan_seconds"] = round(plan.seconds, 3)
    return Answer(solver, routes, unplanned, seconds, extra)


def _whole(minutes: float) -> int:
    """Travel rounded up to whole minutes, as the engine schedules it."""
    return max(0, math.ceil(minutes - 1e-6))


def _vroom(problem: Any, budget: float) -> Answer:
    import numpy as np
    import vroom

    t0 = time.perf_counter()
    # Time in whole minutes of travel rounded up (the engine's schedule rule, so its starts are
    # valid for `evaluate`); cost from the exact travel, in seconds.
    durations = np.array([[_whole(x) * 60 for x in row] for row in problem.travel], dtype=np.uint32)
    costs = np.array([[round(x * 60) for x in row] for row in problem.travel], dtype=np.uint32)
    skill_ids = {s: k for k, s in enumerate(sorted({s for v in problem.visits for s in v.skills}))}
    has = {m.id: {skill_ids[s] for s in m.skills if s in skill_ids} for m in problem.midwives}
    inp = vroom.Input()
    inp.set_durations_matrix(profile="car", matrix_input=durations)
    inp.set_costs_matrix(profile="car", matrix_input=costs)
    for k, s in enumerate(problem.shifts):
        inp.add_vehicle(
            vroom.Vehicle(
                id=k,
                start=s.start_location,
                end=s.end_location,
                time_window=vroom.TimeWindow(s.start * 60, s.end * 60),
                skills=has[s.midwife],
            )
        )
    inp.add_job(
        [
            vroom.Job(
                id=i,
                location=v.location,
                default_service=v.duration * 60,
                time_windows=[vroom.TimeWindow(w.start * 60, w.end * 60) for w in v.windows],
                skills={skill_ids[s] for s in v.skills},
            )
            for i, v in enumerate(problem.visits)
        ]
    )
    solution = inp.solve(exploration_level=5, nb_threads=1, timeout=timedelta(seconds=budget))
    seconds = time.perf_counter() - t0
    frame = solution.routes
    routes: list[Route] = []
    for vehicle, group in frame.groupby("vehicle_id"):
        jobs = group[group["type"] == "job"]
        stops = [
            (int(j), (int(a) + int(w)) / 60.0)
            for j, a, w in zip(jobs["id"], jobs["arrival"], jobs["waiting_time"], strict=True)
        ]
        routes.append((int(vehicle), stops))
    planned = {i for _, stops in routes for i, _ in stops}
    unplanned = [i for i in range(len(problem.visits)) if i not in planned]
    return Answer(
        "vroom-cf", routes, unplanned, seconds, {"vroom_cost": int(solution.summary.cost)}
    )


def _ortools(problem: Any, budget: float) -> Answer:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    t0 = time.perf_counter()
    visits, shifts, policy = problem.visits, problem.shifts, problem.policy
    nv, ns = len(visits), len(shifts)
    node_loc = [v.location for v in visits]
    node_loc += [s.start_location for s in shifts] + [s.end_location for s in shifts]
    service = [v.duration * 60 for v in visits] + [0] * (2 * ns)
    # Time: whole minutes of travel rounded up, in seconds (the engine's schedule rule); cost: the
    # exact travel in seconds.
    minutes = [[_whole(x) * 60 for x in row] for row in problem.travel]
    exact = [[round(x * 60) for x in row] for row in problem.travel]
    nodes = range(len(node_loc))
    arcs = [[minutes[node_loc[a]][node_loc[b]] for b in nodes] for a in nodes]
    starts = [nv + k for k in range(ns)]
    ends = [nv + ns + k for k in range(ns)]
    manager = pywrapcp.RoutingIndexManager(len(node_loc), ns, starts, ends)
    routing = pywrapcp.RoutingModel(manager)

    # Time: service at the node left plus travel; waiting allowed (slack).
    horizon = max(s.end for s in shifts) * 60
    time_cb = routing.RegisterTransitMatrix(
        [[service[a] + arcs[a][b] for b in nodes] for a in nodes]
    )
    routing.AddDimension(time_cb, horizon, horizon, False, "Time")
    dim = routing.GetDimensionOrDie("Time")

    # Cost: travel plus the continuity cost of the visit arrived at, per midwife.
    def rank_cost(v: Any, midwife: str) -> float:
        if midwife in v.carers[:1]:
            return 0.0
        if midwife in v.carers[1:2]:
            return float(policy.buddy_cost)
        return float(policy.team_cost) if v.carers else 0.0

    tc = policy.travel_cost
    cost_cb: dict[str, int] = {}
    for m in {s.midwife for s in shifts}:
        extra = [round(rank_cost(v, m) * 60) for v in visits] + [0] * (2 * ns)
        cost_cb[m] = routing.RegisterTransitMatrix(
            [[round(tc * exact[node_loc[a]][node_loc[b]]) + extra[b] for b in nodes] for a in nodes]
        )
    for k, s in enumerate(shifts):
        routing.SetArcCostEvaluatorOfVehicle(cost_cb[s.midwife], k)
        dim.CumulVar(routing.Start(k)).SetRange(s.start * 60, s.end * 60)
        dim.CumulVar(routing.End(k)).SetRange(s.start * 60, s.end * 60)

    skills = {m.id: set(m.skills) for m in problem.midwives}
    penalty = round(policy.unplanned_cost * 60)
    for i, v in enumerate(visits):
        index = manager.NodeToIndex(i)
        # Windows: the hull, with the gaps a shift could fall in removed (a gap overnight, when
        # nobody works, needs no removing).
        ws = sorted((w.start * 60, w.end * 60) for w in v.windows)
        cumul = dim.CumulVar(index)
        cumul.SetRange(ws[0][0], ws[-1][1])
        for (_, b), (a, _) in itertools.pairwise(ws):
            if a > b + 1 and any(s.start * 60 < a and s.end * 60 > b for s in shifts):
                cumul.RemoveInterval(b + 1, a - 1)
        # (SetAllowedVehiclesForIndex does not accept a list in this build's Python binding.)
        barred = [k for k, s in enumerate(shifts) if not set(v.skills) <= skills[s.midwife]]
        if barred:
            routing.VehicleVar(index).RemoveValues(barred)
        routing.AddDisjunction([index], penalty)

    params = pywrapcp.DefaultRoutingSearchParameters()
    # Cheapest insertion copes with optional visits and holes in the windows; PATH_CHEAPEST_ARC
    # dropped every visit on these instances.
    strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.first_solution_strategy = strategy
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    remaining = max(0.5, budget - (time.perf_counter() - t0))  # the model build counts too
    params.time_limit.FromMilliseconds(int(remaining * 1000))
    solution = routing.SolveWithParameters(params)
    seconds = time.perf_counter() - t0
    routes: list[Route] = []
    if solution is not None:
        for k in range(ns):
            stops = []
            index = routing.Start(k)
            while not routing.IsEnd(index):
                node = manager.IndexToNode(index)
                if node < nv:
                    stops.append((node, solution.Min(dim.CumulVar(index)) / 60.0))
                index = solution.Value(routing.NextVar(index))
            if stops:
                routes.append((k, stops))
    planned = {i for _, stops in routes for i, _ in stops}
    unplanned = [i for i in range(nv) if i not in planned]
    status = routing.status() if solution is not None else None
    return Answer("ortools", routes, unplanned, seconds, {"status": int(status or 0)})


def _team_week(budget: float, seeds: list[int]) -> list[dict[str, Any]]:
    from continuity.engines.routing import solve, solve_greedy

    rows = []
    for seed in seeds:
        t0 = time.perf_counter()
        week = _week(seed, budget)
        generated = time.perf_counter() - t0
        problem = week.problem
        answers = [
            _run_ours(problem, "ours", solve),
            _run_ours(problem, "greedy", solve_greedy),
        ]
        cf = _run_ours(_continuity_free(problem), "pyvrp-cf", solve)
        answers.append(cf)
        # Like for like: only continuity removed, her preferred times kept (a diagnostic).
        like = _continuity_free(problem, keep_times=True)
        answers.append(_run_ours(like, "pyvrp-cf-times", solve))
        answers.append(_vroom(problem, budget))
        answers.append(_ortools(problem, budget))
        for answer in answers:
            row: dict[str, Any] = {
                "part": "team week",
                "instance": f"team week seed {seed}",
                "solver": answer.solver,
                "seed": seed,
                "budget_seconds": budget,
                "midwives": len(problem.midwives),
                "shifts": len(problem.shifts),
                "women": week.women,
                "on_leave": week.on_leave,
                **week.hours(),
            }
            row.update(_score(problem, answer))
            row.update(_engine_score(problem, answer))
            row.update(answer.extra)
            row["seconds"] = round(answer.seconds, 3)
            row["generate_seconds"] = round(generated, 3)
            rows.append(row)
    return rows


# -- goals and medians -----------------------------------------------------------------------------

_NUMERIC = (
    "distance",
    "gap_pct",
    "vehicles",
    "unplanned",
    "named_pct",
    "named_or_buddy_pct",
    "named_or_buddy_working_pct",
    "team_pct",
    "travel_minutes",
    "window_violations",
    "timing_violations",
    "skill_violations",
    "outside_preferred",
    "utilisation_range_pp",
    "unsocial_minutes_range",
    "seconds",
)


def _medians(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    keys: list[tuple[str, str, str]] = []
    for r in rows:
        group_key = (
            r["part"],
            r["instance"] if r["part"] == "solomon" else "team week",
            r["solver"],
        )
        if group_key not in keys:
            keys.append(group_key)
    for part, instance, solver in keys:
        group = [
            r
            for r in rows
            if r["part"] == part
            and r["solver"] == solver
            and (part != "solomon" or r["instance"] == instance)
        ]
        med: dict[str, Any] = {
            "part": part,
            "instance": instance,
            "solver": solver,
            "seed": "median",
            "seeds": [r["seed"] for r in group],
        }
        for key in _NUMERIC:
            values = [r[key] for r in group if r.get(key) is not None]
            if values:
                med[key] = round(statistics.median(values), 3)
        out.append(med)
    return out


Tier = tuple[float, list[int]]


def _goals(rows: list[dict[str, Any]], full: bool, sol: Tier, week: Tier) -> list[Any]:
    sol_budget, sol_seeds = sol
    week_budget, week_seeds = week
    goals = []

    def tag(seeds: list[int]) -> str:
        return f"seed {seeds[0]}" if len(seeds) == 1 else f"median of seeds {seeds[0]}–{seeds[-1]}"

    for name in SOLOMON_BEST:
        ours = [r for r in rows if r["instance"] == name and r["solver"] == "ours"]
        label = f"Solomon {name}: ≤ 1% above best known in 10 s (ours, {tag(sol_seeds)}"
        if not full:
            label += f"; quick tier: {sol_budget:g} s — the goal is judged in the full tier"
        goals.append(goal(label + ")", statistics.median(r["gap_pct"] for r in ours), "%", "<= 1"))
    broken = [
        r["unplanned"] + r["duplicates"] + r["late"] + r["overloads"]
        for r in rows
        if r["part"] == "solomon" and r["solver"] == "ours"
    ]
    goals.append(
        goal(
            "Solomon: every customer planned once, no window or capacity broken (ours, all runs)",
            max(broken),
            "count",
            "<= 0",
        )
    )

    week_rows = [r for r in rows if r["part"] == "team week"]
    budget_note = "" if full else f"; quick tier: {week_budget:g} s budget"
    ours = [r for r in week_rows if r["solver"] == "ours"]
    goals.append(
        goal(
            "team week: named-or-buddy where the named or buddy is working "
            f"(ours, {tag(week_seeds)}{budget_note})",
            statistics.median(r["named_or_buddy_working_pct"] for r in ours),
            "%",
            ">= 95",
        )
    )
    ratios, refs = [], []
    for r in ours:
        cf = [
            x
            for x in week_rows
            if x["seed"] == r["seed"] and x["solver"] in ("pyvrp-cf", "vroom-cf")
        ]
        # The reference must plan as many visits as ours (fewer visits, less travel).
        fair = [x for x in cf if x["unplanned"] <= r["unplanned"]]
        if fair:
            best = min(fair, key=lambda x: x["travel_minutes"])
        else:
            best = min(cf, key=lambda x: (x["unplanned"], x["travel_minutes"]))
        refs.append(best["solver"])
        ratios.append(100.0 * r["travel_minutes"] / best["travel_minutes"])
    goals.append(
        goal(
            "team week travel vs the continuity-free optimum (ours ÷ best of "
            f"{'/'.join(sorted(set(refs)))}, {tag(week_seeds)}{budget_note})",
            statistics.median(ratios),
            "%",
            "<= 110",
        )
    )
    goals.append(
        goal(
            f"team week solved in (ours, {'max over ' if len(week_seeds) > 1 else ''}"
            f"{tag(week_seeds).replace('median of ', '')}{budget_note})",
            max(r["seconds"] for r in ours),
            "s",
            "<= 10",
        )
    )
    goals.append(
        goal(
            "team week: hard windows, shift ends and skills kept (ours, all seeds; own check and "
            "evaluate)",
            sum(
                r["window_violations"]
                + r["timing_violations"]
                + r["skill_violations"]
                + ("evaluate_error" in r)
                for r in ours
            ),
            "count",
            "<= 0",
        )
    )
    return goals


def run(full: bool = False) -> dict[str, Any]:
    sol = SOLOMON_FULL if full else SOLOMON_QUICK
    week = WEEK_FULL if full else WEEK_QUICK
    results = _solomon(*sol)
    results += _team_week(*week)
    goals = _goals(results, full, sol, week)
    if full:
        results += _medians(results)
    return emit("routing", results, goals)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--full", action="store_true")
    run(full=parser.parse_args().full)
