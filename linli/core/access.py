"""View decorators that declare and enforce what a console view or API route needs."""

from collections.abc import Callable
from functools import wraps
from typing import Any, Concatenate

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponseRedirect

from linli.core.permissions import vocabulary

SIGNED_IN = "signed-in"
PUBLIC = "public"

# A console view or API route: the request first, then its parameters.
type View[**P, R] = Callable[Concatenate[HttpRequest, P], R]


def requires[**P, R](action: str) -> Callable[[View[P, R]], View[P, R | HttpResponseRedirect]]:
    """Declare the action a console view or API route needs, and enforce it.

    Anonymous console visitors are sent to the login page; a signed-in user
    without any grant allowing the action gets 403. Which objects the user may
    touch is then decided by `visible_to` in the view's selectors (404 outside).
    """
    vocabulary.check(action)

    def decorator(view: View[P, R]) -> View[P, R | HttpResponseRedirect]:
        @wraps(view)
        def wrapper(
            request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs
        ) -> R | HttpResponseRedirect:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_action(action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.__dict__["linli_action"] = action
        return wrapper

    return decorator


def signed_in[**P, R](view: View[P, R]) -> View[P, R | HttpResponseRedirect]:
    """For views any signed-in user may use (their own profile, tokens)."""

    @wraps(view)
    def wrapper(
        request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs
    ) -> R | HttpResponseRedirect:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.__dict__["linli_action"] = SIGNED_IN
    return wrapper


def public[V: Callable[..., Any]](view: V) -> V:
    """For views anyone may use, signed in or not: signing in and out, public reporting
    and tracking, Open311, the health check. Declared, so that a view without any
    access rule stands out (core/tests/test_routers.py)."""
    view.__dict__["linli_action"] = PUBLIC
    return view
