from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from continuity.api.models import ApiToken
from continuity.api.tokens import revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made with `continuity create_api_token` (so the secret is shown once, on the
    console); here they can be seen and revoked, never read back."""

    list_display = ("name", "prefix", "user", "created_at", "expires_at", "revoked_at")
    readonly_fields = (
        "name",
        "user",
        "prefix",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    )
    exclude = ("secret_hash",)
    actions = ["revoke_tokens"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke_tokens(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            revoke(token=token, by=request.user)  # type: ignore[arg-type]
