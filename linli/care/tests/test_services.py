"""Elder profiles' writes: health data encrypted and audited by field name only, bad
input refused with nothing half-saved, the reveal audited, consents for family only."""

import logging

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from linli.audit.models import AuditEntry
from linli.care import services
from linli.care.models import ElderProfile, EmergencyContact, FamilyConsent
from linli.registry.choices import Relation as HouseholdRelation
from linli.testing.care import elder, profiled
from linli.testing.registry import aged, move_in, phone

HEALTH = "高血压，2型糖尿病，服用二甲双胍"


def _raw(column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM care_elderprofile WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_health_data_is_encrypted_and_the_audit_names_only_the_fields(world, english):
    resident = elder(world.a1)
    profile = services.elder_update(
        resident=resident,
        living_situation="alone",
        conditions=HEALTH,
        allergies="青霉素",
        by=world.worker_a,
    )
    assert ElderProfile.objects.get(pk=profile.pk).conditions == HEALTH
    stored = _raw("conditions", profile.pk)
    assert stored.startswith("v1.") and "高血压" not in stored
    entry = AuditEntry.objects.filter(object_type="care.elderprofile").get()
    assert entry.details == {"fields": ["allergies", "conditions", "living_situation"]}
    assert "高血压" not in str(entry.details) + entry.object_label + resident.name[1:]


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"conditions": "病" * 501}, "conditions", "At most 500 characters"),
        ({"allergies": "花粉\x00"}, "allergies", "cannot be stored"),
        ({"living_situation": "nursing_home"}, "living_situation", "Choose one"),
    ],
)
def test_bad_profile_input_is_refused_and_nothing_is_saved(world, english, fields, field, message):
    resident = elder(world.a1)
    with pytest.raises(ValidationError) as caught:
        services.elder_update(
            resident=resident, by=world.worker_a, **{"conditions": HEALTH, **fields}
        )
    assert message in " ".join(caught.value.message_dict[field])
    assert not ElderProfile.objects.exists()
    assert not AuditEntry.objects.filter(object_type="care.elderprofile").exists()


def test_someone_under_60_has_no_elder_profile(world, english):
    home = elder(world.a1)
    son = move_in(home.household, name="李强", born=aged(45), relation=HouseholdRelation.CHILD)
    with pytest.raises(ValidationError) as caught:
        services.elder_update(resident=son, living_situation="alone", by=world.worker_a)
    assert "aged 60 or over" in str(caught.value)


def test_staff_of_another_community_may_not_change_a_profile(world):
    resident = elder(world.a1)
    with pytest.raises(PermissionDenied):
        services.elder_update(resident=resident, living_situation="alone", by=world.worker_b)
    assert not ElderProfile.objects.exists()


@pytest.mark.parametrize(
    ("phone_typed", "message"),
    [
        ("", "Enter the contact's phone number."),
        ("12345", "11-digit mobile number"),
        ("1380533abcd", "11-digit mobile number"),
    ],
)
def test_a_contact_needs_a_real_phone(world, english, phone_typed, message):
    resident = elder(world.a1)
    with pytest.raises(ValidationError) as caught:
        services.contact_add(
            resident=resident,
            name="李娜",
            relation="daughter",
            phone=phone_typed,
            by=world.worker_a,
        )
    assert message in " ".join(caught.value.message_dict["phone"])
    assert not EmergencyContact.objects.exists() and not ElderProfile.objects.exists()


def test_a_contact_phone_is_encrypted_masked_and_a_landline_is_accepted(world):
    resident = elder(world.a1)
    mobile = services.contact_add(
        resident=resident,
        name="李娜",
        relation="daughter",
        phone="１３９０５３３１２３４",
        by=world.worker_a,
    )
    landline = services.contact_add(
        resident=resident,
        name="赵大妈",
        relation="neighbour",
        phone="0533-6123456",
        by=world.worker_a,
    )
    assert mobile.phone == "13905331234" and mobile.masked_phone == "139****1234"
    assert landline.phone == "0533-6123456"
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM care_emergencycontact")
        assert all("1390533" not in row[0] for row in cursor.fetchall())


def test_a_reveal_needs_a_reason_and_is_audited(world, english):
    resident = profiled(elder(world.a1), conditions=HEALTH)
    with pytest.raises(ValidationError):
        services.health_reveal(
            resident=resident, field="conditions", reason="看", by=world.worker_a
        )
    assert not AuditEntry.objects.filter(action="pii_reveal").exists()
    value = services.health_reveal(
        resident=resident, field="conditions", reason="上门服务前核对", by=world.worker_a
    )
    assert value == HEALTH
    entry = AuditEntry.objects.get(action="pii_reveal")
    assert entry.details == {"field": "conditions", "reason": "上门服务前核对"}
    assert entry.actor == world.worker_a
    with pytest.raises(PermissionDenied):
        services.health_reveal(
            resident=resident, field="conditions", reason="上门服务前核对", by=world.grid_worker_a1
        )


def test_health_data_never_reaches_the_logs(world, caplog):
    caplog.set_level(logging.DEBUG)
    resident = profiled(elder(world.a1), conditions=HEALTH, allergies="青霉素过敏")
    services.health_reveal(
        resident=resident, field="allergies", reason="急救时核对过敏", by=world.worker_a
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "高血压" not in logged and "青霉素" not in logged


def test_consent_goes_to_family_only(world, english):
    resident = profiled(elder(world.a1))
    daughter = move_in(
        elder(world.a1, name="张秀兰", years=70, number="302").household,
        name="李娜",
        born=aged(45),
        sex="female",
        relation=HouseholdRelation.CHILD,
        phone=phone(11),
    )
    stranger = move_in(
        daughter.household,
        name="孙涛",
        born=aged(40),
        relation=HouseholdRelation.OTHER,
        phone=phone(12),
    )
    with pytest.raises(ValidationError) as caught:
        services.consent_give(
            resident=resident, family=daughter, relation="daughter", by=world.worker_a
        )
    assert "not the elder's family" in str(caught.value)
    services.contact_add(
        resident=resident, name="李娜", relation="daughter", phone=phone(11), by=world.worker_a
    )
    services.contact_add(
        resident=resident, name="孙涛", relation="neighbour", phone=phone(12), by=world.worker_a
    )
    with pytest.raises(ValidationError):  # a neighbour is no family, even as a contact
        services.consent_give(resident=resident, family=stranger, relation="son", by=world.worker_a)
    with pytest.raises(ValidationError) as caught:
        services.consent_give(
            resident=resident, family=daughter, relation="neighbour", by=world.worker_a
        )
    assert "family relation" in str(caught.value)
    assert not FamilyConsent.objects.exists()
    consent = services.consent_give(
        resident=resident, family=daughter, relation="daughter", by=world.worker_a
    )
    assert consent.given_by == world.worker_a and consent.given_at
    with pytest.raises(ValidationError) as caught:
        services.consent_give(
            resident=resident, family=daughter, relation="daughter", by=world.worker_a
        )
    assert "already has" in str(caught.value)
    services.consent_revoke(consent=consent, by=world.worker_a)
    consent.refresh_from_db()
    assert consent.revoked_by == world.worker_a and consent.revoked_at
    details = list(
        AuditEntry.objects.filter(object_type="care.familyconsent")
        .order_by("seq")
        .values_list("details", flat=True)
    )
    assert [d["consent"] for d in details] == ["given", "revoked"]
