"""The certificate kinds Linli issues: data, seeded by migration 0002 and `ensure()`.

Each field: `key` (the value's name in `fields`), `label` (as the document prints it),
`public` (shown on the public verification page) and `mask` (how a public value is
masked there: see `Masking`). The holder's name is always on the document and, masked,
on the verification page."""

from typing import Any, TypedDict


class FieldSpec(TypedDict):
    key: str
    label: str
    public: bool
    mask: str


class KindSpec(TypedDict):
    code: str
    name: str
    valid_days: int | None
    fields: list[FieldSpec]


def _f(key: str, label: str, *, public: bool = False, mask: str = "") -> FieldSpec:
    return {"key": key, "label": label, "public": public, "mask": mask}


KINDS: list[KindSpec] = [
    {
        "code": "residence",
        "name": "居住证明",
        "valid_days": 90,
        "fields": [
            _f("id_number", "公民身份号码", public=True, mask="id_number"),
            _f("address", "居住地址", public=True, mask="address"),
            _f("since", "居住起始日期", public=True),
            _f("purpose", "用途"),
        ],
    },
    {
        "code": "senior",
        "name": "老年人优待证",
        "valid_days": None,
        "fields": [
            _f("sex", "性别", public=True),
            _f("birth_date", "出生日期", public=True),
            _f("id_number", "公民身份号码", public=True, mask="id_number"),
            _f("address", "住址"),
        ],
    },
    {
        "code": "only_child",
        "name": "独生子女父母光荣证",
        "valid_days": None,
        "fields": [
            _f("father", "父亲姓名", public=True, mask="name"),
            _f("mother", "母亲姓名", public=True, mask="name"),
            _f("child", "子女姓名", public=True, mask="name"),
            _f("child_sex", "子女性别"),
            _f("child_birth_date", "子女出生日期", public=True),
            _f("address", "家庭住址"),
        ],
    },
    {
        "code": "household_separation",
        "name": "分户证明",
        "valid_days": 180,
        "fields": [
            _f("id_number", "公民身份号码", public=True, mask="id_number"),
            _f("address", "原户籍地址", public=True, mask="address"),
            _f("new_address", "新户地址"),
        ],
    },
]


def ensure(model: Any = None) -> None:
    """The kinds above, created or brought up to date (migration 0002 passes its
    historical model; the demo's seed calls it without)."""
    if model is None:
        from linli.certificates.models import CertificateKind

        model = CertificateKind
    for spec in KINDS:
        model.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "valid_days": spec["valid_days"],
                "fields": list(spec["fields"]),
            },
        )
