# Linli — the two commands that matter: `make demo` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON := $(shell scripts/find-python)
# A uv on PATH that runs (a pyenv shim for another Python version does not), else ours.
UV := $(shell uv --version >/dev/null 2>&1 && command -v uv || echo .tools/bin/uv)
UV_VERSION := 0.13.9
VENV := .venv
LINLI := $(VENV)/bin/linli
HOST ?= 127.0.0.1
PORT ?= 8000
MQTT_PORT ?= 1883
export UV_PYTHON := $(PYTHON)
export UV_PROJECT_ENVIRONMENT := $(VENV)

DEMO_ENV = LINLI_SECRET_KEY_FILE=var/secret_key LINLI_PII_KEYS_FILE=var/pii_keys \
	LINLI_PII_INDEX_KEY_FILE=var/pii_index_key LINLI_CERT_SIGNING_KEYS_FILE=var/cert_signing_keys \
	LINLI_ALLOWED_HOSTS=127.0.0.1,localhost,$(HOST) \
	LINLI_CSRF_TRUSTED_ORIGINS=http://$(HOST):$(PORT) LINLI_SITE_URL=http://$(HOST):$(PORT) \
	LINLI_SMS_BACKEND=linli.core.sms.DemoBackend \
	LINLI_MQTT_PORT=$(MQTT_PORT) LINLI_MQTT_PASSWORD_FILE=var/mqtt_password \
	LINLI_MQTT_CREDENTIALS_FILE=var/mqtt/credentials
TEST_ENV = LINLI_SECRET_KEY=test-only-not-a-secret LINLI_DATA_DIR=var/test \
	LINLI_PII_KEYS=test1:MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY= \
	LINLI_PII_INDEX_KEY=dGVzdC1vbmx5LWJsaW5kLWluZGV4LWtleS0wMDAwMDA= \
	LINLI_CERT_SIGNING_KEYS=test1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= \
	LINLI_MANIFEST_STATIC=0 LINLI_DB_CONN_MAX_AGE=0
PG_URL ?= postgres://linli:linli@127.0.0.1:5432/linli
# pytest-xdist: one test process per CPU (PYTEST_WORKERS=0 runs the suite in this process).
PYTEST_WORKERS ?= logical
# The browser tests (marker `browser`) run on SQLite only, but those that need
# PostgreSQL: a page in Chromium is the same over either database, and they cost CI
# about two minutes. PG_PYTEST_ARGS= runs them all there too.
PG_PYTEST_ARGS ?= -m "not browser or postgresql"

.PHONY: help demo build test test-pg lint mypy mypy-baseline openapi messages mosquitto-plugin clean

help:
	@echo "make demo     build, migrate, seed demo data and serve on http://$(HOST):$(PORT)/"
	@echo "              (devices' MQTT broker on $(HOST):$(MQTT_PORT); MQTT_PORT=… to change)"
	@echo "make test     ruff + mypy (scripts/mypy-check) + the whole suite on SQLite"
	@echo "make mypy     the type check alone; make mypy-baseline rewrites mypy-baseline.txt"
	@echo "make test-pg  the suite on PostgreSQL, browser tests only where they need it (DATABASE_URL, default $(PG_URL))"
	@echo "make openapi  rewrite the committed OpenAPI snapshot (docs/api/openapi.json)"
	@echo "make messages extract strings into the .po files (needs GNU gettext)"
	@echo "make mosquitto-plugin  build Linli's Mosquitto plugin into var/mosquitto/"

.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet --compile-bytecode  # .pyc at install: faster starts
	touch $@

var/secret_key:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	chmod 600 $@

var/pii_keys:
	mkdir -p var
	$(PYTHON) -c "import base64, os; print('k1:' + base64.b64encode(os.urandom(32)).decode())" > $@
	chmod 600 $@

var/mqtt_password:
	mkdir -p var
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(32))" > $@
	chmod 600 $@

var/cert_signing_keys:
	mkdir -p var
	$(PYTHON) -c "import base64, os; print('c1:' + base64.b64encode(os.urandom(32)).decode())" > $@
	chmod 600 $@

var/pii_index_key:
	mkdir -p var
	$(PYTHON) -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())" > $@
	chmod 600 $@

build: $(VENV)/.synced var/secret_key var/pii_keys var/pii_index_key var/cert_signing_keys var/mqtt_password
	$(DEMO_ENV) $(LINLI) messages compile
	$(DEMO_ENV) $(LINLI) collectstatic --noinput --verbosity 0

demo: build
	$(DEMO_ENV) $(LINLI) migrate --noinput --verbosity 0
	$(DEMO_ENV) $(LINLI) seed demo
	$(DEMO_ENV) $(LINLI) devices credentials
	$(DEMO_ENV) HOST=$(HOST) PORT=$(PORT) MQTT_PORT=$(MQTT_PORT) scripts/demo-serve

lint: $(VENV)/.synced
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(TEST_ENV) $(VENV)/bin/python scripts/mypy-check

# mypy's Django plugin imports linli.settings: it runs in the test environment.
mypy: $(VENV)/.synced
	$(TEST_ENV) $(VENV)/bin/python scripts/mypy-check

mypy-baseline: $(VENV)/.synced
	$(TEST_ENV) $(VENV)/bin/python scripts/mypy-check --update

test: lint
	$(TEST_ENV) $(LINLI) messages compile
	$(TEST_ENV) $(VENV)/bin/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

test-pg: $(VENV)/.synced
	$(TEST_ENV) $(LINLI) messages compile
	$(TEST_ENV) DATABASE_URL=$${DATABASE_URL:-$(PG_URL)} $(VENV)/bin/pytest -n $(PYTEST_WORKERS) \
		$(PG_PYTEST_ARGS) $(PYTEST_ARGS)

openapi: $(VENV)/.synced
	$(TEST_ENV) $(LINLI) export_openapi_schema --api linli.api.api --indent 2 \
		--sorted --output docs/api/openapi.json

messages: $(VENV)/.synced
	$(TEST_ENV) $(LINLI) makemessages --locale zh_Hans --no-location --no-obsolete \
		--ignore '.venv/*' --ignore '.tools/*' --ignore 'var/*' --ignore 'linli/static/*'
	$(TEST_ENV) $(LINLI) messages compile

# The Mosquitto plugin (docs/deploy.md): needs gcc, mosquitto-dev and libssl-dev.
mosquitto-plugin: $(VENV)/.synced
	$(TEST_ENV) $(LINLI) devices broker-plugin --output var/mosquitto/linli_plugin.so

clean:
	rm -rf $(VENV) .tools var
