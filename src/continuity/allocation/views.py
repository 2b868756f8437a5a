"""Allocation pages for team leaders and service managers: the queue, one woman's decision, the
capacity view and handover. Thin: permission → form → action or query → render."""

from __future__ import annotations

import hashlib
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from continuity.allocation import actions, engine_io, presenters, queries
from continuity.allocation.forms import DecisionForm, HandoverForm
from continuity.core.audit import record_access, record_access_many
from continuity.core.models import AccessEvent
from continuity.core.permissions import require
from continuity.pregnancies.queries import relationship_basis

PAGE_HELPERS = {
    "reasons_text": presenters.reasons_text,
    "why_not_text": presenters.why_not_text,
    "unplaced_text": presenters.unplaced_text,
    "priority_label": presenters.priority_label,
    "priority_text": presenters.priority_text,
}


def _queue_url(team: Any) -> str:
    return f"{reverse('allocation:queue')}?team={team.local_id}"


@require("allocate")
def queue(request: HttpRequest) -> HttpResponse:
    teams, team = queries.teams_and_team(request.user, request.GET.get("team"))
    return _render_queue(request, team, teams=teams)


def _render_queue(
    request: HttpRequest, team: Any, error: str | None = None, teams: list[Any] | None = None
) -> HttpResponse:
    today = timezone.localdate()
    if teams is None:
        teams = list(queries.allocating_teams(request.user))
    waiting = queries.queue(request.user, team)
    suggestions, plan = engine_io.suggest(team, waiting, today)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[p.woman_id for p in waiting],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    rows = [
        {"pregnancy": p, "ga_days": p.ga_days(today), "suggestion": suggestions.get(p.pk)}
        for p in waiting
    ]
    return render(
        request,
        "allocation/queue.jinja",
        {
            "page_title": _("Allocation queue"),
            "team": team,
            "teams": teams,
            # Only the team switcher shows the counts, and only for more than one team.
            "counts": queries.queue_counts(request.user) if len(teams) > 1 else {},
            "rows": rows,
            "placed": sum(1 for r in rows if r["suggestion"] and r["suggestion"].named),
            "plan": plan,
            "error": error,
            "decide_path": presenters.decide_path(),
            **PAGE_HELPERS,
        },
        status=400 if error else 200,
    )


@require("allocate")
def accept(request: HttpRequest) -> HttpResponse:
    """Accept the suggestions ticked on the queue. A suggestion that changed since the page was
    shown is not accepted: the leader sees the new one first."""
    if request.method != "POST":
        return redirect("allocation:queue")
    team = queries.team_for(request.user, request.POST.get("team"))
    chosen = set(request.POST.getlist("accept"))
    if not chosen:
        return _render_queue(request, team, error=_("Select at least one woman to allocate"))
    today = timezone.localdate()
    # The same whole-queue plan the page showed: suggestions depend on each other.
    waiting = queries.queue(request.user, team)
    suggestions, _plan = engine_io.suggest(team, waiting, today)
    choices, changed = [], []
    for p in waiting:
        if str(p.ref) not in chosen:
            continue
        s = suggestions.get(p.pk)
        shown = request.POST.get(f"shown-{p.ref}", "")
        if s is None or s.named is None or s.buddy is None:
            changed.append(p)
            continue
        if shown != f"{s.named.professional_id}:{s.buddy.professional_id}":
            changed.append(p)
            continue
        choices.append(actions.Choice(p, s.named, s.buddy, s.as_record()))
    result = actions.allocate_many(by=request.user, choices=choices, today=today)  # type: ignore[arg-type]
    if result.allocated:
        messages.success(
            request,
            ngettext(
                "%(n)d woman allocated. She has been sent the names of her midwives.",
                "%(n)d women allocated. Each has been sent the names of her midwives.",
                len(result.allocated),
            )
            % {"n": len(result.allocated)},
        )
    not_done = len(changed) + len(result.skipped)
    if not_done:
        messages.warning(
            request,
            ngettext(
                "%(n)d suggestion changed or was already decided, so it was not accepted. "
                "Check the queue again.",
                "%(n)d suggestions changed or were already decided, so they were not accepted. "
                "Check the queue again.",
                not_done,
            )
            % {"n": not_done},
        )
    return redirect(_queue_url(team))


@require("allocate")
def decide(request: HttpRequest, ref: UUID) -> HttpResponse:
    team = queries.team_for(request.user, request.GET.get("team") or request.POST.get("team"))
    waiting = queries.queue(request.user, team)
    pregnancy = queries.queue_item(waiting, ref)
    today = timezone.localdate()
    # Her suggestion is the one the queue shows: the whole queue is planned together.
    suggestions, _plan = engine_io.suggest(team, waiting, today)
    suggestion = suggestions.get(pregnancy.pk)
    has_suggestion = bool(suggestion and suggestion.named and suggestion.buddy)
    midwives = queries.midwife_choices(team, today)
    form = DecisionForm(request.POST or None, midwives=midwives, has_suggestion=has_suggestion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        decision = data["decision"]
        record = suggestion.as_record() if suggestion else {}
        try:
            if decision == DecisionForm.ACCEPT:
                assert suggestion is not None and suggestion.named and suggestion.buddy
                actions.allocate(
                    by=request.user,  # type: ignore[arg-type]
                    choice=actions.Choice(pregnancy, suggestion.named, suggestion.buddy, record),
                    today=today,
                )
            elif decision == DecisionForm.CHOOSE:
                actions.allocate(
                    by=request.user,  # type: ignore[arg-type]
                    choice=actions.Choice(
                        pregnancy, data["named"], data["buddy"], record, data["reason"]
                    ),
                    today=today,
                )
            else:
                actions.decline(
                    by=request.user,  # type: ignore[arg-type]
                    pregnancy=pregnancy,
                    kind=decision,
                    reason=data["reason"],
                    today=today,
                )
        except actions.ActionError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request,
                _("Decision recorded for %(name)s.") % {"name": pregnancy.woman.full_name},
            )
            return redirect(_queue_url(team))
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=pregnancy.woman,
        basis=relationship_basis(request.user, pregnancy) or "",
        request=request,
    )
    return render(
        request,
        "allocation/decide.jinja",
        {
            "page_title": _("Allocate %(name)s") % {"name": pregnancy.woman.full_name},
            "team": team,
            "pregnancy": pregnancy,
            "woman": pregnancy.woman,
            "ga_days": pregnancy.ga_days(today),
            "suggestion": suggestion,
            "form": form,
            **PAGE_HELPERS,
        },
        status=400 if form.errors else 200,
    )


@require("allocate")
def capacity(request: HttpRequest) -> HttpResponse:
    teams, team = queries.teams_and_team(request.user, request.GET.get("team"))
    today = timezone.localdate()
    waiting = queries.queue(request.user, team)
    suggestions, _plan = engine_io.suggest(team, waiting, today)
    unplaced = [s for s in suggestions.values() if s.named is None]
    groups: dict[str, list[Any]] = {}
    for s in unplaced:
        for g in s.priority or ("none",):
            groups.setdefault(g, []).append(s)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=[s.pregnancy.woman_id for s in unplaced],
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "allocation/capacity.jinja",
        {
            "page_title": _("Capacity by due month"),
            "team": team,
            "teams": teams,
            "capacity": queries.capacity(team, today),
            "unplaced": unplaced,
            "groups": sorted(groups.items(), key=lambda kv: (kv[0] == "none", kv[0])),
            "decide_path": presenters.decide_path(),
            **PAGE_HELPERS,
        },
    )


def _preview_token(changes: list[engine_io.HandoverChange]) -> str:
    text = "|".join(c.key for c in changes)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@require("allocate")
def handover(request: HttpRequest) -> HttpResponse:
    team = queries.team_for(request.user, request.GET.get("team") or request.POST.get("team"))
    today = timezone.localdate()
    form = HandoverForm(
        request.POST or None, midwives=queries.handover_midwives(team, today), today=today
    )
    context: dict[str, Any] = {
        "page_title": _("Hand over a midwife's women"),
        "team": team,
        "form": form,
        "changes": None,
        **PAGE_HELPERS,
    }
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        changes = engine_io.plan_handover(data["midwife"], today)
        token = _preview_token(changes)
        if request.POST.get("apply") and request.POST.get("token") == token:
            try:
                actions.apply_handover(
                    by=request.user,  # type: ignore[arg-type]
                    midwife=data["midwife"],
                    kind=data["kind"],
                    from_date=data["from_date"],
                    reason=data["reason"],
                    changes=changes,
                    today=today,
                )
            except actions.ActionError as exc:
                context["stale"] = exc.message
                status = 409
            else:
                messages.success(
                    request,
                    ngettext(
                        "Handover applied for %(n)d woman. She has been told who her "
                        "midwives are now.",
                        "Handover applied for %(n)d women. Each has been told who her "
                        "midwives are now.",
                        len(changes),
                    )
                    % {"n": len(changes)},
                )
                return redirect(_queue_url(team))
        elif request.POST.get("apply"):
            context["stale"] = _(
                "Her caseload changed after the preview. Check the new preview and apply it."
            )
            status = 409
        context.update(changes=changes, token=token, midwife=data["midwife"])
        record_access_many(
            user=request.user,  # type: ignore[arg-type]
            women_ids=[c.pregnancy.woman_id for c in changes],
            action=AccessEvent.Action.LIST,
            request=request,
        )
    elif form.errors:
        status = 400
    return render(request, "allocation/handover.jinja", context, status=status)
