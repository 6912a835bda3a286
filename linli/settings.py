"""Linli settings: one module, read from the environment (see docs/deploy.md)."""

import re
from importlib.metadata import version as package_version
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from linli.core.config import env_bool, env_int, env_list, env_str
from linli.core.private import PRIVATE_DIR, PRIVATE_FILE, private_dir

BASE_DIR = Path(__file__).resolve().parent
# The database, photos, exports, static files: this service's user only (0700).
DATA_DIR = private_dir(Path(env_str("LINLI_DATA_DIR", str(BASE_DIR.parent / "var"))))

DEBUG = env_bool("LINLI_DEBUG", False)
SECRET_KEY = env_str("LINLI_SECRET_KEY")
ALLOWED_HOSTS = env_list("LINLI_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("LINLI_CSRF_TRUSTED_ORIGINS", [])
# Behind a reverse proxy (nginx) that sets X-Forwarded-Proto/-Host/-For.
LINLI_BEHIND_PROXY = env_bool("LINLI_BEHIND_PROXY", False)
# The low-level Django admin at /django-admin/ (linli.core.admin_site): off by default.
LINLI_DJANGO_ADMIN = env_bool("LINLI_DJANGO_ADMIN", False)
if LINLI_BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True

INSTALLED_APPS = [
    "linli.core",
    "linli.regions",
    "linli.accounts",
    "linli.audit",
    "linli.registry",
    "linli.payments",
    "linli.cases",
    "linli.gridwork",
    "linli.devices",
    "linli.notices",
    "linli.alerts",
    "linli.notifications",
    "linli.exports",
    "linli.open311",
    "linli.indicators",
    "linli.screens",
    "linli.certificates",
    "linli.timebank",
    "linli.hall",
    "linli.dispatch",
    "linli.appointments",
    "linli.assessment",
    "linli.entitlements",
    "linli.homecare",
    "linli.care",
    "linli.core.admin_apps.AdminConfig",  # the Django admin, on with LINLI_DJANGO_ADMIN=1
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linli.core.static.StaticFiles",  # WhiteNoise, sync and async
    "linli.core.private.no_store",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "linli.audit.middleware.audit_context",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "linli.core.problems.MethodNotAllowedMiddleware",
]

ROOT_URLCONF = "linli.urls"
WSGI_APPLICATION = "linli.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "linli.core.navigation.navigation",
                "linli.core.views.large_text",
            ],
        },
    },
]

# Database: SQLite (WAL) on the box by default, PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'linli.sqlite3'}"),
        conn_max_age=env_int("LINLI_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    private_dir(Path(DATABASES["default"]["NAME"]).parent)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
# Covering indexes (INCLUDE) are a PostgreSQL feature; SQLite's indexes hold the row
# key anyway, so leaving the included columns out there loses nothing. A unique
# constraint whose NULLs are not distinct (refusals of no device) is PostgreSQL's too;
# on SQLite, its one writer updates before it inserts (devices/storage.py).
SILENCED_SYSTEM_CHECKS = ["models.W040", "models.W047"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["linli.accounts.backends.UsernameOrPhoneBackend"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
LINLI_LOCKOUT_ATTEMPTS = env_int("LINLI_LOCKOUT_ATTEMPTS", 5, minimum=1)
LINLI_LOCKOUT_MINUTES = env_int("LINLI_LOCKOUT_MINUTES", 15, minimum=1)
LINLI_TOKEN_MAX_DAYS = env_int("LINLI_TOKEN_MAX_DAYS", 365, minimum=1)

SESSION_COOKIE_AGE = env_int("LINLI_SESSION_HOURS", 8, minimum=1) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("LINLI_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Maps (Leaflet): a tile layer URL template such as
# "https://tiles.example.gov.cn/{z}/{x}/{y}.png" and its attribution. None by default:
# maps then show their own shapes (grids, trajectories, points) on a blank ground,
# which works on an intranet without any tile server.
# Emergency alerts (docs/alerts.md): the CAP sender of the alerts written here, and a
# CAP or Atom feed (e.g. the weather bureau's) polled every 2 minutes, none by default.
LINLI_CAP_SENDER = env_str("LINLI_CAP_SENDER", "cap@linli.example")
LINLI_CAP_FEED_URL = env_str("LINLI_CAP_FEED_URL", "")
if LINLI_CAP_FEED_URL and not LINLI_CAP_FEED_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("LINLI_CAP_FEED_URL must be an http(s) URL.")
LINLI_MAP_TILES = env_str("LINLI_MAP_TILES", "")
LINLI_MAP_ATTRIBUTION = env_str("LINLI_MAP_ATTRIBUTION", "")
if LINLI_MAP_TILES and not LINLI_MAP_TILES.startswith(("https://", "http://", "/")):
    raise ImproperlyConfigured("LINLI_MAP_TILES must be an http(s) URL template or a path.")
# The tile server's origin, allowed as an image source ({s} subdomains as a wildcard).
_TILE_ORIGINS = (
    [urlsplit(LINLI_MAP_TILES.replace("{s}", "*"))._replace(path="", query="").geturl()]
    if "//" in LINLI_MAP_TILES
    else []
)
SECURE_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:", *_TILE_ORIGINS],
    "style-src": ["'self'"],
    "script-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
}

# Personal data: AES-256-GCM keys ("id:base64", newest first, comma-separated) and
# the HMAC key of the blind indexes (base64). See linli/core/crypto.py.
LINLI_PII_KEYS = env_str("LINLI_PII_KEYS")
LINLI_PII_INDEX_KEY = env_str("LINLI_PII_INDEX_KEY")
# Electronic certificates (docs/certificates.md): the Ed25519 keys that sign them
# (`<key id>:<base64 of 32 bytes>`, comma-separated, the first signs; empty: none can be
# issued) and the font their PDF documents embed (default: the shipped WenQuanYi Micro Hei).
LINLI_CERT_SIGNING_KEYS = env_str("LINLI_CERT_SIGNING_KEYS", "")
# Failed certificate verifications a client address may make (ninja's rate syntax).
LINLI_CERT_VERIFY_FAILURES = env_str("LINLI_CERT_VERIFY_FAILURES", "20/h")
LINLI_CERT_FONT = env_str(
    "LINLI_CERT_FONT", str(BASE_DIR / "certificates" / "fonts" / "wqy-microhei.ttc")
)
# Audit trail retention in days; never below 183 (six months).
LINLI_AUDIT_RETENTION_DAYS = env_int("LINLI_AUDIT_RETENTION_DAYS", 365, minimum=183)

# Rows a page of a console list shows, and an API list gives by default (at most 100).
LINLI_PAGE_SIZE = env_int("LINLI_PAGE_SIZE", 50, minimum=10)
if LINLI_PAGE_SIZE > 100:
    raise ImproperlyConfigured("LINLI_PAGE_SIZE is at most 100.")

# The district this deployment serves (its 12-digit division code): where cases may
# be reported, whose policy (case categories, time limits) is district-wide, the
# Open311 jurisdiction. Default: the demo's, 淄博市周村区.
LINLI_DISTRICT = env_str("LINLI_DISTRICT", "370306000000")
if not re.fullmatch(r"\d{4}(?!00)\d{2}0{6}", LINLI_DISTRICT):
    raise ImproperlyConfigured(
        "LINLI_DISTRICT must be a district's 12-digit division code, e.g. 370306000000."
    )

# Cases: how long after closing a case may be reopened (else it is reported anew).
LINLI_CASE_REOPEN_DAYS = env_int("LINLI_CASE_REOPEN_DAYS", 7, minimum=0)
LINLI_PHOTO_MAX_MB = env_int("LINLI_PHOTO_MAX_MB", 10, minimum=1)
# Home services: a care worker checks in within this distance of the elder's home
# (metres; farther is refused, a check-out farther is flagged), and a visit shorter
# than this share of the item's planned minutes (percent) is flagged.
LINLI_HOMECARE_RADIUS_M = env_int("LINLI_HOMECARE_RADIUS_M", 300, minimum=50)
LINLI_HOMECARE_SHORT_PERCENT = env_int("LINLI_HOMECARE_SHORT_PERCENT", 50, minimum=1)
# Where the display screens' weather items read forecasts (linli/screens/weather.py).
# How often a screen or TV page polls for new content and alerts when no live update
# comes (seconds); it retries sooner while the server is away.
LINLI_SCREEN_POLL_S = env_int("LINLI_SCREEN_POLL_S", 30, minimum=1)
LINLI_WEATHER_SOURCE = env_str("LINLI_WEATHER_SOURCE", "linli.screens.weather.EnteredForecasts")
# Devices: the ingestion path's limits (docs/devices.md, "Ingestion" and "Storage").
# Telemetry is kept LINLI_TELEMETRY_RETENTION_DAYS (monthly partitions dropped on
# PostgreSQL); a value older than LINLI_TELEMETRY_MAX_AGE_DAYS (and never older than
# the retention) is refused, as is a payload over LINLI_TELEMETRY_MAX_PAYLOAD bytes.
LINLI_TELEMETRY_RETENTION_DAYS = env_int("LINLI_TELEMETRY_RETENTION_DAYS", 400, minimum=31)
LINLI_TELEMETRY_MAX_AGE_DAYS = env_int("LINLI_TELEMETRY_MAX_AGE_DAYS", 7, minimum=1)
LINLI_TELEMETRY_MAX_PAYLOAD = env_int("LINLI_TELEMETRY_MAX_PAYLOAD", 65536, minimum=1024)
# Per-device rate limit (a token bucket in each ingestion process): a sustained rate of
# messages a minute and a burst.
LINLI_DEVICE_MESSAGES_PER_MINUTE = env_int("LINLI_DEVICE_MESSAGES_PER_MINUTE", 120, minimum=1)
LINLI_DEVICE_BURST = env_int("LINLI_DEVICE_BURST", 30, minimum=1)
# How long an ingestion process trusts its copy of the profiles' keys (s).
LINLI_DEVICE_CONFIG_TTL = env_int("LINLI_DEVICE_CONFIG_TTL", 30, minimum=0)
# Uploaded files (case photos): served by views that check who may see them, never
# as static files.
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = PRIVATE_FILE
FILE_UPLOAD_DIRECTORY_PERMISSIONS = PRIVATE_DIR

# Language and time
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

# Static files: vendored assets only, served by WhiteNoise.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MANIFEST_STATIC = env_bool("LINLI_MANIFEST_STATIC", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if MANIFEST_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without collected, hashed files (development, tests), serve straight from the sources.
WHITENOISE_USE_FINDERS = not MANIFEST_STATIC

# Background work: django.tasks, database backend in-process by default.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Working time, for time limits counted in working hours (holidays and make-up
# working days are calendar days in the database: linli.core.workdays).
LINLI_WORK_HOURS = env_str("LINLI_WORK_HOURS", "08:30-12:00,13:30-17:30")
LINLI_WORK_WEEKDAYS = env_list("LINLI_WORK_WEEKDAYS", ["mon", "tue", "wed", "thu", "fri"])

# Notifications: the console's notification centre always; these senders (outbound channels)
# too (email; an SMS gateway plugs in later). Email goes through SMTP when
# LINLI_SMTP_HOST is set (else, if asked for, to the log: titles and links only).
# Email by default only where there is an SMTP server to send it through.
LINLI_NOTIFY_SENDERS = env_list(
    "LINLI_NOTIFY_SENDERS", ["email"] if env_str("LINLI_SMTP_HOST", "") else []
)
LINLI_SITE_URL = env_str("LINLI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Payments (docs/payments.md): the provider in use, by its code ("demo": the simulated
# provider, which moves no money); the demo provider's signing key (else one derived
# from LINLI_SECRET_KEY).
LINLI_PAYMENT_PROVIDER = env_str("LINLI_PAYMENT_PROVIDER", "demo")
if not re.fullmatch(r"[a-z][a-z0-9_]{0,19}", LINLI_PAYMENT_PROVIDER):
    raise ImproperlyConfigured(
        "LINLI_PAYMENT_PROVIDER must be a provider's code (e.g. demo), "
        f"not {LINLI_PAYMENT_PROVIDER!r}."
    )
LINLI_PAYMENT_DEMO_SECRET = env_str("LINLI_PAYMENT_DEMO_SECRET", "")
# An order unpaid this long is closed (the payable can be paid again with a new one).
LINLI_PAYMENT_UNPAID_HOURS = env_int("LINLI_PAYMENT_UNPAID_HOURS", 24, minimum=1)
# Text messages (verification codes for residents who report without an account):
# a dotted path to a backend class (linli/core/sms.py). The default logs messages
# instead of sending them.
LINLI_SMS_BACKEND = env_str("LINLI_SMS_BACKEND", "linli.core.sms.LogBackend")
DEFAULT_FROM_EMAIL = env_str("LINLI_EMAIL_FROM", "linli@localhost")
if env_str("LINLI_SMTP_HOST", ""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env_str("LINLI_SMTP_HOST"),
                "port": env_int("LINLI_SMTP_PORT", 587, minimum=1),
                "username": env_str("LINLI_SMTP_USER", ""),
                "password": env_str("LINLI_SMTP_PASSWORD", ""),
                "use_tls": env_bool("LINLI_SMTP_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Devices' MQTT (docs/devices.md "MQTT", docs/deploy.md): the broker the ingestion
# workers (`linli devices ingest`) and the simulator connect to; the workers' user
# name and password (the broker plugin knows the password's digest only); the
# credentials file Linli rewrites after each token change (digests of device
# tokens for the broker plugin; empty: none written).
LINLI_MQTT_HOST = env_str("LINLI_MQTT_HOST", "127.0.0.1")
LINLI_MQTT_PORT = env_int("LINLI_MQTT_PORT", 1883, minimum=1)
LINLI_MQTT_USERNAME = env_str("LINLI_MQTT_USERNAME", "linli-ingest")
LINLI_MQTT_PASSWORD = env_str("LINLI_MQTT_PASSWORD", "")
LINLI_MQTT_CREDENTIALS_FILE = env_str("LINLI_MQTT_CREDENTIALS_FILE", "")
# The secret an EMQX cluster sends with its authentication and authorisation calls
# (linli/devices/emqx_api.py); empty: those endpoints answer 404.
LINLI_EMQX_SECRET = env_str("LINLI_EMQX_SECRET", "")

# Live updates (linli.core.live, ADR 0019): Redis pub/sub across processes when
# LINLI_REDIS_URL is set (redis://, rediss:// or unix://), else a table that one poller
# in each web process reads every LINLI_LIVE_POLL_MS; a stream's heartbeat, its lifetime
# before the client is asked to reconnect, how long a long-poll waits, and how many
# streams one web process holds.
LINLI_REDIS_URL = env_str("LINLI_REDIS_URL", "")
if LINLI_REDIS_URL and not LINLI_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("LINLI_REDIS_URL must start with redis://, rediss:// or unix://.")
LINLI_LIVE_POLL_MS = env_int("LINLI_LIVE_POLL_MS", 250, minimum=20)
LINLI_LIVE_HEARTBEAT = env_int("LINLI_LIVE_HEARTBEAT", 15, minimum=1)
LINLI_LIVE_MAX_AGE = env_int("LINLI_LIVE_MAX_AGE", 1800, minimum=10)
LINLI_LIVE_LONG_POLL = env_int("LINLI_LIVE_LONG_POLL", 25, minimum=1)
LINLI_LIVE_MAX_CLIENTS = env_int("LINLI_LIVE_MAX_CLIENTS", 5000, minimum=1)

# API
NINJA_PAGINATION_CLASS = "linli.core.pagination.PagePagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LINLI_LOG_LEVEL", "INFO")},
    # fontTools narrates every subset of a certificate's font at INFO (certificates/pdf.py)
    "loggers": {"fontTools": {"level": "WARNING"}},
}

VERSION = package_version("linli")
