from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from continuity.accounts.models import Role
from continuity.core.models import AccessEvent
from continuity.core.permissions import require

START_PAGES = {
    Role.MIDWIFE: "caseloads:mine",
    Role.TEAM_LEADER: "caseloads:teams",
    Role.SERVICE_MANAGER: "caseloads:teams",
    Role.BOARD: "caseloads:overview",
    Role.PRIVACY_OFFICER: "core:access-review",
    Role.WOMAN: "portal:home",
    Role.ADMIN: "admin:index",
}


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return redirect(START_PAGES.get(request.user.role, "accounts:sign-in"))  # type: ignore[union-attr]


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja", {"page_title": _("Accessibility statement")})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.jinja", {"page_title": _("Privacy")})


@require("review_access")
def access_review(request: HttpRequest) -> HttpResponse:
    """Denied and emergency accesses, for the privacy officer. No woman is named here."""
    events = (
        AccessEvent.objects.exclude(outcome=AccessEvent.Outcome.ALLOWED)
        .select_related("user")
        .order_by("-at", "-id")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/access_review.jinja", {"page_title": _("Access review"), "page": page}
    )


def _error(request: HttpRequest, status: int, title: str, template: str) -> HttpResponse:
    context: dict[str, Any] = {"page_title": title}
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, _("Sorry, there is a problem with the request"), "core/400.jinja")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("You do not have permission to see this page"), "core/403.jinja")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Page not found"), "core/404.jinja")


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, _("Sorry, there is a problem with the service"), "core/500.jinja")
