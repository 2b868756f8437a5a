"""Assurance pages. Thin: the queries and engines do the work."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.assurance import tracking
from continuity.caseloads.queries import visible_teams
from continuity.core.audit import record_access_many
from continuity.core.models import AccessEvent
from continuity.core.permissions import require


@require("view_team")
def continuity_at_risk(request: HttpRequest) -> HttpResponse:
    """The team's women on a pathway whose share of visits with their named midwife or team is
    at risk of falling below 70%, while there is still time to act."""
    teams = visible_teams(request.user).order_by("name")
    local_id = request.GET.get("team")
    team = teams.filter(local_id=local_id).first() if local_id else teams.first()
    if team is None:
        raise Http404
    today = timezone.localdate()
    items = tracking.team_shares(team, today)
    grouped = tracking.by_status(items)
    shown = grouped[tracking.CANNOT_REACH] + grouped[tracking.AT_RISK]
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[s.pregnancy.woman_id for s in shown],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "assurance/at_risk.jinja",
        {
            "page_title": _("Continuity at risk"),
            "team": team,
            "teams": teams,
            "grouped": grouped,
            "total": len(items),
            "today": today,
        },
    )
