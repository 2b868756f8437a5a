"""The cover problem as frozen dataclasses: who is on duty, who covers whom, and the answers.

Nothing here reads a clock, a database or the environment. Every instant is timezone-aware;
the engine works in UTC and uses the rota's time zone (Europe/London by default) only where a
rule is about local time: the legal night (23:00-06:00) and the start of a week.
The JSON form of these classes is in `io.py` and `docs/engines/cover.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class CoverInputError(ValueError):
    """Input the engine cannot work with. `path` names the offending field, e.g. entries[3].end."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class Kind(StrEnum):
    """What a rota entry is. Duty kinds put a midwife on duty; absence kinds take her off it."""

    WORK = "work"
    ON_CALL_OWN = "on_call_own"  # on call for her own women (and those she buddies or covers)
    ON_CALL_TEAM = "on_call_team"  # on the team's on-call rota, for every woman in the team
    CALL_OUT = "call_out"  # called out while on call: counts as working time
    LEAVE = "leave"
    SICKNESS = "sickness"
    STUDY = "study"


DUTY_KINDS = frozenset({Kind.WORK, Kind.ON_CALL_OWN, Kind.ON_CALL_TEAM, Kind.CALL_OUT})
# Entries of these kinds may not overlap one another for the same midwife (a double booking).
ROSTERED_KINDS = frozenset({Kind.WORK, Kind.ON_CALL_OWN, Kind.ON_CALL_TEAM})
ABSENCE_KINDS = frozenset({Kind.LEAVE, Kind.SICKNESS, Kind.STUDY})
# Time that counts towards working time. Being on call at home does not, until she is called out.
WORKING_KINDS = frozenset({Kind.WORK, Kind.CALL_OUT})


class Step(StrEnum):
    """The links of the cover chain, tried in this order."""

    NAMED = "named"
    COVER = "cover"  # an explicit cover arrangement for the named midwife (leave, sickness)
    BUDDY = "buddy"
    TEAM_ON_CALL = "team_on_call"
    TRIAGE = "triage"  # the hospital's maternity triage line


class Unavailable(StrEnum):
    """Why a link of the chain could not answer."""

    NONE_RECORDED = "none_recorded"  # no buddy, no arrangement, nobody on the team rota
    NOT_EMPLOYED = "not_employed"  # before her start date or after her last day
    LEAVE = "leave"
    SICKNESS = "sickness"
    STUDY = "study"
    RESTING = "resting"  # the rest owed after a night call-out
    OFF_DUTY = "off_duty"  # not working and not on call


@dataclass(frozen=True, slots=True)
class Team:
    id: str
    name: str = ""
    # A continuity team promises a known midwife around the clock, so falling through to the
    # triage line is a gap. A traditional team plans for triage out of hours: not a gap.
    promise_24_7: bool = True
    triage_phone: str = ""


@dataclass(frozen=True, slots=True)
class Midwife:
    id: str
    team: str
    name: str = ""
    phone: str = ""
    start_date: date | None = None
    end_date: date | None = None  # her last working day
    opted_out_48h: bool = False  # signed the individual opt-out from the 48-hour average


@dataclass(frozen=True, slots=True)
class Entry:
    """One rota entry: [start, end), aware datetimes."""

    midwife: str
    kind: Kind
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Arrangement:
    """`covering` answers for `covered`'s women over [start, end) — after the named midwife
    herself, before the buddy."""

    covering: str
    covered: str
    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Woman:
    id: str
    team: str
    named: str | None = None
    buddy: str | None = None


@dataclass(frozen=True, slots=True)
class Policy:
    timezone: str = "Europe/London"
    # The legal night (Working Time Regulations: 23:00-06:00 unless agreed otherwise).
    night_start_hour: int = 23
    night_end_hour: int = 6
    # After a call-out that touches the night, she rests this long and is off the chain.
    rest_after_night_call_out_hours: float = 11.0
    daily_rest_hours: float = 11.0
    weekly_rest: str = "fortnightly"  # "weekly": 24 h in each week; "fortnightly": 2x24 h or 48 h
    weekly_rest_hours: float = 24.0
    average_week_limit_hours: float = 48.0
    average_reference_weeks: int = 17


@dataclass(frozen=True, slots=True)
class Rota:
    teams: tuple[Team, ...]
    midwives: tuple[Midwife, ...]
    entries: tuple[Entry, ...] = ()
    arrangements: tuple[Arrangement, ...] = ()
    policy: Policy = field(default_factory=Policy)


@dataclass(frozen=True, slots=True)
class Attempt:
    """One link of the chain as tried: who, and why she could not answer (None: she answered)."""

    step: Step
    midwife: str | None
    unavailable: Unavailable | None


@dataclass(frozen=True, slots=True)
class Resolution:
    """Who is responsible for a woman at an instant, and the chain tried to find her."""

    woman: str
    at: datetime
    step: Step
    midwife: str | None  # None when the answer is the triage line
    gap: bool  # the triage line where the team promises a known midwife
    chain: tuple[Attempt, ...]
    until: datetime | None = None  # when this answer next changes (None: not within the horizon)


@dataclass(frozen=True, slots=True)
class Segment:
    """An interval [start, end) over which one answer holds for a woman."""

    start: datetime
    end: datetime
    step: Step
    midwife: str | None
    gap: bool


@dataclass(frozen=True, slots=True)
class Gap:
    """An interval in which a team has no cover, or some of its women resolve to triage."""

    team: str
    start: datetime
    end: datetime
    women: tuple[str, ...]  # the women affected (empty for a team with nobody on duty at all)
    team_uncovered: bool  # nobody in the team is on duty or on call


@dataclass(frozen=True, slots=True)
class WorkingTimeWarning:
    midwife: str
    rule: str  # "daily_rest" | "weekly_rest" | "average_48h"
    start: datetime
    end: datetime
    value_hours: float  # what she got (rest) or worked (average)
    limit_hours: float
    after_call_out: bool = False  # the breach follows a call-out
    opted_out: bool = False  # the 48-hour average with her opt-out: information, not a breach


@dataclass(frozen=True, slots=True)
class BirthDistribution:
    """Probability of birth by completed week of gestation (index 0 = week `first_week`)."""

    first_week: int
    probabilities: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class Pregnancy:
    """What the on-call forecast needs to know about one of a midwife's women."""

    id: str
    edd: date
    named: str | None = None
    buddy: str | None = None
    born: bool = False


@dataclass(frozen=True, slots=True)
class WeekLoad:
    midwife: str
    week_start: date  # a Monday
    expected_births_named: float
    expected_births_buddy: float
    expected_night_births_named: float
    p_at_least_one_named: float
