"""The 大字 (large-text) preference: a signed-in person's is kept on their account and
applies on any device they sign in on; without an account (public pages, a TV, a shared
phone) the browser's cookie keeps it."""

import pytest
from django.test import Client

from linli.core.views import TEXT_COOKIE

pytestmark = pytest.mark.django_db
LARGE = 'class="large-text"'


def large(client: Client, path: str = "/") -> bool:
    page = client.get(path, follow=True)
    return LARGE in page.content.decode()


def test_a_signed_in_persons_choice_follows_them_to_another_device(world):
    phone = Client()
    phone.force_login(world.resident_a)
    assert not large(phone)
    answer = phone.post("/text-size/", {"large": "1", "next": "/notices/for-me/"})
    assert answer.status_code == 302 and answer["Location"] == "/notices/for-me/"
    world.resident_a.refresh_from_db()
    assert world.resident_a.large_text is True
    assert large(phone)
    television = Client()  # another device, no cookie
    television.force_login(world.resident_a)
    assert large(television)
    assert 'aria-pressed="true"' in television.get("/").content.decode()
    # turned off on the second device: off on the first too
    television.post("/text-size/", {"large": "0", "next": "/"})
    world.resident_a.refresh_from_db()
    assert world.resident_a.large_text is False
    assert not large(phone) and not large(television)


def test_the_account_wins_over_the_browsers_cookie(world):
    shared = Client()
    shared.cookies[TEXT_COOKIE] = "large"  # a family member's choice, before signing in
    assert large(shared, "/accounts/login/")
    shared.force_login(world.worker_a)
    assert not large(shared)


def test_without_an_account_the_cookie_keeps_it(world):
    anyone = Client()
    answer = anyone.post("/text-size/", {"large": "1", "next": "https://evil.example/"})
    assert answer["Location"] == "/"
    assert anyone.cookies[TEXT_COOKIE].value == "large"
    assert large(anyone, "/accounts/login/")
    anyone.post("/text-size/", {"large": "0", "next": "/"})
    assert not large(anyone, "/accounts/login/")
