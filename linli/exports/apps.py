from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "linli.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        from datetime import timedelta

        from linli.core import periodic
        from linli.exports import kinds
        from linli.exports.tasks import exports_tidy

        kinds.autodiscover()
        periodic.register("exports-tidy", exports_tidy, every=timedelta(hours=1))
