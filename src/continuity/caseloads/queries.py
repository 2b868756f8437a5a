"""Caseload lists, built on the scoped pregnancy queries with a fixed number of database queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from continuity.engines import equity
from continuity.organisations.models import Team
from continuity.plans import headings as plan_headings
from continuity.plans import queries as plan_queries
from continuity.pregnancies.models import Assignment, CarePlanRecord, Contact, Pregnancy
from continuity.pregnancies.queries import visible_pregnancies, with_current_assignment
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


def _annotated(qs: QuerySet[Pregnancy], now: datetime) -> QuerySet[Pregnancy]:
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
    antenatal_plans = (
        CarePlanRecord.objects.filter(voided_at__isnull=True, plan_type="05")
        .exclude(coc_pathway="")
        .order_by("plan_date", "id")
    )
    return with_current_assignment(
        qs.select_related("woman", "labour").annotate(next_contact=Subquery(next_contact[:1]))
    ).prefetch_related(
        Prefetch("care_plans", queryset=antenatal_plans, to_attr="coc_plans"),
        Prefetch("plan_sections", to_attr="sections"),
        Prefetch(
            "referrals",
            queryset=Referral.objects.filter(status__in=Referral.OPEN),
            to_attr="open_referrals",
        ),
    )


def _coc_status(pregnancy: Pregnancy) -> str:
    plans = getattr(pregnancy, "coc_plans", [])
    if not plans:
        return "not_recorded"
    return "on_pathway" if plans[-1].is_on_pathway else "not_on_pathway"


def _plan_flag(pregnancy: Pregnancy, today: date) -> str | None:
    """ "plan_overdue" or "plan_due" for the first section not agreed whose planning point (16, 34,
    36 weeks) has passed or is within two weeks; the named midwife's prompt."""
    if not pregnancy.is_active or pregnancy.status == Pregnancy.Status.POSTNATAL:
        return None
    status = {s.key: s.status for s in getattr(pregnancy, "sections", [])}
    for spec in plan_headings.SECTIONS:
        due = plan_queries.planning_point(pregnancy, spec)
        prompt = plan_queries.prompt_for(due, status.get(spec.key, "draft"), today)
        if prompt is not None:
            return f"plan_{prompt}"
    return None


def _flags(pregnancy: Pregnancy, today: date | None = None) -> tuple[str, ...]:
    woman = pregnancy.woman
    flags: list[str] = []
    today = today or timezone.localdate()
    plan = _plan_flag(pregnancy, today)
    if plan is not None:
        flags.append(plan)
    if any(referral_overdue(r, today) for r in getattr(pregnancy, "open_referrals", [])):
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
    rows = []
    for p in _annotated(qs, now):
        current = p.open_assignments[0] if p.open_assignments else None
        rows.append(
            CaseloadRow(
                pregnancy=p,
                ga_days=p.ga_days(today),
                postnatal_day=p.postnatal_day(today),
                next_contact=p.next_contact,  # type: ignore[attr-defined]
                coc_status=_coc_status(p),
                flags=_flags(p, today),
                named_midwife=current.named_midwife if current else None,
                buddy=current.buddy if current else None,
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
    out = []
    for m in midwives:
        named = [r for r in rows if r.named_midwife and r.named_midwife.pk == m.pk]
        out.append(
            {
                "midwife": m,
                "named": len(named),
                "buddy": sum(1 for r in rows if r.buddy and r.buddy.pk == m.pk),
                "by_month": [
                    sum(1 for r in named if (r.pregnancy.edd.year, r.pregnancy.edd.month) == ym)
                    for ym in months
                ],
            }
        )
    return [{"months": [date(y, mo, 1) for y, mo in months], "rows": out}]
