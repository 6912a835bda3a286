"""The care API: elders in scope, masked answers, patch with bad input refused, the
reveal audited, contacts; outside the region: 404."""

import json

from linli.audit.models import AuditEntry
from linli.care import services
from linli.care.models import ElderProfile, EmergencyContact
from linli.testing.care import elder, profiled
from linli.testing.http import call_api, ok, problem_of
from linli.testing.registry import phone

HEALTH = "阿尔茨海默病早期"


def _patch(client, user, path, body):
    client.force_login(user)
    return client.patch(
        "/api/v1" + path,
        json.dumps(body),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_list_and_detail_are_scoped_and_masked(client, world):
    resident = profiled(elder(world.a1, phone=phone(50)), conditions=HEALTH)
    elder(world.b1, name="周玉珍")
    services.contact_add(
        resident=resident, name="李娜", relation="daughter", phone=phone(51), by=None
    )
    listed = ok(call_api(client, world.worker_a, "get", "/care/elders"))
    assert [e["name"] for e in listed["items"]] == ["王秀英"]
    assert listed["items"][0]["phone"] == "139****0050"
    assert listed["items"][0]["living_situation"] == "alone"
    detail = ok(call_api(client, world.worker_a, "get", f"/care/elders/{resident.pk}"))
    assert detail["contacts"][0]["phone"] == "139****0051"
    assert HEALTH not in json.dumps(detail, ensure_ascii=False)
    problem_of(call_api(client, world.worker_b, "get", f"/care/elders/{resident.pk}"), 404)
    problem_of(call_api(client, world.worker_b, "get", f"/care/elders/{resident.pk}/contacts"), 404)


def test_a_patch_changes_the_profile_and_refuses_bad_input(client, world):
    resident = elder(world.a1)
    path = f"/care/elders/{resident.pk}"
    problem_of(_patch(client, world.worker_a, path, {"conditions": "病" * 501}), 422)
    problem_of(_patch(client, world.worker_a, path, {"allergies": "花粉\u0000"}), 422)
    problem_of(_patch(client, world.worker_a, path, {"living_situation": "hotel"}), 422)
    assert not ElderProfile.objects.exists()
    answer = ok(
        _patch(
            client, world.worker_a, path, {"living_situation": "empty_nest", "conditions": HEALTH}
        )
    )
    assert answer["living_situation"] == "empty_nest" and HEALTH not in json.dumps(
        answer, ensure_ascii=False
    )
    problem_of(_patch(client, world.worker_b, path, {"living_situation": "alone"}), 404)
    assert ElderProfile.objects.get().living_situation == "empty_nest"


def test_the_reveal_is_audited_and_needs_the_permission(client, world):
    resident = profiled(elder(world.a1), conditions=HEALTH)
    path = f"/care/elders/{resident.pk}/reveal"
    answer = ok(
        call_api(
            client, world.worker_a, "post", path, {"field": "conditions", "reason": "上门前核对"}
        )
    )
    assert answer == {"field": "conditions", "value": HEALTH}
    assert AuditEntry.objects.filter(action="pii_reveal").count() == 1
    problem_of(
        call_api(
            client,
            world.grid_worker_a1,
            "post",
            path,
            {"field": "conditions", "reason": "上门前核对"},
        ),
        403,
    )
    problem_of(
        call_api(
            client, world.worker_b, "post", path, {"field": "conditions", "reason": "上门前核对"}
        ),
        404,
    )


def test_contacts_are_added_with_a_real_phone_and_removed_in_scope(client, world):
    resident = elder(world.a1)
    path = f"/care/elders/{resident.pk}/contacts"
    problem = problem_of(
        call_api(
            client,
            world.worker_a,
            "post",
            path,
            {"name": "李娜", "relation": "daughter", "phone": "12"},
        ),
        422,
    )
    assert problem["errors"][0]["field"] == "phone"
    assert not EmergencyContact.objects.exists()
    made = ok(
        call_api(
            client,
            world.worker_a,
            "post",
            path,
            {"name": "李娜", "relation": "daughter", "phone": phone(52)},
        ),
        201,
    )
    assert made["phone"] == "139****0052"
    client.force_login(world.worker_b)
    assert client.delete(f"/api/v1/care/contacts/{made['id']}").status_code == 404
    client.force_login(world.worker_a)
    assert client.delete(f"/api/v1/care/contacts/{made['id']}").status_code == 204
    assert not EmergencyContact.objects.exists()


def test_the_list_pins_its_queries(client, world, django_assert_max_num_queries):
    for n in range(5):
        profiled(elder(world.a1, name=f"王{n}英", number=f"40{n}"))
    client.force_login(world.worker_a)
    with django_assert_max_num_queries(8):
        ok(client.get("/api/v1/care/elders"))
