"""Every write of certificates: issue (signed) and revoke, each audited."""

import json
import secrets
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.certificates import keys
from linli.certificates.choices import NUMBER_ALPHABET, NUMBER_LENGTH, REASON_MAX
from linli.certificates.models import Certificate, CertificateKind
from linli.certificates.permissions import CERTIFICATE_ISSUE, CERTIFICATE_REVOKE
from linli.certificates.selectors import accounts_of
from linli.core.crypto import mask_name
from linli.notifications.services import notify
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.regions.selectors import ensure_may
from linli.registry.choices import ResidentStatus
from linli.registry.models import Resident

VALUE_MAX = 200
NOTIFICATION_KIND = "certificates.revoked"


def _new_number() -> str:
    while True:
        number = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))
        if not Certificate.objects.filter(number=number).exists():
            return number


def issuer_of(region: Region) -> str:
    """Who issues a certificate in `region`: its community's residents' committee."""
    place: Region | None = region
    while place is not None and place.level == Level.GRID:
        place = place.parent
    name = place.name if place is not None else region.name
    return _("%(community)s Residents' Committee") % {"community": name}


def _checked_values(kind: CertificateKind, fields: Any) -> dict[str, str]:
    if not isinstance(fields, dict):
        raise ValidationError({"fields": _("The certificate's fields are missing.")})
    unknown = sorted(set(map(str, fields)) - set(kind.field_keys()))
    if unknown:
        raise ValidationError(
            {"fields": _("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)}}
        )
    values: dict[str, str] = {}
    errors: list[str] = []
    for spec in kind.fields:
        raw = fields.get(spec["key"])
        value = raw.isoformat() if isinstance(raw, date) else raw
        if not isinstance(value, str) or not value.strip():
            errors.append(_("%(label)s is required.") % {"label": spec["label"]})
        elif len(value.strip()) > VALUE_MAX:
            errors.append(
                _("%(label)s is longer than %(max)d characters.")
                % {"label": spec["label"], "max": VALUE_MAX}
            )
        else:
            values[str(spec["key"])] = value.strip()
    if errors:
        raise ValidationError({"fields": errors})
    return values


@transaction.atomic
def certificate_issue(
    *,
    kind: CertificateKind | str,
    holder: Resident,
    fields: dict[str, Any],
    by: Any,
    reference: str = "",
    valid_until: date | None = None,
) -> Certificate:
    """Issue a certificate of `kind` (a kind or its code) to `holder` stating `fields`
    (every field of the kind, text or dates), signed with the current key; `reference`
    names what it was issued for (an application's number), `valid_until` overrides the
    kind's validity. `by` None: the system (the hall's delivery, the demo)."""
    if isinstance(kind, str):
        found = CertificateKind.objects.filter(code=kind, active=True).first()
        if found is None:
            raise ValidationError({"kind": _("No such certificate kind.")})
        kind = found
    elif not kind.active:
        raise ValidationError({"kind": _("This kind of certificate is no longer issued.")})
    ensure_may(by, holder.grid, CERTIFICATE_ISSUE)
    if holder.status != ResidentStatus.LIVING:
        raise ValidationError({"holder": _("Certificates are issued to living residents only.")})
    values = _checked_values(kind, fields)
    now = timezone.now().replace(microsecond=0)
    if valid_until is None and kind.valid_days is not None:
        valid_until = timezone.localdate(now) + timedelta(days=kind.valid_days)
    if valid_until is not None and valid_until < timezone.localdate(now):
        raise ValidationError(
            {"valid_until": _("A certificate cannot expire before it is issued.")}
        )
    certificate = Certificate(
        number=_new_number(),
        kind=kind,
        holder=holder,
        holder_name=holder.name,
        region=holder.grid,
        issuer=issuer_of(holder.grid),
        reference=reference.strip()[:40],
        values=json.dumps(values, ensure_ascii=False, sort_keys=True),
        issued_at=now,
        valid_until=valid_until,
        issued_by=by,
        key_id=keys.current().key_id,
    )
    certificate.key_id, certificate.signature = keys.sign(certificate.canonical())
    certificate.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=certificate,
        object_label=f"{kind.name} {certificate.number} {mask_name(holder.name)}",
        details={"kind": kind.code, "key": certificate.key_id, "reference": certificate.reference},
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, by: Any) -> Certificate:
    """Revoke a certificate, for good, with a reason (shown on the verification page)."""
    ensure_may(by, certificate.region, CERTIFICATE_REVOKE)
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("The reason is longer than %(max)d characters.") % {"max": REASON_MAX}}
        )
    locked = Certificate.objects.select_for_update().select_related("kind").get(pk=certificate.pk)
    if locked.revoked_at is not None:
        raise ValidationError({"reason": _("This certificate is already revoked.")})
    locked.revoked_at = timezone.now()
    locked.revoked_by = by
    locked.revoke_reason = reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=locked,
        object_label=f"{locked.kind.name} {locked.number} {mask_name(locked.holder_name)}",
        details={"revoked": reason},
    )
    notify(  # the holder, through their own accounts
        users=accounts_of(locked.holder),
        kind=NOTIFICATION_KIND,
        title=_("Certificate revoked: %(kind)s") % {"kind": locked.kind.name},
        body=_("Your certificate %(number)s was revoked: %(reason)s")
        % {"number": locked.number, "reason": reason},
        url=reverse("certificates:mine"),
    )
    return locked
