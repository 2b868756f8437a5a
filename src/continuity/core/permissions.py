"""Named activities granted to roles, declared once and checked at every entry point.

Object-level access to a woman's record is a legitimate relationship, decided in
`continuity.pregnancies.queries`; these rules say which roles may attempt an activity at all.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from continuity.accounts.models import Role

ACTIVITIES: dict[str, frozenset[str]] = {
    "view_caseload": frozenset({Role.MIDWIFE, Role.TEAM_LEADER}),
    "view_woman_record": frozenset({Role.MIDWIFE, Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "book_pregnancy": frozenset({Role.MIDWIFE, Role.TEAM_LEADER}),
    "edit_plan": frozenset({Role.MIDWIFE, Role.TEAM_LEADER}),
    "void_entry": frozenset({Role.MIDWIFE, Role.TEAM_LEADER}),
    "handle_concerns": frozenset({Role.MIDWIFE, Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "view_team": frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "allocate": frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "approve_leave": frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "manage_rota": frozenset({Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "request_leave": frozenset({Role.MIDWIFE, Role.TEAM_LEADER}),
    "view_rota": frozenset({Role.MIDWIFE, Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "view_aggregates": frozenset({Role.BOARD, Role.SERVICE_MANAGER, Role.TEAM_LEADER}),
    "export": frozenset({Role.BOARD, Role.SERVICE_MANAGER}),
    "plan_workforce": frozenset({Role.BOARD, Role.SERVICE_MANAGER}),
    "import_bookings": frozenset({Role.ADMIN, Role.SERVICE_MANAGER}),
    "break_glass": frozenset({Role.MIDWIFE, Role.TEAM_LEADER, Role.SERVICE_MANAGER}),
    "review_access": frozenset({Role.PRIVACY_OFFICER}),
    "review_retention": frozenset({Role.PRIVACY_OFFICER}),
    "view_own_record": frozenset({Role.WOMAN}),
    # The continuity action plan. Only the champion named on the plan signs a review off (an
    # object-level check in continuity.governance); MVP members comment but never edit.
    "view_action_plan": frozenset({Role.BOARD, Role.SERVICE_MANAGER, Role.TEAM_LEADER}),
    "edit_action_plan": frozenset({Role.SERVICE_MANAGER}),
    "review_action_plan": frozenset({Role.BOARD}),
    "answer_plan_comments": frozenset({Role.SERVICE_MANAGER}),
    "comment_on_plan": frozenset({Role.MVP}),
    "administer": frozenset({Role.ADMIN}),
}


def _has_role(roles: frozenset[str]) -> Any:
    @rules.predicate
    def predicate(user: Any) -> bool:
        return bool(
            getattr(user, "is_authenticated", False)
            and getattr(user, "is_active", False)
            and user.role in roles
        )

    return predicate


for _activity, _roles in ACTIVITIES.items():
    rules.add_perm(f"continuity.{_activity}", _has_role(_roles))


def can(user: Any, activity: str) -> bool:
    if activity not in ACTIVITIES:
        raise KeyError(f"unknown activity {activity!r}")
    # Ask the rule itself: Django's superuser shortcut must not bypass role-based activities.
    return bool(rules.has_perm(f"continuity.{activity}", user))


def require(activity: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """View decorator: sign-in required, then the named activity, else 403."""
    if activity not in ACTIVITIES:
        raise KeyError(f"unknown activity {activity!r}")

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            from django.contrib.auth.views import redirect_to_login

            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not can(request.user, activity):
                raise PermissionDenied(activity)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
