"""Professional Contact Information: one form for the registration step and for My Profile."""

from django import forms

from .fields import FixedChoiceField, USPhoneField, ZIPCodeField
from .geo import US_STATES_AND_TERRITORIES
from .models import ProfessionalContact

STATE_CHOICES = [("", "- Select -"), *US_STATES_AND_TERRITORIES]


class ProfessionalContactForm(forms.ModelForm):
    """The contact fields of any ProfessionalContact model; subclasses name the model:
    ``class Meta(ProfessionalContactForm.Meta): model = ...``."""

    zip_code = ZIPCodeField(label="ZIP code", help_text="5 or 9 digits")
    work_phone = USPhoneField(label="Work phone", help_text="For example: 555-123-4567")
    state = FixedChoiceField(label="State or territory", choices=STATE_CHOICES)

    REQUIRED = ("company_name", "address_line1", "city", "country", "work_email")

    class Meta:
        fields = list(ProfessionalContact.CONTACT_FIELDS)
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
        for name in self.REQUIRED:
            self.fields[name].required = True

    def clean_phone_extension(self):
        extension = self.cleaned_data["phone_extension"].strip()
        if extension and not extension.isdigit():
            raise forms.ValidationError("Enter the extension using digits only.")
        return extension
