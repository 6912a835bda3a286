"""What the entitlements export (linli.exports.kinds): the 应享未享 report of one
grant kind — the residents in scope who qualify and have no open grant of it, ID
numbers masked."""

from typing import Any

from django.db.models import CharField, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.entitlements import engine, selectors
from linli.entitlements.filters import UnservedFilter
from linli.entitlements.permissions import ENTITLEMENT_VIEW
from linli.exports.kinds import ExportKind, register
from linli.exports.writer import Column
from linli.registry.models import Resident

SEXES = {"male": "男", "female": "女"}


def _columns(filters: UnservedFilter) -> list[Column]:
    return [
        Column("待遇项目"),
        Column("社区"),
        Column("网格"),
        Column("姓名"),
        Column("性别"),
        Column("出生日期"),
        Column("年龄"),
        Column("身份证号"),
    ]


def _rows(user: Any, filters: UnservedFilter) -> QuerySet[Resident] | list[Resident]:
    kind = selectors.unserved_kind(filters)
    if kind is None:
        return []
    found = selectors.unserved(user=user, kind=kind, filters=filters)
    return found.annotate(kind_name=Value(kind.name, output_field=CharField()))


def _cells(r: Resident, filters: UnservedFilter) -> list[Any]:
    return [
        getattr(r, "kind_name", ""),
        r.grid.parent.name if r.grid.parent else "",
        r.grid.name,
        r.name,
        SEXES.get(r.sex, r.sex),
        r.birth_date,
        engine.age_on(r.birth_date, timezone.localdate()),
        r.masked_id_number,
    ]


UNSERVED = register(
    ExportKind(
        code="entitlements.unserved",
        title=gettext_lazy("Qualify but not granted"),
        file_stem="应享未享",
        sheet="应享未享",
        action=ENTITLEMENT_VIEW,
        filter=UnservedFilter,
        object_type="registry.resident",
        columns=_columns,
        rows=_rows,
        row=_cells,
    )
)
