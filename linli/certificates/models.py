"""Electronic certificates (电子证照): their kinds, the certificates issued and the
public keys that verify them."""

import json
from datetime import UTC, date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.certificates.choices import CANONICAL_FORMAT, CertificateState
from linli.certificates.permissions import CERTIFICATE_VIEW
from linli.core.fields import EncryptedTextField
from linli.core.scoping import ScopedQuerySet

FIELDS_CONTEXT = "certificates.certificate.fields"


class CertificateKind(models.Model):
    """A kind of certificate (居住证明, 老年人优待证 …): its fields, which of them the
    public verification page shows, how long one is valid. Data (kinds.py), not code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=60)
    fields = models.JSONField(_("fields"), default=list)
    valid_days = models.PositiveIntegerField(_("valid for (days)"), null=True, blank=True)
    active = models.BooleanField(_("issued"), default=True)

    class Meta:
        verbose_name = _("certificate kind")
        verbose_name_plural = _("certificate kinds")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def field_keys(self) -> list[str]:
        return [str(spec["key"]) for spec in self.fields]


class CertificateQuerySet(ScopedQuerySet["Certificate"]):
    region_path = "region__path"
    view_action = CERTIFICATE_VIEW

    def usable(self) -> "CertificateQuerySet":
        """Neither revoked nor expired today."""
        today = timezone.localdate()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gte=today)
        )


class Certificate(models.Model):
    """One certificate issued to a resident: its fields (encrypted: they may hold an ID
    number), signed with Ed25519 over `canonical()`; revocable, never edited."""

    number = models.CharField(_("number"), max_length=16, unique=True)
    kind = models.ForeignKey(
        CertificateKind, models.PROTECT, related_name="certificates", verbose_name=_("kind")
    )
    holder = models.ForeignKey(
        "registry.Resident",
        models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    holder_name = models.CharField(_("holder's name"), max_length=50)
    region = models.ForeignKey(
        "regions.Region", models.PROTECT, related_name="+", verbose_name=_("issued in")
    )
    issuer = models.CharField(_("issued by"), max_length=100)
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    values = EncryptedTextField(_("fields"), context=FIELDS_CONTEXT)
    issued_at = models.DateTimeField(_("issued at"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    key_id = models.CharField(_("signing key"), max_length=32)
    signature = models.CharField(_("signature"), max_length=100)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoke_reason = models.CharField(_("reason for revoking"), max_length=200, blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["holder", "kind"], name="certificate_holder_kind"),
            models.Index(fields=["region", "issued_at"], name="certificate_region_issued"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revoke_reason=""),
                name="certificate_revoked_with_reason",
                violation_error_message=_("A revoked certificate needs a reason."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind.name} {self.number}"

    @property
    def field_values(self) -> dict[str, str]:
        loaded: dict[str, str] = json.loads(self.values or "{}")
        return loaded

    def state(self, today: date | None = None) -> CertificateState:
        if self.revoked_at is not None:
            return CertificateState.REVOKED
        if self.valid_until is not None and self.valid_until < (today or timezone.localdate()):
            return CertificateState.EXPIRED
        return CertificateState.VALID

    def canonical(self) -> bytes:
        """The signed document: every field that the certificate states, as compact
        JSON with sorted keys in UTF-8 (ADR 0023)."""
        document: dict[str, Any] = {
            "format": CANONICAL_FORMAT,
            "number": self.number,
            "kind": self.kind.code,
            "holder": self.holder_name,
            "issuer": self.issuer,
            "fields": self.field_values,
            "issued_at": self.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "key": self.key_id,
        }
        return json.dumps(
            document, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()


class SigningKey(models.Model):
    """A public key that verifies certificates, kept when its private key is retired
    from LINLI_CERT_SIGNING_KEYS (rotation): published at /c/keys."""

    key_id = models.CharField(_("key"), max_length=32, unique=True)
    public_key = models.CharField(_("public key"), max_length=64)  # base64url, 32 bytes
    created_at = models.DateTimeField(_("first used"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.key_id
