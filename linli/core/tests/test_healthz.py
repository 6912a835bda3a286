"""/healthz: liveness and database reachability for load balancers."""

from django.conf import settings
from django.db import connection
from django.db.utils import DatabaseError, OperationalError


def test_healthz_reports_ok(client, db):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "version": settings.VERSION, "database": "ok"}


def test_healthz_is_never_cached(client, db):
    response = client.get("/healthz")

    assert "no-cache" in response["Cache-Control"]
    assert "max-age=0" in response["Cache-Control"]


def unreachable(*args, **kwargs):
    raise OperationalError("could not connect to server: Connection refused")


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    with monkeypatch.context() as patched:  # undone before the test database is torn down
        patched.setattr(connection, "cursor", unreachable)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "version": settings.VERSION,
        "database": "unreachable",
    }
    assert "Connection refused" not in response.content.decode()


def test_healthz_treats_any_database_error_as_unreachable(client, db, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("disk I/O error")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken)
        response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_healthz_only_answers_get(client, db):
    assert client.post("/healthz").status_code == 405
