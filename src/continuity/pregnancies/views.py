from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from continuity.assurance.tracking import pregnancy_share
from continuity.core.audit import record_access
from continuity.core.forms import add_action_error
from continuity.core.idempotency import create_once
from continuity.core.models import AccessEvent
from continuity.core.permissions import can, require
from continuity.cover.queries import contact_card
from continuity.pregnancies import actions, presenters, queries
from continuity.pregnancies.forms import BookingForm, VoidForm
from continuity.pregnancies.models import CarePlanRecord, Contact, LabourRecord
from continuity.referrals import queries as referral_queries


@require("view_woman_record")
def woman(request: HttpRequest, ref: UUID) -> HttpResponse:
    try:
        found = queries.woman_for(request.user, ref)
    except Http404:
        target = queries.woman_exists_out_of_scope(ref)
        if target is not None:
            record_access(
                user=request.user,  # type: ignore[arg-type]
                woman=target,
                outcome=AccessEvent.Outcome.DENIED,
                request=request,
            )
        raise
    summary = presenters.woman_summary(request.user, found)
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=found,
        basis=summary["basis"] or "",
        request=request,
    )
    pregnancy = summary.get("pregnancy")
    card = contact_card(pregnancy) if pregnancy is not None else None
    share = (
        pregnancy_share(pregnancy, plans=summary["plans"], contacts=summary["contacts"])
        if pregnancy is not None
        else None
    )
    referrals = (
        [
            (r, referral_queries.overdue(r))
            for r in pregnancy.referrals.select_related("site").order_by("-requested_at")
        ]
        if pregnancy is not None
        else []
    )
    return render(
        request,
        "pregnancies/woman.jinja",
        {
            "page_title": str(found),
            "contact": card,
            "continuity_share": share,
            "referrals": referrals,
            "can_void": can(request.user, "void_entry"),
            **summary,
        },
    )


@require("book_pregnancy")
def book(request: HttpRequest) -> HttpResponse:
    midwife = getattr(request.user, "midwife", None)
    if midwife is None:
        raise PermissionDenied("book_pregnancy")
    form = BookingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data: dict[str, Any] = form.cleaned_data

        def create() -> str:
            pregnancy = actions.book_pregnancy(
                by=request.user,  # type: ignore[arg-type]
                booking=actions.Booking(**data),
                team=midwife.team,
            )
            messages.success(
                request,
                _("Pregnancy booked. She is in %(team)s's allocation queue.")
                % {"team": midwife.team.name},
            )
            return reverse("pregnancies:woman", kwargs={"ref": pregnancy.woman.ref})

        try:
            return create_once(request, "pregnancy.book", create)
        except actions.ActionError as exc:
            form.add_error(exc.field, _(exc.message))
    return render(
        request,
        "pregnancies/book.jinja",
        {"page_title": _("Book a pregnancy"), "form": form, "today": timezone.localdate()},
        status=400 if form.errors else 200,
    )


# Entries that can be voided from her record, by the name used in the address.
VOIDABLE = {"visit": Contact, "care-plan": CarePlanRecord, "labour": LabourRecord}


@require("void_entry")
def void_entry(request: HttpRequest, ref: UUID, kind: str, pk: int) -> HttpResponse:
    """Void a visit, care plan record or labour record entered in error, with a reason."""
    found = queries.woman_for(request.user, ref)  # 404 outside a care relationship
    model = VOIDABLE.get(kind)
    if model is None:
        raise Http404
    entry = get_object_or_404(model.objects.select_related("pregnancy"), pk=pk)
    if entry.pregnancy.woman_id != found.pk:
        raise Http404
    form = VoidForm(request.POST or None, initial={"version": getattr(entry, "version", None)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.void_entry(
                by=request.user,  # type: ignore[arg-type]
                entry=entry,
                version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except actions.ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("The entry has been voided. It stays in her record."))
            return redirect("pregnancies:woman", ref=found.ref)
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=found,
        basis=queries.relationship_basis(request.user, entry.pregnancy) or "",
        request=request,
    )
    return render(
        request,
        "pregnancies/void.jinja",
        {
            "page_title": _("Void an entry made in error"),
            "form": form,
            "woman": found,
            "entry": entry,
            "kind": kind,
        },
        status=400 if form.errors else 200,
    )
