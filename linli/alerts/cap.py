"""CAP 1.2 on the wire: every alert written as a CAP message, and CAP messages (or an
Atom feed of them) read back, both checked against the official OASIS schema
(schema/CAP-v1.2.xsd, its licence in schema/LICENCE.md).

Reading is safe by construction: defusedxml refuses a DTD (so no entity, internal or
external, is ever expanded) and nothing is fetched while parsing; a document is
refused whole, each schema error named, before anything is saved.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import xmlschema
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from linli.alerts import areas
from linli.alerts.choices import CAP_NAMESPACE, GEOCODE_NAME, PlaceKind
from linli.alerts.models import Alert, cap_time

SCHEMA = Path(__file__).parent / "schema" / "CAP-v1.2.xsd"
ATOM = "http://www.w3.org/2005/Atom"
MAX_BYTES = 2 * 1024 * 1024
MAX_ERRORS = 10
PARAMETER = {PlaceKind.SHELTER: "LINLI:SHELTER", PlaceKind.CIVIL_DEFENCE: "LINLI:CIVIL_DEFENCE"}
C = f"{{{CAP_NAMESPACE}}}"
A = f"{{{ATOM}}}"


@cache
def schema() -> xmlschema.XMLSchema10:
    return xmlschema.XMLSchema10(str(SCHEMA))


# --- writing ---------------------------------------------------------------------------


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    node = ET.SubElement(parent, tag)
    node.text = text
    return node


def cap_polygons(polygon: dict[str, Any] | None) -> list[str]:
    """Each polygon of a GeoJSON Polygon or MultiPolygon as CAP's "lat,lon lat,lon …"
    (its outer ring, closed: CAP has no holes)."""
    return [
        " ".join(f"{p[1]:.6f},{p[0]:.6f}" for p in rings[0]) for rings in areas.polygons_of(polygon)
    ]


def cap_circle(circle: dict[str, float]) -> str:
    """A circle as CAP's "lat,lon radius" (radius in kilometres)."""
    return f"{circle['latitude']:.6f},{circle['longitude']:.6f} {circle['radius_km']:g}"


def alert_element(alert: Alert) -> ET.Element:
    """The alert as a CAP 1.2 `<alert>` element (sent: the draft's preview is dated now)."""
    from django.utils import timezone

    root = ET.Element(f"{C}alert")
    _sub(root, f"{C}identifier", alert.identifier)
    _sub(root, f"{C}sender", alert.sender)
    _sub(root, f"{C}sent", cap_time(alert.sent or timezone.now()))
    _sub(root, f"{C}status", alert.status)
    _sub(root, f"{C}msgType", alert.msg_type)
    _sub(root, f"{C}scope", alert.scope)
    if alert.scope == "Restricted":
        _sub(root, f"{C}restriction", _("Staff of the area only"))
    if alert.references:
        _sub(root, f"{C}references", alert.references)
    places = list(alert.places.all())
    for info in alert.infos.all():
        block = ET.SubElement(root, f"{C}info")
        _sub(block, f"{C}language", info.language)
        _sub(block, f"{C}category", alert.category)
        _sub(block, f"{C}event", info.event)
        _sub(block, f"{C}urgency", alert.urgency)
        _sub(block, f"{C}severity", alert.severity)
        _sub(block, f"{C}certainty", alert.certainty)
        for name in ("effective", "onset", "expires"):
            value = getattr(alert, name)
            if value is not None:
                _sub(block, f"{C}{name}", cap_time(value))
        for name in ("headline", "description", "instruction"):
            if getattr(info, name):
                _sub(block, f"{C}{name}", getattr(info, name))
        if alert.web:
            _sub(block, f"{C}web", alert.web)
        if alert.contact:
            _sub(block, f"{C}contact", alert.contact)
        for place in places:
            parameter = ET.SubElement(block, f"{C}parameter")
            _sub(parameter, f"{C}valueName", PARAMETER[PlaceKind(place.kind)])
            _sub(
                parameter,
                f"{C}value",
                f"{place.name};{place.address};{place.latitude:.6f},{place.longitude:.6f};"
                f"{place.capacity}",
            )
        area = ET.SubElement(block, f"{C}area")
        _sub(area, f"{C}areaDesc", alert.area_desc)
        for polygon in cap_polygons(alert.polygon):
            _sub(area, f"{C}polygon", polygon)
        for circle in alert.circles or []:
            _sub(area, f"{C}circle", cap_circle(circle))
        geocode = ET.SubElement(area, f"{C}geocode")
        _sub(geocode, f"{C}valueName", GEOCODE_NAME)
        _sub(geocode, f"{C}value", alert.region.code)
    return root


def alert_xml(alert: Alert) -> bytes:
    ET.register_namespace("", CAP_NAMESPACE)
    element = alert_element(alert)
    ET.indent(element)
    body: bytes = ET.tostring(element, encoding="utf-8", xml_declaration=True)
    return body


# --- reading ---------------------------------------------------------------------------


@dataclass
class Area:
    desc: str
    geocodes: list[str] = field(default_factory=list)
    polygons: list[list[tuple[float, float]]] = field(default_factory=list)  # (lon, lat)
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # (lon, lat, km)


@dataclass
class Info:
    language: str
    category: str
    event: str
    urgency: str
    severity: str
    certainty: str
    effective: datetime | None
    onset: datetime | None
    expires: datetime | None
    headline: str
    description: str
    instruction: str
    web: str
    contact: str
    areas: list[Area]


@dataclass
class Message:
    identifier: str
    sender: str
    sent: datetime
    status: str
    msg_type: str
    scope: str
    references: list[tuple[str, str]]  # (sender, identifier)
    infos: list[Info]


def _document(data: bytes) -> ET.Element:
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("The document is larger than %(max)s MB."), params={"max": MAX_BYTES // 2**20}
        )
    try:
        root: ET.Element = fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise ValidationError(
            _("The document declares a DTD or entities, which are refused for safety."),
            code="unsafe",
        ) from exc
    except ET.ParseError as exc:
        line, column = exc.position
        raise ValidationError(
            _("The document is not well-formed XML (line %(line)s, column %(column)s)."),
            code="not_xml",
            params={"line": line, "column": column},
        ) from exc
    return root


def _where(path: str | None) -> str:
    if not path:
        return "alert"
    return "/".join(step.rsplit("}", 1)[-1] for step in path.strip("/").split("/"))


def schema_errors(element: ET.Element) -> list[str]:
    """Each schema error named: where (the element's path) and what is wrong."""
    found: list[str] = []
    for error in schema().iter_errors(element):
        where = _where(error.path)
        if isinstance(error, xmlschema.XMLSchemaChildrenValidationError):
            expected = [getattr(e, "local_name", None) or str(e) for e in error.expected or []]
            child = error.invalid_tag
            if child is not None:
                found.append(
                    _("%(where)s: element %(child)s is not allowed here%(expected)s.")
                    % {
                        "where": where,
                        "child": child.rsplit("}", 1)[-1],
                        "expected": _("; expected %(names)s") % {"names": ", ".join(expected)}
                        if expected
                        else "",
                    }
                )
            else:
                found.append(
                    _("%(where)s: element %(names)s is missing.")
                    % {"where": where, "names": ", ".join(expected)}
                )
        else:
            value = error.obj if isinstance(error.obj, str) else ""
            found.append(
                _("%(where)s: the value “%(value)s” is not allowed by CAP 1.2.")
                % {"where": where, "value": value[:60]}
            )
        if len(found) >= MAX_ERRORS:
            break
    return found


def _text(node: ET.Element, tag: str) -> str:
    return (node.findtext(f"{C}{tag}") or "").strip()


def _time(node: ET.Element, tag: str) -> datetime | None:
    text = _text(node, tag)
    return parse_datetime(text) if text else None


def _polygon(text: str) -> list[tuple[float, float]]:
    points = []
    for pair in text.split():
        lat, lon = pair.split(",")
        points.append((float(lon), float(lat)))
    return points


def _circle(text: str) -> tuple[float, float, float]:
    """CAP's "lat,lon radius" (the schema leaves it a string: checked by the service)."""
    try:
        centre, radius = text.split()
        lat, lon = centre.split(",")
        return float(lon), float(lat), float(radius)
    except ValueError as exc:
        raise ValidationError(
            _("The circle “%(text)s” is not “latitude,longitude radius”."),
            code="bad_circle",
            params={"text": text[:60]},
        ) from exc


def message(element: ET.Element) -> Message:
    """A schema-valid `<alert>` as a Message (call `schema_errors` first)."""
    references: list[tuple[str, str]] = []
    for triple in _text(element, "references").split():
        parts = triple.split(",")
        if len(parts) == 3:
            references.append((parts[0], parts[1]))
    infos = []
    for block in element.findall(f"{C}info"):
        areas = [
            Area(
                desc=_text(area, "areaDesc"),
                geocodes=[
                    _text(g, "value")
                    for g in area.findall(f"{C}geocode")
                    if _text(g, "value").isdigit()
                ],
                polygons=[_polygon(p.text or "") for p in area.findall(f"{C}polygon")],
                circles=[_circle(c.text or "") for c in area.findall(f"{C}circle")],
            )
            for area in block.findall(f"{C}area")
        ]
        infos.append(
            Info(
                language=_text(block, "language") or "en-US",
                category=_text(block, "category"),
                event=_text(block, "event"),
                urgency=_text(block, "urgency"),
                severity=_text(block, "severity"),
                certainty=_text(block, "certainty"),
                effective=_time(block, "effective"),
                onset=_time(block, "onset"),
                expires=_time(block, "expires"),
                headline=_text(block, "headline"),
                description=_text(block, "description"),
                instruction=_text(block, "instruction"),
                web=_text(block, "web"),
                contact=_text(block, "contact"),
                areas=areas,
            )
        )
    sent = _time(element, "sent")
    assert sent is not None  # the schema requires it
    return Message(
        identifier=_text(element, "identifier"),
        sender=_text(element, "sender"),
        sent=sent,
        status=_text(element, "status"),
        msg_type=_text(element, "msgType"),
        scope=_text(element, "scope"),
        references=references,
        infos=infos,
    )


def read(data: bytes) -> list[Message]:
    """The CAP messages of a document: one `<alert>`, or an Atom feed whose entries
    carry them in their content. Refuses the whole document (ValidationError listing
    what is wrong, alert by alert) if any of them is invalid."""
    root = _document(data)
    if root.tag == f"{C}alert":
        alerts = [root]
    elif root.tag == f"{A}feed":
        alerts = [node for entry in root.findall(f"{A}entry") for node in entry.iter(f"{C}alert")]
        if not alerts:
            raise ValidationError(
                _("The Atom feed carries no CAP 1.2 alert in its entries."), code="empty"
            )
    else:
        raise ValidationError(
            _("The document is neither a CAP 1.2 alert nor an Atom feed (its root is %(tag)s)."),
            code="wrong_root",
            params={"tag": root.tag.rsplit("}", 1)[-1]},
        )
    errors: list[str] = []
    for index, element in enumerate(alerts, start=1):
        for problem in schema_errors(element):
            errors.append(
                _("Alert %(n)s: %(problem)s") % {"n": index, "problem": problem}
                if len(alerts) > 1
                else problem
            )
    if errors:
        raise ValidationError(
            [
                ngettext(
                    "The CAP document is not valid (%(count)s error):",
                    "The CAP document is not valid (%(count)s errors):",
                    len(errors),
                )
                % {"count": len(errors)},
                *errors,
            ],
            code="invalid",
        )
    return [message(element) for element in alerts]


def feed_links(data: bytes) -> list[str]:
    """The CAP links of an Atom feed's entries (`type="application/cap+xml"`, or any
    link ending in .xml), for a feed polled from a configured URL."""
    root = _document(data)
    if root.tag != f"{A}feed":
        return []
    links = []
    for entry in root.findall(f"{A}entry"):
        if entry.find(f".//{C}alert") is not None:
            continue  # carried in the entry itself
        for link in entry.findall(f"{A}link"):
            href = link.get("href", "")
            if link.get("type") == "application/cap+xml" or href.endswith(".xml"):
                links.append(href)
                break
    return links
