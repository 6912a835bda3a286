"""The home page (工作台): the blocks apps register for each role the person holds,
with counts that are the counts of the lists they link to."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts.services import grant_create
from linli.cases import services
from linli.cases.choices import Source, Stage
from linli.cases.models import Case
from linli.core.permissions import Role
from linli.testing.cases import report, through
from linli.testing.home import listed, tiles
from linli.testing.registry import place

pytestmark = pytest.mark.django_db

# An indicator on the admin's glance: its value, then its name.
KPI = re.compile(r'fs-4 fw-bold">([^<]+)</span>\s*<span class="d-block small">([^<]+)</span>')


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def work(world):
    """Cases at every stage in 车站 (A) and one in 市南 (B); a resident's own report; a
    household never verified in grid A1."""
    report(world)  # reported: to accept
    late = report(world)
    Case.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))
    through(report(world), world, Stage.DISPATCHED)  # the grid worker's to handle
    through(report(world), world, Stage.HANDLED)  # to verify
    report(world, region=world.b1, by=world.worker_b)  # next door: counted by nobody in A
    report(world, by=world.resident_a, source=Source.RESIDENT, region=world.a)
    place(world.a1)
    return world


def _same_as_lists(client) -> dict[str, int]:
    found = tiles(client)
    assert found, "the home page shows counts"
    for label, (count, url) in found.items():
        assert listed(client, url) == count, (label, url)
    return {label: count for label, (count, _url) in found.items()}


def test_it_gives_a_community_worker_the_counts_of_her_work(work, client):
    client.force_login(work.worker_a)

    counts = _same_as_lists(client)

    assert counts["Cases to accept"] == 3  # two of hers and the resident's
    assert counts["Cases to check"] == 1
    assert counts["Overdue cases"] == 1
    assert counts["Households to verify"] == 1
    assert counts["Imports not finished"] == 0
    assert "My reports" not in counts


def test_it_gives_a_grid_worker_his_cases_and_his_day(work, client):
    client.force_login(work.grid_worker_a1)

    counts = _same_as_lists(client)

    assert counts["My open cases"] == 2  # dispatched to him, and handled (to be verified)
    assert counts["Households to verify"] == 1
    assert "Cases to accept" not in counts
    page = client.get("/").content.decode()
    assert 'data-testid="home-patrol"' in page and "Start a patrol" in page


def test_a_department_handler_sees_what_is_his_to_handle(work, client):
    handler = work.person("dept", Role.DEPARTMENT_HANDLER, work.district.code)
    case = through(report(work), work, Stage.ACCEPTED)
    services.case_dispatch(case=case, to=handler, by=work.worker_a)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))
    client.force_login(handler)

    counts = _same_as_lists(client)

    assert counts == {"My open cases": 1, "Mine overdue": 1}


def test_an_admin_sees_the_districts_indicators(work, client):
    client.force_login(work.district_admin)

    page = client.get("/").content.decode()

    kpis = {label.strip(): value for value, label in KPI.findall(page)}
    assert kpis["Received"] == str(Case.objects.count())  # the district's, this month
    assert kpis["Acceptance rate"].endswith("%")
    # and the district's cases to accept (one placed at the district itself waits for them)
    assert _same_as_lists(client)["Cases to accept"] == 4  # A's three and B's


def test_an_auditor_sees_recent_reveals_and_exports(work, client):
    client.force_login(work.auditor)

    counts = _same_as_lists(client)

    assert set(counts) == {"Personal data revealed, last 7 days", "Exports, last 7 days"}


def test_a_resident_sees_her_reports_and_a_report_button(work, client):
    client.force_login(work.resident_a)

    counts = _same_as_lists(client)

    assert counts == {
        "My reports": 1,
        "Still open": 1,
        "Unread notices": 0,
        "Notices for me": 0,
        "My certificates": 0,
        "Valid certificates": 0,
    }
    page = client.get("/").content.decode()
    assert 'data-testid="report-button"' in page and 'href="/report/"' in page
    mine = client.get("/report/mine/").content.decode()
    code = Case.objects.get(reporter=work.resident_a).code
    assert code in mine and "Reported" in mine


def test_a_person_with_several_roles_sees_the_blocks_of_each(work, client):
    grant_create(user=work.grid_worker_a1, role=Role.RESIDENT, region=work.a, by=None)
    client.force_login(work.grid_worker_a1)

    counts = _same_as_lists(client)

    assert {"My open cases", "My reports"} <= set(counts)


def test_my_reports_needs_a_sign_in(client):
    response = client.get("/report/mine/")

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
