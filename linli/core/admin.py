"""Calendar days (holidays, make-up working days) for working-time limits."""

from django.contrib import admin

from linli.core.models import CalendarDay


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin[CalendarDay]):
    list_display = ["date", "working", "name"]
    list_filter = ["working"]
    date_hierarchy = "date"
