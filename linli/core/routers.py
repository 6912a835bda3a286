"""The base API router: every route must declare what it needs.

Routes are decorated with `requires(action)` or `signed_in` (linli.core.access)
below the router decorator; a route without either is refused at import time,
so no endpoint can ship without an access rule. `operation_id`, `url_name` and
`response` are required too (DESIGN.md, pattern 7), and the RFC 7807 problem
answers every route can give are added to its documented responses.
"""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from ninja import Router as NinjaRouter
from ninja.constants import NOT_SET

from linli.core.problems import PROBLEM_RESPONSES


class Router(NinjaRouter):
    def add_api_operation(
        self, path: str, methods: list[str], view_func: Callable[..., Any], **kwargs: Any
    ) -> None:
        if not getattr(view_func, "linli_action", None):
            raise ImproperlyConfigured(
                f"API route {methods} {path} ({view_func.__qualname__}) declares no action: "
                "decorate it with requires(...) or signed_in (linli.core.access)."
            )
        for key in ("operation_id", "url_name", "response"):
            if kwargs.get(key) in (None, NOT_SET):
                raise ImproperlyConfigured(f"API route {methods} {path} needs {key}=.")
        response = kwargs["response"]
        if not isinstance(response, dict):
            response = {200: response}
        kwargs["response"] = {**PROBLEM_RESPONSES, **response}
        super().add_api_operation(path, methods, view_func, **kwargs)
