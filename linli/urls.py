from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from linli.api import api
from linli.core import views as core_views

urlpatterns = [
    path("", include("linli.core.urls")),
    path("accounts/", include("linli.accounts.urls")),
    path("regions/", include("linli.regions.urls")),
    path("audit/", include("linli.audit.urls")),
    path("registry/", include("linli.registry.urls")),
    path("cases/", include("linli.cases.urls")),
    path("grid/", include("linli.gridwork.urls")),
    path("devices/", include("linli.devices.urls")),
    path("screens/", include("linli.screens.urls")),
    path("", include("linli.screens.display_urls")),
    path("notices/", include("linli.notices.urls")),
    path("alerts/", include("linli.alerts.urls")),
    path("payments/", include("linli.payments.urls")),
    path("pay/", include("linli.payments.pay_urls")),
    path("appointments/", include("linli.appointments.urls")),
    path("hall-terminal/", include("linli.appointments.terminal_urls")),
    path("cap/", include("linli.alerts.public_urls")),
    path("report/", include("linli.cases.public_urls")),
    path("hall/", include("linli.hall.urls")),
    path("dispatch/", include("linli.dispatch.urls")),
    path("homecare/", include("linli.homecare.urls")),
    path("care/", include("linli.care.urls")),
    path("matters/", include("linli.hall.public_urls")),
    path("assessment/", include("linli.assessment.urls")),
    path("entitlements/", include("linli.entitlements.urls")),
    path("notifications/", include("linli.notifications.urls")),
    path("indicators/", include("linli.indicators.urls")),
    path("exports/", include("linli.exports.urls")),
    path("certificates/", include("linli.certificates.urls")),
    path("c/", include("linli.certificates.public_urls")),
    path("timebank/", include("linli.timebank.urls")),
    path("api/v1/", api.urls),
    path("open311/v2/", include("linli.open311.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.LINLI_DJANGO_ADMIN:
    urlpatterns.append(path("django-admin/", admin.site.urls))

handler403 = "linli.core.views.error_403"
handler404 = "linli.core.views.error_404"
