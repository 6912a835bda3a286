"""Deactivating and reactivating users; usernames that cannot be confused; role choices."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory, override_settings
from pytest_django.asserts import assertContains

from linli.accounts import services
from linli.accounts.models import User
from linli.core.network import client_ip
from linli.core.permissions import Role
from linli.testing.http import bearer, post_json, problem_of
from linli.testing.world import PASSWORD

pytestmark = pytest.mark.usefixtures("english")


def test_an_admin_deactivates_a_user_who_then_cannot_sign_in(client, world):
    _token, secret = services.token_create(user=world.worker_a, name="t", days=30, by=None)
    client.force_login(world.subdistrict_admin)
    response = client.post(
        f"/accounts/users/{world.worker_a.pk}/active/", {"active": "0"}, follow=True
    )
    assertContains(response, "User deactivated.")
    assertContains(response, "Inactive")
    assert not User.objects.get(pk=world.worker_a.pk).is_active
    assert world.worker_a.grants.filter(revoked_at__isnull=True).count() == 1  # kept
    client.logout()
    response = client.post("/accounts/login/", {"username": "worker.a", "password": PASSWORD})
    assertContains(response, "Wrong username/phone or password.")
    problem_of(client.get("/api/v1/me", **bearer(secret)), 401)


def test_a_deactivated_users_open_session_ends(client, world):
    client.force_login(world.worker_a)
    assert client.get("/").status_code == 200
    services.user_set_active(user=world.worker_a, active=False, by=world.subdistrict_admin)
    assert client.get("/").status_code == 302


def test_reactivation_through_the_api(client, world):
    services.user_set_active(user=world.worker_a, active=False, by=world.subdistrict_admin)
    client.force_login(world.subdistrict_admin)
    url = f"/api/v1/users/{world.worker_a.pk}"
    body = post_json(client, url, {"is_active": True}, REQUEST_METHOD="PATCH").json()
    assert body["is_active"] is True
    assert User.objects.get(pk=world.worker_a.pk).is_active


def test_only_admins_in_scope_may_deactivate(client, world):
    client.force_login(world.other_subdistrict_admin)
    url = f"/api/v1/users/{world.worker_a.pk}"
    problem_of(post_json(client, url, {"is_active": False}, REQUEST_METHOD="PATCH"), 404)
    client.force_login(world.auditor)
    problem_of(post_json(client, url, {"is_active": False}, REQUEST_METHOD="PATCH"), 403)
    assert (
        client.post(f"/accounts/users/{world.worker_a.pk}/active/", {"active": "0"}).status_code
        == 403
    )
    assert User.objects.get(pk=world.worker_a.pk).is_active


def test_nobody_deactivates_themselves(world):
    with pytest.raises(ValidationError, match="You cannot deactivate yourself"):
        services.user_set_active(
            user=world.subdistrict_admin, active=False, by=world.subdistrict_admin
        )
    assert User.objects.get(pk=world.subdistrict_admin.pk).is_active


def test_usernames_are_unique_whatever_their_case(world):
    with pytest.raises(ValidationError, match="This username is taken"):
        services.user_create(
            username="Worker.A",
            full_name="张三",
            password="Kx9!long-pass",
            role=Role.RESIDENT,
            region=world.a,
            by=None,
        )
    assert not User.objects.filter(full_name="张三").exists()


def test_sign_in_ignores_the_case_of_the_username(client, world):
    response = client.post("/accounts/login/", {"username": "WORKER.A", "password": PASSWORD})
    assert response.status_code == 302


def test_a_username_must_start_with_a_letter_so_it_is_never_a_phone_number(world):
    with pytest.raises(ValidationError, match="starts with a letter"):
        services.user_create(
            username="13912345678",
            full_name="张三",
            password="Kx9!long-pass",
            role=Role.RESIDENT,
            region=world.a,
            by=None,
        )


def test_the_client_ip_behind_a_proxy_is_the_one_the_proxy_saw():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7"
    )
    assert client_ip(request) == "10.0.0.2"
    with override_settings(LINLI_BEHIND_PROXY=True):
        assert client_ip(request) == "203.0.113.7"


def test_the_grant_form_offers_only_the_roles_the_admin_may_grant(client, world):
    client.force_login(world.subdistrict_admin)
    page = client.get(f"/accounts/users/{world.worker_a.pk}/").content.decode()
    offered = set(re.findall(r'<option value="(\w+)"', page))
    assert offered == {Role.COMMUNITY_WORKER, Role.GRID_WORKER, Role.RESIDENT, Role.FAMILY}
    page = client.get("/accounts/users/new/").content.decode()
    assert set(re.findall(r'<option value="(\w+)"', page)) == offered
