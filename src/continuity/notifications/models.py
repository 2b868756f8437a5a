"""The outbox: every message to a woman is a row first, and is sent from the row.

The row is written inside the action that caused it, so a message is queued exactly when the
change it describes is committed. `reference` is the idempotency key: queueing the same reference
twice gives the same row, so retried actions and re-run commands never message her twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

REFERENCE_MAX_LENGTH = 200


class OutboxMessage(models.Model):
    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # The woman's preferred channel → how we send. We cannot make phone calls, so "phone" falls
    # back to a letter, as does anything we do not recognise.
    CHANNEL_FOR_PREFERENCE: dict[str, str] = {
        "sms": Channel.SMS,
        "email": Channel.EMAIL,
        "letter": Channel.LETTER,
        "phone": Channel.LETTER,
    }

    # Built by the caller from record ids only (e.g. "allocation:<pregnancy pk>:<assignment pk>"),
    # never from personal data: it appears in logs.
    reference = models.CharField(max_length=REFERENCE_MAX_LENGTH, unique=True)
    woman = models.ForeignKey(
        "pregnancies.Woman", on_delete=models.PROTECT, related_name="messages"
    )
    template = models.CharField(max_length=64)  # a key of templates.CATALOGUE
    personalisation = models.JSONField(default=dict, blank=True)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception's class name only: never a message text, which could hold personal data.
    last_error = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        verbose_name = _("outbox message")

    def __str__(self) -> str:
        return f"{self.reference} ({self.template}, {self.status})"

    @classmethod
    def channel_for(cls, preferred_channel: str) -> str:
        return cls.CHANNEL_FOR_PREFERENCE.get(preferred_channel, cls.Channel.LETTER)
