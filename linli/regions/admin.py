from django.contrib import admin

from linli.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin[Region]):
    list_display = ["code", "name", "level", "urban", "retired_at"]
    list_filter = ["level", "urban"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "created_at", "updated_at"]
    raw_id_fields = ["parent"]
