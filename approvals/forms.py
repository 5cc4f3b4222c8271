from django import forms

from .models import AccessRequest


class DecisionForm(forms.Form):
    """Approve, or deny with a reason from the list plus an explanation (required to deny)."""

    decision = forms.ChoiceField(
        label="Decision",
        choices=[("approve", "Approve"), ("deny", "Deny")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose Approve or Deny."},
    )
    reason = forms.ChoiceField(
        label="Reason for denial",
        required=False,
        choices=[("", "- Select -"), *AccessRequest.DenialReason.choices],
        help_text="Required when you deny. The applicant sees it in the email.",
    )
    note = forms.CharField(
        label="Explanation",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Required when you deny. The applicant sees it in the email.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "deny":
            if not cleaned.get("reason"):
                self.add_error("reason", "Choose a reason for denying the request.")
            if not cleaned.get("note", "").strip():
                self.add_error("note", "Explain why the request is denied.")
        return cleaned
