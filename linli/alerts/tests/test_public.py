"""The public CAP: an Atom feed of the alerts in force whose links resolve to valid CAP
messages, and a page for residents; drafts and staff-only alerts are nobody's."""

from datetime import timedelta
from xml.etree import ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring
from django.utils import timezone

from linli.alerts import cap
from linli.alerts.services import alert_cancel, alert_issue, alerts_expire
from linli.alerts.tests.conftest import storm_draft

pytestmark = pytest.mark.django_db
A = "{http://www.w3.org/2005/Atom}"


def atom(client) -> ET.Element:
    answer = client.get("/cap/feed.atom")
    assert answer.status_code == 200
    assert answer["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = fromstring(answer.content)
    # RFC 4287: a feed has exactly one id, title and updated, and an author (here the
    # feed's, so entries need none); each entry one id, title, updated and a link.
    assert root.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert len(root.findall(f"{A}{tag}")) == 1, tag
    assert root.findtext(f"{A}author/{A}name")
    assert root.find(f"{A}link[@rel='self']") is not None
    for entry in root.findall(f"{A}entry"):
        for tag in ("id", "title", "updated"):
            assert len(entry.findall(f"{A}{tag}")) == 1, tag
        assert str(entry.findtext(f"{A}updated"))[:19] <= str(root.findtext(f"{A}updated"))[:19]
    return root


def test_the_feed_lists_the_alerts_in_force_and_links_their_cap(world, client, issued):
    storm_draft(world)  # a draft: not in the feed
    old = alert_issue(
        alert=storm_draft(world, expires=timezone.now() + timedelta(minutes=1)), by=None
    )
    gone = alert_issue(alert=storm_draft(world), by=None)
    alert_cancel(alert=gone, note="解除", by=None)
    alerts_expire(now=timezone.now() + timedelta(minutes=2))

    root = atom(client)
    entries = root.findall(f"{A}entry")
    assert [e.findtext(f"{A}title") for e in entries] == ["车站社区暴雨黄色预警"]
    link = entries[0].find(f"{A}link[@type='application/cap+xml']").get("href")
    assert link == f"http://testserver/cap/alerts/{issued.pk}.xml"
    answer = client.get(link)
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/cap+xml")
    element = fromstring(answer.content)
    assert cap.schema_errors(element) == []
    assert element.findtext("{urn:oasis:names:tc:emergency:cap:1.2}identifier") == issued.identifier
    page = entries[0].find(f"{A}link[@rel='related']").get("href")
    assert "请前往车站广场避难场所" in client.get(page).content.decode()
    # ended alerts keep their CAP message (an Update or Cancel references them)
    assert client.get(f"/cap/alerts/{old.pk}.xml").status_code == 200


def test_drafts_and_staff_only_alerts_are_not_public(world, client, draft):
    restricted = alert_issue(alert=storm_draft(world, scope="Restricted"), by=None)
    for alert in (draft, restricted):
        assert client.get(f"/cap/alerts/{alert.pk}.xml").status_code == 404
        assert client.get(f"/cap/alerts/{alert.pk}/").status_code == 404
    assert atom(client).findall(f"{A}entry") == []
