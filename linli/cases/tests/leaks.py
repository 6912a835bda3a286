"""Community B for the leak test: cases in every stage a step leaves from, a photo,
a routing rule.

Open cases' summaries (code, category, description, stage) are public by design:
anyone reporting is shown similar open cases nearby to "+1" (and Open311 lists
them). What is private about a case is marked: the caller's name, the staff's notes.
B's routing rules are B's configuration.
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.cases import services
from linli.cases.choices import Source
from linli.cases.models import Category, RoutingRule, RoutingTarget
from linli.testing.cases import png
from linli.testing.leaks import Leaks, Send

CALLER, STAFF_NOTE, RULE = "市南泄漏来电人", "市南泄漏处置说明", "市南泄漏派遣规则"
PHONE = "13953300078"


def community_b(world, made) -> Leaks:
    grid, worker = world.b1, world.worker_b
    call = {
        "category": Category.objects.get(code="manhole-cover"),
        "description": "井盖缺失，正阳路9号门前",
        "source": Source.HOTLINE,
        "region": grid,
        "address": "正阳路9号",
        "by": None,
    }
    accepted = services.case_accept(
        case=services.case_report(**call, reporter_name=CALLER, reporter_phone=PHONE),
        by=None,
        note=STAFF_NOTE,
    )
    reported = services.case_report(**call)
    dispatched = _dispatched(call, worker)
    handled = services.case_finish(case=_dispatched(call, worker), by=worker, note="已补装井盖")
    resident_call = call | {"source": Source.RESIDENT, "by": worker}
    closed = services.case_close(
        case=services.case_finish(case=_dispatched(resident_call, worker), by=worker, note="已修"),
        by=None,
    )
    photo = services.case_photo_add(
        case=accepted, upload=SimpleUploadedFile("p.png", png((2, 2))), by=worker
    )
    rule = RoutingRule.objects.create(name=RULE, region=world.b, target=RoutingTarget.GRID_WORKER)
    category = call["category"]

    def step(case, name: str, by="subdistrict_admin", **fields) -> dict:
        """A step's two forms: the case page's (prefixed fields) and the API's."""
        console = {f"{name}-{key}": value for key, value in fields.items()}
        console[f"{name}-version"] = case.version
        return {
            ("post", f"cases:case-{name}"): Send(f"/cases/{case.pk}/{name}/", console, by=by),
            ("post", f"api:case-{name}"): Send(
                f"/api/v1/cases/{case.pk}/{name}",
                _api_fields(name, fields, worker),
                by=by,
                expect=200,
            ),
        }

    return Leaks(
        objects={
            "case": [accepted, reported, dispatched, handled, closed],
            "casephoto": [photo],
            "routingrule": [rule],
        },
        markers=[CALLER, STAFF_NOTE, RULE],
        urls={
            "cases:case-photo": [f"/cases/{accepted.pk}/photos/{photo.pk}/"],
            "api:case-photo": [f"/api/v1/cases/{accepted.pk}/photos/{photo.pk}"],
            # not chosen for the tracking page: 404 like another community's
            "report:track-photo": [f"/report/{accepted.code}/photos/{photo.pk}/"],
        },
        shows_divisions={"report:report"},
        sends={
            **step(reported, "accept"),
            **step(reported, "reject", note="重复上报"),
            **step(reported, "merge", into=accepted.code),
            **step(accepted, "dispatch", assignee=worker.pk),
            **step(dispatched, "start", by="worker_b"),
            **step(dispatched, "finish", by="worker_b", note="已处理"),
            **step(handled, "close"),
            **step(handled, "return", note="井盖松动，重新安装"),
            **step(closed, "rate", by="worker_b", rating=5, note="满意"),
            **step(closed, "reopen", note="井盖又丢了"),
            ("post", "cases:case-support"): Send(f"/cases/{accepted.pk}/support/"),
            ("post", "api:case-support"): Send(
                f"/api/v1/cases/{accepted.pk}/support", anyone=True, adds_to_b=True, expect=200
            ),
            ("post", "cases:case-photo-add"): Send(
                f"/cases/{accepted.pk}/photos/", lambda: {"photo": _photo()}
            ),
            ("post", "api:case-photo-add"): Send(
                f"/api/v1/cases/{accepted.pk}/photos", lambda: {"photo": _photo()}, expect=201
            ),
            ("post", "cases:case-report"): Send(
                "/cases/new/",
                {
                    "category": category.pk,
                    "region_code": grid.code,
                    "address": "正阳路15号",
                    "description": "路面塌陷",
                    "source": Source.HOTLINE,
                    "request_key": "leak-test-console",
                },
            ),
            ("post", "api:case-report"): Send(
                "/api/v1/cases",
                {
                    "category": category.code,
                    "region_code": grid.code,
                    "address": "正阳路15号",
                    "description": "路面塌陷",
                    "source": Source.HOTLINE,
                },
                expect=201,
            ),
            ("post", "report:report"): Send(
                "/report/",
                {
                    "category": category.pk,
                    "description": "正阳路16号井盖缺失",
                    "community": world.b.code,
                    "address": "正阳路16号",
                    "request_key": "leak-test-public",
                },
                anyone=True,
                adds_to_b=True,
            ),
            ("post", "report:code-send"): Send(
                "/report/code/", {"phone": "13953300079", "purpose": "report"}, anyone=True
            ),
            ("post", "report:track"): Send(
                f"/report/{closed.code}/", {"rating": 4}, anyone=True, by="worker_b"
            ),
            ("post", "cases:category-limits"): Send(
                f"/cases/settings/categories/{category.pk}/",
                {f"c{category.pk}-{k}": v for k, v in _limits(category).items()},
                by="district_admin",
            ),
            ("post", "cases:category-questions"): Send(
                f"/cases/settings/categories/{category.pk}/questions/",
                {"questions": "[]"},
                by="district_admin",
            ),
            ("post", "cases:rule-create"): Send(
                "/cases/settings/rules/",
                {"name": "市南井盖", "region": world.b.pk, "target": "grid_worker"},
            ),
            ("post", "cases:rule-deactivate"): Send(f"/cases/settings/rules/{rule.pk}/off/"),
        },
    )


def _dispatched(call: dict, worker):
    """A case reported, accepted and dispatched to B's worker."""
    case = services.case_accept(case=services.case_report(**call), by=None)
    return services.case_dispatch(case=case, to=worker, by=None)


def _api_fields(name: str, fields: dict, worker) -> dict:
    """A step's fields as the API names them."""
    out = dict(fields)
    if name == "dispatch":
        out["assignee"] = worker.username
    if name == "rate":
        out["comment"] = out.pop("note")
    return out


def _limits(category: Category) -> dict:
    """The category's limits, one hour longer to accept, as its settings row posts them."""
    limits = {name: getattr(category, name) for name in Category.LIMITS}
    limits["accept_hours"] += 1
    return {k: ("on" if v is True else "" if v is False else v) for k, v in limits.items()}


def _photo() -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{timezone.now():%H%M%S%f}.png", png(), content_type="image/png")
