"""Concerns raised by a woman, her family, or staff on her behalf, and everything done about them.

A concern moves received → triaged (an owner and a theme) → acknowledged → responded → closed.
The acknowledgement is due within 2 working days and the response within the trust's deadline
(settings), both counted in working days with England and Wales bank holidays. A concern past
either deadline is escalated. Each step is a `ConcernEvent`; those marked `shown_to_her` are
her view of its progress.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned


class Concern(Versioned):
    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        TRIAGED = "triaged", _("With the person looking into it")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESPONDED = "responded", _("Answered")
        CLOSED = "closed", _("Closed")

    class RaisedFor(models.TextChoices):
        HERSELF = "herself", _("By the woman herself")
        FAMILY = "family", _("By her family, through staff")
        STAFF = "staff", _("By staff on her behalf")

    class Theme(models.TextChoices):
        COMMUNICATION = "communication", _("Communication and information")
        CONTINUITY = "continuity", _("Seeing the same midwife")
        ACCESS = "access", _("Getting appointments and visits")
        ATTITUDE = "attitude", _("Staff attitude and respect")
        CLINICAL = "clinical", _("Clinical care")
        FACILITIES = "facilities", _("Facilities and environment")
        OTHER = "other", _("Something else")

    woman = models.ForeignKey(
        "pregnancies.Woman", on_delete=models.PROTECT, related_name="concerns"
    )
    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_for = models.CharField(max_length=8, choices=RaisedFor.choices)
    summary = models.CharField(max_length=120)
    details = models.TextField()
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.RECEIVED)
    theme = models.CharField(max_length=16, choices=Theme.choices, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    acknowledge_by = models.DateField()
    respond_by = models.DateField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response = models.TextField(blank=True)  # shown to her
    we_did = models.TextField(blank=True)  # "you said, we did": what changes, with no personal data
    escalated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["status", "respond_by"])]

    def __str__(self) -> str:
        return f"Concern {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status not in (self.Status.RESPONDED, self.Status.CLOSED)


class ConcernEvent(models.Model):
    """One step in a concern's life. Append-only."""

    concern = models.ForeignKey(Concern, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=16)  # raised, triaged, acknowledged, responded, escalated
    note = models.TextField(blank=True)
    shown_to_her = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "id"]
