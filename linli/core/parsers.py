"""How the API reads a request body: a JSON object sent as JSON, nothing else."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.parser import Parser


class BodyRefused(ValueError):
    """A body that parses but is not a JSON object sent as JSON: answered 422."""


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
        return data
