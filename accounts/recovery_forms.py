"""Forms of Forgot User ID, Forgot password and My Profile's self-service pages (issue 5)."""

import re

from django import forms
from django.conf import settings

from .contact_forms import ProfessionalContactForm
from .forms import SecretTextInput
from .models import User


class ForgotUserIdForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The email address on file for your IACS account.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ForgotPasswordForm(forms.Form):
    username = forms.CharField(
        label="User ID", max_length=20, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The email address on file for your IACS account.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class RecoveryAnswersForm(forms.Form):
    """The answers to the questions the portal picked; never shown back."""

    def __init__(self, *args, answers, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = answers
        for answer in answers:
            self.fields[f"answer_{answer.pk}"] = forms.CharField(
                label=answer.question.text,
                max_length=100,
                widget=SecretTextInput(attrs={"autocomplete": "off"}),
            )

    def texts(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(f"answer_{a.pk}", "") for a in self.asked}


class ContactInformationForm(ProfessionalContactForm):
    """My Profile: Professional Contact Information (the User Information is not editable)."""

    class Meta(ProfessionalContactForm.Meta):
        model = User


class ChangeEmailForm(forms.Form):
    """The new address twice and the current password; a code then goes to the new address."""

    new_email1 = forms.EmailField(
        label="New email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    new_email2 = forms.EmailField(
        label="Confirm new email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Current Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("Your current password is not correct.")
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_email1"), cleaned.get("new_email2")
        if first and second and first.lower() != second.lower():
            self.add_error("new_email2", "The two email addresses do not match.")
        elif first and first.lower() == self.user.email.lower():
            self.add_error("new_email1", "This is already your email address.")
        return cleaned


class EmailCodeForm(forms.Form):
    code = forms.CharField(
        label="Verification code",
        max_length=20,
        help_text=(
            f"The {settings.EMAIL_VERIFICATION_CODE_DIGITS}-digit code in the email with the "
            "subject \u201cEmail Address Verification\u201d."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not (code.isascii() and code.isdigit()):
            raise forms.ValidationError("Enter the code using digits only.")
        return code
