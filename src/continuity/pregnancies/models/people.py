"""The woman, her pregnancy, its status history and who is caring for her."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned, new_ref
from continuity.engines import gestation
from continuity.engines.equity import ETHNIC_CATEGORIES


class Woman(Versioned):
    class Channel(models.TextChoices):
        SMS = "sms", _("Text message")
        EMAIL = "email", _("Email")
        LETTER = "letter", _("Letter")
        PHONE = "phone", _("Phone call")

    ref = models.UUIDField(default=new_ref, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="woman",
    )
    nhs_number = models.CharField(_("NHS number"), max_length=10, unique=True)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8)
    # Derived from the postcode through the imported lookup; blank/None means "not known".
    lsoa = models.CharField(max_length=12, blank=True)
    imd_decile = models.PositiveSmallIntegerField(null=True, blank=True)
    lookup_edition = models.ForeignKey(
        "geography.LookupEdition", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    ethnic_category = models.CharField(
        max_length=2, choices=sorted(ETHNIC_CATEGORIES.items()), default="99"
    )
    preferred_language = models.CharField(max_length=12, default="en")
    interpreter_needed = models.BooleanField(default=False)
    phone = models.CharField(max_length=32, blank=True)
    email = models.EmailField(blank=True)
    preferred_channel = models.CharField(max_length=8, choices=Channel.choices, default="sms")
    accessibility_needs = models.TextField(blank=True)
    plus_groups = models.JSONField(default=list, blank=True)  # local PLUS groups, by code

    class Meta:
        ordering = ["family_name", "given_name"]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def full_name(self) -> str:
        return str(self)

    def age_on(self, day: date) -> int:
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))

    def latest_pregnancy(self) -> Pregnancy | None:
        """Her pregnancy with the latest due date: the one her pages and records are about."""
        return self.pregnancies.order_by("-edd").first()  # type: ignore[attr-defined, no-any-return]


class Pregnancy(Versioned):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Booked")
        ANTENATAL = "antenatal", _("Antenatal")
        POSTNATAL = "postnatal", _("Postnatal")
        DISCHARGED = "discharged", _("Discharged")
        TRANSFERRED_OUT = "transferred_out", _("Transferred out")
        ENDED = "ended", _("Pregnancy ended")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        HIGH = "high", _("Higher")

    class PlaceOfBirth(models.TextChoices):
        HOME = "home", _("Home")
        FREESTANDING_MLU = "freestanding_mlu", _("Freestanding midwife-led unit")
        ALONGSIDE_MLU = "alongside_mlu", _("Alongside midwife-led unit")
        OBSTETRIC_UNIT = "obstetric_unit", _("Obstetric unit")
        UNDECIDED = "undecided", _("Not decided yet")

    # The named transitions allowed between statuses; each move is a PregnancyTransition row.
    TRANSITIONS: dict[str, frozenset[str]] = {
        "booked": frozenset({"antenatal", "transferred_out", "ended"}),
        "antenatal": frozenset({"postnatal", "transferred_out", "ended"}),
        "postnatal": frozenset({"discharged", "transferred_out"}),
        "discharged": frozenset(),
        "transferred_out": frozenset(),
        "ended": frozenset(),
    }
    ACTIVE_STATUSES = ("booked", "antenatal", "postnatal")

    ref = models.UUIDField(default=new_ref, unique=True, editable=False)
    woman = models.ForeignKey(Woman, on_delete=models.PROTECT, related_name="pregnancies")
    booking_date = models.DateField()
    ga_at_booking_days = models.PositiveSmallIntegerField(null=True, blank=True)
    edd = models.DateField(_("estimated due date"))
    previous_live_births = models.PositiveSmallIntegerField(default=0)
    risk = models.CharField(max_length=8, choices=Risk.choices, default=Risk.LOW)
    booking_site = models.ForeignKey(
        "organisations.Site", on_delete=models.PROTECT, related_name="+"
    )
    hospital_of_choice = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_place_of_birth = models.CharField(
        max_length=20, choices=PlaceOfBirth.choices, default=PlaceOfBirth.UNDECIDED
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.BOOKED)
    discharge_date = models.DateField(_("maternity discharge date"), null=True, blank=True)
    discharge_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["edd"]
        indexes = [models.Index(fields=["status", "edd"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(edd__gt=models.F("booking_date")), name="edd_after_booking"
            ),
            models.CheckConstraint(
                condition=models.Q(ga_at_booking_days__lte=300)
                | models.Q(ga_at_booking_days__isnull=True),
                name="ga_at_booking_0_300",
            ),
        ]

    def __str__(self) -> str:
        return f"Pregnancy due {self.edd:%d %b %Y}"

    @property
    def dating(self) -> gestation.Dating:
        return gestation.Dating(self.booking_date, self.edd, self.ga_at_booking_days)

    def ga_days(self, on: date | None = None) -> int:
        return gestation.ga_days(self.dating, on or timezone.localdate())

    def postnatal_day(self, on: date | None = None) -> int | None:
        """Days since birth (the birth day is day 0), or None before birth."""
        labour = getattr(self, "labour", None)
        if labour is None or labour.is_voided:
            return None
        return ((on or timezone.localdate()) - timezone.localtime(labour.birth_at).date()).days

    @property
    def is_nulliparous(self) -> bool:
        return self.previous_live_births == 0

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class PregnancyTransition(models.Model):
    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.PROTECT, related_name="transitions")
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]


class Assignment(models.Model):
    """Who cares for a pregnancy over a period: team, named midwife and buddy.

    The open row (ends_at is null) is the current one; handovers close it and open another,
    so the history of who was her midwife is never lost.
    """

    pregnancy = models.ForeignKey(Pregnancy, on_delete=models.PROTECT, related_name="assignments")
    team = models.ForeignKey("organisations.Team", on_delete=models.PROTECT, related_name="+")
    named_midwife = models.ForeignKey(
        "workforce.Midwife",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="named_for",
    )
    buddy = models.ForeignKey(
        "workforce.Midwife",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buddy_for",
    )
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        indexes = [
            models.Index(fields=["named_midwife", "ends_at"]),
            models.Index(fields=["buddy", "ends_at"]),
            models.Index(fields=["team", "ends_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy"],
                condition=models.Q(ends_at__isnull=True),
                name="one_open_assignment_per_pregnancy",
            ),
            models.CheckConstraint(
                condition=~models.Q(named_midwife=models.F("buddy"))
                | models.Q(named_midwife__isnull=True),
                name="named_is_not_buddy",
            ),
        ]
