"""The case engine's day figures move from its wide tables (cases.RegionDay,
cases.HandlerDay: a column per figure) into the narrow day figures (a row per measure),
and the closure rate's measure — the cases accepted each day that are closed now — is
counted from the stage changes already rolled up. cases' next migration then deletes
the wide tables."""

from django.db import migrations
from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.utils import timezone

COUNTS = [
    "received",
    "accepted_steps",
    "rejected_steps",
    "dispatches",
    "dispatches_on_time",
    "handled",
    "handled_on_time",
    "verifications",
    "returns",
    "closes",
    "ratings",
    "satisfied",
    "rating_sum",
]
STAGES = ["reported", "accepted", "dispatched", "handling", "handled"]


def _rows(day_row, subgroup: str) -> list[tuple[str, int]]:
    values = [(name, getattr(day_row, name)) for name in COUNTS]
    for stage in STAGES:
        spent = getattr(day_row, f"time_{stage}")
        values.append((f"time_{stage}", spent // spent.resolution if spent else 0))
        values.append((f"left_{stage}", getattr(day_row, f"left_{stage}")))
    return [(f"cases.{name}", value) for name, value in values if value]


def forwards(apps, schema_editor):
    figure = apps.get_model("indicators", "DayFigure")
    made = []
    for model, subgroup in (("RegionDay", None), ("HandlerDay", "handler")):
        for row in apps.get_model("cases", model).objects.select_related("region").iterator():
            group = f"person:{row.handler_id}" if subgroup else ""
            for measure, value in _rows(row, group):
                made.append(
                    figure(
                        measure=measure,
                        day=row.day,
                        region_path=row.region.path,
                        subgroup=group,
                        value=value,
                    )
                )
    figure.objects.bulk_create(made, batch_size=2000)
    transition = apps.get_model("cases", "CaseTransition")
    accepted_on = Subquery(
        transition.objects.filter(
            case=OuterRef("case"), from_stage="reported", to_stage="accepted"
        ).values("at")[:1]
    )
    cohort: dict[tuple, int] = {}
    changes = transition.objects.filter(rollup_batch__isnull=False).filter(
        Q(to_stage="closed") | Q(from_stage__in=["closed", "evaluated"], to_stage="accepted")
    )
    zone = timezone.get_current_timezone()
    for move in changes.annotate(accepted=TruncDate(accepted_on, tzinfo=zone)).select_related(
        "case__region"
    ):
        key = (move.accepted, move.case.region.path)
        cohort[key] = cohort.get(key, 0) + (1 if move.to_stage == "closed" else -1)
    figure.objects.bulk_create(
        (
            figure(measure="cases.closed_of_accepted", day=day, region_path=path, value=n)
            for (day, path), n in cohort.items()
            if n
        ),
        batch_size=2000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0001_initial"),
        ("cases", "0013_case_origins_and_sources"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
