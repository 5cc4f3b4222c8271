from django import forms

from .models import AccessRequest
from .selectors import QUEUE_AGES, QUEUE_DEFAULT_SORT, QueueFilterOptions


class RequiredToDenyMixin:
    """A field the approver must fill in to deny, and may leave empty to approve.

    It reports itself required, so the form does not label it "(optional)"; the form's
    ``clean`` decides whether it may be empty.
    """

    def validate(self, value):
        if value in self.empty_values:
            return
        super().validate(value)


class RequiredToDenyChoiceField(RequiredToDenyMixin, forms.ChoiceField):
    pass


class RequiredToDenyCharField(RequiredToDenyMixin, forms.CharField):
    pass


class DecisionForm(forms.Form):
    """Approve, or deny with a reason from the list plus an explanation (both required to deny)."""

    # Both denial fields are "required" only when denying: no browser-side required attribute.
    use_required_attribute = False

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("deny", "Deny")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Approve or Deny."},
    )
    reason = RequiredToDenyChoiceField(
        label="Reason for denial",
        choices=[("", "- Select -"), *AccessRequest.DenialReason.choices],
        help_text="Required when you deny. The applicant sees it in the email.",
    )
    note = RequiredToDenyCharField(
        label="Explanation",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you deny. The applicant sees it in the email.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "deny":
            if "reason" in cleaned and not cleaned["reason"]:
                self.add_error("reason", "Choose a reason for denying the request.")
            if "note" in cleaned and not cleaned["note"].strip():
                self.add_error("note", "Explain why the request is denied.")
        return cleaned


def _ignored(what: str) -> dict:
    return {"invalid_choice": f"That {what} is not one of the choices, so it was ignored."}


class QueueFilterForm(forms.Form):
    """The queue's filters, read from the query string. A bad value is an error, never a 500."""

    kind = forms.ChoiceField(
        label="Request",
        required=False,
        choices=[("", "Any request"), *AccessRequest.Kind.choices],
        error_messages=_ignored("request kind"),
    )
    organization = forms.TypedChoiceField(
        label="Organization", required=False, coerce=int, error_messages=_ignored("organization")
    )
    group = forms.TypedChoiceField(
        label="User group", required=False, coerce=int, error_messages=_ignored("user group")
    )
    older_than_days = forms.TypedChoiceField(
        label="Waiting",
        required=False,
        coerce=int,
        choices=[("", "Any time"), *((str(d), f"More than {d} days") for d in QUEUE_AGES)],
        error_messages=_ignored("waiting time"),
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[
            ("oldest", "Oldest first"),
            ("newest", "Newest first"),
            ("applicant", "Applicant name (last name, A to Z)"),
            ("tracking_number", "Tracking number"),
        ],
        error_messages=_ignored("sort order"),
    )

    def __init__(self, *args, options: QueueFilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", "Any organization"), *options.organizations]
        self.fields["group"].choices = [("", "Any user group"), *options.groups]

    def filters(self) -> dict:
        """The valid filters as ``selectors.queue_filter`` takes them; invalid ones are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        empty = ("", None)
        filters = {"sort": data.get("sort") or QUEUE_DEFAULT_SORT}
        if data.get("kind"):
            filters["kind"] = data["kind"]
        for field, argument in [
            ("organization", "organization_id"),
            ("group", "group_id"),
            ("older_than_days", "older_than_days"),
        ]:
            if data.get(field) not in empty:
                filters[argument] = data[field]
        return filters

    def sort_label(self) -> str:
        """The sort in effect, in words for the table caption: "Oldest first"."""
        return dict(self.fields["sort"].choices)[self.filters()["sort"]]


class StatusLookupForm(forms.Form):
    tracking_number = forms.CharField(
        label="Tracking number",
        max_length=40,
        help_text="From the email you received when you submitted your request, for example "
        "IR-12345-67890.",
        error_messages={"required": "Enter your tracking number."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        help_text="The email address you gave in your request.",
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address in the correct format, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
