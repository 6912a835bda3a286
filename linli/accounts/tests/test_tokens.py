"""Personal access tokens: made in the console or the API, used as Bearer, revoked."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from linli.accounts import services
from linli.accounts.models import AccessToken
from linli.api import api
from linli.audit.models import AuditEntry
from linli.testing.http import EN, PROBLEM, bearer, post_json, problem_of

SECRET = re.compile(r"linli_[A-Za-z0-9_-]{43}")


def sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def stored_anywhere(secret: str) -> bool:
    """Whether any column of any token row holds the secret."""
    return any(
        secret in str(value)
        for row in AccessToken.objects.values_list()
        for value in row
        if value is not None
    )


# Creating ---------------------------------------------------------------------------


def test_the_profile_page_shows_the_token_form(client, world):
    client.force_login(world.worker_a)
    response = client.get("/accounts/profile/")
    assertContains(response, 'action="/accounts/profile/tokens/"')
    assertContains(response, "No tokens yet.")


def test_a_token_made_in_the_console_is_shown_once_and_stored_as_a_digest(client, world):
    client.force_login(world.worker_a)
    response = client.post("/accounts/profile/tokens/", {"name": "热线对接", "days": 30})
    assertContains(response, "Copy the token now. It is not stored and will not be shown again.")
    secret = SECRET.search(response.content.decode()).group()
    token = AccessToken.objects.get()
    assert (token.user, token.name) == (world.worker_a, "热线对接")
    assert token.digest == sha256(secret)
    assert not stored_anywhere(secret)
    assert secret.startswith(token.prefix)
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    profile = client.get("/accounts/profile/")
    assertContains(profile, "热线对接")
    assertContains(profile, token.prefix)
    assertNotContains(profile, secret)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "days": 30}, "This field is required."),
        ({"name": "x" * 81, "days": 30}, "Ensure this value has at most 80 characters"),
        ({"name": "bridge", "days": 0}, "Ensure this value is greater than or equal to 1."),
        ({"name": "bridge", "days": 366}, "Ensure this value is less than or equal to 365."),
        ({"name": "   ", "days": 30}, "This field is required."),
    ],
)
def test_the_console_refuses_a_bad_token_request(client, world, data, message):
    client.force_login(world.worker_a)
    response = client.post("/accounts/profile/tokens/", data)
    assertContains(response, message, status_code=422)
    assertContains(response, "The token was not created", status_code=422)
    assert not AccessToken.objects.exists()


def test_the_api_creates_a_token_and_shows_its_secret_once(client, world):
    client.force_login(world.worker_a)
    response = post_json(client, "/api/v1/tokens", {"name": "bridge", "days": 7})
    assert response.status_code == 201
    body = response.json()
    secret = body["token"]
    assert SECRET.fullmatch(secret)
    token = AccessToken.objects.get(pk=body["id"])
    assert token.digest == sha256(secret)
    assert not stored_anywhere(secret)
    assert body["prefix"] == token.prefix == secret[:12]
    listed = client.get("/api/v1/tokens").json()["items"]
    assert [t["id"] for t in listed] == [token.pk]
    assert "token" not in listed[0] and "digest" not in listed[0]
    assert secret not in client.get("/api/v1/tokens").content.decode()


def test_the_api_creates_a_token_when_called_with_a_token(client, world):
    _token, secret = services.token_create(user=world.worker_a, name="first", days=1, by=None)
    response = post_json(client, "/api/v1/tokens", {"name": "second"}, **bearer(secret))
    assert response.status_code == 201
    created = AccessToken.objects.get(pk=response.json()["id"])
    assert created.user == world.worker_a
    assert abs(created.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ({"name": "   ", "days": 30}, "Give the token a name of at most 80 characters."),
    ],
)
def test_the_api_refuses_a_bad_token_request_with_a_clear_detail(client, world, payload, detail):
    client.force_login(world.worker_a)
    body = problem_of(post_json(client, "/api/v1/tokens", payload), 422)
    assert body["detail"] == detail
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize("days", [0, 366])
def test_the_api_refuses_a_token_for_days_out_of_the_documented_range(client, world, days):
    schema = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]["TokenIn"]
    assert (schema["properties"]["days"]["minimum"], schema["properties"]["days"]["maximum"]) == (
        1,
        365,
    )
    client.force_login(world.worker_a)
    body = problem_of(post_json(client, "/api/v1/tokens", {"name": "x", "days": days}), 422)
    assert [e["field"] for e in body["errors"]] == ["body.payload.days"]
    assert not AccessToken.objects.exists()


def test_a_token_without_a_name_is_refused_as_documented(client, world):
    schema = api.get_openapi_schema(path_prefix="/api/v1/")["components"]["schemas"]["TokenIn"]
    assert schema["properties"]["name"]["minLength"] == 1
    client.force_login(world.worker_a)
    body = problem_of(post_json(client, "/api/v1/tokens", {"name": "", "days": 30}), 422)
    assert [e["field"] for e in body["errors"]] == ["body.payload.name"]
    assert not AccessToken.objects.exists()


def test_the_tokens_list_is_only_the_callers_own(client, world):
    services.token_create(user=world.worker_b, name="市南对接", days=30, by=None)
    services.token_create(user=world.worker_a, name="mine", days=30, by=None)
    client.force_login(world.worker_a)
    assert [t["name"] for t in client.get("/api/v1/tokens").json()["items"]] == ["mine"]
    assertNotContains(client.get("/accounts/profile/"), "市南对接")


# Using ------------------------------------------------------------------------------


def test_a_bearer_token_authenticates_api_calls(client, world):
    token, secret = services.token_create(user=world.worker_a, name="bridge", days=30, by=None)
    response = client.get("/api/v1/me", **bearer(secret))
    assert response.status_code == 200
    me = response.json()
    assert me["username"] == "worker.a"
    assert me["phone"] == "138****0004"
    assert [(g["role"], g["region_code"]) for g in me["grants"]] == [
        ("community_worker", world.a.code)
    ]
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_bearer_token_carries_the_users_roles(client, world):
    _token, worker_secret = services.token_create(user=world.worker_a, name="w", days=30, by=None)
    _token, admin_secret = services.token_create(
        user=world.subdistrict_admin, name="a", days=30, by=None
    )
    assert client.get("/api/v1/users", **bearer(worker_secret)).status_code == 403
    assert client.get("/api/v1/users", **bearer(admin_secret)).status_code == 200


def test_no_credentials_get_a_401_problem(client, db):
    response = client.get("/api/v1/me", **EN)
    body = problem_of(response, 401)
    assert body["detail"] == "Sign in or send a valid access token."
    assert response["WWW-Authenticate"] == "Bearer"


def test_an_expired_token_gets_a_401_saying_so(client, world):
    token, secret = services.token_create(user=world.worker_a, name="old", days=1, by=None)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    body = problem_of(client.get("/api/v1/me", **bearer(secret)), 401)
    assert body["detail"] == "The access token has expired."


def test_a_revoked_token_gets_a_401_saying_so(client, world):
    token, secret = services.token_create(user=world.worker_a, name="gone", days=30, by=None)
    services.token_revoke(token=token, by=None)
    body = problem_of(client.get("/api/v1/me", **bearer(secret)), 401)
    assert body["detail"] == "The access token has been revoked."


@pytest.mark.parametrize("garbage", ["nonsense", "linli_" + "A" * 43, "''", "a b c"])
def test_a_garbage_token_gets_a_401_saying_it_is_not_valid(client, world, garbage):
    services.token_create(user=world.worker_a, name="real", days=30, by=None)
    response = client.get("/api/v1/me", **bearer(garbage))
    body = problem_of(response, 401)
    assert body["detail"] == "The access token is not valid."
    assert body["title"] == "Authentication required."
    assert response["WWW-Authenticate"] == "Bearer"


def test_the_three_token_failures_are_told_apart(client, world):
    expired, expired_secret = services.token_create(user=world.worker_a, name="e", days=1, by=None)
    AccessToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    revoked, revoked_secret = services.token_create(user=world.worker_a, name="r", days=1, by=None)
    services.token_revoke(token=revoked, by=None)
    details = {
        problem_of(client.get("/api/v1/me", **bearer(secret)), 401)["detail"]
        for secret in (expired_secret, revoked_secret, "garbage")
    }
    assert len(details) == 3


def test_a_token_of_an_inactive_user_is_not_valid(client, world):
    _token, secret = services.token_create(user=world.worker_a, name="bridge", days=30, by=None)
    world.worker_a.is_active = False
    world.worker_a.save()
    body = problem_of(client.get("/api/v1/me", **bearer(secret)), 401)
    assert body["detail"] == "The access token is not valid."


def test_a_token_problem_is_json_even_on_routes_needing_an_action(client, world):
    response = client.get("/api/v1/users", **bearer("garbage"))
    assert response["Content-Type"] == PROBLEM
    assert response.status_code == 401


# Revoking ---------------------------------------------------------------------------


def test_the_api_revokes_a_token_and_it_stops_working(client, world):
    token, secret = services.token_create(user=world.worker_a, name="bridge", days=30, by=None)
    response = client.delete(f"/api/v1/tokens/{token.pk}", **bearer(secret))
    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    body = problem_of(client.get("/api/v1/me", **bearer(secret)), 401)
    assert body["detail"] == "The access token has been revoked."


def test_creating_and_revoking_a_token_are_audited_without_the_secret(client, world):
    client.force_login(world.worker_a)
    answer = post_json(client, "/api/v1/tokens", {"name": "对接", "days": 7}).json()
    client.delete(f"/api/v1/tokens/{answer['id']}")
    client.delete(f"/api/v1/tokens/{answer['id']}")  # a second revoke changes nothing

    created, revoked = AuditEntry.objects.filter(
        action__in=["token_create", "token_revoke"]
    ).order_by("seq")
    assert AuditEntry.objects.filter(action="token_revoke").count() == 1
    for entry in (created, revoked):
        assert entry.actor == world.worker_a
        assert entry.object_id == str(answer["id"])
        assert entry.object_label.startswith("worker.a: 对接 (linli_")
        assert entry.region == world.a
        assert answer["token"] not in str(entry.details) + entry.object_label
    assert (created.action, created.details, revoked.action) == (
        "token_create",
        {"days": 7},
        "token_revoke",
    )


def test_revoking_twice_keeps_the_first_revocation_time(client, world):
    token, _secret = services.token_create(user=world.worker_a, name="bridge", days=30, by=None)
    client.force_login(world.worker_a)
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    first = AccessToken.objects.get(pk=token.pk).revoked_at
    assert client.delete(f"/api/v1/tokens/{token.pk}").status_code == 204
    assert AccessToken.objects.get(pk=token.pk).revoked_at == first


def test_the_api_will_not_revoke_someone_elses_token(client, world):
    theirs, their_secret = services.token_create(
        user=world.worker_b, name="市南对接", days=30, by=None
    )
    _mine, my_secret = services.token_create(user=world.worker_a, name="mine", days=30, by=None)
    response = client.delete(f"/api/v1/tokens/{theirs.pk}", **bearer(my_secret))
    problem_of(response, 404)
    assert AccessToken.objects.get(pk=theirs.pk).revoked_at is None
    assert client.get("/api/v1/me", **bearer(their_secret)).status_code == 200


def test_not_even_an_admin_revokes_someone_elses_token(client, world):
    theirs, _secret = services.token_create(user=world.worker_a, name="bridge", days=30, by=None)
    client.force_login(world.platform_admin)
    problem_of(client.delete(f"/api/v1/tokens/{theirs.pk}"), 404)
    assert client.post(f"/accounts/profile/tokens/{theirs.pk}/revoke/").status_code == 404
    assert AccessToken.objects.get(pk=theirs.pk).revoked_at is None


def test_the_console_revokes_a_token(client, world):
    token, secret = services.token_create(user=world.worker_a, name="热线对接", days=30, by=None)
    client.force_login(world.worker_a)
    response = client.post(f"/accounts/profile/tokens/{token.pk}/revoke/", follow=True)
    assertRedirects(response, "/accounts/profile/")
    assertContains(response, "Token “热线对接” revoked.")
    assertContains(response, "Revoked")
    assert AccessToken.objects.get(pk=token.pk).revoked_at is not None
    assert client.get("/api/v1/me", **bearer(secret)).status_code == 401


def test_the_console_revokes_only_by_post(client, world):
    token, _secret = services.token_create(user=world.worker_a, name="bridge", days=30, by=None)
    client.force_login(world.worker_a)
    assert client.get(f"/accounts/profile/tokens/{token.pk}/revoke/").status_code == 405
    assert AccessToken.objects.get(pk=token.pk).revoked_at is None


def test_the_console_will_not_revoke_someone_elses_token(client, world):
    theirs, _secret = services.token_create(user=world.worker_b, name="市南对接", days=30, by=None)
    client.force_login(world.worker_a)
    assert client.post(f"/accounts/profile/tokens/{theirs.pk}/revoke/").status_code == 404
    assert AccessToken.objects.get(pk=theirs.pk).revoked_at is None


def test_the_profile_marks_expired_tokens(client, world):
    token, _secret = services.token_create(user=world.worker_a, name="old", days=1, by=None)
    AccessToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(days=1))
    client.force_login(world.worker_a)
    response = client.get("/accounts/profile/")
    assertContains(response, "Expired")
    assertNotContains(response, f"/accounts/profile/tokens/{token.pk}/revoke/")
