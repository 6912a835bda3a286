"""Who may see and manage users: scope by role grants, auditors read-only, others 403."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from linli.accounts import services
from linli.accounts.tests.support import counts
from linli.core.permissions import Role
from linli.testing.http import bearer, post_json, problem_of

NEW_USER = {
    "username": "li.na",
    "full_name": "李娜",
    "password": "Plum-blossom-77",
    "role": Role.RESIDENT,
    "region_code": "370306001001",
}


def usernames(client, url="/api/v1/users?page_size=100") -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [u["username"] for u in response.json()["items"]]


# Seeing users -------------------------------------------------------------------------


def test_a_subdistrict_admin_sees_the_users_of_their_subdistrict(client, world):
    client.force_login(world.subdistrict_admin)
    assert usernames(client) == ["grid.a1", "resident.a", "sichoulu", "worker.a", "worker.b"]


def test_a_district_admin_and_auditor_see_the_whole_district(client, world):
    expected = [
        "auditor",
        "dajie",
        "district",
        "grid.a1",
        "resident.a",
        "sichoulu",
        "worker.a",
        "worker.b",
    ]
    for viewer in (world.district_admin, world.auditor):
        client.force_login(viewer)
        assert usernames(client) == expected


def test_the_console_list_shows_the_same_people(client, world):
    client.force_login(world.subdistrict_admin)
    response = client.get("/accounts/users/")
    for username in ("grid.a1", "resident.a", "sichoulu", "worker.a", "worker.b"):
        assertContains(response, f">{username}</a>")
    for username in ("dajie", "district", "auditor", "admin"):
        assertNotContains(response, f">{username}</a>")
    assertContains(response, "138****0004")
    assertNotContains(response, "13805330004")


def test_the_list_is_searchable_by_username_or_name(client, world):
    client.force_login(world.subdistrict_admin)
    assert usernames(client, "/api/v1/users?q=周芳") == ["worker.b"]
    assert usernames(client, "/api/v1/users?q=WORKER") == ["worker.a", "worker.b"]
    response = client.get("/accounts/users/?q=张丽")
    assertContains(response, ">worker.a</a>")
    assertNotContains(response, ">worker.b</a>")


def test_the_list_is_filtered_by_a_role_held_in_a_region(client, world):
    client.force_login(world.subdistrict_admin)
    assert usernames(client, f"/api/v1/users?region={world.a.code}") == [
        "grid.a1",
        "resident.a",
        "worker.a",
    ]
    assert usernames(client, f"/api/v1/users?region={world.a.code}&role=community_worker") == [
        "worker.a"
    ]
    assert usernames(client, f"/api/v1/users?region={world.a1.code}") == ["grid.a1"]
    response = client.get("/accounts/users/", {"role": "grid_worker", "region": world.b.code})
    assertContains(response, "No users found.")


def test_a_role_held_outside_the_viewers_scope_does_not_show(client, world):
    services.grant_create(
        user=world.worker_a, role=Role.SUBDISTRICT_ADMIN, region=world.other_subdistrict, by=None
    )
    client.force_login(world.subdistrict_admin)
    url = "/api/v1/users?role=subdistrict_admin"
    assert usernames(client, f"{url}&region={world.other_subdistrict.code}") == []
    assert usernames(client, url) == ["sichoulu"]


def test_a_role_held_once_and_revoked_no_longer_counts(client, world):
    worker = world.worker_a.grants.get()
    services.grant_create(user=world.worker_a, role=Role.RESIDENT, region=world.a, by=None)
    services.grant_revoke(grant=worker, by=world.subdistrict_admin)
    client.force_login(world.subdistrict_admin)
    assert usernames(client, "/api/v1/users?role=community_worker") == ["worker.b"]


def test_a_search_does_not_reach_outside_the_scope(client, world):
    client.force_login(world.subdistrict_admin)
    assert usernames(client, "/api/v1/users?q=dajie") == []
    assertContains(client.get("/accounts/users/?q=dajie"), "No users found.")
    assert usernames(client, f"/api/v1/users?region={world.other_subdistrict.code}") == []


def test_a_user_outside_the_scope_is_not_found(client, world):
    client.force_login(world.subdistrict_admin)
    problem_of(client.get(f"/api/v1/users/{world.other_subdistrict_admin.pk}"), 404)
    assert client.get(f"/accounts/users/{world.other_subdistrict_admin.pk}/").status_code == 404


def test_a_user_detail_shows_phone_masked_and_roles(client, world):
    client.force_login(world.subdistrict_admin)
    body = client.get(f"/api/v1/users/{world.worker_a.pk}").json()
    assert body["phone"] == "138****0004"
    assert [(g["role"], g["region_name"]) for g in body["grants"]] == [
        ("community_worker", "车站社区居委会")
    ]
    response = client.get(f"/accounts/users/{world.worker_a.pk}/")
    assertContains(response, "138****0004")
    assertContains(response, "Community worker")
    assertNotContains(response, "13805330004")


def test_revoked_grants_are_not_listed_as_roles(client, world):
    grant = services.grant_create(user=world.worker_a, role=Role.RESIDENT, region=world.a, by=None)
    services.grant_revoke(grant=grant, by=world.subdistrict_admin)
    client.force_login(world.subdistrict_admin)
    body = client.get(f"/api/v1/users/{world.worker_a.pk}").json()
    assert [g["role"] for g in body["grants"]] == ["community_worker"]


def test_a_users_roles_outside_the_viewers_scope_are_not_shown(client, world):
    """Someone working in both subdistricts: each admin sees only the roles in their own."""
    both = world.person("liang.jia", Role.COMMUNITY_WORKER, world.b.code)
    services.grant_create(
        user=both, role=Role.RESIDENT, region=world.region("370306002001"), by=None
    )
    client.force_login(world.other_subdistrict_admin)
    body = client.get(f"/api/v1/users/{both.pk}").json()
    assert [g["region_code"] for g in body["grants"]] == ["370306002001"]
    listed = client.get("/api/v1/users?q=liang").content.decode()
    page = client.get(f"/accounts/users/{both.pk}/").content.decode()
    for shown in (listed, page, client.get("/accounts/users/?q=liang").content.decode()):
        assert world.b.name not in shown and world.b.code not in shown
    client.force_login(world.platform_admin)
    body = client.get(f"/api/v1/users/{both.pk}").json()
    assert len(body["grants"]) == 2


# Without user.view ----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["worker_a", "grid_worker_a1", "resident_a"])
def test_people_without_user_view_get_403(client, world, who):
    user = getattr(world, who)
    client.force_login(user)
    assert client.get("/accounts/users/").status_code == 403
    assert client.get(f"/accounts/users/{world.worker_b.pk}/").status_code == 403
    assert client.get(f"/accounts/users/{user.pk}/").status_code == 403
    body = problem_of(client.get("/api/v1/users"), 403)
    assert body["detail"] == "Your roles do not allow this action."
    problem_of(client.get(f"/api/v1/users/{user.pk}"), 403)


def test_people_without_user_view_have_no_users_menu_entry(client, world):
    client.force_login(world.worker_a)
    assertNotContains(client.get("/"), 'href="/accounts/users/"')
    client.force_login(world.auditor)
    assertContains(client.get("/"), 'href="/accounts/users/"')


def test_anonymous_api_calls_get_401(client, world):
    problem_of(client.get("/api/v1/users"), 401)
    problem_of(post_json(client, "/api/v1/users", NEW_USER), 401)


# Auditors: read only --------------------------------------------------------------------


def test_an_auditor_sees_users_but_no_management_controls(client, world):
    client.force_login(world.auditor)
    response = client.get("/accounts/users/")
    assertContains(response, ">worker.a</a>")
    assertNotContains(response, 'href="/accounts/users/new/"')
    response = client.get(f"/accounts/users/{world.worker_a.pk}/")
    assertContains(response, "Community worker")
    assertNotContains(response, "/revoke/")
    assertNotContains(response, 'name="region_code"')


def test_an_auditor_cannot_create_users(client, world):
    client.force_login(world.auditor)
    before = counts()
    problem_of(post_json(client, "/api/v1/users", NEW_USER), 403)
    assert client.get("/accounts/users/new/").status_code == 403
    assert client.post("/accounts/users/new/", NEW_USER).status_code == 403
    assert counts() == before


def test_an_auditor_cannot_grant_roles(client, world):
    client.force_login(world.auditor)
    before = counts()
    grant = {"role": Role.RESIDENT, "region_code": world.a.code}
    problem_of(post_json(client, f"/api/v1/users/{world.worker_a.pk}/grants", grant), 403)
    assert client.post(f"/accounts/users/{world.worker_a.pk}/", grant).status_code == 403
    assert counts() == before


def test_an_auditor_cannot_revoke_roles(client, world):
    grant = world.worker_a.grants.get()
    client.force_login(world.auditor)
    problem_of(client.delete(f"/api/v1/grants/{grant.pk}"), 403)
    assert client.post(f"/accounts/grants/{grant.pk}/revoke/").status_code == 403
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_an_auditors_token_is_read_only_too(client, world):
    _token, secret = services.token_create(user=world.auditor, name="audit", days=30, by=None)
    assert client.get("/api/v1/users", **bearer(secret)).status_code == 200
    before = counts()
    problem_of(post_json(client, "/api/v1/users", NEW_USER, **bearer(secret)), 403)
    assert counts() == before


def test_workers_cannot_create_users_or_grant(client, world):
    client.force_login(world.worker_a)
    before = counts()
    problem_of(post_json(client, "/api/v1/users", NEW_USER), 403)
    grant = {"role": Role.RESIDENT, "region_code": world.a.code}
    problem_of(post_json(client, f"/api/v1/users/{world.resident_a.pk}/grants", grant), 403)
    assert client.post("/accounts/users/new/", NEW_USER).status_code == 403
    assert counts() == before
