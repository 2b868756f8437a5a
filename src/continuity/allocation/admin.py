from django.contrib import admin

from continuity.allocation.models import AllocationDecision, Handover


@admin.register(AllocationDecision)
class AllocationDecisionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-only: decisions are made on the allocation pages, which audit them."""

    list_display = ("decided_at", "kind", "team", "named_midwife", "buddy")
    list_filter = ("kind", "team")
    readonly_fields = [f.name for f in AllocationDecision._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("applied_at", "midwife", "kind", "from_date")
    readonly_fields = [f.name for f in Handover._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
