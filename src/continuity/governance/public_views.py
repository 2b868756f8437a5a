"""The published action plan, with no sign-in: the plan as the latest signed-off review left it,
each published review, the MVP's comments and the trust's answers, and a printable one-page
summary of the latest complete month.

Thin: reads come from `continuity.governance.queries`, figures from
`continuity.governance.figures` (rounded) or a review's frozen figures (rounded at sign-off), and
the words from `continuity.governance.summary`. Nothing about any woman is shown; no name but the
board safety champion's. Caching follows the other public pages: `NoStoreMiddleware` marks the
page no-store for anyone signed in and leaves it cacheable for everyone else.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from continuity.assurance import compute, months, presenters
from continuity.assurance.pdf import pdf_from_html
from continuity.governance import figures, queries
from continuity.governance import summary as words
from continuity.governance import trajectory as tj


def _links(request: HttpRequest) -> dict[str, str]:
    """Where to read more, as absolute addresses (the summary is printed)."""
    return {
        name: request.build_absolute_uri(reverse(route))
        for name, route in (
            ("plan_url", "published:plan"),
            ("feed_url", "published:feed"),
            ("summary_url", "published:summary"),
            ("summary_pdf_url", "published:summary-pdf"),
            ("measures_url", "assurance:public"),
        )
    }


def plan(request: HttpRequest) -> HttpResponse:
    """The published plan, the latest signed-off review, earlier reviews and the MVP's comments."""
    found = queries.the_plan()
    context: dict[str, Any] = {"page_title": _("Our continuity of carer plan"), "published": False}
    context.update(_links(request))
    if found is not None:
        reviews = list(queries.published_reviews(found).select_related("signed_off_by"))
        content = queries.published_plan(found)
        if reviews and content is not None:
            snapshot = compute.latest()
            spc = figures.headline_spc(snapshot)
            context.update(
                published=True,
                trust=found.trust,
                plan=words.plan_content(content, reviews),
                latest=words.review(reviews[0]),
                earlier=[words.review_link(r) for r in reviews[1:]],
                comments=words.comments(queries.published_comments(found).select_related("review")),
                spc=[spc] if spc else [],
                spc_through=words.day(snapshot.through) if snapshot else "",
            )
    return render(request, "governance/public/plan.jinja", context)


def review(request: HttpRequest, month: str) -> HttpResponse:
    """One signed-off review; 404 for a month not signed off or not a month at all."""
    if not tj.MONTH.match(month):
        raise Http404
    found = queries.plan_or_404()
    shown = queries.published_review(found, months.first_of(month))
    context = {
        "page_title": _("Review of %(month)s") % {"month": presenters.month_name(month)},
        "trust": found.trust,
        "review": words.review(shown),
        "comments": words.comments(
            queries.published_comments(found).filter(review=shown).select_related("review")
        ),
    }
    context.update(_links(request))
    return render(request, "governance/public/review.jinja", context)


def _summary_context(request: HttpRequest) -> dict[str, Any]:
    found = queries.the_plan()
    context: dict[str, Any] = {
        "page_title": _("How we are doing on continuity of carer"),
        "published": False,
        "summary": None,
    }
    context.update(_links(request))
    last = (
        queries.published_reviews(found).select_related("signed_off_by").first() if found else None
    )
    if found is None or last is None:
        return context
    context.update(published=True, trust=found.trust)
    snapshot = compute.latest()
    complete = presenters.complete_months(snapshot) if snapshot else []
    if snapshot is not None and complete:
        month = figures.for_month(found, months.first_of(complete[-1]), snapshot)
        context["summary"] = words.printable(month, last)
    return context


def summary(request: HttpRequest) -> HttpResponse:
    """How we are doing, on one printable page, from the latest complete month's figures."""
    return render(request, "governance/public/summary.jinja", _summary_context(request))


def summary_pdf(request: HttpRequest) -> HttpResponse:
    context = _summary_context(request)
    html = render_to_string("governance/public/summary.jinja", {**context, "pdf": True}, request)
    response = HttpResponse(
        pdf_from_html(html, base_url=request.build_absolute_uri("/")),
        content_type="application/pdf",
    )
    month = context["summary"]["month"] if context["summary"] else "not-yet"
    response["Content-Disposition"] = f'inline; filename="continuity-of-carer-{month}.pdf"'
    return response
