from django.contrib import admin

from linli.audit.models import AuditEntry
from linli.core.admin_site import ReadOnlyAdmin


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """The trail is append-only: platform operators browse it here."""

    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_id", "region"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_type", "object_id"]
    list_select_related = ["region"]
