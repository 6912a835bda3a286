"""The low-level admin (platform operators only): categories' extra questions, which
the console does not edit yet."""

from django.contrib import admin

from linli.cases.models import Category


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "handle_hours", "working_hours", "active"]
    list_filter = ["kind", "active", "working_hours"]
    search_fields = ["code", "name"]
