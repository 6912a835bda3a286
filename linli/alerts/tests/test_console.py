"""The console: the list, writing a draft with its area and places, its page, issuing,
update, cancel, import; people outside the region see nothing of it (404)."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.alerts.choices import State
from linli.alerts.models import Alert
from linli.alerts.tests.conftest import SQUARE, cap_document, storm_draft
from linli.testing.http import text

pytestmark = pytest.mark.django_db


def form(world, shelter, **more):
    expires = (timezone.localtime() + timedelta(hours=6)).strftime("%Y-%m-%dT%H:%M")
    return {
        "region": world.a.code,
        "area_desc": "车站社区",
        "polygon": json.dumps(SQUARE),
        "event": "暴雨黄色预警",
        "headline": "车站社区暴雨黄色预警",
        "description": "预计6小时内降雨量将达50毫米以上。",
        "instruction": "请前往车站广场避难场所。",
        "category": "Met",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "expires": expires,
        "status": "Actual",
        "scope": "Public",
        "places": [shelter.pk],
        "event_en": "Rainstorm Yellow Warning",
        "headline_en": "Rainstorm warning",
    } | more


def test_a_draft_is_written_issued_updated_and_cancelled(world, client, shelter):
    client.force_login(world.subdistrict_admin)
    page = client.get("/alerts/new/")
    assert page.status_code == 200 and "车站广场避难场所" in page.content.decode()
    answer = client.post("/alerts/new/", form(world, shelter))
    alert = Alert.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/alerts/{alert.pk}/"
    assert alert.state == State.DRAFT and alert.polygon == SQUARE
    assert list(alert.places.all()) == [shelter]
    assert alert.info("en-US").event == "Rainstorm Yellow Warning"

    detail = text(client.get(f"/alerts/{alert.pk}/"))
    assert "车站社区暴雨黄色预警" in detail and "Issue the alert" in detail
    assert client.get(f"/alerts/{alert.pk}/cap.xml").status_code == 200
    edit = client.post(f"/alerts/{alert.pk}/edit/", form(world, shelter, headline="改过的标题"))
    assert edit.status_code == 302
    assert client.post(f"/alerts/{alert.pk}/issue/").status_code == 302
    alert.refresh_from_db()
    assert alert.state == State.ISSUED and alert.headline == "改过的标题"

    assert client.get(f"/alerts/{alert.pk}/update/").status_code == 200
    answer = client.post(
        f"/alerts/{alert.pk}/update/", form(world, shelter, severity="Severe", note="升级")
    )
    update = Alert.objects.get(replaces=alert)
    assert answer["Location"] == f"/alerts/{update.pk}/" and update.severity == "Severe"
    assert client.post(f"/alerts/{update.pk}/cancel/", {"note": ""}).status_code == 422
    answer = client.post(f"/alerts/{update.pk}/cancel/", {"note": "降雨结束"})
    cancel = Alert.objects.get(replaces=update)
    assert answer["Location"] == f"/alerts/{cancel.pk}/"
    listed = text(client.get("/alerts/"))
    assert "3 alerts" in listed  # the alert, its update, its cancel


def test_bad_input_is_named_and_nothing_saved(world, client, shelter):
    client.force_login(world.subdistrict_admin)
    answer = client.post("/alerts/new/", form(world, shelter, headline="", polygon="{not json"))
    assert answer.status_code == 422
    page = text(answer)
    assert "This field is required." in page and "could not be read" in page
    answer = client.post("/alerts/new/", form(world, shelter, region=world.other_subdistrict.code))
    assert answer.status_code == 422 and "Select a valid choice" in text(answer)
    assert not Alert.objects.exists()


def test_a_cap_document_is_imported_or_refused_with_its_errors(world, client):
    client.force_login(world.district_admin)
    bad = cap_document("zhoucun-rainstorm.xml").replace(b"<status>Actual", b"<status>Real")
    answer = client.post("/alerts/import/", {"document": SimpleUploadedFile("bad.xml", bad)})
    assert answer.status_code == 422
    assert "alert/status: the value “Real” is not allowed by CAP 1.2." in text(answer)
    assert not Alert.objects.exists()
    good = cap_document("zhoucun-rainstorm.xml")
    answer = client.post("/alerts/import/", {"document": SimpleUploadedFile("rain.xml", good)})
    alert = Alert.objects.get()
    assert answer["Location"] == f"/alerts/{alert.pk}/"


def test_people_outside_the_region_see_nothing(world, client, issued):
    draft = storm_draft(world)
    client.force_login(world.worker_b)
    assert "车站社区暴雨黄色预警" not in text(client.get("/alerts/"))
    for url in (f"/alerts/{draft.pk}/", f"/alerts/{draft.pk}/cap.xml", f"/alerts/{draft.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    client.force_login(world.other_subdistrict_admin)
    for url in (f"/alerts/{issued.pk}/update/", f"/alerts/{issued.pk}/cancel/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/alerts/{draft.pk}/issue/").status_code == 404
    assert Alert.objects.get(pk=draft.pk).state == State.DRAFT
    client.force_login(world.worker_a)  # may write, may not issue
    assert client.post(f"/alerts/{draft.pk}/issue/").status_code == 403


def test_the_places_page_lists_them_on_a_map(world, client, shelter):
    client.force_login(world.worker_a)
    page = client.get("/alerts/places/")
    assert "车站广场避难场所" in text(page) and 'id="alert-map-data"' in page.content.decode()
    client.force_login(world.worker_b)
    assert "车站广场避难场所" not in text(client.get("/alerts/places/"))


def test_a_drill_alert_is_run_marked_exercise_everywhere_and_cancelled(
    world, client, django_capture_on_commit_callbacks
):
    """The console's drill button: a CAP alert with status Exercise over a community of
    the user's, issued now, its every text saying 演练; audited; cancelled as any alert.
    Out of the user's communities, or without the right, nothing is made."""
    from linli.alerts.choices import Status
    from linli.audit.models import AuditEntry
    from linli.notifications.models import Notification

    client.force_login(world.subdistrict_admin)
    listed = text(client.get("/alerts/"))
    assert "Run a drill alert" in listed and world.a.name in listed
    assert (
        client.post("/alerts/drill/", {"region": world.other_subdistrict.code}).status_code == 302
    )
    assert client.post("/alerts/drill/", {"region": "nonsense"}).status_code == 302
    assert not Alert.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/alerts/drill/", {"region": world.a.code}, follow=True)
    alert = Alert.objects.get()
    assert (alert.status, alert.state, alert.region) == (Status.EXERCISE, "issued", world.a)
    assert "演练" in alert.headline and "EXERCISE" in alert.info("en-US").headline
    assert "演练" in text(answer)  # the detail page's headline (and its badge)
    assert "<status>Exercise</status>" in client.get(f"/alerts/{alert.pk}/cap.xml").text
    assert "演练" in text(client.get(f"/cap/alerts/{alert.pk}/"))
    assert "演练" in text(client.get("/alerts/"))
    assert AuditEntry.objects.filter(object_id=str(alert.pk)).exists()
    told = Notification.objects.filter(user=world.resident_a).first()
    assert told is not None and "演练" in told.title
    assert not client.get("/cap/feed.atom").text.count("<entry>")  # actual alerts only
    client.post(f"/alerts/{alert.pk}/cancel/", {"note": "演练结束"})
    alert.refresh_from_db()
    assert alert.state == "cancelled"
    assert Alert.objects.get(replaces=alert).status == Status.EXERCISE

    client.force_login(world.worker_a)  # writes alerts, does not issue them
    assert "Run a drill alert" not in text(client.get("/alerts/"))
    assert client.post("/alerts/drill/", {"region": world.a.code}).status_code in (403, 404)
    assert Alert.objects.count() == 2


def place_form(world, **more):
    return {
        "region": world.a.code,
        "name": "车站小学避难场所",
        "kind": "shelter",
        "address": "车站街2号",
        "capacity": "600",
        "longitude": "117.871",
        "latitude": "36.801",
    } | more


def test_a_place_is_registered_and_edited_in_the_console(world, client, shelter):
    from linli.alerts.models import Place
    from linli.audit.models import AuditEntry

    client.force_login(world.subdistrict_admin)
    listed = client.get("/alerts/places/").content.decode()
    assert "Register a place" in listed and f"/alerts/places/{shelter.pk}/edit/" in listed
    page = client.get("/alerts/places/new/")
    assert page.status_code == 200 and 'data-pick="1"' in page.content.decode()
    answer = client.post("/alerts/places/new/", place_form(world))
    assert answer.status_code == 302 and answer["Location"] == "/alerts/places/"
    place = Place.objects.get(name="车站小学避难场所")
    assert (place.region, place.capacity, place.longitude) == (world.a, 600, 117.871)
    assert "车站小学避难场所 is registered." in text(client.get("/alerts/places/"))

    edit = f"/alerts/places/{place.pk}/edit/"
    assert 'value="车站街2号"' in client.get(edit).content.decode()
    answer = client.post(edit, place_form(world, region=world.b.code, capacity="650"))
    assert answer.status_code == 302
    place.refresh_from_db()
    assert (place.region, place.capacity) == (world.b, 650)
    entries = AuditEntry.objects.filter(object_id=str(place.pk)).order_by("pk")
    assert [e.action for e in entries] == ["record_create", "record_update"]
    assert entries[1].details["fields"] == ["region", "capacity"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"capacity": "-3"}, "capacity", "greater than or equal to 0"),
        ({"capacity": "много"}, "capacity", "Enter a whole number."),
        ({"longitude": "181"}, "longitude", "less than or equal to 180"),
        ({"latitude": ""}, "latitude", "This field is required."),
        ({"kind": "bunker"}, "kind", "Select a valid choice."),
        ({"region": "370306002001"}, "region", "Select a valid choice."),
        ({"name": "车站广场避难场所"}, None, "The region already has a place of this name."),
    ],
)
def test_bad_input_for_a_place_is_named_and_nothing_is_saved(
    world, client, shelter, change, field, message
):
    from linli.alerts.models import Place

    client.force_login(world.subdistrict_admin)
    answer = client.post("/alerts/places/new/", place_form(world, **change))
    assert answer.status_code == 422
    assert message in text(answer)
    assert Place.objects.count() == 1
    edit = client.post(f"/alerts/places/{shelter.pk}/edit/", place_form(world, **change))
    if field is None:  # its own name: no clash with itself
        assert edit.status_code == 302
    else:
        assert edit.status_code == 422 and message in text(edit)
        shelter.refresh_from_db()
        assert shelter.name == "车站广场避难场所" and shelter.capacity == 1800


def test_places_are_kept_only_in_ones_own_regions(world, client, shelter):
    client.force_login(world.worker_a)  # sees places, keeps none
    assert "Register a place" not in text(client.get("/alerts/places/"))
    assert client.get("/alerts/places/new/").status_code == 403
    assert client.get(f"/alerts/places/{shelter.pk}/edit/").status_code == 403
    client.force_login(world.other_subdistrict_admin)  # keeps places elsewhere
    assert client.get(f"/alerts/places/{shelter.pk}/edit/").status_code == 404
    answer = client.post(f"/alerts/places/{shelter.pk}/edit/", place_form(world))
    assert answer.status_code == 404
    shelter.refresh_from_db()
    assert shelter.address == "车站街18号"
