"""Production: every secret and service from the environment, HTTPS, nothing in one process.

Runs as docs/operations.md describes: gunicorn web nodes behind a load balancer that polls
/health/, Celery workers, exactly one Celery beat, the migrations as a release step before new
code serves. A missing or unfit variable stops the start with ImproperlyConfigured naming it.
"""

from pathlib import Path
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import LOG_LEVEL, POSTGRESQL_ENGINE, STATIC_ROOT, env, logging_settings


def required(name: str, example: str) -> str:
    value = env(name, default="")
    if not value:
        raise ImproperlyConfigured(f"{name} is required in production, e.g. {name}={example}")
    return value


def required_list(name: str, example: str) -> list[str]:
    return [item.strip() for item in required(name, example).split(",") if item.strip()]


SECRET_KEY = required("SECRET_KEY", "<50 random characters>")
# Rotation (docs/operations.md): the previous keys, still accepted for signed values (sessions,
# reset links) until removed, so that a new SECRET_KEY signs nobody out.
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])
SSN_DIGEST_KEY = required("SSN_DIGEST_KEY", "<50 random characters, not SECRET_KEY>")
# ADR 10: no derived default in production; comma-separated Fernet keys, the first encrypts.
FIELD_ENCRYPTION_KEYS = required_list("FIELD_ENCRYPTION_KEYS", "<new Fernet key>,<old key>")
# Emailed links (the password reset link) point here: the address users reach the portal at.
PORTAL_BASE_URL = required("PORTAL_BASE_URL", "https://iacs.example.gov")
ALLOWED_HOSTS = required_list("ALLOWED_HOSTS", "iacs.example.gov")
DEBUG = False
OUTBOX_PAGE_ENABLED = False

# PostgreSQL, with connections kept between requests and checked before reuse.
DATABASES = {
    "default": env.db_url_config(
        required("DATABASE_URL", "postgres://iacs:<password>@db.internal:5432/iacs")
    )
}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must be a postgres:// URL in production")
DATABASES["default"]["ENGINE"] = POSTGRESQL_ENGINE  # base.py's: BEGIN with the first statement
DATABASES["default"].update(
    ATOMIC_REQUESTS=True,
    CONN_MAX_AGE=env.int("DATABASE_CONN_MAX_AGE", default=60),
    CONN_HEALTH_CHECKS=True,
)
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["OPTIONS"].setdefault(
    "connect_timeout", env.int("DATABASE_CONNECT_TIMEOUT", default=5)
)

# The rate limits count in the cache: every web process on every machine must share it, so a
# cache kept in one process's memory (or one machine's files) is refused. Django's own Redis
# backend (with one Redis client kept per pool, iacs_portal.cache), with short socket timeouts
# so that a Redis outage fails fast instead of hanging.
_cache_url = required("CACHE_URL", "redis://redis.internal:6379/1")
if urlparse(_cache_url).scheme not in ("redis", "rediss"):
    raise ImproperlyConfigured(
        f"CACHE_URL must be a redis:// or rediss:// URL in production, not "
        f"{urlparse(_cache_url).scheme}://...: the rate limits count in the cache, and a cache "
        "in one process's memory or on one machine would let each web process count on its own"
    )
_cache_timeout = env.float("CACHE_SOCKET_TIMEOUT_SECONDS", default=2.0)
CACHES = {
    "default": {
        "BACKEND": "iacs_portal.cache.RedisCache",
        "LOCATION": _cache_url,
        "OPTIONS": {"socket_connect_timeout": _cache_timeout, "socket_timeout": _cache_timeout},
    }
}

# Celery: a broker is required; nothing runs in process.
CELERY_BROKER_URL = required("CELERY_BROKER_URL", "redis://redis.internal:6379/0")
CELERY_TASK_ALWAYS_EAGER = False

# Real mail (EMAIL_URL or EMAIL_HOST, base.py): files on one web node would be mail lost.
if not (env("EMAIL_URL", default="") or env("EMAIL_HOST", default="")):
    raise ImproperlyConfigured(
        "Production sends real mail: set EMAIL_URL (e.g. smtp+tls://user:password@mail:587) "
        "or EMAIL_HOST"
    )

# HTTPS. A local run over http://127.0.0.1 (make prod) sets SECURE_SSL_REDIRECT=false; its
# cookies stay Secure, which Chromium accepts from http://127.0.0.1 and http://localhost (the
# browser test signs in that way). For a browser that refuses them there, and only for such a
# local run, COOKIES_SECURE=false.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# The load balancer asks over plain HTTP: /health/ answers it instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("COOKIES_SECURE", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Static files: collected at release (collectstatic), served compressed by whitenoise.
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(STATIC_ROOT)))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # whitenoise's CompressedManifestStaticFilesStorage, each URL worked out once a process
    "staticfiles": {"BACKEND": "iacs_portal.static_storage.StaticFilesStorage"},
}

# One JSON object per log line, for the log collector (iacs_portal.logs).
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING = logging_settings(LOG_FORMAT, LOG_LEVEL)
