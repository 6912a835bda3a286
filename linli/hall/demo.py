"""Demo data of the service hall: the catalogue's twenty-one matters (the district's,
and 丝绸路街道's own), and about 300 applications in every state across 周村区's
communities — for residents of the registry, taken in at their community's desk (a
few online by the demo resident), moved through the services with `by=None` and
then spread over the last three months on a plausible timeline (a stage's time in
proportion to its limit), so that the indicators have something to show."""

import random
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import OutputWrapper
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.utils import timezone

from linli.accounts.models import User
from linli.certificates.models import Certificate
from linli.hall import selectors, services
from linli.hall.catalogue import CATALOGUE
from linli.hall.choices import (
    ApplicationChannel,
    ApplicationState,
    DeliveryMode,
    FieldType,
    StepState,
)
from linli.hall.models import Application, ApplicationStep, ApplicationTransition, Matter
from linli.hall.workdays import add_working_days
from linli.notifications.models import Notification
from linli.regions.choices import Level
from linli.regions.models import Region
from linli.registry.choices import ResidentStatus
from linli.registry.idnumber import make_id_number
from linli.registry.models import Resident

DISTRICT, SUBDISTRICT = "370306000000", "370306001000"
COUNT = 300
ONLINE_USER = "jumin"
# The state each application ends in, and how many of COUNT (in proportion).
TARGETS: tuple[tuple[str, int], ...] = (
    (ApplicationState.SUBMITTED, 24),
    (ApplicationState.INCOMPLETE, 18),
    (ApplicationState.REFUSED, 9),
    (ApplicationState.HANDLING, 60),
    (ApplicationState.SUPPLEMENT, 12),
    (ApplicationState.DECIDING, 24),
    (ApplicationState.PAYMENT, 4),
    (ApplicationState.DELIVERY, 24),
    (ApplicationState.DELIVERED, 110),
    (ApplicationState.DENIED, 10),
    (ApplicationState.WITHDRAWN, 5),
)
BANKS = (
    "中国农业银行周村支行",
    "中国工商银行周村支行",
    "周村农村商业银行",
    "中国邮政储蓄银行周村区支行",
)
TEXTS = {
    "last_employer": ("淄博大染坊丝绸集团", "周村古商城管理处", "山东华兴纺织有限公司"),
    "hospital": ("周村区人民医院", "淄博市中心医院", "周村区中医院"),
    "guardian_name": ("王秀兰", "李建华", "张桂芳"),
    "spouse_name": ("刘伟", "王芳", "李娜", "张磊"),
    "child_name": ("刘子涵", "王梓萱", "李浩然"),
    "deceased_name": ("张德福", "王玉兰", "李长春"),
    "house_location": ("丝绸路街道新建东路18号", "青年路街道正阳路6号", "城北路街道米山路31号"),
}
COMMENTS = ("办事效率高,工作人员很耐心", "一次就办好了", "材料说明很清楚", "等待时间有点长", "")


def seed(stdout: OutputWrapper, **_options: Any) -> None:
    district = Region.objects.filter(code=DISTRICT).first()
    subdistrict = Region.objects.filter(code=SUBDISTRICT).first()
    if district is None or subdistrict is None:
        stdout.write("hall: no 周村区 regions, nothing to seed")
        return
    made = 0
    for entry in CATALOGUE:
        region = district if entry.level == "district" else subdistrict
        _matter, created = services.matter_seed(entry=entry, region=region, by=None)
        made += created
    stdout.write(f"hall: {made} service matters added to the catalogue ({len(CATALOGUE)} in all)")
    if Application.objects.exists():
        stdout.write("hall: demo applications already there")
        return
    residents = list(
        Resident.objects.filter(status=ResidentStatus.LIVING, grid__path__startswith="370306")
        .select_related("grid__parent", "household__house__building")
        .order_by("pk")[:4000]
    )
    if not residents:
        stdout.write("hall: no registry residents, no demo applications")
        return
    rng = random.Random(15)
    matters = list(Matter.objects.published().prefetch_related("materials", "fields", "steps"))
    online = User.objects.filter(username=ONLINE_USER).first()
    targets = [state for state, n in TARGETS for _ in range(n)]
    now = timezone.now()
    for n, target in enumerate(targets[:COUNT]):
        person = rng.choice(residents)
        matter = _matter_for(rng, matters, person, target)
        if matter is None:
            continue
        try:
            application = _apply(rng, matter, person, online if n % 40 == 0 else None)
        except ValidationError:  # the same person drawn again for a matter in progress
            continue
        _advance(rng, application, target)
        _retime(rng, application, now)
    stdout.write(f"hall: {Application.objects.count()} demo applications in every state")


def _matter_for(
    rng: random.Random, matters: list[Matter], person: Resident, target: str
) -> Matter | None:
    community = person.grid.parent
    fits = [
        m
        for m in matters
        if community is not None
        and community.path.startswith(m.region.path)
        and (target != ApplicationState.PAYMENT or m.fee > 0)
        and (
            target not in (ApplicationState.HANDLING, ApplicationState.SUPPLEMENT) or m.steps.all()
        )
    ]
    return rng.choice(fits) if fits else None


def _answers(rng: random.Random, matter: Matter, person: Resident) -> dict[str, str]:
    values = {k: v for k, v in selectors.prefill(list(matter.fields.all()), person).items() if v}
    for item in matter.fields.all():
        if item.key in values:
            continue
        if item.type == FieldType.CHOICE:
            values[item.key] = rng.choice(item.options)
        elif item.type == FieldType.YES_NO:
            values[item.key] = rng.choice(("是", "否"))
        elif item.type == FieldType.DATE:
            values[item.key] = (date.today() - timedelta(days=rng.randint(30, 3000))).isoformat()
        elif item.type == FieldType.NUMBER:
            values[item.key] = str(
                rng.choice((2, 3, 4)) if "人口" in item.label else rng.randint(300, 9000)
            )
        elif item.type == FieldType.PHONE:
            values[item.key] = f"13{rng.randint(100000000, 999999999)}"
        elif item.type == FieldType.ID_NUMBER:
            born = date(rng.randint(1950, 1995), rng.randint(1, 12), rng.randint(1, 28))
            values[item.key] = make_id_number("370306", born, rng.randint(0, 499), "female")
        elif item.key == "bank_name":
            values[item.key] = rng.choice(BANKS)
        else:
            values[item.key] = rng.choice(TEXTS.get(item.key, ("见附件说明",)))
    return values


def _apply(
    rng: random.Random, matter: Matter, person: Resident, online: User | None
) -> Application:
    community = person.grid.parent
    assert community is not None
    modes = matter.delivery_modes
    # 最多跑一次: the result mostly comes by express or electronically, not by a second visit.
    sent = [m for m in modes if m != DeliveryMode.PICKUP]
    mode = rng.choice(sent if matter.one_visit and sent and rng.random() < 0.8 else modes)
    required = [m.pk for m in matter.materials.all() if m.required]
    provided = services.Provided(originals=[] if online else required)
    return services.application_submit(
        matter=matter,
        channel=ApplicationChannel.ONLINE if online else ApplicationChannel.DESK,
        name=person.name,
        id_number=person.id_number or "",
        phone=person.phone or f"139{rng.randint(10000000, 99999999)}",
        answers=_answers(rng, matter, person),
        delivery_mode=mode,
        express_address=person.household.house.address if mode == DeliveryMode.EXPRESS else "",
        provided=provided,
        region=community,
        desk=None if online else _desk(rng, matter, community),
        by=online,  # type: ignore[arg-type]
    )


def _desk(rng: random.Random, matter: Matter, community: Region) -> Region:
    """Mostly the applicant's own community; for a 全区通办 matter now and then another's."""
    if matter.district_wide and rng.random() < 0.12:
        others = Region.objects.filter(
            level=Level.COMMUNITY, path__startswith=community.path[:6]
        ).exclude(pk=community.pk)
        other = others.order_by("?").first()
        if other is not None:
            return other
    return community


def _advance(rng: random.Random, application: Application, target: str) -> None:
    """Through the services from submitted to the target state."""
    if target == ApplicationState.SUBMITTED:
        return
    if target == ApplicationState.WITHDRAWN:
        services.application_withdraw(application=application, by=None)  # type: ignore[arg-type]
        return
    if (
        application.channel == ApplicationChannel.ONLINE
        or target == ApplicationState.INCOMPLETE
        or rng.random() < 0.15
    ):
        first = application.matter.materials.all()[0]
        application = services.application_incomplete(
            application=application,
            materials=[first],
            note="复印件不清晰,请重新提供",
            by=None,  # type: ignore[arg-type]
        )
        if target == ApplicationState.INCOMPLETE:
            return
        application = services.application_supplement(
            application=application,
            provided=services.Provided(
                originals=[m.pk for m in application.matter.materials.all() if m.required]
            ),
            by=None,  # type: ignore[arg-type]
        )
    if target == ApplicationState.REFUSED:
        services.application_refuse(
            application=application,
            reason="经核实,申请人不符合本事项申请条件",
            by=None,  # type: ignore[arg-type]
        )
        return
    application = services.application_accept(application=application, by=None)  # type: ignore[arg-type]
    if target in (ApplicationState.HANDLING, ApplicationState.SUPPLEMENT):
        active = list(application.steps.filter(state=StepState.ACTIVE))
        left = application.steps.exclude(state=StepState.DONE).count()
        if active and left > 1 and rng.random() < 0.5:
            services.step_complete(step=active[0], note="审核通过", by=None)  # type: ignore[arg-type]
        if target == ApplicationState.SUPPLEMENT:
            services.application_request_supplement(
                application=application,
                materials=list(application.matter.materials.all()[:1]),
                note="请补充近三个月的相关证明",
                by=None,  # type: ignore[arg-type]
            )
        return
    while True:
        application.refresh_from_db()
        if application.state != ApplicationState.HANDLING:
            break
        if rng.random() < 0.06 and not application.transitions.filter(
            to_state=ApplicationState.SUPPLEMENT
        ):
            application = services.application_request_supplement(
                application=application,
                materials=[],
                note="请补充说明家庭收入情况",
                by=None,  # type: ignore[arg-type]
            )
            application = services.application_supplement(
                application=application,
                provided=services.Provided(originals=[application.matter.materials.all()[0].pk]),
                by=None,  # type: ignore[arg-type]
            )
            continue
        step = application.steps.filter(state=StepState.ACTIVE).first()
        assert step is not None
        services.step_complete(step=step, note="审核通过,同意", by=None)  # type: ignore[arg-type]
    if target == ApplicationState.DECIDING:
        return
    approved = target != ApplicationState.DENIED
    application = services.application_decide(
        application=application,
        approved=approved,
        note="" if approved else "经家庭经济状况核对,不符合条件",
        by=None,  # type: ignore[arg-type]
    )
    if application.state == ApplicationState.PAYMENT:
        if target == ApplicationState.PAYMENT:
            return
        application = services.application_paid(
            application=application, payment_ref=f"DEMO{application.pk:08d}", by=None
        )
    if target in (ApplicationState.DELIVERY, ApplicationState.DENIED):
        return
    mode = application.delivery_mode
    application = services.application_deliver(
        application=application,
        pickup_code=application.pickup_code,
        tracking_number=f"SF{rng.randint(10**11, 10**12 - 1)}"
        if mode == DeliveryMode.EXPRESS
        else "",
        by=None,  # type: ignore[arg-type]
    )
    if rng.random() < 0.7:
        rating = rng.choices((5, 4, 3, 2, 1), weights=(60, 25, 9, 4, 2))[0]
        services.application_rate(
            application=application, rating=rating, comment=rng.choice(COMMENTS), by=None
        )


def _gap(
    rng: random.Random, t: ApplicationTransition, steps: dict[int, ApplicationStep]
) -> timedelta:
    """How long before this move the previous one was, in calendar time."""
    day = timedelta(days=1)
    if t.step_id is not None:
        return steps[t.step_id].days * 1.35 * rng.uniform(0.3, 1.25) * day
    gaps = {
        ApplicationState.INCOMPLETE: (0.01, 0.2),
        ApplicationState.SUBMITTED: (1, 5),
        ApplicationState.HANDLING: (0.02, 1)
        if t.from_state == ApplicationState.SUBMITTED
        else (1, 6),
        ApplicationState.DECIDING: (0, 0.5),
        ApplicationState.SUPPLEMENT: (0.5, 3),
        ApplicationState.PAYMENT: (0.2, 2),
        ApplicationState.DELIVERY: (0.1, 2),
        ApplicationState.DELIVERED: (0.1, 3),
        ApplicationState.DENIED: (0.2, 2),
        ApplicationState.REFUSED: (0.05, 1),
        ApplicationState.WITHDRAWN: (0.5, 3),
    }
    low, high = gaps.get(ApplicationState(t.to_state), (0.05, 1))
    return rng.uniform(low, high) * day


def _retime(rng: random.Random, application: Application, now: datetime) -> None:
    """Spread the application's moves over a plausible past timeline ending before now."""
    application.refresh_from_db()
    transitions = list(application.transitions.order_by("at", "pk"))
    steps = {s.pk: s for s in application.steps.all()}
    gaps = [timedelta()] + [_gap(rng, t, steps) for t in transitions[1:]]
    recent = 2 if not application.final else 85
    end = now - timedelta(days=rng.uniform(0.02, recent))
    at = end - sum(gaps, timedelta())
    times: dict[str, datetime] = {}
    for t, gap in zip(transitions, gaps, strict=True):
        at += gap
        t.at = at
        if t.step_id is not None:
            step = steps[t.step_id]
            step.done_at = at
        elif t.from_state == ApplicationState.SUBMITTED and t.to_state in (
            ApplicationState.HANDLING,
            ApplicationState.DECIDING,
        ):
            times["accepted_at"] = at
        elif (
            t.to_state
            in (ApplicationState.PAYMENT, ApplicationState.DELIVERY, ApplicationState.DENIED)
            and t.from_state == ApplicationState.DECIDING
        ):
            times["decided_at"] = at
        elif t.to_state == ApplicationState.DELIVERY:
            times["paid_at"] = at
        if t.to_state in (
            ApplicationState.DELIVERED,
            ApplicationState.DENIED,
            ApplicationState.REFUSED,
            ApplicationState.WITHDRAWN,
        ):
            times["completed_at"] = at
    ApplicationTransition.objects.bulk_update(transitions, ["at"])
    accepted = times.get("accepted_at")
    fields: dict[str, Any] = {
        "submitted_at": transitions[0].at,
        "state_since": transitions[-1].at,
        **times,
    }
    if accepted is not None:
        fields["due_at"] = add_working_days(accepted, application.matter.time_limit)
        _retime_steps(list(steps.values()), accepted)
    Application.objects.filter(pk=application.pk).update(**fields)
    _redate_code(application, transitions[0].at)


def _redate_code(application: Application, submitted: datetime) -> None:
    """The number carries the day it was applied for (BJ<day><6 digits>), as if it had
    been made then; what quotes the number follows (the certificate's reference, which
    its signature does not cover, and the notifications).
    The audit trail keeps the number it recorded (its entries are hash-chained)."""
    old = application.code
    new = f"BJ{timezone.localtime(submitted):%Y%m%d}{old[-6:]}"
    if new == old or Application.objects.filter(code=new).exists():
        return
    Application.objects.filter(pk=application.pk).update(code=new)
    Certificate.objects.filter(reference=old).update(reference=new)
    Notification.objects.filter(Q(url__contains=old) | Q(body__contains=old)).update(
        url=Replace("url", Value(old), Value(new)),
        body=Replace("body", Value(old), Value(new)),
        title=Replace("title", Value(old), Value(new)),
    )


def _retime_steps(steps: list[ApplicationStep], accepted: datetime) -> None:
    """A stage starts when the one before it ends (its last step done)."""
    start = accepted
    for stage in sorted({s.stage for s in steps}):
        these = [s for s in steps if s.stage == stage]
        if all(s.state == StepState.WAITING for s in these):
            break
        for s in these:
            s.started_at = start
            s.due_at = add_working_days(start, s.days)
        done = [s.done_at for s in these if s.done_at is not None]
        if len(done) < len(these):
            break
        start = max(done)
    ApplicationStep.objects.bulk_update(steps, ["started_at", "due_at", "done_at"])
