"""The simulation's scenario, one simulated year and the summarised result, as frozen dataclasses.

A `Scenario` checks itself when it is built, so an impossible scenario raises
`SimulationInputError` naming the field (`seasonality: must have 12 numbers, one per month`)
before anything runs. The JSON form is in `io.py` and docs/engines/simulation.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal, get_args

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
    caseload_per_wte: float = 36.0
    seasonality: tuple[float, ...] = (1.0,) * 12
    policy: Policy = "named_on_call"
    leave_weeks_per_wte: float = 5.6
    sickness_rate: float = 0.05
    study_days: int = 5
    labour_mean_hours: float = 8.0
    labour_sd_hours: float = 4.0
    rest_hours: float = 11.0
    home_birth_rate: float = 0.02

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

    @property
    def midwives(self) -> int:
        return self.teams * self.midwives_per_team

    @property
    def capacity_per_midwife(self) -> int:
        """Women a midwife can be named for in the year: caseload × WTE, rounded down."""
        return math.floor(self.caseload_per_wte * self.wte + 1e-9)


@dataclass(frozen=True, slots=True)
class YearOutcome:
    """What one simulated year gave. Per-month figures are means over midwives and 12 months."""

    seed: int
    births: int
    named: int
    buddy: int
    team: int
    other: int
    pct_named: float
    pct_buddy: float
    pct_team: float
    pct_other: float
    on_call_hours_per_midwife_month: float
    call_outs_per_midwife_month: float
    night_call_outs_per_midwife_month: float
    births_per_midwife_month: float  # births of the women each midwife is named for
    named_births_per_midwife_month: float  # of those, the births she attended herself
    available_fraction: float  # midwife-days not on leave, sick or at study
    rest_conflicts: int
    unplaced: int
    home_births: int


# The outputs summarised with a mean and a 95% interval, in the order they are written.
METRICS: tuple[str, ...] = (
    "births",
    "pct_named",
    "pct_buddy",
    "pct_team",
    "pct_other",
    "on_call_hours_per_midwife_month",
    "call_outs_per_midwife_month",
    "night_call_outs_per_midwife_month",
    "births_per_midwife_month",
    "named_births_per_midwife_month",
    "available_fraction",
    "rest_conflicts",
    "unplaced",
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
