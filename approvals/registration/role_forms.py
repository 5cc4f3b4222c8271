"""Forms of the role-specific part of the wizard (SPEC 4.10): organizations, groups, practice."""

from django import forms

from accounts.fields import FixedChoiceField, USPhoneField, ZIPCodeField
from accounts.geo import COUNTRIES
from organizations.identifiers import CCNPTANField, EINField, NPIField
from organizations.models import Organization, UserGroup
from organizations.selectors import group_name_taken, organization_with_ein

from ..models import AccessRequest
from .forms import STATE_CHOICES


class _DetailsForm(forms.Form):
    """A form whose cleaned data is kept in the draft's ``details`` until submission."""

    def details(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


class NewOrganizationForm(_DetailsForm):
    """The organization a Security Official registers, checked for duplicates by EIN/TIN."""

    legal_name = forms.CharField(
        label="Legal business name",
        max_length=200,
        help_text="Exactly as registered with the IRS.",
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    ein = EINField(label="EIN/TIN", help_text="9 digits, for example 12-3456789.")
    npi = NPIField(label="NPI", required=False, help_text="10 digits.")
    ccn_ptan = CCNPTANField(label="CCN or PTAN", required=False)
    address_line1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        label="Address line 2",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = FixedChoiceField(label="Country", choices=COUNTRIES)
    state = FixedChoiceField(label="State or territory", choices=STATE_CHOICES)
    zip_code = ZIPCodeField(label="ZIP code", help_text="5 or 9 digits")

    def clean_ein(self):
        ein = self.cleaned_data["ein"]
        existing = organization_with_ein(ein=ein)
        if existing is not None:
            status = (
                "is waiting for CMS approval"
                if existing.status == Organization.Status.PENDING
                else "is already registered in IACS"
            )
            raise forms.ValidationError(
                f"An organization with this EIN/TIN {status}. An organization can be registered "
                "only once. If you work for it, register as a Backup Security Official or User "
                "Group Administrator of it, or contact its Security Official."
            )
        return ein


class GroupActionForm(forms.Form):
    action = forms.ChoiceField(
        label="What do you want to do?",
        choices=AccessRequest.GroupAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you want to do."},
        help_text="A surrogate user group is run by a company outside the organization, such as "
        "a billing company or contractor, on the organization's behalf.",
    )


class ProviderGroupForm(_DetailsForm):
    name = forms.CharField(label="User group name", max_length=100)
    description = forms.CharField(
        label="Description",
        max_length=500,
        help_text="What the group's members do (at most 500 characters).",
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 500}),
    )

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if group_name_taken(organization=self.organization, name=name):
            raise forms.ValidationError(
                f"{self.organization.legal_name} already has a user group with this name. "
                "Choose another name, or ask to administer the existing group."
            )
        return name


class SurrogateGroupForm(ProviderGroupForm):
    """A surrogate group records the outside company that runs it."""

    company_name = forms.CharField(
        label="Company name",
        max_length=200,
        help_text="The billing company or contractor working for the organization.",
    )
    company_ein = EINField(label="Company EIN/TIN", required=False)
    company_address_line1 = forms.CharField(label="Company address", max_length=200)
    company_city = forms.CharField(label="Company city", max_length=100)
    company_state = FixedChoiceField(label="Company state or territory", choices=STATE_CHOICES)
    company_zip_code = ZIPCodeField(label="Company ZIP code", help_text="5 or 9 digits")
    company_phone = USPhoneField(label="Company phone", help_text="For example: 555-123-4567")


class GroupChoiceForm(forms.Form):
    group = forms.ModelChoiceField(
        label="User group",
        queryset=UserGroup.objects.none(),
        empty_label="- Select a user group -",
        error_messages={
            "required": "Select a user group from the list.",
            "invalid_choice": "Select a user group from the list.",
        },
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = lambda group: (
            f"{group.name} ({group.get_kind_display()}"
            + (f", run by {group.company_name})" if group.is_surrogate else ")")
        )


class PracticeForm(_DetailsForm):
    """An Individual Practitioner's practice: no organization."""

    practice_name = forms.CharField(
        label="Practice name", max_length=200, help_text="Your name if you practise under it."
    )
    npi = NPIField(
        label="NPI", help_text="Your individual National Provider Identifier, 10 digits."
    )
    tin = EINField(label="TIN", required=False, help_text="9 digits.")
    address_line1 = forms.CharField(
        label="Practice address line 1",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        label="Practice address line 2",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label="City",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    state = FixedChoiceField(label="State or territory", choices=STATE_CHOICES)
    zip_code = ZIPCodeField(label="ZIP code", help_text="5 or 9 digits")
