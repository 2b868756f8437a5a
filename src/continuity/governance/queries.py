"""Reads for the action plan pages. The plan is the trust's (one trust per installation); who
may read what is decided by the named activities in continuity.core.permissions, and what the
public sees is only what a signed-off review published."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from continuity.governance.models import (
    ActionPlan,
    Aim,
    MonthlyReview,
    PlanAction,
    PlanComment,
    PlanVersion,
    ReviewReminder,
    Risk,
)


def the_plan() -> ActionPlan | None:
    return ActionPlan.objects.select_related("trust", "champion").order_by("id").first()


def plan_or_404() -> ActionPlan:
    plan = the_plan()
    if plan is None:
        raise Http404
    return plan


def aims(plan: ActionPlan) -> list[Aim]:
    return list(Aim.objects.filter(plan=plan, voided_at__isnull=True).order_by("id"))


def actions(plan: ActionPlan) -> list[PlanAction]:
    return list(
        PlanAction.objects.filter(plan=plan, voided_at__isnull=True)
        .select_related("team")
        .order_by("due_date", "id")
    )


def risks(plan: ActionPlan) -> list[Risk]:
    return list(
        Risk.objects.filter(plan=plan, voided_at__isnull=True)
        .select_related("scenario")
        .order_by("status", "id")
    )


def versions(plan: ActionPlan) -> QuerySet[PlanVersion]:
    return PlanVersion.objects.filter(plan=plan).select_related("by").order_by("-number")


def reviews(plan: ActionPlan) -> dict[date, MonthlyReview]:
    return {
        r.month: r for r in MonthlyReview.objects.filter(plan=plan).select_related("signed_off_by")
    }


def open_reminders(plan: ActionPlan) -> list[ReviewReminder]:
    return list(plan.reminders.filter(cleared_at__isnull=True).order_by("month"))


# -- what is published --------------------------------------------------------------------------


def published_reviews(plan: ActionPlan) -> QuerySet[MonthlyReview]:
    """Signed-off reviews, newest month first: each was published when it was signed off."""
    return MonthlyReview.objects.filter(plan=plan, signed_off_at__isnull=False).order_by("-month")


def published_review(plan: ActionPlan, month: date) -> MonthlyReview:
    found = published_reviews(plan).filter(month=month).first()
    if found is None:
        raise Http404
    return found


def published_plan(plan: ActionPlan) -> dict[str, Any] | None:
    """The plan as it stood when the latest review was signed off (the published version), or
    None before any review is signed off."""
    review = published_reviews(plan).first()
    if review is None or review.plan_version is None:
        return None
    version = PlanVersion.objects.filter(plan=plan, number=review.plan_version).first()
    return version.content if version else None


def published_comments(plan: ActionPlan) -> QuerySet[PlanComment]:
    """The MVP's comments and the trust's answers, as the public page lists them (no names):
    those on the plan as a whole or on a published review."""
    return (
        PlanComment.objects.filter(plan=plan)
        .filter(Q(review__isnull=True) | Q(review__signed_off_at__isnull=False))
        .select_related("review")
        .order_by("-received_at")
    )


# -- the MVP's comments, for the trust ----------------------------------------------------------


def comments_queue(plan: ActionPlan, *, show_all: bool = False) -> list[PlanComment]:
    qs = PlanComment.objects.filter(plan=plan).select_related("author", "review")
    if not show_all:
        qs = qs.filter(status=PlanComment.Status.AWAITING)
    return list(qs.order_by("respond_by", "received_at"))


def my_comments(plan: ActionPlan, user: Any) -> list[PlanComment]:
    return list(
        PlanComment.objects.filter(plan=plan, author=user)
        .select_related("review")
        .order_by("-received_at")
    )
