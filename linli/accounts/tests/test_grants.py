"""Granting and revoking roles: who may grant what, where, in the console and the API."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from linli.accounts import services
from linli.accounts.models import RoleGrant, User
from linli.accounts.tests.support import counts
from linli.core.permissions import Role
from linli.regions.services import grid_retire
from linli.testing.http import bearer, post_json, problem_of

OTHER_SUBDISTRICTS_COMMUNITY = "370306002001"  # 丝绸社区, under 大街街道
NO_SUCH_REGION = "370306009001"


def grant_api(client, user, role, code):
    return post_json(client, f"/api/v1/users/{user.pk}/grants", {"role": role, "region_code": code})


def grant_console(client, user, role, code, follow=False):
    return client.post(
        f"/accounts/users/{user.pk}/", {"role": role, "region_code": code}, follow=follow
    )


def active_roles(user) -> set[tuple[str, str]]:
    return {
        (g.role, g.region.code)
        for g in RoleGrant.objects.active().filter(user=user).select_related("region")
    }


# Granting: what a subdistrict admin may do -------------------------------------------


@pytest.mark.parametrize(
    ("role", "where"),
    [(Role.COMMUNITY_WORKER, "b"), (Role.GRID_WORKER, "a1"), (Role.RESIDENT, "b")],
)
def test_a_subdistrict_admin_grants_local_roles_in_their_subdistrict(client, world, role, where):
    client.force_login(world.subdistrict_admin)
    code = getattr(world, where).code
    response = grant_api(client, world.worker_a, role, code)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["role"], body["region_code"]) == (role, code)
    grant = RoleGrant.objects.get(pk=body["id"])
    assert grant.granted_by == world.subdistrict_admin
    assert (role, code) in active_roles(world.worker_a)


def test_a_subdistrict_admin_grants_a_role_in_the_console(client, world):
    client.force_login(world.subdistrict_admin)
    response = grant_console(client, world.worker_a, Role.GRID_WORKER, world.a1.code, follow=True)
    assertRedirects(response, f"/accounts/users/{world.worker_a.pk}/")
    assertContains(response, "Role granted.")
    assertContains(response, world.a1.name)
    assert (Role.GRID_WORKER, world.a1.code) in active_roles(world.worker_a)


@pytest.mark.parametrize(
    ("role", "code", "detail"),
    [
        (
            Role.SUBDISTRICT_ADMIN,
            "370306001000",
            "You may not grant or revoke the role Subdistrict admin.",
        ),
        (
            Role.DEPARTMENT_HANDLER,
            "370306001000",
            "You may not grant or revoke the role Department handler.",
        ),
        (Role.AUDITOR, "370306001000", "You may not grant or revoke the role Auditor."),
        # Above their subdistrict: not theirs to see, so not even named.
        (Role.DISTRICT_ADMIN, "370306000000", "Unknown region code 370306000000."),
        (Role.PLATFORM_ADMIN, "370300000000", "Unknown region code 370300000000."),
    ],
)
def test_a_subdistrict_admin_may_not_grant_higher_roles(client, world, role, code, detail):
    client.force_login(world.subdistrict_admin)
    before = counts()
    body = problem_of(grant_api(client, world.worker_a, role, code), 422)
    assert body["detail"] == detail
    assert counts() == before


def test_the_console_refuses_a_role_it_did_not_offer(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    response = grant_console(client, world.worker_a, Role.SUBDISTRICT_ADMIN, "370306001000")
    assertContains(response, "Select a valid choice. subdistrict_admin is not one of the")
    assert counts() == before


def test_a_district_admin_grants_a_subdistrict_admin(client, world):
    client.force_login(world.district_admin)
    response = grant_api(client, world.worker_a, Role.SUBDISTRICT_ADMIN, "370306002000")
    assert response.status_code == 201
    assert (Role.SUBDISTRICT_ADMIN, "370306002000") in active_roles(world.worker_a)


def test_a_district_admin_may_not_make_a_platform_admin(client, world):
    client.force_login(world.district_admin)
    body = problem_of(grant_api(client, world.worker_a, Role.PLATFORM_ADMIN, "370300000000"), 422)
    assert body["detail"] == "Unknown region code 370300000000."
    body = problem_of(grant_api(client, world.worker_a, Role.DISTRICT_ADMIN, "370306000000"), 422)
    assert body["detail"] == "You may not grant or revoke the role District admin."


def test_a_platform_admin_grants_any_role(client, world):
    client.force_login(world.platform_admin)
    response = grant_api(client, world.worker_a, Role.PLATFORM_ADMIN, "370300000000")
    assert response.status_code == 201


# Granting: regions outside the admin's scope ------------------------------------------


def test_a_region_outside_the_scope_is_an_unknown_region_in_the_api(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    response = grant_api(client, world.worker_a, Role.RESIDENT, OTHER_SUBDISTRICTS_COMMUNITY)
    body = problem_of(response, 422)
    assert body["detail"] == f"Unknown region code {OTHER_SUBDISTRICTS_COMMUNITY}."
    assert counts() == before


def test_outside_the_scope_and_nonexistent_answer_alike(client, world):
    client.force_login(world.subdistrict_admin)
    outside = problem_of(
        grant_api(client, world.worker_a, Role.RESIDENT, OTHER_SUBDISTRICTS_COMMUNITY), 422
    )
    missing = problem_of(grant_api(client, world.worker_a, Role.RESIDENT, NO_SUCH_REGION), 422)
    assert outside["detail"].replace(OTHER_SUBDISTRICTS_COMMUNITY, "?") == missing[
        "detail"
    ].replace(NO_SUCH_REGION, "?")
    assert [e["field"] for e in outside["errors"]] == [e["field"] for e in missing["errors"]]


def test_a_region_outside_the_scope_is_a_form_error_in_the_console(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    response = grant_console(client, world.worker_a, Role.RESIDENT, OTHER_SUBDISTRICTS_COMMUNITY)
    assertContains(response, f"Unknown region code {OTHER_SUBDISTRICTS_COMMUNITY}.")
    assertContains(response, "invalid-feedback")
    assert counts() == before


@pytest.mark.parametrize("code", [OTHER_SUBDISTRICTS_COMMUNITY, NO_SUCH_REGION])
def test_a_new_user_outside_the_scope_is_refused_in_the_api(client, world, code):
    client.force_login(world.subdistrict_admin)
    before = counts()
    payload = {
        "username": "li.na",
        "full_name": "李娜",
        "password": "Plum-blossom-77",
        "role": Role.RESIDENT,
        "region_code": code,
    }
    body = problem_of(post_json(client, "/api/v1/users", payload), 422)
    assert body["detail"] == f"Unknown region code {code}."
    assert counts() == before
    assert not User.objects.filter(username="li.na").exists()


def test_a_new_user_outside_the_scope_is_a_form_error_in_the_console(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    response = client.post(
        "/accounts/users/new/",
        {
            "username": "li.na",
            "full_name": "李娜",
            "password": "Plum-blossom-77",
            "role": Role.RESIDENT,
            "region_code": OTHER_SUBDISTRICTS_COMMUNITY,
        },
    )
    assertContains(response, f"Unknown region code {OTHER_SUBDISTRICTS_COMMUNITY}.")
    assert counts() == before


def test_an_admin_cannot_grant_to_a_user_outside_their_scope(client, world):
    dajie_resident = world.person("dajie.resident", Role.RESIDENT, OTHER_SUBDISTRICTS_COMMUNITY)
    client.force_login(world.subdistrict_admin)
    before = counts()
    problem_of(grant_api(client, dajie_resident, Role.RESIDENT, world.a.code), 404)
    assert grant_console(client, dajie_resident, Role.RESIDENT, world.a.code).status_code == 404
    assert counts() == before


# Granting: levels, duplicates, retired regions ---------------------------------------


@pytest.mark.parametrize(
    ("role", "code", "message"),
    [
        (Role.GRID_WORKER, "370306001001", "The role Grid worker is held at: Grid."),
        (
            Role.COMMUNITY_WORKER,
            "370306001000",
            "The role Community worker is held at: Community / village.",
        ),
        (Role.RESIDENT, "370306001001001", "The role Resident is held at: Community / village."),
    ],
)
def test_a_role_at_the_wrong_level_is_refused(client, world, role, code, message):
    client.force_login(world.subdistrict_admin)
    before = counts()
    body = problem_of(grant_api(client, world.worker_a, role, code), 422)
    assert body["detail"] == message
    assertContains(grant_console(client, world.worker_a, role, code), message)
    assert counts() == before


def test_the_wrong_level_names_every_allowed_level(client, world):
    client.force_login(world.district_admin)
    body = problem_of(grant_api(client, world.worker_a, Role.AUDITOR, world.a.code), 422)
    assert body["detail"] == "The role Auditor is held at: City, District, Subdistrict / town."


def test_a_duplicate_active_grant_is_refused(client, world):
    client.force_login(world.subdistrict_admin)
    before = counts()
    body = problem_of(grant_api(client, world.worker_a, Role.COMMUNITY_WORKER, world.a.code), 422)
    assert body["detail"] == "This user already holds this role here."
    response = grant_console(client, world.worker_a, Role.COMMUNITY_WORKER, world.a.code)
    assertContains(response, "This user already holds this role here.")
    assert counts() == before


def test_a_revoked_role_can_be_granted_again(client, world):
    grant = world.worker_a.grants.get()
    services.grant_create(user=world.worker_a, role=Role.RESIDENT, region=world.a, by=None)
    services.grant_revoke(grant=grant, by=world.subdistrict_admin)
    client.force_login(world.subdistrict_admin)
    response = grant_api(client, world.worker_a, Role.COMMUNITY_WORKER, world.a.code)
    assert response.status_code == 201
    assert RoleGrant.objects.filter(user=world.worker_a, role=Role.COMMUNITY_WORKER).count() == 2
    assert active_roles(world.worker_a) == {
        (Role.COMMUNITY_WORKER, world.a.code),
        (Role.RESIDENT, world.a.code),
    }


def test_no_role_is_granted_at_a_retired_grid(client, world):
    grid_retire(grid=world.b1, by=None)
    client.force_login(world.subdistrict_admin)
    before = counts()
    body = problem_of(grant_api(client, world.worker_b, Role.GRID_WORKER, world.b1.code), 422)
    assert body["detail"] == f"{world.b1.name} is retired; roles cannot be granted there."
    assert counts() == before


# Revoking -----------------------------------------------------------------------------


def test_an_admin_revokes_a_grant_through_the_api(client, world):
    grant = services.grant_create(user=world.worker_a, role=Role.RESIDENT, region=world.a, by=None)
    client.force_login(world.subdistrict_admin)
    assert client.delete(f"/api/v1/grants/{grant.pk}").status_code == 204
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert grant.revoked_by == world.subdistrict_admin
    problem_of(client.delete(f"/api/v1/grants/{grant.pk}"), 404)


def test_an_admin_revokes_a_grant_in_the_console(client, world):
    services.grant_create(user=world.worker_a, role=Role.RESIDENT, region=world.a, by=None)
    grant = world.worker_a.grants.get(role=Role.RESIDENT)
    client.force_login(world.subdistrict_admin)
    response = client.post(f"/accounts/grants/{grant.pk}/revoke/", follow=True)
    assertRedirects(response, f"/accounts/users/{world.worker_a.pk}/")
    assertContains(response, "Role revoked.")
    grant.refresh_from_db()
    assert (grant.revoked_by, grant.revoked_at is not None) == (world.subdistrict_admin, True)


def test_revoking_a_users_last_role_in_your_scope_lands_on_the_user_list(client, world):
    elsewhere = world.region("370306002001")  # 丝绸社区, in the other subdistrict
    services.grant_create(user=world.worker_a, role=Role.RESIDENT, region=elsewhere, by=None)
    grant = world.worker_a.grants.get(role=Role.COMMUNITY_WORKER)
    client.force_login(world.subdistrict_admin)
    response = client.post(f"/accounts/grants/{grant.pk}/revoke/", follow=True)
    assertRedirects(response, "/accounts/users/")
    assertContains(response, "Role revoked.")
    assertNotContains(response, "worker.a")
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is not None


def test_a_users_last_role_cannot_be_revoked(client, world):
    grant = world.worker_a.grants.get()
    client.force_login(world.subdistrict_admin)
    body = problem_of(client.delete(f"/api/v1/grants/{grant.pk}"), 422)
    assert body["detail"] == (
        "This is the user's last role: grant another one first, or deactivate the user instead."
    )
    response = client.post(f"/accounts/grants/{grant.pk}/revoke/", follow=True)
    assertContains(response, "This is the user&#x27;s last role")
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_the_console_revokes_only_by_post(client, world):
    grant = world.worker_a.grants.get()
    client.force_login(world.subdistrict_admin)
    assert client.get(f"/accounts/grants/{grant.pk}/revoke/").status_code == 405
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_revoking_your_own_grant_is_refused_in_the_api(client, world):
    grant = world.subdistrict_admin.grants.get()
    client.force_login(world.subdistrict_admin)
    body = problem_of(client.delete(f"/api/v1/grants/{grant.pk}"), 422)
    assert body["detail"] == "You cannot revoke your own role; ask another administrator."
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_revoking_your_own_grant_is_refused_in_the_console(client, world):
    grant = world.subdistrict_admin.grants.get()
    client.force_login(world.subdistrict_admin)
    response = client.post(f"/accounts/grants/{grant.pk}/revoke/", follow=True)
    assertContains(response, "You cannot revoke your own role; ask another administrator.")
    assertNotContains(response, "Role revoked.")
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_a_grant_outside_the_scope_cannot_be_revoked(client, world):
    grant = world.other_subdistrict_admin.grants.get()
    client.force_login(world.subdistrict_admin)
    problem_of(client.delete(f"/api/v1/grants/{grant.pk}"), 404)
    assert client.post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 404
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_a_grant_above_the_admin_cannot_be_revoked(client, world):
    grant = world.district_admin.grants.get()
    client.force_login(world.subdistrict_admin)
    problem_of(client.delete(f"/api/v1/grants/{grant.pk}"), 404)
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


def test_a_role_the_admin_may_not_grant_cannot_be_revoked_either(client, world):
    peer = world.person("sichoulu.2", Role.SUBDISTRICT_ADMIN, "370306001000")
    grant = peer.grants.get()
    client.force_login(world.subdistrict_admin)
    body = problem_of(client.delete(f"/api/v1/grants/{grant.pk}"), 422)
    assert "Subdistrict admin" in body["detail"]
    assert RoleGrant.objects.get(pk=grant.pk).revoked_at is None


# Revoked grants stop giving access at once --------------------------------------------


def test_a_revoked_admin_loses_the_console_at_once(client, world):
    grant = world.subdistrict_admin.grants.get()
    services.grant_create(user=world.subdistrict_admin, role=Role.RESIDENT, region=world.a, by=None)
    client.force_login(world.subdistrict_admin)
    assert client.get("/accounts/users/").status_code == 200
    services.grant_revoke(grant=grant, by=world.district_admin)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get(f"/accounts/users/{world.worker_a.pk}/").status_code == 403
    assert grant_console(client, world.worker_a, Role.RESIDENT, world.a.code).status_code == 403
    assert not RoleGrant.objects.filter(user=world.worker_a, role=Role.RESIDENT).exists()


def test_a_revoked_admins_token_loses_its_power_at_once(client, world):
    _token, secret = services.token_create(user=world.subdistrict_admin, name="t", days=30, by=None)
    assert client.get("/api/v1/users", **bearer(secret)).status_code == 200
    client.force_login(world.district_admin)
    grant = world.subdistrict_admin.grants.get()
    services.grant_create(user=world.subdistrict_admin, role=Role.RESIDENT, region=world.a, by=None)
    assert client.delete(f"/api/v1/grants/{grant.pk}").status_code == 204
    client.logout()
    problem_of(client.get("/api/v1/users", **bearer(secret)), 403)
    me = client.get("/api/v1/me", **bearer(secret)).json()
    assert [g["role"] for g in me["grants"]] == ["resident"]
    assert me["actions"] == ["case.report", "order.request", "region.view"]


def test_a_revoked_grant_narrows_the_scope_at_once(client, world):
    extra = services.grant_create(
        user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.b, by=None
    )
    _token, secret = services.token_create(user=world.worker_a, name="t", days=30, by=None)
    assert client.get(f"/api/v1/regions/{world.b.code}", **bearer(secret)).status_code == 200
    services.grant_revoke(grant=extra, by=world.subdistrict_admin)
    assert client.get(f"/api/v1/regions/{world.b.code}", **bearer(secret)).status_code == 404
    assert client.get(f"/api/v1/regions/{world.a.code}", **bearer(secret)).status_code == 200
