"""Reads for cover, scoped to the teams a user works in or manages.

Calendars carry no personal data of women (gaps show how many women, not who); pages that name
women (the leave preview, the covering list) record an access event for each in the view.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from continuity.accounts.models import Role
from continuity.cover import engine_io
from continuity.cover.actions import named_women, visits_during
from continuity.cover.clock import day_bounds, day_start, local_date, monday_of
from continuity.cover.models import VisitFlag
from continuity.engines.cover import model as engine
from continuity.engines.cover.forecast import forecast
from continuity.engines.cover.resolve import Index
from continuity.engines.cover.resolve import touches_night as _touches_night
from continuity.engines.cover.worktime import check_working_time
from continuity.organisations.models import Team
from continuity.pregnancies.models import Assignment, Contact, Pregnancy
from continuity.pregnancies.queries import current_assignment
from continuity.workforce.models import CoverArrangement, Midwife, RotaEntry

SHOWN_STATUSES = (RotaEntry.Status.APPROVED, RotaEntry.Status.REQUESTED)


def _midwife_of(user: Any) -> Midwife | None:
    return getattr(user, "midwife", None) if user.is_authenticated else None


def rota_teams(user: Any) -> QuerySet[Team]:
    """A midwife's or leader's own team; a manager's teams."""
    if not (user.is_authenticated and user.is_active):
        return Team.objects.none()
    if user.role == Role.SERVICE_MANAGER:
        return Team.objects.filter(managers=user).order_by("name")
    midwife = _midwife_of(user)
    if user.role in (Role.MIDWIFE, Role.TEAM_LEADER) and midwife is not None:
        return Team.objects.filter(pk=midwife.team_id)
    return Team.objects.none()


def team_for(user: Any, local_id: str | None) -> Team:
    teams = rota_teams(user).select_related("home_site")
    team = teams.filter(local_id=local_id).first() if local_id else teams.first()
    if team is None:
        raise Http404
    return team  # type: ignore[no-any-return]


def team_page(user: Any, local_id: str | None) -> tuple[Team, list[Team], bool]:
    """For a team's cover page, from one query: the team shown (as `team_for`), the teams to
    switch between (`rota_teams`) and whether the user manages it (`managed_teams`)."""
    teams = list(rota_teams(user).select_related("home_site"))
    if local_id:
        team = next((t for t in teams if t.local_id == local_id), None)
    else:
        team = teams[0] if teams else None
    if team is None:
        raise Http404
    # Every team of a leader or manager in `rota_teams` is one she manages.
    return team, teams, user.role in (Role.TEAM_LEADER, Role.SERVICE_MANAGER)


def managed_teams(user: Any) -> QuerySet[Team]:
    """Teams whose rota and leave this user decides: a leader's own, a manager's."""
    if user.is_authenticated and user.role in (Role.TEAM_LEADER, Role.SERVICE_MANAGER):
        return rota_teams(user)
    return Team.objects.none()


def team_midwives(team: Team, first: date, last: date) -> list[Midwife]:
    return list(
        Midwife.objects.filter(team=team, start_date__lte=last)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=first))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )


# -- the team calendar -----------------------------------------------------------------------


@dataclass
class Piece:
    """A rota entry's part of one local day, for display."""

    entry: RotaEntry
    start: datetime  # local
    end: datetime  # local
    from_before: bool  # it began on an earlier day
    runs_on: bool  # it carries on into the next day


@dataclass
class GapPiece:
    start: datetime
    end: datetime
    women: int
    team_uncovered: bool

    @property
    def hours(self) -> float:
        # In UTC: both ends share the local zone, and aware datetimes in one zone subtract as wall
        # clock times, which is an hour out on the days the clocks change.
        return (self.end.timestamp() - self.start.timestamp()) / 3600


@dataclass
class Day:
    day: date
    pieces: dict[int, list[Piece]] = field(default_factory=lambda: defaultdict(list))
    gaps: list[GapPiece] = field(default_factory=list)
    away: list[Midwife] = field(default_factory=list)
    on_call: list[Midwife] = field(default_factory=list)

    @property
    def gap_hours(self) -> float:
        return sum(g.hours for g in self.gaps)

    @property
    def most_women(self) -> int:
        return max((g.women for g in self.gaps), default=0)


@dataclass
class Calendar:
    team: Team
    first: date
    last: date
    days: list[Day]
    midwives: list[Midwife]
    gap_count: int


def _days_touched(bounds: list[datetime], start: datetime, end: datetime) -> range:
    """The indices n of the days [bounds[n], bounds[n + 1]) that [start, end) overlaps."""
    return range(
        max(bisect_right(bounds, start) - 1, 0), min(bisect_left(bounds, end), len(bounds) - 1)
    )


def calendar(team: Team, first: date, last: date, now: datetime | None = None) -> Calendar:
    """Every midwife's rota for each day from `first` to `last`, and the gaps in cover."""
    now = now or timezone.now()
    start, end = day_bounds(first, last)
    midwives = team_midwives(team, first, last)
    by_pk = {m.pk: m for m in midwives}
    entries = list(
        RotaEntry.objects.live()
        .filter(
            midwife__in=midwives, status__in=SHOWN_STATUSES, starts_at__lt=end, ends_at__gt=start
        )
        .only("midwife", "kind", "status", "starts_at", "ends_at")  # what the calendar shows
        .order_by("starts_at", "pk")
    )
    days = [Day(first + timedelta(days=n)) for n in range((last - first).days + 1)]
    # Each day's local midnights, worked out once, in UTC like the rows (instants in one zone
    # compare without a zone lookup each): day n is [bounds[n], bounds[n + 1]).
    bounds = [day_start(d.day).astimezone(UTC) for d in days] + [end.astimezone(UTC)]
    local = timezone.get_current_timezone()  # as timezone.localtime() converts, looked up once
    for entry in entries:
        # The day's away and on-call lists show her name.
        midwife = entry.midwife = by_pk[entry.midwife_id]
        approved = entry.status == RotaEntry.Status.APPROVED
        away = approved and entry.kind in RotaEntry.ABSENCE_KINDS
        on_call = approved and entry.kind == RotaEntry.Kind.ON_CALL_TEAM
        a, b = entry.starts_at, entry.ends_at
        for n in _days_touched(bounds, a, b):
            day, d0, d1 = days[n], bounds[n], bounds[n + 1]
            day.pieces[midwife.pk].append(
                Piece(
                    entry,
                    max(a, d0).astimezone(local),
                    min(b, d1).astimezone(local),
                    a < d0,
                    b > d1,
                )
            )
            if away and midwife not in day.away:
                day.away.append(midwife)
            if on_call and midwife not in day.on_call:
                day.on_call.append(midwife)
    found = team_gaps(team, start, end)
    for gap in found:
        for n in _days_touched(bounds, gap.start, gap.end):
            d0, d1 = bounds[n], bounds[n + 1]
            days[n].gaps.append(
                GapPiece(
                    max(gap.start, d0).astimezone(local),
                    min(gap.end, d1).astimezone(local),
                    len(gap.women),
                    gap.team_uncovered,
                )
            )
    return Calendar(team, first, last, days, midwives, len(found))


def team_gaps(team: Team, start: datetime, end: datetime) -> tuple[engine.Gap, ...]:
    if team.care_model != Team.Model.CONTINUITY:
        return ()  # a traditional team plans for the triage line out of hours: never a gap
    women, people = engine_io.open_women([team])
    rota = engine_io.rota_for([team], start, end, people=people)
    # The rota also holds other teams (a buddy or cover from elsewhere): only this team's gaps.
    return tuple(g for g in Index(rota).gaps(women, start, end) if g.team == team.local_id)


# -- leave ------------------------------------------------------------------------------------


def pending_requests(user: Any) -> list[RotaEntry]:
    return list(
        RotaEntry.objects.live()
        .filter(
            midwife__team__in=managed_teams(user),
            kind__in=RotaEntry.ABSENCE_KINDS,
            status=RotaEntry.Status.REQUESTED,
        )
        .select_related("midwife__user", "midwife__team")
        .order_by("starts_at", "pk")
    )


def open_flags(team: Team) -> list[VisitFlag]:
    """Planned visits flagged to move because their midwife will be away, soonest first."""
    return list(
        VisitFlag.objects.filter(
            midwife__team=team,
            resolved_at__isnull=True,
            contact__scheduled_start__gte=timezone.now(),
        )
        .select_related("contact__pregnancy__woman", "midwife__user")
        .order_by("contact__scheduled_start", "pk")
    )


def request_for(user: Any, pk: int) -> RotaEntry:
    """A leave request the user decides on; 404 otherwise."""
    entry = (
        RotaEntry.objects.live()
        .filter(pk=pk, midwife__team__in=managed_teams(user), kind__in=RotaEntry.ABSENCE_KINDS)
        .select_related("midwife__user", "midwife__team", "midwife__buddy__user")
        .first()
    )
    if entry is None:
        raise Http404
    return entry  # type: ignore[no-any-return]


def entry_for(user: Any, pk: int) -> RotaEntry:
    """A shift, on-call or call-out of a team the user manages; 404 otherwise."""
    entry = (
        RotaEntry.objects.live()
        .filter(pk=pk, midwife__team__in=managed_teams(user))
        .exclude(kind__in=RotaEntry.ABSENCE_KINDS)
        .select_related("midwife__user", "midwife__team")
        .first()
    )
    if entry is None:
        raise Http404
    return entry  # type: ignore[no-any-return]


def my_absences(midwife: Midwife) -> list[RotaEntry]:
    since = timezone.now() - timedelta(days=90)
    return list(
        RotaEntry.objects.live()
        .filter(midwife=midwife, kind__in=RotaEntry.ABSENCE_KINDS, ends_at__gt=since)
        .select_related("decided_by")
        .order_by("starts_at")
    )


def my_entry(midwife: Midwife, pk: int) -> RotaEntry:
    entry = RotaEntry.objects.live().filter(pk=pk, midwife=midwife).first()
    if entry is None:
        raise Http404
    return entry  # type: ignore[no-any-return]


def upcoming(midwife: Midwife, days: int = 28) -> list[RotaEntry]:
    now = timezone.now()
    return list(
        RotaEntry.objects.live()
        .filter(
            midwife=midwife,
            status__in=SHOWN_STATUSES,
            ends_at__gt=now,
            starts_at__lt=now + timedelta(days=days),
        )
        .order_by("starts_at", "pk")
    )


def cover_choices(entry: RotaEntry) -> list[Midwife]:
    first = local_date(entry.starts_at)
    last = local_date(entry.ends_at - timedelta(seconds=1))
    return [
        m
        for m in team_midwives(entry.midwife.team, first, last)
        if m.pk != entry.midwife_id and m.is_active_on(first) and m.is_active_on(last)
    ]


def default_cover(entry: RotaEntry, choices: list[Midwife]) -> Midwife | None:
    """Her buddy, unless the buddy is away for any of the time; then the first colleague who
    is not."""
    away = set(
        RotaEntry.objects.live()
        .filter(
            midwife__in=choices,
            kind__in=RotaEntry.ABSENCE_KINDS,
            status=RotaEntry.Status.APPROVED,
            starts_at__lt=entry.ends_at,
            ends_at__gt=entry.starts_at,
        )
        .values_list("midwife_id", flat=True)
    )
    free = [m for m in choices if m.pk not in away]
    buddy = entry.midwife.buddy
    if buddy is not None and any(m.pk == buddy.pk for m in free):
        return buddy
    return free[0] if free else (choices[0] if choices else None)


@dataclass
class AffectedWoman:
    assignment: Assignment
    due_in_window: bool
    hours: dict[str, float]  # hours of the absence answered at each step of her chain
    new_gap_hours: float
    visits: int


@dataclass
class Preview:
    entry: RotaEntry
    covering: Midwife | None
    women: list[AffectedWoman]
    visits: list[Contact]
    new_gaps: list[tuple[datetime, datetime, int]]  # local start, end, women affected
    warnings: list[engine.WorkingTimeWarning]
    names: dict[str, str]


def _gap_intervals(segments: tuple[engine.Segment, ...]) -> list[tuple[datetime, datetime]]:
    return [(s.start, s.end) for s in segments if s.gap]


def _subtract(
    after: list[tuple[datetime, datetime]], before: list[tuple[datetime, datetime]]
) -> list[tuple[datetime, datetime]]:
    out: list[tuple[datetime, datetime]] = []
    for a0, a1 in after:
        pieces = [(a0, a1)]
        for b0, b1 in before:
            pieces = [
                p for s, e in pieces for p in ((s, min(e, b0)), (max(s, b1), e)) if p[1] > p[0]
            ]
        out.extend(pieces)
    return out


def leave_preview(entry: RotaEntry, covering: Midwife | None) -> Preview:
    """What approving this absence would do: who covers each of her women, the visits to move,
    and any gap or rest-rule warning — worked out by the same engine as the live answer."""
    away = entry.midwife
    team = away.team
    start, end = entry.starts_at, entry.ends_at
    assignments = engine_io.open_assignments([team])
    extra_cover = (
        [CoverArrangement(covering=covering, covered=away, starts_at=start, ends_at=end)]
        if covering is not None
        else []
    )
    approved = RotaEntry(
        pk=entry.pk,
        midwife=away,
        kind=entry.kind,
        starts_at=start,
        ends_at=end,
        status=RotaEntry.Status.APPROVED,
    )
    before_rota = engine_io.rota_for([team], start, end, assignments=assignments)
    after_rota = engine_io.rota_for(
        [team],
        start,
        end,
        assignments=assignments,
        extra_entries=[] if entry.status == RotaEntry.Status.APPROVED else [approved],
        extra_arrangements=extra_cover,
    )
    before, after = Index(before_rota), Index(after_rota)
    names = {m.id: m.name for m in after_rota.midwives}
    visits = visits_during(away, max(start, timezone.now()), end)
    visit_count: dict[int, int] = defaultdict(int)
    for contact in visits:
        visit_count[contact.pregnancy_id] += 1
    mine = [a for a in assignments if away.pk in (a.named_midwife_id, a.buddy_id)]
    women: list[AffectedWoman] = []
    new_gaps: list[tuple[datetime, datetime]] = []
    first, last = local_date(start), local_date(end - timedelta(seconds=1))
    for a in mine:
        woman = engine_io.engine_woman(a)
        segs = after.timeline(woman, start, end)
        hours: dict[str, float] = defaultdict(float)
        for s in segs:
            hours[s.step.value] += (s.end - s.start).total_seconds() / 3600
        gained = _subtract(_gap_intervals(segs), _gap_intervals(before.timeline(woman, start, end)))
        new_gaps.extend(gained)
        if a.named_midwife_id == away.pk:
            edd = a.pregnancy.edd
            women.append(
                AffectedWoman(
                    a,
                    first - timedelta(days=14) <= edd <= last + timedelta(days=14),
                    dict(hours),
                    round(sum((e - s).total_seconds() for s, e in gained) / 3600, 1),
                    visit_count[a.pregnancy_id],
                )
            )
    women.sort(key=lambda w: w.assignment.pregnancy.edd)
    # Gaps gained, merged into intervals with how many women each touches.
    merged: dict[tuple[datetime, datetime], int] = defaultdict(int)
    for s, e in new_gaps:
        merged[(s, e)] += 1
    gap_rows = [
        (timezone.localtime(s), timezone.localtime(e), n) for (s, e), n in sorted(merged.items())
    ]
    checked = {covering.professional_id} if covering else set()
    warnings = [
        w
        for w in check_working_time(
            after_rota, day_start(monday_of(first)), end + timedelta(days=7)
        )
        if w.midwife in checked
    ]
    return Preview(entry, covering, women, visits, gap_rows, warnings, names)


# -- the midwife's own lists ------------------------------------------------------------------


@dataclass
class Covering:
    arrangement: CoverArrangement
    women: list[Assignment]
    current: bool


def covering_list(midwife: Midwife, now: datetime | None = None, days: int = 28) -> list[Covering]:
    """Arrangements in which she covers a colleague's women, now or in the next four weeks."""
    now = now or timezone.now()
    rows = (
        CoverArrangement.objects.live()
        .filter(covering=midwife, ends_at__gt=now, starts_at__lt=now + timedelta(days=days))
        .select_related("covered__user")
        .order_by("starts_at")
    )
    return [
        Covering(arr, named_women(arr.covered), arr.starts_at <= now < arr.ends_at) for arr in rows
    ]


def next_day_visits(entry: RotaEntry) -> list[tuple[Contact, Midwife | None]]:
    """After a call-out: her visits on the following day (the same day if it ended before
    noon), each with the midwife proposed to take it — the woman's buddy, else the named
    midwife's buddy partner."""
    ended = timezone.localtime(entry.ends_at)
    day = ended.date() if ended.hour < 12 else ended.date() + timedelta(days=1)
    d0, d1 = day_bounds(day, day)
    visits = visits_during(entry.midwife, max(d0, timezone.now()), d1)
    out: list[tuple[Contact, Midwife | None]] = []
    for contact in visits:
        current = current_assignment(contact.pregnancy)
        proposed = None
        if current is not None:
            for who in (current.buddy, current.named_midwife, entry.midwife.buddy):
                if who is not None and who.pk != entry.midwife_id:
                    proposed = who
                    break
        out.append((contact, proposed))
    return out


# -- the woman's contact card -----------------------------------------------------------------


@dataclass
class Contactable:
    step: engine.Step
    midwife: Midwife | None
    phone: str


@dataclass
class Card:
    now: Contactable
    next: Contactable | None
    next_at: datetime | None
    triage_phone: str
    site_name: str


def contact_card(pregnancy: Pregnancy, at: datetime | None = None) -> Card | None:
    """Who she should call now, and when the next person takes over."""
    at = at or timezone.now()
    assignment = current_assignment(pregnancy)
    if assignment is None or pregnancy.status not in Pregnancy.ACTIVE_STATUSES:
        return None
    team = assignment.team
    rota = engine_io.rota_for([team], at, at + timedelta(days=7), assignments=[assignment])
    index = Index(rota)
    segments = index.timeline(engine_io.engine_woman(assignment), at, at + timedelta(days=7))
    by_id = _card_midwives(assignment, [s.midwife for s in segments[:2] if s.midwife])
    site = pregnancy.hospital_of_choice or team.home_site
    triage = site.triage_phone if site else ""

    def person(segment: engine.Segment) -> Contactable:
        mw = by_id.get(segment.midwife or "")
        return Contactable(segment.step, mw, mw.phone if mw and mw.phone else triage)

    following = segments[1] if len(segments) > 1 else None
    return Card(
        person(segments[0]),
        person(following) if following else None,
        timezone.localtime(following.start) if following else None,
        triage,
        site.name if site else "",
    )


def _card_midwives(assignment: Assignment, wanted: list[str]) -> dict[str, Midwife]:
    """The card's midwives by professional id, with their users (the card shows their names).
    Her named midwife and buddy come with her assignment; only anyone else is read."""
    known = {
        m.professional_id: m for m in (assignment.named_midwife, assignment.buddy) if m is not None
    }
    found = {pid: known[pid] for pid in wanted if pid in known}
    missing = [pid for pid in wanted if pid not in found]
    if missing:
        found.update(
            (m.professional_id, m)
            for m in Midwife.objects.filter(professional_id__in=missing)
            .select_related("user")
            .order_by()  # into a dict: no ORDER BY to compile
        )
    return found


# -- forecasts and rest rules -----------------------------------------------------------------


def on_call_forecast(
    team: Team, today: date, weeks: int = 8
) -> tuple[list[date], list[dict[str, Any]]]:
    assignments = engine_io.open_assignments([team])
    pregnancies = [
        engine.Pregnancy(
            id=str(a.pregnancy_id),
            edd=a.pregnancy.edd,
            named=a.named_midwife.professional_id if a.named_midwife else None,
            buddy=a.buddy.professional_id if a.buddy else None,
            born=a.pregnancy.status == "postnatal",
        )
        for a in assignments
    ]
    loads = forecast(pregnancies, today, weeks)
    midwives = {m.professional_id: m for m in team_midwives(team, today, today)}
    mondays = sorted({w.week_start for w in loads})
    rows: dict[str, dict[str, Any]] = {}
    for w in loads:
        if w.midwife not in midwives:
            continue
        row = rows.setdefault(w.midwife, {"midwife": midwives[w.midwife], "weeks": {}})
        row["weeks"][w.week_start] = w
    ordered = sorted(rows.values(), key=lambda r: (r["midwife"].user.last_name, r["midwife"].pk))
    return mondays, ordered


def rest_warnings(
    team: Team, today: date, weeks_back: int = 17, weeks_ahead: int = 4
) -> list[engine.WorkingTimeWarning]:
    start = day_start(monday_of(today) - timedelta(weeks=weeks_back))
    end = day_start(monday_of(today) + timedelta(weeks=weeks_ahead))
    rota = engine_io.rota_for([team], start, end, lookback=timedelta(0))
    members = {m.professional_id for m in team_midwives(team, today, today)}
    return [w for w in check_working_time(rota, start, end) if w.midwife in members]


def touches_night(entry: RotaEntry) -> bool:
    """Whether a call-out reached into the legal night, so rest is owed after it."""
    policy = engine.Policy()
    return _touches_night(
        int(entry.starts_at.timestamp()),
        int(entry.ends_at.timestamp()),
        ZoneInfo(policy.timezone),
        policy.night_start_hour,
        policy.night_end_hour,
    )
