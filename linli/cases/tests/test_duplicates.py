"""Duplicates: a report merged into the open case it repeats (linked both ways, its
reporter and +1s carried over), "+1" from the console; the case page's map."""

import json
import re
from decimal import Decimal

import pytest

from linli.cases import services
from linli.cases.choices import Stage
from linli.cases.models import Case, CaseSupport
from linli.notifications.models import Notification
from linli.testing.cases import refused, report, through

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def pair(world, manhole):
    """The first report, accepted; a second one of the same problem by a resident."""
    first = services.case_accept(case=report(world, manhole), by=world.worker_a)
    second = report(
        world, manhole, by=world.resident_a, source="resident", description="井盖没了，很危险"
    )
    return first, second


def test_a_merged_report_is_rejected_and_linked_both_ways(
    world, pair, django_capture_on_commit_callbacks
):
    first, second = pair
    services.case_support(case=second, by=world.worker_b)  # someone +1'd the second

    with django_capture_on_commit_callbacks(execute=True):
        merged_into = services.case_merge(case=second, into=first, by=world.worker_a)

    second.refresh_from_db()
    assert merged_into == first and second.duplicate_of == first
    assert list(first.duplicates.all()) == [second]
    assert second.stage == Stage.REJECTED and second.closed_at is not None
    assert second.transitions.last().note == f"Duplicate of {first.code}."
    assert merged_into.supporters == 2  # the second's reporter and its +1
    assert set(CaseSupport.objects.filter(case=first).values_list("user", flat=True)) == {
        world.resident_a.pk,
        world.worker_b.pk,
    }
    told = Notification.objects.get(user=world.resident_a, kind="case-merged")
    assert first.code in told.title and told.url == f"/cases/{first.pk}/"


def test_merging_into_a_merged_report_goes_to_the_case_it_was_merged_into(world, pair, manhole):
    first, second = pair
    services.case_merge(case=second, into=first, by=world.worker_a)
    third = report(world, manhole)
    assert services.case_merge(case=third, into=second, by=world.worker_a) == first
    third.refresh_from_db()
    assert third.duplicate_of == first


def test_a_merge_is_refused_into_itself_a_closed_case_or_from_beyond_reporting(
    world, pair, manhole
):
    first, second = pair
    assert "into itself" in str(
        refused(services.case_merge, case=second, into=second, by=world.worker_a)
    )
    closed = through(report(world, manhole), world, "closed")
    assert "merge into an open case" in str(
        refused(services.case_merge, case=second, into=closed, by=world.worker_a)
    )
    refused(services.case_merge, case=first, into=second, by=world.worker_a)  # first is accepted
    refused(services.case_merge, case=second, into=first, by=world.worker_b, error=Exception)


def test_merge_and_plus_one_in_the_console(client, world, pair):
    first, second = pair
    client.force_login(world.worker_a)
    page = client.get(f"/cases/{second.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Merge as a duplicate" in page
    unknown = client.post(
        f"/cases/{second.pk}/merge/", {"merge-into": "ZZZZZZZZ", "merge-version": 1}
    )
    assert unknown.status_code == 302 and second.duplicates.count() == 0
    second.refresh_from_db()
    assert second.stage == Stage.REPORTED
    client.post(
        f"/cases/{second.pk}/merge/", {"merge-into": first.code.lower(), "merge-version": 1}
    )
    second.refresh_from_db()
    assert second.duplicate_of == first
    shown = client.get(f"/cases/{first.pk}/").content.decode()
    assert second.code in shown and 'data-testid="duplicates"' in shown

    client.force_login(world.worker_b)  # outside: not even the page
    assert client.post(f"/cases/{first.pk}/support/").status_code == 404
    client.force_login(world.grid_worker_a1)
    client.post(f"/cases/{first.pk}/support/")
    client.post(f"/cases/{first.pk}/support/")  # counted once
    first.refresh_from_db()
    assert first.supporters == 2


def test_merge_through_the_api(client, world, pair):
    first, second = pair
    client.force_login(world.worker_a)
    url = f"/api/v1/cases/{second.pk}/merge"
    bad = client.post(url, json.dumps({"into": "ZZZZZZZZ"}), content_type="application/json")
    assert bad.status_code == 422
    done = client.post(url, json.dumps({"into": first.code}), content_type="application/json")
    assert done.status_code == 200 and done.json()["duplicate_of"] == first.code
    assert client.get(f"/api/v1/cases/{first.pk}").json()["duplicates"] == [second.code]


def test_the_case_page_shows_the_case_on_a_map_when_it_is_located(client, world, manhole):
    located = services.case_report(
        category=manhole,
        description="井盖缺失",
        source="hotline",
        region=world.a1,
        address="正阳路",
        by=None,
    )
    client.force_login(world.worker_a)
    assert 'id="map-data"' not in client.get(f"/cases/{located.pk}/").content.decode()
    Case.objects.filter(pk=located.pk).update(
        longitude=Decimal("117.870000"), latitude=Decimal("36.800000")
    )
    page = client.get(f"/cases/{located.pk}/").content.decode()
    data = json.loads(re.search(r'id="map-data"[^>]*>(.*?)</script>', page).group(1))
    assert data["cases"][0]["code"] == located.code
    assert data["cases"][0]["at"] == [117.87, 36.8]
