"""What the registry exports (linli.exports.kinds): the residents list as a ledger
that the import reads back."""

from django.utils.translation import gettext_lazy

from linli.exports.kinds import ExportKind, register
from linli.exports.writer import Column
from linli.registry.filters import ResidentFilter
from linli.registry.ledger.export import export_headers, resident_cells
from linli.registry.ledger.format import SHEET
from linli.registry.permissions import REGISTRY_EXPORT
from linli.registry.selectors import resident_list

RESIDENTS = register(
    ExportKind(
        code="registry.residents",
        title=gettext_lazy("Residents ledger"),
        file_stem="居民台账",
        sheet=SHEET,
        action=REGISTRY_EXPORT,
        filter=ResidentFilter,
        object_type="registry.resident",
        columns=lambda filters: [Column(header) for header in export_headers()],
        rows=lambda user, filters: resident_list(
            user=user, filters=filters, action=REGISTRY_EXPORT
        ),
        row=resident_cells,
        secret_fields=("id_index", "phone_index"),
    )
)
