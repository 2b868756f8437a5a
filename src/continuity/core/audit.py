"""Explicit audit: actions call `audit()` inside their transaction; views call `record_access()`.

Nothing here is a signal: every write and every view of a woman's data says so in code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from continuity.core.models import AccessEvent, AuditEvent

if TYPE_CHECKING:
    from django.http import HttpRequest

    from continuity.accounts.models import User
    from continuity.pregnancies.models import Woman


def audit(
    *,
    by: User | None,
    action: str,
    obj: Any,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    return AuditEvent.objects.create(
        at=timezone.now(),
        actor=by,
        actor_role=getattr(by, "role", "") or "",
        action=action,
        object_type=type(obj)._meta.label_lower,
        object_id=str(obj.pk),
        changes=changes or {},
        reason=reason,
    )


def route_name(request: HttpRequest | None) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


def record_access(
    *,
    user: User,
    woman: Woman | None,
    action: str = AccessEvent.Action.VIEW,
    outcome: str = AccessEvent.Outcome.ALLOWED,
    basis: str = "",
    request: HttpRequest | None = None,
    reason: str = "",
) -> AccessEvent:
    """Write the access event now. If this fails the exception propagates and nothing is shown.
    A view justified only by emergency access is recorded as emergency access."""
    if basis == "break_glass" and outcome == AccessEvent.Outcome.ALLOWED:
        outcome = AccessEvent.Outcome.BREAK_GLASS
    return AccessEvent.objects.create(
        at=timezone.now(),
        user=user,
        role=user.role,
        woman=woman,
        action=action,
        outcome=outcome,
        basis=basis,
        route=route_name(request),
        reason=reason,
    )


def record_access_many(
    *, user: User, women_ids: list[int], action: str, request: HttpRequest | None = None
) -> None:
    """One access event per woman shown in a list (a caseload, search results)."""
    now = timezone.now()
    route = route_name(request)
    AccessEvent.objects.bulk_create(
        AccessEvent(
            at=now,
            user=user,
            role=user.role,
            woman_id=woman_id,
            action=action,
            outcome=AccessEvent.Outcome.ALLOWED,
            route=route,
        )
        for woman_id in women_ids
    )
