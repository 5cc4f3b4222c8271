"""The help desk's actions on organizations and user groups (iacs_portal.admin_actions).

Each calls a service in ``services.py`` with the staff member and the reason; the service
checks the status under a row lock and records the audit event.
"""

from django import forms
from django.contrib.auth import get_user_model

from iacs_portal.admin_actions import ReasonForm, StaffAction, refusing

from .models import Organization, RoleAssignment, UserGroup
from .roles import Role
from .selectors import active_officials, proposing_request
from .services import (
    ReseatError,
    RoleRemovalError,
    StatusChangeError,
    group_approve,
    group_reject,
    organization_approve,
    organization_reinstate,
    organization_reject,
    organization_suspend,
    security_official_reseat,
)

CHANGE_ORGANIZATION_STATUS = "organizations.change_organization_status"
RESEAT = "organizations.reseat_security_official"
CHANGE_GROUP_STATUS = "organizations.change_usergroup_status"


def _proposed_refusal(request, obj) -> str:
    """A pending organization or group proposed by a pending request is decided with it."""
    if isinstance(obj, Organization):
        pending = proposing_request(organization=obj)
        what = "Security Official"
    else:
        pending = proposing_request(group=obj)
        what = "User Group Administrator"
    if pending is None:
        return ""
    return (
        f"{obj} was proposed by the {what} request {pending.tracking_number}, which is "
        "waiting for a decision: it is approved or denied with that request (see Requests), "
        "by whoever decides the request."
    )


def _status_action(
    name, label, service, *, verb, source, permission, explanation, proposed_refusal=None
):
    """A status change of an organization or group: the service checks the status again."""
    noun = "organization" if permission == CHANGE_ORGANIZATION_STATUS else "group"

    @refusing(StatusChangeError)
    def perform(request, obj, data) -> str:
        service(**{noun: obj}, by=request.user, reason=data["reason"])
        return f"{obj} was {verb}."

    return StaffAction(
        name=name,
        label=label,
        permission=permission,
        perform=perform,
        explanation=explanation,
        not_now=lambda request, obj: (
            f"{obj} is {obj.get_status_display().lower()}: only a {source.label.lower()} "
            f"{'organization' if noun == 'organization' else 'user group'} can be {verb}."
            if obj.status != source
            else (proposed_refusal(request, obj) if proposed_refusal else "")
        ),
    )


ORGANIZATION_STATUS_ACTIONS = (
    _status_action(
        "approve", "Approve organization", organization_approve, verb="approved",
        source=Organization.Status.PENDING, permission=CHANGE_ORGANIZATION_STATUS,
        explanation="The organization becomes approved: people can choose it in their requests.",
        proposed_refusal=_proposed_refusal,
    ),
    _status_action(
        "deny", "Deny organization", organization_reject, verb="denied",
        source=Organization.Status.PENDING, permission=CHANGE_ORGANIZATION_STATUS,
        explanation="The organization is not approved, and its EIN/TIN may be registered again.",
        proposed_refusal=_proposed_refusal,
    ),
    _status_action(
        "suspend", "Suspend organization", organization_suspend, verb="suspended",
        source=Organization.Status.APPROVED, permission=CHANGE_ORGANIZATION_STATUS,
        explanation="While suspended, nobody can choose the organization in a new request and "
        "no role can be granted in it (its pending requests can be denied, not approved). Its "
        "people keep their accounts and roles. Its Security Officials and Backup Security "
        "Officials are told by email (without your reason).",
    ),
    _status_action(
        "reinstate", "Reinstate organization", organization_reinstate, verb="reinstated",
        source=Organization.Status.SUSPENDED, permission=CHANGE_ORGANIZATION_STATUS,
        explanation="The organization is approved again, as it was before the suspension. Its "
        "Security Officials and Backup Security Officials are told by email.",
    ),
)  # fmt: skip

GROUP_ACTIONS = (
    _status_action(
        "approve", "Approve user group", group_approve, verb="approved",
        source=UserGroup.Status.PENDING, permission=CHANGE_GROUP_STATUS,
        explanation="The user group becomes approved: people can ask to join or administer it.",
        proposed_refusal=_proposed_refusal,
    ),
    _status_action(
        "deny", "Deny user group", group_reject, verb="denied",
        source=UserGroup.Status.PENDING, permission=CHANGE_GROUP_STATUS,
        explanation="The user group is not approved; its name is free to be used again.",
        proposed_refusal=_proposed_refusal,
    ),
)  # fmt: skip


class SecurityOfficialChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, assignment: RoleAssignment) -> str:
        user = assignment.user
        state = "" if user.is_active else ", account disabled"
        return f"{user.full_name} ({user.username}{state})"


class ReseatForm(ReasonForm):
    """Who takes over the Security Official role, from whom, and why."""

    new_user_id = forms.CharField(
        label="User ID of the new Security Official",
        max_length=20,
        help_text="Their existing, enabled portal account: ask them for their User ID.",
        error_messages={"required": "Enter the User ID of the new Security Official."},
    )
    replaces = SecurityOfficialChoiceField(
        label="Security Official to replace",
        queryset=RoleAssignment.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Their role is removed once the new Security Official holds it; they are "
        "told by email, with your reason.",
        error_messages={
            "required": "Choose the Security Official to replace.",
            "invalid_choice": "That person is no longer a Security Official of this "
            "organization. Choose again.",
        },
    )
    field_order = ["new_user_id", "replaces", "reason"]

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = (
            "Why, in a sentence: for example the letter or ticket it answers. It is kept in "
            "the audit trail and sent to the Security Official replaced."
        )
        officials = active_officials(organization=organization, role=Role.SECURITY_OFFICIAL)
        if officials.exists():
            self.fields["replaces"].queryset = officials
        else:
            del self.fields["replaces"]  # nobody to replace: the new one is simply seated

    def clean_new_user_id(self):
        user_id = self.cleaned_data["new_user_id"].strip()
        user = get_user_model().objects.filter(username__iexact=user_id).first()
        if user is None:
            raise forms.ValidationError(
                f"No account has the User ID “{user_id}”. Check it with the person: it is in "
                "the email that gave it to them."
            )
        return user


@refusing(ReseatError, RoleRemovalError)
def _reseat(request, organization, data) -> str:
    new_user, replaces = data["new_user_id"], data.get("replaces")
    security_official_reseat(
        organization=organization,
        new_user=new_user,
        replaces=replaces,
        by=request.user,
        reason=data["reason"],
    )
    replaced = f", replacing {replaces.user.full_name}" if replaces is not None else ""
    return (
        f"{new_user.full_name} ({new_user.username}) is now the Security Official of "
        f"{organization}{replaced}. Both were told by email."
    )


RESEAT_ACTION = StaffAction(
    name="reseat-security-official",
    label="Hand over the Security Official role",
    permission=RESEAT,
    perform=_reseat,
    explanation="The person you name becomes a Security Official of this organization, and the "
    "one they replace loses the role, in one step: the organization is never without one. "
    "It works even if the old Security Official's account is disabled.",
    not_now=lambda request, obj: (
        ""
        if obj.status in (Organization.Status.APPROVED, Organization.Status.SUSPENDED)
        else f"{obj} is {obj.get_status_display().lower()}: only an approved or suspended "
        "organization has a Security Official to hand over."
    ),
    form_class=ReseatForm,
    form_kwargs=lambda request, obj: {"organization": obj},
)
