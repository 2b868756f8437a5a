"""What the week planner shows: the latest draft against the visits as they stand, so the
leader sees exactly what publishing would change."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.http import Http404

from continuity.cover.clock import day_bounds
from continuity.organisations.models import Team
from continuity.pregnancies.models import Contact, Pregnancy
from continuity.visits.models import MoveRequest, WeekPlan
from continuity.workforce.models import Midwife


@dataclass
class Row:
    start: datetime | None
    pregnancy: Pregnancy
    kind: str
    midwife: Midwife | None
    rank: int | None
    in_preferred: bool
    change: str  # new | moved | reassigned | moved_reassigned | same | unplanned
    was: datetime | None
    was_midwife: Midwife | None
    reason: str
    requested: bool


@dataclass
class Review:
    draft: WeekPlan | None
    published: WeekPlan | None
    days: dict[date, list[Row]] = field(default_factory=dict)
    unplanned: list[Row] = field(default_factory=list)
    current: dict[date, list[Contact]] = field(default_factory=dict)
    requests: list[MoveRequest] = field(default_factory=list)
    women_ids: list[int] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return sum(1 for rows in self.days.values() for r in rows if r.change != "same")


def draft_for(team: Team, pk: int) -> WeekPlan:
    plan = WeekPlan.objects.filter(pk=pk, team=team).first()
    if plan is None:
        raise Http404
    return plan  # type: ignore[no-any-return]


def review(team: Team, monday: date) -> Review:
    plans = WeekPlan.objects.filter(team=team, week_start=monday)
    draft = plans.filter(status=WeekPlan.Status.DRAFT).first()
    published = plans.filter(status=WeekPlan.Status.PUBLISHED).first()
    start, end = day_bounds(monday, monday + timedelta(days=6))
    out = Review(draft, published)
    out.requests = list(
        MoveRequest.objects.filter(status=MoveRequest.Status.OPEN, contact__team=team)
        .select_related("contact__pregnancy__woman")
        .order_by("asked_at")
    )
    requested = {r.contact_id for r in out.requests}
    if draft is None:
        for c in (
            Contact.objects.live()
            .filter(team=team, scheduled_start__gte=start, scheduled_start__lt=end)
            .select_related("pregnancy__woman")
            .prefetch_related("activities__midwife__user")
            .order_by("scheduled_start")
        ):
            out.current.setdefault(c.scheduled_start.astimezone(start.tzinfo).date(), []).append(c)
            out.women_ids.append(c.pregnancy.woman_id)
        out.women_ids += [r.contact.pregnancy.woman_id for r in out.requests]
        return out
    items = draft.items
    pregnancies = Pregnancy.objects.select_related("woman").in_bulk({i["pregnancy"] for i in items})
    midwives = {
        m.professional_id: m
        for m in Midwife.objects.select_related("user").filter(
            professional_id__in={i["midwife"] for i in items if i["midwife"]}
        )
    }
    contacts = Contact.objects.prefetch_related("activities__midwife__user").in_bulk(
        {i["contact"] for i in items if i["contact"]}
    )
    days: dict[date, list[Row]] = defaultdict(list)
    for i in items:
        contact = contacts.get(i["contact"]) if i["contact"] else None
        was = contact.scheduled_start if contact else None
        lead = (
            next((a.midwife for a in contact.activities.all() if a.is_lead), None)
            if contact
            else None
        )
        midwife = midwives.get(i["midwife"]) if i["midwife"] else None
        at = datetime.fromisoformat(i["start"]) if i["start"] else None
        if at is None:
            change = "unplanned"
        elif contact is None:
            change = "new"
        else:
            moved = was != at
            reassigned = lead is None or midwife is None or lead.pk != midwife.pk
            change = (
                "moved_reassigned"
                if moved and reassigned
                else "moved"
                if moved
                else "reassigned"
                if reassigned
                else "same"
            )
        row = Row(
            at,
            pregnancies[i["pregnancy"]],
            i["kind"],
            midwife,
            i["rank"],
            i["in_preferred"],
            change,
            was,
            lead,
            i["reason"],
            i["contact"] in requested,
        )
        out.women_ids.append(row.pregnancy.woman_id)
        if at is None:
            out.unplanned.append(row)
        else:
            days[at.astimezone(start.tzinfo).date()].append(row)
    out.days = {
        d: sorted(rows, key=lambda r: (r.start, r.midwife.pk if r.midwife else 0))
        for d, rows in sorted(days.items())
    }
    out.women_ids += [r.contact.pregnancy.woman_id for r in out.requests]
    return out
