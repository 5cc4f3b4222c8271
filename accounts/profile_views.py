"""My Profile self-service: contact information and a change of email verified by code."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.views.generic import FormView, UpdateView

from .profile import (
    pending_email_change,
    user_email_change_confirm,
    user_email_change_start,
    user_update_contact,
)
from .recovery_forms import ChangeEmailForm, ContactInformationForm, EmailCodeForm
from .sensitive import sensitive_post
from .verification import (
    CheckResult,
    attempts_left,
    email_verification_check,
    email_verification_resend,
)

SESSION_EMAIL_CHANGE = "_email_change_verification_id"


class ContactInformationView(LoginRequiredMixin, UpdateView):
    template_name = "accounts/contact_information.html"
    form_class = ContactInformationForm
    success_url = reverse_lazy("accounts:my_profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        user_update_contact(user=self.request.user, contact=form.cleaned_data)
        messages.success(self.request, "Your professional contact information was saved.")
        return redirect(self.success_url)


@sensitive_post
class ChangeEmailView(LoginRequiredMixin, FormView):
    template_name = "accounts/change_email.html"
    form_class = ChangeEmailForm
    success_url = reverse_lazy("accounts:change_email_verify")

    def get_form_kwargs(self):
        return {"user": self.request.user, **super().get_form_kwargs()}

    def form_valid(self, form):
        verification = user_email_change_start(
            user=self.request.user, new_email=form.cleaned_data["new_email1"]
        )
        self.request.session[SESSION_EMAIL_CHANGE] = verification.pk
        return super().form_valid(form)


@sensitive_post
class ChangeEmailVerifyView(LoginRequiredMixin, FormView):
    template_name = "accounts/change_email_verify.html"
    form_class = EmailCodeForm
    success_url = reverse_lazy("accounts:my_profile")

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return super().dispatch(request, *args, **kwargs)
        self.verification = pending_email_change(
            user=request.user, verification_id=request.session.get(SESSION_EMAIL_CHANGE)
        )
        if self.verification is None:
            return redirect("accounts:change_email")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(verification=self.verification, **kwargs)

    def post(self, request, *args, **kwargs):
        if "resend" in request.POST:
            email_verification_resend(verification=self.verification)
            messages.success(
                request,
                f"A new code was sent to {self.verification.email}. The old code no longer works.",
            )
            return redirect("accounts:change_email_verify")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        verification = self.verification
        result = email_verification_check(verification=verification, code=form.cleaned_data["code"])
        if result is CheckResult.VERIFIED:
            user_email_change_confirm(user=self.request.user, verification=verification)
            self.request.session.pop(SESSION_EMAIL_CHANGE, None)
            messages.success(
                self.request,
                f"Your email address is now {verification.email}. "
                "A notice was sent to your old address.",
            )
            return super().form_valid(form)
        error = {
            CheckResult.WRONG: "That code is not correct. You have {left} more "
            "{tries} before you must request a new code.",
            CheckResult.EXPIRED: "That code has expired. Select \u201cSend a new code\u201d "
            "to get a new one.",
            CheckResult.LOCKED: "Too many wrong codes were entered. Select \u201cSend a new "
            "code\u201d to get a new one.",
        }[result]
        left = attempts_left(verification)
        form.add_error("code", error.format(left=left, tries="try" if left == 1 else "tries"))
        return self.form_invalid(form)
