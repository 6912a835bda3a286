"""Writing notices (sanitised text, files checked by content, nothing half-saved),
the state machine and its log, the approval level, the scheduler."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from linli.core.problems import Conflict
from linli.notices import services
from linli.notices.choices import NoticeState
from linli.notices.models import Notice, NoticeAttachment, NoticeImage, NoticeTransition
from linli.notices.tests.support import disguised, draft, jpeg, pdf, published, topic, xlsx

pytestmark = pytest.mark.django_db


def test_unsafe_html_is_removed_and_safe_tags_stay(world):
    notice = draft(
        world,
        body='<p onclick="steal()">请<strong>按时</strong>缴费</p><script>alert(1)</script>'
        '<style>p{}</style><a href="javascript:alert(1)">点我</a><a href="https://zc.gov.cn">官网</a>'
        "<img src=x onerror=alert(1)>",
    )
    assert "script" not in notice.body and "onclick" not in notice.body
    assert "style" not in notice.body and "javascript" not in notice.body
    assert "onerror" not in notice.body and "<img" not in notice.body
    assert "<strong>按时</strong>" in notice.body
    assert 'href="https://zc.gov.cn"' in notice.body


def test_plain_text_keeps_its_paragraphs_and_lines(world):
    """Typed without tags, as most notices are: a blank line starts a paragraph, a
    line break stays; the characters of HTML are text, not tags."""
    notice = draft(
        world, body="各位居民：\r\n\r\n本周六停水。\n请提前储水 & 关好水龙头\n\n\n车站社区居委会"
    )
    assert notice.body == (
        "<p>各位居民：</p><p>本周六停水。<br>请提前储水 &amp; 关好水龙头</p><p>车站社区居委会</p>"
    )


def test_pictures_and_documents_are_kept_when_their_content_is_right(world):
    notice = draft(world, images=[jpeg()], attachments=[pdf(), xlsx()])
    assert notice.images.get().content_type == "image/jpeg"
    names = sorted(notice.attachments.values_list("name", flat=True))
    assert names == ["名单.xlsx", "通知.pdf"]


@pytest.mark.parametrize(
    "files, field",
    [
        ({"attachments": [disguised()]}, "attachments"),
        ({"images": [disguised("photo.jpg")]}, "images"),
        ({"images": [jpeg() for _ in range(10)]}, "images"),
        ({"attachments": [pdf() for _ in range(6)]}, "attachments"),
    ],
)
def test_wrong_files_are_refused_and_nothing_is_saved(world, files, field):
    with pytest.raises(ValidationError) as refused:
        draft(
            world,
            attachments=[pdf()] if field == "images" else files.get("attachments", []),
            images=files.get("images", []),
        )
    assert field in refused.value.message_dict
    assert not Notice.objects.exists()
    assert not NoticeImage.objects.exists() and not NoticeAttachment.objects.exists()


def test_a_notice_is_written_for_a_community_or_above_where_one_writes(world, english):
    with pytest.raises(ValidationError, match="city, district, subdistrict or community"):
        draft(world, region=world.a1)
    with pytest.raises(PermissionDenied):
        draft(world, region=world.b)  # worker A writes nothing for community B
    with pytest.raises(PermissionDenied):
        draft(world, region=world.subdistrict)  # nor for the whole subdistrict
    with pytest.raises(ValidationError, match="Give the notice a title"):
        draft(world, title="   ")
    assert not Notice.objects.exists()


def test_the_workflow_moves_step_by_step_and_logs_each_move(world):
    notice = draft(world)
    services.notice_submit(notice=notice, by=world.worker_a)
    services.notice_return(notice=notice, by=world.subdistrict_admin, note="请写明停水范围")
    services.notice_update(notice=notice, by=world.worker_a, body="<p>1号楼、2号楼停水。</p>")
    services.notice_submit(notice=notice, by=world.worker_a)
    services.notice_approve(notice=notice, by=world.subdistrict_admin)
    services.notice_withdraw(notice=notice, by=world.subdistrict_admin, note="已恢复供水")
    log = list(
        NoticeTransition.objects.filter(notice=notice).values_list("from_state", "to_state", "note")
    )
    assert log == [
        ("", "draft", ""),
        ("draft", "review", ""),
        ("review", "draft", "请写明停水范围"),
        ("draft", "review", ""),
        ("review", "published", ""),
        ("published", "withdrawn", "已恢复供水"),
    ]


def test_invalid_moves_are_refused_with_a_clear_message(world, english):
    notice = draft(world)
    with pytest.raises(Conflict, match="This notice is Draft: that step is not possible now"):
        services.notice_approve(notice=notice, by=world.subdistrict_admin)
    with pytest.raises(Conflict, match="Draft"):
        services.notice_withdraw(notice=notice, by=world.subdistrict_admin, note="x")
    services.notice_submit(notice=notice, by=world.worker_a)
    with pytest.raises(Conflict, match="Awaiting approval"):
        services.notice_update(notice=notice, by=world.worker_a, title="改")
    with pytest.raises(ValidationError, match="someone other than its author"):
        services.notice_approve(notice=notice, by=world.worker_a)
    with pytest.raises(ValidationError, match="reason"):
        services.notice_withdraw(notice=notice, by=world.subdistrict_admin, note=" ")
    assert Notice.objects.get().state == NoticeState.REVIEW
    assert NoticeTransition.objects.count() == 2


def test_a_subdistrict_notice_is_approved_at_the_subdistrict_not_below(world, english):
    notice = draft(world, region=world.subdistrict, by=world.subdistrict_admin)
    services.notice_submit(notice=notice, by=world.subdistrict_admin)
    with pytest.raises(PermissionDenied, match="only someone who may do this for all of it"):
        services.notice_approve(notice=notice, by=world.worker_a)  # a community below
    with pytest.raises(PermissionDenied):
        services.notice_approve(notice=notice, by=world.other_subdistrict_admin)
    assert Notice.objects.get().state == NoticeState.REVIEW
    approved = services.notice_approve(notice=notice, by=world.district_admin)
    assert approved.state == NoticeState.PUBLISHED and approved.published_at


def test_the_scheduler_publishes_and_expires_on_time(world):
    now = timezone.now()
    later = draft(world, publish_at=now + timedelta(hours=1), expire_at=now + timedelta(hours=3))
    services.notice_submit(notice=later, by=world.worker_a)
    assert services.notice_approve(notice=later, by=world.subdistrict_admin).state == "scheduled"
    assert services.notices_due(now=now) == (0, 0)
    assert services.notices_due(now=now + timedelta(hours=1, seconds=1)) == (1, 0)
    assert Notice.objects.get().state == NoticeState.PUBLISHED
    assert services.notices_due(now=now + timedelta(hours=2)) == (0, 0)
    assert services.notices_due(now=now + timedelta(hours=3)) == (0, 1)
    moves = list(NoticeTransition.objects.filter(notice=later).values_list("to_state", "actor"))
    assert moves[-2:] == [("published", None), ("expired", None)]


def test_an_expiry_before_publishing_is_refused(world):
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        draft(world, publish_at=now + timedelta(days=2), expire_at=now + timedelta(days=1))
    assert "expire_at" in refused.value.message_dict


def test_pinning_needs_a_published_notice(world):
    notice = draft(world)
    with pytest.raises(Conflict):
        services.notice_pin(notice=notice, pinned=True, by=world.subdistrict_admin)
    notice = published(world, title="第二条")
    assert services.notice_pin(notice=notice, pinned=True, by=world.worker_a).pinned


def test_buildings_must_lie_in_the_notices_region(world, homes):
    with pytest.raises(ValidationError) as refused:
        draft(world, buildings=[homes.b.building])
    assert "buildings" in refused.value.message_dict
    assert topic().name == "社区服务"
