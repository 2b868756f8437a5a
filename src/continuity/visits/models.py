"""The week planner's drafts and published plans, and women's requests to move a visit.

Planned visits themselves are `pregnancies.Contact` rows (attendance "0", not yet happened) with
the planned midwife as their lead `ContactProfessional`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned


class WeekPlan(Versioned):
    """One run of the planner for a team's week: a draft to review, then published."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        DISCARDED = "discarded", _("Discarded")

    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="+")
    week_start = models.DateField()  # a Monday, local
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    # What the engine proposed: a list of {"contact": id|None, "pregnancy": id, "code": str,
    # "kind": str, "midwife": professional id|None, "start": ISO instant|None, "duration": int,
    # "rank": 0|1|None, "in_preferred": bool, "reason": str} — ids only, no names.
    items = models.JSONField(default=list)
    summary = models.JSONField(default=dict)  # objective, travel per midwife, counts, seconds
    solver = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["team", "week_start", "status"])]


class MoveRequest(models.Model):
    """A woman asks for a visit at another time. It reaches the team's planner."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting")
        DONE = "done", _("Moved")
        DECLINED = "declined", _("Could not be moved")

    contact = models.ForeignKey(
        "pregnancies.Contact", on_delete=models.PROTECT, related_name="move_requests"
    )
    asked_at = models.DateTimeField()
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    better_times = models.CharField(_("times that would suit her"), max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["asked_at"]
