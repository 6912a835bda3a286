"""Helpers for the accounts tests."""

import json

from linli.accounts.models import RoleGrant, User

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PROBLEM = "application/problem+json"


def bearer(secret: str) -> dict:
    """Request headers sending an access token (and asking for English)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **EN}


def post_json(client, url: str, payload: dict, **headers):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def counts() -> tuple[int, int]:
    """Users and role grants in the database: to check nothing was half-saved."""
    return User.objects.count(), RoleGrant.objects.count()


def problem_of(response, status: int) -> dict:
    """The problem+json body of an API answer, after checking its status and type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


def error_messages(problem: dict) -> list[str]:
    return [e["message"] for e in problem.get("errors", [])]
