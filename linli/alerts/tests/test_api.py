"""The alerts API: every operation, refusals as problems, nothing of other regions."""

import json
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.alerts.models import Alert, Place
from linli.alerts.tests.conftest import cap_document
from linli.testing.http import API, EN, call_api, error_messages, ok, problem_of

pytestmark = pytest.mark.django_db


def body(world, shelter, **more):
    return {
        "region": world.a.code,
        "area_desc": "车站社区",
        "category": "Met",
        "urgency": "Expected",
        "severity": "Moderate",
        "certainty": "Likely",
        "expires": (timezone.now() + timedelta(hours=6)).isoformat(),
        "zh": {"event": "暴雨黄色预警", "headline": "车站社区暴雨黄色预警", "instruction": "避险"},
        "en": {"event": "Rainstorm", "headline": "Rainstorm warning"},
        "places": [shelter.pk],
    } | more


def put(client, user, path, payload):
    client.force_login(user)
    return client.put(API + path, json.dumps(payload), content_type="application/json", **EN)


def test_an_alert_through_its_life(world, client, shelter):
    admin = world.subdistrict_admin
    made = ok(call_api(client, admin, "post", "/alerts", body(world, shelter)), 201)
    assert made["state"] == "draft" and made["places"][0]["name"] == "车站广场避难场所"
    assert [t["language"] for t in made["texts"]] == ["zh-CN", "en-US"]
    pk = made["id"]
    edited = ok(put(client, admin, f"/alerts/{pk}", body(world, shelter, severity="Severe")))
    assert edited["severity"] == "Severe"
    issued = ok(call_api(client, admin, "post", f"/alerts/{pk}/issue"))
    assert issued["state"] == "issued" and issued["sent"]
    problem = problem_of(put(client, admin, f"/alerts/{pk}", body(world, shelter)), 422)
    assert "update instead" in json.dumps(problem)
    update = ok(
        call_api(client, admin, "post", f"/alerts/{pk}/update", body(world, shelter, note="升级")),
        201,
    )
    assert update["msg_type"] == "Update" and update["replaces"] == pk
    assert update["references"].startswith(f"{issued['sender']},{issued['identifier']},")
    active = ok(call_api(client, admin, "get", "/alerts/active", region=world.a1.code))
    assert [a["id"] for a in active] == [update["id"]]
    cancel = ok(
        call_api(client, admin, "post", f"/alerts/{update['id']}/cancel", {"note": "结束"}), 201
    )
    assert cancel["msg_type"] == "Cancel"
    assert ok(call_api(client, admin, "get", "/alerts/active", region=world.a1.code)) == []
    listed = ok(call_api(client, admin, "get", "/alerts"))
    assert listed["count"] == 3
    assert ok(call_api(client, admin, "get", "/alerts", state="superseded"))["count"] == 1


def test_import_through_the_api(world, client):
    client.force_login(world.district_admin)
    bad = cap_document("zhoucun-rainstorm.xml").replace(b"<status>Actual", b"<status>Real")
    answer = client.post(
        API + "/alerts/import", {"document": SimpleUploadedFile("a.xml", bad)}, **EN
    )
    problem = problem_of(answer, 422)
    assert any(
        "alert/status" in m for m in error_messages(problem)
    ) or "alert/status" in json.dumps(problem, ensure_ascii=False)
    good = cap_document("zhoucun-rainstorm.xml")
    made = ok(
        client.post(API + "/alerts/import", {"document": SimpleUploadedFile("a.xml", good)}, **EN),
        201,
    )
    assert made["known"] == 0 and made["created"][0]["region"] == world.district.code
    again = ok(
        client.post(API + "/alerts/import", {"document": SimpleUploadedFile("a.xml", good)}, **EN),
        201,
    )
    assert again == {"created": [], "known": 1}


def test_places_and_refusals(world, client, shelter, draft):
    place = {
        "region": world.a.code,
        "name": "新广场",
        "kind": "shelter",
        "address": "新路1号",
        "capacity": 500,
        "longitude": 117.87,
        "latitude": 36.8,
    }
    made = ok(call_api(client, world.subdistrict_admin, "post", "/places", place), 201)
    assert made["region"] == world.a.code
    problem = problem_of(
        call_api(client, world.other_subdistrict_admin, "post", "/places", place), 422
    )
    assert "region" in json.dumps(problem)
    names = [p["name"] for p in ok(call_api(client, world.worker_b, "get", "/places"))["items"]]
    assert names == []
    assert call_api(client, world.worker_b, "get", f"/alerts/{draft.pk}").status_code == 404
    assert (
        call_api(
            client, world.other_subdistrict_admin, "post", f"/alerts/{draft.pk}/issue"
        ).status_code
        == 404
    )
    other = body(world, shelter, places=[999999])
    assert problem_of(call_api(client, world.subdistrict_admin, "post", "/alerts", other), 422)
    assert Place.objects.count() == 2 and Alert.objects.count() == 1
    assert call_api(client, world.worker_a, "get", "/alerts/active").status_code == 422
