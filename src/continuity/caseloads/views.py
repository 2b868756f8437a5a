from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from continuity.caseloads import presenters, queries
from continuity.core.audit import record_access_many
from continuity.core.models import AccessEvent
from continuity.core.permissions import require


@require("view_caseload")
def my_caseload(request: HttpRequest) -> HttpResponse:
    as_buddy = request.GET.get("as") == "buddy"
    sort = request.GET.get("sort", "edd")
    rows = queries.my_caseload(request.user, as_buddy=as_buddy, sort=sort)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[r.pregnancy.woman_id for r in rows],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "caseloads/my_caseload.jinja",
        {
            "page_title": _("My caseload"),
            "rows": rows,
            "as_buddy": as_buddy,
            "sort": sort,
            "columns": presenters.caseload_columns(),
            "table": presenters.caseload_table(rows),
        },
    )


@require("view_team")
def teams(request: HttpRequest) -> HttpResponse:
    summary = queries.teams_summary(request.user)
    return render(request, "caseloads/teams.jinja", {"page_title": _("Teams"), "summary": summary})


@require("view_team")
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    team = queries.visible_teams(request.user).filter(pk=team_id).first()
    if team is None:
        raise Http404
    sort = request.GET.get("sort", "edd")
    rows = queries.team_caseload(request.user, team, sort=sort)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[r.pregnancy.woman_id for r in rows],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    loads = queries.midwife_loads(team, rows)[0]
    return render(
        request,
        "caseloads/team.jinja",
        {
            "page_title": team.name,
            "team": team,
            "rows": rows,
            "loads": loads,
            "sort": sort,
            "columns": presenters.caseload_columns(team_view=True),
            "table": presenters.caseload_table(rows),
        },
    )


@require("view_aggregates")
def overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "caseloads/overview.jinja",
        {"page_title": _("Service overview"), "overview": presenters.service_overview()},
    )
