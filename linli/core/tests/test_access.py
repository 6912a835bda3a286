"""The access decorators (`requires`, `signed_in`) and the navigation they feed."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from linli.core.access import SIGNED_IN, requires, signed_in
from linli.core.navigation import MENUS, NavItem, navigation


@requires("grid.manage")
def manage_view(request, code):
    return HttpResponse(f"managing {code}")


@signed_in
def own_view(request):
    return HttpResponse("mine")


def request_as(user, path="/somewhere/?x=1"):
    request = RequestFactory().get(path)
    request.user = user
    return request


def test_decorators_record_the_declared_action():
    assert manage_view.linli_action == "grid.manage"
    assert own_view.linli_action == SIGNED_IN
    assert manage_view.__name__ == "manage_view"


@pytest.mark.parametrize("view", [manage_view, own_view])
def test_anonymous_visitors_are_sent_to_sign_in_and_back(view, db):
    kwargs = {"code": "1"} if view is manage_view else {}

    response = view(request_as(AnonymousUser()), **kwargs)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login") + "?next=/somewhere/%3Fx%3D1"


def test_a_user_without_the_action_gets_permission_denied(world):
    with pytest.raises(PermissionDenied):
        manage_view(request_as(world.grid_worker_a1), code="1")


def test_a_user_with_the_action_anywhere_reaches_the_view(world):
    # Which objects they may touch is the view's business (visible_to → 404).
    response = manage_view(request_as(world.worker_a), code="370306001003")

    assert response.content == b"managing 370306001003"


def test_signed_in_lets_every_signed_in_user_through(world):
    assert own_view(request_as(world.resident_a)).content == b"mine"


def nav_labels(user) -> list[str]:
    with translation.override("en"):
        return [str(item["label"]) for item in navigation(request_as(user))["nav_items"]]


def test_navigation_is_empty_for_anonymous_visitors(db):
    assert nav_labels(AnonymousUser()) == []


def test_navigation_shows_regions_to_every_role(world):
    for user in [world.platform_admin, world.worker_a, world.grid_worker_a1, world.resident_a]:
        assert "Regions" in nav_labels(user), user


def test_navigation_leaves_out_entries_the_user_may_not_use(world):
    assert "Users" in nav_labels(world.district_admin)
    assert "Users" not in nav_labels(world.grid_worker_a1)


def test_the_bar_groups_entries_into_menus_and_marks_the_current_one(client, world):
    client.force_login(world.district_admin)
    page = client.get("/registry/buildings/")
    bar = page.context["nav_bar"]
    menus = {entry["menu"]: entry for entry in bar if "entries" in entry}
    assert list(menus) == list(MENUS)  # the district admin may use two or more in each
    assert [entry["menu"] for entry in bar if entry["active"]] == ["registry"]
    inside = [item["url"] for entry in bar for item in entry.get("entries", [entry])]
    assert sorted(inside) == sorted(item["url"] for item in page.context["nav_items"])
    html = page.content.decode()
    assert html.count('data-bs-toggle="dropdown"') == len(MENUS)
    assert 'class="dropdown-item active"\n                href="/registry/buildings/"' in html


def test_a_menu_with_one_usable_entry_stands_as_that_entry(client, world):
    client.force_login(world.resident_a)
    page = client.get("/")
    assert page.context["nav_bar"]
    assert not any("entries" in entry for entry in page.context["nav_bar"])
    assert "dropdown" not in page.content.decode()
    with pytest.raises(ValueError, match="Unknown menu"):
        NavItem("x", "core:home", "region.view", menu="nowhere")


def test_navigation_marks_the_current_app_active(client, world):
    client.force_login(world.worker_a)

    response = client.get("/regions/370306001001/")

    active = [item for item in response.context["nav_items"] if item["active"]]
    assert [item["url"] for item in active] == ["/regions/"]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/registry/", "/registry/"),
        ("/registry/freshness/", "/registry/freshness/"),
        ("/registry/buildings/", "/registry/buildings/"),
        ("/registry/organisations/", "/registry/organisations/"),
        ("/registry/import/", "/registry/"),
    ],
)
def test_navigation_marks_one_entry_of_an_app_with_several(client, world, path, expected):
    client.force_login(world.worker_a)

    response = client.get(path)

    active = [item["url"] for item in response.context["nav_items"] if item["active"]]
    assert active == [expected]
