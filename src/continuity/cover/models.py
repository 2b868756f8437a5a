"""A visit that must move to someone else because its midwife will be away or resting.

The rota itself (shifts, on-call, leave, call-outs) and cover arrangements live in
`continuity.workforce`; this app plans and protects cover with them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitFlag(models.Model):
    """A planned contact flagged for reassignment; cleared when the visit is moved or done."""

    class Reason(models.TextChoices):
        LEAVE = "leave", _("Midwife on leave")
        SICKNESS = "sickness", _("Midwife off sick")
        STUDY = "study", _("Midwife on a study day")
        CALL_OUT = "call_out", _("Midwife resting after a night call-out")

    contact = models.ForeignKey(
        "pregnancies.Contact", on_delete=models.PROTECT, related_name="cover_flags"
    )
    midwife = models.ForeignKey(
        "workforce.Midwife", on_delete=models.PROTECT, related_name="visit_flags"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices)
    rota_entry = models.ForeignKey(
        "workforce.RotaEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["raised_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "rota_entry"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_flag_per_contact_and_absence",
            )
        ]
