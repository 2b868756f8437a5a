from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from continuity.accounts.models import User


@admin.register(User)
class ContinuityUserAdmin(UserAdmin):
    list_display = ("username", "display_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = (*UserAdmin.fieldsets, ("Continuity", {"fields": ("role", "display_name")}))
