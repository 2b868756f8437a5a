"""One service year as a SimPy discrete-event model: who attends each birth, and the on-call load.

Time is in hours from 00:00 on day 0, a Monday; the year has 365 days (no leap day) and months
of the usual lengths. Everything random comes from one `random.Random(seed)`, drawn in a fixed
order, so a seed gives the same year on any machine and in any process.

The year is built in four steps:

1. **Births.** Each woman's due date (EDD) is drawn from a window around the year, weighted by the
   month's seasonality factor; her gestation at birth from `DEFAULT_BIRTH_DISTRIBUTION` (about 8%
   preterm, shared with the cover forecast). Women are drawn until `births_per_year` of them give
   birth inside the year, so births are conditioned on falling in the year. Labour starts on the
   day of birth at an hour drawn from `ONSET_BY_HOUR` and lasts a lognormal time.
2. **Allocation.** In booking order (by EDD) each woman goes to the least-loaded midwife with room
   (capacity = caseload × WTE, rounded down; ties to the lowest number, so round-robin). Women left
   when every midwife is full are *unplaced*. Midwives are paired as buddies within their team
   (1-2, 3-4, ...; with an odd team the last makes a three with the first two, buddying the first).
3. **Availability.** Per midwife and day: annual leave in blocks of up to two weeks, study days on
   weekdays, and sickness on random days. Each team has an on-call rota: one midwife a day (00:00 to
   24:00) in turn, skipping anyone absent that day.
4. **The year.** A SimPy process waits for each labour onset and chooses who attends by the policy;
   the attending midwife is busy until labour ends, and an attendance touching 23:00-06:00 gives her
   `rest_hours` of rest from its end, during which she cannot attend.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from heapq import heappop, heappush
from itertools import accumulate
from typing import Any

import simpy

from continuity.engines.cover.forecast import DEFAULT_BIRTH_DISTRIBUTION
from continuity.engines.gestation import TERM_DAYS
from continuity.engines.simulation.model import Category, Scenario, YearOutcome

DAYS = 365
HOURS = 24.0 * DAYS
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
MONTH_OF_DAY: tuple[int, ...] = tuple(m for m, n in enumerate(MONTH_DAYS) for _ in range(n))
NIGHT_START_HOUR = 23  # the legal night of the Working Time Regulations 1998, 23:00-06:00
NIGHT_END_HOUR = 6
DAY_START_HOUR = 8  # "mix": the named midwife is on call on weekdays 08:00-20:00
DAY_END_HOUR = 20
LEAVE_BLOCK_DAYS = 14

# Labour onset by hour of day: 1 + A cos(2π (h + 0.5 - 2.5) / 24), peaking at 02:00-03:00.
# A = 0.35 puts 38% of onsets in 23:00-06:00 (the cover engine's DEFAULT_NIGHT_FRACTION), against
# 29% for an even spread.
ONSET_AMPLITUDE = 0.35
ONSET_PEAK_HOUR = 2.5
ONSET_BY_HOUR: tuple[float, ...] = tuple(
    1.0 + ONSET_AMPLITUDE * math.cos(2.0 * math.pi * (h + 0.5 - ONSET_PEAK_HOUR) / 24.0)
    for h in range(24)
)

# Absence codes in a midwife's day array.
PRESENT, LEAVE, STUDY, SICK = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Birth:
    woman: int
    edd_day: int
    onset: float  # hours from the start of the year
    duration: float  # hours of attendance in labour
    home: bool


def touches_night(start: float, end: float) -> bool:
    """True when (start, end) overlaps some 23:00-06:00: an interval ending at 23:00 does not."""
    k = math.floor((start - NIGHT_END_HOUR) / 24.0) + 1  # the first night ending after start
    return 24.0 * k - (24 - NIGHT_START_HOUR) < end


def draw_births(scenario: Scenario, rng: random.Random) -> list[Birth]:
    """`births_per_year` births inside the year, in booking (EDD) order."""
    dist = DEFAULT_BIRTH_DISTRIBUTION
    first_ga = 7 * dist.first_week
    ga_cum = list(accumulate(p / 7.0 for p in dist.probabilities for _ in range(7)))
    last_ga = first_ga + len(ga_cum) - 1
    # EDDs that can give a birth in the year: birth day = EDD + GA - 280.
    lo = TERM_DAYS - last_ga
    hi = DAYS - 1 + TERM_DAYS - first_ga
    edd_cum = list(accumulate(scenario.seasonality[MONTH_OF_DAY[d % DAYS]] for d in range(lo, hi)))
    hour_cum = list(accumulate(ONSET_BY_HOUR))
    mean, sd = scenario.labour_mean_hours, scenario.labour_sd_hours
    sigma = math.sqrt(math.log1p((sd / mean) ** 2))
    mu = math.log(mean) - sigma * sigma / 2.0

    drawn: list[tuple[int, int, float]] = []
    rand = rng.random
    while len(drawn) < scenario.births_per_year:
        edd = lo + min(bisect_right(edd_cum, rand() * edd_cum[-1]), len(edd_cum) - 1)
        ga = first_ga + min(bisect_right(ga_cum, rand() * ga_cum[-1]), len(ga_cum) - 1)
        day = edd + ga - TERM_DAYS
        if 0 <= day < DAYS:
            hour = min(bisect_right(hour_cum, rand() * hour_cum[-1]), 23) + rand()
            drawn.append((edd, day, hour))
    drawn.sort(key=lambda item: item[0])  # booking order; the sort is stable
    births = []
    for woman, (edd, day, hour) in enumerate(drawn):
        duration = rng.lognormvariate(mu, sigma) if sigma > 0.0 else mean
        births.append(
            Birth(woman, edd, 24.0 * day + hour, duration, rand() < scenario.home_birth_rate)
        )
    return births


def allocate(women: int, midwives: int, capacity: int) -> list[int | None]:
    """Named midwife per woman, in booking order: least loaded with room, ties to lowest number."""
    heap = [(0, m) for m in range(midwives)] if capacity > 0 else []
    named: list[int | None] = []
    for _ in range(women):
        if not heap:
            named.append(None)
            continue
        load, midwife = heappop(heap)
        named.append(midwife)
        if load + 1 < capacity:
            heappush(heap, (load + 1, midwife))
    return named


def buddies(teams: int, per_team: int) -> list[int | None]:
    """Buddy of each midwife: pairs within the team; an odd team's last buddies its first."""
    buddy: list[int | None] = []
    for t in range(teams):
        base = t * per_team
        for i in range(per_team):
            if per_team == 1:
                buddy.append(None)
            elif i == per_team - 1 and per_team % 2 == 1:
                buddy.append(base)
            else:
                buddy.append(base + (i ^ 1))
    return buddy


def draw_absences(scenario: Scenario, rng: random.Random) -> list[bytearray]:
    """Per midwife, a code per day: PRESENT, LEAVE, STUDY or SICK."""
    leave_days = round(scenario.leave_weeks_per_wte * 7)
    blocks = math.ceil(leave_days / LEAVE_BLOCK_DAYS)
    sizes = [leave_days // blocks + (1 if i < leave_days % blocks else 0) for i in range(blocks)]
    segment = DAYS // blocks if blocks else DAYS
    result = []
    for _ in range(scenario.midwives):
        days = bytearray(DAYS)
        for i, size in enumerate(sizes):
            start = segment * i + rng.randrange(max(1, segment - size + 1))
            days[start : start + size] = bytes([LEAVE]) * size
        weekdays = [d for d in range(DAYS) if d % 7 < 5 and days[d] == PRESENT]
        for d in rng.sample(weekdays, min(scenario.study_days, len(weekdays))):
            days[d] = STUDY
        rate, rand = scenario.sickness_rate, rng.random
        for d in range(DAYS):
            if rand() < rate and days[d] == PRESENT:
                days[d] = SICK
        result.append(days)
    return result


def team_rota(absent: Sequence[bytearray], teams: int, per_team: int) -> list[list[int | None]]:
    """The team on-call midwife per team per day, in turn, skipping anyone absent that day."""
    rota: list[list[int | None]] = []
    for t in range(teams):
        base, turn, days = t * per_team, 0, []
        for d in range(DAYS):
            chosen = None
            for step in range(per_team):
                candidate = base + (turn + step) % per_team
                if absent[candidate][d] == PRESENT:
                    chosen = candidate
                    turn = (turn + step + 1) % per_team
                    break
            days.append(chosen)
        rota.append(days)
    return rota


def on_call_hours(
    scenario: Scenario, absent: Sequence[bytearray], rota: Sequence[Sequence[int | None]]
) -> float:
    """Hours rostered on call in the year, all midwives together (resting hours included).

    named_on_call: every hour of every day she is present. team_rota: 24 hours per rota day.
    mix: 12 hours on each weekday she is present, plus the rest of the day on weekday rota days
    and all of it on weekend rota days.
    """
    if scenario.policy == "named_on_call":
        return 24.0 * sum(days.count(PRESENT) for days in absent)
    rota_days = [d for team in rota for d, m in enumerate(team) if m is not None]
    if scenario.policy == "team_rota":
        return 24.0 * len(rota_days)
    own = float(DAY_END_HOUR - DAY_START_HOUR)
    present_weekdays = sum(
        1 for days in absent for d in range(DAYS) if d % 7 < 5 and days[d] == PRESENT
    )
    rota_hours = sum(24.0 - own if d % 7 < 5 else 24.0 for d in rota_days)
    return own * present_weekdays + rota_hours


class _Year:
    """The state the SimPy processes share."""

    def __init__(self, scenario: Scenario, rng: random.Random) -> None:
        self.scenario = scenario
        per_team = scenario.midwives_per_team
        self.births = draw_births(scenario, rng)
        self.named = allocate(len(self.births), scenario.midwives, scenario.capacity_per_midwife)
        self.buddy_of = buddies(scenario.teams, per_team)
        self.absent = draw_absences(scenario, rng)
        self.rota = team_rota(self.absent, scenario.teams, per_team)
        self.busy = [False] * scenario.midwives
        self.rest_until = [-math.inf] * scenario.midwives
        self.counts: dict[Category, int] = {"named": 0, "buddy": 0, "team": 0, "other": 0}
        self.night_call_outs = 0
        self.rest_conflicts = 0
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
            self.counts["other"] += 1
            return
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
        self.busy[midwife] = True
        yield self.env.timeout(birth.duration)
        self.busy[midwife] = False
        if touches_night(at, self.env.now):
            self.night_call_outs += 1
            self.rest_until[midwife] = self.env.now + self.scenario.rest_hours

    def run(self) -> None:
        for birth in sorted(self.births, key=lambda b: b.onset):
            self.env.process(self.attend(birth))
        self.env.run()


def simulate_year(scenario: Scenario, seed: int) -> YearOutcome:
    """One replication: the year drawn from `seed` and run through the SimPy model."""
    year = _Year(scenario, random.Random(seed))
    year.run()
    births = len(year.births)
    midwife_months = 12.0 * scenario.midwives
    counts = year.counts
    attended = counts["named"] + counts["buddy"] + counts["team"]
    unplaced = sum(1 for m in year.named if m is None)
    present_days = sum(days.count(PRESENT) for days in year.absent)
    return YearOutcome(
        seed=seed,
        births=births,
        named=counts["named"],
        buddy=counts["buddy"],
        team=counts["team"],
        other=counts["other"],
        pct_named=100.0 * counts["named"] / births,
        pct_buddy=100.0 * counts["buddy"] / births,
        pct_team=100.0 * counts["team"] / births,
        pct_other=100.0 * counts["other"] / births,
        on_call_hours_per_midwife_month=on_call_hours(scenario, year.absent, year.rota)
        / midwife_months,
        call_outs_per_midwife_month=attended / midwife_months,
        night_call_outs_per_midwife_month=year.night_call_outs / midwife_months,
        births_per_midwife_month=(births - unplaced) / midwife_months,
        named_births_per_midwife_month=counts["named"] / midwife_months,
        available_fraction=present_days / (DAYS * scenario.midwives),
        rest_conflicts=year.rest_conflicts,
        unplaced=unplaced,
        home_births=sum(1 for b in year.births if b.home),
    )
