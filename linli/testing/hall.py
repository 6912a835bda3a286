"""Factories of the service hall for tests: the catalogue seeded at the test world's
district, an application taken in at a desk, and what the catalogue editor posts."""

from linli.hall import services
from linli.hall.catalogue import CATALOGUE
from linli.hall.models import Application, Matter
from linli.regions.models import Region


def seed_catalogue(district: Region, subdistrict: Region) -> dict[str, Matter]:
    matters = {}
    for entry in CATALOGUE:
        region = district if entry.level == "district" else subdistrict
        matters[entry.code], _created = services.matter_seed(entry=entry, region=region, by=None)
    return matters


def complete_answers(matter: Matter, **given: str) -> dict[str, str]:
    """Valid answers to every field of the matter's form."""
    from linli.testing.registry import id_number

    samples = {
        "text": "测试内容",
        "number": "3",
        "date": "2020-03-01",
        "phone": "13905330001",
        "yes_no": "是",
    }
    answers = {}
    for item in matter.fields.all():
        if item.type == "choice":
            answers[item.key] = item.options[0]
        elif item.type == "id_number":
            answers[item.key] = id_number()
        else:
            answers[item.key] = samples[item.type]
    answers.update(given)
    return answers


def at_desk(matter: Matter, *, desk: Region, by, id_number: str, complete: bool = True, **more):
    """An application taken in at `desk`'s front desk, every required original seen
    (or none, with `complete=False`)."""
    required = [m.pk for m in matter.materials.all() if m.required] if complete else []
    provided = more.pop("provided", None) or services.Provided(originals=required)
    fields = {
        "name": "王秀兰",
        "phone": "13905330002",
        "answers": complete_answers(matter),
        "delivery_mode": matter.delivery_modes[0],
        "region": desk,
        **more,
    }
    application: Application = services.application_submit(
        matter=matter,
        channel="desk",
        id_number=id_number,
        provided=provided,
        desk=desk,
        by=by,
        **fields,
    )
    return application


def editor_data(matter: Matter) -> dict[str, object]:
    """What the editor's form posts when nothing is changed (no blank rows)."""
    data: dict[str, object] = {}
    for name in services.GUIDE_FIELDS:
        value = getattr(matter, name)
        if isinstance(value, bool):
            if value:
                data[f"guide-{name}"] = "on"
        else:
            data[f"guide-{name}"] = str(value)
    parts = {
        "materials": [
            {
                "id": m.pk,
                "name": m.name,
                "form": m.form,
                "copies": m.copies,
                "required": m.required,
                "note": m.note,
                "source": m.source,
                "certificate_kind": m.certificate_kind,
            }
            for m in matter.materials.all()
        ],
        "fields": [
            {
                "id": f.pk,
                "key": f.key,
                "label": f.label,
                "type": f.type,
                "required": f.required,
                "options": "、".join(f.options),
                "prefill": f.prefill,
                "help": f.help,
            }
            for f in matter.fields.all()
        ],
        "steps": [
            {
                "id": s.pk,
                "stage": s.stage,
                "name": s.name,
                "department": s.department,
                "days": s.days,
            }
            for s in matter.steps.all()
        ],
    }
    for prefix, rows in parts.items():
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(rows))
        for n, row in enumerate(rows):
            for key, value in row.items():
                if value is True:
                    data[f"{prefix}-{n}-{key}"] = "on"
                elif value is not False:
                    data[f"{prefix}-{n}-{key}"] = str(value)
    return data
