"""Live, for each woman on a continuity pathway: her share of visits with her named midwife or
team so far, and whether she is still on track for the national 70% rule.

The national measure (`COC_receiving_ongoing`) looks back once she is discharged: at least 70% of
her distinct attended contacts from the care-plan date on must be by the named professional or
the named team. Here the same count is kept while there is still time to act:

- **on track**: at least 70% now;
- **at risk**: below 70% now, but the visits still to come (guideline contacts whose target date
  is today or later) could bring her to 70% if each is with her named midwife or team;
- **cannot reach 70%**: even then she would be below it; the plan needs changing, not a visit;
- **no visits yet**: nothing counted so far.

Counts are compared in whole numbers (10 × with-named ≥ 7 × all), never in floating point.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from continuity.engines.schedule import (
    Schedule,
    ScheduleSettings,
    due_contacts,
    load_schedule,
)
from continuity.organisations.models import Team
from continuity.pregnancies.models import (
    Assignment,
    CarePlanRecord,
    Contact,
    ContactProfessional,
    Pregnancy,
)
from continuity.visits.engine_io import pregnancy_facts, schedule_name, schedule_settings

ATTENDED = ("5", "6")
ON_TRACK, AT_RISK, CANNOT_REACH, NO_VISITS = "on_track", "at_risk", "cannot_reach", "no_visits"
STATUSES = (CANNOT_REACH, AT_RISK, NO_VISITS, ON_TRACK)


@dataclass(frozen=True)
class Share:
    pregnancy: Pregnancy
    plan: CarePlanRecord  # the care plan that put her on the pathway
    attended: int  # distinct attended contacts since the plan date
    with_named: int  # of which by the named professional or the named team
    to_come: int  # guideline contacts still to come
    status: str

    @property
    def percent(self) -> float | None:
        return None if self.attended == 0 else 100.0 * self.with_named / self.attended

    @property
    def best_percent(self) -> float | None:
        total = self.attended + self.to_come
        return None if total == 0 else 100.0 * (self.with_named + self.to_come) / total


def status_for(attended: int, with_named: int, to_come: int) -> str:
    if attended == 0:
        return NO_VISITS
    if 10 * with_named >= 7 * attended:
        return ON_TRACK
    if 10 * (with_named + to_come) >= 7 * (attended + to_come):
        return AT_RISK
    return CANNOT_REACH


def pathway_plan(plans: Iterable[CarePlanRecord]) -> CarePlanRecord | None:
    """Her latest antenatal plan with the indicator recorded, if it puts her on the pathway."""
    latest = None
    for plan in plans:
        usable = plan.plan_type == "05" and plan.coc_pathway and plan.voided_at is None
        if usable and (latest is None or (plan.plan_date, plan.pk) > (latest.plan_date, latest.pk)):
            latest = plan
    return latest if latest is not None and latest.is_on_pathway else None


def _pregnancies(qs: QuerySet[Pregnancy]) -> QuerySet[Pregnancy]:
    return (
        qs.filter(status__in=Pregnancy.ACTIVE_STATUSES)
        .select_related("woman", "labour")
        .prefetch_related(
            Prefetch(
                "care_plans",
                queryset=CarePlanRecord.objects.live().filter(plan_type="05"),
                to_attr="antenatal_plans",
            ),
            Prefetch(
                "contacts",
                queryset=Contact.objects.live()
                .filter(attendance__in=ATTENDED)
                .prefetch_related(
                    Prefetch(
                        "activities",
                        queryset=ContactProfessional.objects.only(
                            "contact_id", "midwife_id", "team_id"
                        ),
                    )
                ),
                to_attr="attended_contacts",
            ),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(ends_at__isnull=True).select_related(
                    "named_midwife__user"
                ),
                to_attr="open_assignments",
            ),
        )
        .order_by("edd", "pk")
    )


def shares(qs: QuerySet[Pregnancy], today: date | None = None) -> list[Share]:
    """Each woman in `qs` on a continuity pathway now, with her share and status."""
    today = today or timezone.localdate()
    schedule = load_schedule(schedule_name())
    conf = schedule_settings()
    out: list[Share] = []
    for p in _pregnancies(qs):
        share = _share(p, p.antenatal_plans, p.attended_contacts, schedule, conf, today)
        if share is not None:
            out.append(share)
    return out


def _share(
    p: Pregnancy,
    antenatal_plans: Iterable[CarePlanRecord],
    attended_contacts: Iterable[Contact],
    schedule: Schedule,
    conf: ScheduleSettings,
    today: date,
) -> Share | None:
    """Her share from her live antenatal plans and live attended contacts (with `activities`)."""
    plan = pathway_plan(antenatal_plans)
    if plan is None:
        return None
    attended = with_named = 0
    for c in attended_contacts:
        if timezone.localtime(c.actual_start or c.scheduled_start).date() < plan.plan_date:
            continue
        attended += 1
        if any(
            a.midwife_id == plan.professional_id or a.team_id == plan.team_id
            for a in c.activities.all()
        ):
            with_named += 1
    labour = getattr(p, "labour", None)
    facts = pregnancy_facts(p, labour)
    to_come = sum(1 for d in due_contacts(facts, schedule, conf, today) if d.target >= today)
    return Share(p, plan, attended, with_named, to_come, status_for(attended, with_named, to_come))


def team_shares(team: Team, today: date | None = None) -> list[Share]:
    qs = Pregnancy.objects.filter(assignments__team=team, assignments__ends_at__isnull=True)
    return shares(qs.distinct(), today)


def pregnancy_share(
    pregnancy: Pregnancy,
    today: date | None = None,
    *,
    plans: Iterable[CarePlanRecord] | None = None,
    contacts: Iterable[Contact] | None = None,
) -> Share | None:
    """Her share now. Pass her live care plans and live contacts (with `activities` prefetched)
    when they are already read, and nothing more is read from the database."""
    if plans is None or contacts is None:
        found = shares(Pregnancy.objects.filter(pk=pregnancy.pk), today)
        return found[0] if found else None
    if pregnancy.status not in Pregnancy.ACTIVE_STATUSES:
        return None
    today = today or timezone.localdate()
    return _share(
        pregnancy,
        [p for p in plans if p.plan_type == "05" and p.voided_at is None],
        [c for c in contacts if c.attendance in ATTENDED and c.voided_at is None],
        load_schedule(schedule_name()),
        schedule_settings(),
        today,
    )


def by_status(items: list[Share]) -> dict[str, list[Share]]:
    grouped: dict[str, list[Share]] = {s: [] for s in STATUSES}
    for item in items:
        grouped[item.status].append(item)
    return grouped
