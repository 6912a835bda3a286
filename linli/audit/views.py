from django.core.paginator import Paginator
from django.http import HttpRequest
from django.views.decorators.http import require_GET

from linli.audit import selectors
from linli.audit.forms import AuditFilterForm
from linli.audit.permissions import AUDIT_VIEW
from linli.core.access import requires
from linli.core.htmx import render_page

PAGE_SIZE = 50


@requires(AUDIT_VIEW)
@require_GET
def index(request: HttpRequest):
    """The audit trail in the viewer's part of the tree, newest first, filtered."""
    form = AuditFilterForm(request.GET or None)
    if form.is_bound:
        form.is_valid()
    entries = selectors.entries_filtered(user=request.user, filters=form.to_filter())
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page(request, "audit/entry_list.html", {"form": form, "page": page})
