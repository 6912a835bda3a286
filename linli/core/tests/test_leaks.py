"""The generic leak test: no route shows anything of a community to people outside it.

It walks every URL the project registers — console pages and API routes alike,
including routes added after this test was written — and calls each, with every
method it accepts, as people whose grants lie beside community B (a sibling
community's worker, a sibling subdistrict's admin). Path parameters are filled
with the keys of B's objects; lists are also searched for B's names. No answer
may contain a marker of B's objects, no mutating call may succeed, and B's data
must be unchanged afterwards. As a control, B's own admin must see the markers
on several routes, so the test cannot pass by seeing nothing.

When a later issue adds a region-owned model, add one object of it in community
B below (`leak_world`): the test fails until every model with `visible_to` has one.
"""

import json
import re
from datetime import date
from decimal import Decimal
from io import BytesIO
from itertools import chain
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook
from PIL import Image

from linli.accounts.models import RoleGrant
from linli.accounts.services import token_create
from linli.audit.choices import AuditAction
from linli.audit.models import AuditEntry
from linli.audit.services import audit_record
from linli.cases import services as cases
from linli.cases.choices import Source
from linli.cases.models import Category, RoutingRule, RoutingTarget
from linli.core.crypto import blind_index, mask_id_number
from linli.core.scoping import ScopedQuerySet
from linli.gridwork import services as gridwork
from linli.notifications.services import notify
from linli.registry import services as registry
from linli.registry.choices import Relation
from linli.registry.idnumber import make_id_number
from linli.registry.models import Household, RecordChange

# Django's own admin is for platform operators (is_staff) only and unscoped by design;
# the test users are not staff, so it answers them with its login page.
EXCLUDED_PREFIXES = ("django-admin/", "static/")
METHODS = ("get", "post", "patch", "put", "delete")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_ROUTES_SHOWING_B_TO_ITS_ADMIN = 6


def walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern)


def routes() -> list[str]:
    found = sorted(set(walk(get_resolver().url_patterns)))
    return [r for r in found if not r.startswith(EXCLUDED_PREFIXES)]


PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")


@pytest.fixture
def leak_world(world):
    """Community B's objects, one at least of every scoped model, and their markers."""
    b_objects = {
        "region": [world.b, world.b1],
        "user": [world.worker_b],
        "rolegrant": list(RoleGrant.objects.filter(user=world.worker_b)),
        "accesstoken": [token_create(user=world.worker_b, name="市南对接", days=30, by=None)[0]],
        **registry_objects(world.b1),
        "case": [case := case_in(world.b1)],
        "casephoto": [
            cases.case_photo_add(
                case=case, upload=SimpleUploadedFile("p.png", png()), by=world.worker_b
            )
        ],
        "routingrule": [
            RoutingRule.objects.create(
                name=CASE_MARKERS[2], region=world.b, target=RoutingTarget.GRID_WORKER
            )
        ],
        **gridwork_objects(world, household=Household.objects.get(grid=world.b1)),
        # Not region-scoped but personal: nobody else sees or opens B's worker's own.
        "notification": notify(users=[world.worker_b], kind="x", title=NOTIFICATION_MARKER),
    }
    b_objects["auditentry"] = [*b_objects.get("auditentry", []), audit_entry_in(world.b)]
    markers = [
        world.b.name,
        world.b.code,
        world.b1.name,
        world.b1.code,
        world.worker_b.username,
        world.worker_b.full_name,
        "市南对接",
        *REGISTRY_MARKERS,
        AUDIT_MARKER,
        *CASE_MARKERS,
        NOTIFICATION_MARKER,
        *GRIDWORK_MARKERS,
    ]
    return world, b_objects, markers


AUDIT_MARKER = "市南审计标记"


def png() -> bytes:
    out = BytesIO()
    Image.new("RGB", (2, 2)).save(out, format="PNG")
    return out.getvalue()


# Open cases' summaries (code, category, description, stage) are public by design:
# anyone reporting is shown similar open cases nearby to "+1" (and Open311 lists
# them). What is private about a case is marked: the caller's name, the staff's notes.
# B's routing rules are B's configuration.
CASE_MARKERS = ["市南泄漏来电人", "市南泄漏处置说明", "市南泄漏派遣规则"]
NOTIFICATION_MARKER = "市南泄漏通知"


def case_in(grid):
    """A case in B, accepted with a note, its caller named."""
    case = cases.case_report(
        category=Category.objects.get(code="manhole-cover"),
        description="井盖缺失，正阳路9号门前",
        source=Source.HOTLINE,
        region=grid,
        address="正阳路9号",
        reporter_name=CASE_MARKERS[0],
        reporter_phone=B_PHONE,
        by=None,
    )
    return cases.case_accept(case=case, by=None, note=CASE_MARKERS[1])


def audit_entry_in(community):
    """An audit entry filed under community B, its label and details carrying a marker."""
    return audit_record(
        action=AuditAction.RECORD_UPDATE,
        region=community,
        object_type="registry.resident",
        object_id="0",
        object_label=AUDIT_MARKER,
        details={"note": AUDIT_MARKER},
    )


B_ID_NUMBER = make_id_number("370306", date(1961, 3, 8), 7, "female")
B_PHONE = "13953300077"
REGISTRY_MARKERS = [
    "欧阳泄漏",
    "市南泄漏楼",
    "市南泄漏商店",
    B_ID_NUMBER,
    B_PHONE,
    mask_id_number(B_ID_NUMBER),
]
# Searches every list is also called with (unknown parameters are ignored by lists).
SEARCHES = [
    "?q=市南社区居委会",
    "?q=worker.b",
    "?q=欧阳",
    f"?id_number={B_ID_NUMBER}&phone={B_PHONE}&status=all",
    f"?id_index={blind_index(B_ID_NUMBER, 'registry.resident.id_number')}&status=all",
]

# The body every POST, PUT, PATCH and DELETE to a route without parameters is also sent
# with (the API's resident search takes the numbers there).
SEARCH_BODY = json.dumps(
    {"id_number": B_ID_NUMBER, "phone": B_PHONE, "q": "欧阳", "status": None}, ensure_ascii=False
)


def registry_objects(grid) -> dict:
    """A building, house, household, resident (with history) and organisation in B."""
    building = registry.building_create(
        grid=grid, name="市南泄漏楼", address="正阳路9号", floors=6, by=None
    )
    house = registry.house_create(building=building, floor=3, number="301", by=None)
    household = registry.household_create(house=house, by=None)
    resident = registry.resident_move_in(
        household=household,
        name="欧阳泄漏",
        id_number=B_ID_NUMBER,
        phone=B_PHONE,
        relation=Relation.HEAD,
        by=None,
    )
    organisation = registry.organisation_create(
        grid=grid, name="市南泄漏商店", kind="shop", address="正阳路10号", by=None
    )
    return {
        "building": [building],
        "house": [house],
        "household": [household],
        "resident": [resident],
        "organisation": [organisation],
        "recordchange": list(RecordChange.objects.filter(grid=grid)),
        "auditentry": list(AuditEntry.objects.filter(region=grid)),  # written by the services
    }


GRIDWORK_MARKERS = ["市南泄漏巡查点", "市南泄漏路线", "市南泄漏走访"]


def gridwork_objects(world, household) -> dict:
    """A checkpoint, a route through it, a patrol with a check-in there and a
    visit, in B (B's community worker patrols and visits)."""
    checkpoint = gridwork.checkpoint_create(
        grid=world.b1,
        name=GRIDWORK_MARKERS[0],
        longitude=Decimal("117.900000"),
        latitude=Decimal("36.820000"),
        by=None,
    )
    route = gridwork.route_create(
        grid=world.b1,
        name=GRIDWORK_MARKERS[1],
        worker=world.worker_b,
        checkpoints=[checkpoint],
        patrols_per_week=5,
        by=None,
    )
    patrol = gridwork.patrol_start(grid=world.b1, route=route, by=world.worker_b)
    gridwork.patrol_check_in(patrol=patrol, token=checkpoint.token, by=world.worker_b)
    visit = gridwork.visit_record(
        household=household, purpose="care", notes=GRIDWORK_MARKERS[2], by=world.worker_b
    )
    return {"checkpoint": [checkpoint], "route": [route], "patrol": [patrol], "visit": [visit]}


def candidates(name: str, b_objects) -> list[str]:
    """Values to put in a path parameter: B's codes for `code`, B's keys for ids."""
    objects = list(chain.from_iterable(b_objects.values()))
    if name in ("code", "service_request_id"):  # Open311 names cases by tracking code
        return [o.code for o in objects if hasattr(o, "code")]
    if name == "token":  # a checkpoint's QR code
        return [o.token for o in objects if hasattr(o, "token")]
    if name == "service_code":
        return sorted({o.category.code for o in objects if getattr(o, "category", None)})
    if name == "pk" or name.endswith(("_id", "_pk")):
        return sorted({str(o.pk) for o in objects})
    raise AssertionError(f"The leak test cannot fill <{name}>: teach candidates() about it.")


def urls_for(route: str, b_objects) -> list[str]:
    route = route.replace("<open311format:fmt>", "json")  # Open311's format suffix
    names = [m.group("name") for m in PARAM.finditer(route)]
    if names in (["pk", "photo_pk"], ["case_id", "photo_id"]):  # B's photos under B's case
        case, photo = PARAM.findall(route)
        return [
            "/"
            + route.replace(f"<{':'.join(filter(None, case))}>", str(p.case_id)).replace(
                f"<{':'.join(filter(None, photo))}>", str(p.pk)
            )
            for p in b_objects["casephoto"]
        ]
    if not names:
        return ["/" + route]
    assert len(names) == 1, f"Several parameters in {route}: extend urls_for()."
    return ["/" + PARAM.sub(value, route) for value in candidates(names[0], b_objects)]


def snapshot(b_objects, b_path: str) -> list[tuple]:
    """B's objects field by field, and how many rows of each region-owned model lie in B
    (so a record created there from outside shows too)."""
    rows = [
        (
            model._meta.label,
            model.objects.filter(**{f"{qs.region_path}__startswith": b_path}).count(),
        )
        for model in apps.get_models()
        if isinstance(qs := model.objects.all(), ScopedQuerySet)
    ]
    for objects in b_objects.values():
        for obj in objects:
            fresh = type(obj).objects.get(pk=obj.pk)
            rows.append(
                tuple(
                    getattr(fresh, f.attname)
                    for f in fresh._meta.concrete_fields
                    if f.attname not in {"last_login", "updated_at", "supporters"}  # +1: anyone
                )
            )
    return rows


def shown(response, url: str, markers: list[str]) -> list[str]:
    """B's markers in the answer, leaving out those the request itself carried
    (a page may echo its own URL, body or search words back). Downloads are read too:
    an Excel workbook by the text of its cells."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith(XLSX):
        workbook = load_workbook(BytesIO(raw), read_only=True)
        body = " ".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    else:
        body = raw.decode("utf-8", "replace")
    if "json" in content_type:
        body = json.dumps(json.loads(body), ensure_ascii=False)  # undo \uXXXX escapes
    return [m for m in markers if m not in unquote(url) and m in body]


def calls(client, user, b_objects, markers, methods=METHODS):
    """Every (method, request, response) for this user over every route; the request
    is the URL, and for other methods than GET the JSON body after it."""
    for route in routes():
        for url in urls_for(route, b_objects):
            queries = [""] if "<" in route else ["", *SEARCHES]
            bodies = ["{}"] if "<" in route else ["{}", SEARCH_BODY]
            for method in methods:
                for extra in queries if method == "get" else bodies:
                    client.force_login(user)
                    send = getattr(client, method)
                    if method == "get":
                        response = send(url + extra)
                        yield route, method, url + extra, response
                    else:
                        response = send(url, data=extra, content_type="application/json")
                        yield route, method, f"{url} {extra}", response


def test_every_scoped_model_has_an_object_in_the_leak_world(leak_world):
    _world, b_objects, _markers = leak_world
    scoped = {
        m._meta.model_name
        for m in apps.get_models()
        if hasattr(m.objects, "visible_to") and m.__module__.startswith("linli.")
    }
    assert scoped, "No scoped model found"
    missing = scoped - set(b_objects)
    assert not missing, f"Add objects of {sorted(missing)} in community B to leak_world."


@pytest.mark.parametrize(
    "outsider", ["worker_a", "other_subdistrict_admin", "grid_worker_a1", "resident_a"]
)
def test_no_route_shows_a_sibling_communitys_objects(client, leak_world, outsider):
    world, b_objects, markers = leak_world
    before = snapshot(b_objects, world.b.path)
    leaks = []
    for route, method, url, response in calls(client, getattr(world, outsider), b_objects, markers):
        seen = shown(response, url, markers_for(route, markers, world))
        if seen:
            leaks.append(f"{method.upper()} {url} → {response.status_code} shows {seen}")
        elif by_code(route) and method != "get" and 200 <= response.status_code < 300:
            leaks.append(f"{method.upper()} {url} → {response.status_code} (acted on B)")
    assert not leaks, "\n".join(leaks)
    assert snapshot(b_objects, world.b.path) == before, "A call from outside changed B's data"


# The public report form offers every community of the district by name and code
# (administrative divisions, published): there B's community is no leak.
DIVISIONS_SHOWN = ("report/",)


def markers_for(route: str, markers: list[str], world) -> list[str]:
    if route in DIVISIONS_SHOWN:
        return [m for m in markers if m not in (world.b.name, world.b.code)]
    return markers


def by_code(route: str) -> bool:
    """Whether the route names its object by a region code: unique, unlike numeric ids,
    which may be an id of the caller's own objects too."""
    return any(m.group("name") == "code" for m in PARAM.finditer(route))


def test_the_control_bs_admin_sees_b_on_many_routes(client, leak_world):
    world, b_objects, markers = leak_world
    showing = {
        route
        for route, method, _url, response in calls(
            client, world.subdistrict_admin, b_objects, markers, methods=["get"]
        )
        if response.status_code == 200 and shown(response, _url, markers)
    }
    assert len(showing) >= MIN_ROUTES_SHOWING_B_TO_ITS_ADMIN, sorted(showing)
    assert "api/v1/regions/<code>" in showing
    assert "regions/<str:code>/" in showing
