"""One service year as a SimPy discrete-event model: who attends each birth, who does each visit,
the on-call load and the working time it gives.

The year is built in this order, every random draw from one `random.Random(seed)` (`draw.py`):

1. **Births**, each with her parity and whether she is in a priority group.
2. **Availability**: leave, study days and sickness per midwife and day; the team rotas.
3. **Allocation** (`caseload.py`): named midwives by the allocation engine's rules, avoiding leave
   near the due date; women with no place are not on the pathway. Buddies within each team.
4. **Visits** (`visits.py`): the schedule's contacts for every woman on the pathway, placed on the
   year's days.
5. **The year in SimPy**: one process per birth waits for labour onset and asks midwives in the
   policy's order; the first available attends, is busy until the attendance ends and, if it
   touched 23:00-06:00, rests for `rest_hours`. One daily process at `visit_start_hour` gives out
   the day's visits. A call-out during a round hands the visits not begun on.
6. **Working time** (`wtr.py`): each midwife's rounds and attendances checked against the Working
   Time Regulations.
"""

from __future__ import annotations

import math
import random
from collections.abc import Generator
from typing import Any

import simpy

from continuity.engines.simulation.caseload import (
    DAYS,
    allocate,
    buddies,
    leave_near,
    placing_order,
)
from continuity.engines.simulation.draw import (
    DAY_END_HOUR,
    DAY_START_HOUR,
    LEAVE,
    ONSET_BY_HOUR,
    PRESENT,
    Birth,
    draw_absences,
    draw_births,
    on_call_hours,
    team_rota,
    touches_night,
)
from continuity.engines.simulation.model import Category, Scenario, YearOutcome
from continuity.engines.simulation.visits import Rounds, contacts, visits_by_day
from continuity.engines.simulation.wtr import (
    daily_rest_breaches,
    exceeds_average,
    merge,
    weekly_rest_breaches,
)

WEEKS = DAYS / 7.0

# What other code (the benchmark) reads from here.
__all__ = ["DAYS", "ONSET_BY_HOUR", "Year", "simulate_year", "touches_night"]


class Year:
    """The state the SimPy processes share. `Year(scenario, rng).run()` simulates the year."""

    def __init__(self, scenario: Scenario, rng: random.Random) -> None:
        self.scenario = scenario
        per_team = scenario.midwives_per_team
        self.births: list[Birth] = draw_births(scenario, rng)
        self.absent = draw_absences(scenario, rng)
        self.rota = team_rota(self.absent, scenario.teams, per_team)
        near = [
            leave_near([code == LEAVE for code in days], scenario.leave_buffer_days)
            for days in self.absent
        ]
        self.named = allocate(
            [b.edd_day for b in self.births],
            scenario.midwives,
            scenario.capacity_per_midwife,
            max_per_month=scenario.monthly_limit,
            order=placing_order([b.priority for b in self.births], scenario.prioritise),
            near_leave=near,
        )
        self.buddy_of = buddies(scenario.teams, per_team)
        self.busy = [False] * scenario.midwives
        self.rest_until = [-math.inf] * scenario.midwives
        self.counts: dict[Category, int] = {"named": 0, "buddy": 0, "team": 0, "other": 0}
        self.attended_by: list[int | None] = [None] * len(self.births)
        self.labours: list[list[tuple[float, float]]] = [[] for _ in range(scenario.midwives)]
        self.night_call_outs = 0
        self.rest_conflicts = 0
        on_pathway = [
            (b.woman, b.edd_day, b.end, b.nulliparous)
            for b in self.births
            if self.named[b.woman] is not None
        ]
        schedule = contacts(scenario.schedule, scenario.postnatal_six_weeks)
        self.rounds = Rounds(
            per_team=per_team,
            named=self.named,
            buddy_of=self.buddy_of,
            absent=self.absent,
            busy=self.busy,
            rest_until=self.rest_until,
            by_day=visits_by_day(on_pathway, schedule, scenario.visit_defer_days),
            start_hour=scenario.visit_start_hour,
            max_per_day=scenario.max_visits_per_day,
            travel_hours=scenario.travel_minutes_per_leg / 60.0,
        )
        self.env = simpy.Environment()

    def available(self, midwife: int, at: float) -> bool:
        return (
            self.absent[midwife][int(at // 24.0)] == PRESENT
            and not self.busy[midwife]
            and self.rest_until[midwife] <= at
        )

    def candidates(self, named: int, at: float) -> list[int | None]:
        """Who the policy asks, in order, for a woman whose named midwife is `named`."""
        day = int(at // 24.0)
        on_rota = self.rota[named // self.scenario.midwives_per_team][day]
        policy = self.scenario.policy
        if policy == "mix":
            hour = at - 24.0 * day
            own = day % 7 < 5 and DAY_START_HOUR <= hour < DAY_END_HOUR
            policy = "named_on_call" if own else "team_rota"
        if policy == "named_on_call":
            return [named, self.buddy_of[named], on_rota]
        return [on_rota]

    def attend(self, birth: Birth) -> Generator[Any, Any, None]:
        yield self.env.timeout(birth.onset - self.env.now)
        at = self.env.now
        named = self.named[birth.woman]
        if named is None:
            return  # not on the pathway: attended by the hospital's own staff
        chain = self.candidates(named, at)
        first = chain[0]
        if (
            first is not None
            and self.absent[first][int(at // 24.0)] == PRESENT
            and not self.busy[first]
            and self.rest_until[first] > at
        ):
            self.rest_conflicts += 1
        midwife = next((m for m in chain if m is not None and self.available(m, at)), None)
        if midwife is None:
            self.counts["other"] += 1
            return
        if midwife == named:
            self.counts["named"] += 1
        elif midwife == self.buddy_of[named]:
            self.counts["buddy"] += 1
        else:
            self.counts["team"] += 1
        self.attended_by[birth.woman] = midwife
        self.busy[midwife] = True
        self.rounds.call_out(midwife, at)
        yield self.env.timeout(birth.duration)
        self.busy[midwife] = False
        self.labours[midwife].append((at, self.env.now))
        if touches_night(at, self.env.now):
            self.night_call_outs += 1
            self.rest_until[midwife] = self.env.now + self.scenario.rest_hours

    def visit_days(self) -> Generator[Any, Any, None]:
        start = float(self.scenario.visit_start_hour)
        for d in range(DAYS):
            yield self.env.timeout(24.0 * d + start - self.env.now)
            self.rounds.day(d)

    def run(self) -> None:
        self.env.process(self.visit_days())
        for birth in sorted(self.births, key=lambda b: b.onset):
            self.env.process(self.attend(birth))
        self.env.run()
        self.rounds.close()

    def known(self) -> int:
        """Births attended by the named midwife, her buddy, or a midwife who did one of the
        woman's antenatal contacts."""
        visitors = self.rounds.visitors
        total = 0
        for woman, midwife in enumerate(self.attended_by):
            named = self.named[woman]
            if midwife is None or named is None:
                continue
            if midwife in (named, self.buddy_of[named]) or midwife in visitors.get(woman, ()):
                total += 1
        return total


def _pct(part: float, whole: float) -> float:
    return 100.0 * part / whole if whole else 0.0


def simulate_year(scenario: Scenario, seed: int) -> YearOutcome:
    """One replication: the year drawn from `seed` and run through the SimPy model."""
    year = Year(scenario, random.Random(seed))
    year.run()
    births = len(year.births)
    midwives = scenario.midwives
    midwife_months = 12.0 * midwives
    midwife_weeks = WEEKS * midwives
    counts = year.counts
    attended = counts["named"] + counts["buddy"] + counts["team"]
    on_pathway = sum(1 for m in year.named if m is not None)
    priority = sum(1 for b in year.births if b.priority)
    priority_on = sum(1 for b in year.births if b.priority and year.named[b.woman] is not None)
    present_days = sum(days.count(PRESENT) for days in year.absent)
    known = year.known()

    rounds = year.rounds
    visits = rounds.contacts
    contacts_done = visits["named"] + visits["buddy"] + visits["team"] + visits["other"]
    rest_breaches = weekly_breaches = average_breaches = 0
    work_hours = 0.0
    for midwife in range(midwives):
        work = merge([*rounds.rounds[midwife], *year.labours[midwife]])
        work_hours += sum(e - s for s, e in work)
        rest_breaches += daily_rest_breaches(work, scenario.rest_hours)
        weekly_breaches += weekly_rest_breaches(work)
        if not scenario.opt_out_48h and exceeds_average(work):
            average_breaches += 1
    travel_hours = rounds.legs * scenario.travel_minutes_per_leg / 60.0

    return YearOutcome(
        seed=seed,
        births=births,
        on_pathway=on_pathway,
        pct_on_pathway=_pct(on_pathway, births),
        priority_births=priority,
        priority_on_pathway=priority_on,
        pct_priority_on_pathway=_pct(priority_on, priority),
        pct_others_on_pathway=_pct(on_pathway - priority_on, births - priority),
        unplaced=births - on_pathway,
        unplaced_priority=priority - priority_on,
        unplaced_others=births - priority - (on_pathway - priority_on),
        named=counts["named"],
        buddy=counts["buddy"],
        team=counts["team"],
        other=counts["other"],
        known=known,
        pct_named=_pct(counts["named"], on_pathway),
        pct_buddy=_pct(counts["buddy"], on_pathway),
        pct_team=_pct(counts["team"], on_pathway),
        pct_other=_pct(counts["other"], on_pathway),
        pct_known=_pct(known, on_pathway),
        contacts=contacts_done,
        contacts_named=visits["named"],
        contacts_buddy=visits["buddy"],
        contacts_team=visits["team"],
        contacts_other=visits["other"],
        pct_contacts_named=_pct(visits["named"], contacts_done),
        pct_contacts_named_or_buddy=_pct(visits["named"] + visits["buddy"], contacts_done),
        pct_contacts_team=_pct(visits["team"], contacts_done),
        pct_contacts_other=_pct(visits["other"], contacts_done),
        visits_moved_after_night=rounds.moved_after_night,
        on_call_hours_per_midwife_month=on_call_hours(scenario, year.absent, year.rota)
        / midwife_months,
        call_outs_per_midwife_month=attended / midwife_months,
        night_call_outs_per_midwife_month=year.night_call_outs / midwife_months,
        births_per_midwife_month=on_pathway / midwife_months,
        named_births_per_midwife_month=counts["named"] / midwife_months,
        available_fraction=present_days / (DAYS * midwives),
        work_hours_per_midwife_week=work_hours / midwife_weeks,
        visit_hours_per_midwife_week=rounds.visit_hours() / midwife_weeks,
        travel_hours_per_midwife_week=travel_hours / midwife_weeks,
        rest_conflicts=year.rest_conflicts,
        rest_breaches=rest_breaches,
        weekly_rest_breaches=weekly_breaches,
        average_hours_breaches=average_breaches,
        wtr_breaches=rest_breaches + weekly_breaches + average_breaches,
        home_births=sum(1 for b in year.births if b.home),
    )
