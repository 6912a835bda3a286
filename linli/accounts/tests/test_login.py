"""Signing in to the console: username or phone, lockout, sessions, signing out."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db.models import F
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from linli.accounts.models import LoginAttempt
from linli.testing.world import PASSWORD

LOGIN = "/accounts/login/"
WRONG = "Wrong username/phone or password."
LOCKED = "Too many failed sign-ins"


def sign_in(client, identifier: str, password: str = PASSWORD, next_url=None, **headers):
    data = {"username": identifier, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post(LOGIN, data, **headers)


def signed_in_as(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def fail(client, identifier: str, times: int) -> None:
    for _ in range(times):
        response = sign_in(client, identifier, "not-the-password")
        assert response.status_code == 200
        assert signed_in_as(client) is None


def move_attempts_back(minutes: float, **filters) -> None:
    """Pretend the recorded attempts happened `minutes` earlier (instead of sleeping)."""
    LoginAttempt.objects.filter(**filters).update(at=F("at") - timedelta(minutes=minutes))


def test_the_login_page_shows_a_form(client, db):
    response = client.get(LOGIN)
    assertContains(response, 'name="username"')
    assertContains(response, 'name="password"')
    assertContains(response, "Username or mobile phone")


def test_it_signs_in_by_username(client, world):
    response = sign_in(client, "worker.a")
    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_as(client) == world.worker_a.pk


def test_it_signs_in_by_phone(client, world):
    response = sign_in(client, "13805330004")
    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_as(client) == world.worker_a.pk


def test_it_ignores_spaces_around_the_identifier(client, world):
    sign_in(client, "  13805330005 ")
    assert signed_in_as(client) == world.worker_b.pk


def test_a_wrong_password_is_refused_with_a_message(client, world):
    response = sign_in(client, "worker.a", "Correct-horse-43")
    assertContains(response, WRONG)
    assert signed_in_as(client) is None


def test_a_wrong_password_by_phone_is_refused_alike(client, world):
    response = sign_in(client, "13805330004", "nope-nope-nope")
    assertContains(response, WRONG)
    assert signed_in_as(client) is None


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(client, world):
    response = sign_in(client, "nobody.here")
    assertContains(response, WRONG)
    assert signed_in_as(client) is None


def test_an_inactive_user_cannot_sign_in_even_with_the_right_password(client, world):
    world.worker_a.is_active = False
    world.worker_a.save()
    for identifier in ("worker.a", "13805330004"):
        response = sign_in(client, identifier)
        assertContains(response, WRONG)
        assert signed_in_as(client) is None


def test_an_empty_form_names_the_missing_fields(client, world):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assertContains(response, "This field is required.", count=2)
    assert not LoginAttempt.objects.exists()


def test_it_goes_to_a_safe_next_page_after_signing_in(client, world):
    response = sign_in(client, "worker.a", next_url="/accounts/profile/")
    assertRedirects(response, "/accounts/profile/", fetch_redirect_response=False)


def test_it_refuses_to_redirect_to_another_site_after_signing_in(client, world):
    response = sign_in(client, "worker.a", next_url="https://evil.example/phish")
    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_as(client) == world.worker_a.pk


def test_a_signed_in_user_opening_the_login_page_goes_home(client, world):
    client.force_login(world.worker_a)
    assertRedirects(client.get(LOGIN), "/", fetch_redirect_response=False)


def test_the_login_form_needs_a_csrf_token(world):
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    response = sign_in(strict, "worker.a")
    assert response.status_code == 403
    assert signed_in_as(strict) is None


# Lockout -------------------------------------------------------------------------


def test_it_locks_after_five_failures_within_fifteen_minutes(client, world):
    assert django_settings.LINLI_LOCKOUT_ATTEMPTS == 5
    assert django_settings.LINLI_LOCKOUT_MINUTES == 15
    fail(client, "worker.a", 4)
    response = sign_in(client, "worker.a", "still-wrong-1")
    assertContains(response, "Too many failed sign-ins (5). Try again in 15 minutes.")
    assertNotContains(response, WRONG)


def test_four_failures_do_not_lock(client, world):
    fail(client, "worker.a", 4)
    sign_in(client, "worker.a")
    assert signed_in_as(client) == world.worker_a.pk


def test_even_the_right_password_is_refused_while_locked(client, world):
    fail(client, "worker.a", 5)
    response = sign_in(client, "worker.a")
    assertContains(response, "Too many failed sign-ins (5). Try again in 15 minutes.")
    assert signed_in_as(client) is None


def test_the_lock_opens_when_the_window_has_passed(client, world):
    fail(client, "worker.a", 5)
    move_attempts_back(14)
    response = sign_in(client, "worker.a")
    assertContains(response, "Too many failed sign-ins (5). Try again in 1 minute.")
    assert signed_in_as(client) is None
    move_attempts_back(1.1)
    response = sign_in(client, "worker.a")
    assertRedirects(response, "/", fetch_redirect_response=False)
    assert signed_in_as(client) == world.worker_a.pk


def test_attempts_while_locked_do_not_extend_the_lock(client, world):
    fail(client, "worker.a", 5)
    first_five = list(LoginAttempt.objects.values_list("pk", flat=True))
    for _ in range(5):
        assertContains(sign_in(client, "worker.a"), LOCKED)
        assertContains(sign_in(client, "worker.a", "wrong-again"), LOCKED)
    move_attempts_back(16, pk__in=first_five)
    sign_in(client, "worker.a")
    assert signed_in_as(client) == world.worker_a.pk


def test_failures_older_than_the_window_do_not_count(client, world):
    fail(client, "worker.a", 4)
    move_attempts_back(16)
    fail(client, "worker.a", 1)
    sign_in(client, "worker.a")
    assert signed_in_as(client) == world.worker_a.pk


def test_a_success_starts_the_count_again(client, world):
    fail(client, "worker.a", 4)
    sign_in(client, "worker.a")
    assert signed_in_as(client) == world.worker_a.pk
    client.logout()
    fail(client, "worker.a", 4)
    sign_in(client, "worker.a")
    assert signed_in_as(client) == world.worker_a.pk


def test_the_lock_follows_the_settings(client, world, settings):
    settings.LINLI_LOCKOUT_ATTEMPTS = 3
    settings.LINLI_LOCKOUT_MINUTES = 60
    fail(client, "worker.a", 2)
    response = sign_in(client, "worker.a", "wrong")
    assertContains(response, "Too many failed sign-ins (3). Try again in 60 minutes.")
    move_attempts_back(30)
    assertContains(sign_in(client, "worker.a"), "Try again in 30 minutes.")
    move_attempts_back(31)
    sign_in(client, "worker.a")
    assert signed_in_as(client) == world.worker_a.pk


def test_unknown_usernames_lock_too_with_the_same_message(client, world):
    fail(client, "nobody.here", 4)
    response = sign_in(client, "nobody.here")
    assertContains(response, "Too many failed sign-ins (5). Try again in 15 minutes.")


def test_the_lock_ignores_the_case_of_the_username(client, world):
    fail(client, "Worker.A", 5)
    assertContains(sign_in(client, "worker.a"), LOCKED)
    assert signed_in_as(client) is None


def test_failures_by_phone_and_by_username_lock_the_same_account(client, world):
    fail(client, "13805330004", 3)
    fail(client, "worker.a", 2)
    for identifier in ("worker.a", "13805330004"):
        assertContains(sign_in(client, identifier), LOCKED)
        assert signed_in_as(client) is None


def test_a_locked_account_does_not_lock_others(client, world):
    fail(client, "worker.a", 5)
    sign_in(client, "worker.b")
    assert signed_in_as(client) == world.worker_b.pk


def test_attempts_are_recorded_with_the_address(client, world):
    sign_in(client, "Worker.A", "wrong", REMOTE_ADDR="203.0.113.7")
    sign_in(client, "worker.a", REMOTE_ADDR="203.0.113.7")
    attempts = list(LoginAttempt.objects.order_by("at").values_list("ip_address", "succeeded"))
    assert attempts == [("203.0.113.7", False), ("203.0.113.7", True)]


# Sessions and signing out -----------------------------------------------------------


def test_the_session_ends_with_the_browser_or_after_eight_hours(client, world):
    assert django_settings.SESSION_COOKIE_AGE == 8 * 3600
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    response = sign_in(client, "worker.a")
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == "", "not a browser-session cookie"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert client.session.get_expire_at_browser_close()
    assert client.session.get_expiry_age() == 8 * 3600


def test_logout_needs_a_post(client, world):
    client.force_login(world.worker_a)
    assert client.get("/accounts/logout/").status_code == 405
    assert signed_in_as(client) == world.worker_a.pk


def test_logout_by_post_ends_the_session(client, world):
    client.force_login(world.worker_a)
    response = client.post("/accounts/logout/")
    assertRedirects(response, LOGIN, fetch_redirect_response=False)
    assert signed_in_as(client) is None
    assertRedirects(client.get("/accounts/profile/"), "/accounts/login/?next=/accounts/profile/")


@pytest.mark.parametrize("url", ["/", "/accounts/profile/", "/accounts/users/"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, db, url):
    assertRedirects(client.get(url), f"{LOGIN}?next={url}", fetch_redirect_response=False)
