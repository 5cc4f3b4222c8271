from django import forms
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms

from .lockout import login_failure_record, user_is_locked
from .models import AuthenticationQuestion, User
from .services import temporary_password_refusal


def invalid_login_message() -> str:
    """One message for an unknown User ID, a wrong password and a locked account."""
    minutes = int(settings.LOGIN_LOCKOUT_DURATION.total_seconds() // 60)
    return (
        "The User ID or password is not correct, or the account is locked. Passwords are "
        f"case-sensitive. After {settings.LOGIN_FAILURE_LIMIT} failed attempts an account is "
        f"locked for {minutes} minutes; the help desk can unlock it sooner."
    )


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.CharField(
        label="User ID", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "",  # invalid_login_message(), read when the settings are
        "inactive": "This account is disabled. Contact the help desk.",
    }

    def get_invalid_login_error(self):
        return forms.ValidationError(invalid_login_message(), code="invalid_login")

    def clean(self):
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            # The backend matches the User ID in any case and refuses a locked account.
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                account = User.objects.filter(username__iexact=username).order_by("pk").first()
                if account is not None and not user_is_locked(user=account):
                    login_failure_record(user=account)
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        refusal = temporary_password_refusal(user)
        if refusal:
            raise forms.ValidationError(refusal, code="temporary_password")


class NewPasswordForm(auth_forms.SetPasswordForm):
    """The forced change after a temporary password: new password twice (guide step 25)."""

    new_password1 = forms.CharField(
        label="New Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=(
            f"{settings.PASSWORD_MIN_LENGTH} to {settings.PASSWORD_MAX_LENGTH} characters. "
            "A passphrase of several words is easy to remember. Common and earlier passwords "
            "are refused."
        ),
    )
    new_password2 = forms.CharField(
        label="Confirm New Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class ChangePasswordForm(NewPasswordForm):
    """A change from My Profile requires the current password."""

    old_password = forms.CharField(
        label="Current Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]

    def clean_old_password(self):
        old_password = self.cleaned_data["old_password"]
        if not self.user.check_password(old_password):
            raise forms.ValidationError("Your current password is not correct.")
        return old_password


class SecretTextInput(forms.TextInput):
    """A text box whose value is never sent back to the browser (answers are secrets)."""

    def format_value(self, value):
        return None


class AuthenticationAnswersForm(forms.Form):
    """One optional answer per offered question; at least AUTH_QUESTIONS_REQUIRED answered."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(AuthenticationQuestion.objects.filter(is_active=True))
        for question in self.questions:
            self.fields[self.field_name(question)] = forms.CharField(
                label=question.text,
                required=False,
                max_length=100,
                widget=SecretTextInput(attrs={"autocomplete": "off"}),
            )

    @staticmethod
    def field_name(question: AuthenticationQuestion) -> str:
        return f"question_{question.pk}"

    def clean(self):
        cleaned = super().clean()
        required = settings.AUTH_QUESTIONS_REQUIRED
        answered = [q for q in self.questions if cleaned.get(self.field_name(q), "").strip()]
        if len(answered) < required:
            raise forms.ValidationError(
                f"Answer at least {required} of the {len(self.questions)} questions. "
                "For your security, answers you typed are not shown again."
            )
        return cleaned

    def answers(self) -> dict[AuthenticationQuestion, str]:
        return {q: self.cleaned_data.get(self.field_name(q), "") for q in self.questions}
