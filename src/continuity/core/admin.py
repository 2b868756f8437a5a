from django.contrib import admin

from continuity.core.models import AccessEvent, AuditEvent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnly):
    list_display = ("at", "actor", "action", "object_type", "object_id")
    list_filter = ("action",)
    list_select_related = ("actor",)  # the actor may be empty, so Django would not join it


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnly):
    list_display = ("at", "user", "role", "action", "outcome", "route")
    list_filter = ("outcome", "action")
    list_select_related = ("user",)  # the user may be empty, so Django would not join it
