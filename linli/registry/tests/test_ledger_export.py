"""Resident ledgers (台账): the export, from the console and the API."""

from datetime import date

import pytest

from linli.audit.models import AuditEntry
from linli.core.crypto import mask_id_number, mask_phone
from linli.core.xlsx import XLSX_CONTENT_TYPE
from linli.registry import services as registry
from linli.registry.choices import Relation
from linli.registry.ledger.export import export_headers
from linli.registry.tests.ledger_support import all_cells, id_number, read_workbook
from linli.testing.http import EN, body, english_client, text  # noqa: F401 (the English `client`)

PHONE_A = "13953301234"
PHONE_B = "13953309876"


def household_in(grid, name: str):
    building = registry.building_create(
        grid=grid, name=name, address=f"{name}路1号", floors=6, by=None
    )
    house = registry.house_create(building=building, floor=1, number="101", by=None)
    return registry.household_create(house=house, by=None)


@pytest.fixture
def people(world):
    """Two living residents and one who moved out in A; one resident in B."""
    a = household_in(world.a1, "车站楼")
    b = household_in(world.b1, "市南楼")
    zhang = registry.resident_move_in(
        household=a,
        name="张卫东",
        id_number=id_number(11),
        phone=PHONE_A,
        relation=Relation.HEAD,
        by=None,
    )
    registry.resident_set_labels(resident=zhang, codes=["disabled"], by=None)
    li = registry.resident_move_in(
        household=a,
        name="李桂兰",
        id_number=id_number(12, born=date(1950, 2, 3), sex="female"),
        relation=Relation.SPOUSE,
        by=None,
    )
    gone = registry.resident_move_in(
        household=a,
        name="孙离开",
        id_number=id_number(13),
        relation=Relation.CHILD,
        moved_in_on=date(2020, 1, 2),
        by=None,
    )
    registry.resident_move_out(resident=gone, on=date(2024, 1, 2), by=None)
    ouyang = registry.resident_move_in(
        household=b,
        name="欧阳市南",
        id_number=id_number(14),
        phone=PHONE_B,
        relation=Relation.HEAD,
        by=None,
    )
    return {"zhang": zhang, "li": li, "gone": gone, "ouyang": ouyang}


def sheet_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert "attachment" in response["Content-Disposition"]
    wb = read_workbook(body(response))
    rows = list(wb["居民台账"].iter_rows(values_only=True))
    assert list(rows[0]) == export_headers()
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def names(rows: list[dict]) -> list[str]:
    return [row["姓名"] for row in rows]


def test_the_export_holds_only_the_users_scope_with_masked_numbers(client, world, people):
    client.force_login(world.worker_a)
    response = client.get("/registry/export/")
    rows = sheet_rows(response)
    assert names(rows) == ["张卫东", "李桂兰"]  # living (the list's default), A only
    zhang = rows[0]
    assert zhang["公民身份号码"] == mask_id_number(people["zhang"].id_number)
    assert zhang["联系电话"] == mask_phone(PHONE_A)
    assert zhang["标签"] == "残疾人"
    assert zhang["网格代码"] == world.a1.code and zhang["楼栋"] == "车站楼"
    assert zhang["与户主关系"] == "户主" and zhang["性别"] == "男"
    assert rows[1]["标签"] == "60岁以上老人"  # derived labels are exported too
    cells = " ".join(
        str(v) for v in all_cells(read_workbook(body(client.get("/registry/export/"))))
    )
    for resident in people.values():
        assert resident.id_number not in cells
    assert PHONE_A not in cells and PHONE_B not in cells
    assert "欧阳市南" not in cells and world.b1.code not in cells


def test_the_former_grid_parameter_is_refused_not_ignored(client, world, people):
    client.force_login(world.subdistrict_admin)
    response = client.get(f"/registry/export/?grid={world.b.code}", follow=True)
    assert not AuditEntry.objects.filter(action="export").exists(), "nothing exported"
    assert "Grid: This filter is now called region" in text(response)
    api = client.get(f"/api/v1/registry/residents/export?grid={world.b.code}")
    assert api.status_code == 422 and "now called region" in api.content.decode()


def test_the_export_follows_the_lists_filter(client, world, people):
    client.force_login(world.subdistrict_admin)
    assert names(sheet_rows(client.get("/registry/export/"))) == ["张卫东", "李桂兰", "欧阳市南"]
    assert names(sheet_rows(client.get("/registry/export/?q=李"))) == ["李桂兰"]
    assert names(sheet_rows(client.get("/registry/export/?label=disabled"))) == ["张卫东"]
    assert names(sheet_rows(client.get("/registry/export/?age_min=60"))) == ["李桂兰"]
    assert names(sheet_rows(client.get(f"/registry/export/?region={world.b.code}"))) == ["欧阳市南"]
    by_phone = client.get(f"/registry/export/?phone={PHONE_B}", follow=True)
    assert PHONE_B not in str(by_phone.redirect_chain), "the number is swapped for its index"
    assert names(sheet_rows(by_phone)) == ["欧阳市南"]
    moved_out = sheet_rows(client.get("/registry/export/?status=moved_out"))
    assert names(moved_out) == ["孙离开"]
    assert moved_out[0]["状态"] == "已迁出" and moved_out[0]["迁出或死亡日期"].date() == date(
        2024, 1, 2
    )
    assert len(sheet_rows(client.get("/registry/export/?status=all"))) == 4


def test_every_export_is_audited_without_personal_data(client, world, people):
    client.force_login(world.worker_a)
    before = AuditEntry.objects.filter(action="export").count()
    sheet_rows(
        client.get(f"/registry/export/?q=张&id_number={people['zhang'].id_number}", follow=True)
    )
    assert AuditEntry.objects.filter(action="export").count() == before + 1
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.actor == world.worker_a
    assert entry.details["rows"] == 1
    assert entry.details["filter"]["q"] == "张"
    assert entry.details["filter"]["id_index"] == "given"
    assert people["zhang"].id_number not in str(entry.details)
    assert people["zhang"].id_number_index not in str(entry.details)
    assert entry.region == world.a  # the worker's community: its auditors see it


def test_an_invalid_filter_exports_nothing(client, world, people):
    client.force_login(world.worker_a)
    response = client.get("/registry/export/?age_min=-3")
    assert response.status_code == 302
    assert response["Location"].startswith("/registry/?")
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_residents_page_offers_the_export_with_its_filter(client, world, people):
    client.force_login(world.worker_a)
    page = client.get("/registry/?q=张&status=all").content.decode()
    assert 'href="/registry/export/?q=%E5%BC%A0&amp;status=all"' in page
    fragment = client.get("/registry/?q=李", HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/registry/export/?q=%E6%9D%8E"' in fragment


def test_a_formula_in_a_name_stays_text(client, world):
    household = household_in(world.a1, "公式楼")
    registry.resident_move_in(
        household=household,
        name='=HYPERLINK("http://x.invalid","点我")',
        id_number=id_number(21),
        relation=Relation.HEAD,
        by=None,
    )
    client.force_login(world.worker_a)
    wb = read_workbook(body(client.get("/registry/export/")))
    cell = wb["居民台账"]["H2"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_people_without_the_export_permission_get_403(client, world, people):
    for person in (world.grid_worker_a1, world.resident_a):
        client.force_login(person)
        assert client.get("/registry/export/").status_code == 403
        api = client.get("/api/v1/registry/residents/export")
        assert api.status_code == 403
        assert api["Content-Type"] == "application/problem+json"
    assert not AuditEntry.objects.filter(action="export").exists()


def test_the_api_export_is_the_same_ledger(client, world, people):
    assert client.get("/api/v1/registry/residents/export").status_code == 401
    client.force_login(world.worker_a)
    rows = sheet_rows(client.get("/api/v1/registry/residents/export"))
    assert names(rows) == ["张卫东", "李桂兰"]
    assert rows[0]["公民身份号码"] == mask_id_number(people["zhang"].id_number)
    assert rows[0]["联系电话"] == mask_phone(PHONE_A)
    moved_out = sheet_rows(client.get("/api/v1/registry/residents/export?status=moved_out"))
    assert names(moved_out) == ["孙离开"]
    assert AuditEntry.objects.filter(action="export").count() == 2
    problem = client.get("/api/v1/registry/residents/export?age_min=-1")
    assert problem.status_code == 422
    assert AuditEntry.objects.filter(action="export").count() == 2
