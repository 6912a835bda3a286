import json
from pathlib import Path

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
