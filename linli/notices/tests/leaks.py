"""Community B for the leak test: notices for B in each state (a draft, two awaiting
approval, a published one for B's residents and community workers, with a picture
and an attachment) and a valid request for every route of notices that changes
something. Topics are district-wide; following them is one's own."""

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.notices import services
from linli.notices.models import Topic
from linli.testing.leaks import Leaks, Send

MARKERS = ["市南泄漏通知"]
API = "/api/v1"


def _jpeg() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (20, 20), "blue").save(out, format="JPEG")
    return SimpleUploadedFile("b.jpg", out.getvalue(), content_type="image/jpeg")


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("b.pdf", b"%PDF-1.4\ntrailer<<>>\n%%EOF\n")


def community_b(world, made) -> Leaks:
    topic = Topic.objects.get(code="community")

    def notice(title: str, *, state: str = "draft", **fields):
        found = services.notice_create(
            region=world.b,
            title=title,
            body="<p>市南社区专用</p>",
            topic=topic,
            by=world.worker_b,
            **fields,
        )
        if state in ("review", "published"):
            found = services.notice_submit(notice=found, by=world.worker_b)
        if state == "published":
            found = services.notice_approve(notice=found, by=world.subdistrict_admin)
        return found

    draft = notice(MARKERS[0])
    review, review2 = (
        notice("市南泄漏通知待审", state="review"),
        notice("市南泄漏通知二", state="review"),
    )
    shown = notice(
        "市南泄漏通知已发",
        state="published",
        roles=["community_worker", "resident"],
        images=[_jpeg()],
        attachments=[_pdf()],
    )
    pin2 = notice("市南泄漏通知置顶", state="published")
    d, r, r2, p, p2 = draft.pk, review.pk, review2.pk, shown.pk, pin2.pk
    sends = {
        ("post", "notices:create"): Send(
            "/notices/new/",
            {
                "region_code": world.b.code,
                "title": "新通知",
                "topic": topic.pk,
                "urgency": "normal",
            },
        ),
        ("post", "notices:edit"): Send(
            f"/notices/{d}/edit/", {"title": "改过的通知", "topic": topic.pk, "urgency": "normal"}
        ),
        ("post", "notices:move"): Send(f"/notices/{r}/approve/"),
        ("post", "notices:topics"): Send(
            "/notices/for-me/topics/", {"topics": [topic.pk]}, anyone=True
        ),
        ("post", "api:notice-create"): Send(
            f"{API}/notices",
            {"region_code": world.b.code, "title": "新通知", "topic": "community"},
            expect=201,
        ),
        ("patch", "api:notice-update"): Send(f"{API}/notices/{d}", {"title": "改名"}, expect=200),
        ("post", "api:notice-images-add"): Send(
            f"{API}/notices/{d}/images", lambda: {"files": _jpeg()}, expect=201
        ),
        ("post", "api:notice-attachments-add"): Send(
            f"{API}/notices/{d}/attachments", lambda: {"files": _pdf()}, expect=201
        ),
        ("post", "api:notice-submit"): Send(f"{API}/notices/{d}/submit", expect=200),
        ("post", "api:notice-return"): Send(
            f"{API}/notices/{r2}/return", {"note": "请补充"}, expect=200
        ),
        ("post", "api:notice-approve"): Send(f"{API}/notices/{r2}/approve", expect=200),
        ("post", "api:notice-withdraw"): Send(
            f"{API}/notices/{p}/withdraw", {"note": "撤回"}, expect=200
        ),
        ("post", "api:notice-pin"): Send(f"{API}/notices/{p2}/pin", {"pinned": True}, expect=200),
        ("post", "api:notice-read"): Send(f"{API}/my-notices/{p}/read", by="worker_b", expect=200),
        ("post", "api:topic-create"): Send(
            f"{API}/notice-topics",
            {"code": "fire", "name": "消防"},
            by="district_admin",
            expect=201,
        ),
        ("patch", "api:topic-update"): Send(
            f"{API}/notice-topics/{topic.pk}", {"order": 1}, by="district_admin", expect=200
        ),
        ("post", "notices:topic-list"): Send(
            "/notices/topics/",
            {"code": "fire", "name": "消防", "order": 5},
            by="district_admin",
        ),
        ("post", "notices:topic-rename"): Send(
            f"/notices/topics/{topic.pk}/",
            {f"t{topic.pk}-name": "社区事务", f"t{topic.pk}-order": 1},
            by="district_admin",
        ),
        ("post", "notices:topic-active"): Send(
            f"/notices/topics/{topic.pk}/active/", {"active": "0"}, by="district_admin"
        ),
        ("put", "api:topics-follow"): Send(
            f"{API}/my-topics", {"topics": ["community"]}, anyone=True, expect=200
        ),
    }
    return Leaks(
        objects={"notice": [draft, review, review2, shown, pin2]},
        markers=MARKERS,
        sends=sends,
        searches=["?q=市南泄漏"],
    )
