"""Gates every request passes: the warning screen, the first-login setup, required two-factor.

The order at sign-in (ADR 7): User ID and password, then the one-time code if the person has
an authenticator app, then the first-login setup (new password, questions), then, for a role
that requires two-factor, setting up the app. Each gate opens only when the one before is done.
"""

from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

PORTAL_ENTERED_SESSION_KEY = "portal_entered"

# Paths that need neither gate: the warning itself, static files, the development outbox, the
# load balancer's health check, and the emailed reset link, which only moves its token into the
# session (never into a ?next=).
_ALWAYS_OPEN = ("/static/", "/outbox/", "/favicon.ico", "/health/", "/recover/password/link/")


def safe_next_url(request, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


class PortalEntryMiddleware:
    """SPEC 4.1: nothing is reachable before the visitor chooses to enter from the warning."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        warning_url = reverse("accounts:warning")
        path = request.path
        if (
            not request.session.get(PORTAL_ENTERED_SESSION_KEY)
            and path != warning_url
            and not path.startswith(_ALWAYS_OPEN)
        ):
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(f"{warning_url}?{query}" if query else warning_url)
        return self.get_response(request)


class FirstLoginMiddleware:
    """SPEC 5: until the password is changed and the questions answered, nothing else opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        # The Django admin (help desk staff) has its own sign-in and is not part of this flow.
        exempt = request.path.startswith(_ALWAYS_OPEN) or request.path.startswith("/admin/")
        if user is not None and user.is_authenticated and not exempt:
            allowed = {
                reverse("accounts:change_password"),
                reverse("accounts:change_answers"),
                reverse("accounts:logout"),
                reverse("accounts:warning"),
            }
            if request.path not in allowed and user.needs_first_login_setup():
                target = "change_password" if user.must_change_password else "change_answers"
                return redirect(reverse(f"accounts:{target}"))
        return self.get_response(request)


class TwoFactorGateMiddleware:
    """SPEC 9: SOs, BSOs, UGAs and staff reach nothing until signed in with two factors.

    Without an authenticator app they are sent to set one up. A session signed in without the
    code (which the sign-in pages never make) is ended and sent to sign in again.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.contrib.auth import logout

        from .two_factor import user_has_two_factor, user_requires_two_factor

        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or request.path.startswith(_ALWAYS_OPEN):
            return self.get_response(request)
        allowed = {
            reverse("accounts:two_factor_setup"),
            reverse("accounts:answers_saved"),  # the end of the first-login setup
            reverse("accounts:logout"),
            reverse("accounts:warning"),
        }
        if (
            user.is_verified()  # signed in with the code: nothing to ask (and no query)
            or user.needs_first_login_setup()  # the first-login gate comes first
            or not user_requires_two_factor(user)
        ):
            return self.get_response(request)
        if user_has_two_factor(user):
            # On every page, the setup page included: setting up another app there would get
            # round the code of the one the person has.
            logout(request)
            request.session[PORTAL_ENTERED_SESSION_KEY] = True
            return redirect(reverse("accounts:login"))
        if request.path in allowed:
            return self.get_response(request)
        return redirect(reverse("accounts:two_factor_setup"))
