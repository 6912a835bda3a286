"""Community B for the leak test: an elder at home in B with a call button, four of
its calls (new, answered, responder sent, closed with its return visit), a care
worker of a provider in B on duty, a care call due; a valid request for every route
of the dispatch console and API that changes something (each call in the state its
action needs)."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from linli.core.permissions import Role
from linli.devices.models import AlarmType, DeviceProfile
from linli.devices.services import alarm_raise, device_provision
from linli.dispatch import services
from linli.dispatch.choices import ResponderKind
from linli.dispatch.models import CareCall
from linli.registry import services as registry
from linli.registry.models import Affiliation
from linli.testing.leaks import Leaks, Send
from linli.testing.registry import aged, move_in, place

MARKERS = ["市南调度老人", "市南响应护工", "SNDD-0001"]
API = "/api/v1/dispatch"


def community_b(world, made) -> Leaks:
    spot = place(world.b1, building="9号楼", number="901")
    elder = move_in(spot.household, name=MARKERS[0], born=aged(82), sex="female")
    button, _token = device_provision(
        grid=world.b1,
        profile=DeviceProfile.objects.get(code="call-button"),
        key=MARKERS[2],
        name="市南一键呼叫",
        house=spot.house,
        by=None,
    )
    calls = []
    for code in ("elder-emergency", "elder-service", "fall", "no-activity"):
        alarm, _new = alarm_raise(
            device=button,
            alarm_type=AlarmType.objects.get(code=code),
            severity="critical",
            at=timezone.now(),
        )
        call = services.call_from_alarm(alarm=alarm)
        assert call is not None
        calls.append(call)
    provider = registry.organisation_create(
        grid=world.b1, name="市南居家养老服务站", kind="social", address="市南路1号", by=None
    )
    worker = world.person("care.b", Role.DEPARTMENT_HANDLER, world.b.code, full_name=MARKERS[1])
    Affiliation.objects.create(grant=worker.grants.get(), organisation=provider)
    responder = services.responder_register(
        user=worker, region=world.b, kind=ResponderKind.CARE_WORKER, by=None
    )
    services.responder_update(
        responder=responder,
        on_duty=True,
        longitude=Decimal("117.880000"),
        latitude=Decimal("36.810000"),
        by=None,
    )
    new, answered, sent, closed = calls
    services.call_answer(call=answered, by=None)
    services.call_answer(call=sent, by=None)
    services.call_send(call=sent, by=None)
    services.call_answer(call=closed, by=None)
    closed = services.call_close(call=closed, outcome="false_alarm", by=None)
    visit = closed.return_visit
    care = CareCall.objects.create(resident=elder, grid=world.b1, due_on=date.today())
    n, a, s, r = new.pk, answered.pk, sent.pk, responder.pk
    sends = {
        ("post", "dispatch:call-answer"): Send(f"/dispatch/calls/{n}/answer/", {"note": "接听"}),
        ("post", "dispatch:call-contact"): Send(
            f"/dispatch/calls/{a}/contact/", {"note": "已联系儿子"}
        ),
        ("post", "dispatch:call-send"): Send(f"/dispatch/calls/{a}/send/", {"responder": r}),
        ("post", "dispatch:call-arrive"): Send(f"/dispatch/calls/{s}/arrive/"),
        ("post", "dispatch:call-escalate"): Send(f"/dispatch/calls/{a}/escalate/", {"to": "120"}),
        ("post", "dispatch:call-close"): Send(f"/dispatch/calls/{a}/close/", {"outcome": "advice"}),
        ("post", "dispatch:return-visit-record"): Send(
            f"/dispatch/visits/{visit.pk}/record/", {"result": "well"}
        ),
        ("post", "dispatch:care-call-record"): Send(
            f"/dispatch/care/{care.pk}/record/", {"answered": "yes"}
        ),
        ("post", "dispatch:responder-duty"): Send(
            f"/dispatch/responders/{r}/duty/", {"on_duty": "0"}
        ),
        ("post", "api:call-answer"): Send(f"{API}/calls/{n}/answer", {}, expect=200),
        ("post", "api:call-contact"): Send(
            f"{API}/calls/{a}/contact", {"note": "已联系女儿"}, expect=200
        ),
        ("post", "api:call-send"): Send(f"{API}/calls/{a}/send", {"responder": r}, expect=200),
        ("post", "api:call-arrive"): Send(f"{API}/calls/{s}/arrive", {}, expect=200),
        ("post", "api:call-escalate"): Send(f"{API}/calls/{a}/escalate", {"to": "110"}, expect=200),
        ("post", "api:call-close"): Send(
            f"{API}/calls/{a}/close", {"outcome": "contact_reached"}, expect=200
        ),
        ("post", "dispatch:responder-new"): Send(
            "/dispatch/responders/new/",
            {"user": worker.pk, "region": world.b1.pk, "kind": "care_worker"},
        ),
        ("post", "api:responder-create"): Send(
            f"{API}/responders",
            {"username": worker.username, "region_code": world.b1.code, "kind": "care_worker"},
            expect=201,
        ),
        ("post", "api:responder-duty"): Send(
            f"{API}/responders/{r}/duty", {"on_duty": False}, expect=200
        ),
        ("post", "api:return-visit-record"): Send(
            f"{API}/return-visits/{visit.pk}/record", {"result": "needs_help"}, expect=200
        ),
        ("post", "api:care-call-record"): Send(
            f"{API}/care-calls/{care.pk}/record", {"answered": False}, expect=200
        ),
    }
    return Leaks(
        objects={
            "call": [new, answered, sent, closed],
            "responder": [responder],
            "returnvisit": [visit],
            "carecall": [care],
        },
        markers=MARKERS[:2],
        sends=sends,
        searches=[MARKERS[0]],
    )
