"""Every write of the assessment app: loading a scale file as a new version, recording
an assessment (the first assessor) and confirming it (the second)."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import people_who_may
from linli.assessment import scaledef
from linli.assessment.choices import AssessmentReason, AssessmentState
from linli.assessment.models import Assessment, Scale
from linli.assessment.permissions import ASSESSMENT_PERFORM
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.problems import Conflict
from linli.gridwork.services import grid_task_create, grid_tasks_close
from linli.regions.selectors import ensure_may
from linli.registry.choices import ResidentStatus
from linli.registry.labels import ELDERLY_AGE, years_ago
from linli.registry.models import Resident

if TYPE_CHECKING:
    from linli.accounts.models import User

MAX_PLACE = 100
EARLIEST = date(2013, 1, 1)  # MZ/T 039-2013, the first national scale


def scale_digest(raw: scaledef.Json) -> str:
    return hashlib.sha256(
        json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    ).hexdigest()


@transaction.atomic
def scale_load(*, raw: scaledef.Json, by: "User | None") -> tuple[Scale, bool]:
    """Load a scale file's JSON as a new version (checked whole first: ScaleError lists
    every problem and nothing is stored). The same file again changes nothing
    (`False`); a different file under a loaded code and version is refused: a scale in
    use is never changed, a changed one is a new version. The new version is the one
    offered for new assessments; older ones stay for the assessments made with them."""
    definition = scaledef.parse(raw)
    digest = scale_digest(raw)
    found = (
        Scale.objects.select_for_update()
        .filter(code=definition.code, version=definition.version)
        .first()
    )
    if found is not None:
        if found.digest != digest:
            raise scaledef.ScaleError(
                [
                    _(
                        "Version %(version)s of scale %(code)s is already loaded with other "
                        "content: a loaded scale is never changed, give the file a new version."
                    )
                    % {"version": definition.version, "code": definition.code}
                ]
            )
        return found, False
    Scale.objects.filter(code=definition.code).update(active=False)
    scale = Scale.objects.create(
        code=definition.code,
        version=definition.version,
        name=definition.name,
        definition=raw,
        digest=digest,
        loaded_by=by,
    )
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=scale,
        object_label=f"{definition.code} {definition.version}",
        details={"items": len(definition.items), "digest": digest},
    )
    return scale, True


BUNDLED = ("mzt-039-2013.json", "gbt-42195-2022.json")  # the national scales, oldest first


def scales_ensure_defaults() -> None:
    """Load the bundled national scales whose code has no version yet (migration 0002
    does it at install; a test that flushed the database calls it again)."""
    folder = Path(__file__).resolve().parent / "scales"
    for name in BUNDLED:
        raw = json.loads((folder / name).read_text(encoding="utf-8"))
        if isinstance(raw, dict) and not Scale.objects.filter(code=raw.get("code")).exists():
            scale_load(raw=raw, by=None)


def _check_second(resident: Resident, second: "User", by: "User") -> None:
    if second.pk == by.pk:
        raise ValidationError(
            {"second_assessor": _("The second assessor must be someone other than you.")}
        )
    if not people_who_may(ASSESSMENT_PERFORM, resident.grid).filter(pk=second.pk).exists():
        raise ValidationError(
            {"second_assessor": _("The second assessor may not assess in this resident's grid.")}
        )


@transaction.atomic
def assessment_create(
    *,
    resident: Resident,
    scale: Scale,
    reason: str,
    assessed_on: date,
    place: str,
    second_assessor: "User",
    answers: Mapping[str, str],
    factors: list[str] | None = None,
    risk_events: Mapping[str, int] | None = None,
    by: "User",
) -> Assessment:
    """Record an assessment of `resident` made by `by` (the first assessor) with
    `second_assessor`, who confirms it. Every item answered with one of its options,
    else a ValidationError naming each item and nothing saved. The total, the level by
    the bands and the overrides applied (with why) are computed here from the scale."""
    resident = Resident.objects.select_for_update().select_related("grid").get(pk=resident.pk)
    ensure_may(by, resident.grid, ASSESSMENT_PERFORM)
    problems: dict[str, str] = {}
    if resident.status != ResidentStatus.LIVING:
        problems["resident"] = _("Only living residents are assessed.")
    elif resident.birth_date > years_ago(ELDERLY_AGE, assessed_on):
        problems["resident"] = _("Ability assessment is for residents aged %(n)s or over.") % {
            "n": ELDERLY_AGE
        }
    if not scale.active:
        problems["scale"] = _("This version of the scale is no longer used for new assessments.")
    if reason not in AssessmentReason.values:
        problems["reason"] = _("Unknown reason.")
    today = timezone.localdate()
    if assessed_on > today:
        problems["assessed_on"] = _("The date of an assessment cannot be in the future.")
    elif assessed_on < EARLIEST:
        problems["assessed_on"] = _("An assessment before %(year)s cannot be entered.") % {
            "year": EARLIEST.year
        }
    place = place.strip()
    if not place or len(place) > MAX_PLACE or "\x00" in place:
        problems["place"] = _("Say where the assessment was made (at most %(n)s characters).") % {
            "n": MAX_PLACE
        }
    if problems:
        raise ValidationError(problems)
    _check_second(resident, second_assessor, by)
    if Assessment.objects.filter(resident=resident, state=AssessmentState.PENDING).exists():
        raise Conflict(_("This resident already has an assessment awaiting its second assessor."))
    definition = scale.parsed
    answers = {str(k): str(v) for k, v in answers.items()}
    factors, risk_events = list(factors or []), dict(risk_events or {})
    try:
        result = scaledef.score(definition, answers, factors, risk_events)
    except scaledef.AnswerError as exc:
        raise ValidationError({"answers": list(exc.problems.values())}) from None
    assessment = Assessment.objects.create(
        grid=resident.grid,
        resident=resident,
        scale=scale,
        reason=reason,
        assessed_on=assessed_on,
        place=place,
        assessor=by,
        second_assessor=second_assessor,
        answers_text=json.dumps(answers, ensure_ascii=False),
        findings_text=json.dumps(
            {
                "factors": factors,
                "events": {k: v for k, v in risk_events.items() if v},
                "applied": [asdict(a) for a in result.applied],
            },
            ensure_ascii=False,
        ),
        total=result.total,
        section_scores=[asdict(s) for s in result.sections],
        raw_level=result.raw_level,
        level=result.level,
        overridden=result.level != result.raw_level,
    )
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=assessment,
        object_label=resident.name,
        details={"scale": f"{scale.code} {scale.version}"},
    )
    return assessment


@transaction.atomic
def assessment_confirm(*, assessment: Assessment, by: "User") -> Assessment:
    """The second assessor confirms: the level becomes the resident's care level, and
    the re-assessment falls due after the months the scale gives that level (a grid
    task for the grid, the previous one closed)."""
    assessment = (
        Assessment.objects.select_for_update().select_related("grid", "scale").get(pk=assessment.pk)
    )
    ensure_may(by, assessment.grid, ASSESSMENT_PERFORM)
    if assessment.second_assessor_id != by.pk:
        raise PermissionDenied(_("Only the second assessor named may confirm this assessment."))
    if assessment.state != AssessmentState.PENDING:
        raise Conflict(_("This assessment is already confirmed."))
    months = assessment.scale.parsed.level(assessment.level).reassess_months
    assessment.state = AssessmentState.CONFIRMED
    assessment.confirmed_at = timezone.now()
    assessment.due_on = add_months(assessment.assessed_on, months)
    assessment.save(update_fields=["state", "confirmed_at", "due_on"])
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=assessment,
        object_label=str(assessment.pk),
        details={"state": AssessmentState.CONFIRMED},
    )
    _reassessment_task(assessment)
    return assessment


MAX_WITHDRAW_REASON = 200


@transaction.atomic
def assessment_withdraw(*, assessment: Assessment, reason: str, by: "User") -> Assessment:
    """Either of its assessors takes back an assessment not yet confirmed (an answer
    entered wrong, the wrong elder): it counts nowhere, and the elder may be assessed
    again. The reason is kept; the audit entry names the state only."""
    assessment = Assessment.objects.select_for_update().select_related("grid").get(pk=assessment.pk)
    ensure_may(by, assessment.grid, ASSESSMENT_PERFORM)
    if by.pk not in (assessment.assessor_id, assessment.second_assessor_id):
        raise PermissionDenied(_("Only its two assessors may withdraw this assessment."))
    if assessment.state != AssessmentState.PENDING:
        raise Conflict(_("Only an assessment awaiting its second assessor can be withdrawn."))
    reason = reason.strip()
    if not 2 <= len(reason) <= MAX_WITHDRAW_REASON:
        raise ValidationError(
            {
                "reason": _("Say why it is withdrawn, in 2 to %(n)s characters.")
                % {"n": MAX_WITHDRAW_REASON}
            }
        )
    assessment.state = AssessmentState.WITHDRAWN
    assessment.withdrawn_at = timezone.now()
    assessment.withdraw_reason = reason
    assessment.save(update_fields=["state", "withdrawn_at", "withdraw_reason"])
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=assessment,
        object_label=str(assessment.pk),
        details={"state": AssessmentState.WITHDRAWN},
    )
    return assessment


REASSESS = "assessment.reassess"  # the grid task kind (apps.py)


def _reassessment_task(assessment: Assessment) -> None:
    """The elder's open re-assessment task is done (they were just assessed); the
    next one falls due on `due_on`, for the grid's workers. A confirmation of an
    older assessment (entered late) leaves the task of the latest one alone."""
    resident = assessment.resident
    newer = (
        Assessment.objects.filter(resident=resident, state=AssessmentState.CONFIRMED)
        .exclude(pk=assessment.pk)
        .filter(assessed_on__gt=assessment.assessed_on)
        .exists()
    )
    if newer or assessment.due_on is None:
        return
    ref = str(resident.pk)
    grid_tasks_close(kind=REASSESS, ref=ref)
    grid_task_create(
        kind=REASSESS,
        ref=ref,
        grid=assessment.grid,
        title=_("Re-assess %(name)s (%(level)s)")
        % {"name": resident.name, "level": assessment.get_level_display()},
        due_on=assessment.due_on,
        resident=resident,
    )


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has fewer)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError(day)
