"""The allocation engine: rules it must never break (hypothesis), held to the exact MIP, and the
behaviours a team leader relies on."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from continuity.engines.allocation import (
    Location,
    Midwife,
    Period,
    Policy,
    Problem,
    Woman,
    build,
    exact,
    solve,
)
from continuity.engines.allocation.io import plan_to_dict
from continuity.engines.allocation.score import evaluate

TODAY = date(2026, 11, 21)
BASE = Location(53.80, -1.55)


def near(dlat: float = 0.0, dlon: float = 0.0) -> Location:
    return Location(BASE.lat + dlat, BASE.lon + dlon)


def midwife(i: int, **kw: object) -> Midwife:
    defaults: dict[str, object] = {"id": f"M{i}", "team": "T1", "wte": 1.0, "base": near()}
    defaults.update(kw)
    return Midwife(**defaults)  # type: ignore[arg-type]


def woman(j: int, **kw: object) -> Woman:
    defaults: dict[str, object] = {
        "id": f"W{j}",
        "edd": TODAY + timedelta(days=200),
        "location": near(0.01),
    }
    defaults.update(kw)
    return Woman(**defaults)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------
# Random instances for the properties
# --------------------------------------------------------------------------------------------


@st.composite
def problems(draw: st.DrawFn, max_women: int = 14, max_midwives: int = 6) -> Problem:
    n_mid = draw(st.integers(2, max_midwives))
    teams = draw(st.sampled_from([("T1",), ("T1", "T2")]))
    mids = []
    for i in range(n_mid):
        team = teams[i % len(teams)]
        edds = draw(
            st.lists(st.integers(150, 260).map(lambda d: TODAY + timedelta(days=d)), max_size=3)
        )
        leave = ()
        if draw(st.booleans()) and draw(st.booleans()):
            start = TODAY + timedelta(days=draw(st.integers(150, 260)))
            leave = (Period(start, start + timedelta(days=draw(st.integers(0, 20)))),)
        mids.append(
            Midwife(
                id=f"M{i}",
                team=team,
                wte=draw(st.sampled_from([0.4, 0.6, 0.8, 1.0])),
                base=near(draw(st.floats(-0.05, 0.05)), draw(st.floats(-0.05, 0.05))),
                languages=("en", "ur") if draw(st.booleans()) else ("en",),
                named_edds=tuple(edds),
                buddy_edds=tuple(edds[:1]),
                leave=leave,
            )
        )
    # Pair midwives in the same team as partners.
    by_team: dict[str, list[int]] = {}
    for i, m in enumerate(mids):
        by_team.setdefault(m.team, []).append(i)
    for members in by_team.values():
        for a, b in zip(members[::2], members[1::2], strict=False):
            mids[a] = _with(mids[a], partner=mids[b].id)
            mids[b] = _with(mids[b], partner=mids[a].id)
    n_women = draw(st.integers(1, max_women))
    women = []
    for j in range(n_women):
        women.append(
            Woman(
                id=f"W{j}",
                edd=TODAY + timedelta(days=draw(st.integers(150, 260))),
                location=near(draw(st.floats(-0.06, 0.06)), draw(st.floats(-0.06, 0.06))),
                language=draw(st.sampled_from(["en", "en", "ur", "pl"])),
                interpreter=draw(st.booleans()),
                priority_groups=tuple(
                    draw(st.lists(st.sampled_from(["core20", "bame"]), max_size=2, unique=True))
                ),
                previous_midwife=draw(st.one_of(st.none(), st.sampled_from([m.id for m in mids]))),
                teams=teams if draw(st.booleans()) else teams[:1],
                declined=draw(st.integers(0, 9)) == 0,
                # Now and then her named midwife stays (a handover) and only a buddy is chosen.
                pinned_named=draw(
                    st.one_of(st.none(), st.none(), st.sampled_from([m.id for m in mids]))
                ),
            )
        )
    policy = Policy(
        max_births_per_month=draw(st.integers(1, 4)),
        max_births_per_fortnight=1,
        buddy_max_per_month=draw(st.integers(1, 4)),
        births_per_wte_per_year=draw(st.sampled_from([12.0, 24.0, 36.0])),
    )
    return Problem(today=TODAY, women=tuple(women), midwives=tuple(mids), policy=policy)


def _with(m: Midwife, **kw: object) -> Midwife:
    from dataclasses import replace

    return replace(m, **kw)  # type: ignore[arg-type]


def _month(d: date) -> tuple[int, int]:
    return (d.year, d.month)


def _half(d: date) -> tuple[int, int, int]:
    return (d.year, d.month, 0 if d.day <= 15 else 1)


def assert_capacity_respected(problem: Problem, plan_dict: dict) -> None:  # type: ignore[type-arg]
    """Counted independently of the engine's own bookkeeping."""
    policy = problem.policy
    edd = {w.id: w.edd for w in problem.women}
    by_id = {m.id: m for m in problem.midwives}
    month: Counter[tuple[str, tuple[int, int]]] = Counter()
    half: Counter[tuple[str, tuple[int, int, int]]] = Counter()
    buddy: Counter[tuple[str, tuple[int, int]]] = Counter()
    for m in problem.midwives:
        for d in m.named_edds:
            month[(m.id, _month(d))] += 1
            half[(m.id, _half(d))] += 1
        for d in m.buddy_edds:
            buddy[(m.id, _month(d))] += 1
    new_month: Counter[tuple[str, tuple[int, int]]] = Counter()
    new_half: Counter[tuple[str, tuple[int, int, int]]] = Counter()
    new_buddy: Counter[tuple[str, tuple[int, int]]] = Counter()
    pinned = {w.id for w in problem.women if w.pinned_named}
    for p in plan_dict["placements"]:
        if p["woman"] not in pinned:  # a pinned woman is already in her midwife's load
            month[(p["named"], _month(edd[p["woman"]]))] += 1
            new_month[(p["named"], _month(edd[p["woman"]]))] += 1
            half[(p["named"], _half(edd[p["woman"]]))] += 1
            new_half[(p["named"], _half(edd[p["woman"]]))] += 1
        if p["buddy"] is None:
            assert p["woman"] in pinned
            continue
        buddy[(p["buddy"], _month(edd[p["woman"]]))] += 1
        new_buddy[(p["buddy"], _month(edd[p["woman"]]))] += 1
        assert p["named"] != p["buddy"]
    for key in new_month:
        m = by_id[key[0]]
        limit = min(
            policy.max_births_per_month,
            math.ceil(policy.births_per_wte_per_year * m.wte / 12 - 1e-9),
        )
        assert month[key] <= limit, f"{key} has {month[key]} births due, limit {limit}"
    for key in new_half:
        assert half[key] <= policy.max_births_per_fortnight, key
    for key in new_buddy:
        assert buddy[key] <= policy.buddy_max_per_month, key


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(problems())
def test_no_midwife_over_capacity_and_named_is_never_buddy(problem: Problem) -> None:
    for method in ("flow", "greedy"):
        plan = solve(problem, method)
        assert_capacity_respected(problem, plan_to_dict(plan))
        placed = {p.woman for p in plan.placements} | {u.woman for u in plan.unplaced}
        assert placed == {w.id for w in problem.women if not w.declined}
        assert set(plan.declined) == {w.id for w in problem.women if w.declined}


@PROPERTY
@given(problems())
def test_same_input_same_plan(problem: Problem) -> None:
    assert plan_to_dict(solve(problem)) == plan_to_dict(solve(problem))
    assert plan_to_dict(solve(problem, "greedy")) == plan_to_dict(solve(problem, "greedy"))


@settings(
    max_examples=int(__import__("os").environ.get("ALLOC_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(problems(max_women=8, max_midwives=4))
def test_bound_holds_and_flow_is_near_the_exact_optimum(problem: Problem) -> None:
    plan = solve(problem)
    inst = build(problem)
    reference = exact.solve(inst, time_limit=20)
    assert reference.status == "optimal"
    assert reference.solution is not None
    optimum = evaluate(inst, reference.solution).total
    assert plan.lower_bound is not None
    assert plan.lower_bound <= optimum + 1e-6, "the reported bound must never exceed the optimum"
    assert plan.objective.total >= optimum - 1e-6, "nothing beats the exact optimum"
    if any(w.pinned_named for w in problem.women):
        return  # women in a handover get buddies first: a policy, not the joint optimum
    # The named stage is exact; only buddy choices can cost more than the optimum, and each
    # woman's buddy costs at most the not-partner weight plus buddy travel and balance.
    assert plan.objective.total <= optimum + 30.0 * len(plan.placements) + 1e-6


@PROPERTY
@given(
    n_priority=st.integers(1, 6),
    n_other=st.integers(1, 6),
    capacity=st.integers(1, 4),
    day=st.integers(150, 260),
)
def test_priority_woman_never_unplaced_while_an_equal_other_is_placed(
    n_priority: int, n_other: int, capacity: int, day: int
) -> None:
    edd = TODAY + timedelta(days=day)
    same = {"edd": edd, "location": near(0.01)}
    women = [woman(j, priority_groups=("core20",), **same) for j in range(n_priority)]
    women += [woman(100 + j, **same) for j in range(n_other)]
    mids = [midwife(1, partner="M2"), midwife(2, partner="M1")]
    policy = Policy(
        births_per_wte_per_year=48.0,
        max_births_per_month=capacity,
        max_births_per_fortnight=capacity,
        buddy_max_per_month=9,
    )
    problem = Problem(today=TODAY, women=tuple(women), midwives=tuple(mids), policy=policy)
    for method in ("flow", "greedy"):
        plan = solve(problem, method)
        unplaced_priority = [u for u in plan.unplaced if u.priority]
        placed_other = [p for p in plan.placements if int(p.woman[1:]) >= 100]
        if unplaced_priority:
            assert not placed_other, method
        assert len(plan.placements) == min(len(women), 2 * capacity)


# --------------------------------------------------------------------------------------------
# Behaviour a team leader relies on
# --------------------------------------------------------------------------------------------


def _solve(women: list[Woman], mids: list[Midwife], **policy: object) -> dict:  # type: ignore[type-arg]
    problem = Problem(
        today=TODAY,
        women=tuple(women),
        midwives=tuple(mids),
        policy=Policy(**policy),  # type: ignore[arg-type]
    )
    return plan_to_dict(solve(problem))


def test_previous_midwife_is_kept_when_she_has_room() -> None:
    mids = [midwife(1, partner="M2", base=near(0.02)), midwife(2, partner="M1")]
    plan = _solve([woman(1, previous_midwife="M1")], mids)
    (placed,) = plan["placements"]
    assert placed["named"] == "M1"
    assert placed["buddy"] == "M2"
    codes = [r["code"] for r in placed["reasons"]]
    assert "previous_midwife" in codes and "buddy_is_partner" in codes
    assert placed["runner_up"]["midwife"] == "M2"


def test_a_midwife_who_speaks_her_language_is_preferred() -> None:
    mids = [midwife(1), midwife(2, languages=("en", "ur"), base=near(0.03)), midwife(3)]
    plan = _solve([woman(1, language="ur", interpreter=True)], mids)
    assert plan["placements"][0]["named"] == "M2"
    assert {"code": "speaks_language", "value": "ur"} in plan["placements"][0]["reasons"]


def test_leave_around_the_due_date_rules_a_midwife_out() -> None:
    edd = TODAY + timedelta(days=200)
    away = (Period(edd + timedelta(days=10), edd + timedelta(days=20)),)
    mids = [midwife(1, leave=away), midwife(2, base=near(0.05)), midwife(3, base=near(0.05))]
    plan = _solve([woman(1, edd=edd)], mids)
    assert plan["placements"][0]["named"] != "M1"
    only = _solve([woman(1, edd=edd)], [mids[0], midwife(4, leave=away)])
    assert only["unplaced"][0]["reason"] == "leave_near_edd"
    far = midwife(4, base=near(0.1))
    relaxed = _solve([woman(1, edd=edd)], [mids[0], far], leave_buffer_days=5)
    assert relaxed["placements"][0]["named"] == "M1"


def test_a_midwife_leaving_before_six_weeks_after_birth_is_not_named() -> None:
    edd = TODAY + timedelta(days=200)
    mids = [midwife(1, available_until=edd + timedelta(days=20)), midwife(2), midwife(3)]
    plan = _solve([woman(1, edd=edd)], mids)
    assert plan["placements"][0]["named"] != "M1"


def test_no_capacity_in_her_due_month_is_the_reason_given() -> None:
    edd = TODAY + timedelta(days=200)
    full = tuple([edd] * 3)
    mids = [midwife(1, named_edds=full), midwife(2, named_edds=full)]
    plan = _solve([woman(1, edd=edd)], mids)
    assert plan["placements"] == []
    assert plan["unplaced"][0]["reason"] in {"no_capacity_due_month", "no_capacity_fortnight"}
    assert plan["objective"]["unplaced_other"] == 1000.0


def test_declined_women_are_recorded_and_not_placed() -> None:
    plan = _solve([woman(1, declined=True), woman(2)], [midwife(1), midwife(2)])
    assert plan["declined"] == ["W1"]
    assert [p["woman"] for p in plan["placements"]] == ["W2"]


def test_pinned_woman_keeps_her_named_midwife_and_gets_a_new_buddy() -> None:
    mids = [midwife(1, partner="M2"), midwife(2, partner="M1"), midwife(3)]
    plan = _solve([woman(1, pinned_named="M3")], mids)
    (placed,) = plan["placements"]
    assert placed["named"] == "M3"
    assert placed["buddy"] in {"M1", "M2"}
    assert {"code": "kept_named_midwife", "value": None} in placed["reasons"]


def test_buddy_limit_spreads_buddies() -> None:
    edd = TODAY + timedelta(days=200)
    mids = [midwife(1, partner="M2"), midwife(2, partner="M1"), midwife(3, base=near(0.1))]
    women = [woman(j, edd=edd + timedelta(days=16 * (j % 2))) for j in range(3)]
    plan = _solve(women, mids, buddy_max_per_month=1, max_births_per_fortnight=2)
    buddies = Counter(
        (p["buddy"], _month(next(w.edd for w in women if w.id == p["woman"])))
        for p in plan["placements"]
    )
    assert all(n <= 1 for n in buddies.values())


def test_team_boundaries_keep_named_and_buddy_in_one_team() -> None:
    mids = [midwife(1, team="A"), midwife(2, team="B"), midwife(3, team="B")]
    plan = _solve([woman(1, teams=("A", "B"))], mids)
    (placed,) = plan["placements"]
    assert placed["team"] == "B" and placed["named"] in {"M2", "M3"}
    assert placed["buddy"] in {"M2", "M3"}


def test_flow_beats_greedy_when_first_fit_blocks_a_better_plan() -> None:
    # Greedy gives W1 (higher priority) the nearest midwife, who is also the only one who speaks
    # W2's language; the flow sees both and serves both well.
    edd = TODAY + timedelta(days=200)
    mids = [
        midwife(1, languages=("en", "ur"), partner="M2"),
        midwife(2, base=near(0.02), partner="M1"),
        midwife(3, base=near(0.02)),
    ]
    women = [
        woman(1, edd=edd, priority_groups=("core20",)),
        woman(2, edd=edd, language="ur", interpreter=True),
    ]
    problem = Problem(
        today=TODAY,
        women=tuple(women),
        midwives=tuple(mids),
        policy=Policy(max_births_per_month=1, max_births_per_fortnight=1),
    )
    flow_plan, greedy_plan = solve(problem), solve(problem, "greedy")
    assert flow_plan.objective.total < greedy_plan.objective.total
    assert flow_plan.objective.language == 0.0


@pytest.mark.parametrize("method", ["flow", "greedy", "mip"])
def test_every_method_explains_every_placement(method: str) -> None:
    mids = [midwife(i, partner=f"M{i ^ 1}") for i in range(2, 6)]
    women = [woman(j, priority_groups=("bame",) if j % 2 else ()) for j in range(6)]
    problem = Problem(today=TODAY, women=tuple(women), midwives=tuple(mids))
    plan = solve(problem, method)
    assert plan.placements
    for p in plan.placements:
        codes = {r.code for r in p.reasons}
        assert {"travel_minutes", "due_month_load"} <= codes
    assert plan.lower_bound is not None or method == "greedy"
