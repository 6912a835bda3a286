"""The Django admin's app, with Linli's site (`linli.core.admin_site`) as its default:
a module of its own, imported while the apps load (before any model)."""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "linli.core.admin_site.AdminSite"
