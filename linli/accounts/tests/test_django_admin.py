"""The low-level Django admin (issue 12): off by default; where on, the console's
sign-in (lockout, audit) is the only way in, what the services own is read-only and
phone numbers are masked."""

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches

import linli.urls
from linli.accounts.models import RoleGrant, User
from linli.audit.models import AuditEntry
from linli.testing.world import PASSWORD

PHONE = "13805330004"  # world.worker_a's


@pytest.fixture
def admin_on(settings):
    settings.LINLI_DJANGO_ADMIN = True
    importlib.reload(linli.urls)
    clear_url_caches()
    yield
    settings.LINLI_DJANGO_ADMIN = False
    importlib.reload(linli.urls)
    clear_url_caches()


@pytest.fixture
def operator(world):
    world.platform_admin.is_staff = world.platform_admin.is_superuser = True
    world.platform_admin.save(update_fields=["is_staff", "is_superuser"])
    return world.platform_admin


def test_the_admin_is_off_by_default(client, operator):
    client.force_login(operator)

    assert client.get("/django-admin/").status_code == 404
    assert client.get("/django-admin/login/").status_code == 404


def test_the_admin_has_no_sign_in_of_its_own(client, operator, admin_on, settings):
    """30 wrong passwords to the admin's login, then the right one, used to sign in
    while the console had locked the account, with no audit entry."""
    sent = client.post("/django-admin/login/", {"username": "admin", "password": PASSWORD})

    assert sent.status_code == 302
    assert sent["Location"] == "/accounts/login/?next=/django-admin/"
    assert "_auth_user_id" not in client.session

    # Locked at the console: the admin is locked too (the console's form is the way in).
    for _ in range(settings.LINLI_LOCKOUT_ATTEMPTS):
        client.post("/accounts/login/", {"username": "admin", "password": "wrong"})
    locked = client.post(
        "/accounts/login/?next=/django-admin/", {"username": "admin", "password": PASSWORD}
    )
    assert locked.status_code == 200 and "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(action="login_failed").count() >= 1

    fresh = Client()
    fresh.post("/accounts/login/", {"username": "district", "password": PASSWORD})
    assert fresh.get("/django-admin/").status_code == 302  # not staff: sent to sign in
    assert fresh.get("/django-admin/login/").status_code == 403


def test_signed_in_at_the_console_an_operator_opens_the_admin(client, operator, admin_on):
    signed = client.post(
        "/accounts/login/?next=/django-admin/",
        {"username": "admin", "password": PASSWORD, "next": "/django-admin/"},
    )
    assert signed["Location"] == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200
    assert client.get("/django-admin/login/?next=/django-admin/")["Location"] == "/django-admin/"


def test_users_and_grants_are_shown_masked_and_never_changed(client, world, operator, admin_on):
    client.force_login(operator)
    page = client.get(f"/django-admin/accounts/user/{world.worker_a.pk}/change/")

    assert page.status_code == 200
    text = page.content.decode()
    assert PHONE not in text and "138****0004" in text
    assert "张丽" in text

    grants = RoleGrant.objects.filter(user=world.worker_a).count()
    changed = client.post(
        f"/django-admin/accounts/user/{world.worker_a.pk}/change/",
        {"username": "worker.a", "full_name": "改名", "is_superuser": "on"},
    )
    assert changed.status_code == 403
    world.worker_a.refresh_from_db()
    assert world.worker_a.full_name == "张丽" and not world.worker_a.is_superuser
    assert RoleGrant.objects.filter(user=world.worker_a).count() == grants
    assert client.get("/django-admin/accounts/user/add/").status_code == 403
    deleted = client.post(
        f"/django-admin/accounts/user/{world.worker_a.pk}/delete/", {"post": "yes"}
    )
    assert deleted.status_code == 403 and User.objects.filter(pk=world.worker_a.pk).exists()


def test_passwords_change_at_the_console_and_groups_are_not_offered(client, operator, admin_on):
    client.force_login(operator)

    assert client.get("/django-admin/password_change/")["Location"] == "/accounts/profile/"
    changed = client.post(
        "/django-admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-pass-2026!",
            "new_password2": "N3w-pass-2026!",
        },
    )
    assert changed.status_code == 302
    operator.refresh_from_db()
    assert operator.check_password(PASSWORD)
    assert client.get("/django-admin/auth/group/").status_code == 404
