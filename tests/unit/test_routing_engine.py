"""The routing engine: hard rules every plan keeps (hypothesis), continuity first, the unplanned
reasons, and one scorer for every solver. Solver time limits are kept well under a second."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from continuity.engines.geo import Point, TravelModel
from continuity.engines.routing import (
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
    evaluate,
    solve,
    solve_greedy,
    unsocial_minutes,
    violations,
)
from continuity.engines.routing.instance import build, split, travel_matrix

DAY = 24 * 60
# Exact minutes (start_step=1) so tests can state the earliest-start schedule; the step has
# its own tests.
FAST = Policy(time_limit_seconds=0.3, seed=3, start_step=1)
SOLVERS = [solve, solve_greedy]


def at(day: int, hour: float) -> int:
    return day * DAY + int(hour * 60)


def shift(midwife: str, day: int, start: float = 8, end: float = 17, base: int = 0) -> Shift:
    return Shift(midwife, at(day, start), at(day, end), base, base)


def visit(
    vid: str,
    location: int,
    day: int,
    start: float = 9,
    end: float = 16,
    *,
    carers: tuple[str, ...] = ("M1", "M2"),
    duration: int = 30,
    **kw: object,
) -> Visit:
    return Visit(
        id=vid,
        location=location,
        duration=duration,
        windows=(Window(at(day, start), at(day, end)),),
        carers=carers,
        **kw,  # type: ignore[arg-type]
    )


def problem(
    visits: list[Visit],
    shifts: list[Shift],
    midwives: tuple[Midwife, ...] = (Midwife("M1"), Midwife("M2"), Midwife("M3")),
    policy: Policy = FAST,
    n_locations: int = 10,
) -> Problem:
    """Locations on a line, 5 minutes apart (x/y: travel = distance), 0 is the base."""
    return Problem(
        locations=tuple(Location(x=5.0 * i, y=0.0) for i in range(n_locations)),
        visits=tuple(visits),
        midwives=midwives,
        shifts=tuple(shifts),
        policy=policy,
    )


def by_visit(plan: Plan) -> dict[str, tuple[str, int, int | None]]:
    return {p.visit: (p.midwife, p.start, p.carer_rank) for p in plan.planned}


def reasons(plan: Plan) -> dict[str, str]:
    return {u.visit: u.reason for u in plan.unplanned}


def week(n_visits: int, seed: int, policy: Policy = FAST) -> Problem:
    """A small random team week: 4 midwives in buddy pairs, one on leave midweek."""
    rng = random.Random(seed)
    midwives = (
        Midwife("M1", skills=("diabetes",)),
        Midwife("M2"),
        Midwife("M3", max_minutes=900 if rng.random() < 0.5 else None),
        Midwife("M4", skills=("diabetes",)),
    )
    locations = [Location(x=rng.uniform(0, 40), y=rng.uniform(0, 40)) for _ in range(n_visits + 4)]
    shifts = []
    for i, m in enumerate(midwives):
        for day in range(7):
            if rng.random() < 0.6 and not (i == 1 and 2 <= day <= 4):
                late = rng.random() < 0.3
                shifts.append(shift(m.id, day, 12 if late else 8, 20 if late else 16, base=i))
    visits = []
    for k in range(n_visits):
        day = rng.randrange(7)
        named = rng.randrange(4)
        carers = (midwives[named].id, midwives[named ^ 1].id)
        windows = [Window(at(day, 9), at(day, rng.choice([12, 17, 19])))]
        if rng.random() < 0.2:
            windows.append(Window(at(day + 1, 14), at(day + 1, 18)))
        preferred = (Window(at(day, 14), at(day, 16)),) if rng.random() < 0.3 else ()
        pin = None
        if rng.random() < 0.1:
            pin = Pin(rng.choice(midwives).id, at(day, 10) if rng.random() < 0.5 else None)
        visits.append(
            Visit(
                id=f"V{k}",
                location=4 + k,
                duration=rng.choice([20, 30, 45]),
                windows=tuple(windows),
                preferred=preferred,
                carers=carers if rng.random() < 0.9 else (),
                skills=("diabetes",) if rng.random() < 0.1 else (),
                pin=pin,
            )
        )
    return Problem(tuple(locations), tuple(visits), midwives, tuple(shifts), policy)


# -- hard rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_week_keeps_every_hard_rule(solver: object) -> None:
    p = week(40, seed=5)
    plan = solver(p)  # type: ignore[operator]
    assert violations(p, plan) == []
    inst = build(p)
    index = {v.id: i for i, v in enumerate(p.visits)}
    for q in plan.planned:
        s = p.shifts[q.shift]
        v = p.visits[index[q.visit]]
        assert q.midwife == s.midwife
        assert any(w.start <= q.start <= w.end for w in inst.windows[index[q.visit]])
        assert s.start <= q.start and q.start + v.duration <= s.end  # inside her shift
        assert set(v.skills) <= set(next(m for m in p.midwives if m.id == q.midwife).skills)
        if v.pin is not None:
            assert q.midwife == v.pin.midwife
            assert v.pin.start is None or q.start == v.pin.start
    # No double booking: in each shift, visits and the travel between them fit in sequence.
    for sid in {q.shift for q in plan.planned}:
        s = p.shifts[sid]
        stops = sorted((q for q in plan.planned if q.shift == sid), key=lambda q: q.start)
        t, loc = s.start, s.start_location
        for q in stops:
            v = p.visits[index[q.visit]]
            assert q.start >= t + inst.travel[loc, v.location] - 1e-9
            t, loc = q.start + v.duration, v.location
        assert t + inst.travel[loc, s.end_location] <= s.end + 1e-9
    assert len(plan.planned) + len(plan.unplanned) == len(p.visits)
    used = {m.id: 0.0 for m in p.midwives}
    for q in plan.planned:
        used[q.midwife] += p.visits[index[q.visit]].duration
    for m in p.midwives:
        used[m.id] += plan.travel_minutes[m.id]
        if m.max_minutes is not None:
            assert used[m.id] <= m.max_minutes + 1e-6


@pytest.mark.parametrize("solver", SOLVERS)
def test_nothing_is_planned_on_leave(solver: object) -> None:
    # M1 is on leave on Tuesday (no shift); M2 works Tuesday. Her Tuesday women go to M2.
    p = problem(
        [visit("A", 1, 0), visit("B", 2, 1), visit("C", 3, 1)],
        [shift("M1", 0), shift("M2", 0), shift("M2", 1)],
    )
    plan = solver(p)  # type: ignore[operator]
    got = by_visit(plan)
    assert got["A"][0] == "M1" and got["A"][2] == 0
    assert got["B"][0] == "M2" and got["B"][2] == 1  # her buddy
    assert got["C"][0] == "M2" and got["C"][2] == 1
    assert all(q.start // DAY == 1 for q in plan.planned if q.visit != "A")


@pytest.mark.parametrize("solver", SOLVERS)
def test_named_midwife_first_even_when_someone_is_closer(solver: object) -> None:
    # M3 lives next door to the woman (location 9); M1 is across the patch, and is working.
    p = problem(
        [visit("A", 9, 0, carers=("M1", "M2"))],
        [shift("M1", 0, base=0), shift("M3", 0, base=9)],
    )
    got = by_visit(solver(p))  # type: ignore[operator]
    assert got["A"][0] == "M1" and got["A"][2] == 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_buddy_before_the_rest_of_the_team(solver: object) -> None:
    p = problem(
        [visit("A", 5, 2, carers=("M1", "M2"))],
        [shift("M2", 2, base=0), shift("M3", 2, base=5)],  # M1 is not working on Wednesday
    )
    got = by_visit(solver(p))  # type: ignore[operator]
    assert got["A"][0] == "M2" and got["A"][2] == 1


@pytest.mark.parametrize("solver", SOLVERS)
def test_the_team_covers_when_neither_named_nor_buddy_works(solver: object) -> None:
    p = problem([visit("A", 5, 2)], [shift("M3", 2)])
    plan = solver(p)  # type: ignore[operator]
    assert by_visit(plan)["A"] == ("M3", at(2, 9), None)
    assert plan.objective["team"] == FAST.team_cost


@pytest.mark.parametrize("solver", SOLVERS)
def test_pins_fix_the_midwife_and_the_start(solver: object) -> None:
    p = problem(
        [
            visit("A", 2, 0, pin=Pin("M2", at(0, 11))),  # M1 is her named midwife and working
            visit("B", 3, 0, carers=("M1",), pin=Pin("M3")),
        ],
        [shift("M1", 0), shift("M2", 0), shift("M3", 0)],
    )
    got = by_visit(solver(p))  # type: ignore[operator]
    assert got["A"][:2] == ("M2", at(0, 11))
    assert got["B"][0] == "M3"


@pytest.mark.parametrize("solver", SOLVERS)
def test_skills_are_required(solver: object) -> None:
    midwives = (Midwife("M1"), Midwife("M2"), Midwife("M3", skills=("diabetes",)))
    p = problem(
        [visit("A", 2, 0, skills=("diabetes",))],
        [shift("M1", 0), shift("M2", 0), shift("M3", 0)],
        midwives=midwives,
    )
    assert by_visit(solver(p))["A"][0] == "M3"  # type: ignore[operator]


@pytest.mark.parametrize("solver", SOLVERS)
def test_unplanned_visits_say_why(solver: object) -> None:
    midwives = (Midwife("M1", skills=("diabetes",)), Midwife("M2"), Midwife("M3"))
    p = problem(
        [
            Visit("empty", 1, 30, windows=(), carers=("M1",)),
            visit("sunday", 2, 6),  # nobody works on Sunday
            visit("skills", 3, 1, skills=("diabetes",)),  # only M1 has it; she is off Tuesday
            visit("pinned", 4, 1, pin=Pin("M1")),  # pinned to M1, who is off Tuesday
            # Two visits at the same fixed minute on Monday, with one midwife working: one waits.
            visit("first", 5, 0, 10, 10, duration=60),
            visit("second", 6, 0, 10, 10, duration=60),
            visit("fine", 7, 1),
        ],
        [shift("M1", 0), shift("M2", 1)],
        midwives=midwives,
    )
    plan = solver(p)  # type: ignore[operator]
    why = reasons(plan)
    assert why["empty"] == "window_empty"
    assert why["sunday"] == "no_shift_in_window"
    assert why["skills"] == "skills"
    assert why["pinned"] == "pinned_midwife_unavailable"
    assert sorted(why.get(x, "planned") for x in ("first", "second")) == ["no_time", "planned"]
    assert "fine" not in why
    assert plan.objective["unplanned"] == FAST.unplanned_cost * len(plan.unplanned)


@pytest.mark.parametrize("solver", SOLVERS)
def test_preferred_times_when_the_window_allows(solver: object) -> None:
    v = replace(visit("A", 2, 0, 9, 17), preferred=(Window(at(0, 14), at(0, 15)),))
    plan = solver(problem([v], [shift("M1", 0)]))  # type: ignore[operator]
    (q,) = plan.planned
    assert at(0, 14) <= q.start <= at(0, 15) and q.in_preferred
    assert plan.objective["outside_preferred"] == 0


@pytest.mark.parametrize("solver", SOLVERS)
def test_capacity_limits_a_shift(solver: object) -> None:
    visits = [visit(f"V{i}", i + 1, 0, 8, 16, duration=0, demand=10) for i in range(4)]
    shifts = [Shift("M1", at(0, 8), at(0, 17), 0, 0, capacity=25)]
    plan = solver(problem(visits, shifts))  # type: ignore[operator]
    assert len(plan.planned) == 2
    assert set(reasons(plan).values()) == {"no_time"}


@pytest.mark.parametrize("solver", SOLVERS)
def test_a_visit_with_two_windows_uses_one(solver: object) -> None:
    v = Visit(
        "A",
        3,
        30,
        windows=(Window(at(0, 9), at(0, 10)), Window(at(1, 14), at(1, 15))),
        carers=("M1",),
    )
    plan = solver(problem([v], [shift("M1", 1)]))  # type: ignore[operator]
    assert at(1, 14) <= by_visit(plan)["A"][1] <= at(1, 15)


def test_solve_is_never_worse_than_greedy_on_a_week() -> None:
    p = week(60, seed=11)
    p = replace(p, midwives=tuple(replace(m, max_minutes=None) for m in p.midwives))
    ours, base = solve(p), solve_greedy(p)
    assert ours.objective["total"] <= base.objective["total"] + 1e-6


def test_solve_is_reproducible_with_a_seed_and_an_iteration_limit() -> None:
    p = week(30, seed=2, policy=Policy(time_limit_seconds=30, max_iterations=300, seed=9))
    a, b = solve(p), solve(p)
    assert a.planned == b.planned and a.objective == b.objective


# -- the objective and the scorer ---------------------------------------------------------------


def test_evaluate_scores_identical_routes_identically() -> None:
    p = week(40, seed=7)
    plan = solve(p)
    routes: dict[int, list[tuple[str, int]]] = {}
    for q in plan.planned:
        routes.setdefault(q.shift, []).append((q.visit, q.start))
    again = evaluate(p, routes)
    assert again.objective == plan.objective
    assert again.planned == plan.planned
    assert again.unplanned == plan.unplanned
    assert evaluate(p, routes).objective == again.objective


def test_evaluate_without_starts_starts_each_visit_as_early_as_it_can() -> None:
    p = problem([visit("A", 2, 0, 9, 12), visit("B", 4, 0, 8, 12)], [shift("M1", 0)])
    plan = evaluate(p, {0: ["B", "A"]})
    assert by_visit(plan)["B"][1] == at(0, 8) + 20  # 20 minutes from base to location 4
    assert by_visit(plan)["A"][1] == at(0, 9)
    # 20 there, 10 back to location 2 and 10 home.
    assert plan.travel_minutes["M1"] == pytest.approx(40.0)
    assert plan.objective["travel"] == pytest.approx(40.0)
    assert plan.objective["total"] == pytest.approx(40.0)


@pytest.mark.parametrize(
    ("routes", "where", "words"),
    [
        ({0: [("A", at(0, 16.5))]}, "assignment[0][0]", "outside its windows"),
        ({0: [("A", at(0, 9)), ("B", at(0, 9))]}, "assignment[0][1]", "cannot be there"),
        ({0: ["A", "A"]}, "assignment[0][1]", "already planned"),
        ({0: ["Z"]}, "assignment[0][0]", "no visit"),
        ({5: ["A"]}, "assignment[5]", "no shift"),
        ({1: ["C"]}, "assignment[1][0]", "pinned to M1"),
    ],
)
def test_evaluate_refuses_routes_that_break_a_rule(
    routes: dict[int, list[object]], where: str, words: str
) -> None:
    p = problem(
        [visit("A", 2, 0), visit("B", 4, 0), visit("C", 3, 0, pin=Pin("M1"))],
        [shift("M1", 0), shift("M2", 0)],
    )
    with pytest.raises(RoutingInputError) as caught:
        evaluate(p, routes)  # type: ignore[arg-type]
    assert caught.value.path == where
    assert words in caught.value.message


def test_evaluate_refuses_a_shift_that_ends_too_late() -> None:
    p = problem([visit("A", 9, 0, 9, 17, duration=60)], [shift("M1", 0, 8, 10)])
    with pytest.raises(RoutingInputError, match="after the shift ends"):
        evaluate(p, {0: [("A", at(0, 9))]})


def test_continuity_costs_by_rank() -> None:
    policy = replace(FAST, buddy_cost=50, team_cost=200)
    visits = [
        visit("named", 1, 0, carers=("M1", "M2", "M3")),
        visit("buddy", 1, 0, 10, 16, carers=("M2", "M1", "M3")),
        visit("third", 1, 0, 11, 16, carers=("M3", "M2", "M1")),
        visit("team", 1, 0, 12, 16, carers=("M2",)),
        visit("nobody", 1, 0, 13, 16, carers=()),
    ]
    p = problem(visits, [shift("M1", 0)], policy=policy)
    plan = evaluate(p, {0: ["named", "buddy", "third", "team", "nobody"]})
    ranks = {q.visit: q.carer_rank for q in plan.planned}
    assert ranks == {"named": 0, "buddy": 1, "third": 2, "team": None, "nobody": None}
    assert plan.objective["buddy"] == 50 + 100
    assert plan.objective["team"] == 200  # a woman with no carers listed costs nothing


def test_fairness_counts_evening_and_weekend_minutes_above_the_mean() -> None:
    policy = replace(FAST, unsocial_fairness_cost=2.0)
    visits = [
        visit("evening", 1, 0, 18, 19, duration=60),
        visit("saturday", 2, 5, 10, 11, duration=30),
        visit("day", 3, 0, 10, 11, duration=45),
    ]
    shifts = [shift("M1", 0, 8, 20), shift("M1", 5, 8, 16), shift("M2", 0, 8, 16)]
    p = problem(visits, shifts, policy=policy)
    plan = evaluate(p, {0: ["evening"], 1: ["saturday"], 2: ["day"]})
    assert unsocial_minutes(p, plan.planned) == {"M1": 90, "M2": 0, "M3": 0}
    # M1 and M2 work; the mean is 45, M1 is 45 above it.
    assert plan.objective["fairness"] == 2.0 * 45


def test_fairness_repair_moves_unsocial_visits_when_it_pays() -> None:
    policy = replace(FAST, unsocial_fairness_cost=10.0, team_cost=0.0, buddy_cost=0.0)
    visits = [visit(f"E{i}", i + 1, 0, 18, 19.5, duration=20, carers=("M1",)) for i in range(4)]
    shifts = [shift("M1", 0, 12, 20), shift("M2", 0, 12, 20)]
    p = problem(visits, shifts, policy=policy)
    plan = solve(p)
    assert violations(p, plan) == []
    minutes = unsocial_minutes(p, plan.planned)
    assert minutes["M1"] == minutes["M2"] == 40


def test_max_minutes_is_a_weekly_limit() -> None:
    midwives = (Midwife("M1", max_minutes=100), Midwife("M2"), Midwife("M3"))
    visits = [visit(f"V{i}", 1, i % 2, duration=40, carers=("M1",)) for i in range(4)]
    p = problem(visits, [shift("M1", 0), shift("M1", 1)], midwives=midwives)
    for solver in SOLVERS:
        plan = solver(p)
        assert violations(p, plan) == []
        assert 1 <= len(plan.planned) <= 2


def test_travel_from_coordinates_matches_geo() -> None:
    a, b = (53.80, -1.55), (53.82, -1.52)
    p = Problem(
        locations=(Location(lat=a[0], lon=a[1]), Location(lat=b[0], lon=b[1])),
        visits=(),
        midwives=(),
        shifts=(),
    )
    expected = TravelModel(circuity=1.3, speed_kmh=24.0).minutes(Point(*a), Point(*b))
    assert travel_matrix(p)[0, 1] == pytest.approx(expected)
    assert travel_matrix(p)[1, 0] == pytest.approx(expected)


def test_windows_are_split_at_preferred_times() -> None:
    pieces = split(Window(0, 100), [(10, 20), (50, 60)])
    assert [(x.start, x.end, x.preferred) for x in pieces] == [
        (0, 9, False),
        (10, 20, True),
        (21, 49, False),
        (50, 60, True),
        (61, 100, False),
    ]


def test_a_fractional_leg_starts_the_next_visit_on_the_next_whole_minute() -> None:
    p = Problem(
        locations=(Location(x=0, y=0), Location(x=3, y=4.5)),  # 5.408... minutes away
        visits=(Visit("A", 1, 10, windows=(Window(0, 100),)),),
        midwives=(Midwife("M1"),),
        shifts=(Shift("M1", 0, 100, 0, 0),),
        policy=FAST,
    )
    for solver in SOLVERS:
        plan = solver(p)
        assert by_visit(plan)["A"][1] == 6
        assert plan.planned[0].travel_before == pytest.approx(5.4083, abs=1e-4)


def _one_visit(window: Window, *, preferred: tuple[Window, ...] = (), step: int = 5) -> Problem:
    return Problem(
        locations=(Location(x=0, y=0), Location(x=3, y=4.5)),  # 5.408... minutes away: arrive 6
        visits=(Visit("A", 1, 10, windows=(window,), preferred=preferred),),
        midwives=(Midwife("M1"),),
        shifts=(Shift("M1", 0, 100, 0, 0),),
        policy=replace(FAST, start_step=step),
    )


def test_starts_go_on_the_policys_grid_when_the_route_allows() -> None:
    for solver in SOLVERS:
        assert by_visit(solver(_one_visit(Window(0, 100))))["A"][1] == 10
        assert by_visit(solver(_one_visit(Window(0, 100), step=15)))["A"][1] == 15
        assert by_visit(solver(_one_visit(Window(0, 100), step=1)))["A"][1] == 6


def test_a_start_stays_off_the_grid_rather_than_break_a_window_or_leave_her_times() -> None:
    for solver in SOLVERS:
        # The window closes at minute 8: 10 would be outside it.
        assert by_visit(solver(_one_visit(Window(0, 8))))["A"][1] == 6
        # She prefers 0-8: 10 is inside the window but outside her times.
        plan = solver(_one_visit(Window(0, 100), preferred=(Window(0, 8),)))
        assert by_visit(plan)["A"][1] == 6 and plan.planned[0].in_preferred


def test_rounding_a_start_never_makes_a_later_visit_or_the_shift_end_late() -> None:
    # B must start by 47: A at 6 (not 10) leaves B reachable at 6 + 30 + 11 = 47.
    p = Problem(
        locations=(Location(x=0, y=0), Location(x=3, y=4.5), Location(x=3, y=15.5)),
        visits=(
            Visit("A", 1, 30, windows=(Window(0, 100),), carers=("M1",)),
            Visit("B", 2, 10, windows=(Window(0, 47),), carers=("M1",)),
        ),
        midwives=(Midwife("M1"),),
        shifts=(Shift("M1", 0, 200, 0, 0),),
        policy=replace(FAST, start_step=5),
    )
    plan = solve(p)
    starts = by_visit(plan)
    assert not plan.unplanned
    assert starts["A"][1] == 6 and starts["B"][1] == 47


def test_solve_checks_a_problem_built_in_code() -> None:
    p = problem([visit("A", 42, 0)], [shift("M1", 0)])
    with pytest.raises(RoutingInputError, match=r"visits\[0\].location"):
        solve(p)


# -- property: any plan from either solver keeps the hard rules ----------------------------------


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), n=st.integers(1, 14))
def test_any_plan_keeps_the_hard_rules(seed: int, n: int) -> None:
    p = week(n, seed, policy=Policy(time_limit_seconds=5, max_iterations=150, seed=seed))
    greedy_plan = solve_greedy(p)
    ours = solve(p)
    assert violations(p, greedy_plan) == []
    assert violations(p, ours) == []
    if all(m.max_minutes is None for m in p.midwives):
        assert ours.objective["total"] <= greedy_plan.objective["total"] + 1e-6
    for plan in (greedy_plan, ours):
        rebuilt: dict[int, list[tuple[str, int]]] = {}
        for q in plan.planned:
            rebuilt.setdefault(q.shift, []).append((q.visit, q.start))
        assert evaluate(p, rebuilt).objective == plan.objective


def test_window_pieces_join_across_a_night_nobody_works() -> None:
    """Two days' windows become one piece when no shift could start the visit overnight, but
    stay apart when someone works that night."""
    two_days = Visit(
        id="v",
        location=1,
        duration=30,
        windows=(Window(at(0, 8), at(0, 20)), Window(at(1, 8), at(1, 20))),
        carers=("M1",),
    )
    days = [shift("M1", 0, 8, 20), shift("M1", 1, 8, 20)]
    joined = build(problem([two_days], days)).pieces[0]
    assert len(joined) == 1
    night = build(problem([two_days], [*days, shift("M2", 0, 20, 31)])).pieces[0]
    assert len(night) == 2
