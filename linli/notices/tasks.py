"""Notices' background work: the scheduler's publishing and expiring (periodic
`notices-due`, every minute) and an urgent notice's alert (after its publishing
commits)."""

from django.conf import settings
from django.db.models import Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from linli.core.sms import backend as sms_backend
from linli.notices import audience
from linli.notices.choices import TEXTED_LABEL, NoticeState
from linli.notices.models import Notice
from linli.notifications.services import notify
from linli.registry.labels import derived_label_q


@task()
def notices_due() -> None:
    from linli.notices.services import notices_due as due

    due()


@task()
def notice_count_audience(notice_id: int) -> None:
    """A notice just published: its audience counted once, for its read receipts."""
    from linli.notices.services import notice_count_audience as count

    notice = Notice.objects.select_related("region").filter(pk=notice_id).first()
    if notice is not None and notice.state == NoticeState.PUBLISHED:
        count(notice=notice)


@task()
def notice_alert(notice_id: int) -> None:
    """An urgent notice, once: its readers' accounts and staff audience hear of it in
    the console's centre and through the deployment's senders (email…), and the
    elders living alone in its audience get a text message at their registry number.
    The notice is claimed first (`alerted_at`), so a task run twice sends nothing twice."""
    claimed = Notice.objects.filter(
        pk=notice_id, state=NoticeState.PUBLISHED, alerted_at__isnull=True
    ).update(alerted_at=timezone.now())
    if not claimed:
        return
    notice = Notice.objects.select_related("region").get(pk=notice_id)
    url = reverse("notices:read", args=[notice.pk])
    users = [*audience.resident_accounts(notice), *audience.audience_staff(notice)]
    notify(users=users, kind="notice-urgent", title=f"【紧急】{notice.title}", url=url)
    text = f"【紧急通知】{notice.title} {settings.LINLI_SITE_URL}{url}"
    texted = (
        audience.audience_residents(notice)
        .filter(derived_label_q(TEXTED_LABEL), ~Q(phone=None))
        .only("pk", "phone")
    )
    sender = sms_backend()
    for resident in texted.iterator(chunk_size=500):
        if resident.phone:
            try:
                sender.send(resident.phone, text)
            except OSError:  # the gateway refused: the others still get theirs
                continue
