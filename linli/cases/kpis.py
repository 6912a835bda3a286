"""KPIs of case handling (docs/kpis.md), computed from the cases and their stage
changes for any period and any level — grid, community, subdistrict — or per
handler, within the user's scope. Two grouped queries: one over the cases reported
in the period, one over the stage changes made in it."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from io import BytesIO

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, F, Q
from django.db.models.functions import Substr
from django.utils.translation import gettext as _
from openpyxl import Workbook

from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.cases.choices import Stage
from linli.cases.models import Case, CaseTransition
from linli.cases.permissions import CASE_VIEW
from linli.core.xlsx import xlsx_download
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region

LEVELS = {
    "subdistrict": PATH_LENGTH[Level.SUBDISTRICT],
    "community": PATH_LENGTH[Level.COMMUNITY],
    "grid": PATH_LENGTH[Level.GRID],
    "handler": None,
}
TIMED = (Stage.REPORTED, Stage.ACCEPTED, Stage.DISPATCHED, Stage.HANDLING, Stage.HANDLED)
FINISHED = (Stage.CLOSED, Stage.EVALUATED)


@dataclass
class Row:
    """One unit's figures; rates are None when their denominator is 0."""

    key: str
    name: str = ""
    received: int = 0
    rejected: int = 0
    finished: int = 0
    accepted_steps: int = 0
    rejected_steps: int = 0
    dispatches: int = 0
    dispatches_on_time: int = 0
    handled: int = 0
    handled_on_time: int = 0
    verifications: int = 0
    returns: int = 0
    ratings: int = 0
    satisfied: int = 0
    rating_mean: float | None = None
    hours: dict = field(default_factory=dict)  # mean hours in each stage, by stage

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
        return self._rate(self.finished, self.received - self.rejected)

    @property
    def rework_rate(self):
        return self._rate(self.returns, self.verifications)

    @property
    def satisfaction_rate(self):
        return self._rate(self.satisfied, self.ratings)


def _unit(prefix: str, level: str):
    """The grouping expression: a region path cut to the level, or the handler."""
    if LEVELS[level] is None:
        return F("assignee")
    return Substr(f"{prefix}region__path", 1, LEVELS[level])


def case_kpis(*, user, start: datetime, end: datetime, level: str) -> list[Row]:
    """Every unit of `level` with figures in [start, end), in the user's scope."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}")
    regions = Region.objects.visible_to(user, CASE_VIEW).values("pk")
    rows: dict[str, Row] = {}

    def row(key) -> Row:
        key = str(key)
        return rows.setdefault(key, Row(key=key))

    if LEVELS[level] is not None:
        received = (
            Case.objects.filter(region__in=regions, created_at__gte=start, created_at__lt=end)
            .annotate(unit=_unit("", level))
            .values("unit")
            .annotate(
                received=Count("pk"),
                rejected=Count("pk", filter=Q(stage=Stage.REJECTED)),
                finished=Count("pk", filter=Q(stage__in=FINISHED)),
            )
        )
        for found in received:
            r = row(found["unit"])
            r.received, r.rejected, r.finished = (
                found["received"],
                found["rejected"],
                found["finished"],
            )
    moves = CaseTransition.objects.filter(case__region__in=regions, at__gte=start, at__lt=end)
    if LEVELS[level] is None:
        moves = moves.filter(assignee__isnull=False)
    step = {
        "accepted_steps": Q(from_stage=Stage.REPORTED, to_stage=Stage.ACCEPTED),
        "rejected_steps": Q(from_stage=Stage.REPORTED, to_stage=Stage.REJECTED),
        "dispatches": Q(from_stage=Stage.ACCEPTED, to_stage=Stage.DISPATCHED),
        "handled": Q(to_stage=Stage.HANDLED),
        "verifications": Q(from_stage=Stage.HANDLED),
        "returns": Q(from_stage=Stage.HANDLED, to_stage=Stage.HANDLING),
        "ratings": Q(to_stage=Stage.EVALUATED),
    }
    figures = {name: Count("pk", filter=q) for name, q in step.items()}
    figures["dispatches_on_time"] = Count("pk", filter=step["dispatches"] & Q(overdue=False))
    figures["handled_on_time"] = Count("pk", filter=step["handled"] & Q(overdue=False))
    figures["satisfied"] = Count("pk", filter=step["ratings"] & Q(case__rating__gte=4))
    figures["rating_mean"] = Avg("case__rating", filter=step["ratings"])
    for stage in TIMED:
        figures[f"in_{stage}"] = Avg("duration", filter=Q(from_stage=stage))
    grouped = moves.annotate(unit=_unit("case__", level)).values("unit").annotate(**figures)
    for found in grouped:
        r = row(found.pop("unit"))
        for stage in TIMED:
            spent: timedelta | None = found.pop(f"in_{stage}")
            r.hours[stage] = round(spent.total_seconds() / 3600, 1) if spent else None
        mean = found.pop("rating_mean")
        r.rating_mean = round(mean, 2) if mean is not None else None
        for name, value in found.items():
            setattr(r, name, value)
    _name(rows, level)
    return sorted(
        rows.values(), key=lambda r: (r.on_time_rate is None, -(r.on_time_rate or 0), r.name)
    )


def _name(rows: dict[str, Row], level: str) -> None:
    if LEVELS[level] is None:
        people = get_user_model().objects.filter(pk__in=[k for k in rows if k.isdigit()])
        names = {str(p.pk): p.get_short_name() for p in people}
    else:
        names = dict(Region.objects.filter(path__in=rows).values_list("path", "name"))
    for key, r in rows.items():
        r.name = names.get(key, key)


def kpi_download(*, user, rows: list[Row], query, columns, levels):
    """The KPI table as an Excel workbook (rates as fractions formatted as %); audited."""
    book = Workbook()
    sheet = book.active
    sheet.title = str(levels[query.level])
    stage_headers = [_("Mean hours %(stage)s") % {"stage": Stage(s).label} for s in TIMED]
    sheet.append(
        [str(levels[query.level])] + [str(label) for _k, label, _h in columns] + stage_headers
    )
    for row in rows:
        sheet.append(
            [row.name]
            + [getattr(row, key) for key, _label, _how in columns]
            + [row.hours.get(stage) for stage in TIMED]
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
