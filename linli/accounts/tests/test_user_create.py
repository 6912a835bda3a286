"""Admins create users, each with a first role grant, in the console and through the API."""

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from linli.accounts.models import RoleGrant, User
from linli.accounts.tests.support import counts
from linli.core.permissions import Role
from linli.testing.http import post_json, problem_of

NEW = "/accounts/users/new/"

BAD_USERNAME = (
    "A username has 3–40 letters, digits, dots, dashes or underscores, and starts with a letter."
)


def form(**changes) -> dict:
    data = {
        "username": "li.na",
        "full_name": "李娜",
        "phone": "13912345678",
        "password": "Plum-blossom-77",
        "role": Role.RESIDENT,
        "region_code": "370306001001",
    }
    data.update(changes)
    return data


def payload(**changes) -> dict:
    data = form(**changes)
    return {k: v for k, v in data.items() if v is not None}


# Console ----------------------------------------------------------------------------


def test_the_new_user_form_is_shown_to_an_admin(client, world):
    client.force_login(world.subdistrict_admin)
    response = client.get(NEW)
    assertContains(response, 'name="region_code"')
    assertContains(response, "Initial password")


def test_an_admin_creates_a_user_in_the_console(client, world):
    client.force_login(world.subdistrict_admin)
    response = client.post(NEW, form(), follow=True)
    user = User.objects.get(username="li.na")
    assertRedirects(response, f"/accounts/users/{user.pk}/")
    assertContains(response, "User li.na created.")
    assertContains(response, "139****5678")
    assertContains(response, "车站社区居委会")
    assert (user.full_name, user.phone, user.is_active) == ("李娜", "13912345678", True)
    assert user.check_password("Plum-blossom-77")
    grant = user.grants.get()
    assert (grant.role, grant.region, grant.granted_by) == (
        Role.RESIDENT,
        world.a,
        world.subdistrict_admin,
    )
    assert grant.revoked_at is None


def test_the_new_user_can_sign_in_by_phone(client, world):
    client.force_login(world.subdistrict_admin)
    client.post(NEW, form())
    client.logout()
    client.post("/accounts/login/", {"username": "13912345678", "password": "Plum-blossom-77"})
    assert int(client.session["_auth_user_id"]) == User.objects.get(username="li.na").pk


def test_a_phone_is_optional(client, world):
    client.force_login(world.subdistrict_admin)
    client.post(NEW, form(username="no.phone.1", phone=""))
    client.post(NEW, form(username="no.phone.2", phone=""))
    assert list(
        User.objects.filter(username__startswith="no.phone").values_list("phone", flat=True)
    ) == [None, None]


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        (
            {"username": "li na"},
            BAD_USERNAME,
        ),
        (
            {"username": "ab"},
            BAD_USERNAME,
        ),
        ({"username": "admin"}, "User with this Username already exists."),
        ({"phone": "12345"}, "Enter an 11-digit mainland mobile number, e.g. 13812345678."),
        ({"phone": "12912345678"}, "Enter an 11-digit mainland mobile number, e.g. 13812345678."),
        ({"phone": "13805330004"}, "Another user has this mobile phone number."),
        ({"password": "password"}, "This password is too common."),
        ({"password": "Short-1"}, "This password is too short."),
        ({"password": "3141592653589"}, "This password is entirely numeric."),
        ({"role": "mayor"}, "Select a valid choice. mayor is not one of the available choices."),
        ({"region_code": "3703"}, "Ensure this value has at least 12 characters"),
        ({"region_code": "37030600100x"}, "A region code has 12 digits (15 for a grid)."),
        ({"full_name": ""}, "This field is required."),
    ],
)
def test_the_console_refuses_bad_input_and_saves_nothing(client, world, changes, field_message):
    client.force_login(world.subdistrict_admin)
    before = counts()
    response = client.post(NEW, form(**changes))
    assertContains(response, field_message)
    assert counts() == before


def test_the_console_shows_every_bad_field_at_once(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    response = client.post(NEW, form(username="li na", phone="12345", password="password"))
    assertContains(response, "A username has 3–40 letters")
    assertContains(response, "Enter an 11-digit mainland mobile number")
    assertContains(response, "This password is too common.")
    assert counts() == before


def test_a_password_like_the_username_is_refused(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    response = client.post(NEW, form(username="lina.zibo2026", password="lina.zibo2026"))
    assertContains(response, "The password is too similar to the username.")
    assert counts() == before


def test_the_console_keeps_the_typed_values_but_not_the_password(client, world):
    client.force_login(world.subdistrict_admin)
    response = client.post(NEW, form(phone="12345"))
    assertContains(response, 'value="li.na"')
    assert "Plum-blossom-77" not in response.content.decode()


# API --------------------------------------------------------------------------------


def test_an_admin_creates_a_user_through_the_api(client, world):
    client.force_login(world.subdistrict_admin)
    response = post_json(client, "/api/v1/users", payload())
    assert response.status_code == 201
    body = response.json()
    user = User.objects.get(username="li.na")
    assert body["id"] == user.pk
    assert body["phone"] == "139****5678"
    assert body["is_active"] is True
    assert [(g["role"], g["region_code"]) for g in body["grants"]] == [("resident", "370306001001")]
    assert "password" not in body
    assert user.grants.get().granted_by == world.subdistrict_admin
    assert user.check_password("Plum-blossom-77")


def test_the_api_creates_a_user_without_a_phone(client, world):
    client.force_login(world.subdistrict_admin)
    response = post_json(client, "/api/v1/users", payload(phone=None))
    assert response.status_code == 201
    assert response.json()["phone"] == ""
    assert User.objects.get(username="li.na").phone is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"username": "li na"},
            "username",
            BAD_USERNAME,
        ),
        ({"username": "admin"}, "username", "User with this Username already exists."),
        (
            {"phone": "12345"},
            "phone",
            "Enter an 11-digit mainland mobile number, e.g. 13812345678.",
        ),
        ({"password": "password"}, "password", "This password is too common."),
    ],
)
def test_the_api_refuses_bad_input_and_saves_nothing(client, world, changes, field, message):
    client.force_login(world.subdistrict_admin)
    before = counts()
    body = problem_of(post_json(client, "/api/v1/users", payload(**changes)), 422)
    assert {"field": field, "message": message} in body["errors"]
    assert body["title"] == "The request is not valid."
    assert counts() == before


def test_the_api_names_an_unknown_role(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    body = problem_of(post_json(client, "/api/v1/users", payload(role="mayor")), 422)
    assert [e["field"] for e in body["errors"]] == ["body.payload.role"]
    assert "resident" in body["errors"][0]["message"]
    assert counts() == before


@pytest.mark.parametrize("code", ["3703", "37030600100x", "3703060010011"])
def test_the_api_refuses_a_malformed_region_code(client, world, code):
    client.force_login(world.subdistrict_admin)
    before = counts()
    body = problem_of(post_json(client, "/api/v1/users", payload(region_code=code)), 422)
    assert [e["field"] for e in body["errors"]] == ["body.payload.region_code"]
    assert counts() == before


def test_the_api_reports_every_bad_field_at_once(client, world):
    client.force_login(world.subdistrict_admin)
    body = problem_of(
        post_json(
            client, "/api/v1/users", payload(username="li na", phone="12345", password="password")
        ),
        422,
    )
    assert {e["field"] for e in body["errors"]} == {"username", "phone", "password"}
    assert "detail" not in body


@pytest.mark.parametrize("changes", [{"role": "mayor"}, {"phone": "12345"}])
def test_the_api_does_not_echo_the_password_in_errors(client, world, changes):
    client.force_login(world.subdistrict_admin)
    response = post_json(client, "/api/v1/users", payload(password="Sesame-seed-9413", **changes))
    problem_of(response, 422)
    assert "Sesame-seed-9413" not in response.content.decode()


def test_only_one_grant_is_made_with_a_new_user(client, world):
    client.force_login(world.district_admin)
    response = post_json(
        client,
        "/api/v1/users",
        payload(role=Role.DEPARTMENT_HANDLER, region_code="370306000000"),
    )
    assert response.status_code == 201
    assert RoleGrant.objects.filter(user__username="li.na").count() == 1
