"""RFC 7807 `application/problem+json` answers for every API error."""

import logging
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    ValidationError,
)
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as SchemaValidationError
from pydantic_core import to_json

from linli.core.parsers import BodyRefused

logger = logging.getLogger(__name__)

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """An RFC 7807 problem document, served as application/problem+json."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str
    errors: list[FieldError] | None = None


class Conflict(ValidationError):
    """A write refused because the object changed since the caller saw it (someone
    else acted first): 409 in the API, the message shown on the form in the console."""


# Documented on every route (the handlers below produce them); those with a body can
# also answer 400 (not readable) and 413 (too large). 409 (Conflict) is declared by
# the routes whose services raise it.
PROBLEM_RESPONSES = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
BODY_PROBLEM_RESPONSES = {400: Problem, 413: Problem}


def documented_as_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI `schema` with every Problem answer served as application/problem+json
    (Ninja documents every response as application/json)."""
    problem_ref = {"$ref": "#/components/schemas/Problem"}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for response in operation.get("responses", {}).values():
                content = response.get("content", {})
                if content.get("application/json", {}).get("schema") == problem_ref:
                    content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
    return schema


def problem(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str | None = None,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    if errors:
        body["errors"] = errors
    return HttpResponse(to_json(body), status=status, content_type=PROBLEM_CONTENT_TYPE)


def _schema_errors(exc: SchemaValidationError) -> list[dict[str, str]]:
    return [
        {"field": ".".join(str(p) for p in err.get("loc", ())), "message": _message(err)}
        for err in exc.errors
    ]


def _message(error: dict[str, Any]) -> str:
    """Pydantic's message; a validator's own (a ValueError's) without its "Value error, "."""
    message = str(error.get("msg", ""))
    if error.get("type") == "value_error":
        return message.removeprefix("Value error, ")
    return message


def _validation_errors(exc: ValidationError) -> list[dict[str, str]]:
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": message}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "", "message": message} for message in exc.messages]


def install(api: NinjaAPI) -> None:
    """Register the handlers that turn every exception into a problem."""

    @api.exception_handler(SchemaValidationError)
    def schema_invalid(request: HttpRequest, exc: SchemaValidationError) -> HttpResponse:
        return problem(request, 422, _("The request is not valid."), errors=_schema_errors(exc))

    @api.exception_handler(Conflict)
    def conflict(request: HttpRequest, exc: Conflict) -> HttpResponse:
        return problem(request, 409, _("Conflict."), " ".join(exc.messages))

    @api.exception_handler(ValidationError)
    def domain_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = _validation_errors(exc)
        detail = errors[0]["message"] if len(errors) == 1 else None
        return problem(request, 422, _("The request is not valid."), detail, errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        # Ninja raises it with the English default when no credential was sent at all.
        detail = (
            exc.message
            if exc.message != "Unauthorized"
            else _("Sign in or send a valid access token.")
        )
        response = problem(request, 401, _("Authentication required."), detail)
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(
            request, 403, _("Permission denied."), _("Your roles do not allow this action.")
        )

    @api.exception_handler(Http404)
    @api.exception_handler(ObjectDoesNotExist)
    def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
        return problem(request, 404, _("Not found."))

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return problem(request, 429, _("Too many requests."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        refused = exc.__cause__
        if isinstance(refused, BodyRefused):  # parsed, but not a JSON object, or NUL in it
            errors = [{"field": refused.field, "message": str(refused)}] if refused.field else None
            return problem(request, 422, _("The request is not valid."), str(refused), errors)
        if exc.status_code == 400:  # Ninja's own: the body is not parseable
            return problem(
                request,
                400,
                _("The request body cannot be read."),
                _("Send valid JSON with the header Content-Type: application/json."),
            )
        return problem(request, exc.status_code, exc.message)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(
            request,
            413,
            _("The request is too large."),
            _("Send at most %(kb)s KB.") % {"kb": settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024},
        )

    @api.exception_handler(MultiPartParserError)
    @api.exception_handler(SuspiciousOperation)
    def unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.warning("Unreadable request on %s %s: %s", request.method, request.path, exc)
        return problem(request, 400, _("The request body cannot be read."))

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        if settings.DEBUG:
            raise exc
        logger.exception("Unhandled API error on %s %s", request.method, request.path)
        return problem(request, 500, _("Internal server error."))


class MethodNotAllowedMiddleware:
    """Ninja answers a wrong method on an API path with plain text: make it a problem.
    Sync and async (under ASGI no thread is held for it, ADR 0019)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if iscoroutinefunction(self):
            return self._acall(request)
        return self._problem(request, self.get_response(request))

    async def _acall(self, request: HttpRequest) -> HttpResponse:
        return self._problem(request, await self.get_response(request))

    def _problem(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if (
            response.status_code == 405
            and request.path.startswith(API_PREFIX)
            and response.get("Content-Type") != PROBLEM_CONTENT_TYPE
        ):
            allowed = response.get("Allow", "")
            response = problem(
                request,
                405,
                _("Method not allowed."),
                _("This address accepts: %(methods)s.") % {"methods": allowed},
            )
            response["Allow"] = allowed
        return response
