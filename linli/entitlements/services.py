"""Every write of the entitlements: grant kinds and their amount rules, disability
certificates, grants (made, ended, lapses warned and ended), re-verification
campaigns and veterans' service-station records. Keyword-only, in a transaction,
the scope checked for the person acting (`by`; None is the system: the hall's
decisions, the daily lapse check, the demo)."""

from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import people_who_may
from linli.assessment.choices import CareLevel
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.crypto import mask_name
from linli.entitlements import engine
from linli.entitlements.choices import (
    LAPSE_GRACE_DAYS,
    AmountUnit,
    DisabilityType,
    EndReason,
    VerificationResult,
    VeteranRecordKind,
)
from linli.entitlements.models import (
    AmountRule,
    Campaign,
    DisabilityCertificate,
    Grant,
    GrantKind,
    Verification,
    VeteranRecord,
)
from linli.entitlements.permissions import (
    ENTITLEMENT_CONFIGURE,
    ENTITLEMENT_MANAGE,
    ENTITLEMENT_VERIFY,
)
from linli.gridwork.services import grid_task_create, grid_tasks_close
from linli.notifications.services import notify
from linli.regions.models import Region
from linli.regions.selectors import district, ensure_may
from linli.registry.models import Label, Resident

NOTIFICATION_KIND = "entitlements"
# A grid task per household of a campaign: its grants to re-verify (ref "<campaign>-<household>").
REVERIFY_TASK = "entitlements.reverify"
KIND_FIELDS = (
    "name",
    "category",
    "legal_basis",
    "min_age",
    "needs_certificate",
    "max_grade",
    "disability_types",
    "care_levels",
    "matter",
    "active",
)


def task_ref(campaign: Campaign, household_pk: int) -> str:
    return f"{campaign.pk}-{household_pk}"


def _label(resident: Resident) -> str:
    return mask_name(resident.name)


# --- grant kinds and amount rules ----------------------------------------------------


@transaction.atomic
def kind_update(
    *,
    kind: GrantKind,
    by: Any,
    labels_all: Iterable[Label] | None = None,
    labels_any: Iterable[Label] | None = None,
    **fields: Any,
) -> GrantKind:
    """A kind's name, basis and conditions (KIND_FIELDS and the two label sets);
    audited with the names of the fields changed. Its code stays."""
    ensure_may(by, district(), ENTITLEMENT_CONFIGURE)
    unknown = fields.keys() - set(KIND_FIELDS)
    if unknown:
        raise TypeError(f"Unknown grant kind fields: {sorted(unknown)}")
    item = GrantKind.objects.select_for_update().get(pk=kind.pk)
    before = {name: getattr(item, name) for name in fields}
    for name, value in fields.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.disability_types = sorted(set(item.disability_types or []))
    wrong = set(item.disability_types) - set(DisabilityType.values)
    if wrong:
        raise ValidationError({"disability_types": _("Unknown disability type.")})
    levels = set(item.care_levels or [])
    if levels - set(CareLevel.values):
        raise ValidationError({"care_levels": _("Unknown care level.")})
    item.care_levels = [c for c in CareLevel.values if c in levels]
    if item.max_grade is not None and not item.needs_certificate:
        raise ValidationError(
            {"max_grade": _("A grade applies only when a disability certificate is needed.")}
        )
    if item.disability_types and not item.needs_certificate:
        raise ValidationError(
            {"disability_types": _("Types apply only when a disability certificate is needed.")}
        )
    item.full_clean(exclude=["code"])
    changed = sorted(name for name in fields if getattr(item, name) != before[name])
    if changed:
        item.save(update_fields=changed)
    for field, labels in (("labels_all", labels_all), ("labels_any", labels_any)):
        if labels is None:
            continue
        wanted = {label.pk for label in labels}
        related = getattr(item, field)
        if wanted != set(related.values_list("pk", flat=True)):
            related.set(wanted)
            changed.append(field)
    both = set(item.labels_all.values_list("pk", flat=True)) & set(
        item.labels_any.values_list("pk", flat=True)
    )
    if both:
        raise ValidationError(
            {"labels_any": _("A label cannot be both required and one of several.")}
        )
    if changed:
        audit_record(
            action=AuditAction.RECORD_UPDATE,
            actor=by,
            obj=item,
            region=district(),
            object_label=item.name,
            details={"fields": sorted(changed)},
        )
    return item


def _rule_check(rule: AmountRule) -> None:
    rule.full_clean()
    others = AmountRule.objects.filter(kind=rule.kind, region=rule.region).exclude(pk=rule.pk)
    low, high = rule.min_age or 0, rule.max_age if rule.max_age is not None else 999
    for other in others:
        o_low = other.min_age or 0
        o_high = other.max_age if other.max_age is not None else 999
        if low <= o_high and o_low <= high:
            raise ValidationError(
                {
                    "min_age": _("The band overlaps the band %(band)s of this region.")
                    % {"band": band_text(other)}
                }
            )
    if rule.kind.category == "relief" and rule.unit != AmountUnit.PERCENT_OFF:
        raise ValidationError({"unit": _("A fee relief is given as a percentage off.")})


def band_text(rule: AmountRule) -> str:
    if rule.min_age is None and rule.max_age is None:
        return _("every age")
    if rule.max_age is None:
        return _("%(low)d and over") % {"low": rule.min_age}
    return _("%(low)d–%(high)d") % {"low": rule.min_age or 0, "high": rule.max_age}


@transaction.atomic
def rule_create(
    *,
    kind: GrantKind,
    region: Region,
    amount: Decimal,
    unit: str,
    by: Any,
    min_age: int | None = None,
    max_age: int | None = None,
) -> AmountRule:
    """An amount for a region (and below it) and an age band; bands of one region
    never overlap."""
    ensure_may(by, region, ENTITLEMENT_CONFIGURE)
    GrantKind.objects.select_for_update().get(pk=kind.pk)  # one writer of a kind's rules
    rule = AmountRule(
        kind=kind, region=region, amount=amount, unit=unit, min_age=min_age, max_age=max_age
    )
    _rule_check(rule)
    rule.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=rule,
        region=region,
        object_label=kind.name,
        details={"band": band_text(rule), "amount": str(amount), "unit": unit},
    )
    return rule


@transaction.atomic
def rule_delete(*, rule: AmountRule, by: Any) -> None:
    ensure_may(by, rule.region, ENTITLEMENT_CONFIGURE)
    audit_record(
        action=AuditAction.RECORD_DELETE,
        actor=by,
        obj=rule,
        region=rule.region,
        object_label=rule.kind.name,
        details={"band": band_text(rule), "amount": str(rule.amount), "unit": rule.unit},
    )
    rule.delete()


# --- disability certificates ---------------------------------------------------------


@transaction.atomic
def certificate_record(
    *,
    resident: Resident,
    number: str,
    type: str,
    grade: int,
    issued_on: date,
    valid_until: date,
    by: Any,
) -> DisabilityCertificate:
    """A resident's 残疾人证 as shown at the desk: the 20-character number (the ID
    number, the type and grade digits), type, grade and validity."""
    ensure_may(by, resident.grid, ENTITLEMENT_MANAGE)
    number = (number or "").strip().upper()
    if not (len(number) in (20, 22) and number[:17].isdigit()):
        raise ValidationError(
            {"number": _("A disability certificate number is 20 or 22 characters.")}
        )
    certificate = DisabilityCertificate(
        grid=resident.grid,
        resident=resident,
        number=number,
        type=type,
        grade=grade,
        issued_on=issued_on,
        valid_until=valid_until,
    )
    certificate.full_clean()
    certificate.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=certificate,
        object_label=_label(resident),
        details={"type": type, "grade": grade, "valid_until": valid_until.isoformat()},
    )
    return certificate


# --- grants --------------------------------------------------------------------------


@transaction.atomic
def grant_create(
    *,
    resident: Resident,
    kind: GrantKind,
    by: Any,
    reason: str = "",
    application: str = "",
    starts_on: date | None = None,
) -> Grant:
    """A grant, after the checks: the kind is granted now, the resident meets every
    condition (each one failed is explained), the region has an amount for their age,
    they have no open grant of the kind. A caseworker's grant states its reason (a
    hall's decision names its application instead)."""
    ensure_may(by, resident.grid, ENTITLEMENT_MANAGE)
    reason = (reason or "").strip()
    if by is not None and not application and not reason:
        raise ValidationError({"reason": _("Give the reason for the grant.")})
    if not kind.active:
        raise ValidationError({"kind": _("%(kind)s is not granted now.") % {"kind": kind.name}})
    today = timezone.localdate()
    starts_on = starts_on or today
    why_not = engine.refusals(kind, resident, today)
    if why_not:
        raise ValidationError({"resident": why_not})
    amount = engine.amount_for(kind, resident, today)
    if amount is None:
        raise ValidationError(
            {
                "kind": _(
                    "No amount of %(kind)s is configured for %(region)s at this age: "
                    "ask the district to add the rule."
                )
                % {"kind": kind.name, "region": resident.grid.name}
            }
        )
    Resident.objects.select_for_update().get(pk=resident.pk)  # one grant at a time
    if Grant.objects.filter(resident=resident, kind=kind, ends_on__isnull=True).exists():
        raise ValidationError(
            {
                "kind": _("%(name)s already has %(kind)s.")
                % {"name": resident.name, "kind": kind.name}
            }
        )
    grant = Grant(
        grid=resident.grid,
        resident=resident,
        kind=kind,
        amount=amount.amount,
        unit=amount.unit,
        starts_on=starts_on,
        reason=reason[:300],
        application=application,
        created_by=by,
    )
    try:
        with transaction.atomic():
            grant.save()
    except IntegrityError as exc:  # a second grant at the same moment
        raise ValidationError(
            {
                "kind": _("%(name)s already has %(kind)s.")
                % {"name": resident.name, "kind": kind.name}
            }
        ) from exc
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=grant,
        object_label=f"{kind.name} {_label(resident)}",
        details={"kind": kind.code, "amount": str(grant.amount), "unit": grant.unit},
    )
    return grant


def _locked_open(grant: Grant) -> Grant:
    locked = Grant.objects.select_for_update().select_related("kind", "resident").get(pk=grant.pk)
    if locked.ends_on is not None:
        raise ValidationError({"reason": _("This grant has already ended.")})
    return locked


@transaction.atomic
def grant_end(
    *, grant: Grant, reason: str, by: Any, note: str = "", on: date | None = None
) -> Grant:
    """End an open grant with its reason (a caseworker's end states a note)."""
    ensure_may(by, grant.grid, ENTITLEMENT_MANAGE)
    note = (note or "").strip()
    if reason not in EndReason.values:
        raise ValidationError({"reason": _("Choose why the grant ends.")})
    if by is not None and reason == EndReason.CASEWORKER and not note:
        raise ValidationError({"note": _("Say why the grant ends.")})
    locked = _locked_open(grant)
    on = on or timezone.localdate()
    if on < locked.starts_on:
        raise ValidationError({"on": _("A grant cannot end before it starts.")})
    locked.ends_on, locked.end_reason, locked.end_note = on, reason, note[:300]
    locked.save(update_fields=["ends_on", "end_reason", "end_note"])
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=locked,
        object_label=f"{locked.kind.name} {_label(locked.resident)}",
        details={"ended": on.isoformat(), "reason": reason},
    )
    return locked


@transaction.atomic
def grant_keep(*, grant: Grant, note: str, by: Any) -> Grant:
    """The caseworker keeps a grant warned of a lapse (the registry is to be put
    right): the warning is withdrawn; the daily check warns again if it persists."""
    ensure_may(by, grant.grid, ENTITLEMENT_MANAGE)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say why the grant continues.")})
    locked = _locked_open(grant)
    if locked.lapse_warned_on is None:
        raise ValidationError({"note": _("This grant has no lapse warning.")})
    locked.lapse_warned_on, locked.lapse_reason = None, ""
    locked.save(update_fields=["lapse_warned_on", "lapse_reason"])
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=locked,
        object_label=f"{locked.kind.name} {_label(locked.resident)}",
        details={"kept": note[:200]},
    )
    return locked


def caseworkers(grant: Grant) -> list[Any]:
    """Who looks after the grant: those who may manage grants at its community or
    grid; failing them, above."""
    places = [r for r in (grant.grid.parent, grant.grid) if r is not None]
    found = [u for r in places for u in people_who_may(ENTITLEMENT_MANAGE, r, here_only=True)]
    return found or list(people_who_may(ENTITLEMENT_MANAGE, grant.grid))


def _warn(grant: Grant, why: str) -> None:
    notify(
        users=caseworkers(grant),
        kind=NOTIFICATION_KIND,
        title=_("A grant is about to end: %(kind)s") % {"kind": grant.kind.name},
        body=_("%(name)s %(why)s. The grant ends in %(days)d days unless you keep it.")
        % {"name": _label(grant.resident), "why": why, "days": LAPSE_GRACE_DAYS},
        url=reverse("entitlements:grant-detail", args=[grant.pk]),
    )


def grants_check_lapses(today: date | None = None) -> dict[str, int]:
    """The daily check: an open grant whose holder no longer qualifies is warned to
    its caseworkers; still failing LAPSE_GRACE_DAYS after the warning, it ends with
    the lapse's reason; qualifying again, the warning is withdrawn."""
    today = today or timezone.localdate()
    counts = {"warned": 0, "ended": 0, "cleared": 0}
    for kind in GrantKind.objects.all():
        open_grants = Grant.objects.filter(kind=kind, ends_on__isnull=True)
        qualifying = Resident.objects.filter(engine.qualifying_q(kind, today)).values("pk")
        failing = open_grants.exclude(resident__in=qualifying).select_related(
            "resident", "grid__parent", "kind"
        )
        for grant in failing:
            with transaction.atomic():
                failed = engine.failed_conditions(kind, grant.resident, today)
                if not failed:
                    continue
                locked = _locked_open(grant)
                if locked.lapse_warned_on is None:
                    locked.lapse_warned_on, locked.lapse_reason = today, failed[0].lapse
                    locked.save(update_fields=["lapse_warned_on", "lapse_reason"])
                    _warn(locked, failed[0].failed)
                    counts["warned"] += 1
                elif locked.lapse_warned_on + timedelta(days=LAPSE_GRACE_DAYS) <= today:
                    grant_end(
                        grant=locked, reason=_death_or(locked, failed[0].lapse), on=today, by=None
                    )
                    counts["ended"] += 1
        cleared = open_grants.filter(lapse_warned_on__isnull=False, resident__in=qualifying)
        counts["cleared"] += cleared.update(lapse_warned_on=None, lapse_reason="")
    return counts


def _death_or(grant: Grant, reason: str) -> str:
    if reason == EndReason.MOVED_OUT and grant.resident.died_on is not None:
        return EndReason.DIED
    return reason


# --- re-verification -----------------------------------------------------------------


@transaction.atomic
def campaign_start(*, region: Region, year: int, due_on: date, by: Any) -> Campaign:
    """年度复核 of a region: one verification for every open grant in it."""
    ensure_may(by, region, ENTITLEMENT_MANAGE)
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date has passed.")})
    if Campaign.objects.filter(region=region, year=year).exists():
        raise ValidationError({"year": _("This region already has a campaign this year.")})
    campaign = Campaign(region=region, year=year, due_on=due_on, created_by=by)
    campaign.full_clean()
    campaign.save()
    grants = Grant.objects.filter(
        ends_on__isnull=True, grid__path__startswith=region.path
    ).select_related("resident__household__grid", "resident__household__house")
    Verification.objects.bulk_create(
        Verification(campaign=campaign, grant=grant) for grant in grants
    )
    households = {g.resident.household_id: g.resident.household for g in grants}
    for household in households.values():
        grid_task_create(
            kind=REVERIFY_TASK,
            ref=task_ref(campaign, household.pk),
            grid=household.grid,
            title=_("Re-verify the grants of %(address)s (%(year)d)")
            % {"address": household.house.address, "year": year},
            due_on=due_on,
            household=household,
            by=None,
        )
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=campaign,
        object_label=str(year),
        details={"grants": grants.count()},
    )
    return campaign


@transaction.atomic
def verification_record(
    *, verification: Verification, result: str, by: Any, note: str = ""
) -> Verification:
    """A grant's result: confirmed, or ended (then the grant ends, not confirmed at
    re-verification; a note says why)."""
    locked = (
        Verification.objects.select_for_update()
        .select_related("grant__grid", "grant__kind", "grant__resident")
        .get(pk=verification.pk)
    )
    ensure_may(by, locked.grant.grid, ENTITLEMENT_VERIFY)
    note = (note or "").strip()
    if result not in (VerificationResult.CONFIRMED, VerificationResult.ENDED):
        raise ValidationError({"result": _("Choose confirmed or ended.")})
    if locked.result != VerificationResult.PENDING:
        raise ValidationError({"result": _("This grant's result is already recorded.")})
    if result == VerificationResult.ENDED:
        if not note:
            raise ValidationError({"note": _("Say why the grant ends.")})
        if locked.grant.ends_on is None:
            grant_end(grant=locked.grant, reason=EndReason.VERIFICATION, note=note, by=None)
    elif locked.grant.ends_on is not None:
        raise ValidationError({"result": _("This grant has already ended.")})
    locked.result, locked.note = result, note[:300]
    locked.checked_by, locked.checked_at = by, timezone.now()
    locked.save(update_fields=["result", "note", "checked_by", "checked_at"])
    household = locked.grant.resident.household_id
    if not Verification.objects.filter(
        campaign=locked.campaign_id,
        grant__resident__household=household,
        result=VerificationResult.PENDING,
    ).exists():
        grid_tasks_close(kind=REVERIFY_TASK, ref=f"{locked.campaign_id}-{household}", by=by)
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=locked,
        region=locked.grant.grid,
        object_label=f"{locked.grant.kind.name} {_label(locked.grant.resident)}",
        details={"result": result},
    )
    return locked


# --- veterans' service station ---------------------------------------------------------


VETERAN_LABELS = ("veteran", "youfu")


@transaction.atomic
def veteran_record_add(
    *,
    resident: Resident,
    kind: str,
    on: date,
    by: Any,
    amount: Decimal | None = None,
    note: str = "",
) -> VeteranRecord:
    """A visit (八一, 春节), a hardship aid (its amount and reason) or the honour
    plaque hung (once) for a veteran or 优抚对象."""
    ensure_may(by, resident.grid, ENTITLEMENT_VERIFY)
    note = (note or "").strip()
    if not resident.labels.filter(code__in=VETERAN_LABELS).exists():
        raise ValidationError(
            {"resident": _("%(name)s is not registered as a veteran.") % {"name": resident.name}}
        )
    if kind not in VeteranRecordKind.values:
        raise ValidationError({"kind": _("Choose what is recorded.")})
    if on > timezone.localdate():
        raise ValidationError({"on": _("The date is in the future.")})
    if kind == VeteranRecordKind.AID:
        if amount is None or amount <= 0:
            raise ValidationError({"amount": _("Give the amount of the aid.")})
        if not note:
            raise ValidationError({"note": _("Give the reason for the aid.")})
    elif amount is not None:
        raise ValidationError({"amount": _("Only hardship aid has an amount.")})
    if (
        kind == VeteranRecordKind.PLAQUE
        and VeteranRecord.objects.filter(resident=resident, kind=kind).exists()
    ):
        raise ValidationError({"kind": _("The honour plaque is already recorded as hung.")})
    record = VeteranRecord(
        grid=resident.grid,
        resident=resident,
        kind=kind,
        on=on,
        amount=amount,
        note=note[:300],
        recorded_by=by,
    )
    record.full_clean()
    record.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=record,
        object_label=_label(resident),
        details={"kind": kind, "on": on.isoformat()},
    )
    return record
