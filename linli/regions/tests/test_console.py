"""The regions console: browsing the tree, searching it, and grid upkeep through forms."""

import json
import re

import pytest
from django.test import Client

from linli.accounts.models import RoleGrant
from linli.core.permissions import Role
from linli.regions.management.commands.regions import DEFAULT_FIXTURE
from linli.regions.models import Region
from linli.regions.services import grid_create, grid_retire, regions_import
from linli.testing.http import EN
from linli.testing.shapes import square


def page(client, user, url, **params):
    client.force_login(user)
    response = client.get(url, params, **EN)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def post(client, user, url, data=None, follow=False):
    client.force_login(user)
    return client.post(url, data or {}, follow=follow, **EN)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def children_rows(html: str) -> list[list[str]]:
    """The cells of the children table, as text."""
    table = html.split('data-testid="children"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table, re.S)
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in rows
        if "<td" in row
    ]


def search_hits(html: str) -> list[str]:
    """The codes listed in the search results."""
    if 'data-testid="search-results"' not in html:
        return []
    results = html.split('data-testid="search-results"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<span class="region-code">(\d+)</span>', results)


# /regions/: where browsing starts


@pytest.mark.parametrize(
    ("user", "root"),
    [
        ("platform_admin", "370300000000"),
        ("district_admin", "370306000000"),
        ("subdistrict_admin", "370306001000"),
        ("worker_a", "370306001001"),
        ("grid_worker_a1", "370306001001001"),
        ("resident_a", "370306001001"),
    ],
)
def test_index_redirects_a_single_root_user_to_their_region(client, world, user, root):
    client.force_login(getattr(world, user))

    response = client.get("/regions/")

    assert response.status_code == 302
    assert response["Location"] == f"/regions/{root}/"


def test_index_lists_the_roots_of_a_user_with_several(client, world):
    RoleGrant.objects.create(user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.b)
    RoleGrant.objects.create(
        user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.region("370306002001")
    )

    html = page(client, world.worker_a, "/regions/")

    assert re.findall(r'href="/regions/(\d+)/"', html) == [
        "370306001001",
        "370306001003",
        "370306002001",
    ]


def test_index_collapses_a_grant_inside_another(client, world):
    RoleGrant.objects.create(
        user=world.subdistrict_admin, role=Role.COMMUNITY_WORKER, region=world.a
    )
    client.force_login(world.subdistrict_admin)

    response = client.get("/regions/")

    assert response["Location"] == "/regions/370306001000/"


def test_index_search_covers_everything_the_user_sees(client, world):
    html = page(client, world.district_admin, "/regions/", q="社区")

    assert search_hits(html) == ["370306001001", "370306001003", "370306002001"]


def test_index_sends_anonymous_visitors_to_sign_in(client, world):
    response = client.get("/regions/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# A region's page


def test_district_page_lists_subdistricts_with_community_and_grid_counts(client, world):
    grid_create(community=world.a, name="车站第二网格", by=None)
    retired = grid_create(community=world.b, name="市南第二网格", by=None)
    grid_retire(grid=retired, by=None)

    html = page(client, world.district_admin, "/regions/370306000000/")

    assert children_rows(html) == [
        ["丝绸路街道", "370306001000", "2", "3"],  # the retired grid is not counted
        ["大街街道", "370306002000", "1", "0"],
    ]
    assert "2 subdivisions" in html


def test_city_page_counts_communities_and_grids_of_the_whole_district(client, world):
    html = page(client, world.platform_admin, "/regions/370300000000/")

    assert children_rows(html) == [["周村区", "370306000000", "3", "2"]]


def test_subdistrict_page_lists_communities_with_grid_counts(client, world):
    grid_create(community=world.a, name="车站第二网格", by=None)

    html = page(client, world.subdistrict_admin, "/regions/370306001000/")

    assert children_rows(html) == [
        ["车站社区居委会", "370306001001", "2"],
        ["市南社区居委会", "370306001003", "1"],
    ]


def test_community_page_lists_its_grids_with_retired_ones_marked(client, world):
    grid_create(community=world.a, name="车站第二网格", boundary=square(), by=None)
    third = grid_create(community=world.a, name="车站第三网格", by=None)
    grid_retire(grid=third, by=None)

    html = page(client, world.worker_a, "/regions/370306001001/")

    assert children_rows(html) == [
        ["车站第一网格", "370306001001001", "None"],
        ["车站第二网格", "370306001001002", "Drawn"],
        ["车站第三网格 Retired", "370306001001003", "None"],
    ]
    assert 'href="/regions/370306001001/grids/new/"' in html


def test_community_without_grids_says_so(client, world):
    html = page(client, world.district_admin, "/regions/370306002001/")

    assert "This community has no grids yet." in html
    assert 'href="/regions/370306002001/grids/new/"' in html


def test_region_page_shows_breadcrumbs_linked_only_inside_the_scope(client, world):
    html = page(client, world.worker_a, "/regions/370306001001001/")

    crumbs = html.split('class="breadcrumb">', 1)[1].split("</ol>", 1)[0]
    assert text(crumbs) == "淄博市 周村区 丝绸路街道 车站社区居委会 车站第一网格"
    assert re.findall(r'href="/regions/(\d+)/"', crumbs) == ["370306001001"]


def test_grid_page_shows_its_boundary_and_management_buttons(client, world):
    grid = grid_create(community=world.a, name="车站第二网格", boundary=square(), by=None)

    html = page(client, world.worker_a, f"/regions/{grid.code}/")

    assert "Boundary (GeoJSON)" in html
    assert "117.875" in html
    assert f'href="/regions/{grid.code}/edit/"' in html
    assert f'action="/regions/{grid.code}/retire/"' in html


def test_retired_grid_page_offers_no_management(client, world):
    grid_retire(grid=world.a1, by=None)

    html = page(client, world.worker_a, "/regions/370306001001001/")

    assert "Retired " in html
    assert "/edit/" not in html
    assert "/retire/" not in html


@pytest.mark.parametrize("code", ["370306001003", "370306001003001", "370306001000", "0"])
def test_region_page_outside_the_scope_is_404(client, world, code):
    client.force_login(world.worker_a)

    assert client.get(f"/regions/{code}/").status_code == 404


def test_district_page_queries_do_not_grow_with_the_tree(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.district_admin)
    with django_assert_max_num_queries(9):
        small = client.get("/regions/370306000000/", **EN)
    regions_import(records=json.loads(DEFAULT_FIXTURE.read_text("utf-8")))
    with django_assert_max_num_queries(9):
        large = client.get("/regions/370306000000/", **EN)

    assert len(children_rows(small.content.decode())) == 2
    rows = children_rows(large.content.decode())
    assert len(rows) == 10
    assert sum(int(row[2]) for row in rows) == 250


# Searching within the subtree


def test_search_by_name_within_the_subtree(client, world):
    html = page(client, world.district_admin, "/regions/370306001000/", q="社区")

    assert search_hits(html) == ["370306001001", "370306001003"]  # not 大街's 丝绸社区
    assert "Search results for “社区”" in html


def test_search_by_code_prefix_within_the_subtree(client, world):
    html = page(client, world.district_admin, "/regions/370306000000/", q="370306001")

    assert search_hits(html) == [
        "370306001000",
        "370306001001",
        "370306001001001",
        "370306001003",
        "370306001003001",
    ]


def test_search_outside_the_subtree_finds_nothing(client, world):
    html = page(client, world.district_admin, "/regions/370306002000/", q="370306001")

    assert search_hits(html) == []
    assert "No region matches." in html


def test_search_leaves_out_retired_grids(client, world):
    grid_retire(grid=world.a1, by=None)

    html = page(client, world.worker_a, "/regions/370306001001/", q="网格")

    assert search_hits(html) == []


def test_search_shows_at_most_the_limit_and_says_so(client, world):
    regions_import(records=json.loads(DEFAULT_FIXTURE.read_text("utf-8")))

    html = page(client, world.district_admin, "/regions/370306000000/", q="村")

    assert len(search_hits(html)) == 50
    assert "Only the first 50 are shown; refine the search." in html


def test_htmx_search_returns_only_the_results_fragment(client, world):
    client.force_login(world.district_admin)

    response = client.get("/regions/370306000000/", {"q": "车站"}, HTTP_HX_REQUEST="true", **EN)

    html = response.content.decode()
    assert response.status_code == 200
    assert search_hits(html) == ["370306001001", "370306001001001"]
    assert "<html" not in html
    assert "<nav" not in html
    assert 'data-testid="children"' not in html


def test_boosted_htmx_request_gets_the_whole_page(client, world):
    client.force_login(world.district_admin)

    response = client.get(
        "/regions/370306000000/", {"q": "车站"}, HTTP_HX_REQUEST="true", HTTP_HX_BOOSTED="true"
    )

    assert "<html" in response.content.decode()


def test_htmx_search_on_the_index(client, world):
    client.force_login(world.district_admin)

    response = client.get("/regions/", {"q": "丝绸"}, HTTP_HX_REQUEST="true", **EN)

    html = response.content.decode()
    assert "<html" not in html
    assert search_hits(html) == ["370306001000", "370306002001"]


# Grid upkeep through the forms


def test_new_grid_form_creates_a_grid_and_opens_it(client, world):
    form = page(client, world.worker_a, "/regions/370306001001/grids/new/")
    assert 'name="name"' in form and 'name="boundary"' in form

    response = post(
        client,
        world.worker_a,
        "/regions/370306001001/grids/new/",
        {"name": "车站第二网格", "boundary": json.dumps(square())},
        follow=True,
    )

    assert response.redirect_chain == [("/regions/370306001001002/", 302)]
    assert "Grid 车站第二网格 created." in response.content.decode()
    assert Region.objects.get(code="370306001001002").boundary == square()


def test_new_grid_form_without_boundary(client, world):
    response = post(client, world.worker_a, "/regions/370306001001/grids/new/", {"name": "二"})

    assert response.status_code == 302
    assert Region.objects.get(code="370306001001002").boundary is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "车站第一网格"}, "This community already has a grid named 车站第一网格."),
        ({"name": ""}, "This field is required."),
        ({"name": "二", "boundary": "{"}, "The boundary is not valid JSON (line 1, column 2)."),
        (
            {"name": "二", "boundary": '{"type": "Point", "coordinates": [1, 2]}'},
            "The boundary must be a Polygon or MultiPolygon, not Point.",
        ),
    ],
)
def test_new_grid_form_shows_errors_and_saves_nothing(client, world, data, message):
    before = Region.objects.count()

    response = post(client, world.worker_a, "/regions/370306001001/grids/new/", data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "is-invalid" in response.content.decode()
    assert Region.objects.count() == before


def test_new_grid_form_keeps_what_was_typed(client, world):
    boundary = '{"type": "Polygon", "coordinates": [[[1, 1]]]}'

    response = post(
        client,
        world.worker_a,
        "/regions/370306001001/grids/new/",
        {"name": "二", "boundary": boundary},
    )

    html = response.content.decode()
    assert "Each ring of a polygon needs at least four positions." in html
    assert "[[[1, 1]]]" in html
    assert 'value="二"' in html


def test_new_grid_form_is_only_for_communities(client, world):
    client.force_login(world.subdistrict_admin)

    assert client.get("/regions/370306001000/grids/new/").status_code == 404
    assert client.get("/regions/370306001001001/grids/new/").status_code == 404


def test_edit_form_shows_the_current_name_and_boundary(client, world):
    grid = grid_create(community=world.a, name="车站第二网格", boundary=square(), by=None)

    html = page(client, world.worker_a, f"/regions/{grid.code}/edit/")

    assert 'value="车站第二网格"' in html
    assert "[117.87, 36.8]" in html


def test_edit_form_renames_and_redraws(client, world):
    response = post(
        client,
        world.worker_a,
        "/regions/370306001001001/edit/",
        {"name": "车站东网格", "boundary": json.dumps(square())},
        follow=True,
    )

    assert response.redirect_chain == [("/regions/370306001001001/", 302)]
    assert "Grid saved." in response.content.decode()
    world.a1.refresh_from_db()
    assert (world.a1.name, world.a1.boundary) == ("车站东网格", square())


def test_edit_form_with_an_empty_boundary_removes_it(client, world):
    grid = grid_create(community=world.a, name="车站第二网格", boundary=square(), by=None)

    post(client, world.worker_a, f"/regions/{grid.code}/edit/", {"name": grid.name, "boundary": ""})

    grid.refresh_from_db()
    assert grid.boundary is None


def test_edit_form_shows_errors_and_changes_nothing(client, world):
    grid_create(community=world.a, name="车站第二网格", by=None)

    response = post(
        client, world.worker_a, "/regions/370306001001001/edit/", {"name": "车站第二网格"}
    )

    assert response.status_code == 200
    assert "This community already has a grid named 车站第二网格." in response.content.decode()
    assert Region.objects.get(pk=world.a1.pk).name == "车站第一网格"


def test_a_retired_grid_cannot_be_edited(client, world):
    grid_retire(grid=world.a1, by=None)
    client.force_login(world.worker_a)

    assert client.get("/regions/370306001001001/edit/").status_code == 404
    assert client.post("/regions/370306001001001/edit/", {"name": "x"}).status_code == 404
    assert Region.objects.get(pk=world.a1.pk).name == "车站第一网格"


def test_retire_button_retires_the_grid(client, world):
    response = post(client, world.worker_a, "/regions/370306001001001/retire/", follow=True)

    assert response.redirect_chain == [("/regions/370306001001001/", 302)]
    assert "Grid 车站第一网格 retired." in response.content.decode()
    assert Region.objects.get(pk=world.a1.pk).is_retired


def test_retiring_a_retired_grid_shows_an_error(client, world):
    retired_at = grid_retire(grid=world.a1, by=None).retired_at

    response = post(client, world.worker_a, "/regions/370306001001001/retire/", follow=True)

    html = response.content.decode()
    assert "alert-danger" in html
    assert "This grid is already retired." in html
    assert Region.objects.get(pk=world.a1.pk).retired_at == retired_at


def test_retire_needs_a_post(client, world):
    client.force_login(world.worker_a)

    assert client.get("/regions/370306001001001/retire/").status_code == 405
    assert not Region.objects.get(pk=world.a1.pk).is_retired


def test_console_posts_need_a_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.worker_a)

    response = client.post("/regions/370306001001001/retire/")

    assert response.status_code == 403
    assert not Region.objects.get(pk=world.a1.pk).is_retired
