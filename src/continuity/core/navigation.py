"""The header navigation for each role."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from continuity.accounts.models import Role


def navigation_for(request: Any) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items: list[tuple[str, str]] = []
    if user.role in (Role.MIDWIFE, Role.TEAM_LEADER):
        items.append((_("Today"), reverse("visits:today")))
        items.append((_("My caseload"), reverse("caseloads:mine")))
        items.append((_("Book a pregnancy"), reverse("pregnancies:book")))
        items.append((_("My rota"), reverse("cover:mine")))
    if user.role in (Role.TEAM_LEADER, Role.SERVICE_MANAGER):
        items.append((_("Allocation"), reverse("allocation:queue")))
        items.append((_("Teams"), reverse("caseloads:teams")))
        items.append((_("Team cover"), reverse("cover:team")))
        items.append((_("Week planner"), reverse("visits:planner")))
    if user.role == Role.BOARD:
        items.append((_("Service overview"), reverse("caseloads:overview")))
    if user.role == Role.SERVICE_MANAGER:
        items.append((_("Concerns"), reverse("concerns:queue")))
    if user.role in (Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.BOARD):
        items.append((_("Measures"), reverse("assurance:measures")))
    if user.role in (Role.SERVICE_MANAGER, Role.BOARD):
        items.append((_("Planning"), reverse("planning:index")))
    if user.role in (Role.TEAM_LEADER, Role.SERVICE_MANAGER, Role.BOARD):
        items.append((_("Action plan"), reverse("governance:plan")))
    if user.role == Role.MVP:
        items.append((_("Our comments"), reverse("governance:voices")))
        items.append((_("The published plan"), reverse("published:plan")))
    if user.role == Role.PRIVACY_OFFICER:
        items.append((_("Access review"), reverse("core:access-review")))
        items.append((_("Retention review"), reverse("core:retention")))
    if user.role == Role.WOMAN:
        items.append((_("My pregnancy"), reverse("portal:home")))
        items.append((_("My visits"), reverse("visits:mine")))
        items.append((_("My plan"), reverse("plans:mine")))
        items.append((_("Tell us"), reverse("concerns:mine")))
        items.append((_("Who has looked at my record"), reverse("portal:access-history")))
    if user.role == Role.ADMIN:
        items.append((_("Administration"), reverse("admin:index")))
    path = request.path
    # The deepest matching section is the active one (/my/visits/ is "My visits", not "My
    # pregnancy" at /my/).
    best = max((href for _text, href in items if path.startswith(href)), key=len, default=None)
    return [
        {"text": text, "href": href, "current": path == href, "active": href == best}
        for text, href in items
    ]


NHS_APP_AGENT = "nhsapp"


def in_nhs_app(request: Any) -> bool:
    """Shown inside the NHS App: its web view identifies itself in the user agent, or the page
    was opened with ?source=nhsapp (remembered for the session). The app has its own header."""
    if request is None:
        return False
    if request.GET.get("source") == "nhsapp" and hasattr(request, "session"):
        request.session["nhsapp"] = True
    agent = request.headers.get("User-Agent", "").lower()
    return NHS_APP_AGENT in agent or bool(getattr(request, "session", {}).get("nhsapp"))
