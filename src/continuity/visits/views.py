"""Visit pages: the midwife's day and recording what happened; the woman's own visits, asking
to move one and her preferred times. Thin: permission → form → action or query → render."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.core.audit import record_access, record_access_many
from continuity.core.forms import add_action_error, posted_number
from continuity.core.models import AccessEvent
from continuity.core.permissions import require
from continuity.cover import queries as cover_queries
from continuity.cover.queries import team_midwives
from continuity.engines.geo import Point
from continuity.pregnancies.actions import ActionError
from continuity.pregnancies.models import AvailabilityWindow, Contact
from continuity.visits import actions, planner_queries, planning, presenters, queries
from continuity.visits.forms import DAYS, MoveForm, OutcomeForm, TimesForm
from continuity.workforce.queries import own_midwife


@require("view_caseload")
def today(request: HttpRequest) -> HttpResponse:
    me = own_midwife(request.user)
    try:
        day = date.fromisoformat(request.GET.get("date", "")) if request.GET.get("date") else None
    except ValueError:
        day = None
    day = day or timezone.localdate()
    plan = queries.my_day(me, day)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[s.contact.pregnancy.woman_id for s in plan.stops],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    homes = [
        Point(s.contact.pregnancy.woman.lat, s.contact.pregnancy.woman.lon)
        if s.contact.location == Contact.Location.HOME
        and s.contact.pregnancy.woman.lat is not None
        and s.contact.pregnancy.woman.lon is not None
        else None
        for s in plan.stops
    ]
    return render(
        request,
        "visits/today.jinja",
        {
            "page_title": _("Today") if day == timezone.localdate() else _("My visits"),
            "plan": plan,
            "sketch": presenters.sketch(plan.start, homes),
            "previous": day - timedelta(days=1),
            "following": day + timedelta(days=1),
            "is_today": day == timezone.localdate(),
        },
    )


@require("view_caseload")
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    me = own_midwife(request.user)
    contact = queries.my_contact(me, pk)
    today_ = timezone.localdate()
    people = team_midwives(me.team, today_, today_)
    form = OutcomeForm(
        request.POST or None,
        team=people,
        initial={"version": contact.version, "attended_by": [me.professional_id]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_outcome(
                by=request.user,  # type: ignore[arg-type]
                contact=contact,
                version=form.cleaned_data["version"],
                attendance=form.cleaned_data["attendance"],
                attended_by=list(form.cleaned_data["attended_by"]),
                note=form.cleaned_data["note"],
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("The visit has been recorded."))
            local_day = timezone.localtime(contact.scheduled_start).date()
            return redirect(f"{reverse('visits:today')}?date={local_day.isoformat()}")
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=contact.pregnancy.woman,
        basis="visit",
        request=request,
    )
    return render(
        request,
        "visits/outcome.jinja",
        {"page_title": _("Record the visit"), "form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


# -- the woman's own pages ----------------------------------------------------------------------


@require("view_own_record")
def my_visits(request: HttpRequest) -> HttpResponse:
    pregnancy = queries.her_pregnancy(request.user)
    record_access(user=request.user, woman=pregnancy.woman, basis="self", request=request)  # type: ignore[arg-type]
    preferred = pregnancy.availability.filter(kind=AvailabilityWindow.Kind.PREFERRED)
    return render(
        request,
        "visits/my_visits.jinja",
        {
            "page_title": _("My visits"),
            "upcoming": queries.her_upcoming(pregnancy),
            "preferred": list(preferred),
            "days": [str(d) for d in DAYS],
        },
    )


@require("view_own_record")
def ask_to_move(request: HttpRequest, pk: int) -> HttpResponse:
    pregnancy = queries.her_pregnancy(request.user)
    contact = queries.her_contact(pregnancy, pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.ask_to_move(
                by=request.user,  # type: ignore[arg-type]
                contact=contact,
                better_times=form.cleaned_data["better_times"],
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(
                request,
                _("Your request has been sent. Your midwife will let you know the new time."),
            )
            return redirect("visits:mine")
    return render(
        request,
        "visits/move.jinja",
        {"page_title": _("Ask to move a visit"), "form": form, "contact": contact},
        status=400 if form.errors else 200,
    )


@require("view_own_record")
def preferred_times(request: HttpRequest) -> HttpResponse:
    pregnancy = queries.her_pregnancy(request.user)
    current = pregnancy.availability.filter(kind=AvailabilityWindow.Kind.PREFERRED)
    form = TimesForm(request.POST or None, initial={"slots": TimesForm.initial_for(current)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.set_preferred_times(
                by=request.user,  # type: ignore[arg-type]
                pregnancy=pregnancy,
                slots=form.chosen(),
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("Your preferred times have been saved."))
            return redirect("visits:mine")
    return render(
        request,
        "visits/times.jinja",
        {"page_title": _("When you would like visits"), "form": form},
        status=400 if form.errors else 200,
    )


# -- the team leader's week planner ---------------------------------------------------------------


def _monday(request: HttpRequest) -> date:
    raw = request.GET.get("week") or request.POST.get("week") or ""
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        day = timezone.localdate()
    return day - timedelta(days=day.weekday())


@require("manage_rota")
def planner(request: HttpRequest) -> HttpResponse:
    team = cover_queries.team_for(request.user, request.GET.get("team") or request.POST.get("team"))
    if team not in cover_queries.managed_teams(request.user):
        raise Http404
    monday = _monday(request)
    error = None
    if request.method == "POST":
        try:
            if request.POST.get("publish"):
                draft = planner_queries.draft_for(team, posted_number(request, "plan"))
                done = planning.publish(
                    by=request.user,  # type: ignore[arg-type]
                    plan=draft,
                    version=posted_number(request, "version"),
                )
                messages.success(
                    request,
                    _(
                        "Published: %(created)d visits booked, %(moved)d moved or given to "
                        "someone else."
                    )
                    % {"created": done.created, "moved": done.moved},
                )
            else:
                planning.run_planner(by=request.user, team=team, monday=monday)  # type: ignore[arg-type]
                messages.success(request, _("The week has been planned. Check it, then publish."))
        except ActionError as exc:
            error = exc.message
        else:
            return redirect(f"{reverse('visits:planner')}?team={team.local_id}&week={monday}")
    review = planner_queries.review(team, monday)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=review.women_ids,
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "visits/planner.jinja",
        {
            "page_title": _("Week planner"),
            "team": team,
            "teams": cover_queries.rota_teams(request.user),
            "manages": True,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "following": monday + timedelta(days=7),
            "review": review,
            "error": error,
        },
        status=400 if error else 200,
    )
