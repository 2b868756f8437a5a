"""The one settings module. Every deployment difference is an environment variable."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from csp import constants as csp

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src" / "continuity"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("CONTINUITY_DEBUG", False)
SECRET_KEY = os.environ.get(
    "CONTINUITY_SECRET_KEY",
    # Only good for the local demo and tests; production must set its own.
    "insecure-demo-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz",
)
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("CONTINUITY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "django_tasks_db",
    "continuity.core",
    "continuity.accounts",
    "continuity.organisations",
    "continuity.geography",
    "continuity.workforce",
    "continuity.pregnancies",
    "continuity.caseloads",
    "continuity.portal",
    "continuity.notifications",
    "continuity.allocation",
    "continuity.cover",
    "continuity.visits",
    "continuity.assurance",
    "continuity.plans",
    "continuity.concerns",
    "continuity.referrals",
    "continuity.feedback",
    "continuity.planning",
    "continuity.governance",
    "continuity.api",
    "continuity.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and sign-in middleware, whose database reads can be the first to fail.
    "continuity.core.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "continuity.core.middleware.RefuseUnusedMethodsMiddleware",
    "continuity.core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "continuity.core.middleware.AbsoluteSessionLimitMiddleware",
    "continuity.core.middleware.NoStoreMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:start"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

ROOT_URLCONF = "continuity.config.urls"
WSGI_APPLICATION = "continuity.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "continuity.config.jinja2.environment"},
    },
    {
        # Django's own templates (admin) stay on the Django engine.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

# Embedded SQLite by default so `make run` needs no server; PostgreSQL via DATABASE_URL.
# Health checks: a kept-alive connection is checked before each request reuses it, so after a
# database restart the app reconnects by itself (continuity.core.outage answers 503 meanwhile).
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'continuity.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONTINUITY_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/London"  # shown; stored in UTC (USE_TZ)

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [SRC_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Sessions: 15 minutes idle, 12 hours absolute (the absolute limit is enforced in middleware).
SESSION_COOKIE_AGE = int(os.environ.get("CONTINUITY_SESSION_IDLE_SECONDS", str(15 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
CONTINUITY_SESSION_ABSOLUTE_SECONDS = int(
    os.environ.get("CONTINUITY_SESSION_ABSOLUTE_SECONDS", str(12 * 60 * 60))
)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("CONTINUITY_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("CONTINUITY_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("CONTINUITY_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("CONTINUITY_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("CONTINUITY_HSTS_PRELOAD", False)

# Content Security Policy (django-csp): our own origin only; the one inline script (the NHS.UK
# template's "js-enabled" line) carries the request's nonce; fonts also from the NHS's own asset
# host, as the NHS.UK frontend's stylesheet asks; no framing by anyone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF, "https://assets.nhs.uk"],  # the NHS.UK frontend's Frutiger
        "connect-src": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "base-uri": [csp.NONE],
        "object-src": [csp.NONE],
    }
}

PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if env_bool("CONTINUITY_FAST_PASSWORD_HASHER", False)
    else [
        "continuity.accounts.hashers.Argon2idPasswordHasher",
        # Hashes stored before ADR 0032 still verify, and are re-hashed at the next sign-in.
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Policy settings: data, not code. Later capabilities read these.
CONTINUITY = {
    # Where women's sign-in and feedback links point: the service's public https address.
    "PUBLIC_URL": os.environ.get("CONTINUITY_PUBLIC_URL", "http://127.0.0.1:8000"),
    "TARGET_ON_PATHWAY_PERCENT": 35,
    # Concerns: acknowledge within 2 working days, respond within 25; a concern received after
    # the cut-off (local time) counts from the next working day.
    "CONCERNS": {"acknowledge_days": 2, "respond_days": 25, "cutoff": "17:00"},
    # The action plan's monthly review: a month's review is due by this day of the next month;
    # the maternity voices partnership's comments are answered within `respond_days` working days.
    "GOVERNANCE": {"review_due_day": 25, "respond_days": 20, "cutoff": "17:00"},
    "TARGET_PRIORITY_GROUPS_PERCENT": 75,
    "BIRTHS_PER_WTE_PER_YEAR": 36,
    "MAX_ACTIVE_CASELOAD": 60,
    "ROUNDING": "msds",
    # Allocation policy (continuity.engines.allocation.Policy): any of its fields may be set here.
    # Core20 and Black, Asian and minority ethnic women come first when places are short.
    "ALLOCATION": {
        "max_births_per_month": 4,
        "max_births_per_fortnight": 2,
        "buddy_max_per_month": 4,
        "leave_buffer_days": 14,
        "priority_weights": {"core20": 1.0, "bame": 1.0},
    },
    # Processes a planning scenario's replications run in (the answer never depends on it).
    "SIMULATION_WORKERS": int(os.environ.get("CONTINUITY_SIMULATION_WORKERS", "2")),
    "DEMO_PASSWORD": os.environ.get("CONTINUITY_DEMO_PASSWORD", "continuity-demo"),
}

# Background work (ADR 0007): django-tasks with the database backend, run by `continuity worker`.
# "immediate" runs each task in-process as it is enqueued (tests; a demo without a worker).
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
CONTINUITY_TASKS_BACKEND = os.environ.get("CONTINUITY_TASKS_BACKEND", "database").strip()
if CONTINUITY_TASKS_BACKEND not in _TASK_BACKENDS:
    raise ValueError(
        f"CONTINUITY_TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, "
        f"not {CONTINUITY_TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[CONTINUITY_TASKS_BACKEND]}}

# Messages to women (continuity.notifications). "console" prints one line per message with no
# personal data; "file:/path/to/dir" writes each rendered message to a file; "notify" sends
# through GOV.UK Notify. After the queueing transaction commits a delivery task is enqueued
# (unless CONTINUITY_NOTIFY_ON_COMMIT is off); `send_notifications` sends whatever is still due.
CONTINUITY_NOTIFIER = os.environ.get("CONTINUITY_NOTIFIER", "console")
CONTINUITY_NOTIFY_ON_COMMIT = env_bool("CONTINUITY_NOTIFY_ON_COMMIT", True)
# GOV.UK Notify (CONTINUITY_NOTIFIER="notify"): the API key, the API's base URL (a fake on
# loopback in tests), Notify template ids as JSON {"<catalogue key>": {"sms": id, "email": id}},
# and how long to wait for each request.
CONTINUITY_NOTIFY_API_KEY = os.environ.get("CONTINUITY_NOTIFY_API_KEY", "")
CONTINUITY_NOTIFY_BASE_URL = os.environ.get(
    "CONTINUITY_NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk"
)
CONTINUITY_NOTIFY_TEMPLATES = json.loads(os.environ.get("CONTINUITY_NOTIFY_TEMPLATES") or "{}")
CONTINUITY_NOTIFY_TIMEOUT_SECONDS = float(os.environ.get("CONTINUITY_NOTIFY_TIMEOUT_SECONDS", "10"))
# Delivery, whatever the notifier: how many attempts before a message is failed, the backoff
# before a retry (the first waits 15-30 s, doubling up to at most an hour, with jitter), and the
# lease a worker holds while sending. The lease must be well over the Notify timeout: a message
# still `sending` when its lease lapses is taken over (after asking Notify by reference).
CONTINUITY_MESSAGE_MAX_ATTEMPTS = int(os.environ.get("CONTINUITY_MESSAGE_MAX_ATTEMPTS", "8"))
CONTINUITY_MESSAGE_BACKOFF_SECONDS = float(
    os.environ.get("CONTINUITY_MESSAGE_BACKOFF_SECONDS", "30")
)
CONTINUITY_MESSAGE_BACKOFF_MAX_SECONDS = float(
    os.environ.get("CONTINUITY_MESSAGE_BACKOFF_MAX_SECONDS", "3600")
)
CONTINUITY_MESSAGE_LEASE_SECONDS = float(os.environ.get("CONTINUITY_MESSAGE_LEASE_SECONDS", "300"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CONTINUITY_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request lines carry paths only (no personal data is ever in a path or query string).
        "django.server": {"level": "INFO"},
        # notifications-python-client's warnings quote Notify's error text, which could repeat
        # what was sent; the adapter logs the status code itself.
        "notifications_python_client": {"level": "ERROR"},
    },
}

# NHS login for women (an OpenID Connect hook; see continuity/portal/nhs_login.py). Offered only
# when every value is set: issuer, client id and secret, and the three endpoints.
CONTINUITY_NHS_LOGIN = (
    {
        "issuer": os.environ["CONTINUITY_NHS_LOGIN_ISSUER"],
        "client_id": os.environ.get("CONTINUITY_NHS_LOGIN_CLIENT_ID", ""),
        "client_secret": os.environ.get("CONTINUITY_NHS_LOGIN_CLIENT_SECRET", ""),
        "authorize_url": os.environ.get("CONTINUITY_NHS_LOGIN_AUTHORIZE_URL", ""),
        "token_url": os.environ.get("CONTINUITY_NHS_LOGIN_TOKEN_URL", ""),
        "userinfo_url": os.environ.get("CONTINUITY_NHS_LOGIN_USERINFO_URL", ""),
    }
    if os.environ.get("CONTINUITY_NHS_LOGIN_ISSUER")
    else None
)
