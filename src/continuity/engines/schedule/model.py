"""Contact schedules as frozen dataclasses: the guideline data, one pregnancy's facts, the
service's settings and the contacts that fall due.

Nothing here reads a clock, a database or the environment. Gestational ages are whole days
(29+0 = 203), as in `continuity.engines.gestation`. Instants must be timezone-aware; dates are
local dates in the settings' time zone (Europe/London by default).
The JSON form of a schedule is in `io.py` and `docs/engines/schedule.md`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

Kind = Literal["booking", "antenatal", "postnatal", "extra"]
AntenatalKind = Literal["booking", "antenatal"]
Anchor = Literal["postnatal_start", "birth"]
Unit = Literal["hours", "days"]
Series = Literal["both", "standard", "six_weeks"]

KINDS: tuple[Kind, ...] = ("booking", "antenatal", "postnatal", "extra")
ANTENATAL_KINDS: tuple[AntenatalKind, ...] = ("booking", "antenatal")
ANCHORS: tuple[Anchor, ...] = ("postnatal_start", "birth")
UNITS: tuple[Unit, ...] = ("hours", "days")
SERIES: tuple[Series, ...] = ("both", "standard", "six_weeks")

# Limits the checks enforce (inclusive).
MAX_GA_DAYS = 300  # as gestation.MAX_BOOKING_GA_DAYS: 42+6 weeks
MAX_DURATION_MINUTES = 480
MAX_POSTNATAL_DAYS = 84  # 12 weeks after the birth
MAX_POSTNATAL_HOURS = MAX_POSTNATAL_DAYS * 24


class ScheduleInputError(ValueError):
    """Input the engine cannot work with. `path` names the offending field, for example
    `antenatal[3].duration_minutes`, `pregnancy.edd` or `settings.timezone`."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


@dataclass(frozen=True, slots=True)
class AntenatalContact:
    """One contact of an antenatal schedule, placed by gestational age in days.

    `duration_minutes=None` means "use the settings' duration for this kind".
    """

    code: str
    label_key: str
    target_ga_days: int
    earliest_ga_days: int
    latest_ga_days: int
    kind: AntenatalKind = "antenatal"
    duration_minutes: int | None = None
    nulliparous_only: bool = False
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PostnatalContact:
    """One contact of a postnatal series, placed relative to the birth or to the start of
    postnatal care at home, in hours or in days (day 0 is the local date of the anchor).

    `series` says which services include it: "both"; "standard" only when the named midwife
    does not continue to six weeks; "six_weeks" only when she does.
    """

    code: str
    label_key: str
    anchor: Anchor
    unit: Unit
    target: int
    earliest: int
    latest: int
    duration_minutes: int | None = None
    series: Series = "both"
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PostnatalSeries:
    name: str
    title: str
    contacts: tuple[PostnatalContact, ...]
    reference: str = ""  # the guideline it follows


@dataclass(frozen=True, slots=True)
class Schedule:
    """A guideline schedule: the antenatal contacts and the postnatal series that follows."""

    name: str
    title: str
    antenatal: tuple[AntenatalContact, ...]
    postnatal: PostnatalSeries | None = None
    reference: str = ""  # the guideline it follows


@dataclass(frozen=True, slots=True)
class ScheduleSettings:
    """Service-level choices. Durations are whole minutes."""

    booking_minutes: int = 90
    coc_booking_minutes: int = 120
    antenatal_minutes: int = 40
    postnatal_minutes: int = 45
    continuity_of_carer: bool = False  # bookings take coc_booking_minutes
    continue_to_six_weeks: bool = False  # the named midwife visits weekly to six weeks
    timezone: str = "Europe/London"


@dataclass(frozen=True, slots=True)
class ExtraVisit:
    """A visit agreed with the woman outside the schedule. It passes through unchanged."""

    code: str
    earliest: date
    latest: date
    duration_minutes: int
    target: date | None = None  # None: the earliest date
    label_key: str = "contact.extra"
    activities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PregnancyFacts:
    """What the schedule needs to know about one pregnancy. Keyword arguments only."""

    booking_date: date
    edd: date
    ga_at_booking_days: int | None = None
    previous_live_births: int
    birth_at: datetime | None = None
    postnatal_start_at: datetime | None = None  # transfer home, or the midwife leaving a home birth
    home_birth: bool = False
    extra: tuple[ExtraVisit, ...] = ()

    @property
    def nulliparous(self) -> bool:
        return self.previous_live_births == 0


@dataclass(frozen=True, slots=True)
class DueContact:
    """A contact that falls due, with its window. Dates are local dates, inclusive.

    `earliest_at`, `target_at` and `latest_at` are set (in UTC) only for contacts the schedule
    times in hours, such as the first postnatal visit within 36 hours.
    """

    code: str
    kind: Kind
    label_key: str
    earliest: date
    target: date
    latest: date
    duration_minutes: int
    activities: tuple[str, ...]
    source: str
    earliest_at: datetime | None = None
    target_at: datetime | None = None
    latest_at: datetime | None = None
    target_ga_days: int | None = None  # antenatal and booking contacts only
