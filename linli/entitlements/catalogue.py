"""The grant kinds every deployment starts with (the district edits them on the
console): national and Shandong policies, each with its legal basis and conditions.
Amounts are not here: they are configured per region (AmountRule; the demo's are
marked as demo figures in docs/entitlements.md).

`ensure(GrantKind, Label)` is called by the data migration with the historical models
and by tests with the real ones: it adds what is missing and changes nothing else.
"""

from typing import Any

LAID_OFF = ("laid_off", "下岗失业人员")

# code, name, category, legal basis, all labels, any label, min age, certificate
# (needed, max grade, types), care levels (of the latest confirmed ability
# assessment), hall matter, order
KINDS: list[dict[str, Any]] = [
    {
        "code": "elderly-allowance",
        "name": "高龄津贴",
        "category": "elderly",
        "legal_basis": "《山东省老年人权益保障条例》第二十七条;《淄博市高龄津贴发放管理办法》",
        "min_age": 80,
        "matter": "elderly-allowance",
        "order": 10,
    },
    {
        "code": "elderly-care-subsidy",
        "name": "经济困难失能老年人护理补贴",
        "category": "elderly",
        "legal_basis": "《财政部 民政部 全国老龄办关于建立健全经济困难的高龄 失能等老年人"
        "补贴制度的通知》(2014年)",
        "any": ["dibao", "tekun"],
        "min_age": 60,
        "care_levels": ["moderate", "severe", "total"],
        "order": 15,
    },
    {
        "code": "disability-living",
        "name": "困难残疾人生活补贴",
        "category": "disability",
        "legal_basis": "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》"
        "(国发〔2015〕52号)",
        "all": ["disabled"],
        "any": ["dibao", "tekun"],
        "certificate": True,
        "matter": "disability-subsidies",
        "order": 20,
    },
    {
        "code": "disability-care",
        "name": "重度残疾人护理补贴",
        "category": "disability",
        "legal_basis": "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》"
        "(国发〔2015〕52号)",
        "all": ["disabled"],
        "certificate": True,
        "max_grade": 2,
        "matter": "disability-subsidies",
        "order": 30,
    },
    {
        "code": "disability-residential",
        "name": "残疾人托养服务补贴",
        "category": "disability",
        "legal_basis": "《残疾人托养服务基本规范(试行)》(残联发〔2013〕6号);"
        "《山东省残疾人托养服务管理办法》",
        "all": ["disabled"],
        "certificate": True,
        "max_grade": 2,
        "types": ["intellectual", "mental", "multiple"],
        "order": 40,
    },
    {
        "code": "veteran-care",
        "name": "优抚对象定期抚恤补助",
        "category": "veteran",
        "legal_basis": "《军人抚恤优待条例》;《中华人民共和国退役军人保障法》",
        "any": ["youfu"],
        "order": 50,
    },
    {
        "code": "cable-tv-relief",
        "name": "有线电视收视费减免",
        "category": "relief",
        "legal_basis": "《周村区推进智慧社区(村)建设工作实施方案》(2015年5月20日)三(二)1:"
        "五保户、特困户、下岗职工凭证半价交纳收视费",
        "any": ["wubao", "tekun", LAID_OFF[0]],
        "order": 60,
    },
]


def ensure(grant_kind: Any, label: Any) -> None:
    label.objects.get_or_create(
        code=LAID_OFF[0], defaults={"name": LAID_OFF[1], "derived": False, "order": 95}
    )
    fields = {f.name for f in grant_kind._meta.get_fields()}
    for entry in KINDS:
        if "care_levels" in entry and "care_levels" not in fields:
            continue  # (a migration before the field: the one adding it seeds the kind)
        kind, made = grant_kind.objects.get_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "category": entry["category"],
                "legal_basis": entry["legal_basis"],
                "min_age": entry.get("min_age"),
                "needs_certificate": entry.get("certificate", False),
                "max_grade": entry.get("max_grade"),
                "disability_types": entry.get("types", []),
                **(
                    {"care_levels": entry.get("care_levels", [])} if "care_levels" in fields else {}
                ),
                "matter": entry.get("matter", ""),
                "order": entry["order"],
            },
        )
        if made:
            kind.labels_all.set(label.objects.filter(code__in=entry.get("all", [])))
            kind.labels_any.set(label.objects.filter(code__in=entry.get("any", [])))
