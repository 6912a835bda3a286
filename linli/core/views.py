from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from linli.core import panels
from linli.core.access import public, signed_in
from linli.core.problems import API_PREFIX, problem


@public
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        database = "ok"
    except DatabaseError:
        database = "unreachable"
    healthy = database == "ok"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "version": settings.VERSION, "database": database},
        status=200 if healthy else 503,
    )


@signed_in
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The home page (工作台): the blocks apps register for the roles the user holds
    (linli.core.panels.HomeBlock), the counts of each linking to the work."""
    user = request.user  # signed in (signed_in has sent anyone else to the login page)
    grants = user.active_grants() if user.is_authenticated else []
    blocks = [
        render_to_string(
            block.template, {"block": block, **block.content(request)}, request=request
        )
        for block in panels.home_blocks(request)
    ]
    return render(request, "core/home.html", {"grants": grants, "blocks": blocks})


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith(API_PREFIX):
        # A URL under the API that no route matches: answer as the API does.
        return problem(request, 404, _("Not found."))
    return render(request, "404.html", status=404)
