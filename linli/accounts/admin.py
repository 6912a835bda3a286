from django.contrib import admin

from linli.accounts.models import AccessToken, RoleGrant, User


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    raw_id_fields = ["region", "granted_by", "revoked_by"]
    extra = 0


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ["username", "full_name", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name"]
    exclude = ["password", "user_permissions", "groups"]
    inlines = [RoleGrantInline]


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "expires_at", "revoked_at"]
    exclude = ["digest"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
