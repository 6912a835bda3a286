"""When a centre is open: its hours of the weekday, unless it is closed that day (its
own `CentreClosure`, or a holiday of the working calendar, `core.CalendarDay`). A
make-up working day (调休) opens with the hours of the centre's first working weekday."""

from datetime import date, time

from linli.appointments.models import Centre, CentreClosure, CentreHours
from linli.core.models import CalendarDay


def opening(centre: Centre, day: date) -> tuple[time, time] | None:
    """(opens, closes) of `centre` on `day`, or None when it is closed."""
    if CentreClosure.objects.filter(centre=centre, day=day).exists():
        return None
    calendar = CalendarDay.objects.filter(date=day).values_list("working", flat=True).first()
    if calendar is False:
        return None
    hours = CentreHours.objects.filter(centre=centre)
    if calendar is True and day.weekday() >= 5:
        hours = hours.filter(weekday__lt=5)
    else:
        hours = hours.filter(weekday=day.weekday())
    found = hours.order_by("weekday").values_list("opens", "closes").first()
    return found
