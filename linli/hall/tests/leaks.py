"""Community B for the leak test: a matter of B's own, and applications of B's
residents in each state the routes act on — taken in at B's desk, and made online by
B's resident (`world.resident_b`, made here) — with a valid request for every route
of the hall that changes something. The district's catalogue is public."""

from dataclasses import replace
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.accounts.services import user_create
from linli.core.permissions import Role
from linli.hall import services
from linli.hall.catalogue import CATALOGUE, Entry
from linli.hall.choices import ApplicationState
from linli.testing.hall import at_desk, complete_answers, editor_data, seed_catalogue
from linli.testing.leaks import Leaks, Send
from linli.testing.registry import id_number
from linli.testing.world import PASSWORD

API = "/api/v1"


def _jpeg() -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (20, 20), "green").save(out, format="JPEG")
    return SimpleUploadedFile("b.jpg", out.getvalue(), content_type="image/jpeg")


def community_b(world, made) -> Leaks:
    matters = seed_catalogue(world.district, world.subdistrict)
    own = services.matter_seed(entry=_own_entry(), region=world.b, by=None)[
        0
    ]  # a community's own matter
    unused = services.matter_seed(
        entry=replace(_own_entry(), code="shinan-bike", name="市南社区电动车充电登记"),
        region=world.b,
        by=None,
    )[0]  # nobody has applied for it: it may be deleted
    elderly = matters["elderly-card"]  # one step, pickup, 全区通办
    worker = world.worker_b

    def desk(state: str, matter=elderly):
        found = at_desk(matter, desk=world.b, by=worker, id_number=id_number())
        if state == ApplicationState.SUBMITTED:
            return found
        if state == ApplicationState.INCOMPLETE:
            return services.application_incomplete(application=found, note="请补充照片", by=worker)
        found = services.application_accept(application=found, by=worker)
        if state == ApplicationState.HANDLING:
            return found
        step = found.steps.get()
        services.step_complete(step=step, by=worker)
        found.refresh_from_db()
        if state == ApplicationState.DECIDING:
            return found
        return services.application_decide(application=found, approved=True, by=worker)

    submitted, incomplete = desk(ApplicationState.SUBMITTED), desk(ApplicationState.INCOMPLETE)
    handling, deciding, delivery = (
        desk(ApplicationState.HANDLING),
        desk(ApplicationState.DECIDING),
        desk("delivery"),
    )
    own_one = at_desk(own, desk=world.b, by=worker, id_number=id_number())
    resident_b = user_create(
        username="resident.b",
        full_name="市南居民",
        password=PASSWORD,
        role=Role.RESIDENT,
        region=world.b,
        by=None,
    )
    world.resident_b = resident_b
    online = services.application_submit(
        matter=elderly,
        channel="online",
        name="刘泄漏",
        id_number=id_number(),
        phone="13905331234",
        answers=complete_answers(elderly),
        delivery_mode="pickup",
        region=world.b,
        by=resident_b,
    )
    online = services.application_incomplete(application=online, by=worker)
    rated = services.application_submit(
        matter=matters["birth-registration"],
        channel="online",
        name="刘泄漏",
        id_number=id_number(),
        phone="13905331234",
        answers=complete_answers(matters["birth-registration"]),
        delivery_mode="pickup",
        provided=services.Provided(
            files={m.pk: [_jpeg()] for m in matters["birth-registration"].materials.all()}
        ),
        region=world.b,
        by=resident_b,
    )
    rated = services.application_accept(application=rated, by=worker)
    rated = services.application_decide(application=rated, approved=True, by=worker)
    rated = services.application_deliver(
        application=rated, pickup_code=rated.pickup_code, by=worker
    )
    fee = matters["house-number"]  # 35 yuan, three steps (one, then two at once)
    owed = services.application_submit(
        matter=fee,
        channel="online",
        name="刘泄漏",
        id_number=id_number(),
        phone="13905331234",
        answers=complete_answers(fee),
        delivery_mode="pickup",
        provided=services.Provided(files={m.pk: [_jpeg()] for m in fee.materials.all()}),
        region=world.b,
        by=resident_b,
    )
    owed = services.application_accept(application=owed, by=worker)
    for fee_step in owed.steps.order_by("stage"):
        fee_step.refresh_from_db()
        services.step_complete(step=fee_step, by=worker)
    owed.refresh_from_db()
    owed = services.application_decide(application=owed, approved=True, by=worker)
    photo = elderly.materials.get(name__contains="照片")
    originals = {f"original_{m.pk}": "on" for m in elderly.materials.all()}
    step = handling.steps.get()
    form = {
        "name": "赵泄漏",
        "id_number": id_number(),
        "phone": "13905335678",
        "region": world.b.pk,
        "delivery_mode": "pickup",
        **{f"answer_{k}": v for k, v in complete_answers(elderly).items()},
    }
    s, i, h, d, dl = submitted.pk, incomplete.pk, handling.pk, deciding.pk, delivery.pk
    scanned = desk(ApplicationState.SUBMITTED)
    edited = {**editor_data(own), "guide-summary": "市南社区停车证明(已修订)"}
    template = next(
        m for m in matters["minimum-living"].materials.all() if m.template
    )  # a public blank form
    sends = {
        ("post", "hall:desk-apply"): Send(
            f"/hall/desk/{elderly.code}/", {**form, **originals, "desk": world.b.pk}
        ),
        ("post", "hall:application-accept"): Send(f"/hall/{s}/accept/"),
        ("post", "hall:application-incomplete"): Send(
            f"/hall/{s}/incomplete/", {"materials": [photo.pk], "note": "照片不清晰"}
        ),
        ("post", "hall:application-refuse"): Send(f"/hall/{s}/refuse/", {"reason": "不符合条件"}),
        ("post", "hall:application-supplement"): Send(
            f"/hall/{i}/supplement/", {f"original_{photo.pk}": "on"}
        ),
        ("post", "hall:application-request-supplement"): Send(
            f"/hall/{h}/supplement-request/", {"materials": [photo.pk], "note": "补照片"}
        ),
        ("post", "hall:step-done"): Send(f"/hall/{h}/steps/{step.pk}/done/", {"note": "同意"}),
        ("post", "hall:application-decide"): Send(f"/hall/{d}/decide/", {"approved": "1"}),
        ("post", "hall:application-deliver"): Send(
            f"/hall/{dl}/deliver/", {"pickup_code": delivery.pickup_code}
        ),
        ("post", "matters:apply"): Send(
            f"/matters/{elderly.code}/apply/",
            {**form, "id_number": id_number()},
            by="resident_b",
            anyone=True,
            adds_to_b=True,
        ),
        ("post", "matters:mine-supplement"): Send(
            f"/matters/mine/{online.code}/supplement/",
            lambda: {f"material_{photo.pk}": _jpeg()},
            by="resident_b",
        ),
        ("post", "matters:mine-pay"): Send(f"/matters/mine/{owed.code}/pay/", by="resident_b"),
        ("post", "hall:application-pay"): Send(f"/hall/{owed.pk}/pay/", by="worker_b"),
        ("post", "matters:mine-withdraw"): Send(
            f"/matters/mine/{online.code}/withdraw/", by="resident_b"
        ),
        ("post", "matters:mine-rate"): Send(
            f"/matters/mine/{rated.code}/rate/", {"rating": "5"}, by="resident_b"
        ),
        ("post", "api:application-create"): Send(
            f"{API}/hall/applications",
            {
                "matter": elderly.code,
                "desk_code": world.b.code,
                "name": "赵泄漏",
                "id_number": id_number(),
                "phone": "13905335678",
                "answers": complete_answers(elderly),
                "delivery_mode": "pickup",
                "originals": [m.pk for m in elderly.materials.all()],
            },
            expect=201,
        ),
        ("post", "api:application-accept"): Send(f"{API}/hall/applications/{s}/accept", expect=200),
        ("post", "api:application-files-add"): Send(
            f"{API}/hall/applications/{scanned.pk}/materials/{photo.pk}",
            lambda: {"files": _jpeg()},
            expect=201,
        ),
        ("post", "hall:matter-edit"): Send(f"/hall/matters/{own.code}/", edited),
        ("post", "hall:matter-new"): Send(
            "/hall/matters/new/",
            {
                "code": "b-own-permit",
                "name": "社区停车证办理",
                "region": world.b.pk,
                "category": "other",
                "summary": "本社区居民车辆停车证",
                "legal_basis": "社区停车管理规约",
                "conditions": "本社区常住居民",
                "time_limit": 3,
                "legal_limit": 5,
                "place": "社区服务站",
                "hours": "工作日 9:00–17:00",
                "phone": "0533-6180000",
            },
        ),
        ("post", "hall:matter-delete"): Send(
            f"/hall/matters/{unused.code}/delete/", {"confirm": "1"}
        ),
        ("post", "api:application-incomplete"): Send(
            f"{API}/hall/applications/{s}/incomplete", {"materials": [photo.pk]}, expect=200
        ),
        ("post", "api:application-refuse"): Send(
            f"{API}/hall/applications/{s}/refuse", {"reason": "不符合条件"}, expect=200
        ),
        ("post", "api:application-step-done"): Send(
            f"{API}/hall/applications/{h}/steps/{step.pk}/done", expect=200
        ),
        ("post", "api:application-supplement-request"): Send(
            f"{API}/hall/applications/{h}/supplement-request", {"note": "补照片"}, expect=200
        ),
        ("post", "api:application-decide"): Send(
            f"{API}/hall/applications/{d}/decide", {"approved": True}, expect=200
        ),
        ("post", "api:application-deliver"): Send(
            f"{API}/hall/applications/{dl}/deliver",
            {"pickup_code": delivery.pickup_code},
            expect=200,
        ),
    }
    uploaded = list(rated.materials.exclude(file=""))
    applications = [
        submitted,
        scanned,
        incomplete,
        handling,
        deciding,
        delivery,
        own_one,
        online,
        rated,
        owed,
    ]
    return Leaks(
        objects={"matter": [own, unused], "application": applications},
        markers=[a.code for a in applications],
        sends=sends,
        urls={
            "hall:material-file": [f"/hall/{rated.pk}/materials/{m.pk}/" for m in uploaded],
            "matters:material-template": [
                f"/matters/{template.matter.code}/templates/{template.pk}/"
            ],
        },
        searches=[f"?code={submitted.code}"],
        # The catalogue is public: a community's own matter names its community.
        shows_divisions={
            "matters:matter-guide",
            "matters:apply",
            "api:matter-list",
            "api:matter-detail",
        },
    )


def _own_entry() -> Entry:
    base = next(e for e in CATALOGUE if e.code == "residence-proof")
    return replace(base, code="shinan-parking", name="市南社区停车证明", district_wide=False)
