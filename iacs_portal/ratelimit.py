"""Per-client rate limits, counted in the default cache.

Each action (``settings.RATE_LIMITS``: registration start, the SSA check, code entry and resend,
sign-in, forgot password, forgot User ID) allows ``rate`` attempts by one client address in a
fixed window of ``window`` that starts at that client's first attempt; the attempt after the
last allowed one is refused until the window ends, and the next attempt then opens a new window.
A fixed window is one counter per client and action (``cache.add`` then ``cache.incr``, both
atomic in Redis and in the local-memory cache; with Redis both in one MULTI, one round trip),
and at worst lets through twice the rate across a window's edge, which is acceptable for limits
meant to stop automated guessing.

The client address is the audit trail's (``client_address_of``: REMOTE_ADDR, or the last entry
of the header our own proxy sets when AUDIT_TRUSTED_PROXY_HEADER names it), so a client cannot
escape the limit by sending its own X-Forwarded-For.

While the cache does not answer (Redis down), the limits fail open: the request is allowed and
a warning logged. The portal keeps answering; the account lockout, the tries of a verification
code and of the recovery answers are counted in the database and still hold (ADR 15).

A refused request is answered with ``templates/429.html`` (status 429 and Retry-After), saying
how long to wait. Views use ``RateLimitMixin`` (``rate_limited("login")`` builds one for an
action) or call ``rate_limit_response`` where only some submissions count.
"""

import logging
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.shortcuts import render

from iacs_portal.audit.middleware import client_address_of

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RateLimitDecision:
    allowed: bool
    retry_after: int  # seconds until the window ends; 0 when allowed

    @property
    def retry_after_minutes(self) -> int:
        return max(1, math.ceil(self.retry_after / 60))


def rate_limit_settings(action: str) -> tuple[int, timedelta]:
    limit = settings.RATE_LIMITS[action]
    return limit["rate"], limit["window"]


def rate_limit_hit(
    *, action: str, client: str, rate: int | None = None, window: timedelta | None = None
) -> RateLimitDecision:
    """Count one attempt of this action by this client and say whether it is allowed.

    ``rate`` and ``window`` default to the action's entry in settings.RATE_LIMITS.
    """
    if rate is None or window is None:
        configured_rate, configured_window = rate_limit_settings(action)
        rate = configured_rate if rate is None else rate
        window = configured_window if window is None else window
    try:
        return _count(action=action, client=client, rate=rate, window=window)
    except Exception:  # the cache backend's own errors (redis.ConnectionError, timeouts, ...)
        logger.warning(
            "Rate limit %s not counted: the cache does not answer; the request is allowed",
            action,
            exc_info=True,
        )
        return RateLimitDecision(allowed=True, retry_after=0)


def _count(*, action: str, client: str, rate: int, window: timedelta) -> RateLimitDecision:
    seconds = max(1, int(window.total_seconds()))
    key = f"ratelimit:{action}:{client}"
    now = time.time()
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        attempts = _count_in_redis(backend, key, seconds=seconds, now=now)
    else:
        attempts = _count_in_cache(key, seconds=seconds, now=now)
    if attempts <= rate:
        return RateLimitDecision(allowed=True, retry_after=0)
    started = cache.get(f"{key}:start", now)
    return RateLimitDecision(allowed=False, retry_after=max(1, math.ceil(started + seconds - now)))


def _count_in_cache(key: str, *, seconds: int, now: float) -> int:
    # The window starts at the first attempt; incr keeps the expiry that add set.
    if cache.add(key, 0, timeout=seconds):
        cache.set(f"{key}:start", now, timeout=seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: a new window
        cache.set(key, 1, timeout=seconds)
        cache.set(f"{key}:start", now, timeout=seconds)
        return 1


def _count_in_redis(backend: RedisCache, key: str, *, seconds: int, now: float) -> int:
    """The same count in one round trip where the cache API takes three (add, then incr, which
    asks whether the key exists first): both commands in one MULTI, so no expiry comes between
    them. The counter is the plain integer the cache API stores, under the cache's own key."""
    counter = backend.make_and_validate_key(key)
    with backend._cache.get_client(counter, write=True).pipeline() as pipeline:
        pipeline.set(counter, 0, ex=seconds, nx=True)
        pipeline.incr(counter)
        created, attempts = pipeline.execute()
    if created:
        cache.set(f"{key}:start", now, timeout=seconds)
    return attempts


def rate_limit_request(request, action: str) -> RateLimitDecision:
    return rate_limit_hit(action=action, client=client_address_of(request) or "unknown")


def too_many_requests(request, decision: RateLimitDecision):
    """The accessible 429 page: what happened and how long to wait."""
    response = render(
        request,
        "429.html",
        {"retry_after_minutes": decision.retry_after_minutes},
        status=429,
    )
    response["Retry-After"] = str(decision.retry_after)
    return response


def rate_limit_response(request, action: str):
    """None when this attempt is allowed, else the 429 response to send."""
    decision = rate_limit_request(request, action)
    return None if decision.allowed else too_many_requests(request, decision)


class RateLimitMixin:
    """Counts each request whose method is in ``rate_limit_methods`` against ``rate_limit_action``."""

    rate_limit_action: str = ""
    rate_limit_methods: tuple[str, ...] = ("POST",)

    def dispatch(self, request, *args, **kwargs):
        if request.method in self.rate_limit_methods:
            refused = rate_limit_response(request, self.rate_limit_action)
            if refused is not None:
                return refused
        return super().dispatch(request, *args, **kwargs)


def rate_limited(action: str) -> type:
    """A RateLimitMixin for one action: ``class LoginView(rate_limited("login"), ...)``."""
    return type(f"RateLimited_{action}", (RateLimitMixin,), {"rate_limit_action": action})
