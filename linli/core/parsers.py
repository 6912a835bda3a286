"""How the API reads a request: a body is a JSON object sent as JSON, and no text in
the body, the query or a form holds a NUL character."""

from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser


class BodyRefused(ValueError):
    """A body that parses but is not a JSON object sent as JSON: answered 422. `field`
    names where in the body the fault is, when it is in one place."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _nul_message() -> str:
    return _("Text may not contain NUL characters.")


def nul_at(data: Any, path: str = "") -> str | None:
    """Where in `data` (JSON: objects, arrays, strings) a text, or an object's key,
    holds NUL: its dotted path, "" for `data` itself; None when none does.
    PostgreSQL cannot store NUL in text and refuses it even in a lookup, so every app
    gets it refused here (422) rather than at the database (500)."""
    if isinstance(data, str):
        return path if "\x00" in data else None
    if isinstance(data, dict):
        items: Any = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return None
    for key, value in items:
        where = f"{path}.{key}" if path else str(key)
        if isinstance(key, str) and "\x00" in key:
            return where
        found = nul_at(value, where)
        if found is not None:
            return found
    return None


class JSONObjectParser(Parser):
    """Ninja's parser reads any body as JSON and lets a list or a string stand for an
    object with every field left out (an empty household was made of `[]`)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        content_type = request.content_type or ""
        if content_type != "application/json" and not content_type.endswith("+json"):
            raise BodyRefused(_("Send JSON with the header Content-Type: application/json."))
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise BodyRefused(_("Send a JSON object ({…}) as the body."))
        where = nul_at(data)
        if where is not None:
            raise BodyRefused(_nul_message(), f"body.{where}")
        return data

    def parse_querydict(
        self, data: "MultiValueDict[str, Any]", list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        parsed = super().parse_querydict(data, list_fields, request)
        where = nul_at(parsed)
        if where is not None:
            place = "query" if data is request.GET else "form"
            raise SchemaValidationError(
                [{"loc": (place, *where.split(".")), "msg": _nul_message(), "type": "value_error"}]
            )
        return parsed
