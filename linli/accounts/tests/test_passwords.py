"""Passwords: Argon2 hashes, and changing one's own password on the profile page."""

from django.contrib.auth.hashers import Argon2PasswordHasher
from pytest_django.asserts import assertContains, assertRedirects

import linli.settings as project_settings
from linli.accounts import services
from linli.accounts.models import User
from linli.audit.models import AuditEntry
from linli.core.permissions import Role
from linli.testing.world import PASSWORD


def test_the_project_hashes_passwords_with_argon2_first():
    hasher = project_settings.PASSWORD_HASHERS[0]
    assert hasher == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_a_new_users_password_is_stored_as_an_argon2_hash(world, settings):
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # the real cost, once
    user = services.user_create(
        username="li.na",
        full_name="李娜",
        password="Plum-blossom-77",
        role=Role.RESIDENT,
        region=world.a,
        by=world.subdistrict_admin,
    )
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert "Plum-blossom-77" not in user.password
    params = Argon2PasswordHasher().decode(user.password)
    assert (params["time_cost"], params["memory_cost"]) == (
        Argon2PasswordHasher.time_cost,
        Argon2PasswordHasher.memory_cost,
    )
    assert user.check_password("Plum-blossom-77")


def test_a_user_created_in_the_console_gets_an_argon2_hash(client, world):
    client.force_login(world.subdistrict_admin)
    client.post(
        "/accounts/users/new/",
        {
            "username": "li.na",
            "full_name": "李娜",
            "phone": "",
            "password": "Plum-blossom-77",
            "role": Role.RESIDENT,
            "region_code": world.a.code,
        },
    )
    assert User.objects.get(username="li.na").password.startswith("argon2")


def test_a_user_changes_their_password_on_the_profile_page(client, world):
    client.force_login(world.worker_a)
    response = client.post(
        "/accounts/profile/",
        {
            "old_password": PASSWORD,
            "new_password1": "Willow-river-2031",
            "new_password2": "Willow-river-2031",
        },
        follow=True,
    )
    assertRedirects(response, "/accounts/profile/")
    assertContains(response, "Your password has been changed.")
    assert client.get("/accounts/profile/").status_code == 200, "still signed in"
    world.worker_a.refresh_from_db()
    assert world.worker_a.password.startswith("argon2")
    assert world.worker_a.check_password("Willow-river-2031")
    assert not world.worker_a.check_password(PASSWORD)
    entry = AuditEntry.objects.get(action="password_change")
    assert (entry.actor, entry.object_label, entry.details) == (world.worker_a, "worker.a", {})


def test_a_password_change_needs_the_old_password_and_a_strong_new_one(client, world):
    client.force_login(world.worker_a)
    before = User.objects.get(pk=world.worker_a.pk).password
    response = client.post(
        "/accounts/profile/",
        {"old_password": "not-it", "new_password1": "password", "new_password2": "password"},
    )
    assertContains(response, "Your old password was entered incorrectly.")
    response = client.post(
        "/accounts/profile/",
        {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"},
    )
    assertContains(response, "This password is too common.")
    assertContains(response, "This password is too short. It must contain at least 10 characters.")
    assert User.objects.get(pk=world.worker_a.pk).password == before
    assert not AuditEntry.objects.filter(action="password_change").exists()
