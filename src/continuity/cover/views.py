"""Cover pages: a midwife's rota, leave and call-outs; the team calendar with its gaps; leave
decisions with their preview; the "I am covering" list. Thin: permission → form → action or
query → render."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from continuity.core.audit import record_access_many
from continuity.core.forms import add_action_error, posted_number
from continuity.core.idempotency import create_once
from continuity.core.models import AccessEvent
from continuity.core.permissions import require
from continuity.cover import actions, ical, presenters, queries
from continuity.cover.actions import ActionError, Pattern
from continuity.cover.clock import monday_of
from continuity.cover.forms import AbsenceForm, CallOutForm, DecisionForm, ShiftsForm
from continuity.workforce.models import RotaEntry
from continuity.workforce.queries import own_midwife


def _day_param(request: HttpRequest, name: str = "date") -> date:
    raw = request.GET.get(name, "")
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


# -- the midwife's own pages ------------------------------------------------------------------


@require("request_leave")
def mine(request: HttpRequest) -> HttpResponse:
    me = own_midwife(request.user)
    return render(
        request,
        "cover/mine.jinja",
        {
            "page_title": _("My rota"),
            "me": me,
            "upcoming": queries.upcoming(me),
            "absences": queries.my_absences(me),
            "covering": queries.covering_list(me),
            "now": timezone.now(),
            "kinds": presenters.labels(RotaEntry.Kind.choices),
            "statuses": presenters.labels(RotaEntry.Status.choices),
        },
    )


@require("request_leave")
def request_absence(request: HttpRequest) -> HttpResponse:
    me = own_midwife(request.user)
    form = AbsenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            actions.request_absence(
                by=request.user,  # type: ignore[arg-type]
                midwife=me,
                kind=form.cleaned_data["kind"],
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Your request has been sent to your team leader."))
            return resolve_url("cover:mine")

        try:
            return create_once(request, "leave.request.own", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "cover/absence_form.jinja",
        {"page_title": _("Ask for time away"), "form": form, "for_team": False},
        status=400 if form.errors else 200,
    )


@require("request_leave")
def cancel_absence(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("cover:mine")
    entry = queries.my_entry(own_midwife(request.user), pk)
    try:
        actions.cancel_leave(
            by=request.user,  # type: ignore[arg-type]
            entry=entry,
            version=posted_number(request, "version"),
        )
    except ActionError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Your time away has been cancelled."))
    return redirect("cover:mine")


@require("request_leave")
def rota_ics(request: HttpRequest) -> HttpResponse:
    me = own_midwife(request.user)
    response = HttpResponse(ical.rota_calendar(me), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-rota.ics"'
    response["Cache-Control"] = "no-store"
    return response


@require("request_leave")
def call_out(request: HttpRequest) -> HttpResponse:
    me = own_midwife(request.user)
    form = CallOutForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            entry = actions.record_call_out(
                by=request.user,  # type: ignore[arg-type]
                midwife=me,
                day=form.cleaned_data["day"],
                start=form.cleaned_data["start_time"],
                end=form.cleaned_data["end_time"],
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Your call-out has been recorded."))
            return resolve_url("cover:call-out-visits", pk=entry.pk)

        try:
            return create_once(request, "call_out.record", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "cover/call_out.jinja",
        {"page_title": _("Record a call-out"), "form": form},
        status=400 if form.errors else 200,
    )


@require("request_leave")
def call_out_visits(request: HttpRequest, pk: int) -> HttpResponse:
    """After a call-out: her next day's visits, each proposed to move to the woman's buddy."""
    me = own_midwife(request.user)
    entry = queries.my_entry(me, pk)
    if entry.kind != RotaEntry.Kind.CALL_OUT:
        raise Http404
    proposals = queries.next_day_visits(entry)
    error = None
    if request.method == "POST":
        chosen = set(request.POST.getlist("move"))
        moves = [(c, to) for c, to in proposals if str(c.pk) in chosen and to is not None]
        if not moves:
            error = _("Select the visits to move, or go back to your rota to keep them")
        else:
            try:
                moved = actions.move_visits(
                    by=request.user,  # type: ignore[arg-type]
                    moves=moves,
                    from_midwife=me,
                    reason=_("Rest after a night call-out"),
                )
            except ActionError as exc:
                error = exc.message
            else:
                messages.success(
                    request,
                    ngettext("%(n)d visit has been moved.", "%(n)d visits have been moved.", moved)
                    % {"n": moved},
                )
                return redirect("cover:mine")
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[c.pregnancy.woman_id for c, _to in proposals],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "cover/call_out_visits.jinja",
        {
            "page_title": _("Move tomorrow's visits"),
            "entry": entry,
            "proposals": proposals,
            "error": error,
            "night": queries.touches_night(entry),
        },
        status=400 if error else 200,
    )


@require("request_leave")
def covering(request: HttpRequest) -> HttpResponse:
    me = own_midwife(request.user)
    rows = queries.covering_list(me)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[a.pregnancy.woman_id for row in rows for a in row.women],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(request, "cover/covering.jinja", {"page_title": _("I am covering"), "rows": rows})


# -- the team's pages -------------------------------------------------------------------------


@require("view_rota")
def team_calendar(request: HttpRequest) -> HttpResponse:
    team, teams, manages = queries.team_page(request.user, request.GET.get("team"))
    view = "month" if request.GET.get("view") == "month" else "week"
    day = _day_param(request)
    if view == "week":
        first = monday_of(day)
        last = first + timedelta(days=6)
        previous, following = first - timedelta(days=7), first + timedelta(days=7)
    else:
        first = day.replace(day=1)
        last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        previous = (first - timedelta(days=1)).replace(day=1)
        following = last + timedelta(days=1)
    cal = queries.calendar(team, first, last)
    weeks = []
    if view == "month":
        grid_start = monday_of(first)
        by_day = {d.day: d for d in cal.days}
        week_start = grid_start
        while week_start <= last:
            weeks.append([by_day.get(week_start + timedelta(days=n)) for n in range(7)])
            week_start += timedelta(days=7)
    return render(
        request,
        "cover/calendar.jinja",
        {
            "page_title": _("Team cover"),
            "team": team,
            "teams": teams,
            "view": view,
            "cal": cal,
            "weeks": weeks,
            "previous": previous,
            "following": following,
            "today": timezone.localdate(),
            "manages": manages,
            "kinds": presenters.labels(RotaEntry.Kind.choices),
            "shift_url": presenters.pk_url("cover:shift"),
            "clock": presenters.clock,
        },
    )


@require("view_rota")
def forecast(request: HttpRequest) -> HttpResponse:
    team, teams, manages = queries.team_page(request.user, request.GET.get("team"))
    today = timezone.localdate()
    mondays, rows = queries.on_call_forecast(team, today)
    return render(
        request,
        "cover/forecast.jinja",
        {
            "page_title": _("On-call forecast"),
            "team": team,
            "teams": teams,
            "mondays": mondays,
            "rows": rows,
            "manages": manages,
        },
    )


@require("view_rota")
def rest_rules(request: HttpRequest) -> HttpResponse:
    team, teams, manages = queries.team_page(request.user, request.GET.get("team"))
    warnings = queries.rest_warnings(team, timezone.localdate())
    names = {m.professional_id: m.name for m in queries.team_midwives(team, date.min, date.max)}
    return render(
        request,
        "cover/rest.jinja",
        {
            "page_title": _("Rest rules"),
            "team": team,
            "teams": teams,
            "warnings": warnings,
            "names": names,
            "manages": manages,
        },
    )


@require("approve_leave")
def requests(request: HttpRequest) -> HttpResponse:
    team, teams, _manages = queries.team_page(request.user, request.GET.get("team"))
    flags = queries.open_flags(team)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[f.contact.pregnancy.woman_id for f in flags],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "cover/requests.jinja",
        {
            "flags": flags,
            "page_title": _("Leave requests"),
            "team": team,
            "teams": teams,
            "pending": [
                e for e in queries.pending_requests(request.user) if e.midwife.team_id == team.pk
            ],
            "manages": True,
        },
    )


@require("approve_leave")
def record_absence(request: HttpRequest) -> HttpResponse:
    """A leader records time away for someone in her team (sickness included), then decides."""
    team = queries.team_for(request.user, request.GET.get("team") or request.POST.get("team"))
    today = timezone.localdate()
    people = queries.team_midwives(team, today, today)
    form = AbsenceForm(request.POST or None, midwives=people)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            entry = actions.request_absence(
                by=request.user,  # type: ignore[arg-type]
                midwife=form.cleaned_data["midwife"],
                kind=form.cleaned_data["kind"],
                first_day=form.cleaned_data["first_day"],
                last_day=form.cleaned_data["last_day"],
                note=form.cleaned_data["note"],
            )
            return resolve_url("cover:decide", pk=entry.pk)

        try:
            return create_once(request, "leave.record.team", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "cover/absence_form.jinja",
        {"page_title": _("Record time away"), "form": form, "for_team": True, "team": team},
        status=400 if form.errors else 200,
    )


@require("approve_leave")
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview of an absence — her women, their cover, visits to move, gaps and rest-rule
    warnings — and the decision."""
    entry = queries.request_for(request.user, pk)
    choices = queries.cover_choices(entry)
    form = DecisionForm(request.POST or None, choices=choices)
    covering = None
    if request.method == "POST":
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == DecisionForm.APPROVE:
                    done = actions.approve_leave(
                        by=request.user,  # type: ignore[arg-type]
                        entry=entry,
                        version=form.cleaned_data["version"],
                        covering=form.cleaned_data["covering"],
                        note=form.cleaned_data["note"],
                    )
                    told = ngettext(
                        "%(num)d woman will be told", "%(num)d women will be told", done.messages
                    ) % {"num": done.messages}
                    flagged = ngettext(
                        "%(num)d visit is flagged to move",
                        "%(num)d visits are flagged to move",
                        done.flagged,
                    ) % {"num": done.flagged}
                    messages.success(
                        request,
                        _(
                            "Approved. %(covering)s covers %(name)s's women; "
                            "%(told)s and %(flagged)s."
                        )
                        % {
                            "covering": done.arrangement.covering.name,
                            "name": entry.midwife.name,
                            "told": told,
                            "flagged": flagged,
                        },
                    )
                else:
                    actions.decline_leave(
                        by=request.user,  # type: ignore[arg-type]
                        entry=entry,
                        version=form.cleaned_data["version"],
                        reason=form.cleaned_data["note"],
                    )
                    messages.success(request, _("The request has been declined."))
                url = reverse("cover:requests") + f"?team={entry.midwife.team.local_id}"
                return redirect(url)
            except ActionError as exc:
                add_action_error(form, exc)
        covering = form.cleaned_data.get("covering") if hasattr(form, "cleaned_data") else None
    else:
        wanted = request.GET.get("covering")
        covering = next((m for m in choices if m.professional_id == wanted), None)
        covering = covering or queries.default_cover(entry, choices)
        form = DecisionForm(
            initial={
                "version": entry.version,
                "covering": covering.professional_id if covering else None,
            },
            choices=choices,
        )
    preview = queries.leave_preview(entry, covering)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[w.assignment.pregnancy.woman_id for w in preview.women],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "cover/decide.jinja",
        {
            "page_title": _("Decide on time away"),
            "entry": entry,
            "form": form,
            "preview": preview,
            "team": entry.midwife.team,
            "decided": entry.status != RotaEntry.Status.REQUESTED,
        },
        status=400 if form.errors else 200,
    )


@require("manage_rota")
def add_shifts(request: HttpRequest) -> HttpResponse:
    team = queries.team_for(request.user, request.GET.get("team") or request.POST.get("team"))
    if team not in queries.managed_teams(request.user):
        raise Http404
    today = timezone.localdate()
    people = queries.team_midwives(team, today, today + timedelta(days=366))
    form = ShiftsForm(request.POST or None, midwives=people)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def create() -> str:
            rows = actions.add_shifts(
                by=request.user,  # type: ignore[arg-type]
                midwife=data["midwife"],
                pattern=Pattern(
                    kind=data["kind"],
                    first_day=data["first_day"],
                    last_day=data["last_day"],
                    weekdays=frozenset(int(d) for d in data["weekdays"]),
                    start=data["start_time"],
                    end=data["end_time"],
                ),
                note=data["note"],
            )
            messages.success(
                request,
                ngettext("%(n)d shift has been added.", "%(n)d shifts have been added.", len(rows))
                % {"n": len(rows)},
            )
            url = reverse("cover:team") + f"?team={team.local_id}&date={data['first_day']}"
            return resolve_url(url)

        try:
            return create_once(request, "rota.add_shifts", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "cover/shifts.jinja",
        {"page_title": _("Add shifts"), "form": form, "team": team},
        status=400 if form.errors else 200,
    )


@require("manage_rota")
def shift(request: HttpRequest, pk: int) -> HttpResponse:
    """One rota entry of the leader's team, with a way to remove it (voided with a reason)."""
    entry = queries.entry_for(request.user, pk)
    error = None
    if request.method == "POST":
        try:
            actions.remove_shift(
                by=request.user,  # type: ignore[arg-type]
                entry=entry,
                version=posted_number(request, "version"),
                reason=request.POST.get("reason", ""),
            )
        except ActionError as exc:
            error = exc.message
        else:
            messages.success(request, _("The shift has been removed from the rota."))
            day = timezone.localdate(entry.starts_at)
            team = entry.midwife.team.local_id
            return redirect(reverse("cover:team") + f"?team={team}&date={day.isoformat()}")
    return render(
        request,
        "cover/shift.jinja",
        {"page_title": _("Rota entry"), "entry": entry, "error": error},
        status=400 if error else 200,
    )
