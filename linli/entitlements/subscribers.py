"""What the entitlements do after others' events: an approved service-hall
application for a matter that grants (高龄津贴申请, 残疾人两项补贴) becomes the grants
it asked for; one the engine refuses is told to the person who decided, with why."""

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.entitlements import services
from linli.entitlements.models import Grant, GrantKind
from linli.hall.events import ApplicationDecided
from linli.hall.models import Application
from linli.notifications.services import notify

# The 残疾人两项补贴 form's answer `subsidy` names the kinds applied for.
BOTH = "两项均申请"


def _kinds_asked(application: Application, kinds: list[GrantKind]) -> list[GrantKind]:
    asked = str(application.answers.get("subsidy", "")).strip()
    if not asked or asked == BOTH or len(kinds) == 1:
        return kinds
    return [kind for kind in kinds if kind.name == asked] or kinds


def grant_from_application(event: ApplicationDecided) -> None:
    """Idempotent: a grant already made from the application is not made again."""
    if not event.approved or event.resident_id is None:
        return
    kinds = list(GrantKind.objects.filter(matter=event.matter, active=True))
    if not kinds:
        return
    application = Application.objects.select_related("resident__grid").get(pk=event.application_id)
    resident = application.resident
    if resident is None:
        return
    refused: list[str] = []
    for kind in _kinds_asked(application, kinds):
        if Grant.objects.filter(
            kind=kind, resident=resident, application=application.code
        ).exists():
            continue
        try:
            services.grant_create(
                resident=resident, kind=kind, application=application.code, by=None
            )
        except ValidationError as exc:
            refused += [f"{kind.name}:{m}" for m in exc.messages]
    decider = User.objects.filter(pk=event.actor_id).first() if event.actor_id else None
    if refused and decider is not None:
        notify(
            users=[decider],
            kind=services.NOTIFICATION_KIND,
            title=_("Approved, but not granted: %(code)s") % {"code": application.code},
            body="\n".join(refused),
            url=reverse("hall:application-detail", args=[application.pk]),
        )
