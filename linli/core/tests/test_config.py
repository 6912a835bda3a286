"""`linli.core.config`: strict readers of LINLI_* environment settings."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from linli.core.config import env_bool, env_int, env_list, env_str

NAME = "LINLI_TEST_SETTING"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    monkeypatch.delenv(NAME, raising=False)
    monkeypatch.delenv(f"{NAME}_FILE", raising=False)


# env_str


def test_env_str_reads_the_variable(monkeypatch):
    monkeypatch.setenv(NAME, " kept as is ")

    assert env_str(NAME) == " kept as is "


def test_env_str_falls_back_to_the_default():
    assert env_str(NAME, "fallback") == "fallback"


def test_env_str_empty_value_is_a_value_not_a_fallback(monkeypatch):
    monkeypatch.setenv(NAME, "")

    assert env_str(NAME, "fallback") == ""


def test_env_str_without_value_or_default_names_both_variables():
    with pytest.raises(ImproperlyConfigured) as caught:
        env_str(NAME)

    assert str(caught.value) == f"{NAME} must be set (or {NAME}_FILE)."


def test_env_str_reads_the_file_variant_stripped(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t-值\n", encoding="utf-8")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))

    assert env_str(NAME) == "s3cr3t-值"
    assert env_str(NAME, "ignored default") == "s3cr3t-值"


def test_env_str_refuses_both_the_variable_and_its_file(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from file")
    monkeypatch.setenv(NAME, "from env")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))

    with pytest.raises(ImproperlyConfigured) as caught:
        env_str(NAME)

    assert str(caught.value) == f"Set {NAME} or {NAME}_FILE, not both."


def test_env_str_refuses_both_even_when_the_variable_is_empty(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from file")
    monkeypatch.setenv(NAME, "")
    monkeypatch.setenv(f"{NAME}_FILE", str(secret))

    with pytest.raises(ImproperlyConfigured, match="not both"):
        env_str(NAME)


def test_env_str_unreadable_file_names_the_variable_and_path(monkeypatch, tmp_path):
    missing = tmp_path / "missing"
    monkeypatch.setenv(f"{NAME}_FILE", str(missing))

    with pytest.raises(ImproperlyConfigured) as caught:
        env_str(NAME, "default")

    assert str(caught.value).startswith(f"{NAME}_FILE: cannot read {missing}:")


# env_bool


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", "yes", "on", " On "])
def test_env_bool_true_spellings(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    assert env_bool(NAME, False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off", ""])
def test_env_bool_false_spellings(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    assert env_bool(NAME, True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_default_when_unset(default):
    assert env_bool(NAME, default) is default


@pytest.mark.parametrize("raw", ["2", "enabled", "真", "y"])
def test_env_bool_refuses_other_values_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as caught:
        env_bool(NAME, False)

    assert str(caught.value) == f"{NAME} must be a boolean (1/0, true/false), not {raw!r}."


# env_int


def test_env_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv(NAME, " 42 ")

    assert env_int(NAME, 1) == 42


def test_env_int_default_when_unset():
    assert env_int(NAME, 7) == 7


@pytest.mark.parametrize("raw", ["4.5", "ten", "", "0x10"])
def test_env_int_refuses_non_numbers_naming_the_variable(monkeypatch, raw):
    monkeypatch.setenv(NAME, raw)

    with pytest.raises(ImproperlyConfigured) as caught:
        env_int(NAME, 1)

    assert str(caught.value) == f"{NAME} must be a whole number, not {raw!r}."


def test_env_int_refuses_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv(NAME, "0")

    with pytest.raises(ImproperlyConfigured) as caught:
        env_int(NAME, 5, minimum=1)

    assert str(caught.value) == f"{NAME} must be at least 1, not 0."


def test_env_int_minimum_defaults_to_zero(monkeypatch):
    monkeypatch.setenv(NAME, "0")
    assert env_int(NAME, 5) == 0
    monkeypatch.setenv(NAME, "-1")
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int(NAME, 5)


# env_list


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv(NAME, " linli.example.cn, ,127.0.0.1 ,")

    assert env_list(NAME, ["x"]) == ["linli.example.cn", "127.0.0.1"]


def test_env_list_default_when_unset():
    assert env_list(NAME, ["localhost"]) == ["localhost"]


def test_env_list_empty_value_is_an_empty_list(monkeypatch):
    monkeypatch.setenv(NAME, "")

    assert env_list(NAME, ["localhost"]) == []
