"""Every read of certificates: staff lists in their scope, a resident's own, the hall's
usable certificates of a holder, and the public verification of a QR code."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.certificates import keys
from linli.certificates.choices import NUMBER_ALPHABET, NUMBER_LENGTH, Masking, Verdict
from linli.certificates.filters import CertificateFilter
from linli.certificates.models import (
    Certificate,
    CertificateKind,
    CertificateQuerySet,
    SigningKey,
)
from linli.certificates.permissions import CERTIFICATE_VIEW
from linli.core.crypto import blind_index, mask_id_number, mask_name
from linli.core.permissions import Role
from linli.core.scoping import AnyUser
from linli.regions.selectors import regions_within
from linli.registry.choices import ResidentStatus
from linli.registry.models import Resident


def certificates_visible(*, user: AnyUser, action: str = CERTIFICATE_VIEW) -> QuerySet[Certificate]:
    return Certificate.objects.visible_to(user, action).select_related("kind", "region")


def certificate_list(*, user: AnyUser, filters: CertificateFilter) -> QuerySet[Certificate]:
    found: QuerySet[Certificate] = filters.apply(certificates_visible(user=user), user=user)
    return found


def residents_of(user: AnyUser) -> QuerySet[Resident]:
    """The registry's living residents a resident's account stands for: the same mobile
    number, below the regions of their resident grants."""
    if not isinstance(user, User) or not user.is_active or not user.phone:
        return Resident.objects.none()
    paths = [g.region.path for g in user.active_grants() if g.role == Role.RESIDENT]
    if not paths:
        return Resident.objects.none()
    return Resident.objects.filter(
        status=ResidentStatus.LIVING,
        phone_index=blind_index(user.phone, Resident.PHONE_CONTEXT),
        grid__in=regions_within(paths),
    )


def accounts_of(resident: Resident) -> QuerySet[User]:
    """The active accounts that stand for a resident (the converse of `residents_of`):
    the resident's mobile number, a resident's grant above the resident's grid."""
    if not resident.phone:
        return User.objects.none()  # type: ignore[no-any-return]
    found: QuerySet[User] = User.objects.filter(
        is_active=True,
        phone_index=blind_index(resident.phone, User.PHONE_CONTEXT),
        grants__role=Role.RESIDENT,
        grants__revoked_at__isnull=True,
        grants__region__path__in=[
            resident.grid.path[:n] for n in range(1, len(resident.grid.path) + 1)
        ],
    ).distinct()
    return found


def certificates_of(*, user: AnyUser) -> CertificateQuerySet:
    """我的证照: the certificates held by the signed-in resident, newest first."""
    return Certificate.objects.filter(holder__in=residents_of(user)).select_related("kind")


def usable_certificates(
    *, holder: Resident, kinds: list[str] | None = None
) -> QuerySet[Certificate]:
    """A holder's certificates neither revoked nor expired (of `kinds`, by code): what an
    application may take as a material instead of asking for it again."""
    found = Certificate.objects.filter(holder=holder).usable().select_related("kind")
    if kinds is not None:
        found = found.filter(kind__code__in=kinds)
    return found


def _masked(value: str, masking: str) -> str:
    if masking == Masking.NAME:
        return mask_name(value)
    if masking == Masking.ID_NUMBER:
        return mask_id_number(value)
    if masking == Masking.ADDRESS:
        kept = (len(value) + 1) // 2
        return value[:kept] + "*" * (len(value) - kept)
    return value


def public_fields(certificate: Certificate) -> list[tuple[str, str]]:
    """(label, value) of the fields its kind shows on the verification page, masked."""
    values = certificate.field_values
    return [
        (str(spec["label"]), _masked(values.get(spec["key"], ""), str(spec.get("mask", ""))))
        for spec in certificate.kind.fields
        if spec.get("public")
    ]


def all_fields(certificate: Certificate) -> list[tuple[str, str]]:
    """(label, value) of every field, as the document prints them."""
    values = certificate.field_values
    return [(str(spec["label"]), values.get(spec["key"], "")) for spec in certificate.kind.fields]


def masked_fields(certificate: Certificate) -> list[tuple[str, str, bool]]:
    """(label, value masked as its kind says, public) of every field: the staff's page."""
    values = certificate.field_values
    return [
        (
            str(spec["label"]),
            _masked(values.get(spec["key"], ""), str(spec.get("mask", ""))),
            bool(spec.get("public")),
        )
        for spec in certificate.kind.fields
    ]


@dataclass
class Verification:
    verdict: Verdict
    message: str
    certificate: Certificate | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)


def verify(*, number: str, signature: str) -> Verification:
    """What a QR code's number and signature prove: the certificate is genuine when the
    signature verifies over its canonical form with a published key (so a number, a
    signature or a record changed after issue all fail), then revoked, expired or valid."""
    forged = _("This QR code was not issued by Linli: no certificate has this number.")
    number = number.strip().upper()
    if len(number) != NUMBER_LENGTH or set(number) - set(NUMBER_ALPHABET):
        return Verification(Verdict.FORGED, forged)
    certificate = Certificate.objects.select_related("kind", "region").filter(number=number).first()
    if certificate is None:
        return Verification(Verdict.FORGED, forged)
    if len(signature) > 100 or not keys.verify(
        key_id=certificate.key_id, data=certificate.canonical(), signature=signature
    ):
        return Verification(
            Verdict.FORGED,
            _(
                "The signature does not match: this QR code or the certificate was altered. "
                "Do not accept it."
            ),
        )
    shown = public_fields(certificate)
    if certificate.revoked_at is not None:
        return Verification(
            Verdict.REVOKED,
            _("This certificate was revoked on %(day)s: %(reason)s")
            % {
                "day": timezone.localdate(certificate.revoked_at).isoformat(),
                "reason": certificate.revoke_reason,
            },
            certificate,
            shown,
        )
    if certificate.state().value == Verdict.EXPIRED.value:
        return Verification(
            Verdict.EXPIRED,
            _("This certificate expired on %(day)s.")
            % {"day": certificate.valid_until.isoformat() if certificate.valid_until else ""},
            certificate,
            shown,
        )
    return Verification(
        Verdict.VALID,
        _("This certificate is genuine and valid."),
        certificate,
        shown,
    )


def kinds() -> QuerySet[CertificateKind]:
    return CertificateKind.objects.filter(active=True).order_by("pk")


def published_keys() -> list[dict[str, Any]]:
    """The public keys as JWKs (RFC 8037: OKP, Ed25519)."""
    return [
        {"kid": key_id, "kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "x": x}
        for key_id, x in sorted(keys.public_keys().items())
    ]


@dataclass
class PublishedKey:
    key_id: str
    public_key: str
    first_used: datetime | None
    signs: bool


def key_list() -> list[PublishedKey]:
    """The keys that verify, oldest first, the one that signs now marked."""
    signing = keys.signing_keys()
    current = signing[0].key_id if signing else None
    used = dict(SigningKey.objects.values_list("key_id", "created_at"))
    return sorted(
        (
            PublishedKey(key_id, public, used.get(key_id), key_id == current)
            for key_id, public in keys.public_keys().items()
        ),
        key=lambda k: (k.first_used is None, k.first_used or datetime.min, k.key_id),
    )
