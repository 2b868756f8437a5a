"""Concern pages: hers ("Tell us") and the staff queue. Thin; every view of a concern about a
woman is an access event."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.accounts.models import User
from continuity.concerns import actions, queries
from continuity.concerns.forms import (
    AcknowledgeForm,
    RaiseForm,
    RespondForm,
    StaffRaiseForm,
    TriageForm,
)
from continuity.concerns.models import Concern
from continuity.core.audit import record_access, record_access_many
from continuity.core.forms import add_action_error, posted_number
from continuity.core.idempotency import create_once
from continuity.core.models import AccessEvent
from continuity.core.permissions import require
from continuity.feedback.models import FeedbackRequest
from continuity.portal.queries import my_record
from continuity.pregnancies.actions import ActionError
from continuity.pregnancies.queries import relationship_basis, woman_for

# -- hers ---------------------------------------------------------------------------------------


@require("view_own_record")
def my_concerns(request: HttpRequest) -> HttpResponse:
    woman = my_record(request.user)
    open_feedback = list(
        FeedbackRequest.objects.filter(
            pregnancy__woman=woman, answered_at__isnull=True, expires_at__gt=timezone.now()
        ).order_by("-created_at")
    )
    return render(
        request,
        "concerns/mine.jinja",
        {
            "page_title": _("Tell us"),
            "concerns": list(queries.hers(woman)),
            "open_feedback": open_feedback,
        },
    )


@require("view_own_record")
def my_new_concern(request: HttpRequest) -> HttpResponse:
    woman = my_record(request.user)
    form = RaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            concern = actions.raise_concern(
                by=request.user,  # type: ignore[arg-type]
                woman=woman,
                pregnancy=woman.latest_pregnancy(),
                summary=form.cleaned_data["summary"],
                details=form.cleaned_data["details"],
                raised_for=Concern.RaisedFor.HERSELF,
            )
            messages.success(
                request,
                _("Thank you. We will let you know we have it by %(date)s.")
                % {"date": concern.acknowledge_by.strftime("%-d %B %Y")},
            )
            return resolve_url("concerns:my-concern", pk=concern.pk)

        try:
            return create_once(request, "concern.raise.own", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "concerns/raise.jinja",
        {"page_title": _("Raise a concern"), "form": form, "for_woman": True},
        status=400 if form.errors else 200,
    )


@require("view_own_record")
def my_concern(request: HttpRequest, pk: int) -> HttpResponse:
    woman = my_record(request.user)
    concern = queries.her_concern(woman, pk)
    return render(
        request,
        "concerns/her_concern.jinja",
        {
            "page_title": concern.summary,
            "concern": concern,
            "events": queries.shown_to_her(concern),
        },
    )


# -- staff --------------------------------------------------------------------------------------


@require("handle_concerns")
def queue(request: HttpRequest) -> HttpResponse:
    show_all = request.GET.get("show") == "all"
    concerns = list(queries.visible(request.user).order_by("respond_by", "received_at"))
    if not show_all:
        concerns = [c for c in concerns if c.is_open]
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=sorted({c.woman_id for c in concerns}),
        action=AccessEvent.Action.LIST,
        request=request,
    )
    return render(
        request,
        "concerns/queue.jinja",
        {
            "page_title": _("Concerns"),
            "concerns": concerns,
            "show_all": show_all,
            "today": timezone.localdate(),
        },
    )


@require("handle_concerns")
def raise_for_her(request: HttpRequest, ref: UUID) -> HttpResponse:
    woman = woman_for(request.user, ref)
    form = StaffRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():

        def create() -> str:
            concern = actions.raise_concern(
                by=request.user,  # type: ignore[arg-type]
                woman=woman,
                pregnancy=woman.latest_pregnancy(),
                summary=form.cleaned_data["summary"],
                details=form.cleaned_data["details"],
                raised_for=form.cleaned_data["raised_for"],
            )
            messages.success(request, _("The concern has been recorded."))
            return resolve_url("concerns:detail", pk=concern.pk)

        try:
            return create_once(request, "concern.raise.staff", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "concerns/raise.jinja",
        {
            "page_title": _("Raise a concern on her behalf"),
            "form": form,
            "woman": woman,
            "for_woman": False,
        },
        status=400 if form.errors else 200,
    )


@require("handle_concerns")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = queries.concern_for(request.user, pk)
    pregnancy = concern.pregnancy
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=concern.woman,
        basis=(relationship_basis(request.user, pregnancy) if pregnancy else None) or "owner",
        request=request,
    )
    owners = queries.owners(concern)
    forms: dict[str, Any] = {
        "triage": TriageForm(
            owners,
            initial={"owner": concern.owner_id, "theme": concern.theme or None},
            prefix="triage",
        ),
        "acknowledge": AcknowledgeForm(prefix="ack"),
        "respond": RespondForm(prefix="respond"),
    }
    if request.method == "POST":
        step = request.POST.get("step") or ""
        version = posted_number(request, "version")
        by: User = request.user  # type: ignore[assignment]
        try:
            if step == "triage":
                form = forms["triage"] = TriageForm(owners, request.POST, prefix="triage")
                if form.is_valid():
                    owner = next(u for u in owners if u.pk == form.cleaned_data["owner"])
                    actions.triage(
                        by=by,
                        concern=concern,
                        version=version,
                        owner=owner,
                        theme=form.cleaned_data["theme"],
                    )
                    return _done(request, concern, _("Owner and theme saved."))
            elif step == "acknowledge":
                form = forms["acknowledge"] = AcknowledgeForm(request.POST, prefix="ack")
                if form.is_valid():
                    actions.acknowledge(
                        by=by,
                        concern=concern,
                        version=version,
                        message=form.cleaned_data["message"],
                    )
                    return _done(request, concern, _("Acknowledged. She can see it on her pages."))
            elif step == "respond":
                form = forms["respond"] = RespondForm(request.POST, prefix="respond")
                if form.is_valid():
                    actions.respond(
                        by=by,
                        concern=concern,
                        version=version,
                        response=form.cleaned_data["response"],
                        we_did=form.cleaned_data["we_did"],
                    )
                    return _done(
                        request, concern, _("Response sent. She can read it on her pages.")
                    )
            else:
                raise Http404
        except ActionError as exc:
            add_action_error(form, exc)
    bad = [f for f in forms.values() if f.is_bound and f.errors]
    return render(
        request,
        "concerns/detail.jinja",
        {
            "page_title": concern.summary,
            "concern": concern,
            "events": list(concern.events.select_related("by")),
            "forms": forms,
            "form": bad[0] if bad else None,
            "today": timezone.localdate(),
        },
        status=400 if bad else 200,
    )


def _done(request: HttpRequest, concern: Concern, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("concerns:detail", args=[concern.pk]))


@require("view_aggregates")
def you_said_we_did(request: HttpRequest) -> HttpResponse:
    """What changed because women spoke up: themes and the changes, never who or what happened."""
    answered = (
        Concern.objects.filter(status__in=(Concern.Status.RESPONDED, Concern.Status.CLOSED))
        .exclude(we_did="")
        .order_by("-responded_at")
    )
    return render(
        request,
        "concerns/you_said_we_did.jinja",
        {
            "page_title": _("You said, we did"),
            "items": [
                (c.get_theme_display() or _("Something else"), c.we_did, c.responded_at)
                for c in answered[:100]
            ],
        },
    )
