"""Community B for the leak test: B's residents with a disability certificate, grants
(one open, one warned of a lapse), a re-verification campaign, a veteran's records,
an amount rule of B's own; and a valid request for every route of the
entitlements that changes something."""

from decimal import Decimal

from django.utils import timezone

from linli.entitlements import services
from linli.entitlements.choices import AmountUnit, EndReason, VeteranRecordKind
from linli.entitlements.models import Grant
from linli.testing.entitlements import certificate, day, kinds, person, rules
from linli.testing.leaks import Leaks, Send

API = "/api/v1"


def community_b(world, made) -> Leaks:
    found = kinds()
    rules(world.district)
    own_rule = services.rule_create(
        kind=found["veteran-care"],
        region=world.b,
        amount=Decimal("650"),
        unit=AmountUnit.PER_MONTH,
        by=None,
    )
    disabled = person(world.b1, name="钱泄漏", age=45, labels=["disabled", "dibao"], number="801")
    cert = certificate(disabled, grade=1)
    old = person(world.b1, name="孙泄漏", age=86, number="802")
    veteran = person(world.b1, name="周泄漏", age=70, labels=["veteran", "youfu"], number="803")
    poor = person(world.b1, name="吴泄漏", age=60, labels=["tekun"], number="804")
    allowance = services.grant_create(resident=old, kind=found["elderly-allowance"], by=None)
    living = services.grant_create(resident=disabled, kind=found["disability-living"], by=None)
    care = services.grant_create(resident=veteran, kind=found["veteran-care"], by=None)
    Grant.objects.filter(pk=living.pk).update(
        lapse_warned_on=timezone.localdate(), lapse_reason=EndReason.LABEL_LAPSED
    )
    campaign = services.campaign_start(region=world.b, year=2026, due_on=day(30), by=None)
    verification = campaign.verifications.get(grant=care)
    record = services.veteran_record_add(
        resident=veteran,
        kind=VeteranRecordKind.AID,
        on=day(-3),
        amount=Decimal("800"),
        note="泄漏住院救助",
        by=None,
    )
    kind = found["cable-tv-relief"]
    sends = {
        ("post", "entitlements:grant-create"): Send(
            f"/entitlements/residents/{poor.pk}/grant/", {"kind": kind.pk, "reason": "凭证办理"}
        ),
        ("post", "entitlements:grant-end"): Send(
            f"/entitlements/grants/{allowance.pk}/end/",
            {"reason": "caseworker", "note": "本人放弃"},
        ),
        ("post", "entitlements:grant-keep"): Send(
            f"/entitlements/grants/{living.pk}/keep/", {"note": "标签误删"}
        ),
        ("post", "entitlements:certificate-create"): Send(
            f"/entitlements/residents/{old.pk}/certificate/",
            {
                "number": f"{old.id_number}41",
                "type": "physical",
                "grade": "2",
                "issued_on": day(-10).isoformat(),
                "valid_until": day(1000).isoformat(),
            },
        ),
        ("post", "entitlements:kind-edit"): Send(
            f"/entitlements/kinds/{kind.pk}/",
            {
                "name": kind.name,
                "category": kind.category,
                "legal_basis": kind.legal_basis + "。",
                "labels_any": [label.pk for label in kind.labels_any.all()],
                "active": "on",
            },
            by="district_admin",
        ),
        ("post", "entitlements:rule-create"): Send(
            f"/entitlements/kinds/{kind.pk}/rules/",
            {"region": world.b.pk, "amount": "100", "unit": "percent"},
            by="district_admin",
        ),
        ("post", "entitlements:rule-delete"): Send(
            f"/entitlements/rules/{own_rule.pk}/delete/", by="district_admin"
        ),
        ("post", "entitlements:veteran-detail"): Send(
            f"/entitlements/veterans/{veteran.pk}/",
            {"kind": "visit_spring", "on": day(0).isoformat()},
        ),
        ("post", "entitlements:campaign-list"): Send(
            "/entitlements/campaigns/",
            {"region": world.b.pk, "year": "2027", "due_on": day(60).isoformat()},
        ),
        ("post", "entitlements:verification-record"): Send(
            f"/entitlements/campaigns/{campaign.pk}/verifications/{verification.pk}/",
            {"result": "confirmed"},
        ),
        ("post", "api:entitlement-grant-create"): Send(
            f"{API}/entitlements/grants",
            {"resident_id": poor.pk, "kind": kind.code, "reason": "凭证办理"},
            expect=201,
        ),
        ("post", "api:entitlement-grant-end"): Send(
            f"{API}/entitlements/grants/{allowance.pk}/end",
            {"reason": "caseworker", "note": "本人放弃"},
            expect=200,
        ),
        ("post", "api:disability-certificate-create"): Send(
            f"{API}/entitlements/certificates",
            {
                "resident_id": old.pk,
                "number": f"{old.id_number}41",
                "type": "physical",
                "grade": 2,
                "issued_on": day(-10).isoformat(),
                "valid_until": day(1000).isoformat(),
            },
            expect=201,
        ),
        ("post", "api:veteran-record-create"): Send(
            f"{API}/entitlements/veteran-records",
            {"resident_id": veteran.pk, "kind": "visit_81", "on": day(0).isoformat()},
            expect=201,
        ),
    }
    return Leaks(
        objects={
            "grant": [allowance, living, care],
            "disabilitycertificate": [cert],
            "campaign": [campaign],
            "verification": [verification],
            "veteranrecord": [record],
        },
        markers=["钱泄漏", "孙泄漏", "周泄漏", "吴泄漏", "泄漏住院救助"],
        sends=sends,
        urls={
            "entitlements:campaign-task": [
                f"/entitlements/campaigns/task/{campaign.pk}-{veteran.household_id}/"
            ]
        },
    )
