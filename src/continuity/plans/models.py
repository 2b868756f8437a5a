"""The personalised care and support plan: sections, versioned entries, discussions.

Nothing here is ever overwritten. Each save of a heading adds a `PlanEntry`; the newest for a
heading is the current text and the rest are its history. A section is a draft until it is agreed
at a contact; agreeing writes the national care plan record (`pregnancies.CarePlanRecord`, types
05/06/07 with the personalised-plan indicator Y) and is recorded on the section. A change after
agreement makes the section "changed since agreed" until it is agreed again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned
from continuity.plans.headings import ANTENATAL, BIRTH, POSTNATAL


class PlanSection(Versioned):
    class Key(models.TextChoices):
        ANTENATAL = ANTENATAL, _("My pregnancy")
        BIRTH = BIRTH, _("My birth")
        POSTNATAL = POSTNATAL, _("After my baby is born")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AGREED = "agreed", _("Agreed")
        CHANGED = "changed", _("Changed since it was agreed")

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="plan_sections"
    )
    key = models.CharField(max_length=12, choices=Key.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The national record written when it was last agreed.
    care_plan_record = models.ForeignKey(
        "pregnancies.CarePlanRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pregnancy", "key"], name="one_plan_section_each")
        ]
        ordering = ["pregnancy", "id"]


class PlanEntry(models.Model):
    """One version of one heading's text. Append-only."""

    section = models.ForeignKey(PlanSection, on_delete=models.PROTECT, related_name="entries")
    heading = models.CharField(max_length=32)
    text = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_by_role = models.CharField(max_length=20)
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["section", "heading", "-written_at", "-id"]
        indexes = [models.Index(fields=["section", "heading", "-written_at"])]


class PlanDiscussion(models.Model):
    """The midwife's note of a discussion of the plan, at a contact or otherwise. Append-only."""

    section = models.ForeignKey(PlanSection, on_delete=models.PROTECT, related_name="discussions")
    contact = models.ForeignKey(
        "pregnancies.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at", "-id"]
