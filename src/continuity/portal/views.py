"""The woman's own pages. She sees only her own record, and who has looked at it."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from continuity.core.audit import record_access
from continuity.core.permissions import require
from continuity.portal import queries


@require("view_own_record")
def home(request: HttpRequest) -> HttpResponse:
    context = queries.my_pregnancy(request.user)
    record_access(user=request.user, woman=context["woman"], basis="self", request=request)  # type: ignore[arg-type]
    return render(request, "portal/home.jinja", {"page_title": _("My pregnancy"), **context})


@require("view_own_record")
def access_history(request: HttpRequest) -> HttpResponse:
    woman = queries.my_record(request.user)
    events = queries.access_history(woman)
    page = Paginator(events, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/access_history.jinja",
        {"page_title": _("Who has looked at my record"), "page": page},
    )
