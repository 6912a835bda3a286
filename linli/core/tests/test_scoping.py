"""The scoping primitive: `collapse_paths`, `scope_filter`, `in_scope` and `visible_to`."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from linli.accounts.models import RoleGrant, User
from linli.core.permissions import Role
from linli.core.scoping import collapse_paths, in_scope, scope_filter
from linli.regions.models import Region

# collapse_paths


def test_collapse_paths_of_nothing_is_nothing():
    assert collapse_paths(set()) == []


def test_collapse_paths_drops_subtrees_inside_subtrees():
    paths = {"370306001001", "370306", "370306001", "370306001001002"}

    assert collapse_paths(paths) == ["370306"]


def test_collapse_paths_keeps_siblings_sorted():
    paths = {"370306002", "370306001003", "370306001001", "370306001001001"}

    assert collapse_paths(paths) == ["370306001001", "370306001003", "370306002"]


def test_collapse_paths_keeps_paths_that_only_share_leading_digits():
    assert collapse_paths({"3703", "3704"}) == ["3703", "3704"]
    assert collapse_paths({"370306001003", "370306001"}) == ["370306001"]
    assert collapse_paths({"370306001003", "370306002"}) == ["370306001003", "370306002"]


# scope_filter and visible_to


def visible_codes(user, action="region.view") -> list[str]:
    return list(Region.objects.visible_to(user, action).values_list("code", flat=True))


def test_anonymous_users_see_nothing(world):
    assert visible_codes(AnonymousUser()) == []


def test_inactive_users_see_nothing(world):
    world.district_admin.is_active = False

    assert visible_codes(world.district_admin) == []
    assert not world.district_admin.has_action("region.view")


def test_superusers_are_not_filtered(world):
    root = User.objects.create_superuser("root", "Correct-horse-42", full_name="root")

    assert scope_filter(root, "grid.manage", "path") is None
    assert len(visible_codes(root, "grid.manage")) == Region.objects.count()


def test_a_grant_reaches_its_whole_subtree_and_nothing_else(world):
    assert visible_codes(world.worker_a) == ["370306001001", "370306001001001"]
    assert visible_codes(world.subdistrict_admin) == [
        "370306001000",
        "370306001001",
        "370306001001001",
        "370306001003",
        "370306001003001",
    ]


def test_visibility_follows_the_action(world):
    assert visible_codes(world.auditor, "region.view") != []
    assert visible_codes(world.auditor, "grid.manage") == []
    assert visible_codes(world.grid_worker_a1, "grid.manage") == []
    assert visible_codes(world.grid_worker_a1, "region.view") == ["370306001001001"]


def test_several_grants_add_up(world):
    RoleGrant.objects.create(
        user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.region("370306002001")
    )
    user = User.objects.get(pk=world.worker_a.pk)  # a fresh copy: grants are cached

    assert visible_codes(user) == ["370306001001", "370306001001001", "370306002001"]


def test_a_revoked_grant_reaches_nothing(world):
    RoleGrant.objects.filter(user=world.worker_b).update(revoked_at=timezone.now())
    user = User.objects.get(pk=world.worker_b.pk)

    assert visible_codes(user) == []
    assert not user.has_action("region.view")


def test_an_unknown_action_is_an_error_not_an_empty_scope(world):
    with pytest.raises(LookupError, match=r"region\.delete"):
        visible_codes(world.district_admin, "region.delete")


PEOPLE = ["platform_admin", "district_admin", "subdistrict_admin", "worker_a", "grid_worker_a1"]


@pytest.mark.parametrize("action", ["region.view", "grid.manage", "user.manage"])
def test_in_scope_answers_as_visible_to_for_every_region(world, action):
    for person in PEOPLE:
        user = getattr(world, person)
        visible = set(visible_codes(user, action))

        assert {r.code for r in Region.objects.all() if in_scope(user, action, r.path)} == visible
    assert not in_scope(AnonymousUser(), action, world.a.path)
