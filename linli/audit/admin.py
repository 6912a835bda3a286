from django.contrib import admin

from linli.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the trail is append-only (platform operators browse it here)."""

    list_display = ["seq", "at", "actor_name", "action", "object_type", "object_id", "region"]
    list_filter = ["action"]
    search_fields = ["actor_name", "object_type", "object_id"]
    list_select_related = ["region"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
