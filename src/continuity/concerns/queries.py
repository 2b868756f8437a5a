"""Reading concerns: a woman sees her own; staff see those of women they have a legitimate
relationship with, and any they own."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from continuity.accounts.models import Role, User
from continuity.concerns.models import Concern, ConcernEvent
from continuity.pregnancies.models import Woman
from continuity.pregnancies.queries import visible_women


def hers(woman: Woman) -> QuerySet[Concern]:
    return Concern.objects.filter(woman=woman).order_by("-received_at", "-id")


def her_concern(woman: Woman, pk: int) -> Concern:
    found = hers(woman).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found  # type: ignore[no-any-return]


def shown_to_her(concern: Concern) -> list[ConcernEvent]:
    return list(concern.events.filter(shown_to_her=True).order_by("at", "id"))


def visible(user: Any) -> QuerySet[Concern]:
    return (
        Concern.objects.filter(Q(woman__in=visible_women(user)) | Q(owner=user))
        .select_related("woman", "owner")
        .distinct()
    )


def concern_for(user: Any, pk: int) -> Concern:
    found = visible(user).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found  # type: ignore[no-any-return]


def owners(concern: Concern) -> list[User]:
    """Who can own it: staff of her team (midwives, its leader) and the team's managers."""
    assignment = (
        concern.pregnancy.assignments.filter(ends_at__isnull=True).first()
        if (concern.pregnancy)
        else None
    )
    if assignment is None:
        return list(User.objects.filter(role=Role.SERVICE_MANAGER, is_active=True))
    team = assignment.team
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(midwife__team=team) | Q(role=Role.SERVICE_MANAGER, managed_teams=team))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
