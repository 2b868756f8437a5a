"""Feedback from women: the Friends and Family Test at the four maternity touchpoints, and a
short continuity survey after visits. Each request has an unguessable token for its link, so she
can answer from a text message without signing in; the page shows nothing about her."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_token() -> str:
    return secrets.token_urlsafe(24)


class FeedbackRequest(models.Model):
    class Touchpoint(models.TextChoices):
        ANTENATAL = "antenatal", _("At 36 weeks")
        BIRTH = "birth", _("After the birth")
        POSTNATAL_WARD = "postnatal_ward", _("On the postnatal ward or after a home birth")
        COMMUNITY = "community", _("When community care ended")
        VISIT = "visit", _("After a visit")

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="feedback_requests"
    )
    touchpoint = models.CharField(max_length=16, choices=Touchpoint.choices)
    contact = models.ForeignKey(
        "pregnancies.Contact", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.CharField(max_length=40, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "touchpoint"],
                condition=~models.Q(touchpoint="visit"),
                name="one_fft_per_touchpoint",
            ),
            models.UniqueConstraint(
                fields=["contact"], condition=models.Q(touchpoint="visit"), name="one_per_visit"
            ),
        ]

    @property
    def is_visit(self) -> bool:
        return self.touchpoint == self.Touchpoint.VISIT


class FeedbackResponse(models.Model):
    class Rating(models.IntegerChoices):
        VERY_GOOD = 1, _("Very good")
        GOOD = 2, _("Good")
        NEITHER = 3, _("Neither good nor poor")
        POOR = 4, _("Poor")
        VERY_POOR = 5, _("Very poor")
        DONT_KNOW = 6, _("Don't know")

    class YesNoUnsure(models.TextChoices):
        YES = "yes", _("Yes")
        NO = "no", _("No")
        UNSURE = "unsure", _("Not sure")

    class Listened(models.TextChoices):
        YES = "yes", _("Yes, definitely")
        PARTLY = "partly", _("Yes, to some extent")
        NO = "no", _("No")

    request = models.OneToOneField(
        FeedbackRequest, on_delete=models.PROTECT, related_name="response"
    )
    rating = models.PositiveSmallIntegerField(choices=Rating.choices, null=True, blank=True)
    what_was_good = models.TextField(blank=True)
    could_be_better = models.TextField(blank=True)
    named_or_buddy = models.CharField(max_length=8, choices=YesNoUnsure.choices, blank=True)
    listened = models.CharField(max_length=8, choices=Listened.choices, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)
