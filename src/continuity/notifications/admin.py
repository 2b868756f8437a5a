"""Support view of the outbox: what was queued and whether it went. Read-only.

The woman is shown by her ref, never her name, and the message body is not shown: the template
key and personalisation say what was sent.
"""

from django.contrib import admin

from continuity.core.admin import ReadOnly
from continuity.notifications.models import OutboxMessage


@admin.register(OutboxMessage)
class OutboxMessageAdmin(ReadOnly):
    list_display = (
        "reference",
        "template",
        "channel",
        "status",
        "created_at",
        "sent_at",
        "attempts",
        "next_attempt_at",
    )
    list_filter = ("status", "channel", "template")
    search_fields = ("reference",)
    fields = (
        "reference",
        "woman_ref",
        "template",
        "personalisation",
        "channel",
        "status",
        "created_at",
        "sent_at",
        "attempts",
        "last_error",
        "next_attempt_at",
        "lease_expires_at",
        "in_doubt",
        "provider_id",
        "created_by",
    )
    readonly_fields = fields

    @admin.display(description="woman (ref)")
    def woman_ref(self, obj: OutboxMessage) -> str:
        return str(obj.woman.ref)
