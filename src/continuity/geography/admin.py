from django.contrib import admin

from continuity.geography.models import LookupEdition


@admin.register(LookupEdition)
class LookupEditionAdmin(admin.ModelAdmin):
    list_display = ("name", "imd_edition", "imported_at", "postcode_rows", "lsoa_rows")
