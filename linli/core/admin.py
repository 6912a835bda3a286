"""Calendar days (holidays, make-up working days) for working-time limits; published
domain events, to look into one a subscriber keeps failing on (read only)."""

from django.contrib import admin
from django.http import HttpRequest

from linli.core.models import CalendarDay, PublishedEvent


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "working", "name"]
    list_filter = ["working"]
    date_hierarchy = "date"


@admin.register(PublishedEvent)
class PublishedEventAdmin(admin.ModelAdmin[PublishedEvent]):
    list_display = ["name", "published_at", "attempts", "delivered_at", "last_error"]
    list_filter = ["name", ("delivered_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "published_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
