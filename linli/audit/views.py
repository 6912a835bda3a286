from django.http import HttpRequest
from django.views.decorators.http import require_GET

from linli.audit import readable, selectors
from linli.audit.choices import AuditAction
from linli.audit.filters import AuditFilter
from linli.audit.permissions import AUDIT_VIEW
from linli.core.access import requires
from linli.core.lists import page_of, render_list


@requires(AUDIT_VIEW)
@require_GET
def index(request: HttpRequest):
    """The audit trail in the viewer's part of the tree, newest first, filtered."""
    filters, errors = AuditFilter.from_query(request.GET)
    return render_list(
        request,
        "audit/entry_list.html",
        page=page_of(request, selectors.entries_filtered(user=request.user, filters=filters)),
        filters=filters,
        errors=errors,
        actions=AuditAction.choices,
        object_kinds=readable.object_kinds(selectors.object_types()),
    )
