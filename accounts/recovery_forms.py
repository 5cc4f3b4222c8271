"""Forms of Forgot User ID, Forgot password and My Profile's self-service pages (issue 5)."""

import re

from django import forms

from .fields import USPhoneField, ZIPCodeField
from .forms import SecretTextInput
from .geo import US_STATES_AND_TERRITORIES
from .models import User

STATE_CHOICES = [("", "- Select -"), *US_STATES_AND_TERRITORIES]


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


class ContactInformationForm(forms.ModelForm):
    """My Profile: Professional Contact Information (the User Information is not editable)."""

    zip_code = ZIPCodeField(label="ZIP code", help_text="5 or 9 digits")
    work_phone = USPhoneField(label="Work phone", help_text="For example: 555-123-4567")
    state = forms.ChoiceField(label="State or territory", choices=STATE_CHOICES)

    class Meta:
        model = User
        fields = list(User.CONTACT_FIELDS)
        labels = {
            "company_name": "Company name",
            "address_line1": "Address line 1",
            "address_line2": "Address line 2",
            "city": "City",
            "country": "Country",
            "phone_extension": "Extension",
            "work_email": "Work email",
        }
        widgets = {
            "address_line1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "company_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "phone_extension": forms.TextInput(attrs={"inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("company_name", "address_line1", "city", "country", "work_email"):
            self.fields[name].required = True

    def clean_phone_extension(self):
        extension = self.cleaned_data["phone_extension"].strip()
        if extension and not extension.isdigit():
            raise forms.ValidationError("Enter the extension using digits only.")
        return extension


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
        help_text="The code in the email with the subject \u201cEmail Address Verification\u201d.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self):
        code = re.sub(r"[\s-]", "", self.cleaned_data["code"])
        if not code.isdigit():
            raise forms.ValidationError("Enter the code using digits only.")
        return code
