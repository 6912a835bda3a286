"""schemathesis over the whole API (its OpenAPI schema, called through the WSGI
application), as a community worker and as an admin: requests made from the schema,
valid ones and ones that break it, never meet a server error, and every answer is
one the schema documents (status, content type, body). One test per role and API tag
(an app's operations), so the test processes share the work: as one test per role it
ran for minutes in one process after the other had finished."""

import time

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from linli.accounts.services import token_create
from linli.api import api
from linli.testing.cases import report
from linli.wsgi import application

# Examples per operation and mode.
EXAMPLES = 5
SCHEMA = api.get_openapi_schema(path_prefix="/api/v1/")
TAGS = sorted(
    {tag for path in SCHEMA["paths"].values() for op in path.values() for tag in op["tags"]}
)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def wsgi_in_the_test_transaction(settings):
    """Requests through the WSGI handler, as Django's test client makes them: inside the
    test's transaction (closing "old" connections at each request would end it on
    PostgreSQL), from the host schemathesis's WSGI client names."""
    settings.ALLOWED_HOSTS = ["localhost"]
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _operations_tagged(tag: str) -> dict:
    """The schema with only the operations of `tag`."""
    paths = {
        path: kept
        for path, operations in SCHEMA["paths"].items()
        if (kept := {method: op for method, op in operations.items() if tag in op["tags"]})
    }
    return {**SCHEMA, "paths": paths}


@pytest.mark.parametrize("tag", TAGS)
@pytest.mark.parametrize("person", ["worker_a", "platform_admin"])
def test_the_api_answers_every_request_as_documented(
    world, wsgi_in_the_test_transaction, person, tag
):
    user = getattr(world, person)
    secret = token_create(user=user, name="schemathesis", days=1, by=user)[1]
    headers = {"Authorization": f"Bearer {secret}", "Accept-Language": "en"}
    report(world)
    schema = schemathesis.openapi.from_dict(_operations_tagged(tag))
    schema.app = wsgi_in_the_test_transaction
    failures: list[str] = []
    started = time.monotonic()
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis_settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def check(case):
                response = case.call(headers=headers)
                try:
                    case.validate_response(response, checks=CHECKS)
                except (Exception, BaseExceptionGroup) as failure:  # all are listed
                    failures.append(f"{case.method} {case.formatted_path}: {failure}"[:1500])

            check()
    print(f"schemathesis as {person}, {tag}: {time.monotonic() - started:.1f} s")
    assert not failures, "\n\n".join(failures)
