"""Bulk provisioning from Excel: a good sheet adds every device and answers their tokens
once (only digests kept, the hand-out audited as an export); a sheet with any bad row
adds nothing and says what is wrong, row by row."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from linli.audit.models import AuditEntry
from linli.devices import sheet
from linli.devices.models import Device
from linli.devices.tokens import token_digest
from linli.testing.http import (
    body,
    english_client,  # noqa: F401 (the English `client`)
    get,
    post,
    problem_of,
    text,
)

pytestmark = pytest.mark.django_db


def upload(*rows, headers=sheet.HEADERS, name="设备.xlsx"):
    wb = Workbook()
    ws = wb.active
    ws.title = sheet.SHEET
    ws.append(headers)
    for row in rows:
        ws.append(list(row))
    out = BytesIO()
    wb.save(out)
    return {"file": SimpleUploadedFile(name, out.getvalue())}


def test_the_template_is_a_sheet_to_fill_in(world, client):
    answer = get(client, world.worker_a, "/devices/import/template/")
    wb = load_workbook(BytesIO(body(answer)))
    assert wb.sheetnames == [sheet.SHEET, sheet.HELP_SHEET]
    assert [c.value for c in wb[sheet.SHEET][1]] == sheet.HEADERS
    assert "烟感探测器" in str([c.value for row in wb[sheet.HELP_SHEET] for c in row])


def test_a_good_sheet_adds_every_device_and_answers_their_tokens_once(world, client, home):
    a1 = world.a1.code
    answer = post(
        client,
        world.worker_a,
        "/devices/import/",
        upload(
            [a1, "YG-1", "1单元烟感", "烟感探测器", "1号楼", 1, "101"],
            [a1, "SB-1", "水表", "water-meter", "", "", "", "117.87", "36.8"],
        ),
    )
    assert answer.status_code == 200
    rows = list(load_workbook(BytesIO(body(answer))).active.iter_rows(values_only=True))
    assert rows[0] == ("网格代码", "设备编号", "名称", "设备类型", "访问令牌")
    tokens = {row[1]: row[4] for row in rows[1:]}
    for key, token in tokens.items():
        assert Device.objects.get(key=key).token_hash == token_digest(token)
    assert Device.objects.get(key="YG-1").house == home.house
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.details["rows"] == 2 and entry.actor == world.worker_a
    assert not any(token in str(entry.details) for token in tokens.values())


def test_one_bad_row_and_nothing_is_added(world, client, home, detector):
    a1 = world.a1.code
    answer = post(
        client,
        world.worker_a,
        "/devices/import/",
        upload(
            [a1, "YG-1", "好设备", "烟感探测器"],
            [world.b1.code, "YG-2", "别人网格", "烟感探测器"],
            [a1, "YG-1", "重复", "烟感探测器"],
            [a1, detector.key, "已存在", "toaster"],
            [a1, "YG-5", "", "烟感探测器", "9号楼"],
            [a1, "YG-6", "坐标", "烟感探测器", "", "", "", "500", "36.8"],
        ),
    )
    assert answer.status_code == 422
    shown = text(answer)
    assert "no device was added" in shown
    for expected in [
        "3 网格代码 Not a grid where you may add devices.",
        "4 设备编号 This number appears twice in the file.",
        "5 设备编号 A device with this number exists already.",
        "5 设备类型 Unknown device profile.",
        "6 名称 Required.",
        "6 楼栋 No building of this name in the grid.",
        "7 经度 Give both, as decimal degrees.",
    ]:
        assert expected in shown, expected
    assert Device.objects.count() == 1  # the detector only: the good row was not added either


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")},
            "This is not an Excel workbook",
        ),
        (upload(["a", "b"], headers=["网格代码", "设备编号"]), "Columns missing: 名称、设备类型"),
        (upload(), "The file holds no rows."),
    ],
)
def test_a_file_that_is_not_a_device_sheet_is_refused_whole(world, client, data, message):
    answer = post(client, world.worker_a, "/devices/import/", data)
    assert answer.status_code == 422 and message in text(answer)
    assert not Device.objects.exists()


def test_only_those_who_register_devices_import_them(world, client):
    data = upload([world.a1.code, "YG-1", "烟感", "烟感探测器"])
    assert post(client, world.grid_worker_a1, "/devices/import/", data).status_code == 403
    assert not Device.objects.exists()


def test_an_oversize_file_is_dropped_with_a_reason(world, client):
    big = SimpleUploadedFile("big.xlsx", b"PK" + b"0" * (sheet.MAX_FILE_BYTES + 10))
    answer = post(client, world.worker_a, "/devices/import/", {"file": big})
    assert answer.status_code == 422 and "The file is larger than 2 MB." in text(answer)


def test_the_api_imports_all_or_nothing(world, client):
    client.force_login(world.worker_a)
    bad = upload(
        [world.a1.code, "YG-1", "烟感", "烟感探测器"], [world.b1.code, "YG-2", "烟感", "x"]
    )
    answer = client.post("/api/v1/devices/import", bad, HTTP_ACCEPT_LANGUAGE="en")
    errors = {e["field"]: e["message"] for e in problem_of(answer, 422)["errors"]}
    assert errors == {
        "rows.3.网格代码": "Not a grid where you may add devices.",
        "rows.3.设备类型": "Unknown device profile.",
    }
    assert not Device.objects.exists()
    good = upload([world.a1.code, "YG-1", "烟感", "烟感探测器"])
    answer = client.post("/api/v1/devices/import", good, HTTP_ACCEPT_LANGUAGE="en")
    rows = list(load_workbook(BytesIO(body(answer))).active.iter_rows(values_only=True))
    assert Device.objects.get(key="YG-1").token_hash == token_digest(rows[1][4])


def test_the_device_list_exports_as_a_device_sheet(world, client, detector, next_door):
    answer = get(client, world.worker_a, "/devices/export/?q=YG")
    rows = list(load_workbook(BytesIO(body(answer))).active.iter_rows(values_only=True))
    assert list(rows[0][: len(sheet.HEADERS)]) == sheet.HEADERS
    assert [row[1] for row in rows[1:]] == ["YG-A-0001"]  # not next door's
    assert rows[1][3] == "烟感探测器" and rows[1][4] == "1号楼" and rows[1][11] == "离线"
    assert detector.token_hash not in str(rows)
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.object_type == "devices.device" and entry.details["rows"] == 1

    client.force_login(world.worker_a)
    api = client.get("/api/v1/devices/export", {"online": "false"}, HTTP_ACCEPT_LANGUAGE="en")
    assert len(list(load_workbook(BytesIO(body(api))).active.iter_rows())) == 2
