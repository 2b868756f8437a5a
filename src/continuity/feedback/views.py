"""Answering feedback: by the link in her message (no sign-in; the page shows nothing about her)
or from her own pages."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from continuity.core.forms import add_action_error
from continuity.core.permissions import require
from continuity.feedback import actions
from continuity.feedback.forms import FeedbackForm
from continuity.feedback.models import FeedbackRequest
from continuity.portal.queries import my_record
from continuity.pregnancies.actions import ActionError


def answer(request: HttpRequest, token: str) -> HttpResponse:
    found = FeedbackRequest.objects.filter(token=token).first()
    if found is None:
        raise Http404
    form = FeedbackForm(found.is_visit, request.POST or None)
    done = found.answered_at is not None
    if request.method == "POST" and not done and form.is_valid():
        data = form.cleaned_data
        try:
            actions.answer(
                request=found,
                answers=actions.Answers(
                    rating=data.get("rating"),
                    what_was_good=data.get("what_was_good") or "",
                    could_be_better=data.get("could_be_better") or "",
                    named_or_buddy=data.get("named_or_buddy") or "",
                    listened=data.get("listened") or "",
                ),
            )
        except ActionError as exc:
            add_action_error(form, exc)
        else:
            done = True
    response = render(
        request,
        "feedback/answer.jinja",
        {
            "page_title": _("Tell us about your care"),
            "form": form,
            "feedback": found,
            "done": done,
        },
        status=400 if form.errors else 200,
    )
    response["Referrer-Policy"] = "no-referrer"  # the token must not leak to other sites
    return response


@require("view_own_record")
def mine(request: HttpRequest) -> HttpResponse:
    woman = my_record(request.user)
    requests = list(
        FeedbackRequest.objects.filter(pregnancy__woman=woman).order_by("-created_at")[:20]
    )
    return render(
        request,
        "feedback/mine.jinja",
        {"page_title": _("Feedback"), "requests": requests},
    )
