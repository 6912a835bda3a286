"""The generic leak test: no route shows or changes anything of a community for people
outside it.

It walks every route the project serves — console pages and API alike, including
routes added after this test was written — as people whose grants lie beside
community B (a sibling community's worker, a sibling subdistrict's admin, a grid
worker and a resident of the sibling community):

- every GET, with path parameters filled with the keys of B's objects, and every
  page that reads its query string also searched for B's names and numbers: no
  answer may show B's markers;
- every route that changes something (POST, PATCH, PUT, DELETE), with a valid
  request aimed at one of B's objects: it must change nothing of B and show nothing
  of it — refused with 404 (403 where the outsider holds the action nowhere) when
  the object is in the URL — while B's own staff sending the same request succeed:
  so every such route is shown to reach its scope check.

Each app gives its part of B in its own `tests/leaks.py` (the contract is in
linli/testing/leaks.py); this module finds them and imports no app. It fails when a
model with `visible_to` has no object in B, or a route that changes something has
no valid request.
"""

import json
import re
from importlib import import_module
from io import BytesIO
from itertools import chain
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction
from openpyxl import load_workbook

from linli.core.scoping import ScopedQuerySet
from linli.testing.leaks import Leaks, Send
from linli.testing.routes import SAFE, Route, routes

PARTS = ("console", "api")
OUTSIDERS = ["worker_a", "other_subdistrict_admin", "grid_worker_a1", "resident_a"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_ROUTES_SHOWING_B_TO_ITS_ADMIN = 40  # of each part (123 pages and 69 API routes now)
PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
# Refusals of a request naming B's object in its URL: outside the scope (404), the
# action held nowhere (403). A request naming it in its body may be answered with a
# form or problem saying why (an unknown grid, a choice not offered): it must change
# nothing of B and show nothing of it.
REFUSED = {403, 404}


def contributions():
    """Each installed Linli app's `tests/leaks.py`, in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("linli."):
            continue
        try:
            yield import_module(f"{config.name}.tests.leaks")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.tests", f"{config.name}.tests.leaks"):
                raise


@pytest.fixture
def fresh_keys(db):
    """Each table's key sequence set back to its highest stored key, before the world is
    built. PostgreSQL's sequences are not rolled back with a test's transaction, so
    after other tests B's objects would have keys all different from each other (145
    of them, where SQLite's rolled-back counters give 21), and each route taking a key
    is walked with every one of them."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


@pytest.fixture
def leak_world(fresh_keys, world):
    """Community B's objects from every app, and what they show."""
    b = Leaks()
    for module in contributions():
        b.add(module.community_b(world, b.objects))
    return world, b


def candidates(name: str, b: Leaks) -> list[str]:
    """Values to put in a path parameter: B's codes for `code`, B's keys for ids."""
    objects = list(chain.from_iterable(b.objects.values()))
    if name in ("code", "service_request_id"):  # Open311 names cases by tracking code
        return [o.code for o in objects if hasattr(o, "code")]
    if name == "token":  # a checkpoint's QR code
        return [o.token for o in objects if hasattr(o, "token")]
    if name == "service_code":
        # a case's category (an alert's is a CAP code list value, no row)
        return sorted(
            {o.category.code for o in objects if hasattr(getattr(o, "category", None), "code")}
        )
    if name == "pk" or name.endswith(("_id", "_pk")):
        return sorted({str(o.pk) for o in objects})
    raise AssertionError(f"The leak test cannot fill <{name}>: teach candidates() about it.")


def get_urls(route: Route, b: Leaks) -> tuple[list[str], list[str]]:
    """The URLs to GET for a route (with B's keys, or as its app listed them), and the
    same with each of B's searches."""
    view = route.views[SAFE]
    if view in b.urls:
        return b.urls[view], []
    path = route.route.replace("<open311format:fmt>", "json")  # Open311's format suffix
    names = [m.group("name") for m in PARAM.finditer(path)]
    if not names:
        return ["/" + path], [f"/{path}{search}" for search in b.searches]
    assert len(names) == 1, f"Several parameters in {route.route}: list its URLs in `urls`."
    return ["/" + PARAM.sub(value, path) for value in candidates(names[0], b)], []


def walk(client, b: Leaks, parts=PARTS):
    """(route, url, answer) for every GET of the routes in `parts` ("console", "api"),
    as the client's user. B's searches go to a route only if its answer to the plain URL
    read the query string (Django keeps `request.GET` once read): an answer that never
    reads it cannot change with it (most forms, and every page refused to the user)."""
    for route in routes():
        if SAFE not in route.views or ("api" if route.is_api else "console") not in parts:
            continue
        urls, searches = get_urls(route, b)
        for url in urls:
            response = client.get(url)
            yield route, url, response
            if "GET" in response.wsgi_request.__dict__:
                for search in searches:
                    yield route, search, client.get(search)


def counts(querysets: list) -> list[int]:
    """How many rows each queryset has, in one query: the snapshots below take about
    140 counts after each request, one round trip instead of 140."""
    parts, params = [], []
    for n, qs in enumerate(querysets):
        sql, found = qs.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS q{n})")  # noqa: S608 (Django's SQL)
        params.extend(found)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return list(cursor.fetchone())


def snapshot(b: Leaks, b_path: str) -> list[tuple]:
    """B's objects as stored, and how many rows of each region-owned model lie in B (so a
    record created there from outside shows too). Read with plain SQL: no model is
    built and nothing decrypted, so it is cheap enough to take after every request."""
    scoped = [
        (model._meta.label, model.objects.filter(**{f"{qs.region_path}__startswith": b_path}))
        for model in apps.get_models()
        if isinstance(qs := model.objects.all(), ScopedQuerySet)
    ]
    rows: list[tuple] = list(
        zip([label for label, _qs in scoped], counts([qs for _label, qs in scoped]), strict=True)
    )
    by_model: dict[type, set] = {}
    for obj in chain.from_iterable(b.objects.values()):
        by_model.setdefault(type(obj), set()).add(obj.pk)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, pks in sorted(by_model.items(), key=lambda item: item[0]._meta.label):
            meta = model._meta
            columns = ", ".join(
                quote(f.column) for f in meta.concrete_fields if f.attname not in SIGNING_IN_CHANGES
            )
            cursor.execute(
                f"SELECT {columns} FROM {quote(meta.db_table)} "  # noqa: S608 (names from models)
                f"WHERE {quote(meta.pk.column)} IN ({', '.join(['%s'] * len(pks))}) "
                f"ORDER BY {quote(meta.pk.column)}",
                sorted(pks),
            )
            rows.append((meta.label, tuple(cursor.fetchall())))
    return rows


SIGNING_IN_CHANGES = {"last_login", "updated_at"}  # the test signs people in afresh


def everything(b: Leaks, b_path: str) -> list[tuple]:
    """B's snapshot and how many rows every model has (but sessions): whether a request
    changed anything at all (a district-wide setting, an audit entry above B)."""
    models = [m for m in apps.get_models() if m._meta.app_label != "sessions"]
    every = counts([m._default_manager.all() for m in models])
    return snapshot(b, b_path) + [(m._meta.label, n) for m, n in zip(models, every, strict=True)]


def shown(response, sent: str, markers: list[str]) -> list[str]:
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
    return [m for m in markers if m not in unquote(sent) and m in body]


def markers_for(view: str, b: Leaks, world) -> list[str]:
    if view in b.shows_divisions:
        return [m for m in b.markers if m not in (world.b.name, world.b.code)]
    return b.markers


def send(client, user, method: str, request: Send):
    """`request` sent as `user` (signed in afresh: a request may sign out, or change
    the session); returns the answer and what was sent, for messages."""
    client.force_login(user)
    data = request.body()
    uploads = any(hasattr(value, "read") for value in data.values())
    if request.url.startswith("/api/") and not uploads:
        sent = json.dumps(data, ensure_ascii=False)
        response = getattr(client, method)(request.url, sent, content_type="application/json")
    elif method == "post":  # form fields, or files (multipart)
        sent = str(data)
        response = client.post(request.url, data)
    elif not data:  # another method without a body (Open311 answers any on unknown paths)
        sent = ""
        response = getattr(client, method)(request.url)
    else:
        raise AssertionError(f"{method.upper()} {request.url}: console routes take POST")
    return response, f"{request.url} {sent}"


def sends(b: Leaks):
    """(route, method, view, request) for every route that changes something."""
    for route in routes():
        for method, view in route.views.items():
            if method != SAFE:
                yield route, method, view, b.sends.get((method, view))


def test_every_scoped_model_has_an_object_in_community_b(leak_world):
    _world, b = leak_world
    scoped = {
        m._meta.model_name
        for m in apps.get_models()
        if hasattr(m.objects, "visible_to") and m.__module__.startswith("linli.")
    }
    assert scoped, "No scoped model found"
    missing = scoped - set(b.objects)
    assert not missing, f"Give objects of {sorted(missing)} in community B (tests/leaks.py)."


def test_every_route_that_changes_something_has_a_valid_request(leak_world):
    _world, b = leak_world
    found = list(sends(b))
    missing = [f"{m.upper()} {view}" for _route, m, view, request in found if request is None]
    assert not missing, f"Give a valid request for each in its app's tests/leaks.py: {missing}"
    unknown = b.sends.keys() - {(m, view) for _route, m, view, _r in found}
    assert not unknown, f"Sends to routes that do not exist or do not take them: {unknown}"


@pytest.mark.parametrize("part", PARTS)  # (in two, so that both test processes share it)
@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_no_page_shows_a_sibling_communitys_objects(client, leak_world, outsider, part):
    world, b = leak_world
    before = snapshot(b, world.b.path)
    client.force_login(getattr(world, outsider))
    leaks = []
    for route, url, response in walk(client, b, [part]):
        assert response.wsgi_request.user == getattr(world, outsider), f"GET {url} signed out"
        if seen := shown(response, url, markers_for(route.views[SAFE], b, world)):
            leaks.append(f"GET {url} → {response.status_code} shows {seen}")
    assert not leaks, "\n".join(leaks)
    assert snapshot(b, world.b.path) == before, "A GET from outside changed B's data"


@pytest.mark.parametrize("outsider", OUTSIDERS)
def test_no_change_reaches_a_sibling_communitys_objects(client, leak_world, outsider):
    world, b = leak_world
    user = getattr(world, outsider)
    wrong = []
    before = snapshot(b, world.b.path)  # again before each request: each is rolled back
    for route, method, view, request in sends(b):
        if request is None:
            continue  # (test_every_route_that_changes_something_has_a_valid_request)
        with transaction.atomic():
            response, sent = send(client, user, method, request)
            status = response.status_code
            if seen := shown(response, sent, markers_for(view, b, world)):
                wrong.append(f"{method.upper()} {view} → {status} shows {seen}")
            named_in_url = PARAM.search(route.route) is not None
            if named_in_url and not request.anyone and status not in REFUSED:
                wrong.append(f"{method.upper()} {sent} → {status}, not refused")
            elif not request.adds_to_b and snapshot(b, world.b.path) != before:
                wrong.append(f"{method.upper()} {sent} → {status} but changed B's data")
            transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


def test_bs_own_staff_succeed_with_every_request(client, leak_world):
    """The control of the test above: each request is valid, and acts on B's data."""
    world, b = leak_world
    wrong = []
    before = everything(b, world.b.path)  # again before each request: each is rolled back
    for _route, method, view, request in sends(b):
        if request is None:
            continue  # (test_every_route_that_changes_something_has_a_valid_request)
        with transaction.atomic():
            response, sent = send(client, getattr(world, request.by), method, request)
            if response.status_code != request.expect:
                detail = response.content.decode("utf-8", "replace")[:300]
                wrong.append(f"{method.upper()} {view} {sent} → {response.status_code}: {detail}")
            elif (not request.anyone or request.adds_to_b) and everything(
                b, world.b.path
            ) == before:
                wrong.append(f"{method.upper()} {view} {sent} changed nothing")
            transaction.set_rollback(True)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("part", PARTS)
def test_the_control_bs_admin_sees_b_on_many_routes(client, leak_world, part):
    world, b = leak_world
    client.force_login(world.subdistrict_admin)
    showing = {
        route.route
        for route, url, response in walk(client, b, [part])
        if response.status_code == 200 and shown(response, url, b.markers)
    }
    assert len(showing) >= MIN_ROUTES_SHOWING_B_TO_ITS_ADMIN, sorted(showing)
    assert {"api": "api/v1/regions/<code>", "console": "regions/<str:code>/"}[part] in showing
