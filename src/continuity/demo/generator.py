"""The synthetic trust: a seeded, pure-Python description of a whole maternity service.

No Django here. `generate(DemoParams(today=...))` returns a `DemoTrust` made of frozen dataclasses
and tuples. Everything is decided by `random.Random` streams seeded from the parameters, so the
same (seed, births_per_year, today, continuity_teams) always gives the same trust. The Django side
(`continuity.demo.load`) writes it to the database; benchmarks and tests use it directly.

Records refer to each other by their natural keys: sites by ODS code, teams by local id,
midwives by professional id, users by username, women and pregnancies by an integer key.
All instants are timezone-aware UTC, computed from Europe/London wall-clock times.
"""

from __future__ import annotations

import bisect
import functools
import math
import random
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Final, TypeVar
from zoneinfo import ZoneInfo

from continuity.core.identifiers import synthetic_nhs_number
from continuity.demo import names
from continuity.engines import equity, gestation

LONDON: Final = ZoneInfo("Europe/London")
CITY_NAME: Final = "Northbrook"
CITY_LAT: Final = 53.80
CITY_LON: Final = -1.55
KM_PER_DEG_LAT: Final = 111.2
KM_PER_DEG_LON: Final = 111.2 * math.cos(math.radians(CITY_LAT))

BIRTHS_PER_WTE_YEAR: Final = 36  # continuity named-midwife caseload (domain setting)
TRADITIONAL_BIRTHS_PER_WTE_YEAR: Final = 45
CONTINUITY_SHARE: Final = 0.30  # share of births the default number of teams is sized for
CONTINUITY_SHARE_CAP: Final = 0.45  # never more than this share of a month's women
ALLOCATION_LAG_DAYS: Final = (10, 16)  # booking → named midwife allocated
DECLINE_RATE: Final = 0.06  # offered continuity of carer, she chose the community team
FUTURE_CONTACT_DAYS: Final = 42
ROTA_PAST_DAYS: Final = 28
ROTA_FUTURE_DAYS: Final = 56

PERSONA_USERNAMES: Final = (
    "midwife",
    "midwife2",
    "leader",
    "manager",
    "board",
    "voices",
    "privacy",
    "admin",
    "woman",
)

T = TypeVar("T")


# --------------------------------------------------------------------------------------------
# Parameters and output shapes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class DemoParams:
    today: date
    births_per_year: int = 3000
    seed: int = 1
    continuity_teams: int | None = None  # None: derived from births_per_year

    def __post_init__(self) -> None:
        if not isinstance(self.today, date) or isinstance(self.today, datetime):
            raise ValueError("today must be a date")
        if self.births_per_year < 1:
            raise ValueError("births_per_year must be at least 1")
        if self.continuity_teams is not None and self.continuity_teams < 2:
            raise ValueError("continuity_teams must be at least 2 (the demo personas need two)")

    @property
    def teams(self) -> int:
        """Continuity teams: ~4 for 3,000 births; each of 6–8 midwives at ~36 births a WTE."""
        if self.continuity_teams is not None:
            return self.continuity_teams
        per_team = 7 * 0.86 * BIRTHS_PER_WTE_YEAR
        return max(2, round(self.births_per_year * CONTINUITY_SHARE / per_team))


@dataclass(frozen=True, slots=True)
class DemoSite:
    ods_code: str
    name: str
    kind: str  # obstetric_unit | alongside_mlu | freestanding_mlu
    has_midwife_led_unit: bool
    lat: float
    lon: float
    triage_phone: str


@dataclass(frozen=True, slots=True)
class DemoTeam:
    local_id: str
    name: str
    care_model: str  # continuity | traditional
    base_name: str
    base_lat: float
    base_lon: float
    area: str
    home_site: str  # ODS code
    managers: tuple[str, ...]  # usernames


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    role: str  # continuity.accounts.models.Role values
    first_name: str
    last_name: str
    display_name: str
    email: str
    is_staff: bool = False
    is_superuser: bool = False
    is_active: bool = True


@dataclass(frozen=True, slots=True)
class DemoMidwife:
    professional_id: str
    username: str
    team: str  # local id
    wte: Decimal
    base_lat: float
    base_lon: float
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    buddy: str | None  # professional id
    phone: str
    start_date: date
    end_date: date | None

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


@dataclass(frozen=True, slots=True)
class DemoLsoa:
    code: str
    name: str
    imd_decile: int
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class DemoPostcode:
    postcode: str
    lsoa: str
    lat: float
    lon: float


@dataclass(frozen=True, slots=True)
class DemoCity:
    name: str
    lat: float
    lon: float
    radius_km: float
    lsoas: tuple[DemoLsoa, ...]
    postcodes: tuple[DemoPostcode, ...]


@dataclass(frozen=True, slots=True)
class DemoWoman:
    key: int
    ref: uuid.UUID
    nhs_number: str
    given_name: str
    family_name: str
    date_of_birth: date
    address_line_1: str
    town: str
    postcode: str
    lsoa: str
    imd_decile: int
    lat: float
    lon: float
    ethnic_category: str
    preferred_language: str
    interpreter_needed: bool
    phone: str
    email: str
    preferred_channel: str
    plus_groups: tuple[str, ...]
    user: str | None  # username of her portal account


@dataclass(frozen=True, slots=True)
class DemoTransition:
    from_status: str
    to_status: str
    at: datetime
    reason: str


@dataclass(frozen=True, slots=True)
class DemoAssignment:
    team: str
    named_midwife: str | None
    buddy: str | None
    starts_at: datetime
    ends_at: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class DemoCarePlan:
    plan_date: date
    plan_type: str  # 05 antenatal, 06 birth, 07 postpartum
    coc_pathway: str  # "Y", "N" or "" (not recorded)
    personalised_plan: str  # "Y" or "N"
    professional: str | None
    team: str | None
    planned_site: str | None
    planned_setting: str


@dataclass(frozen=True, slots=True)
class DemoPlanSection:
    """A section of her personalised plan, agreed with the care plan record `record` (an index
    into the pregnancy's care_plans), or a draft (record None)."""

    key: str  # antenatal, birth, postnatal
    record: int | None
    entries: tuple[tuple[str, str, str], ...]  # (heading, text, writer: "woman" or "midwife")
    written_on: date
    discussion: str


@dataclass(frozen=True, slots=True)
class DemoContact:
    kind: str  # booking | antenatal | postnatal | extra
    scheduled_start: datetime
    actual_start: datetime | None
    duration_minutes: int
    location: str  # home | clinic | hospital
    medium: str  # face_to_face | telephone | video
    attendance: str  # 5, 6, 7, 2, 3, 4, or 0 (future)
    cancelled_at: datetime | None
    cancellation_reason: str
    rebooked_from: int | None  # index into the pregnancy's contacts
    team: str | None
    professionals: tuple[str, ...]  # professional ids; the first is the lead


@dataclass(frozen=True, slots=True)
class DemoLabourProfessional:
    midwife: str
    team: str
    at_delivery: bool


@dataclass(frozen=True, slots=True)
class DemoLabour:
    onset_at: datetime
    birth_at: datetime
    setting: str
    site: str | None
    professionals: tuple[DemoLabourProfessional, ...]


@dataclass(frozen=True, slots=True)
class DemoAvailability:
    kind: str  # preferred | unavailable
    weekday: int  # 0 Monday … 6 Sunday
    start_time: time
    end_time: time


@dataclass(frozen=True, slots=True)
class DemoPregnancy:
    key: int
    ref: uuid.UUID
    woman: int
    booking_date: date
    ga_at_booking_days: int
    edd: date
    previous_live_births: int
    risk: str  # low | high
    booking_site: str
    hospital_of_choice: str
    planned_place_of_birth: str
    status: str
    discharge_date: date | None
    discharge_reason: str
    care_model: str  # the team's model: continuity | traditional
    transitions: tuple[DemoTransition, ...]
    assignments: tuple[DemoAssignment, ...]
    care_plans: tuple[DemoCarePlan, ...]
    contacts: tuple[DemoContact, ...]
    labour: DemoLabour | None
    availability: tuple[DemoAvailability, ...]

    @property
    def current_assignment(self) -> DemoAssignment:
        return self.assignments[-1]

    # Offered continuity of carer and declined it: (team offered, date), else None.
    declined: tuple[str, date] | None = None
    plan_sections: tuple[DemoPlanSection, ...] = ()


@dataclass(frozen=True, slots=True)
class DemoRotaEntry:
    midwife: str
    kind: str  # work | on_call_own | on_call_team | leave | sickness | study
    starts_at: datetime
    ends_at: datetime
    status: str  # approved | requested
    note: str


@dataclass(frozen=True, slots=True)
class DemoPersona:
    username: str
    role: str
    description: str


@dataclass(frozen=True)
class DemoTrust:
    params: DemoParams
    name: str
    ods_code: str
    sites: tuple[DemoSite, ...]
    teams: tuple[DemoTeam, ...]
    users: tuple[DemoUser, ...]
    midwives: tuple[DemoMidwife, ...]
    city: DemoCity
    women: tuple[DemoWoman, ...]
    pregnancies: tuple[DemoPregnancy, ...]
    rota: tuple[DemoRotaEntry, ...]
    personas: tuple[DemoPersona, ...]

    def counts(self) -> dict[str, int]:
        """Rows per model, keyed by Django model label, as `load` will write them."""
        p = self.pregnancies
        return {
            "organisations.Trust": 1,
            "organisations.Site": len(self.sites),
            "organisations.Team": len(self.teams),
            "accounts.User": len(self.users),
            "workforce.Midwife": len(self.midwives),
            "workforce.RotaEntry": len(self.rota),
            "geography.Postcode": len(self.city.postcodes),
            "geography.LsoaDeprivation": len(self.city.lsoas),
            "pregnancies.Woman": len(self.women),
            "pregnancies.Pregnancy": len(p),
            "pregnancies.PregnancyTransition": sum(len(x.transitions) for x in p),
            "pregnancies.Assignment": sum(len(x.assignments) for x in p),
            "pregnancies.CarePlanRecord": sum(len(x.care_plans) for x in p),
            "pregnancies.Contact": sum(len(x.contacts) for x in p),
            "pregnancies.ContactProfessional": sum(
                len(c.professionals) for x in p for c in x.contacts
            ),
            "pregnancies.LabourRecord": sum(1 for x in p if x.labour is not None),
            "pregnancies.LabourProfessional": sum(
                len(x.labour.professionals) for x in p if x.labour is not None
            ),
            "pregnancies.AvailabilityWindow": sum(len(x.availability) for x in p),
            "allocation.AllocationDecision": sum(1 for x in p if x.declined is not None),
            "plans.PlanSection": sum(len(x.plan_sections) for x in p),
            "plans.PlanEntry": sum(len(s.entries) for x in p for s in x.plan_sections),
            "plans.PlanDiscussion": sum(1 for x in p for s in x.plan_sections if s.discussion),
        }

    def persona_midwife(self, username: str) -> DemoMidwife:
        return next(m for m in self.midwives if m.username == username)

    def persona_woman(self) -> DemoWoman:
        return next(w for w in self.women if w.user == "woman")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _stream(params: DemoParams, name: str) -> random.Random:
    """An independent, reproducible random stream per part of the trust."""
    return random.Random(
        f"continuity-demo/{params.seed}/{params.births_per_year}/{params.today}/{name}"
    )


@functools.lru_cache(maxsize=65536)
def at_local(day: date, clock: time) -> datetime:
    """Europe/London wall-clock time on a day, as an aware UTC datetime."""
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(UTC)


def add_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: plenty for a city."""
    dy = (lat2 - lat1) * KM_PER_DEG_LAT
    dx = (lon2 - lon1) * KM_PER_DEG_LON
    return math.hypot(dx, dy)


def _offset(lat: float, lon: float, east_km: float, north_km: float) -> tuple[float, float]:
    return (
        round(lat + north_km / KM_PER_DEG_LAT, 6),
        round(lon + east_km / KM_PER_DEG_LON, 6),
    )


def _weighted(rng: random.Random, items: Sequence[tuple[T, float]]) -> T:
    total = sum(w for _, w in items)
    x = rng.random() * total
    for item, w in items:
        x -= w
        if x < 0:
            return item
    return items[-1][0]


class _Chooser:
    """Fast repeated weighted choice from a fixed table."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.values = [v for v, _ in items]
        self.cum: list[float] = []
        total = 0.0
        for _, w in items:
            total += w
            self.cum.append(total)

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


def _ri(rng: random.Random, low: int, high: int) -> int:
    """randint, inclusive, faster (one float per draw)."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[int(rng.random() * len(seq))]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


# --------------------------------------------------------------------------------------------
# The city: LSOAs with deciles (inner areas more deprived) and postcodes NB1–NB9
# --------------------------------------------------------------------------------------------

# Share of the city's LSOAs in each national decile: a northern city, skewed towards deprived.
DECILE_SHARES: Final = (0.17, 0.13, 0.11, 0.10, 0.09, 0.09, 0.08, 0.08, 0.08, 0.07)
_INWARD_LETTERS: Final = "ABDEFGHJLNPQRSTUWXYZ"


def _make_city(rng: random.Random, births: int) -> DemoCity:
    n_lsoa = max(30, min(9999, round(births / 20)))
    radius = max(4.0, 6.0 * math.sqrt(n_lsoa / 150))
    spots = []
    for _ in range(n_lsoa):
        r = radius * rng.random() ** 0.6
        theta = rng.random() * 2 * math.pi
        spots.append((r, theta, r / radius + rng.gauss(0, 0.15)))
    # Rank by "distance from the centre plus noise": the inner city is the most deprived.
    order = sorted(range(n_lsoa), key=lambda i: spots[i][2])
    deciles = [0] * n_lsoa
    cum, start = 0.0, 0
    for d, share in enumerate(DECILE_SHARES, start=1):
        cum += share
        end = n_lsoa if d == 10 else max(start + 1, round(cum * n_lsoa))
        for i in order[start:end]:
            deciles[i] = d
        start = end
    lsoas: list[DemoLsoa] = []
    postcodes: list[DemoPostcode] = []
    used: set[str] = set()
    for i, (r, theta, _) in enumerate(spots):
        code = f"E0199{i + 1:04d}"
        lat, lon = _offset(CITY_LAT, CITY_LON, r * math.cos(theta), r * math.sin(theta))
        lsoas.append(
            DemoLsoa(code, f"{CITY_NAME} {i // 4 + 1:03d}{'ABCD'[i % 4]}", deciles[i], lat, lon)
        )
        sector = 2 + int(theta / (2 * math.pi) * 8) % 8
        outward = "NB1" if r < 0.25 * radius else f"NB{sector}"
        for _ in range(_ri(rng, 6, 14)):
            while True:
                inward = (
                    f"{rng.randrange(10)}{_pick(rng, _INWARD_LETTERS)}{_pick(rng, _INWARD_LETTERS)}"
                )
                pc = f"{outward} {inward}"
                if pc not in used:
                    used.add(pc)
                    break
            plat, plon = _offset(lat, lon, rng.gauss(0, 0.25), rng.gauss(0, 0.25))
            postcodes.append(DemoPostcode(pc, code, plat, plon))
    return DemoCity(CITY_NAME, CITY_LAT, CITY_LON, round(radius, 2), tuple(lsoas), tuple(postcodes))


# --------------------------------------------------------------------------------------------
# Organisation and workforce
# --------------------------------------------------------------------------------------------

WTE_MIX: Final = (
    (Decimal("1.00"), 45),
    (Decimal("0.90"), 5),
    (Decimal("0.80"), 30),
    (Decimal("0.70"), 5),
    (Decimal("0.60"), 15),
)
EXTRA_LANGUAGES: Final = (("ur", 3), ("pa", 2), ("bn", 2), ("pl", 2), ("so", 1), ("ar", 2))
SKILLS: Final = (
    "perinatal_mental_health",
    "infant_feeding",
    "safeguarding",
    "diabetes",
    "newborn_examination",
    "water_birth",
    "bereavement",
    "interpreting_support",
)
_WORK_DAYS: Final = {
    Decimal("1.00"): 5,
    Decimal("0.90"): 5,
    Decimal("0.80"): 4,
    Decimal("0.70"): 4,
    Decimal("0.60"): 3,
}


@dataclass
class _Mw:
    pid: str
    username: str
    given: str
    family: str
    team: str
    wte: Decimal
    lat: float
    lon: float
    languages: tuple[str, ...]
    skills: tuple[str, ...]
    start: date
    end: date | None = None
    buddy: str | None = None
    role: str = "midwife"

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def _sites() -> tuple[DemoSite, ...]:
    lat1, lon1 = _offset(CITY_LAT, CITY_LON, -0.5, 0.8)
    lat2, lon2 = _offset(CITY_LAT, CITY_LON, 4.5, -3.0)
    return (
        DemoSite(
            "RXX01",
            "Northbrook General Hospital",
            "obstetric_unit",
            True,  # alongside midwife-led unit: the Aire Suite
            lat1,
            lon1,
            "0113 496 0100",
        ),
        DemoSite(
            "RXX02",
            "St Hilda's Hospital Birth Centre",
            "freestanding_mlu",
            True,
            lat2,
            lon2,
            "0113 496 0200",
        ),
    )


def _nearest_site(sites: Sequence[DemoSite], lat: float, lon: float) -> DemoSite:
    return min(sites, key=lambda s: _km(s.lat, s.lon, lat, lon))


def _outward_centres(city: DemoCity) -> dict[str, tuple[float, float]]:
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for pc in city.postcodes:
        a = acc[pc.postcode.split()[0]]
        a[0] += pc.lat
        a[1] += pc.lon
        a[2] += 1
    return {k: (v[0] / v[2], v[1] / v[2]) for k, v in sorted(acc.items())}


def _name(rng: random.Random, pools: Sequence[str]) -> tuple[str, str]:
    given_pool, _ = names.POOLS[_pick(rng, pools)]
    _, family_pool = names.POOLS[_pick(rng, pools)]
    return _pick(rng, given_pool), _pick(rng, family_pool)


_MW_POOL: Final = _Chooser(names.MIDWIFE_POOLS)


def _workforce(
    rng: random.Random,
    params: DemoParams,
    city: DemoCity,
    sites: Sequence[DemoSite],
) -> tuple[list[DemoTeam], list[_Mw]]:
    today = params.today
    n_cont = params.teams
    radius = city.radius_km
    team_rows: list[tuple[str, str, str, float, float, str]] = []
    for k in range(n_cont):
        # Continuity teams are based towards the inner, more deprived city (equity priority).
        theta = 2 * math.pi * k / n_cont + rng.uniform(-0.2, 0.2)
        r = radius * (0.18 + 0.42 * ((k * 7) % n_cont) / max(1, n_cont - 1))
        lat, lon = _offset(CITY_LAT, CITY_LON, r * math.cos(theta), r * math.sin(theta))
        place = names.TEAM_PLACES[k % len(names.TEAM_PLACES)]
        if k >= len(names.TEAM_PLACES):
            place = f"{place} {k // len(names.TEAM_PLACES) + 1}"
        team_rows.append((f"T{k + 1:02d}", f"{place} Continuity Team", place, lat, lon, "c"))
    hosp = sites[0]
    trad_id = f"T{n_cont + 1:02d}"
    team_rows.append(
        (trad_id, "Northbrook Community Midwives", "Community office", hosp.lat, hosp.lon, "t")
    )

    # Areas: each outward district goes to its nearest continuity team.
    areas: dict[str, list[str]] = defaultdict(list)
    for outward, (lat, lon) in _outward_centres(city).items():
        best = min(team_rows[:-1], key=lambda t: _km(t[3], t[4], lat, lon))
        areas[best[0]].append(outward)

    teams: list[DemoTeam] = []
    for local_id, name, place, lat, lon, model in team_rows:
        if model == "c":
            covered = ", ".join(areas.get(local_id, [])) or "around the team base"
            area = f"Women living nearest the {place} base ({covered})"
            base_name = f"{place} Children's Centre"
            home = _nearest_site(sites, lat, lon).ods_code
        else:
            area = f"All of {CITY_NAME} for women not on a continuity pathway"
            base_name = f"{hosp.name} community office"
            home = hosp.ods_code
        teams.append(
            DemoTeam(
                local_id=local_id,
                name=name,
                care_model="continuity" if model == "c" else "traditional",
                base_name=base_name,
                base_lat=lat,
                base_lon=lon,
                area=area,
                home_site=home,
                managers=("manager",),
            )
        )

    wte_choice = _Chooser(WTE_MIX)
    extra_lang = _Chooser(EXTRA_LANGUAGES)
    midwives: list[_Mw] = []

    def add(team: DemoTeam, *, continuity: bool) -> _Mw:
        n = len(midwives) + 1
        pid = f"P{n:04d}"
        given, family = _name(rng, (_MW_POOL(rng),))
        langs = ["en"]
        if rng.random() < 0.2:
            langs.append(extra_lang(rng))
        skills = set(rng.sample(SKILLS, _ri(rng, 0, 2)))
        if continuity and rng.random() < 0.7:
            skills.add("home_birth")
        if rng.random() < 1 / 12:
            start = today - timedelta(days=_ri(rng, 30, 150))  # a recent starter
        else:
            start = today - timedelta(days=_ri(rng, 400, 15 * 365))
        lat, lon = _offset(team.base_lat, team.base_lon, rng.gauss(0, 2.0), rng.gauss(0, 2.0))
        mw = _Mw(
            pid=pid,
            username=pid.lower(),
            given=given,
            family=family,
            team=team.local_id,
            wte=wte_choice(rng),
            lat=lat,
            lon=lon,
            languages=tuple(dict.fromkeys(langs)),
            skills=tuple(sorted(skills)),
            start=start,
        )
        midwives.append(mw)
        return mw

    for team in teams[:-1]:
        for _ in range(_pick(rng, (6, 7, 7, 8))):
            add(team, continuity=True)
    # Personas: fixed names so the demo script can say who is who.
    t01 = [m for m in midwives if m.team == "T01"]
    t02 = [m for m in midwives if m.team == "T02"]
    first, leader, second = t01[0], t01[1], t02[0]
    first.username, first.given, first.family = "midwife", "Amira", "Khan"
    first.wte, first.languages = Decimal("1.00"), ("en", "ur")
    first.start = today - timedelta(days=6 * 365)
    first.skills = tuple(sorted({*first.skills, "home_birth"}))
    leader.username, leader.given, leader.family, leader.role = (
        "leader",
        "Grace",
        "Okafor",
        "team_leader",
    )
    leader.wte, leader.start = Decimal("0.80"), today - timedelta(days=11 * 365)
    second.username, second.given, second.family = "midwife2", "Sophie", "Walsh"
    second.start = today - timedelta(days=4 * 365)
    cont_wte = sum((m.wte for m in midwives), Decimal(0))

    births = params.births_per_year
    continuity_births = min(float(cont_wte) * BIRTHS_PER_WTE_YEAR, CONTINUITY_SHARE_CAP * births)
    trad_births = max(0.15 * births, births - continuity_births)
    trad_count = max(4, round(trad_births / (TRADITIONAL_BIRTHS_PER_WTE_YEAR * 0.83)))
    for _ in range(trad_count):
        add(teams[-1], continuity=False)

    # A couple of continuity midwives who have left (not in T01, the persona team, if possible).
    leaver_teams = [t for t in teams[:-1] if t.local_id not in ("T01", "T02")] or teams[1:2]
    for i in range(2):
        team = leaver_teams[(len(leaver_teams) - 1 - i) % len(leaver_teams)]
        mw = add(team, continuity=True)
        mw.start = today - timedelta(days=_ri(rng, 3 * 365, 9 * 365))
        mw.end = today - timedelta(days=_ri(rng, 30, 120))

    # Buddy pairs within each team, among midwives still in post; a trio when the team is odd.
    for team in teams:
        current = [m for m in midwives if m.team == team.local_id and m.end is None]
        current.sort(key=lambda m: m.pid)
        rest = current[2:]
        rng.shuffle(rest)
        current = current[:2] + rest  # the "midwife" and "leader" personas buddy each other
        for i in range(0, len(current) - 1, 2):
            a, b = current[i], current[i + 1]
            a.buddy, b.buddy = b.pid, a.pid
        if len(current) % 2 == 1 and len(current) >= 3:
            current[-1].buddy = current[0].pid
        leavers = [m for m in midwives if m.team == team.local_id and m.end is not None]
        for m in leavers:
            m.buddy = _pick(rng, current).pid if current else None
    return teams, midwives


# --------------------------------------------------------------------------------------------
# Women and pregnancies
# --------------------------------------------------------------------------------------------

ETHNICITY: Final = (
    ("A", 60.0),
    ("B", 1.0),
    ("C", 5.0),
    ("D", 1.2),
    ("E", 0.8),
    ("F", 1.0),
    ("G", 1.0),
    ("H", 3.0),
    ("J", 8.0),
    ("K", 2.0),
    ("L", 2.0),
    ("M", 1.5),
    ("N", 4.5),
    ("P", 1.0),
    ("R", 1.0),
    ("S", 2.0),
    ("Z", 3.0),
    ("99", 2.0),
)

# Preferred language by ethnic category: (language, weight); English otherwise.
LANGUAGES: Final[dict[str, tuple[tuple[str, float], ...]]] = {
    "C": (("en", 50), ("pl", 35), ("ro", 15)),
    "H": (("en", 80), ("pa", 12), ("gu", 8)),
    "J": (("en", 68), ("ur", 22), ("pa", 10)),
    "K": (("en", 60), ("bn", 40)),
    "L": (("en", 75), ("ta", 10), ("vi", 10), ("fa", 5)),
    "N": (("en", 55), ("so", 30), ("ti", 8), ("ar", 7)),
    "P": (("en", 85), ("so", 15)),
    "R": (("en", 60), ("zh", 40)),
    "S": (("en", 45), ("ar", 40), ("ku", 15)),
    "Z": (("en", 90), ("ur", 5), ("pl", 5)),
    "99": (("en", 90), ("ar", 5), ("pl", 5)),
}

PARITY: Final = ((0, 40), (1, 34), (2, 15), (3, 7), (4, 4))
CHANNELS: Final = (("sms", 70), ("email", 15), ("letter", 8), ("phone", 7))

ANTENATAL_WEEKS_ALL: Final = (16, 28, 34, 36, 38, 41)
ANTENATAL_WEEKS_NULLIPAROUS: Final = (25, 31, 40)
POSTNATAL_DAYS_CONTINUITY: Final = (1, 3, 5, 10, 14, 21, 28, 35)
POSTNATAL_DAYS_TRADITIONAL: Final = (1, 5)

ATTENDANCE_PAST: Final = (("5", 84), ("6", 5), ("3", 4), ("2", 4), ("4", 3))
CANCEL_REASONS: Final = {
    "2": ("She asked to rearrange", "Childcare problem", "Unwell"),
    "4": ("Midwife called to a birth", "Midwife off sick", "Clinic room unavailable"),
}

PLUS_GROUPS: Final = ("safeguarding", "learning_disability", "inclusion_health")


@dataclass
class _Preg:
    """A pregnancy while it is being built."""

    key: int
    woman: DemoWoman
    booking: date
    ga_book: int
    edd: date
    parity: int
    risk: str
    hoc: str
    outcome: str  # birth | ended | transferred
    event: date  # date of birth, loss or transfer
    alloc: date  # date the named midwife is (or will be) allocated
    priority: bool
    team: str = ""
    care_model: str = "traditional"
    named: str | None = None
    handover: tuple[date, str] | None = None  # (date, new named midwife)
    place: str = "undecided"
    discharge: date | None = None  # date care ends (discharge, loss or transfer)
    pinned: bool = False
    declined: str | None = None  # the continuity team she was offered and declined


def _ga_at_booking(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.90:
        return _ri(rng, 56, 90)  # 8+0 to 12+6
    if r < 0.97:
        return _ri(rng, 91, 140)
    return _ri(rng, 141, 196)


def _woman(
    rng: random.Random,
    key: int,
    nhs: str,
    booking: date,
    city: DemoCity,
    lsoa_choice: _Chooser,
    postcodes_by_lsoa: dict[str, list[DemoPostcode]],
    eth_by_decile: dict[int, _Chooser],
) -> DemoWoman:
    lsoa: DemoLsoa = lsoa_choice(rng)
    pc = _pick(rng, postcodes_by_lsoa[lsoa.code])
    eth = eth_by_decile[lsoa.imd_decile](rng)
    given, family = _name(rng, names.POOLS_BY_ETHNICITY[eth])
    lang = _weighted(rng, LANGUAGES[eth]) if eth in LANGUAGES else "en"
    interpreter = lang != "en" and rng.random() < 0.65
    age = min(46, max(16, round(rng.gauss(30.5, 5.5))))
    dob = booking - timedelta(days=age * 365 + age // 4 + _ri(rng, 0, 364))
    plus: list[str] = []
    if age < 20:
        plus.append("age_under_20")
    for group, p in zip(
        PLUS_GROUPS, (0.04, 0.01, 0.01 + 0.02 * (lsoa.imd_decile <= 2)), strict=True
    ):
        if rng.random() < p:
            plus.append(group)
    channel = _weighted(rng, CHANNELS)
    if interpreter and channel in ("sms", "email"):
        channel = "phone"
    email = ""
    if rng.random() < 0.6 or channel == "email":
        local = "".join(ch for ch in f"{given}.{family}".lower() if ch.isalnum() or ch == ".")
        email = f"{local}{rng.randrange(100)}@example.com"
    return DemoWoman(
        key=key,
        ref=_uuid(rng),
        nhs_number=nhs,
        given_name=given,
        family_name=family,
        date_of_birth=dob,
        address_line_1=f"{_ri(rng, 1, 180)} {_pick(rng, names.STREETS)}",
        town=CITY_NAME,
        postcode=pc.postcode,
        lsoa=lsoa.code,
        imd_decile=lsoa.imd_decile,
        lat=pc.lat,
        lon=pc.lon,
        ethnic_category=eth,
        preferred_language=lang,
        interpreter_needed=interpreter,
        phone=f"07700 900{rng.randrange(1000):03d}",
        email=email,
        preferred_channel=channel,
        plus_groups=tuple(plus),
        user=None,
    )


def _skeletons(
    rng: random.Random, params: DemoParams, city: DemoCity, sites: Sequence[DemoSite]
) -> list[_Preg]:
    today = params.today
    window_start = add_months(today, -14)
    edd_first = window_start - timedelta(days=70)
    edd_last = today + timedelta(days=gestation.TERM_DAYS - 56)
    span = (edd_last - edd_first).days + 1
    # A few pregnancies end or move away, so book a little more than the births wanted.
    n = round(params.births_per_year * span / 365 * 1.035)

    lsoa_choice = _Chooser([(ls, 1.3 if ls.imd_decile <= 3 else 1.0) for ls in city.lsoas])
    postcodes_by_lsoa: dict[str, list[DemoPostcode]] = defaultdict(list)
    for pc in city.postcodes:
        postcodes_by_lsoa[pc.lsoa].append(pc)
    eth_by_decile = {}
    for d in range(1, 11):
        factor = 0.55 + 0.09 * d  # the inner, more deprived city is more diverse
        eth_by_decile[d] = _Chooser([(c, w * factor if c == "A" else w) for c, w in ETHNICITY])
    parity_choice = _Chooser(PARITY)
    used_nhs: set[str] = set()

    out: list[_Preg] = []
    edds = sorted(edd_first + timedelta(days=rng.randrange(span)) for _ in range(n))
    for edd in edds:
        ga_book = _ga_at_booking(rng)
        booking = edd - timedelta(days=gestation.TERM_DAYS - ga_book)
        # Dating, outcome and allocation are drawn for everyone so streams stay aligned.
        r_out = rng.random()
        if rng.random() < 0.06:
            offset = -_ri(rng, 22, 77)  # preterm
        else:
            offset = max(-21, min(13, round(rng.gauss(0, 7))))
        birth = edd + timedelta(days=offset)
        if birth <= booking:
            birth = booking + timedelta(days=3)
        outcome, event = "birth", birth
        if r_out < 0.015 and ga_book < 150:
            outcome = "ended"
            event = booking + timedelta(days=_ri(rng, 3, max(4, 160 - ga_book)))
        elif r_out < 0.035:
            ga_move = _ri(rng, ga_book + 7, max(ga_book + 8, 250))
            moved = booking + timedelta(days=ga_move - ga_book)
            if moved < birth:
                outcome, event = "transferred", moved
        lag = _ri(rng, *ALLOCATION_LAG_DAYS)
        alloc = min(booking + timedelta(days=lag), birth - timedelta(days=1))
        if booking > today:
            continue
        if event + timedelta(days=45) < window_start:
            continue
        while True:
            nhs = synthetic_nhs_number(rng)
            if nhs not in used_nhs:
                used_nhs.add(nhs)
                break
        key = len(out) + 1
        woman = _woman(rng, key, nhs, booking, city, lsoa_choice, postcodes_by_lsoa, eth_by_decile)
        parity = parity_choice(rng)
        age = (booking - woman.date_of_birth).days // 365
        p_high = 0.30 + 0.15 * (age >= 40) + 0.10 * (parity >= 3) + 0.05 * (age < 20)
        risk = "high" if rng.random() < p_high else "low"
        nearest = _nearest_site(sites, woman.lat, woman.lon)
        obstetric = risk == "high" or rng.random() < 0.25
        hoc = sites[0].ods_code if obstetric else nearest.ods_code
        priority = (
            equity.is_core20(woman.imd_decile) or equity.coc_group(woman.ethnic_category) == "BAME"
        )
        out.append(
            _Preg(
                key=key,
                woman=woman,
                booking=booking,
                ga_book=ga_book,
                edd=edd,
                parity=parity,
                risk=risk,
                hoc=hoc,
                outcome=outcome,
                event=event,
                alloc=alloc,
                priority=priority,
            )
        )
    return out


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _pin_persona_woman(pregs: list[_Preg], today: date) -> _Preg | None:
    """The 'woman' persona: antenatal, about 30 weeks today, allocated, birth still ahead."""

    def ga_today(p: _Preg) -> int:
        return p.ga_book + (today - p.booking).days

    for lo, hi in ((200, 220), (182, 238), (120, 260)):
        candidates = [
            p
            for p in pregs
            if p.outcome == "birth"
            and p.event > today + timedelta(days=14)
            and p.alloc <= today
            and lo <= ga_today(p) <= hi
        ]
        if candidates:
            candidates.sort(
                key=lambda p: (
                    p.woman.preferred_language != "en",
                    p.woman.interpreter_needed,
                    abs(ga_today(p) - 210),
                    p.key,
                )
            )
            chosen = candidates[0]
            chosen.pinned = True
            return chosen
    return None


def _allocate(
    rng: random.Random,
    params: DemoParams,
    pregs: list[_Preg],
    teams: Sequence[DemoTeam],
    midwives: Sequence[_Mw],
) -> None:
    """Teams, named midwives and buddies: continuity capacity is ~36 births a WTE a year,
    filled month by month (by EDD) with priority for Core20 and BAME women."""
    cont = [t for t in teams if t.care_model == "continuity"]
    trad = next(t for t in teams if t.care_model == "traditional")
    by_team: dict[str, list[_Mw]] = defaultdict(list)
    for m in midwives:
        by_team[m.team].append(m)
    load: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    used: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    persona = next(m for m in midwives if m.username == "midwife")

    @functools.cache
    def capacity(team: DemoTeam, month: tuple[int, int]) -> int:
        mid = date(month[0], month[1], 15)
        wte = sum(float(m.wte) for m in by_team[team.local_id] if m.active_on(mid))
        return math.floor(wte * BIRTHS_PER_WTE_YEAR / 12 + 0.5)

    def pick_named(p: _Preg, team: str, day: date, exclude: str | None = None) -> _Mw:
        month = _month(p.edd)
        eligible = [
            m
            for m in by_team[team]
            if m.active_on(day) and m.pid != exclude and (m.end is None or m.end > day)
        ]
        best = min(
            eligible,
            key=lambda m: ((load[(m.pid, month)] + 1) / float(m.wte), rng.random()),
        )
        load[(best.pid, month)] += 1
        return best

    pools: dict[tuple[int, int], list[_Preg]] = defaultdict(list)
    for p in pregs:
        pools[_month(p.edd)].append(p)
    team_pos = [(t, t.base_lat, t.base_lon) for t in cont]
    declines = _stream(params, "declines")

    for month in sorted(pools):
        pool = pools[month]
        cap_total = math.ceil(CONTINUITY_SHARE_CAP * len(pool))
        taken = 0
        scored = []
        for p in pool:
            dists = sorted(
                (_km(lat, lon, p.woman.lat, p.woman.lon), t.local_id) for t, lat, lon in team_pos
            )
            score = rng.random() + 0.4 * p.priority - 0.04 * dists[0][0]
            if p.pinned:
                score = 99.0
            scored.append((-score, p.key, p, [tid for _, tid in dists[:2]]))
        scored.sort(key=lambda s: (s[0], s[1]))
        for _, _, p, nearest in scored:
            p.team, p.care_model = trad.local_id, "traditional"
            if p.outcome != "birth" and p.event <= p.alloc:
                continue  # lost or moved before allocation: stays with the booking team
            if p.pinned:
                nearest = ["T01"]
            if taken >= cap_total and not p.pinned:
                continue
            for tid in nearest:
                team = next(t for t in cont if t.local_id == tid)
                if used[(tid, month)] < capacity(team, month) or p.pinned:
                    offered = not p.pinned and p.alloc <= params.today
                    if offered and declines.random() < DECLINE_RATE:
                        p.declined = tid  # offered a place; she chose the community team
                        break
                    used[(tid, month)] += 1
                    taken += 1
                    p.team, p.care_model = tid, "continuity"
                    break
            if p.care_model != "continuity" or p.alloc > params.today:
                continue  # traditional, or booked but not yet allocated
            if p.pinned:
                p.named = persona.pid
                load[(persona.pid, month)] += 1
            else:
                p.named = pick_named(p, p.team, p.alloc).pid

    # Care ends: discharge after birth (continuity midwives may continue to 6 weeks).
    for p in pregs:
        if p.outcome == "birth":
            if p.care_model == "continuity":
                days = _ri(rng, 28, 42)
            else:
                days = _ri(rng, 10, 16) if rng.random() < 0.9 else _ri(rng, 17, 28)
            p.discharge = p.event + timedelta(days=days)
        else:
            p.discharge = p.event

    # A midwife who has left hands her women over to a colleague the next day.
    leavers = {m.pid: m for m in midwives if m.end is not None}
    for p in pregs:
        if p.named in leavers and p.discharge is not None:
            end = leavers[p.named].end
            assert end is not None
            if p.alloc <= end < p.discharge and end < params.today:
                day = end + timedelta(days=1)
                p.handover = (day, pick_named(p, p.team, day, exclude=p.named).pid)


def _place_of_birth(rng: random.Random, p: _Preg, today: date) -> str:
    ga_now = p.ga_book + (min(today, p.event) - p.booking).days
    if ga_now < 24 * 7 and rng.random() < 0.6:
        return "undecided"
    if p.risk == "high":
        return "obstetric_unit" if rng.random() < 0.95 else "alongside_mlu"
    if p.care_model == "continuity":
        options = (
            ("home", 14),
            ("freestanding_mlu", 12),
            ("alongside_mlu", 40),
            ("obstetric_unit", 28),
            ("undecided", 6),
        )
    else:
        options = (
            ("home", 2),
            ("freestanding_mlu", 8),
            ("alongside_mlu", 40),
            ("obstetric_unit", 45),
            ("undecided", 5),
        )
    return _weighted(rng, options)


# --------------------------------------------------------------------------------------------
# Care records for one pregnancy
# --------------------------------------------------------------------------------------------

_DAY_STARTS: Final = tuple(range(9 * 60, 16 * 60 + 1, 30))
_EVENING_STARTS: Final = (17 * 60 + 30, 18 * 60, 18 * 60 + 30, 19 * 60, 19 * 60 + 30)
_SATURDAY_STARTS: Final = (9 * 60, 9 * 60 + 30, 10 * 60, 10 * 60 + 30, 11 * 60, 11 * 60 + 30)
_TO_SATURDAY: Final = (-2, -3, 3, 2, 1, 0, -1)  # nearest Saturday, by weekday


PLAN_WORDS: Final[dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]]] = {
    # section: (heading, writer, phrasings)
    "antenatal": (
        (
            "what_matters",
            "woman",
            (
                "Knowing the midwife who looks after me, and having visits at home.",
                "Being listened to, and having time to ask questions.",
                "My partner being at the visits, so evenings suit us best.",
                "Understanding my choices and having things explained in plain words.",
            ),
        ),
        (
            "family_support",
            "woman",
            (
                "My partner and my mum, who lives nearby.",
                "My sister; my partner works away during the week.",
                "Friends from work; my family live abroad.",
            ),
        ),
        (
            "worries",
            "woman",
            (
                "Being sick at work in the first months.",
                "Whether my last birth will happen again.",
                "Money, and coping with a toddler as well.",
            ),
        ),
        (
            "health_wellbeing",
            "midwife",
            (
                "Healthy weight; taking folic acid; no medicines.",
                "Asthma, well controlled with an inhaler; stopped smoking at booking.",
                "Anaemia at booking: iron started, recheck at 28 weeks.",
            ),
        ),
        (
            "screening",
            "midwife",
            (
                "Combined screening accepted; low chance result. Anomaly scan booked.",
                "Declined combined screening after discussion; anomaly scan accepted.",
            ),
        ),
    ),
    "birth": (
        (
            "place_of_birth",
            "midwife",
            (
                "Midwife-led unit, discussed and agreed.",
                "Home birth, with the team on call; transfer plan discussed.",
                "Labour ward, as recommended after the growth scans.",
            ),
        ),
        (
            "birth_preferences",
            "woman",
            (
                "Dim lights, my own music, and moving around as long as I can.",
                "Water for labour if possible; skin to skin straight after.",
                "Delayed cord clamping; my partner to tell me the sex.",
            ),
        ),
        (
            "pain_relief",
            "woman",
            (
                "Gas and air and the pool; I would like to avoid an epidural if I can.",
                "Open to anything; I would like an epidural early.",
            ),
        ),
        ("birth_partners", "woman", ("My partner.", "My partner and my mum.", "My sister.")),
    ),
    "postnatal": (
        (
            "feeding",
            "woman",
            (
                "I would like to breastfeed, with help in the first days.",
                "Mixed feeding; I would like to talk about it again after the birth.",
                "Formula feeding; please show me how to make up feeds safely.",
            ),
        ),
        (
            "support_at_home",
            "woman",
            (
                "My partner has two weeks off; my mum after that.",
                "My sister will stay for the first week.",
            ),
        ),
        (
            "contraception",
            "midwife",
            (
                "Plans the implant at the six-week check.",
                "Discussed options; will decide after the birth.",
            ),
        ),
    ),
}
SECTION_OF_TYPE: Final[dict[str, str]] = {"05": "antenatal", "06": "birth", "07": "postnatal"}


def _plan_sections(
    p: _Preg, plans: tuple[DemoCarePlan, ...], today: date
) -> tuple[DemoPlanSection, ...]:
    """A plan section for each care plan record with a personalised plan (the latest of each
    type), written in her words and the midwife's and agreed on the record's date. The persona
    woman also has her birth section in draft, written by her on her own pages."""
    rng = random.Random(f"continuity-demo/plans/{p.key}")
    latest: dict[str, int] = {}
    for k, plan in enumerate(plans):
        if plan.personalised_plan == "Y" and plan.plan_type in SECTION_OF_TYPE:
            latest[plan.plan_type] = k
    out = []
    for plan_type, k in sorted(latest.items()):
        key = SECTION_OF_TYPE[plan_type]
        words = PLAN_WORDS[key]
        chosen = [w for w in words if rng.random() < 0.8] or [words[0]]
        entries = tuple((h, writer, rng.choice(texts)) for h, writer, texts in chosen)
        out.append(
            DemoPlanSection(
                key,
                k,
                tuple((h, text, writer) for h, writer, text in entries),
                plans[k].plan_date - timedelta(days=rng.randint(0, 7)),
                "Went through the plan together and agreed it.",
            )
        )
    if p.pinned and "06" not in latest:
        words = PLAN_WORDS["birth"]
        out.append(
            DemoPlanSection(
                "birth",
                None,
                ((words[1][0], words[1][2][0], "woman"), (words[3][0], words[3][2][1], "woman")),
                today - timedelta(days=3),
                "",
            )
        )
    return tuple(out)


class _CareBuilder:
    def __init__(
        self,
        rng: random.Random,
        today: date,
        teams: dict[str, DemoTeam],
        midwives: dict[str, _Mw],
        sites: dict[str, DemoSite],
    ) -> None:
        self.rng = rng
        self.today = today
        self.teams = teams
        self.midwives = midwives
        self.sites = sites
        self.team_members: dict[str, list[_Mw]] = defaultdict(list)
        for m in midwives.values():
            self.team_members[m.team].append(m)
        self.attendance = _Chooser(ATTENDANCE_PAST)
        # Hospital contacts (day unit, consultant clinic) are seen by the hospital's midwives.
        self.hospital_team = next(
            (t.local_id for t in teams.values() if t.care_model == "traditional"), None
        )

    # -- who is caring for her on a day --------------------------------------------------
    def named_on(self, p: _Preg, day: date) -> str | None:
        if p.named is None or day < p.alloc:
            return None
        if p.handover is not None and day >= p.handover[0]:
            return p.handover[1]
        return p.named

    def other_member(self, team: str, day: date, exclude: Sequence[str | None]) -> str:
        everyone = self.team_members[team]
        for _ in range(8):  # usually the first try; the big traditional team makes lists slow
            m = everyone[int(self.rng.random() * len(everyone))]
            if m.active_on(day) and m.pid not in exclude:
                return m.pid
        members = [
            m.pid for m in self.team_members[team] if m.active_on(day) and m.pid not in exclude
        ]
        if not members:
            members = [m.pid for m in self.team_members[team] if m.pid not in exclude]
        return _pick(self.rng, members)

    def who(self, p: _Preg, day: date) -> str:
        named = self.named_on(p, day)
        if named is None:
            return self.other_member(p.team, day, ())
        r = self.rng.random()
        if r < 0.80:
            return named
        buddy = self.midwives[named].buddy
        if r < 0.92 and buddy is not None and self.midwives[buddy].active_on(day):
            return buddy
        return self.other_member(p.team, day, (named, buddy))

    # -- the pregnancy --------------------------------------------------------------------
    def build(self, p: _Preg) -> DemoPregnancy:
        rng, today = self.rng, self.today
        p.place = _place_of_birth(rng, p, today)
        status, transitions, discharge_reason = self.transitions(p)
        contacts = self.contacts(p)
        labour = self.labour(p) if p.outcome == "birth" and p.event <= today else None
        discharge_date = (
            p.discharge if status in ("discharged", "transferred_out", "ended") else None
        )
        return DemoPregnancy(
            key=p.key,
            ref=_uuid(rng),
            woman=p.woman.key,
            booking_date=p.booking,
            ga_at_booking_days=p.ga_book,
            edd=p.edd,
            previous_live_births=p.parity,
            risk=p.risk,
            booking_site=p.hoc,
            hospital_of_choice=p.hoc,
            planned_place_of_birth=p.place,
            status=status,
            discharge_date=discharge_date,
            discharge_reason=discharge_reason if discharge_date else "",
            care_model=p.care_model,
            transitions=transitions,
            assignments=self.assignments(p),
            care_plans=(plans := self.care_plans(p)),
            plan_sections=_plan_sections(p, plans, today),
            contacts=contacts,
            labour=labour,
            availability=self.availability(p),
            declined=(p.declined, p.alloc) if p.declined else None,
        )

    def transitions(self, p: _Preg) -> tuple[str, tuple[DemoTransition, ...], str]:
        today = self.today
        out = [DemoTransition("", "booked", at_local(p.booking, time(10, 0)), "Booked")]
        status = "booked"
        reason = ""

        def move(to: str, at: datetime, why: str) -> None:
            nonlocal status
            out.append(DemoTransition(status, to, at, why))
            status = to

        if p.outcome != "birth" and p.event <= today and p.event <= p.alloc:
            pass  # ended or moved away before allocation: handled below
        elif p.alloc <= today:
            why = "Named midwife allocated" if p.named else "Allocated to the team"
            move("antenatal", at_local(p.alloc, time(14, 0)), why)
        if p.outcome == "birth":
            if p.event <= today:
                move("postnatal", self.birth_at(p), "Birth")
                assert p.discharge is not None
                if p.discharge <= today:
                    reason = "Discharged to the health visitor"
                    move("discharged", at_local(p.discharge, time(12, 0)), reason)
        elif p.event <= today:
            if p.outcome == "ended":
                reason = "Pregnancy loss; care completed by the early pregnancy unit"
                move("ended", at_local(p.event, time(12, 0)), reason)
            else:
                reason = "Moved out of area; care transferred to another trust"
                move("transferred_out", at_local(p.event, time(12, 0)), reason)
        return status, tuple(out), reason

    def birth_at(self, p: _Preg) -> datetime:
        # Deterministic per pregnancy so every caller agrees.
        minute = (p.key * 7919) % (24 * 60)
        return at_local(p.event, _clock(minute))

    def assignments(self, p: _Preg) -> tuple[DemoAssignment, ...]:
        booked_at = at_local(p.booking, time(10, 0))
        if p.named is None:
            reason = (
                "Booked; awaiting allocation"
                if p.care_model == "continuity"
                else "Declined continuity of carer; with the community team"
                if p.declined
                else "Booked with the community team"
            )
            return (DemoAssignment(p.team, None, None, booked_at, None, reason),)
        alloc_at = at_local(p.alloc, time(14, 0))
        named = self.midwives[p.named]
        out = [
            DemoAssignment(p.team, None, None, booked_at, alloc_at, "Booked; awaiting allocation")
        ]
        if p.handover is None:
            out.append(DemoAssignment(p.team, named.pid, named.buddy, alloc_at, None, "Allocated"))
        else:
            day, new = p.handover
            hand_at = at_local(day, time(8, 0))
            out.append(
                DemoAssignment(p.team, named.pid, named.buddy, alloc_at, hand_at, "Allocated")
            )
            new_mw = self.midwives[new]
            out.append(
                DemoAssignment(
                    p.team, new, new_mw.buddy, hand_at, None, "Handover: named midwife left"
                )
            )
        return tuple(out)

    def care_plans(self, p: _Preg) -> tuple[DemoCarePlan, ...]:
        rng, today = self.rng, self.today
        end = min(p.event, today) if p.outcome != "birth" else today
        setting = p.place
        out: list[DemoCarePlan] = []
        cont = p.care_model == "continuity" and p.named is not None

        def reach(days: int) -> date:
            return p.booking + timedelta(days=days - p.ga_book)

        if cont:
            plan_day = p.alloc
            if rng.random() < 0.03:
                late = reach(_ri(rng, 204, 230))  # recorded after 29+0 weeks
                if late <= today and late < p.event:
                    plan_day = late
            professional = self.named_on(p, plan_day)
            team: str | None = p.team
            r = rng.random()
            if r < 0.03:
                professional = None
            elif r < 0.05:
                team = None
            pers = "Y" if rng.random() < 0.85 or p.pinned else "N"  # the persona: agreed
            if plan_day <= end:
                out.append(
                    DemoCarePlan(plan_day, "05", "Y", pers, professional, team, p.hoc, setting)
                )
            if p.handover is not None and p.handover[0] <= end and p.handover[0] > plan_day:
                out.append(
                    DemoCarePlan(
                        p.handover[0], "05", "Y", pers, p.handover[1], p.team, p.hoc, setting
                    )
                )
        elif p.care_model == "traditional":
            indicator = "" if rng.random() < 0.02 else "N"
            pers = "Y" if rng.random() < 0.6 else "N"
            out.append(DemoCarePlan(p.booking, "05", indicator, pers, None, p.team, p.hoc, setting))
        indicator = "Y" if cont else "N"
        birth_plan = reach(_ri(rng, 238, 252))
        if birth_plan <= end and (p.outcome != "birth" or birth_plan <= p.event):
            pers = "Y" if rng.random() < (0.8 if cont else 0.55) else "N"
            prof = self.named_on(p, birth_plan) if cont else None
            out.append(
                DemoCarePlan(birth_plan, "06", indicator, pers, prof, p.team, p.hoc, setting)
            )
        if p.outcome == "birth":
            # The postnatal section is planned at the 36-week planning point where there is time
            # (continuity midwives usually do), otherwise agreed just after the birth.
            post_plan = p.event + timedelta(days=_ri(rng, 0, 2))
            if rng.random() < (0.8 if cont else 0.4):
                post_plan = min(post_plan, reach(_ri(rng, 248, 262)))
            if post_plan <= today:
                pers = "Y" if rng.random() < (0.75 if cont else 0.5) else "N"
                prof = self.named_on(p, post_plan) if cont else None
                out.append(
                    DemoCarePlan(post_plan, "07", indicator, pers, prof, p.team, p.hoc, setting)
                )
        return tuple(out)

    def _when(self, p: _Preg, day: date, *, flexible: bool) -> tuple[date, datetime]:
        """A visit time: continuity visits are often in the evening or at the weekend."""
        rng = self.rng
        cont = p.care_model == "continuity"
        r = rng.random()
        if cont and r < 0.28:
            minutes = _pick(rng, _EVENING_STARTS)
        elif cont and flexible and r < 0.45:
            day = day + timedelta(days=_TO_SATURDAY[day.weekday()])
            minutes = _pick(rng, _SATURDAY_STARTS)
        else:
            if flexible and day.weekday() >= 5:
                day = day + timedelta(days=7 - day.weekday())  # to Monday
            minutes = _pick(rng, _DAY_STARTS)
        return day, at_local(day, _clock(minutes))

    def contacts(self, p: _Preg) -> tuple[DemoContact, ...]:
        """Past contacts follow the schedule; future ones (code 0) are booked a few weeks ahead
        and, like a real diary, know nothing of births, losses or moves still to come."""
        rng, today = self.rng, self.today
        horizon = today + timedelta(days=FUTURE_CONTACT_DAYS)
        cont = p.care_model == "continuity"
        happened = p.event <= today
        plan: list[tuple[str, date, bool]] = [("booking", p.booking, False)]
        weeks = sorted(ANTENATAL_WEEKS_ALL + (ANTENATAL_WEEKS_NULLIPAROUS if p.parity == 0 else ()))
        for w in weeks:
            target = w * 7 + _ri(rng, -3, 3)
            if target <= p.ga_book + 7:
                continue
            plan.append(("antenatal", p.booking + timedelta(days=target - p.ga_book), True))
        if p.outcome == "birth" and happened:
            assert p.discharge is not None
            last = (p.discharge - p.event).days
            schedule = POSTNATAL_DAYS_CONTINUITY if cont else POSTNATAL_DAYS_TRADITIONAL
            for d in (*[d for d in schedule if d < last - 1], last):
                plan.append(("postnatal", p.event + timedelta(days=d), False))
        out: list[DemoContact] = []
        for kind, target_day, flexible in plan:
            day, when = self._when(p, target_day, flexible=flexible)
            if day > horizon:
                continue
            if happened and kind != "postnatal" and day >= p.event:
                continue
            if happened and p.outcome != "birth" and day > p.event:
                continue
            self._contact(p, out, kind, day, when)
        return tuple(out)

    def _contact(
        self, p: _Preg, out: list[DemoContact], kind: str, day: date, when: datetime
    ) -> None:
        rng, today = self.rng, self.today
        cont = p.care_model == "continuity"
        if kind == "booking":
            duration = 120 if cont else 90
            location = "home" if cont and rng.random() < 0.5 else "clinic"
        elif kind == "postnatal":
            duration = 60 if cont else 45
            location = "home" if rng.random() < 0.85 else "clinic"
        else:
            duration = 45 if cont else 30
            r = rng.random()
            if cont:
                # Women with complex needs spend more of their pregnancy at hospital clinics.
                hospital = 0.20 if p.risk == "high" else 0.05
                location = "home" if r < 0.6 else "clinic" if r < 1 - hospital else "hospital"
            else:
                location = "clinic" if r < 0.7 else "home" if r < 0.9 else "hospital"
        medium = "face_to_face"
        if kind in ("antenatal", "postnatal") and rng.random() < 0.05:
            medium = "telephone" if rng.random() < 0.8 else "video"
            location = "other"
        lead = self.who(p, day)
        if cont and location == "hospital" and self.hospital_team is not None:
            lead = self.other_member(self.hospital_team, day, ())
        pros = [lead]
        if rng.random() < 0.04:  # a colleague or student alongside
            pros.append(self.other_member(p.team, day, (lead,)))
        if day >= today:
            out.append(
                DemoContact(
                    kind,
                    when,
                    None,
                    duration,
                    location,
                    medium,
                    "0",
                    None,
                    "",
                    None,
                    p.team,
                    tuple(pros),
                )
            )
            return
        code = self.attendance(rng)
        actual: datetime | None = None
        cancelled_at: datetime | None = None
        reason = ""
        if code == "5":
            actual = when + timedelta(minutes=_ri(rng, 0, 10))
        elif code == "6":
            actual = when + timedelta(minutes=_ri(rng, 15, 30))
        elif code in ("2", "4"):
            cancelled_at = when - timedelta(hours=_ri(rng, 2, 48))
            reason = _pick(rng, CANCEL_REASONS[code])
        out.append(
            DemoContact(
                kind,
                when,
                actual,
                duration,
                location,
                medium,
                code,
                cancelled_at,
                reason,
                None,
                p.team,
                tuple(pros),
            )
        )
        if code in ("2", "4", "3") and kind != "booking":
            # Rebooked a few days later.
            index = len(out) - 1
            again = when + timedelta(days=_ri(rng, 1, 4))
            again_day = again.astimezone(LONDON).date()
            if p.event <= today and kind != "postnatal" and again_day >= p.event:
                return
            if kind == "postnatal" and p.discharge is not None and again_day > p.discharge:
                return
            lead = self.who(p, again_day)
            if again_day >= today:
                att, actual2 = "0", None
            else:
                att, actual2 = "5", again + timedelta(minutes=_ri(rng, 0, 10))
            out.append(
                DemoContact(
                    kind,
                    again,
                    actual2,
                    duration,
                    location,
                    medium,
                    att,
                    None,
                    "",
                    index,
                    p.team,
                    (lead,),
                )
            )

    def labour(self, p: _Preg) -> DemoLabour:
        rng = self.rng
        birth_at = self.birth_at(p)
        onset = birth_at - timedelta(minutes=_ri(rng, 90, 16 * 60))
        planned = p.place
        r = rng.random()
        if r < 0.01:
            setting = "in_transit"
        elif planned == "home":
            setting = "home" if r < 0.8 else "obstetric_unit"
        elif planned == "freestanding_mlu":
            setting = "freestanding_mlu" if r < 0.75 else "obstetric_unit"
        elif planned == "alongside_mlu":
            setting = "alongside_mlu" if r < 0.7 else "obstetric_unit"
        elif planned == "undecided":
            setting = "obstetric_unit" if r < 0.6 else "alongside_mlu"
        else:
            setting = "obstetric_unit"
        site: str | None
        if setting in ("home", "in_transit"):
            site = None
        elif setting == "freestanding_mlu":
            site = "RXX02"
        else:
            site = "RXX01"
        day = p.event
        pros: list[DemoLabourProfessional] = []

        def add(pid: str, at_delivery: bool) -> None:
            if all(x.midwife != pid for x in pros):
                pros.append(DemoLabourProfessional(pid, self.midwives[pid].team, at_delivery))

        named = self.named_on(p, day)
        if p.care_model == "continuity" and named is not None:
            buddy = self.midwives[named].buddy
            r = rng.random()
            if r < 0.75:
                add(named, True)
                if buddy is not None and (setting == "home" or rng.random() < 0.3):
                    add(buddy, setting == "home")
            elif r < 0.88 and buddy is not None:
                add(buddy, True)
            else:
                add(self.other_member(p.team, day, (named, buddy)), True)
            if setting == "home" and len(pros) == 1:
                add(self.other_member(p.team, day, (pros[0].midwife,)), True)
        else:
            first = self.other_member(p.team, day, ())
            add(first, True)
            if rng.random() < 0.5:
                add(self.other_member(p.team, day, (first,)), False)
        return DemoLabour(onset, birth_at, setting, site, tuple(pros))

    def availability(self, p: _Preg) -> tuple[DemoAvailability, ...]:
        rng = self.rng
        out: list[DemoAvailability] = []
        r = rng.random()
        if r < 0.45:
            return ()
        if r < 0.75:
            for wd in sorted(rng.sample(range(5), _ri(rng, 1, 3))):
                out.append(DemoAvailability("preferred", wd, time(17, 30), time(20, 0)))
        if rng.random() < 0.4:
            out.append(DemoAvailability("preferred", 5, time(9, 0), time(12, 0)))
        if rng.random() < 0.3:
            for wd in sorted(rng.sample(range(5), _ri(rng, 1, 2))):
                if all(a.weekday != wd for a in out):
                    out.append(DemoAvailability("preferred", wd, time(9, 0), time(12, 0)))
        if rng.random() < 0.2:
            for wd in sorted(rng.sample(range(5), _ri(rng, 2, 4))):
                if all(a.weekday != wd for a in out):
                    out.append(DemoAvailability("unavailable", wd, time(9, 0), time(17, 0)))
        out.sort(key=lambda a: (a.weekday, a.start_time))
        return tuple(out)


# --------------------------------------------------------------------------------------------
# Rota
# --------------------------------------------------------------------------------------------

STUDY_NOTES: Final = (
    "PROMPT obstetric emergencies",
    "Newborn life support update",
    "Safeguarding level 3",
    "Fetal monitoring study day",
    "Perinatal mental health training",
)


def _rota(
    rng: random.Random, today: date, midwives: Sequence[_Mw], teams: Sequence[DemoTeam]
) -> list[DemoRotaEntry]:
    first = today - timedelta(days=ROTA_PAST_DAYS)
    # Start on a Monday so weekly patterns line up.
    first -= timedelta(days=first.weekday())
    last = today + timedelta(days=ROTA_FUTURE_DAYS)
    days = [first + timedelta(days=i) for i in range((last - first).days)]
    models = {t.local_id: t.care_model for t in teams}
    out: list[DemoRotaEntry] = []
    trad_on_call: list[tuple[date, _Mw]] = []
    # For the continuity teams' own on-call rota: who is free for a night, by team and day.
    team_free: dict[tuple[str, date], list[tuple[bool, _Mw]]] = defaultdict(list)

    def whole_days(mw: _Mw, kind: str, start: date, n: int, status: str, note: str) -> None:
        out.append(
            DemoRotaEntry(
                mw.pid,
                kind,
                at_local(start, time(0, 0)),
                at_local(start + timedelta(days=n), time(0, 0)),
                status,
                note,
            )
        )

    for index, mw in enumerate(midwives):
        active = [d for d in days if mw.active_on(d)]
        if not active:
            continue
        work_days = sorted(rng.sample(range(5), _WORK_DAYS.get(mw.wte, 4)))
        off: set[date] = set()
        # Annual leave: about five or six weeks a year.
        if rng.random() < 0.5:
            start = _pick(rng, active)
            n = _ri(rng, 5, 10)
            status = "requested" if start > today and rng.random() < 0.3 else "approved"
            whole_days(mw, "leave", start, n, status, "Annual leave")
            off.update(start + timedelta(days=i) for i in range(n))
        if rng.random() < 0.3:
            start = _pick(rng, active)
            n = _ri(rng, 1, 3)
            if not any(start + timedelta(days=i) in off for i in range(n)):
                status = "requested" if start > today and rng.random() < 0.4 else "approved"
                whole_days(mw, "leave", start, n, status, "Annual leave")
                off.update(start + timedelta(days=i) for i in range(n))
        # Occasional sickness, in the past or running now.
        if rng.random() < 0.07:
            past = [d for d in active if d <= today]
            if past:
                start = _pick(rng, past[-28:])
                n = _ri(rng, 1, 5)
                if not any(start + timedelta(days=i) in off for i in range(n)):
                    whole_days(mw, "sickness", start, n, "approved", "")
                    off.update(start + timedelta(days=i) for i in range(n))
        # A study day now and then, instead of a working day.
        study: date | None = None
        if rng.random() < 0.45:
            candidates = [d for d in active if d.weekday() in work_days and d not in off]
            if candidates:
                study = _pick(rng, candidates)
                out.append(
                    DemoRotaEntry(
                        mw.pid,
                        "study",
                        at_local(study, time(9, 0)),
                        at_local(study, time(17, 0)),
                        "approved",
                        _pick(rng, STUDY_NOTES),
                    )
                )
                off.add(study)
        continuity = models[mw.team] == "continuity"
        late_day = _pick(rng, work_days)
        call_days = set(rng.sample(work_days, min(2, len(work_days)))) if continuity else set()
        own_call: set[date] = set()
        for d in active:
            if d in off:
                continue
            if d.weekday() in work_days:
                if continuity and d.weekday() == late_day:
                    shift = (time(11, 0), time(19, 0))
                elif continuity:
                    shift = (time(9, 0), time(17, 0))
                else:
                    shift = (time(8, 30), time(16, 30))
                out.append(
                    DemoRotaEntry(
                        mw.pid, "work", at_local(d, shift[0]), at_local(d, shift[1]), "approved", ""
                    )
                )
                nxt = d + timedelta(days=1)
                if continuity and d.weekday() in call_days and nxt not in off:
                    own_call.add(d)
                    out.append(
                        DemoRotaEntry(
                            mw.pid,
                            "on_call_own",
                            at_local(d, time(19, 0)),
                            at_local(nxt, time(9, 0)),
                            "approved",
                            "On call for own women",
                        )
                    )
                    # Now and then a birth in the night: a call-out, and rest owed after it.
                    if d < today and rng.random() < 0.25:
                        out.append(
                            DemoRotaEntry(
                                mw.pid,
                                "call_out",
                                at_local(nxt, time(1, 0)),
                                at_local(nxt, time(_ri(rng, 3, 6), 0)),
                                "approved",
                                "Called out to a birth",
                            )
                        )
            elif continuity and d.weekday() == 5 and (d.isocalendar()[1] + index) % 2 == 0:
                nxt = d + timedelta(days=1)
                if nxt not in off:
                    own_call.add(d)
                    out.append(
                        DemoRotaEntry(
                            mw.pid,
                            "on_call_own",
                            at_local(d, time(9, 0)),
                            at_local(nxt, time(9, 0)),
                            "approved",
                            "Weekend on call",
                        )
                    )
            if not continuity and d + timedelta(days=1) not in off:
                trad_on_call.append((d, mw))
            working = d.weekday() in work_days
            late = working and d.weekday() == late_day
            if continuity and d not in own_call and not late and d + timedelta(days=1) not in off:
                team_free[(mw.team, d)].append((working, mw))

    # Traditional team: a team on-call rota, round-robin through whoever is free that night.
    free: dict[date, list[_Mw]] = defaultdict(list)
    for d, mw in trad_on_call:
        free[d].append(mw)
    turn = 0
    for d in days:
        people = free.get(d, [])
        if not people:
            continue
        per_night = max(1, len(people) // 25)
        for _ in range(per_night):
            mw = people[turn % len(people)]
            turn += 1
            out.append(
                DemoRotaEntry(
                    mw.pid,
                    "on_call_team",
                    at_local(d, time(17, 0)),
                    at_local(d + timedelta(days=1), time(8, 30)),
                    "approved",
                    "Team on call",
                )
            )
    # Continuity teams: a team on-call rota for the evenings, nights and weekends, so a woman
    # whose named midwife and buddy are both off still has a known midwife to call. One night
    # in the first team is left unfilled, as real rotas sometimes are: the cover calendar
    # shows it as a gap before it happens.
    continuity_teams = [t.local_id for t in teams if t.care_model == "continuity"]
    hole = today + timedelta(days=10)
    turns: dict[str, int] = defaultdict(int)
    swapped: set[tuple[str, date]] = set()
    for team in continuity_teams:
        for d in days:
            free = team_free.get((team, d), [])
            if not free or (team == continuity_teams[0] and d == hole):
                continue
            # Someone on a day off takes the day and the night; else a day worker swaps her
            # shift for the team's on-call.
            resting = [mw for working, mw in free if not working]
            people = resting or [mw for _, mw in free]
            mw = people[turns[team] % len(people)]
            turns[team] += 1
            if not resting:
                swapped.add((mw.pid, d))
            out.append(
                DemoRotaEntry(
                    mw.pid,
                    "on_call_team",
                    at_local(d, time(9, 0)),
                    at_local(d + timedelta(days=1), time(9, 0)),
                    "approved",
                    "Team on call",
                )
            )
    out = [
        e
        for e in out
        if not (e.kind == "work" and (e.midwife, e.starts_at.astimezone(LONDON).date()) in swapped)
    ]
    out.sort(key=lambda e: (e.midwife, e.starts_at, e.kind))
    return out


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------


def generate(params: DemoParams) -> DemoTrust:
    """The whole synthetic trust for these parameters. Deterministic; no I/O."""
    today = params.today
    city = _make_city(_stream(params, "city"), params.births_per_year)
    sites = _sites()
    teams, mws = _workforce(_stream(params, "workforce"), params, city, sites)
    pregs = _skeletons(_stream(params, "pregnancies"), params, city, sites)
    _pin_persona_woman(pregs, today)
    _allocate(_stream(params, "allocation"), params, pregs, teams, mws)
    # Every pregnancy due from the start of the window is kept, even if already discharged
    # before it began: a cohort of women reaching 29 weeks is then complete from the window's
    # first months, so the measures of those months are not skewed towards longer care.

    mw_index = {m.pid: m for m in mws}
    builder = _CareBuilder(
        _stream(params, "care"),
        today,
        {t.local_id: t for t in teams},
        mw_index,
        {s.ods_code: s for s in sites},
    )
    pregnancies = tuple(builder.build(p) for p in pregs)

    women = []
    persona_woman: DemoWoman | None = None
    for p in pregs:
        w = p.woman
        if p.pinned:
            w = replace(w, user="woman")
            persona_woman = w
        women.append(w)

    users = [
        DemoUser(
            username=m.username,
            role=m.role,
            first_name=m.given,
            last_name=m.family,
            display_name=f"{m.given} {m.family}",
            email=f"{m.username}@northbrook.example",
            is_active=m.end is None,
        )
        for m in mws
    ]
    users += [
        DemoUser(
            "manager",
            "service_manager",
            "Helen",
            "Carter",
            "Helen Carter",
            "manager@northbrook.example",
        ),
        DemoUser("board", "board", "David", "Moore", "David Moore", "board@northbrook.example"),
        DemoUser(
            "voices",
            "mvp",
            "Joanne",
            "Whitfield",
            "Joanne Whitfield",
            "voices@northbrook.example",
        ),
        DemoUser(
            "privacy",
            "privacy_officer",
            "Priya",
            "Shah",
            "Priya Shah",
            "privacy@northbrook.example",
        ),
        DemoUser(
            "admin",
            "admin",
            "Sam",
            "Taylor",
            "Sam Taylor (administrator)",
            "admin@northbrook.example",
            is_staff=True,
            is_superuser=True,
        ),
    ]
    if persona_woman is not None:
        users.append(
            DemoUser(
                "woman",
                "woman",
                persona_woman.given_name,
                persona_woman.family_name,
                f"{persona_woman.given_name} {persona_woman.family_name}",
                persona_woman.email,
            )
        )

    team_name = {t.local_id: t.name for t in teams}
    by_username = {m.username: m for m in mws}
    personas = [
        DemoPersona(
            "midwife",
            "midwife",
            f"{by_username['midwife'].given} {by_username['midwife'].family}, named midwife "
            f"in {team_name['T01']} (T01)",
        ),
        DemoPersona(
            "midwife2",
            "midwife",
            f"{by_username['midwife2'].given} {by_username['midwife2'].family}, midwife "
            f"in {team_name['T02']} (T02)",
        ),
        DemoPersona(
            "leader",
            "team_leader",
            f"{by_username['leader'].given} {by_username['leader'].family}, team leader "
            f"of {team_name['T01']}",
        ),
        DemoPersona("manager", "service_manager", "Helen Carter, manages every team"),
        DemoPersona("board", "board", "David Moore, board safety champion"),
        DemoPersona("voices", "mvp", "Joanne Whitfield, maternity voices partnership chair"),
        DemoPersona("privacy", "privacy_officer", "Priya Shah, privacy officer"),
        DemoPersona("admin", "admin", "Sam Taylor, administrator"),
    ]
    if persona_woman is not None:
        personas.append(
            DemoPersona(
                "woman",
                "woman",
                f"{persona_woman.given_name} {persona_woman.family_name}, about 30 weeks "
                "pregnant, in the midwife's caseload",
            )
        )

    midwives = tuple(
        DemoMidwife(
            professional_id=m.pid,
            username=m.username,
            team=m.team,
            wte=m.wte,
            base_lat=m.lat,
            base_lon=m.lon,
            languages=m.languages,
            skills=m.skills,
            buddy=m.buddy,
            phone=f"07700 900{i % 1000:03d}",
            start_date=m.start,
            end_date=m.end,
        )
        for i, m in enumerate(mws)
    )
    rota = _rota(_stream(params, "rota"), today, mws, teams)
    return DemoTrust(
        params=params,
        name=f"{CITY_NAME} Teaching Hospitals NHS Trust",
        ods_code="RXX",
        sites=sites,
        teams=tuple(teams),
        users=tuple(users),
        midwives=midwives,
        city=city,
        women=tuple(women),
        pregnancies=pregnancies,
        rota=tuple(rota),
        personas=tuple(personas),
    )


def summary(trust: DemoTrust) -> dict[str, float]:
    """Headline figures: for the command's output and for sanity checks."""
    today = trust.params.today
    year_ago = today - timedelta(days=365)
    pregnancies = trust.pregnancies
    births_year = sum(
        1
        for p in pregnancies
        if p.labour is not None and year_ago <= p.labour.birth_at.date() < today
    )
    active = [p for p in pregnancies if p.status in ("booked", "antenatal", "postnatal")]
    continuity = sum(1 for p in active if p.care_model == "continuity")
    in_post = [m for m in trust.midwives if m.end_date is None]
    return {
        "births_last_year": births_year,
        "active_pregnancies": len(active),
        "active_on_continuity_percent": round(100 * continuity / max(1, len(active)), 1),
        "midwives_in_post": len(in_post),
        "wte_in_post": round(sum(float(m.wte) for m in in_post), 1),
    }
