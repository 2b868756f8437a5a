from django.contrib import admin

from continuity.pregnancies.admin import NoDelete
from continuity.workforce.models import CoverArrangement, Midwife, RotaEntry


@admin.register(Midwife)
class MidwifeAdmin(NoDelete):
    list_display = ("__str__", "professional_id", "team", "wte", "start_date", "end_date")
    list_filter = ("team",)
    raw_id_fields = ("user", "buddy")


@admin.register(RotaEntry)
class RotaEntryAdmin(NoDelete):
    list_display = ("midwife", "kind", "starts_at", "ends_at", "status")
    list_filter = ("kind", "status")
    raw_id_fields = ("midwife",)


@admin.register(CoverArrangement)
class CoverArrangementAdmin(NoDelete):
    list_display = ("covering", "covered", "starts_at", "ends_at")
    raw_id_fields = ("covering", "covered")
