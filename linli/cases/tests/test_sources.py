"""Case sources: the engine's own, and those other apps add."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.cases import sources
from linli.cases.models import Case
from linli.cases.sources import CaseSource
from linli.testing.cases import report
from linli.testing.http import call_api, error_messages, ok, problem_of


@pytest.fixture
def elder_call_source(monkeypatch):
    """A source another app adds (as an elder-care app would, for its calls)."""
    monkeypatch.setattr(sources, "_sources", dict(sources._sources))
    sources.register(CaseSource("elder_call", "Elder's call"))


def test_a_case_from_a_source_an_app_adds(world, manhole, elder_call_source):
    case = report(world, manhole, source="elder_call", by=None, region=world.b1)

    assert Case.objects.get(pk=case.pk).get_source_display() == "Elder's call"
    assert ("elder_call", "Elder's call") in Case._meta.get_field("source").choices


def test_an_unknown_source_is_refused(world, manhole, english):
    with pytest.raises(ValidationError) as caught:
        report(world, manhole, source="fax")

    assert caught.value.message_dict == {"source": ["Unknown source."]}


def test_a_source_is_registered_once_with_a_short_code(elder_call_source):
    with pytest.raises(ValueError, match="twice"):
        sources.register(CaseSource("elder_call", "Elder's call"))
    with pytest.raises(ValueError, match="1–12 characters"):
        sources.register(CaseSource("an-alarm-of-a-device", "Alarm"))


def test_staff_sources_report_only_in_the_reporters_scope(world, manhole):
    assert sources.get("hotline").staff and sources.get("grid_worker").staff
    assert not sources.get("resident").staff

    with pytest.raises(PermissionDenied):  # B's worker takes a call about A's grid
        report(world, manhole, source="hotline", by=world.worker_b)


def test_a_resident_reports_only_as_a_resident(client, world, manhole):
    """Issue 12: a resident could file a 热线 case through the staff form. Residents
    report through /report/ (source resident); the staff sources need `case.record`."""
    with pytest.raises(PermissionDenied):
        report(world, manhole, source="hotline", by=world.resident_a)
    body = {
        "category": "manhole-cover",
        "description": "井盖丢失",
        "region_code": world.a1.code,
        "address": "正阳路8号",
    }
    staff = call_api(client, world.resident_a, "post", "/cases", {**body, "source": "hotline"})
    problem_of(staff, 403)
    client.force_login(world.resident_a)
    assert client.get("/cases/new/").status_code == 403
    assert not Case.objects.exists()

    own = call_api(client, world.resident_a, "post", "/cases", {**body, "source": "resident"})
    assert own.status_code == 201, own.content


def test_the_api_takes_and_filters_by_a_source_an_app_adds(
    client, world, manhole, elder_call_source
):
    made = call_api(
        client,
        world.worker_a,
        "post",
        "/cases",
        {
            "category": "manhole-cover",
            "description": "井盖报警",
            "region_code": world.a1.code,
            "address": "正阳路8号",
            "source": "elder_call",
        },
    )
    assert made.status_code == 201, made.content
    found = ok(call_api(client, world.worker_a, "get", "/cases", source="elder_call"))
    assert [c["source"] for c in found["items"]] == ["elder_call"]
    assert ok(call_api(client, world.worker_a, "get", "/cases", source="resident"))["count"] == 0
    refused = call_api(client, world.worker_a, "get", "/cases", source="fax")
    assert "Unknown source." in error_messages(problem_of(refused, 422))
