"""Community B for the leak test: B's service centre, its queues, windows, a slot, an
appointment (booked by B's worker, so only she may cancel or move it), a ticket called
to window 1 and one waiting; a valid request for every route that changes something.
Centres are open to every resident for booking: their names and addresses are public,
so what marks B is the appointment's booking code and the closed day's reason."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from linli.appointments import services
from linli.appointments.models import Appointment, Slot
from linli.testing.leaks import Leaks, Send

CODE = "LEAKB7Q9"
MARKERS = [CODE, "市南泄漏停业"]
API = "/api/v1"
WORKER = "worker_b"
ALL_DAY = {d: (time(0, 0), time(23, 59)) for d in range(7)}


def community_b(world, made) -> Leaks:
    centre = services.centre_create(
        region=world.b, name="市南便民服务中心", address="市南路8号", hours=ALL_DAY, by=None
    )
    a = services.queue_create(centre=centre, letter="A", name="综合受理", by=None)
    one = services.window_create(centre=centre, number=1, name="综合", queues=[a], by=None)
    two = services.window_create(centre=centre, number=2, name="综合", queues=[a], by=None)
    day = timezone.localdate() + timedelta(days=2)
    start = timezone.make_aware(datetime.combine(day, time(9)))
    slot = Slot.objects.create(
        centre=centre,
        window=one,
        queue=a,
        starts_at=start,
        ends_at=start + timedelta(minutes=30),
        capacity=3,
    )
    spare = Slot.objects.create(
        centre=centre,
        window=one,
        queue=a,
        starts_at=start + timedelta(hours=1),
        ends_at=start + timedelta(hours=1, minutes=30),
        capacity=3,
    )
    appointment = services.appointment_book(slot=slot, by=world.worker_b)
    Appointment.objects.filter(pk=appointment.pk).update(code=CODE)
    services.centre_close_day(
        centre=centre, day=day + timedelta(days=1), reason=MARKERS[1], by=None
    )
    called = services.ticket_issue(queue=a, by=None)
    services.ticket_call_next(window=one, by=None)
    waiting = services.ticket_issue(queue=a, by=None)
    terminal, _token = services.terminal_register(
        centre=centre, kind="call_screen", name="市南大厅叫号屏", by=None
    )
    c, q, w1, w2, t, t2, ap = centre.pk, a.pk, one.pk, two.pk, called.pk, waiting.pk, appointment.pk
    later = (day + timedelta(days=2)).isoformat()
    sends = {
        ("post", "appointments:book-slot"): Send(
            f"/appointments/book/{slot.pk}/", anyone=True, adds_to_b=True
        ),
        ("post", "appointments:cancel"): Send(f"/appointments/my/{ap}/cancel/", by=WORKER),
        ("post", "appointments:reschedule"): Send(
            f"/appointments/my/{ap}/reschedule/", {"slot": spare.pk}, by=WORKER
        ),
        ("post", "appointments:centre-create"): Send(
            "/appointments/centres/new/",
            {
                "region_code": world.b.code,
                "name": "市南第二中心",
                "address": "市南路9号",
                "weekdays": [0, 1],
                "opens": "08:30",
                "closes": "17:00",
            },
        ),
        ("post", "appointments:queue-create"): Send(
            f"/appointments/centres/{c}/queues/", {"letter": "C", "name": "民政"}
        ),
        ("post", "appointments:window-create"): Send(
            f"/appointments/centres/{c}/windows/", {"number": 3, "name": "民政", "queues": [q]}
        ),
        ("post", "appointments:slots-create"): Send(
            f"/appointments/centres/{c}/slots/",
            {"window": w1, "queue": q, "day": later, "minutes": 60, "capacity": 2},
        ),
        ("post", "appointments:closure-create"): Send(
            f"/appointments/centres/{c}/closures/", {"day": later, "reason": "检修"}
        ),
        ("post", "appointments:kiosk"): Send(f"/appointments/centres/{c}/kiosk/", {"queue": q}),
        ("post", "appointments:terminal-create"): Send(
            f"/appointments/centres/{c}/terminals/", {"kind": "kiosk", "name": "取号机"}, expect=201
        ),
        ("post", "appointments:terminal-token-rotate"): Send(
            f"/appointments/terminals/{terminal.pk}/token/", expect=200
        ),
        ("post", "appointments:terminal-retire"): Send(
            f"/appointments/terminals/{terminal.pk}/retire/"
        ),
        # A terminal's pages answer its token's cookie only: without one, the sign-in.
        ("post", "appointments-terminal:signin"): Send(
            "/hall-terminal/signin/", {"token": "not-a-token"}, expect=422, anyone=True
        ),
        ("post", "appointments-terminal:kiosk"): Send(
            "/hall-terminal/kiosk/", {"queue": q}, anyone=True
        ),
        ("post", "appointments:window-next"): Send(f"/appointments/windows/{w2}/next/"),
        ("post", "appointments:ticket-call"): Send(f"/appointments/windows/{w2}/call/{t2}/"),
        ("post", "appointments:ticket-recall"): Send(f"/appointments/tickets/{t}/recall/"),
        ("post", "appointments:ticket-finish"): Send(f"/appointments/tickets/{t}/finish/"),
        ("post", "appointments:ticket-skip"): Send(f"/appointments/tickets/{t}/skip/"),
        ("post", "appointments:ticket-transfer"): Send(
            f"/appointments/tickets/{t}/transfer/", {"to": w2}
        ),
        ("post", "api:appointment-book"): Send(
            f"{API}/appointments/mine",
            {"slot": spare.pk},
            expect=201,
            anyone=True,
            adds_to_b=True,
        ),
        ("post", "api:appointment-cancel"): Send(
            f"{API}/appointments/mine/{ap}/cancel", expect=200, by=WORKER
        ),
        ("post", "api:appointment-reschedule"): Send(
            f"{API}/appointments/mine/{ap}/reschedule", {"slot": spare.pk}, expect=200, by=WORKER
        ),
        ("post", "api:ticket-issue"): Send(f"{API}/centres/{c}/tickets", {"queue": q}, expect=201),
        ("post", "api:window-call-next"): Send(f"{API}/windows/{w2}/call-next", expect=200),
        ("post", "api:ticket-call"): Send(f"{API}/tickets/{t2}/call", {"window": w2}, expect=200),
        ("post", "api:ticket-recall"): Send(f"{API}/tickets/{t}/recall", expect=200),
        ("post", "api:ticket-finish"): Send(f"{API}/tickets/{t}/finish", expect=200),
        ("post", "api:ticket-skip"): Send(f"{API}/tickets/{t}/skip", expect=200),
        ("post", "api:ticket-transfer"): Send(
            f"{API}/tickets/{t}/transfer", {"to": w2}, expect=200
        ),
    }
    return Leaks(
        objects={
            "centre": [centre],
            "queue": [a],
            "window": [one, two],
            "slot": [slot, spare],
            "appointment": [appointment],
            "ticket": [called, waiting],
            "terminal": [terminal],
        },
        markers=MARKERS,
        sends=sends,
    )
