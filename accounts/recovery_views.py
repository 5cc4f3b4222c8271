"""Forgot User ID and Forgot password (issue 5). Business rules are in accounts/recovery.py."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.views import View
from django.views.generic import FormView, TemplateView

from iacs_portal.ratelimit import rate_limited

from .forms import NewPasswordForm
from .recovery import (
    AnswersResult,
    forgot_user_id_request,
    password_reset_request,
    recovery_attempts_left,
    recovery_check_answers,
    recovery_questions,
    recovery_set_password,
    recovery_user_for_token,
)
from .recovery_forms import ForgotPasswordForm, ForgotUserIdForm, RecoveryAnswersForm
from .sensitive import sensitive_post

# The reset link's user and token live here once the link is opened, never in a URL again.
SESSION_USER = "_recovery_user_id"
SESSION_TOKEN = "_recovery_token"  # nosec B105 # a session key, not a secret
SESSION_ANSWERED = "_recovery_answered"


class LinkMinutesMixin:
    def get_context_data(self, **kwargs):
        minutes = int(settings.PASSWORD_RESET_LINK_TTL.total_seconds() // 60)
        return super().get_context_data(link_minutes=minutes, **kwargs)


class ForgotUserIdView(rate_limited("forgot_user_id"), FormView):
    template_name = "accounts/forgot_user_id.html"
    form_class = ForgotUserIdForm
    success_url = reverse_lazy("accounts:forgot_user_id_sent")

    def form_valid(self, form):
        forgot_user_id_request(email=form.cleaned_data["email"])
        return super().form_valid(form)


class ForgotPasswordView(rate_limited("forgot_password"), LinkMinutesMixin, FormView):
    template_name = "accounts/forgot_password.html"
    form_class = ForgotPasswordForm
    success_url = reverse_lazy("accounts:forgot_password_sent")

    def form_valid(self, form):
        password_reset_request(
            username=form.cleaned_data["username"], email=form.cleaned_data["email"]
        )
        return super().form_valid(form)


class RecoverySentView(LinkMinutesMixin, TemplateView):
    """The same message whether or not anything matched."""

    template_name = "accounts/recovery_sent.html"


class PasswordResetLinkView(View):
    """The emailed link: its token goes into the session at once, and the URL is left behind.

    As Django's PasswordResetConfirmView does; the link is checked on the next page.
    """

    def get(self, request, uidb64: str, token: str):
        try:
            user_id = int(force_str(urlsafe_base64_decode(uidb64)))
        except (TypeError, ValueError, OverflowError):
            user_id = None
        request.session[SESSION_USER] = user_id
        request.session[SESSION_TOKEN] = token
        request.session.pop(SESSION_ANSWERED, None)
        return redirect("accounts:password_reset_questions")


def _forget_recovery(session) -> None:
    for key in (SESSION_USER, SESSION_TOKEN, SESSION_ANSWERED):
        session.pop(key, None)


class RecoveryStepMixin:
    """Each step checks the link again: it is still within its time and not yet used."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            return redirect("accounts:my_profile")
        self.recovering = recovery_user_for_token(
            user_id=request.session.get(SESSION_USER),
            token=request.session.get(SESSION_TOKEN) or "",
        )
        if self.recovering is None:
            _forget_recovery(request.session)
            return render(request, "accounts/recovery_link_invalid.html", status=400)
        return super().dispatch(request, *args, **kwargs)

    def answered(self) -> bool:
        return self.request.session.get(SESSION_ANSWERED) == self.request.session.get(SESSION_TOKEN)


@sensitive_post
class RecoveryQuestionsView(RecoveryStepMixin, FormView):
    template_name = "accounts/recovery_questions.html"
    success_url = reverse_lazy("accounts:password_reset_new")

    def get(self, request, *args, **kwargs):
        if self.answered():
            return redirect(self.success_url)
        return super().get(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return RecoveryAnswersForm(
            answers=recovery_questions(self.recovering), **self.get_form_kwargs()
        )

    def form_valid(self, form):
        result = recovery_check_answers(user=self.recovering, texts=form.texts())
        if result is AnswersResult.CORRECT:
            self.request.session[SESSION_ANSWERED] = self.request.session[SESSION_TOKEN]
            return super().form_valid(form)
        if result is AnswersResult.SPENT:
            _forget_recovery(self.request.session)
            return render(self.request, "accounts/recovery_link_invalid.html", {"spent": True})
        left = recovery_attempts_left(self.recovering)
        form.add_error(
            None,
            f"One or more answers are not correct. You have {left} more "
            f"{'try' if left == 1 else 'tries'} before this link stops working.",
        )
        return self.form_invalid(form)


@sensitive_post
class RecoveryNewPasswordView(RecoveryStepMixin, FormView):
    template_name = "accounts/recovery_new_password.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get(self, request, *args, **kwargs):
        if not self.answered():
            return redirect("accounts:password_reset_questions")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if not self.answered():
            return redirect("accounts:password_reset_questions")
        return super().post(request, *args, **kwargs)

    def get_form(self, form_class=None):
        return NewPasswordForm(user=self.recovering, **self.get_form_kwargs())

    def form_valid(self, form):
        # No sign-in: the person signs in with the new password, as CMS's portal asks.
        recovery_set_password(user=self.recovering, new_password=form.cleaned_data["new_password1"])
        _forget_recovery(self.request.session)
        return super().form_valid(form)


class PasswordResetDoneView(TemplateView):
    template_name = "accounts/recovery_done.html"
