"""Sign-in in two stages: User ID and password, then (with two-factor) a one-time code.

Between the two stages the session holds only the user's id and when the password was
accepted; nobody is signed in until the code is, and the wait is SIGN_IN_CODE_TIMEOUT.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.db.models import Exists, OuterRef
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.generic import FormView
from django_otp import login as otp_login

from iacs_portal.compiled_reads import CompiledRead
from iacs_portal.ratelimit import rate_limited
from iacs_portal.row_updates import RowUpdates

from .forms import LoginForm, invalid_login_message
from .lockout import login_failure_record, login_failures_clear, user_is_locked
from .middleware import safe_next_url
from .models import AuthenticatorApp, LoginFailure, User
from .sensitive import sensitive_post
from .services import user_record_login
from .two_factor import code_verify, is_app_code, normalise_code, user_has_two_factor
from .two_factor_forms import CodeForm

PENDING_SESSION_KEY = "sign_in_pending"


def sign_in_complete(
    request,
    *,
    user: User,
    device=None,
    had_failures: bool = True,
    updates: RowUpdates | None = None,
) -> None:
    """``had_failures``: False when the user had no failed sign-in when read: none to forget.

    ``updates``: rows changes held to be written with the session (the device's accepted code,
    ``code_verify``). The user's own saves by field (``last_login``, by Django's receiver of
    ``user_logged_in``, which every receiver still gets) join them.
    """
    updates = RowUpdates() if updates is None else updates
    with updates.saves_of(user):
        user_record_login(user=user)
        if had_failures:
            login_failures_clear(user=user)
        auth_login(request, user)  # a new session key
    if device is not None:
        otp_login(request, device)
    # Its row written now, in the sign-in's transaction, with the rows' changes in one statement
    # (accounts.session_store): the middleware's save at the end of the request writes nothing.
    save_with = getattr(request.session, "save_with", None)
    if save_with is not None:
        save_with(updates)
    else:  # another session engine (SESSION_ENGINE)
        updates.write()
        request.session.save()


# The person between the two stages, and whether they have failed sign-ins to forget: read on
# every code page and code POST, so compiled once per process (iacs_portal.compiled_reads),
# where compiling the ORM's query (every column of the user, and the EXISTS) cost more CPU than
# running it. By primary key: no ORDER BY, which first() would add for the one row. Not the
# encrypted SSN and date of birth, which signing in never reads (each a decryption).
_pending_user = CompiledRead(
    lambda user_id: (
        User.objects.filter(pk=user_id, is_active=True)
        .defer("ssn", "date_of_birth")
        .annotate(had_login_failures=Exists(LoginFailure.objects.filter(user=OuterRef("pk"))))
        .order_by()[:1]
    ),
    user_id=-7_000_000_001,
)


# On the POST of an app's code, the person's confirmed apps, locked as ``code_verify`` locks
# them, each with the person (the same columns and EXISTS as ``_pending_user``): the person and
# the apps in one statement where they were two, one round trip fewer in every sign-in.
_pending_user_apps = CompiledRead(
    lambda user_id: (
        AuthenticatorApp.objects.filter(user_id=user_id, user__is_active=True, confirmed=True)
        .select_related("user")
        .defer("user__ssn", "user__date_of_birth")
        .annotate(had_login_failures=Exists(LoginFailure.objects.filter(user=OuterRef("user_id"))))
        .select_for_update(of=("self",))
        .order_by()
    ),
    user_id=-7_000_000_001,
)


def _pending_user_id(request) -> int | None:
    pending = request.session.get(PENDING_SESSION_KEY)
    if not isinstance(pending, dict):
        return None
    age = timezone.now().timestamp() - pending.get("at", 0)
    if not 0 <= age <= settings.SIGN_IN_CODE_TIMEOUT.total_seconds():
        request.session.pop(PENDING_SESSION_KEY, None)
        return None
    user_id = pending.get("user_id")
    # Only the password step writes it: always an id.
    return user_id if type(user_id) is int else None


def _read_pending_user(user_id: int) -> User | None:
    user = next(iter(_pending_user(user_id=user_id)), None)
    if user is not None:  # raw() leaves SQLite's EXISTS an integer: a bool, as the ORM's
        user.had_login_failures = bool(user.had_login_failures)
    return user


def pending_user(request) -> User | None:
    """The person between the two stages, or None (no sign-in pending, or it timed out)."""
    user_id = _pending_user_id(request)
    return None if user_id is None else _read_pending_user(user_id)


def pending_user_and_apps(request) -> tuple[User | None, list[AuthenticatorApp] | None]:
    """``pending_user``, with the person's confirmed apps read locked in the same statement
    (for ``code_verify``), in the caller's transaction. Where that statement found no app, the
    person is read alone, with no app: none to lock, none to accept a code."""
    user_id = _pending_user_id(request)
    if user_id is None:
        return None, None
    apps = _pending_user_apps(user_id=user_id)
    if not apps:
        return _read_pending_user(user_id), []
    user = apps[0].user
    user.had_login_failures = bool(apps[0].had_login_failures)
    for app in apps:
        app.user = user  # one person, whose sign-in the accepted app's changes join
    return user, apps


class LoginView(rate_limited("login"), auth_views.LoginView):
    """Guide step 24: Login to IACS."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if user_has_two_factor(user):
            self.request.session[PENDING_SESSION_KEY] = {
                "user_id": user.pk,
                "at": timezone.now().timestamp(),
            }
            next_url = self.get_redirect_url()
            query = f"?{urlencode({'next': next_url})}" if next_url else ""
            return redirect(reverse("accounts:login_code") + query)
        sign_in_complete(self.request, user=user)
        return redirect(self.get_success_url())


@sensitive_post
class LoginCodeView(rate_limited("login"), FormView):
    """Sign-in, second stage: the code from the authenticator app or a backup code."""

    template_name = "accounts/login_code.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        self.apps = None
        if request.method == "POST" and is_app_code(normalise_code(request.POST.get("code", ""))):
            self.user, self.apps = pending_user_and_apps(request)
        else:
            self.user = pending_user(request)
        if self.user is None and request.user.is_authenticated:  # signed in already: Back, Refresh
            return redirect(safe_next_url(request, reverse(settings.LOGIN_REDIRECT_URL)))
        if self.user is None:
            messages.info(request, "Your sign-in timed out. Enter your User ID and password again.")
            return redirect("accounts:login")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(next=safe_next_url(self.request, ""), **kwargs)

    def _back_to_login(self):
        self.request.session.pop(PENDING_SESSION_KEY, None)
        messages.error(self.request, invalid_login_message())
        return redirect("accounts:login")

    def form_valid(self, form):
        if user_is_locked(user=self.user):
            return self._back_to_login()
        updates = RowUpdates()
        device = code_verify(
            user=self.user, code=form.cleaned_data["code"], updates=updates, apps=self.apps
        )
        if device is None:
            if login_failure_record(user=self.user):
                return self._back_to_login()
            form.add_error(
                "code",
                "The code is not correct. Each code works once; wait for the app to show a new "
                "one, or use a backup code.",
            )
            return self.form_invalid(form)
        self.request.session.pop(PENDING_SESSION_KEY, None)
        sign_in_complete(
            self.request,
            user=self.user,
            device=device,
            had_failures=self.user.had_login_failures,
            updates=updates,
        )
        return redirect(safe_next_url(self.request, reverse(settings.LOGIN_REDIRECT_URL)))
