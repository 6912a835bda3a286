"""The audit trail's block of the home page (linli.core.panels.HomeBlock): the reveals
and exports of the last days, counted by the audit list's own selector and filter."""

from datetime import timedelta
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from linli.audit import selectors
from linli.audit.choices import AuditAction
from linli.audit.filters import AuditFilter
from linli.core.panels import HomeBlock, Tile
from linli.core.permissions import Role

RECENT_DAYS = 7


def _tile(request: HttpRequest, label, action: AuditAction) -> Tile:
    since = timezone.localdate() - timedelta(days=RECENT_DAYS - 1)
    filters = AuditFilter(action=action, date_from=since)
    count = selectors.entries_filtered(user=request.user, filters=filters).count()
    query = urlencode({"action": action.value, "date_from": since.isoformat()})
    return Tile(label, count, f"{reverse('audit:index')}?{query}")


def _recent(request: HttpRequest) -> dict[str, Any]:
    return {
        "tiles": [
            _tile(request, _("Personal data revealed, last 7 days"), AuditAction.PII_REVEAL),
            _tile(request, _("Exports, last 7 days"), AuditAction.EXPORT),
        ]
    }


BLOCKS = (HomeBlock(frozenset({Role.AUDITOR}), _("Audit trail"), _recent, order=50),)
