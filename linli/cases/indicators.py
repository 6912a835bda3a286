"""The case engine's indicators (docs/kpis.md): counts of the stage changes made in a
period (`CaseTransition`), as 数字城管 assessment counts its 案卷流转 log, and the
rates and means made of them.

The rollup (`DaySource.rollup`, run by the indicators app's periodic task) adds each
stage change, once, into the day figures of its local day, its case's region and its
assignee: a run marks the changes it takes with a new batch number in one UPDATE, so a
change committed meanwhile waits for the next run. The changes not rolled up yet
(`pending`) are added to tables, so they are exact up to the last change.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    CharField,
    Count,
    F,
    Func,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from linli.cases.choices import TIMED_STAGES, Stage
from linli.cases.models import CaseTransition
from linli.cases.permissions import CASE_VIEW
from linli.core.bulk import analyze
from linli.core.indicators import DayRows, Indicator, Measure, catalogue, column
from linli.regions.selectors import regions_within

TIMED = tuple(TIMED_STAGES)  # the stages whose time is limited: their time is measured
ROLLUP_LOCK = 370306_4  # PostgreSQL advisory lock: one rollup at a time
ANALYZE_AFTER = 100_000  # changes counted in one run, after which statistics are refreshed
CLOSED_AGAIN = (Stage.CLOSED, Stage.EVALUATED)  # a case leaves these when it is reopened

# Each count: the stage changes it counts.
_RATED = Q(to_stage=Stage.EVALUATED, rating__isnull=False)
_DISPATCH = Q(from_stage=Stage.ACCEPTED, to_stage=Stage.DISPATCHED)
_HANDLED = Q(to_stage=Stage.HANDLED)
COUNTS = {
    "received": Q(to_stage=Stage.REPORTED),
    "accepted_steps": Q(from_stage=Stage.REPORTED, to_stage=Stage.ACCEPTED),
    "rejected_steps": Q(from_stage=Stage.REPORTED, to_stage=Stage.REJECTED),
    "dispatches": _DISPATCH,
    "dispatches_on_time": _DISPATCH & Q(overdue=False),
    "handled": _HANDLED,
    "handled_on_time": _HANDLED & Q(overdue=False),
    "verifications": Q(from_stage=Stage.HANDLED),
    "returns": Q(from_stage=Stage.HANDLED, to_stage=Stage.HANDLING),
    "closes": Q(to_stage=Stage.CLOSED),
    "ratings": _RATED,
    "satisfied": _RATED & Q(rating__gte=4),
}
MEASURE_NAMES = {
    "received": _("reports"),
    "accepted_steps": _("acceptances"),
    "rejected_steps": _("rejections"),
    "dispatches": _("dispatches"),
    "dispatches_on_time": _("dispatches on time"),
    "handled": _("reports back"),
    "handled_on_time": _("reports back on time"),
    "verifications": _("verifications"),
    "returns": _("returns for rework"),
    "closes": _("closes"),
    "ratings": _("ratings"),
    "satisfied": _("ratings of 4 or 5"),
    "rating_sum": _("sum of ratings"),
    "closed_of_accepted": _("cases accepted that are closed"),
}
for _stage in TIMED:
    MEASURE_NAMES[f"time_{_stage}"] = format_lazy(
        _("microseconds spent in {stage}"), stage=Stage(_stage).label
    )
    MEASURE_NAMES[f"left_{_stage}"] = format_lazy(
        _("changes leaving {stage}"), stage=Stage(_stage).label
    )
FLOW = [*COUNTS, "rating_sum", *(f"{k}_{s}" for s in TIMED for k in ("time", "left"))]


def code(name: str) -> str:
    return f"cases.{name}"


class Microseconds(Func):
    """A duration as whole microseconds (SQLite stores them so)."""

    output_field = BigIntegerField()

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(EXTRACT(EPOCH FROM {sql}) * 1000000)::bigint", params


def _flow(moves: QuerySet[CaseTransition]) -> dict[str, object]:
    """The flow measures as aggregates over stage changes (columns named by code)."""
    out: dict[str, object] = {column(code(n)): Count("pk", filter=q) for n, q in COUNTS.items()}
    out[column(code("rating_sum"))] = Coalesce(Sum("rating", filter=_RATED), 0)
    for stage in TIMED:
        left = Q(from_stage=stage, duration__isnull=False)
        out[column(code(f"time_{stage}"))] = Coalesce(Microseconds(Sum("duration", filter=left)), 0)
        out[column(code(f"left_{stage}"))] = Count("pk", filter=left)
    return out


def _located(moves: QuerySet[CaseTransition], day_of) -> QuerySet[CaseTransition]:
    zone = timezone.get_current_timezone()
    return moves.annotate(
        day=TruncDate(day_of, tzinfo=zone), region_path=F("case__region__path")
    ).order_by()


def _grouped(moves: QuerySet[CaseTransition]) -> list[QuerySet]:
    """The rows `store` takes: per day, region and subgroup — the region's figures, its
    handlers' (the person assigned when the change was made), and the cohort measure
    of closed cases by the day they were accepted."""
    located = _located(moves, "at")
    totals = located.annotate(subgroup=Value("", output_field=CharField())).values(
        "day", "region_path", "subgroup"
    )
    people = (
        located.filter(assignee__isnull=False)
        .annotate(subgroup=Concat(Value("person:"), Cast("assignee", CharField())))
        .values("day", "region_path", "subgroup")
    )
    return [
        totals.annotate(**_flow(moves)),
        people.annotate(**_flow(moves)),
        _cohort(moves),
    ]


def _accepted_on():
    """When the case of a stage change was accepted (立案)."""
    return Subquery(
        CaseTransition.objects.filter(
            case=OuterRef("case"), from_stage=Stage.REPORTED, to_stage=Stage.ACCEPTED
        ).values("at")[:1]
    )


def _cohort(moves: QuerySet[CaseTransition]) -> QuerySet:
    """+1 for each close, -1 for each reopening, on the day its case was accepted: the
    cases accepted that day that are closed now (never more than were accepted)."""
    closing = Q(to_stage=Stage.CLOSED)
    reopening = Q(from_stage__in=CLOSED_AGAIN, to_stage=Stage.ACCEPTED)
    changes = moves.filter(closing | reopening)
    return (
        _located(changes, _accepted_on())
        .annotate(subgroup=Value("", output_field=CharField()))
        .values("day", "region_path", "subgroup")
        .annotate(
            **{
                column(code("closed_of_accepted")): Count("pk", filter=closing)
                - Count("pk", filter=reopening)
            }
        )
    )


class CaseFlow:
    """The stage changes' day figures (indicators.DaySource)."""

    measures = tuple(
        Measure(code(name), MEASURE_NAMES[name], CASE_VIEW)
        for name in [*FLOW, "closed_of_accepted"]
    )

    def rollup(self, store: Callable[[QuerySet], None]) -> int:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])
            batch = (CaseTransition.objects.aggregate(n=Max("rollup_batch"))["n"] or 0) + 1
            marked = CaseTransition.objects.filter(rollup_batch__isnull=True).update(
                rollup_batch=batch
            )
            if marked:
                for grouped in _grouped(CaseTransition.objects.filter(rollup_batch=batch)):
                    store(grouped)
        if marked >= ANALYZE_AFTER:  # the planner must learn that few changes are left
            analyze(CaseTransition)
        return marked

    def pending(self, *, paths: list[str] | None, start: datetime, end: datetime) -> DayRows:
        live = CaseTransition.objects.filter(rollup_batch__isnull=True)
        if paths is not None:
            live = live.filter(case__region__in=regions_within(paths).values("pk"))
        flow, people, cohort = _grouped(live)
        zone = timezone.get_current_timezone()
        first = timezone.localtime(start, zone).date()
        last = timezone.localtime(end - timedelta(microseconds=1), zone).date()
        return [
            *flow.filter(at__gte=start, at__lt=end),
            *people.filter(at__gte=start, at__lt=end),
            *(row for row in cohort if first <= row["day"] <= last),
        ]


def _rate(name, measure_part, measure_whole, definition, *, higher=True, **more):
    return Indicator(
        code(name),
        definition=definition,
        unit="%",
        kind="rate",
        numerator=tuple(code(m) for m in measure_part),
        denominator=tuple(code(m) for m in measure_whole),
        decimals=4,
        higher_is_better=higher,
        name=more.pop("label"),
        **more,
    )


INDICATORS = [
    Indicator(
        code("received"),
        _("Received"),
        order=10,
        unit=_("cases"),
        kind="count",
        numerator=(code("received"),),
        definition=_("Reports made in the period (per handler: none)."),
        higher_is_better=None,
    ),
    _rate(
        "acceptance_rate",
        ["accepted_steps"],
        ["accepted_steps", "rejected_steps"],
        _("Reported → accepted ÷ (reported → accepted + reported → rejected)."),
        label=_("Acceptance rate"),
        order=20,
    ),
    _rate(
        "dispatch_on_time_rate",
        ["dispatches_on_time"],
        ["dispatches"],
        _("Accepted → dispatched within the time limit ÷ all accepted → dispatched."),
        label=_("Dispatched on time"),
        order=30,
    ),
    _rate(
        "on_time_rate",
        ["handled_on_time"],
        ["handled"],
        _("Reports back (to handled) within the time limit ÷ all reports back."),
        label=_("Handled on time (按期办结率)"),
        order=40,
    ),
    _rate(
        "closure_rate",
        ["closed_of_accepted"],
        ["accepted_steps"],
        _("Of the cases accepted in the period, the share closed now (结案数 ÷ 立案数)."),
        label=_("Closure rate (结案率)"),
        order=50,
    ),
    _rate(
        "rework_rate",
        ["returns"],
        ["verifications"],
        _("Returns for rework ÷ all changes from handled (closes and returns)."),
        label=_("Rework rate"),
        order=60,
        higher=False,
    ),
    Indicator(
        code("rating_mean"),
        _("Mean rating"),
        order=70,
        unit=_("stars"),
        kind="mean",
        numerator=(code("rating_sum"),),
        denominator=(code("ratings"),),
        decimals=2,
        definition=_("Mean rating (1–5) of the cases evaluated in the period."),
    ),
    _rate(
        "satisfaction_rate",
        ["satisfied"],
        ["ratings"],
        _("Evaluations of 4 or 5 stars ÷ all evaluations."),
        label=_("Satisfied (4–5)"),
        order=80,
    ),
    *(
        Indicator(
            code(f"hours_{stage}"),
            format_lazy(_("Hours {stage}"), stage=Stage(stage).label),
            unit=_("hours"),
            kind="mean",
            numerator=(code(f"time_{stage}"),),
            denominator=(code(f"left_{stage}"),),
            scale=1 / 3_600_000_000,
            decimals=1,
            higher_is_better=False,
            definition=_("Mean calendar hours in the stage, of the changes leaving it."),
            order=200 + n,
        )
        for n, stage in enumerate(TIMED)
    ),
]

catalogue.register(CaseFlow(), *INDICATORS)
