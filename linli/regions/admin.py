from django.contrib import admin

from linli.core.admin_site import ReadOnlyAdmin
from linli.regions.models import Region


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    """To look at: regions are imported and grids drawn through the audited services."""

    list_display = ["code", "name", "level", "urban", "retired_at"]
    list_filter = ["level", "urban"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]
