"""Reads for allocation, scoped to the teams a user may allocate for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404

from continuity.accounts.models import Role
from continuity.allocation import engine_io
from continuity.allocation.models import AllocationDecision
from continuity.organisations.models import Team
from continuity.pregnancies.models import Assignment, Pregnancy
from continuity.pregnancies.queries import visible_pregnancies
from continuity.workforce.models import Midwife

CLOSED_KINDS = (AllocationDecision.Kind.DECLINED, AllocationDecision.Kind.NOT_OFFERED)


def allocating_teams(user: Any) -> QuerySet[Team]:
    """Continuity teams this user allocates for: a team leader's own, a manager's teams."""
    teams = Team.objects.filter(care_model=Team.Model.CONTINUITY)
    if not (user.is_authenticated and user.is_active):
        return teams.none()
    if user.role == Role.SERVICE_MANAGER:
        return teams.filter(managers=user).order_by("name")
    midwife = getattr(user, "midwife", None)
    if user.role == Role.TEAM_LEADER and midwife is not None:
        return teams.filter(pk=midwife.team_id)
    return teams.none()


def team_for(user: Any, local_id: str | None) -> Team:
    """The team named in the URL if the user allocates for it; her first team if none; else 404."""
    teams = allocating_teams(user)
    team = teams.filter(local_id=local_id).first() if local_id else teams.first()
    if team is None:
        raise Http404
    return team


def teams_and_team(user: Any, local_id: str | None) -> tuple[list[Team], Team]:
    """The teams this user allocates for, and `team_for`'s team picked from them: one read for
    pages that show both (the team switcher)."""
    teams = list(allocating_teams(user))
    if local_id:
        team = next((t for t in teams if t.local_id == local_id), None)
    else:
        team = teams[0] if teams else None
    if team is None:
        raise Http404
    return teams, team


def queue(user: Any, team: Team) -> list[Pregnancy]:
    """Active pregnancies booked into the team with no named midwife and no decision yet."""
    waiting = Assignment.objects.filter(
        pregnancy=OuterRef("pk"), ends_at__isnull=True, team=team, named_midwife__isnull=True
    )
    closed = AllocationDecision.objects.filter(pregnancy=OuterRef("pk"), kind__in=CLOSED_KINDS)
    return list(
        visible_pregnancies(user)
        .filter(Exists(waiting), status__in=Pregnancy.ACTIVE_STATUSES)
        .exclude(Exists(closed))
        .select_related("woman")
        .order_by("booking_date", "edd", "pk")
    )


def queue_item(waiting: list[Pregnancy], ref: Any) -> Pregnancy:
    """One pregnancy from a queue already read with `queue`, or 404."""
    for p in waiting:
        if str(p.ref) == str(ref):
            return p
    raise Http404


def queue_counts(user: Any) -> dict[int, int]:
    """Team id -> women waiting, for the teams the user allocates for."""
    teams = allocating_teams(user)
    closed = AllocationDecision.objects.filter(
        pregnancy=OuterRef("pregnancy"), kind__in=CLOSED_KINDS
    )
    rows = (
        Assignment.objects.filter(
            team__in=teams,
            ends_at__isnull=True,
            named_midwife__isnull=True,
            pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
        )
        .exclude(Exists(closed))
        .values_list("team")
        .annotate(n=Count("id"))
        .order_by()
    )
    return dict(rows)


def midwife_choices(team: Team, today: date) -> list[Midwife]:
    return engine_io.team_midwives(team, today)


@dataclass(frozen=True)
class CapacityRow:
    midwife: Midwife
    limit: int  # births a month she may be named midwife for
    named: tuple[int, ...]  # per month
    buddy: tuple[int, ...]
    active: int

    @property
    def cells(self) -> list[tuple[int, int, bool]]:
        return [(n, b, n > self.limit) for n, b in zip(self.named, self.buddy, strict=True)]


@dataclass(frozen=True)
class Capacity:
    months: tuple[date, ...]
    rows: tuple[CapacityRow, ...]
    named_totals: tuple[int, ...]
    limit_totals: tuple[int, ...]


def capacity(team: Team, today: date, months: int = 10) -> Capacity:
    """Midwife × due month: births due as named midwife (and as buddy) against her limit."""
    firsts = []
    year, month = today.year, today.month
    for _ in range(months):
        firsts.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    index = {(d.year, d.month): i for i, d in enumerate(firsts)}
    midwives = engine_io.team_midwives(team, today)
    pol = engine_io.policy()
    active = Assignment.objects.filter(
        Q(named_midwife__in=midwives) | Q(buddy__in=midwives),
        ends_at__isnull=True,
        pregnancy__status__in=Pregnancy.ACTIVE_STATUSES,
    ).values_list("named_midwife_id", "buddy_id", "pregnancy__edd")
    named = {m.pk: [0] * months for m in midwives}
    buddy = {m.pk: [0] * months for m in midwives}
    counts = dict.fromkeys(named, 0)
    for named_id, buddy_id, edd in active:
        i = index.get((edd.year, edd.month))
        if named_id in named:
            counts[named_id] += 1
            if i is not None:
                named[named_id][i] += 1
        if buddy_id in buddy and i is not None:
            buddy[buddy_id][i] += 1
    rows = tuple(
        CapacityRow(
            midwife=m,
            limit=engine_io.monthly_limit(m, pol),
            named=tuple(named[m.pk]),
            buddy=tuple(buddy[m.pk]),
            active=counts[m.pk],
        )
        for m in midwives
    )
    return Capacity(
        months=tuple(firsts),
        rows=rows,
        named_totals=tuple(sum(r.named[i] for r in rows) for i in range(months)),
        limit_totals=tuple(sum(r.limit for r in rows) for _ in range(months)),
    )


def handover_midwives(team: Team, today: date) -> list[Midwife]:
    return engine_io.team_midwives(team, today)


def decisions_for(pregnancy: Pregnancy) -> QuerySet[AllocationDecision]:
    return pregnancy.allocation_decisions.select_related(
        "named_midwife__user", "buddy__user", "decided_by", "team"
    )
