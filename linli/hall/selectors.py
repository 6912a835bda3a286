"""Every read of the service hall that answers someone: the public catalogue, the
prefill of an application form from the registry, a resident's own applications
and the staff's applications (from `visible_to`)."""

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch, QuerySet

from linli.core.crypto import blind_index
from linli.hall.choices import FieldType, Prefill
from linli.hall.models import (
    Application,
    ApplicationMaterial,
    ApplicationStep,
    ApplicationTransition,
    Matter,
    MatterField,
)
from linli.hall.permissions import APPLICATION_VIEW, MATTER_MANAGE
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.models import Resident

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.core.scoping import AnyUser


def matters_published() -> QuerySet[Matter]:
    """The public catalogue: every published matter, with its region."""
    return Matter.objects.published().select_related("region")


def matter_guide(code: str) -> Matter:
    """One published matter with everything its guide page shows (404 otherwise)."""
    return matters_published().prefetch_related("materials", "fields", "steps").get(code=code)


def matters_managed(*, user: "AnyUser") -> QuerySet[Matter]:
    """The matters a user keeps: those of their regions (`matter.manage`)."""
    return Matter.objects.visible_to(user, MATTER_MANAGE).select_related("region")


def applications_visible(
    *, user: "AnyUser", action: str = APPLICATION_VIEW
) -> QuerySet[Application]:
    return Application.objects.visible_to(user, action).select_related("matter", "region", "desk")


def application_detail(*, user: "AnyUser", pk: int, action: str = APPLICATION_VIEW) -> Application:
    return _with_parts(applications_visible(user=user, action=action)).get(pk=pk)


def applications_of(*, user: "User") -> QuerySet[Application]:
    """A resident's own applications (those made with their account)."""
    return Application.objects.filter(applicant=user).select_related("matter", "region")


def my_application(*, user: "User", code: str) -> Application:
    return _with_parts(applications_of(user=user)).get(code=code)


def _with_parts(found: QuerySet[Application]) -> QuerySet[Application]:
    return found.prefetch_related(
        Prefetch("steps", queryset=ApplicationStep.objects.select_related("done_by")),
        Prefetch("materials", queryset=ApplicationMaterial.objects.select_related("material")),
        Prefetch("transitions", queryset=ApplicationTransition.objects.select_related("actor")),
        "matter__materials",
        "matter__fields",
    )


def private_answers(application: Application) -> dict[str, str]:
    return json.loads(application.private_answers) if application.private_answers else {}


# Forms before the applicant's name left them (migration 0003) held it as a field.
NAME_PREFILL = "name"


@dataclass(frozen=True)
class Answer:
    label: str
    value: str


def answers_shown(application: Application, *, masked: bool = True) -> list[Answer]:
    """The form's answers by label (the form as it was when applied for: `form`),
    personal ones masked."""
    from linli.core.crypto import mask_id_number, mask_name, mask_phone

    private = private_answers(application)
    shown: list[Answer] = []
    for item in application.form:
        key, kind = item["key"], item["type"]
        if key in application.answers:
            value = str(application.answers[key])
            if masked and item["prefill"] == NAME_PREFILL:
                value = mask_name(value)
            shown.append(Answer(item["label"], value))
        elif key in private:
            value = private[key]
            if masked:
                if kind == FieldType.ID_NUMBER:
                    value = mask_id_number(value)
                elif kind == FieldType.PHONE:
                    value = mask_phone(value)
                else:
                    value = value[:6] + "*" * max(len(value) - 6, 0)
            shown.append(Answer(item["label"], value))
    return shown


def registry_person_of(user: "User") -> Resident | None:
    """The registry's living resident with the account's mobile phone, if any."""
    if not user.phone:
        return None
    found: Resident | None = (
        Resident.objects.filter(
            status=ResidentStatus.LIVING,
            phone_index=blind_index(user.phone, Resident.PHONE_CONTEXT),
        )
        .select_related("grid__parent", "household__house__building")
        .order_by("pk")
        .first()
    )
    return found


def prefill(fields: list[MatterField], resident: Resident | None) -> dict[str, str]:
    """The form's initial values the registry gives: household, address, birth date
    (shown to the applicant themself only); the name, ID number and phone are the
    applicant block's."""
    if resident is None:
        return {}
    house = resident.household.house
    values = {
        Prefill.HOUSEHOLD: resident.household.number,
        Prefill.ADDRESS: house.address,
        Prefill.BIRTH_DATE: resident.birth_date.isoformat(),
    }
    return {f.key: values[Prefill(f.prefill)] for f in fields if f.prefill}


def community_of(resident: Resident | None) -> Region | None:
    if resident is None:
        return None
    grid = resident.grid
    return grid.parent if grid.parent is not None else None


def communities_for(matter: Matter) -> QuerySet[Region]:
    """The communities a matter is handled for: those under its region."""
    return Region.objects.filter(
        level=Level.COMMUNITY, path__startswith=matter.region.path
    ).order_by("path")
