from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.accounts import selectors, services
from linli.accounts.filters import UserFilter
from linli.accounts.forms import (
    GrantForm,
    LoginForm,
    TokenForm,
    UserCreateForm,
)
from linli.accounts.permissions import USER_MANAGE, USER_VIEW
from linli.core.access import public, requires, signed_in
from linli.core.forms import apply_errors
from linli.core.lists import page_of, render_list
from linli.core.permissions import Role
from linli.regions.selectors import region_by_code


@public
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest):
    if request.user.is_authenticated:
        return redirect("core:home")
    form = LoginForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.user)
        target = request.POST.get("next") or request.GET.get("next") or ""
        if not url_has_allowed_host_and_scheme(
            target, {request.get_host()}, require_https=request.is_secure()
        ):
            target = "core:home"
        return redirect(target)
    return render(
        request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


@public
@require_POST
def logout_view(request: HttpRequest):
    logout(request)
    return redirect("accounts:login")


@signed_in
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest):
    password_form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and password_form.is_valid():
        user = services.password_change(
            user=request.user,
            password=password_form.cleaned_data["new_password1"],
            request=request,
        )
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "password_form": password_form,
            "token_form": TokenForm(),
            "tokens": selectors.tokens_of(user=request.user),
            "grants": request.user.active_grants(),
        },
    )


@signed_in
@require_POST
def token_create(request: HttpRequest):
    form = TokenForm(request.POST)
    secret = None
    if form.is_valid():
        try:
            _token, secret = services.token_create(
                user=request.user, by=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, exc)
    return render(
        request,
        "accounts/token_created.html",
        {"form": form, "secret": secret},
        status=200 if secret else 422,
    )


@signed_in
@require_POST
def token_revoke(request: HttpRequest, pk: int):
    token = get_object_or_404(selectors.tokens_of(user=request.user), pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@requires(USER_VIEW)
@require_GET
def user_list(request: HttpRequest):
    filters, errors = UserFilter.from_query(request.GET)
    return render_list(
        request,
        "accounts/user_list.html",
        page=page_of(request, selectors.user_list(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
        roles=Role.choices,
        may_manage=request.user.has_action(USER_MANAGE),
    )


@requires(USER_MANAGE)
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest):
    form = UserCreateForm(
        request.POST or None, roles=selectors.roles_grantable_by(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                full_name=data["full_name"],
                phone=data["phone"],
                password=data["password"],
                role=data["role"],
                region=region_by_code(data["region_code"]),
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, _with_region_code(exc))
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@requires(USER_VIEW)
@require_http_methods(["GET", "POST"])
def user_detail(request: HttpRequest, pk: int):
    person = get_object_or_404(selectors.users_visible(user=request.user), pk=pk)
    may_manage = (
        selectors.users_visible(user=request.user, action=USER_MANAGE).filter(pk=pk).exists()
    )
    if request.method == "POST" and not may_manage:
        raise PermissionDenied
    form = (
        GrantForm(request.POST or None, roles=selectors.roles_grantable_by(user=request.user))
        if may_manage
        else None
    )
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services.grant_create(
                user=person,
                role=form.cleaned_data["role"],
                region=region_by_code(form.cleaned_data["region_code"]),
                by=request.user,
            )
        except ValidationError as exc:
            apply_errors(form, _with_region_code(exc))
        else:
            messages.success(request, _("Role granted."))
            return redirect("accounts:user-detail", pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "person": person,
            "grants": person.current_grants,
            "form": form,
            "may_manage": may_manage,
        },
    )


@requires(USER_MANAGE)
@require_POST
def user_set_active(request: HttpRequest, pk: int):
    person = get_object_or_404(
        selectors.users_visible(user=request.user, action=USER_MANAGE), pk=pk
    )
    active = request.POST.get("active") == "1"
    try:
        services.user_set_active(user=person, active=active, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("User reactivated.") if active else _("User deactivated."))
    return redirect("accounts:user-detail", pk=pk)


@requires(USER_MANAGE)
@require_POST
def grant_revoke(request: HttpRequest, pk: int):
    grant = get_object_or_404(
        selectors.grants_visible(user=request.user, action=USER_MANAGE).filter(
            revoked_at__isnull=True
        ),
        pk=pk,
    )
    try:
        services.grant_revoke(grant=grant, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Role revoked."))
        if not selectors.users_visible(user=request.user).filter(pk=grant.user_id).exists():
            # That was their last role in the admin's scope: their page is gone too.
            return redirect("accounts:user-list")
    return redirect("accounts:user-detail", pk=grant.user_id)


def _with_region_code(exc: ValidationError) -> ValidationError:
    """Services speak of `region`; the forms' field is `region_code`."""
    if hasattr(exc, "error_dict") and "region" in exc.error_dict:
        errors = dict(exc.error_dict)
        errors["region_code"] = errors.pop("region")
        return ValidationError(errors)
    return exc
