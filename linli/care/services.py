"""Every write of elderly care: profiles, emergency contacts, the audited reveal of
health data, family consents, and the elder's own call for help from the home
kiosk. Keyword-only, `by` the acting user (None: the system, e.g. the demo)."""

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.audit.services import audit_record
from linli.care.choices import FAMILY_RELATIONS, ContactRelation, HealthField, LivingSituation
from linli.care.models import (
    HEALTH_MAX,
    MAX_CONTACTS,
    ElderProfile,
    EmergencyContact,
    FamilyConsent,
)
from linli.care.permissions import ELDER_MANAGE, ELDER_REVEAL_HEALTH
from linli.cases.choices import Source
from linli.cases.models import Case, Category
from linli.cases.services import case_report
from linli.core.crypto import blind_index, mask_name
from linli.devices.ingestion import TELEMETRY, Message, ingest
from linli.devices.models import Device
from linli.regions.selectors import ensure_may
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY, derived_label_q
from linli.registry.models import Resident

PHONE = re.compile(r"1[3-9][0-9]{9}")  # a mainland mobile number (ASCII digits only)
LANDLINE = re.compile(r"0[1-9][0-9]{1,2}-?[1-9][0-9]{6,7}")  # 0533-1234567
MIN_REASON_LENGTH = 4
CALL_BUTTON = "call-button"
HELP_CATEGORY = "elderly-help"
AnyUser = Any


def _clean(value: str | None, field: str, *, limit: int, required: bool = False) -> str:
    """Text from a form or a body: NUL refused, length checked, trimmed."""
    text = (value or "").strip()
    if "\x00" in text:
        raise ValidationError({field: _("The text holds a character that cannot be stored.")})
    if len(text) > limit:
        raise ValidationError(
            {field: _("At most %(n)s characters (this has %(m)s).") % {"n": limit, "m": len(text)}}
        )
    if required and not text:
        raise ValidationError({field: _("This field is required.")})
    return text


def phone_normalised(value: str | None) -> str:
    """A mobile or landline number as stored, or a ValidationError naming `phone`."""
    text = unicodedata.normalize("NFKC", value or "").strip().replace(" ", "")
    if not text:
        raise ValidationError({"phone": _("Enter the contact's phone number.")})
    if not (PHONE.fullmatch(text) or LANDLINE.fullmatch(text)):
        raise ValidationError(
            {
                "phone": _(
                    "Enter an 11-digit mobile number (e.g. 13812345678) "
                    "or a landline with its area code (e.g. 0533-6123456)."
                )
            }
        )
    return text


def is_elder(resident: Resident) -> bool:
    return Resident.objects.filter(derived_label_q(ELDERLY), pk=resident.pk).exists()


def _profile_for(resident: Resident) -> ElderProfile:
    """The elder's profile, made on first use, locked for the change."""
    if resident.status != ResidentStatus.LIVING or not is_elder(resident):
        raise ValidationError(
            {"resident": _("Only a living resident aged 60 or over has an elder profile.")}
        )
    profile, _made = ElderProfile.objects.select_for_update().get_or_create(resident=resident)
    return profile


def _label(resident: Resident) -> str:
    return f"{mask_name(resident.name)} #{resident.pk}"


@transaction.atomic
def elder_update(
    *,
    resident: Resident,
    by: AnyUser,
    living_situation: str | None = None,
    conditions: str | None = None,
    allergies: str | None = None,
) -> ElderProfile:
    """Change an elder's living situation, conditions or allergies (None: unchanged).
    The audit entry names the fields changed, never their values."""
    ensure_may(by, resident.grid, ELDER_MANAGE)
    changes: dict[str, str] = {}
    if living_situation is not None:
        if living_situation and living_situation not in LivingSituation.values:
            raise ValidationError({"living_situation": _("Choose one of the living situations.")})
        changes["living_situation"] = living_situation
    if conditions is not None:
        changes["conditions"] = _clean(conditions, "conditions", limit=HEALTH_MAX)
    if allergies is not None:
        changes["allergies"] = _clean(allergies, "allergies", limit=HEALTH_MAX)
    profile = _profile_for(resident)
    changed = [name for name, value in changes.items() if getattr(profile, name) != value]
    if not changed:
        return profile
    for name in changed:
        setattr(profile, name, changes[name])
    profile.updated_by = by if getattr(by, "is_authenticated", False) else None
    profile.save(update_fields=[*changed, "updated_by", "updated_at"])
    audit_record(
        action="record_update",
        actor=by,
        obj=profile,
        region=resident.grid,
        object_label=_label(resident),
        details={"fields": sorted(changed)},
    )
    return profile


@transaction.atomic
def contact_add(
    *, resident: Resident, name: str, relation: str, phone: str, by: AnyUser
) -> EmergencyContact:
    ensure_may(by, resident.grid, ELDER_MANAGE)
    errors: dict[str, list[str]] = {}
    try:
        name = _clean(name, "name", limit=30, required=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if relation not in ContactRelation.values:
        errors["relation"] = [_("Choose how the contact is related to the elder.")]
    try:
        phone = phone_normalised(phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    profile = _profile_for(resident)
    if profile.contacts.count() >= MAX_CONTACTS:
        raise ValidationError(
            {"name": _("An elder has at most %(n)s emergency contacts.") % {"n": MAX_CONTACTS}}
        )
    contact = EmergencyContact.objects.create(
        profile=profile, name=name, relation=relation, phone=phone
    )
    audit_record(
        action="record_create",
        actor=by,
        obj=contact,
        region=resident.grid,
        object_label=_label(resident),
        details={"relation": relation},
    )
    return contact


@transaction.atomic
def contact_remove(*, contact: EmergencyContact, by: AnyUser) -> None:
    """Remove a contact; refused while they hold the elder's consent. Consents they
    held and that were revoked go with them (the audit trail keeps both steps)."""
    resident = contact.profile.resident
    ensure_may(by, resident.grid, ELDER_MANAGE)
    if contact.consents.active().exists():
        raise ValidationError(
            {
                "contact": _(
                    "This contact holds the elder's consent to see alarms and visits: "
                    "revoke the consent first."
                )
            }
        )
    contact.consents.all().delete()
    audit_record(
        action="record_delete",
        actor=by,
        obj=contact,
        region=resident.grid,
        object_label=_label(resident),
        details={"relation": contact.relation},
    )
    contact.delete()


@transaction.atomic
def health_reveal(
    *,
    resident: Resident,
    field: str,
    reason: str,
    by: AnyUser,
    request: HttpRequest | None = None,
) -> str:
    """An elder's conditions or allergies in full, for a person allowed to see them,
    with a stated reason: audited (who, whom, which field, why) before it is returned."""
    if field not in HealthField.values:
        raise ValidationError({"field": _("Only the conditions or the allergies can be shown.")})
    ensure_may(by, resident.grid, ELDER_REVEAL_HEALTH)
    reason = _clean(reason, "reason", limit=200)
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            {
                "reason": _("State why you need to see it (at least %(n)s characters).")
                % {"n": MIN_REASON_LENGTH}
            }
        )
    profile = ElderProfile.objects.filter(resident=resident).first()
    audit_record(
        action="pii_reveal",
        actor=by,
        obj=resident,
        object_label=_label(resident),
        details={"field": field, "reason": reason},
        request=request,
    )
    value: str = getattr(profile, field) if profile is not None else ""
    return value or ""


def family_candidates(resident: Resident) -> list[tuple[Resident, str]]:
    """Who may be given the elder's consent: the other members of the elder's
    household, and residents whose mobile number is that of one of the elder's
    emergency contacts of a family relation — each with their relation."""
    found: dict[int, tuple[Resident, str]] = {}
    members = Resident.objects.filter(
        household_id=resident.household_id, status=ResidentStatus.LIVING
    ).exclude(pk=resident.pk)
    for member in members:
        found[member.pk] = (member, "")
    profile = ElderProfile.objects.filter(resident=resident).first()
    if profile is not None:
        relations = {
            blind_index(contact.phone, Resident.PHONE_CONTEXT): contact.relation
            for contact in profile.contacts.filter(relation__in=FAMILY_RELATIONS)
            if contact.phone and PHONE.fullmatch(contact.phone)
        }
        people = Resident.objects.filter(
            phone_index__in=list(relations), status=ResidentStatus.LIVING
        ).exclude(pk=resident.pk)
        for person in people:
            found[person.pk] = (person, relations.get(person.phone_index or "", ""))
    return list(found.values())


def contact_candidates(resident: Resident) -> list[EmergencyContact]:
    """The elder's emergency contacts of a family relation whom the registry does not
    know (no living resident has their mobile number): family outside the district,
    who may be given the consent as a contact (ADR 0027). The others are offered as
    the registry's person (`family_candidates`)."""
    profile = ElderProfile.objects.filter(resident=resident).first()
    if profile is None:
        return []
    mobile = {
        contact: blind_index(contact.phone, Resident.PHONE_CONTEXT)
        for contact in profile.contacts.filter(relation__in=FAMILY_RELATIONS)
        if contact.phone and PHONE.fullmatch(contact.phone)
    }
    known = set(
        Resident.objects.filter(
            phone_index__in=list(mobile.values()), status=ResidentStatus.LIVING
        ).values_list("phone_index", flat=True)
    )
    return [contact for contact, index in mobile.items() if index not in known]


@transaction.atomic
def consent_give(
    *,
    resident: Resident,
    relation: str,
    by: AnyUser,
    family: Resident | None = None,
    contact: EmergencyContact | None = None,
) -> FamilyConsent:
    """Record the elder's consent that a family member sees their alarms and visits:
    `family`, a registry person, or `contact`, one of the elder's emergency contacts
    the registry does not know."""
    ensure_may(by, resident.grid, ELDER_MANAGE)
    if relation not in FAMILY_RELATIONS:
        raise ValidationError(
            {"relation": _("Consent is given to family only: choose a family relation.")}
        )
    if (family is None) == (contact is None):
        raise ValidationError({"family": _("Choose a family member.")})
    if family is not None and family.pk not in {p.pk for p, _r in family_candidates(resident)}:
        raise ValidationError(
            {
                "family": _(
                    "This person is not the elder's family: they must live in the elder's "
                    "household, or be an emergency contact of a family relation whose "
                    "mobile number is theirs in the registry."
                )
            }
        )
    if contact is not None and contact.pk not in {c.pk for c in contact_candidates(resident)}:
        raise ValidationError(
            {
                "family": _(
                    "This contact cannot be given the consent: they must be one of the "
                    "elder's emergency contacts, of a family relation, with a mobile number."
                )
            }
        )
    profile = _profile_for(resident)
    if profile.consents.active().filter(family=family, contact=contact).exists():
        raise ValidationError({"family": _("This family member already has the elder's consent.")})
    consent = FamilyConsent.objects.create(
        profile=profile,
        family=family,
        contact=contact,
        relation=relation,
        given_at=timezone.now(),
        given_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit_record(
        action="record_create",
        actor=by,
        obj=consent,
        region=resident.grid,
        object_label=_label(resident),
        details={
            "consent": "given",
            "family_id": consent.family_id,
            "contact_id": consent.contact_id,
            "relation": relation,
        },
    )
    return consent


@transaction.atomic
def consent_revoke(*, consent: FamilyConsent, by: AnyUser) -> FamilyConsent:
    consent = FamilyConsent.objects.select_for_update().get(pk=consent.pk)
    resident = consent.profile.resident
    ensure_may(by, resident.grid, ELDER_MANAGE)
    if consent.revoked_at is not None:
        raise ValidationError({"consent": _("This consent was already revoked.")})
    consent.revoked_at = timezone.now()
    consent.revoked_by = by if getattr(by, "is_authenticated", False) else None
    consent.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        action="record_update",
        actor=by,
        obj=consent,
        region=resident.grid,
        object_label=_label(resident),
        details={
            "consent": "revoked",
            "family_id": consent.family_id,
            "contact_id": consent.contact_id,
        },
    )
    return consent


@dataclass(frozen=True)
class HelpCalled:
    """What the kiosk's call button did: pressed the home's call button (`device`),
    or opened a case (`case`)."""

    device: Device | None = None
    case: Case | None = None


def call_button_at_home(resident: Resident) -> Device | None:
    return (
        Device.objects.filter(
            house_id=resident.household.house_id,
            profile__code=CALL_BUTTON,
            retired_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def help_call(*, resident: Resident, by: AnyUser) -> HelpCalled:
    """The elder's own call for service from the home kiosk: the same service request
    as the green key of the call button at home (a `service` value through the
    devices' ingestion: the rule raises 老人服务请求, which opens an 老人帮扶 case), or,
    with no call button at home, a case of 老人帮扶 reported for them."""
    device = call_button_at_home(resident)
    if device is not None:
        counts = ingest(
            [
                Message(
                    device.key,
                    TELEMETRY,
                    json.dumps({"service": True}).encode(),
                    timezone.now(),
                    limit=False,
                )
            ]
        )
        if counts["messages"]:
            return HelpCalled(device=device)
    category = Category.objects.get(code=HELP_CATEGORY)
    house = resident.household.house
    case = case_report(
        category=category,
        description=_("An elder asked for help from the home kiosk."),
        source=Source.RESIDENT,
        by=by,
        region=resident.grid,
        address=house.address[:200],
        reporter_name=resident.name,
        reporter_phone=resident.phone,
    )
    return HelpCalled(case=case)
