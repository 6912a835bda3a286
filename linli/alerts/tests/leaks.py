"""Community B for the leak test: a shelter of B, a draft alert over B (staff only until
issued), and an alert over B in force (public by design: its CAP message, its page and
the feed publish it, and with it B's name and division code, which those three views
declare in `shows_divisions`); a valid request for every route of the alerts console
and API that changes something. The markers are the draft's and the shelter's words,
which no public view may show."""

from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.alerts.services import alert_create, alert_issue, place_create
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏避难所", "市南泄漏预警草稿"]
API = "/api/v1"
PUBLIC = {"cap:feed", "cap:alert-xml", "cap:alert"}


def _texts(headline: str) -> dict[str, dict[str, str]]:
    return {
        "zh-CN": {
            "event": "暴雨蓝色预警",
            "headline": headline,
            "description": "",
            "instruction": "",
        }
    }


FACTS: dict[str, Any] = {
    "category": "Met",
    "urgency": "Expected",
    "severity": "Minor",
    "certainty": "Likely",
}


def _cap(code: str):
    def upload() -> dict[str, Any]:
        body = f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>LEAK-IMPORT-1</identifier><sender>bureau</sender>
  <sent>2026-12-07T09:30:00+08:00</sent><status>Actual</status><msgType>Alert</msgType>
  <scope>Public</scope>
  <info><language>zh-CN</language><category>Met</category><event>大风</event>
    <urgency>Expected</urgency><severity>Minor</severity><certainty>Likely</certainty>
    <expires>2099-01-01T00:00:00+08:00</expires><headline>大风蓝色预警</headline>
    <area><areaDesc>导入区域</areaDesc>
      <geocode><valueName>GB/T 2260</valueName><value>{code}</value></geocode></area>
  </info>
</alert>""".encode()
        return {"document": SimpleUploadedFile("cap.xml", body, content_type="application/xml")}

    return upload


def community_b(world, made) -> Leaks:
    shelter = place_create(
        region=world.b,
        name=MARKERS[0],
        kind="shelter",
        address="市南路9号",
        capacity=900,
        longitude=117.9,
        latitude=36.8,
        by=None,
    )
    expires = timezone.now() + timedelta(hours=6)
    draft = alert_create(
        region=world.b,
        area_desc="市南社区",
        texts=_texts(MARKERS[1]),
        places=[shelter],
        by=None,
        expires=expires,
        **FACTS,
    )
    issued = alert_issue(
        alert=alert_create(
            region=world.b,
            area_desc="市南社区",
            texts=_texts("暴雨蓝色预警（公开）"),
            by=None,
            expires=expires,
            **FACTS,
        ),
        by=None,
    )
    form = {
        "region": world.b.code,
        "area_desc": "市南社区",
        "polygon": "",
        "event": "暴雨蓝色预警",
        "headline": "市南社区暴雨蓝色预警",
        "description": "降雨",
        "instruction": "",
        "category": "Met",
        "urgency": "Expected",
        "severity": "Minor",
        "certainty": "Likely",
        "expires": timezone.localtime(expires).strftime("%Y-%m-%dT%H:%M"),
        "status": "Actual",
        "scope": "Public",
    }
    body = {
        "region": world.b.code,
        "category": "Met",
        "urgency": "Expected",
        "severity": "Minor",
        "certainty": "Likely",
        "expires": expires.isoformat(),
        "zh": {"event": "暴雨蓝色预警", "headline": "市南社区暴雨蓝色预警"},
    }
    place = {
        "region": world.b.code,
        "name": "市南新避难所",
        "kind": "shelter",
        "address": "市南路1号",
        "capacity": 100,
        "longitude": 117.9,
        "latitude": 36.8,
    }
    d, i = draft.pk, issued.pk
    sends = {
        ("post", "alerts:alert-create"): Send("/alerts/new/", form),
        ("post", "alerts:alert-edit"): Send(f"/alerts/{d}/edit/", form),
        ("post", "alerts:alert-issue"): Send(f"/alerts/{d}/issue/"),
        ("post", "alerts:alert-update"): Send(f"/alerts/{i}/update/", form | {"note": "改"}),
        ("post", "alerts:alert-cancel"): Send(f"/alerts/{i}/cancel/", {"note": "解除"}),
        ("post", "alerts:alert-drill"): Send("/alerts/drill/", {"region": world.b.code}),
        ("post", "alerts:alert-import"): Send("/alerts/import/", _cap(world.b.code)),
        ("post", "api:alert-create"): Send(f"{API}/alerts", body, expect=201),
        ("put", "api:alert-edit"): Send(f"{API}/alerts/{d}", body, expect=200),
        ("post", "api:alert-issue"): Send(f"{API}/alerts/{d}/issue", expect=200),
        ("post", "api:alert-update"): Send(f"{API}/alerts/{i}/update", body, expect=201),
        ("post", "api:alert-cancel"): Send(
            f"{API}/alerts/{i}/cancel", {"note": "解除"}, expect=201
        ),
        ("post", "api:alert-import"): Send(f"{API}/alerts/import", _cap(world.b.code), expect=201),
        ("post", "api:place-create"): Send(f"{API}/places", place, expect=201),
        ("post", "alerts:place-create"): Send(
            "/alerts/places/new/", place | {"name": "市南第二避难所"}
        ),
        ("post", "alerts:place-edit"): Send(
            f"/alerts/places/{shelter.pk}/edit/",
            place | {"name": MARKERS[0], "address": "市南路9号", "capacity": 950},
        ),
    }
    return Leaks(
        objects={"place": [shelter], "alert": [draft, issued]},
        markers=MARKERS,
        sends=sends,
        searches=["?q=市南泄漏"],
        shows_divisions=PUBLIC,
    )
