"""The export: the residents a user may export, filtered with the residents list's
filter, ID and phone numbers masked, written with openpyxl's write-only mode while
iterating the rows in chunks; one audit entry (action "export") per export.

It makes a file and its name; the console view and the API route hand it out
(`linli.core.xlsx.xlsx_download`).
"""

import tempfile
from typing import BinaryIO

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from linli.accounts.selectors import home_region
from linli.audit.choices import AuditAction
from linli.audit.services import audit_record
from linli.core.crypto import mask_id_number, mask_phone
from linli.regions.models import Region
from linli.registry.choices import ETHNICITIES
from linli.registry.ledger.format import (
    EXPORT_EXTRA_HEADERS,
    HEADERS,
    HOUSEHOLD_KINDS,
    POLITICAL_STATUSES,
    RELATIONS,
    RESIDENCE_TYPES,
    SEXES,
    SHEET,
    STATUSES,
    _cell,
)
from linli.registry.models import Resident
from linli.registry.permissions import REGISTRY_EXPORT
from linli.registry.selectors import labels_of, resident_list


def _name_of(vocabulary: dict, value: str) -> str:
    return next((name for name, v in vocabulary.items() if v == value), value)


def export_headers() -> list[str]:
    return HEADERS + EXPORT_EXTRA_HEADERS


def ledger_export(residents, out) -> int:
    """Write the residents (a queryset from selectors.resident_list) to `out` as a
    ledger with masked ID and phone numbers; returns how many rows were written."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(SHEET)
    ws.append(export_headers())
    ethnicity = dict(ETHNICITIES)
    count = 0
    for r in residents.iterator(chunk_size=2000):
        house = r.household.house
        building = house.building
        values = [
            r.grid.code,
            building.name,
            house.unit,
            house.number,
            r.household.number,
            _name_of(HOUSEHOLD_KINDS, r.household.kind),
            _name_of(RELATIONS, r.relation),
            r.name,
            mask_id_number(r.id_number),
            mask_phone(r.phone),
            ethnicity.get(r.ethnicity, r.ethnicity),
            _name_of(POLITICAL_STATUSES, r.political_status),
            _name_of(RESIDENCE_TYPES, r.residence_type),
            r.moved_in_on,
            "、".join(labels_of(r)),
            SEXES.get(r.sex, r.sex),
            r.birth_date,
            STATUSES.get(r.status, r.status),
            r.moved_out_on or r.died_on,
            building.address,
            r.grid.name,
        ]
        ws.append([_cell(ws, v) for v in values])
        count += 1
    wb.save(out)
    return count


def export_file(*, user, residents, filters: dict, region_code: str | None) -> tuple:
    """Write the export to a temporary file and audit it; (file, row count).

    The audit entry is written before the file is handed out: no export without one.
    """
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    try:
        count = ledger_export(residents, out)
        region = None
        if region_code:
            region = (
                Region.objects.visible_to(user, REGISTRY_EXPORT).filter(code=region_code).first()
            )
        audit_record(
            action=AuditAction.EXPORT,
            actor=user,
            object_type=Resident._meta.label_lower,
            object_label=_("Residents ledger"),
            region=region or home_region(user=user),
            details={"filter": filters, "rows": count, "format": "xlsx"},
        )
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out, count


def export_filter_details(filters) -> dict:
    """The filter as audit details: which personal-data searches were used, not their
    values."""
    data = filters.dict(exclude_none=True)
    for name in ("id_number", "phone", "id_index", "phone_index"):
        if data.get(name):
            data[name] = "given"
    if not data.get("label"):
        data.pop("label", None)
    return data


def export_residents(*, user, filters) -> tuple[BinaryIO, str]:
    """The export for the console and the API: the residents `user` may export, filtered
    like the residents list (`filters`: a ResidentFilter), in an audited temporary
    file; (the file, its name). Whoever hands the file out closes it (a FileResponse
    does)."""
    residents = resident_list(user=user, filters=filters, action=REGISTRY_EXPORT)
    out, _count = export_file(
        user=user,
        residents=residents,
        filters=export_filter_details(filters),
        region_code=filters.region,
    )
    return out, f"居民台账-{timezone.localtime():%Y%m%d-%H%M}.xlsx"
