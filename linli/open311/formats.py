"""Open311's two formats. The XML is the reference; the JSON drops the root element
and turns each plural container of singular children into an array ("Spark"
convention): `<services><service>…` ↔ `[{…}]`."""

import json
import re
from xml.etree import ElementTree

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
# The element of each item of a list, by the list's element.
# Characters XML 1.0 cannot carry (a pasted control character would break the document).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ITEM = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "notes": "note",
    "errors": "error",
}


def respond(data, fmt: str, root: str, status: int = 200) -> HttpResponse:
    """`data` (a list or a dict) as the body, in `fmt`, under `root` in XML."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False)
    else:
        element = ElementTree.Element(root)
        _fill(element, data)
        body = '<?xml version="1.0" encoding="utf-8"?>\n' + ElementTree.tostring(
            element, encoding="unicode"
        )
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str) -> HttpResponse:
    """The errors document: one error per description, each with the HTTP status."""
    body = [{"code": status, "description": str(d)} for d in descriptions]
    return respond(body, fmt, "errors", status)


def _fill(element: ElementTree.Element, value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _fill(ElementTree.SubElement(element, key), item)
    elif isinstance(value, list):
        tag = ITEM.get(element.tag, "value")
        for item in value:
            _fill(ElementTree.SubElement(element, tag), item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = NOT_XML.sub("", str(value))
