"""`linli token create USERNAME`: a token from the command line, its secret printed once."""

import hashlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from linli.accounts.models import AccessToken
from linli.testing.http import bearer


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with translation.override("en"):  # the services' messages, in their source language
        call_command("token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_it_creates_a_token_and_prints_only_the_secret_on_stdout(world):
    out, err = run("create", "worker.a", "--name", "热线对接", "--days", "30")
    secret = out.strip()
    token = AccessToken.objects.get()
    assert (token.user, token.name) == (world.worker_a, "热线对接")
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in token.prefix + token.name + token.digest
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert "shown this once" in err
    assert token.prefix in err
    assert secret not in err


def test_the_printed_secret_works_on_the_api(client, world):
    out, _err = run("create", "worker.a", "--name", "bridge")
    response = client.get("/api/v1/me", **bearer(out.strip()))
    assert response.status_code == 200
    assert response.json()["username"] == "worker.a"


def test_it_has_defaults_for_name_and_days(world):
    run("create", "worker.a")
    token = AccessToken.objects.get()
    assert token.name == "command line"
    assert abs(token.expires_at - (timezone.now() + timedelta(days=90))) < timedelta(minutes=1)


def test_each_run_makes_a_new_secret(world):
    first, _ = run("create", "worker.a")
    second, _ = run("create", "worker.a")
    assert first != second
    assert AccessToken.objects.count() == 2


def test_an_unknown_user_is_a_clear_error(world):
    with pytest.raises(CommandError, match="Unknown user 'nobody'"):
        run("create", "nobody")
    assert not AccessToken.objects.exists()


def test_an_inactive_user_gets_no_token(world):
    world.worker_a.is_active = False
    world.worker_a.save()
    with pytest.raises(CommandError, match="inactive"):
        run("create", "worker.a")
    assert not AccessToken.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--days", "0"], "A token lasts 1 to 365 days."),
        (["--days", "366"], "A token lasts 1 to 365 days."),
        (["--name", "  "], "Give the token a name of at most 80 characters."),
    ],
)
def test_bad_options_are_clear_errors(world, args, message):
    with pytest.raises(CommandError, match=message):
        run("create", "worker.a", *args)
    assert not AccessToken.objects.exists()


def test_a_subcommand_is_required(world):
    with pytest.raises(CommandError):
        run()
