from django import forms

from .forms import SecretTextInput


class CodeForm(forms.Form):
    """The second step of sign-in: a code from the authenticator app, or a backup code."""

    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your backup codes.",
        widget=SecretTextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
    )


class PasswordCheckForm(forms.Form):
    """Your password again, before a change to two-factor sign-in."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your password is not correct.")
        return password


class ConfirmDeviceForm(PasswordCheckForm):
    """The first code of the new app; the password too when it replaces an earlier app."""

    code = forms.CharField(
        label="Code from your app",
        max_length=10,
        help_text="The 6-digit code the app shows after you added the key.",
        widget=SecretTextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    field_order = ["code", "password"]

    def __init__(self, *args, password_needed: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not password_needed:
            del self.fields["password"]
