from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts import selectors, services
from linli.accounts.filters import UserFilter
from linli.accounts.models import User
from linli.accounts.permissions import USER_MANAGE, USER_VIEW
from linli.accounts.schemas import (
    GrantIn,
    GrantOut,
    MeOut,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
    UserIn,
    UserOut,
    UserPatch,
)
from linli.core.access import requires, signed_in
from linli.core.permissions import vocabulary
from linli.core.routers import Router
from linli.regions.selectors import region_by_code

router = Router(tags=["accounts"])


def _user(request: HttpRequest, pk: int, action: str = USER_VIEW) -> User:
    return get_object_or_404(selectors.users_visible(user=request.user, action=action), pk=pk)


@router.get("/me", response=MeOut, operation_id="me_get", url_name="me")
@signed_in
def me_get(request: HttpRequest):
    """The caller, their role grants and every action they may perform somewhere."""
    user = request.user
    return {
        "id": user.pk,
        "username": user.username,
        "full_name": user.full_name,
        "masked_phone": user.masked_phone,
        "grants": user.active_grants(),
        "actions": sorted(a for a in vocabulary.labels if user.has_action(a)),
    }


@router.get("/users", response=list[UserOut], operation_id="user_list", url_name="user-list")
@requires(USER_VIEW)
@paginate
def user_list(request: HttpRequest, filters: Query[UserFilter]):
    """People in the caller's regions, by name, role and region."""
    return selectors.user_list(user=request.user, filters=filters)


@router.post("/users", response={201: UserOut}, operation_id="user_create", url_name="user-create")
@requires(USER_MANAGE)
def user_create(request: HttpRequest, payload: UserIn):
    """Create a user with a first role grant at a region inside the caller's scope."""
    user = services.user_create(
        username=payload.username,
        full_name=payload.full_name,
        password=payload.password,
        phone=payload.phone,
        role=payload.role,
        region=region_by_code(payload.region_code),
        by=request.user,
    )
    return Status(201, _user(request, user.pk))


@router.get("/users/{user_id}", response=UserOut, operation_id="user_get", url_name="user-detail")
@requires(USER_VIEW)
def user_get(request: HttpRequest, user_id: int):
    return _user(request, user_id)


@router.patch(
    "/users/{user_id}", response=UserOut, operation_id="user_update", url_name="user-update"
)
@requires(USER_MANAGE)
def user_update(request: HttpRequest, user_id: int, payload: UserPatch):
    """Deactivate or reactivate a user; their role grants are kept."""
    services.user_set_active(
        user=_user(request, user_id, USER_MANAGE), active=payload.is_active, by=request.user
    )
    return _user(request, user_id)


@router.post(
    "/users/{user_id}/grants",
    response={201: GrantOut},
    operation_id="grant_create",
    url_name="grant-create",
)
@requires(USER_MANAGE)
def grant_create(request: HttpRequest, user_id: int, payload: GrantIn):
    grant = services.grant_create(
        user=_user(request, user_id, USER_MANAGE),
        role=payload.role,
        region=region_by_code(payload.region_code),
        by=request.user,
    )
    return Status(201, grant)


@router.delete(
    "/grants/{grant_id}", response={204: None}, operation_id="grant_revoke", url_name="grant-revoke"
)
@requires(USER_MANAGE)
def grant_revoke(request: HttpRequest, grant_id: int):
    grant = get_object_or_404(
        selectors.grants_visible(user=request.user, action=USER_MANAGE).filter(
            revoked_at__isnull=True
        ),
        pk=grant_id,
    )
    services.grant_revoke(grant=grant, by=request.user)
    return Status(204, None)


@router.get("/tokens", response=list[TokenOut], operation_id="token_list", url_name="token-list")
@signed_in
@paginate
def token_list(request: HttpRequest):
    """The caller's own access tokens (never their secrets)."""
    return selectors.tokens_of(user=request.user)


@router.post(
    "/tokens", response={201: TokenCreatedOut}, operation_id="token_create", url_name="token-create"
)
@signed_in
def token_create(request: HttpRequest, payload: TokenIn):
    """Create an access token for the caller; the secret is in this answer only."""
    token, secret = services.token_create(
        user=request.user, name=payload.name, days=payload.days, by=request.user
    )
    token.token = secret
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}", response={204: None}, operation_id="token_revoke", url_name="token-revoke"
)
@signed_in
def token_revoke(request: HttpRequest, token_id: int):
    services.token_revoke(
        token=get_object_or_404(selectors.tokens_of(user=request.user), pk=token_id),
        by=request.user,
    )
    return Status(204, None)
