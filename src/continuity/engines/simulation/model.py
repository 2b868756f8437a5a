"""The simulation's scenario, one simulated year and the summarised result, as frozen dataclasses.

A `Scenario` checks itself when it is built, so an impossible scenario raises
`SimulationInputError` naming the field (`seasonality: must have 12 numbers, one per month`)
before anything runs. The JSON form is in `io.py` and docs/engines/simulation.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, get_args

from continuity.engines.allocation.model import Policy as AllocationPolicy
from continuity.engines.schedule.io import DEFAULT_SCHEDULE, SCHEDULE_NAMES

Policy = Literal["named_on_call", "team_rota", "mix"]
POLICIES: tuple[str, ...] = get_args(Policy)
Category = Literal["named", "buddy", "team", "other"]
CATEGORIES: tuple[Category, ...] = ("named", "buddy", "team", "other")

MAX_TEAMS = 500
MAX_MIDWIVES_PER_TEAM = 100
MAX_BIRTHS_PER_YEAR = 200_000
MAX_LEAVE_WEEKS = 26.0
MAX_STUDY_DAYS = 100
MAX_LABOUR_HOURS = 72.0
MAX_REST_HOURS = 24.0
MAX_BIRTHS_PER_MONTH = 31
MAX_LEAVE_BUFFER_DAYS = 60
MAX_VISITS_PER_DAY = 20
MAX_VISIT_DEFER_DAYS = 14
MAX_TRAVEL_MINUTES = 240.0

# The allocation engine's policy gives the default caseload, monthly cap and leave buffer, so the
# simulation places women by the same numbers the live allocation uses.
ALLOCATION_DEFAULTS = AllocationPolicy()


class SimulationInputError(ValueError):
    """Input the engine cannot work with. `path` names the offending field, e.g. `wte`."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


def _whole(value: object, path: str, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise SimulationInputError(path, "must be a whole number")
    if not low <= value <= high:
        raise SimulationInputError(path, f"must be from {low} to {high}")


def _number(value: object, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SimulationInputError(path, "must be a number")
    return float(value)


def _between(value: object, path: str, low: float, high: float) -> None:
    if not low <= _number(value, path) <= high:
        raise SimulationInputError(path, f"must be between {low:g} and {high:g}")


def _flag(value: object, path: str) -> None:
    if not isinstance(value, bool):
        raise SimulationInputError(path, "must be true or false")


def _positive(value: object, path: str, high: float) -> None:
    number = _number(value, path)
    if not 0.0 < number <= high:
        raise SimulationInputError(path, f"must be more than 0 and at most {high:g}")


@dataclass(frozen=True, slots=True)
class Scenario:
    """One service, one year. See docs/engines/simulation.md for each field's meaning."""

    teams: int
    midwives_per_team: int
    births_per_year: int
    wte: float = 1.0
    caseload_per_wte: float = ALLOCATION_DEFAULTS.births_per_wte_per_year
    seasonality: tuple[float, ...] = (1.0,) * 12
    policy: Policy = "named_on_call"
    leave_weeks_per_wte: float = 5.6
    sickness_rate: float = 0.05
    study_days: int = 5
    labour_mean_hours: float = 8.0
    labour_sd_hours: float = 4.0
    rest_hours: float = 11.0
    home_birth_rate: float = 0.02
    nulliparous_rate: float = 0.4
    priority_share: float = 0.4
    prioritise: bool = True
    max_births_per_month: int = ALLOCATION_DEFAULTS.max_births_per_month
    leave_buffer_days: int = ALLOCATION_DEFAULTS.leave_buffer_days
    schedule: str = DEFAULT_SCHEDULE
    postnatal_six_weeks: bool = False
    visit_start_hour: int = 9
    max_visits_per_day: int = 6
    visit_defer_days: int = 3
    travel_minutes_per_leg: float = 15.0
    opt_out_48h: bool = False

    def __post_init__(self) -> None:
        _whole(self.teams, "teams", 1, MAX_TEAMS)
        _whole(self.midwives_per_team, "midwives_per_team", 1, MAX_MIDWIVES_PER_TEAM)
        _whole(self.births_per_year, "births_per_year", 1, MAX_BIRTHS_PER_YEAR)
        _positive(self.wte, "wte", 1.5)
        _positive(self.caseload_per_wte, "caseload_per_wte", 1000.0)
        if not isinstance(self.seasonality, tuple) or len(self.seasonality) != 12:
            raise SimulationInputError("seasonality", "must have 12 numbers, one per month")
        for i, factor in enumerate(self.seasonality):
            if _number(factor, f"seasonality[{i}]") < 0.0:
                raise SimulationInputError(f"seasonality[{i}]", "must not be negative")
        if math.fsum(self.seasonality) <= 0.0:
            raise SimulationInputError("seasonality", "must have at least one month above 0")
        if self.policy not in POLICIES:
            raise SimulationInputError("policy", "must be one of " + ", ".join(POLICIES))
        _between(self.leave_weeks_per_wte, "leave_weeks_per_wte", 0.0, MAX_LEAVE_WEEKS)
        _between(self.sickness_rate, "sickness_rate", 0.0, 1.0)
        _whole(self.study_days, "study_days", 0, MAX_STUDY_DAYS)
        _positive(self.labour_mean_hours, "labour_mean_hours", MAX_LABOUR_HOURS)
        _between(self.labour_sd_hours, "labour_sd_hours", 0.0, MAX_LABOUR_HOURS)
        _between(self.rest_hours, "rest_hours", 0.0, MAX_REST_HOURS)
        _between(self.home_birth_rate, "home_birth_rate", 0.0, 1.0)
        _between(self.nulliparous_rate, "nulliparous_rate", 0.0, 1.0)
        _between(self.priority_share, "priority_share", 0.0, 1.0)
        _flag(self.prioritise, "prioritise")
        _whole(self.max_births_per_month, "max_births_per_month", 1, MAX_BIRTHS_PER_MONTH)
        _whole(self.leave_buffer_days, "leave_buffer_days", 0, MAX_LEAVE_BUFFER_DAYS)
        if self.schedule not in SCHEDULE_NAMES:
            raise SimulationInputError("schedule", "must be one of " + ", ".join(SCHEDULE_NAMES))
        _flag(self.postnatal_six_weeks, "postnatal_six_weeks")
        _whole(self.visit_start_hour, "visit_start_hour", 0, 23)
        _whole(self.max_visits_per_day, "max_visits_per_day", 1, MAX_VISITS_PER_DAY)
        _whole(self.visit_defer_days, "visit_defer_days", 0, MAX_VISIT_DEFER_DAYS)
        _between(self.travel_minutes_per_leg, "travel_minutes_per_leg", 0.0, MAX_TRAVEL_MINUTES)
        _flag(self.opt_out_48h, "opt_out_48h")

    @property
    def midwives(self) -> int:
        return self.teams * self.midwives_per_team

    @property
    def monthly_limit(self) -> int:
        """Women due in one calendar month a midwife may be named for: her year's share of a
        month (caseload × WTE / 12, rounded up) and never above `max_births_per_month`, as the
        app's allocation computes it. When places are short this spreads them over the year."""
        share = math.ceil(self.caseload_per_wte * self.wte / 12.0 - 1e-9)
        return max(1, min(self.max_births_per_month, share))

    @property
    def capacity_per_midwife(self) -> int:
        """Women a midwife can be named for in the year: caseload × WTE, rounded down."""
        return math.floor(self.caseload_per_wte * self.wte + 1e-9)


@dataclass(frozen=True, slots=True)
class YearOutcome:
    """What one simulated year gave. docs/engines/simulation.md defines every field.

    Births are split two ways: `births` counts every birth in the year; the attendance
    categories (`named` + `buddy` + `team` + `other`) and `known` count the births of women on
    the pathway only, so their percentages are shares of `on_pathway`. Per-month figures are
    means over midwives and the 12 months, per-week figures over midwives and 365/7 weeks.
    """

    seed: int
    births: int
    on_pathway: int  # women placed with a named midwife (each gives one birth in the year)
    pct_on_pathway: float
    priority_births: int
    priority_on_pathway: int
    pct_priority_on_pathway: float
    pct_others_on_pathway: float
    unplaced: int
    unplaced_priority: int
    unplaced_others: int
    named: int
    buddy: int
    team: int
    other: int
    known: int  # named, buddy, or a midwife who did one of her antenatal contacts
    pct_named: float
    pct_buddy: float
    pct_team: float
    pct_other: float
    pct_known: float
    contacts: int  # antenatal and postnatal contacts of the women on the pathway
    contacts_named: int
    contacts_buddy: int
    contacts_team: int
    contacts_other: int  # seen elsewhere: nobody in the team could take the visit
    pct_contacts_named: float
    pct_contacts_named_or_buddy: float
    pct_contacts_team: float
    pct_contacts_other: float
    visits_moved_after_night: int
    on_call_hours_per_midwife_month: float
    call_outs_per_midwife_month: float
    night_call_outs_per_midwife_month: float
    births_per_midwife_month: float  # births of the women each midwife is named for
    named_births_per_midwife_month: float  # of those, the births she attended herself
    available_fraction: float  # midwife-days not on leave, sick or at study
    work_hours_per_midwife_week: float  # visit rounds and labour attendances
    visit_hours_per_midwife_week: float  # visit rounds, travel included
    travel_hours_per_midwife_week: float
    rest_conflicts: int
    rest_breaches: int
    weekly_rest_breaches: int
    average_hours_breaches: int
    wtr_breaches: int
    home_births: int


# The outputs summarised with a mean and a 95% interval, in the order they are written.
METRICS: tuple[str, ...] = (
    "births",
    "on_pathway",
    "pct_on_pathway",
    "priority_births",
    "priority_on_pathway",
    "pct_priority_on_pathway",
    "pct_others_on_pathway",
    "unplaced",
    "unplaced_priority",
    "unplaced_others",
    "pct_named",
    "pct_buddy",
    "pct_team",
    "pct_other",
    "pct_known",
    "contacts",
    "pct_contacts_named",
    "pct_contacts_named_or_buddy",
    "pct_contacts_team",
    "pct_contacts_other",
    "visits_moved_after_night",
    "on_call_hours_per_midwife_month",
    "call_outs_per_midwife_month",
    "night_call_outs_per_midwife_month",
    "births_per_midwife_month",
    "named_births_per_midwife_month",
    "available_fraction",
    "work_hours_per_midwife_week",
    "visit_hours_per_midwife_week",
    "travel_hours_per_midwife_week",
    "rest_conflicts",
    "rest_breaches",
    "weekly_rest_breaches",
    "average_hours_breaches",
    "wtr_breaches",
    "home_births",
)


@dataclass(frozen=True, slots=True)
class Summary:
    """The mean of one output over the replications, with its 95% confidence interval.

    `sd`, `low`, `high` and `half_width` are None with a single replication.
    """

    metric: str
    mean: float
    sd: float | None
    low: float | None
    high: float | None
    half_width: float | None


@dataclass(frozen=True, slots=True)
class Result:
    scenario: Scenario
    replications: int
    seed: int
    seeds: tuple[int, ...]
    interval_method: Literal["t", "normal"]
    summaries: tuple[Summary, ...]
    runs: tuple[YearOutcome, ...] = field(repr=False)
    confidence: float = 0.95

    def summary(self, metric: str) -> Summary:
        for item in self.summaries:
            if item.metric == metric:
                return item
        raise KeyError(metric)
