from django.utils.translation import gettext_lazy as _

from linli.core.permissions import Role, vocabulary

SCREEN_VIEW = "screen.view"
SCREEN_MANAGE = "screen.manage"
CHANNEL_MANAGE = "channel.manage"

_ALL = {SCREEN_VIEW, SCREEN_MANAGE, CHANNEL_MANAGE}

vocabulary.register(
    {
        SCREEN_VIEW: _("View display screens, TV channels and what they show"),
        SCREEN_MANAGE: _(
            "Register screens and TV boxes, issue their tokens, edit playlists and forecasts"
        ),
        CHANNEL_MANAGE: _("Configure the TV channels and their schedules"),
    },
    {
        Role.PLATFORM_ADMIN: _ALL,
        Role.DISTRICT_ADMIN: _ALL,
        Role.SUBDISTRICT_ADMIN: {SCREEN_VIEW, SCREEN_MANAGE},
        Role.COMMUNITY_WORKER: {SCREEN_VIEW, SCREEN_MANAGE},
        Role.GRID_WORKER: {SCREEN_VIEW},
        Role.AUDITOR: {SCREEN_VIEW},
    },
)
