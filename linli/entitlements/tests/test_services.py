"""The engine through the services: who qualifies (labels, age, certificate), the
amount by region and age band, grants refused with every reason and nothing saved,
ends, lapses warned then ended, re-verification and veterans' records."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.audit.models import AuditEntry
from linli.core.permissions import Role
from linli.entitlements import engine, services
from linli.entitlements.choices import AmountUnit, EndReason, VerificationResult, VeteranRecordKind
from linli.entitlements.models import AmountRule, Grant, VeteranRecord
from linli.gridwork.models import GridTask
from linli.notifications.models import Notification
from linli.registry.services import resident_move_out, resident_set_labels
from linli.testing.assessment import assessed
from linli.testing.entitlements import certificate, day, person


def test_the_elderly_allowance_follows_the_age_band_and_a_region_overrides_its_parent(world, kinds):
    old = person(world.a1, age=85)
    older = person(world.a1, age=93, number="102")
    grant = services.grant_create(
        resident=old, kind=kinds["elderly-allowance"], reason="主动发现", by=world.worker_a
    )
    assert (grant.amount, grant.unit, grant.grid) == (
        Decimal("100"),
        AmountUnit.PER_MONTH,
        world.a1,
    )
    assert engine.amount_for(kinds["elderly-allowance"], older).amount == Decimal("200")
    # the subdistrict sets its own figures: they replace the district's there
    services.rule_create(
        kind=kinds["elderly-allowance"],
        region=world.subdistrict,
        min_age=80,
        max_age=None,
        amount=Decimal("150"),
        unit=AmountUnit.PER_MONTH,
        by=world.district_admin,
    )
    assert engine.amount_for(kinds["elderly-allowance"], older).amount == Decimal("150")
    assert AuditEntry.objects.filter(object_type="entitlements.amountrule").count() == 1


def test_a_grant_for_someone_without_the_condition_is_refused_with_every_reason(world, kinds):
    young = person(world.a1, age=70)
    with pytest.raises(ValidationError) as refused:
        services.grant_create(
            resident=young, kind=kinds["elderly-allowance"], reason="申请", by=world.worker_a
        )
    assert refused.value.message_dict["resident"] == ["王秀英未满80周岁。"]
    disabled = person(world.a1, name="李强", labels=["disabled"], number="102")
    with pytest.raises(ValidationError) as refused:
        services.grant_create(
            resident=disabled, kind=kinds["disability-living"], reason="申请", by=world.worker_a
        )
    assert refused.value.message_dict["resident"] == [
        "李强不具有低保、特困中的任何标签。",
        "李强没有有效的残疾人证。",
    ]
    certificate(disabled, grade=3)
    with pytest.raises(ValidationError) as refused:
        services.grant_create(
            resident=disabled, kind=kinds["disability-care"], reason="申请", by=world.worker_a
        )
    assert refused.value.message_dict["resident"] == ["李强没有有效的残疾人证(残疾等级2级或更重)。"]
    assert not Grant.objects.exists()
    assert not AuditEntry.objects.filter(object_type="entitlements.grant").exists()


def test_the_two_disability_subsidies_and_a_second_grant_of_a_kind(world, kinds):
    disabled = person(world.a1, name="李强", labels=["disabled", "dibao"])
    certificate(disabled, grade=1)
    living = services.grant_create(
        resident=disabled, kind=kinds["disability-living"], reason="申请", by=world.worker_a
    )
    care = services.grant_create(
        resident=disabled, kind=kinds["disability-care"], reason="申请", by=world.worker_a
    )
    assert (living.amount, care.amount) == (Decimal("120"), Decimal("100"))
    with pytest.raises(ValidationError) as twice:
        services.grant_create(
            resident=disabled, kind=kinds["disability-care"], reason="再次", by=world.worker_a
        )
    assert twice.value.message_dict["kind"] == ["李强已享受重度残疾人护理补贴。"]


def test_a_caseworker_states_a_reason_and_acts_only_in_their_region(world, kinds):
    old = person(world.a1, age=85)
    with pytest.raises(ValidationError) as no_reason:
        services.grant_create(resident=old, kind=kinds["elderly-allowance"], by=world.worker_a)
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(PermissionDenied):
        services.grant_create(
            resident=old, kind=kinds["elderly-allowance"], reason="x", by=world.worker_b
        )
    assert not Grant.objects.exists()


def test_no_amount_rule_for_the_region_is_a_clear_refusal(world):
    from linli.testing.entitlements import kinds as seed

    found = seed()
    old = person(world.a1, age=85)
    with pytest.raises(ValidationError) as refused:
        services.grant_create(
            resident=old, kind=found["elderly-allowance"], reason="x", by=world.worker_a
        )
    assert "高龄津贴" in refused.value.message_dict["kind"][0]


def test_overlapping_bands_and_a_relief_over_100_percent_are_refused(world, kinds):
    with pytest.raises(ValidationError) as overlap:
        services.rule_create(
            kind=kinds["elderly-allowance"],
            region=world.district,
            min_age=95,
            max_age=None,
            amount=Decimal("1"),
            unit=AmountUnit.PER_MONTH,
            by=world.district_admin,
        )
    assert "min_age" in overlap.value.message_dict
    with pytest.raises(ValidationError):
        services.rule_create(
            kind=kinds["cable-tv-relief"],
            region=world.a,
            amount=Decimal("120"),
            unit=AmountUnit.PERCENT_OFF,
            by=world.district_admin,
        )
    with pytest.raises(PermissionDenied):
        services.rule_create(
            kind=kinds["cable-tv-relief"],
            region=world.a,
            amount=Decimal("100"),
            unit=AmountUnit.PERCENT_OFF,
            by=world.worker_a,
        )
    assert AmountRule.objects.filter(region=world.a).count() == 0


def test_a_lapsed_label_warns_the_caseworker_then_ends_the_grant(world, kinds):
    poor = person(world.a1, labels=["tekun"])
    grant = services.grant_create(
        resident=poor, kind=kinds["cable-tv-relief"], reason="凭证", by=world.worker_a
    )
    assert (grant.amount, grant.unit) == (Decimal("50"), AmountUnit.PERCENT_OFF)
    assert services.grants_check_lapses() == {"warned": 0, "ended": 0, "cleared": 0}
    resident_set_labels(resident=poor, codes=[], by=None)
    assert services.grants_check_lapses()["warned"] == 1
    grant.refresh_from_db()
    assert grant.lapse_warned_on == timezone.localdate() and grant.ends_on is None
    told = Notification.objects.get(user=world.worker_a, kind="entitlements")
    assert "有线电视收视费减免" in told.title and str(grant.pk) in told.url
    assert services.grants_check_lapses(day(3)) == {"warned": 0, "ended": 0, "cleared": 0}
    assert services.grants_check_lapses(day(15))["ended"] == 1
    grant.refresh_from_db()
    assert (grant.ends_on, grant.end_reason) == (day(15), EndReason.LABEL_LAPSED)


def test_the_caseworker_keeps_a_warned_grant_and_a_label_back_clears_the_warning(world, kinds):
    poor = person(world.a1, labels=["wubao"])
    grant = services.grant_create(
        resident=poor, kind=kinds["cable-tv-relief"], reason="凭证", by=world.worker_a
    )
    resident_set_labels(resident=poor, codes=[], by=None)
    services.grants_check_lapses()
    with pytest.raises(ValidationError):
        services.grant_keep(grant=grant, note=" ", by=world.worker_a)
    services.grant_keep(grant=grant, note="标签误删,已请网格员更正", by=world.worker_a)
    grant.refresh_from_db()
    assert grant.lapse_warned_on is None
    services.grants_check_lapses()
    resident_set_labels(resident=poor, codes=["wubao"], by=None)
    assert services.grants_check_lapses()["cleared"] == 1


def test_an_expired_certificate_and_a_move_out_lapse_with_their_reasons(world, kinds):
    disabled = person(world.a1, name="李强", labels=["disabled"])
    certificate(disabled, grade=2, valid_for=5)
    care = services.grant_create(
        resident=disabled, kind=kinds["disability-care"], reason="申请", by=world.worker_a
    )
    services.grants_check_lapses(day(6))
    care.refresh_from_db()
    assert care.lapse_reason == EndReason.CERTIFICATE
    old = person(world.a1, age=88, number="102")
    allowance = services.grant_create(
        resident=old, kind=kinds["elderly-allowance"], reason="x", by=world.worker_a
    )
    resident_move_out(resident=old, on=timezone.localdate(), by=None)
    services.grants_check_lapses()
    services.grants_check_lapses(day(20))
    allowance.refresh_from_db()
    assert allowance.end_reason == EndReason.MOVED_OUT


def test_a_caseworker_ends_a_grant_with_a_note(world, kinds):
    old = person(world.a1, age=88)
    grant = services.grant_create(
        resident=old, kind=kinds["elderly-allowance"], reason="x", by=world.worker_a
    )
    with pytest.raises(ValidationError) as no_note:
        services.grant_end(grant=grant, reason=EndReason.CASEWORKER, by=world.worker_a)
    assert "note" in no_note.value.message_dict
    services.grant_end(grant=grant, reason=EndReason.CASEWORKER, note="本人放弃", by=world.worker_a)
    with pytest.raises(ValidationError):
        services.grant_end(
            grant=grant, reason=EndReason.CASEWORKER, note="again", by=world.worker_a
        )
    # a new grant of the kind may follow an ended one
    services.grant_create(
        resident=old, kind=kinds["elderly-allowance"], reason="恢复", by=world.worker_a
    )


def test_a_campaign_asks_every_open_grant_once_and_an_ended_result_ends_it(world, kinds):
    a = services.grant_create(
        resident=person(world.a1, age=85),
        kind=kinds["elderly-allowance"],
        reason="x",
        by=world.worker_a,
    )
    b = services.grant_create(
        resident=person(world.b1, age=85, number="201"),
        kind=kinds["elderly-allowance"],
        reason="x",
        by=world.worker_b,
    )
    campaign = services.campaign_start(region=world.a, year=2026, due_on=day(30), by=world.worker_a)
    assert [v.grant for v in campaign.verifications.all()] == [a]
    with pytest.raises(ValidationError):
        services.campaign_start(region=world.a, year=2026, due_on=day(30), by=world.worker_a)
    verification = campaign.verifications.get()
    task = GridTask.objects.get(kind="entitlements.reverify")
    household = a.resident.household
    assert (task.grid, task.household, task.ref, task.state) == (
        world.a1,
        household,
        f"{campaign.pk}-{household.pk}",
        "open",
    )
    with pytest.raises(ValidationError):
        services.verification_record(
            verification=verification, result=VerificationResult.ENDED, by=world.grid_worker_a1
        )
    services.verification_record(
        verification=verification,
        result=VerificationResult.ENDED,
        note="已去世未报",
        by=world.grid_worker_a1,
    )
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.end_reason == EndReason.VERIFICATION and b.ends_on is None
    task.refresh_from_db()
    assert task.state == "done"  # the household's last grant checked


def test_veterans_records_need_the_label_aid_needs_amount_and_reason_one_plaque(world, kinds):
    veteran = person(world.a1, name="赵卫国", age=72, labels=["veteran"])
    services.veteran_record_add(
        resident=veteran, kind=VeteranRecordKind.VISIT_AUGUST_FIRST, on=day(-1), by=world.worker_a
    )
    with pytest.raises(ValidationError) as aid:
        services.veteran_record_add(
            resident=veteran, kind=VeteranRecordKind.AID, on=day(0), by=world.worker_a
        )
    assert "amount" in aid.value.message_dict
    services.veteran_record_add(
        resident=veteran,
        kind=VeteranRecordKind.AID,
        on=day(0),
        amount=Decimal("500"),
        note="住院",
        by=world.worker_a,
    )
    services.veteran_record_add(
        resident=veteran, kind=VeteranRecordKind.PLAQUE, on=day(-100), by=world.worker_a
    )
    with pytest.raises(ValidationError):
        services.veteran_record_add(
            resident=veteran, kind=VeteranRecordKind.PLAQUE, on=day(0), by=world.worker_a
        )
    with pytest.raises(ValidationError) as not_veteran:
        services.veteran_record_add(
            resident=person(world.a1, number="103"),
            kind=VeteranRecordKind.VISIT_SPRING,
            on=day(0),
            by=world.worker_a,
        )
    assert "resident" in not_veteran.value.message_dict
    assert VeteranRecord.objects.count() == 3


def test_the_certificate_number_is_checked_and_kept_encrypted(world, kinds):
    disabled = person(world.a1, labels=["disabled"])
    with pytest.raises(ValidationError):
        services.certificate_record(
            resident=disabled,
            number="123",
            type="physical",
            grade=1,
            issued_on=day(-1),
            valid_until=day(300),
            by=world.worker_a,
        )
    made = certificate(disabled)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT number FROM entitlements_disabilitycertificate WHERE id = %s", [made.pk]
        )
        stored = cursor.fetchone()[0]
    assert disabled.id_number not in stored
    assert made.masked_number.endswith(made.number[-4:]) and "*" in made.masked_number
    assert timedelta(days=1)


def test_a_care_level_condition_follows_the_latest_confirmed_assessment(world, kinds):
    """经济困难失能老年人护理补贴: 60+, 低保 or 特困, and moderately disabled or worse
    by the latest confirmed assessment; a re-assessment at a milder level lapses it."""
    second = world.person("worker.a2", Role.COMMUNITY_WORKER, world.a.code, full_name="李强")
    elder = person(world.a1, age=75, labels=["dibao"])
    kind = kinds["elderly-care-subsidy"]
    assert engine.refusals(kind, elder) == [
        "王秀英最近一次确认的能力评估等级不属于中度失能、重度失能、完全失能。"
    ]
    assessed(elder, 40, by=world.worker_a, second=second, days_ago=30)  # 重度

    grant = services.grant_create(resident=elder, kind=kind, reason="入户评估", by=world.worker_a)
    assert (grant.amount, grant.unit) == (Decimal("150"), AmountUnit.PER_MONTH)
    assert services.grants_check_lapses() == {"warned": 0, "ended": 0, "cleared": 0}
    assessed(elder, 70, by=world.worker_a, second=second)  # 轻度, today
    assert services.grants_check_lapses()["warned"] == 1
    services.grants_check_lapses(day(15))
    grant.refresh_from_db()
    assert (grant.ends_on, grant.end_reason) == (day(15), EndReason.CARE_LEVEL)
