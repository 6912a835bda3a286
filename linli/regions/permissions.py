from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

REGION_VIEW = "region.view"
GRID_MANAGE = "grid.manage"

vocabulary.register(
    {
        REGION_VIEW: _("View the region tree"),
        GRID_MANAGE: _("Create, rename, redraw and retire grids"),
    },
    {
        **{role: {REGION_VIEW} for role in Role},  # everyone's home page links their regions
        Role.PLATFORM_ADMIN: {REGION_VIEW, GRID_MANAGE},
        Role.DISTRICT_ADMIN: {REGION_VIEW, GRID_MANAGE},
        Role.SUBDISTRICT_ADMIN: {REGION_VIEW, GRID_MANAGE},
        Role.COMMUNITY_WORKER: {REGION_VIEW, GRID_MANAGE},
    },
)
