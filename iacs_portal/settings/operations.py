"""Production run (issue 7): sessions, request ids, logs, health.

Shared by every environment; production.py changes only the defaults it names. The variables
are in docs/operations.md, the choices in docs/decisions/0015-production-run.md.
"""

from .environment import env

# Sessions are rows in the database, which every web process on every machine shares; a cache
# restart signs nobody out. (The cache, CACHE_URL above, must be shared too in production.)
SESSION_ENGINE = "accounts.session_store"

# The request id (django-guid): an incoming X-Request-ID that is a UUID is kept, anything else is
# replaced; the response echoes it; every log line and the Celery tasks a request queues carry it.
DJANGO_GUID = {
    "GUID_HEADER_NAME": "X-Request-ID",
    "VALIDATE_GUID": True,
    "RETURN_HEADER": True,
    "EXPOSE_HEADER": False,
    "INTEGRATIONS": [],  # the Celery hand-over is ours (iacs_portal.logs), see ADR 15
}
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
# "text" for people (development), "json" for a log collector (production's default).
LOG_FORMAT = env("LOG_FORMAT", default="text")
# Paths whose rest is a secret (the emailed reset link's token): logged as the prefix only.
LOG_REDACTED_PATH_PREFIXES = ["/recover/password/link/"]


def logging_settings(log_format: str, level: str) -> dict:
    """Every record through one handler on the root logger, with the request id (iacs_portal.logs)."""
    from django.core.exceptions import ImproperlyConfigured

    if log_format not in ("text", "json"):
        raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "iacs_portal.logs.RequestContextFilter"}},
        "formatters": {
            "json": {"()": "iacs_portal.logs.JsonFormatter"},
            "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": log_format,
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # django-guid says at INFO, for every request, whether the header came.
        "loggers": {"django_guid": {"level": "WARNING"}},
    }


LOGGING = logging_settings(LOG_FORMAT, LOG_LEVEL)

# GET /health/ (iacs_portal.health): each check's timeout, and the age of the oldest unsent email
# past which the answer says "degraded" (still 200).
HEALTH_CHECK_TIMEOUT = env.float("HEALTH_CHECK_TIMEOUT_SECONDS", default=2.0)
HEALTH_UNSENT_EMAIL_WARN_SECONDS = env.int("HEALTH_UNSENT_EMAIL_WARN_SECONDS", default=600)
