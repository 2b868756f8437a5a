"""Reads of women's data, always scoped to the user's legitimate relationships.

A staff member sees a woman while she is the named midwife, the buddy, a member of the woman's
team, or on active cover for her named midwife; a service manager sees the teams she manages;
a woman sees only herself. Everyone else sees nothing, and an out-of-scope record is a 404.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from continuity.accounts.models import Role
from continuity.pregnancies.models import (
    Assignment,
    CarePlanRecord,
    Contact,
    ContactProfessional,
    Pregnancy,
    Woman,
)
from continuity.workforce.models import CoverArrangement, Midwife


def _midwife_of(user: Any) -> Midwife | None:
    try:
        return user.midwife  # type: ignore[no-any-return]
    except Midwife.DoesNotExist:
        return None


def _covering(midwife: Midwife, at: datetime) -> QuerySet[CoverArrangement]:
    return CoverArrangement.objects.live().filter(
        covering=midwife, starts_at__lte=at, ends_at__gt=at
    )


def _covered_midwife_ids(midwife: Midwife, at: datetime) -> list[int]:
    return list(_covering(midwife, at).values_list("covered_id", flat=True))


def _open_assignment_q(user: Any, at: datetime, *, cover_subquery: bool = False) -> Q | None:
    """A condition on Assignment rows (open ones) that the user has a relationship through.

    With `cover_subquery` the midwives she covers are a subquery of the same statement instead
    of a query of their own: the same rows, one round trip fewer for a single lookup."""
    if not (user.is_authenticated and user.is_active):
        return None
    if user.role in (Role.MIDWIFE, Role.TEAM_LEADER):
        midwife = _midwife_of(user)
        if midwife is None:
            return None
        q = Q(named_midwife=midwife) | Q(buddy=midwife) | Q(team_id=midwife.team_id)
        if cover_subquery:
            return q | Q(named_midwife_id__in=_covering(midwife, at).values("covered_id"))
        covered = _covered_midwife_ids(midwife, at)
        if covered:
            q |= Q(named_midwife_id__in=covered)
        return q
    if user.role == Role.SERVICE_MANAGER:
        return Q(team__managers=user)
    return None


def _emergency_women(user: Any, at: datetime) -> Any:
    """Women this user holds open emergency (break-glass) access to."""
    from continuity.core.models import BreakGlass

    return BreakGlass.objects.filter(user=user, started_at__lte=at, expires_at__gt=at).values(
        "woman_id"
    )


def visible_pregnancies(
    user: Any, at: datetime | None = None, *, cover_subquery: bool = False
) -> QuerySet[Pregnancy]:
    at = at or timezone.now()
    if user.is_authenticated and user.role == Role.WOMAN:
        return Pregnancy.objects.filter(woman__user=user)
    q = _open_assignment_q(user, at, cover_subquery=cover_subquery)
    if q is None:
        return Pregnancy.objects.none()
    related = Assignment.objects.filter(q, pregnancy=OuterRef("pk"), ends_at__isnull=True)
    return Pregnancy.objects.filter(Exists(related) | Q(woman_id__in=_emergency_women(user, at)))


def visible_women(
    user: Any, at: datetime | None = None, *, cover_subquery: bool = False
) -> QuerySet[Woman]:
    pregnancies = visible_pregnancies(user, at, cover_subquery=cover_subquery).filter(
        woman=OuterRef("pk")
    )
    return Woman.objects.filter(Exists(pregnancies))


def relationship_basis(user: Any, pregnancy: Pregnancy, at: datetime | None = None) -> str | None:
    """Why this user may see this pregnancy now, or None when there is no relationship."""
    at = at or timezone.now()
    if user.role == Role.WOMAN:
        return "self" if pregnancy.woman.user_id == user.pk else None
    current = current_assignment(pregnancy)
    if current is None:
        return _emergency_basis(user, pregnancy, at)
    if user.role == Role.SERVICE_MANAGER:
        if current.team.managers.filter(pk=user.pk).exists():
            return "manager"
        return _emergency_basis(user, pregnancy, at)
    midwife = _midwife_of(user)
    if midwife is None or user.role not in (Role.MIDWIFE, Role.TEAM_LEADER):
        return None
    if current.named_midwife_id == midwife.pk:
        return "named_midwife"
    if current.buddy_id == midwife.pk:
        return "buddy"
    if current.team_id == midwife.team_id:
        return "team"
    if current.named_midwife_id in _covered_midwife_ids(midwife, at):
        return "cover"
    return _emergency_basis(user, pregnancy, at)


def _emergency_basis(user: Any, pregnancy: Pregnancy, at: datetime) -> str | None:
    found = _emergency_women(user, at).filter(woman_id=pregnancy.woman_id).exists()
    return "break_glass" if found else None


def current_assignment(pregnancy: Pregnancy) -> Assignment | None:
    cached = getattr(pregnancy, "open_assignments", None)
    if cached is not None:
        return cached[0] if cached else None
    return (
        pregnancy.assignments.filter(ends_at__isnull=True)
        .select_related("team", "named_midwife__user", "buddy__user")
        .first()
    )


def remember_assignment(pregnancy: Pregnancy, assignment: Assignment | None) -> None:
    """Keep her current assignment on this pregnancy object, so `current_assignment` answers
    without a query for the rest of the request. Only for an object read for display."""
    pregnancy.open_assignments = [] if assignment is None else [assignment]  # type: ignore[attr-defined]


# The reads below for her record page leave ORDER BY out where Python can order the few rows
# instead: Django compiles an ordered query over many joined columns at a cost that grows with
# every selected column, far more than sorting a handful of rows.


def open_assignment(pregnancy: Pregnancy, *related: str) -> Assignment | None:
    """Her current assignment, read with only the `related` rows asked for (none: the row
    itself, enough for `relationship_basis`). There is at most one, so nothing to order."""
    found = pregnancy.assignments.filter(ends_at__isnull=True).order_by()  # type: ignore[attr-defined]
    rows = list(found.select_related(*related) if related else found)
    return rows[0] if rows else None


def latest_pregnancy_for_summary(woman: Woman) -> Pregnancy | None:
    """Her latest pregnancy (by due date), with what her record page shows of it in the same
    read (hospital of her choice, labour), and her current assignment kept on it (with the
    team's home site, which her contact card needs)."""
    pregnancy = max(
        woman.pregnancies.select_related("hospital_of_choice", "labour").order_by(),
        key=lambda p: p.edd,
        default=None,
    )
    if pregnancy is not None:
        remember_assignment(
            pregnancy,
            open_assignment(pregnancy, "team__home_site", "named_midwife__user", "buddy__user"),
        )
    return pregnancy


def care_plans(pregnancy: Pregnancy) -> list[CarePlanRecord]:
    """All her care plan records, live and voided, newest first."""
    found = pregnancy.care_plans.select_related(  # type: ignore[attr-defined]
        "professional__user", "team", "voided_by"
    ).order_by()
    return sorted(found, key=lambda p: (p.plan_date, p.pk), reverse=True)


def contacts(pregnancy: Pregnancy) -> list[Contact]:
    """All her contacts, live and voided, latest first, each with who did it (`activities`)."""
    found = (
        pregnancy.contacts.select_related("voided_by")  # type: ignore[attr-defined]
        .prefetch_related(
            Prefetch(
                "activities", queryset=ContactProfessional.objects.select_related("midwife__user")
            )
        )
        .order_by()
    )
    return sorted(found, key=lambda c: c.scheduled_start, reverse=True)


def allocation_decisions(pregnancy: Pregnancy, limit: int = 5) -> list[Any]:
    """Who allocated her midwives, when and why (newest first)."""
    found = pregnancy.allocation_decisions.select_related("decided_by")  # type: ignore[attr-defined]
    return list(found[:limit])


def with_current_assignment(qs: QuerySet[Pregnancy]) -> QuerySet[Pregnancy]:
    return qs.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(ends_at__isnull=True).select_related(
                "team", "named_midwife__user", "buddy__user"
            ),
            to_attr="open_assignments",
        )
    )


def woman_for(user: Any, ref: Any) -> Woman:
    """The woman with this ref if the user may see her; otherwise 404, never a hint she exists."""
    try:
        return visible_women(user, cover_subquery=True).get(ref=ref)
    except (Woman.DoesNotExist, ValueError) as exc:
        raise Http404 from exc


def woman_exists_out_of_scope(ref: Any) -> Woman | None:
    """Only for logging a denied attempt against the right woman; never shown to the user."""
    return Woman.objects.filter(ref=ref).first()
