"""The Atom feed of published reviews: one entry per signed-off month, newest first, linking to
the review's public page, with a plain-text summary (aims on track, the champion's decisions)."""

from __future__ import annotations

from typing import Any

from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from continuity.assurance.presenters import month_name
from continuity.governance import queries
from continuity.governance import summary as words
from continuity.governance.models import ActionPlan, MonthlyReview


class PlainTextAtom(Atom1Feed):
    """Atom whose entry summaries are plain text (`type="text"`): Django's are `type="html"`,
    which a reader would interpret, so text typed by the champion could become markup."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item.get("text_summary"):
            handler.addQuickElement("summary", item["text_summary"], {"type": "text"})


class ReviewsFeed(Feed):  # type: ignore[type-arg] # generic in the stubs only
    feed_type = PlainTextAtom

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> ActionPlan | None:
        return queries.the_plan()

    def title(self, plan: ActionPlan | None) -> str:
        if plan is None:
            return _("Continuity of carer plan: monthly reviews")
        return _("%(trust)s: continuity of carer plan reviews") % {"trust": plan.trust.name}

    def subtitle(self, plan: ActionPlan | None) -> str:
        return _(
            "Each month our board safety champion reviews the continuity of carer plan. "
            "Figures are rounded so that no woman can be identified."
        )

    def author_name(self, plan: ActionPlan | None) -> str:
        return plan.trust.name if plan is not None else _("The trust")

    def link(self) -> str:
        return reverse("published:plan")

    def feed_url(self) -> str:
        return reverse("published:feed")

    def items(self, plan: ActionPlan | None) -> QuerySet[MonthlyReview] | list[MonthlyReview]:
        if plan is None:
            return []
        return queries.published_reviews(plan).select_related("signed_off_by")

    def item_title(self, item: MonthlyReview) -> str:
        return _("Review of %(month)s") % {"month": month_name(f"{item.month:%Y-%m}")}

    def item_link(self, item: MonthlyReview) -> str:
        return words.review_url(item.month)

    def item_description(self, item: MonthlyReview) -> str:
        return ""  # the summary is plain text, written by PlainTextAtom: see item_extra_kwargs

    def item_extra_kwargs(self, item: MonthlyReview) -> dict[str, Any]:
        return {"text_summary": words.feed_text(item)}

    def item_pubdate(self, item: MonthlyReview) -> Any:
        return item.signed_off_at

    def item_updateddate(self, item: MonthlyReview) -> Any:
        return item.signed_off_at
