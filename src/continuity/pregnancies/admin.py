"""Admin is for configuration and support, not clinical browsing: personal fields are not listed
and records cannot be deleted here (clinical rows are voided through actions)."""

from django.contrib import admin

from continuity.pregnancies.models import CarePlanRecord, Contact, LabourRecord, Pregnancy


class NoDelete(admin.ModelAdmin):
    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Pregnancy)
class PregnancyAdmin(NoDelete):
    list_display = ("ref", "status", "edd", "booking_date")
    list_filter = ("status", "risk")
    raw_id_fields = ("woman",)


@admin.register(CarePlanRecord)
class CarePlanRecordAdmin(NoDelete):
    list_display = ("plan_date", "plan_type", "coc_pathway", "personalised_plan", "team")
    raw_id_fields = ("pregnancy", "professional")


@admin.register(Contact)
class ContactAdmin(NoDelete):
    list_display = ("scheduled_start", "kind", "attendance", "location")
    raw_id_fields = ("pregnancy", "rebooked_from")


@admin.register(LabourRecord)
class LabourRecordAdmin(NoDelete):
    list_display = ("birth_at", "setting")
    raw_id_fields = ("pregnancy",)
