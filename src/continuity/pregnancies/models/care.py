"""Care records in the shapes MSDS uses: care plans (MSD102), contacts (MSD201/202),
labour and birth (MSD301/302/401), and the woman's preferred visit times."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from continuity.core.models import Versioned, Voidable


class YesNo(models.TextChoices):
    YES = "Y", _("Yes")
    NO = "N", _("No")


class CarePlanRecord(Voidable):
    class PlanType(models.TextChoices):
        ANTENATAL = "05", _("Antenatal")
        BIRTH = "06", _("Birth")
        POSTPARTUM = "07", _("Postpartum")

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="care_plans"
    )
    plan_date = models.DateField()
    plan_type = models.CharField(max_length=2, choices=PlanType.choices)
    coc_pathway = models.CharField(
        _("on a continuity of carer pathway"), max_length=1, choices=YesNo.choices, blank=True
    )
    personalised_plan = models.CharField(
        _("personalised care plan in place"), max_length=1, choices=YesNo.choices, blank=True
    )
    professional = models.ForeignKey(
        "workforce.Midwife", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey(
        "organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_site = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    planned_setting = models.CharField(max_length=20, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["plan_date", "id"]
        indexes = [models.Index(fields=["pregnancy", "plan_type", "plan_date"])]

    @property
    def is_on_pathway(self) -> bool:
        """On a CoC pathway only with indicator Y and both a named professional and a team."""
        return (
            self.coc_pathway == YesNo.YES
            and self.professional_id is not None
            and self.team_id is not None
        )


class AttendanceCode(models.TextChoices):
    ATTENDED = "5", _("Attended on time")
    LATE_SEEN = "6", _("Arrived late, but was seen")
    LATE_NOT_SEEN = "7", _("Arrived late and could not be seen")
    CANCELLED_BY_PATIENT = "2", _("Cancelled by the woman")
    DID_NOT_ATTEND = "3", _("Did not attend")
    CANCELLED_BY_PROVIDER = "4", _("Cancelled by the service")
    NOT_APPLICABLE = "0", _("Not yet happened")


ATTENDED_CODES = (AttendanceCode.ATTENDED, AttendanceCode.LATE_SEEN)


class Contact(Versioned, Voidable):
    class Kind(models.TextChoices):
        BOOKING = "booking", _("Booking")
        ANTENATAL = "antenatal", _("Antenatal")
        POSTNATAL = "postnatal", _("Postnatal")
        EXTRA = "extra", _("Extra visit agreed with her")

    class Location(models.TextChoices):
        HOME = "home", _("Home")
        CLINIC = "clinic", _("Community clinic")
        HOSPITAL = "hospital", _("Hospital")
        OTHER = "other", _("Other")

    class Medium(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("Face to face")
        TELEPHONE = "telephone", _("Telephone")
        VIDEO = "video", _("Video")

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="contacts"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    scheduled_start = models.DateTimeField()
    actual_start = models.DateTimeField(null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    location = models.CharField(max_length=12, choices=Location.choices, default=Location.HOME)
    medium = models.CharField(max_length=16, choices=Medium.choices, default=Medium.FACE_TO_FACE)
    attendance = models.CharField(
        max_length=1, choices=AttendanceCode.choices, default=AttendanceCode.NOT_APPLICABLE
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=200, blank=True)
    rebooked_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="rebooked_as"
    )
    team = models.ForeignKey(
        "organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    professionals = models.ManyToManyField(
        "workforce.Midwife", through="ContactProfessional", related_name="contacts"
    )
    note = models.TextField(blank=True)
    # The guideline contact this visit delivers (a schedule engine code such as "nice:28w");
    # blank for contacts recorded before schedules or imported without one.
    schedule_code = models.CharField(max_length=40, blank=True)
    # Agreed with her: the week planner keeps a confirmed visit where it is.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scheduled_start"]
        indexes = [models.Index(fields=["pregnancy", "scheduled_start"])]

    @property
    def attended(self) -> bool:
        return self.attendance in ATTENDED_CODES


class ContactProfessional(models.Model):
    """MSD202: each professional who did an activity at the contact, and their team."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="activities")
    midwife = models.ForeignKey("workforce.Midwife", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_lead = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "midwife"], name="uniq_contact_midwife")
        ]


class LabourRecord(Versioned, Voidable):
    class Setting(models.TextChoices):
        HOME = "home", _("Home")
        FREESTANDING_MLU = "freestanding_mlu", _("Freestanding midwife-led unit")
        ALONGSIDE_MLU = "alongside_mlu", _("Alongside midwife-led unit")
        OBSTETRIC_UNIT = "obstetric_unit", _("Obstetric unit")
        IN_TRANSIT = "in_transit", _("Born before arrival")

    pregnancy = models.OneToOneField(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="labour"
    )
    onset_at = models.DateTimeField(null=True, blank=True)
    birth_at = models.DateTimeField()
    setting = models.CharField(max_length=20, choices=Setting.choices)
    site = models.ForeignKey(
        "organisations.Site", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    professionals = models.ManyToManyField(
        "workforce.Midwife", through="LabourProfessional", related_name="births"
    )


class LabourProfessional(models.Model):
    """MSD302 and MSD401: who did an intrapartum activity; who was present at delivery."""

    labour = models.ForeignKey(LabourRecord, on_delete=models.PROTECT, related_name="activities")
    midwife = models.ForeignKey("workforce.Midwife", on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "organisations.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at_delivery = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["labour", "midwife"], name="uniq_labour_midwife")
        ]


class AvailabilityWindow(Versioned):
    """When she would like visits (or cannot have them), weekly, in Europe/London local time."""

    class Kind(models.TextChoices):
        PREFERRED = "preferred", _("Preferred")
        UNAVAILABLE = "unavailable", _("Not available")

    pregnancy = models.ForeignKey(
        "pregnancies.Pregnancy", on_delete=models.PROTECT, related_name="availability"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.PREFERRED)
    weekday = models.PositiveSmallIntegerField()  # 0 Monday … 6 Sunday
    start_time = models.TimeField()
    end_time = models.TimeField()

    class Meta:
        ordering = ["weekday", "start_time"]
        constraints = [
            models.CheckConstraint(condition=models.Q(weekday__lte=6), name="weekday_0_6"),
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="window_ends_after"
            ),
        ]
