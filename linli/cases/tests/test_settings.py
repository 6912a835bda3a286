"""Configuring the case engine in the console: routing rules per region, category
time limits district-wide; each change audited; nothing outside one's scope."""

import json

import pytest

from linli.audit.models import AuditEntry
from linli.cases.models import RoutingRule, RoutingTarget
from linli.core.permissions import Role
from linli.testing.http import get, post, text


def limits(category, **changes) -> dict:
    fields = {
        "accept_hours": category.accept_hours,
        "dispatch_hours": category.dispatch_hours,
        "handle_hours": category.handle_hours,
        "verify_hours": category.verify_hours,
        "working_hours": "on" if category.working_hours else "",
        "active": "on" if category.active else "",
    } | changes
    return {f"c{category.pk}-{name}": value for name, value in fields.items() if value != ""}


def test_it_is_for_those_who_configure(client, world):
    assert get(client, world.worker_a, "/cases/settings/").status_code == 403
    assert get(client, world.subdistrict_admin, "/cases/settings/").status_code == 200


def test_a_district_admin_changes_a_time_limit(client, world, manhole):
    response = post(
        client,
        world.district_admin,
        f"/cases/settings/categories/{manhole.pk}/",
        limits(manhole, handle_hours=12, working_hours=""),
    )

    assert response.status_code == 302
    manhole.refresh_from_db()
    assert (manhole.handle_hours, manhole.working_hours) == (12, False)
    entry = AuditEntry.objects.filter(object_type="cases.category").get()
    assert entry.details["changed"]["handle_hours"] == [4, 12]


def test_a_subdistrict_admin_may_not_change_district_policy(client, world, manhole):
    page = text(get(client, world.subdistrict_admin, "/cases/settings/"))
    assert "井盖" in page  # sees the limits

    response = post(
        client,
        world.subdistrict_admin,
        f"/cases/settings/categories/{manhole.pk}/",
        limits(manhole, handle_hours=1),
    )

    assert response.status_code == 403
    manhole.refresh_from_db()
    assert manhole.handle_hours != 1


def test_a_bad_limit_is_refused_with_its_message(client, world, manhole):
    response = post(
        client,
        world.district_admin,
        f"/cases/settings/categories/{manhole.pk}/",
        limits(manhole, handle_hours=-3),
    )

    assert response.status_code == 422
    assert "greater than or equal to 0" in text(response)
    manhole.refresh_from_db()
    assert manhole.handle_hours == 4


def rule_data(world, **changes) -> dict:
    return {
        "name": "车站社区井盖 → 网格员",
        "region": world.a.pk,
        "target": RoutingTarget.GRID_WORKER,
    } | changes


def test_a_subdistrict_admin_adds_a_rule_in_their_subdistrict(client, world, manhole):
    handler = world.person("zhujian", Role.DEPARTMENT_HANDLER, world.district.code)

    response = post(
        client,
        world.subdistrict_admin,
        "/cases/settings/rules/",
        rule_data(world, category=manhole.pk, target=RoutingTarget.HANDLER, handler=handler.pk),
    )

    assert response.status_code == 302
    rule = RoutingRule.objects.get()
    assert (rule.region, rule.category, rule.handler) == (world.a, manhole, handler)
    assert AuditEntry.objects.filter(
        object_type="cases.routingrule", action="record_create"
    ).exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"target": RoutingTarget.HANDLER}, "Name the handler"),
        ({"starts_at": "08:00"}, "both times of day"),
        ({"name": ""}, "This field is required"),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_saved(client, world, changes, message):
    response = post(
        client, world.subdistrict_admin, "/cases/settings/rules/", rule_data(world, **changes)
    )

    assert response.status_code == 422
    assert message in text(response)
    assert not RoutingRule.objects.exists()


def test_a_handler_who_cannot_handle_there_is_refused(client, world):
    response = post(
        client,
        world.district_admin,
        "/cases/settings/rules/",
        rule_data(world, target=RoutingTarget.HANDLER, handler=world.worker_b.pk),
    )

    assert response.status_code == 422
    assert "cannot handle cases here" in text(response)


def test_rules_elsewhere_are_neither_shown_nor_switched_off(client, world):
    theirs = RoutingRule.objects.create(
        name="大街街道规则", region=world.other_subdistrict, target=RoutingTarget.GRID_WORKER
    )

    assert "大街街道规则" not in text(get(client, world.subdistrict_admin, "/cases/settings/"))
    assert (
        post(
            client, world.subdistrict_admin, f"/cases/settings/rules/{theirs.pk}/off/", {}
        ).status_code
        == 404
    )
    theirs.refresh_from_db()
    assert theirs.active

    assert (
        post(
            client, world.other_subdistrict_admin, f"/cases/settings/rules/{theirs.pk}/off/", {}
        ).status_code
        == 302
    )
    theirs.refresh_from_db()
    assert not theirs.active


def test_the_district_edits_a_categorys_questions_as_json(client, world, manhole):
    url = f"/cases/settings/categories/{manhole.pk}/questions/"
    page = get(client, world.district_admin, url).content.decode()
    assert "&quot;code&quot;" in page and "\n" in page  # the current ones, indented
    bad = post(
        client, world.district_admin, url, {"questions": '[{"code": "x", "datatype": "colour"}]'}
    )
    assert bad.status_code == 422 and "the type is one of" in text(bad)
    unparsable = post(client, world.district_admin, url, {"questions": "[{"})
    assert unparsable.status_code == 422
    for wrong in (
        '[{"code": "x", "description": "几个", "datatype": "singlevaluelist", "values": 5}]',
        '[{"code": "x", "description": "几个", "datatype": "number", "required": "yes"}]',
        '[{"code": "x", "description": 7, "datatype": "number"}]',
        '{"code": "x"}',
    ):
        assert post(client, world.district_admin, url, {"questions": wrong}).status_code == 422
    manhole.refresh_from_db()
    before = list(manhole.questions)
    asked = [
        {"code": "lane", "description": "占用几条车道", "datatype": "number", "required": True}
    ]
    done = post(
        client, world.district_admin, url, {"questions": json.dumps(asked, ensure_ascii=False)}
    )
    assert done.status_code == 302
    manhole.refresh_from_db()
    assert manhole.questions == asked
    entry = AuditEntry.objects.filter(action="record_update").latest("seq")
    assert entry.details["changed"]["questions"] == [before, asked]
    fragment = get(client, world.grid_worker_a1, f"/report/questions/?category={manhole.pk}")
    assert 'name="answers.lane"' in fragment.content.decode()
    # A subdistrict configures its routing, not the district's categories.
    assert get(client, world.subdistrict_admin, url).status_code == 403


def test_the_district_clears_a_categorys_questions(client, world, manhole):
    url = f"/cases/settings/categories/{manhole.pk}/questions/"
    assert manhole.questions, "the seeded manhole category asks something"

    for empty in ("[]", ""):
        manhole.questions = [{"code": "lane", "description": "几条车道", "datatype": "number"}]
        manhole.save(update_fields=["questions"])
        done = post(client, world.district_admin, url, {"questions": empty})

        assert done.status_code == 302
        manhole.refresh_from_db()
        assert manhole.questions == []
