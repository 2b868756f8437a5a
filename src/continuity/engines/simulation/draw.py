"""The random parts of a simulated year, drawn from one `random.Random` in a fixed order, and
the fixed calendar they live in.

Time is in hours from 00:00 on day 0, a Monday; the year has 365 days (no leap day) and months of
the usual lengths.

- **Births** (`draw_births`): each woman's due date (EDD) is drawn from a window around the year,
  weighted by the month's seasonality factor; her gestation at birth from
  `DEFAULT_BIRTH_DISTRIBUTION` (about 8% preterm, shared with the cover forecast). Women are drawn
  until `births_per_year` of them give birth inside the year, so births are conditioned on falling
  in the year. Labour starts on the day of birth at an hour drawn from `ONSET_BY_HOUR` and the
  attendance lasts a lognormal time. Each woman is also drawn as giving birth at home, as
  nulliparous and as in a priority group, with the scenario's rates.
- **Availability** (`draw_absences`): per midwife and day, annual leave in blocks of up to two
  weeks, study days on weekdays, and sickness on random days.
- **The team rota** (`team_rota`): one on-call midwife a team a day (00:00 to 24:00) in turn,
  skipping anyone absent that day. `on_call_hours` counts the rostered hours by policy.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate

from continuity.engines.cover.forecast import DEFAULT_BIRTH_DISTRIBUTION
from continuity.engines.gestation import TERM_DAYS
from continuity.engines.simulation.caseload import DAYS, MONTH_OF_DAY
from continuity.engines.simulation.model import Scenario

HOURS = 24.0 * DAYS
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
    nulliparous: bool = False
    priority: bool = False  # Black, Asian and minority ethnic, or Core20 (IMD deciles 1-2)

    @property
    def day(self) -> int:
        return int(self.onset // 24.0)

    @property
    def end(self) -> float:
        """The end of the labour attendance, taken as the moment of birth."""
        return self.onset + self.duration


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
    home, nulliparous = scenario.home_birth_rate, scenario.nulliparous_rate
    priority = scenario.priority_share
    for woman, (edd, day, hour) in enumerate(drawn):
        duration = rng.lognormvariate(mu, sigma) if sigma > 0.0 else mean
        births.append(
            Birth(
                woman,
                edd,
                24.0 * day + hour,
                duration,
                home=rand() < home,
                nulliparous=rand() < nulliparous,
                priority=rand() < priority,
            )
        )
    return births


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
