"""What Open311 shows: the categories as services, and cases as service requests —
the public ones (`CaseQuerySet.public`), their summaries only (code, category,
stage, description, place, times, answers); never the caller, the handlers or their
notes."""

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.cases import origins
from linli.cases.choices import OPEN_STAGES, Stage
from linli.cases.models import Case, Category

LIMIT = 1000
CLOSED = (Stage.CLOSED, Stage.EVALUATED, Stage.REJECTED)


def services() -> QuerySet[Category]:
    """The categories one may report: active and at the lowest level."""
    return (
        Category.objects.filter(active=True, parent__isnull=False, parent__active=True)
        .select_related("parent")
        .order_by("order", "code")
    )


def service_out(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": _("%(group)s · %(name)s: accepted within %(hours)s hours")
        % {"group": category.parent.name, "name": category.name, "hours": category.accept_hours},
        "metadata": bool(category.questions),
        "type": "realtime",
        "keywords": category.parent.name,
        "group": category.parent.name,
    }


def definition_out(category: Category) -> dict:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": q["code"],
                "datatype": q["datatype"],
                "required": bool(q.get("required")),
                "datatype_description": "",
                "order": order,
                "description": q["description"],
                "values": [{"key": v["key"], "name": v["name"]} for v in q.get("values", [])],
            }
            for order, q in enumerate(category.questions, start=1)
        ],
    }


def service_requests(
    *,
    codes: list[str] | None = None,
    service_codes: list[str] | None = None,
    start: datetime | None,
    end: datetime | None,
    statuses: list[str] | None = None,
    notes: bool = False,
) -> QuerySet[Case]:
    """Cases of the district, newest first, at most LIMIT: those named by tracking
    code (which overrides every other filter), else those reported between `start`
    and `end` of the given services and statuses."""
    found = Case.objects.public().select_related("category")
    if codes is not None:
        found = found.filter(code__in=codes)
    else:
        found = found.filter(created_at__gte=start, created_at__lte=end)
        if service_codes:
            found = found.filter(category__code__in=service_codes)
        if statuses and set(statuses) != {"open", "closed"}:
            found = found.filter(stage__in=OPEN_STAGES if set(statuses) == {"open"} else CLOSED)
    if notes:
        found = found.prefetch_related("transitions")
    return found.order_by("-created_at", "-pk")[:LIMIT]


def w3c(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def request_out(case: Case, *, extensions: bool = False) -> dict:
    closed = case.stage in CLOSED
    updated = case.closed_at if closed else case.stage_since
    out = {
        "service_request_id": case.code,
        "status": "closed" if closed else "open",
        "status_notes": case.get_stage_display(),
        "service_name": case.category.name,
        "service_code": case.category.code,
        "description": case.description,
        "agency_responsible": None,
        "service_notice": None,
        "requested_datetime": w3c(case.created_at),
        "updated_datetime": w3c(updated),
        "expected_datetime": w3c(case.due_at)
        if case.stage in (Stage.DISPATCHED, Stage.HANDLING)
        else None,
        "address": case.address,
        "address_id": None,
        "zipcode": None,
        "lat": float(case.latitude) if case.latitude is not None else None,
        "long": float(case.longitude) if case.longitude is not None else None,
        "media_url": None,
    }
    if extensions:
        out["attributes"] = case.answers
        out["extended_attributes"] = {
            "channel": case.source,
            "supporters": case.supporters,
            # the kind of what raised it (a patrol, an alarm); never its name: it is public
            "origin": origin_kind(case.origin_type),
        }
        out["notes"] = [_note(move) for move in case.transitions.all()]
    return out


def origin_kind(type_: str) -> dict | None:
    kind = origins.kind(type_) if type_ else None
    return {"type": type_, "kind": str(kind.label)} if kind else None


def _note(move) -> dict:
    """A stage change as a note: when, and the stage reached (staff notes stay private)."""
    if move.to_stage == Stage.REPORTED:
        kind = "opened"
    elif move.to_stage in CLOSED:
        kind = "closed"
    else:
        kind = "activity"
    return {
        "datetime": w3c(move.at),
        "summary": str(Stage(move.to_stage).label),
        "type": kind,
    }
