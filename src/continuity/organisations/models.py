from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Trust(models.Model):
    name = models.CharField(max_length=200)
    ods_code = models.CharField(_("ODS code"), max_length=10, unique=True)

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    class Kind(models.TextChoices):
        OBSTETRIC_UNIT = "obstetric_unit", _("Obstetric unit")
        ALONGSIDE_MLU = "alongside_mlu", _("Alongside midwife-led unit")
        FREESTANDING_MLU = "freestanding_mlu", _("Freestanding midwife-led unit")

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="sites")
    name = models.CharField(max_length=200)
    ods_code = models.CharField(_("ODS site code"), max_length=10, unique=True)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    has_midwife_led_unit = models.BooleanField(default=False)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    triage_phone = models.CharField(_("maternity triage line"), max_length=32, blank=True)

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    class Model(models.TextChoices):
        CONTINUITY = "continuity", _("Continuity of carer")
        TRADITIONAL = "traditional", _("Traditional")

    trust = models.ForeignKey(Trust, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    local_id = models.CharField(_("team local id (MSDS TeamLocalID)"), max_length=20, unique=True)
    care_model = models.CharField(max_length=16, choices=Model.choices)
    base_name = models.CharField(max_length=200, blank=True)
    base_lat = models.FloatField(null=True, blank=True)
    base_lon = models.FloatField(null=True, blank=True)
    area = models.CharField(max_length=500, blank=True)
    home_site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="teams"
    )
    # Service managers who oversee this team (team leaders are found through the workforce).
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="managed_teams"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_continuity(self) -> bool:
        return self.care_model == self.Model.CONTINUITY
