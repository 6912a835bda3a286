"""Factories of the appointments app's tests: a centre open all day every day (so a
test passes at any hour), its queues and windows, and slots at a chosen time."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from linli.appointments import services
from linli.appointments.models import Centre, Queue, Slot, Window

ALL_DAY = {d: (time(0, 0), time(23, 59)) for d in range(7)}


def centre_with_windows(region, name="测试服务中心", *, windows=2):
    """(centre, [queue A, queue B], [window 1 serving A and B, window 2 serving A …])."""
    centre = services.centre_create(
        region=region, name=name, address="测试路1号", hours=ALL_DAY, by=None
    )
    a = services.queue_create(centre=centre, letter="A", name="综合受理", by=None)
    b = services.queue_create(centre=centre, letter="B", name="社保医保", by=None)
    made = [
        services.window_create(
            centre=centre, number=n, name=f"综合{n}", queues=[a, b] if n == 1 else [a], by=None
        )
        for n in range(1, windows + 1)
    ]
    return centre, [a, b], made


def slot_at(window: Window, queue: Queue, starts: datetime, *, capacity=1, minutes=30) -> Slot:
    """A slot of the window starting at `starts` (past ones too: the services refuse those)."""
    return Slot.objects.create(
        centre=window.centre,
        window=window,
        queue=queue,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        capacity=capacity,
    )


def tomorrow_at(hour: int) -> datetime:
    day = timezone.localdate() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour)))


__all__ = ["ALL_DAY", "Centre", "centre_with_windows", "slot_at", "tomorrow_at"]
