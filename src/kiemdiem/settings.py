"""Django settings for Kiểm điểm.

Configuration follows the usual conventions:
- ``DATABASE_URL`` selects the database (default: SQLite file in the data folder);
- ``KIEMDIEM_DATA_DIR`` is the data folder (default: ``./data`` of the current directory, never inside
  the package);
- ``KIEMDIEM_SECRET_KEY`` / ``KIEMDIEM_DEBUG`` / ``KIEMDIEM_ALLOWED_HOSTS`` for deployments.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KIEMDIEM_DATA_DIR", Path.cwd() / "data")).resolve()


def _secret_key() -> str:
    key = os.environ.get("KIEMDIEM_SECRET_KEY")
    if key:
        return key
    # A per-installation key kept in the data folder, so sessions survive restarts of the demo.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("KIEMDIEM_DEBUG", "0") == "1"
ALLOWED_HOSTS = os.environ.get("KIEMDIEM_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "kiemdiem.organizations",
    "kiemdiem.members",
    "kiemdiem.accounts",
    "kiemdiem.web",
    "kiemdiem.api",
    "kiemdiem.audit",
    "kiemdiem.plans",
    "kiemdiem.reviews",
    "kiemdiem.decisions",
    "kiemdiem.documents",
    "kiemdiem.reports",
    "kiemdiem.demo",
    "kiemdiem.synth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kiemdiem.web.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kiemdiem.web.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "kiemdiem.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kiemdiem.web.context.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "kiemdiem.wsgi.application"

_default_db = f"sqlite:///{DATA_DIR / 'kiemdiem.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )

# Read replica for reports (docs/deployment.md): DATABASE_REPLICA_URL adds the "replica" alias.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"], conn_max_age=60)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kiemdiem.lib.dbrouter.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login throttling: failed attempts per username+IP in a sliding window (see accounts/throttle.py).
LOGIN_MAX_FAILURES = int(os.environ.get("KIEMDIEM_LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCK_SECONDS = int(os.environ.get("KIEMDIEM_LOGIN_LOCK_SECONDS", "300"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = os.environ.get("KIEMDIEM_SECURE_COOKIES", "0") == "1"
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
# Served over HTTPS only (docs/deployment.md): tell browsers so, and send plain HTTP to HTTPS.
SECURE_HSTS_SECONDS = int(os.environ.get("KIEMDIEM_HSTS_SECONDS", "0"))
SECURE_SSL_REDIRECT = os.environ.get("KIEMDIEM_SSL_REDIRECT", "0") == "1"
# Whether every sub-domain is HTTPS-only too, or the domain goes on browsers' preload list, is the
# domain owner's decision (a ward's system usually sits under a province's domain): off unless set,
# and then `check --deploy` is not asked to warn about it.
SECURE_HSTS_INCLUDE_SUBDOMAINS = os.environ.get("KIEMDIEM_HSTS_INCLUDE_SUBDOMAINS", "0") == "1"
SECURE_HSTS_PRELOAD = os.environ.get("KIEMDIEM_HSTS_PRELOAD", "0") == "1"
SILENCED_SYSTEM_CHECKS = [
    check
    for check, chosen in (("security.W005", SECURE_HSTS_INCLUDE_SUBDOMAINS), ("security.W021", SECURE_HSTS_PRELOAD))
    if not chosen
]
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto (only when the proxy sets it and strips
# it from clients), so that a request that reached the proxy over HTTPS is known to be secure.
if os.environ.get("KIEMDIEM_BEHIND_TLS_PROXY", "0") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("KIEMDIEM_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# The demo's clock (dd/mm/yyyy or yyyy-mm-dd): deadlines and progress are computed as of this date.
KIEMDIEM_TODAY = None
if os.environ.get("KIEMDIEM_TODAY"):
    import datetime as _dt

    _raw = os.environ["KIEMDIEM_TODAY"]
    KIEMDIEM_TODAY = _dt.datetime.strptime(_raw, "%d/%m/%Y" if "/" in _raw else "%Y-%m-%d").date()

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Without REDIS_URL: a per-process cache and sessions in the database (one process: the demo, tests).
# With REDIS_URL (several gunicorn workers, docs/deployment.md): one cache shared by every worker, so
# login throttling counts across workers, and sessions read from Redis, written through to the database.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Without KIEMDIEM_JOB_QUEUE_URL: long jobs (imports, batches of documents) run in a thread of the web
# worker. With it (e.g. redis://127.0.0.1:6379/3): on the RQ queue "kiemdiem", run by `kiemdiem worker`.
JOB_QUEUE_URL = os.environ.get("KIEMDIEM_JOB_QUEUE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KIEMDIEM_LOG_LEVEL", "WARNING")},
}
