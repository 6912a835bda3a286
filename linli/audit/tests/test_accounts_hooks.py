"""Accounts write one audit entry per sign-in event and per change of a user or a grant,
in the same transaction as the change — and none when the action is refused."""

import json

import pytest

from linli.accounts import services
from linli.accounts.models import LoginAttempt, RoleGrant
from linli.audit import chain
from linli.audit.choices import AuditAction
from linli.audit.tests.support import last_seq, new_entries
from linli.core.permissions import Role
from linli.testing.world import PASSWORD

LOGIN = "/accounts/login/"


@pytest.fixture
def since(world) -> int:
    return last_seq()


def sign_in(client, identifier: str, password: str = PASSWORD, ip="198.51.100.20"):
    return client.post(LOGIN, {"username": identifier, "password": password}, REMOTE_ADDR=ip)


def post_json(client, url: str, payload: dict):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def only_new(since: int):
    entries = new_entries(since)
    assert len(entries) == 1, [e.action for e in entries]
    return entries[0]


# Signing in ----------------------------------------------------------------------------


def test_a_sign_in_writes_one_login_entry(client, world, since):
    assert sign_in(client, "13805330004").status_code == 302
    entry = only_new(since)
    assert entry.action == AuditAction.LOGIN
    assert (entry.actor, entry.object_type, entry.object_id) == (
        world.worker_a,
        "accounts.user",
        str(world.worker_a.pk),
    )
    assert entry.object_label == "worker.a"
    assert entry.region == world.a, "filed where the person works"
    assert entry.ip_address == "198.51.100.20"


def test_a_wrong_password_writes_one_login_failed_entry_without_an_actor(client, world, since):
    sign_in(client, "worker.a", "wrong-password")
    entry = only_new(since)
    assert entry.action == AuditAction.LOGIN_FAILED
    assert entry.actor is None
    assert (entry.object_id, entry.object_label, entry.region) == (
        str(world.worker_a.pk),
        "worker.a",
        world.a,
    )


def test_an_unknown_name_is_written_masked_and_without_a_region(client, world, since):
    sign_in(client, "Correct-horse-42")  # a password typed into the name field
    entry = only_new(since)
    assert entry.action == AuditAction.LOGIN_FAILED
    assert (entry.object_type, entry.object_id, entry.region) == ("accounts.user", "", None)
    assert entry.object_label == "Co…"
    assert "horse" not in json.dumps(entry.details)


def test_an_unknown_phone_number_is_written_masked(client, world, since):
    sign_in(client, "13900001111")
    assert only_new(since).object_label == "139****1111"


def test_a_failure_that_locks_the_account_writes_a_lockout_entry(client, world, since):
    for _ in range(4):
        sign_in(client, "worker.a", "wrong-password")
    before = last_seq()
    response = sign_in(client, "worker.a", "wrong-password")
    assert "Too many failed sign-ins" in response.content.decode()
    entry = only_new(before)
    assert entry.action == AuditAction.LOCKOUT
    assert entry.object_id == str(world.worker_a.pk) and entry.region == world.a
    assert entry.details["failures"] == 5 and entry.details["minutes"] == 15
    assert [e.action for e in new_entries(since)] == [AuditAction.LOGIN_FAILED] * 4 + [
        AuditAction.LOCKOUT
    ]


def test_each_attempt_while_locked_writes_a_refusal_but_no_login_attempt(client, world):
    for _ in range(5):
        sign_in(client, "worker.a", "wrong-password")
    attempts, before = LoginAttempt.objects.count(), last_seq()
    sign_in(client, "worker.a")  # the right password, refused while locked
    entry = only_new(before)
    assert entry.action == AuditAction.LOGIN_REFUSED
    assert entry.object_id == str(world.worker_a.pk)
    assert "until" in entry.details
    assert LoginAttempt.objects.count() == attempts, "refusals do not extend the lock"


def test_an_empty_form_writes_nothing(client, world, since):
    client.post(LOGIN, {"username": "", "password": ""})
    assert new_entries(since) == []


def test_a_user_with_places_in_two_communities_is_filed_at_their_common_subdistrict(
    client, world, since
):
    RoleGrant.objects.create(user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.b)
    sign_in(client, "worker.a")
    assert only_new(since).region == world.subdistrict


def test_a_user_in_two_subdistricts_is_filed_at_the_district(client, world, since):
    RoleGrant.objects.create(
        user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.region("370306002001")
    )
    sign_in(client, "worker.a")
    assert only_new(since).region == world.district


# Role grants ---------------------------------------------------------------------------


def test_granting_a_role_writes_one_entry(client, world, since):
    client.force_login(world.subdistrict_admin)
    response = post_json(
        client,
        f"/api/v1/users/{world.worker_a.pk}/grants",
        {"role": Role.GRID_WORKER, "region_code": world.a1.code},
    )
    assert response.status_code == 201
    entry = only_new(since)
    assert entry.action == AuditAction.GRANT_CREATE
    assert entry.actor == world.subdistrict_admin
    assert (entry.object_type, entry.object_id) == (
        "accounts.rolegrant",
        str(response.json()["id"]),
    )
    assert entry.region == world.a1
    assert entry.object_label == "worker.a · 网格员"
    assert entry.details == {
        "user_id": world.worker_a.pk,
        "role": "grid_worker",
        "region_code": world.a1.code,
    }


def test_a_refused_grant_writes_nothing(client, world, since):
    client.force_login(world.subdistrict_admin)
    response = post_json(
        client,
        f"/api/v1/users/{world.worker_a.pk}/grants",
        {"role": Role.DISTRICT_ADMIN, "region_code": world.district.code},
    )
    assert response.status_code == 422
    assert new_entries(since) == []


def test_a_duplicate_grant_writes_nothing(world, since):
    with pytest.raises(services.ValidationError):
        services.grant_create(
            user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.a, by=None
        )
    assert new_entries(since) == []


def test_revoking_a_role_writes_one_entry(client, world):
    extra = services.grant_create(
        user=world.worker_a, role=Role.GRID_WORKER, region=world.a1, by=None
    )
    before = last_seq()
    client.force_login(world.subdistrict_admin)
    assert client.delete(f"/api/v1/grants/{extra.pk}").status_code == 204
    entry = only_new(before)
    assert entry.action == AuditAction.GRANT_REVOKE
    assert (entry.actor, entry.object_id, entry.region) == (
        world.subdistrict_admin,
        str(extra.pk),
        world.a1,
    )


def test_a_refused_revocation_writes_nothing(client, world, since):
    client.force_login(world.subdistrict_admin)
    last_role = world.worker_a.grants.get()
    response = client.delete(f"/api/v1/grants/{last_role.pk}")
    assert response.status_code == 422, "a user's last role cannot be revoked"
    assert new_entries(since) == []


# Users --------------------------------------------------------------------------------


def test_creating_a_user_writes_one_entry(client, world, since):
    client.force_login(world.subdistrict_admin)
    response = post_json(
        client,
        "/api/v1/users",
        {
            "username": "new.worker",
            "full_name": "王新",
            "password": "Another-horse-77",
            "phone": "13805339999",
            "role": Role.COMMUNITY_WORKER,
            "region_code": world.b.code,
        },
    )
    assert response.status_code == 201, response.content
    entry = only_new(since)
    assert entry.action == AuditAction.USER_CREATE
    assert (entry.actor, entry.object_id, entry.region) == (
        world.subdistrict_admin,
        str(response.json()["id"]),
        world.b,
    )
    assert entry.object_label == "new.worker"
    assert entry.details == {"role": "community_worker", "region_code": world.b.code}
    assert "王新" not in json.dumps(entry.details, ensure_ascii=False)
    assert "13805339999" not in entry.object_label


def test_a_refused_user_creation_writes_nothing(client, world, since):
    client.force_login(world.subdistrict_admin)
    response = post_json(
        client,
        "/api/v1/users",
        {
            "username": "new.worker",
            "full_name": "王新",
            "password": "short",
            "role": Role.COMMUNITY_WORKER,
            "region_code": world.b.code,
        },
    )
    assert response.status_code == 422
    assert new_entries(since) == []


def test_deactivating_and_reactivating_write_one_entry_each(client, world, since):
    client.force_login(world.subdistrict_admin)
    url = f"/api/v1/users/{world.worker_a.pk}"
    assert (
        client.patch(url, {"is_active": False}, content_type="application/json").status_code == 200
    )
    deactivated = only_new(since)
    assert deactivated.action == AuditAction.USER_DEACTIVATE
    assert (deactivated.actor, deactivated.object_id, deactivated.region) == (
        world.subdistrict_admin,
        str(world.worker_a.pk),
        world.a,
    )
    assert (
        client.patch(url, {"is_active": True}, content_type="application/json").status_code == 200
    )
    assert only_new(deactivated.seq).action == AuditAction.USER_REACTIVATE


def test_setting_the_same_state_again_writes_nothing(client, world, since):
    client.force_login(world.subdistrict_admin)
    url = f"/api/v1/users/{world.worker_a.pk}"
    assert (
        client.patch(url, {"is_active": True}, content_type="application/json").status_code == 200
    )
    assert new_entries(since) == []


def test_a_refused_deactivation_writes_nothing(client, world, since):
    client.force_login(world.subdistrict_admin)
    url = f"/api/v1/users/{world.subdistrict_admin.pk}"
    response = client.patch(url, {"is_active": False}, content_type="application/json")
    assert response.status_code in (404, 422)
    assert new_entries(since) == []


def test_the_console_paths_write_the_same_entries(client, world, since):
    client.force_login(world.subdistrict_admin)
    client.post(
        f"/accounts/users/{world.worker_a.pk}/",
        {"role": Role.GRID_WORKER, "region_code": world.a1.code},
    )
    grant = RoleGrant.objects.get(user=world.worker_a, role=Role.GRID_WORKER)
    client.post(f"/accounts/grants/{grant.pk}/revoke/")
    client.post(f"/accounts/users/{world.worker_a.pk}/active/", {"active": "0"})
    assert [e.action for e in new_entries(since)] == [
        AuditAction.GRANT_CREATE,
        AuditAction.GRANT_REVOKE,
        AuditAction.USER_DEACTIVATE,
    ]
    assert chain.verify().ok
