"""Django settings for Shian.

Everything that differs between the embedded default (SQLite, in-process jobs) and a
production deployment (PostgreSQL, Celery on Redis/RabbitMQ, gunicorn) is read from the
environment; see docs/operations.md for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("SHIAN_VAR_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool) -> bool:
    """Read a boolean environment variable ("1", "true", "yes" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("SHIAN_DEBUG", False)
SECRET_KEY = os.environ.get("SHIAN_SECRET_KEY", "")
if not SECRET_KEY:
    # The embedded default generates one key per installation and keeps it under var/.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = [h for h in os.environ.get("SHIAN_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SHIAN_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",
    "shian.core",
    "shian.accounts",
    "shian.registry",
    "shian.trace",
    "shian.demo",
    "shian.epcis",
    "shian.certificates",
    "shian.coldchain",
    "shian.risk",
    "shian.rectification",
    "shian.inspection",
    "shian.sampling",
    "shian.credit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "shian.core.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shian.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shian.core.middleware.AuditActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "shian.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "shian.urls"
WSGI_APPLICATION = "shian.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shian.core.context_processors.principal",
            ],
        },
    }
]

# Database: DATABASE_URL selects it; the embedded default is an SQLite file under ./var/.
DEFAULT_SQLITE = f"sqlite:///{VAR_DIR / 'shian.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", DEFAULT_SQLITE), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + busy timeout + IMMEDIATE transactions: concurrent requests wait instead of failing.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SHIAN_SQLITE_TEST_NAME") or None}
else:
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.environ.get("SHIAN_PG_TEST_NAME", "test_shian")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling (django-axes): lock a username+IP pair after 5 failures for 15 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("SHIAN_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind a reverse proxy the client address comes from X-Forwarded-For (see core.middleware.client_ip).
AXES_CLIENT_IP_CALLABLE = "shian.core.middleware.client_ip"

# Sessions, cookies and headers.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SESSION_COOKIE_SECURE = env_bool("SHIAN_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = int(os.environ.get("SHIAN_HSTS_SECONDS", "0"))
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SHIAN_BEHIND_PROXY", False) else None
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
SHIAN_IMPORT_MAX_BYTES = int(os.environ.get("SHIAN_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Traceability documents (licences, invoices, certificates): largest upload.
SHIAN_DOCUMENT_MAX_BYTES = int(os.environ.get("SHIAN_DOCUMENT_MAX_BYTES", str(10 * 1024 * 1024)))
# Inbound-verification rules switched off (keys from shian/trace/rules.py), comma-separated.
SHIAN_TRACE_DISABLED_RULES = tuple(r for r in os.environ.get("SHIAN_TRACE_DISABLED_RULES", "").split(",") if r)
# EPCIS capture limits (GS1-EPCIS-Capture-File-Size-Limit / GS1-EPCIS-Capture-Limit).
SHIAN_EPCIS_MAX_BYTES = int(os.environ.get("SHIAN_EPCIS_MAX_BYTES", str(20 * 1024 * 1024)))
SHIAN_EPCIS_MAX_EVENTS = int(os.environ.get("SHIAN_EPCIS_MAX_EVENTS", "50000"))

# Consumer QR page: seconds a lot's rendered page is cached (0: off), and the resolver host printed in QR labels
# (default: the request's host).
SHIAN_CONSUMER_CACHE_SECONDS = int(os.environ.get("SHIAN_CONSUMER_CACHE_SECONDS", "60"))
SHIAN_RESOLVER_BASE = os.environ.get("SHIAN_RESOLVER_BASE", "")
# Produce-certificate entry-check rules switched off (keys from shian/certificates/rules.py), comma-separated.
SHIAN_CERTIFICATE_DISABLED_RULES = tuple(r for r in os.environ.get("SHIAN_CERTIFICATE_DISABLED_RULES", "").split(",") if r)

# The in-process cache holds a few thousand entries per worker (consumer pages); production uses Redis.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "OPTIONS": {"MAX_ENTRIES": 5000}}}
if os.environ.get("SHIAN_REDIS_CACHE_URL"):
    CACHES["default"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["SHIAN_REDIS_CACHE_URL"]}

# Background jobs: "inline" runs in-process (embedded default); "celery" sends to workers.
SHIAN_JOB_BACKEND = os.environ.get("SHIAN_JOB_BACKEND", "inline")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SHIAN_LOG_LEVEL", "WARNING")},
}
