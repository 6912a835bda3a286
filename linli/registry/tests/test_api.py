"""The registry API, /api/v1/registry/…: scoping, masking, problems, query counts."""

import json
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.core.crypto import blind_index
from linli.notifications.models import Notification
from linli.registry import services
from linli.registry.choices import Relation
from linli.registry.models import Building, House, Household, Organisation, Resident
from linli.testing import registry as support
from linli.testing.http import EN, PROBLEM
from linli.testing.registry import aged, move_in

API = "/api/v1/registry"
PHONE = "13805335678"


@pytest.fixture
def a(world):
    """Community A: a head (ID number and phone known) and a child; plus B's resident."""
    home = support.place(world.a1)
    number = support.id_number(date(1966, 3, 8), "male")
    head = move_in(home.household, name="张建国", id_number=number, phone=PHONE, born=aged(60))
    child = move_in(home.household, name="张小明", born=aged(12), relation=Relation.CHILD)
    b_home = support.place(world.b1)
    b_number = support.id_number(date(1970, 1, 1), "female")
    stranger = move_in(b_home.household, name="周芳", id_number=b_number, phone="13905330005")
    return SimpleNamespace(
        home=home,
        head=head,
        child=child,
        b_home=b_home,
        stranger=stranger,
        plaintext=[number, PHONE, b_number, "13905330005"],
    )


@pytest.fixture
def api(client, a):
    """Calls the API as a user; every answer is checked for plaintext personal data,
    except the body of a successful reveal, which is the point of it."""

    def call(user, method, path, body=None, reveal=False, **params):
        if user is not None:
            client.force_login(user)
        if method == "get":
            response = client.get(API + path, params, **EN)
        else:
            response = getattr(client, method)(
                API + path,
                json.dumps(body if body is not None else {}),
                content_type="application/json",
                **EN,
            )
        if not (reveal and response.status_code == 200):
            text = response.content.decode()
            leaked = [p for p in a.plaintext if p in text]
            assert not leaked, f"{method.upper()} {path} shows {leaked}"
        return response

    return call


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.content
    return response.json()


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


# --- list and detail ------------------------------------------------------------------


def test_the_resident_list_is_paginated_and_masked(world, a, api):
    body = ok(api(world.worker_a, "get", "/residents"))

    assert (body["count"], body["page"], body["page_size"]) == (2, 1, 50)
    head = next(item for item in body["items"] if item["id"] == a.head.pk)
    assert head == {
        "id": a.head.pk,
        "name": "张建国",
        "sex": "male",
        "birth_date": a.head.birth_date.isoformat(),
        "id_number": f"370306********{a.head.id_number[-4:]}",
        "phone": "138****5678",
        "status": "living",
        "residence_type": "registered_here",
        "relation": "head",
        "household_id": a.home.household.pk,
        "address": "正阳路8号 1号楼 1-101",
        "grid_code": world.a1.code,
        "labels": ["60岁以上老人"],
    }
    child = next(item for item in body["items"] if item["id"] == a.child.pk)
    assert child["phone"] == ""


def test_the_list_shows_only_the_callers_regions(world, a, api):
    names = {i["name"] for i in ok(api(world.worker_b, "get", "/residents"))["items"]}
    assert names == {"周芳"}

    names = {i["name"] for i in ok(api(world.subdistrict_admin, "get", "/residents"))["items"]}
    assert names == {"张建国", "张小明", "周芳"}

    assert ok(api(world.other_subdistrict_admin, "get", "/residents"))["count"] == 0


def test_the_list_takes_the_shared_filters(world, a, api):
    def found(**params):
        body = ok(api(world.subdistrict_admin, "get", "/residents", **params))
        return sorted(item["name"] for item in body["items"])

    assert found(q="张") == ["张小明", "张建国"]
    assert found(label="elderly") == ["张建国"]
    assert found(age_max=17) == ["张小明"]
    assert found(region=world.b.code) == ["周芳"]
    assert found(address="正阳路8") == ["周芳", "张小明", "张建国"]


def test_empty_parameters_are_no_filter(world, a, api):
    """The search form sends every field, the empty ones as `name=` (the label's "—"):
    an empty value filters nothing (issue 12: `?label=` found no one)."""
    empty = "/residents?q=&label=&address=&age_min=&age_max=&residence_type=&region="
    body = ok(api(world.subdistrict_admin, "get", empty))

    assert sorted(item["name"] for item in body["items"]) == ["周芳", "张小明", "张建国"]
    assert ok(api(world.subdistrict_admin, "get", "/residents?q=张&label="))["count"] == 2


def test_search_finds_by_id_or_phone_number_given_in_the_body(world, a, api):
    def found(**body):
        answer = ok(api(world.subdistrict_admin, "post", "/residents/search", body))
        return sorted(item["name"] for item in answer["items"])

    assert found(id_number=a.head.id_number.lower()) == ["张建国"]
    assert found(phone=PHONE) == ["张建国"]
    assert found(phone=PHONE, q="李") == []
    assert found(q="张", label=["elderly"]) == ["张建国"]
    assert found(id_number=a.stranger.id_number) == ["周芳"]
    assert (
        ok(api(world.worker_a, "post", "/residents/search", {"phone": "13905330005"}))["count"] == 0
    ), "周芳 is outside worker A's community"


def test_search_refuses_a_malformed_body(world, a, api):
    answer = ok(api(world.worker_a, "post", "/residents/search", {"id_number": "1" * 19}), 422)

    assert [e["field"] for e in answer["errors"]] == ["body.filters.id_number"]


@pytest.mark.parametrize("path", ["/residents", "/residents/export"])
def test_numbers_in_the_query_string_are_refused(world, a, api, path):
    answer = ok(api(world.subdistrict_admin, "get", path, id_number=a.head.id_number), 422)

    assert [e["field"] for e in answer["errors"]] == ["id_number"]
    assert "POST /api/v1/registry/residents/search" in answer["errors"][0]["message"]


def test_the_list_takes_blind_indexes_in_the_query_string(world, a, api):
    index = blind_index(a.head.id_number, Resident.ID_NUMBER_CONTEXT)
    body = ok(api(world.subdistrict_admin, "get", "/residents", id_index=index))

    assert [item["name"] for item in body["items"]] == ["张建国"]


def test_several_labels_must_all_match(world, a, api):
    services.resident_set_labels(resident=a.child, codes=["disabled"], by=None)
    services.resident_set_labels(resident=a.head, codes=["disabled"], by=None)

    body = ok(api(world.worker_a, "get", "/residents?label=disabled&label=elderly"))
    assert [item["name"] for item in body["items"]] == ["张建国"]


def test_the_list_pages(world, a, api):
    body = ok(api(world.subdistrict_admin, "get", "/residents", page=2, page_size=2))

    assert (body["count"], len(body["items"]), body["page"]) == (3, 1, 2)


def test_an_invalid_filter_is_a_problem(world, a, api):
    body = problem(api(world.worker_a, "get", "/residents", age_min=-3), 422)
    assert body["errors"][0]["field"] == "query.age_min"

    problem(api(world.worker_a, "get", "/residents", page_size=1000), 422)


def test_the_list_needs_a_signed_in_user_with_registry_view(world, a, api, client):
    client.logout()
    problem(api(None, "get", "/residents"), 401)
    problem(api(world.resident_a, "get", "/residents"), 403)


def test_the_detail_has_the_extra_fields_and_is_masked(world, a, api):
    body = ok(api(world.worker_a, "get", f"/residents/{a.head.pk}"))

    assert body["id_number"] == f"370306********{a.head.id_number[-4:]}"
    assert body["phone"] == "138****5678"
    assert body["ethnicity"] == "汉族"
    assert body["political_status"] == "masses"
    assert body["moved_in_on"] == timezone.localdate().isoformat()
    assert (body["moved_out_on"], body["died_on"]) == (None, None)


def test_a_resident_out_of_scope_is_not_found(world, a, api):
    problem(api(world.worker_a, "get", f"/residents/{a.stranger.pk}"), 404)
    problem(api(world.worker_a, "get", "/residents/999999"), 404)


def test_the_detail_also_shows_people_who_moved_out(world, a, api):
    services.resident_move_out(resident=a.child, on=timezone.localdate(), by=None)

    assert ok(api(world.worker_a, "get", f"/residents/{a.child.pk}"))["status"] == "moved_out"


# --- reveal -----------------------------------------------------------------------------


def test_reveal_answers_the_value_and_audits_it(world, a, api):
    response = api(
        world.worker_a,
        "post",
        f"/residents/{a.head.pk}/reveal",
        {"field": "id_number", "reason": "上门核实身份"},
        reveal=True,
    )

    assert ok(response) == {"field": "id_number", "value": a.head.id_number}
    (entry,) = AuditEntry.objects.filter(action="pii_reveal")
    assert (entry.actor, entry.object_id) == (world.worker_a, str(a.head.pk))
    assert entry.details == {"field": "id_number", "reason": "上门核实身份"}
    assert entry.ip_address == "127.0.0.1"
    assert a.head.id_number not in json.dumps(entry.details) + entry.object_label


def test_reveal_of_the_phone(world, a, api):
    response = api(
        world.subdistrict_admin,
        "post",
        f"/residents/{a.head.pk}/reveal",
        {"field": "phone", "reason": "电话回访"},
        reveal=True,
    )

    assert ok(response)["value"] == PHONE


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"field": "id_number"}, "body.payload.reason"),
        ({"field": "id_number", "reason": ""}, "body.payload.reason"),
        ({"field": "name", "reason": "核实身份"}, "body.payload.field"),
        ({"field": "id_number", "reason": "看"}, "body.payload.reason"),
        ({"field": "id_number", "reason": "    "}, "reason"),
    ],
)
def test_reveal_without_a_valid_reason_is_a_422_problem(world, a, api, body, field):
    answer = problem(api(world.worker_a, "post", f"/residents/{a.head.pk}/reveal", body), 422)

    assert field in [e["field"] for e in answer["errors"]]
    assert not AuditEntry.objects.filter(action="pii_reveal").exists()


def test_reveal_by_a_grid_worker_is_forbidden(world, a, api):
    body = {"field": "phone", "reason": "电话回访"}

    problem(api(world.grid_worker_a1, "post", f"/residents/{a.head.pk}/reveal", body), 403)
    assert not AuditEntry.objects.filter(action="pii_reveal").exists()


def test_reveal_out_of_scope_is_not_found(world, a, api):
    body = {"field": "phone", "reason": "电话回访"}

    problem(api(world.worker_a, "post", f"/residents/{a.stranger.pk}/reveal", body), 404)
    assert not AuditEntry.objects.filter(action="pii_reveal").exists()


# --- changes ------------------------------------------------------------------------------


def test_move_in_answers_201_with_the_masked_resident(world, a, api):
    number = support.id_number(date(1990, 4, 5), "female")
    body = {"name": "李梅", "id_number": number, "phone": "13905330077", "relation": "spouse"}
    a.plaintext += [number, "13905330077"]

    answer = ok(
        api(world.worker_a, "post", f"/households/{a.home.household.pk}/residents", body), 201
    )

    assert answer["name"] == "李梅"
    assert (answer["sex"], answer["birth_date"]) == ("female", "1990-04-05")
    assert answer["id_number"] == f"370306********{number[-4:]}"
    assert answer["phone"] == "139****0077"
    resident = Resident.objects.get(pk=answer["id"])
    assert (resident.id_number, resident.phone) == (number, "13905330077")


def test_move_in_with_an_invalid_id_number_is_a_422_by_field_and_saves_nothing(world, a, api):
    before = support.state()
    body = {"name": "李梅", "id_number": "370306199002301234", "relation": "spouse", "phone": "1"}

    answer = problem(
        api(world.worker_a, "post", f"/households/{a.home.household.pk}/residents", body), 422
    )

    assert answer["title"] == "The request is not valid."
    assert {e["field"] for e in answer["errors"]} == {"id_number", "phone"}
    assert support.state() == before


def test_move_in_of_a_duplicate_is_a_422_with_a_clear_message(world, a, api):
    body = {"name": "冒名", "id_number": a.head.id_number.lower(), "relation": "other"}

    answer = problem(
        api(world.worker_a, "post", f"/households/{a.home.household.pk}/residents", body), 422
    )

    assert answer["detail"] == (
        "张建国 already lives in the district with this ID number: move them instead of "
        "registering them again."
    )
    assert answer["errors"] == [{"field": "id_number", "message": answer["detail"]}]


def test_an_id_number_of_another_community_says_not_where_and_is_told(world, a, api):
    """Issue 12: 市南's worker learnt from the 422 that a 车站 resident lives in the
    district (and who). Now: not who, not where; audited, and the other community told."""
    body = {"name": "冒名", "id_number": a.stranger.id_number, "relation": "other"}

    answer = problem(
        api(world.worker_a, "post", f"/households/{a.home.household.pk}/residents", body), 422
    )

    assert answer["detail"].startswith("A person with this ID number is registered in another")
    assert "周芳" not in json.dumps(answer, ensure_ascii=False)
    entry = AuditEntry.objects.get(action="id_number_elsewhere")
    assert (entry.actor, entry.object_id, entry.region) == (
        world.worker_a,
        str(a.stranger.pk),
        world.b1,
    )
    assert "周" in entry.object_label and "周芳" not in entry.object_label
    assert not AuditEntry.objects.visible_to(world.worker_a).filter(pk=entry.pk).exists()
    told = Notification.objects.get(kind="registry-elsewhere")
    assert told.user == world.worker_b and told.url == f"/registry/residents/{a.stranger.pk}/"
    assert "张丽" in told.body and "周芳" not in told.body + told.title
    assert Resident.objects.filter(name="冒名").count() == 0


def test_move_in_with_a_contradicting_birth_date_names_the_field(world, a, api):
    number = support.id_number(date(1990, 4, 5), "female")
    body = {"name": "李梅", "id_number": number, "birth_date": "1990-04-06", "relation": "spouse"}

    answer = problem(
        api(world.worker_a, "post", f"/households/{a.home.household.pk}/residents", body), 422
    )
    assert answer["errors"] == [
        {
            "field": "birth_date",
            "message": "The birth date does not match the ID number, which says 1990-04-05.",
        }
    ]


def test_move_in_elsewhere_is_not_found(world, a, api):
    body = {"name": "李梅", "id_number": support.id_number(), "relation": "spouse"}

    problem(
        api(world.worker_a, "post", f"/households/{a.b_home.household.pk}/residents", body), 404
    )
    problem(api(world.auditor, "post", f"/households/{a.home.household.pk}/residents", body), 403)


def test_patch_changes_only_what_is_sent(world, a, api):
    answer = ok(
        api(
            world.grid_worker_a1,
            "patch",
            f"/residents/{a.head.pk}",
            {"phone": "13905330099", "political_status": "cpc_member"},
        )
    )
    a.plaintext.append("13905330099")

    assert answer["phone"] == "139****0099"
    assert "党员" in answer["labels"]
    a.head.refresh_from_db()
    assert (a.head.name, a.head.phone) == ("张建国", "13905330099")


def test_patch_cannot_change_the_id_number(world, a, api):
    number = support.id_number()
    api(world.worker_a, "patch", f"/residents/{a.head.pk}", {"id_number": number})

    a.head.refresh_from_db()
    assert a.head.id_number != number


def test_patch_errors_are_422_problems(world, a, api):
    answer = problem(api(world.worker_a, "patch", f"/residents/{a.head.pk}", {"phone": "123"}), 422)
    assert answer["errors"][0]["field"] == "phone"

    problem(api(world.worker_a, "patch", f"/residents/{a.head.pk}", {"relation": "boss"}), 422)
    problem(api(world.worker_a, "patch", f"/residents/{a.stranger.pk}", {"name": "改"}), 404)


def test_move_out_then_again(world, a, api):
    today = timezone.localdate().isoformat()

    answer = ok(api(world.worker_a, "post", f"/residents/{a.child.pk}/move-out", {"on": today}))
    assert (answer["status"], answer["moved_out_on"]) == ("moved_out", today)

    again = problem(
        api(world.worker_a, "post", f"/residents/{a.child.pk}/move-out", {"on": today}), 422
    )
    assert again["detail"] == "张小明 has already moved out."


def test_move_out_in_the_future_is_refused(world, a, api):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    answer = problem(
        api(world.worker_a, "post", f"/residents/{a.child.pk}/move-out", {"on": tomorrow}), 422
    )
    assert answer["errors"] == [
        {"field": "moved_out_on", "message": "The date cannot be in the future."}
    ]


def test_move_out_before_the_move_in_is_refused(world, a, api):
    moved_in = a.child.moved_in_on
    before = (moved_in - timedelta(days=1)).isoformat()

    answer = problem(
        api(world.worker_a, "post", f"/residents/{a.child.pk}/move-out", {"on": before}), 422
    )
    assert answer["errors"] == [
        {
            "field": "moved_out_on",
            "message": f"The date cannot be before the move-in ({moved_in.isoformat()}).",
        }
    ]
    a.child.refresh_from_db()
    assert a.child.moved_out_on is None


def test_recording_a_death(world, a, api):
    today = timezone.localdate().isoformat()

    answer = ok(
        api(world.worker_a, "post", f"/residents/{a.head.pk}/death", {"on": today, "note": "病故"})
    )

    assert (answer["status"], answer["died_on"]) == ("deceased", today)
    household = ok(api(world.worker_a, "get", f"/households/{a.home.household.pk}"))
    assert household["head"] is None


def test_move_within_the_district(world, a, api):
    target = support.place(world.a1, number="102").household

    answer = ok(
        api(world.worker_a, "post", f"/residents/{a.child.pk}/move", {"household_id": target.pk})
    )
    assert answer["household_id"] == target.pk

    problem(
        api(
            world.worker_a,
            "post",
            f"/residents/{a.child.pk}/move",
            {"household_id": a.b_home.household.pk},
        ),
        404,
    )


def test_labels_are_put_as_a_whole(world, a, api):
    answer = ok(
        api(
            world.worker_a, "put", f"/residents/{a.head.pk}/labels", {"codes": ["veteran", "dibao"]}
        )
    )
    assert answer["labels"] == ["60岁以上老人", "退役军人", "低保"]

    refused = problem(
        api(world.worker_a, "put", f"/residents/{a.head.pk}/labels", {"codes": ["elderly"]}), 422
    )
    assert refused["detail"] == (
        "These labels follow from the data and cannot be set by hand: elderly."
    )


def test_the_label_list(world, a, api):
    body = ok(api(world.grid_worker_a1, "get", "/labels"))

    assert body["count"] == 11
    assert body["items"][0] == {"code": "elderly", "name": "60岁以上老人", "derived": True}


def test_the_history_of_a_resident(world, a, api):
    api(world.worker_a, "patch", f"/residents/{a.head.pk}", {"phone": "13905330098"})
    a.plaintext.append("13905330098")

    body = ok(api(world.worker_a, "get", f"/residents/{a.head.pk}/history"))

    assert [item["kind"] for item in body["items"]] == ["update", "move_in"]
    assert body["items"][0]["fields"] == ["phone"]
    assert body["items"][0]["actor"] == "worker.a"
    assert body["items"][1]["actor"] is None
    problem(api(world.worker_a, "get", f"/residents/{a.stranger.pk}/history"), 404)


# --- households ------------------------------------------------------------------------


def test_the_household_list(world, a, api):
    body = ok(api(world.worker_a, "get", "/households"))

    assert body["items"] == [
        {
            "id": a.home.household.pk,
            "kind": "registered",
            "number": "",
            "address": "正阳路8号 1号楼 1-101",
            "head": "张建国",
            "living": 2,
            "verified_at": None,
            "grid_code": world.a1.code,
        }
    ]


def test_stale_days_lists_households_not_verified_for_that_long_oldest_first(world, a, api):
    now = timezone.now()
    fresh, old, older = (support.place(world.a1, number=n).household for n in ("201", "202", "203"))
    Household.objects.filter(pk=fresh.pk).update(verified_at=now - timedelta(days=5))
    Household.objects.filter(pk=old.pk).update(verified_at=now - timedelta(days=40))
    Household.objects.filter(pk=older.pk).update(verified_at=now - timedelta(days=400))

    body = ok(api(world.worker_a, "get", "/households", stale_days=30))

    assert [item["id"] for item in body["items"]] == [a.home.household.pk, older.pk, old.pk]

    ok(api(world.worker_a, "post", f"/households/{a.home.household.pk}/verify"))
    body = ok(api(world.worker_a, "get", "/households", stale_days=30))
    assert [item["id"] for item in body["items"]] == [older.pk, old.pk]


def test_dissolved_households_are_not_listed_nor_acted_on_but_still_readable(world, a, api):
    other = support.place(world.a1, number="102").household
    services.household_merge(source=other, target=a.home.household, by=None)

    assert [item["id"] for item in ok(api(world.worker_a, "get", "/households"))["items"]] == [
        a.home.household.pk
    ]
    assert ok(api(world.worker_a, "get", f"/households/{other.pk}"))["members"] == []
    body = {"name": "李梅", "id_number": support.id_number(), "relation": "head"}
    problem(api(world.worker_a, "post", f"/households/{other.pk}/residents", body), 404)
    problem(api(world.worker_a, "post", f"/households/{other.pk}/verify"), 404)


def test_the_household_detail_lists_all_members_masked(world, a, api):
    services.resident_move_out(resident=a.child, on=timezone.localdate(), by=None)

    body = ok(api(world.worker_a, "get", f"/households/{a.home.household.pk}"))

    assert body["living"] == 1
    assert [(m["name"], m["status"]) for m in body["members"]] == [
        ("张建国", "living"),
        ("张小明", "moved_out"),
    ]
    assert body["members"][0]["id_number"].count("*") == 8
    problem(api(world.worker_a, "get", f"/households/{a.b_home.household.pk}"), 404)


def test_creating_a_household_in_a_house(world, a, api):
    answer = ok(
        api(
            world.worker_a,
            "post",
            f"/houses/{a.home.house.pk}/households",
            {"kind": "floating", "number": "F-01"},
        ),
        201,
    )

    assert (answer["kind"], answer["number"], answer["living"]) == ("floating", "F-01", 0)
    problem(api(world.worker_a, "post", f"/houses/{a.b_home.house.pk}/households", {}), 404)


def test_splitting_and_merging_households(world, a, api):
    flat = services.house_create(building=a.home.building, floor=2, number="201", by=None)

    new = ok(
        api(
            world.worker_a,
            "post",
            f"/households/{a.home.household.pk}/split",
            {"member_ids": [a.child.pk], "head_id": a.child.pk, "house_id": flat.pk},
        ),
        201,
    )
    assert (new["head"], [m["name"] for m in new["members"]]) == ("张小明", ["张小明"])
    assert new["address"] == "正阳路8号 1号楼 1-201"

    merged = ok(
        api(
            world.worker_a,
            "post",
            f"/households/{new['id']}/merge",
            {"into_household_id": a.home.household.pk},
        )
    )
    assert merged["id"] == a.home.household.pk
    assert {m["name"] for m in merged["members"]} == {"张建国", "张小明"}
    assert Household.objects.get(pk=new["id"]).dissolved_at is not None


def test_split_refusals_are_problems(world, a, api):
    answer = problem(
        api(
            world.worker_a,
            "post",
            f"/households/{a.home.household.pk}/split",
            {
                "member_ids": [a.child.pk, a.head.pk],
                "head_id": a.child.pk,
                "house_id": a.home.house.pk,
            },
        ),
        422,
    )
    assert answer["detail"] == "At least one member must stay in the old household."

    problem(
        api(
            world.worker_a,
            "post",
            f"/households/{a.home.household.pk}/split",
            {"member_ids": [a.child.pk], "head_id": a.child.pk, "house_id": a.b_home.house.pk},
        ),
        404,
    )
    problem(
        api(
            world.worker_a,
            "post",
            f"/households/{a.home.household.pk}/merge",
            {"into_household_id": a.b_home.household.pk},
        ),
        404,
    )


# --- buildings, houses, organisations ------------------------------------------------


def test_buildings_list_and_create(world, a, api):
    answer = ok(
        api(
            world.worker_a,
            "post",
            "/buildings",
            {
                "grid_code": world.a1.code,
                "name": "5号楼",
                "address": "丝绸路5号",
                "floors": 11,
                "units": 2,
                "longitude": "117.870123",
                "latitude": "36.800456",
            },
        ),
        201,
    )
    assert (answer["name"], answer["grid_code"], answer["longitude"]) == (
        "5号楼",
        world.a1.code,
        "117.870123",
    )

    body = ok(api(world.worker_a, "get", "/buildings"))
    assert [b["name"] for b in body["items"]] == ["1号楼", "5号楼"]
    assert [b["name"] for b in ok(api(world.worker_a, "get", "/buildings", q="丝绸"))["items"]] == [
        "5号楼"
    ]
    assert ok(api(world.worker_b, "get", "/buildings"))["count"] == 1


def test_building_create_problems(world, a, api):
    body = {"grid_code": world.b1.code, "name": "X", "address": "x", "floors": 3}
    problem(api(world.worker_a, "post", "/buildings", body), 404)
    problem(api(world.worker_a, "post", "/buildings", {**body, "grid_code": world.a.code}), 422)
    problem(api(world.worker_a, "post", "/buildings", {**body, "floors": 0}), 422)
    dup = problem(
        api(
            world.worker_a,
            "post",
            "/buildings",
            {**body, "grid_code": world.a1.code, "name": "1号楼"},
        ),
        422,
    )
    assert dup["detail"] == "This grid already has a building with this name."
    assert Building.objects.count() == 2


def test_houses_list_and_create(world, a, api):
    building = a.home.building
    answer = ok(
        api(
            world.worker_a,
            "post",
            f"/buildings/{building.pk}/houses",
            {"unit": 1, "floor": 3, "number": "301", "area": "89.50", "use": "rented"},
        ),
        201,
    )
    assert (answer["number"], answer["area"], answer["use"]) == ("301", "89.50", "rented")

    body = ok(api(world.worker_a, "get", f"/buildings/{building.pk}/houses"))
    assert [h["number"] for h in body["items"]] == ["101", "301"]
    problem(api(world.worker_a, "get", f"/buildings/{a.b_home.building.pk}/houses"), 404)
    problem(
        api(
            world.worker_a,
            "post",
            f"/buildings/{a.b_home.building.pk}/houses",
            {"floor": 1, "number": "1"},
        ),
        404,
    )
    assert House.objects.count() == 3


def test_organisations_list_and_create(world, a, api):
    body = {
        "grid_code": world.a1.code,
        "name": "车站便利店",
        "kind": "shop",
        "address": "正阳路1号",
        "credit_code": "91370306MA3C1234XY",
        "contact_name": "孙强",
        "contact_phone": "0533-6123456",
    }
    answer = ok(api(world.worker_a, "post", "/organisations", body), 201)
    assert answer["credit_code"] == "91370306MA3C1234XY"
    assert "contact_phone" not in answer

    dup = problem(api(world.worker_a, "post", "/organisations", {**body, "name": "另一家"}), 422)
    assert dup["detail"] == "An organisation with this credit code exists."
    problem(
        api(
            world.worker_a, "post", "/organisations", {**body, "credit_code": "91370306MA3C1234XI"}
        ),
        422,
    )
    problem(
        api(world.worker_a, "post", "/organisations", {**body, "grid_code": world.b1.code}), 404
    )

    assert [o["name"] for o in ok(api(world.worker_a, "get", "/organisations"))["items"]] == [
        "车站便利店"
    ]
    assert ok(api(world.worker_a, "get", "/organisations", q="超市"))["count"] == 0
    assert ok(api(world.worker_b, "get", "/organisations"))["count"] == 0
    assert Organisation.objects.count() == 1


# --- query counts ------------------------------------------------------------------------


def populate(grid, households: int, start: int = 0) -> None:
    """`households` households of three (elderly head, spouse, child with labels), half
    of them verified, and a shop for each."""
    for n in range(start, start + households):
        home = support.place(grid, building=f"{n // 10 + 1}号楼", number=f"{n + 1}01")
        move_in(home.household, name=f"甲{n}", born=aged(61 + n % 20), phone=support.phone(n))
        move_in(home.household, name=f"乙{n}", born=aged(58), sex="female", relation="spouse")
        child = move_in(home.household, name=f"丙{n}", born=aged(20), relation="child")
        services.resident_set_labels(resident=child, codes=["disabled", "veteran"], by=None)
        if n % 2:
            services.household_verify(household=home.household, by=None)
        services.organisation_create(
            grid=grid, name=f"店{n}", kind="shop", address="x", buildings=[home.building], by=None
        )


# Session, user and role grants are three queries; then the page and its count, plus
# one for the typed labels of the residents shown. Residents pages pick the page's
# keys first, then load its rows (KeyedRows): one query more.
LIST_ENDPOINTS = [
    ("/residents?page_size=100", 7),
    ("/residents?page_size=100&label=elderly&address=正阳路&age_min=60", 7),
    ("/households?page_size=100", 5),
    ("/households?page_size=100&stale_days=1", 5),
    ("/buildings?page_size=100", 5),
    ("/organisations?page_size=100", 5),
    ("/labels", 5),
    ("/residents/{first}/history", 7),
    ("/households/{household}", 6),
]


SEARCH = ("/residents/search?page_size=100", {"q": "甲", "label": ["elderly"]})


def queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        if url == SEARCH[0]:
            response = client.post(API + url, SEARCH[1], content_type="application/json")
        else:
            response = client.get(API + url)
    assert response.status_code == 200, response.content
    return len(captured)


def test_list_endpoints_run_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    """Pinned counts with 30 residents, and the same counts with 60."""
    populate(world.a1, 10)  # 30 residents
    first = Resident.objects.order_by("pk").first()
    urls = [
        (url.format(first=first.pk, household=first.household_id), pinned)
        for url, pinned in LIST_ENDPOINTS
    ]
    client.force_login(world.worker_a)
    for url, pinned in urls:
        with django_assert_max_num_queries(pinned, info=url):
            assert client.get(API + url).status_code == 200
    urls.append((SEARCH[0], 7))
    assert queries(client, world.worker_a, SEARCH[0]) <= 7
    at_30 = {url: queries(client, world.worker_a, url) for url, _pinned in urls}

    populate(world.a1, 10, start=10)  # 60 residents
    at_60 = {url: queries(client, world.worker_a, url) for url, _pinned in urls}
    assert at_60 == at_30, "the number of queries grows with the number of rows"


def test_problems_speak_chinese_by_default(world, a, client):
    client.force_login(world.worker_a)
    body = {"name": "李梅", "id_number": "11010519491231002" + "1", "relation": "spouse"}

    response = client.post(
        f"{API}/households/{a.home.household.pk}/residents",
        json.dumps(body),
        content_type="application/json",
    )

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "身份号码" in detail, detail
    assert "check character" not in detail
