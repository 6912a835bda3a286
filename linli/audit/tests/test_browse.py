"""Browsing the trail: who may, what they see (their part of the tree), and the filters,
in the console (/audit/) and the API (GET /api/v1/audit)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from linli.accounts.models import User
from linli.audit import services
from linli.audit.choices import AuditAction
from linli.audit.models import AuditEntry
from linli.audit.tests.support import record
from linli.core.permissions import Role

PAGE = "/audit/"
API = "/api/v1/audit"
EVERY_LABEL = ["甲-A", "乙-B", "乙-B1", "丙-other", "丁-district", "戊-none"]


@pytest.fixture
def spread(world):
    """One entry in each part of the tree, and one with no region, labelled to tell apart."""
    silk = world.region("370306002001")
    places = [world.a, world.b, world.b1, silk, world.district, None]
    return {
        label: record(region=region, object_label=label, actor=world.platform_admin)
        for label, region in zip(EVERY_LABEL, places, strict=True)
    }


def labels_in_api(client, user, query: str = "") -> list[str]:
    client.force_login(user)
    response = client.get(API + query)
    assert response.status_code == 200, response.content
    return sorted(item["object_label"] for item in response.json()["items"])


def labels_on_page(client, user, query: str = "") -> list[str]:
    client.force_login(user)
    response = client.get(PAGE + query)
    assert response.status_code == 200
    html = response.content.decode()
    return sorted(label for label in EVERY_LABEL if label in html)


# Who sees what ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("viewer", "expected"),
    [
        ("platform_admin", EVERY_LABEL),
        ("district_admin", EVERY_LABEL[:5]),
        ("auditor", EVERY_LABEL[:5]),
    ],
)
def test_viewers_see_the_entries_of_their_part_of_the_tree(client, spread, world, viewer, expected):
    assert labels_in_api(client, getattr(world, viewer)) == sorted(expected)
    assert labels_on_page(client, getattr(world, viewer)) == sorted(expected)


def test_a_subdistrict_auditor_sees_only_their_subdistrict(client, spread, world):
    auditor = world.person("sub.auditor", Role.AUDITOR, world.subdistrict.code)
    assert labels_in_api(client, auditor) == sorted(["甲-A", "乙-B", "乙-B1"])
    assert labels_on_page(client, auditor) == sorted(["甲-A", "乙-B", "乙-B1"])


def test_entries_without_a_region_are_for_the_top_of_the_tree_only(spread, world):
    visible = AuditEntry.objects.visible_to
    assert visible(world.platform_admin).filter(object_label="戊-none").exists()
    city_auditor = world.person("city.auditor", Role.AUDITOR, world.city.code)
    assert visible(city_auditor).filter(object_label="戊-none").exists()
    assert not visible(world.auditor).filter(object_label="戊-none").exists()
    assert not visible(world.district_admin).filter(object_label="戊-none").exists()


def test_a_superuser_sees_everything(client, spread):
    root = User.objects.create_superuser("root", "Root-password-99", full_name="root")
    assert labels_in_api(client, root) == sorted(EVERY_LABEL)


def test_an_inactive_auditor_sees_nothing(spread, world):
    world.auditor.is_active = False
    assert not AuditEntry.objects.visible_to(world.auditor).exists()


@pytest.mark.parametrize(
    "viewer", ["worker_a", "subdistrict_admin", "grid_worker_a1", "resident_a", "worker_b"]
)
def test_people_without_audit_view_get_403(client, spread, world, viewer):
    client.force_login(getattr(world, viewer))
    assert client.get(PAGE).status_code == 403
    response = client.get(API)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"


def test_anonymous_visitors_are_sent_to_sign_in_or_get_401(client, spread):
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert client.get(API).status_code == 401


def test_the_menu_shows_the_trail_to_auditors_only(client, world):
    client.force_login(world.auditor)
    assertContains(client.get("/"), 'href="/audit/"')
    client.force_login(world.worker_a)
    assertNotContains(client.get("/"), 'href="/audit/"')


# The API answer ------------------------------------------------------------------------------


def test_the_api_lists_newest_first_with_every_field(client, spread, world):
    client.force_login(world.auditor)
    body = client.get(API).json()
    assert body["count"] == 5 and body["page"] == 1
    seqs = [item["seq"] for item in body["items"]]
    assert seqs == sorted(seqs, reverse=True)
    item = next(i for i in body["items"] if i["object_label"] == "乙-B1")
    entry = spread["乙-B1"]
    assert item == {
        "seq": entry.seq,
        "at": item["at"],
        "actor_id": world.platform_admin.pk,
        "actor_name": "admin",
        "action": "record_update",
        "object_type": "registry.resident",
        "object_id": "1",
        "object_label": "乙-B1",
        "region_code": world.b1.code,
        "region_name": world.b1.name,
        "ip_address": None,
        "details": {},
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def test_the_api_pages(client, spread, world):
    client.force_login(world.platform_admin)
    body = client.get(API + "?page=2&page_size=4").json()
    assert (body["count"], body["page"], len(body["items"])) == (6, 2, 2)


# Filters ---------------------------------------------------------------------------------------


@pytest.fixture
def varied(world, monkeypatch):
    """Entries by different people, of different actions and objects, on different days."""
    now = timezone.now()

    def at(days: int, **kwargs):
        with monkeypatch.context() as m:
            m.setattr(services, "_now", lambda: now - timedelta(days=days))
            return record(**kwargs)

    return [
        at(10, actor=world.worker_a, region=world.a, action=AuditAction.EXPORT, object_id="7"),
        at(5, actor=world.worker_b, region=world.b, action=AuditAction.PII_REVEAL, object_id="8"),
        at(1, actor=world.worker_b, region=world.b1, object_type="regions.region", object_id="9"),
        at(0, actor=None, region=world.a1, action=AuditAction.LOGIN_FAILED, object_id="10"),
    ]


def seqs(client, user, query: str) -> list[int]:
    client.force_login(user)
    response = client.get(API + query)
    assert response.status_code == 200, response.content
    return [item["seq"] for item in response.json()["items"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?actor=worker.b", [2, 1]),
        ("?actor=WORKER.B", [2, 1]),
        ("?action=export", [0]),
        ("?action=login_failed", [3]),
        ("?object_type=regions.region", [2]),
        ("?object_type=registry.resident&object_id=8", [1]),
        ("?object_id=10", [3]),
        ("?region=370306001003", [2, 1]),  # 市南社区 and its grid
        ("?region=370306001003001", [2]),
        ("?region=370306001000", [3, 2, 1, 0]),  # the whole subdistrict
        ("?region=370306001001", [3, 0]),
        ("?actor=worker.b&region=370306001003001", [2]),
        ("?actor=nobody", []),
    ],
)
def test_the_filters(client, world, varied, query, expected):
    assert seqs(client, world.auditor, query) == [varied[i].seq for i in expected]


def test_the_date_filters_are_inclusive_days(client, world, varied):
    today = timezone.localdate()
    five_days_ago = (today - timedelta(days=5)).isoformat()
    assert seqs(client, world.auditor, f"?date_from={five_days_ago}") == [
        varied[3].seq,
        varied[2].seq,
        varied[1].seq,
    ]
    assert seqs(client, world.auditor, f"?date_to={five_days_ago}") == [
        varied[1].seq,
        varied[0].seq,
    ]
    assert seqs(client, world.auditor, f"?date_from={five_days_ago}&date_to={five_days_ago}") == [
        varied[1].seq
    ]


@pytest.mark.parametrize(
    "query", ["?region=37x", "?region=370306001099", "?action=coffee", "?date_from=yesterday"]
)
def test_bad_filters_are_a_422_in_the_api(client, world, query):
    client.force_login(world.auditor)
    response = client.get(API + query)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"


def test_the_console_filters_the_same_way(client, world, varied):
    client.force_login(world.auditor)
    html = client.get(PAGE, {"actor": "worker.b", "region": world.b.code}).content.decode()
    assert f">{varied[1].seq}<" in html and f">{varied[2].seq}<" in html
    assert f">{varied[0].seq}<" not in html and f">{varied[3].seq}<" not in html


def test_a_bad_console_filter_is_shown_on_the_form_and_the_rest_still_applies(
    client, world, varied
):
    client.force_login(world.auditor)
    response = client.get(PAGE, {"actor": "worker.a", "date_from": "someday"})
    assertContains(response, "From: enter a date such as 2026-03-01")
    html = response.content.decode()
    assert f">{varied[0].seq}<" in html and f">{varied[1].seq}<" not in html


def test_an_htmx_request_gets_only_the_results(client, world, varied):
    client.force_login(world.auditor)
    response = client.get(PAGE, {"action": "export"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and 'data-testid="audit-entries"' in html
    assert "1 entry" in html


def test_the_console_pages_and_keeps_the_filters_in_its_links(client, world):
    for _ in range(51):
        record(region=world.a, action=AuditAction.EXPORT)
    client.force_login(world.auditor)
    html = client.get(PAGE, {"action": "export"}).content.decode()
    assert "51 entries" in html
    assert 'href="?action=export&amp;page=2"' in html
    second = client.get(PAGE, {"action": "export", "page": 2}).content.decode()
    assert second.count("<tr>") == 2  # the header and one entry


def test_the_console_names_objects_actions_and_details_in_chinese(world):
    """Not `registry.household:7` and raw JSON: the kind of object, the action and the
    details labelled, field names as the fields are called, roles by their names."""
    from django.test import Client

    from linli.testing import registry as registry_factories

    client = Client()  # in Chinese
    spot = registry_factories.place(world.a1, by=world.worker_a)
    registry_factories.move_in(spot.household, name="王秀英", by=world.worker_a)
    services.audit_record(
        action=AuditAction.GRANT_CREATE,
        actor=world.district_admin,
        object_type="accounts.rolegrant",
        object_id="5",
        object_label="worker.a · 网格员",
        region=world.a1,
        details={"role": Role.GRID_WORKER, "region_code": world.a1.code},
    )
    client.force_login(world.district_admin)

    page = client.get(PAGE).content.decode()

    assert "新建记录" in page and "授予角色" in page
    assert f"户 #{spot.household.pk}" in page and "registry.household:" not in page
    assert "角色：</span>网格员" in page and "grid_worker" not in page
    assert "变更：</span>迁入" in page and "move_in" not in page
    assert "出生日期" in page and "birth_date" not in page and '{"' not in page.split("<body")[1]
    assert "王秀英" not in page  # the resident is named masked, as the trail stored it
