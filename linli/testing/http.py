"""Talking to the console and the API in tests, and reading what they answer."""

import json
import re
from html import unescape

import pytest
from django.test import Client

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}  # so assertions read the source strings
PROBLEM = "application/problem+json"


@pytest.fixture(name="client")
def english_client() -> Client:
    """A browser asking for English. A test package opts in by importing this into its
    conftest.py (`from linli.testing.http import english_client`)."""
    return Client(**EN)


def bearer(secret: str) -> dict:
    """Request headers sending an access token (and asking for English)."""
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}", **EN}


def post_json(client, url: str, payload, **headers):
    return client.post(url, data=json.dumps(payload), content_type="application/json", **headers)


def ok(response, status: int = 200) -> dict:
    """The JSON body of an answer, after checking its status."""
    assert response.status_code == status, response.content.decode()[:1000]
    return response.json()


def problem_of(response, status: int) -> dict:
    """The problem+json body of an API answer, after checking its status and type."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert body["status"] == status
    return body


def error_messages(problem: dict) -> list[str]:
    return [e["message"] for e in problem.get("errors", [])]


def body(response) -> bytes:
    """The whole body of an answer, streamed or not."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def text(response) -> str:
    """A page's visible text: tags and scripts gone, entities read, spaces collapsed."""
    html = response if isinstance(response, str) else response.content.decode()
    return " ".join(unescape(re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)).split())


def get(client, user, path, **headers):
    """A console page as `user`, in English."""
    client.force_login(user)
    return client.get(path, **EN, **headers)


def post(client, user, path, data):
    """A console form posted as `user`, in English."""
    client.force_login(user)
    return client.post(path, data, **EN)


API = "/api/v1"


def call_api(client, user, method, path, body=None, **params):
    """`GET` (with `params`) or a JSON `POST` of `body` to /api/v1`path` as `user`."""
    client.force_login(user)
    if method == "get":
        return client.get(API + path, params, **EN)
    return client.post(API + path, json.dumps(body or {}), content_type="application/json", **EN)
