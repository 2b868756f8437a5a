"""Caseload lists, built on the scoped pregnancy queries with a fixed number of database queries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from continuity.engines import equity
from continuity.organisations.models import Team
from continuity.plans import headings as plan_headings
from continuity.plans import queries as plan_queries
from continuity.plans.models import PlanSection
from continuity.pregnancies.models import Assignment, CarePlanRecord, Contact, Pregnancy
from continuity.pregnancies.models.care import YesNo
from continuity.pregnancies.queries import visible_pregnancies
from continuity.referrals.models import Referral
from continuity.referrals.queries import overdue as referral_overdue
from continuity.workforce.models import Midwife


@dataclass(frozen=True)
class CaseloadRow:
    pregnancy: Pregnancy
    ga_days: int
    postnatal_day: int | None  # days since birth, for postnatal women
    next_contact: datetime | None
    coc_status: str  # "on_pathway" | "not_on_pathway" | "not_recorded"
    flags: tuple[str, ...]
    named_midwife: Midwife | None
    buddy: Midwife | None

    @property
    def woman(self) -> Any:
        return self.pregnancy.woman


SORT_KEYS = {
    "name": lambda r: (r.woman.family_name.lower(), r.woman.given_name.lower()),
    "gestation": lambda r: (r.postnatal_day is not None, -r.ga_days),
    "edd": lambda r: r.pregnancy.edd,
    "next_contact": lambda r: (r.next_contact is None, r.next_contact or timezone.now()),
    "status": lambda r: r.coc_status,
}


# Only the columns the caseload lists, their sort keys and flags read.
PREGNANCY_FIELDS = (
    "woman",
    "booking_date",
    "ga_at_booking_days",
    "edd",
    "status",
    "risk",
    "woman__ref",
    "woman__given_name",
    "woman__family_name",
    "woman__imd_decile",
    "woman__ethnic_category",
    "woman__interpreter_needed",
    "woman__plus_groups",
    "labour__birth_at",
    "labour__voided_at",
)
REFERRAL_FIELDS = (
    "pregnancy_id",
    "status",
    "urgency",
    "requested_at",
    "accepted_at",
    "appointment_at",
    "attended_at",
)
MIDWIFE_FIELDS = (
    "user",
    "user__username",
    "user__first_name",
    "user__last_name",
    "user__display_name",
)


def _annotated(qs: QuerySet[Pregnancy], now: datetime) -> QuerySet[Pregnancy]:
    """Her next contact, her current named midwife and buddy (one open assignment each), and
    whether her latest antenatal plan with a continuity indicator puts her on the pathway
    (`CarePlanRecord.is_on_pathway`; None when no plan records it)."""
    next_contact = (
        Contact.objects.filter(
            pregnancy=OuterRef("pk"),
            voided_at__isnull=True,
            attendance="0",
            cancelled_at__isnull=True,
            scheduled_start__gte=now,
        )
        .order_by()
        .values("pregnancy")
        .annotate(first=Min("scheduled_start"))
        .values("first")
    )
    current = Assignment.objects.filter(pregnancy=OuterRef("pk"), ends_at__isnull=True).order_by()
    latest_plan = (
        CarePlanRecord.objects.filter(
            pregnancy=OuterRef("pk"), voided_at__isnull=True, plan_type="05"
        )
        .exclude(coc_pathway="")
        .order_by("-plan_date", "-id")
        .annotate(
            on_pathway=ExpressionWrapper(
                Q(coc_pathway=YesNo.YES, professional__isnull=False, team__isnull=False),
                output_field=BooleanField(),
            )
        )
        .values("on_pathway")
    )
    return (
        qs.select_related("woman", "labour")
        .only(*PREGNANCY_FIELDS)
        .annotate(
            next_contact=Subquery(next_contact[:1]),
            current_named_id=Subquery(current.values("named_midwife_id")[:1]),
            current_buddy_id=Subquery(current.values("buddy_id")[:1]),
            coc_on_pathway=Subquery(latest_plan[:1], output_field=BooleanField()),
        )
    )


def _coc_status(on_pathway: bool | None) -> str:
    if on_pathway is None:
        return "not_recorded"
    return "on_pathway" if on_pathway else "not_on_pathway"


def _plan_flag(pregnancy: Pregnancy, status: dict[str, str], today: date) -> str | None:
    """ "plan_overdue" or "plan_due" for the first section not agreed whose planning point (16, 34,
    36 weeks) has passed or is within two weeks; the named midwife's prompt. `status`: section
    key -> its status."""
    if not pregnancy.is_active or pregnancy.status == Pregnancy.Status.POSTNATAL:
        return None
    for spec in plan_headings.SECTIONS:
        due = plan_queries.planning_point(pregnancy, spec)
        prompt = plan_queries.prompt_for(due, status.get(spec.key, "draft"), today)
        if prompt is not None:
            return f"plan_{prompt}"
    return None


def _flags(
    pregnancy: Pregnancy,
    today: date,
    sections: dict[str, str],
    open_referrals: list[Referral],
) -> tuple[str, ...]:
    woman = pregnancy.woman
    flags: list[str] = []
    plan = _plan_flag(pregnancy, sections, today)
    if plan is not None:
        flags.append(plan)
    if any(referral_overdue(r, today) for r in open_referrals):
        flags.append("referral_overdue")
    if pregnancy.risk == Pregnancy.Risk.HIGH:
        flags.append("higher_risk")
    if woman.interpreter_needed:
        flags.append("interpreter")
    if equity.is_core20(woman.imd_decile):
        flags.append("core20")
    if equity.coc_group(woman.ethnic_category) == "BAME":
        flags.append("bame")
    if woman.plus_groups:
        flags.append("plus")
    if pregnancy.status == Pregnancy.Status.POSTNATAL:
        flags.append("postnatal")
    return tuple(flags)


def _rows(qs: QuerySet[Pregnancy], today: date, now: datetime) -> list[CaseloadRow]:
    """Four queries however many women: the pregnancies (with woman, birth and the annotations
    above), then their midwives, plan sections and open referrals by id."""
    pregnancies = list(_annotated(qs, now))
    if not pregnancies:
        return []
    ids = [p.pk for p in pregnancies]
    current = {
        p.pk: (p.current_named_id, p.current_buddy_id)  # type: ignore[attr-defined]
        for p in pregnancies
    }
    midwife_ids = {m for pair in current.values() for m in pair if m is not None}
    midwives = {
        m.pk: m
        for m in Midwife.objects.filter(pk__in=midwife_ids)
        .select_related("user")
        .only(*MIDWIFE_FIELDS)
        .order_by()
    }
    sections: dict[int, dict[str, str]] = {}
    statuses = (
        PlanSection.objects.filter(pregnancy_id__in=ids)
        .order_by()
        .values_list("pregnancy_id", "key", "status")
    )
    for pregnancy_id, key, status in statuses:
        sections.setdefault(pregnancy_id, {})[key] = status
    referrals: dict[int, list[Referral]] = {}
    open_referrals = Referral.objects.filter(pregnancy_id__in=ids, status__in=Referral.OPEN)
    for r in open_referrals.only(*REFERRAL_FIELDS).order_by():
        referrals.setdefault(r.pregnancy_id, []).append(r)  # type: ignore[attr-defined]
    rows = []
    for p in pregnancies:
        named_id, buddy_id = current[p.pk]
        rows.append(
            CaseloadRow(
                pregnancy=p,
                ga_days=p.ga_days(today),
                postnatal_day=p.postnatal_day(today),
                next_contact=p.next_contact,  # type: ignore[attr-defined]
                coc_status=_coc_status(p.coc_on_pathway),  # type: ignore[attr-defined]
                flags=_flags(p, today, sections.get(p.pk, {}), referrals.get(p.pk, [])),
                named_midwife=midwives.get(named_id) if named_id is not None else None,
                buddy=midwives.get(buddy_id) if buddy_id is not None else None,
            )
        )
    return rows


def my_caseload(user: Any, *, as_buddy: bool = False, sort: str = "edd") -> list[CaseloadRow]:
    """Active pregnancies where the user is the named midwife (or the buddy)."""
    now = timezone.now()
    midwife = getattr(user, "midwife", None)
    if midwife is None:
        return []
    role_q = Q(buddy=midwife) if as_buddy else Q(named_midwife=midwife)
    mine = Assignment.objects.filter(role_q, ends_at__isnull=True).values("pregnancy_id")
    qs = visible_pregnancies(user, now).filter(status__in=Pregnancy.ACTIVE_STATUSES, pk__in=mine)
    rows = _rows(qs, timezone.localdate(now), now)
    return sorted(rows, key=SORT_KEYS.get(sort, SORT_KEYS["edd"]))


def visible_teams(user: Any) -> QuerySet[Team]:
    from continuity.accounts.models import Role

    if user.role == Role.SERVICE_MANAGER:
        return Team.objects.filter(managers=user)
    midwife = getattr(user, "midwife", None)
    if user.role == Role.TEAM_LEADER and midwife is not None:
        return Team.objects.filter(pk=midwife.team_id)
    return Team.objects.none()


def teams_summary(user: Any) -> list[dict[str, Any]]:
    teams = visible_teams(user).annotate(
        midwife_count=Count("midwives", filter=Q(midwives__end_date__isnull=True), distinct=True)
    )
    active = Assignment.objects.filter(
        ends_at__isnull=True, pregnancy__status__in=Pregnancy.ACTIVE_STATUSES
    )
    counts = dict(
        active.filter(team__in=teams).values_list("team").annotate(n=Count("id")).order_by()
    )
    unnamed = dict(
        active.filter(team__in=teams, named_midwife__isnull=True)
        .values_list("team")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "team": t,
            "midwives": t.midwife_count,
            "women": counts.get(t.pk, 0),
            "without_named": unnamed.get(t.pk, 0),
        }
        for t in teams
    ]


def team_caseload(user: Any, team: Team, sort: str = "edd") -> list[CaseloadRow]:
    now = timezone.now()
    in_team = Assignment.objects.filter(team=team, ends_at__isnull=True).values("pregnancy_id")
    qs = visible_pregnancies(user, now).filter(status__in=Pregnancy.ACTIVE_STATUSES, pk__in=in_team)
    rows = _rows(qs, timezone.localdate(now), now)
    return sorted(rows, key=SORT_KEYS.get(sort, SORT_KEYS["edd"]))


def midwife_loads(team: Team, rows: list[CaseloadRow]) -> list[dict[str, Any]]:
    """Per midwife: women as named midwife and as buddy, and births due per month."""
    midwives = list(Midwife.objects.filter(team=team, end_date__isnull=True).select_related("user"))
    months = sorted({(r.pregnancy.edd.year, r.pregnancy.edd.month) for r in rows})[:6]
    named: dict[int, Counter[tuple[int, int]]] = {}
    buddy: Counter[int] = Counter()
    for r in rows:
        if r.named_midwife:
            edd = r.pregnancy.edd
            named.setdefault(r.named_midwife.pk, Counter())[(edd.year, edd.month)] += 1
        if r.buddy:
            buddy[r.buddy.pk] += 1
    out = []
    for m in midwives:
        by_month = named.get(m.pk, Counter())
        out.append(
            {
                "midwife": m,
                "named": by_month.total(),
                "buddy": buddy[m.pk],
                "by_month": [by_month[ym] for ym in months],
            }
        )
    return [{"months": [date(y, mo, 1) for y, mo in months], "rows": out}]
