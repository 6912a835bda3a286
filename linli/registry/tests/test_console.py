"""The registry console, /registry/…: lists, detail pages, forms and the to-do list."""

import re
from datetime import date, timedelta
from html import unescape
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.core.crypto import blind_index
from linli.registry import services
from linli.registry.choices import Relation, ResidentStatus
from linli.registry.models import Building, House, Household, Organisation, Resident
from linli.testing import registry as support
from linli.testing.http import EN
from linli.testing.registry import aged, move_in

PHONE = "13805335678"


@pytest.fixture
def a(world):
    home = support.place(world.a1)
    number = support.id_number(date(1950, 6, 1), "male")
    head = move_in(home.household, name="张建国", id_number=number, phone=PHONE)
    child = move_in(home.household, name="张小明", born=aged(12), relation=Relation.CHILD)
    b_home = support.place(world.b1)
    stranger = move_in(b_home.household, name="周芳", phone="13905330005", sex="female")
    return SimpleNamespace(
        home=home,
        head=head,
        child=child,
        b_home=b_home,
        stranger=stranger,
        plaintext=[number, PHONE, stranger.id_number, "13905330005"],
    )


@pytest.fixture
def page(client, a):
    """Calls a console page as a user; no answer may show plaintext personal data
    unless `reveals` names the one value it is meant to show."""

    def call(user, path, data=None, reveals=None, **headers):
        client.force_login(user)
        if data is None:
            response = client.get(path, **EN, **headers)
        else:
            response = client.post(path, data, **EN, **headers)
        text = response.content.decode()
        typed = f"{path} {data}"  # what the user sent may come back (a search, a form)
        leaked = [p for p in a.plaintext if p in text and p != reveals and p not in typed]
        assert not leaked, f"{path} shows {leaked}"
        return response

    return call


def text_of(response) -> str:
    """The page's visible text, whitespace collapsed."""
    body = re.sub(r"<script.*?</script>|<[^>]+>", " ", response.content.decode(), flags=re.S)
    return " ".join(unescape(body).split())


def rows(response, testid: str) -> list[str]:
    """The text of each row of the table marked data-testid=…"""
    html = response.content.decode()
    table = re.search(rf'data-testid="{testid}".*?<tbody>(.*?)</tbody>', html, re.S)
    assert table, f"no table {testid}"
    return [
        " ".join(unescape(re.sub(r"<[^>]+>", " ", row)).split())
        for row in re.findall(r"<tr>(.*?)</tr>", table.group(1), re.S)
    ]


def ok(response, status: int = 200):
    assert response.status_code == status, response.content.decode()[:2000]
    return response


# --- resident list ----------------------------------------------------------------------


def test_the_list_shows_residents_in_scope_masked(world, a, page):
    response = ok(page(world.worker_a, "/registry/"))

    listed = rows(response, "residents")
    assert len(listed) == 2
    assert listed[0].startswith("张小明")
    head = listed[1]
    assert head.startswith("张建国 Male 1950-06-01")
    assert f"370306********{a.head.id_number[-4:]}" in head
    assert "138****5678" in head
    assert "正阳路8号 1号楼 1-101" in head
    assert "60岁以上老人" in head
    assert "周芳" not in response.content.decode()
    assert "2 residents" in text_of(response)


def test_the_list_filters(world, a, page):
    services.resident_set_labels(resident=a.child, codes=["disabled"], by=None)
    services.resident_move_out(resident=a.head, on=timezone.localdate(), by=None)

    def names(query):
        response = ok(page(world.subdistrict_admin, f"/registry/?{query}"))
        return [row.split()[0] for row in rows(response, "residents") if "No resident" not in row]

    assert names("") == ["周芳", "张小明"]
    assert names("status=all") == ["周芳", "张小明", "张建国"]
    assert names("status=moved_out") == ["张建国"]
    assert names("q=张") == ["张小明"]
    assert names(f"id_index={blind_index(a.stranger.id_number, Resident.ID_NUMBER_CONTEXT)}") == [
        "周芳"
    ]
    assert names(f"phone_index={blind_index('13905330005', Resident.PHONE_CONTEXT)}") == ["周芳"]
    assert names("label=disabled") == ["张小明"]
    assert names("label=elderly&status=all") == ["张建国"]
    assert names("age_min=10&age_max=13") == ["张小明"]
    assert names(f"region={world.b.code}") == ["周芳"]
    assert names("address=丝绸") == []


def test_numbers_searched_for_never_reach_a_url(world, a, client):
    client.force_login(world.worker_a)
    response = client.post(
        "/registry/search/",
        {"id_number": a.head.id_number.lower(), "phone": PHONE, "status": "living"},
    )
    assert response.status_code == 302
    assert a.head.id_number not in response["Location"] and PHONE not in response["Location"]
    assert "id_index=" in response["Location"] and "phone_index=" in response["Location"]
    typed = client.get(f"/registry/?id_number={a.head.id_number}&phone={PHONE}")
    assert typed.status_code == 302 and PHONE not in typed["Location"]


def test_the_search_boxes_for_numbers_are_not_refilled(world, a, page, client):
    client.force_login(world.worker_a)
    location = client.post("/registry/search/", {"id_number": a.head.id_number, "phone": PHONE})[
        "Location"
    ]
    response = ok(page(world.worker_a, location))

    html = response.content.decode()
    assert 'name="id_number" value=""' in html
    assert 'name="phone" value=""' in html
    assert [row.split()[0] for row in rows(response, "residents")] == ["张建国"]


def test_an_invalid_filter_is_explained_and_the_default_list_shown(world, a, page):
    response = ok(page(world.worker_a, "/registry/?age_min=-4"))

    assert "Age from: at least 0" in text_of(response)
    assert len(rows(response, "residents")) == 2


def test_an_htmx_search_returns_only_the_results(world, a, page):
    response = ok(page(world.worker_a, "/registry/?q=张建", HTTP_HX_REQUEST="true"))

    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert [row.split()[0] for row in rows(response, "residents")] == ["张建国"]


def test_the_list_is_paginated_by_fifty(world, page):
    home = support.place(world.a1, number="999")
    for n in range(55):
        move_in(home.household, name=f"居民{n:02d}", relation=Relation.OTHER)

    first = ok(page(world.worker_a, "/registry/"))
    second = ok(page(world.worker_a, "/registry/?page=2"))

    assert len(rows(first, "residents")) == 50
    assert len(rows(second, "residents")) == 7
    assert "57 residents" in text_of(first)


def test_people_without_registry_view_are_refused_and_visitors_sent_to_sign_in(world, a, client):
    client.force_login(world.resident_a)
    assert client.get("/registry/").status_code == 403
    client.logout()
    response = client.get("/registry/")
    assert response.status_code == 302 and "login" in response["Location"]


# --- resident detail and reveal -------------------------------------------------------


def test_the_detail_page_shows_masked_numbers_labels_and_history(world, a, page):
    services.resident_update(resident=a.head, political_status="cpc_member", by=world.worker_a)

    response = ok(page(world.worker_a, f"/registry/residents/{a.head.pk}/"))

    html = response.content.decode()
    assert re.search(rf'data-testid="id-number">370306\*{{8}}{a.head.id_number[-4:]}<', html), (
        "masked ID number"
    )
    assert 'data-testid="phone">138****5678<' in html
    text = text_of(response)
    assert "60岁以上老人" in text and "党员" in text
    assert "Updated" in text and "Moved in" in text and "political status" in text
    assert "political_status" not in text
    assert "See the full number" in text
    assert "Edit" in text


def test_a_grid_worker_sees_no_reveal_form(world, a, page):
    response = ok(page(world.grid_worker_a1, f"/registry/residents/{a.head.pk}/"))

    assert "See the full number" not in text_of(response)
    assert "Record moving out" in text_of(response), "but may edit"


def test_another_communitys_resident_is_not_found(world, a, page):
    assert page(world.worker_a, f"/registry/residents/{a.stranger.pk}/").status_code == 404


def test_reveal_shows_the_value_only_after_a_reason_and_audits_it(world, a, page):
    url = f"/registry/residents/{a.head.pk}/reveal/"

    refused = page(world.worker_a, url, {"field": "id_number", "reason": ""})
    assert refused.status_code == 422
    assert "This field is required." in text_of(refused)
    short = page(world.worker_a, url, {"field": "id_number", "reason": "看看"})
    assert short.status_code == 422
    assert "State why you need to see it (at least 4 characters)." in text_of(short)
    assert not AuditEntry.objects.filter(action="pii_reveal").exists()

    shown = ok(
        page(
            world.worker_a,
            url,
            {"field": "id_number", "reason": "上门核实身份"},
            reveals=a.head.id_number,
        )
    )

    assert f'data-testid="id-number"><mark>{a.head.id_number}</mark>' in shown.content.decode()
    assert 'data-testid="phone">138****5678<' in shown.content.decode()
    (entry,) = AuditEntry.objects.filter(action="pii_reveal")
    assert entry.details == {"field": "id_number", "reason": "上门核实身份"}
    assert (entry.actor, entry.object_id) == (world.worker_a, str(a.head.pk))


def test_reveal_of_the_phone(world, a, page):
    shown = ok(
        page(
            world.worker_a,
            f"/registry/residents/{a.head.pk}/reveal/",
            {"field": "phone", "reason": "电话回访"},
            reveals=PHONE,
        )
    )

    assert f'data-testid="phone"><mark>{PHONE}</mark>' in shown.content.decode()


def test_reveal_is_refused_to_a_grid_worker_and_outside_the_scope(world, a, page, client):
    body = {"field": "phone", "reason": "电话回访"}

    assert (
        page(world.grid_worker_a1, f"/registry/residents/{a.head.pk}/reveal/", body).status_code
        == 403
    )
    assert (
        page(world.worker_a, f"/registry/residents/{a.stranger.pk}/reveal/", body).status_code
        == 404
    )
    client.force_login(world.worker_a)
    assert client.get(f"/registry/residents/{a.head.pk}/reveal/").status_code == 405
    assert not AuditEntry.objects.filter(action="pii_reveal").exists()


# --- edit, move out, death, labels -------------------------------------------------------


def test_the_edit_form_changes_a_resident(world, a, page):
    url = f"/registry/residents/{a.head.pk}/edit/"
    form = ok(page(world.grid_worker_a1, url))
    html = form.content.decode()
    assert 'name="id_number"' not in html, "the ID number is fixed"
    assert 'value="张建国"' in html
    assert 'placeholder="138****5678"' in html, "the phone only masked, not in full"

    response = page(
        world.worker_a,
        url,
        {
            "name": "张建民",
            "phone": "13905330012",
            "relation": "head",
            "ethnicity": "03",
            "political_status": "cpc_member",
            "residence_type": "registered_here",
        },
    )

    assert response.status_code == 302 and response["Location"].endswith(f"/{a.head.pk}/")
    a.head.refresh_from_db()
    assert (a.head.name, a.head.phone, a.head.ethnicity) == ("张建民", "13905330012", "03")
    assert a.head.id_number == a.plaintext[0]


def test_the_edit_form_shows_service_errors_by_field(world, a, page):
    before = support.state()

    response = page(
        world.worker_a,
        f"/registry/residents/{a.head.pk}/edit/",
        {
            "name": "张建国",
            "phone": "23905330012",
            "relation": "head",
            "ethnicity": "01",
            "political_status": "masses",
            "residence_type": "registered_here",
        },
    )

    assert response.status_code in (200, 422)
    assert "Enter an 11-digit mainland mobile number, e.g. 13812345678." in text_of(response)
    assert support.state() == before


EDIT = {
    "name": "张建国",
    "phone": "",
    "relation": "head",
    "ethnicity": "01",
    "political_status": "masses",
    "residence_type": "registered_here",
}


def test_an_empty_phone_in_the_edit_form_keeps_the_number(world, a, page):
    response = page(world.worker_a, f"/registry/residents/{a.head.pk}/edit/", EDIT)

    assert response.status_code == 302
    a.head.refresh_from_db()
    assert a.head.phone == PHONE


def test_the_edit_form_may_remove_the_phone(world, a, page):
    response = page(
        world.worker_a, f"/registry/residents/{a.head.pk}/edit/", {**EDIT, "remove_phone": "on"}
    )

    assert response.status_code == 302
    a.head.refresh_from_db()
    assert a.head.phone is None


def test_moving_out_through_the_form(world, a, page):
    url = f"/registry/residents/{a.child.pk}/move-out/"
    today = timezone.localdate().isoformat()

    response = page(world.worker_a, url, {"on": today, "note": "上大学"})
    assert response.status_code == 302

    a.child.refresh_from_db()
    assert a.child.status == ResidentStatus.MOVED_OUT
    detail = ok(page(world.worker_a, f"/registry/residents/{a.child.pk}/"))
    assert "Moved out on" in text_of(detail) and today in text_of(detail)
    assert "Record moving out" not in text_of(detail), "no more lifecycle forms"

    again = page(world.worker_a, url, {"on": today})
    assert again.status_code == 422
    assert "张小明 has already moved out." in text_of(again)


def test_a_future_date_is_refused_with_a_message(world, a, page):
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    before = support.state()

    response = page(world.worker_a, f"/registry/residents/{a.child.pk}/death/", {"on": tomorrow})

    assert response.status_code == 422
    assert "The date cannot be in the future." in text_of(response)
    assert support.state() == before


def test_recording_a_death_through_the_form(world, a, page):
    today = timezone.localdate().isoformat()

    response = page(world.worker_a, f"/registry/residents/{a.head.pk}/death/", {"on": today})

    assert response.status_code == 302
    a.head.refresh_from_db()
    assert (a.head.status, a.head.died_on.isoformat()) == ("deceased", today)
    a.home.household.refresh_from_db()
    assert a.home.household.head is None
    edit = page(world.worker_a, f"/registry/residents/{a.head.pk}/edit/", {"name": "改"})
    a.head.refresh_from_db()
    assert a.head.name == "张建国", edit.status_code


def test_the_labels_form(world, a, page):
    url = f"/registry/residents/{a.head.pk}/labels/"

    response = page(world.worker_a, url, {"codes": ["disabled", "veteran"]})
    assert response.status_code == 302
    assert set(a.head.label_links.values_list("label__code", flat=True)) == {"disabled", "veteran"}

    detail = ok(page(world.worker_a, f"/registry/residents/{a.head.pk}/"))
    assert re.search(r'value="disabled"[^>]*checked', detail.content.decode())
    assert 'value="elderly"' not in detail.content.decode(), "derived labels are not offered"

    refused = page(world.worker_a, url, {"codes": ["elderly"]})
    assert refused.status_code == 422
    assert set(a.head.label_links.values_list("label__code", flat=True)) == {"disabled", "veteran"}

    cleared = page(world.worker_a, url, {})
    assert cleared.status_code == 302
    assert not a.head.label_links.exists()


@pytest.mark.parametrize("path", ["edit/", "move-out/", "death/", "labels/"])
def test_changes_to_another_communitys_resident_are_not_found(world, a, page, path):
    before = support.state()

    response = page(
        world.worker_a, f"/registry/residents/{a.stranger.pk}/{path}", {"on": "2020-01-01"}
    )

    assert response.status_code == 404
    assert support.state() == before


# --- households -------------------------------------------------------------------------


def move_in_form(**overrides) -> dict:
    return {
        "name": "李梅",
        "id_number": support.id_number(date(1990, 4, 5), "female"),
        "phone": "",
        "relation": "spouse",
        "ethnicity": "01",
        "political_status": "masses",
        "residence_type": "registered_here",
        "moved_in_on": "",
        **overrides,
    }


def test_the_household_page_lists_members_masked(world, a, page):
    response = ok(page(world.worker_a, f"/registry/households/{a.home.household.pk}/"))

    members = rows(response, "members")
    assert [m.split()[0] for m in members] == ["张建国", "张小明"]
    assert f"370306********{a.head.id_number[-4:]}" in members[0]
    assert "Move someone in" in text_of(response)
    assert "Last verified: never" in text_of(response)


def test_splitting_a_household_through_its_page(world, a, page):
    flat = services.house_create(building=a.home.building, floor=2, number="201", by=None)
    url = f"/registry/households/{a.home.household.pk}/"
    assert "Split the household" in text_of(ok(page(world.worker_a, url)))

    response = page(
        world.worker_a,
        url + "split/",
        {"members": [a.child.pk], "head": a.child.pk, "house": flat.pk, "kind": "resident"},
    )

    assert response.status_code == 302
    a.child.refresh_from_db()
    new = a.child.household
    assert response["Location"] == f"/registry/households/{new.pk}/"
    assert (new.house, new.head, new.kind) == (flat, a.child, "resident")
    a.home.household.refresh_from_db()
    assert a.home.household.head == a.head


def test_a_split_that_the_service_refuses_is_explained_and_changes_nothing(world, a, page):
    before = support.state()
    url = f"/registry/households/{a.home.household.pk}/split/"

    response = page(
        world.worker_a,
        url,
        {
            "members": [a.head.pk, a.child.pk],
            "head": a.head.pk,
            "house": a.home.house.pk,
            "kind": "registered",
        },
    )

    ok(response, 422)
    assert "At least one member must stay in the old household." in text_of(response)
    assert support.state() == before


def test_merging_a_household_through_its_page(world, a, page):
    other = support.place(world.a1, number="102")
    guest = move_in(other.household, name="王强")
    url = f"/registry/households/{other.household.pk}/"

    response = page(world.worker_a, url + "merge/", {"target": a.home.household.pk})

    assert response.status_code == 302
    assert response["Location"] == f"/registry/households/{a.home.household.pk}/"
    guest.refresh_from_db()
    other.household.refresh_from_db()
    assert guest.household == a.home.household and guest.relation == Relation.OTHER
    assert other.household.dissolved_at is not None
    shown = text_of(ok(page(world.worker_a, url)))
    assert "Dissolved" in shown and "Split the household" not in shown


def test_split_and_merge_are_refused_outside_ones_rights(world, a, page):
    url = f"/registry/households/{a.home.household.pk}/"
    other = support.place(world.a1, number="102")
    before = support.state()

    for user in (world.worker_b, world.resident_a):
        assert page(user, url + "merge/", {"target": other.household.pk}).status_code in (403, 404)
        response = page(
            user,
            url + "split/",
            {"members": [a.child.pk], "head": a.child.pk, "house": a.home.house.pk},
        )
        assert response.status_code in (403, 404)
    assert support.state() == before


def test_moving_in_through_the_household_page(world, a, page):
    data = move_in_form()
    a.plaintext.append(data["id_number"])

    response = page(world.worker_a, f"/registry/households/{a.home.household.pk}/", data)

    assert response.status_code == 302
    resident = Resident.objects.get(name="李梅")
    assert (resident.household, resident.birth_date, resident.sex) == (
        a.home.household,
        date(1990, 4, 5),
        "female",
    )
    shown = ok(page(world.worker_a, response["Location"]))
    assert "李梅 moved in." in text_of(shown)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"id_number": "370306199002301234"},
            "This ID number's check character is wrong: please check it digit by digit.",
        ),
        ({"id_number": "37030619900230123"}, "Ensure this value has at least 18 characters"),
        ({"phone": "1234"}, "Enter an 11-digit mainland mobile number, e.g. 13812345678."),
        ({"name": ""}, "This field is required."),
        ({"moved_in_on": "2999-01-01"}, "The date cannot be in the future."),
    ],
)
def test_move_in_form_errors_are_shown_and_nothing_is_saved(world, a, page, overrides, message):
    before = support.state()

    response = page(
        world.worker_a, f"/registry/households/{a.home.household.pk}/", move_in_form(**overrides)
    )

    assert response.status_code == 422
    assert message in text_of(response)
    assert support.state() == before


def test_a_duplicate_is_refused_on_the_household_page(world, a, page):
    response = page(
        world.worker_a,
        f"/registry/households/{a.home.household.pk}/",
        move_in_form(id_number=a.stranger.id_number.lower()),
    )

    assert response.status_code == 422
    assert "A person with this ID number is registered in another community." in text_of(response)
    assert Resident.objects.count() == 3


def test_a_dissolved_household_offers_no_move_in(world, a, page):
    other = support.place(world.a1, number="102").household
    services.household_merge(source=other, target=a.home.household, by=None)
    before = support.state()

    response = ok(page(world.worker_a, f"/registry/households/{other.pk}/"))
    assert "Dissolved" in text_of(response)
    assert "Move someone in" not in text_of(response)
    posted = page(world.worker_a, f"/registry/households/{other.pk}/", move_in_form())
    assert posted.status_code == 302
    assert support.state() == before


def test_another_communitys_household_is_not_found(world, a, page):
    url = f"/registry/households/{a.b_home.household.pk}/"

    assert page(world.worker_a, url).status_code == 404
    assert page(world.worker_a, url, move_in_form()).status_code == 404
    assert page(world.worker_a, f"{url}verify/", {}).status_code == 404


def test_creating_a_household_from_the_building_page(world, a, page):
    response = page(
        world.worker_a,
        f"/registry/houses/{a.home.house.pk}/households/",
        {"kind": "floating", "number": "F-2"},
    )

    assert response.status_code == 302
    created = Household.objects.get(number="F-2")
    assert response["Location"].endswith(f"/households/{created.pk}/")
    assert (
        page(
            world.worker_a,
            f"/registry/houses/{a.b_home.house.pk}/households/",
            {"kind": "floating"},
        ).status_code
        == 404
    )


# --- buildings --------------------------------------------------------------------------


def test_the_building_list_and_search(world, a, page):
    services.building_create(grid=world.a1, name="2号楼", address="丝绸路2号", floors=6, by=None)

    response = ok(page(world.worker_a, "/registry/buildings/"))
    assert [r.split()[0] for r in rows(response, "buildings")] == ["1号楼", "2号楼"]
    assert "New building" in text_of(response)

    found = ok(page(world.worker_a, "/registry/buildings/?q=丝绸"))
    assert [r.split()[0] for r in rows(found, "buildings")] == ["2号楼"]
    other = ok(page(world.worker_b, "/registry/buildings/"))
    assert [r.split()[0] for r in rows(other, "buildings")] == ["1号楼"]
    assert world.a1.code not in other.content.decode()


def test_creating_a_building_in_the_console(world, a, page):
    data = {
        "grid_code": world.a1.code,
        "name": "7号楼",
        "address": "正阳路7号",
        "kind": "residential",
        "floors": "18",
        "units": "2",
    }

    response = page(world.worker_a, "/registry/buildings/", data)

    assert response.status_code == 302
    building = Building.objects.get(name="7号楼")
    assert response["Location"].endswith(f"/buildings/{building.pk}/")
    assert (building.grid, building.floors) == (world.a1, 18)

    duplicate = ok(page(world.worker_a, "/registry/buildings/", data))
    assert "This grid already has a building with this name." in text_of(duplicate)
    assert (
        page(
            world.worker_a, "/registry/buildings/", {**data, "grid_code": world.b1.code}
        ).status_code
        == 404
    )
    assert Building.objects.count() == 3


def test_the_building_page_lists_houses_and_adds_one(world, a, page):
    url = f"/registry/buildings/{a.home.building.pk}/"

    response = ok(page(world.worker_a, url))
    (house,) = rows(response, "houses")
    assert house.startswith("1 101 Owner-occupied")
    assert " 2 " in f" {house} ", "two people live there"

    added = page(world.worker_a, url, {"unit": "1", "floor": "2", "number": "201", "use": "rented"})
    assert added.status_code == 302
    assert House.objects.filter(building=a.home.building, number="201", use="rented").exists()

    duplicate = ok(
        page(world.worker_a, url, {"unit": "1", "floor": "2", "number": "201", "use": "rented"})
    )
    assert "This building already has this unit and number." in text_of(duplicate)
    assert page(world.worker_a, f"/registry/buildings/{a.b_home.building.pk}/").status_code == 404


# --- freshness ------------------------------------------------------------------------


def test_the_freshness_list_shows_households_not_verified_recently_oldest_first(world, a, page):
    now = timezone.now()
    recent = support.place(world.a1, number="201").household
    old = support.place(world.a1, number="202").household
    older = support.place(world.a1, number="203").household
    Household.objects.filter(pk=recent.pk).update(verified_at=now - timedelta(days=10))
    Household.objects.filter(pk=old.pk).update(verified_at=now - timedelta(days=100))
    Household.objects.filter(pk=older.pk).update(verified_at=now - timedelta(days=200))

    response = ok(page(world.worker_a, "/registry/freshness/"))

    listed = rows(response, "stale")
    assert [r.split()[2] for r in listed] == ["1-101", "1-203", "1-202"]
    assert "never" in listed[0]
    assert "3 households" in text_of(response)

    week = ok(page(world.worker_a, "/registry/freshness/?stale_days=7"))
    assert [r.split()[2] for r in rows(week, "stale")] == ["1-101", "1-203", "1-202", "1-201"]


def test_ticking_verified_removes_the_household_from_the_list(world, a, page):
    back = "/registry/freshness/?stale_days=30"

    response = page(
        world.grid_worker_a1,
        f"/registry/households/{a.home.household.pk}/verify/",
        {"next": back},
    )

    assert response.status_code == 302 and response["Location"] == back
    remaining = ok(page(world.grid_worker_a1, back))
    assert "Everything is up to date." in text_of(remaining)
    a.home.household.refresh_from_db()
    assert a.home.household.verified_at is not None


def test_verify_does_not_redirect_to_another_site(world, a, page):
    response = page(
        world.worker_a,
        f"/registry/households/{a.home.household.pk}/verify/",
        {"next": "https://evil.example/"},
    )

    assert response["Location"] == f"/registry/households/{a.home.household.pk}/"


def test_an_invalid_staleness_is_explained(world, a, page):
    response = ok(page(world.worker_a, "/registry/freshness/?stale_days=0"))

    assert "Not verified for (days): at least 1" in text_of(response)
    assert len(rows(response, "stale")) == 1, "the default 90 days apply"


# --- organisations ------------------------------------------------------------------------


def test_the_organisation_list(world, a, page):
    services.organisation_create(
        grid=world.a1,
        name="车站便利店",
        kind="shop",
        address="正阳路1号",
        contact_name="孙强",
        by=None,
    )
    services.organisation_create(
        grid=world.a1, name="淄博丝绸有限公司", kind="enterprise", address="丝绸路3号", by=None
    )
    services.organisation_create(
        grid=world.b1, name="市南超市", kind="shop", address="正阳路60号", by=None
    )

    response = ok(page(world.worker_a, "/registry/organisations/"))
    assert [r.split()[0] for r in rows(response, "organisations")] == [
        "淄博丝绸有限公司",
        "车站便利店",
    ]
    assert "Shop" in rows(response, "organisations")[1]

    found = ok(page(world.worker_a, "/registry/organisations/?q=便利"))
    assert [r.split()[0] for r in rows(found, "organisations")] == ["车站便利店"]
    assert "市南超市" not in response.content.decode()


# --- query counts --------------------------------------------------------------------------


def populate(grid, households: int, start: int = 0) -> None:
    for n in range(start, start + households):
        home = support.place(grid, building=f"{n // 10 + 1}号楼", number=f"{n + 1}01")
        move_in(home.household, name=f"甲{n}", born=aged(61 + n % 20), phone=support.phone(n))
        move_in(home.household, name=f"乙{n}", born=aged(58), sex="female", relation="spouse")
        child = move_in(home.household, name=f"丙{n}", born=aged(20), relation="child")
        services.resident_set_labels(resident=child, codes=["disabled", "veteran"], by=None)
        services.organisation_create(grid=grid, name=f"店{n}", kind="shop", address="x", by=None)


# Session, user and grants are three queries; the rest is the page's own.
PAGES = [
    ("/registry/", 9),  # the page's keys, then its rows (KeyedRows); the regions offered
    ("/registry/?label=elderly&age_min=60&address=正阳路", 9),
    ("/registry/freshness/", 6),
    ("/registry/buildings/", 8),
    ("/registry/organisations/", 7),  # + the grids of the new-organisation form
    ("/registry/households/{household}/", 10),  # + the split and merge choices
    ("/registry/buildings/{building}/", 7),
]


def queries(client, user, url) -> int:
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:500]
    return len(captured)


def test_console_pages_run_a_fixed_number_of_queries(world, client, django_assert_max_num_queries):
    """Pinned counts with 30 residents, and the same counts with 60."""
    populate(world.a1, 10)  # 30 residents
    first = Resident.objects.order_by("pk").first()
    urls = [
        (
            url.format(household=first.household_id, building=first.household.house.building_id),
            pinned,
        )
        for url, pinned in PAGES
    ]
    client.force_login(world.worker_a)
    for url, pinned in urls:
        with django_assert_max_num_queries(pinned, info=url):
            assert client.get(url).status_code == 200
    at_30 = {url: queries(client, world.worker_a, url) for url, _pinned in urls}

    populate(world.a1, 10, start=10)  # 60 residents
    at_60 = {url: queries(client, world.worker_a, url) for url, _pinned in urls}
    assert at_60 == at_30, "the number of queries grows with the number of rows"


def test_the_move_in_form_explains_errors_in_chinese_by_default(world, a, client):
    client.force_login(world.worker_a)

    response = client.post(
        f"/registry/households/{a.home.household.pk}/",
        move_in_form(id_number="110105194912310021"),
    )

    assert response.status_code == 422
    assert "身份号码" in text_of(response)
    assert "check character" not in text_of(response)


def test_registering_an_organisation_in_the_console(world, a, page):
    data = {
        "grid_code": world.a1.code,
        "name": "周村烧饼店",
        "kind": "shop",
        "credit_code": "91370306MA3C123456",
        "address": "大街12号",
        "contact_name": "王强",
        "contact_phone": "0533-6123456",
    }

    response = page(world.worker_a, "/registry/organisations/", data)

    assert response.status_code == 302
    organisation = Organisation.objects.get(name="周村烧饼店")
    assert (organisation.grid, organisation.credit_code) == (world.a1, "91370306MA3C123456")
    assert support.changes_of(organisation)[0].actor == world.worker_a


def test_a_bad_organisation_is_explained_and_nothing_saved(world, a, page):
    before = support.state()
    bad = {
        "grid_code": world.a1.code,
        "name": "",
        "kind": "moon",
        "credit_code": "123",
        "address": "x",
    }

    response = ok(page(world.worker_a, "/registry/organisations/", bad), 422)

    shown = text_of(response)
    assert "This field is required." in shown
    assert "18 digits and capital letters" in shown
    assert support.state() == before
    outside = dict(bad, grid_code=world.b1.code, name="越界", kind="shop", credit_code="")
    assert page(world.worker_a, "/registry/organisations/", outside).status_code == 404
    assert support.state() == before


def test_the_household_forms_load_when_opened(world, a, page, client):
    url = f"/registry/households/{a.home.household.pk}/"

    closed = ok(page(world.worker_a, url)).content.decode()
    assert 'name="id_number"' not in closed and 'hx-get="?form=split"' in closed

    fragment = client.get(url + "?form=split", HTTP_HX_REQUEST="true").content.decode()
    assert 'name="head"' in fragment and "<html" not in fragment

    without_js = ok(page(world.worker_a, url + "?form=move_in")).content.decode()
    assert "<html" in without_js and 'name="id_number"' in without_js


def test_the_building_page_lists_the_organisations_occupying_it(world, a, page):
    services.organisation_create(
        grid=world.a1,
        by=None,
        name="车站便民超市",
        kind="shop",
        address="正阳路9号",
        houses=[a.home.house],
    )
    services.organisation_create(
        grid=world.a1, by=None, name="别处物业", kind="property", address="新建路1号"
    )

    shown = text_of(ok(page(world.worker_a, f"/registry/buildings/{a.home.building.pk}/")))

    assert "Organisations here 车站便民超市 Shop" in shown and "别处物业" not in shown


@pytest.mark.parametrize(
    "url",
    ["/registry/", "/registry/freshness/", "/registry/buildings/", "/registry/organisations/"],
)
def test_every_list_answers_htmx_with_its_results_alone(world, a, client, url):
    client.force_login(world.worker_a)
    response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<table" in html
