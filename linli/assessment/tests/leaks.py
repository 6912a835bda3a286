"""Community B for the leak test: two elders of B's grid, a confirmed assessment of
one and one awaiting its second assessor (B's community worker), both recorded by the
subdistrict admin; a valid request for every route that records or confirms one."""

from django.utils import timezone

from linli.assessment import services
from linli.assessment.models import Scale
from linli.testing.leaks import Leaks, Send
from linli.testing.registry import aged, move_in, place

API = "/api/v1"
MARKERS = ["孙泄漏", "钱泄漏", "市南泄漏照料站"]


def community_b(world, made) -> Leaks:
    services.scales_ensure_defaults()
    gb = Scale.objects.get(code="gbt-42195", active=True)
    d = gb.parsed
    best = {i.code: max(i.options, key=lambda o: o.score).code for i in d.items}
    home = place(world.b1, building="评估楼", number="301")
    elder = move_in(home.household, name=MARKERS[0], born=aged(81), sex="female")
    other = move_in(
        place(world.b1, building="评估楼", number="302").household,
        name=MARKERS[1],
        born=aged(72),
    )
    today = timezone.localdate()
    by, second = world.subdistrict_admin, world.worker_b

    def record(resident, total_down: int = 0):
        answers = dict(best)
        if total_down:
            answers["B1.3"] = "0"
        return services.assessment_create(
            resident=resident,
            scale=gb,
            reason="first",
            assessed_on=today,
            place=MARKERS[2],
            second_assessor=second,
            answers=answers,
            by=by,
        )

    confirmed = services.assessment_confirm(assessment=record(elder, 4), by=second)
    pending = record(other)
    form = {
        "scale": gb.pk,
        "reason": "change",
        "assessed_on": today.isoformat(),
        "place": MARKERS[2],
        "second_assessor": second.pk,
        **{f"item_{n}": best[item.code] for n, item in enumerate(d.items)},
    }
    api_body = {
        "resident": elder.pk,
        "scale": gb.pk,
        "reason": "change",
        "assessed_on": today.isoformat(),
        "place": MARKERS[2],
        "second_assessor": second.pk,
        "answers": best,
    }
    return Leaks(
        objects={"assessment": [confirmed, pending], "resident": [elder, other]},
        markers=MARKERS,
        sends={
            ("post", "assessment:assessment-new"): Send(f"/assessment/new/{elder.pk}/", form),
            ("post", "assessment:assessment-confirm"): Send(
                f"/assessment/{pending.pk}/confirm/", by="worker_b"
            ),
            ("post", "assessment:assessment-withdraw"): Send(
                f"/assessment/{pending.pk}/withdraw/", {"reason": "录错了老人"}, by="worker_b"
            ),
            ("post", "api:assessment-create"): Send(
                f"{API}/assessment/assessments", api_body, expect=201
            ),
            ("post", "api:assessment-confirm"): Send(
                f"{API}/assessment/assessments/{pending.pk}/confirm", by="worker_b", expect=200
            ),
            ("post", "api:assessment-withdraw"): Send(
                f"{API}/assessment/assessments/{pending.pk}/withdraw",
                {"reason": "录错了老人"},
                by="worker_b",
                expect=200,
            ),
        },
        searches=["?q=孙泄漏"],
    )
