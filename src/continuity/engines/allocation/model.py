"""The allocation problem and its answer, as frozen dataclasses.

Everything the solver needs is here; nothing is read from a clock, a database or the
environment. The JSON form of these classes is in `io.py` and `docs/engines/allocation.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


class AllocationInputError(ValueError):
    """Input the engine cannot work with. `path` names the offending field, e.g. women[3].edd."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Location:
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class Period:
    """A whole-day period, both ends inclusive (annual leave, a long absence)."""

    start: date
    end: date

    def overlaps(self, start: date, end: date) -> bool:
        return self.start <= end and start <= self.end


@dataclass(frozen=True, slots=True)
class Woman:
    id: str
    edd: date
    location: Location | None = None
    language: str = "en"
    interpreter: bool = False
    # Groups that give her priority when continuity places are short: "core20", "bame" and any
    # local PLUS group codes. Which groups count, and how much, is policy.
    priority_groups: tuple[str, ...] = ()
    previous_midwife: str | None = None  # her named midwife last time, or someone she knows
    risk: str = "low"
    required_skills: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()  # teams that may care for her (empty: any team within reach)
    declined: bool = False  # declined continuity: recorded, never placed
    pinned_named: str | None = None  # her named midwife stays; only a buddy is chosen


@dataclass(frozen=True, slots=True)
class Midwife:
    id: str
    team: str
    wte: float
    base: Location | None = None
    languages: tuple[str, ...] = ("en",)
    skills: tuple[str, ...] = ()
    partner: str | None = None  # her usual buddy, who she buddies in turn
    named_edds: tuple[date, ...] = ()  # due dates of the women she is already named midwife for
    buddy_edds: tuple[date, ...] = ()  # due dates of the women she is already buddy for
    active_caseload: int = 0  # women in her care now as named midwife
    max_active_caseload: int | None = None  # None: the policy's cap
    leave: tuple[Period, ...] = ()
    available_until: date | None = None  # last working day, when she is leaving


@dataclass(frozen=True, slots=True)
class Policy:
    births_per_wte_per_year: float = 36.0
    max_births_per_month: int = 4
    # Births per half-month: days 1-15 and 16 to the month's end. Halves nest inside months,
    # which keeps the capacity structure a tree and the problem an exact network flow.
    max_births_per_fortnight: int = 2
    max_active_caseload: int = 60
    buddy_max_per_month: int = 4
    team_boundaries: bool = True
    max_travel_minutes: float = 45.0
    max_candidates: int = 24  # per woman, nearest first, when team boundaries are off
    leave_buffer_days: int = 14  # avoid a named midwife with leave within this of the EDD
    care_days_after_edd: int = 42  # she stays with her midwife to six weeks after birth
    circuity: float = 1.3
    speed_kmh: float = 24.0
    unknown_travel_minutes: float = 20.0  # when her location (or a base) is not known
    weight_travel: float = 1.0  # per minute of one-way travel from the midwife's base
    weight_language: float = 30.0  # she needs a language the midwife does not speak
    require_language_match: bool = False
    weight_previous: float = 60.0  # she had a previous midwife and does not get her
    weight_buddy_travel: float = 0.25
    weight_buddy_not_partner: float = 10.0
    weight_buddy_over_share: float = 2.0  # per buddy above the buddy's own monthly share
    unplaced_cost: float = 1000.0
    priority_weights: tuple[tuple[str, float], ...] = (("core20", 1.0), ("bame", 1.0))
    skills_for_risk: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def priority_weight(self, groups: tuple[str, ...]) -> float:
        weights = dict(self.priority_weights)
        return sum(weights.get(g, 0.0) for g in set(groups))

    def skills_needed(self, woman: Woman) -> frozenset[str]:
        by_risk = dict(self.skills_for_risk)
        return frozenset(woman.required_skills) | frozenset(by_risk.get(woman.risk, ()))


@dataclass(frozen=True, slots=True)
class Problem:
    today: date
    women: tuple[Woman, ...]
    midwives: tuple[Midwife, ...]
    policy: Policy = field(default_factory=Policy)
    seed: int = 0
    time_limit_seconds: float = 10.0


@dataclass(frozen=True, slots=True)
class Reason:
    """Why (or why not): a code the app translates, and a value where one helps."""

    code: str
    value: str | float | None = None


@dataclass(frozen=True, slots=True)
class Alternative:
    midwife: str
    extra_cost: float  # more than the chosen placement, in objective units
    why_not: str  # "higher_cost", "no_capacity_due_month", "no_capacity_fortnight", ...


@dataclass(frozen=True, slots=True)
class Placement:
    woman: str
    named: str
    buddy: str | None  # None only when her pinned named midwife has no buddy available
    team: str
    cost: float
    reasons: tuple[Reason, ...]
    runner_up: Alternative | None


@dataclass(frozen=True, slots=True)
class Unplaced:
    woman: str
    reason: str  # the binding reason, e.g. "no_capacity_due_month"
    priority: bool
    details: tuple[Reason, ...] = ()


@dataclass(frozen=True, slots=True)
class Objective:
    """The plan's cost, broken down. Units: minutes of travel and their equivalents."""

    total: float
    travel: float
    language: float
    previous_midwife: float
    buddy: float
    unplaced_priority: float
    unplaced_other: float


@dataclass(frozen=True, slots=True)
class Plan:
    method: str
    placements: tuple[Placement, ...]
    unplaced: tuple[Unplaced, ...]
    declined: tuple[str, ...]
    objective: Objective
    lower_bound: float | None  # an LP lower bound on the objective (None if not computed)
    stats: tuple[tuple[str, float], ...] = ()

    @property
    def gap(self) -> float | None:
        """Relative distance of the objective above the lower bound (0.004 = 0.4%)."""
        if self.lower_bound is None:
            return None
        if self.objective.total <= 0:
            return 0.0
        return max(0.0, self.objective.total - self.lower_bound) / self.objective.total

    def placement_for(self, woman_id: str) -> Placement | None:
        return next((p for p in self.placements if p.woman == woman_id), None)
