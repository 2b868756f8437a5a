"""Shared record behaviour, the audit trail and access events."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """Optimistic locking: every save through an action bumps the version; stale saves fail."""

    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True


class VoidableQuerySet(models.QuerySet):
    def live(self) -> VoidableQuerySet:
        return self.filter(voided_at__isnull=True)


class Voidable(models.Model):
    """Clinical rows are never deleted: they are voided with a reason, a user and a time."""

    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    void_reason = models.CharField(max_length=500, blank=True)

    objects: Any = VoidableQuerySet.as_manager()

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


def new_ref() -> uuid.UUID:
    return uuid.uuid4()


class AuditEvent(models.Model):
    """One row per state change, written inside the action's transaction. Append-only."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    changes = models.JSONField(default=dict, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class AccessEvent(models.Model):
    """One row per view, search hit, export or print of a woman's data, allowed or denied."""

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed record")
        LIST = "list", _("Listed in a caseload")
        SEARCH = "search", _("Found in a search")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        DENIED = "denied", _("Denied")
        BREAK_GLASS = "break_glass", _("Emergency access")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(max_length=32)
    woman = models.ForeignKey(
        "pregnancies.Woman", null=True, on_delete=models.PROTECT, related_name="access_events"
    )
    action = models.CharField(max_length=16, choices=Action.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    # The relationship that justified access (named midwife, buddy, team, cover, self, ...).
    basis = models.CharField(max_length=32, blank=True)
    # The named route, never the raw path, so no identifier can leak in here.
    route = models.CharField(max_length=100, blank=True)
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["woman", "-at"])]
        verbose_name = _("access event")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"


class BreakGlass(models.Model):
    """Emergency access to a woman's record without a care relationship: a reason, a time box,
    and a review by the privacy officer. While it is open, every view of her record is an access
    event with the outcome "emergency access", which she sees in her access history."""

    class Review(models.TextChoices):
        APPROPRIATE = "appropriate", _("Appropriate")
        CONCERN = "concern", _("A concern to follow up")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    woman = models.ForeignKey(
        "pregnancies.Woman", on_delete=models.PROTECT, related_name="break_glass"
    )
    reason = models.CharField(max_length=500)
    started_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    review = models.CharField(max_length=12, choices=Review.choices, blank=True)
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"])]
        verbose_name = _("emergency access")

    def __str__(self) -> str:
        return f"Emergency access {self.started_at:%Y-%m-%d %H:%M}"


class Submission(models.Model):
    """A creating form (or API call) remembered by its idempotency key, so that a double click,
    a browser resubmit or a replay creates nothing twice. The first submit's row is written in the
    same transaction as what it created; a later submit with the same key finds it and is sent to
    the same place instead of running again."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.UUIDField()
    action = models.CharField(max_length=80)
    result = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="submission_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.created_at:%Y-%m-%d %H:%M}"


class RetentionReview(models.Model):
    """A woman's maternity record reaching the end of its retention period (25 years after her
    care ended), flagged for the privacy officer to review. Nothing is ever deleted by the
    software: the review records a decision, and disposal, if any, is the records manager's."""

    class Decision(models.TextChoices):
        KEEP = "keep", _("Keep it for longer")
        DISPOSAL = "disposal", _("Pass it to the records manager for disposal")

    woman = models.ForeignKey(
        "pregnancies.Woman", on_delete=models.PROTECT, related_name="retention_reviews"
    )
    care_ended_on = models.DateField()
    due_on = models.DateField()
    flagged_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True)
    keep_until = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["woman"],
                condition=models.Q(decided_at__isnull=True),
                name="one_open_retention_review",
            )
        ]

    def __str__(self) -> str:
        return f"Retention review due {self.due_on}"
