from django import forms
from django.db.models import Q

from .models import Organization, UserGroup


class RoleFilterForm(forms.Form):
    """Narrow Manage Roles to one organization or user group of the roles shown."""

    organization = forms.ModelChoiceField(
        label="Organization", queryset=Organization.objects.none(), required=False,
        empty_label="All organizations",
    )  # fmt: skip
    group = forms.ModelChoiceField(
        label="User group", queryset=UserGroup.objects.none(), required=False,
        empty_label="All user groups",
    )  # fmt: skip

    def __init__(self, *args, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(
            Q(pk__in=assignments.values("organization"))
            | Q(pk__in=assignments.values("group__organization"))
        ).order_by("legal_name")
        self.fields["group"].queryset = (
            UserGroup.objects.filter(pk__in=assignments.values("group"))
            .select_related("organization")
            .order_by("organization__legal_name", "name")
        )

    def filter(self, assignments):
        if not self.is_valid():
            return assignments
        if organization := self.cleaned_data["organization"]:
            assignments = assignments.filter(
                Q(organization=organization) | Q(group__organization=organization)
            )
        if group := self.cleaned_data["group"]:
            assignments = assignments.filter(group=group)
        return assignments


class RoleRemovalForm(forms.Form):
    reason = forms.CharField(
        label="Reason for removing the role",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The person sees it in the email telling them the role was removed.",
        error_messages={"required": "Give the reason for removing the role."},
    )

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Give the reason for removing the role.")
        return reason
