"""The certificates' pages: the staff's list and certificate page (revoke, the PDF
document), a resident's own certificates (我的证照) and, public, the verification page
a QR code opens and the published keys."""

import logging

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.accounts.auth import signed_in_user
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.certificates import selectors, services
from linli.certificates.choices import Verdict
from linli.certificates.filters import CertificateFilter
from linli.certificates.forms import RevokeForm
from linli.certificates.models import Certificate
from linli.certificates.pdf import certificate_pdf, verify_path
from linli.certificates.permissions import CERTIFICATE_REVOKE, CERTIFICATE_VIEW
from linli.certificates.throttling import FailedVerifications
from linli.core.access import public, requires, signed_in
from linli.core.crypto import mask_name
from linli.core.forms import apply_errors
from linli.core.lists import page_of, query_without_page, render_list
from linli.core.network import client_ip
from linli.regions.selectors import may

logger = logging.getLogger(__name__)


def pdf_answer(request: HttpRequest, certificate: Certificate) -> HttpResponse:
    """The certificate's PDF document, its QR code pointing at this site."""
    content = certificate_pdf(
        certificate,
        verify_url=request.build_absolute_uri(verify_path(certificate)),
        keys_url=request.build_absolute_uri(reverse("certificate-public:keys")),
    )
    answer = HttpResponse(content, content_type="application/pdf")
    answer["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return answer


@requires(CERTIFICATE_VIEW)
@require_GET
def certificate_list(request: HttpRequest) -> HttpResponse:
    """Certificates issued in the user's regions: kind, state, number or name."""
    user = signed_in_user(request)
    filters, errors = CertificateFilter.from_query(request.GET)
    return render_list(
        request,
        "certificates/certificate_list.html",
        page=page_of(request, selectors.certificate_list(user=user, filters=filters)),
        filters=filters,
        errors=errors,
        kinds=selectors.kinds(),
    )


def _visible(request: HttpRequest, pk: int) -> Certificate:
    return get_object_or_404(selectors.certificates_visible(user=request.user), pk=pk)


@requires(CERTIFICATE_VIEW)
@require_http_methods(["GET", "POST"])
def certificate_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate: its fields (masked as its kind says), state, the QR code's page;
    revoking, with a reason, for those who may."""
    user = signed_in_user(request)
    certificate = _visible(request, pk)
    may_revoke = certificate.revoked_at is None and may(
        user, certificate.region, CERTIFICATE_REVOKE
    )
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_revoke:
            return redirect("certificates:certificate-detail", pk=pk)
        if form.is_valid():
            try:
                services.certificate_revoke(
                    certificate=certificate, reason=form.cleaned_data["reason"], by=user
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("The certificate is revoked."))
                return redirect("certificates:certificate-detail", pk=pk)
    return render(
        request,
        "certificates/certificate_detail.html",
        {
            "certificate": certificate,
            "fields": selectors.masked_fields(certificate),
            "state": certificate.state(),
            "verify_path": verify_path(certificate),
            "may_revoke": may_revoke,
            "form": form,
        },
    )


@requires(CERTIFICATE_VIEW)
@require_GET
def certificate_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF document, in full: its download is audited."""
    certificate = _visible(request, pk)
    audit_record(
        action=AuditAction.EXPORT,
        actor=request.user,
        obj=certificate,
        object_label=f"{certificate} {mask_name(certificate.holder_name)}",
        details={"document": "pdf"},
        request=request,
    )
    return pdf_answer(request, certificate)


@signed_in
@require_GET
def my_certificates(request: HttpRequest) -> HttpResponse:
    """我的证照: the signed-in resident's certificates, their state and documents
    (`?valid=1`: only those neither revoked nor expired)."""
    found = selectors.certificates_of(user=request.user)
    only_valid = request.GET.get("valid") == "1"
    if only_valid:
        found = found.usable()
    return render(
        request,
        "certificates/my_certificates.html",
        {
            "page": page_of(request, found),
            "query": query_without_page(request),
            "valid": only_valid,
        },
    )


@signed_in
@require_GET
def my_certificate_document(request: HttpRequest, number: str) -> HttpResponse:
    certificate = get_object_or_404(
        selectors.certificates_of(user=request.user), number=number.upper()[:16]
    )
    return pdf_answer(request, certificate)


@public
@require_GET
def verify(request: HttpRequest, number: str, signature: str) -> HttpResponse:
    """The page a certificate's QR code opens: genuine and valid, revoked (when, why),
    expired, or not genuine; only the fields its kind makes public, masked. An address
    that failed too often lately is told to wait (429), checked or not."""
    limiter = FailedVerifications()
    if limiter.exceeded(request):
        answer = render(request, "certificates/verify_limited.html", status=429)
        answer["Retry-After"] = str(limiter.duration)
        answer["Cache-Control"] = "no-store"
        return answer
    found = selectors.verify(number=number[:40], signature=signature[:120])
    if found.verdict == Verdict.FORGED:
        limiter.failed(request)
        if limiter.exceeded(request):  # this failure reached the limit: said once
            logger.warning(
                "certificates: verification failures from %s reached %s",
                client_ip(request),
                settings.LINLI_CERT_VERIFY_FAILURES,
            )
    answer = render(
        request,
        "certificates/verify.html",
        {
            "result": found,
            "verdicts": Verdict,
            "holder": mask_name(found.certificate.holder_name) if found.certificate else "",
        },
    )
    answer["X-Robots-Tag"] = "noindex"
    answer["Cache-Control"] = "no-store"
    return answer


@public
@require_GET
def public_keys(request: HttpRequest) -> HttpResponse:
    """The public keys that verify certificates, for people: key, algorithm, since when,
    which one signs now; the same as a JWK set at keys.json."""
    answer = render(request, "certificates/keys.html", {"keys": selectors.key_list()})
    answer["Cache-Control"] = "public, max-age=300"
    return answer


@public
@require_GET
def public_keys_json(request: HttpRequest) -> JsonResponse:
    """The public keys that verify certificates, as a JWK set (RFC 7517, RFC 8037)."""
    answer = JsonResponse({"keys": selectors.published_keys()})
    answer["Cache-Control"] = "public, max-age=300"
    return answer
