"""The case engine's services: reporting, every stage change with its log row, the
checks each makes (stage, right, assignee, time window) and what bad input gets."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from linli.cases import services
from linli.cases.choices import Source, Stage
from linli.cases.models import Case, Category
from linli.core.problems import Conflict
from linli.core.workdays import add_working_hours
from linli.regions.services import grid_update
from linli.testing.cases import refused, report, state, through
from linli.testing.shapes import SQUARE

pytestmark = pytest.mark.usefixtures("english")


def test_a_report_opens_a_case_with_its_time_to_accept_running(world, manhole):
    before = timezone.now()
    case = report(world, manhole, reporter_phone="13905331234", reporter_name="李先生")

    assert case.stage == Stage.REPORTED and case.version == 1
    assert len(case.code) == 12 and case.code[:6] == timezone.localdate().strftime("%y%m%d")
    assert case.region == world.a1 and case.reporter == world.grid_worker_a1
    # 2 working hours to accept (the category's clock): due at the end of them
    assert add_working_hours(before, 2) <= case.due_at <= add_working_hours(timezone.now(), 2)
    (first,) = case.transitions.all()
    assert (first.from_stage, first.to_stage, first.actor) == ("", "reported", world.grid_worker_a1)
    assert case.masked_reporter_phone == "139****1234"
    with connection.cursor() as cursor:
        cursor.execute("SELECT reporter_phone FROM cases_case WHERE id = %s", [case.pk])
        assert "13905331234" not in cursor.fetchone()[0]


def test_the_whole_lifecycle_is_logged_stage_by_stage(world, manhole):
    case = through(report(world, manhole), world, Stage.CLOSED)
    case = services.case_rate(case=case, rating=5, comment="很快", by=world.grid_worker_a1)

    assert case.stage == Stage.EVALUATED and case.rating == 5 and case.closed_at is not None
    moves = [(t.from_stage, t.to_stage) for t in case.transitions.all()]
    assert moves == [
        ("", "reported"),
        ("reported", "accepted"),
        ("accepted", "dispatched"),
        ("dispatched", "handling"),
        ("handling", "handled"),
        ("handled", "closed"),
        ("closed", "evaluated"),
    ]
    dispatched = case.transitions.get(to_stage="dispatched")
    assert dispatched.assignee == world.grid_worker_a1 and dispatched.actor == world.worker_a
    assert case.version == 7


def test_the_handling_time_runs_from_the_dispatch(world, manhole):
    case = through(report(world, manhole), world, Stage.DISPATCHED)
    due = case.due_at

    started = services.case_start(case=case, by=world.grid_worker_a1)

    assert started.due_at == due
    assert due == add_working_hours(case.stage_since, manhole.handle_hours)


def test_a_step_taken_late_is_marked_overdue(world, manhole):
    case = report(world, manhole)
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(minutes=1))

    services.case_accept(case=case, by=world.worker_a)

    assert case.transitions.get(to_stage="accepted").overdue is True


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        (services.case_close, {}),
        (services.case_start, {}),
        (services.case_finish, {"note": "done"}),
        (services.case_rate, {"rating": 4}),
    ],
)
def test_a_step_from_the_wrong_stage_is_refused_with_the_stage_named(world, manhole, step, kwargs):
    case = report(world, manhole)

    error = refused(step, error=Conflict, case=case, by=None, **kwargs)

    assert error.messages == ["This case is Reported: that step is not possible now."]


def test_the_second_of_two_people_accepting_gets_a_conflict(world, manhole):
    case = report(world, manhole)
    seen = case.version
    services.case_accept(case=case, by=world.worker_a, version=seen)

    error = refused(
        services.case_reject,
        error=Conflict,
        case=case,
        by=world.subdistrict_admin,
        note="重复",
        version=seen,
    )

    assert "Someone changed this case meanwhile (it is now Accepted)" in error.messages[0]


def test_people_outside_the_region_cannot_act(world, manhole):
    case = report(world, manhole)

    refused(services.case_accept, error=PermissionDenied, case=case, by=world.worker_b)
    refused(services.case_accept, error=PermissionDenied, case=case, by=world.grid_worker_a1)


def test_only_someone_who_can_handle_there_is_dispatched_to(world, manhole):
    case = through(report(world, manhole), world, Stage.ACCEPTED)

    error = refused(services.case_dispatch, case=case, to=world.worker_b, by=world.worker_a)

    assert error.message_dict == {"assignee": ["周芳 (worker.b) cannot handle cases here."]}


def test_only_the_assignee_starts_and_finishes(world, manhole):
    case = through(report(world, manhole), world, Stage.DISPATCHED)

    error = refused(services.case_start, case=case, by=world.worker_a)
    assert error.messages == ["Only the person the case is assigned to can do this."]


def test_reassigning_keeps_the_case_dispatched_and_its_time_limit(world, manhole):
    case = through(report(world, manhole), world, Stage.DISPATCHED)
    due = case.due_at

    case = services.case_dispatch(case=case, to=world.worker_a, by=world.worker_a, note="改派")

    assert (case.stage, case.assignee, case.due_at) == (Stage.DISPATCHED, world.worker_a, due)
    assert case.transitions.filter(to_stage="dispatched").count() == 2


def test_returned_work_goes_back_to_the_handler_with_a_fresh_limit(world, manhole):
    case = through(report(world, manhole), world, Stage.HANDLED)

    case = services.case_return(case=case, by=world.worker_a, note="井盖尺寸不符")

    assert (case.stage, case.rework_count, case.assignee) == (
        Stage.HANDLING,
        1,
        world.grid_worker_a1,
    )
    assert case.due_at >= add_working_hours(timezone.now(), manhole.handle_hours - 1)
    refused(services.case_return, case=case, by=world.worker_a, note="   ", error=ValidationError)


def test_a_closed_case_reopens_within_the_window_only(world, manhole, settings):
    case = through(report(world, manhole), world, Stage.CLOSED)

    reopened = services.case_reopen(case=case, by=world.grid_worker_a1, note="井盖又丢了")
    assert (reopened.stage, reopened.closed_at, reopened.assignee) == (Stage.ACCEPTED, None, None)

    closed = through(reopened, world, Stage.CLOSED)
    Case.objects.filter(pk=closed.pk).update(
        closed_at=timezone.now() - timedelta(days=settings.LINLI_CASE_REOPEN_DAYS, minutes=1)
    )
    error = refused(services.case_reopen, case=closed, by=world.grid_worker_a1, note="又坏了")
    assert error.messages == ["Closed more than 7 days ago: report it as a new case."]


def test_only_the_reporter_rates(world, manhole):
    case = through(report(world, manhole), world, Stage.CLOSED)

    refused(services.case_rate, error=PermissionDenied, case=case, rating=1, by=world.worker_b)
    # nor the staff who closed it
    refused(services.case_rate, error=PermissionDenied, case=case, rating=5, by=world.worker_a)
    for bad in (0, 6):
        refused(services.case_rate, case=case, rating=bad, by=world.grid_worker_a1)


def test_rejecting_needs_a_reason_and_ends_the_case(world, manhole):
    case = report(world, manhole)
    refused(services.case_reject, case=case, by=world.worker_a, note="")

    case = services.case_reject(case=case, by=world.worker_a, note="非本辖区事项")

    assert case.stage == Stage.REJECTED and case.closed_at is not None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"description": "  "}, "description"),
        ({"description": "井" * 4001}, "description"),
        ({"address": "", "region": None}, "address"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"longitude": Decimal("117.87")}, "latitude"),
        (
            {"longitude": Decimal("116.40"), "latitude": Decimal("39.90"), "region": None},
            "latitude",
        ),
        ({"source": "pigeon"}, "source"),
    ],
)
def test_bad_reports_are_refused_by_field_and_save_nothing(world, manhole, overrides, field):
    before = state()
    with pytest.raises(ValidationError) as caught:
        report(world, manhole, **overrides)
    assert field in caught.value.message_dict
    assert state() == before


def test_a_top_category_or_an_inactive_one_takes_no_case(world, manhole):
    top = manhole.parent
    with pytest.raises(ValidationError) as caught:
        report(world, top)
    assert "category" in caught.value.message_dict
    Category.objects.filter(pk=manhole.pk).update(active=False)
    manhole.refresh_from_db()
    with pytest.raises(ValidationError):
        report(world, manhole)


def test_a_point_finds_its_grid(world, manhole):
    grid_update(grid=world.a1, boundary=SQUARE, by=None)

    case = report(
        world,
        manhole,
        region=None,
        address="",
        longitude=Decimal("117.870000"),
        latitude=Decimal("36.800000"),
        source=Source.RESIDENT,
        by=world.resident_a,
    )

    assert case.region == world.a1


def test_a_grid_worker_reports_only_in_their_grid(world, manhole):
    with pytest.raises(PermissionDenied):
        report(world, manhole, region=world.b1)


def test_emergencies_run_round_the_clock(world):
    leak = Category.objects.get(code="gas-leak")
    before = timezone.now()

    case = report(world, leak)

    assert not leak.working_hours
    assert before + timedelta(hours=leak.accept_hours) <= case.due_at
    assert case.due_at <= timezone.now() + timedelta(hours=leak.accept_hours)


def test_cases_are_reported_in_the_deployments_district_only(world, manhole, settings):
    settings.LINLI_DISTRICT = "370303000000"  # a deployment for 张店区: 周村区 is not its own

    error = refused(report, world=world, category=manhole, by=None, source=Source.HOTLINE)

    assert error.message_dict == {"region": ["Choose a community or grid of the district."]}
