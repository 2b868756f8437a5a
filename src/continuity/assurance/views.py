"""Assurance pages. Thin: the queries and engines do the work."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.assurance import compute, presenters, tracking
from continuity.assurance.models import MeasureSnapshot
from continuity.assurance.msds import neutralise
from continuity.assurance.pdf import pdf_from_html
from continuity.assurance.tasks import refresh_measures
from continuity.caseloads.queries import visible_teams
from continuity.core.audit import record_access_many
from continuity.core.models import AccessEvent
from continuity.core.permissions import require
from continuity.organisations.models import Trust


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


# -- the measures, the board pack and the public page ---------------------------------------------


def _month(request: HttpRequest, snapshot: MeasureSnapshot) -> str | None:
    months = presenters.complete_months(snapshot)
    if not months:
        return None
    wanted = request.GET.get("month", "")
    return wanted if wanted in months else months[-1]


@require("view_aggregates")
def measures(request: HttpRequest) -> HttpResponse:
    """The live measures for a month, the trend as an SPC chart, the groups and the funnel."""
    if request.method == "POST":
        refresh_measures.enqueue(request.user.pk)
        messages.success(
            request,
            _("The measures are being recomputed. This takes a minute; refresh this page to see."),
        )
        return redirect("assurance:measures")
    snapshot = compute.latest()
    month = _month(request, snapshot) if snapshot else None
    context: dict[str, Any] = {"page_title": _("Continuity measures"), "snapshot": snapshot}
    if snapshot is not None and month is not None:
        context.update(presenters.report(snapshot, month, presenters.rounding_for(request.user)))
        context["months"] = presenters.complete_months(snapshot)
    return render(request, "assurance/measures.jinja", context)


def _board_pack_context(request: HttpRequest) -> dict[str, Any]:
    snapshot = compute.latest()
    month = _month(request, snapshot) if snapshot else None
    if snapshot is None or month is None:
        raise Http404
    # The board pack goes outside the care team: always rounded.
    context = presenters.report(snapshot, month, "msds")
    context.update(
        page_title=_("Continuity of carer: board report for %(month)s")
        % {"month": presenters.month_name(month)},
        trust=Trust.objects.first(),
        workforce=presenters.workforce(month),
        voice=presenters.feedback_and_concerns(month),
    )
    return context


@require("view_aggregates")
def board_pack(request: HttpRequest) -> HttpResponse:
    return render(request, "assurance/board_pack.jinja", _board_pack_context(request))


@require("view_aggregates")
def board_pack_pdf(request: HttpRequest) -> HttpResponse:
    context = _board_pack_context(request)
    html = render_to_string("assurance/board_pack.jinja", {**context, "pdf": True}, request)
    pdf = pdf_from_html(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="continuity-board-report-{context["month"]}.pdf"'
    )
    return response


def public(request: HttpRequest) -> HttpResponse:
    """No sign-in: the trust's progress, rounded so that no woman can be identified."""
    snapshot = compute.latest()
    month = _month(request, snapshot) if snapshot else None
    context: dict[str, Any] = {"page_title": _("Continuity of carer: how we are doing")}
    if snapshot is not None and month is not None:
        context.update(presenters.report(snapshot, month, "msds"))
        context["trust"] = Trust.objects.first()
    return render(request, "assurance/public.jinja", context)


def public_csv(request: HttpRequest) -> HttpResponse:
    """The public figures as open data: every month, the trust-level and group rows, rounded."""
    snapshot = compute.latest()
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="continuity-of-carer.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "month",
            "measure",
            "local",
            "breakdown",
            "group",
            "numerator",
            "denominator",
            "rate_percent",
            "data_quality",
        ]
    )
    if snapshot is not None:
        for month in presenters.complete_months(snapshot):
            for row in presenters.rows_for(snapshot, month, "msds"):
                if row.breakdown in presenters.PUBLIC_BREAKDOWNS:
                    writer.writerow(
                        [
                            month,
                            row.measure,
                            "yes" if row.local else "no",
                            row.breakdown,
                            neutralise(row.group),
                            row.numerator,
                            row.denominator,
                            "" if row.rate is None else row.rate,
                            row.dq,
                        ]
                    )
    return response
