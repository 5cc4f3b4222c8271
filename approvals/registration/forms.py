from django import forms
from django.core.validators import MaxLengthValidator
from django.utils.choices import BaseChoiceIterator
from django.views.decorators.debug import sensitive_variables

from accounts.contact_forms import STATE_CHOICES, ProfessionalContactForm
from accounts.fields import DateOfBirthField, FixedChoiceField, SSNField
from accounts.geo import COUNTRIES
from accounts.ssa import SSAUnavailable, ssa_identity_matches
from iacs_portal.form_renderer import PlainSelect
from organizations.roles import ROLE_DESCRIPTIONS, Role
from organizations.selectors import organization_search_choice

from ..models import AccessRequest

SSA_MISMATCH = (
    "The information you entered does not match the records of the Social Security "
    "Administration. Enter your name, date of birth and Social Security number exactly as they "
    "appear on your Social Security card. If they are correct, contact your local SSA office."
)
SSA_UNAVAILABLE = (
    "We cannot check your information with the Social Security Administration right now. "
    "Please try again later or contact the help desk."
)


class AcceptTermsForm(forms.Form):
    accept = forms.BooleanField(
        label="I Accept the above Terms and Conditions",
        error_messages={"required": "Check the box to accept the Terms and Conditions."},
    )


class RoleRadioSelect(forms.RadioSelect):
    """Radio buttons, each with the role's description."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["data-description"] = ROLE_DESCRIPTIONS.get(value, "")
        return option


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label="Select your role",
        widget=RoleRadioSelect,
        error_messages={"required": "Select a role.", "invalid_choice": "Select a role."},
    )

    def __init__(self, *args, community, held_roles=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.held_roles = held_roles
        self.fields["role"].choices = [
            (value, label) for value, label in Role.choices if community.offers(value)
        ]

    def clean_role(self):
        role = self.cleaned_data["role"]
        if role == Role.INDIVIDUAL_PRACTITIONER and role in self.held_roles:
            raise forms.ValidationError("You already hold the Individual Practitioner role.")
        return role


class UserInformationForm(forms.Form):
    first_name = forms.CharField(
        label="First name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    middle_name = forms.CharField(
        label="Middle name",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "additional-name"}),
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    suffix = forms.CharField(
        label="Suffix",
        max_length=20,
        required=False,
        help_text="For example: Jr., Sr., III",
        widget=forms.TextInput(attrs={"autocomplete": "honorific-suffix"}),
    )
    date_of_birth = DateOfBirthField(label="Date of birth", help_text="For example: 04/28/1986")
    ssn = SSNField(
        label="Social Security number",
        help_text="9 digits, for example 123-45-6789. For your security it is not shown again "
        "after you select Next.",
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    email_confirmation = forms.EmailField(
        label="Confirm email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    # Error reports list the local variables of each frame: none from here down (the SSA check).
    @sensitive_variables()
    def clean(self):
        cleaned = super().clean()
        email, confirmation = cleaned.get("email"), cleaned.get("email_confirmation")
        if email and confirmation and email.casefold() != confirmation.casefold():
            self.add_error("email_confirmation", "The email addresses do not match.")
        identity = [
            cleaned.get(name) for name in ("first_name", "last_name", "date_of_birth", "ssn")
        ]
        if all(identity) and not self.errors:
            first_name, last_name, date_of_birth, ssn = identity
            try:
                matched = ssa_identity_matches(
                    first_name=first_name, last_name=last_name, date_of_birth=date_of_birth, ssn=ssn
                )
            except SSAUnavailable:
                raise forms.ValidationError(SSA_UNAVAILABLE, code="ssa_unavailable") from None
            if not matched:
                raise forms.ValidationError(SSA_MISMATCH, code="ssa_mismatch")
        return cleaned


class ContactForm(ProfessionalContactForm):
    class Meta(ProfessionalContactForm.Meta):
        model = AccessRequest


class OrganizationSearchForm(forms.Form):
    name = forms.CharField(
        label="Business name",
        max_length=200,
        min_length=2,
        help_text="All or part of the organization's legal business name.",
    )
    country = FixedChoiceField(label="Country", choices=COUNTRIES)
    state = FixedChoiceField(label="State or territory", choices=STATE_CHOICES)


class _Results(BaseChoiceIterator):
    """A search's results as choices: the empty one, then each row of the page read
    (``SearchResult``s), its id as the value; lazy, so that setting them checks none of them."""

    def __init__(self, empty_label: str, rows):
        self.empty_label, self.rows = empty_label, rows

    def __iter__(self):
        yield ("", self.empty_label)
        for row in self.rows:
            yield row.pk, f"{row.legal_name} ({row.city}, {row.state})"


class SearchResultField(forms.ChoiceField):
    """An organization among those a search matches: listed from the page of results read
    (``show``), and when posted checked by its id among all the search's matches (the list shows
    only the first ones), in one narrow read of that row (``organization_search_choice``).
    ``criteria`` is the search posted with the choice; None (no valid search) refuses any."""

    widget = PlainSelect
    criteria: dict | None = None

    def __init__(self, *, empty_label: str, **kwargs):
        super().__init__(**kwargs)
        self.empty_label = empty_label
        self.show(())

    def show(self, rows) -> None:
        self.choices = _Results(self.empty_label, rows)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        chosen = None
        try:
            key = int(value)  # as the ORM takes a primary key
        except (TypeError, ValueError):
            pass
        else:
            if self.criteria is not None:
                chosen = organization_search_choice(organization_id=key, **self.criteria)
        if chosen is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return chosen

    def validate(self, value):
        forms.Field.validate(self, value)  # required; the choice was checked as it was read


class OrganizationChoiceForm(forms.Form):
    organization = SearchResultField(
        label="Organization(s)",
        empty_label="- Select your organization -",
        error_messages={
            "required": "Select your organization from the list.",
            "invalid_choice": "Select your organization from the list.",
        },
    )

    def __init__(self, *args, criteria: dict | None, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].criteria = criteria
        self.fields["organization"].show(rows)


class JustificationForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["justification"]
        labels = {"justification": "Justification for Action"}
        help_texts = {"justification": "Why you need this access (at most 1,000 characters)."}
        widgets = {"justification": forms.Textarea(attrs={"rows": 5, "maxlength": 1000})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["justification"].required = True
        self.fields["justification"].validators.append(
            MaxLengthValidator(1000, "Use at most 1,000 characters.")
        )
