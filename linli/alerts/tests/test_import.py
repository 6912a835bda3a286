"""Importing CAP: a weather bureau's message, an Atom feed carrying them, a polled feed
on a local server; idempotent; Update and Cancel applied; bad input refused whole,
each problem named, nothing saved."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.exceptions import ValidationError

from linli.alerts import cap, feeds
from linli.alerts.choices import Origin, State
from linli.alerts.models import Alert, AlertInfo
from linli.alerts.services import alerts_import
from linli.alerts.tests.conftest import cap_document

pytestmark = pytest.mark.django_db
BUREAU = cap_document("zhoucun-rainstorm.xml")


def follow_up(msg_type: str, identifier: str, *, references: str, headline: str) -> bytes:
    """An Update or Cancel from the bureau, in its style."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>37030641600000</sender>
  <sent>2026-12-07T12:00:00+08:00</sent><status>Actual</status><msgType>{msg_type}</msgType>
  <scope>Public</scope><references>{references}</references>
  <info><language>zh-CN</language><category>Met</category><event>暴雨</event>
    <urgency>Immediate</urgency><severity>Severe</severity><certainty>Observed</certainty>
    <expires>2099-12-08T12:00:00+08:00</expires><headline>{headline}</headline>
    <area><areaDesc>周村区丝绸路街道</areaDesc>
      <geocode><valueName>GB/T 2260</valueName><value>370306001</value></geocode></area>
  </info>
</alert>""".encode()


REFERENCES = "37030641600000,37030641600000_20261207093000,2026-12-07T09:30:00+08:00"


def test_a_weather_bureaus_alert_is_imported_once(world):
    done = alerts_import(data=BUREAU, by=world.district_admin, name="rain.xml")
    [alert] = done.created
    assert alert.state == State.ISSUED and alert.origin == Origin.IMPORT
    assert alert.region == world.district  # geocode 370306: the district
    assert alert.headline == "周村区气象台发布暴雨黄色预警[Ⅲ级/较重]"
    assert alert.info("en-US").headline == "Rainstorm Yellow Warning"
    assert cap.cap_time(alert.sent) == "2026-12-07T09:30:00+08:00"

    again = alerts_import(data=BUREAU, by=world.district_admin)
    assert (again.created, again.known) == ([], 1)
    assert Alert.objects.count() == 1


def test_an_update_and_a_cancel_apply_to_the_alert_they_reference(world):
    [first] = alerts_import(data=BUREAU, by=None).created
    update = follow_up(
        "Update", "37030641600000_20261207120000", references=REFERENCES, headline="暴雨橙色预警"
    )
    [second] = alerts_import(data=update, by=None).created
    first.refresh_from_db()
    assert first.state == State.SUPERSEDED
    assert second.replaces == first and second.region == world.subdistrict  # 370306001

    cancel = follow_up(
        "Cancel",
        "37030641600000_20261207150000",
        references="37030641600000,37030641600000_20261207120000,2026-12-07T12:00:00+08:00",
        headline="解除暴雨预警",
    )
    [third] = alerts_import(data=cancel, by=None).created
    second.refresh_from_db()
    assert second.state == State.CANCELLED and third.replaces == second


def test_an_atom_feed_carrying_alerts_is_imported_in_order(world):
    update = follow_up(
        "Update", "37030641600000_20261207120000", references=REFERENCES, headline="暴雨橙色预警"
    )
    strip = lambda doc: doc.split(b"?>", 1)[1]  # noqa: E731
    feed = (
        b'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<id>urn:feed</id><title>t</title><updated>2026-12-07T12:00:00+08:00</updated>"
        b"<entry><id>urn:2</id><title>u</title><updated>2026-12-07T12:00:00+08:00</updated>"
        b"<content type='application/cap+xml'>" + strip(update) + b"</content></entry>"
        b"<entry><id>urn:1</id><title>a</title><updated>2026-12-07T09:30:00+08:00</updated>"
        b"<content type='application/cap+xml'>" + strip(BUREAU) + b"</content></entry></feed>"
    )
    done = alerts_import(data=feed, by=None)
    assert [a.msg_type for a in done.created] == ["Alert", "Update"]


def refused(data: bytes, by=None) -> list[str]:
    before = (Alert.objects.count(), AlertInfo.objects.count())
    with pytest.raises(ValidationError) as caught:
        alerts_import(data=data, by=by)
    assert (Alert.objects.count(), AlertInfo.objects.count()) == before
    return caught.value.messages


def test_bad_documents_are_refused_whole_with_what_is_wrong(world):
    assert "not well-formed XML (line 1" in refused(b"<alert><identifier>x</alert>")[0]
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE alert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">'
        b"<identifier>&xxe;</identifier></alert>"
    )
    assert "DTD or entities" in refused(xxe)[0]
    bomb = b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa">]><a>&a;&a;</a>'
    assert "DTD or entities" in refused(bomb)[0]
    assert "neither a CAP 1.2 alert nor an Atom feed" in refused(b"<html/>")[0]

    invalid = BUREAU.replace(b"<status>Actual</status>", b"<status>Real</status>").replace(
        b"<urgency>Expected</urgency>", b"", 1
    )
    problems = refused(invalid)
    assert problems[0] == "The CAP document is not valid (2 errors):"
    assert "alert/status: the value “Real” is not allowed by CAP 1.2." in problems
    assert any(
        p.startswith("alert/info: element event is not allowed here") or "urgency" in p
        for p in problems[1:]
    )

    unknown = follow_up(
        "Update", "X-1", references="someone,nothing,2026-12-07T09:30:00+08:00", headline="h"
    )
    assert (
        "the alert it updates or cancels (someone,nothing) is unknown here" in refused(unknown)[0]
    )

    elsewhere = BUREAU.replace(b"<value>370306</value>", b"<value>110101</value>")
    assert "outside the district" in refused(elsewhere)[0]


def test_a_feed_with_one_bad_alert_saves_none(world):
    strip = lambda doc: doc.split(b"?>", 1)[1]  # noqa: E731
    bad = (
        strip(BUREAU).replace(b"_20261207093000", b"_2").replace(b"<status>Actual", b"<status>Nope")
    )
    feed = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><content>'
        + strip(BUREAU)
        + b"</content></entry><entry><content>"
        + bad
        + b"</content></entry></feed>"
    )
    problems = refused(feed)
    assert "Alert 2: alert/status: the value “Nope” is not allowed by CAP 1.2." in problems


def test_an_alert_outside_ones_regions_is_refused(world):
    assert "outside your regions" in refused(BUREAU, by=world.worker_b)[0]


def test_a_polygon_maps_to_the_grids_under_it(bounded):
    polygon = "36.796,117.866 36.796,117.874 36.804,117.874 36.804,117.866 36.796,117.866"
    doc = BUREAU.replace(
        b"<geocode>\n        <valueName>GB/T 2260</valueName>\n"
        b"        <value>370306</value>\n      </geocode>",
        f"<polygon>{polygon}</polygon>".encode(),
    )
    assert b"<polygon>" in doc
    [alert] = alerts_import(data=doc, by=None).created
    assert alert.region == bounded.a1
    assert alert.polygon["coordinates"][0][0] == [117.866, 36.796]


class Served(BaseHTTPRequestHandler):
    documents: dict[str, bytes] = {}

    def do_GET(self):
        body = self.documents.get(self.path)
        self.send_response(200 if body else 404)
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Served)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_configured_feed_is_polled_and_its_linked_alerts_imported(world, server, settings):
    update = follow_up(
        "Update", "37030641600000_20261207120000", references=REFERENCES, headline="暴雨橙色预警"
    )
    Served.documents = {
        "/feed.atom": (
            b'<feed xmlns="http://www.w3.org/2005/Atom"><id>urn:f</id>'
            b'<entry><id>urn:2</id><link type="application/cap+xml" href="/cap/2.xml"/></entry>'
            b'<entry><id>urn:1</id><link type="application/cap+xml" href="/cap/1.xml"/></entry>'
            b'<entry><id>urn:x</id><link href="http://elsewhere.invalid/3.xml"/></entry></feed>'
        ),
        "/cap/1.xml": BUREAU,
        "/cap/2.xml": update,
    }
    settings.LINLI_CAP_FEED_URL = server + "/feed.atom"
    assert feeds.poll() == 2
    assert feeds.poll() == 0  # nothing new
    assert Alert.objects.get(identifier="37030641600000_20261207093000").state == State.SUPERSEDED


def test_a_feed_that_cannot_be_reached_imports_nothing(world, server):
    assert feeds.poll(server + "/missing.atom") == 0
    assert not Alert.objects.exists()


def test_feed_links_only_follow_cap(world):
    assert cap.feed_links(b"<feed xmlns='http://www.w3.org/2005/Atom'/>") == []
