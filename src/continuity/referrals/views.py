"""Referral pages (from the woman's summary) and the coordinating midwife's list. Thin."""

from __future__ import annotations

from datetime import time
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.core.audit import record_access, record_access_many
from continuity.core.forms import add_action_error, posted_number
from continuity.core.idempotency import create_once
from continuity.core.models import AccessEvent
from continuity.core.permissions import require
from continuity.cover.clock import NonexistentTime, local_instant
from continuity.organisations.models import Site
from continuity.pregnancies.actions import ActionError
from continuity.pregnancies.queries import relationship_basis, woman_for
from continuity.referrals import actions, queries
from continuity.referrals.forms import PlaceForm, ReferralForm, StepForm
from continuity.referrals.models import Referral


def _sites() -> list[tuple[int, str]]:
    return list(Site.objects.order_by("name").values_list("pk", "name"))


@require("edit_plan")
def new_referral(request: HttpRequest, ref: UUID) -> HttpResponse:
    woman = woman_for(request.user, ref)
    pregnancy = woman.latest_pregnancy()
    form = ReferralForm(_sites(), request.POST or None)
    if request.method == "POST" and form.is_valid() and pregnancy is not None:

        def create() -> str:
            referral = actions.make_referral(
                by=request.user,  # type: ignore[arg-type]
                pregnancy=pregnancy,
                service=form.cleaned_data["service"],
                site_id=form.cleaned_data["site"],
                urgency=form.cleaned_data["urgency"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("Referral made. You will be told if it is overdue."))
            return resolve_url("referrals:detail", pk=referral.pk)

        try:
            return create_once(request, "referral.make", create)
        except ActionError as exc:
            add_action_error(form, exc)
    return render(
        request,
        "referrals/new.jinja",
        {"page_title": _("Make a referral"), "form": form, "woman": woman},
        status=400 if form.errors else 200,
    )


def _choices(referral: Referral) -> list[tuple[str, str]]:
    labels = {
        Referral.Status.ACCEPTED: _("The service accepted her"),
        Referral.Status.BOOKED: _("An appointment is booked (or moved)"),
        Referral.Status.ATTENDED: _("She went to the appointment"),
        Referral.Status.DONE: _("The outcome came back"),
        Referral.Status.DECLINED: _("The service declined the referral"),
        Referral.Status.CANCELLED: _("Cancel the referral"),
    }
    allowed = actions.NEXT.get(referral.status, frozenset())
    return [(s, str(labels[s])) for s in labels if s in allowed]


@require("edit_plan")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = queries.referral_for(request.user, pk)
    pregnancy = referral.pregnancy
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=pregnancy.woman,
        basis=relationship_basis(request.user, pregnancy) or "coordinator",
        request=request,
    )
    form = StepForm(_choices(referral), request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = None
            if data.get("appointment_date"):
                appointment = local_instant(
                    data["appointment_date"], data.get("appointment_time") or time(9)
                )
            actions.advance(
                by=request.user,  # type: ignore[arg-type]
                referral=referral,
                version=posted_number(request, "version"),
                to=data["to"],
                appointment_at=appointment,
                note=data.get("note") or "",
            )
        except NonexistentTime as exc:
            form.add_error("appointment_time", str(exc))
        except ActionError as exc:
            if exc.field == "appointment":
                form.add_error("appointment_date", exc.message)
            else:
                add_action_error(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("referrals:detail", pk=referral.pk)
    return render(
        request,
        "referrals/detail.jinja",
        {
            "page_title": referral.get_service_display(),
            "referral": referral,
            "events": list(referral.events.select_related("by")),
            "form": form,
            "due": queries.due(referral),
            "overdue": queries.overdue(referral),
            "next_step": queries.next_step(referral),
        },
        status=400 if form.errors else 200,
    )


@require("edit_plan")
def mine(request: HttpRequest) -> HttpResponse:
    referrals = queries.coordinating(request.user)
    record_access_many(
        user=request.user,  # type: ignore[arg-type]
        women_ids=sorted({r.pregnancy.woman_id for r in referrals}),
        action=AccessEvent.Action.LIST,
        request=request,
    )
    today = timezone.localdate()
    rows: list[dict[str, Any]] = [
        {
            "referral": r,
            "due": queries.due(r),
            "overdue": queries.overdue(r, today),
            "next_step": queries.next_step(r),
        }
        for r in referrals
    ]
    return render(
        request, "referrals/mine.jinja", {"page_title": _("Referrals I coordinate"), "rows": rows}
    )


@require("edit_plan")
def place_of_birth(request: HttpRequest, ref: UUID) -> HttpResponse:
    woman = woman_for(request.user, ref)
    pregnancy = woman.latest_pregnancy()
    current = pregnancy.planned_place_of_birth if pregnancy else None
    form = PlaceForm(request.POST or None, initial={"place": current})
    if request.method == "POST" and form.is_valid() and pregnancy is not None:
        try:
            actions.change_place_of_birth(
                by=request.user,  # type: ignore[arg-type]
                pregnancy=pregnancy,
                version=posted_number(request, "version"),
                place=form.cleaned_data["place"],
                reason=form.cleaned_data["reason"],
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("Her planned place of birth has been changed."))
            return redirect("pregnancies:woman", ref=woman.ref)
    return render(
        request,
        "referrals/place.jinja",
        {
            "page_title": _("Change her planned place of birth"),
            "form": form,
            "woman": woman,
            "pregnancy": pregnancy,
            "changes": list(pregnancy.place_changes.select_related("by")) if pregnancy else [],
        },
        status=400 if form.errors else 200,
    )
