"""Antenatal and postnatal visits: which contacts each woman on the pathway needs, and the daily
visit rounds that give them to her named midwife, her buddy, the team or someone else.

**The contacts** come from the schedule engine's data (`load_schedule`): the antenatal contacts of
the chosen schedule (NICE NG201 or WHO 2016) and the postnatal series it names. Durations are the
schedule's own, or else the schedule engine's `ScheduleSettings` for a continuity-of-carer
service (booking 120 minutes, antenatal 40, postnatal 45). For one woman:

- Antenatal: every contact for her parity (`nulliparous_only` ones when she is nulliparous) whose
  target day (EDD - 280 + target GA) is before her birth day; its latest day is the schedule's
  latest GA, and at most the day before the birth.
- Postnatal: the series' contacts for the scenario's choice (`standard` ones, or `six_weeks` ones
  when `postnatal_six_weeks`), timed from the end of the labour attendance (the birth and the
  start of postnatal care are taken as the same moment), on days after the birth day. Contacts
  whose activities are only ones done by the hospital or the GP (the newborn physical
  examination, the 6-8 week checks; `ELSEWHERE_ACTIVITIES`) are left out.

Days are mapped onto the simulated year **circularly** (day mod 365): the births of the year
stand for every year, so the antenatal visits of a woman who gives birth in February fall in the
same year's autumn, as the visits of next February's women would. A visit may wait from its
target day for `visit_defer_days`, but not past its latest day nor past the last day of the year.

**The rounds.** Each day at `visit_start_hour` the pending visits, most urgent first, are given
out. The named midwife takes a visit if she is present, not attending a labour, not resting after
a night call-out and has fewer than `max_visits_per_day` visits that day. If she is resting
after a night call-out the visit moves to her buddy, if the buddy can take it
(`visits_moved_after_night`). Otherwise it waits; on its last allowed day it goes to the buddy,
else to the team midwife with the fewest visits that day who can take it, else it is seen
elsewhere ("other").

A midwife's round starts at `visit_start_hour` and lasts the sum of the visits' durations plus one
travel leg before each visit and one home. A call-out during her round ends the round when the
labour starts: visits already begun count as hers, the ones not begun go, one by one, to her
buddy, else the team midwife with fewest visits that day, else elsewhere, if they can take them
at that moment (present, not in labour, not resting, room under the daily cap). A midwife who
takes visits mid-round adds them to the end of her round, or starts a new one then.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from operator import itemgetter

from continuity.engines.gestation import TERM_DAYS
from continuity.engines.schedule import ScheduleSettings, load_schedule

DAYS = 365
PRESENT = 0

# Activities done by the hospital or the GP rather than on a community midwife's round: a
# contact made only of these is left out (the newborn physical examination before transfer
# home, the maternal and baby checks at 6-8 weeks).
ELSEWHERE_ACTIVITIES = frozenset(
    {"newborn_physical_exam", "maternal_check", "newborn_6_8_week_exam"}
)
# The schedule engine's durations for a continuity-of-carer service.
SETTINGS = ScheduleSettings(continuity_of_carer=True)

# A visit: (last allowed day, woman, duration in hours, antenatal?). Pending lists are sorted by
# the first.
Visit = tuple[int, int, float, bool]


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact of the schedule, in the simulation's terms.

    Antenatal: `target` and `latest` are gestational ages in days. Postnatal: offsets from the
    birth, in hours when `timed_in_hours`, else in days (the day of birth is day 0).
    """

    code: str
    antenatal: bool
    target: int
    latest: int
    duration_hours: float
    nulliparous_only: bool = False
    timed_in_hours: bool = False


@cache
def contacts(schedule: str, six_weeks: bool) -> tuple[Contact, ...]:
    """The antenatal contacts of `schedule`, then the community postnatal contacts of its
    series (the `six_weeks` ones or the `standard` ones)."""
    loaded = load_schedule(schedule)
    result: list[Contact] = []
    for ante in loaded.antenatal:
        minutes = ante.duration_minutes
        if minutes is None:
            minutes = (
                SETTINGS.coc_booking_minutes
                if ante.kind == "booking"
                else SETTINGS.antenatal_minutes
            )
        result.append(
            Contact(
                ante.code,
                True,
                ante.target_ga_days,
                ante.latest_ga_days,
                minutes / 60.0,
                nulliparous_only=ante.nulliparous_only,
            )
        )
    wanted = "six_weeks" if six_weeks else "standard"
    series = () if loaded.postnatal is None else loaded.postnatal.contacts
    for post in series:
        if post.series not in ("both", wanted):
            continue
        if post.activities and set(post.activities) <= ELSEWHERE_ACTIVITIES:
            continue
        minutes = (
            SETTINGS.postnatal_minutes if post.duration_minutes is None else post.duration_minutes
        )
        result.append(
            Contact(
                post.code,
                False,
                post.target,
                post.latest,
                minutes / 60.0,
                timed_in_hours=post.unit == "hours",
            )
        )
    return tuple(result)


def woman_visits(
    woman: int,
    edd: int,
    birth_end: float,
    nulliparous: bool,
    schedule: Sequence[Contact],
    defer: int,
) -> list[tuple[int, int, Visit]]:
    """Her visits as (target day, last allowed day, visit), in absolute days (not yet mapped
    onto the year). `birth_end` is the end of her labour attendance in hours."""
    birth_day = int(birth_end // 24.0)
    ga_zero = edd - TERM_DAYS  # the day her gestational age is 0+0
    out: list[tuple[int, int, Visit]] = []
    for c in schedule:
        if c.antenatal:
            target = ga_zero + c.target
            if target >= birth_day or (c.nulliparous_only and not nulliparous):
                continue  # she gave birth before it was due, or it is not for her parity
            latest = min(ga_zero + c.latest, birth_day - 1)
        else:
            if c.timed_in_hours:
                target = int((birth_end + c.target) // 24.0)
                latest = int((birth_end + c.latest) // 24.0)
            else:
                target = birth_day + c.target
                latest = birth_day + c.latest
            if target <= birth_day:
                target = birth_day + 1
            if latest < target:
                latest = target
        last = target + defer
        if last > latest:
            last = latest
        out.append((target, last, (last, woman, c.duration_hours, c.antenatal)))
    return out


def visits_by_day(
    women: Sequence[tuple[int, int, float, bool]],
    schedule: Sequence[Contact],
    defer: int,
) -> list[list[Visit]]:
    """The visits released on each day of the year, for women given as (woman, EDD, end of the
    labour attendance in hours, nulliparous). Target days are mapped onto the year modulo 365,
    the last allowed day moves with it and is cut at the year's last day."""
    by_day: list[list[Visit]] = [[] for _ in range(DAYS)]
    for woman, edd, birth_end, nulliparous in women:
        for target, last, (_, _, hours, antenatal) in woman_visits(
            woman, edd, birth_end, nulliparous, schedule, defer
        ):
            day = target % DAYS
            by_day[day].append((min(day + last - target, DAYS - 1), woman, hours, antenatal))
    return by_day


class Rounds:
    """The daily visit rounds of one simulated year, driven by the year's SimPy processes.

    It shares the year's state lists (`absent`, `busy`, `rest_until`) and keeps its own counts.
    `day(d)` runs at the start of each day's rounds, `call_out(m, at)` when midwife m starts a
    labour attendance, `close()` at the end of the year.
    """

    def __init__(
        self,
        *,
        per_team: int,
        named: Sequence[int | None],
        buddy_of: Sequence[int | None],
        absent: Sequence[bytearray],
        busy: list[bool],
        rest_until: list[float],
        by_day: list[list[Visit]],
        start_hour: int,
        max_per_day: int,
        travel_hours: float,
    ) -> None:
        self.per_team = per_team
        self.named = named
        self.buddy_of = buddy_of
        self.absent = absent
        self.busy = busy
        self.rest_until = rest_until
        self.by_day = by_day
        self.start_hour = float(start_hour)
        self.cap = max_per_day
        self.leg = travel_hours
        midwives = len(buddy_of)
        self.pending: list[Visit] = []
        self.day_index = 0
        self.count = [0] * midwives
        # Today's round per midwife: its [start, end] interval (shared with `rounds`) and its
        # visits as (start hour, woman, hours, antenatal).
        self.today: dict[int, tuple[list[float], list[tuple[float, int, float, bool]]]] = {}
        # Rounds of today already over when the same midwife started another (to be counted).
        self.finished: list[tuple[int, list[tuple[float, int, float, bool]]]] = []
        self.rounds: list[list[list[float]]] = [[] for _ in range(midwives)]
        self.legs = 0
        self.contacts = {"named": 0, "buddy": 0, "team": 0, "other": 0}
        self.moved_after_night = 0
        self.visitors: dict[int, set[int]] = {}  # woman -> team midwives at antenatal contacts

    # -- the day's rounds ----------------------------------------------------------------------

    def day(self, d: int) -> None:
        """Give out the visits pending on day d at the start hour and plan each midwife's round."""
        self.close()
        self.day_index = d
        start = 24.0 * d + self.start_hour
        pending = self.pending + self.by_day[d]
        pending.sort(key=itemgetter(0))
        absent, busy, rest_until = self.absent, self.busy, self.rest_until
        midwives = len(absent)
        present = [absent[m][d] == PRESENT for m in range(midwives)]
        can = [present[m] and not busy[m] and rest_until[m] <= start for m in range(midwives)]
        count = self.count = [0] * midwives
        cap, named_of, buddy_of = self.cap, self.named, self.buddy_of
        plans: dict[int, list[tuple[int, float, bool]]] = {}
        keep: list[Visit] = []
        for visit in pending:
            last, woman, hours, antenatal = visit
            named = named_of[woman]
            assert named is not None
            taker: int | None = None
            if can[named] and count[named] < cap:
                taker = named
            else:
                buddy = buddy_of[named]
                buddy_free = buddy is not None and can[buddy] and count[buddy] < cap
                if buddy_free and present[named] and rest_until[named] > start:
                    taker = buddy  # next-day visits after a night call-out move to the buddy
                    self.moved_after_night += 1
                elif d < last:
                    keep.append(visit)
                    continue
                elif buddy_free:
                    taker = buddy
                else:
                    taker = self._team_taker(named, buddy, can)
            if taker is None:
                self.contacts["other"] += 1
                continue
            count[taker] += 1
            plans.setdefault(taker, []).append((woman, hours, antenatal))
        self.pending = keep
        leg = self.leg
        for midwife, plan in plans.items():
            at = start
            planned = []
            for woman, hours, antenatal in plan:
                at += leg
                planned.append((at, woman, hours, antenatal))
                at += hours
            interval = [start, at + leg]
            self.rounds[midwife].append(interval)
            self.today[midwife] = (interval, planned)
            self.legs += len(plan) + 1

    def _team_taker(self, named: int, buddy: int | None, can: Sequence[bool]) -> int | None:
        """The team midwife (not the named midwife or her buddy) with the fewest visits today
        who can take one more, ties to the lowest number."""
        base = named - named % self.per_team
        best: int | None = None
        for m in range(base, base + self.per_team):
            if m in (named, buddy) or not can[m] or self.count[m] >= self.cap:
                continue
            if best is None or self.count[m] < self.count[best]:
                best = m
        return best

    # -- a call-out during a round -------------------------------------------------------------

    def call_out(self, midwife: int, at: float) -> None:
        """Midwife `midwife` (already marked busy) starts a labour attendance at `at`: if that is
        during her round, the visits she has not begun are handed on."""
        entry = self.today.get(midwife)
        if entry is None:
            return
        interval, planned = entry
        if not interval[0] <= at < interval[1]:
            return
        begun = [p for p in planned if p[0] < at]
        handed = planned[len(begun) :]
        interval[1] = at
        planned[:] = begun
        self.legs -= len(handed) + 1  # no journeys to them, nor home
        self.count[midwife] -= len(handed)
        d = self.day_index
        buddy = self.buddy_of[midwife]
        for _, woman, hours, antenatal in handed:
            taker: int | None = None
            if buddy is not None and self._can_take(buddy, d, at):
                taker = buddy
            else:
                base = midwife - midwife % self.per_team
                for m in range(base, base + self.per_team):
                    if (
                        m not in (midwife, buddy)
                        and self._can_take(m, d, at)
                        and (taker is None or self.count[m] < self.count[taker])
                    ):
                        taker = m
            if taker is None:
                self.contacts["other"] += 1
            else:
                self._append(taker, at, woman, hours, antenatal)

    def _can_take(self, m: int, d: int, at: float) -> bool:
        return (
            self.absent[m][d] == PRESENT
            and not self.busy[m]
            and self.rest_until[m] <= at
            and self.count[m] < self.cap
        )

    def _append(self, m: int, at: float, woman: int, hours: float, antenatal: bool) -> None:
        """Add a visit to the end of m's round, or start a round at `at` if she has none on."""
        entry = self.today.get(m)
        if entry is None or entry[0][1] < at:
            if entry is not None:
                self.finished.append((m, entry[1]))
            interval = [at, at + self.leg]  # so far only the journey home
            self.rounds[m].append(interval)
            entry = (interval, [])
            self.today[m] = entry
            self.legs += 1
        interval, planned = entry
        begins = interval[1]  # the journey home becomes the journey to this visit
        planned.append((begins, woman, hours, antenatal))
        interval[1] = begins + hours + self.leg
        self.legs += 1
        self.count[m] += 1

    # -- tallying ------------------------------------------------------------------------------

    def close(self) -> None:
        """Count the visits of the day's rounds, now final, by who did them."""
        contacts, named_of, buddy_of = self.contacts, self.named, self.buddy_of
        rounds = [*self.finished, *((m, planned) for m, (_, planned) in self.today.items())]
        for midwife, planned in rounds:
            for _, woman, _, antenatal in planned:
                named = named_of[woman]
                assert named is not None
                if midwife == named:
                    contacts["named"] += 1
                elif midwife == buddy_of[named]:
                    contacts["buddy"] += 1
                else:
                    contacts["team"] += 1
                    if antenatal:
                        self.visitors.setdefault(woman, set()).add(midwife)
        self.today = {}
        self.finished = []

    def visit_hours(self) -> float:
        return math.fsum(e - s for intervals in self.rounds for s, e in intervals)
