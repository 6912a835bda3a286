from django.utils.translation import gettext_lazy as _

from linli.core.permissions import STAFF_ROLES, vocabulary

INDICATOR_VIEW = "indicator.view"

vocabulary.register(
    {INDICATOR_VIEW: _("View indicators (KPIs) of one's regions, rank and export them")},
    {role: {INDICATOR_VIEW} for role in STAFF_ROLES},
)
