from django.http import HttpRequest
from ninja import Query
from ninja.pagination import paginate

from linli.audit import selectors
from linli.audit.filters import AuditFilter
from linli.audit.permissions import AUDIT_VIEW
from linli.audit.schemas import AuditEntryOut
from linli.core.access import requires
from linli.core.routers import Router

router = Router(tags=["audit"])


@router.get(
    "/audit", response=list[AuditEntryOut], operation_id="audit_list", url_name="audit-list"
)
@requires(AUDIT_VIEW)
@paginate
def audit_list(request: HttpRequest, filters: Query[AuditFilter]):
    """Audit entries in the caller's part of the tree, newest first."""
    return selectors.entries_filtered(user=request.user, filters=filters)
