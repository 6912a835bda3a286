from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "linli.certificates"
    label = "certificates"
    verbose_name = _("Electronic certificates")

    def ready(self) -> None:
        from django.core import checks

        from linli.certificates import home
        from linli.certificates.keys import check_keys
        from linli.certificates.permissions import CERTIFICATE_VIEW
        from linli.core import navigation, panels

        checks.register(check_keys)
        panels.register(*home.BLOCKS)
        navigation.register(
            navigation.NavItem(
                _("Certificates"),
                "certificates:certificate-list",
                CERTIFICATE_VIEW,
                order=75,
                menu="services",
            )
        )
