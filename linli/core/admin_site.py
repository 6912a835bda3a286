"""The low-level Django admin, for platform operators (`is_staff`): off unless
LINLI_DJANGO_ADMIN=1. It has no sign-in of its own — the console's, with its lockout
and audit, is the only one — and what the services own it only shows (`ReadOnlyAdmin`),
personal data masked, as the console does."""

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models.base import ModelBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


class AdminSite(admin.AdminSite):
    site_header = _("Linli low-level admin")
    site_title = _("Linli low-level admin")

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Not Django's groups (django.contrib.auth registers them): Linli's roles are
        its grants, and the groups would be edited here and nowhere else."""
        models = (
            [model_or_iterable] if isinstance(model_or_iterable, ModelBase) else model_or_iterable
        )
        kept = [model for model in models if model is not Group]
        if kept:
            super().register(kept, admin_class, **options)

    def password_change(  # type: ignore[override]  # a redirect, not its template
        self, request: HttpRequest, extra_context: Any = None
    ) -> HttpResponse:
        """The console's (its service checks the old password and audits the change)."""
        return redirect("accounts:profile")

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """To the console's sign-in, then back to where the operator was going."""
        target = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        if not request.user.is_authenticated:
            return redirect_to_login(target, "accounts:login")
        if not self.has_permission(request):
            raise PermissionDenied
        return redirect(target)


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(_ReadOnly, admin.ModelAdmin):  # type: ignore[type-arg]
    """For models the services own (they check, scope and audit every write): the
    admin shows them and changes nothing."""


class ReadOnlyInline(_ReadOnly, admin.TabularInline):  # type: ignore[type-arg]
    """The same, for rows shown inside another's page."""
