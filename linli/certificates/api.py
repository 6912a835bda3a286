"""The certificates API: kinds, the certificates in the caller's regions (404 outside),
issue and revoke, and a resident's own with their PDF documents."""

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Status
from ninja.pagination import paginate

from linli.certificates import selectors, services
from linli.certificates.filters import CertificateFilter
from linli.certificates.models import Certificate, CertificateKind
from linli.certificates.permissions import CERTIFICATE_ISSUE, CERTIFICATE_REVOKE, CERTIFICATE_VIEW
from linli.certificates.schemas import CertificateIn, CertificateKindOut, CertificateOut, RevokeIn
from linli.certificates.views import pdf_answer
from linli.core.access import requires, signed_in
from linli.core.routers import Router
from linli.registry.models import Resident

router = Router(tags=["certificates"])

PDF_OPENAPI = {
    "responses": {
        200: {
            "description": "The certificate's PDF document.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@router.get(
    "/certificate-kinds",
    response=list[CertificateKindOut],
    operation_id="certificate_kind_list",
    url_name="certificate-kind-list",
)
@signed_in
def certificate_kind_list(request: HttpRequest) -> QuerySet[CertificateKind]:
    """The kinds of certificate issued, their fields and which the public page shows."""
    return selectors.kinds()


@router.get(
    "/certificates",
    response=list[CertificateOut],
    operation_id="certificate_list",
    url_name="certificate-list",
)
@requires(CERTIFICATE_VIEW)
@paginate
def certificate_list(
    request: HttpRequest, filters: Query[CertificateFilter]
) -> QuerySet[Certificate]:
    """Certificates issued in the caller's regions, newest first."""
    return selectors.certificate_list(user=request.user, filters=filters)


@router.post(
    "/certificates",
    response={201: CertificateOut},
    operation_id="certificate_issue",
    url_name="certificate-issue",
)
@requires(CERTIFICATE_ISSUE)
def certificate_issue(request: HttpRequest, payload: CertificateIn) -> Status[Certificate]:
    """Issue a certificate to a resident of the caller's regions, signed."""
    holder = get_object_or_404(
        Resident.objects.visible_to(request.user, CERTIFICATE_ISSUE), pk=payload.holder
    )
    certificate = services.certificate_issue(
        kind=payload.kind,
        holder=holder,
        fields=payload.fields,
        reference=payload.reference,
        valid_until=payload.valid_until,
        by=request.user,
    )
    return Status(201, certificate)


@router.get(
    "/certificates/mine",
    response=list[CertificateOut],
    operation_id="certificate_mine",
    url_name="certificate-mine",
)
@signed_in
@paginate
def certificate_mine(request: HttpRequest) -> QuerySet[Certificate]:
    """The signed-in resident's certificates."""
    return selectors.certificates_of(user=request.user)


@router.get(
    "/certificates/mine/{number}/pdf",
    response={200: None},
    operation_id="certificate_mine_pdf",
    url_name="certificate-mine-pdf",
    openapi_extra=PDF_OPENAPI,
)
@signed_in
def certificate_mine_pdf(request: HttpRequest, number: str) -> HttpResponse:
    """One of the resident's certificates as its PDF document."""
    certificate = get_object_or_404(
        selectors.certificates_of(user=request.user), number=number[:16]
    )
    return pdf_answer(request, certificate)


@router.get(
    "/certificates/{certificate_id}",
    response=CertificateOut,
    operation_id="certificate_get",
    url_name="certificate-get",
)
@requires(CERTIFICATE_VIEW)
def certificate_get(request: HttpRequest, certificate_id: int) -> Certificate:
    return get_object_or_404(selectors.certificates_visible(user=request.user), pk=certificate_id)


@router.post(
    "/certificates/{certificate_id}/revoke",
    response=CertificateOut,
    operation_id="certificate_revoke",
    url_name="certificate-revoke",
)
@requires(CERTIFICATE_REVOKE)
def certificate_revoke(request: HttpRequest, certificate_id: int, payload: RevokeIn) -> Certificate:
    """Revoke a certificate with a reason (audited; its QR code then reads 'revoked')."""
    certificate = get_object_or_404(
        selectors.certificates_visible(user=request.user, action=CERTIFICATE_REVOKE),
        pk=certificate_id,
    )
    return services.certificate_revoke(
        certificate=certificate, reason=payload.reason, by=request.user
    )
