"""Categories in the low-level admin, to look at (the console configures them through
the audited services)."""

from django.contrib import admin

from linli.cases.models import Category
from linli.core.admin_site import ReadOnlyAdmin


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "parent", "handle_hours", "working_hours", "active"]
    list_filter = ["kind", "active", "working_hours"]
    search_fields = ["code", "name"]
