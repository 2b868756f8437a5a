"""A planner's saved scenarios. They hold no personal data: only assumptions and results."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scenario(models.Model):
    """One question put to the simulation engine and, once the background run ends, its answer.

    `parameters` is the engine's scenario in its JSON form (every field, defaults written out),
    so a run can be repeated exactly: replication k uses seed `seed + k`. A "how many midwives"
    question also has `request` (what to vary, the range and the targets).
    """

    class Kind(models.TextChoices):
        SIMULATE = "simulate", _("Scenario")
        SOLVE = "solve", _("How many midwives")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to run")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Could not run")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SIMULATE)
    parameters = models.JSONField(default=dict)
    request = models.JSONField(default=dict, blank=True)
    replications = models.PositiveIntegerField()
    seed = models.PositiveIntegerField(default=1)
    notes = models.TextField(_("notes"), blank=True, max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    result = models.JSONField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("planning scenario")

    def __str__(self) -> str:
        return self.name

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
