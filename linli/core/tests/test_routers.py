"""Every API route declares its access rule; the base Router refuses one that does not."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from ninja import Schema

from linli.api import api
from linli.core.access import PUBLIC, SIGNED_IN, requires, signed_in
from linli.core.permissions import vocabulary
from linli.core.routers import Router
from linli.testing.routes import declared_methods, routes


class Out(Schema):
    ok: bool


def undecorated(request):
    return {"ok": True}


def test_router_refuses_a_route_without_an_action():
    router = Router()

    with pytest.raises(ImproperlyConfigured) as caught:
        router.get("/open", response=Out, operation_id="open_get", url_name="open")(undecorated)

    message = str(caught.value)
    assert "['GET'] /open" in message
    assert "undecorated" in message
    assert "declares no action" in message


def test_router_refuses_a_route_whose_access_decorator_sits_above_it():
    router = Router()

    # requires() must wrap the view *below* the router decorator; above, the router
    # sees the bare function.
    with pytest.raises(ImproperlyConfigured, match="declares no action"):

        @requires("region.view")
        @router.get("/wrong", response=Out, operation_id="wrong_get", url_name="wrong")
        def wrong(request):
            return {"ok": True}


@pytest.mark.parametrize("missing", ["operation_id", "url_name", "response"])
def test_router_refuses_a_route_without_operation_id_url_name_or_response(missing):
    router = Router()
    kwargs = {"response": Out, "operation_id": "thing_get", "url_name": "thing"}
    del kwargs[missing]

    with pytest.raises(ImproperlyConfigured) as caught:
        router.get("/thing", **kwargs)(requires("region.view")(undecorated))

    assert f"needs {missing}=" in str(caught.value)


def test_router_accepts_a_fully_declared_route():
    router = Router()

    router.get("/thing", response=Out, operation_id="thing_get", url_name="thing")(
        signed_in(undecorated)
    )
    router.post("/thing", response={201: Out}, operation_id="thing_post", url_name="thing-post")(
        requires("grid.manage")(undecorated)
    )

    operations = router.path_operations["/thing"].operations
    assert [op.view_func.linli_action for op in operations] == [SIGNED_IN, "grid.manage"]


def test_requires_refuses_an_unknown_action_at_import_time():
    with pytest.raises(LookupError, match=r"region\.destroy"):
        requires("region.destroy")


def api_operations():
    """(method, path, operation) for every operation of every router mounted on the API."""
    for prefix, router, *_ in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    yield method, prefix + path, router, operation


# The only API routes open to anyone: ThingsBoard's device API, where the device's
# access token in the path is the credential (checked by the route itself), and the
# EMQX broker's authentication and authorisation calls, which carry the shared secret
# LINLI_EMQX_SECRET (checked by the routes; 404 when it is not set).
PUBLIC_API_ROUTES = {
    ("POST", "/{token}/telemetry"),
    ("POST", "/{token}/attributes"),
    ("POST", "/devices/emqx/authenticate"),
    ("POST", "/devices/emqx/authorize"),
}


def test_every_api_route_declares_a_known_action():
    undeclared, public = [], set()
    for method, path, _router, operation in api_operations():
        action = getattr(operation.view_func, "linli_action", None)
        if action == PUBLIC:
            public.add((method, path))
        elif action != SIGNED_IN and action not in vocabulary.labels:
            undeclared.append(f"{method} {path}: {action!r}")

    assert not undeclared, undeclared
    assert public == PUBLIC_API_ROUTES


def test_every_api_route_comes_from_a_linli_router():
    # Routes added with @api.get(...) land on Ninja's default router, which does not
    # enforce the access rule; they must not exist.
    stray = [
        f"{method} {path}"
        for method, path, router, _op in api_operations()
        if not isinstance(router, Router)
    ]

    assert not stray, stray


def test_the_api_has_the_regions_routes():
    found = {(method, path) for method, path, _r, _o in api_operations()}

    assert {
        ("GET", "/regions"),
        ("GET", "/regions/{code}"),
        ("POST", "/regions/{code}/grids"),
        ("PATCH", "/grids/{code}"),
        ("POST", "/grids/{code}/retire"),
    } <= found


def console_views():
    """(route, view name, callback) of every console route of a Linli app."""
    for route in routes():
        for method, view in route.views.items():
            callback = route.callbacks[method]
            if not route.is_api and callback.__module__.startswith("linli."):
                yield route.route, view, callback


def test_every_console_view_declares_an_action():
    views = list(console_views())
    assert {view for _r, view, _c in views} >= {
        "core:home",
        "regions:detail",
        "registry:resident-list",
        "cases:case-inbox",
        "report:report",
        "open311:request-list",
    }

    undeclared = sorted(
        {
            route
            for route, _view, callback in views
            if getattr(callback, "linli_action", None) is None
        }
    )
    assert not undeclared, f"Decorate with requires(...), signed_in or public: {undeclared}"


def test_every_console_view_declares_its_methods():
    undeclared = sorted(
        {route for route, _view, callback in console_views() if declared_methods(callback) is None}
    )
    assert not undeclared, (
        f"Decorate with require_GET, require_POST or require_http_methods: {undeclared}"
    )
