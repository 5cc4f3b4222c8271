"""GET /health/: can this web node serve? For a load balancer (docs/operations.md).

Answers JSON, without signing in, outside the warning-screen gate, never cached:

    {"status": "ok" | "degraded" | "unavailable",
     "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
     "unsent_email": {"count": 0, "oldest_age_seconds": null, "warn_after_seconds": 600}}

- 503 when the database does not answer: without it this node serves nothing. Each check is
  one trivial round trip with a short timeout (HEALTH_CHECK_TIMEOUT_SECONDS).
- The cache and the broker are reported, and one that does not answer makes the status
  "degraded", still with 200: both are shared by every node, so taking nodes out cannot help,
  and the pages still answer without them (the rate limits let requests through, mail waits in
  the outbox until the redispatch finds the broker again).
- The oldest unsent email (any status but sent and failed) is reported, and once older than
  HEALTH_UNSENT_EMAIL_WARN_SECONDS the status is "degraded", still with 200: slow mail is a
  worker or mail-server problem, and a load balancer that pulled every web node for it would turn
  late mail into no portal at all. Monitoring alerts on "degraded"; the load balancer looks only
  at the status code.
- Never an error text, host name or setting: the endpoint is public. Failures are logged with
  their cause, for the operator.
"""

import logging
import time
import uuid
from contextlib import contextmanager
from urllib.parse import urlparse

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Min
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from iacs_portal.outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)

OK, UNAVAILABLE, NOT_CONFIGURED = "ok", "unavailable", "not configured"
# Final statuses; every other status of OutgoingEmail (queued, sending) is still to be sent.
DONE_STATUSES = frozenset({"sent", "failed"})


def unsent_statuses() -> list[str]:
    return [status for status in OutgoingEmail.Status.values if status not in DONE_STATUSES]


@contextmanager
def statement_timeout(timeout: float):
    """A transaction whose statements PostgreSQL cancels after ``timeout`` seconds."""
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL statement_timeout = %s", [max(1, int(timeout * 1000))])
        yield cursor


def check_database(*, timeout: float) -> str:
    """``SELECT 1``, within the timeout."""
    try:
        with statement_timeout(timeout) as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.warning("Health check: the database does not answer", exc_info=True)
        return UNAVAILABLE
    return OK


def check_cache() -> str:
    """Write a key, read it back (the rate limits count there)."""
    key, value = f"health:{uuid.uuid4().hex}", uuid.uuid4().hex
    try:
        cache.set(key, value, timeout=30)
        read = cache.get(key)
        cache.delete(key)
    except Exception:
        logger.warning("Health check: the cache does not answer", exc_info=True)
        return UNAVAILABLE
    if read != value:
        logger.warning("Health check: the cache did not keep a value")
        return UNAVAILABLE
    return OK


def check_broker(*, url: str, timeout: float) -> str:
    """PING the Redis broker (or connect to another kind); none configured: tasks in process."""
    if not url:
        return NOT_CONFIGURED
    try:
        if urlparse(url).scheme in ("redis", "rediss"):
            import redis

            client = redis.Redis.from_url(
                url, socket_connect_timeout=timeout, socket_timeout=timeout
            )
            try:
                client.ping()
            finally:
                client.close()
        else:
            from kombu import Connection

            with Connection(url, connect_timeout=timeout) as broker:
                broker.connect()
    except Exception:
        logger.warning("Health check: the broker does not answer", exc_info=True)
        return UNAVAILABLE
    return OK


def unsent_email_summary(*, now, timeout: float) -> dict:
    """How many emails wait to be sent and the age of the oldest: one query on the index of
    (status, created_at), whose cost grows with the unsent rows only, never with the sent."""
    with statement_timeout(timeout):
        summary = OutgoingEmail.objects.filter(status__in=unsent_statuses()).aggregate(
            oldest=Min("created_at"), count=Count("id")
        )
    oldest = summary["oldest"]
    return {
        "count": summary["count"],
        "oldest_age_seconds": None if oldest is None else round((now - oldest).total_seconds()),
    }


def health_report() -> tuple[int, dict]:
    """The status code and the body of /health/."""
    timeout = settings.HEALTH_CHECK_TIMEOUT
    checks = {
        "database": check_database(timeout=timeout),
        "cache": check_cache(),
        "broker": check_broker(url=settings.CELERY_BROKER_URL, timeout=timeout),
    }
    warn_after = settings.HEALTH_UNSENT_EMAIL_WARN_SECONDS
    unsent = {"count": None, "oldest_age_seconds": None}
    if checks["database"] == OK:
        try:
            unsent = unsent_email_summary(now=timezone.now(), timeout=timeout)
        except Exception:
            logger.warning("Health check: unsent mail could not be counted", exc_info=True)
    up = checks["database"] == OK
    shared_up = all(checks[name] in (OK, NOT_CONFIGURED) for name in ("cache", "broker"))
    age = unsent["oldest_age_seconds"]
    if not up:
        status = "unavailable"
    elif not shared_up or (age is not None and age > warn_after):
        status = "degraded"
    else:
        status = "ok"
    body = {
        "status": status,
        "checks": checks,
        "unsent_email": {**unsent, "warn_after_seconds": warn_after},
    }
    return (200 if up else 503), body


@never_cache
@require_safe
@transaction.non_atomic_requests  # a database that is down must give a 503, not a 500
def health(request):
    started = time.perf_counter()
    status_code, body = health_report()
    body["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return JsonResponse(body, status=status_code)
