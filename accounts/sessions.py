"""Signed-in sessions end after SESSION_IDLE_TIMEOUT without activity and after
SESSION_ABSOLUTE_TIMEOUT in all (SPEC 9), enforced here on the server.

Sign-in (any, the admin's too: the ``user_logged_in`` signal) records its time and the last
activity in the session. Every later request by the signed-in user is activity, except static
files and the page's own status poll; the "Stay signed in" button posts to the keep-alive, which
is activity because the person chose it. Nothing extends a session past the absolute limit.
An expired session is logged out (the session row is deleted) and the person is sent to the
login page with a message saying why. Responses to signed-in users are never stored by a cache
or the browser (Cache-Control: no-store).

``static/js/session-timeout.js`` warns SESSION_WARNING_BEFORE the end; it reads the numbers from
``<body data-session-*>`` (``session_timeout`` context processor).
"""

import math
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET, require_POST

from .middleware import PORTAL_ENTERED_SESSION_KEY, safe_next_url

SIGNED_IN_AT_KEY = "session_signed_in_at"
LAST_ACTIVITY_KEY = "session_last_activity"

# Requests that are not the person doing something: files, and the page asking how long is left.
_NOT_ACTIVITY_PREFIXES = ("/static/", "/favicon.ico")


def _minutes(seconds: float) -> str:
    if seconds < 60:  # only when a site (or a test) sets so short a timeout
        whole = round(seconds)
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = round(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def _hours(seconds: float) -> str:
    hours = round(seconds / 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def idle_message() -> str:
    idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
    return f"You were signed out after {_minutes(idle)} without activity. Log in again to continue."


def absolute_message() -> str:
    limit = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    return (
        f"You were signed out because you had been signed in for {_hours(limit)}, the longest "
        "one sign-in may last. Log in again to continue."
    )


@receiver(user_logged_in)
def session_record_sign_in(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_ACTIVITY_KEY] = now


def session_seconds_left(session, *, now: float | None = None) -> float:
    """Seconds until this signed-in session ends, idle or absolute limit, whichever is first."""
    now = time.time() if now is None else now
    signed_in = session.get(SIGNED_IN_AT_KEY, now)
    last = session.get(LAST_ACTIVITY_KEY, now)
    idle_end = last + settings.SESSION_IDLE_TIMEOUT.total_seconds()
    absolute_end = signed_in + settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
    return min(idle_end, absolute_end) - now


def _expiry_reason(session, now: float) -> str | None:
    signed_in = session.get(SIGNED_IN_AT_KEY)
    last = session.get(LAST_ACTIVITY_KEY)
    if signed_in is None or last is None:
        return None
    if now - signed_in >= settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds():
        return absolute_message()
    if now - last >= settings.SESSION_IDLE_TIMEOUT.total_seconds():
        return idle_message()
    return None


def _is_poll(request) -> bool:
    """The page's own timer asking, not the person acting: never counted as activity."""
    return request.path in (reverse("accounts:session_status"), reverse("accounts:session_ended"))


class SessionTimeoutMiddleware:
    """Ends signed-in sessions at the idle and absolute limits; no-store for signed-in pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            session = request.session
            if SIGNED_IN_AT_KEY not in session or LAST_ACTIVITY_KEY not in session:
                # A session from before these limits existed: its clocks start now.
                session.setdefault(SIGNED_IN_AT_KEY, now)
                session.setdefault(LAST_ACTIVITY_KEY, now)
            reason = _expiry_reason(session, now)
            if reason is not None:
                return self._sign_out(request, reason)
            if not request.path.startswith(_NOT_ACTIVITY_PREFIXES) and not _is_poll(request):
                session[LAST_ACTIVITY_KEY] = now
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response

    def _sign_out(self, request, reason: str):
        logout(request)  # flushes the session: the old key no longer exists on the server
        # They already chose to enter from the warning screen in this browser.
        request.session[PORTAL_ENTERED_SESSION_KEY] = True
        messages.warning(request, reason)
        if request.path in (
            reverse("accounts:session_status"),
            reverse("accounts:session_keepalive"),
        ):
            return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
        return _to_login(request)


def _to_login(request):
    login_url = reverse("accounts:login")
    if request.path == reverse("accounts:session_ended"):
        next_url = safe_next_url(request, "")
    else:
        next_url = request.get_full_path() if request.method == "GET" else ""
    if next_url:
        login_url = f"{login_url}?{urlencode({'next': next_url})}"
    response = redirect(login_url)
    add_never_cache_headers(response)
    return response


def _seconds_left_response(request):
    if not request.user.is_authenticated:
        return JsonResponse({"signed_in": False, "seconds_left": 0}, status=401)
    left = max(0, math.ceil(session_seconds_left(request.session)))
    response = JsonResponse({"signed_in": True, "seconds_left": left})
    add_never_cache_headers(response)
    return response


@require_GET
def session_status(request):
    """How long this session has left; asking is not activity (the middleware skips it)."""
    return _seconds_left_response(request)


@require_POST
def session_keepalive(request):
    """ "Stay signed in": the middleware has counted this request as activity. CSRF-protected.

    The idle timer restarts; the absolute limit does not move, so near it less time is left.
    """
    return _seconds_left_response(request)


# The warning's countdown may reach zero a moment before the server's clock does.
ENDED_GRACE_SECONDS = 5


@require_GET
def session_ended(request):
    """Where the warning sends the page when its countdown ends (not activity).

    The middleware has already signed out an expired session. If a moment is still left on the
    server's clock, the person saw the countdown end: sign out now with the same message. If
    much is left, another tab was active: go back to the page.
    """
    if request.user.is_authenticated:
        if session_seconds_left(request.session) > ENDED_GRACE_SECONDS:
            return redirect(safe_next_url(request, reverse("accounts:my_profile")))
        logout(request)
        request.session[PORTAL_ENTERED_SESSION_KEY] = True
        messages.warning(request, idle_message())
    return _to_login(request)


def session_timeout(request) -> dict:
    """Context processor: what session-timeout.js needs, for signed-in users only."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not hasattr(request, "session"):
        return {}
    return {
        "session_timeout": {
            "seconds_left": max(0, math.ceil(session_seconds_left(request.session))),
            "warning_seconds": int(settings.SESSION_WARNING_BEFORE.total_seconds()),
            "idle_minutes": round(settings.SESSION_IDLE_TIMEOUT.total_seconds() / 60),
        }
    }


def user_sessions_end(*, user) -> int:
    """Sign ``user`` out everywhere now: delete every stored session signed in as them.

    Used when the help desk disables an account or resets its two-factor sign-in. (A new
    password ends sessions by itself: each session keeps a hash of the password it signed in
    with.) Sessions are stored signed, not by user, so each live one is read: linear in the
    number of live sessions, which SESSION_ABSOLUTE_TIMEOUT keeps to those of the last hours.
    With a session engine that keeps no rows (signed cookies, cache only) nothing is deleted;
    a disabled account is then still refused at its next request (``is_active``).
    """
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY
    from django.utils import timezone

    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    signed_in_as = str(user.pk)
    ended = 0
    live = store.get_model_class().objects.filter(expire_date__gt=timezone.now())
    for session in live.only("session_key", "session_data").iterator(chunk_size=2000):
        if store().decode(session.session_data).get(SESSION_KEY) == signed_in_as:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
