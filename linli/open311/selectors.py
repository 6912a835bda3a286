"""What Open311 shows: the categories as services, and cases as service requests —
the public ones (`CaseQuerySet.public`), their summaries only (code, category,
stage, description, place, times, answers); never the caller, the handlers or their
notes."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.cases import origins
from linli.cases.choices import OPEN_STAGES, Stage
from linli.cases.models import Case, Category
from linli.registry.selectors import buildings_at_addresses

LIMIT = 1000
CLOSED = (Stage.CLOSED, Stage.EVALUATED, Stage.REJECTED)
# What each stage reached means, for the notes (the staff's own notes stay private).
NOTES = {
    Stage.REPORTED: gettext_lazy("The request was received."),
    Stage.ACCEPTED: gettext_lazy("The request was accepted and filed as a case."),
    Stage.REJECTED: gettext_lazy(
        "The request was not taken up (a duplicate, or not a matter for the district)."
    ),
    Stage.DISPATCHED: gettext_lazy("The case was given to the people who handle it."),
    Stage.HANDLING: gettext_lazy("The handling has started."),
    Stage.HANDLED: gettext_lazy("The handling is done and is being checked."),
    Stage.CLOSED: gettext_lazy("The handling was checked and the case closed."),
    Stage.EVALUATED: gettext_lazy("The reporter rated the handling."),
}


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
    page: int = 1,
    page_size: int = LIMIT,
) -> QuerySet[Case]:
    """Cases of the district, newest first, `page_size` (at most LIMIT) a page: those
    named by tracking code (which overrides every other filter), else those reported
    between `start` and `end` of the given services and statuses. A page beyond the
    last is empty (clients page until they get nothing)."""
    found = Case.objects.public().select_related("category", "region")
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
    first = (page - 1) * page_size
    return found.order_by("-created_at", "-pk")[first : first + page_size]


def w3c(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def requests_out(found, *, extensions: bool = False) -> list[dict]:
    """The cases as requests; one known by address alone at the point of the registry
    building its address names, when that building is in the case's region and
    located."""
    found = list(found)
    buildings = buildings_at_addresses(
        case.address for case in found if case.latitude is None and case.address
    )
    return [
        request_out(case, extensions=extensions, point=_located(buildings.get(case.address), case))
        for case in found
    ]


def _located(building, case: Case):
    """The building if it is in the case's region and has a point, else None."""
    if building is None or building.latitude is None:
        return None
    return building if building.grid.path.startswith(case.region.path) else None


def request_out(case: Case, *, extensions: bool = False, point=None) -> dict:
    """One request; `point` has the latitude and longitude to show (the case's own by
    default)."""
    point = point or case
    closed = case.stage in CLOSED
    updated = case.closed_at if closed else case.stage_since
    out: dict[str, Any] = {
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
        "lat": float(point.latitude) if point.latitude is not None else None,
        "long": float(point.longitude) if point.longitude is not None else None,
        "media_url": case.media_url or None,
    }
    if extensions:
        out["attributes"] = _attributes(case)
        out["extended_attributes"] = {
            "channel": case.source,
            "supporters": case.supporters,
            # the kind of what raised it (a patrol, an alarm); never its name: it is public
            "origin": origin_kind(case.origin_type),
        }
        out["notes"] = [_note(move) for move in case.transitions.all()]
    return out


def _attributes(case: Case) -> list[dict]:
    """The answers as the extension has them: per question its `code`, `name` (the
    question), `value` (as stored: a key, or keys) and `label` (as people read it)."""
    out = []
    for question in case.category.questions:
        if question["code"] not in case.answers:
            continue
        value = case.answers[question["code"]]
        names = {v["key"]: v["name"] for v in question.get("values", [])}
        keys = value if isinstance(value, list) else [value]
        out.append(
            {
                "code": question["code"],
                "name": question["description"],
                "label": "、".join(str(names.get(key, key)) for key in keys),
                "value": value,
            }
        )
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
        "description": str(NOTES[move.to_stage]),
        "type": kind,
    }
