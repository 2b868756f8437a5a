from django.contrib import admin

from continuity.organisations.models import Site, Team, Trust

admin.site.register(Trust)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "ods_code", "kind")


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "local_id", "care_model")
    filter_horizontal = ("managers",)
