"""KPIs of case handling (docs/kpis.md), for any period of whole days and any level —
subdistrict, community, grid — or per handler, within the user's scope; with the
patrols' 到位率 (linli.gridwork.kpis) and the registry's 更新频次 (linli.registry.kpis)
beside them.

They are sums of counts of stage changes (`CaseTransition`). The periodic task
`cases_rollup` adds each change, once, into the figures of its local day and the
case's region (`RegionDay`), and of its handler (`HandlerDay`); a KPI table adds up
those days and the changes not rolled up yet, so it is exact and current while
reading a few rows per day and region instead of every change of the period."""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, DurationField, F, Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.cases.choices import TIMED_STAGES, Stage
from linli.cases.models import CaseTransition, DayFigures, HandlerDay, RegionDay
from linli.cases.permissions import CASE_VIEW
from linli.core.bulk import analyze
from linli.core.xlsx import xlsx_download
from linli.gridwork.kpis import presence_figures
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.registry.kpis import update_counts
from linli.registry.models import Affiliation

LEVELS = {
    "subdistrict": PATH_LENGTH[Level.SUBDISTRICT],
    "community": PATH_LENGTH[Level.COMMUNITY],
    "grid": PATH_LENGTH[Level.GRID],
    "handler": None,
    "organisation": None,  # the handlers' figures, added up per organisation they act for
}
TIMED = tuple(TIMED_STAGES)  # the stages whose time is limited: their time is measured
ROLLUP_LOCK = 370306_4  # PostgreSQL advisory lock: one rollup at a time
ANALYZE_AFTER = 100_000  # changes counted in one run, after which statistics are refreshed

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
ZERO = Value(timedelta(0), output_field=DurationField())


def _figures() -> dict:
    """The day figures (DayFigures' fields) as aggregates over stage changes."""
    out = {name: Count("pk", filter=q) for name, q in COUNTS.items()}
    out["rating_sum"] = Coalesce(Sum("rating", filter=_RATED), 0)
    for stage in TIMED:
        left = Q(from_stage=stage, duration__isnull=False)
        out[f"time_{stage}"] = Coalesce(Sum("duration", filter=left), ZERO)
        out[f"left_{stage}"] = Count("pk", filter=left)
    return out


FIGURES = [f.name for f in DayFigures._meta.fields if f.name not in ("day", "region")]
PRESENCE = ("check_ins", "check_ins_planned")  # from the patrols (gridwork.kpis)
UPDATES = "updates"  # registry changes (registry.kpis): 更新频次


def cases_rollup() -> int:
    """Add the stage changes not yet counted into the day figures; returns how many.
    Each run marks its changes with a new batch number in one statement (so a change
    committed meanwhile waits for the next run) and adds exactly those."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ROLLUP_LOCK])
        batch = (CaseTransition.objects.aggregate(n=Max("rollup_batch"))["n"] or 0) + 1
        marked = CaseTransition.objects.filter(rollup_batch__isnull=True).update(rollup_batch=batch)
        if marked:
            moves = CaseTransition.objects.filter(rollup_batch=batch).annotate(
                day=TruncDate("at", tzinfo=timezone.get_current_timezone()),
                unit=F("case__region"),
            )
            _add(RegionDay, moves.values("day", "unit"), ["day", "region_id"])
            handled = moves.filter(assignee__isnull=False).annotate(person=F("assignee"))
            _add(
                HandlerDay,
                handled.values("day", "unit", "person"),
                ["day", "region_id", "handler_id"],
            )
    if marked >= ANALYZE_AFTER:  # the planner must learn that few changes are left to count
        analyze(CaseTransition, RegionDay, HandlerDay)
    return marked


def _add(model, grouped: QuerySet, keys: list[str]) -> None:
    """INSERT … SELECT the grouped figures; ON CONFLICT add them to the day's row."""
    select = grouped.annotate(**_figures()).order_by()
    sql, params = select.query.sql_with_params()
    sources = ["day", "unit", "person"][: len(keys)]
    table = connection.ops.quote_name(model._meta.db_table)
    q = connection.ops.quote_name
    columns = [*keys, *FIGURES]
    picked = [*sources, *FIGURES]
    updates = ", ".join(f"{q(c)} = {table}.{q(c)} + excluded.{q(c)}" for c in FIGURES)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(map(q, columns))}) "  # noqa: S608 (names from models)
            f"SELECT {', '.join(map(q, picked))} FROM ({sql}) AS figures WHERE true "
            f"ON CONFLICT ({', '.join(map(q, keys))}) DO UPDATE SET {updates}",
            params,
        )


@dataclass
class Row:
    """One unit's figures (`counts`: FIGURES summed); rates are None when their
    denominator is 0. Counts read as attributes: `row.received`."""

    key: str
    name: str = ""
    counts: dict = field(default_factory=dict)

    def __getattr__(self, name: str):
        if name in FIGURES or name in PRESENCE or name == UPDATES:
            return self.counts.get(name, 0)
        raise AttributeError(name)

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return round(part / whole, 4) if whole else None

    @property
    def acceptance_rate(self):
        return self._rate(self.accepted_steps, self.accepted_steps + self.rejected_steps)

    @property
    def dispatch_on_time_rate(self):
        return self._rate(self.dispatches_on_time, self.dispatches)

    @property
    def on_time_rate(self):  # 按期办结率
        return self._rate(self.handled_on_time, self.handled)

    @property
    def closure_rate(self):  # 结案率
        return self._rate(self.closes, self.accepted_steps)

    @property
    def rework_rate(self):
        return self._rate(self.returns, self.verifications)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.ratings)

    @property
    def presence_rate(self):  # 到位率
        return self._rate(self.check_ins, self.check_ins_planned)

    @property
    def rating_mean(self):
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None

    @property
    def hours(self) -> dict:
        """Mean hours in each stage left (calendar hours), by stage."""
        hours = {}
        for stage in TIMED:
            left = self.counts.get(f"left_{stage}", 0)
            spent = self.counts.get(f"time_{stage}", timedelta(0))
            hours[stage] = round(spent.total_seconds() / 3600 / left, 1) if left else None
        return hours

    def add(self, found: dict) -> None:
        for name, value in found.items():
            empty = timedelta(0) if name.startswith("time_") else 0
            self.counts[name] = self.counts.get(name, empty) + value


@contextmanager
def _one_snapshot():
    """Reads that see one committed state: a transaction (REPEATABLE READ on
    PostgreSQL; SQLite's are serialised), unless the caller is already in one."""
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def case_kpis(
    *, user, start: datetime, end: datetime, level: str, rank_by: str = "on_time_rate"
) -> list[Row]:
    """Every unit of `level` with figures in [start, end) — whole local days — in the
    user's scope, best first by `rank_by` (a Row attribute; units without it last)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    regions = Region.objects.visible_to(user, CASE_VIEW).values("pk")
    zone = timezone.get_current_timezone()
    first, last = timezone.localtime(start, zone).date(), timezone.localtime(end, zone).date()
    per_handler = LEVELS[level] is None
    model = HandlerDay if per_handler else RegionDay
    unit = F("handler") if per_handler else Substr("region__path", 1, LEVELS[level])
    days = (
        model.objects.filter(region__in=regions, day__gte=first, day__lt=last)
        .annotate(unit=unit)
        .values("unit")
        .annotate(**{f"total_{name}": Sum(name) for name in FIGURES})
    )
    live = CaseTransition.objects.filter(
        rollup_batch__isnull=True, at__gte=start, at__lt=end, case__region__in=regions
    )
    if per_handler:
        live = live.filter(assignee__isnull=False).annotate(unit=F("assignee"))
    else:
        live = live.annotate(unit=Substr("case__region__path", 1, LEVELS[level]))
    with _one_snapshot():  # a rollup committing between the two reads would be missed
        summed = [{k.removeprefix("total_"): v for k, v in found.items()} for found in days]
        pending = list(live.values("unit").annotate(**_figures()))
    rows: dict[str, Row] = {}
    for found in [*summed, *pending]:
        key = str(found.pop("unit"))
        rows.setdefault(key, Row(key=key)).add(found)

    def unit_of(route) -> str:
        return str(route.worker_id) if per_handler else route.grid.path[: LEVELS[level]]

    presence = presence_figures(user=user, start=start, end=end, unit_of=unit_of)
    for key, (made, planned) in presence.items():
        rows.setdefault(key, Row(key=key)).add(dict(zip(PRESENCE, (made, planned), strict=True)))
    updates = update_counts(user=user, start=start, end=end, path_length=LEVELS[level])
    for key, count in updates.items():
        rows.setdefault(key, Row(key=key)).add({"updates": count})
    _name(rows, per_handler)
    if level == "organisation":
        rows = _by_organisation(rows)
    return sorted(
        rows.values(),
        key=lambda r: (getattr(r, rank_by) is None, -(getattr(r, rank_by) or 0), r.name),
    )


def daily_counts(*, user, start: datetime, end: datetime) -> list[tuple[date, int, int]]:
    """Per local day of [start, end) in the user's scope: (day, received, closes) —
    the KPI dashboard's trend, from the same day figures and pending changes."""
    regions = Region.objects.visible_to(user, CASE_VIEW).values("pk")
    zone = timezone.get_current_timezone()
    first, last = timezone.localtime(start, zone).date(), timezone.localtime(end, zone).date()
    days = (
        RegionDay.objects.filter(region__in=regions, day__gte=first, day__lt=last)
        .values("day")
        .annotate(received=Sum("received"), closes=Sum("closes"))
    )
    live = (
        CaseTransition.objects.filter(
            rollup_batch__isnull=True, at__gte=start, at__lt=end, case__region__in=regions
        )
        .annotate(day=TruncDate("at", tzinfo=zone))
        .values("day")
        .annotate(
            received=Count("pk", filter=COUNTS["received"]),
            closes=Count("pk", filter=COUNTS["closes"]),
        )
    )
    totals = {first + timedelta(days=n): [0, 0] for n in range((last - first).days)}
    with _one_snapshot():
        found = [*days, *live]
    for row in found:
        if row["day"] in totals:
            totals[row["day"]][0] += row["received"]
            totals[row["day"]][1] += row["closes"]
    return [(day, received, closes) for day, (received, closes) in totals.items()]


def _name(rows: dict[str, Row], per_handler: bool) -> None:
    if per_handler:
        people = get_user_model().objects.filter(pk__in=[k for k in rows if k.isdigit()])
        names = {str(p.pk): p.get_short_name() for p in people}
    else:
        names = dict(Region.objects.filter(path__in=rows).values_list("path", "name"))
    for key, r in rows.items():
        r.name = names.get(key, key)


def _by_organisation(rows: dict[str, Row]) -> dict[str, Row]:
    """People's rows added up per organisation their grants act for (a department, a
    property company); people acting for none are left out."""
    acting = (
        Affiliation.objects.filter(
            grant__user__in=[k for k in rows if k.isdigit()], grant__revoked_at__isnull=True
        )
        .order_by("grant__user", "grant")
        .values_list("grant__user", "organisation", "organisation__name")
    )
    of_person: dict[str, tuple[int, str]] = {}
    for person, organisation, name in acting:
        of_person.setdefault(str(person), (organisation, name))  # the first grant's
    merged: dict[str, Row] = {}
    for key, row in rows.items():
        if key in of_person:
            organisation, name = of_person[key]
            merged.setdefault(str(organisation), Row(key=str(organisation), name=name)).add(
                row.counts
            )
    return merged


def kpi_download(*, user, rows: list[Row], query, columns, levels):
    """The KPI table as an Excel workbook (rates as fractions formatted as %); audited."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(levels[query.level])
    stage_headers = [_("Mean hours %(stage)s") % {"stage": Stage(s).label} for s in TIMED]
    sheet.append(
        [str(levels[query.level]), *(str(label) for _k, label, _h in columns), *stage_headers]
    )
    for row in rows:
        hours = row.hours
        sheet.append(
            [
                row.name,
                *(getattr(row, key) for key, _label, _how in columns),
                *(hours[stage] for stage in TIMED),
            ]
        )
    for index, (_key, _label, how) in enumerate(columns, start=2):
        if how == "rate":
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "0.0%"
    out = BytesIO()
    book.save(out)
    out.seek(0)
    audit_record(
        action=AuditAction.EXPORT,
        actor=user,
        object_type="cases.kpi",
        object_label=_("Case KPIs"),
        region=home_region(user=user),
        details={
            "level": query.level,
            "start": query.start.isoformat(),
            "end": query.end.isoformat(),
            "rows": len(rows),
            "format": "xlsx",
        },
    )
    return xlsx_download(out, f"案件考核指标-{query.start:%Y%m%d}-{query.end:%Y%m%d}.xlsx")
