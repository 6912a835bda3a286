"""Areas of several polygons and circles (CAP 1.2 allows both, any number): created
through the service and the API, written as CAP (valid against the OASIS schema) and
read back on import; who and what is inside them (screens' points, residents' homes),
and the bad areas refused with the reason."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from linli.alerts import cap
from linli.alerts.models import Alert
from linli.alerts.selectors import active_alerts
from linli.alerts.services import alert_issue, alerts_import
from linli.alerts.subscribers import KIND, residents_of
from linli.alerts.tests.conftest import STORM, cap_document, storm_draft
from linli.alerts.tests.test_cap import C, valid
from linli.core.permissions import Role
from linli.notifications.models import Notification
from linli.testing.registry import move_in, place

pytestmark = pytest.mark.django_db

WEST = {  # the western half of grid A1 (see the `bounded` fixture)
    "type": "Polygon",
    "coordinates": [
        [
            [117.865, 36.795],
            [117.869, 36.795],
            [117.869, 36.805],
            [117.865, 36.805],
            [117.865, 36.795],
        ]
    ],
}
EAST_CORNER = [[117.873, 36.795], [117.875, 36.795], [117.875, 36.797], [117.873, 36.795]]
TWO = {"type": "MultiPolygon", "coordinates": [WEST["coordinates"], [EAST_CORNER]]}
CIRCLE = {"longitude": 117.874, "latitude": 36.804, "radius_km": 0.2}


def drawn(world, **area):
    return storm_draft(world, **area)


def test_two_polygons_and_a_circle_are_kept_and_written_as_valid_cap(bounded):
    alert = drawn(bounded, polygon=TWO, circles=[CIRCLE])
    alert.refresh_from_db()
    assert alert.polygon == TWO and alert.circles == [CIRCLE]
    area = valid(alert).find(f"{C}info/{C}area")
    polygons = [p.text for p in area.findall(f"{C}polygon")]
    assert len(polygons) == 2
    assert polygons[1].split()[0] == "36.795000,117.873000"
    assert [c.text for c in area.findall(f"{C}circle")] == ["36.804000,117.874000 0.2"]
    # read back: the same shapes
    [message] = cap.read(cap.alert_xml(alert))
    assert message.infos[0].areas[0].circles == [(117.874, 36.804, 0.2)]
    assert len(message.infos[0].areas[0].polygons) == 2


def test_who_and_what_is_inside(bounded):
    alert = alert_issue(alert=drawn(bounded, polygon=TWO, circles=[CIRCLE]), by=None)
    assert alert.covers(117.867, 36.800)  # in the western polygon
    assert alert.covers(117.8745, 36.7955)  # in the eastern corner
    assert alert.covers(117.874, 36.8055)  # 167 m from the circle's centre
    assert not alert.covers(117.872, 36.800)  # between them
    assert not alert.covers(117.874, 36.8065)  # 278 m from the centre
    assert [a.pk for a in active_alerts(longitude=117.867, latitude=36.800)] == [alert.pk]
    assert [a.pk for a in active_alerts(longitude=117.8741, latitude=36.8041)] == [alert.pk]
    assert active_alerts(longitude=117.872, latitude=36.800) == []
    whole = storm_draft(bounded)
    assert not whole.geometric and whole.covers(0, 0)


@pytest.mark.parametrize(
    ("area", "problem"),
    [
        ({"circles": [{"longitude": 117.87, "latitude": 36.8, "radius_km": 0}]}, "radius"),
        ({"circles": [{"longitude": 117.87, "latitude": 36.8, "radius_km": 500}]}, "radius"),
        ({"circles": [{"longitude": 117.87, "latitude": 36.8}]}, "centre"),
        ({"circles": [CIRCLE] * 11}, "At most 10 circles"),
        ({"circles": [{"longitude": 116.0, "latitude": 36.8, "radius_km": 1}]}, "outside"),
        (
            {"polygon": {"type": "MultiPolygon", "coordinates": [WEST["coordinates"]] * 11}},
            "At most 10 polygons",
        ),
        (
            {
                "polygon": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        WEST["coordinates"],
                        [[[116.0, 36.0], [116.1, 36.0], [116.1, 36.1], [116.0, 36.0]]],
                    ],
                }
            },
            "outside",
        ),
    ],
)
def test_bad_areas_are_refused_with_the_reason(bounded, area, problem):
    with pytest.raises(ValidationError) as refused:
        drawn(bounded, **area)
    assert problem in " ".join(refused.value.messages)
    assert not Alert.objects.exists()


def test_the_api_creates_an_area_of_polygons_and_circles(bounded, client):
    client.force_login(bounded.subdistrict_admin)
    body = {
        "region": bounded.a.code,
        "category": "Met",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "expires": "2099-12-31T08:00:00+08:00",
        "zh": STORM["zh-CN"],
        "polygon": TWO,
        "circles": [CIRCLE],
    }
    answer = client.post("/api/v1/alerts", json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["circles"] == [CIRCLE]
    assert answer.json()["polygon"]["type"] == "MultiPolygon"
    bad = client.post(
        "/api/v1/alerts",
        json.dumps(body | {"circles": [CIRCLE | {"radius_km": -1}]}),
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert Alert.objects.count() == 1


BUREAU = cap_document("zhoucun-rainstorm.xml")
GEOCODE = (
    b"<geocode>\n        <valueName>GB/T 2260</valueName>\n"
    b"        <value>370306</value>\n      </geocode>"
)


def test_an_import_keeps_every_polygon_and_circle(bounded):
    shapes = (
        "<polygon>36.796,117.866 36.796,117.868 36.798,117.868 36.796,117.866</polygon>"
        "<polygon>36.800,117.870 36.800,117.872 36.802,117.872 36.800,117.870</polygon>"
        "<circle>36.803,117.874 0.3</circle>"
    )
    doc = BUREAU.replace(GEOCODE, shapes.encode())
    assert doc.count(b"<circle>") >= 1
    [alert] = alerts_import(data=doc, by=None).created
    assert alert.region == bounded.a1
    assert alert.polygon["type"] == "MultiPolygon" and len(alert.polygon["coordinates"]) == 2
    assert alert.circles == [{"longitude": 117.874, "latitude": 36.803, "radius_km": 0.3}]
    assert alert.covers(117.8711, 36.8011) and not alert.covers(117.869, 36.800)
    assert cap.schema_errors(cap.alert_element(alert)) == []


def test_an_import_with_a_circle_only_maps_to_the_grid_under_it(bounded):
    doc = BUREAU.replace(GEOCODE, b"<circle>36.800,117.905 0.2</circle>")
    [alert] = alerts_import(data=doc, by=None).created
    assert alert.region == bounded.b1 and alert.polygon is None


def test_a_bad_circle_is_refused_whole(bounded):
    doc = BUREAU.replace(GEOCODE, b"<circle>36.800,117.905</circle>")
    with pytest.raises(ValidationError) as refused:
        alerts_import(data=doc, by=None)
    assert "latitude,longitude radius" in " ".join(refused.value.messages)
    doc = BUREAU.replace(GEOCODE, b"<circle>36.800,117.905 0</circle>")
    with pytest.raises(ValidationError):
        alerts_import(data=doc, by=None)
    assert not Alert.objects.exists()


def _home(world, grid, building, number, phone, username, at):
    spot = place(grid, building=building, number=number)
    if at is not None:
        spot.building.longitude, spot.building.latitude = (Decimal(str(n)) for n in at)
        spot.building.save(update_fields=["longitude", "latitude"])
    move_in(spot.household, name=username, phone=phone)
    return world.person(username, Role.RESIDENT, world.a.code, phone=phone)


def test_a_drawn_alert_reaches_the_residents_whose_home_is_inside(
    bounded, django_capture_on_commit_callbacks
):
    inside = _home(bounded, bounded.a1, "1号楼", "101", "13905330011", "inside", (117.867, 36.80))
    ringed = _home(bounded, bounded.a1, "2号楼", "102", "13905330012", "ringed", (117.874, 36.8042))
    outside = _home(bounded, bounded.a1, "3号楼", "103", "13905330013", "outside", (117.872, 36.80))
    unplaced = _home(bounded, bounded.a1, "4号楼", "104", "13905330014", "unplaced", None)
    # resident_a: no number, no registry home: their grant's region (community A) has no
    # boundary to tell, so they are told
    alert = drawn(bounded, polygon=TWO, circles=[CIRCLE])
    names = {u.username for u in residents_of(alert)}
    assert names == {inside.username, ringed.username, unplaced.username, "resident.a"}
    assert outside.username not in names
    with django_capture_on_commit_callbacks(execute=True):
        alert_issue(alert=alert, by=None)
    told = {n.user.username for n in Notification.objects.filter(kind=KIND)}
    assert told == names
    # the whole region: everyone with a resident grant there
    whole = storm_draft(bounded)
    assert {u.username for u in residents_of(whole)} == names | {"outside"}


def test_a_resident_of_an_unplaced_home_is_told_by_their_grids_boundary(bounded):
    spot = place(bounded.b1, building="9号楼", number="901")
    move_in(spot.household, name="赵刚", phone="13905330021")
    far = bounded.person("far", Role.RESIDENT, bounded.b1.code, phone="13905330021")
    alert = drawn(bounded, polygon=WEST)  # over A1 only; B1's boundary is elsewhere
    alert.region = bounded.subdistrict
    assert far not in residents_of(alert)
    alert.circles = [{"longitude": 117.905, "latitude": 36.80, "radius_km": 0.2}]
    assert far in residents_of(alert)
