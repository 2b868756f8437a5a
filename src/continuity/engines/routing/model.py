"""A team's week of visits to plan, and the plan, as frozen dataclasses.

Time is in whole minutes from the start of the planning horizon (Monday 00:00 local for a
week). The caller converts real instants to minutes (so a week across a clock change simply
has 167 or 169 hours). Locations are indices into `Problem.locations`; travel between them
is either a supplied matrix of minutes or worked out from coordinates (straight line ×
circuity at a speed). The JSON form is in `io.py` and `docs/engines/routing.md`; it is general
enough for public home-care instances (visits with one or two windows, durations, skills,
preferred carers in order, carers' shifts with start and end points, a travel matrix).
"""

from __future__ import annotations

from dataclasses import dataclass, field


class RoutingInputError(ValueError):
    """Input the engine cannot work with. `path` names the field, e.g. visits[3].windows[0]."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class Window:
    """[start, end] in minutes: a visit must *start* inside it."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Location:
    lat: float | None = None
    lon: float | None = None
    x: float | None = None  # plain coordinates (Solomon): Euclidean distance, travel = distance
    y: float | None = None


@dataclass(frozen=True, slots=True)
class Pin:
    """A visit fixed to a midwife (and, if given, a start time) — confirmed with the woman."""

    midwife: str
    start: int | None = None


@dataclass(frozen=True, slots=True)
class Visit:
    id: str
    location: int
    duration: int  # minutes
    # Hard: the clinical window (and her unavailable times taken out), as one or more windows.
    windows: tuple[Window, ...]
    # Soft: the times she prefers (weekday evenings, Saturday mornings, ...); empty = any time.
    preferred: tuple[Window, ...] = ()
    # Preferred carers in order: her named midwife, then her buddy. Anyone else in the team is
    # allowed at a higher cost.
    carers: tuple[str, ...] = ()
    skills: tuple[str, ...] = ()
    pin: Pin | None = None
    woman: str = ""  # an id for reporting; never a name
    demand: int = 0  # load units, for capacitated instances (Solomon); 0 for home visits


@dataclass(frozen=True, slots=True)
class Shift:
    """One stretch a midwife can do visits in: leave home (or base) at or after `start`, be back
    by `end`."""

    midwife: str
    start: int
    end: int
    start_location: int
    end_location: int
    capacity: int | None = None  # load units; None = unlimited


@dataclass(frozen=True, slots=True)
class Midwife:
    id: str
    skills: tuple[str, ...] = ()
    max_minutes: int | None = None  # visiting plus travel in the horizon; None = her shifts


@dataclass(frozen=True, slots=True)
class Policy:
    # Costs in "minutes of travel" so they trade off against travel directly.
    buddy_cost: float = 60.0  # a visit by her buddy rather than her named midwife
    team_cost: float = 240.0  # by anyone else in the team
    outside_preferred_cost: float = 90.0  # inside the clinical window but not a preferred one
    unplanned_cost: float = 10_000.0  # leaving a visit unplanned
    travel_cost: float = 1.0  # per minute of travel
    # Fairness: per minute of evening (from 18:00) or weekend visiting above the team's mean.
    unsocial_fairness_cost: float = 0.0
    evening_start: int = 18 * 60  # minute of the day
    # Visits start on this grid of minutes (09:05, not 09:03) where the route allows it; 1 = any.
    start_step: int = 5
    speed_kmh: float = 24.0  # urban driving, used with coordinates
    circuity: float = 1.3  # road distance / straight-line distance
    time_limit_seconds: float = 10.0
    seed: int = 1
    # Also stop PyVRP after this many iterations (None = the time limit only). With a generous
    # time limit this makes a run reproducible on any machine, not only for a seed.
    max_iterations: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    locations: tuple[Location, ...]
    visits: tuple[Visit, ...]
    midwives: tuple[Midwife, ...]
    shifts: tuple[Shift, ...]
    policy: Policy = field(default_factory=Policy)
    # Minutes from location i to location j; None = from coordinates.
    travel: tuple[tuple[float, ...], ...] | None = None


@dataclass(frozen=True, slots=True)
class Planned:
    visit: str
    midwife: str
    shift: int  # index into Problem.shifts
    start: int  # minutes
    carer_rank: int | None  # 0 named, 1 buddy, ... None = someone else in the team
    in_preferred: bool
    travel_before: float  # minutes driven to get there


@dataclass(frozen=True, slots=True)
class Unplanned:
    visit: str
    reason: str  # e.g. "no_shift_in_window", "skills", "no_time", "window_empty"


@dataclass(frozen=True, slots=True)
class Plan:
    planned: tuple[Planned, ...]
    unplanned: tuple[Unplanned, ...]
    travel_minutes: dict[str, float]  # per midwife, including the drive home
    # travel, buddy, team, outside_preferred, unplanned, fairness, total
    objective: dict[str, float]
    solver: str
    seconds: float
