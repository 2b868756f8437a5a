"""Computed measures, kept so that pages read them rather than recompute them on every view."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeasureSnapshot(models.Model):
    """The measures for a run of months, computed from everything recorded up to `through`.

    `counts` holds unrounded counts per month, measure, breakdown and group; every page rounds
    them for its audience when it shows them. `funnel` holds the equity funnel's counts.
    """

    computed_at = models.DateTimeField(default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    through = models.DateField(_("data recorded up to"))
    months = models.JSONField(default=list)  # ["YYYY-MM", ...], oldest first
    counts = models.JSONField(default=dict)  # {"YYYY-MM": [{measure, breakdown, group, ...}]}
    funnel = models.JSONField(default=dict)
    seconds = models.FloatField(default=0.0)

    class Meta:
        ordering = ["-computed_at", "-id"]
        get_latest_by = "computed_at"
        verbose_name = _("measure snapshot")

    def __str__(self) -> str:
        return f"Measures through {self.through:%Y-%m-%d} ({self.computed_at:%Y-%m-%d %H:%M})"
