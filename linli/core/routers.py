"""The base API router: every route must declare what it needs.

Routes are decorated with `requires(action)` or `signed_in` (linli.core.access)
below the router decorator; a route without either is refused at import time,
so no endpoint can ship without an access rule. `operation_id`, `url_name` and
`response` are required too (DESIGN.md, pattern 7), and the RFC 7807 problem
answers every route can give are added to its documented responses (400 and 413 too
where it takes a body). Integer path
parameters (object ids) are bounded to what a database key can hold: a larger one
is refused (422) before any query is made.
"""

import inspect
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import ImproperlyConfigured
from ninja import Router as NinjaRouter
from ninja.constants import NOT_SET
from ninja.params.functions import Path
from ninja.signature.utils import get_path_param_names

from linli.core.problems import BODY_PROBLEM_RESPONSES, PROBLEM_RESPONSES
from linli.core.schemas import MAX_ID


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
        problems = dict(PROBLEM_RESPONSES)
        if set(methods) & {"POST", "PUT", "PATCH"}:
            problems.update(BODY_PROBLEM_RESPONSES)
        kwargs["response"] = {**problems, **response}
        _bound_path_ids(path, view_func)
        super().add_api_operation(path, methods, view_func, **kwargs)


def _bound_path_ids(path: str, view_func: Callable[..., Any]) -> None:
    """Declare the path's `int` parameters as ids: 1 to MAX_ID."""
    names = get_path_param_names(path)
    signature = inspect.signature(view_func)
    view_func.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[
            param.replace(annotation=Annotated[int, Path(..., ge=1, le=MAX_ID)])
            if param.name in names and param.annotation in (int, "int")
            else param
            for param in signature.parameters.values()
        ]
    )
