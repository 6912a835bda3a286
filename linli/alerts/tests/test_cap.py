"""Every alert is a CAP 1.2 message valid against the official OASIS schema, for every
msgType; what is written can be read back."""

from xml.etree import ElementTree as ET

import pytest
from defusedxml.ElementTree import fromstring

from linli.alerts import cap
from linli.alerts.choices import MsgType
from linli.alerts.services import alert_cancel, alert_update
from linli.alerts.tests.conftest import SQUARE, STORM, storm_draft

pytestmark = pytest.mark.django_db
C = "{urn:oasis:names:tc:emergency:cap:1.2}"


def valid(alert) -> ET.Element:
    body = cap.alert_xml(alert)
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = fromstring(body)
    assert cap.schema_errors(root) == []
    cap.schema().validate(root)  # the validator's own verdict, raising on any error
    return root


def test_a_draft_an_alert_an_update_and_a_cancel_are_valid_cap(world, draft, shelter):
    valid(draft)
    from linli.alerts.services import alert_issue

    issued = alert_issue(alert=draft, by=None)
    root = valid(issued)
    assert root.findtext(f"{C}msgType") == "Alert"
    infos = root.findall(f"{C}info")
    assert [i.findtext(f"{C}language") for i in infos] == ["zh-CN", "en-US"]
    assert infos[0].findtext(f"{C}event") == "暴雨黄色预警"
    assert infos[0].find(f"{C}area/{C}geocode/{C}value").text == world.a.code
    shelter_value = infos[0].find(f"{C}parameter/{C}value").text
    assert shelter_value.startswith("车站广场避难场所;车站街18号;36.800000,117.870000;1800")

    update = alert_update(
        alert=issued,
        region=world.a,
        area_desc="车站社区西部",
        texts=STORM,
        polygon=SQUARE,
        places=[shelter],
        by=None,
        category="Met",
        urgency="Immediate",
        severity="Severe",
        certainty="Observed",
        expires=issued.expires,
    )
    root = valid(update)
    assert root.findtext(f"{C}msgType") == "Update"
    references = root.findtext(f"{C}references")
    assert references == f"{issued.sender},{issued.identifier},{cap.cap_time(issued.sent)}"
    polygon = root.find(f"{C}info/{C}area/{C}polygon").text
    assert polygon.split()[0] == polygon.split()[-1] == "36.790000,117.860000"

    cancel = alert_cancel(alert=update, note="降雨减弱，解除预警。", by=None)
    root = valid(cancel)
    assert root.findtext(f"{C}msgType") == "Cancel"
    assert update.identifier in root.findtext(f"{C}references")
    assert cancel.msg_type == MsgType.CANCEL


def test_what_is_written_reads_back(world, issued):
    [message] = cap.read(cap.alert_xml(issued))
    assert (message.sender, message.identifier) == (issued.sender, issued.identifier)
    assert message.sent == issued.sent.replace(microsecond=0)
    assert [i.language for i in message.infos] == ["zh-CN", "en-US"]
    assert message.infos[0].areas[0].geocodes == [world.a.code]


def test_a_restricted_alert_names_its_restriction(world):
    root = valid(storm_draft(world, scope="Restricted"))
    assert root.findtext(f"{C}restriction")
