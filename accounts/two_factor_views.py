"""My Profile, Two-Factor Authentication: set up an authenticator app, backup codes, turn off."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views.generic import FormView, TemplateView
from django_otp import login as otp_login

from .sensitive import sensitive_post
from .two_factor import (
    backup_codes_regenerate,
    manual_key,
    pending_totp_device,
    qr_code_data_uri,
    totp_device_confirm,
    two_factor_remove,
    user_has_two_factor,
    user_requires_two_factor,
)
from .two_factor_forms import ConfirmDeviceForm, PasswordCheckForm

BACKUP_CODES_TEMPLATE = "accounts/two_factor_backup_codes.html"


class TwoFactorView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/two_factor.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            enrolled=user_has_two_factor(user), required=user_requires_two_factor(user), **kwargs
        )


@sensitive_post
class TwoFactorSetupView(LoginRequiredMixin, FormView):
    """Scan the QR code (or type the key), then confirm with the app's first code."""

    template_name = "accounts/two_factor_setup.html"
    form_class = ConfirmDeviceForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.device = pending_totp_device(user=request.user)
            self.replacing = user_has_two_factor(request.user)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        return {**kwargs, "user": self.request.user, "password_needed": self.replacing}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            qr_code=qr_code_data_uri(self.device),
            manual_key=manual_key(self.device),
            replacing=self.replacing,
            required=user_requires_two_factor(self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        codes = totp_device_confirm(
            user=self.request.user, device=self.device, code=form.cleaned_data["code"]
        )
        if codes is None:
            form.add_error(
                "code",
                "The code is not correct. Check that the app's clock is right and enter the "
                "code it shows now.",
            )
            return self.form_invalid(form)
        otp_login(self.request, self.device)
        return render(self.request, BACKUP_CODES_TEMPLATE, {"codes": codes, "just_enrolled": True})


@sensitive_post
class PasswordCheckedView(LoginRequiredMixin, FormView):
    form_class = PasswordCheckForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_two_factor(request.user):
            return redirect("accounts:two_factor")
        return super().dispatch(request, *args, **kwargs)


class BackupCodesView(PasswordCheckedView):
    """New backup codes, shown once; the earlier ones stop working."""

    template_name = "accounts/two_factor_new_codes.html"

    def form_valid(self, form):
        codes = backup_codes_regenerate(user=self.request.user)
        return render(self.request, BACKUP_CODES_TEMPLATE, {"codes": codes})


class TwoFactorRemoveView(PasswordCheckedView):
    template_name = "accounts/two_factor_remove.html"

    def get_context_data(self, **kwargs):
        required = user_requires_two_factor(self.request.user)
        return super().get_context_data(required=required, **kwargs)

    def form_valid(self, form):
        two_factor_remove(user=self.request.user)
        messages.success(self.request, "Two-factor sign-in is turned off.")
        return redirect("accounts:two_factor")
