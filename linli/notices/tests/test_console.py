"""The console's notice pages and the reader's pages: what people see, bad input on
the form, the buttons of the workflow, query counts pinned on the lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from linli.notices import services
from linli.notices.models import Notice
from linli.notices.tests.support import disguised, draft, published, topic
from linli.testing.http import EN, get, post, text

pytestmark = pytest.mark.django_db


def test_a_worker_writes_a_notice_and_an_admin_approves_it(client, world, homes):
    form = {
        "region_code": world.a.code,
        "title": "电梯检修",
        "topic": topic().pk,
        "urgency": "normal",
        "body": "<p>周三检修</p><script>x()</script>",
        "buildings": [homes.one.building.pk],
    }
    answer = post(client, world.worker_a, "/notices/new/", form)
    notice = Notice.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/notices/{notice.pk}/"
    page = text(get(client, world.worker_a, f"/notices/{notice.pk}/"))
    assert "电梯检修" in page and "Draft" in page and "Submit for approval" in page
    assert "x()" not in page and "1号楼" in page
    post(client, world.worker_a, f"/notices/{notice.pk}/submit/", {})
    post(client, world.subdistrict_admin, f"/notices/{notice.pk}/approve/", {})
    page = text(get(client, world.subdistrict_admin, f"/notices/{notice.pk}/"))
    assert "Published" in page and "0 of 1 residents have read it (0%)." in page
    assert "Withdraw" in page and "Pin" in page


def test_the_form_refuses_a_disguised_file_and_keeps_nothing(client, world):
    form = {
        "region_code": world.a.code,
        "title": "附件通知",
        "topic": topic().pk,
        "urgency": "normal",
        "attachments": [disguised()],
    }
    answer = post(client, world.worker_a, "/notices/new/", form)
    assert answer.status_code == 400
    assert "Attach a PDF, Word (.docx) or Excel (.xlsx) document." in text(answer)
    assert not Notice.objects.exists()


def test_a_wrong_step_says_why(client, world):
    notice = draft(world)
    client.force_login(world.subdistrict_admin)
    answer = client.post(f"/notices/{notice.pk}/approve/", follow=True, **EN)
    assert "This notice is Draft: that step is not possible now." in text(answer)
    subdistrict = draft(world, region=world.subdistrict, by=world.subdistrict_admin, title="街道")
    services.notice_submit(notice=subdistrict, by=world.subdistrict_admin)
    # A community worker does not even see the subdistrict's notice in the console.
    assert get(client, world.worker_a, f"/notices/{subdistrict.pk}/").status_code == 404


def test_outsiders_see_nothing_of_a_communitys_notices(client, world, homes):
    notice = published(world, title="车站停水")
    assert get(client, world.worker_b, f"/notices/{notice.pk}/").status_code == 404
    assert "车站停水" not in text(get(client, world.worker_b, "/notices/"))
    assert get(client, world.worker_b, f"/notices/for-me/{notice.pk}/").status_code == 404


def test_a_resident_reads_their_notices_and_follows_topics(client, world, homes):
    notice = published(world, title="停水通知")
    published(world, title="明日降温", topic=topic("weather"))
    page = text(get(client, world.resident_a, "/notices/for-me/"))
    assert "Unread (2)" in page and "停水通知" in page
    page = text(get(client, world.resident_a, f"/notices/for-me/{notice.pk}/"))
    assert "明日8时至12时停水。" in page
    assert "Unread (1)" in text(get(client, world.resident_a, "/notices/for-me/"))
    post(client, world.resident_a, "/notices/for-me/topics/", {"topics": [topic("weather").pk]})
    page = text(get(client, world.resident_a, "/notices/for-me/?followed=true"))
    assert "明日降温" in page and "停水通知" not in page


def _counts(client, world):
    counts = {}
    for user, url in [
        (world.worker_a, "/notices/"),
        (world.resident_a, "/notices/for-me/"),
        (world.worker_a, "/api/v1/notices"),
        (world.resident_a, "/api/v1/my-notices"),
    ]:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, **EN).status_code == 200
        counts[url] = len(queries)
    return counts


def test_lists_cost_a_fixed_number_of_queries(client, world, homes):
    published(world, title="一")
    few = _counts(client, world)
    for i in range(8):
        published(world, title=f"通知{i}", topic=topic("health"))
    assert _counts(client, world) == few


def test_topics_are_added_renamed_and_taken_out_of_use_in_the_console(world, client):
    """The topics page (notice.configure): a new topic, a duplicate or bad code refused
    by name with nothing saved, a rename, out of use and back; audited. A community
    worker (no notice.configure) is refused."""
    from linli.audit.models import AuditEntry
    from linli.notices.models import Topic
    from linli.notices.selectors import topics_active

    client.force_login(world.district_admin)
    assert "/notices/topics/" in client.get("/notices/").text
    page = client.get("/notices/topics/").content.decode()
    assert 'value="天气"' in page and 'value="社区服务"' in page  # each in its rename form
    count = Topic.objects.count()
    answer = client.post("/notices/topics/", {"code": "weather", "name": "气象", "order": 5})
    assert answer.status_code == 422 and Topic.objects.count() == count  # the code is taken
    answer = client.post("/notices/topics/", {"code": "不是代码", "name": "安全", "order": 5})
    assert answer.status_code == 422 and Topic.objects.count() == count
    answer = client.post("/notices/topics/", {"code": "safety", "name": "安全", "order": 5})
    assert answer.status_code == 302
    safety = Topic.objects.get(code="safety")
    taken = Topic.objects.get(code="weather").name
    answer = client.post(
        f"/notices/topics/{safety.pk}/", {f"t{safety.pk}-name": taken, f"t{safety.pk}-order": 5}
    )
    assert answer.status_code == 422  # the name is another topic's
    safety.refresh_from_db()
    assert safety.name == "安全"
    answer = client.post(
        f"/notices/topics/{safety.pk}/",
        {f"t{safety.pk}-name": "安全防范", f"t{safety.pk}-order": 7},
    )
    safety.refresh_from_db()
    assert answer.status_code == 302 and (safety.name, safety.order) == ("安全防范", 7)
    client.post(f"/notices/topics/{safety.pk}/active/", {"active": "0"})
    assert safety not in topics_active()
    listed = client.get("/notices/topics/").content.decode()
    assert 'value="安全防范"' in listed and "Use again" in listed  # still listed, out of use
    client.post(f"/notices/topics/{safety.pk}/active/", {"active": "1"})
    assert safety in topics_active()
    assert AuditEntry.objects.filter(object_id=str(safety.pk)).count() == 4

    client.force_login(world.worker_a)
    assert client.get("/notices/topics/").status_code in (403, 404)
    assert client.post(f"/notices/topics/{safety.pk}/active/", {"active": "0"}).status_code in (
        403,
        404,
    )
    assert "/notices/topics/" not in client.get("/notices/").text
