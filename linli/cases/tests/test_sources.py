"""Case sources: the engine's own, and those other apps add."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.cases import sources
from linli.cases.models import Case
from linli.cases.sources import CaseSource
from linli.testing.cases import report


@pytest.fixture
def alarm_source(monkeypatch):
    """A source another app adds (as a device app would, for its alarms)."""
    monkeypatch.setattr(sources, "_sources", dict(sources._sources))
    sources.register(CaseSource("alarm", "Alarm"))


def test_a_case_from_a_source_an_app_adds(world, manhole, alarm_source):
    case = report(world, manhole, source="alarm", by=None, region=world.b1)

    assert Case.objects.get(pk=case.pk).get_source_display() == "Alarm"
    assert ("alarm", "Alarm") in Case._meta.get_field("source").choices


def test_an_unknown_source_is_refused(world, manhole, english):
    with pytest.raises(ValidationError) as caught:
        report(world, manhole, source="fax")

    assert caught.value.message_dict == {"source": ["Unknown source."]}


def test_a_source_is_registered_once_with_a_short_code(alarm_source):
    with pytest.raises(ValueError, match="twice"):
        sources.register(CaseSource("alarm", "Alarm"))
    with pytest.raises(ValueError, match="1–12 characters"):
        sources.register(CaseSource("an-alarm-of-a-device", "Alarm"))


def test_staff_sources_report_only_in_the_reporters_scope(world, manhole):
    assert sources.get("hotline").staff and sources.get("grid_worker").staff
    assert not sources.get("resident").staff

    with pytest.raises(PermissionDenied):  # B's worker takes a call about A's grid
        report(world, manhole, source="hotline", by=world.worker_b)
