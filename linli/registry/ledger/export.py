"""The residents ledger as exported: the import's columns plus a few the import does
not read, ID and phone numbers masked (the export kind `registry.residents`,
linli/registry/exports.py, writes it with the exports app's writer)."""

from linli.core.crypto import mask_id_number, mask_phone
from linli.registry.choices import ETHNICITIES
from linli.registry.ledger.format import (
    EXPORT_EXTRA_HEADERS,
    HEADERS,
    HOUSEHOLD_KINDS,
    POLITICAL_STATUSES,
    RELATIONS,
    RESIDENCE_TYPES,
    SEXES,
    STATUSES,
)
from linli.registry.models import Resident
from linli.registry.selectors import labels_of

ETHNICITY_BY_CODE: dict[str, str] = dict(ETHNICITIES)


def _name_of(vocabulary: dict, value: str) -> str:
    return next((name for name, v in vocabulary.items() if v == value), value)


def export_headers() -> list[str]:
    return HEADERS + EXPORT_EXTRA_HEADERS


def resident_cells(r: Resident, filters=None) -> list:
    """One resident's row (from selectors.resident_list), numbers masked."""
    house = r.household.house
    building = house.building
    return [
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
        ETHNICITY_BY_CODE.get(r.ethnicity, r.ethnicity),
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
