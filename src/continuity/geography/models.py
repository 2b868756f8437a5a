"""Postcode → LSOA → IMD decile lookups, imported from trust-supplied files with their edition."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LookupEdition(models.Model):
    """One import of the postcode directory and deprivation index, named by the trust."""

    name = models.CharField(max_length=100, unique=True)  # e.g. "NSPL 2024-05 + IoD 2019"
    imd_edition = models.CharField(_("deprivation index edition"), max_length=40)
    imported_at = models.DateTimeField(default=timezone.now)
    postcode_rows = models.PositiveIntegerField(default=0)
    lsoa_rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class Postcode(models.Model):
    edition = models.ForeignKey(LookupEdition, on_delete=models.CASCADE, related_name="postcodes")
    postcode = models.CharField(max_length=8)  # normalised "OUTWARD INWARD"
    lsoa = models.CharField(max_length=12, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "postcode"], name="uniq_postcode_edition")
        ]


class LsoaDeprivation(models.Model):
    edition = models.ForeignKey(LookupEdition, on_delete=models.CASCADE, related_name="lsoas")
    lsoa = models.CharField(max_length=12)
    imd_decile = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "lsoa"], name="uniq_lsoa_edition"),
            models.CheckConstraint(
                condition=models.Q(imd_decile__gte=1, imd_decile__lte=10), name="imd_decile_1_10"
            ),
        ]
