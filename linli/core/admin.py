"""Calendar days (holidays, make-up working days) for working-time limits; published
domain events, to look into one a subscriber keeps failing on (read only).
On only with LINLI_DJANGO_ADMIN=1 (linli.core.admin_site)."""

from django.contrib import admin

from linli.core.admin_site import ReadOnlyAdmin
from linli.core.models import CalendarDay, PublishedEvent


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "working", "name"]
    list_filter = ["working"]
    date_hierarchy = "date"


@admin.register(PublishedEvent)
class PublishedEventAdmin(ReadOnlyAdmin):
    list_display = ["name", "published_at", "attempts", "delivered_at", "last_error"]
    list_filter = ["name", ("delivered_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "published_at"
    # Not the payload: a note in it may name a person (ids lead to the object).
    fields = ["name", "published_at", "attempts", "last_error", "delivered_at"]
