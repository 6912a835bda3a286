"""The entitlements' pages and API: what a caseworker sees and does, what bad input
gets (a clear message, nothing saved), and what people outside the region get (404)."""

import json
import re
from decimal import Decimal

from linli.audit.models import AuditEntry
from linli.entitlements import services
from linli.entitlements.choices import AmountUnit, VeteranRecordKind
from linli.entitlements.models import AmountRule, Grant, GrantKind, VeteranRecord
from linli.testing.entitlements import certificate, day, person
from linli.testing.http import text

API = "/api/v1/entitlements"


def _json(client, url, payload):
    return client.post(url, data=json.dumps(payload), content_type="application/json")


def test_a_caseworker_grants_from_the_unserved_report_and_sees_it_listed(client, world, kinds):
    old = person(world.a1, name="王秀英", age=86)
    person(world.b1, name="周桂兰", age=88, number="201")
    client.force_login(world.worker_a)
    report = text(client.get("/entitlements/unserved/?kind=elderly-allowance"))
    assert "王秀英" in report and "周桂兰" not in report
    page = client.get(f"/entitlements/residents/{old.pk}/grant/?kind=elderly-allowance")
    assert page.status_code == 200
    response = client.post(
        f"/entitlements/residents/{old.pk}/grant/",
        {"kind": kinds["elderly-allowance"].pk, "reason": "入户走访发现"},
    )
    grant = Grant.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/grants/{grant.pk}/")
    listed = text(client.get("/entitlements/?kind=elderly-allowance"))
    assert "王秀英" in listed and "100" in listed
    assert "王秀英" not in text(client.get("/entitlements/unserved/?kind=elderly-allowance"))
    detail = text(client.get(f"/entitlements/grants/{grant.pk}/"))
    assert "山东省老年人权益保障条例" in detail and "入户走访发现" in detail
    panel = text(client.get(f"/entitlements/residents/{old.pk}/panel/"))
    assert "高龄津贴" in panel


def test_a_grant_for_someone_without_the_label_is_refused_on_the_page(client, world, kinds):
    young = person(world.a1, name="李强", age=40)
    client.force_login(world.worker_a)
    response = client.post(
        f"/entitlements/residents/{young.pk}/grant/",
        {"kind": kinds["cable-tv-relief"].pk, "reason": "申请"},
    )
    assert response.status_code == 422
    assert "李强 holds none of the labels" in text(response)
    assert not Grant.objects.exists()


def test_outside_the_region_everything_is_404(client, world, kinds):
    old = person(world.a1, age=86)
    grant = services.grant_create(
        resident=old, kind=kinds["elderly-allowance"], reason="x", by=world.worker_a
    )
    client.force_login(world.worker_b)
    for url in (
        f"/entitlements/grants/{grant.pk}/",
        f"/entitlements/residents/{old.pk}/panel/",
        f"/entitlements/residents/{old.pk}/grant/",
        f"{API}/grants/{grant.pk}",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            f"/entitlements/grants/{grant.pk}/end/", {"reason": "caseworker", "note": "x"}
        ).status_code
        == 404
    )
    assert (
        _json(
            client,
            f"{API}/grants",
            {"resident_id": old.pk, "kind": "elderly-allowance", "reason": "x"},
        ).status_code
        == 404
    )
    assert "0 grants" in text(client.get("/entitlements/"))
    grant.refresh_from_db()
    assert grant.ends_on is None


def test_the_api_grants_refuses_with_every_reason_and_masks_names(client, world, kinds):
    disabled = person(world.a1, name="李建国", labels=["disabled"])
    client.force_login(world.worker_a)
    refused = _json(
        client,
        f"{API}/grants",
        {"resident_id": disabled.pk, "kind": "disability-living", "reason": "申请"},
    )
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == ["resident", "resident"]
    assert not Grant.objects.exists()
    certificate(disabled, grade=1)
    made = _json(
        client,
        f"{API}/grants",
        {"resident_id": disabled.pk, "kind": "disability-care", "reason": "申请"},
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["holder"] != "李建国" and body["amount"] == "100.00" and body["unit"] == "month"
    listed = client.get(f"{API}/grants?kind=disability-care").json()
    assert listed["count"] == 1 and "李建国" not in json.dumps(listed, ensure_ascii=False)
    ended = _json(
        client, f"{API}/grants/{body['id']}/end", {"reason": "caseworker", "note": "本人放弃"}
    )
    assert ended.status_code == 200 and ended.json()["end_reason"] == "caseworker"
    counts = client.get(f"{API}/unserved/counts").json()
    assert {c["kind"]: c["unserved"] for c in counts}["disability-care"] == 1
    unserved = client.get(f"{API}/unserved?kind=disability-care").json()
    assert unserved["count"] == 1 and unserved["items"][0]["resident_id"] == disabled.pk
    assert client.get(f"{API}/unserved?region=999999999999").status_code == 422


def test_the_district_edits_a_kind_and_a_rule_with_validation_audited(client, world, kinds):
    kind = kinds["elderly-allowance"]
    client.force_login(world.worker_a)
    assert client.get(f"/entitlements/kinds/{kind.pk}/").status_code == 403
    client.force_login(world.district_admin)
    page = text(client.get("/entitlements/kinds/"))
    assert "高龄津贴" in page and "80–89" in page
    bad = client.post(
        f"/entitlements/kinds/{kind.pk}/",
        {
            "name": "高龄津贴",
            "category": "elderly",
            "legal_basis": "x",
            "max_grade": "2",
            "active": "on",
        },
    )
    assert bad.status_code == 422
    assert "A grade applies only when a disability certificate is needed." in text(bad)
    kind.refresh_from_db()
    assert kind.legal_basis != "x"
    good = client.post(
        f"/entitlements/kinds/{kind.pk}/",
        {
            "name": "高龄津贴",
            "category": "elderly",
            "legal_basis": "新依据",
            "min_age": "80",
            "active": "on",
        },
    )
    assert good.status_code == 302, text(good)[-600:]
    assert AuditEntry.objects.filter(object_type="entitlements.grantkind").exists()
    overlap = client.post(
        f"/entitlements/kinds/{kind.pk}/rules/",
        {"region": world.district.pk, "min_age": "85", "amount": "1", "unit": "month"},
    )
    assert overlap.status_code == 422
    added = client.post(
        f"/entitlements/kinds/{kind.pk}/rules/",
        {"region": world.a.pk, "min_age": "80", "amount": "120", "unit": "month"},
    )
    assert added.status_code == 302, re.findall(
        r"invalid-feedback[^>]*>([^<]+)", added.content.decode()
    )
    rule = AmountRule.objects.get(region=world.a)
    assert client.post(f"/entitlements/rules/{rule.pk}/delete/").status_code == 302
    assert not AmountRule.objects.filter(region=world.a).exists()
    assert GrantKind.objects.get(pk=kind.pk).legal_basis == "新依据"
    assert client.get(f"{API}/kinds").json()[0]["rules"][0]["amount"] == "100.00"


def test_a_lapse_warning_is_shown_and_kept_or_ended_on_the_page(client, world, kinds):
    from linli.registry.services import resident_set_labels

    poor = person(world.a1, name="赵大娘", labels=["tekun"])
    grant = services.grant_create(
        resident=poor, kind=kinds["cable-tv-relief"], reason="凭证", by=world.worker_a
    )
    resident_set_labels(resident=poor, codes=[], by=None)
    services.grants_check_lapses()
    client.force_login(world.worker_a)
    page = text(client.get(f"/entitlements/grants/{grant.pk}/"))
    assert "About to lapse" in page
    assert client.post(f"/entitlements/grants/{grant.pk}/keep/", {"note": ""}).status_code == 422
    assert (
        client.post(f"/entitlements/grants/{grant.pk}/keep/", {"note": "标签误删"}).status_code
        == 302
    )
    grant.refresh_from_db()
    assert grant.lapse_warned_on is None
    assert (
        client.post(f"/entitlements/grants/{grant.pk}/end/", {"reason": "caseworker"}).status_code
        == 422
    )
    assert (
        client.post(
            f"/entitlements/grants/{grant.pk}/end/", {"reason": "caseworker", "note": "迁出"}
        ).status_code
        == 302
    )
    grant.refresh_from_db()
    assert grant.ends_on is not None


def test_veterans_records_and_the_campaign_on_the_pages(client, world, kinds):
    veteran = person(world.a1, name="赵卫国", age=75, labels=["veteran", "youfu"])
    grant = services.grant_create(
        resident=veteran, kind=kinds["veteran-care"], reason="x", by=world.worker_a
    )
    client.force_login(world.grid_worker_a1)
    bad = client.post(
        f"/entitlements/veterans/{veteran.pk}/", {"kind": "aid", "on": day(0).isoformat()}
    )
    assert bad.status_code == 422 and not VeteranRecord.objects.exists()
    good = client.post(
        f"/entitlements/veterans/{veteran.pk}/",
        {"kind": "aid", "on": day(0).isoformat(), "amount": "800", "note": "住院"},
    )
    assert good.status_code == 302, text(good)[-600:]
    listed = text(client.get("/entitlements/veterans/?no_plaque=true"))
    assert "赵卫国" in listed and "800" in listed
    services.veteran_record_add(
        resident=veteran, kind=VeteranRecordKind.PLAQUE, on=day(-5), by=world.worker_a
    )
    assert "赵卫国" not in text(client.get("/entitlements/veterans/?no_plaque=true"))
    client.force_login(world.worker_a)
    started = client.post(
        "/entitlements/campaigns/",
        {"region": world.a.pk, "year": "2026", "due_on": day(30).isoformat()},
    )
    assert started.status_code == 302
    from linli.entitlements.models import Campaign

    campaign = Campaign.objects.get()
    verification = campaign.verifications.get()
    assert verification.grant == grant
    client.force_login(world.grid_worker_a1)
    client.post(
        f"/entitlements/campaigns/{campaign.pk}/verifications/{verification.pk}/",
        {"result": "confirmed"},
    )
    verification.refresh_from_db()
    assert verification.result == "confirmed"
    assert "1 / 1" in text(client.get("/entitlements/campaigns/"))


def test_the_unserved_report_exports_to_excel_with_ids_masked(client, world, kinds):
    from io import BytesIO

    from openpyxl import load_workbook

    old = person(world.a1, name="孙桂芝", age=91)
    client.force_login(world.worker_a)
    response = client.get("/entitlements/unserved/export/?kind=elderly-allowance")
    assert response.status_code == 200
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(
        load_workbook(BytesIO(raw), read_only=True).worksheets[0].iter_rows(values_only=True)
    )
    assert rows[0][:4] == ("待遇项目", "社区", "网格", "姓名")
    assert rows[1][0] == "高龄津贴" and rows[1][3] == "孙桂芝" and old.id_number not in str(rows[1])
    assert AuditEntry.objects.filter(action="export").exists()


def test_amounts_follow_the_region_override_in_the_rule_table(world, kinds):
    services.rule_create(
        kind=kinds["veteran-care"],
        region=world.a,
        amount=Decimal("650"),
        unit=AmountUnit.PER_MONTH,
        by=world.district_admin,
    )
    veteran = person(world.a1, labels=["youfu"])
    other = person(world.b1, labels=["youfu"], number="301")
    from linli.entitlements import engine

    assert engine.amount_for(kinds["veteran-care"], veteran).amount == Decimal("650")
    assert engine.amount_for(kinds["veteran-care"], other).amount == Decimal("600")
