"""What the registry does once its changes are committed (subscribed in
RegistryConfig.ready)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from linli.notifications.services import notify
from linli.registry.choices import LedgerImportStatus
from linli.registry.events import LedgerImportMoved
from linli.registry.ledger.format import BACKGROUND_ROWS
from linli.registry.models import LedgerImport

# Where an import in the background stops for its uploader: to decide, or finished.
TOLD = {
    LedgerImportStatus.HAS_ERRORS: _("Ledger %(file)s has errors: nothing was saved yet"),
    LedgerImportStatus.DONE: _("Ledger %(file)s is imported"),
    LedgerImportStatus.FAILED: _("Ledger %(file)s could not be imported"),
}


def tell_the_uploader(event: LedgerImportMoved) -> None:
    """A large import checked or saved by the worker: its uploader is not watching its
    page any more, so they are told (a small one ends while they wait)."""
    title = TOLD.get(event.to_status)
    imp = LedgerImport.objects.filter(pk=event.import_id).select_related("user").first()
    if title is None or imp is None or imp.total_rows <= BACKGROUND_ROWS:
        return
    notify(
        users=[imp.user],
        kind="ledger-import",
        title=str(title) % {"file": imp.file_name},
        url=reverse("registry:ledger-import-detail", args=[imp.pk]),
    )
