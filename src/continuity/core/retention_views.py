"""The privacy officer's retention review: records 25 years past the end of care."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from continuity.core import retention
from continuity.core.audit import record_access
from continuity.core.forms import RetentionDecisionForm, add_action_error
from continuity.core.identifiers import format_nhs_number
from continuity.core.models import RetentionReview
from continuity.core.permissions import require
from continuity.pregnancies.actions import ActionError


@require("review_retention")
def retention_list(request: HttpRequest) -> HttpResponse:
    """Open reviews, oldest due first, then the latest decisions. No woman is named here."""
    waiting = RetentionReview.objects.filter(decided_at__isnull=True).order_by("due_on", "id")
    decided = RetentionReview.objects.filter(decided_at__isnull=False).select_related("decided_by")
    return render(
        request,
        "core/retention_list.jinja",
        {
            "page_title": _("Retention review"),
            "page": Paginator(waiting, 50).get_page(request.GET.get("page")),
            "decided": list(decided.order_by("-decided_at")[:20]),
            "years": retention.YEARS,
        },
    )


@require("review_retention")
def retention_decide(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(RetentionReview.objects.select_related("woman"), pk=pk)
    form = RetentionDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.decide(
                by=request.user,  # type: ignore[arg-type]
                review=review,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
                keep_until=form.cleaned_data["keep_until"],
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            messages.success(request, _("Decision recorded. Nothing has been deleted."))
            return redirect("core:retention")
    record_access(
        user=request.user,  # type: ignore[arg-type]
        woman=review.woman,
        basis="retention_review",
        request=request,
    )
    return render(
        request,
        "core/retention_decide.jinja",
        {
            "page_title": _("Decide on a record's retention"),
            "form": form,
            "review": review,
            "nhs_number": format_nhs_number(review.woman.nhs_number),
            "pregnancies": list(review.woman.pregnancies.order_by("edd")),
        },
        status=400 if form.errors else 200,
    )
