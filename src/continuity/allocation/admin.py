from django.contrib import admin

from continuity.allocation.models import AllocationDecision, Handover
from continuity.core.admin import ReadOnly


@admin.register(AllocationDecision)
class AllocationDecisionAdmin(ReadOnly):
    """Read-only: decisions are made on the allocation pages, which audit them."""

    list_display = ("decided_at", "kind", "team", "named_midwife", "buddy")
    list_filter = ("kind", "team")
    readonly_fields = [f.name for f in AllocationDecision._meta.fields]


@admin.register(Handover)
class HandoverAdmin(ReadOnly):
    list_display = ("applied_at", "midwife", "kind", "from_date")
    readonly_fields = [f.name for f in Handover._meta.fields]
