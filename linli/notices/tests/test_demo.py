"""The demo notices: every level and state, the demo resident reads hers."""

import io

import pytest
from django.test import override_settings

from linli.accounts import demo as accounts_demo
from linli.accounts.models import User
from linli.notices import demo, selectors
from linli.notices.models import Notice, NoticeRead
from linli.regions import demo as regions_demo
from linli.registry import demo as registry_demo

pytestmark = pytest.mark.django_db


@override_settings(
    TASKS={"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
)
def test_the_demo_has_notices_at_every_level_read_by_the_demo_resident(
    django_capture_on_commit_callbacks,
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        regions_demo.seed(out)
        accounts_demo.seed(out)
        registry_demo.seed(out, residents=300)
        demo.seed(out)
        demo.seed(out)  # again: nothing more
    assert f"notices: {len(demo.NOTICES)} demo notices" in out.getvalue()
    assert Notice.objects.count() == len(demo.NOTICES)
    levels = set(Notice.objects.filter(state="published").values_list("region__level", flat=True))
    assert levels == {"city", "district", "subdistrict", "community"}
    states = set(Notice.objects.values_list("state", flat=True))
    assert states == {"published", "review", "draft", "scheduled", "withdrawn"}
    jumin = User.objects.get(username="jumin")
    mine = {n.title for n in selectors.notices_for(user=jumin)}
    assert "暴雪天气紧急通知：独居老人请勿外出" in mine and "市南社区停车位调整公告" not in mine
    assert NoticeRead.objects.filter(user=jumin, resident__isnull=False).count() >= 2
