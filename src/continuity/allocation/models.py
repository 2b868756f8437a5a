"""Allocation decisions and handovers: who decided what for whom, with the reasons shown then.

The assignment itself (team, named midwife, buddy) lives in `pregnancies.Assignment`, and the
national record in `pregnancies.CarePlanRecord`; these rows keep the decision and its reasons.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Handover(models.Model):
    """A midwife's women re-planned because she is leaving or away for a long time."""

    class Kind(models.TextChoices):
        LEAVING = "leaving", _("Leaving the team")
        LONG_ABSENCE = "long_absence", _("Long absence")

    midwife = models.ForeignKey(
        "workforce.Midwife", on_delete=models.PROTECT, related_name="handovers"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    from_date = models.DateField()
    reason = models.CharField(max_length=500)
    applied_at = models.DateTimeField(default=timezone.now)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-applied_at"]


class AllocationDecision(models.Model):
    class Kind(models.TextChoices):
        ACCEPTED = "accepted", _("Suggestion accepted")
        OVERRIDDEN = "overridden", _("Chosen by the team leader")
        DECLINED = "declined", _("She declined continuity of carer")
        NOT_OFFERED = "not_offered", _("Continuity of carer not offered")
        HANDOVER = "handover", _("Handover")

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="allocation_decisions"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="+")
    named_midwife = models.ForeignKey(
        "workforce.Midwife", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    buddy = models.ForeignKey(
        "workforce.Midwife", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignment = models.ForeignKey(
        "pregnancies.Assignment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handover = models.ForeignKey(
        Handover, null=True, blank=True, on_delete=models.PROTECT, related_name="decisions"
    )
    reason = models.CharField(max_length=500, blank=True)  # required for overrides and declines
    # What the engine suggested at the time: named, buddy, reason codes and the runner-up.
    suggestion = models.JSONField(default=dict, blank=True)
    decided_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-decided_at", "-id"]
        indexes = [models.Index(fields=["pregnancy", "kind"])]
