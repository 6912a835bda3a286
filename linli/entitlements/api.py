"""The entitlements' API at /api/v1/entitlements/: grant kinds with their amounts,
grants (list, one, a caseworker's grant, end), the 应享未享 report, disability
certificates and veterans' records. Anything outside the caller's regions is 404."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Status
from ninja.pagination import paginate

from linli.accounts.auth import signed_in_user
from linli.core.access import requires
from linli.core.routers import Router
from linli.entitlements import selectors, services
from linli.entitlements.filters import GrantFilter, UnservedFilter
from linli.entitlements.models import DisabilityCertificate, Grant, GrantKind, VeteranRecord
from linli.entitlements.permissions import (
    ENTITLEMENT_MANAGE,
    ENTITLEMENT_VERIFY,
    ENTITLEMENT_VIEW,
)
from linli.entitlements.schemas import (
    DisabilityCertificateIn,
    DisabilityCertificateOut,
    EntitlementGrantEndIn,
    EntitlementGrantIn,
    EntitlementGrantOut,
    GrantKindCountOut,
    GrantKindOut,
    UnservedOut,
    VeteranRecordIn,
    VeteranRecordOut,
)
from linli.registry.models import Resident

router = Router(tags=["entitlements"])


@router.get(
    "/entitlements/kinds",
    response=list[GrantKindOut],
    operation_id="grant_kind_list",
    url_name="grant-kind-list",
)
@requires(ENTITLEMENT_VIEW)
def grant_kind_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Grant kinds: legal basis, conditions, and the amount rules of every region."""
    return [
        {
            **{name: getattr(k, name) for name in services.KIND_FIELDS},
            "code": k.code,
            "legal_basis": k.legal_basis,
            "labels_all": [label.code for label in k.labels_all.all()],
            "labels_any": [label.code for label in k.labels_any.all()],
            "rules": list(k.rules.all()),
        }
        for k in selectors.kinds(user=request.user)
    ]


@router.get(
    "/entitlements/grants",
    response=list[EntitlementGrantOut],
    operation_id="entitlement_grant_list",
    url_name="entitlement-grant-list",
)
@requires(ENTITLEMENT_VIEW)
@paginate
def grant_list(request: HttpRequest, filters: Query[GrantFilter]) -> QuerySet[Grant]:
    """Grants in the caller's regions, newest first."""
    return selectors.grant_list(user=request.user, filters=filters)


@router.get(
    "/entitlements/grants/{grant_id}",
    response=EntitlementGrantOut,
    operation_id="entitlement_grant_get",
    url_name="entitlement-grant-detail",
)
@requires(ENTITLEMENT_VIEW)
def grant_get(request: HttpRequest, grant_id: int) -> Grant:
    found: Grant = get_object_or_404(selectors.grants_visible(user=request.user), pk=grant_id)
    return found


def _resident(request: HttpRequest, resident_id: int, action: str) -> Resident:
    found: Resident = get_object_or_404(
        selectors.residents_visible(user=request.user, action=action).select_related("grid"),
        pk=resident_id,
    )
    return found


@router.post(
    "/entitlements/grants",
    response={201: EntitlementGrantOut},
    operation_id="entitlement_grant_create",
    url_name="entitlement-grant-create",
)
@requires(ENTITLEMENT_MANAGE)
def grant_create(request: HttpRequest, payload: EntitlementGrantIn) -> Status[Grant]:
    """A caseworker's grant with its reason; 422 with every condition the resident
    fails, nothing saved."""
    resident = _resident(request, payload.resident_id, ENTITLEMENT_MANAGE)
    kind = GrantKind.objects.filter(code=payload.kind).first()
    if kind is None:
        raise ValidationError({"kind": _("Unknown grant kind.")})
    grant = services.grant_create(
        resident=resident,
        kind=kind,
        reason=payload.reason,
        starts_on=payload.starts_on,
        by=signed_in_user(request),
    )
    return Status(201, grant)


@router.post(
    "/entitlements/grants/{grant_id}/end",
    response=EntitlementGrantOut,
    operation_id="entitlement_grant_end",
    url_name="entitlement-grant-end",
)
@requires(ENTITLEMENT_MANAGE)
def grant_end(request: HttpRequest, grant_id: int, payload: EntitlementGrantEndIn) -> Grant:
    grant = get_object_or_404(
        selectors.grants_visible(user=request.user, action=ENTITLEMENT_MANAGE), pk=grant_id
    )
    return services.grant_end(
        grant=grant, reason=payload.reason, note=payload.note, by=signed_in_user(request)
    )


@router.get(
    "/entitlements/unserved",
    response=list[UnservedOut],
    operation_id="unserved_list",
    url_name="unserved-list",
)
@requires(ENTITLEMENT_VIEW)
@paginate
def unserved_list(request: HttpRequest, filters: Query[UnservedFilter]) -> QuerySet[Resident]:
    """应享未享 of one kind (default: the first granted now): residents in scope who
    qualify and have no open grant of it. Names masked."""
    kind = selectors.unserved_kind(filters)
    if kind is None:
        raise ValidationError({"kind": _("Unknown grant kind.")})
    return selectors.unserved(user=request.user, kind=kind, filters=filters)


@router.get(
    "/entitlements/unserved/counts",
    response=list[GrantKindCountOut],
    operation_id="unserved_counts",
    url_name="unserved-counts",
)
@requires(ENTITLEMENT_VIEW)
def unserved_counts(request: HttpRequest, filters: Query[UnservedFilter]) -> list[dict[str, Any]]:
    """Per kind granted now: open grants and the 应享未享 count, in the caller's scope."""
    return [
        {"kind": c.kind.code, "name": c.kind.name, "granted": c.granted, "unserved": c.unserved}
        for c in selectors.unserved_counts(user=request.user, filters=filters)
    ]


@router.post(
    "/entitlements/certificates",
    response={201: DisabilityCertificateOut},
    operation_id="disability_certificate_create",
    url_name="disability-certificate-create",
)
@requires(ENTITLEMENT_MANAGE)
def disability_certificate_create(
    request: HttpRequest, payload: DisabilityCertificateIn
) -> Status[DisabilityCertificate]:
    """Record a resident's 残疾人证 (the number is kept encrypted, answered masked)."""
    resident = _resident(request, payload.resident_id, ENTITLEMENT_MANAGE)
    made = services.certificate_record(
        resident=resident,
        number=payload.number,
        type=payload.type,
        grade=payload.grade,
        issued_on=payload.issued_on,
        valid_until=payload.valid_until,
        by=signed_in_user(request),
    )
    return Status(201, made)


@router.post(
    "/entitlements/veteran-records",
    response={201: VeteranRecordOut},
    operation_id="veteran_record_create",
    url_name="veteran-record-create",
)
@requires(ENTITLEMENT_VERIFY)
def veteran_record_create(request: HttpRequest, payload: VeteranRecordIn) -> Status[VeteranRecord]:
    """A veterans' service-station record: a visit, hardship aid, the honour plaque."""
    resident = _resident(request, payload.resident_id, ENTITLEMENT_VERIFY)
    made = services.veteran_record_add(
        resident=resident,
        kind=payload.kind,
        on=payload.on,
        amount=payload.amount,
        note=payload.note,
        by=signed_in_user(request),
    )
    return Status(201, made)
