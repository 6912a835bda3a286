"""Accounts in the low-level admin: shown, never changed (the accounts services check,
scope and audit every change), phone numbers masked."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import AccessToken, RoleGrant, User
from linli.core.admin_site import ReadOnlyAdmin, ReadOnlyInline


class RoleGrantInline(ReadOnlyInline):
    model = RoleGrant
    fk_name = "user"
    fields = ["role", "region", "granted_by", "granted_at", "revoked_by", "revoked_at"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["username", "full_name", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name"]
    fields = [
        "username",
        "full_name",
        "phone_masked",
        "email",
        "is_active",
        "is_staff",
        "is_superuser",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["phone_masked"]
    inlines = [RoleGrantInline]

    @admin.display(description=_("mobile phone"))
    def phone_masked(self, user: User) -> str:
        return user.masked_phone


@admin.register(AccessToken)
class AccessTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "expires_at", "revoked_at"]
    fields = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
