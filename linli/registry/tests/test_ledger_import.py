"""Resident ledgers (台账): the template and the import, through the console."""

import os
from datetime import date

import pytest
from django.db import connection
from django.tasks.signals import task_finished
from django.test import Client

from linli.audit.models import AuditEntry
from linli.core import crypto
from linli.core.xlsx import XLSX_CONTENT_TYPE
from linli.notifications.models import Notification
from linli.registry import services as registry
from linli.registry.choices import LEDGER_IMPORT_TRANSITIONS, LedgerImportStatus, Relation
from linli.registry.idnumber import check_character
from linli.registry.ledger import check, imports, parse
from linli.registry.ledger.format import BACKGROUND_ROWS, HEADERS, MAX_FILE_BYTES
from linli.registry.models import (
    Building,
    House,
    Household,
    LedgerImport,
    LedgerImportTransition,
    RecordChange,
    Resident,
)
from linli.registry.tests.ledger_support import (
    id_number,
    ledger_bytes,
    person,
    read_workbook,
    upload,
)
from linli.testing.http import EN, english_client  # noqa: F401 (the English `client`)
from linli.testing.http import body as content
from linli.testing.registry import place

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def worker(client, world):
    client.force_login(world.worker_a)
    return client


def post(client, data: bytes, name: str = "台账.xlsx", **extra):
    return client.post("/registry/import/", {"file": upload(data, name), **extra})


def counts() -> tuple[int, int, int, int]:
    return (
        Building.objects.count(),
        House.objects.count(),
        Household.objects.count(),
        Resident.objects.count(),
    )


def problems(imp: LedgerImport) -> set[tuple[int, str]]:
    return {(e["row"], e["column"]) for e in imp.errors}


def raw_upload(imp: LedgerImport) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT upload FROM registry_ledgerimport WHERE id = %s", [imp.pk])
        return cursor.fetchone()[0]


# --- the template ---


def test_the_template_has_the_ledger_headers_and_explains_every_column(worker):
    response = worker.get("/registry/import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    wb = read_workbook(content(response))
    assert wb.sheetnames[:2] == ["居民台账", "填写说明"]
    headers = next(wb["居民台账"].iter_rows(max_row=1, values_only=True))
    assert list(headers) == [
        "网格代码",
        "楼栋",
        "单元",
        "房号",
        "户号",
        "户类型",
        "与户主关系",
        "姓名",
        "公民身份号码",
        "联系电话",
        "民族",
        "政治面貌",
        "居住类型",
        "迁入日期",
        "标签",
    ]
    explained = {row[0]: row for row in wb["填写说明"].iter_rows(min_row=2, values_only=True)}
    assert set(headers) <= set(explained)
    assert explained["与户主关系"][3].split("、")[:3] == ["户主", "配偶", "子女"]
    assert "户籍户" in explained["户类型"][3]
    assert "中共党员" in explained["政治面貌"][3]
    labels = explained["标签"][3].split("、")
    assert "残疾人" in labels and "低保" in labels
    assert "党员" not in labels and "60岁以上老人" not in labels  # derived, never typed
    assert explained["姓名"][1] == "yes" and explained["联系电话"][1] == "no"


def test_the_template_is_explained_in_chinese_by_default(world):
    client = Client()
    client.force_login(world.worker_a)
    wb = read_workbook(content(client.get("/registry/import/template.xlsx")))
    rows = list(wb["填写说明"].iter_rows(values_only=True))
    assert rows[0][0] == "列名"
    assert "The grid's" not in str(rows)


def test_the_residents_page_links_to_the_import_for_those_who_may_import(client, world):
    client.force_login(world.worker_a)
    assert b'data-testid="ledger-import-link"' in client.get("/registry/").content
    client.force_login(world.grid_worker_a1)
    page = client.get("/registry/").content
    assert b"ledger-import-link" not in page and b"ledger-export-link" not in page


def test_the_empty_template_is_refused_as_holding_no_rows(worker):
    template = content(worker.get("/registry/import/template.xlsx"))
    response = post(worker, template)
    assert response.status_code == 422
    assert "The file holds no rows to import." in response.content.decode()
    assert not LedgerImport.objects.exists()


# --- a clean file ---


def test_a_clean_file_imports_every_row_with_its_history(worker, world):
    existing = registry.building_create(
        grid=world.a1, name="2号楼", address="正阳路2号", floors=6, by=None
    )
    house = registry.house_create(building=existing, unit=2, floor=5, number="501", by=None)
    before_audit = AuditEntry.objects.count()
    rows = [
        person(
            world.a1, 1, 姓名="张建国", 户号="A001", 标签="残疾人、低保", 联系电话="13812345678"
        ),
        person(
            world.a1, 2, 姓名="李秀英", 户号="A001", 与户主关系="配偶", 迁入日期=date(2019, 3, 2)
        ),
        person(world.a1, 3, 姓名="张小明", 户号="A001", 与户主关系="子女", 居住类型="人在户不在"),
        person(world.a1, 4, 姓名="王芳", 房号="102", 户类型="流动户", 政治面貌="中共党员"),
        person(world.a1, 5, 姓名="赵强", 楼栋="2号楼", 单元=2, 房号="501", 民族="回族"),
        person(world.a1, 6, 姓名="周敏", 楼栋="3号楼", 单元="2单元", 房号="1203"),
    ]
    response = post(worker, ledger_bytes(rows), name="车站社区台账.xlsx")
    imp = LedgerImport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/registry/import/{imp.pk}/"
    assert imp.status == LedgerImportStatus.DONE, imp.errors
    assert imp.saved_rows == 6 and imp.invalid_rows == 0
    assert imp.summary["created"] == {"buildings": 2, "houses": 3, "households": 4, "residents": 6}

    zhang = Resident.objects.get(name="张建国")
    assert zhang.household.number == "A001"
    assert zhang.household.head == zhang
    assert zhang.phone == "13812345678"
    assert {link.label.code for link in zhang.label_links.all()} == {"disabled", "dibao"}
    assert zhang.birth_date == date(1980, 5, 17) and zhang.sex == "male"
    li = Resident.objects.get(name="李秀英")
    assert li.household_id == zhang.household_id and li.relation == Relation.SPOUSE
    assert li.moved_in_on == date(2019, 3, 2)
    assert Resident.objects.get(name="张小明").residence_type == "registered_elsewhere"
    wang = Resident.objects.get(name="王芳")
    assert wang.household.kind == "floating" and wang.political_status == "cpc_member"
    zhao = Resident.objects.get(name="赵强")
    assert zhao.household.house == house  # the existing house is used, not a new one
    assert zhao.ethnicity == "03"
    zhou = Resident.objects.get(name="周敏")
    assert (zhou.household.house.unit, zhou.household.house.floor) == (2, 12)
    new_building = Building.objects.get(name="3号楼")
    assert new_building.grid == world.a1 and new_building.floors == 12
    assert new_building.address == "车站社区3号楼"

    # Every record created has its change history, with the importer as the actor …
    moved_in = RecordChange.objects.filter(object_type="resident", kind="move_in")
    assert moved_in.count() == 6
    assert set(moved_in.values_list("actor", flat=True)) == {world.worker_a.pk}
    assert set(moved_in.values_list("note", flat=True)) == {f"Ledger import #{imp.pk}"}
    history = moved_in.get(object_id=zhang.pk).changes
    assert history["name"] == {"old": None, "new": "张建国"}
    assert history["id_number"]["new"].startswith("v1.")  # encrypted, as in the services
    assert id_number(1) not in str(history) and "13812345678" not in str(history)
    assert RecordChange.objects.filter(object_type="resident", kind="label").count() == 1
    created = RecordChange.objects.filter(kind="create", note=f"Ledger import #{imp.pk}")
    created = created.values_list("object_type", flat=True)
    assert sorted(created) == ["building"] * 2 + ["house"] * 3 + ["household"] * 4
    head_set = RecordChange.objects.get(object_type="household", object_id=zhang.household_id)
    assert head_set.changes["head_id"] == {"old": None, "new": zhang.pk}
    # … and the import one audit entry of its own, without personal data.
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == world.worker_a
    assert entry.details["file_name"] == "车站社区台账.xlsx"
    assert entry.details["saved"] == 6 and entry.details["rows"] == 6
    assert entry.details["created"]["buildings"] == 2
    assert entry.region == world.a1
    text = str(entry.details) + entry.object_label
    assert "张建国" not in text and id_number(1) not in text and "13812345678" not in text
    assert AuditEntry.objects.count() == before_audit + 1  # it stands for the records

    # The uploaded file is gone once the import is finished.
    assert raw_upload(imp) == ""
    page = worker.get(f"/registry/import/{imp.pk}/").content.decode()
    assert "6 residents imported." in page and 'hx-trigger="every 2s"' not in page


def test_ledger_spellings_full_width_digits_and_a_lower_case_x_are_accepted(worker, world):
    with_x = next(
        f"19750203{n:03d}" for n in range(1000) if check_character(f"37030619750203{n:03d}") == "X"
    )
    with_x = f"370306{with_x}X"
    rows = [
        person(world.a1, 1, 与户主关系="本人", 政治面貌="党员", 民族="回"),
        person(
            world.a1,
            2,
            公民身份号码=with_x.lower(),
            与户主关系="妻子",
            单元="１",
            迁入日期="2018年7月1日",
        ),
    ]
    post(worker, ledger_bytes(rows))
    imp = LedgerImport.objects.get()
    assert imp.status == LedgerImportStatus.DONE, imp.errors
    first = Resident.objects.get(name="测试1")
    assert (first.relation, first.political_status, first.ethnicity) == (
        "head",
        "cpc_member",
        "03",
    )
    second = Resident.objects.get(name="测试2")
    assert second.id_number == with_x and second.relation == Relation.SPOUSE
    assert second.moved_in_on == date(2018, 7, 1)


# --- a file with errors ---


def impossible_birth_date() -> str:
    first17 = "37030619900230" + "123"  # 30 February
    return first17 + check_character(first17)


def bad_check_digit() -> str:
    good = id_number(90)
    return good[:-1] + ("1" if good[-1] != "1" else "2")


@pytest.fixture
def file_with_errors(world):
    """Row 2 is valid; every other row has one error."""
    living = registry.resident_move_in(
        household=registry.household_create(
            house=registry.house_create(
                building=registry.building_create(
                    grid=world.a1, name="9号楼", address="正阳路9号", floors=3, by=None
                ),
                floor=1,
                number="101",
                by=None,
            ),
            by=None,
        ),
        name="已登记",
        id_number=id_number(70),
        relation=Relation.HEAD,
        by=None,
    )
    rows = [
        person(world.a1, 1),  # row 2: valid
        person(world.a1, 2, 公民身份号码=bad_check_digit(), 与户主关系="配偶"),  # 3
        person(world.a1, 3, 公民身份号码=impossible_birth_date(), 与户主关系="子女"),  # 4
        person(world.a1, 4, 房号="102"),  # 5: same ID as row 6
        person(world.a1, 5, 房号="103", 公民身份号码=id_number(4)),  # 6
        person(world.a1, 6, 房号="104", 公民身份号码=living.id_number),  # 7: lives here
        person(world.a1, 7, 网格代码="370306001001999"),  # 8: no such grid
        person(world.a1, 8, 网格代码=world.b1.code),  # 9: grid outside the user's scope
        person(world.a1, 9, 房号="105", 迁入日期="2020-13-45"),  # 10: bad date
        person(world.a1, 10, 房号="106", 姓名=""),  # 11: no name
    ]
    return ledger_bytes(rows)


def test_a_row_with_an_id_number_of_another_community_says_not_who_nor_where(worker, world):
    """Issue 12: a ledger was a bulk oracle (one file, thousands of numbers: who lives
    in the district). Rows of people B keeps are refused without naming them; B gets
    one audit entry and one notification for the file, once (not again when the valid
    rows are saved)."""
    theirs = place(world.b1)
    others = [
        registry.resident_move_in(
            household=theirs.household, name=name, id_number=id_number(n), relation=rel, by=None
        )
        for name, n, rel in (("周芳", 71, Relation.HEAD), ("周建国", 72, Relation.SPOUSE))
    ]
    rows = [
        person(world.a1, n, 房号=f"10{n + 3}", 公民身份号码=o.id_number)
        for n, o in enumerate(others, 1)
    ]
    post(worker, ledger_bytes([*rows, person(world.a1, 3, 房号="102")]))

    imp = LedgerImport.objects.get()
    assert [e["message"][:45] for e in imp.errors] == [
        "A person with this ID number is registered in",
        "A person with this ID number is registered in",
    ]
    assert "周" not in str(imp.errors)
    entry = AuditEntry.objects.get(action="id_number_elsewhere")
    assert (entry.actor, entry.region, entry.details) == (
        world.worker_a,
        world.b,
        {"channel": "ledger", "people": 2},
    )
    told = Notification.objects.get(kind="registry-elsewhere")
    assert told.user == world.worker_b and "2" in told.body and "周芳" not in told.body

    worker.post(f"/registry/import/{imp.pk}/valid-rows/")
    imp.refresh_from_db()
    assert imp.saved_rows == 1
    assert AuditEntry.objects.filter(action="id_number_elsewhere").count() == 1
    assert Notification.objects.filter(kind="registry-elsewhere").count() == 1


def test_a_file_with_errors_saves_nothing_and_reports_each_row_and_column(
    worker, world, file_with_errors
):
    before, audit_before = counts(), AuditEntry.objects.count()
    response = post(worker, file_with_errors)
    imp = LedgerImport.objects.get()
    assert response.status_code == 302
    assert imp.status == LedgerImportStatus.HAS_ERRORS
    assert counts() == before, "something was saved"
    assert AuditEntry.objects.count() == audit_before
    assert (imp.total_rows, imp.valid_rows, imp.invalid_rows) == (10, 1, 9)
    assert problems(imp) == {
        (3, "公民身份号码"),
        (4, "公民身份号码"),
        (5, "公民身份号码"),
        (6, "公民身份号码"),
        (7, "公民身份号码"),
        (8, "网格代码"),
        (9, "网格代码"),
        (10, "迁入日期"),
        (11, "姓名"),
    }
    message = {e["row"]: e["message"] for e in imp.errors}
    assert "check character is wrong" in message[3]
    assert "impossible birth date" in message[4]
    assert message[5] == "The same ID number is in row 6."
    assert message[6] == "The same ID number is in row 5."
    assert message[7] == (
        "已登记 already lives in the district with this ID number: move them instead of "
        "registering them again."
    )
    assert message[10] == "Enter a date such as 2020-05-01."
    assert message[11] == "This column is required."
    # A grid outside the user's area reads exactly like one that does not exist.
    assert message[8].replace("370306001001999", "<code>") == message[9].replace(
        world.b1.code, "<code>"
    )
    assert world.b1.name not in str(imp.errors)

    page = worker.get(f"/registry/import/{imp.pk}/").content.decode()
    assert "Nothing has been saved." in page
    assert "Import only the 1 valid row" in page
    for row, _column in problems(imp):
        assert f'<td class="text-end">{row}</td>' in page
    assert "公民身份号码" in page and "迁入日期" in page
    assert id_number(70) not in page and id_number(4) not in page

    report = worker.get(f"/registry/import/{imp.pk}/errors.xlsx")
    assert report.status_code == 200
    sheet = read_workbook(content(report)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert lines[0] == ("Row", "Column", "Problem")
    assert {(r, c) for r, c, _m in lines[1:]} == problems(imp)

    # The file waits, encrypted, for the user's decision.
    assert raw_upload(imp).startswith("v1.")


def test_only_the_valid_rows_are_imported_when_the_user_chooses_so(worker, world, file_with_errors):
    post(worker, file_with_errors)
    imp = LedgerImport.objects.get()
    before = Resident.objects.count()
    response = worker.post(f"/registry/import/{imp.pk}/valid-rows/")
    assert response.status_code == 302
    imp.refresh_from_db()
    assert imp.status == LedgerImportStatus.DONE
    assert imp.saved_rows == 1 and imp.invalid_rows == 9
    assert Resident.objects.count() == before + 1
    assert Resident.objects.filter(name="测试1").exists()
    assert not Resident.objects.filter(name__in=["测试2", "测试4", "测试5", "测试9"]).exists()
    entry = AuditEntry.objects.get(action="import")
    assert entry.details["mode"] == "valid_only"
    assert entry.details["saved"] == 1 and entry.details["rows_with_errors"] == 9
    assert raw_upload(imp) == ""
    page = worker.get(f"/registry/import/{imp.pk}/").content.decode()
    assert "1 resident imported." in page and "9 rows with errors were left out." in page
    # A second click does nothing more.
    worker.post(f"/registry/import/{imp.pk}/valid-rows/")
    assert Resident.objects.count() == before + 1


def test_the_valid_rows_can_be_chosen_at_upload(worker, world, file_with_errors):
    post(worker, file_with_errors, valid_only="on")
    imp = LedgerImport.objects.get()
    assert imp.status == LedgerImportStatus.DONE
    assert imp.saved_rows == 1 and len(imp.errors) == 9


def test_a_discarded_upload_saves_nothing_and_deletes_the_file(worker, file_with_errors):
    before = counts()
    post(worker, file_with_errors)
    imp = LedgerImport.objects.get()
    assert worker.post(f"/registry/import/{imp.pk}/discard/").status_code == 302
    imp.refresh_from_db()
    assert imp.status == LedgerImportStatus.DISCARDED
    assert raw_upload(imp) == ""
    assert counts() == before
    worker.post(f"/registry/import/{imp.pk}/valid-rows/")
    assert counts() == before


@pytest.fixture
def registered_meanwhile(world, monkeypatch):
    """The person of row 4 (id_number(3)) is registered between the check and the
    saving: the first duplicate check does not see them, the one under the lock does."""
    registry.resident_move_in(
        household=registry.household_create(
            house=registry.house_create(
                building=registry.building_create(
                    grid=world.a1, name="8号楼", address="正阳路8号", floors=3, by=None
                ),
                floor=1,
                number="101",
                by=None,
            ),
            by=None,
        ),
        name="先到",
        id_number=id_number(3),
        relation=Relation.HEAD,
        by=None,
    )
    original = check._check_duplicates
    calls = []
    monkeypatch.setattr(
        check,
        "_check_duplicates",
        lambda rows, user: calls.append(1) or (original(rows, user) if len(calls) > 1 else []),
    )
    return [
        person(world.a1, 1),
        person(world.a1, 2, 与户主关系="配偶"),
        person(world.a1, 3, 房号="102"),
    ]


def test_a_row_refused_while_saving_undoes_the_whole_file(worker, registered_meanwhile):
    before, audit_before = counts(), AuditEntry.objects.count()
    post(worker, ledger_bytes(registered_meanwhile))
    imp = LedgerImport.objects.get()
    assert imp.status == LedgerImportStatus.HAS_ERRORS
    assert counts() == before
    assert AuditEntry.objects.count() == audit_before
    assert problems(imp) == {(4, "公民身份号码")}
    assert (imp.valid_rows, imp.invalid_rows) == (2, 1)


def test_a_row_refused_while_saving_is_left_out_of_a_valid_rows_import(
    worker, registered_meanwhile
):
    before = Resident.objects.count()
    post(worker, ledger_bytes(registered_meanwhile), valid_only="on")
    imp = LedgerImport.objects.get()
    assert imp.status == LedgerImportStatus.DONE
    assert (imp.saved_rows, imp.valid_rows, imp.invalid_rows) == (2, 2, 1)
    assert problems(imp) == {(4, "公民身份号码")}
    assert Resident.objects.count() == before + 2
    assert Resident.objects.filter(name="先到").count() == 1


def test_more_problems_of_one_row_are_all_reported(worker, world):
    rows = [
        person(
            world.a1,
            1,
            与户主关系="邻居",
            联系电话="12345",
            政治面貌="无",
            标签="低保、党员、不存在的标签",
            单元=99,
        )
    ]
    post(worker, ledger_bytes(rows))
    imp = LedgerImport.objects.get()
    assert problems(imp) == {
        (2, "与户主关系"),
        (2, "联系电话"),
        (2, "政治面貌"),
        (2, "标签"),
        (2, "单元"),
    }
    messages = " ".join(e["message"] for e in imp.errors)
    assert "“邻居” is not one of: 户主、配偶" in messages
    assert "Unknown labels: 不存在的标签." in messages
    assert "follow from the data and are not typed: 党员" in messages


def test_household_conflicts_are_reported(worker, world):
    rows = [
        person(world.a1, 1, 户号="H1"),
        person(world.a1, 2, 户号="H1"),  # a second head
        person(world.a1, 3, 户号="H1", 与户主关系="子女", 户类型="流动户"),  # another type
    ]
    post(worker, ledger_bytes(rows))
    imp = LedgerImport.objects.get()
    assert problems(imp) == {(3, "与户主关系"), (4, "户类型")}


def test_an_id_number_stored_as_a_number_is_explained(worker, world):
    rows = [person(world.a1, 1, 公民身份号码=3.70306198005171e17)]
    post(worker, ledger_bytes(rows))
    (error,) = LedgerImport.objects.get().errors
    assert error["column"] == "公民身份号码"
    assert "stored as a number" in error["message"]


def test_a_grid_worker_without_the_import_permission_cannot_import(client, world):
    client.force_login(world.grid_worker_a1)
    assert client.get("/registry/import/").status_code == 403
    assert client.get("/registry/import/template.xlsx").status_code == 403
    data = ledger_bytes([person(world.a1, 1)])
    assert post(client, data).status_code == 403
    assert not LedgerImport.objects.exists()


def test_an_import_is_seen_by_its_owner_only(client, world, file_with_errors):
    client.force_login(world.worker_a)
    post(client, file_with_errors)
    imp = LedgerImport.objects.get()
    client.force_login(world.subdistrict_admin)  # oversees A, still not hers
    for url in (f"/registry/import/{imp.pk}/", f"/registry/import/{imp.pk}/errors.xlsx"):
        assert client.get(url).status_code == 404
    assert client.post(f"/registry/import/{imp.pk}/valid-rows/").status_code == 404
    assert client.post(f"/registry/import/{imp.pk}/discard/").status_code == 404
    imp.refresh_from_db()
    assert imp.status == LedgerImportStatus.HAS_ERRORS
    assert "台账.xlsx" not in client.get("/registry/import/").content.decode()


def test_an_upload_needs_the_csrf_token(world):
    """The CSRF check runs inside the view (after the size limit is installed): it
    must still run."""
    client = Client(enforce_csrf_checks=True, **EN)
    client.force_login(world.worker_a)
    response = post(client, ledger_bytes([person(world.a1, 1)]))
    assert response.status_code == 403
    assert not LedgerImport.objects.exists()


def test_the_status_page_does_not_read_the_stored_file(worker, file_with_errors, monkeypatch):
    post(worker, file_with_errors)
    imp = LedgerImport.objects.get()

    decrypt = crypto.decrypt

    def refuse(token, context):
        if context == LedgerImport.UPLOAD_CONTEXT:
            raise AssertionError("the stored file was decrypted")
        return decrypt(token, context)  # the signed-in user's phone, say

    monkeypatch.setattr("linli.core.crypto.decrypt", refuse)
    assert worker.get(f"/registry/import/{imp.pk}/").status_code == 200
    assert worker.get("/registry/import/").status_code == 200


# --- files refused as a whole ---


def refused(response) -> str:
    assert response.status_code == 422
    assert not LedgerImport.objects.exists()
    return response.content.decode()


def test_an_oversize_file_is_refused(worker):
    data = b"PK\x03\x04" + os.urandom(MAX_FILE_BYTES)
    page = refused(post(worker, data))
    assert "The file is larger than 20 MB." in page
    assert "This field is required." not in page


def test_a_file_that_is_not_xlsx_is_refused(worker):
    page = refused(post(worker, "姓名,公民身份号码\n张三,1\n".encode(), name="台账.csv"))
    assert "This is not an Excel workbook (.xlsx)." in page
    page = refused(post(worker, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "台账.xls"))
    assert "This is an old Excel file (.xls)" in page


def test_a_damaged_file_is_refused(worker, world):
    data = ledger_bytes([person(world.a1, 1)])
    assert "The file cannot be read: it is damaged." in refused(post(worker, data[:-200]))


def test_a_zip_that_is_no_workbook_is_refused(worker):
    import zipfile
    from io import BytesIO

    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert "This is not an Excel workbook (.xlsx)." in refused(post(worker, out.getvalue()))


def test_a_file_with_other_headers_is_refused(worker, world):
    headers = [h for h in HEADERS if h != "公民身份号码"] + ["备注"]
    page = refused(post(worker, ledger_bytes([person(world.a1, 1)], headers=headers)))
    assert "Columns missing: 公民身份号码." in page
    assert "Columns not in the template: 备注." in page


def test_a_file_with_too_many_rows_is_refused(worker, world, monkeypatch):
    monkeypatch.setattr(parse, "MAX_ROWS", 5)
    rows = [person(world.a1, n, 房号=f"{100 + n}") for n in range(1, 7)]
    page = refused(post(worker, ledger_bytes(rows)))
    assert "The file holds more than 5 rows: split it into several files." in page


# --- large files: the background task ---


def many_people(grid, n: int) -> list[dict]:
    """n people in households of up to 3 (a head, a spouse, a child) across buildings."""
    rows = []
    for i in range(n):
        household = i // 3
        rows.append(
            person(
                grid,
                i + 1,
                楼栋=f"{household // 60 + 1}号楼",
                单元=household // 20 % 3 + 1,
                房号=f"{household % 20 // 2 + 1}0{household % 2 + 1}",
                与户主关系=("户主", "配偶", "子女")[i % 3],
                公民身份号码=id_number(i % 500, born=date(1960, 1, 1 + i // 500)),
                标签="低保" if i % 50 == 0 else "",
            )
        )
    return rows


def test_a_large_file_is_imported_by_the_background_task(
    worker, world, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    ran = []

    def finished(sender, task_result, **kwargs):
        ran.append((task_result.task.name, task_result.status))

    task_finished.connect(finished)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = post(worker, ledger_bytes(many_people(world.a1, 2500)))
    finally:
        task_finished.disconnect(finished)
    assert response.status_code == 302
    # After the upload's commit the task runs once; the event of its last move tells
    # the uploader it is done (a notification, sent by its own task).
    assert ran == [("ledger_import_run", "SUCCESSFUL"), ("notifications_deliver", "SUCCESSFUL")]
    imp = LedgerImport.objects.get()
    told = Notification.objects.get(user=world.worker_a, kind="ledger-import")
    assert told.title == f"Ledger {imp.file_name} is imported"
    assert told.url == f"/registry/import/{imp.pk}/"
    assert imp.status == LedgerImportStatus.DONE, (imp.errors[:5], imp.failure)
    assert imp.saved_rows == 2500 and imp.processed_rows == 2500
    assert Resident.objects.filter(grid=world.a1).count() == 2500
    page = worker.get(f"/registry/import/{imp.pk}/").content.decode()
    assert "2500 residents imported." in page
    fragment = worker.get(f"/registry/import/{imp.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in fragment and "<html" not in fragment
    assert 'hx-trigger="every 2s"' not in fragment


def test_a_large_file_waits_for_the_worker_with_a_polling_status_page(worker, world):
    """Without the commit (the test's transaction never commits), the task is not sent:
    the import waits, and its page polls every 2 seconds."""
    response = post(worker, ledger_bytes(many_people(world.a1, BACKGROUND_ROWS + 1)))
    imp = LedgerImport.objects.get()
    assert response.status_code == 302
    assert imp.status == LedgerImportStatus.QUEUED
    assert Resident.objects.count() == 0
    page = worker.get(f"/registry/import/{imp.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page
    assert "Waiting for the background worker" in page
    imports.ledger_run(imp.pk)  # what the worker does
    fragment = worker.get(f"/registry/import/{imp.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-status="done"' in fragment and 'hx-trigger="every 2s"' not in fragment


def test_uploads_left_waiting_are_closed_and_their_files_deleted(worker, file_with_errors):
    from datetime import timedelta

    from django.utils import timezone

    post(worker, file_with_errors)
    imp = LedgerImport.objects.get()
    assert imports.ledger_tidy(now=timezone.now() + timedelta(hours=1)) == 0
    assert imports.ledger_tidy(now=timezone.now() + imports.STALE_AFTER + timedelta(hours=1)) == 1
    imp.refresh_from_db()
    assert imp.status == LedgerImportStatus.DISCARDED and raw_upload(imp) == ""


# --- the transition log ---


def moves(imp: LedgerImport) -> list[tuple[str, str, int | None]]:
    rows = LedgerImportTransition.objects.filter(ledger_import=imp).order_by("pk")
    return list(rows.values_list("from_status", "to_status", "actor"))


def test_every_status_and_move_is_in_the_lifecycle():
    statuses = set(LedgerImportStatus.values)
    assert set(LEDGER_IMPORT_TRANSITIONS) == {""} | statuses
    assert set().union(*LEDGER_IMPORT_TRANSITIONS.values()) <= statuses
    finals = {s for s, targets in LEDGER_IMPORT_TRANSITIONS.items() if not targets}
    assert finals == {"done", "failed", "discarded"}


def test_an_import_logs_each_change_of_its_status(worker, world):
    post(worker, ledger_bytes([person(world.a1, 1)]))
    imp = LedgerImport.objects.get()
    assert imp.status == LedgerImportStatus.DONE
    assert moves(imp) == [
        ("", "queued", world.worker_a.pk),  # the upload, by the uploader
        ("queued", "validating", None),  # the run: the system
        ("validating", "saving", None),
        ("saving", "done", None),
    ]


def test_a_second_run_of_the_same_import_logs_nothing(worker, world):
    post(worker, ledger_bytes(many_people(world.a1, BACKGROUND_ROWS + 1)))
    imp = LedgerImport.objects.get()
    assert moves(imp) == [("", "queued", world.worker_a.pk)]
    imports.ledger_run(imp.pk)  # the worker
    imports.ledger_run(imp.pk)  # the task delivered twice
    assert [(a, b) for a, b, _by in moves(imp)] == [
        ("", "queued"),
        ("queued", "validating"),
        ("validating", "saving"),
        ("saving", "done"),
    ]


def test_a_discarded_import_logs_the_errors_and_the_users_decision(worker, world, file_with_errors):
    post(worker, file_with_errors)
    imp = LedgerImport.objects.get()
    worker.post(f"/registry/import/{imp.pk}/discard/")
    worker.post(f"/registry/import/{imp.pk}/discard/")  # too late: nothing more
    assert moves(imp) == [
        ("", "queued", world.worker_a.pk),
        ("queued", "validating", None),
        ("validating", "has_errors", None),
        ("has_errors", "discarded", world.worker_a.pk),
    ]


def test_importing_the_valid_rows_logs_the_decision_and_the_second_run(
    worker, world, file_with_errors
):
    post(worker, file_with_errors)
    imp = LedgerImport.objects.get()
    worker.post(f"/registry/import/{imp.pk}/valid-rows/")
    worker.post(f"/registry/import/{imp.pk}/valid-rows/")  # a second click: nothing more
    imp.refresh_from_db()
    assert imp.status == LedgerImportStatus.DONE
    assert moves(imp) == [
        ("", "queued", world.worker_a.pk),
        ("queued", "validating", None),
        ("validating", "has_errors", None),
        ("has_errors", "save_queued", world.worker_a.pk),
        ("save_queued", "validating", None),
        ("validating", "saving", None),
        ("saving", "done", None),
    ]


def test_a_failure_is_logged_with_its_reason(worker, world, monkeypatch):
    def broken(data, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(imports, "validate", broken)
    post(worker, ledger_bytes([person(world.a1, 1)]))
    imp = LedgerImport.objects.get()
    assert imp.status == LedgerImportStatus.FAILED
    last = LedgerImportTransition.objects.filter(ledger_import=imp).latest("pk")
    assert (last.from_status, last.to_status, last.actor) == ("validating", "failed", None)
    assert last.note == imp.failure != ""


def test_uploads_left_waiting_are_closed_by_the_system_with_a_note(worker, world):
    from datetime import timedelta

    from django.utils import timezone

    post(worker, ledger_bytes(many_people(world.a1, BACKGROUND_ROWS + 1)))  # stays queued
    queued = LedgerImport.objects.get()
    later = timezone.now() + imports.STALE_AFTER + timedelta(hours=1)
    assert imports.ledger_tidy(now=later) == 1
    last = LedgerImportTransition.objects.filter(ledger_import=queued).latest("pk")
    assert (last.from_status, last.to_status, last.actor) == ("queued", "failed", None)
    assert last.note == "The import was interrupted."
    imports.ledger_run(queued.pk)  # the task arrives late: nothing more happens
    assert len(moves(queued)) == 2
    assert not Resident.objects.exists()


def test_a_move_the_lifecycle_does_not_allow_is_refused(worker, world):
    post(worker, ledger_bytes([person(world.a1, 1)]))
    imp = LedgerImport.objects.get()
    with pytest.raises(ValueError, match="does not move from done to queued"):
        imports._move(imp, LedgerImportStatus.QUEUED)
    assert not imports.ledger_discard(imp=imp, by=world.worker_a)  # done: not waiting
    imp.refresh_from_db()
    assert imp.status == LedgerImportStatus.DONE and len(moves(imp)) == 4
