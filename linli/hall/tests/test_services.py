"""The application's state machine through the services: the whole way with parallel
steps that join, the one-time notice, supplements, fees, delivery, and every refusal
(bad input, wrong state, outside the region) leaving nothing half-saved."""

from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.audit.models import AuditEntry
from linli.certificates.models import Certificate
from linli.core.problems import Conflict
from linli.hall import payables, services
from linli.hall.choices import ApplicationState, StepState
from linli.hall.models import Application, ApplicationMaterial, ApplicationTransition
from linli.notifications.models import Notification
from linli.payments.services import payment_notify, payment_order_create
from linli.testing.hall import at_desk, complete_answers
from linli.testing.payments import notification
from linli.testing.registry import id_number, move_in, place


def jpeg(name="scan.jpg") -> SimpleUploadedFile:
    out = BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def test_the_whole_way_with_parallel_steps_that_join(world, matters):
    matter = matters["disability-subsidies"]  # 1 → (2 ∥ 2) → 3
    application = at_desk(matter, desk=world.a, by=world.worker_a, id_number=id_number())
    assert application.state == ApplicationState.SUBMITTED and application.visits == 1
    application = services.application_accept(application=application, by=world.worker_a)
    assert application.state == ApplicationState.HANDLING and application.due_at is not None
    steps = list(application.steps.order_by("stage", "pk"))
    assert [(s.stage, s.state) for s in steps] == [
        (1, StepState.ACTIVE),
        (2, StepState.WAITING),
        (2, StepState.WAITING),
        (3, StepState.WAITING),
    ]
    services.step_complete(step=steps[0], note="符合条件", by=world.worker_a)
    for s in steps:
        s.refresh_from_db()
    assert [s.state for s in steps[1:3]] == [StepState.ACTIVE, StepState.ACTIVE]
    assert all(s.due_at is not None for s in steps[1:3])
    services.step_complete(step=steps[1], by=world.district_admin)
    steps[3].refresh_from_db()
    assert steps[3].state == StepState.WAITING  # the join waits for the other branch
    services.step_complete(step=steps[2], by=world.district_admin)
    steps[3].refresh_from_db()
    assert steps[3].state == StepState.ACTIVE
    services.step_complete(step=steps[3], by=world.district_admin)
    application.refresh_from_db()
    assert application.state == ApplicationState.DECIDING
    application = services.application_decide(
        application=application, approved=True, by=world.district_admin
    )
    assert application.state == ApplicationState.DELIVERY and len(application.pickup_code) == 6
    with pytest.raises(ValidationError) as wrong:
        services.application_deliver(
            application=application, pickup_code="000000x", by=world.worker_a
        )
    assert "pickup_code" in wrong.value.error_dict
    application = services.application_deliver(
        application=application, pickup_code=application.pickup_code, by=world.worker_a
    )
    assert application.state == ApplicationState.DELIVERED and application.visits == 2
    log = list(application.transitions.values_list("from_state", "to_state"))
    assert log[0] == ("", ApplicationState.SUBMITTED) and log[-1] == (
        ApplicationState.DELIVERY,
        ApplicationState.DELIVERED,
    )
    assert application.transitions.filter(step__isnull=False).count() == 4


def test_a_fee_is_awaited_before_delivery_and_a_repeated_payment_changes_nothing(world, matters):
    matter = matters["house-number"]
    application = at_desk(matter, desk=world.a, by=world.worker_a, id_number=id_number())
    services.application_accept(application=application, by=world.worker_a)
    for step in application.steps.order_by("stage"):
        step.refresh_from_db()
        services.step_complete(step=step, by=world.district_admin)
    application.refresh_from_db()
    application = services.application_decide(
        application=application, approved=True, by=world.worker_a
    )
    assert application.state == ApplicationState.PAYMENT and application.fee == 35
    application = services.application_paid(application=application, payment_ref="P1", by=None)
    again = services.application_paid(application=application, payment_ref="P1", by=None)
    assert again.state == ApplicationState.DELIVERY
    assert application.transitions.filter(to_state=ApplicationState.DELIVERY).count() == 1


def test_the_one_time_notice_lists_everything_missing_and_the_supplement_returns_it(world, matters):
    matter = matters["minimum-living"]
    application = at_desk(
        matter, desk=world.a, by=world.worker_a, id_number=id_number(), complete=False
    )
    with pytest.raises(ValidationError) as missing:
        services.application_accept(application=application, by=world.worker_a)
    assert "materials" in missing.value.error_dict
    application = services.application_incomplete(
        application=application, note="请全体家庭成员签字", by=world.worker_a
    )
    required = [m.name for m in matter.materials.all() if m.required]
    assert application.state == ApplicationState.INCOMPLETE and application.missing == required
    application = services.application_supplement(
        application=application,
        provided=services.Provided(originals=[m.pk for m in matter.materials.all() if m.required]),
        by=world.worker_a,
    )
    assert application.state == ApplicationState.SUBMITTED and application.missing == []
    assert application.visits == 2


def test_double_submission_gives_one_application(world, matters):
    matter = matters["elderly-card"]
    number = id_number()
    first = at_desk(matter, desk=world.a, by=world.worker_a, id_number=number, request_key="k1")
    second = at_desk(matter, desk=world.a, by=world.worker_a, id_number=number, request_key="k1")
    assert first.pk == second.pk and Application.objects.count() == 1
    with pytest.raises(ValidationError) as open_one:  # another form, the same person
        at_desk(matter, desk=world.a, by=world.worker_a, id_number=number, request_key="k2")
    assert first.code in str(open_one.value)
    assert Application.objects.count() == 1


@pytest.mark.parametrize(
    ("code", "key", "value", "says"),
    [
        ("elderly-card", "birth_date", "去年春天", "2024-03-01"),
        ("child-protection", "guardian_phone", "12345", "11"),
    ],
)
def test_a_form_value_of_the_wrong_type_is_named_and_nothing_saved(
    world, matters, code, key, value, says
):
    matter = matters[code]
    with pytest.raises(ValidationError) as refused:
        at_desk(
            matter,
            desk=world.a,
            by=world.worker_a,
            id_number=id_number(),
            answers=complete_answers(matter, **{key: value}),
        )
    assert says in " ".join(refused.value.error_dict[f"answer_{key}"][0].messages)
    assert not Application.objects.exists() and not ApplicationTransition.objects.exists()


def test_a_disguised_material_is_refused_by_its_content(world, matters):
    matter = matters["elderly-card"]
    photo = matter.materials.get(name__contains="照片")
    fake = SimpleUploadedFile("照片.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError) as refused:
        at_desk(
            matter,
            desk=world.a,
            by=world.worker_a,
            id_number=id_number(),
            provided=services.Provided(files={photo.pk: [fake]}),
        )
    assert f"material_{photo.pk}" in refused.value.error_dict
    assert not Application.objects.exists() and not ApplicationMaterial.objects.exists()


def test_too_many_files_for_a_material(world, matters):
    matter = matters["elderly-card"]
    photo = matter.materials.get(name__contains="照片")
    with pytest.raises(ValidationError):
        at_desk(
            matter,
            desk=world.a,
            by=world.worker_a,
            id_number=id_number(),
            provided=services.Provided(files={photo.pk: [jpeg() for _ in range(6)]}),
        )
    assert not Application.objects.exists()


def test_an_upload_is_kept_re_encoded(world, matters):
    matter = matters["elderly-card"]
    photo = matter.materials.get(name__contains="照片")
    required = [m.pk for m in matter.materials.all() if m.required and m.pk != photo.pk]
    application = at_desk(
        matter,
        desk=world.a,
        by=world.worker_a,
        id_number=id_number(),
        complete=False,
        provided=services.Provided(files={photo.pk: [jpeg()]}, originals=required),
    )
    row = application.materials.get(material=photo)
    assert row.content_type == "image/jpeg" and row.size > 0
    assert services.missing_materials(application) == []


def test_outside_the_region_nobody_acts(world, matters):
    matter = matters["residence-proof"]  # not 全区通办
    application = at_desk(matter, desk=world.a, by=world.worker_a, id_number=id_number())
    with pytest.raises(PermissionDenied):
        services.application_accept(application=application, by=world.worker_b)
    assert not Application.objects.visible_to(world.worker_b).exists()
    assert Application.objects.visible_to(world.worker_a).count() == 1
    with pytest.raises(PermissionDenied):  # B's desk cannot take in for A's community
        at_desk(matter, desk=world.a, by=world.worker_b, id_number=id_number())


def test_a_district_wide_matter_is_taken_in_at_any_desk(world, matters):
    matter = matters["elderly-card"]  # 全区通办
    application = at_desk(
        matter, desk=world.b, by=world.worker_b, id_number=id_number(), region=world.a
    )
    assert application.region == world.a and application.desk == world.b
    assert Application.objects.visible_to(world.worker_b).count() == 1
    assert Application.objects.visible_to(world.worker_a).count() == 1
    with pytest.raises(ValidationError) as refused:  # not for a community-only matter
        at_desk(
            matters["residence-proof"],
            desk=world.b,
            by=world.worker_b,
            id_number=id_number(),
            region=world.a,
        )
    assert "region" in refused.value.error_dict


def test_a_step_twice_is_a_conflict(world, matters):
    application = at_desk(
        matters["temporary-assistance"], desk=world.a, by=world.worker_a, id_number=id_number()
    )
    services.application_accept(application=application, by=world.worker_a)
    step = application.steps.get(stage=1)
    services.step_complete(step=step, by=world.worker_a)
    with pytest.raises(Conflict):
        services.step_complete(step=step, by=world.worker_a)


def test_residents_and_staff_are_told_and_electronic_delivery_issues_a_certificate(world, matters):
    home = place(world.a1)
    person = move_in(home.household, name="陈秀英", phone=world.resident_a.phone or "13905339999")
    world.resident_a.phone = person.phone
    world.resident_a.save()
    matter = matters["residence-proof"]  # on the spot, online, a certificate
    deed = matter.materials.get(name__contains="租赁合同")
    application = services.application_submit(
        provided=services.Provided(files={deed.pk: [jpeg("合同.jpg")]}),
        matter=matter,
        channel="online",
        name=person.name,
        id_number=person.id_number,
        phone=person.phone,
        answers=complete_answers(matter, address="正阳路8号1-101", purpose="子女入学"),
        delivery_mode="electronic",
        region=world.a,
        by=world.resident_a,
    )
    assert Notification.objects.filter(user=world.worker_a).exists()
    assert application.resident == person  # the registry's record stands in for the ID card
    assert application.materials.filter(provided_as="registry").count() == 2
    application = services.application_accept(application=application, by=world.worker_a)
    assert application.state == ApplicationState.DECIDING  # no back-office steps
    services.application_decide(application=application, approved=True, by=world.worker_a)
    application.refresh_from_db()
    application = services.application_deliver(application=application, by=world.worker_a)
    certificate = Certificate.objects.get(number=application.certificate_ref)
    assert certificate.holder == person and certificate.reference == application.code
    assert certificate.kind.code == "residence"
    told = Notification.objects.filter(user=world.resident_a).count()
    assert told >= 4
    assert AuditEntry.objects.filter(object_id=str(application.pk)).count() >= 3
    rated = services.application_rate(application=application, rating=5, by=world.resident_a)
    assert rated.rating == 5
    with pytest.raises(ValidationError):
        services.application_rate(application=application, rating=4, by=world.resident_a)
    # The certificate stands in for a material of a later application (居住证申领)…
    permit = matters["residence-permit"]
    proof = permit.materials.get(source="certificate")
    required = [m.pk for m in permit.materials.all() if m.required and m.pk != proof.pk]
    later = at_desk(
        permit,
        desk=world.a,
        by=world.worker_a,
        id_number=person.id_number,
        provided=services.Provided(originals=required, certificates={proof.pk: certificate.number}),
    )
    assert later.materials.get(material=proof).reference == certificate.number
    # …but a number that is not the applicant's usable certificate is refused.
    with pytest.raises(ValidationError) as forged:
        at_desk(
            permit,
            desk=world.a,
            by=world.worker_a,
            id_number=id_number(),
            provided=services.Provided(
                originals=required, certificates={proof.pk: certificate.number}
            ),
        )
    assert f"material_{proof.pk}" in forged.value.error_dict


def test_electronic_delivery_needs_the_applicant_in_the_registry(world, matters):
    application = at_desk(
        matters["residence-proof"],
        desk=world.a,
        by=world.worker_a,
        id_number=id_number(),
        delivery_mode="electronic",
    )
    services.application_accept(application=application, by=world.worker_a)
    application.refresh_from_db()
    services.application_decide(application=application, approved=True, by=world.worker_a)
    application.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        services.application_deliver(application=application, by=world.worker_a)
    assert "delivery_mode" in refused.value.error_dict
    application.refresh_from_db()
    assert application.state == ApplicationState.DELIVERY and not Certificate.objects.exists()


def test_the_fee_is_paid_through_the_payments_app(
    world, matters, django_capture_on_commit_callbacks
):
    application = at_desk(
        matters["house-number"], desk=world.a, by=world.worker_a, id_number=id_number()
    )
    assert payables.describe(str(application.pk)) is None  # nothing to pay yet
    services.application_accept(application=application, by=world.worker_a)
    for step in application.steps.order_by("stage"):
        step.refresh_from_db()
        services.step_complete(step=step, by=world.district_admin)
    application.refresh_from_db()
    application = services.application_decide(
        application=application, approved=True, by=world.worker_a
    )
    payable = payables.describe(str(application.pk))
    assert payable is not None and payable.amount_fen == 3500
    order, new = payment_order_create(
        kind=payables.KIND, ref=str(application.pk), by=world.worker_a
    )
    again, new_again = payment_order_create(
        kind=payables.KIND, ref=str(application.pk), by=world.worker_a
    )
    assert new and not new_again and again.pk == order.pk
    body, headers = notification(order)  # the provider's signed notification
    with django_capture_on_commit_callbacks(execute=True):
        assert payment_notify(provider_code="demo", body=body, headers=headers).ok
    application.refresh_from_db()
    assert (
        application.state == ApplicationState.DELIVERY
        and application.payment_ref == order.out_trade_no
    )
    payables.on_paid(order)  # at least once: a second run changes nothing
    assert application.transitions.filter(to_state=ApplicationState.DELIVERY).count() == 1


def test_a_decision_publishes_application_decided_for_the_apps_above(world, matters):
    from linli.core.models import PublishedEvent

    application = at_desk(
        matters["house-number"], desk=world.a, by=world.worker_a, id_number=id_number()
    )
    services.application_accept(application=application, by=world.worker_a)
    for step in application.steps.order_by("stage"):
        step.refresh_from_db()
        services.step_complete(step=step, by=world.district_admin)
    application.refresh_from_db()
    assert not PublishedEvent.objects.filter(name="hall.application_decided").exists()
    services.application_decide(
        application=application, approved=False, note="不符", by=world.worker_a
    )
    event = PublishedEvent.objects.get(name="hall.application_decided")
    assert event.payload == {
        "application_id": application.pk,
        "matter": "house-number",
        "approved": False,
        "resident_id": application.resident_id,
        "actor_id": world.worker_a.pk,
    }
