"""The one API of Linli, at /api/v1/: every app's router is mounted here."""

from typing import Any

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer
from ninja.security import SessionAuth

from linli.accounts.api import router as accounts_router
from linli.accounts.auth import BearerTokenAuth
from linli.alerts.api import router as alerts_router
from linli.appointments.api import router as appointments_router
from linli.assessment.api import router as assessment_router
from linli.audit.api import router as audit_router
from linli.care.api import router as care_router
from linli.cases.api import router as cases_router
from linli.certificates.api import router as certificates_router
from linli.core import problems
from linli.core.parsers import JSONObjectParser
from linli.core.routers import Router
from linli.devices.api import router as devices_router
from linli.devices.emqx_api import router as devices_emqx_router
from linli.devices.ingest_api import router as devices_ingest_router
from linli.dispatch.api import router as dispatch_router
from linli.entitlements.api import router as entitlements_router
from linli.exports.api import router as exports_router
from linli.gridwork.api import router as gridwork_router
from linli.hall.api import router as hall_router
from linli.homecare.api import router as homecare_router
from linli.indicators.api import router as indicators_router
from linli.notices.api import router as notices_router
from linli.payments.api import router as payments_router
from linli.regions.api import router as regions_router
from linli.registry.api import router as registry_router
from linli.screens.api import router as screens_router
from linli.timebank.api import router as timebank_router


class LinliAPI(NinjaAPI):
    """Ninja's API, its schema documenting errors as application/problem+json."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        return problems.documented_as_problems(super().get_openapi_schema(**kwargs))


class UnicodeJSONRenderer(JSONRenderer):
    """Chinese text as UTF-8, not \\uXXXX escapes: readable and a third smaller."""

    json_dumps_params = {"ensure_ascii": False}


api = LinliAPI(
    title="Linli API",
    version="1",
    description=(
        "The API of Linli (邻里), a smart community platform. Authenticate with a "
        "personal access token (`Authorization: Bearer …`) or a console session. "
        "Errors are RFC 7807 `application/problem+json`. Every list is paginated with "
        "`page` and `page_size` and shows only what the caller's role grants reach."
    ),
    auth=[BearerTokenAuth(), SessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    renderer=UnicodeJSONRenderer(),
    parser=JSONObjectParser(),
    default_router=Router(),  # so even @api.get(...) routes must declare an action
)
problems.install(api)
api.add_router("", accounts_router)
api.add_router("", regions_router)
api.add_router("", audit_router)
api.add_router("/registry", registry_router)
api.add_router("", cases_router)
api.add_router("", gridwork_router)
api.add_router("", notices_router)
api.add_router("", indicators_router)
api.add_router("", exports_router)
# ThingsBoard's device paths (/{token}/telemetry) after the others': they would match theirs.
api.add_router("", devices_ingest_router)
# The broker's /devices/emqx/…, before the console's /devices/{id}/… could take them.
api.add_router("", devices_emqx_router)
# After it: the console's /devices/{id} would take its /devices/telemetry (and it has no
# path of two segments ending in /telemetry or /attributes, which the ingestion's take).
api.add_router("", devices_router)
api.add_router("", alerts_router)
api.add_router("", payments_router)
api.add_router("", entitlements_router)
api.add_router("", screens_router)
api.add_router("", hall_router)
api.add_router("", dispatch_router)
api.add_router("", homecare_router)
api.add_router("", care_router)
api.add_router("", certificates_router)
api.add_router("", appointments_router)
api.add_router("", timebank_router)
api.add_router("", assessment_router)
