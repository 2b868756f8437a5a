"""ORM rows to the schedule and routing engines, for a team's week.

Time in the routing problem is whole minutes from Monday 00:00 local, measured in real time,
so a week across a clock change has 167 or 169 hours. Visits already past, and shifts before
`now`, are left out, so a same-day re-plan only moves what can still move.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from continuity.cover import engine_io as cover_io
from continuity.cover.clock import day_bounds, day_start, local_date, local_instant, zone
from continuity.engines import routing
from continuity.engines.cover.resolve import Index
from continuity.engines.schedule import (
    DueContact,
    PregnancyFacts,
    ScheduleSettings,
    due_contacts,
    load_schedule,
)
from continuity.organisations.models import Team
from continuity.pregnancies.models import (
    Assignment,
    AvailabilityWindow,
    Contact,
    LabourRecord,
    Pregnancy,
)
from continuity.visits.models import MoveRequest
from continuity.workforce.models import Midwife, RotaEntry

DAY = 24 * 60
WEEKEND_VISITS = (time(9), time(17))


def schedule_settings() -> ScheduleSettings:
    conf = settings.CONTINUITY.get("SCHEDULE", {})
    return ScheduleSettings(
        continuity_of_carer=True,
        continue_to_six_weeks=bool(conf.get("continue_to_six_weeks", True)),
    )


def schedule_name() -> str:
    return str(settings.CONTINUITY.get("SCHEDULE", {}).get("name", "nice_ng201"))


def facts(assignment: Assignment) -> PregnancyFacts:
    p = assignment.pregnancy
    return pregnancy_facts(p, getattr(p, "labour", None))


def pregnancy_facts(p: Pregnancy, labour: LabourRecord | None) -> PregnancyFacts:
    """What the schedule engine needs to know about a pregnancy and its labour, if any."""
    birth_at = labour.birth_at if labour is not None else None
    home = labour is not None and labour.setting == "home"
    # Transfer home is not recorded yet: a day after a hospital birth stands in for it.
    post_start = birth_at if home else (birth_at + timedelta(days=1) if birth_at else None)
    return PregnancyFacts(
        booking_date=p.booking_date,
        edd=p.edd,
        ga_at_booking_days=p.ga_at_booking_days,
        previous_live_births=p.previous_live_births,
        birth_at=birth_at,
        postnatal_start_at=post_start,
        home_birth=home,
    )


@dataclass
class Item:
    """One visit in the problem, with what the app needs to write it back."""

    key: str
    pregnancy_id: int
    contact_id: int | None
    code: str
    kind: str
    duration: int


@dataclass
class Week:
    team: Team
    monday: date
    start: datetime
    now: datetime
    problem: routing.Problem
    items: dict[str, Item]
    midwives: dict[str, Midwife]
    requests: list[MoveRequest] = field(default_factory=list)

    def minute(self, at: datetime) -> int:
        return int((at - self.start).total_seconds() // 60)

    def instant(self, minute: int) -> datetime:
        """The instant `minute` real minutes into the week, in local time."""
        return (self.start + timedelta(minutes=minute)).astimezone(zone())


def _kind(due: DueContact) -> str:
    return {"booking": "booking", "postnatal": "postnatal", "extra": "extra"}.get(
        due.kind, "antenatal"
    )


def build_week(
    team: Team, monday: date, now: datetime | None = None, *, seconds: float | None = None
) -> Week:
    """The team's week as a routing problem; `seconds` overrides the PLANNER_SECONDS budget."""
    now = now or timezone.now()
    # In UTC: Python subtracts (and adds to) two datetimes in the same zone on the wall clock,
    # which would make every week 168 hours and put a clock-change Sunday an hour out.
    start, end = (t.astimezone(UTC) for t in day_bounds(monday, monday + timedelta(days=6)))
    horizon = int((end - start).total_seconds() // 60)
    floor = max(0, int((now - start).total_seconds() // 60) + 1)

    assignments = cover_io.open_assignments([team])
    rota = cover_io.rota_for([team], start, end, assignments=assignments)
    index = Index(rota)
    midwives = {
        m.professional_id: m
        for m in Midwife.objects.filter(
            professional_id__in=[m.id for m in rota.midwives], team=team
        ).select_related("user")
    }
    locations: list[routing.Location] = []

    def place(lat: float | None, lon: float | None) -> int:
        locations.append(routing.Location(lat=lat, lon=lon))
        return len(locations) - 1

    base = place(team.base_lat, team.base_lon)
    homes = {
        pid: place(m.base_lat, m.base_lon) if m.base_lat else base for pid, m in midwives.items()
    }

    # Shifts: approved work entries in the week when she is really free (not on leave, sick,
    # studying or resting after a night call-out), from `now` on.
    shifts: list[routing.Shift] = []
    for entry in (
        RotaEntry.objects.live()
        .filter(
            midwife__in=midwives.values(),
            kind=RotaEntry.Kind.WORK,
            status=RotaEntry.Status.APPROVED,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("midwife")
    ):
        pid = entry.midwife.professional_id
        a, b = max(entry.starts_at, start), min(entry.ends_at, end)
        if index.status(pid, int(a.timestamp())) is not None:
            continue
        if index.status(pid, int(b.timestamp()) - 1) is not None:
            continue
        s, e = (
            max(int((a - start).total_seconds() // 60), floor),
            int((b - start).total_seconds() // 60),
        )
        if e - s >= 30:
            shifts.append(routing.Shift(pid, s, e, homes[pid], homes[pid]))

    # At weekends the midwife on call (for her own women or the team's) also does the day's
    # visits, 09:00 to 17:00.
    for entry in (
        RotaEntry.objects.live()
        .filter(
            midwife__in=midwives.values(),
            kind__in=(RotaEntry.Kind.ON_CALL_OWN, RotaEntry.Kind.ON_CALL_TEAM),
            status=RotaEntry.Status.APPROVED,
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("midwife")
    ):
        pid = entry.midwife.professional_id
        for offset in (5, 6):
            day = monday + timedelta(days=offset)
            a = max(entry.starts_at, local_instant(day, WEEKEND_VISITS[0]))
            b = min(entry.ends_at, local_instant(day, WEEKEND_VISITS[1]))
            if b - a < timedelta(minutes=30):
                continue
            if index.status(pid, int(a.timestamp())) is not None:
                continue
            s = max(int((a - start).total_seconds() // 60), floor)
            e = int((b - start).total_seconds() // 60)
            if e - s >= 30:
                shifts.append(routing.Shift(pid, s, e, homes[pid], homes[pid]))

    pregnancy_ids = [a.pregnancy_id for a in assignments]
    planned = defaultdict(list)
    for c in (
        Contact.objects.live()
        .filter(pregnancy_id__in=pregnancy_ids)
        .prefetch_related("activities__midwife")
    ):
        planned[c.pregnancy_id].append(c)
    windows = defaultdict(list)
    for w in AvailabilityWindow.objects.filter(pregnancy_id__in=pregnancy_ids):
        windows[w.pregnancy_id].append(w)
    requested = {
        r.contact_id: r
        for r in MoveRequest.objects.filter(
            status=MoveRequest.Status.OPEN, contact__pregnancy_id__in=pregnancy_ids
        )
    }

    schedule = load_schedule(schedule_name())
    conf = schedule_settings()
    visits: list[routing.Visit] = []
    items: dict[str, Item] = {}
    today = timezone.localdate(now)

    def day_windows(first: date, last: date) -> list[routing.Window]:
        lo = max(first, monday)
        hi = min(last, monday + timedelta(days=6))
        if hi < lo:
            return []
        a = max(int((day_start(lo) - start).total_seconds() // 60), floor)
        b = min(int((day_start(hi + timedelta(days=1)) - start).total_seconds() // 60), horizon)
        return [routing.Window(a, b)] if b > a else []

    def weekly(pid: int, kind: str) -> list[routing.Window]:
        out = []
        for w in windows[pid]:
            if w.kind != kind:
                continue
            day = monday + timedelta(days=w.weekday)
            a = int((local_instant(day, w.start_time) - start).total_seconds() // 60)
            b = int((local_instant(day, w.end_time) - start).total_seconds() // 60)
            if b > floor:
                out.append(routing.Window(max(a, floor), b))
        return out

    for a in assignments:
        woman = a.pregnancy.woman
        home = place(woman.lat, woman.lon) if woman.lat is not None else base
        carers = tuple(m.professional_id for m in (a.named_midwife, a.buddy) if m is not None)
        preferred = tuple(weekly(a.pregnancy_id, AvailabilityWindow.Kind.PREFERRED))
        blocked = weekly(a.pregnancy_id, AvailabilityWindow.Kind.UNAVAILABLE)
        existing = planned[a.pregnancy_id]
        delivered = {c.schedule_code for c in existing if c.schedule_code}
        # Contacts booked without a schedule code (before schedules, or by hand) deliver the
        # guideline contact whose window they fall in, one each.
        uncoded = [
            c
            for c in existing
            if not c.schedule_code
            and c.cancelled_at is None
            and c.attendance not in ("2", "3", "4", "7")
        ]
        for due in due_contacts(facts(a), schedule, conf, today):
            if due.code in delivered:
                continue
            match = next(
                (
                    c
                    for c in uncoded
                    if due.earliest <= timezone.localdate(c.scheduled_start) <= due.latest
                ),
                None,
            )
            if match is not None:
                uncoded.remove(match)
                continue
            if due.latest < monday:
                continue
            wins = _subtract(day_windows(due.earliest, due.latest), blocked)
            if not wins:
                continue
            key = f"due:{a.pregnancy_id}:{due.code}"
            items[key] = Item(key, a.pregnancy_id, None, due.code, _kind(due), due.duration_minutes)
            visits.append(
                routing.Visit(
                    id=key,
                    location=home,
                    duration=due.duration_minutes,
                    windows=tuple(wins),
                    preferred=preferred,
                    carers=carers,
                    woman=str(a.pregnancy_id),
                )
            )
        for c in existing:
            if c.attendance != "0" or c.cancelled_at is not None:
                continue
            if not start + timedelta(minutes=floor) <= c.scheduled_start < end:
                continue
            at = int((c.scheduled_start - start).total_seconds() // 60)
            lead = next((x.midwife for x in c.activities.all() if x.is_lead), None)
            pin = None
            if c.confirmed_at is not None and c.pk not in requested and lead is not None:
                who = lead.professional_id
                # A confirmed visit stays put only while its midwife can still do it; if she is
                # now off sick or resting after a call-out, it is re-planned like any other.
                if any(
                    x.midwife == who and x.start <= at and at + c.duration_minutes <= x.end
                    for x in shifts
                ):
                    pin = routing.Pin(who, at)
            day = local_date(c.scheduled_start)
            wins = _subtract(day_windows(day - timedelta(days=1), day + timedelta(days=1)), blocked)
            key = f"contact:{c.pk}"
            items[key] = Item(
                key, a.pregnancy_id, c.pk, c.schedule_code, c.kind, c.duration_minutes
            )
            visits.append(
                routing.Visit(
                    id=key,
                    location=home,
                    duration=c.duration_minutes,
                    windows=tuple(wins) or (routing.Window(at, at),),
                    preferred=preferred,
                    carers=carers,
                    pin=pin,
                    woman=str(a.pregnancy_id),
                )
            )
    if seconds is None:
        seconds = float(settings.CONTINUITY.get("PLANNER_SECONDS", 5))
    # A place without coordinates (no postcode match, a team without a base) stands at the
    # middle of the known ones; with none known at all, travel is taken as nil.
    known = [x for x in locations if x.lat is not None and x.lon is not None]
    matrix = None
    if not known:
        matrix = tuple(tuple(0.0 for _ in locations) for _ in locations)
    elif len(known) < len(locations):
        middle = routing.Location(
            lat=sum(x.lat for x in known if x.lat is not None) / len(known),
            lon=sum(x.lon for x in known if x.lon is not None) / len(known),
        )
        locations = [x if x.lat is not None and x.lon is not None else middle for x in locations]
    problem = routing.Problem(
        travel=matrix,
        locations=tuple(locations),
        visits=tuple(visits),
        midwives=tuple(routing.Midwife(pid) for pid in midwives),
        shifts=tuple(shifts),
        policy=routing.Policy(time_limit_seconds=seconds),
    )
    return Week(team, monday, start, now, problem, items, midwives, list(requested.values()))


def _subtract(windows: list[routing.Window], blocked: list[routing.Window]) -> list[routing.Window]:
    out = windows
    for b in blocked:
        out = [
            w
            for a in out
            for w in (
                routing.Window(a.start, min(a.end, b.start)),
                routing.Window(max(a.start, b.end), a.end),
            )
            if w.end > w.start
        ]
    return out


def plan_items(week: Week, plan: routing.Plan) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The plan as the JSON the WeekPlan keeps: ids and instants only, never names."""
    rows: list[dict[str, Any]] = []
    for p in plan.planned:
        item = week.items[p.visit]
        rows.append(
            {
                "key": item.key,
                "contact": item.contact_id,
                "pregnancy": item.pregnancy_id,
                "code": item.code,
                "kind": item.kind,
                "duration": item.duration,
                "midwife": p.midwife,
                "start": week.instant(p.start).isoformat(),
                "rank": p.carer_rank,
                "in_preferred": p.in_preferred,
                "reason": "",
            }
        )
    for u in plan.unplanned:
        item = week.items[u.visit]
        rows.append(
            {
                "key": item.key,
                "contact": item.contact_id,
                "pregnancy": item.pregnancy_id,
                "code": item.code,
                "kind": item.kind,
                "duration": item.duration,
                "midwife": None,
                "start": None,
                "rank": None,
                "in_preferred": False,
                "reason": u.reason,
            }
        )
    counts = {
        "named": sum(1 for p in plan.planned if p.carer_rank == 0),
        "buddy": sum(1 for p in plan.planned if p.carer_rank == 1),
        "team": sum(1 for p in plan.planned if p.carer_rank is None),
        "in_preferred": sum(1 for p in plan.planned if p.in_preferred),
        "planned": len(plan.planned),
        "unplanned": len(plan.unplanned),
    }
    summary = {
        "counts": counts,
        "travel": {k: round(v, 1) for k, v in plan.travel_minutes.items()},
        "objective": {k: round(v, 1) for k, v in plan.objective.items()},
        "seconds": round(plan.seconds, 2),
        "solver": plan.solver,
    }
    return rows, summary
