"""Grid work in the console: the worker's day, checkpoints with their QR codes, the
scan page, routes, visits from the household page; bad input and scoping."""

import re

import pytest
from django.utils import timezone

from linli.gridwork.models import Checkpoint, Patrol, Route, Visit
from linli.registry.models import Household
from linli.testing.http import get, post
from linli.testing.registry import place

pytestmark = pytest.mark.usefixtures("english")


def test_a_grid_worker_starts_a_patrol_from_their_day(client, world, grid):
    page = get(client, world.grid_worker_a1, "/grid/").content.decode()
    assert "Start a patrol" in page and world.a1.code in page
    response = post(
        client, world.grid_worker_a1, "/grid/patrols/start/", {"grid_code": world.a1.code}
    )
    patrol = Patrol.objects.get()
    assert response.status_code == 302 and response.url == f"/grid/patrols/{patrol.pk}/"
    page = get(client, world.grid_worker_a1, "/grid/").content.decode()
    assert "Patrol under way" in page
    detail = get(client, world.grid_worker_a1, response.url).content.decode()
    assert 'id="map-data"' in detail and "Check in here" in detail
    # Others see the patrol (a planner of the community), but cannot act on it.
    seen = get(client, world.worker_a, response.url).content.decode()
    assert "Check in here" not in seen
    assert get(client, world.worker_b, response.url).status_code == 404


def test_a_checkpoint_is_planned_printed_and_scanned(client, world, grid):
    bad = post(
        client,
        world.worker_a,
        "/grid/checkpoints/",
        {
            "grid_code": world.a1.code,
            "name": "远处",
            "longitude": "117.99",
            "latitude": "36.80",
            "radius": 50,
        },
    )
    assert bad.status_code == 200 and "outside the grid" in bad.content.decode()
    assert not Checkpoint.objects.exists()
    done = post(
        client,
        world.worker_a,
        "/grid/checkpoints/",
        {
            "grid_code": world.a1.code,
            "name": "车站北门",
            "longitude": "117.87",
            "latitude": "36.80",
            "radius": 50,
        },
    )
    assert done.status_code == 302
    checkpoint = Checkpoint.objects.get()
    qr = get(client, world.worker_a, f"/grid/checkpoints/{checkpoint.pk}/qr/").content.decode()
    assert "<svg" in qr and f"/grid/c/{checkpoint.token}/" in qr
    # The QR code leads a worker without a patrol to start one, then to one tap.
    scan = f"/grid/c/{checkpoint.token}/"
    assert (
        "Start a patrol of this grid first"
        in get(client, world.grid_worker_a1, scan).content.decode()
    )
    post(client, world.grid_worker_a1, "/grid/patrols/start/", {"grid_code": world.a1.code})
    page = get(client, world.grid_worker_a1, scan).content.decode()
    assert 'data-testid="scan-check-in"' in page
    patrol = Patrol.objects.get()
    checked = post(
        client,
        world.grid_worker_a1,
        f"/grid/patrols/{patrol.pk}/check-in/",
        {"token": checkpoint.token},
    )
    assert checked.status_code == 302
    assert patrol.check_ins.get().checkpoint == checkpoint
    # Outside the community the code is nothing.
    assert get(client, world.worker_b, scan).status_code == 404


def test_a_route_is_planned_for_a_grid_worker(client, world, gate, park):
    page = get(client, world.worker_a, "/grid/routes/").content.decode()
    assert "grid.a1" in page  # the grid worker can be chosen
    response = post(
        client,
        world.worker_a,
        "/grid/routes/",
        {
            "grid_code": world.a1.code,
            "name": "早巡",
            "worker": world.grid_worker_a1.pk,
            "checkpoints": [gate.pk, park.pk],
            "patrols_per_week": 5,
        },
    )
    assert response.status_code == 302
    route = Route.objects.get()
    stops = route.stops.order_by("order").select_related("checkpoint")
    assert [s.checkpoint.name for s in stops] == ["小游园", "车站北门"]  # as listed (by name)
    mine = get(client, world.grid_worker_a1, "/grid/").content.decode()
    assert "早巡" in mine
    assert "早巡" not in get(client, world.worker_b, "/grid/routes/").content.decode()


def test_a_visit_is_logged_from_the_household_and_shown_there(client, world):
    household = place(world.a1).household
    fragment = get(client, world.grid_worker_a1, f"/grid/households/{household.pk}/visits/")
    assert "No visits yet" in fragment.content.decode()
    bad = post(
        client,
        world.grid_worker_a1,
        f"/grid/visits/new/{household.pk}/",
        {"purpose": "care", "visited_at": "2020-01-01T09:00", "notes": "x"},
    )
    assert bad.status_code == 400 and "within 30 days" in bad.content.decode()
    assert not Visit.objects.exists()
    form = get(client, world.grid_worker_a1, f"/grid/visits/new/{household.pk}/").content.decode()
    assert 'name="visited_at"' in form
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    done = post(
        client,
        world.grid_worker_a1,
        f"/grid/visits/new/{household.pk}/",
        {"purpose": "care", "visited_at": now, "notes": "独居老人，身体尚可", "confirmed": "on"},
    )
    assert done.status_code == 302 and done.url == f"/registry/households/{household.pk}/"
    shown = get(client, world.worker_a, f"/grid/households/{household.pk}/visits/").content.decode()
    assert "独居老人，身体尚可" in shown
    assert (
        get(client, world.worker_b, f"/grid/households/{household.pk}/visits/").status_code == 404
    )
    listed = get(client, world.worker_a, "/grid/visits/").content.decode()
    assert "Care visit" in listed


def test_the_registrys_household_pages_offer_the_visits(client, world):
    household = place(world.a1).household
    Household.objects.filter(pk=household.pk).update(verified_at=None)

    page = get(client, world.grid_worker_a1, f"/registry/households/{household.pk}/")
    assert f'hx-get="/grid/households/{household.pk}/visits/"' in page.content.decode()
    to_verify = get(client, world.grid_worker_a1, "/registry/freshness/").content.decode()
    assert f'href="/grid/visits/new/{household.pk}/"' in to_verify


@pytest.mark.parametrize(
    "url", ["/grid/patrols/", "/grid/visits/", "/grid/checkpoints/", "/grid/routes/"]
)
def test_every_list_answers_htmx_with_its_results_alone(client, world, url):
    response = get(client, world.worker_a, url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<table" in html


def test_checkpoints_take_the_region_filter(client, world, gate):
    def shown(query):
        return get(client, world.subdistrict_admin, f"/grid/checkpoints/?{query}").content.decode()

    assert "车站北门" in shown(f"region={world.a.code}")
    assert "车站北门" not in shown(f"region={world.b.code}")
    unknown = shown("region=370306001099")
    assert "Unknown region code 370306001099" in unknown and "车站北门" in unknown


def test_ending_a_patrol_with_checkpoints_left_asks_first_saying_how_many(
    client, world, gate, park
):
    from linli.gridwork import services
    from linli.testing.gridwork import started

    route = services.route_create(
        grid=world.a1,
        name="早巡",
        worker=world.grid_worker_a1,
        checkpoints=[gate, park],
        patrols_per_week=5,
        by=world.worker_a,
    )
    patrol = started(world.a1, by=world.grid_worker_a1, route=route)
    url = f"/grid/patrols/{patrol.pk}/"

    response = post(client, world.grid_worker_a1, url + "end/", {})

    assert response.status_code == 302 and response["Location"] == url + "?end=confirm"
    patrol.refresh_from_db()
    assert patrol.under_way, "not ended without asking"
    page = get(client, world.grid_worker_a1, url + "?end=confirm").content.decode()
    assert 'data-testid="end-confirm"' in page
    assert "2 of the 2 checkpoints are not checked in yet" in page

    post(client, world.grid_worker_a1, url + "end/", {"confirm": "yes"})

    patrol.refresh_from_db()
    assert not patrol.under_way


def test_the_patrol_page_shows_one_distance_labelled_as_walked(client, world, grid):
    from linli.testing.gridwork import started

    patrol = started(grid, by=world.grid_worker_a1)

    page = get(client, world.grid_worker_a1, f"/grid/patrols/{patrol.pk}/").content.decode()

    assert re.search(r'data-testid="distance"[^>]*>0 m walked<', page)
    assert "m walked" not in page.split('id="tracking-status"')[1].split("</p>")[0]
