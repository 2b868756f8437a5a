"""Midwives, their rota (work, on-call, leave, sickness, study) and cover arrangements."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned, Voidable


class Midwife(Versioned):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="midwife"
    )
    professional_id = models.CharField(
        _("local professional id (MSDS CareProfLID)"), max_length=20, unique=True
    )
    staff_group = models.CharField(max_length=40, default="Midwife")
    team = models.ForeignKey(
        "organisations.Team", on_delete=models.PROTECT, related_name="midwives"
    )
    wte = models.DecimalField(_("whole-time equivalent"), max_digits=3, decimal_places=2)
    base_lat = models.FloatField(null=True, blank=True)
    base_lon = models.FloatField(null=True, blank=True)
    languages = models.JSONField(default=list, blank=True)  # e.g. ["en", "ur"]
    skills = models.JSONField(default=list, blank=True)  # e.g. ["home_birth", "perinatal_mh"]
    buddy = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="buddied_by"
    )
    max_active_caseload = models.PositiveSmallIntegerField(null=True, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    # Signed the individual opt-out from the 48-hour average week (the rest rules still apply).
    opted_out_48h = models.BooleanField(_("opted out of the 48-hour week"), default=False)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(wte__gt=0, wte__lte=1.5), name="wte_range")
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def name(self) -> str:
        return str(self.user)

    def is_active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class RotaEntry(Versioned, Voidable):
    class Kind(models.TextChoices):
        WORK = "work", _("Working")
        ON_CALL_OWN = "on_call_own", _("On call for own women")
        ON_CALL_TEAM = "on_call_team", _("Team on-call")
        LEAVE = "leave", _("Annual leave")
        SICKNESS = "sickness", _("Sickness")
        STUDY = "study", _("Study day")
        CALL_OUT = "call_out", _("Called out")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    midwife = models.ForeignKey(Midwife, on_delete=models.PROTECT, related_name="rota")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.APPROVED)
    note = models.CharField(max_length=500, blank=True)
    # Who asked for it and who decided (leave, study); empty for rostered shifts.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    ABSENCE_KINDS = (Kind.LEAVE, Kind.SICKNESS, Kind.STUDY)
    ROSTERED_KINDS = (Kind.WORK, Kind.ON_CALL_OWN, Kind.ON_CALL_TEAM)
    DUTY_KINDS = (Kind.WORK, Kind.ON_CALL_OWN, Kind.ON_CALL_TEAM, Kind.CALL_OUT)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["midwife", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="rota_ends_after_start"
            )
        ]


class CoverArrangement(Versioned, Voidable):
    """`covering` answers for `covered`'s women between two instants (leave, sickness, night)."""

    covering = models.ForeignKey(Midwife, on_delete=models.PROTECT, related_name="covering_for")
    covered = models.ForeignKey(Midwife, on_delete=models.PROTECT, related_name="covered_by")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    # The absence this cover was arranged for, when it was arranged by approving one.
    rota_entry = models.ForeignKey(
        RotaEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="cover"
    )

    class Meta:
        indexes = [models.Index(fields=["covering", "starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="cover_ends_after_start",
            )
        ]
