from __future__ import annotations

import sys
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.templatetags.static import static
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from continuity.accounts.models import Role
from continuity.core import breakglass, outage
from continuity.core.forms import AccessReviewForm, EmergencyAccessForm, add_action_error
from continuity.core.idempotency import create_once
from continuity.core.models import AccessEvent, BreakGlass
from continuity.core.permissions import require
from continuity.pregnancies.actions import ActionError

START_PAGES = {
    Role.MIDWIFE: "caseloads:mine",
    Role.TEAM_LEADER: "caseloads:teams",
    Role.SERVICE_MANAGER: "caseloads:teams",
    Role.BOARD: "caseloads:overview",
    Role.PRIVACY_OFFICER: "core:access-review",
    Role.WOMAN: "portal:home",
    Role.ADMIN: "admin:index",
    Role.MVP: "governance:voices",
}


@login_required
def start(request: HttpRequest) -> HttpResponse:
    return redirect(START_PAGES.get(request.user.role, "accounts:sign-in"))  # type: ignore[union-attr]


@require_safe
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico when a page names no icon (the printable pages): send them
    to the NHS.UK frontend's icon, which every other page names."""
    response = HttpResponseRedirect(static("nhsuk/assets/images/favicon.ico"))
    patch_cache_control(response, public=True, max_age=86400)
    return response


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "core/accessibility.jinja", {"page_title": _("Accessibility statement")})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "core/privacy.jinja", {"page_title": _("Privacy")})


@require("review_access")
def access_review(request: HttpRequest) -> HttpResponse:
    """Emergency accesses waiting for review, then denied and emergency access events, for the
    privacy officer. No woman is named here."""
    events = (
        AccessEvent.objects.exclude(outcome=AccessEvent.Outcome.ALLOWED)
        .select_related("user")
        .order_by("-at", "-id")
    )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    waiting = BreakGlass.objects.filter(reviewed_at__isnull=True).select_related("user")
    return render(
        request,
        "core/access_review.jinja",
        {"page_title": _("Access review"), "page": page, "waiting": list(waiting[:100])},
    )


@require("review_access")
def review_emergency_access(request: HttpRequest, pk: int) -> HttpResponse:
    grant = get_object_or_404(BreakGlass.objects.select_related("user"), pk=pk)
    form = AccessReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            breakglass.review(
                by=request.user,  # type: ignore[arg-type]
                grant=grant,
                outcome=form.cleaned_data["review"],
                note=form.cleaned_data["note"],
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("Review recorded."))
            return redirect("core:access-review")
    return render(
        request,
        "core/review_emergency_access.jinja",
        {"page_title": _("Review emergency access"), "grant": grant, "form": form},
        status=400 if form.errors else 200,
    )


@require("break_glass")
def emergency_access(request: HttpRequest) -> HttpResponse:
    form = EmergencyAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            grant = breakglass.open_access(
                by=request.user,  # type: ignore[arg-type]
                nhs_number=form.cleaned_data["nhs_number"],
                reason=form.cleaned_data["reason"],
            )
            messages.warning(
                request,
                _(
                    "Emergency access until %(time)s. Every view is recorded, reviewed by the "
                    "privacy officer and shown to her."
                )
                % {"time": timezone.localtime(grant.expires_at).strftime("%H:%M")},
            )
            return resolve_url("pregnancies:woman", ref=grant.woman.ref)

        try:
            # Checked first, outside the key's transaction: a refused number stays audited.
            breakglass.check_request(
                by=request.user,  # type: ignore[arg-type]
                nhs_number=form.cleaned_data["nhs_number"],
                reason=form.cleaned_data["reason"],
            )
            return create_once(request, "emergency_access.open", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "core/emergency_access.jinja",
        {"page_title": _("Emergency access to a record"), "form": form},
        status=400 if form.errors else 200,
    )


def _error(request: HttpRequest, status: int, title: str, template: str) -> HttpResponse:
    context: dict[str, Any] = {"page_title": title}
    return render(request, template, context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if outage.is_outage(exception):  # the session could not be saved: the database is down
        return outage.respond(request, exception)  # type: ignore[arg-type]
    return _error(request, 400, _("Sorry, there is a problem with the request"), "core/400.jinja")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, _("You do not have permission to see this page"), "core/403.jinja")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, _("Page not found"), "core/404.jinja")


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls this while handling the exception: a middleware (the session's, sign-in's)
    # that could not reach the database gets the outage page, which needs no database.
    exc = sys.exc_info()[1]
    if outage.is_outage(exc):
        return outage.respond(request, exc)  # type: ignore[arg-type]
    return _error(request, 500, _("Sorry, there is a problem with the service"), "core/500.jinja")
