"""Exports written in the background: the residents ledger above BACKGROUND_ROWS rows,
followed in the console and the API, kept for a day for the person who asked only."""

import base64
from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.tasks.signals import task_finished
from django.utils import timezone
from openpyxl import load_workbook

from linli.accounts import services as services_accounts
from linli.accounts.models import RoleGrant
from linli.audit.models import AuditEntry
from linli.core.permissions import Role
from linli.exports import services
from linli.exports.choices import ExportStatus
from linli.exports.models import Export
from linli.notifications.models import Notification
from linli.registry.models import Resident
from linli.testing.http import EN, body, call_api, get, problem_of
from linli.testing.registry import move_in, place

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
PHONE = "13953301234"


@pytest.fixture
def residents(world, monkeypatch):
    """Three residents in A, one in B; exports above one row go to the background."""
    home = place(world.a1).household
    move_in(home, name="张卫东", phone=PHONE)
    move_in(home, name="李桂兰", relation="spouse", sex="female")
    move_in(home, name="张小明", relation="child")
    move_in(place(world.b1).household, name="欧阳市南")
    monkeypatch.setattr(services, "BACKGROUND_ROWS", 1)
    monkeypatch.setattr("linli.exports.writer.PROGRESS_EVERY", 1)


def names_in(content):
    sheet = load_workbook(BytesIO(content)).active
    return sorted(row[7] for row in sheet.iter_rows(min_row=2, values_only=True))


def ask(client, user, query=""):
    """The console's export of the residents list; the export it queued."""
    response = get(client, user, f"/registry/export/{query}")
    export = Export.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == f"/exports/{export.pk}/"
    return export


def test_a_large_export_waits_for_the_worker_on_a_page_that_polls(client, world, residents):
    export = ask(client, world.worker_a)

    assert (export.status, export.total_rows, export.written_rows) == ("queued", 3, 0)
    page = get(client, world.worker_a, f"/exports/{export.pk}/").content.decode()
    assert 'hx-trigger="every 2s"' in page and "0 of 3 rows written" in page
    assert not AuditEntry.objects.filter(action="export").exists(), "nothing exported yet"
    assert get(client, world.worker_a, f"/exports/{export.pk}/file").status_code == 404


def test_the_worker_writes_it_once_audits_it_and_tells_the_person(
    client, world, residents, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    ran = []

    def finished(sender, task_result, **kwargs):
        ran.append(task_result.task.name)

    task_finished.connect(finished)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            export = ask(client, world.worker_a, "?q=张")
    finally:
        task_finished.disconnect(finished)

    assert ran[0] == "export_run"
    export.refresh_from_db()
    assert (export.status, export.written_rows, export.percent) == ("done", 2, 100)
    assert export.query == {}, "the filter is kept only until the file is written"
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor == world.worker_a and entry.details["rows"] == 2
    assert entry.details["filter"] == {"q": "张"}
    told = Notification.objects.get(user=world.worker_a, kind="export-ready")
    assert told.url == f"/exports/{export.pk}/"
    fragment = get(client, world.worker_a, f"/exports/{export.pk}/", HTTP_HX_REQUEST="true")
    assert 'data-status="done"' in fragment.content.decode()
    assert "every 2s" not in fragment.content.decode()
    content = body(get(client, world.worker_a, f"/exports/{export.pk}/file"))
    assert names_in(content) == ["张卫东", "张小明"]
    assert PHONE not in str(load_workbook(BytesIO(content)).active["J2"].value)

    services.export_write(export.pk)  # a second worker, or the task run again
    assert AuditEntry.objects.filter(action="export").count() == 1


def test_only_the_person_who_asked_follows_it_or_fetches_it(client, world, residents):
    export = ask(client, world.worker_a)
    services.export_write(export.pk)
    for other in (world.worker_b, world.subdistrict_admin, world.platform_admin):
        assert get(client, other, f"/exports/{export.pk}/").status_code == 404
        assert get(client, other, f"/exports/{export.pk}/file").status_code == 404
        problem_of(call_api(client, other, "get", f"/exports/{export.pk}"), 404)
        problem_of(call_api(client, other, "get", f"/exports/{export.pk}/file"), 404)
    assert names_in(body(get(client, world.worker_a, f"/exports/{export.pk}/file"))) == [
        "张卫东",
        "张小明",
        "李桂兰",
    ]


def test_the_api_answers_202_with_the_export_to_follow(client, world, residents):
    response = call_api(client, world.worker_a, "get", "/registry/residents/export")
    assert response.status_code == 202
    queued = response.json()
    assert (queued["status"], queued["total_rows"], queued["file_url"]) == ("queued", 3, None)

    services.export_write(queued["id"])

    done = call_api(client, world.worker_a, "get", f"/exports/{queued['id']}").json()
    assert done["status"] == "done" and done["written_rows"] == 3
    assert done["file_url"] == f"/api/v1/exports/{queued['id']}/file"
    file = client.get(done["file_url"], **EN)
    assert names_in(body(file)) == ["张卫东", "张小明", "李桂兰"]


def test_someone_who_may_no_longer_export_gets_no_file(client, world, residents):
    export = ask(client, world.worker_a)
    RoleGrant.objects.filter(user=world.worker_a).update(revoked_at=timezone.now())

    services.export_write(export.pk)

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.content == ""
    assert Notification.objects.filter(user=world.worker_a, kind="export-failed").exists()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_files_are_deleted_after_a_day_and_forgotten_after_a_month(client, world, residents):
    written = ask(client, world.worker_a)
    services.export_write(written.pk)
    stuck = ask(client, world.worker_a, "?q=张")
    Export.objects.filter(pk=stuck.pk).update(status=ExportStatus.RUNNING)
    now = timezone.now()

    assert services.export_tidy(now + timedelta(hours=1)) == 0
    assert services.export_tidy(now + timedelta(hours=3)) == 1  # the worker died
    stuck.refresh_from_db()
    assert stuck.status == ExportStatus.FAILED
    assert Notification.objects.filter(user=world.worker_a, kind="export-failed").exists()
    assert services.export_tidy(now + timedelta(hours=25)) == 1

    written.refresh_from_db()
    assert (written.status, written.content) == (ExportStatus.EXPIRED, "")
    assert get(client, world.worker_a, f"/exports/{written.pk}/file").status_code == 404
    assert "was deleted" in get(client, world.worker_a, f"/exports/{written.pk}/").content.decode()
    assert services.export_tidy(now + timedelta(days=31)) == 2
    assert not Export.objects.exists()


def test_an_export_given_up_while_it_was_written_stays_given_up(
    client, world, residents, monkeypatch
):
    export = ask(client, world.worker_a)
    write = services._write

    def given_up_meanwhile(*args, **kwargs):  # the tidying runs while the worker writes
        written = write(*args, **kwargs)
        Export.objects.filter(pk=export.pk).update(status=ExportStatus.FAILED)
        return written

    monkeypatch.setattr(services, "_write", given_up_meanwhile)
    services.export_write(export.pk)

    export.refresh_from_db()
    assert export.status == ExportStatus.FAILED and export.content == ""
    assert not AuditEntry.objects.filter(action="export").exists()
    assert not Notification.objects.filter(kind="export-ready").exists()


def test_asking_again_while_it_is_written_follows_the_same_export(client, world, residents):
    first = ask(client, world.worker_a)
    assert ask(client, world.worker_a) == first
    assert ask(client, world.worker_a, "?q=张") != first
    assert Export.objects.count() == 2


def test_a_role_taken_away_after_asking_takes_the_file_away(client, world, residents):
    export = ask(client, world.worker_a)
    services.export_write(export.pk)
    services_accounts.grant_create(
        user=world.worker_a, role=Role.COMMUNITY_WORKER, region=world.b, by=None
    )
    wider = world.worker_a.grants.get(region=world.b)
    services_accounts.grant_revoke(grant=wider, by=world.subdistrict_admin)
    world.worker_a.refresh_from_db()

    assert get(client, world.worker_a, f"/exports/{export.pk}/file").status_code == 404


def test_the_file_is_kept_encrypted(world, residents, client):
    export = ask(client, world.worker_a)
    services.export_write(export.pk)

    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM exports_export WHERE id = %s", [export.pk])
        (stored,) = cursor.fetchone()
    zip_start = base64.b64encode(b"PK\x03\x04").decode()[:5]  # an xlsx is a zip file
    assert stored and zip_start not in stored
    assert Export.objects.get(pk=export.pk).content.startswith(zip_start)


def test_rows_are_read_in_batches_in_their_order(
    world, residents, monkeypatch, django_assert_num_queries
):
    monkeypatch.setattr(services, "BATCH", 2)
    found = Resident.objects.order_by("-name")
    expected = [r.name for r in found]
    with django_assert_num_queries(3):  # the keys, then two batches: no read left open
        assert [r.name for r in services._objects(found)] == expected
