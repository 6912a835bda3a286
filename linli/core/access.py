"""View decorators that declare and enforce what a console view or API route needs."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from linli.core.permissions import vocabulary

SIGNED_IN = "signed-in"
PUBLIC = "public"


def requires(action: str):
    """Declare the action a console view or API route needs, and enforce it.

    Anonymous console visitors are sent to the login page; a signed-in user
    without any grant allowing the action gets 403. Which objects the user may
    touch is then decided by `visible_to` in the view's selectors (404 outside).
    """
    vocabulary.check(action)

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not user.has_action(action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.linli_action = action
        return wrapper

    return decorator


def signed_in(view):
    """For views any signed-in user may use (their own profile, tokens)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.linli_action = SIGNED_IN
    return wrapper


def public(view):
    """For views anyone may use, signed in or not: signing in and out, public reporting
    and tracking, Open311, the health check. Declared, so that a view without any
    access rule stands out (core/tests/test_routers.py)."""
    view.linli_action = PUBLIC
    return view
