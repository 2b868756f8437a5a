"""Referrals to obstetric and specialist services at the site she chooses, and changes of her
planned place of birth.

A referral moves requested → accepted → booked → attended → outcome returned (done), or is
declined or cancelled with a reason. Her named midwife at the time is its coordinator and is
alerted when a step is overdue. Every step is a `ReferralEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned


class Referral(Versioned):
    class Service(models.TextChoices):
        CONSULTANT = "consultant", _("Consultant antenatal clinic")
        PERINATAL_MH = "perinatal_mh", _("Perinatal mental health")
        PELVIC_HEALTH = "pelvic_health", _("Pelvic health")
        MATERNAL_MEDICINE = "maternal_medicine", _("Maternal medicine")
        SAFEGUARDING = "safeguarding", _("Safeguarding")
        DIABETES = "diabetes", _("Diabetes in pregnancy")
        FETAL_MEDICINE = "fetal_medicine", _("Fetal medicine")
        STOP_SMOKING = "stop_smoking", _("Stop smoking service")
        INFANT_FEEDING = "infant_feeding", _("Infant feeding")

    class Urgency(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        URGENT = "urgent", _("Urgent")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        BOOKED = "booked", _("Appointment booked")
        ATTENDED = "attended", _("Attended")
        DONE = "done", _("Outcome returned")
        DECLINED = "declined", _("Declined by the service")
        CANCELLED = "cancelled", _("Cancelled")

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="referrals"
    )
    service = models.CharField(max_length=20, choices=Service.choices)
    site = models.ForeignKey("organisations.Site", on_delete=models.PROTECT, related_name="+")
    urgency = models.CharField(max_length=8, choices=Urgency.choices, default=Urgency.ROUTINE)
    reason = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    coordinator = models.ForeignKey(
        "workforce.Midwife", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    appointment_at = models.DateTimeField(null=True, blank=True)
    attended_at = models.DateTimeField(null=True, blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    closed_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    OPEN = (Status.REQUESTED, Status.ACCEPTED, Status.BOOKED, Status.ATTENDED)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ReferralEvent(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]


class PlaceOfBirthChange(models.Model):
    """Each change of her planned place of birth, with its reason. Append-only."""

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="place_changes"
    )
    from_place = models.CharField(max_length=20)
    to_place = models.CharField(max_length=20)
    reason = models.CharField(max_length=500)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-at", "-id"]
