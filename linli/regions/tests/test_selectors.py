"""Reads of the region tree: roots, search, breadcrumbs, children with counts."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from linli.accounts.models import User
from linli.regions import selectors
from linli.regions.services import grid_create, grid_retire


def codes(regions) -> list[str]:
    return [r.code for r in regions]


def test_roots_are_the_tops_of_the_users_grants(world):
    assert codes(selectors.region_roots(user=world.worker_a)) == ["370306001001"]
    assert codes(selectors.region_roots(user=world.auditor)) == ["370306000000"]


def test_roots_follow_the_action(world):
    assert codes(selectors.region_roots(user=world.auditor, action="grid.manage")) == []
    assert codes(selectors.region_roots(user=world.grid_worker_a1)) == ["370306001001001"]


def test_a_superusers_root_is_the_top_of_the_tree(world):
    root = User.objects.create_superuser("root", "Correct-horse-42", full_name="root")

    assert codes(selectors.region_roots(user=root)) == ["370300000000"]


def test_search_matches_part_of_a_name(world):
    found = selectors.region_search(user=world.district_admin, q=" 市南 ")

    assert codes(found) == ["370306001003", "370306001003001"]


def test_search_by_digits_matches_code_prefixes_only(world):
    assert codes(selectors.region_search(user=world.district_admin, q="370306002")) == [
        "370306002000",
        "370306002001",
    ]
    assert codes(selectors.region_search(user=world.district_admin, q="001003")) == []


def test_search_within_a_region_stays_in_its_subtree(world):
    found = selectors.region_search(user=world.district_admin, q="社区", within=world.b)

    assert codes(found) == ["370306001003"]


def test_search_never_leaves_the_users_scope(world):
    found = selectors.region_search(user=world.worker_a, q="社区", within=world.district)

    assert codes(found) == ["370306001001"]


def test_search_includes_retired_grids_only_on_request(world):
    grid_retire(grid=world.a1, by=None)

    assert codes(selectors.region_search(user=world.worker_a, q="网格")) == []
    assert codes(selectors.region_search(user=world.worker_a, q="网格", include_retired=True)) == [
        "370306001001001"
    ]


def test_breadcrumbs_list_every_ancestor_and_link_those_in_scope(world):
    crumbs = selectors.region_breadcrumbs(user=world.subdistrict_admin, region=world.a1)

    assert [(c.code, c.can_open) for c in crumbs] == [
        ("370300000000", False),
        ("370306000000", False),
        ("370306001000", True),
        ("370306001001", True),
    ]


def test_breadcrumbs_of_the_root_are_empty(world):
    assert selectors.region_breadcrumbs(user=world.platform_admin, region=world.city) == []


def test_children_carry_active_community_and_grid_counts(world):
    grid_create(community=world.a, name="车站第二网格", by=None)
    grid_retire(grid=world.b1, by=None)

    children = selectors.region_children(user=world.district_admin, region=world.district)

    assert [(c.code, c.community_count, c.grid_count) for c in children] == [
        ("370306001000", 2, 2),
        ("370306002000", 1, 0),
    ]


def test_children_of_a_community_include_retired_grids_only_on_request(world):
    grid_retire(grid=world.a1, by=None)

    assert selectors.region_children(user=world.worker_a, region=world.a) == []
    children = selectors.region_children(user=world.worker_a, region=world.a, include_retired=True)
    assert codes(children) == ["370306001001001"]


def test_children_are_limited_to_the_users_scope(world):
    children = selectors.region_children(user=world.worker_a, region=world.subdistrict)

    assert codes(children) == ["370306001001"]


def test_a_grid_has_no_children(world):
    assert selectors.region_children(user=world.worker_a, region=world.a1) == []


def test_region_by_code_finds_any_region(world):
    assert selectors.region_by_code("370306001003") == world.b


def test_region_by_code_refuses_unknown_codes(world):
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        selectors.region_by_code("370306009009")

    assert caught.value.message_dict == {"region": ["Unknown region code 370306009009."]}
