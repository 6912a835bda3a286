"""Atom 1.0 (RFC 4287) in and out: the public feed of the alerts in force, each entry
linking its CAP message, as weather services publish theirs; and the poll of a
configured CAP feed (LINLI_CAP_FEED_URL), importing what is new."""

import logging
from urllib.parse import urljoin, urlsplit
from urllib.request import Request, urlopen
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from linli.alerts import cap, selectors
from linli.alerts.choices import CAP_MEDIA_TYPE, CAP_NAMESPACE
from linli.alerts.models import cap_time
from linli.alerts.services import alerts_import

logger = logging.getLogger(__name__)
ATOM = "http://www.w3.org/2005/Atom"
A = f"{{{ATOM}}}"
TIMEOUT = 10  # seconds, each request of a poll
FEED_SIZE = 50


def _sub(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    node = ET.SubElement(parent, f"{A}{tag}", attrs)
    node.text = text
    return node


def atom_feed(request: HttpRequest) -> bytes:
    """The feed of public, actual alerts in force (newest first, at most FEED_SIZE)."""
    ET.register_namespace("", ATOM)
    ET.register_namespace("cap", CAP_NAMESPACE)
    alerts = list(selectors.feed_alerts()[:FEED_SIZE])
    here = request.build_absolute_uri(reverse("cap:feed"))
    root = ET.Element(f"{A}feed")
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "zh-CN")
    _sub(root, "id", here)
    _sub(
        root,
        "title",
        "周村区应急预警信息" if settings.LINLI_DISTRICT.startswith("370306") else "应急预警信息",
    )
    latest = max((a.sent for a in alerts if a.sent), default=timezone.now())
    _sub(root, "updated", cap_time(latest))
    author = ET.SubElement(root, f"{A}author")
    _sub(author, "name", settings.LINLI_CAP_SENDER)
    ET.SubElement(root, f"{A}link", {"rel": "self", "href": here, "type": "application/atom+xml"})
    for alert in alerts:
        xml = request.build_absolute_uri(reverse("cap:alert-xml", args=[alert.pk]))
        entry = ET.SubElement(root, f"{A}entry")
        _sub(entry, "id", xml)  # stable: the message never changes once issued
        _sub(entry, "title", alert.headline)
        _sub(entry, "updated", cap_time(alert.sent))
        info = alert.info("zh-CN")
        if info is not None and info.description:
            _sub(entry, "summary", info.description[:500])
        ET.SubElement(entry, f"{A}link", {"rel": "alternate", "type": CAP_MEDIA_TYPE, "href": xml})
        ET.SubElement(
            entry,
            f"{A}link",
            {
                "rel": "related",
                "type": "text/html",
                "href": request.build_absolute_uri(reverse("cap:alert", args=[alert.pk])),
            },
        )
        # The CAP feeds profile's summary fields, so a reader can filter without fetching.
        for name, value in (
            ("event", info.event if info else ""),
            ("urgency", alert.urgency),
            ("severity", alert.severity),
            ("certainty", alert.certainty),
            ("areaDesc", alert.area_desc),
        ):
            node = ET.SubElement(entry, f"{{{CAP_NAMESPACE}}}{name}")
            node.text = value
        if alert.expires is not None:
            node = ET.SubElement(entry, f"{{{CAP_NAMESPACE}}}expires")
            node.text = cap_time(alert.expires)
    ET.indent(root)
    body: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return body


def _get(url: str) -> bytes:
    if urlsplit(url).scheme not in ("http", "https"):
        raise OSError(f"not an http(s) URL: {url}")
    request = Request(url, headers={"Accept": f"application/atom+xml, {CAP_MEDIA_TYPE}"})  # noqa: S310 (checked above)
    with urlopen(request, timeout=TIMEOUT) as answer:  # noqa: S310 (checked above)
        data: bytes = answer.read(cap.MAX_BYTES + 1)
    return data


def poll(url: str | None = None) -> int:
    """Fetch the configured feed (or CAP message) and import it: the alerts its entries
    carry, and the CAP messages its entries link on the same host. Returns how many
    alerts were new; a document refused is logged with its errors and skipped."""
    url = url or settings.LINLI_CAP_FEED_URL
    if not url:
        return 0
    try:
        data = _get(url)
        links = cap.feed_links(data)
    except (OSError, ValidationError) as exc:
        logger.warning("CAP feed %s: %s", url, exc)
        return 0
    host = urlsplit(url).netloc
    documents = [(url, data)]
    for link in links:
        target = urljoin(url, link)
        if urlsplit(target).netloc != host or urlsplit(target).scheme not in ("http", "https"):
            logger.warning("CAP feed %s: link to another host skipped: %s", url, target)
            continue
        try:
            documents.append((target, _get(target)))
        except OSError as exc:
            logger.warning("CAP feed %s: %s", target, exc)
    pending = [(where, document) for where, document in documents if not (where == url and links)]
    new = 0
    for _attempt in range(2):  # an update fetched before the alert it references: again
        refused = []
        for where, document in reversed(pending):  # feeds list the newest first
            try:
                new += len(alerts_import(data=document, by=None, name=where[-100:]).created)
            except ValidationError as exc:
                refused.append((where, document))
                logger.warning("CAP document %s refused: %s", where, "; ".join(exc.messages))
        if not refused or len(refused) == len(pending):
            break
        pending = refused
    return new
