import json
from pathlib import Path

from ninja.openapi.schema import OpenAPISchema

from linli.api import api

SNAPSHOT = Path(__file__).resolve().parents[3] / "docs" / "api" / "openapi.json"


def test_the_committed_openapi_snapshot_matches_the_api():
    current = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), sort_keys=True))
    committed = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert current == committed, "The API changed: run `make openapi` and commit the snapshot."


def test_every_operation_has_an_id_and_documents_problems():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert len(operations) >= 14
    ids = [op["operationId"] for op in operations]
    assert len(ids) == len(set(ids))
    for op in operations:
        assert {"401", "403", "404", "422"} <= {str(code) for code in op["responses"]}, op[
            "operationId"
        ]


def test_the_schema_is_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Linli API"


def test_no_two_schemas_share_a_name(monkeypatch):
    """Ninja names a component after its class: a second class of the same name would
    silently replace the first in the documentation (two MergeIn did)."""
    seen: dict[str, dict] = {}
    clashes: set[str] = set()
    add = OpenAPISchema.add_schema_definitions

    def recording(self, definitions):
        for name, definition in definitions.items():
            if seen.setdefault(name, definition) != definition:
                clashes.add(name)
        add(self, definitions)

    monkeypatch.setattr(OpenAPISchema, "add_schema_definitions", recording)
    api.get_openapi_schema(path_prefix="/api/v1/")
    assert seen and not clashes


def test_problems_are_documented_as_problem_json():
    schema = json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/")))
    merge = schema["paths"]["/api/v1/registry/households/{household_id}/merge"]["post"]
    assert "into_household_id" in json.dumps(schema["components"]["schemas"]["HouseholdMergeIn"])
    for code in ("400", "401", "403", "404", "413", "422"):
        assert list(merge["responses"][code]["content"]) == ["application/problem+json"], code
    accept = schema["paths"]["/api/v1/cases/{case_id}/accept"]["post"]["responses"]
    assert list(accept["409"]["content"]) == ["application/problem+json"]
    assert list(accept["200"]["content"]) == ["application/json"]
