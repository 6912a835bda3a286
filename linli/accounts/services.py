"""Writes for accounts: users, role grants, access tokens and sign-in attempts."""

import hashlib
import logging
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.accounts import selectors
from linli.accounts.backends import attempt_key, identifier_lookup, is_phone
from linli.accounts.models import (
    AccessToken,
    LoginAttempt,
    PhoneCode,
    RoleGrant,
    User,
    phone_validator,
)
from linli.accounts.permissions import GRANTABLE_ROLES, ROLE_LEVELS, USER_MANAGE
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core import sms
from linli.core.crypto import blind_index, mask_phone
from linli.core.network import client_ip
from linli.core.permissions import Role
from linli.regions.choices import Level
from linli.regions.models import Region

log = logging.getLogger(__name__)
TOKEN_PREFIX = "linli_"  # noqa: S105 (a label, not a secret)


def account_named_by_phone(phone: str) -> bool:
    return User.objects.filter(**identifier_lookup(phone)).exists()


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _grantable_roles(by: User, region: Region) -> frozenset[str]:
    """Roles `by` may grant or revoke at `region`: from their admin grants above it."""
    if by.is_superuser:
        return frozenset(Role)
    roles: set[str] = set()
    for grant in by.active_grants():
        if region.path.startswith(grant.region.path):
            roles |= GRANTABLE_ROLES.get(grant.role, frozenset())
    return frozenset(roles)


def _check_grant(*, role: str, region: Region, by: User | None) -> None:
    """Check that `by` may grant `role` at `region` (by=None: the system, which may
    grant anything at a fitting level)."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role %(role)s.") % {"role": role}})
    if by is not None:
        _check_grantor(role=role, region=region, by=by)
    if region.is_retired:
        raise ValidationError(
            {
                "region": _("%(name)s is retired; roles cannot be granted there.")
                % {"name": region.name}
            }
        )
    if region.level not in ROLE_LEVELS[role]:
        separator = pgettext("list separator", ", ")
        levels = separator.join(str(Level(level).label) for level in sorted(ROLE_LEVELS[role]))
        raise ValidationError(
            {
                "region": _("The role %(role)s is held at: %(levels)s.")
                % {"role": Role(role).label, "levels": levels}
            }
        )


def _check_grantor(*, role: str, region: Region, by: User) -> None:
    if not by.has_action(USER_MANAGE):
        raise PermissionDenied
    if not Region.objects.visible_to(by, USER_MANAGE).filter(pk=region.pk).exists():
        # Outside the admin's scope: answer as if the region did not exist.
        raise ValidationError(
            {"region": _("Unknown region code %(code)s.") % {"code": region.code}}
        )
    if role not in _grantable_roles(by, region):
        raise ValidationError(
            {
                "role": _("You may not grant or revoke the role %(role)s.")
                % {"role": Role(role).label}
            }
        )


@transaction.atomic
def grant_create(*, user: User, role: str, region: Region, by: User | None) -> RoleGrant:
    """`role` at `region` for `user` (the organisation they act for, if any, is the
    registry's: `registry.services.affiliation_set`)."""
    _check_grant(role=role, region=region, by=by)
    if RoleGrant.objects.active().filter(user=user, role=role, region=region).exists():
        raise ValidationError(_("This user already holds this role here."))
    grant = RoleGrant.objects.create(user=user, role=role, region=region, granted_by=by)
    _audit_grant(AuditAction.GRANT_CREATE, grant, by)
    return grant


def _audit_grant(action: str, grant: RoleGrant, by: User | None) -> None:
    audit_record(
        action=action,
        actor=by,
        obj=grant,
        object_label=grant.audit_label,
        details={
            "user_id": grant.user_id,
            "role": grant.role,
            "region_code": grant.region.code,
        },
    )


@transaction.atomic
def grant_revoke(*, grant: RoleGrant, by: User) -> RoleGrant:
    if grant.user_id == by.pk:
        raise ValidationError(_("You cannot revoke your own role; ask another administrator."))
    grant = RoleGrant.objects.select_for_update().select_related("region", "user").get(pk=grant.pk)
    if grant.revoked_at is not None:
        raise ValidationError(_("This role grant is already revoked."))
    _check_grantor(role=grant.role, region=grant.region, by=by)
    if not RoleGrant.objects.active().filter(user_id=grant.user_id).exclude(pk=grant.pk).exists():
        raise ValidationError(
            _(
                "This is the user's last role: grant another one first, "
                "or deactivate the user instead."
            )
        )
    grant.revoked_at = timezone.now()
    grant.revoked_by = by
    grant.save(update_fields=["revoked_at", "revoked_by"])
    _audit_grant(AuditAction.GRANT_REVOKE, grant, by)
    return grant


@transaction.atomic
def user_set_active(*, user: User, active: bool, by: User) -> User:
    """Deactivate a user (they can no longer sign in or use tokens) or reactivate them.

    Their grants stay, so they stay visible to the admins who manage them.
    """
    if user.pk == by.pk:
        raise ValidationError(_("You cannot deactivate yourself; ask another administrator."))
    if not User.objects.visible_to(by, USER_MANAGE).filter(pk=user.pk).exists():
        raise PermissionDenied
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            action=AuditAction.USER_REACTIVATE if active else AuditAction.USER_DEACTIVATE,
            actor=by,
            obj=user,
            region=selectors.home_region(user=user),
            object_label=user.username,
        )
    return user


@transaction.atomic
def user_create(
    *,
    username: str,
    full_name: str,
    password: str,
    role: str,
    region: Region,
    by: User | None,
    phone: str | None = None,
    email: str = "",
) -> User:
    """Create a user together with their first role grant (a user is never out of scope)."""
    _check_grant(role=role, region=region, by=by)
    user = User(
        username=username.strip(),
        full_name=full_name.strip(),
        phone=(phone or "").strip() or None,
        email=email.strip(),
    )
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    # The unique constraint is on the blind index, which is computed on save only.
    if user.phone and "phone" not in errors and account_named_by_phone(user.phone):
        errors["phone"] = [_("Another user has this mobile phone number.")]
    try:
        validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    RoleGrant.objects.create(user=user, role=role, region=region, granted_by=by)
    audit_record(
        action=AuditAction.USER_CREATE,
        actor=by,
        obj=user,
        region=region,
        object_label=user.username,
        details={"role": role, "region_code": region.code},
    )
    return user


@transaction.atomic
def token_create(*, user: User, name: str, days: int, by: User | None) -> tuple[AccessToken, str]:
    """Create a token; the secret is returned once and only its digest is stored.
    `by` is the user themselves, or None when an operator runs `linli token create`."""
    name = (name or "").strip()
    if not name or len(name) > 80:
        raise ValidationError({"name": _("Give the token a name of at most 80 characters.")})
    if not 1 <= days <= settings.LINLI_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token lasts 1 to %(max)s days.") % {"max": settings.LINLI_TOKEN_MAX_DAYS}}
        )
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken.objects.create(
        user=user,
        name=name,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(secret),
        expires_at=timezone.now() + timedelta(days=days),
    )
    _audit_token(AuditAction.TOKEN_CREATE, token, by, details={"days": days})
    return token, secret


@transaction.atomic
def token_revoke(*, token: AccessToken, by: User | None) -> AccessToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit_token(AuditAction.TOKEN_REVOKE, token, by)
    return token


def _audit_token(action: str, token: AccessToken, by: User | None, details=None) -> None:
    audit_record(
        action=action,
        actor=by,
        obj=token,
        region=selectors.home_region(user=token.user),
        object_label=f"{token.user.username}: {token.name[:40]} ({token.prefix}…)",
        details=details or {},
    )


@transaction.atomic
def password_change(*, user: User, password: str, request: HttpRequest | None = None) -> User:
    """A user sets a new password (the caller checked the old one): validated by the
    site's password rules, audited; the user's sessions elsewhere end, as Django ends
    sessions whose hash no longer matches."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(
        action=AuditAction.PASSWORD_CHANGE,
        actor=user,
        obj=user,
        region=selectors.home_region(user=user),
        object_label=user.username,
        request=request,
    )
    return user


def masked_identifier(identifier: str) -> str:
    """A typed sign-in name that names no account, as the audit trail writes it:
    a phone number masked, anything else cut to two characters (people sometimes
    type their password into the name field)."""
    typed = identifier.strip()
    if is_phone(typed):
        return mask_phone(typed)
    return f"{typed[:2]}…" if len(typed) > 2 else "…"


def _audit_sign_in(
    action: str, *, identifier: str, request: HttpRequest | None, details: dict | None = None
) -> None:
    account = selectors.account_named(identifier=identifier)
    if account is None:
        audit_record(
            action=action,
            object_type=User._meta.label_lower,
            object_label=masked_identifier(identifier),
            details=details,
            request=request,
        )
    else:
        audit_record(
            action=action,
            obj=account,
            region=selectors.home_region(user=account),
            object_label=account.username,
            details=details,
            request=request,
        )


@transaction.atomic
def login_attempt_record(
    *, identifier: str, user: User | None, request: HttpRequest | None = None
) -> datetime | None:
    """Record a sign-in attempt: the LoginAttempt that drives the lockout, and its
    audit entry — `login` when the credentials opened `user`'s account, else
    `login_failed`, or `lockout` when this failure locks the account.

    Returns when sign-in opens again if this failure locked it, else None.
    """
    LoginAttempt.objects.create(
        identifier=attempt_key(identifier),
        ip_address=client_ip(request) if request is not None else None,
        succeeded=user is not None,
    )
    if user is not None:
        audit_record(
            action=AuditAction.LOGIN,
            actor=user,
            obj=user,
            region=selectors.home_region(user=user),
            object_label=user.username,
            request=request,
        )
        return None
    until = selectors.locked_until(identifier=identifier)
    if until is None:
        _audit_sign_in(AuditAction.LOGIN_FAILED, identifier=identifier, request=request)
    else:
        _audit_sign_in(
            AuditAction.LOCKOUT,
            identifier=identifier,
            request=request,
            details={
                "failures": settings.LINLI_LOCKOUT_ATTEMPTS,
                "minutes": settings.LINLI_LOCKOUT_MINUTES,
                "until": until.isoformat(timespec="seconds"),
            },
        )
    return until


@transaction.atomic
def login_refusal_record(*, identifier: str, until: datetime, request: HttpRequest | None) -> None:
    """Audit a sign-in refused because the account is locked. No LoginAttempt is
    written: attempts while locked do not extend the lock."""
    _audit_sign_in(
        AuditAction.LOGIN_REFUSED,
        identifier=identifier,
        request=request,
        details={"until": until.isoformat(timespec="seconds")},
    )


# Verification codes by text message (residents reporting without an account).
PHONE_CODE_CONTEXT = "accounts.phonecode.phone"
PHONE_CODE_MINUTES = 10  # how long a code is valid
PHONE_CODE_GAP = timedelta(seconds=60)  # between two codes to one number
PHONE_CODE_PER_HOUR = 5  # codes to one number in an hour
PHONE_CODE_PER_IP_HOUR = 20  # codes asked from one address in an hour
PHONE_CODE_ATTEMPTS = 5  # wrong tries before a code is void


def _code_hash(phone_index: str, purpose: str, code: str) -> str:
    key = f"{phone_index}:{purpose}:{code}"
    return salted_hmac("linli.phone-code", key, algorithm="sha256").hexdigest()


def phone_code_send(*, phone: str, purpose: str, ip: str | None) -> str | None:
    """Text a 6-digit code to `phone` for `purpose` through `LINLI_SMS_BACKEND`, within
    the limits per number and per address. Call it outside a transaction: the code
    is recorded (and committed) first, then sent; a code that could not be sent is
    taken back and does not count against the limits. Returns the code only when the
    backend delivers nothing (`shows_codes`: the demo's log), for the page to show."""
    phone = (phone or "").strip()
    phone_validator(phone)
    index = blind_index(phone, PHONE_CODE_CONTEXT)
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        _lock_number(index)  # two requests at once cannot both pass the limits
        now = timezone.now()
        hour = now - timedelta(hours=1)
        recent = PhoneCode.objects.filter(phone_index=index, sent_at__gte=hour)
        if recent.filter(sent_at__gte=now - PHONE_CODE_GAP).exists():
            raise ValidationError(
                {"phone": _("A code was just sent: wait a minute before asking again.")}
            )
        from_address = PhoneCode.objects.filter(ip_address=ip, sent_at__gte=hour) if ip else None
        if recent.count() >= PHONE_CODE_PER_HOUR or (
            from_address is not None and from_address.count() >= PHONE_CODE_PER_IP_HOUR
        ):
            raise ValidationError({"phone": _("Too many codes asked for: try again in an hour.")})
        sent = PhoneCode.objects.create(
            phone_index=index,
            purpose=purpose,
            code_hash=_code_hash(index, purpose, code),
            ip_address=ip,
            sent_at=now,
            expires_at=now + timedelta(minutes=PHONE_CODE_MINUTES),
        )
    text = _("Your Linli verification code is %(code)s (valid %(minutes)s minutes). Tell nobody.")
    backend = sms.backend()
    try:
        backend.send(phone, text % {"code": code, "minutes": PHONE_CODE_MINUTES})
    except OSError as exc:
        log.warning("SMS to %s failed: %s", mask_phone(phone), exc)
        PhoneCode.objects.filter(pk=sent.pk).delete()
        raise ValidationError(
            {"phone": _("The text message could not be sent: try again in a few minutes.")}
        ) from None
    return code if getattr(backend, "shows_codes", False) else None


def _lock_number(index: str) -> None:
    """PostgreSQL: a transaction lock per number (SQLite's IMMEDIATE transactions
    already write one at a time)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(index[:15], 16)])


def phone_code_check(*, phone: str, purpose: str, code: str) -> None:
    """Use the newest valid code sent to `phone` for `purpose`: ValidationError when
    it is wrong (the try is counted, and kept: call this outside a transaction),
    expired, used or tried too often."""
    index = blind_index((phone or "").strip(), PHONE_CODE_CONTEXT)
    now = timezone.now()
    with transaction.atomic():
        sent = (
            PhoneCode.objects.select_for_update()
            .filter(phone_index=index, purpose=purpose, used_at__isnull=True, expires_at__gt=now)
            .order_by("-sent_at")
            .first()
        )
        if sent is None or sent.attempts >= PHONE_CODE_ATTEMPTS:
            raise ValidationError({"code": _("No valid code for this number: ask for a new one.")})
        right = constant_time_compare(
            sent.code_hash, _code_hash(index, purpose, (code or "").strip())
        )
        if right:
            sent.used_at = now
        else:
            sent.attempts += 1
        sent.save(update_fields=["used_at", "attempts"])
    if not right:
        raise ValidationError({"code": _("Wrong code.")})


def phone_codes_purge(*, now: datetime | None = None) -> int:
    """Forget codes sent more than a day ago (their limits are hourly): returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=1)
    deleted, _by_model = PhoneCode.objects.filter(sent_at__lt=cutoff).delete()
    return deleted
