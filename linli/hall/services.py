"""Every write of the service hall. An application moves only through `_move`: it
locks the row, checks the state it leaves (`choices.TRANSITIONS`) and who acts,
moves it and writes an `ApplicationTransition` in the same transaction; residents
and staff hear of each move through the notifications app.

Other apps:
- fees (linli.payments): an approved application with a fee waits in `ApplicationState.PAYMENT`
  as a payable of kind `hall.application` (`hall/payables.py`) until the order is
  paid and `application_paid` records it;
- electronic certificates (linli.certificates): `application_deliver` by
  `DeliveryMode.ELECTRONIC` issues one to the applicant's registry record and keeps
  its number (`certificate_ref`); a material whose `source` is
  `MaterialSource.CERTIFICATE` may be provided as an earlier certificate's number
  (`ProvidedAs.CERTIFICATE`), checked to be the applicant's, usable, of its kind.
"""

import json
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import CharField, ProtectedError, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.accounts.selectors import people_who_may
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.certificates.models import Certificate, CertificateKind
from linli.certificates.selectors import usable_certificates
from linli.certificates.services import certificate_issue
from linli.core import events
from linli.core.crypto import blind_index
from linli.core.problems import Conflict
from linli.hall.blank_forms import blank_form
from linli.hall.catalogue import HOURS, PHONE
from linli.hall.choices import (
    PERSONAL_PREFILLS,
    PERSONAL_TYPES,
    TRANSITIONS,
    WITHDRAWABLE,
    ApplicationChannel,
    ApplicationState,
    DeliveryMode,
    FieldType,
    MaterialForm,
    MaterialSource,
    Prefill,
    ProvidedAs,
    StepState,
)
from linli.hall.events import ApplicationDecided
from linli.hall.materials import MAX_FILES, MAX_TOTAL, CheckedMaterial, material_check
from linli.hall.models import (
    Application,
    ApplicationMaterial,
    ApplicationStep,
    ApplicationTransition,
    Matter,
    MatterField,
    MatterMaterial,
    MatterStep,
)
from linli.hall.permissions import APPLICATION_ACCEPT, APPLICATION_HANDLE, MATTER_MANAGE
from linli.hall.workdays import add_working_days
from linli.notices.content import EXTENSIONS, CheckedFile, attachment_check
from linli.notifications.services import notify
from linli.regions.choices import PATH_LENGTH, Level
from linli.regions.models import Region
from linli.regions.selectors import ensure_may, may
from linli.registry.idnumber import parse_id_number
from linli.registry.models import Resident

if TYPE_CHECKING:
    from linli.accounts.models import User
    from linli.hall.catalogue import Entry

type Refuse = Callable[[str, str], None]

NOTIFICATION_KIND = "hall.application"
MAX_TEXT = 200
PHONE_DIGITS = 11
FIELD_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")


# ---- The catalogue -------------------------------------------------------------------


@transaction.atomic
def matter_seed(*, entry: "Entry", region: Region, by: "User | None") -> tuple[Matter, bool]:
    """A matter of the catalogue (`linli.hall.catalogue`) made or brought up to date
    by its code, with its materials, form fields and steps: (matter, created)."""
    if by is not None:
        ensure_may(by, region, MATTER_MANAGE)
    if region.level not in (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY):
        raise ValidationError(
            {"region": _("A matter sits at a district, subdistrict or community.")}
        )
    values = {
        "name": entry.name,
        "region": region,
        "category": entry.category,
        "summary": entry.summary,
        "legal_basis": entry.legal_basis,
        "conditions": entry.conditions,
        "fee": entry.fee,
        "fee_basis": entry.fee_basis,
        "time_limit": entry.time_limit,
        "legal_limit": entry.legal_limit,
        "deliver_pickup": entry.pickup,
        "deliver_express": entry.express,
        "deliver_electronic": entry.electronic,
        "certificate_kind": entry.certificate_kind,
        "one_visit": entry.one_visit,
        "on_the_spot": entry.on_the_spot,
        "district_wide": entry.district_wide,
        "online": entry.online,
        "place": entry.place,
        "hours": HOURS,
        "phone": PHONE,
    }
    matter = Matter.objects.filter(code=entry.code).first()
    created = matter is None
    matter = matter or Matter(code=entry.code)
    for name, value in values.items():
        setattr(matter, name, value)
    matter.full_clean()
    matter.save()
    if created:
        MatterMaterial.objects.bulk_create(
            MatterMaterial(
                matter=matter,
                order=n,
                name=m.name,
                form=m.form,
                copies=m.copies,
                required=m.required,
                note=m.note,
                source=m.source,
                certificate_kind=m.certificate_kind,
            )
            for n, m in enumerate(entry.materials)
        )
        MatterField.objects.bulk_create(
            MatterField(
                matter=matter,
                order=n,
                key=f.key,
                label=f.label,
                type=f.type,
                required=f.required,
                options=list(f.options),
                prefill=f.prefill,
                help=f.help,
            )
            for n, f in enumerate(entry.fields)
        )
        MatterStep.objects.bulk_create(
            MatterStep(
                matter=matter, stage=s.stage, name=s.name, department=s.department, days=s.days
            )
            for s in entry.steps
        )
    _seed_templates(matter)
    return matter, created


def _seed_templates(matter: Matter) -> None:
    """Blank forms (`blank_forms.py`) for the matter's materials that have none yet,
    checked as an upload would be."""
    for material in matter.materials.filter(template=""):
        made = blank_form(material.name)
        if made is None:
            continue
        name, content = made
        checked = attachment_check(SimpleUploadedFile(name, content))
        material.template.save(
            f"t.{EXTENSIONS[checked.content_type]}", ContentFile(checked.content), save=False
        )
        material.template_name = checked.name
        material.save(update_fields=["template", "template_name"])


RESERVED_CODES = frozenset({"new"})  # names of the console's own pages under /hall/matters/
NEW_MATTER_FIELDS = (
    "name",
    "category",
    "summary",
    "legal_basis",
    "conditions",
    "time_limit",
    "legal_limit",
    "place",
    "hours",
    "phone",
)


@transaction.atomic
def matter_create(*, code: str, region: Region, by: "User", **guide: Any) -> Matter:
    """A new matter of `region` (a district, subdistrict or community where `by` keeps
    the catalogue), unpublished until its editor publishes it; audited."""
    ensure_may(by, region, MATTER_MANAGE)
    unknown = guide.keys() - set(NEW_MATTER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown matter fields: {sorted(unknown)}")
    code = code.strip().lower()
    if region.level not in (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY):
        raise ValidationError(
            {"region": _("A matter sits at a district, subdistrict or community.")}
        )
    if code in RESERVED_CODES or Matter.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is taken: choose another.")})
    matter = Matter(
        code=code,
        region=region,
        published=False,
        **{k: v.strip() if isinstance(v, str) else v for k, v in guide.items()},
    )
    matter.full_clean()
    matter.save()
    audit_record(
        action=AuditAction.RECORD_CREATE,
        actor=by,
        obj=matter,
        region=region,
        object_label=matter.name,
        details={"matter": matter.code},
    )
    return matter


def _delete_files(files: list[Any]) -> None:
    for file in files:
        file.storage.delete(file.name)


@transaction.atomic
def matter_delete(*, matter: Matter, by: "User") -> None:
    """A matter nobody has applied for goes, with its materials, form and steps; one
    with applications stays (they keep it): unpublish it instead. Audited."""
    ensure_may(by, matter.region, MATTER_MANAGE)
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    if Application.objects.filter(matter=locked).exists():
        raise ValidationError(
            _("People have applied for this matter: unpublish it instead of deleting it.")
        )
    materials = MatterMaterial.every.filter(matter=locked)
    templates = [m.template for m in materials if m.template]
    audit_record(
        action=AuditAction.RECORD_DELETE,
        actor=by,
        obj=locked,
        region=locked.region,
        object_label=locked.name,
        details={"matter": locked.code},
    )
    try:
        with transaction.atomic():
            materials.delete()
            locked.delete()
    except ProtectedError:  # appointment slots or queue numbers of the matter
        raise ValidationError(
            _(
                "Other records still use this matter (appointments, queue numbers): "
                "unpublish it instead."
            )
        ) from None
    transaction.on_commit(partial(_delete_files, templates))


# Guide fields a console may edit (the code names the matter's pages; its region is
# where it sits: neither changes).
GUIDE_FIELDS = (
    "name",
    "category",
    "summary",
    "legal_basis",
    "conditions",
    "fee",
    "fee_basis",
    "time_limit",
    "legal_limit",
    "deliver_pickup",
    "deliver_express",
    "deliver_electronic",
    "certificate_kind",
    "one_visit",
    "on_the_spot",
    "district_wide",
    "online",
    "place",
    "hours",
    "phone",
    "published",
)
MAX_ROWS = 30  # materials, fields or steps of one matter
MAX_OPTIONS = 20
# What a field prefilled from the registry must be typed as.
PREFILL_TYPES = {
    Prefill.HOUSEHOLD: FieldType.TEXT,
    Prefill.ADDRESS: FieldType.TEXT,
    Prefill.BIRTH_DATE: FieldType.DATE,
}


@dataclass(frozen=True)
class MaterialRow:
    """A material as the catalogue editor sends it: `pk` None for a new one."""

    pk: int | None
    name: str
    form: str
    copies: int = 1
    required: bool = True
    note: str = ""
    source: str = MaterialSource.APPLICANT
    certificate_kind: str = ""
    template: "UploadedFile[Any] | None" = None
    drop_template: bool = False
    delete: bool = False


@dataclass(frozen=True)
class FieldRow:
    pk: int | None
    key: str
    label: str
    type: str
    required: bool = True
    options: tuple[str, ...] = ()
    prefill: str = Prefill.NONE
    help: str = ""
    delete: bool = False


@dataclass(frozen=True)
class StepRow:
    pk: int | None
    stage: int
    name: str
    department: str
    days: int
    delete: bool = False


@transaction.atomic
def matter_update(
    *,
    matter: Matter,
    guide: Mapping[str, Any],
    materials: Sequence[MaterialRow],
    fields: Sequence[FieldRow],
    steps: Sequence[StepRow],
    by: "User",
) -> Matter:
    """The catalogue editor's save: the guide, materials (with their templates), form
    and steps of a matter, all checked before anything is saved. Applications keep
    what they were made with: their form (`Application.form`), fee, steps and
    materials; a material they hold is taken off (`retired`), not deleted. Errors are
    keyed by the guide's field or `<materials|fields|steps>-<row>-<field>`."""
    ensure_may(by, matter.region, MATTER_MANAGE)
    locked = Matter.objects.select_for_update().get(pk=matter.pk)
    errors: dict[str, list[str]] = {}

    def refuse(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    before = {name: getattr(locked, name) for name in GUIDE_FIELDS}
    for name in GUIDE_FIELDS:
        if name in guide:
            setattr(locked, name, guide[name])
    if locked.certificate_kind and not _certificate_kind_exists(locked.certificate_kind):
        refuse("certificate_kind", _("No certificate of this kind is issued."))
    if locked.deliver_electronic and not locked.certificate_kind:
        refuse("certificate_kind", _("Electronic delivery issues a certificate: name its kind."))
    try:
        locked.full_clean(exclude=["code", "region"])
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                refuse(key if key != "__all__" else "guide", message)
    if len(materials) > MAX_ROWS or len(fields) > MAX_ROWS or len(steps) > MAX_ROWS:
        raise ValidationError({"guide": _("At most %(n)s rows of each kind.") % {"n": MAX_ROWS}})
    have_materials = {m.pk: m for m in MatterMaterial.every.filter(matter=locked)}
    have_fields = {f.pk: f for f in locked.fields.all()}
    have_steps = {s.pk: s for s in locked.steps.all()}
    templates = _check_material_rows(materials, have_materials, refuse)
    _check_field_rows(fields, have_fields, refuse)
    _check_step_rows(steps, have_steps, locked, refuse)
    if errors:
        raise ValidationError(errors)
    locked.save()
    changed = {
        "guide": sorted(n for n in GUIDE_FIELDS if getattr(locked, n) != before[n]),
        **_save_materials(locked, materials, have_materials, templates),
        **_save_fields(locked, fields, have_fields),
        **_save_steps(locked, steps, have_steps),
    }
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=locked,
        region=locked.region,
        object_label=locked.name,
        details={"matter": locked.code, **{k: v for k, v in changed.items() if v}},
    )
    return locked


def _certificate_kind_exists(code: str) -> bool:
    return CertificateKind.objects.filter(code=code, active=True).exists()


def _text(value: str, limit: int) -> str:
    return (value or "").strip()[:limit]


def _check_material_rows(
    rows: Sequence[MaterialRow],
    have: Mapping[int, MatterMaterial],
    refuse: "Refuse",
) -> dict[int, CheckedFile]:
    """Every material row checked, its template file by its content: {row: file}."""
    names: set[str] = set()
    templates: dict[int, CheckedFile] = {}
    for n, row in enumerate(rows):
        at = f"materials-{n}-"
        if row.pk is not None and row.pk not in have:
            refuse(f"{at}name", _("This material is not the matter's."))
            continue
        if row.delete:
            continue
        name = row.name.strip()
        if not name or len(name) > 80:
            refuse(f"{at}name", _("Name the material (at most 80 characters)."))
        elif name in names:
            refuse(f"{at}name", _("The matter already asks for this material."))
        names.add(name)
        if row.form not in MaterialForm.values:
            refuse(f"{at}form", _("Choose original, copy or both."))
        if not 1 <= row.copies <= 10:
            refuse(f"{at}copies", _("1 to 10 copies."))
        if row.source not in MaterialSource.values:
            refuse(f"{at}source", _("Choose where the material may come from."))
        elif row.source == MaterialSource.CERTIFICATE:
            if not row.certificate_kind:
                refuse(f"{at}certificate_kind", _("Name the certificate that stands in."))
            elif not _certificate_kind_exists(row.certificate_kind):
                refuse(f"{at}certificate_kind", _("No certificate of this kind is issued."))
        if row.template:
            try:
                templates[n] = attachment_check(row.template)
            except ValidationError as exc:
                refuse(f"{at}template", " ".join(exc.messages))
    return templates


def _check_field_rows(
    rows: Sequence[FieldRow], have: Mapping[int, MatterField], refuse: "Refuse"
) -> None:
    keys: set[str] = set()
    for n, row in enumerate(rows):
        at = f"fields-{n}-"
        if row.pk is not None and row.pk not in have:
            refuse(f"{at}label", _("This field is not the form's."))
            continue
        if row.delete:
            continue
        if not FIELD_KEY.fullmatch(row.key):
            refuse(f"{at}key", _("Lower-case letters, digits and _, starting with a letter."))
        elif row.key in keys:
            refuse(f"{at}key", _("The form already has this field."))
        keys.add(row.key)
        if not row.label.strip() or len(row.label.strip()) > 40:
            refuse(f"{at}label", _("Give the label (at most 40 characters)."))
        if row.type not in FieldType.values:
            refuse(f"{at}type", _("Choose the field's type."))
        if row.type == FieldType.CHOICE:
            options = [o for o in row.options if o]
            if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
                refuse(
                    f"{at}options",
                    _("A choice has 2 to %(n)s different options.") % {"n": MAX_OPTIONS},
                )
            elif any(len(o) > 40 for o in options):
                refuse(f"{at}options", _("An option has at most 40 characters."))
        elif row.options:
            refuse(f"{at}options", _("Only a choice has options."))
        if row.prefill not in Prefill.values:
            refuse(
                f"{at}prefill",
                _(
                    "The applicant's name, ID number and phone are asked once, in the "
                    "applicant block: choose another prefill."
                ),
            )
        elif row.prefill and PREFILL_TYPES[Prefill(row.prefill)] != row.type:
            refuse(
                f"{at}type",
                _("A field prefilled with %(what)s is of type %(type)s.")
                % {
                    "what": Prefill(row.prefill).label,
                    "type": FieldType(PREFILL_TYPES[Prefill(row.prefill)]).label,
                },
            )


def _check_step_rows(
    rows: Sequence[StepRow], have: Mapping[int, MatterStep], matter: Matter, refuse: "Refuse"
) -> None:
    seen: set[tuple[int, str]] = set()
    stages: set[int] = set()
    for n, row in enumerate(rows):
        at = f"steps-{n}-"
        if row.pk is not None and row.pk not in have:
            refuse(f"{at}name", _("This step is not the matter's."))
            continue
        if row.delete:
            continue
        if not 1 <= row.stage <= 9:
            refuse(f"{at}stage", _("A stage is 1 to 9."))
        name = row.name.strip()
        if not name or len(name) > 40:
            refuse(f"{at}name", _("Name the step (at most 40 characters)."))
        elif (row.stage, name) in seen:
            refuse(f"{at}name", _("The stage already has this step."))
        seen.add((row.stage, name))
        stages.add(row.stage)
        if not row.department.strip() or len(row.department.strip()) > 60:
            refuse(f"{at}department", _("Name the department (at most 60 characters)."))
        if not 1 <= row.days <= 60:
            refuse(f"{at}days", _("1 to 60 working days."))
        elif matter.legal_limit and row.days > matter.legal_limit:
            refuse(f"{at}days", _("A step may not take longer than the legal time limit."))
    if stages and sorted(stages) != list(range(1, max(stages) + 1)):
        refuse("steps", _("Number the stages 1, 2, 3 … without a gap."))


def _save_materials(
    matter: Matter,
    rows: Sequence[MaterialRow],
    have: Mapping[int, MatterMaterial],
    templates: Mapping[int, CheckedFile],
) -> dict[str, list[str]]:
    used = set(
        ApplicationMaterial.objects.filter(material__matter=matter).values_list(
            "material_id", flat=True
        )
    )
    changed: dict[str, list[str]] = {"materials_added": [], "materials_removed": []}
    retired = {m.name: m for m in have.values() if m.retired}
    MatterMaterial.every.filter(
        pk__in=[r.pk for r in rows if r.pk is not None and not r.delete]
    ).update(name=Concat(Value("~"), "pk", output_field=CharField()))  # names may swap
    order = 0
    for n, row in enumerate(rows):
        item = have.get(row.pk) if row.pk is not None else None
        if row.delete:
            if item is not None and not item.retired:
                changed["materials_removed"].append(item.name)
                if item.pk in used:  # its applications keep it
                    item.retired = True
                    item.save(update_fields=["retired"])
                else:
                    item.template.delete(save=False)
                    item.delete()
            continue
        if item is None:
            name = row.name.strip()
            item = retired.get(name) or MatterMaterial(matter=matter)
            item.retired = False
            changed["materials_added"].append(name)
        item.order = order
        order += 1
        item.name = row.name.strip()
        item.form = row.form
        item.copies = row.copies
        item.required = row.required
        item.note = _text(row.note, 200)
        item.source = row.source
        item.certificate_kind = (
            row.certificate_kind if row.source == MaterialSource.CERTIFICATE else ""
        )
        if row.drop_template or n in templates:
            if item.template:
                item.template.delete(save=False)
            item.template_name = ""
        if n in templates:
            checked = templates[n]
            item.template.save(
                f"t.{EXTENSIONS[checked.content_type]}", ContentFile(checked.content), save=False
            )
            item.template_name = checked.name[:120]
        item.save()
    return changed


def _save_fields(
    matter: Matter, rows: Sequence[FieldRow], have: Mapping[int, MatterField]
) -> dict[str, list[str]]:
    changed: dict[str, list[str]] = {"fields_added": [], "fields_removed": []}
    kept = [r for r in rows if not r.delete]
    gone = [have[r.pk] for r in rows if r.delete and r.pk is not None]
    for item in gone:
        changed["fields_removed"].append(item.key)
    MatterField.objects.filter(pk__in=[i.pk for i in gone]).delete()
    # keys may swap between rows: move the kept ones out of the way first
    MatterField.objects.filter(pk__in=[r.pk for r in kept if r.pk is not None]).update(
        key=Concat(Value("~"), "pk", output_field=CharField())
    )
    for order, row in enumerate(kept):
        item = have[row.pk] if row.pk is not None else MatterField(matter=matter)
        if row.pk is None:
            changed["fields_added"].append(row.key)
        item.order = order
        item.key = row.key
        item.label = row.label.strip()
        item.type = row.type
        item.required = row.required
        item.options = [o for o in row.options if o] if row.type == FieldType.CHOICE else []
        item.prefill = row.prefill
        item.help = _text(row.help, 120)
        item.save()
    return changed


def _save_steps(
    matter: Matter, rows: Sequence[StepRow], have: Mapping[int, MatterStep]
) -> dict[str, list[str]]:
    changed: dict[str, list[str]] = {"steps_added": [], "steps_removed": []}
    gone = [have[r.pk] for r in rows if r.delete and r.pk is not None]
    changed["steps_removed"] = [s.name for s in gone]
    MatterStep.objects.filter(pk__in=[s.pk for s in gone]).delete()
    kept = [r for r in rows if not r.delete]
    MatterStep.objects.filter(pk__in=[r.pk for r in kept if r.pk is not None]).update(
        name=Concat(Value("~"), "pk", output_field=CharField())
    )
    for row in kept:
        item = have[row.pk] if row.pk is not None else MatterStep(matter=matter)
        if row.pk is None:
            changed["steps_added"].append(row.name.strip())
        item.stage = row.stage
        item.name = row.name.strip()
        item.department = row.department.strip()
        item.days = row.days
        item.save()
    return changed


# ---- Applying ------------------------------------------------------------------------


@dataclass
class Provided:
    """What an application's materials come with: files per material, the materials
    whose originals the desk saw, and earlier certificates' numbers per material."""

    files: Mapping[int, Sequence[UploadedFile[Any]]] = field(default_factory=dict)
    originals: Iterable[int] = ()
    certificates: Mapping[int, str] = field(default_factory=dict)


def application_submit(
    *,
    matter: Matter,
    channel: str,
    name: str,
    id_number: str,
    phone: str,
    answers: Mapping[str, str],
    delivery_mode: str,
    express_address: str = "",
    provided: Provided | None = None,
    region: Region | None = None,
    desk: Region | None = None,
    request_key: str = "",
    by: "User",
) -> Application:
    """A new application, online by the applicant themself or at a desk on someone's
    behalf. Everything is checked before anything is saved; the same request (its
    `request_key`) sent twice gives the one application."""
    provided = provided or Provided()
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not matter.published:
        raise ValidationError({"matter": _("This matter is not offered.")})
    if not name or len(name) > 50:
        errors["name"] = _("Give the applicant's name (at most 50 characters).")
    try:
        id_number = parse_id_number(id_number).value
    except ValidationError as exc:
        errors["id_number"] = exc.messages[0]
    checked_phone = _phone(phone)
    if checked_phone is None:
        errors["phone"] = _("A mobile phone number has 11 digits and starts with 1.")
    if delivery_mode not in matter.delivery_modes:
        errors["delivery_mode"] = _("Choose one of the matter's delivery modes.")
    express_address = (express_address or "").strip()
    if delivery_mode == DeliveryMode.EXPRESS and not 5 <= len(express_address) <= 200:
        errors["express_address"] = _("Give the address the result is sent to.")
    plain, private, answer_errors = _clean_answers(list(matter.fields.all()), answers)
    errors.update(answer_errors)
    if channel == ApplicationChannel.DESK:
        if desk is None or desk.level != Level.COMMUNITY:
            raise ValidationError({"desk": _("Choose the community whose desk takes it in.")})
        ensure_may(by, desk, APPLICATION_ACCEPT)
        region = region or desk
        if region.level != Level.COMMUNITY:
            errors["region"] = _("Choose the applicant's community.")
        elif region != desk and not (matter.district_wide and _district(region) == _district(desk)):
            errors["region"] = _(
                "This matter is accepted only in the applicant's own community "
                "(it is not 全区通办)."
            )
    elif channel == ApplicationChannel.ONLINE:
        if not matter.online:
            raise ValidationError({"matter": _("This matter is applied for at the front desk.")})
        if provided.originals:
            errors["materials"] = _("Originals are seen at the front desk, not online.")
        if region is None or region.level != Level.COMMUNITY:
            errors["region"] = _("Choose your community.")
    else:
        raise ValidationError({"channel": _("Unknown channel.")})
    if region is not None and region.level == Level.COMMUNITY and not _within(matter, region):
        errors["region"] = _("This matter is not handled for this community.")
    if errors:
        raise ValidationError(errors)
    assert region is not None and checked_phone is not None
    if request_key:
        earlier = _same_request(matter, id_number, request_key)
        if earlier is not None:
            return earlier
    resident = _registry_person(id_number)
    checked = _check_files(matter, provided)
    _check_certificates(matter, provided, resident)
    stored: list[ApplicationMaterial] = []
    try:
        with transaction.atomic():
            open_one = (
                Application.objects.select_for_update()
                .filter(
                    matter=matter,
                    id_number_index=blind_index(id_number, Application.ID_CONTEXT),
                )
                .exclude(
                    state__in=[
                        ApplicationState.REFUSED,
                        ApplicationState.DENIED,
                        ApplicationState.DELIVERED,
                        ApplicationState.WITHDRAWN,
                    ]
                )
                .first()
            )
            if open_one is not None:
                raise ValidationError(
                    {
                        "matter": _(
                            "%(name)s already has an application for this matter in progress "
                            "(%(code)s): follow that one."
                        )
                        % {"name": name, "code": open_one.code}
                    }
                )
            now = timezone.now()
            application = Application.objects.create(
                code=_new_code(now),
                matter=matter,
                region=region,
                desk=desk if channel == ApplicationChannel.DESK else None,
                channel=channel,
                applicant=by if channel == ApplicationChannel.ONLINE else None,
                resident=resident,
                name=name,
                id_number=id_number,
                phone=checked_phone,
                answers=plain,
                form=form_snapshot(matter),
                private_answers=json.dumps(private, ensure_ascii=False) if private else "",
                state=ApplicationState.SUBMITTED,
                state_since=now,
                delivery_mode=delivery_mode,
                express_address=express_address if delivery_mode == DeliveryMode.EXPRESS else "",
                fee=matter.fee,
                visits=1 if channel == ApplicationChannel.DESK else 0,
                request_key=request_key[:40],
                submitted_at=now,
                created_by=by,
            )
            _provide(application, matter, provided, checked, resident, by, stored)
            _log(application, "", ApplicationState.SUBMITTED, by)
            audit_record(
                action=AuditAction.RECORD_CREATE,
                actor=by,
                obj=application,
                object_label=application.code,
                details={"matter": matter.code, "channel": channel},
            )
            _tell(application, _("Application received"), staff_action=APPLICATION_ACCEPT)
    except IntegrityError:
        _remove(stored)
        earlier = _same_request(matter, id_number, request_key) if request_key else None
        if earlier is not None:
            return earlier
        raise
    except BaseException:
        _remove(stored)
        raise
    return application


def application_supplement(
    *, application: Application, provided: Provided, note: str = "", by: "User"
) -> Application:
    """The applicant (or a desk on their behalf) brings what the one-time notice or a
    supplement request asked for: back to the desk (incomplete) or to the back office."""
    _ensure_applicant_or(application, by, APPLICATION_ACCEPT)
    checked = _check_files(application.matter, provided, have=application.materials.count())
    _check_certificates(application.matter, provided, application.resident)
    stored: list[ApplicationMaterial] = []
    try:
        with transaction.atomic():
            locked = _locked(
                application, allowed=(ApplicationState.INCOMPLETE, ApplicationState.SUPPLEMENT)
            )
            _provide(locked, locked.matter, provided, checked, None, by, stored)
            if not stored and not list(provided.originals) and not provided.certificates:
                raise ValidationError({"materials": _("Add at least one material.")})
            if by is None or by.pk != locked.applicant_id:  # brought to the desk
                locked.visits += 1
            to = (
                ApplicationState.SUBMITTED
                if locked.state == ApplicationState.INCOMPLETE
                else ApplicationState.HANDLING
            )
            locked.paused += timezone.now() - locked.state_since
            if locked.due_at is not None and to == ApplicationState.HANDLING:
                locked.due_at = locked.due_at + (timezone.now() - locked.state_since)
            locked.missing = []
            moved = _move(
                locked,
                to=to,
                by=by,
                note=note or _("Materials supplemented."),
                changes=("visits", "paused", "due_at", "missing"),
            )
            _tell(moved, _("Materials supplemented"), staff_action=APPLICATION_ACCEPT)
    except BaseException:
        _remove(stored)
        raise
    return moved


def application_files_add(
    *,
    application: Application,
    material: MatterMaterial,
    files: Sequence[UploadedFile[Any]],
    by: "User",
) -> list[ApplicationMaterial]:
    """The front desk adds a material's scans to an application it has taken in and not
    yet checked (submitted): each file checked by its content and size, counted against
    the material's and the application's limits, before anything is saved."""
    _ensure_staff(application, by, APPLICATION_ACCEPT)
    if material.matter_id != application.matter_id:
        raise ValidationError({"material": _("The matter asks for no such material.")})
    if not files:
        raise ValidationError({"files": _("Add at least one material.")})
    if application.state != ApplicationState.SUBMITTED:
        raise Conflict(
            _("This application is %(state)s: that step is not possible now.")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    provided = Provided(files={material.pk: files})
    have = application.materials.exclude(file="")
    held = have.filter(material=material).count()
    if held + len(files) > MAX_FILES:
        raise ValidationError(
            {
                f"material_{material.pk}": _("%(name)s: at most %(n)s files.")
                % {"name": material.name, "n": MAX_FILES}
            }
        )
    checked = _check_files(application.matter, provided, have=have.count())
    stored: list[ApplicationMaterial] = []
    try:
        with transaction.atomic():
            locked = _locked(application, allowed=(ApplicationState.SUBMITTED,))
            _provide(locked, locked.matter, provided, checked, None, by, stored)
            audit_record(
                action=AuditAction.RECORD_UPDATE,
                actor=by,
                obj=locked,
                object_label=locked.code,
                details={"material": material.name, "files": len(stored)},
            )
    except BaseException:
        _remove(stored)
        raise
    return stored


def missing_materials(application: Application) -> list[MatterMaterial]:
    """The required materials the application does not have yet."""
    have = set(application.materials.values_list("material_id", flat=True))
    return [m for m in application.matter.materials.all() if m.required and m.pk not in have]


# ---- The front desk ------------------------------------------------------------------


@transaction.atomic
def application_incomplete(
    *,
    application: Application,
    materials: Iterable[MatterMaterial] | None = None,
    note: str = "",
    by: "User",
) -> Application:
    """The completeness check found something missing: the one-time notice
    (一次性告知书) lists everything at once — the required materials not provided and
    those the desk found unusable (`materials`)."""
    locked = _locked(application, allowed=(ApplicationState.SUBMITTED,))
    _ensure_staff(locked, by, APPLICATION_ACCEPT)
    chosen = {m.pk for m in materials or ()}
    names = [
        m.name
        for m in locked.matter.materials.all()
        if m.pk in chosen or m in missing_materials(locked)
    ]
    if not names and not note.strip():
        raise ValidationError(
            {"materials": _("Nothing is missing: accept the application instead.")}
        )
    locked.missing = names
    locked.notice_note = note.strip()[:500]
    moved = _move(
        locked,
        to=ApplicationState.INCOMPLETE,
        by=by,
        note=_("One-time notice: %(names)s") % {"names": "、".join(names) or note},
        changes=("missing", "notice_note"),
    )
    _tell(moved, _("Materials to complete"))
    return moved


@transaction.atomic
def application_accept(*, application: Application, note: str = "", by: "User") -> Application:
    """受理: the materials are complete; the promise's clock starts and the first
    stage's steps (or, without steps, the decision) begin."""
    locked = _locked(application, allowed=(ApplicationState.SUBMITTED,))
    _ensure_staff(locked, by, APPLICATION_ACCEPT)
    missing = missing_materials(locked)
    if missing:
        raise ValidationError(
            {
                "materials": _("Still missing: %(names)s. Issue a one-time notice instead.")
                % {"names": "、".join(m.name for m in missing)}
            }
        )
    now = timezone.now()
    locked.accepted_at = now
    locked.due_at = add_working_days(now, locked.matter.time_limit)
    steps = [
        ApplicationStep(
            application=locked,
            stage=step.stage,
            name=step.name,
            department=step.department,
            days=step.days,
        )
        for step in locked.matter.steps.all()
    ]
    ApplicationStep.objects.bulk_create(steps)
    to = ApplicationState.HANDLING if steps else ApplicationState.DECIDING
    moved = _move(
        locked,
        to=to,
        by=by,
        note=note or _("Accepted."),
        changes=("accepted_at", "due_at"),
    )
    if steps:
        _start_stage(moved, min(s.stage for s in steps), now)
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=moved,
        object_label=moved.code,
        details={"state": to},
    )
    _tell(moved, _("Application accepted"), staff_action=APPLICATION_HANDLE)
    return moved


@transaction.atomic
def application_refuse(*, application: Application, reason: str, by: "User") -> Application:
    """不予受理, with the reason the applicant is told."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason the applicant is told.")})
    locked = _locked(application, allowed=(ApplicationState.SUBMITTED, ApplicationState.INCOMPLETE))
    _ensure_staff(locked, by, APPLICATION_ACCEPT)
    locked.decision_note = reason[:500]
    locked.completed_at = timezone.now()
    moved = _move(
        locked,
        to=ApplicationState.REFUSED,
        by=by,
        note=reason,
        changes=("decision_note", "completed_at"),
    )
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=moved,
        object_label=moved.code,
        details={"state": ApplicationState.REFUSED, "reason": reason[:200]},
    )
    _tell(moved, _("Application not accepted"))
    return moved


# ---- The back office -----------------------------------------------------------------


@transaction.atomic
def step_complete(*, step: ApplicationStep, note: str = "", by: "User") -> ApplicationStep:
    """A department finished its step; when every step of the stage is done the next
    stage starts, and after the last one the application awaits the decision."""
    locked = _locked(step.application, allowed=(ApplicationState.HANDLING,))
    _ensure_staff(locked, by, APPLICATION_HANDLE)
    row = ApplicationStep.objects.select_for_update().get(pk=step.pk, application=locked)
    if row.state != StepState.ACTIVE:
        raise Conflict(
            _("This step is %(state)s: it cannot be completed now.")
            % {"state": row.get_state_display()},
            code="wrong_state",
        )
    now = timezone.now()
    row.state, row.done_at, row.done_by, row.note = StepState.DONE, now, by, note.strip()[:500]
    row.save(update_fields=["state", "done_at", "done_by", "note"])
    ApplicationTransition.objects.create(
        application=locked,
        from_state=locked.state,
        to_state=locked.state,
        step=row,
        actor=by,
        note=_("%(step)s done (%(department)s). %(note)s")
        % {"step": row.name, "department": row.department, "note": row.note},
        at=now,
    )
    steps = list(locked.steps.all())
    if all(s.state == StepState.DONE for s in steps if s.stage == row.stage):
        later = sorted({s.stage for s in steps if s.stage > row.stage})
        if later:
            _start_stage(locked, later[0], now)
        else:
            _move(locked, to=ApplicationState.DECIDING, by=by, note=_("Every step done."))
            _tell(locked, _("Awaiting decision"), staff_action=APPLICATION_HANDLE)
    return row


@transaction.atomic
def application_request_supplement(
    *,
    application: Application,
    materials: Iterable[MatterMaterial],
    note: str,
    by: "User",
) -> Application:
    """The back office needs more: the applicant is told what, and the promise's
    clock stops until it comes."""
    locked = _locked(application, allowed=(ApplicationState.HANDLING,))
    _ensure_staff(locked, by, APPLICATION_HANDLE)
    names = [m.name for m in materials if m.matter_id == locked.matter_id]
    note = (note or "").strip()
    if not names and not note:
        raise ValidationError({"note": _("Say what the applicant must supplement.")})
    locked.missing = names
    locked.notice_note = note[:500]
    moved = _move(
        locked,
        to=ApplicationState.SUPPLEMENT,
        by=by,
        note=note or "、".join(names),
        changes=("missing", "notice_note"),
    )
    _tell(moved, _("Supplement requested"))
    return moved


@transaction.atomic
def application_decide(
    *, application: Application, approved: bool, note: str = "", by: "User"
) -> Application:
    """The decision: not approved (with the reason), or approved — then the fee, if
    any, is awaited before delivery."""
    note = (note or "").strip()
    if not approved and not note:
        raise ValidationError({"note": _("Give the reason the application is not approved.")})
    locked = _locked(application, allowed=(ApplicationState.DECIDING,))
    _ensure_staff(locked, by, APPLICATION_HANDLE)
    now = timezone.now()
    locked.approved, locked.decided_at, locked.decision_note = approved, now, note[:500]
    changes = ["approved", "decided_at", "decision_note"]
    if not approved:
        to = ApplicationState.DENIED
        locked.completed_at = now
        changes.append("completed_at")
    elif locked.fee > 0:
        to = ApplicationState.PAYMENT
    else:
        to = ApplicationState.DELIVERY
        changes += _ready_for_delivery(locked)
    moved = _move(locked, to=to, by=by, note=note or _("Approved."), changes=tuple(changes))
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=moved,
        object_label=moved.code,
        details={"state": to, "approved": approved},
    )
    _tell(moved, _("Decision made"))
    events.publish(
        ApplicationDecided(
            application_id=moved.pk,
            matter=moved.matter.code,
            approved=approved,
            resident_id=moved.resident_id,
            actor_id=by.pk if by is not None else None,
        )
    )
    return moved


def _issue_certificate(application: Application, by: "User | None") -> "Certificate":
    kind = application.matter.certificate_kind
    holder = application.resident
    if not kind or holder is None:
        raise ValidationError(
            {
                "delivery_mode": _(
                    "No electronic certificate can be issued for this application (the "
                    "applicant is not in the registry): hand the result over at the window."
                )
            }
        )
    answers = {**application.answers, **private_answers_of(application)}
    house = holder.household.house
    facts = {
        "id_number": application.id_number,
        "address": answers.get("address") or house.address,
        "since": answers.get("lived_since", ""),
        "purpose": answers.get("purpose", ""),
        "sex": holder.get_sex_display(),
        "birth_date": holder.birth_date.isoformat(),
        "father": application.name if holder.sex == "male" else answers.get("spouse_name", ""),
        "mother": application.name if holder.sex != "male" else answers.get("spouse_name", ""),
        "child": answers.get("child_name", ""),
        "child_sex": answers.get("child_sex", ""),
        "child_birth_date": answers.get("child_birth", ""),
        "new_address": answers.get("new_address", ""),
    }
    found = CertificateKind.objects.filter(code=kind).first()
    if found is None:
        raise ValidationError({"delivery_mode": _("This kind of certificate is not issued.")})
    fields = {f["key"]: facts.get(f["key"], "") for f in found.fields}
    issued: Certificate = certificate_issue(
        kind=found, holder=holder, fields=fields, by=None, reference=application.code
    )
    return issued


def private_answers_of(application: Application) -> dict[str, str]:
    loaded: dict[str, str] = (
        json.loads(application.private_answers) if application.private_answers else {}
    )
    return loaded


@transaction.atomic
def application_paid(
    *, application: Application, payment_ref: str, by: "User | None"
) -> Application:
    """The fee is paid: the payments app's `on_paid` gives the order's number
    (`hall/payables.py`); a second report of the same payment changes nothing."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.paid_at is not None and locked.payment_ref == payment_ref:
        return locked
    locked = _locked(application, allowed=(ApplicationState.PAYMENT,))
    locked.payment_ref, locked.paid_at = payment_ref[:40], timezone.now()
    changes = ["payment_ref", "paid_at", *_ready_for_delivery(locked)]
    moved = _move(
        locked, to=ApplicationState.DELIVERY, by=by, note=_("Fee paid."), changes=tuple(changes)
    )
    _tell(moved, _("Fee paid"))
    return moved


def application_fee_news(*, application: Application, refunded: bool) -> None:
    """The payments app refunded the fee, or closed its order unpaid (the application
    still awaits payment: a new order pays it): the applicant is told."""
    _tell(
        application,
        _("Fee refunded") if refunded else _("Payment order closed unpaid: pay again"),
    )


@transaction.atomic
def application_deliver(
    *,
    application: Application,
    tracking_number: str = "",
    pickup_code: str = "",
    by: "User",
) -> Application:
    """送达: handed over at the window against the pickup code, sent by express with
    its tracking number, or issued as an electronic certificate (linli.certificates,
    to the applicant's registry record, stating what the application established)."""
    locked = _locked(application, allowed=(ApplicationState.DELIVERY,))
    _ensure_staff(locked, by, APPLICATION_HANDLE)
    changes = ["completed_at"]
    mode = locked.delivery_mode
    if mode == DeliveryMode.PICKUP:
        if (pickup_code or "").strip() != locked.pickup_code:
            raise ValidationError(
                {"pickup_code": _("The pickup code does not match: ask the applicant for it.")}
            )
        if not locked.matter.on_the_spot or locked.visits == 0:
            locked.visits += 1
            changes.append("visits")
    elif mode == DeliveryMode.EXPRESS:
        tracking_number = (tracking_number or "").strip()
        if not (6 <= len(tracking_number) <= 30 and tracking_number.isalnum()):
            raise ValidationError(
                {
                    "tracking_number": _(
                        "Give the express tracking number (6 to 30 letters or digits)."
                    )
                }
            )
        locked.tracking_number = tracking_number.upper()
        changes.append("tracking_number")
    else:
        locked.certificate_ref = _issue_certificate(locked, by).number
        changes.append("certificate_ref")
    locked.completed_at = timezone.now()
    moved = _move(
        locked, to=ApplicationState.DELIVERED, by=by, note=_("Delivered."), changes=tuple(changes)
    )
    audit_record(
        action=AuditAction.RECORD_UPDATE,
        actor=by,
        obj=moved,
        object_label=moved.code,
        details={"state": ApplicationState.DELIVERED, "delivery": mode},
    )
    _tell(moved, _("Completed: please rate the service"))
    return moved


# ---- The applicant -------------------------------------------------------------------


@transaction.atomic
def application_withdraw(*, application: Application, by: "User") -> Application:
    locked = _locked(application, allowed=tuple(WITHDRAWABLE))
    _ensure_applicant_or(locked, by, APPLICATION_ACCEPT)
    locked.completed_at = timezone.now()
    moved = _move(
        locked,
        to=ApplicationState.WITHDRAWN,
        by=by,
        note=_("Withdrawn."),
        changes=("completed_at",),
    )
    _tell(moved, _("Application withdrawn"), staff_action=APPLICATION_ACCEPT)
    return moved


@transaction.atomic
def application_rate(
    *, application: Application, rating: int, comment: str = "", by: "User | None"
) -> Application:
    """好差评: the applicant's 1–5 after completion, once — in their pages, or (`by`
    None) on the rating pad at the window."""
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError({"rating": _("Rate from 1 to 5.")})
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if by is not None and locked.applicant_id != by.pk:  # None: the window's rating pad
        raise PermissionDenied
    if locked.state not in (ApplicationState.DELIVERED, ApplicationState.DENIED):
        raise ValidationError({"rating": _("An application is rated once it is completed.")})
    if locked.rating is not None:
        raise ValidationError({"rating": _("You have rated this application already.")})
    locked.rating, locked.rating_comment = rating, (comment or "").strip()[:300]
    locked.save(update_fields=["rating", "rating_comment"])
    return locked


# ---- Helpers -------------------------------------------------------------------------


def _phone(raw: str) -> str | None:
    digits = "".join((raw or "").split())
    if len(digits) == PHONE_DIGITS and digits.isascii() and digits.isdigit() and digits[0] == "1":
        return digits
    return None


def form_snapshot(matter: Matter) -> list[dict[str, str]]:
    """The form as the applicant filled it in: its answers keep their labels however
    the catalogue changes later."""
    return [
        {"key": f.key, "label": f.label, "type": f.type, "prefill": f.prefill}
        for f in matter.fields.all()
    ]


def _district(region: Region) -> str:
    return region.path[: PATH_LENGTH[Level.DISTRICT]]


def _within(matter: Matter, region: Region) -> bool:
    """Whether the matter is handled for a community: it lies under the matter's region."""
    return region.path.startswith(matter.region.path)


def _clean_answers(
    fields: list[MatterField], answers: Mapping[str, str]
) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """The form's answers by type: (plain, personal, errors keyed `answer_<key>`)."""
    plain: dict[str, str] = {}
    private: dict[str, str] = {}
    errors: dict[str, str] = {}
    known = {f.key for f in fields}
    unknown = sorted(set(answers) - known)
    if unknown:
        errors["answers"] = _("The form has no field %(keys)s.") % {"keys": "、".join(unknown)}
    for item in fields:
        raw = answers.get(item.key)
        value = "" if raw is None else str(raw).strip()
        key = f"answer_{item.key}"
        if not value:
            if item.required:
                errors[key] = _("Fill in %(label)s.") % {"label": item.label}
            continue
        try:
            value = _typed(item, value)
        except ValidationError as exc:
            errors[key] = exc.messages[0]
            continue
        if item.type in PERSONAL_TYPES or item.prefill in PERSONAL_PREFILLS:
            private[item.key] = value
        else:
            plain[item.key] = value
    return plain, private, errors


def _typed(item: MatterField, value: str) -> str:
    label = item.label
    if len(value) > MAX_TEXT:
        raise ValidationError(
            _("%(label)s: at most %(n)s characters.") % {"label": label, "n": MAX_TEXT}
        )
    if item.type == FieldType.NUMBER:
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise ValidationError(_("%(label)s is a number.") % {"label": label}) from None
        if not number.is_finite() or abs(number) >= 10**9:
            raise ValidationError(_("%(label)s is a number.") % {"label": label})
        return str(number)
    if item.type == FieldType.DATE:
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise ValidationError(
                _("%(label)s is a date like 2024-03-01.") % {"label": label}
            ) from None
    if item.type == FieldType.CHOICE:
        if value not in item.options:
            raise ValidationError(
                _("%(label)s: choose one of %(options)s.")
                % {"label": label, "options": "、".join(item.options)}
            )
        return value
    if item.type == FieldType.YES_NO:
        if value not in ("是", "否"):
            raise ValidationError(_("%(label)s: answer 是 or 否.") % {"label": label})
        return value
    if item.type == FieldType.PHONE:
        phone = _phone(value)
        if phone is None:
            raise ValidationError(
                _("%(label)s: a mobile phone number has 11 digits and starts with 1.")
                % {"label": label}
            )
        return phone
    if item.type == FieldType.ID_NUMBER:
        return parse_id_number(value).value
    return value


def _registry_person(id_number: str) -> Resident | None:
    found: Resident | None = (
        Resident.objects.filter(id_number_index=blind_index(id_number, Resident.ID_NUMBER_CONTEXT))
        .order_by("pk")
        .first()
    )
    return found


def _check_files(
    matter: Matter, provided: Provided, *, have: int = 0
) -> dict[int, list[CheckedMaterial]]:
    """Every file checked (content, size, count) before anything is saved."""
    materials = {m.pk: m for m in matter.materials.all()}
    checked: dict[int, list[CheckedMaterial]] = {}
    total = have
    for pk, uploads in provided.files.items():
        material = materials.get(pk)
        if material is None:
            raise ValidationError({"materials": _("The matter asks for no such material.")})
        uploads = [u for u in uploads if u]
        if len(uploads) > MAX_FILES:
            raise ValidationError(
                {
                    f"material_{pk}": _("%(name)s: at most %(n)s files.")
                    % {"name": material.name, "n": MAX_FILES}
                }
            )
        total += len(uploads)
        if total > MAX_TOTAL:
            raise ValidationError(
                {"materials": _("An application has at most %(n)s files.") % {"n": MAX_TOTAL}}
            )
        checked[pk] = [material_check(u, field=f"material_{pk}") for u in uploads]
    for pk in [*provided.originals, *provided.certificates]:
        if pk not in materials:
            raise ValidationError({"materials": _("The matter asks for no such material.")})
    for pk, number in provided.certificates.items():
        material = materials[pk]
        if material.source != MaterialSource.CERTIFICATE or not (number or "").strip():
            raise ValidationError(
                {
                    f"material_{pk}": _("%(name)s cannot be replaced by a certificate.")
                    % {"name": material.name}
                }
            )
    return checked


def _check_certificates(matter: Matter, provided: Provided, resident: Resident | None) -> None:
    """An earlier certificate stands in for a material only if it is the applicant's,
    of the kind the material names, neither revoked nor expired."""
    materials = {m.pk: m for m in matter.materials.all()}
    for pk, number in provided.certificates.items():
        material = materials[pk]
        usable = resident is not None and (
            usable_certificates(holder=resident, kinds=[material.certificate_kind])
            .filter(number=number.strip())
            .exists()
        )
        if not usable:
            raise ValidationError(
                {
                    f"material_{pk}": _(
                        "%(name)s: the applicant has no valid certificate numbered %(number)s."
                    )
                    % {"name": material.name, "number": number.strip()[:40]}
                }
            )


def _provide(
    application: Application,
    matter: Matter,
    provided: Provided,
    checked: dict[int, list[CheckedMaterial]],
    resident: Resident | None,
    by: "User",
    stored: list[ApplicationMaterial],
) -> None:
    materials = {m.pk: m for m in matter.materials.all()}
    for pk, files in checked.items():
        for item in files:
            row = ApplicationMaterial(
                application=application,
                material=materials[pk],
                provided_as=ProvidedAs.UPLOAD,
                file_name=item.name[:120],
                content_type=item.content_type,
                size=len(item.content),
                added_by=by,
            )
            row.file.save(f"m.{item.extension}", ContentFile(item.content), save=False)
            stored.append(row)
    rows: list[ApplicationMaterial] = list(stored)
    for pk in provided.originals:
        rows.append(
            ApplicationMaterial(
                application=application,
                material=materials[pk],
                provided_as=ProvidedAs.ORIGINAL,
                added_by=by,
            )
        )
    for pk, number in provided.certificates.items():
        rows.append(
            ApplicationMaterial(
                application=application,
                material=materials[pk],
                provided_as=ProvidedAs.CERTIFICATE,
                reference=number.strip()[:60],
                added_by=by,
            )
        )
    if resident is not None:  # the registry stands in: not asked again
        have = {r.material_id for r in rows}
        for material in materials.values():
            if material.source == MaterialSource.REGISTRY and material.pk not in have:
                rows.append(
                    ApplicationMaterial(
                        application=application,
                        material=material,
                        provided_as=ProvidedAs.REGISTRY,
                        added_by=by,
                    )
                )
    ApplicationMaterial.objects.bulk_create(rows)


def _remove(stored: list[ApplicationMaterial]) -> None:
    for row in stored:
        row.file.delete(save=False)


def _same_request(matter: Matter, id_number: str, request_key: str) -> Application | None:
    found: Application | None = Application.objects.filter(
        matter=matter,
        id_number_index=blind_index(id_number, Application.ID_CONTEXT),
        request_key=request_key[:40],
    ).first()
    return found


def _new_code(now: datetime) -> str:
    """办件编号: the date and six random digits."""
    day = timezone.localtime(now).strftime("%Y%m%d")
    for _attempt in range(10):
        code = f"BJ{day}{secrets.randbelow(10**6):06d}"
        if not Application.objects.filter(code=code).exists():
            return code
    raise RuntimeError("no free application number")


def _ready_for_delivery(application: Application) -> list[str]:
    if application.delivery_mode == DeliveryMode.PICKUP and not application.pickup_code:
        application.pickup_code = f"{secrets.randbelow(10**6):06d}"
        return ["pickup_code"]
    return []


def _start_stage(application: Application, stage: int, now: datetime) -> None:
    for step in application.steps.filter(stage=stage, state=StepState.WAITING):
        step.state, step.started_at = StepState.ACTIVE, now
        step.due_at = add_working_days(now, step.days)
        step.save(update_fields=["state", "started_at", "due_at"])


def _locked(application: Application, *, allowed: tuple[str, ...]) -> Application:
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("matter", "region", "desk")
        .get(pk=application.pk)
    )
    if locked.state not in allowed:
        raise Conflict(
            _("This application is %(state)s: that step is not possible now.")
            % {"state": locked.get_state_display()},
            code="wrong_state",
        )
    return locked


def _ensure_staff(application: Application, by: "User | None", action: str) -> None:
    """`action` at the applicant's community, or at the desk that took it in (None:
    the system)."""
    if by is None:
        return
    if may(by, application.region, action):
        return
    if application.desk is not None:
        ensure_may(by, application.desk, action)
        return
    raise PermissionDenied


def _ensure_applicant_or(application: Application, by: "User | None", action: str) -> None:
    if (
        by is not None
        and application.applicant_id is not None
        and application.applicant_id == by.pk
    ):
        return
    _ensure_staff(application, by, action)


def _move(
    application: Application,
    *,
    to: str,
    by: "User | None",
    note: str = "",
    changes: Iterable[str] = (),
) -> Application:
    if to not in TRANSITIONS[application.state]:
        raise Conflict(
            _("This application is %(state)s: that step is not possible now.")
            % {"state": application.get_state_display()},
            code="wrong_state",
        )
    now = timezone.now()
    from_state = application.state
    application.state, application.state_since = to, now
    application.version += 1
    application.save(update_fields=["state", "state_since", "version", *changes])
    _log(application, from_state, to, by, note, now)
    return application


def _log(
    application: Application,
    from_state: str,
    to: str,
    by: "User | None",
    note: str = "",
    at: datetime | None = None,
) -> None:
    ApplicationTransition.objects.create(
        application=application,
        from_state=from_state,
        to_state=to,
        actor=by,
        note=note[:500],
        at=at or timezone.now(),
    )


def _tell(application: Application, title: str, *, staff_action: str | None = None) -> None:
    """The applicant (their account) and, for `staff_action`, the staff who may act."""
    text = _("%(matter)s (%(code)s): %(state)s") % {
        "matter": application.matter.name,
        "code": application.code,
        "state": application.get_state_display(),
    }
    if application.applicant is not None:
        notify(
            users=[application.applicant],
            kind=NOTIFICATION_KIND,
            title=f"{title}:{application.matter.name}",
            body=text,
            url=reverse("matters:mine-detail", args=[application.code]),
        )
    if staff_action is not None:
        regions = [application.region]
        if application.desk is not None and application.desk != application.region:
            regions.append(application.desk)
        staff = [u for r in regions for u in people_who_may(staff_action, r, here_only=True)]
        notify(
            users=staff,
            kind=NOTIFICATION_KIND,
            title=f"{title}:{application.matter.name}",
            body=text,
            url=reverse("hall:application-detail", args=[application.pk]),
        )


def may_act(application: Application, user: object, action: str) -> bool:
    """Whether the user may take the application's steps that need `action`."""
    try:
        _ensure_staff(application, user, action)  # type: ignore[arg-type]
    except PermissionDenied:
        return False
    return True
