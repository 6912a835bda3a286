"""The notices API: the workflow end to end, bad input as problems, readers, 404
outside."""

import pytest

from linli.notices.models import Notice
from linli.notices.tests.support import disguised, jpeg, pdf, published
from linli.testing.http import EN, PROBLEM, call_api, error_messages, ok, problem_of

pytestmark = pytest.mark.django_db

NEW = {
    "region_code": "370306001001",
    "title": "停水通知",
    "body": "<p>明日停水</p><script>alert(1)</script>",
    "topic": "community",
}


def test_a_notice_is_written_approved_and_read(client, world, homes):
    made = ok(call_api(client, world.worker_a, "post", "/notices", NEW), 201)
    assert made["state"] == "draft" and made["body"] == "<p>明日停水</p>"
    assert made["log"][0]["to_state"] == "draft"
    client.force_login(world.worker_a)
    added = client.post(f"/api/v1/notices/{made['id']}/images", {"files": [jpeg()]}, **EN)
    assert ok(added, 201)[0]["content_type"] == "image/jpeg"
    refused = client.post(
        f"/api/v1/notices/{made['id']}/attachments", {"files": [pdf(), disguised()]}, **EN
    )
    assert "PDF, Word" in " ".join(error_messages(problem_of(refused, 422)))
    assert Notice.objects.get().attachments.count() == 0  # the good one is not kept either
    ok(call_api(client, world.worker_a, "post", f"/notices/{made['id']}/submit"))
    approved = ok(
        call_api(client, world.subdistrict_admin, "post", f"/notices/{made['id']}/approve")
    )
    assert approved["state"] == "published"
    mine = ok(call_api(client, world.resident_a, "get", "/my-notices"))
    assert [(n["title"], n["unread"]) for n in mine["items"]] == [("停水通知", True)]
    ok(call_api(client, world.resident_a, "post", f"/my-notices/{made['id']}/read"))
    receipts = ok(call_api(client, world.worker_a, "get", f"/notices/{made['id']}/receipts"))
    assert (receipts["total"], receipts["read"]) == (3, 1)


def test_bad_input_gets_clear_problems(client, world):
    wrong = problem_of(
        call_api(client, world.worker_a, "post", "/notices", {**NEW, "topic": "x"}), 422
    )
    assert "Unknown topic x." in error_messages(wrong)
    grid = problem_of(
        call_api(
            client, world.worker_a, "post", "/notices", {**NEW, "region_code": "370306001001001"}
        ),
        422,
    )
    assert grid["type"] and grid["status"] == 422
    made = ok(call_api(client, world.worker_a, "post", "/notices", NEW), 201)
    conflict = call_api(client, world.subdistrict_admin, "post", f"/notices/{made['id']}/approve")
    assert conflict.status_code == 409 and conflict["Content-Type"] == PROBLEM
    assert "Draft" in conflict.json()["detail"]


def test_outsiders_get_404(client, world, homes):
    notice = published(world, title="车站停水")
    assert call_api(client, world.worker_b, "get", f"/notices/{notice.pk}").status_code == 404
    assert (
        call_api(client, world.worker_b, "get", f"/notices/{notice.pk}/receipts").status_code == 404
    )
    assert ok(call_api(client, world.worker_b, "get", "/notices"))["count"] == 0
    assert ok(call_api(client, world.worker_b, "get", "/my-notices"))["count"] == 0
    read = call_api(client, world.worker_b, "post", f"/my-notices/{notice.pk}/read")
    assert read.status_code == 404


def test_topics_are_configured_and_followed(client, world):
    made = ok(
        call_api(
            client, world.district_admin, "post", "/notice-topics", {"code": "fire", "name": "消防"}
        ),
        201,
    )
    assert (
        call_api(
            client, world.worker_a, "post", "/notice-topics", {"code": "x", "name": "X"}
        ).status_code
        == 403
    )
    client.force_login(world.resident_a)
    answer = client.put(
        "/api/v1/my-topics",
        '{"topics": ["fire", "weather"]}',
        content_type="application/json",
        **EN,
    )
    assert sorted(t["name"] for t in ok(answer)) == ["天气", "消防"]
    assert made["active"]
