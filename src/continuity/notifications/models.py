"""The outbox: every message to a woman is a row first, and is sent from the row.

The row is written inside the action that caused it, so a message is queued exactly when the
change it describes is committed. `reference` is the idempotency key: queueing the same reference
twice gives the same row, so retried actions and re-run commands never message her twice.

Delivery (`actions.deliver_due`) moves a row queued → sending → sent, or back to queued with a
later `next_attempt_at` after a failure worth retrying, or to failed. `sending` is a lease: a
worker that dies mid-send leaves the row `sending` until `lease_expires_at`, when another worker
takes it over. `in_doubt` says an earlier attempt may have reached the provider without us
recording the answer, so the provider is asked by reference before the message is sent again.
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
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        # Taken back before it was sent: what it said is no longer true (a visit moved).
        WITHDRAWN = "withdrawn", _("Withdrawn")

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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # The exception's class name or an error code (e.g. "HTTP429") only: never a message text,
    # which could hold personal data.
    last_error = models.CharField(max_length=100, blank=True)
    # When a queued message is next due to be tried (now, or later after a retryable failure).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # While `sending`: when the worker's claim lapses and another worker may take the row over.
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    # A random token per claim, so a worker that lost its lease cannot record over the new one.
    claim = models.CharField(max_length=32, blank=True)
    # An attempt may have reached the provider without its answer being recorded (a timeout, a
    # 5xx, a worker killed mid-send): ask the provider by reference before sending again.
    in_doubt = models.BooleanField(default=False)
    # The provider's id for the accepted message (GOV.UK Notify's notification id).
    provider_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["status", "next_attempt_at"], name="outbox_status_due_idx"),
        ]
        verbose_name = _("outbox message")

    def __str__(self) -> str:
        return f"{self.reference} ({self.template}, {self.status})"

    @classmethod
    def channel_for(cls, preferred_channel: str) -> str:
        return cls.CHANNEL_FOR_PREFERENCE.get(preferred_channel, cls.Channel.LETTER)
