"""The week planner's writes: run the engine into a draft, publish it (write the visits), or
discard it. Each is atomic and audited; publishing a stale draft is refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.core.audit import audit
from continuity.engines import routing
from continuity.notifications.reminders import refresh_visit_reminder
from continuity.organisations.models import Team
from continuity.pregnancies.actions import ActionError, StaleRecord
from continuity.pregnancies.models import Contact, ContactProfessional
from continuity.visits import engine_io
from continuity.visits.models import MoveRequest, WeekPlan
from continuity.workforce.models import Midwife


def run_planner(
    *,
    by: User,
    team: Team,
    monday: date,
    now: datetime | None = None,
    seconds: float | None = None,
) -> WeekPlan:
    """Plan the team's week with the routing engine and keep it as a draft to review."""
    if monday.weekday() != 0:
        raise ActionError(_("A week starts on a Monday"))
    week = engine_io.build_week(team, monday, now, seconds=seconds)
    try:
        plan = routing.solve(week.problem)
    except routing.RoutingInputError as exc:  # data the engine cannot plan with: say what
        raise ActionError(_("The week could not be planned: %(why)s") % {"why": exc}) from exc
    items, summary = engine_io.plan_items(week, plan)
    with transaction.atomic():
        WeekPlan.objects.filter(team=team, week_start=monday, status=WeekPlan.Status.DRAFT).update(
            status=WeekPlan.Status.DISCARDED
        )
        draft = WeekPlan.objects.create(
            team=team,
            week_start=monday,
            items=items,
            summary=summary,
            solver=plan.solver,
            created_at=timezone.now(),
            created_by=by,
        )
        audit(by=by, action="visits.plan_week", obj=draft, changes=summary["counts"])
    return draft


@dataclass(frozen=True)
class Published:
    plan: WeekPlan
    created: int
    moved: int
    answered: int


@transaction.atomic
def publish(*, by: User, plan: WeekPlan, version: int) -> Published:
    """Write the draft: move or reassign existing visits, book new ones. Visits that changed
    since the draft was made (recorded, cancelled, confirmed, moved) are left alone."""
    locked = WeekPlan.objects.select_for_update().get(pk=plan.pk)
    if locked.version != version or locked.status != WeekPlan.Status.DRAFT:
        raise StaleRecord(
            _("This plan has changed since you opened it. Plan the week again."), record=locked
        )
    midwives = {
        m.professional_id: m
        for m in Midwife.objects.filter(professional_id__in={i["midwife"] for i in locked.items})
    }
    created = moved = answered = 0
    now = timezone.now()
    for item in locked.items:
        if item["midwife"] is None:
            continue
        midwife = midwives[item["midwife"]]
        start = datetime.fromisoformat(item["start"])
        if item["contact"] is None:
            contact = Contact.objects.create(
                pregnancy_id=item["pregnancy"],
                kind=item["kind"],
                scheduled_start=start,
                duration_minutes=item["duration"],
                location=Contact.Location.HOME,
                team=locked.team,
                schedule_code=item["code"],
            )
            ContactProfessional.objects.create(contact=contact, midwife=midwife, team=midwife.team)
            created += 1
            continue
        contact = Contact.objects.select_for_update().filter(pk=item["contact"]).first()
        if contact is None or contact.attendance != "0" or contact.cancelled_at is not None:
            continue
        lead = contact.activities.filter(is_lead=True).first()
        if contact.scheduled_start == start and lead is not None and lead.midwife_id == midwife.pk:
            continue
        before = {
            "start": contact.scheduled_start.isoformat(),
            "lead": lead.midwife_id if lead else None,
        }
        contact.scheduled_start = start
        contact.version += 1
        contact.updated_at = now
        contact.save(update_fields=["scheduled_start", "version", "updated_at"])
        if lead is None or lead.midwife_id != midwife.pk:
            contact.activities.filter(is_lead=True).delete()
            ContactProfessional.objects.filter(contact=contact, midwife=midwife).delete()
            ContactProfessional.objects.create(contact=contact, midwife=midwife, team=midwife.team)
        audit(by=by, action="visit.replan", obj=contact, changes={**before, "after": item["start"]})
        refresh_visit_reminder(contact.pk, by=by, now=now)
        moved += 1
        for request in MoveRequest.objects.filter(contact=contact, status=MoveRequest.Status.OPEN):
            request.status = MoveRequest.Status.DONE
            request.answered_at = now
            request.answered_by = by
            request.answer = start.isoformat()
            request.save(update_fields=["status", "answered_at", "answered_by", "answer"])
            answered += 1
    WeekPlan.objects.filter(
        team=locked.team, week_start=locked.week_start, status=WeekPlan.Status.PUBLISHED
    ).update(status=WeekPlan.Status.DISCARDED)
    locked.status = WeekPlan.Status.PUBLISHED
    locked.published_at = now
    locked.published_by = by
    locked.version += 1
    locked.save(update_fields=["status", "published_at", "published_by", "version"])
    audit(
        by=by,
        action="visits.publish_week",
        obj=locked,
        changes={"created": created, "moved": moved, "requests_answered": answered},
    )
    return Published(locked, created, moved, answered)
