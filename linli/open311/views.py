"""Open311 GeoReport v2 at /open311/v2/ (wiki.open311.org/GeoReport_v2): discovery,
services and their definitions, service requests to list, read and post. Every
answer in XML or JSON by the URL's suffix; errors as the spec's errors document
(404 not found — any other path too —, 403 bad api_key, 405 another method, 400
anything else), never an HTML page."""

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from linli.accounts.auth import InvalidToken, token_used
from linli.cases import services as cases
from linli.cases.choices import Source
from linli.cases.permissions import CASE_REPORT
from linli.core.access import public
from linli.open311 import selectors
from linli.open311.formats import errors, respond
from linli.regions.selectors import district, district_path
from linli.registry.selectors import buildings_at_addresses

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# The W3C date-time forms (www.w3.org/TR/NOTE-datetime): a year, a month, a day, or a
# day with hh:mm, hh:mm:ss or hh:mm:ss.s and a zone.
W3C = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<month>\d{2})(?:-(?P<day>\d{2})"
    r"(?:T(?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(?:Z|[+-]\d{2}:\d{2}))?)?)?$"
)
# "+08:00" whose "+" came unencoded in a query string, read as a space.
SPACED_ZONE = re.compile(r"(T[\d:.]+) (\d{2}:\d{2})$")
SPAN = timedelta(days=90)
ATTRIBUTE = re.compile(r"^attribute\[([a-z][a-z0-9_]{0,39})\](\[\])?$")
MAX_IDS = 100
MAX_PAGE = 10_000
MAX_ADDRESS = 200  # Case.address
# The discovery document's changeset: it changes only with the code or settings, that is
# when the server restarts.
STARTED = timezone.now()
ANY_METHOD = ["GET", "POST", "PUT", "PATCH", "DELETE"]


class Refused(Exception):
    def __init__(self, status: int, *descriptions: str):
        self.status, self.descriptions = status, descriptions


def _jurisdictions() -> set[str]:
    """The district served, by path or division code (周村区: 370306, 370306000000)."""
    return {"", district_path(), settings.LINLI_DISTRICT}


def _answer(*methods: str):
    """The view for `methods`, answering a refusal (`Refused`, an unknown
    jurisdiction, another method) with the errors document."""
    allowed = list(methods)

    def decorate(view):
        @public
        @csrf_exempt  # no session is used: POST requests.{fmt} takes an api_key
        @wraps(view)
        def wrapper(request: HttpRequest, *args, fmt: str, **kwargs):
            if request.method not in allowed:
                refused = errors(
                    fmt,
                    405,
                    _("%(method)s is not allowed here: use %(allowed)s.")
                    % {"method": request.method, "allowed": ", ".join(allowed)},
                )
                refused["Allow"] = ", ".join(allowed)
                return refused
            params = request.POST if request.method == "POST" else request.GET
            try:
                if params.get("jurisdiction_id", "").strip() not in _jurisdictions():
                    raise Refused(
                        404,
                        _("Unknown jurisdiction_id: this server serves %(code)s.")
                        % {"code": district_path()},
                    )
                return view(request, *args, fmt=fmt, **kwargs)
            except Refused as refused:
                return errors(fmt, refused.status, *refused.descriptions)

        return wrapper

    return decorate


@public
@csrf_exempt
@require_http_methods(ANY_METHOD)
def unknown(request: HttpRequest, path: str):
    """Any other path under /open311/v2/: 404 in the errors format its suffix asks for."""
    fmt = "xml" if path.endswith(".xml") else "json"
    return errors(fmt, 404, _("No such resource: %(path)s") % {"path": request.path[:200]})


@_answer("GET")
def discovery(request: HttpRequest, fmt: str):
    url = request.build_absolute_uri(reverse("open311:discovery", kwargs={"fmt": fmt}))
    changeset = selectors.w3c(STARTED)
    return respond(
        {
            "changeset": changeset,
            "contact": settings.DEFAULT_FROM_EMAIL,
            "key_service": _(
                "api_key is a Linli access token of an account allowed to report cases: "
                "ask the platform's administrators."
            ),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": url.rsplit("/", 1)[0],
                    "changeset": changeset,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt,
        "discovery",
    )


@_answer("GET")
def service_list(request: HttpRequest, fmt: str):
    return respond([selectors.service_out(c) for c in selectors.services()], fmt, "services")


def _service(code: str):
    found = selectors.services().filter(code=code).first()
    if found is None:
        raise Refused(404, _("Unknown service_code %(code)s.") % {"code": code[:40]})
    return found


@_answer("GET")
def service_definition(request: HttpRequest, service_code: str, fmt: str):
    return respond(selectors.definition_out(_service(service_code)), fmt, "service_definition")


@_answer("GET", "POST")
def request_list(request: HttpRequest, fmt: str):
    if request.method == "POST":
        return _post(request, fmt)
    params = request.GET
    codes = _list(params, "service_request_id")
    if codes is not None and len(codes) > MAX_IDS:
        raise Refused(400, _("At most %(n)s service_request_id at once.") % {"n": MAX_IDS})
    statuses = _list(params, "status")
    if statuses and not set(statuses) <= {"open", "closed"}:
        raise Refused(400, _("status is open, closed, or both (open,closed)."))
    start, end = _span(params)
    found = selectors.service_requests(
        codes=codes,
        service_codes=_list(params, "service_code"),
        start=start,
        end=end,
        statuses=statuses,
        notes=_extensions(params),
        page=_whole(params, "page", top=MAX_PAGE, default=1),
        page_size=_whole(params, "page_size", top=selectors.LIMIT, default=selectors.LIMIT),
    )
    return _requests(found, fmt, _extensions(params))


@_answer("GET")
def request_detail(request: HttpRequest, service_request_id: str, fmt: str):
    found = selectors.service_requests(
        codes=[service_request_id], start=None, end=None, notes=_extensions(request.GET)
    )
    if not found:
        raise Refused(404, _("No service request %(id)s.") % {"id": service_request_id[:20]})
    return _requests(found, fmt, _extensions(request.GET))


def _requests(found, fmt: str, extensions: bool):
    return respond(selectors.requests_out(found, extensions=extensions), fmt, "service_requests")


def _extensions(params) -> bool:
    return params.get("extensions", "").lower() == "true"


def _list(params, name: str) -> list[str] | None:
    """A comma list, given once or more (`status=open&status=closed`): every value."""
    items = [item.strip() for raw in params.getlist(name) for item in raw.split(",")]
    return [item for item in items if item] or None


def _whole(params, name: str, *, top: int, default: int) -> int:
    """`page` or `page_size` (the pagination extension): a whole number from 1 to `top`."""
    raw = params.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isdecimal() and len(raw) <= len(str(top)) and 1 <= int(raw) <= top):
        raise Refused(
            400, _("%(name)s is a whole number from 1 to %(top)s.") % {"name": name, "top": top}
        )
    return int(raw)


def _date(params, name: str, *, end: bool = False) -> datetime | None:
    """A W3C date-time; a year, month or day alone is its first moment (or, for the
    end of a span, its last) in the local time zone."""
    raw = SPACED_ZONE.sub(r"\1+\2", params.get(name, "").strip())
    if not raw:
        return None
    try:
        match = W3C.match(raw)
        if not match:
            raise ValueError(raw)
        year, month, day = (int(match[part] or 1) for part in ("year", "month", "day"))
        if match["time"]:
            return datetime.fromisoformat(raw)
        first = date(year, month, day)
        if not end:
            return timezone.make_aware(datetime.combine(first, time()))
        if match["day"]:
            after = first + timedelta(days=1)
        elif match["month"]:
            after = (first + timedelta(days=31)).replace(day=1)
        else:
            after = first.replace(year=year + 1)
        return timezone.make_aware(datetime.combine(after, time())) - timedelta(microseconds=1)
    except (ValueError, OverflowError) as exc:  # the shape, or an impossible date (02-30)
        raise Refused(
            400,
            _(
                "%(name)s must be a w3 date-time, e.g. 2026-11-01T00:00:00+08:00 "
                "(or a date, 2026-11-01)."
            )
            % {"name": name},
        ) from exc


def _span(params) -> tuple[datetime, datetime]:
    """The reporting dates asked for: at most 90 days; the last 90 by default."""
    start, end = _date(params, "start_date"), _date(params, "end_date", end=True)
    if start and end and end < start:
        raise Refused(400, _("end_date is before start_date."))
    if start and end and end - start > SPAN:
        raise Refused(400, _("start_date to end_date may span 90 days at most."))
    if start and not end:
        end = start + SPAN
    elif end and not start:
        start = end - SPAN
    elif not start:
        end = timezone.now()
        start = end - SPAN
    return start, end


def _post(request: HttpRequest, fmt: str):
    params = request.POST
    try:
        token = token_used((params.get("api_key") or request.GET.get("api_key", "")).strip())
    except InvalidToken as exc:
        raise Refused(403, _("api_key: %(why)s") % {"why": exc}) from exc
    if not token.user.has_action(CASE_REPORT):
        raise Refused(403, _("api_key: this account may not report cases."))
    code = params.get("service_code", "").strip()
    if not code:
        raise Refused(400, _("service_code is required."))
    category = _service(code)
    place = _place(params)
    try:
        case = cases.case_report(
            category=category,
            description=params.get("description", ""),
            source=Source.OPEN311,
            by=token.user,
            reporter_name=(params.get("last_name", "") + params.get("first_name", "")).strip(),
            reporter_phone=params.get("phone", "").strip() or None,
            answers=_attributes(params),
            media_url=params.get("media_url", ""),
            **place,
        )
    except ValidationError as exc:
        raise Refused(400, *_messages(exc)) from exc
    except PermissionDenied as exc:
        raise Refused(403, _("api_key: this account may not report cases there.")) from exc
    notice = _("Received. Follow it with the code %(code)s.") % {"code": case.code}
    return respond(
        [{"service_request_id": case.code, "service_notice": notice, "account_id": None}],
        fmt,
        "service_requests",
    )


def _place(params) -> dict:
    """lat/long, with address_string too when given; else address_string alone, free
    text kept as given: in the grid of the registry building it names, else with the
    district (the jurisdiction), whose staff take it on."""
    lat, lon = params.get("lat", "").strip(), params.get("long", "").strip()
    address = params.get("address_string", "").strip()
    if len(address) > MAX_ADDRESS:
        raise Refused(400, _("address_string: at most %(n)s characters.") % {"n": MAX_ADDRESS})
    if lat or lon:
        try:
            return {"latitude": Decimal(lat), "longitude": Decimal(lon), "address": address}
        except InvalidOperation as exc:
            raise Refused(400, _("lat and long are both required, as decimal degrees.")) from exc
    if address:
        building = buildings_at_addresses([address]).get(address)
        return {"region": building.grid if building else district(), "address": address}
    if params.get("address_id", "").strip():
        raise Refused(
            400, _("address_id is not supported here: send lat and long, or address_string.")
        )
    raise Refused(400, _("A location is required: lat and long, or address_string."))


def _attributes(params) -> dict:
    answers = {}
    for key in params:
        match = ATTRIBUTE.match(key)
        if match:
            values = params.getlist(key)
            answers[match.group(1)] = values if match.group(2) else values[-1]
    return answers


def _messages(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}" for field, msgs in exc.message_dict.items() for message in msgs
        ]
    return list(exc.messages)
