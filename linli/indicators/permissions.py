from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

INDICATOR_VIEW = "indicator.view"

vocabulary.register(
    {INDICATOR_VIEW: _("View indicators (KPIs) of one's regions, rank and export them")},
    {role: {INDICATOR_VIEW} for role in Role if role != Role.RESIDENT},
)
